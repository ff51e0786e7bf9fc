"""Handing a stored file to the browser: always as a download, never rendered inline."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response

from app.files.models import StoredFile


def download(stored: StoredFile) -> Response:
    name = quote(stored.filename, safe="")
    return Response(
        stored.content,
        mimetype=stored.content_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{name}",
            "X-Content-Type-Options": "nosniff",
        },
    )
