"""More of the obligation's rules: what counts as available, whose exemptions count, who sees
and follows up what, what is audited, and how a ledger is read and never doubled."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.core.errors import DomainError, NotAllowed
from app.exemptions import services as exemptions
from app.exemptions.models import ExemptionState
from app.notifications.models import Notification
from app.purchases import ledger, services
from app.purchases.models import Classification, FollowUp, OutsidePurchase
from app.tenders.models import Scope, TenderState
from tests.calloffs.conftest import AALBORG, ODENSE, TODAY, place
from tests.conftest import login, user
from tests.purchases.conftest import GROUP, OUTSIDE_CVR, approved, ask, framework, register
from tests.purchases.test_ledger import HEADER, csv, line, run

SD_STAFF, HS_STAFF = "region.syddanmark@demo.dk", "region.hovedstaden@demo.dk"


def actions(db, obj) -> list[str]:
    return db.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.object_type == type(obj).__tablename__, AuditEntry.object_id == obj.id)
        .order_by(AuditEntry.seq)  # the chain's order; without it the rows' order is the plan's
    ).all()


def stored(db) -> int:
    return db.scalar(select(func.count()).select_from(OutsidePurchase))


# --- classification ---------------------------------------------------------------------------


def test_a_framework_that_is_not_active_binds_nobody(db):
    framework(db, state=TenderState.CANCELLED)
    assert register(db).classification == Classification.NO_FRAMEWORK


def test_another_jobcentres_exemption_lifts_nothing(db):
    lot = framework(db, "HS", scope=Scope.NATIONAL)
    approved(db, lot=lot, email=AALBORG)
    assert register(db, breach_reason="Akut").classification == Classification.BREACH


def test_a_reason_given_for_a_purchase_that_is_no_breach_is_not_kept(db):
    assert register(db, breach_reason="For en sikkerheds skyld").breach_reason == ""


def test_a_purchase_more_than_ten_years_old_is_a_typing_error(db):
    with pytest.raises(DomainError, match="more than ten years ago"):
        register(db, purchased_on=TODAY - timedelta(days=3654))


def test_the_same_purchase_registered_twice_is_refused(db):
    register(db)
    with pytest.raises(DomainError, match="already registered"):
        register(db, description="  KURSUS   i jobsøgning ")


def test_approval_reclassifies_on_the_lots_passed_by_even_if_the_lot_ran_out_since(db):
    lot = framework(db, maximum="1000.00", prices=("1000.00",))
    breach = register(db, purchased_on=TODAY - timedelta(days=2), breach_reason="Akut")
    place(db, lot, quantity=1)  # the lot runs out after the purchase
    services.follow_up_breach(db, user(db, SD_STAFF), breach, FollowUp.ACCEPTED, "OK")
    approved(db, lot=lot)
    assert breach.classification == Classification.EXEMPTED
    assert breach.follow_up is None and breach.follow_up_reason == ""
    assert "purchase.reclassified" in actions(db, breach)


# --- national frameworks: both regions ---------------------------------------------------------


def test_a_national_breach_is_told_to_and_followed_up_by_both_regions(db):
    framework(db, "HS", scope=Scope.NATIONAL)
    breach = register(db, breach_reason="Akut")
    told = set(
        db.scalars(select(Notification.user_id).where(Notification.subject.contains("Odense")))
    )
    assert {user(db, SD_STAFF).id, user(db, HS_STAFF).id} <= told
    services.follow_up_breach(db, user(db, HS_STAFF), breach, FollowUp.NEEDS_FOLLOW_UP, "Se på det")
    services.follow_up_breach(db, user(db, SD_STAFF), breach, FollowUp.ACCEPTED, "Forklaret")
    with pytest.raises(NotAllowed):
        services.follow_up_breach(
            db, user(db, "region.midtjylland@demo.dk"), breach, FollowUp.ACCEPTED, "Nej"
        )
    assert actions(db, breach) == [
        "purchase.registered",
        "purchase.followed_up",
        "purchase.followed_up",
    ]


# --- reasons for imported breaches ------------------------------------------------------------


def test_only_the_jobcentre_gives_a_missing_reason_and_only_once(db):
    framework(db)
    run(db, csv(line(voucher="R1")))
    breach = db.scalars(select(OutsidePurchase).where(OutsidePurchase.voucher == "R1")).one()
    with pytest.raises(NotAllowed):
        services.give_breach_reason(db, user(db, AALBORG), breach, "Ikke vores")
    services.give_breach_reason(db, user(db, ODENSE), breach, "Ventetid")
    with pytest.raises(DomainError, match="without its reason"):
        services.give_breach_reason(db, user(db, ODENSE), breach, "Noget andet")
    assert breach.breach_reason == "Ventetid"


# --- exemptions -------------------------------------------------------------------------------


def test_a_refused_request_does_not_block_a_new_one(db):
    lot = framework(db)
    refused = ask(db, lot=lot)
    exemptions.refuse(db, user(db, SD_STAFF), refused, "Ikke særligt")
    assert ask(db, lot=lot, justification="Nye oplysninger").state == ExemptionState.REQUESTED
    assert actions(db, refused) == ["exemption.requested", "exemption.refused"]


def test_an_approval_is_audited(db):
    exemption = approved(db, lot=framework(db))
    assert actions(db, exemption) == ["exemption.requested", "exemption.approved"]


# --- the ledger -------------------------------------------------------------------------------


def test_a_line_paying_one_of_the_jobcentres_call_offs_is_not_an_outside_purchase(db):
    lot = framework(db, prices=("1000.00",))
    place(db, lot, quantity=2)  # 2.000,00 kr. to Akademikerhuset (CVR 10000009)
    before = stored(db)
    record = run(db, csv(line(amount="2.000,00", cvr="10000009"), line(voucher="B2")))
    assert (record.added, record.call_off_payments) == (1, 1)
    assert stored(db) == before + 1
    assert "purchases.imported" in actions(db, record)


def test_lines_differing_only_in_case_and_spacing_or_registered_before_are_not_doubled(db):
    register(db, description="Kursus", voucher="B1", purchased_on=TODAY, amount=Decimal("1234.50"))
    record = run(db, csv(line(text="  kursus ", voucher="b1"), line(text="KURSUS", voucher="B1")))
    assert (record.added, record.already_known) == (0, 2)


def test_lines_differing_in_target_group_are_two_purchases(db):
    record = run(db, csv(line(), line(group="Flygtninge og indvandrere")))
    assert record.added == 2


def test_an_import_with_breaches_tells_the_regions(db):
    framework(db, "HS", scope=Scope.NATIONAL)
    run(db, csv(line(voucher="N1"), line(voucher="N2")))
    subjects = db.scalars(
        select(Notification.subject).where(Notification.user_id == user(db, HS_STAFF).id)
    ).all()
    assert any("2 køb" in s or "2 purchase" in s for s in subjects)


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([line(voucher="V" * 41)], "voucher number is longer than 40"),
        ([line().replace("Lokal Kursus ApS", "L" * 201)], "name is longer than 200"),
        ([line() + ";ekstra"], "more cells than the header"),
        ([line(amount="")], "Empty: beløb"),
    ],
)
def test_a_bad_line_is_named(db, lines, message):
    with pytest.raises(ledger.LedgerRejected) as rejected:
        run(db, csv(*lines))
    assert message in rejected.value.problems[0][1]


def test_a_stray_quotation_mark_is_reported_not_swallowed(db):
    data = csv(line(text='"Kursus stor'), line(voucher="B2"), line(voucher="B3"))
    with pytest.raises(DomainError, match="quotation mark"):
        run(db, data)


def test_a_windows_1252_file_from_excel_is_read(db):
    data = "\n".join([HEADER, line(text="Kursus for ældre ledige")]).encode("cp1252")
    record = run(db, data)
    purchase = db.scalars(
        select(OutsidePurchase).where(OutsidePurchase.import_id == record.id)
    ).one()
    assert purchase.description == "Kursus for ældre ledige"


def test_a_file_beyond_the_line_limit_is_refused(db, monkeypatch):
    monkeypatch.setattr(ledger, "MAX_LINES", 2)
    with pytest.raises(DomainError, match="at most 2 lines"):
        run(db, csv(line(voucher="1"), line(voucher="2"), line(voucher="3")))


def test_a_spreadsheet_that_claims_to_be_huge_is_read_as_it_is(db):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["dato", "cvr", "leverandør", "beløb", "målgruppe"])
    sheet.append([TODAY, OUTSIDE_CVR, "Lokal ApS", 100, GROUP])
    buffer = io.BytesIO()
    book.save(buffer)
    # Make the sheet declare itself a million rows by sixteen thousand columns wide.
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    target_buffer = io.BytesIO()
    with zipfile.ZipFile(target_buffer, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.endswith("sheet1.xml"):
                content = content.replace(
                    b'<dimension ref="A1:E2"/>', b'<dimension ref="A1:XFD1048576"/>'
                )
            target.writestr(item, content)
    record = run(db, target_buffer.getvalue(), name="stor.xlsx")
    assert record.added == 1


# --- who sees what through the pages ----------------------------------------------------------


def test_a_jobcentre_sees_only_its_own_purchases_exemptions_and_imports(client, db):
    lot = framework(db, "HS", scope=Scope.NATIONAL)
    theirs = register(db, email=AALBORG, supplier_name="Aalborgs Leverandør", breach_reason="X")
    exemption = ask(db, lot=lot, email=AALBORG)
    record = ledger.import_ledger(
        db,
        user(db, AALBORG),
        user(db, AALBORG).organisation,
        ledger.read_ledger_file("a.csv", csv(line(voucher="A1"))),
    )
    ids = (theirs.id, exemption.id, record.id)
    db.commit()
    login(client, ODENSE)
    assert "Aalborgs Leverandør" not in client.get("/purchases/").get_data(as_text=True)
    assert "Jobcenter Aalborg" not in client.get("/exemptions/").get_data(as_text=True)
    assert client.get(f"/purchases/{ids[0]}").status_code == 404
    assert client.get(f"/exemptions/{ids[1]}").status_code == 404
    assert client.get(f"/purchases/imports/{ids[2]}").status_code == 404


def test_there_is_no_letter_before_the_decision(client, db):
    exemption = ask(db, lot=framework(db))
    exemption_id = exemption.id
    db.commit()
    login(client, ODENSE)
    assert client.get(f"/exemptions/{exemption_id}/letter.pdf").status_code == 404


def test_amounts_are_whole_ore(db):
    assert register(db, amount=Decimal("0.01")).amount == Decimal("0.01")


def test_a_cell_that_swallows_the_next_lines_is_reported(db):
    data = csv(line(text='"Kursus', voucher="B1"), line(text='stor"', voucher="B2"))
    with pytest.raises(DomainError, match="runs over several lines"):
        run(db, data)


def test_every_problem_of_a_line_is_named_at_once(db):
    with pytest.raises(ledger.LedgerRejected) as rejected:
        run(db, csv(line(amount="abc", cvr="1234", group="Ingen")))
    message = rejected.value.problems[0][1]
    assert "Ingen is not a known target group" in message
    assert "CVR number must be 8 digits" in message and "abc is not an amount" in message


def test_the_jobcentre_hears_of_the_regions_follow_up(db):
    framework(db)
    breach = register(db, breach_reason="Akut")
    services.follow_up_breach(
        db, user(db, SD_STAFF), breach, FollowUp.NEEDS_FOLLOW_UP, "Dokumentér"
    )
    told = db.scalars(
        select(Notification.subject).where(Notification.user_id == user(db, ODENSE).id)
    ).all()
    assert any("follow-up" in s or "opfølgning" in s for s in told)
