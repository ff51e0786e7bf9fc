"""What the schema cannot check: ids, ocids, the order of dates, the call-off sums against the
platform's committed figures, sealed bids, exact amounts, and nothing about the citizen."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app import clock
from app.bids.models import Bid, BidState
from app.calloffs.models import CallOff, CallOffState
from app.calloffs.services import committed_amount, committed_amounts
from app.evaluation.models import Agreement, Award, AwardState
from app.ocds.packages import InexactAmount, exact_number, to_json
from app.tenders import services
from app.tenders.models import CallOffRule, Lot, Tender
from tests.conftest import NOW
from tests.ocds.conftest import calloff_ids, package, pages, published_tender_ids
from tests.ocds.validation import errors
from tests.tenders.conftest import published, staff

PREFIX = "ocds-rmudbd"


def _tender_record(client, tender_id: int) -> dict:
    return package(client, f"/ocds/tenders/{tender_id}/record.json")["records"][0]


def _every_record(client) -> list[dict]:
    return [
        record
        for url in ("/ocds/tenders/records.json?size=3", "/ocds/calloffs/records.json?size=7")
        for page in pages(client, url)
        for record in page["records"]
    ]


# --- identifiers ----------------------------------------------------------------------------


def test_a_tender_s_ocid_is_the_prefix_and_its_reference(client, db):
    for tender_id in published_tender_ids(db):
        tender = db.get(Tender, tender_id)
        found = package(client, f"/ocds/tenders/{tender_id}/releases.json")
        assert {r["ocid"] for r in found["releases"]} == {f"{PREFIX}-{tender.reference}"}


def test_the_ocid_prefix_comes_from_the_configuration(app, client, db, monkeypatch):
    monkeypatch.setitem(app.config, "OCDS_OCID_PREFIX", "ocds-abc123")
    tender_id = published_tender_ids(db)[0]
    found = package(client, f"/ocds/tenders/{tender_id}/releases.json")
    assert all(r["ocid"].startswith("ocds-abc123-RU-") for r in found["releases"])


def test_release_ids_are_unique_and_ocids_match_their_record(client):
    records = _every_record(client)
    assert len({r["ocid"] for r in records}) == len(records)  # each process once in the pages
    for record in records:
        ids = [release["id"] for release in record["releases"]]
        assert len(set(ids)) == len(ids), record["ocid"]
        assert {release["ocid"] for release in record["releases"]} == {record["ocid"]}
        assert record["compiledRelease"]["ocid"] == record["ocid"]


def test_release_ids_and_dates_are_stable(client, db):
    for tender_id in published_tender_ids(db)[:6]:
        url = f"/ocds/tenders/{tender_id}/releases.json"
        first, second = package(client, url), package(client, url)
        assert first == second
    with clock.frozen_at(NOW + timedelta(hours=5)):
        later = package(client, url)
    assert [(r["id"], r["date"]) for r in later["releases"]] == [
        (r["id"], r["date"]) for r in first["releases"]
    ]


def test_the_bulk_pages_hold_every_process_once(client, db):
    tenders = [
        r["ocid"] for p in pages(client, "/ocds/tenders/records.json?size=3") for r in p["records"]
    ]
    orders = [
        r["ocid"] for p in pages(client, "/ocds/calloffs/records.json?size=7") for r in p["records"]
    ]
    assert len(tenders) == len(set(tenders)) == len(published_tender_ids(db))
    assert len(orders) == len(set(orders)) == len(calloff_ids(db))


# --- dates in order ------------------------------------------------------------------------------


def _dates(record: dict, tag: str) -> list[str]:
    return [r["date"] for r in record["releases"] if tag in r["tag"]]


def test_a_framework_s_dates_run_tender_then_amendments_then_award_then_contract(client, db):
    checked = 0
    for tender_id in published_tender_ids(db):
        record = _tender_record(client, tender_id)
        (published_on,) = _dates(record, "tender")
        assert all(d >= published_on for d in _dates(record, "tenderAmendment"))
        assert all(d > published_on for d in _dates(record, "tenderCancellation"))
        for award in _dates(record, "award"):
            checked += 1
            assert award > published_on
            assert all(award > d for d in _dates(record, "tenderAmendment"))
            assert all(c > award for c in _dates(record, "contract"))
    assert checked >= 3


def test_a_call_off_s_releases_come_after_its_framework_s_contracts(client, db):
    for calloff_id in calloff_ids(db):
        record = package(client, f"/ocds/calloffs/{calloff_id}/record.json")["records"][0]
        dates = [r["date"] for r in record["releases"]]
        assert dates == sorted(dates)
        order = db.get(CallOff, calloff_id)
        framework = _tender_record(client, order.lot.tender_id)
        assert min(dates) > max(_dates(framework, "contract"))


def test_an_amended_and_cancelled_tender_has_a_release_for_each_event(app, client, db):
    tender = published(db)
    with clock.frozen_at(NOW + timedelta(hours=1)):
        services.add_clarification(db, staff(db, "NJ"), tender, "Tilbud må være på engelsk.")
    with clock.frozen_at(NOW + timedelta(hours=2)):
        services.add_document(db, staff(db, "NJ"), tender, "bilag.pdf", b"%PDF-1.4 test")
    first_deadline = tender.bid_deadline
    later = first_deadline + timedelta(days=7)
    with clock.frozen_at(NOW + timedelta(hours=3)):
        services.extend_deadline(db, staff(db, "NJ"), tender, later, "Spørgsmål.")
    with clock.frozen_at(NOW + timedelta(hours=4)):
        services.cancel(db, staff(db, "NJ"), tender, "Behovet er faldet bort.")
    tender_id = tender.id
    db.commit()
    found = package(client, f"/ocds/tenders/{tender_id}/releases.json")
    assert errors(found) == []
    oldest_first = list(reversed(found["releases"]))
    assert [r["tag"] for r in oldest_first] == [
        ["tender"],
        ["tenderAmendment"],
        ["tenderAmendment"],
        ["tenderAmendment"],
        ["tenderCancellation"],
    ]
    assert [r["date"] for r in oldest_first] == [
        f"2026-11-24T{10 + h:02d}:00:00Z" for h in range(5)
    ]
    deadlines = [r["tender"]["tenderPeriod"]["endDate"] for r in oldest_first]
    old, new = first_deadline.strftime("%Y-%m-%dT%H:%M:%SZ"), later.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert deadlines == [old, old, old, new, new]
    documents = [len(r["tender"]["documents"]) for r in oldest_first]
    assert documents == [1, 1, 2, 2, 2]  # the notice, then the extra document
    assert [len(r["tender"].get("amendments", [])) for r in oldest_first] == [0, 1, 2, 3, 3]
    cancelled = oldest_first[-1]["tender"]
    assert cancelled["status"] == "cancelled"
    assert cancelled["statusDetails"] == "Behovet er faldet bort."
    record = package(client, f"/ocds/tenders/{tender_id}/record.json")
    assert errors(record) == []
    compiled = record["records"][0]["compiledRelease"]
    assert compiled["tender"]["status"] == "cancelled"
    assert len(compiled["tender"]["amendments"]) == 3


# --- the framework technique and lots -------------------------------------------------------------


METHOD = {
    CallOffRule.FREE_CHOICE: "withoutReopeningCompetition",
    CallOffRule.CASCADE: "withoutReopeningCompetition",
    CallOffRule.MINI_COMPETITION: "withReopeningCompetition",
    CallOffRule.CASCADE_THEN_COMPETITION: "withAndWithoutReopeningCompetition",
}


def test_a_framework_uses_lots_and_the_framework_technique_of_each_lots_rule(client, db):
    """Each lot's method is its call-off rule's; the tender's is its lots' when they agree,
    with and without reopening when they do not (issue 21: the rule is stated per lot)."""
    for tender_id in published_tender_ids(db):
        tender = db.get(Tender, tender_id)
        section = _tender_record(client, tender_id)["compiledRelease"]["tender"]
        techniques = section["techniques"]
        assert techniques["hasFrameworkAgreement"] is True
        methods = [METHOD[lot.call_off_rule] for lot in tender.lots]
        assert [lot["techniques"]["frameworkAgreement"]["method"] for lot in section["lots"]] == (
            methods
        )
        expected = methods[0] if len(set(methods)) == 1 else "withAndWithoutReopeningCompetition"
        assert techniques["frameworkAgreement"]["method"] == expected
        assert [lot["id"] for lot in section["lots"]] == [str(lot.number) for lot in tender.lots]
        assert [lot["value"]["amount"] for lot in section["lots"]] == [
            lot.maximum_value for lot in tender.lots
        ]
        assert {item["relatedLot"] for item in section["items"]} <= {
            lot["id"] for lot in section["lots"]
        }


def test_a_lot_of_mini_competitions_is_published_with_reopening_of_competition(client, db):
    """The demo's Syddanmark framework: lot 1 free choice, lot 2 mini-competition."""
    mixed = [
        tender_id
        for tender_id in published_tender_ids(db)
        if {lot.call_off_rule for lot in db.get(Tender, tender_id).lots}
        == {CallOffRule.FREE_CHOICE, CallOffRule.MINI_COMPETITION}
    ]
    assert mixed
    release = package(client, f"/ocds/tenders/{mixed[0]}/releases.json")
    assert errors(release) == []
    section = _tender_record(client, mixed[0])["compiledRelease"]["tender"]
    assert [lot["techniques"]["frameworkAgreement"]["method"] for lot in section["lots"]] == [
        "withoutReopeningCompetition",
        "withReopeningCompetition",
    ]
    assert section["techniques"]["frameworkAgreement"]["method"] == (
        "withAndWithoutReopeningCompetition"
    )
    assert "Miniudbud" in section["techniques"]["frameworkAgreement"]["description"]


def test_each_agreement_is_a_contract_of_an_award_on_its_lot(client, db):
    agreements = db.scalars(select(Agreement)).all()
    assert agreements
    by_tender = defaultdict(list)
    for agreement in agreements:
        by_tender[agreement.tender_id].append(agreement)
    for tender_id, concluded in by_tender.items():
        compiled = _tender_record(client, tender_id)["compiledRelease"]
        contracts = {c["id"]: c for c in compiled["contracts"]}
        awards = {a["id"]: a for a in compiled["awards"]}
        assert set(contracts) == {a.number for a in concluded}
        for agreement in concluded:
            award = awards[contracts[agreement.number]["awardID"]]
            assert award["relatedLots"] == [str(agreement.lot.number)]
            assert award["suppliers"][0]["name"] == agreement.supplier.organisation.name


# --- sealed bids ---------------------------------------------------------------------------------

BID_FIELDS = ("numberOfTenderers", "tenderers", "awards", "contracts", "bids")


def _says_nothing_of_bids(found: dict) -> bool:
    text = json.dumps(found, default=str)
    return not any(f'"{field}"' in text for field in BID_FIELDS)


def test_an_open_tender_with_sealed_bids_says_nothing_of_them(client, db):
    open_with_bids = db.scalars(
        select(Tender)
        .join(Bid, Bid.tender_id == Tender.id)
        .where(Bid.state == BidState.SUBMITTED, ~Tender.deadline_passed_at(NOW))
    ).first()
    assert open_with_bids is not None and open_with_bids.bids_sealed
    for kind in ("releases", "record"):
        found = package(client, f"/ocds/tenders/{open_with_bids.id}/{kind}.json")
        assert _says_nothing_of_bids(found)


def test_before_its_deadline_a_concluded_tender_s_packages_say_nothing_of_bids(client, db):
    """The clock before the deadline: by the model's rule the bids are sealed, and the award,
    the agreements and the number of bids, though in the database, stay out."""
    tender = db.get(Tender, db.scalars(select(Agreement.tender_id)).first())
    assert "numberOfTenderers" in json.dumps(_tender_record(client, tender.id), default=str)
    with clock.frozen_at(tender.bid_deadline - timedelta(seconds=1)):
        for url in (
            f"/ocds/tenders/{tender.id}/releases.json",
            f"/ocds/tenders/{tender.id}/record.json",
        ):
            found = package(client, url)
            assert _says_nothing_of_bids(found), url
            assert errors(found) == []
        for page in pages(client, "/ocds/tenders/records.json"):
            for record in page["records"]:
                if record["ocid"] == f"{PREFIX}-{tender.reference}":
                    assert _says_nothing_of_bids(record)
    with clock.frozen_at(tender.bid_deadline):
        assert not _says_nothing_of_bids(_tender_record(client, tender.id))


def test_an_award_in_its_standstill_is_not_published_yet(client, db):
    award = db.scalars(select(Award).where(Award.state == AwardState.APPROVED)).first()
    assert award is not None
    found = package(client, f"/ocds/tenders/{award.tender_id}/releases.json")
    assert [r["tag"] for r in found["releases"]] == [["tender"]]


# --- call-offs ----------------------------------------------------------------------------------


def test_a_call_off_points_at_its_framework_s_ocid(client, db):
    for calloff_id in calloff_ids(db):
        order = db.get(CallOff, calloff_id)
        compiled = package(client, f"/ocds/calloffs/{calloff_id}/record.json")["records"][0][
            "compiledRelease"
        ]
        assert compiled["ocid"] == f"{PREFIX}-{order.number}"
        (related,) = compiled["relatedProcesses"]
        assert related["relationship"] == ["framework"] and related["scheme"] == "ocid"
        assert related["identifier"] == f"{PREFIX}-{order.lot.tender.reference}"
        assert compiled["awards"][0]["relatedLots"] == [str(order.lot.number)]


def _call_off_sums(client) -> dict[tuple[str, str], Decimal]:
    """What a reader sums from the call-off records: per framework ocid and lot, the value of
    the contracts that are not cancelled."""
    sums: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for page in pages(client, "/ocds/calloffs/records.json?size=9"):
        for record in page["records"]:
            compiled = record["compiledRelease"]
            framework = compiled["relatedProcesses"][0]["identifier"]
            for contract in compiled["contracts"]:
                lot = contract["items"][0]["relatedLot"]
                assert contract["value"]["currency"] == "DKK"
                if contract["status"] != "cancelled":
                    sums[framework, lot] += contract["value"]["amount"]
                else:
                    sums.setdefault((framework, lot), Decimal("0"))
    return sums


def test_call_off_sums_per_lot_equal_the_committed_amounts(client, db):
    sums = _call_off_sums(client)
    lots = db.scalars(select(Lot).where(Lot.id.in_(select(CallOff.lot_id)))).all()
    assert len(lots) >= 3
    for lot in lots:
        key = (f"{PREFIX}-{lot.tender.reference}", str(lot.number))
        assert sums[key] == committed_amount(db, lot.id), key
    assert len(sums) == len(lots)


def test_call_off_sums_per_framework_equal_the_committed_amounts(client, db):
    sums = _call_off_sums(client)
    per_framework: dict[str, Decimal] = defaultdict(Decimal)
    for (framework, _lot), amount in sums.items():
        per_framework[framework] += amount
    tenders = db.scalars(select(Tender).where(Tender.id.in_(select(Agreement.tender_id)))).all()
    for tender in tenders:
        committed = committed_amounts(db, [lot.id for lot in tender.lots])
        expected = sum(committed.values(), Decimal("0"))
        assert per_framework.get(f"{PREFIX}-{tender.reference}", Decimal("0")) == expected


def test_declined_and_cancelled_call_offs_are_published_with_the_contract_cancelled(client, db):
    for state in (CallOffState.DECLINED, CallOffState.CANCELLED):
        order = db.scalars(select(CallOff).where(CallOff.state == state)).first()
        assert order is not None, state
        compiled = package(client, f"/ocds/calloffs/{order.id}/record.json")["records"][0][
            "compiledRelease"
        ]
        assert compiled["contracts"][0]["status"] == "cancelled"


def test_a_call_off_s_contract_value_is_its_committed_amount(client, db):
    for calloff_id in calloff_ids(db):
        order = db.get(CallOff, calloff_id)
        contract = package(client, f"/ocds/calloffs/{calloff_id}/record.json")["records"][0][
            "compiledRelease"
        ]["contracts"][0]
        if order.state.counts_against_maximum:
            assert contract["value"]["amount"] == order.committed_amount


@pytest.mark.parametrize("amount", ["1234567.89", "0.01", "9999999999999.99"])
def test_an_amount_is_written_exactly_as_a_json_number(amount):
    text = to_json({"value": {"amount": Decimal(amount), "currency": "DKK"}})
    assert f'"amount": {amount}' in text
    assert json.loads(text, parse_float=Decimal)["value"]["amount"] == Decimal(amount)


def test_an_amount_a_json_number_cannot_carry_is_refused():
    with pytest.raises(InexactAmount):
        exact_number(Decimal("12345678901234567.89"))


@pytest.mark.parametrize("price", ["1234567.89", "0.01"])
def test_a_call_off_s_amounts_are_served_exactly(client, db, price):
    order = db.get(CallOff, calloff_ids(db)[0])
    order.unit_price = Decimal(price)
    order.quantity = 1
    order.total = Decimal(price)
    order.invoice_amount = None
    calloff_id = order.id
    db.commit()
    response = client.get(f"/ocds/calloffs/{calloff_id}/releases.json")
    text = response.get_data(as_text=True)
    assert f'"amount": {price}' in text
    release = json.loads(text, parse_float=Decimal)["releases"][0]
    assert release["awards"][0]["value"] == {"amount": Decimal(price), "currency": "DKK"}


def test_a_call_off_release_carries_nothing_about_the_case_or_the_citizen(client, db):
    order = db.scalars(
        select(CallOff).where(CallOff.state == CallOffState.DECLINED)
    ).first() or db.get(CallOff, calloff_ids(db)[0])
    order.case_reference = "CANARY-CASE"
    order.note = "CANARY-NOTE"
    order.choice_reason = "CANARY-CHOICE"
    order.closed_reason = "CANARY-CLOSED"
    order.invoice_reference = "CANARY-INVOICE"
    order.invoice_reason = "CANARY-INVOICE-REASON"
    for event in order.events:
        event.text = "CANARY-EVENT"
    calloff_id, starts_on = order.id, order.starts_on.isoformat()
    db.commit()
    for url in (
        f"/ocds/calloffs/{calloff_id}/releases.json",
        f"/ocds/calloffs/{calloff_id}/record.json",
        "/ocds/calloffs/releases.json",
        "/ocds/calloffs/records.json",
    ):
        text = client.get(url).get_data(as_text=True)
        assert "CANARY" not in text, url
    found = package(client, f"/ocds/calloffs/{calloff_id}/record.json")
    compiled = found["records"][0]["compiledRelease"]
    assert "period" not in compiled["contracts"][0]
    assert starts_on not in json.dumps(compiled, default=str)
    assert {p["roles"][0] for p in compiled["parties"]} == {"buyer", "supplier"}
