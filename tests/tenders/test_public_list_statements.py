"""The public tender list asks the same statements however many tenders are published, and
reads no lots (it shows none)."""

from __future__ import annotations

from sqlalchemy import event

from app.tenders.models import Scope
from tests.calloffs.conftest import framework
from tests.query_count import queries_for


def statements_for(client, app, url: str) -> list[str]:
    engine = app.extensions["database"].engine
    seen: list[str] = []

    def keep(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", keep)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    return seen


def test_the_public_list_asks_the_same_statements_for_more_tenders(client, db, app, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 3)
    framework(db)
    db.commit()
    few = queries_for(client, app, "/tenders")
    for index in range(8):
        framework(db, "NJ" if index % 2 else "SD", scope=Scope.NATIONAL)
    db.commit()
    assert queries_for(client, app, "/tenders") == few
    assert queries_for(client, app, "/tenders?page=2&status=active") == few


def test_the_public_list_reads_no_lots(client, db, app):
    framework(db)
    db.commit()
    assert not [s for s in statements_for(client, app, "/tenders") if "FROM lots" in s]
