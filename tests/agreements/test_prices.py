"""Price regulation: where the tender names an index and a cap, the region records the index
values once a year, the platform computes each agreement's new price (capped, to the øre) and
applies it from a day; orders placed before keep their price."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from app import clock
from app.agreements import services
from app.agreements.models import AgreementPrice, Ground
from app.core.errors import DomainError, NotAllowed
from tests.calloffs.conftest import TODAY, agreement, framework, place
from tests.conftest import login, user
from tests.tenders.conftest import new_tender

STAFF = "region.syddanmark@demo.dk"


def _regulated(db, cap="3.00", prices=("1000.00", "1200.00", "333.33"), **kw):
    lot = framework(db, prices=prices, **kw)
    lot.tender.price_index, lot.tender.price_cap = "Nettoprisindeks", Decimal(cap)
    db.flush()
    return lot


def _first_day(lot):
    return lot.tender.agreement_start + relativedelta(years=1)


def _regulate(db, lot, before="100.00", after="102.00", day=None):
    return services.regulate_prices(
        db, user(db, STAFF), lot.tender, Decimal(before), Decimal(after), day or _first_day(lot)
    )


# --- what the tender states -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("index", "cap", "allowed"),
    [
        ("Nettoprisindeks", Decimal("3.00"), True),
        ("Nettoprisindeks", Decimal("100.00"), True),
        ("Nettoprisindeks", None, False),
        ("Nettoprisindeks", Decimal("0.00"), False),
        ("Nettoprisindeks", Decimal("100.01"), False),
        ("", None, True),
    ],
)
def test_a_regulated_tender_names_its_index_and_a_cap(db, index, cap, allowed):
    if allowed:
        tender = new_tender(db, price_index=index, price_cap=cap)
        assert tender.regulates_prices == bool(index)
    else:
        with pytest.raises(DomainError, match="needs a cap"):
            new_tender(db, price_index=index, price_cap=cap)


def test_without_an_index_the_cap_is_not_kept(db):
    assert new_tender(db, price_index="  ", price_cap=Decimal("5.00")).price_cap is None


# --- what a regulation does -------------------------------------------------------------------


def test_each_price_changes_by_the_index_to_the_ore(db):
    lot = _regulated(db)
    found = services.preview_regulation(
        db, user(db, STAFF), lot.tender, Decimal("100.00"), Decimal("102.00"), _first_day(lot)
    )
    assert found.change == Decimal("2.00") and not found.capped
    assert [(old, new) for _a, old, new in found.prices] == [
        (Decimal("1000.00"), Decimal("1020.00")),
        (Decimal("1200.00"), Decimal("1224.00")),
        (Decimal("333.33"), Decimal("340.00")),  # 339.9966 rounds to the øre
    ]
    assert db.scalars(select(AgreementPrice)).all() == []  # a preview changes nothing


def test_the_cap_holds_the_rise_and_a_fall_follows_the_index(db):
    lot = _regulated(db, cap="3.00")
    rise = services.preview_regulation(
        db, user(db, STAFF), lot.tender, Decimal("100.00"), Decimal("107.50"), _first_day(lot)
    )
    assert rise.change == Decimal("3.00") and rise.capped
    fall = services.preview_regulation(
        db, user(db, STAFF), lot.tender, Decimal("100.00"), Decimal("98.00"), _first_day(lot)
    )
    assert fall.change == Decimal("-2.00") and fall.prices[0][2] == Decimal("980.00")


def test_orders_before_the_day_keep_their_price_and_orders_from_it_pay_the_new(db):
    lot = _regulated(db)
    day = _first_day(lot)
    _regulate(db, lot)
    with clock.frozen_at(clock.start_of_day(day) - timedelta(seconds=1)):
        assert place(db, lot, starts_on=day).unit_price == Decimal("1000.00")
    with clock.frozen_at(clock.start_of_day(day)):
        assert place(db, lot, starts_on=day).unit_price == Decimal("1020.00")
        assert agreement(db, lot).current_price == Decimal("1020.00")
    assert agreement(db, lot).unit_price == Decimal("1000.00")  # the bid's price is kept


def test_the_lots_maximum_is_judged_at_the_new_price(db):
    lot = _regulated(db, maximum="2039.99")
    day = _first_day(lot)
    _regulate(db, lot)
    with (
        clock.frozen_at(clock.start_of_day(day)),
        pytest.raises(DomainError, match="does not fit within the lot's maximum"),
    ):
        place(db, lot, quantity=2, starts_on=day)


def test_a_terminated_agreement_is_not_regulated(db):
    lot = _regulated(db)
    services.terminate(db, user(db, STAFF), agreement(db, lot, 3), Ground.BREACH, "Misligholdt.")
    regulation = _regulate(db, lot)
    prices = db.scalars(select(AgreementPrice).where(AgreementPrice.regulation_id == regulation.id))
    assert {p.agreement_id for p in prices} == {agreement(db, lot, 1).id, agreement(db, lot, 2).id}


def test_once_a_year_to_the_day(db):
    lot = _regulated(db, ends_on=TODAY + timedelta(days=1500))
    first = _first_day(lot)
    with pytest.raises(DomainError, match="once a year"):
        _regulate(db, lot, day=first - timedelta(days=1))
    _regulate(db, lot)
    with pytest.raises(DomainError, match="once a year"):
        _regulate(db, lot, day=first + relativedelta(years=1) - timedelta(days=1))
    _regulate(db, lot, before="102.00", after="104.04", day=first + relativedelta(years=1))
    assert agreement(db, lot).price_on(first + relativedelta(years=1)) == Decimal("1040.40")


@pytest.mark.parametrize(("before", "after"), [("0", "102"), ("100", "-1")])
def test_bad_index_values_are_refused(db, before, after):
    lot = _regulated(db)
    with pytest.raises(DomainError, match="above 0"):
        _regulate(db, lot, before=before, after=after)


def test_never_before_today_nor_after_the_agreements_end(db):
    lot = _regulated(db)
    with (
        clock.frozen_at(clock.start_of_day(_first_day(lot) + timedelta(days=1))),
        pytest.raises(DomainError, match="never before"),
    ):
        _regulate(db, lot)
    with pytest.raises(DomainError, match="end before that day"):
        _regulate(db, lot, day=lot.tender.agreement_end + timedelta(days=1))


def test_a_tender_without_an_index_is_not_regulated(db):
    lot = framework(db)
    with pytest.raises(DomainError, match="does not allow"):
        _regulate(db, lot)


@pytest.mark.parametrize("email", ["region.nordjylland@demo.dk", "jobcenter.odense@demo.dk"])
def test_only_the_owning_regions_staff_regulate(db, email):
    lot = _regulated(db)
    with pytest.raises(NotAllowed):
        services.regulate_prices(
            db, user(db, email), lot.tender, Decimal(100), Decimal(102), _first_day(lot)
        )


# --- the page -----------------------------------------------------------------------------------


def test_the_region_sees_old_and_new_prices_before_confirming(client, db):
    lot = _regulated(db)
    db.commit()
    tender_id, day = lot.tender.id, _first_day(lot)
    login(client, STAFF)
    assert "Regulér priserne" in client.get(f"/manage/tenders/{tender_id}").get_data(as_text=True)
    form = {"index_before": "100,00", "index_after": "102,00", "applies_from": day.isoformat()}
    preview = client.post(f"/agreements/tenders/{tender_id}/prices", data=form)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "1.020,00" in html and "Ja, regulér priserne" in html
    assert db.scalars(select(AgreementPrice)).all() == []
    done = client.post(f"/agreements/tenders/{tender_id}/prices", data=form | {"confirmed": "yes"})
    assert done.status_code == 302
    assert len(db.scalars(select(AgreementPrice)).all()) == 3
    refused = client.post(f"/agreements/tenders/{tender_id}/prices", data=form)
    assert refused.status_code == 409 and "én gang om året" in refused.get_data(as_text=True)
