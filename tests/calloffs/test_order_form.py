"""The order form says what is wrong at the field that is wrong, and shows the total before the
order is sent."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import func, select

from app.calloffs.models import CallOff
from tests.calloffs.conftest import ODENSE, delivered, framework, place, supplier_user
from tests.calloffs.test_views import order_form
from tests.conftest import login


def _error_at(html: str, field: str) -> str:
    """The error message shown at the field with this id ('' when none)."""
    found = re.search(
        rf'<span class="form-error-message" id="{field}-error">(.*?)</span>\s*<', html, re.S
    )
    return unescape(re.sub(r"<[^>]+>", "", found.group(1))) if found else ""


def _orders(db, lot) -> int:
    return db.scalar(select(func.count()).where(CallOff.lot_id == lot.id))


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"case_reference": "010190-1234"}, "case_reference", "ser ud til at indeholde et CPR"),
        ({"note": "Borger 0101901234"}, "note", "ser ud til at indeholde et CPR"),
        ({"quantity": "101"}, "quantity", "Der er ikke plads til 101.000,00 kr."),
    ],
)
def test_a_cpr_number_or_the_maximum_stands_at_its_field(client, db, changes, field, message):
    lot = framework(db, maximum="100000.00", prices=("1000.00",))
    lot_id, data = lot.id, order_form(db, lot, **changes)
    db.commit()
    login(client, ODENSE)
    response = client.post(f"/frameworks/lots/{lot_id}/order", data=data)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert message in _error_at(html, field)
    assert f'id="{field}"' in html and 'aria-invalid="true"' in html
    assert _orders(db, lot) == 0


def test_the_form_shows_the_total_before_the_order_is_sent(client, db):
    lot = framework(db, maximum="10000.00", prices=("1234.50",))
    lot_id, data = lot.id, order_form(db, lot, quantity="3", action="preview")
    db.commit()
    login(client, ODENSE)
    assert 'data-testid="show-total"' in client.get(f"/frameworks/lots/{lot_id}/order").get_data(
        as_text=True
    )
    response = client.post(f"/frameworks/lots/{lot_id}/order", data=data)
    assert response.status_code == 200
    page = unescape(response.get_data(as_text=True))
    assert 'data-testid="order-total"' in page
    assert "I alt: 3.703,50 kr." in page and "3 × 1.234,50 kr." in page
    assert "6.296,50 kr." in page  # left of the maximum after the order
    assert 'value="SAG-77"' in page  # the form keeps what was typed
    assert _orders(db, lot) == 0  # nothing is sent


def test_the_total_warns_when_it_does_not_fit_the_maximum(client, db):
    lot = framework(db, maximum="3000.00", prices=("1000.00",))
    lot_id, data = lot.id, order_form(db, lot, quantity="4", action="preview")
    db.commit()
    login(client, ODENSE)
    page = unescape(
        client.post(f"/frameworks/lots/{lot_id}/order", data=data).get_data(as_text=True)
    )
    assert "passer ikke inden for det, der er tilbage af maksimum (3.000,00 kr.)" in page
    assert _orders(db, lot) == 0


def test_an_invoice_above_the_total_without_a_reason_says_so_at_the_reason(client, db):
    lot = framework(db, maximum="100000.00", prices=("1000.00",))
    order = delivered(db, lot)
    order_id, email = order.id, supplier_user(db, order)
    db.commit()
    login(client, email)
    response = client.post(
        f"/orders/{order_id}/invoice", data={"amount": "9.000,00", "reference": "F-1", "reason": ""}
    )
    assert response.status_code == 409
    assert "angiv en begrundelse" in _error_at(response.get_data(as_text=True), "reason").lower()


def test_place_keeps_working_without_a_preview(client, db):
    lot = framework(db, prices=("1000.00",))
    place(db, lot, quantity=1)
    lot_id, data = lot.id, order_form(db, lot)
    db.commit()
    login(client, ODENSE)
    assert client.post(f"/frameworks/lots/{lot_id}/order", data=data).status_code == 302
