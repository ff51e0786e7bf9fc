"""Forms for API tokens: shape only; the rules are in app.api.tokens."""

from __future__ import annotations

from wtforms import DateField, StringField
from wtforms.validators import DataRequired, InputRequired, Length

from app.api.models import SCOPE_LABELS, ApiScope
from app.core.i18n import lazy_gettext as _l
from app.web.fields import MultiCheckboxField
from app.web.forms import Form


class TokenForm(Form):
    name = StringField(
        _l("Name"),
        description=_l(
            "The system that uses it, e.g. the case system; the audit trail names the token so."
        ),
        validators=[DataRequired(), Length(max=100)],
    )
    scopes = MultiCheckboxField(_l("Scopes"), validators=[InputRequired()])
    expires_on = DateField(
        _l("Expires on"),
        description=_l(
            "The token stops working at midnight at the start of this day; at most a year ahead."
        ),
        validators=[InputRequired()],
    )

    def offer_scopes(self, scopes) -> None:
        self.scopes.choices = [(s.value, SCOPE_LABELS[s]) for s in ApiScope if s in scopes]
