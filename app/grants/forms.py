"""Forms for the grants: shape only; the rules are in services."""

from __future__ import annotations

from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from app.core.i18n import lazy_gettext as _l
from app.grants.models import GrantKind
from app.web.fields import IntegerField, KronerField
from app.web.forms import Form


class GrantForm(Form):
    kind = SelectField(
        _l("Grant"),
        choices=lambda: [(k.value, k.label) for k in GrantKind],
        validators=[InputRequired()],
    )
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(2000, 2100)])
    amount = KronerField(_l("Amount granted by the state (kr.)"), validators=[InputRequired()])


class ProjectForm(Form):
    title = StringField(_l("Project"), validators=[DataRequired(), Length(max=200)])
    purpose = TextAreaField(_l("Purpose"), validators=[DataRequired(), Length(max=5000)])
    concerns = StringField(
        _l("Target group or company concerned"), validators=[DataRequired(), Length(max=300)]
    )
    requested = KronerField(_l("Amount applied for (kr.)"), validators=[InputRequired()])
    starts_on = DateField(_l("From"), validators=[InputRequired()])
    ends_on = DateField(_l("Until"), validators=[InputRequired()])


class AllocationForm(Form):
    amount = KronerField(_l("Amount allocated (kr.)"), validators=[InputRequired()])
    decision = SelectField(_l("The council's decision"), coerce=int, validators=[InputRequired()])
    text = TextAreaField(_l("Note"), validators=[Length(max=5000)])


class SpendForm(Form):
    amount = KronerField(_l("Amount spent (kr.)"), validators=[InputRequired()])
    spent_on = DateField(_l("Date"), validators=[InputRequired()])
    description = StringField(_l("Spent on"), validators=[DataRequired(), Length(max=300)])
