"""Forms for the councils' register: shape only."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.core.i18n import lazy_gettext as _l
from app.web.fields import IntegerField
from app.web.forms import Form


class MeetingForm(Form):
    held_on = DateField(_l("Date of the meeting"), validators=[InputRequired()])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    agenda = TextAreaField(
        _l("Agenda"),
        validators=[Optional(), Length(max=10000)],
        description=_l("One agenda item per line."),
    )


class DecisionForm(Form):
    meeting_id = SelectField(_l("Meeting"), coerce=int, validators=[Optional()])
    decided_on = DateField(
        _l("Date of the decision"),
        validators=[Optional()],
        description=_l(
            "Leave empty for a decision made at the meeting: it gets the meeting's date."
        ),
    )
    concerns = StringField(
        _l("What the decision concerns"), validators=[DataRequired(), Length(max=300)]
    )
    text = TextAreaField(_l("The decision"), validators=[DataRequired(), Length(max=20000)])


class ContractForm(Form):
    year = IntegerField(_l("Year"), validators=[InputRequired()])
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=20000)])
    needs = TextAreaField(
        _l("Needs named in the contract"),
        validators=[DataRequired(), Length(max=20000)],
        description=_l("One need per line; tenders link to the need they meet."),
    )


class MeetingDocumentForm(Form):
    document = FileField(_l("Document"), validators=[FileRequired()])
