"""Names sorted in SQL as Python sorts them (by code point), whatever the database's collation:
pages that once sorted in Python and now sort in SQL keep their order."""

from __future__ import annotations

from sqlalchemy import select

from app.db import code_point_order
from app.targetgroups.models import TargetGroup

NAMES = ["Øvrige", "aktivering", "Ældre", "Zebra", "Åben", "Ledige", "ledige-2", "Ledige 2", "b"]


def test_names_come_back_in_pythons_order(db):
    for name in NAMES:
        db.add(TargetGroup(name=f"~{name}", description=""))
    db.flush()
    found = db.scalars(
        select(TargetGroup.name)
        .where(TargetGroup.name.like("~%"))
        .order_by(code_point_order(db, TargetGroup.name))
    ).all()
    assert found == sorted(f"~{name}" for name in NAMES)


def test_postgresql_is_told_to_compare_code_points(db):
    stmt = select(TargetGroup.id).order_by(code_point_order(db, TargetGroup.name))
    sql = str(stmt.compile(db.get_bind()))
    postgresql = db.get_bind().dialect.name == "postgresql"
    assert ('COLLATE "C"' in sql) == postgresql
