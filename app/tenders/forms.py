"""Forms for tenders: shape only; the rules are in services."""

from __future__ import annotations

from typing import ClassVar

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms import Form as PlainForm
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.core.i18n import lazy_gettext as _l
from app.tenders.models import DEFAULT_COMPETITION_DAYS, CallOffRule, Scope
from app.tenders.services import CriterionInput, LotInput, TenderContent
from app.web.fields import (
    IntegerField,
    KronerField,
    MultiCheckboxField,
    NumberField,
    copenhagen_moment,
)
from app.web.forms import Form, clean_text


class NeededInARow:
    """Marks a field as needed when its row is used (blank rows are dropped): no "(optional)"."""

    field_flags: ClassVar[dict] = {"required": True}

    def __call__(self, form, field):
        return None


class SubForm(PlainForm):
    """A row inside a form (a lot, a criterion): no CSRF of its own, same messages."""

    class Meta(Form.Meta):
        csrf = False


class LotForm(SubForm):
    title = StringField(
        _l("Title of the lot"), validators=[NeededInARow(), Optional(), Length(max=200)]
    )
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    maximum_value = KronerField(_l("Maximum value (kr.)"), validators=[NeededInARow(), Optional()])
    suppliers_to_award = IntegerField(
        _l("Number of suppliers to award"),
        default=2,
        validators=[Optional(), NumberRange(min=0, max=50)],
    )
    fewer_suppliers_reason = TextAreaField(
        _l("Reason, if fewer than 2 suppliers"), validators=[Optional(), Length(max=2000)]
    )

    call_off_rule = SelectField(
        _l("Call-off rule"),
        choices=lambda: [(rule.value, rule.label) for rule in CallOffRule],
        default=CallOffRule.FREE_CHOICE.value,
        validators=[Optional()],
    )
    cascade_limit = KronerField(
        _l("Cascade up to (kr.)"),
        validators=[Optional()],
        description=_l("Only for a cascade up to an amount: an order above it is competed."),
    )
    competition_days = IntegerField(
        _l("Shortest response deadline of a mini-competition (days)"),
        default=DEFAULT_COMPETITION_DAYS,
        validators=[Optional(), NumberRange(min=0, max=90)],
    )

    def is_blank(self) -> bool:
        return not (self.title.data or self.maximum_value.data)


class CriterionForm(SubForm):
    name = StringField(_l("Criterion"), validators=[NeededInARow(), Optional(), Length(max=200)])
    weight = IntegerField(
        _l("Weight"), validators=[NeededInARow(), Optional(), NumberRange(min=1, max=100)]
    )
    is_price = BooleanField(_l("This is the price criterion"))

    def is_blank(self) -> bool:
        return not (self.name.data or self.weight.data)


class TenderForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=20000)])
    scope = SelectField(
        _l("Scope"),
        choices=[
            (Scope.REGIONAL.value, _l("Regional: the jobcentres of our region")),
            (Scope.NATIONAL.value, _l("National: all jobcentres; our region leads")),
        ],
        validators=[DataRequired()],
    )
    target_group_ids = MultiCheckboxField(_l("Target groups"), coerce=int)
    need_id = SelectField(
        _l("Need in an annual contract"), coerce=int, validators=[InputRequired()]
    )
    estimated_value = KronerField(_l("Estimated value (kr.)"), validators=[InputRequired()])
    agreement_start = DateField(_l("Agreement period starts"), validators=[InputRequired()])
    agreement_end = DateField(_l("Agreement period ends"), validators=[InputRequired()])
    long_period_reason = TextAreaField(
        _l("Reason for a period longer than 4 years"), validators=[Optional(), Length(max=5000)]
    )
    extension_options = IntegerField(
        _l("Options to extend the agreement period"),
        default=0,
        validators=[Optional(), NumberRange(min=0, max=3)],
        description=_l("0 when the period cannot be extended."),
    )
    extension_months = IntegerField(
        _l("Months each option extends by"),
        default=0,
        validators=[Optional(), NumberRange(min=0, max=24)],
    )
    extension_needs_council = BooleanField(_l("Each extension needs a council decision"))
    price_index = StringField(
        _l("Index the prices are regulated by once a year"),
        validators=[Optional(), Length(max=200)],
        filters=[clean_text],
        description=_l("E.g. Danmarks Statistik's net price index; empty when prices are fixed."),
    )
    price_cap = NumberField(_l("Largest yearly rise (%)"), validators=[Optional()])
    deadline_date = DateField(
        _l("Bid deadline, date"),
        validators=[InputRequired()],
        description=_l("Danish time (Europe/Copenhagen)."),
    )
    deadline_time = TimeField(_l("Bid deadline, time"), validators=[InputRequired()])
    lots = FieldList(FormField(LotForm), min_entries=1, max_entries=30)
    criteria = FieldList(FormField(CriterionForm), min_entries=3, max_entries=20)
    requirements = FieldList(
        TextAreaField(
            _l("Minimum requirement"),
            validators=[Optional(), Length(max=2000)],
            filters=[clean_text],
        ),
        min_entries=2,
        max_entries=40,
    )
    add_lot = SubmitField(_l("Add a lot"))
    add_criterion = SubmitField(_l("Add a criterion"))
    add_requirement = SubmitField(_l("Add a requirement"))
    save = SubmitField(_l("Save"))

    def wants_another_row(self) -> bool:
        """The user asked for one more row (works without JavaScript); nothing is saved."""
        for name in ("lots", "criteria", "requirements"):
            button = {
                "lots": self.add_lot,
                "criteria": self.add_criterion,
                "requirements": self.add_requirement,
            }[name]
            if button.data:
                getattr(self, name).append_entry()
                return True
        return False

    def content(self) -> TenderContent:
        return TenderContent(
            title=self.title.data or "",
            description=self.description.data or "",
            scope=Scope(self.scope.data),
            target_group_ids=list(self.target_group_ids.data or []),
            need_id=self.need_id.data or None,
            estimated_value=self.estimated_value.data,
            agreement_start=self.agreement_start.data,
            agreement_end=self.agreement_end.data,
            long_period_reason=self.long_period_reason.data or "",
            bid_deadline=copenhagen_moment(self.deadline_date.data, self.deadline_time.data),
            extension_options=self.extension_options.data or 0,
            extension_months=self.extension_months.data or 0,
            extension_needs_council=bool(self.extension_needs_council.data),
            price_index=self.price_index.data or "",
            price_cap=self.price_cap.data,
            lots=[
                LotInput(
                    title=row.title.data or "",
                    description=row.description.data or "",
                    maximum_value=row.maximum_value.data or 0,
                    suppliers_to_award=row.suppliers_to_award.data
                    if row.suppliers_to_award.data is not None
                    else 2,
                    fewer_suppliers_reason=row.fewer_suppliers_reason.data or "",
                    call_off_rule=CallOffRule(row.call_off_rule.data or CallOffRule.FREE_CHOICE),
                    cascade_limit=row.cascade_limit.data,
                    competition_days=row.competition_days.data
                    if row.competition_days.data is not None
                    else DEFAULT_COMPETITION_DAYS,
                )
                for row in (entry.form for entry in self.lots)
                if not row.is_blank()
            ],
            criteria=[
                CriterionInput(row.name.data or "", row.weight.data or 0, bool(row.is_price.data))
                for row in (entry.form for entry in self.criteria)
                if not row.is_blank()
            ],
            requirements=[entry.data or "" for entry in self.requirements],
        )


class ClarificationForm(Form):
    text = TextAreaField(_l("Clarification"), validators=[DataRequired(), Length(max=10000)])


class DeadlineForm(Form):
    deadline_date = DateField(_l("New deadline, date"), validators=[InputRequired()])
    deadline_time = TimeField(_l("New deadline, time"), validators=[InputRequired()])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=5000)])

    def moment(self):
        return copenhagen_moment(self.deadline_date.data, self.deadline_time.data)


class DocumentForm(Form):
    document = FileField(
        _l("Document"),
        validators=[FileRequired()],
        description=_l("PDF, Word, Excel, OpenDocument, text or CSV; at most 20 MB."),
    )


class DecisionLinkForm(Form):
    decision_id = SelectField(_l("Council decision"), coerce=int, validators=[InputRequired()])
