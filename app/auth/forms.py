"""Forms for login, passwords and the administration of users: shape only."""

from __future__ import annotations

from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from app.auth.passwords import MIN_PASSWORD_LENGTH
from app.auth.roles import Role
from app.core.i18n import lazy_gettext as _l
from app.web.forms import Form


class LoginForm(Form):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1000)])


def _new_password_fields() -> tuple[PasswordField, PasswordField]:
    return (
        PasswordField(
            _l("New password"),
            validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=1000)],
            description=_l("At least %(n)d characters.", n=MIN_PASSWORD_LENGTH),
        ),
        PasswordField(
            _l("Repeat the new password"),
            validators=[
                DataRequired(),
                EqualTo("new_password", message=_l("The passwords differ.")),
            ],
        ),
    )


class PasswordChangeForm(Form):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password, repeat_password = _new_password_fields()


class PasswordSetForm(Form):
    new_password, repeat_password = _new_password_fields()


class ForgotPasswordForm(Form):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])


def role_choices() -> list[tuple[str, str]]:
    """Every role but the supplier's: supplier users come from the supplier itself."""
    return [(role.value, role.label) for role in Role if role != Role.SUPPLIER]


class UserEditForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(_l("Role"), choices=role_choices, validators=[DataRequired()])
    organisation_id = SelectField(_l("Organisation"), coerce=int, validators=[DataRequired()])


class UserCreateForm(UserEditForm):
    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
    )
    new_password, repeat_password = _new_password_fields()
