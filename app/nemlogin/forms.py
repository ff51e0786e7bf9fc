"""Forms for NemLog-in sign-in: shape only. The CVR number and the company's name are never
fields: they come from the assertion, kept on the server."""

from __future__ import annotations

from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.core.i18n import lazy_gettext as _l
from app.web.forms import Form


class RegisterCompanyForm(Form):
    address = TextAreaField(_l("Address"), validators=[DataRequired(), Length(max=1000)])


class GrantRoleForm(Form):
    role = SelectField(_l("Role"), validators=[DataRequired()])
