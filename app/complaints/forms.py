"""Forms for complaints to the Complaints Board: shape only; the rules are in services."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import DateField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.complaints.models import RULINGS, ComplaintState
from app.complaints.services import ComplaintInput, RulingInput, Upload
from app.core.i18n import lazy_gettext as _l
from app.web.forms import Form


def _upload(field: FileField) -> Upload | None:
    data = field.data
    if data is None or not getattr(data, "filename", ""):
        return None
    return Upload(data.filename, data.read())


class ComplaintForm(Form):
    complainant = StringField(
        _l("Complainant"),
        description=_l("Who complained: usually a bidder."),
        validators=[DataRequired(), Length(max=200)],
    )
    received_on = DateField(
        _l("Date received"),
        description=_l("The day the region was told of the complaint."),
        validators=[InputRequired()],
    )
    case_number = StringField(
        _l("The board's case number"), validators=[DataRequired(), Length(max=40)]
    )
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])
    document = FileField(_l("Document (optional)"))

    def complaint_input(self) -> ComplaintInput:
        return ComplaintInput(
            complainant=self.complainant.data or "",
            received_on=self.received_on.data,
            case_number=self.case_number.data or "",
            note=self.note.data or "",
        )

    def upload(self) -> Upload | None:
        return _upload(self.document)


class SuspensionForm(Form):
    decision = RadioField(
        _l("The board's decision on suspensive effect"),
        choices=[
            ("granted", _l("Granted: the complaint has suspensive effect")),
            ("refused", _l("Not granted: the complaint has no suspensive effect")),
        ],
        validators=[InputRequired()],
    )
    decided_on = DateField(_l("The date of the board's decision"), validators=[InputRequired()])
    document = FileField(_l("The decision (optional)"))

    def upload(self) -> Upload | None:
        return _upload(self.document)


class RulingForm(Form):
    ruling = RadioField(
        _l("The board's ruling"),
        choices=lambda: [(state.value, state.label) for state in RULINGS],
        validators=[InputRequired()],
    )
    ruled_on = DateField(_l("Date of the ruling"), validators=[InputRequired()])
    ineffective_from = DateField(
        _l("Ineffective from"),
        description=_l(
            "Only when the agreements are declared ineffective: no orders from this day."
        ),
        validators=[Optional()],
    )
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])
    document = FileField(_l("The ruling (optional)"))

    def ruling_input(self) -> RulingInput:
        return RulingInput(
            ruling=ComplaintState(self.ruling.data),
            ruled_on=self.ruled_on.data,
            ineffective_from=self.ineffective_from.data,
            note=self.note.data or "",
        )

    def upload(self) -> Upload | None:
        return _upload(self.document)
