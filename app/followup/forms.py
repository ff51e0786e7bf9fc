"""Forms of the results follow-up: shape only; the rules are in services."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField
from wtforms.validators import InputRequired

from app.fields import NumberField
from app.followup.models import Indicator
from app.forms import Form
from app.i18n import lazy_gettext as _l


class ResultImportForm(Form):
    file = FileField(
        _l("Results file (CSV or XLSX)"), validators=[FileRequired(_l("Choose a file."))]
    )


class ThresholdForm(Form):
    indicator = SelectField(
        _l("Indicator"),
        choices=[(i.value, i.label) for i in Indicator],
        validators=[InputRequired()],
    )
    weak = NumberField(_l("Weak when worse than"), validators=[InputRequired()])
    good = NumberField(_l("Good when at least as good as"), validators=[InputRequired()])
