"""Forms for suppliers: shape only."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, EmailField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length

from app.auth.forms import _new_password_fields
from app.core.i18n import lazy_gettext as _l
from app.tenders.forms import MultiCheckboxField
from app.web.forms import Form


class RegisterForm(Form):
    company_name = StringField(_l("Company name"), validators=[DataRequired(), Length(max=200)])
    cvr = StringField(
        _l("CVR number"), validators=[DataRequired(), Length(max=12)], description=_l("8 digits.")
    )
    address = TextAreaField(_l("Address"), validators=[DataRequired(), Length(max=1000)])
    contact_person = StringField(_l("Contact person"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
        description=_l("The contact person's address; it becomes your login."),
    )
    new_password, repeat_password = _new_password_fields()


class ResendForm(Form):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])


class PasswordChoiceForm(Form):
    new_password, repeat_password = _new_password_fields()


class ProfileForm(Form):
    address = TextAreaField(_l("Address"), validators=[DataRequired(), Length(max=1000)])
    contact_person = StringField(_l("Contact person"), validators=[DataRequired(), Length(max=200)])
    target_group_ids = MultiCheckboxField(_l("Target groups we serve"), coerce=int)
    region_ids = MultiCheckboxField(_l("Regions we serve"), coerce=int)
    declare_no_exclusion = BooleanField(
        _l("We declare, as of today, that no grounds for exclusion apply to the company")
    )


class InviteForm(Form):
    name = StringField(_l("Colleague's name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(
        _l("Colleague's e-mail"),
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
    )


class DocumentForm(Form):
    document = FileField(_l("Document"), validators=[FileRequired()])


class SuspendForm(Form):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=5000)])
