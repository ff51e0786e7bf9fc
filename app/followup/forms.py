"""Forms of the results follow-up: shape only; the rules are in services."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.core.i18n import lazy_gettext as _l
from app.followup.models import Indicator
from app.web.fields import IntegerField, KronerField, NumberField
from app.web.forms import Form


class ResultImportForm(Form):
    file = FileField(
        _l("Results file (CSV or XLSX)"), validators=[FileRequired(_l("Choose a file."))]
    )


class ThresholdForm(Form):
    indicator = SelectField(
        _l("Indicator"),
        choices=lambda: [(i.value, i.label) for i in Indicator],
        validators=[InputRequired()],
    )
    weak = NumberField(_l("Weak when worse than"), validators=[InputRequired()])
    good = NumberField(_l("Good when at least as good as"), validators=[InputRequired()])


def _choice(yes, no, label):
    return RadioField(label, choices=[("yes", yes), ("no", no)], validators=[InputRequired()])


class OpenCaseForm(Form):
    reason = TextAreaField(
        _l("Why the region reacts"), validators=[DataRequired(), Length(max=5000)]
    )


class AssessForm(Form):
    outcome = _choice(
        _l("The jobcentre has already taken the necessary initiatives: follow closely"),
        _l("An improvement agreement is needed"),
        _l("The assessment"),
    )
    text = TextAreaField(_l("What the region found"), validators=[DataRequired(), Length(max=5000)])
    next_review_on = DateField(_l("Next review (when followed closely)"), validators=[Optional()])


class ReviewForm(Form):
    outcome = _choice(
        _l("The results have improved: close the case"),
        _l("An improvement agreement is needed"),
        _l("The review"),
    )
    text = TextAreaField(_l("What the review found"), validators=[DataRequired(), Length(max=5000)])


class AgreementForm(Form):
    text = TextAreaField(
        _l("How the effort improves"), validators=[DataRequired(), Length(max=10000)]
    )
    improve_by = DateField(_l("Improved by"), validators=[InputRequired()])
    follow_up_on = DateField(_l("Followed up on"), validators=[InputRequired()])
    target_in_work = NumberField(
        _l("Target: share in work after an effort (%)"), validators=[Optional()]
    )
    target_weeks = NumberField(_l("Target: average weeks of unemployment"), validators=[Optional()])
    consultancy_amount = KronerField(
        _l("Consultancy financed by the region (kr.)"), validators=[Optional()]
    )
    consultancy_provider = StringField(
        _l("Consultancy provider"), validators=[Optional(), Length(max=200)]
    )
    consultancy_from = DateField(_l("Consultancy from"), validators=[Optional()])
    consultancy_to = DateField(_l("Consultancy until"), validators=[Optional()])


class DecisionForm(Form):
    decision = SelectField(_l("The council's decision"), coerce=int, validators=[InputRequired()])


class FollowUpForm(Form):
    outcome = _choice(
        _l("The results improved as agreed: close the case"),
        _l("The results did not improve as agreed: recommend an order"),
        _l("The follow-up"),
    )
    text = TextAreaField(
        _l("The results against the targets"), validators=[DataRequired(), Length(max=5000)]
    )


class RecommendationForm(Form):
    text = TextAreaField(
        _l("The recommendation to the ministry"), validators=[DataRequired(), Length(max=10000)]
    )
    parts = SelectMultipleField(
        _l("The parts of the effort (target groups)"), coerce=int, validators=[InputRequired()]
    )
    minimum_share = NumberField(
        _l("Least share handled by other actors (%)"), validators=[InputRequired()]
    )


class IntegrationForm(Form):
    outcome = _choice(
        _l("The Ministry of Integration agrees"),
        _l("The Ministry of Integration does not agree"),
        _l("The answer"),
    )
    text = TextAreaField(_l("Reasons"), validators=[DataRequired(), Length(max=5000)])


class MinistryDecisionForm(Form):
    outcome = _choice(
        _l("Order the jobcentre to use other actors"),
        _l("Give no order"),
        _l("The decision"),
    )
    text = TextAreaField(_l("Reasons"), validators=[DataRequired(), Length(max=5000)])
    ordered_from = DateField(_l("Order from"), validators=[Optional()])
    ordered_to = DateField(_l("Order until"), validators=[Optional()])


class VolumeForm(Form):
    part = SelectField(_l("Part of the effort"), coerce=int, validators=[InputRequired()])
    period = StringField(
        _l("Quarter"), description=_l("For example 2026-Q3"), validators=[DataRequired()]
    )
    handled_itself = IntegerField(
        _l("Handled by the jobcentre itself"),
        validators=[InputRequired(), NumberRange(min=0, max=1_000_000)],
    )
    handled_by_others = IntegerField(
        _l("Handled by other actors outside the platform"),
        description=_l("The jobcentre's orders on the platform are counted by themselves."),
        validators=[InputRequired(), NumberRange(min=0, max=1_000_000)],
    )
