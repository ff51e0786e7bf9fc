"""Forms for the specialist-knowledge directory: shape only."""

from __future__ import annotations

from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.core.i18n import lazy_gettext as _l
from app.web.forms import Form


class EntryForm(Form):
    area = StringField(_l("Area"), validators=[DataRequired(), Length(max=200)])
    provider = StringField(
        _l("Provider (a supplier or a public body)"), validators=[DataRequired(), Length(max=200)]
    )
    contact = StringField(_l("How to reach it"), validators=[DataRequired(), Length(max=300)])
    conditions = TextAreaField(_l("Conditions"), validators=[Optional(), Length(max=5000)])


class PublishForm(Form):
    decision = SelectField(_l("The council's decision"), coerce=int, validators=[InputRequired()])


class AskForm(Form):
    question = TextAreaField(
        _l("What the jobcentre needs"), validators=[DataRequired(), Length(max=5000)]
    )


class AnswerForm(Form):
    answer = TextAreaField(_l("The region's answer"), validators=[DataRequired(), Length(max=5000)])
