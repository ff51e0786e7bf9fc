"""The kinds of organisation on the platform. A module of its own, importing no models, so that
the roles (app.auth.roles) and the organisations' models can both import it."""

from __future__ import annotations

from app.core.i18n import lazy_gettext as _l
from app.core.labels import LabelledEnum, labels


class OrganisationKind(LabelledEnum):
    REGION = "region"
    JOBCENTRE = "jobcentre"
    MINISTRY = "ministry"
    INTEGRATION_MINISTRY = "integration_ministry"
    NATIONAL_AUTHORITY = "national_authority"
    SUPPLIER = "supplier"


KIND_LABELS = labels(
    OrganisationKind,
    {
        OrganisationKind.REGION: _l("Employment region"),
        OrganisationKind.JOBCENTRE: _l("Jobcentre"),
        OrganisationKind.MINISTRY: _l("Ministry of Employment"),
        OrganisationKind.INTEGRATION_MINISTRY: _l("Ministry of Integration"),
        OrganisationKind.NATIONAL_AUTHORITY: _l("National authority"),
        OrganisationKind.SUPPLIER: _l("Supplier"),
    },
)
