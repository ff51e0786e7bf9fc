"""Forms for call-offs: shape only; the rules (price, maximum, cascade, CPR) are in services."""

from __future__ import annotations

from wtforms import DateField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.calloffs.services import MAX_QUANTITY, InvoiceInput, OrderInput
from app.core.i18n import lazy_gettext as _l
from app.web.fields import IntegerField, KronerField
from app.web.forms import Form

NO_CPR = _l("Never a CPR number.")


class OrderForm(Form):
    agreement = RadioField(_l("Supplier"), coerce=int, validators=[InputRequired()])
    case_reference = StringField(
        _l("Case reference"),
        description=_l(
            "The jobcentre's own pseudonymous reference to the case. Never a CPR number."
        ),
        validators=[DataRequired(), Length(max=40)],
    )
    quantity = IntegerField(
        _l("Quantity (courses or persons)"),
        default=1,
        validators=[InputRequired(), NumberRange(min=1, max=MAX_QUANTITY)],
    )
    starts_on = DateField(_l("Start date"), validators=[InputRequired()])
    note = TextAreaField(
        _l("Note to the supplier"),
        description=NO_CPR,
        validators=[Optional(), Length(max=2000)],
    )
    choice_reason = TextAreaField(
        _l("Reason for choosing this supplier"),
        description=_l("Needed under a ranked cascade when you choose a lower-ranked supplier."),
        validators=[Optional(), Length(max=2000)],
    )

    def order_input(self) -> OrderInput:
        return OrderInput(
            case_reference=self.case_reference.data or "",
            quantity=self.quantity.data,
            starts_on=self.starts_on.data,
            note=self.note.data or "",
            choice_reason=self.choice_reason.data or "",
        )


class InvoiceForm(Form):
    amount = KronerField(_l("Invoice amount (kr.)"), validators=[InputRequired()])
    reference = StringField(_l("Invoice number"), validators=[DataRequired(), Length(max=60)])
    reason = TextAreaField(
        _l("Reason, if the invoice is above the order's total"),
        description=NO_CPR,
        validators=[Optional(), Length(max=2000)],
    )

    def invoice_input(self) -> InvoiceInput:
        return InvoiceInput(
            amount=self.amount.data,
            reference=self.reference.data or "",
            reason=self.reason.data or "",
        )
