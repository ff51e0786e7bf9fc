"""Forms for organisations: shape only."""

from __future__ import annotations

from wtforms import EmailField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from app.core.i18n import lazy_gettext as _l
from app.organisations.models import OrganisationKind
from app.web.forms import Form


class OrganisationForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(
        _l("E-mail"),
        validators=[Optional(), Email(check_deliverability=False), Length(max=254)],
    )
    code = StringField(
        _l("Region code"),
        validators=[Optional(), Length(max=4)],
        description=_l("Only for employment regions: 2–4 letters used in tender references."),
    )
    council_name = StringField(
        _l("Name of the regional employment council"),
        validators=[Optional(), Length(max=200)],
        description=_l("Only for employment regions."),
    )
    municipalities = SelectMultipleField(
        _l("Municipalities served"),
        coerce=int,
        validators=[Optional()],
        description=_l("Only for jobcentres. Hold Ctrl (or Cmd) to choose more than one."),
    )


class OrganisationCreateForm(OrganisationForm):
    kind = SelectField(
        _l("Kind"),
        choices=lambda: [(kind.value, kind.label) for kind in OrganisationKind],
        validators=[DataRequired()],
    )
    region_id = SelectField(
        _l("Employment region"),
        coerce=int,
        validators=[Optional()],
        description=_l("Only for jobcentres."),
    )
