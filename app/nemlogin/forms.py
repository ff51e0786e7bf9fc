"""Forms for NemLog-in sign-in: shape only. The CVR number and the company's name are never
fields: they come from the assertion, kept on the server."""

from __future__ import annotations

from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.core.i18n import lazy_gettext as _l
from app.web.forms import Form


class RegisterCompanyForm(Form):
    address = TextAreaField(_l("Address"), validators=[DataRequired(), Length(max=1000)])


class GrantRoleForm(Form):
    role = SelectField(_l("Role"), validators=[DataRequired()])


class CvrForm(Form):
    """A CVR number for an organisation or a municipality (empty removes it)."""

    target = SelectField(_l("For"), coerce=int, validators=[DataRequired()])
    cvr = StringField(
        _l("CVR number"),
        validators=[Optional(), Length(max=12)],
        description=_l("8 digits. Leave it empty to remove the number."),
    )
