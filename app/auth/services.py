"""The rules for users: who may exist where, logging in, passwords, roles and deactivation."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import NoReturn

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import clock
from app.audit import services as audit
from app.auth import throttle, tokens
from app.auth.models import User
from app.auth.passwords import MIN_PASSWORD_LENGTH, hash_password, verify_password
from app.auth.roles import Role
from app.core.errors import DomainError, NotAllowed
from app.core.i18n import gettext as _
from app.notifications.services import notify
from app.organisations.models import Organisation, OrganisationKind


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(db: Session, email: str) -> User | None:
    return db.scalar(select(User).where(User.email == normalise_email(email)))


def _holder_of_password(db: Session, email: str, password: str) -> User | None:
    """The user with this e-mail and password whatever their state, or None; changes nothing."""
    user = find_by_email(db, email)
    if not verify_password(user.password_hash if user else None, password):
        return None
    return user


def _may_log_in(user: User | None) -> bool:
    return (
        user is not None
        and user.active
        and user.email_confirmed_at is not None
        and not user.api_client
    )


def _waits_for_confirmation(user: User | None) -> bool:
    return (
        user is not None and user.active and user.email_confirmed_at is None and not user.api_client
    )


def _with_password(db: Session, email: str, password: str) -> User | None:
    """The active, confirmed user with this e-mail and password, or None; changes nothing."""
    user = _holder_of_password(db, email, password)
    return user if _may_log_in(user) else None


def authenticate(db: Session, email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None; never says which part failed."""
    user = _with_password(db, email, password)
    if user is not None:
        user.last_login_at = clock.now()
    return user


class LoginFailed(DomainError):
    """The login form's answer to a wrong e-mail or password, an inactive user, or a user local
    login is closed to; it never says which."""


@dataclass(frozen=True)
class LocalLogin:
    """Who may log in with a local password (the settings LOCAL_LOGIN and BREAK_GLASS_ADMIN):
    everyone while it is on; once it is off, only the break-glass administrator, the one
    account named by its e-mail that also holds the admin role. Everyone else signs in with
    NemLog-in."""

    on: bool = True
    break_glass_admin: str | None = None

    @classmethod
    def from_config(cls, config: Mapping) -> LocalLogin:
        return cls(on=config["LOCAL_LOGIN"], break_glass_admin=config["BREAK_GLASS_ADMIN"])

    def is_break_glass(self, email: str) -> bool:
        return bool(self.break_glass_admin) and normalise_email(email) == normalise_email(
            self.break_glass_admin
        )

    def admits(self, user: User) -> bool:
        return self.on or (self.is_break_glass(user.email) and user.role == Role.ADMIN)

    def refusal(self) -> str:
        """What a failed login is told: with local login off, the same for every account, so
        that it reveals neither whether an account exists nor which one is the break-glass."""
        if self.on:
            return _("The e-mail or the password is wrong, or the user is inactive.")
        return _(
            "Log in with NemLog-in (MitID Erhverv). Login with a password is closed on this "
            "platform except for its emergency administrator."
        )


def log_in(db: Session, email: str, password: str, address: str | None, local: LocalLogin) -> User:
    """The login form: the user if the password is right and local login admits them; a
    refusal otherwise, counted by the throttle and audited (the caller commits either way).

    The password is checked even for an account local login is closed to, so that the answer
    takes as long for every e-mail."""
    holder = _holder_of_password(db, email, password)
    if not local.on and not local.is_break_glass(email):
        _refuse_login(db, local, email, address, "login.refused", "local_login_off")
    if _waits_for_confirmation(holder):
        # Only the one who knows the password learns this, so it reveals no account.
        _refuse_login(
            db,
            local,
            email,
            address,
            "login.refused",
            "unconfirmed",
            _(
                "Your e-mail address is not confirmed yet. Open the link in the e-mail we sent "
                "you, or have the link sent again (below)."
            ),
        )
    user = holder if _may_log_in(holder) else None
    if user is None:
        _refuse_login(db, local, email, address, "login.failed")
    if not local.admits(user):
        _refuse_login(db, local, email, address, "login.refused", "break_glass_not_admin")
    throttle.record_success(db, email)
    user.last_login_at = clock.now()
    audit.record(db, user, "login.succeeded", user)
    return user


def _refuse_login(
    db: Session,
    local: LocalLogin,
    email: str,
    address: str | None,
    action: str,
    reason: str | None = None,
    message: str | None = None,
) -> NoReturn:
    """Count the failure in the throttle, audit it, and refuse with the one answer (or, to the
    holder of the right password, with what stands in the way)."""
    throttle.record_failure(db, email, address)
    changes = {"email": email[:254]}
    if reason:
        changes["reason"] = reason
    audit.record(db, None, action, changes=changes)
    raise LoginFailed(message or local.refusal())


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(
            _("The password must be at least %(n)d characters long.", n=MIN_PASSWORD_LENGTH)
        )


def _check_role_fits_organisation(role: Role, organisation: Organisation) -> None:
    if organisation.kind != role.organisation_kind:
        raise DomainError(
            _(
                "A user with the role %(role)s must belong to an organisation of the kind "
                "%(kind)s, not %(actual)s.",
                role=role.label,
                kind=role.organisation_kind.label,
                actual=organisation.kind.label,
            )
        )
    if not organisation.active:
        raise DomainError(_("The organisation %(name)s is inactive.", name=organisation.name))


def _require_admin(actor: User | None) -> None:
    # None is the system itself (the demo-data command), which acts without a login.
    if actor is not None and actor.role != Role.ADMIN:
        raise NotAllowed(_("Only an administrator can manage users."))


def _refuse_supplier_accounts(actor: User | None, *users_or_roles) -> None:
    """Suppliers are untrusted by us and must not have to trust us: an administrator who could
    create, move into or set the password of a supplier's account could read its sealed bids.
    Supplier users come only from the supplier itself (registration and invitations)."""
    if actor is None:
        return
    for item in users_or_roles:
        role = item.role if isinstance(item, User) else item
        organisation_kind = item.organisation.kind if isinstance(item, User) else None
        if role == Role.SUPPLIER or organisation_kind == OrganisationKind.SUPPLIER:
            raise NotAllowed(
                _(
                    "Supplier users are managed by the supplier itself (registration and "
                    "invitations); an administrator can only deactivate them."
                )
            )


def create_user(
    db: Session,
    actor: User | None,
    *,
    email: str,
    name: str,
    role: Role,
    organisation: Organisation,
    password: str,
) -> User:
    """Create a user in an organisation of the kind the role demands."""
    _require_admin(actor)
    _refuse_supplier_accounts(actor, role)
    email = normalise_email(email)
    _check_password(password)
    _check_role_fits_organisation(role, organisation)
    if db.scalar(select(func.count()).select_from(User).where(User.email == email)):
        raise DomainError(_("A user with the e-mail %(email)s already exists.", email=email))
    user = User(
        email=email,
        name=name.strip(),
        role=role,
        organisation=organisation,
        password_hash=hash_password(password),
        email_confirmed_at=clock.now(),  # the administrator vouches for the address
    )
    db.add(user)
    db.flush()
    audit.record(
        db,
        actor,
        "user.created",
        user,
        {"email": email, "role": role.value, "organisation_id": organisation.id},
    )
    if actor is not None:  # demo users are not greeted
        notify(
            db,
            [user],
            _("Welcome to Rammeudbud"),
            _(
                "A user has been created for you in %(organisation)s with the role %(role)s. "
                "Your administrator gives you the password.",
                organisation=organisation.name,
                role=role.label,
            ),
        )
    return user


def update_user(
    db: Session, actor: User, user: User, *, name: str, role: Role, organisation: Organisation
) -> User:
    """Change a user's name, role or organisation; the role must still fit the organisation."""
    _require_admin(actor)
    _refuse_supplier_accounts(actor, user, role)
    _check_role_fits_organisation(role, organisation)
    if user.id == actor.id and role != Role.ADMIN:
        raise DomainError(_("You cannot remove your own administrator role."))
    before = {"name": user.name, "role": user.role.value, "organisation_id": user.organisation_id}
    after = {"name": name.strip(), "role": role.value, "organisation_id": organisation.id}
    changes = audit.diff(before, after)
    if not changes:
        return user
    user.name, user.role, user.organisation = name.strip(), role, organisation
    if "role" in changes or "organisation_id" in changes:
        # What the user may see has changed: sessions opened under the old rights end.
        user.session_version += 1
    audit.record(db, actor, "user.updated", user, changes)
    if "role" in changes or "organisation_id" in changes:
        notify(
            db,
            [user],
            _("Your access has changed"),
            _(
                "You are now %(role)s in %(organisation)s. Log in again to continue.",
                role=role.label,
                organisation=organisation.name,
            ),
        )
    return user


def deactivate_user(db: Session, actor: User, user: User) -> None:
    _require_admin(actor)
    if user.id == actor.id:
        raise DomainError(_("You cannot deactivate yourself."))
    if not user.active:
        raise DomainError(_("The user is already inactive."))
    user.active = False
    user.session_version += 1
    audit.record(db, actor, "user.deactivated", user)


def reactivate_user(db: Session, actor: User, user: User) -> None:
    _require_admin(actor)
    if user.active:
        raise DomainError(_("The user is already active."))
    user.active = True
    audit.record(db, actor, "user.reactivated", user)


def change_password(db: Session, user: User, current: str, new: str) -> None:
    """A user changes their own password; other sessions of theirs end."""
    if not verify_password(user.password_hash, current):
        raise DomainError(_("The current password is wrong."))
    _check_password(new)
    user.password_hash = hash_password(new)
    user.session_version += 1
    audit.record(db, user, "user.password_changed", user)


def set_password(db: Session, actor: User | None, user: User, new: str) -> None:
    """An administrator sets a new password for a user (e.g. one who has forgotten theirs)."""
    _require_admin(actor)
    _refuse_supplier_accounts(actor, user)
    _check_password(new)
    user.password_hash = hash_password(new)
    user.session_version += 1
    audit.record(db, actor, "user.password_set", user)
    notify(
        db,
        [user],
        _("Your password was changed"),
        _("An administrator has set a new password for you. If you did not ask for it, say so."),
    )


# --- a forgotten password ----------------------------------------------------------------------

#: A reset link works for an hour, and once: it carries a stamp of the password it replaces.
RESET_MAX_AGE = 3600
LinkMaker = Callable[[str], str]


def _password_stamp(user: User) -> str:
    """A fingerprint of the present password hash: the reset link is spent once it changes.
    (The token's content is signed, not secret, so it carries a digest, not the hash.)"""
    return hashlib.sha256(f"reset:{user.password_hash}".encode()).hexdigest()[:20]


def may_reset_password(user: User | None, local: LocalLogin) -> bool:
    """Whom a reset link is sent to: an active, confirmed person whom local login admits."""
    return _may_log_in(user) and local.admits(user)


def request_password_reset(
    db: Session, email: str, address: str | None, local: LocalLogin, link_for: LinkMaker
) -> None:
    """Send a reset link if the address belongs to someone who may log in with a password;
    say nothing either way (no account is revealed), and count the request in the throttle."""
    throttle.record_failure(db, email, address, throttle.MAIL)
    user = find_by_email(db, email)
    if not may_reset_password(user, local):
        return
    token = tokens.make_stamped("reset", user.id, user.email, _password_stamp(user))
    audit.record(db, None, "user.password_reset_requested", user)
    notify(
        db,
        [user],
        _("Choose a new password for Rammeudbud"),
        _(
            "Someone (we hope you) asked to choose a new password. Open the link within an hour "
            "to do it; it works once. If you did not ask, ignore this e-mail: your password "
            "stays as it is."
        ),
        link_for(token),
    )


def user_of_reset_link(db: Session, token: str, local: LocalLogin) -> User:
    """The user a reset link is for, while it is fresh, unused and its user may log in."""
    user_id, email, stamp = tokens.read_stamped("reset", token, RESET_MAX_AGE)
    user = db.get(User, user_id)
    if user is None or user.email != email or not may_reset_password(user, local):
        raise DomainError(_("The link is not valid."))
    if stamp != _password_stamp(user):
        raise DomainError(_("The link has been used already. Ask for a new one."))
    return user


def reset_password(db: Session, token: str, new: str, local: LocalLogin) -> User:
    """Set the password a reset link allows; the link is spent and every session ends."""
    user = user_of_reset_link(db, token, local)
    _check_password(new)
    user.password_hash = hash_password(new)
    user.session_version += 1
    throttle.record_success(db, user.email)
    audit.record(db, user, "user.password_reset", user)
    notify(
        db,
        [user],
        _("Your password was changed"),
        _("Your password was changed through a reset link. If it was not you, tell us at once."),
    )
    return user


def end_sessions(db: Session, user: User) -> None:
    """Logging out: every cookie issued for the user so far stops working."""
    user.session_version += 1
    audit.record(db, user, "user.logged_out", user)


def active_users(
    db: Session, role: Role | None = None, organisation_id: int | None = None
) -> list[User]:
    """The users who may sign in, of this role and of this organisation where given: whom a
    message goes to."""
    stmt = select(User).where(User.active)
    if role is not None:
        stmt = stmt.where(User.role == role)
    if organisation_id is not None:
        stmt = stmt.where(User.organisation_id == organisation_id)
    return list(db.scalars(stmt))


def region_staff(db: Session, *region_ids: int, but: User | None = None) -> list[User]:
    """The active region staff of these regions (but the one given, who acted): whom a region's
    message goes to."""
    stmt = select(User).where(
        User.organisation_id.in_(region_ids), User.role == Role.REGION_STAFF, User.active
    )
    if but is not None:
        stmt = stmt.where(User.id != but.id)
    return list(db.scalars(stmt))
