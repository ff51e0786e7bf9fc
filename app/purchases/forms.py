"""Forms for outside purchases, the ledger import and breach follow-up: shape only."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from app.core.i18n import lazy_gettext as _l
from app.purchases.models import FollowUp
from app.purchases.services import PurchaseInput
from app.web.fields import KronerField
from app.web.forms import Form


class PurchaseForm(Form):
    target_group = SelectField(_l("Target group"), coerce=int, validators=[InputRequired()])
    supplier_name = StringField(_l("Supplier"), validators=[DataRequired(), Length(max=200)])
    supplier_cvr = StringField(
        _l("Supplier's CVR number"),
        validators=[DataRequired(), Regexp(r"^\d{8}$", message=_l("Write the 8 digits."))],
    )
    amount = KronerField(_l("Amount (kr.)"), validators=[InputRequired()])
    purchased_on = DateField(_l("Date of purchase"), validators=[InputRequired()])
    description = TextAreaField(
        _l("What was bought"),
        description=_l("Never a CPR number."),
        validators=[Optional(), Length(max=2000)],
    )
    voucher = StringField(_l("Voucher number"), validators=[Optional(), Length(max=40)])
    breach_reason = TextAreaField(
        _l("Why the framework was not used"),
        description=_l("Needed when a framework covered the target group on that day."),
        validators=[Optional(), Length(max=2000)],
    )

    def purchase_input(self) -> PurchaseInput:
        return PurchaseInput(
            target_group_id=self.target_group.data,
            supplier_name=self.supplier_name.data or "",
            supplier_cvr=self.supplier_cvr.data or "",
            amount=self.amount.data,
            purchased_on=self.purchased_on.data,
            description=self.description.data or "",
            voucher=self.voucher.data or "",
            breach_reason=self.breach_reason.data or "",
        )


class ImportForm(Form):
    jobcentre = SelectField(_l("Jobcentre"), coerce=int, validators=[InputRequired()])
    file = FileField(
        _l("Ledger file (CSV or XLSX)"), validators=[FileRequired(_l("Choose a file."))]
    )


class FollowUpForm(Form):
    outcome = RadioField(
        _l("The region's view"),
        choices=[
            (FollowUp.ACCEPTED.value, _l("Accept the breach")),
            (FollowUp.NEEDS_FOLLOW_UP.value, _l("The breach needs follow-up")),
        ],
        validators=[InputRequired()],
    )
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=5000)])
