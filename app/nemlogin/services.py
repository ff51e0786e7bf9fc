"""Who a person NemLog-in signed in is: the rules, as named checks over a session.

The persistent professional UUID identifies the person; the CVR number says which organisation
they act for. A registered supplier's CVR: a linked user signs in, a new person waits for the
supplier's users to confirm them (as a colleague invitation does). A public organisation's CVR
(or a municipality's, which serves its jobcentre): a linked user signs in; a new person gets the
role a privilege in the assertion carries, or waits for an administrator to grant one. Any other
CVR may register as a supplier, with the CVR and name from the assertion. A CPR number is never
read or kept.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from dataclasses import dataclass
from datetime import datetime

from defusedxml import ElementTree
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app import clock
from app.audit import services as audit
from app.auth.models import User
from app.auth.passwords import hash_password
from app.auth.roles import Role
from app.auth.services import (
    _check_role_fits_organisation,
    _require_admin,
    active_users,
    find_by_email,
)
from app.core.errors import DomainError
from app.core.i18n import gettext as _
from app.nemlogin import saml
from app.nemlogin.models import Applicant, ApplicantKind, ApplicantState, SeenAssertion
from app.notifications.services import notify
from app.organisations.models import Municipality, Organisation, OrganisationKind
from app.suppliers.models import Supplier, SupplierState
from app.suppliers.services import _require_own_supplier, check_new_supplier, is_valid_cvr

#: The privilege (OIO-BPP, scoped to the organisation's CVR) that grants each role. An
#: organisation's own user administrator assigns them in MitID Erhverv. No privilege makes an
#: administrator of the platform or a supplier's user.
PRIVILEGE_PREFIX = "urn:dk:rammeudbud:privilege:"
PRIVILEGE_ROLES = {
    f"{PRIVILEGE_PREFIX}{role.value}": role
    for role in (
        Role.REGION_STAFF,
        Role.REGIONAL_DIRECTOR,
        Role.MINISTRY,
        Role.INTEGRATION_MINISTRY,
        Role.JOBCENTRE_STAFF,
        Role.JOBCENTRE_MANAGER,
    )
}
#: When several privileges fit, the one later here wins (a manager is also staff).
ROLE_PREFERENCE = (Role.REGION_STAFF, Role.REGIONAL_DIRECTOR, Role.JOBCENTRE_STAFF,
                   Role.JOBCENTRE_MANAGER, Role.MINISTRY, Role.INTEGRATION_MINISTRY)  # fmt: skip


class SignInRefused(DomainError):
    """NemLog-in's answer does not let anybody in; `reason` is what the audit trail says."""

    def __init__(self, message: object, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class SignedInPerson:
    """What a valid assertion said about the person (never the CPR number)."""

    uuid: str
    cvr: str
    org_name: str
    name: str
    email: str
    loa: str
    privileges: frozenset[str]
    assertion_id: str
    expires_at: datetime


@dataclass(frozen=True)
class SignIn:
    """Where the sign-in led: a user to log in, or an applicant who waits (or may register)."""

    user: User | None = None
    applicant: Applicant | None = None


# --- the assertion -------------------------------------------------------------------------


def _one(attributes: dict, name: str) -> str:
    values = attributes.get(name) or []
    value = (values[0] if values else "") or ""
    if not value.strip():
        raise SignInRefused(
            _("NemLog-in did not send what the platform needs to know who you are."),
            "attribute_missing",
        )
    return value.strip()


def _refuse_below_substantial(loa: str) -> None:
    """NSIS "Substantial" at least, for every role."""
    if loa not in saml.LOA_LEVELS or saml.LOA_LEVELS.index(loa) < saml.LOA_LEVELS.index(
        saml.LOA_REQUIRED
    ):
        raise SignInRefused(
            _(
                "Your sign-in has too low a level of assurance. Sign in with MitID at the level "
                "Substantial or High."
            ),
            "loa_too_low",
        )


def privileges_for(encoded: str | None, cvr: str) -> frozenset[str]:
    """The privileges in an OIO-BPP list scoped to this CVR; anything unreadable is none."""
    if not encoded:
        return frozenset()
    try:
        root = ElementTree.fromstring(base64.b64decode(encoded, validate=True))
    except (binascii.Error, ValueError, ElementTree.ParseError):
        return frozenset()
    found = set()
    for group in root.iter():
        if not group.tag.endswith("PrivilegeGroup"):
            continue
        if group.get("Scope", "") != f"urn:dk:gov:saml:cvrNumberIdentifier:{cvr}":
            continue
        for privilege in group.iter():
            if privilege.tag.endswith("Privilege") and privilege.text:
                found.add(privilege.text.strip())
    return frozenset(found)


def read_person(attributes: dict, assertion_id: str, expires_at: datetime) -> SignedInPerson:
    """The person from the assertion's attributes, if the level of assurance is enough."""
    _refuse_below_substantial(_one(attributes, saml.ATTR_LOA))
    cvr = _one(attributes, saml.ATTR_CVR)
    privileges = (attributes.get(saml.ATTR_PRIVILEGES) or [None])[0]
    return SignedInPerson(
        uuid=_one(attributes, saml.ATTR_UUID),
        cvr=cvr,
        org_name=_one(attributes, saml.ATTR_ORG_NAME)[:200],
        name=_one(attributes, saml.ATTR_FULL_NAME)[:200],
        email=_one(attributes, saml.ATTR_EMAIL).lower()[:254],
        loa=_one(attributes, saml.ATTR_LOA),
        privileges=privileges_for(privileges, cvr),
        assertion_id=assertion_id,
        expires_at=expires_at,
    )


def refuse_replay(db: Session, assertion_id: str, expires_at: datetime) -> None:
    """An assertion is used once: its id is kept until it expires, and seen again is refused."""
    db.execute(delete(SeenAssertion).where(SeenAssertion.expires_at <= clock.now()))
    if not assertion_id or db.get(SeenAssertion, assertion_id) is not None:
        raise SignInRefused(_("This sign-in has already been used. Sign in again."), "replayed")
    try:
        with db.begin_nested():
            db.add(SeenAssertion(assertion_id=assertion_id, expires_at=expires_at))
    except IntegrityError:  # the same assertion arrived twice at once
        raise SignInRefused(
            _("This sign-in has already been used. Sign in again."), "replayed"
        ) from None


# --- who the person is ---------------------------------------------------------------------


def supplier_by_cvr(db: Session, cvr: str) -> Supplier | None:
    return db.scalar(select(Supplier).where(Supplier.cvr == cvr))


def public_organisation_by_cvr(db: Session, cvr: str) -> Organisation | None:
    """The public organisation with this CVR, or the jobcentre of the municipality with it."""
    organisation = db.scalar(
        select(Organisation).where(
            Organisation.cvr == cvr, Organisation.kind != OrganisationKind.SUPPLIER
        )
    )
    if organisation is not None:
        return organisation
    municipality = db.scalar(select(Municipality).where(Municipality.cvr == cvr))
    return municipality.jobcentre if municipality is not None else None


def _require_same_organisation(db: Session, user: User, person: SignedInPerson) -> None:
    """A linked user acts for the organisation they were linked in, and no other."""
    supplier = supplier_by_cvr(db, person.cvr)
    organisation = supplier.organisation if supplier else public_organisation_by_cvr(db, person.cvr)
    if organisation is None or organisation.id != user.organisation_id:
        raise SignInRefused(
            _("You signed in for another organisation than your user belongs to."),
            "organisation_changed",
        )


def _require_active(user: User) -> None:
    if not user.active:
        raise SignInRefused(_("Your user is deactivated."), "user_inactive")


def _refuse_taken_email(db: Session, email: str) -> None:
    """A new user's address must be free: an assertion never takes over an existing user."""
    if find_by_email(db, email) is not None:
        raise SignInRefused(
            _(
                "A user with your e-mail address already exists on the platform. Ask an "
                "administrator to link it to your NemLog-in sign-in."
            ),
            "email_taken",
        )


def _new_user(
    db: Session, *, uuid: str, name: str, email: str, role: Role, organisation: Organisation
) -> User:
    """A user NemLog-in vouches for, known by the persistent UUID."""
    _refuse_taken_email(db, email)
    user = User(
        email=email,
        name=name,
        role=role,
        organisation=organisation,
        nemlogin_uuid=uuid,
        # Nobody knows this password: the person signs in through NemLog-in.
        password_hash=hash_password(secrets.token_urlsafe(32)),
        # The organisation vouches for the address in MitID Erhverv.
        email_confirmed_at=clock.now(),
    )
    db.add(user)
    db.flush()
    return user


def _user_for(db: Session, applicant: Applicant, role: Role, organisation: Organisation) -> User:
    return _new_user(
        db,
        uuid=applicant.nemlogin_uuid,
        name=applicant.name,
        email=applicant.email,
        role=role,
        organisation=organisation,
    )


def role_from_privileges(privileges: frozenset[str], organisation: Organisation) -> Role | None:
    """The role the assertion's privileges grant in this organisation, if any."""
    fitting = [
        role
        for urn, role in PRIVILEGE_ROLES.items()
        if urn in privileges and role.organisation_kind == organisation.kind
    ]
    return max(fitting, key=ROLE_PREFERENCE.index) if fitting else None


def _applicant(
    db: Session, person: SignedInPerson, kind: ApplicantKind, organisation: Organisation | None
) -> Applicant:
    applicant = db.scalar(select(Applicant).where(Applicant.nemlogin_uuid == person.uuid))
    if applicant is not None:
        if applicant.state == ApplicantState.REFUSED:
            raise SignInRefused(
                _("Your request to use the platform was refused."), "applicant_refused"
            )
        # The latest sign-in says where the person is now.
        applicant.kind, applicant.organisation = kind, organisation
        applicant.name, applicant.email = person.name, person.email
        applicant.cvr, applicant.org_name = person.cvr, person.org_name
        return applicant
    applicant = Applicant(
        nemlogin_uuid=person.uuid,
        kind=kind,
        name=person.name,
        email=person.email,
        cvr=person.cvr,
        org_name=person.org_name,
        organisation=organisation,
    )
    db.add(applicant)
    db.flush()
    return applicant


def sign_in(db: Session, person: SignedInPerson, links: dict[str, str] | None = None) -> SignIn:
    """Where a valid assertion leads; every outcome is audited (the refusals by the caller).

    `links` are the pages the people told about a waiting person decide on ("colleagues" for
    the supplier's users, "applicants" for the administrators)."""
    links = links or {}
    user = db.scalar(select(User).where(User.nemlogin_uuid == person.uuid))
    if user is not None:
        _require_active(user)
        _require_same_organisation(db, user, person)
        user.last_login_at = clock.now()
        audit.record(db, user, "nemlogin.signed_in", user, {"loa": person.loa})
        return SignIn(user=user)
    supplier = supplier_by_cvr(db, person.cvr)
    organisation = supplier.organisation if supplier else public_organisation_by_cvr(db, person.cvr)
    account = _account_from_before(db, person, organisation)
    if account is not None:
        return _link(db, person, account)
    if supplier is not None:
        return _join_supplier(db, person, supplier, links.get("colleagues"))
    if organisation is not None:
        return _join_public_organisation(db, person, organisation, links.get("applicants"))
    applicant = _applicant(db, person, ApplicantKind.REGISTRATION, None)
    audit.record(db, None, "nemlogin.may_register", applicant, {"cvr": person.cvr})
    return SignIn(applicant=applicant)


def _account_from_before(
    db: Session, person: SignedInPerson, organisation: Organisation | None
) -> User | None:
    """The user the person had before NemLog-in: same e-mail address, same organisation (the
    CVR's), not linked to a NemLog-in identity yet, and not an administrator. The organisation
    vouches for the address in MitID Erhverv and could as well grant the role by a privilege,
    so linking gives it nothing new; an administrator's account, or an API token's, is linked by
    nobody."""
    if organisation is None:
        return None
    account = find_by_email(db, person.email)
    if (
        account is None
        or account.nemlogin_uuid is not None
        or account.organisation_id != organisation.id
        or account.role == Role.ADMIN
        or account.api_client
    ):
        return None
    return account


def _link(db: Session, person: SignedInPerson, account: User) -> SignIn:
    """The first NemLog-in sign-in of a user from before: the persistent UUID is theirs now."""
    _require_active(account)
    account.nemlogin_uuid = person.uuid
    account.last_login_at = clock.now()
    audit.record(db, account, "nemlogin.linked", account, {"loa": person.loa})
    return SignIn(user=account)


def _join_supplier(
    db: Session, person: SignedInPerson, supplier: Supplier, link: str | None
) -> SignIn:
    """A new person of a registered supplier waits for its users to confirm them."""
    applicant = _applicant(db, person, ApplicantKind.COLLEAGUE, supplier.organisation)
    audit.record(db, None, "nemlogin.colleague_waiting", applicant, {"cvr": person.cvr})
    colleagues = active_users(db, organisation_id=supplier.organisation_id)
    notify(
        db,
        colleagues,
        _("%(name)s asks to join your supplier on Rammeudbud", name=person.name),
        _(
            "%(name)s signed in through NemLog-in for your company. Confirm or refuse them "
            "under Colleagues.",
            name=person.name,
        ),
        link,
    )
    return SignIn(applicant=applicant)


def _join_public_organisation(
    db: Session, person: SignedInPerson, organisation: Organisation, link: str | None
) -> SignIn:
    """Public staff get the role a privilege carries, or wait for an administrator."""
    role = role_from_privileges(person.privileges, organisation)
    if role is None:
        applicant = _applicant(db, person, ApplicantKind.ROLE, organisation)
        audit.record(
            db, None, "nemlogin.waiting_for_role", applicant, {"organisation_id": organisation.id}
        )
        administrators = active_users(db, Role.ADMIN)
        notify(
            db,
            administrators,
            _("%(name)s waits for a role", name=person.name),
            _(
                "%(name)s signed in through NemLog-in for %(organisation)s and has no role yet.",
                name=person.name,
                organisation=organisation.name,
            ),
            link,
        )
        return SignIn(applicant=applicant)
    _check_role_fits_organisation(role, organisation)
    user = _new_user(
        db,
        uuid=person.uuid,
        name=person.name,
        email=person.email,
        role=role,
        organisation=organisation,
    )
    user.last_login_at = clock.now()
    audit.record(
        db,
        user,
        "nemlogin.joined",
        user,
        {"role": role.value, "organisation_id": organisation.id, "by": "privilege"},
    )
    return SignIn(user=user)


# --- deciding on applicants ----------------------------------------------------------------


def _require_waiting(applicant: Applicant, kind: ApplicantKind) -> None:
    if applicant.kind != kind or applicant.state != ApplicantState.WAITING:
        raise DomainError(_("This person is no longer waiting."))


def _decide(db: Session, actor: User, applicant: Applicant, state: ApplicantState) -> None:
    applicant.state = state
    applicant.decided_at = clock.now()
    applicant.decided_by = actor


def confirm_colleague(db: Session, actor: User, applicant: Applicant) -> User:
    """A supplier's user lets a new colleague in, as accepting an invitation would."""
    _require_waiting(applicant, ApplicantKind.COLLEAGUE)
    supplier = db.scalar(
        select(Supplier).where(Supplier.organisation_id == applicant.organisation_id)
    )
    _require_own_supplier(actor, supplier)
    if supplier.state == SupplierState.SUSPENDED:
        raise DomainError(_("A suspended supplier cannot invite colleagues."))
    user = _user_for(db, applicant, Role.SUPPLIER, supplier.organisation)
    _decide(db, actor, applicant, ApplicantState.ADMITTED)
    applicant.user = user
    audit.record(db, actor, "nemlogin.colleague_confirmed", user, {"applicant_id": applicant.id})
    return user


def refuse_colleague(db: Session, actor: User, applicant: Applicant) -> None:
    _require_waiting(applicant, ApplicantKind.COLLEAGUE)
    supplier = db.scalar(
        select(Supplier).where(Supplier.organisation_id == applicant.organisation_id)
    )
    _require_own_supplier(actor, supplier)
    _decide(db, actor, applicant, ApplicantState.REFUSED)
    audit.record(db, actor, "nemlogin.colleague_refused", applicant)


def grant_role(db: Session, actor: User, applicant: Applicant, role: Role) -> User:
    """An administrator gives public staff who signed in a role in their organisation."""
    _require_admin(actor)
    _require_waiting(applicant, ApplicantKind.ROLE)
    if role in (Role.SUPPLIER, Role.ADMIN):
        raise DomainError(_("That role cannot be granted to a NemLog-in sign-in."))
    _check_role_fits_organisation(role, applicant.organisation)
    user = _user_for(db, applicant, role, applicant.organisation)
    _decide(db, actor, applicant, ApplicantState.ADMITTED)
    applicant.user = user
    audit.record(db, actor, "nemlogin.role_granted", user, {"role": role.value})
    return user


def register_supplier(db: Session, applicant: Applicant, *, address: str) -> User:
    """A company registers with the CVR number and name NemLog-in said, never the form's.

    NemLog-in vouched for the person, the company and the address, so the supplier is active
    at once and its first user is the person who registered it."""
    _require_waiting(applicant, ApplicantKind.REGISTRATION)
    name, cvr = check_new_supplier(
        db,
        company_name=applicant.org_name,
        cvr=applicant.cvr,
        address=address,
        contact_person=applicant.name,
    )
    _refuse_taken_email(db, applicant.email)
    organisation = Organisation(kind=OrganisationKind.SUPPLIER, name=name, email=applicant.email)
    supplier = Supplier(
        organisation=organisation,
        cvr=cvr,
        address=address.strip(),
        contact_person=applicant.name,
        state=SupplierState.ACTIVE,
    )
    db.add_all([organisation, supplier])
    db.flush()
    user = _user_for(db, applicant, Role.SUPPLIER, organisation)
    applicant.state, applicant.decided_at, applicant.user = (
        ApplicantState.ADMITTED,
        clock.now(),
        user,
    )
    applicant.organisation = organisation
    audit.record(
        db, user, "supplier.registered", supplier, {"cvr": cvr, "name": name, "by": "nemlogin"}
    )
    return user


def waiting_colleagues(db: Session, actor: User) -> list[Applicant]:
    return list(
        db.scalars(
            select(Applicant)
            .where(
                Applicant.kind == ApplicantKind.COLLEAGUE,
                Applicant.state == ApplicantState.WAITING,
                Applicant.organisation_id == actor.organisation_id,
            )
            .order_by(Applicant.created_at, Applicant.id)
        )
    )


def waiting_for_role(db: Session) -> list[Applicant]:
    return list(
        db.scalars(
            select(Applicant)
            .where(Applicant.kind == ApplicantKind.ROLE, Applicant.state == ApplicantState.WAITING)
            .order_by(Applicant.created_at, Applicant.id)
        )
    )


# --- the CVR numbers public staff sign in with ----------------------------------------------


def _check_cvr_free(
    db: Session, cvr: str, organisation_id: int | None, municipality_id: int | None
):
    """A CVR number leads one way only: to one supplier, one organisation or one municipality."""
    taken = (
        db.scalar(select(Supplier.id).where(Supplier.cvr == cvr))
        or db.scalar(
            select(Organisation.id).where(
                Organisation.cvr == cvr, Organisation.id != organisation_id
            )
        )
        or db.scalar(
            select(Municipality.id).where(
                Municipality.cvr == cvr, Municipality.id != municipality_id
            )
        )
    )
    if taken:
        raise DomainError(_("The CVR number %(cvr)s is already in use on the platform.", cvr=cvr))


def _clean_cvr(cvr: str) -> str | None:
    cvr = (cvr or "").replace(" ", "")
    if not cvr:
        return None
    if not is_valid_cvr(cvr):
        raise DomainError(
            _(
                "%(cvr)s is not a valid CVR number (8 digits that pass the modulus-11 check).",
                cvr=cvr,
            )
        )
    return cvr


def set_organisation_cvr(db: Session, actor: User, organisation: Organisation, cvr: str) -> None:
    """The CVR number a public organisation's staff sign in with (empty: none)."""
    _require_admin(actor)
    if organisation.kind == OrganisationKind.SUPPLIER:
        raise DomainError(_("A supplier's CVR number is the one it registered with."))
    cleaned = _clean_cvr(cvr)
    if cleaned:
        _check_cvr_free(db, cleaned, organisation.id, None)
    before, organisation.cvr = organisation.cvr, cleaned
    audit.record(db, actor, "organisation.cvr_set", organisation, {"cvr": [before, cleaned]})


def set_municipality_cvr(db: Session, actor: User, municipality: Municipality, cvr: str) -> None:
    """A municipality's CVR number: its jobcentre's staff sign in with it (empty: none)."""
    _require_admin(actor)
    cleaned = _clean_cvr(cvr)
    if cleaned:
        _check_cvr_free(db, cleaned, None, municipality.id)
    before, municipality.cvr = municipality.cvr, cleaned
    audit.record(
        db,
        actor,
        "municipality.cvr_set",
        municipality,
        {"municipality": municipality.name, "cvr": [before, cleaned]},
    )


def public_organisations(db: Session) -> list[Organisation]:
    return list(
        db.scalars(
            select(Organisation)
            .where(Organisation.kind != OrganisationKind.SUPPLIER)
            .order_by(Organisation.kind, Organisation.name)
        )
    )


def municipalities(db: Session) -> list[Municipality]:
    return list(db.scalars(select(Municipality).order_by(Municipality.name)))
