"""The roles of the platform and which kind of organisation each belongs to."""

from __future__ import annotations

from app.core.i18n import lazy_gettext as _l
from app.core.labels import LabelledEnum, labels
from app.organisations.kinds import OrganisationKind


class Role(LabelledEnum):
    ADMIN = "admin"
    REGION_STAFF = "region_staff"
    REGIONAL_DIRECTOR = "regional_director"
    MINISTRY = "ministry"
    INTEGRATION_MINISTRY = "integration_ministry"
    JOBCENTRE_STAFF = "jobcentre_staff"
    JOBCENTRE_MANAGER = "jobcentre_manager"
    SUPPLIER = "supplier"

    @property
    def organisation_kind(self) -> OrganisationKind:
        return ROLE_ORGANISATION_KIND[self]


ROLE_LABELS = labels(
    Role,
    {
        Role.ADMIN: _l("Administrator"),
        Role.REGION_STAFF: _l("Region staff"),
        Role.REGIONAL_DIRECTOR: _l("Regional director"),
        Role.MINISTRY: _l("Ministry of Employment approver"),
        Role.INTEGRATION_MINISTRY: _l("Ministry of Integration approver"),
        Role.JOBCENTRE_STAFF: _l("Jobcentre staff"),
        Role.JOBCENTRE_MANAGER: _l("Jobcentre manager"),
        Role.SUPPLIER: _l("Supplier"),
    },
)

#: A user's role fixes the kind of organisation the user can belong to.
ROLE_ORGANISATION_KIND = {
    Role.ADMIN: OrganisationKind.NATIONAL_AUTHORITY,
    Role.REGION_STAFF: OrganisationKind.REGION,
    Role.REGIONAL_DIRECTOR: OrganisationKind.REGION,
    Role.MINISTRY: OrganisationKind.MINISTRY,
    Role.INTEGRATION_MINISTRY: OrganisationKind.INTEGRATION_MINISTRY,
    Role.JOBCENTRE_STAFF: OrganisationKind.JOBCENTRE,
    Role.JOBCENTRE_MANAGER: OrganisationKind.JOBCENTRE,
    Role.SUPPLIER: OrganisationKind.SUPPLIER,
}

#: Everything jobcentre staff may do, the manager may do as well (DESIGN.md, roles).
JOBCENTRE_ROLES = (Role.JOBCENTRE_STAFF, Role.JOBCENTRE_MANAGER)

#: Who issues API tokens, each for the organisations app.api.tokens.may_manage_tokens names.
API_TOKEN_MANAGERS = (Role.ADMIN, Role.REGION_STAFF, Role.JOBCENTRE_MANAGER, Role.SUPPLIER)


def default_role_for(kind: OrganisationKind) -> Role:
    """The usual role of a new user in an organisation of this kind."""
    defaults = {
        OrganisationKind.REGION: Role.REGION_STAFF,
        OrganisationKind.JOBCENTRE: Role.JOBCENTRE_STAFF,
    }
    return defaults.get(kind) or next(r for r, k in ROLE_ORGANISATION_KIND.items() if k == kind)
