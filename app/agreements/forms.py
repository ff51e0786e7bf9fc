"""The decision forms of an agreement: shape only (the rules are in services)."""

from __future__ import annotations

from wtforms import RadioField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from app.agreements.models import GROUND_LABELS, Ground
from app.core.i18n import lazy_gettext as _l
from app.web.forms import Form


class DecisionForm(Form):
    reason = TextAreaField(
        _l("Reason (the supplier and the jobcentres are told it)"),
        validators=[DataRequired(), Length(max=4000)],
    )


class GroundedDecisionForm(DecisionForm):
    ground = RadioField(
        _l("Ground"),
        choices=[(g.value, GROUND_LABELS[g]) for g in Ground],
        validators=[InputRequired(message=_l("Choose the ground for the decision."))],
    )
