"""The rules for users."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.auth import services
from app.auth.models import User
from app.auth.roles import Role
from app.core.errors import DomainError, NotAllowed
from app.organisations.models import OrganisationKind
from tests.conftest import organisation, user

STRONG = "a long enough password"


def _nordjylland(db):
    return organisation(db, OrganisationKind.REGION, "Beskæftigelsesregion Nordjylland")


def test_an_admin_creates_a_user_and_the_creation_is_audited(db, admin):
    created = services.create_user(
        db,
        admin,
        email=" Ny.Bruger@Region.dk ",
        name="Ny Bruger",
        role=Role.REGION_STAFF,
        organisation=_nordjylland(db),
        password=STRONG,
    )
    assert created.email == "ny.bruger@region.dk"
    entry = db.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "user.created", AuditEntry.object_id == created.id
        )
    ).one()
    assert entry.actor_id == admin.id
    assert STRONG not in str(entry.changes)


def test_the_password_is_stored_hashed(db, admin):
    created = services.create_user(
        db,
        admin,
        email="x@y.dk",
        name="X",
        role=Role.REGION_STAFF,
        organisation=_nordjylland(db),
        password=STRONG,
    )
    assert created.password_hash.startswith("$argon2id$")


def test_a_password_shorter_than_12_characters_is_refused(db, admin):
    with pytest.raises(DomainError, match="at least 12 characters"):
        services.create_user(
            db,
            admin,
            email="x@y.dk",
            name="X",
            role=Role.REGION_STAFF,
            organisation=_nordjylland(db),
            password="elevenchars",
        )


def test_a_password_of_exactly_12_characters_is_accepted(db, admin):
    services.create_user(
        db,
        admin,
        email="x@y.dk",
        name="X",
        role=Role.REGION_STAFF,
        organisation=_nordjylland(db),
        password="twelve chars",
    )


@pytest.mark.parametrize(
    ("role", "kind", "name"),
    [
        (Role.JOBCENTRE_STAFF, OrganisationKind.REGION, "Beskæftigelsesregion Nordjylland"),
        (Role.REGION_STAFF, OrganisationKind.JOBCENTRE, "Jobcenter Aalborg"),
        (Role.MINISTRY, OrganisationKind.REGION, "Beskæftigelsesregion Nordjylland"),
        (Role.ADMIN, OrganisationKind.SUPPLIER, "Akademikerhuset ApS"),
    ],
)
def test_the_role_must_fit_the_kind_of_organisation(db, admin, role, kind, name):
    with pytest.raises(DomainError, match="must belong to an organisation of the kind"):
        services.create_user(
            db,
            admin,
            email="x@y.dk",
            name="X",
            role=role,
            organisation=organisation(db, kind, name),
            password=STRONG,
        )


def test_an_e_mail_can_only_be_used_once(db, admin):
    with pytest.raises(DomainError, match="already exists"):
        services.create_user(
            db,
            admin,
            email="REGION.nordjylland@demo.dk",
            name="X",
            role=Role.REGION_STAFF,
            organisation=_nordjylland(db),
            password=STRONG,
        )


def test_only_an_admin_can_create_users(db):
    staff = user(db, "region.nordjylland@demo.dk")
    with pytest.raises(NotAllowed, match="Only an administrator"):
        services.create_user(
            db,
            staff,
            email="x@y.dk",
            name="X",
            role=Role.REGION_STAFF,
            organisation=_nordjylland(db),
            password=STRONG,
        )


def test_authenticate_accepts_the_right_password_only(db):
    assert services.authenticate(db, "admin@demo.dk", "demo12345678") is not None
    assert services.authenticate(db, "ADMIN@demo.dk ", "demo12345678") is not None
    assert services.authenticate(db, "admin@demo.dk", "demo12345679") is None
    assert services.authenticate(db, "nobody@demo.dk", "demo12345678") is None


def test_an_inactive_user_cannot_authenticate(db, admin):
    staff = user(db, "region.nordjylland@demo.dk")
    services.deactivate_user(db, admin, staff)
    assert services.authenticate(db, "region.nordjylland@demo.dk", "demo12345678") is None


def test_an_admin_cannot_deactivate_themself(db, admin):
    with pytest.raises(DomainError, match="cannot deactivate yourself"):
        services.deactivate_user(db, admin, admin)


def test_an_admin_cannot_remove_their_own_admin_role(db, admin):
    with pytest.raises(DomainError, match="own administrator role"):
        services.update_user(
            db, admin, admin, name=admin.name, role=Role.REGION_STAFF, organisation=_nordjylland(db)
        )


def test_changing_the_role_ends_the_users_sessions_and_is_audited(db, admin):
    staff = user(db, "region.nordjylland@demo.dk")
    before = staff.session_version
    services.update_user(
        db,
        admin,
        staff,
        name=staff.name,
        role=Role.REGIONAL_DIRECTOR,
        organisation=_nordjylland(db),
    )
    assert staff.session_version == before + 1
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "user.updated")).one()
    assert entry.changes == {"role": ["region_staff", "regional_director"]}


def test_deactivation_and_password_change_end_sessions(db, admin):
    staff = user(db, "region.nordjylland@demo.dk")
    version = staff.session_version
    services.change_password(db, staff, "demo12345678", "another good password")
    assert staff.session_version == version + 1
    services.deactivate_user(db, admin, staff)
    assert staff.session_version == version + 2
    assert not staff.active


def test_a_wrong_current_password_is_refused_and_changes_nothing(db):
    staff = user(db, "region.nordjylland@demo.dk")
    old_hash = staff.password_hash
    with pytest.raises(DomainError, match="current password is wrong"):
        services.change_password(db, staff, "not my password", "another good password")
    assert staff.password_hash == old_hash


def test_reactivating_an_active_user_is_refused(db, admin):
    with pytest.raises(DomainError, match="already active"):
        services.reactivate_user(db, admin, user(db, "region.nordjylland@demo.dk"))


def test_user_count_of_the_demo_data(db):
    people = db.scalars(select(User).where(User.api_client.is_(False))).all()
    assert len(people) == 27  # 25 demo logins, 2 demo supplier states
    # and the users of the three demo API tokens (app/demo/api.py)
    assert len(db.scalars(select(User).where(User.api_client)).all()) == 3


def test_an_admin_cannot_create_supplier_users_or_set_their_passwords(db, admin):
    supplier_org = organisation(db, OrganisationKind.SUPPLIER, "Akademikerhuset ApS")
    with pytest.raises(NotAllowed, match="managed by the supplier itself"):
        services.create_user(
            db,
            admin,
            email="spion@demo.dk",
            name="Spion",
            role=Role.SUPPLIER,
            organisation=supplier_org,
            password=STRONG,
        )
    with pytest.raises(NotAllowed, match="managed by the supplier itself"):
        services.set_password(db, admin, user(db, "leverandoer1@demo.dk"), STRONG)
