"""What a user's page asks of the user: a supplier's account is the supplier's to manage, and
no one deactivates themselves."""

from __future__ import annotations

from tests.conftest import user


def test_a_suppliers_user_is_a_supplier_account_and_others_are_not(db):
    assert user(db, "leverandoer1@demo.dk").is_supplier_account
    assert not user(db, "jobcenter.odense@demo.dk").is_supplier_account
    assert not user(db, "admin@demo.dk").is_supplier_account


def test_an_active_user_may_be_deactivated_by_another_but_not_by_themselves(db):
    admin, other = user(db, "admin@demo.dk"), user(db, "jobcenter.odense@demo.dk")
    assert other.may_be_deactivated_by(admin)
    assert not admin.may_be_deactivated_by(admin)
    other.active = False
    assert not other.may_be_deactivated_by(admin)
