"""The shared fields' shape checks: spaces alone are no number, a number no column holds is a
field error (never an OverflowError), text posted or searched loses its NUL bytes, and every
number field of every form is one of the bounded fields."""

from __future__ import annotations

import importlib
import pkgutil
from html import unescape

import pytest
import wtforms
from werkzeug.datastructures import MultiDict
from wtforms.validators import InputRequired, NumberRange, Optional

import app as app_package
from app.web.fields import MAX_WHOLE, IntegerField, KronerField, NumberField
from app.web.forms import Form
from tests.conftest import login


class AmountForm(Form):
    required = KronerField(validators=[InputRequired()])
    optional = NumberField(validators=[Optional()])


class QuantityForm(Form):
    quantity = IntegerField(validators=[InputRequired(), NumberRange(min=1, max=100_000)])


def _form(app, cls, **values):
    with app.test_request_context():
        form = cls(formdata=MultiDict(values))
        return form, form.validate(), {name: list(f.errors) for name, f in form._fields.items()}


def test_spaces_alone_in_a_required_amount_are_a_missing_amount(app):
    form, valid, errors = _form(app, AmountForm, required=" \t ", optional="  ")
    assert not valid
    assert errors["required"] == ["Feltet skal udfyldes."]
    assert errors["optional"] == [] and form.optional.data is None  # optional: simply empty


def test_an_amount_is_still_read_the_danish_way(app):
    form, valid, _errors = _form(app, AmountForm, required=" 1.234,50 ", optional="")
    assert valid and str(form.required.data) == "1234.50"


@pytest.mark.parametrize("typed", ["9" * 400, str(MAX_WHOLE + 1), str(-MAX_WHOLE - 1)])
def test_a_whole_number_no_column_holds_is_a_field_error(app, typed):
    form, valid, errors = _form(app, QuantityForm, quantity=typed)
    assert not valid and form.quantity.data is None
    assert "Ikke et gyldigt heltal." in errors["quantity"]


def test_the_largest_whole_number_a_column_holds_is_read_and_then_checked_against_its_range(app):
    form, valid, errors = _form(app, QuantityForm, quantity=str(MAX_WHOLE))
    assert not valid and form.quantity.data == MAX_WHOLE
    assert errors["quantity"] == ["Tallet skal være mellem 1 og 100000."]


def _forms_of_the_app() -> list[type]:
    for module in pkgutil.walk_packages(app_package.__path__, "app."):
        if module.name.endswith(".forms") or module.name == "app.web.forms":
            importlib.import_module(module.name)
    found, todo = [], [wtforms.Form]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("app."):
            found.append(cls)
    return found


def test_every_number_field_of_every_form_is_a_bounded_one():
    """wtforms' own IntegerField, DecimalField and FloatField take any number of digits; ours
    (IntegerField: a 64-bit column; NumberField and KronerField: below MAX_AMOUNT) do not."""
    forms = _forms_of_the_app()
    assert len(forms) > 40, "no forms found: the test would prove nothing"
    unbounded = []
    for form in forms:
        for name in dir(form):
            unbound = getattr(form, name, None)
            cls = getattr(unbound, "field_class", None)
            if cls is None:
                continue
            numeric = issubclass(
                cls, wtforms.IntegerField | wtforms.DecimalField | wtforms.FloatField
            )
            if numeric and not issubclass(cls, IntegerField):
                unbounded.append(f"{form.__module__}.{form.__name__}.{name}")
            amount_as_text = issubclass(cls, wtforms.StringField) and "amount" in name
            if amount_as_text and not issubclass(cls, NumberField):
                unbounded.append(f"{form.__module__}.{form.__name__}.{name}")
    assert unbounded == []


# --- text posted without a form, and searched -----------------------------------------------


def test_a_nul_in_a_search_is_dropped_not_sent_to_the_database(client, db):
    """PostgreSQL refuses a NUL in a string (a 500); on SQLite it found nothing."""
    login(client, "admin@demo.dk")
    page = client.get("/admin/organisations/", query_string={"q": "Aal\x00borg"})
    assert page.status_code == 200
    assert "Jobcenter Aalborg" in unescape(page.get_data(as_text=True))


def test_a_question_posted_with_a_nul_is_stored_without_it(client, db):
    from sqlalchemy import select

    from app.tenders.models import Tender, TenderQuestion, TenderState

    tender = db.scalars(
        select(Tender)
        .where(Tender.state == TenderState.PUBLISHED)
        .order_by(Tender.bid_deadline.desc())
    ).first()
    login(client, "leverandoer1@demo.dk")
    response = client.post(
        f"/tenders/{tender.id}/questions", data={"question": "Hvornår\x00 starter det?"}
    )
    assert response.status_code == 302
    asked = db.scalars(select(TenderQuestion).order_by(TenderQuestion.id.desc())).first()
    assert asked.text == "Hvornår starter det?"
