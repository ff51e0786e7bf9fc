"""Forms for target groups: shape only."""

from __future__ import annotations

from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.core.i18n import lazy_gettext as _l
from app.web.forms import Form


class TargetGroupForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    integration_effort = BooleanField(
        _l("Belongs to the integration effort"),
        description=_l("Tenders for it need the Ministry of Integration's agreement."),
    )
    active = BooleanField(_l("Active (can be chosen for new tenders)"), default=True)
