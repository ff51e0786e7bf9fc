"""Options to extend a framework's agreement period: stated in the tender within the 4-year rule,
exercised by the owning region before expiry, with a council decision where the tender says so;
every agreement not terminated runs longer, and the history keeps each extension."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app import clock
from app.agreements import services
from app.agreements.models import Ground, TenderExtension
from app.audit.models import AuditEntry
from app.core.errors import DomainError, NotAllowed
from app.councils import uses
from app.evaluation.models import AgreementState
from app.tenders.services import extended_end
from tests.calloffs.conftest import agreement, framework, place
from tests.conftest import login, user
from tests.tenders.conftest import decision, new_tender

STAFF = "region.syddanmark@demo.dk"


def _with_options(db, options=2, months=12, council=False, **kw):
    lot = framework(db, **kw)
    tender = lot.tender
    tender.extension_options, tender.extension_months = options, months
    tender.extension_needs_council = council
    db.flush()
    return lot


# --- what the tender may state -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "months", "reason", "allowed"),
    [
        (1, 12, "", True),  # 1 March 2027 + 2 years, + 12 months: 28 February 2030
        (2, 12, "", True),  # … + 24 months: 28 February 2031, the last day of 4 years
        (2, 13, "", False),  # a month beyond the 4 years
        (2, 13, "Et langt forløb kræver det.", True),
        (4, 1, "", False),  # at most 3 options
        (1, 0, "", False),  # an option extends by at least a month
        (1, 25, "Lang.", False),  # and at most 24
    ],
)
def test_the_options_stay_within_four_years_unless_a_reason_is_given(
    db, options, months, reason, allowed
):
    changes = {
        "extension_options": options,
        "extension_months": months,
        "long_period_reason": reason,
    }
    if allowed:
        tender = new_tender(db, **changes)
        assert (tender.extension_options, tender.extension_months) == (options, months)
    else:
        with pytest.raises(DomainError):
            new_tender(db, **changes)


def test_without_options_the_months_and_the_council_are_not_kept(db):
    tender = new_tender(db, extension_options=0, extension_months=12, extension_needs_council=True)
    assert (tender.extension_months, tender.extension_needs_council) == (0, False)


def test_extended_end_counts_calendar_months():
    assert extended_end(date(2029, 2, 28), 12) == date(2030, 2, 28)
    assert extended_end(date(2028, 2, 29), 12) == date(2029, 2, 28)
    assert extended_end(date(2029, 1, 31), 1) == date(2029, 2, 28)


# --- exercising an option ----------------------------------------------------------------------


def test_exercising_an_option_extends_every_running_agreement(db):
    lot = _with_options(db)
    tender = lot.tender
    old_end = tender.agreement_end
    services.terminate(db, user(db, STAFF), agreement(db, lot, 3), Ground.BREACH, "Misligholdt.")
    extension = services.extend(db, user(db, STAFF), tender)
    assert extension.number == 1 and extension.old_end == old_end
    assert tender.agreement_end == extended_end(old_end, 12) == extension.new_end
    assert agreement(db, lot, 1).ends_on == tender.agreement_end
    assert agreement(db, lot, 3).ends_on == old_end  # a terminated agreement stays ended
    assert agreement(db, lot, 3).state == AgreementState.TERMINATED
    entry = db.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "tender.extended")
        .order_by(AuditEntry.id.desc())
    ).first()
    assert entry.changes["agreement_end"] == [old_end.isoformat(), tender.agreement_end.isoformat()]


def test_an_order_may_start_after_the_old_end_once_extended(db):
    lot = _with_options(db)
    old_end = lot.tender.agreement_end
    with pytest.raises(DomainError, match="must lie within the agreement"):
        place(db, lot, starts_on=old_end + timedelta(days=1))
    services.extend(db, user(db, STAFF), lot.tender)
    assert place(db, lot, starts_on=old_end + timedelta(days=1)).state.value == "placed"


def test_no_more_options_than_the_tender_states(db):
    lot = _with_options(db, options=1)
    services.extend(db, user(db, STAFF), lot.tender)
    with pytest.raises(DomainError, match="no option to extend left"):
        services.extend(db, user(db, STAFF), lot.tender)
    none = _with_options(db, options=0, months=0, code="SD")
    with pytest.raises(DomainError, match="states no option"):
        services.extend(db, user(db, STAFF), none.tender)


def test_an_option_is_exercised_before_expiry_to_the_day(db):
    lot = _with_options(db)
    end = lot.tender.agreement_end
    last_day = clock.start_of_day(end) + timedelta(hours=23)
    with clock.frozen_at(last_day):
        assert services.may_extend(user(db, STAFF), lot.tender)
    with clock.frozen_at(clock.start_of_day(end + timedelta(days=1))):
        assert not services.may_extend(user(db, STAFF), lot.tender)
        with pytest.raises(DomainError, match="an option is exercised before they expire"):
            services.extend(db, user(db, STAFF), lot.tender)
    with clock.frozen_at(last_day):
        services.extend(db, user(db, STAFF), lot.tender)


def test_a_council_decision_is_needed_where_the_tender_says_so_and_is_spent(db):
    lot = _with_options(db, council=True)
    with pytest.raises(DomainError, match="needs a council decision"):
        services.extend(db, user(db, STAFF), lot.tender)
    other = decision(db, "NJ")
    with pytest.raises(DomainError, match="region's own council"):
        services.extend(db, user(db, STAFF), lot.tender, other)
    own = decision(db, "SD")
    services.extend(db, user(db, STAFF), lot.tender, own)
    assert uses.is_spent(db, own.id)
    with pytest.raises(DomainError, match="already used"):
        services.extend(db, user(db, STAFF), lot.tender, own)


def test_a_decision_is_refused_where_the_tender_needs_none(db):
    lot = _with_options(db)
    with pytest.raises(DomainError, match="need no council decision"):
        services.extend(db, user(db, STAFF), lot.tender, decision(db, "SD"))


@pytest.mark.parametrize(
    "email",
    ["region.nordjylland@demo.dk", "direktoer.syddanmark@demo.dk", "jobcenter.odense@demo.dk"],
)
def test_only_the_owning_regions_staff_extend(db, email):
    lot = _with_options(db)
    with pytest.raises(NotAllowed):
        services.extend(db, user(db, email), lot.tender)
    assert lot.tender.extensions_used == 0


# --- the pages ----------------------------------------------------------------------------------


def test_the_region_extends_from_the_tender_page(client, db):
    lot = _with_options(db)
    db.commit()
    tender_id, old_end = lot.tender.id, lot.tender.agreement_end
    login(client, STAFF)
    page = client.get(f"/manage/tenders/{tender_id}").get_data(as_text=True)
    assert "Forlæng aftalerne" in page
    confirm = client.get(f"/agreements/tenders/{tender_id}/extend").get_data(as_text=True)
    assert "Ja, forlæng aftalerne" in confirm
    assert client.post(f"/agreements/tenders/{tender_id}/extend", data={}).status_code == 302
    extension = db.scalars(
        select(TenderExtension).where(TenderExtension.tender_id == tender_id)
    ).one()
    assert extension.old_end == old_end
    after = client.get(f"/manage/tenders/{tender_id}").get_data(as_text=True)
    assert "Option 1 udnyttet" in after and "Optioner tilbage: 1 af 2" in after


def test_another_regions_staff_do_not_reach_the_extension(client, db):
    lot = _with_options(db)
    db.commit()
    login(client, "region.nordjylland@demo.dk")
    assert client.get(f"/agreements/tenders/{lot.tender.id}/extend").status_code == 404
