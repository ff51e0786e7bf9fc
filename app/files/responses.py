"""Handing a stored file to the browser: always as a download, never rendered inline."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response

from app.files.models import StoredFile


def download(stored: StoredFile) -> Response:
    return download_bytes(stored.content, stored.filename, stored.content_type)


def download_bytes(content: bytes, filename: str, content_type: str) -> Response:
    """The bytes as a download under their name, of exactly the type they were stored with
    (a text type carries its charset already: Werkzeug's `mimetype` would add a second)."""
    name = quote(filename, safe="")
    return Response(
        content,
        content_type=content_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{name}",
            "X-Content-Type-Options": "nosniff",
        },
    )
