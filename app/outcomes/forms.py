"""Forms of outcomes: shape only; the rules are in services."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import DateField
from wtforms.validators import InputRequired, NumberRange, Optional

from app.core.i18n import lazy_gettext as _l
from app.web.fields import IntegerField
from app.web.forms import Form

_PERSONS = NumberRange(0, 100_000)


class OutcomeForm(Form):
    ended_on = DateField(_l("The course ended on"), validators=[InputRequired()])
    started = IntegerField(_l("Persons who started"), validators=[InputRequired(), _PERSONS])
    completed = IntegerField(_l("Persons who completed"), validators=[InputRequired(), _PERSONS])
    in_work_13 = IntegerField(
        _l("In work or education 13 weeks after the end (leave empty until known)"),
        validators=[Optional(), _PERSONS],
    )
    in_work_26 = IntegerField(
        _l("In work or education 26 weeks after the end (leave empty until known)"),
        validators=[Optional(), _PERSONS],
    )


class OutcomeImportForm(Form):
    file = FileField(
        _l("Outcomes file (CSV or XLSX)"), validators=[FileRequired(_l("Choose a file."))]
    )


class ThresholdForm(Form):
    persons = IntegerField(
        _l("Show an effect only when it rests on at least this many persons"),
        validators=[InputRequired(), NumberRange(1, 100_000)],
    )
