"""Forms for mini-competitions: shape only; the rules (deadline, weights, price) are in services.

The weights, answers and scores have a field per award criterion of the framework, so their
forms are made for the competition at hand."""

from __future__ import annotations

from wtforms import DateField, HiddenField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.core.i18n import lazy_gettext as _l
from app.minicompetitions.services import MAX_QUANTITY, NeedInput, ResponseInput, ShareInput
from app.web.fields import IntegerField, KronerField, copenhagen_moment
from app.web.forms import Form

NO_CPR = _l("Never a CPR number.")


def weight_name(criterion_id: int) -> str:
    return f"weight_{criterion_id}"


def answer_name(criterion_id: int) -> str:
    return f"answer_{criterion_id}"


def share_quantity_name(jobcentre_id: int) -> str:
    return f"quantity_{jobcentre_id}"


def share_case_name(jobcentre_id: int) -> str:
    return f"case_{jobcentre_id}"


def score_name(response_id: int, criterion_id: int) -> str:
    return f"score_{response_id}_{criterion_id}"


class NeedForm(Form):
    description = TextAreaField(
        _l("The need"),
        description=_l("What the suppliers are to deliver. Never a CPR number."),
        validators=[DataRequired(), Length(max=2000)],
    )
    quantity = IntegerField(
        _l("Quantity (courses or persons)"),
        default=1,
        validators=[InputRequired(), NumberRange(min=1, max=MAX_QUANTITY)],
    )
    starts_on = DateField(_l("Start date"), validators=[InputRequired()])
    case_reference = StringField(
        _l("Case reference"),
        description=_l(
            "The jobcentre's own pseudonymous reference to the case. Never a CPR number."
        ),
        validators=[DataRequired(), Length(max=40)],
    )
    deadline_date = DateField(
        _l("Response deadline, date"),
        validators=[InputRequired()],
        description=_l("Danish time (Europe/Copenhagen)."),
    )
    deadline_time = TimeField(_l("Response deadline, time"), validators=[InputRequired()])
    confirmed = HiddenField()

    def need_input(self, criteria) -> NeedInput:
        return NeedInput(
            description=self.description.data or "",
            quantity=self.quantity.data if self.quantity else 0,  # a region's: the shares'
            starts_on=self.starts_on.data,
            case_reference=self.case_reference.data or "",
            response_deadline=copenhagen_moment(self.deadline_date.data, self.deadline_time.data),
            weights={c.id: self[weight_name(c.id)].data or 0 for c in criteria},
        )

    def weight_fields(self, criteria) -> list:
        return [self[weight_name(c.id)] for c in criteria]

    def share_fields(self, jobcentres) -> list[tuple]:
        """Per jobcentre: it, its quantity field and its case reference field."""
        return [
            (j, self[share_quantity_name(j.id)], self[share_case_name(j.id)]) for j in jobcentres
        ]

    def share_inputs(self, jobcentres) -> list[ShareInput]:
        """The jobcentres given a quantity above 0 (the others do not take part)."""
        return [
            ShareInput(j.id, quantity.data, case.data or "")
            for j, quantity, case in self.share_fields(jobcentres)
            if quantity.data
        ]


def need_form(criteria, jobcentres=None, **kwargs) -> NeedForm:
    """The need form with a weight field for each of the framework's award criteria (the
    framework's own weight by default); for a region, a quantity and a case reference for each
    of its `jobcentres` instead of one quantity."""

    class WithWeights(NeedForm):
        pass

    if jobcentres is not None:
        WithWeights.quantity = None  # the shares' sum
        for jobcentre in jobcentres:
            setattr(
                WithWeights,
                share_quantity_name(jobcentre.id),
                IntegerField(
                    _l("Quantity for %(name)s", name=jobcentre.name),
                    validators=[Optional(), NumberRange(min=0, max=MAX_QUANTITY)],
                ),
            )
            setattr(
                WithWeights,
                share_case_name(jobcentre.id),
                StringField(
                    _l("Case reference for %(name)s", name=jobcentre.name),
                    validators=[Optional(), Length(max=40)],
                ),
            )

    for criterion in criteria:
        setattr(
            WithWeights,
            weight_name(criterion.id),
            IntegerField(
                criterion.name,
                default=criterion.weight,
                validators=[InputRequired(), NumberRange(min=0, max=100)],
                description=_l("Weight in percent; the framework's is %(w)d.", w=criterion.weight),
            ),
        )
    return WithWeights(**kwargs)


class ResponseForm(Form):
    unit_price = KronerField(_l("Unit price (kr.)"), validators=[InputRequired()])

    def response_input(self, criteria) -> ResponseInput:
        return ResponseInput(
            unit_price=self.unit_price.data,
            answers={c.id: self[answer_name(c.id)].data or "" for c in criteria},
        )

    def answer_fields(self, criteria) -> list:
        return [self[answer_name(c.id)] for c in criteria]


def response_form(criteria, **kwargs) -> ResponseForm:
    """The response form with an answer for each weighted quality criterion."""

    class WithAnswers(ResponseForm):
        pass

    for criterion in criteria:
        setattr(
            WithAnswers,
            answer_name(criterion.id),
            TextAreaField(criterion.name, validators=[Optional(), Length(max=10000)]),
        )
    return WithAnswers(**kwargs)


class ScoreForm(Form):
    def scores(self, responses, criteria) -> dict[int, dict[int, int]]:
        return {
            r.id: {c.id: self[score_name(r.id, c.id)].data for c in criteria} for r in responses
        }


def score_form(responses, criteria, **kwargs) -> ScoreForm:
    """A score 0–10 for each opened response on each weighted quality criterion."""

    class WithScores(ScoreForm):
        pass

    for response in responses:
        for criterion in criteria:
            setattr(
                WithScores,
                score_name(response.id, criterion.id),
                IntegerField(
                    criterion.name,
                    default=response.score_for(criterion.id),
                    validators=[InputRequired(), NumberRange(min=0, max=10)],
                ),
            )
    return WithScores(**kwargs)
