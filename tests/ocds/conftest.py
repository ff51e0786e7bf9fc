"""Reading what the platform serves as OCDS: a package as JSON (numbers as Decimals, so that
an amount is read exactly as written), and every page of a bulk download."""

from __future__ import annotations

import json
from decimal import Decimal

from sqlalchemy import select

from app.calloffs.models import CallOff
from app.tenders.models import Tender

BASE = "http://127.0.0.1:5000"


def package(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.mimetype == "application/json"
    return json.loads(response.get_data(as_text=True), parse_float=Decimal)


def local(uri: str) -> str:
    """A link in a package (BASE_URL + path) as the test client asks for it."""
    assert uri.startswith(BASE), uri
    return uri.removeprefix(BASE)


def pages(client, url: str) -> list[dict]:
    """Every page of a bulk download, following links.next from the first."""
    found = [package(client, url)]
    while "next" in found[-1].get("links", {}):
        found.append(package(client, local(found[-1]["links"]["next"])))
        assert len(found) < 200, "links.next never ends"
    return found


def published_tender_ids(db) -> list[int]:
    return list(db.scalars(select(Tender.id).where(Tender.published_at.is_not(None))))


def calloff_ids(db) -> list[int]:
    return list(db.scalars(select(CallOff.id)))
