"""Counting the SQL statements a page asks, for tests that hold a page to a fixed number."""

from __future__ import annotations

from sqlalchemy import event


def queries_for(client, app, url: str) -> int:
    """How many statements answering `url` sends to the database (it must answer 200)."""
    engine = app.extensions["database"].engine
    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements)
