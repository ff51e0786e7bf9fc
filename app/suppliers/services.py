"""The rules for suppliers: registration with a valid CVR, confirmation, colleagues, suspension."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import clock
from app.audit import services as audit
from app.auth import throttle, tokens
from app.auth.models import User
from app.auth.passwords import MIN_PASSWORD_LENGTH, hash_password
from app.auth.roles import Role
from app.auth.services import active_users, find_by_email, normalise_email
from app.core.errors import DomainError, NotAllowed
from app.core.i18n import gettext as _
from app.files.services import store_upload
from app.notifications.services import notify
from app.organisations.models import Organisation, OrganisationKind
from app.suppliers.models import Supplier, SupplierDocument, SupplierState
from app.targetgroups.models import TargetGroup

CVR_WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)
LinkMaker = Callable[[str], str]


def is_valid_cvr(cvr: str) -> bool:
    """8 digits (0–9, not other scripts' digits), not starting with 0, whose weighted sum is
    divisible by 11 (modulus 11)."""
    if len(cvr) != 8 or not (cvr.isascii() and cvr.isdigit()) or cvr[0] == "0":
        return False
    return sum(int(d) * w for d, w in zip(cvr, CVR_WEIGHTS, strict=True)) % 11 == 0


def supplier_of(db: Session, organisation_id: int) -> Supplier | None:
    return db.scalar(select(Supplier).where(Supplier.organisation_id == organisation_id))


def _check_new_user(db: Session, email: str, password: str | None) -> str:
    email = normalise_email(email)
    if find_by_email(db, email) is not None:
        raise DomainError(_("A user with the e-mail %(email)s already exists.", email=email))
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(
            _("The password must be at least %(n)d characters long.", n=MIN_PASSWORD_LENGTH)
        )
    return email


def _send_confirmation(db: Session, user: User, link_for: LinkMaker) -> None:
    link = link_for(tokens.make("confirm", user.id, user.email))
    notify(
        db,
        [user],
        _("Confirm your e-mail address for Rammeudbud"),
        _("Open the link to confirm your address. It works for 3 days."),
        link,
        email=True,
    )


def check_new_supplier(
    db: Session, *, company_name: str, cvr: str, address: str, contact_person: str
) -> tuple[str, str]:
    """The company's name and CVR number as registered, if a new supplier may have them."""
    cvr = cvr.replace(" ", "")
    if not is_valid_cvr(cvr):
        raise DomainError(
            _(
                "%(cvr)s is not a valid CVR number (8 digits that pass the modulus-11 check).",
                cvr=cvr,
            )
        )
    if db.scalar(select(func.count()).where(Supplier.cvr == cvr)):
        raise DomainError(
            _("A supplier with the CVR number %(cvr)s is already registered.", cvr=cvr)
        )
    name = company_name.strip()
    if not name or not address.strip() or not contact_person.strip():
        raise DomainError(_("Fill in the company name, address and contact person."))
    if db.scalar(
        select(func.count()).where(
            Organisation.kind == OrganisationKind.SUPPLIER,
            func.lower(Organisation.name) == name.lower(),
        )
    ):
        raise DomainError(_("A supplier named %(name)s is already registered.", name=name))
    return name, cvr


def register(
    db: Session,
    *,
    company_name: str,
    cvr: str,
    address: str,
    contact_person: str,
    email: str,
    password: str,
    link_for: LinkMaker,
) -> Supplier:
    """A company registers itself; it can bid once the e-mail address is confirmed."""
    name, cvr = check_new_supplier(
        db, company_name=company_name, cvr=cvr, address=address, contact_person=contact_person
    )
    email = _check_new_user(db, email, password)
    organisation = Organisation(kind=OrganisationKind.SUPPLIER, name=name, email=email)
    supplier = Supplier(
        organisation=organisation,
        cvr=cvr,
        address=address.strip(),
        contact_person=contact_person.strip(),
        state=SupplierState.UNCONFIRMED,
    )
    user = User(
        email=email,
        name=contact_person.strip(),
        role=Role.SUPPLIER,
        organisation=organisation,
        password_hash=hash_password(password),
    )
    db.add_all([organisation, supplier, user])
    db.flush()
    audit.record(db, user, "supplier.registered", supplier, {"cvr": cvr, "name": name})
    _send_confirmation(db, user, link_for)
    return supplier


def resend_confirmation(
    db: Session, email: str, link_for: LinkMaker, address: str | None = None
) -> None:
    """Sends again if the address waits for confirmation; says nothing either way. Each request
    counts in the throttle of e-mails anyone may ask for."""
    throttle.record_failure(db, email, address, throttle.MAIL)
    user = find_by_email(db, email)
    if user is not None and user.email_confirmed_at is None and user.active:
        _send_confirmation(db, user, link_for)


def confirm_email(db: Session, token: str) -> User:
    user_id, email = tokens.read("confirm", token)
    user = db.get(User, user_id)
    if user is None or user.email != email:
        raise DomainError(_("The link is not valid."))
    if user.email_confirmed_at is None:
        user.email_confirmed_at = clock.now()
        audit.record(db, user, "user.email_confirmed", user)
    supplier = supplier_of(db, user.organisation_id)
    if supplier is not None and supplier.state == SupplierState.UNCONFIRMED:
        supplier.state = SupplierState.ACTIVE
        audit.record(db, user, "supplier.activated", supplier)
    return user


def _require_own_supplier(actor: User, supplier: Supplier) -> None:
    if actor.role != Role.SUPPLIER or actor.organisation_id != supplier.organisation_id:
        raise NotAllowed(_("Only the supplier's own users can do this."))


def invite_colleague(
    db: Session, actor: User, supplier: Supplier, *, name: str, email: str, link_for: LinkMaker
) -> User:
    _require_own_supplier(actor, supplier)
    if supplier.is_suspended:
        raise DomainError(_("A suspended supplier cannot invite colleagues."))
    email = _check_new_user(db, email, None)
    if not name.strip():
        raise DomainError(_("Write the colleague's name."))
    colleague = User(
        email=email,
        name=name.strip(),
        role=Role.SUPPLIER,
        organisation_id=supplier.organisation_id,
        # Nobody knows this password: the colleague chooses one through the invitation.
        password_hash=hash_password(secrets.token_urlsafe(32)),
    )
    db.add(colleague)
    db.flush()
    audit.record(db, actor, "supplier.colleague_invited", colleague, {"email": email})
    link = link_for(tokens.make("invite", colleague.id, email))
    notify(
        db,
        [colleague],
        _("%(name)s invites you to Rammeudbud", name=actor.name),
        _("Open the link to choose your password. It works for 3 days."),
        link,
    )
    return colleague


def accept_invitation(db: Session, token: str, password: str) -> User:
    user_id, email = tokens.read("invite", token)
    user = db.get(User, user_id)
    if user is None or user.email != email or user.email_confirmed_at is not None:
        raise DomainError(_("The link is not valid."))
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(
            _("The password must be at least %(n)d characters long.", n=MIN_PASSWORD_LENGTH)
        )
    user.password_hash = hash_password(password)
    user.email_confirmed_at = clock.now()
    user.session_version += 1
    audit.record(db, user, "supplier.invitation_accepted", user)
    return user


def update_profile(
    db: Session,
    actor: User,
    supplier: Supplier,
    *,
    address: str,
    contact_person: str,
    target_group_ids: Sequence[int],
    region_ids: Sequence[int],
    declare_no_exclusion: bool,
) -> Supplier:
    _require_own_supplier(actor, supplier)
    if not address.strip() or not contact_person.strip():
        raise DomainError(_("Fill in the address and the contact person."))
    groups = list(db.scalars(select(TargetGroup).where(TargetGroup.id.in_(list(target_group_ids)))))
    regions = list(
        db.scalars(
            select(Organisation).where(
                Organisation.id.in_(list(region_ids)), Organisation.kind == OrganisationKind.REGION
            )
        )
    )
    supplier.address, supplier.contact_person = address.strip(), contact_person.strip()
    supplier.target_groups, supplier.regions = groups, regions
    changes = {
        "target_groups": sorted(g.name for g in groups),
        "regions": sorted(r.name for r in regions),
    }
    if declare_no_exclusion:
        supplier.exclusion_declared_at = clock.now()
        changes["declared_no_exclusion"] = supplier.exclusion_declared_at.isoformat()
    audit.record(db, actor, "supplier.profile_updated", supplier, changes)
    return supplier


def add_document(db: Session, actor: User, supplier: Supplier, filename: str, data: bytes):
    _require_own_supplier(actor, supplier)
    stored = store_upload(db, actor, filename, data)
    supplier.documents.append(SupplierDocument(file=stored))
    db.flush()
    audit.record(db, actor, "supplier.document_added", supplier, {"document": stored.filename})
    return stored


def may_suspend(user: User, supplier: Supplier) -> bool:
    """Region staff suspend a supplier that is not suspended already."""
    return user.role == Role.REGION_STAFF and not supplier.is_suspended


def may_reinstate(user: User, supplier: Supplier) -> bool:
    """Region staff lift a suspension."""
    return user.role == Role.REGION_STAFF and supplier.is_suspended


def suspend(db: Session, actor: User, supplier: Supplier, reason: str) -> None:
    """Region staff suspend a supplier: it can then neither bid nor receive orders."""
    if actor.role != Role.REGION_STAFF:
        raise NotAllowed(_("Only region staff can suspend a supplier."))
    if supplier.is_suspended:
        raise DomainError(_("The supplier is already suspended."))
    if not reason.strip():
        raise DomainError(_("Give the reason for the suspension."))
    supplier.state = SupplierState.SUSPENDED
    supplier.suspension_reason = reason.strip()
    supplier.suspended_at = clock.now()
    audit.record(db, actor, "supplier.suspended", supplier, {"reason": reason.strip()})
    notify(
        db,
        active_users(db, organisation_id=supplier.organisation_id),
        _("Your company is suspended"),
        reason.strip(),
    )


def reinstate(db: Session, actor: User, supplier: Supplier) -> None:
    if actor.role != Role.REGION_STAFF:
        raise NotAllowed(_("Only region staff can lift a suspension."))
    if not supplier.is_suspended:
        raise DomainError(_("The supplier is not suspended."))
    confirmed = db.scalar(
        select(func.count()).where(
            User.organisation_id == supplier.organisation_id, User.email_confirmed_at.is_not(None)
        )
    )
    supplier.state = SupplierState.ACTIVE if confirmed else SupplierState.UNCONFIRMED
    supplier.suspension_reason = ""
    supplier.suspended_at = None
    audit.record(db, actor, "supplier.reinstated", supplier)
    notify(
        db,
        active_users(db, organisation_id=supplier.organisation_id),
        _("The suspension of your company is lifted"),
    )


def supplier_users(db: Session, *supplier_ids: int) -> list[User]:
    """The active users of these suppliers: whom a message to a supplier goes to."""
    return list(
        db.scalars(
            select(User)
            .join(Supplier, Supplier.organisation_id == User.organisation_id)
            .where(Supplier.id.in_(supplier_ids), User.active)
        )
    )
