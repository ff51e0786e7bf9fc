"""Forms for exemptions: shape only; the rules are in services."""

from __future__ import annotations

from wtforms import DateField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from app.core.i18n import lazy_gettext as _l
from app.exemptions.models import ExemptionReason
from app.exemptions.services import ExemptionInput
from app.web.forms import Form


class ExemptionForm(Form):
    scope = SelectField(
        _l("Exempted from"),
        description=_l("A whole framework, or one of its lots."),
        validators=[InputRequired()],
    )
    reason = SelectField(
        _l("Kind of special case"),
        choices=lambda: [(r.value, r.label) for r in ExemptionReason],
        validators=[InputRequired()],
    )
    justification = TextAreaField(
        _l("Justification"),
        description=_l("Why this is a special case. Never a CPR number."),
        validators=[DataRequired(), Length(max=5000)],
    )
    starts_on = DateField(_l("From"), validators=[InputRequired()])
    ends_on = DateField(_l("To"), validators=[InputRequired()])

    def exemption_input(self) -> ExemptionInput:
        # The choices are "t:<tender id>" for a whole framework and "l:<lot id>" for a lot.
        kind, _sep, raw_id = self.scope.data.partition(":")
        return ExemptionInput(
            tender_id=int(raw_id) if kind == "t" else None,
            lot_id=int(raw_id) if kind == "l" else None,
            reason=ExemptionReason(self.reason.data),
            justification=self.justification.data or "",
            starts_on=self.starts_on.data,
            ends_on=self.ends_on.data,
        )


class DecisionForm(Form):
    decision = RadioField(
        _l("Decision"),
        choices=[("approve", _l("Approve the exemption")), ("refuse", _l("Refuse the exemption"))],
        validators=[InputRequired()],
    )
    reason = TextAreaField(
        _l("Reasons"),
        description=_l("They go to the jobcentre in the decision letter."),
        validators=[DataRequired(), Length(max=5000)],
    )
