"""NemLog-in on, against the test IdP of tests/nemlogin/idp.py, for every test here."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.nemlogin.idp import BASE_URL, SP_ENTITY_ID, Person, TestIdP, key_and_certificate


@pytest.fixture(scope="session")
def sp_key_and_cert() -> tuple[str, str]:
    return key_and_certificate("rammeudbud-sp")


@pytest.fixture(scope="session")
def idp(sp_key_and_cert: tuple[str, str]) -> TestIdP:
    return TestIdP(sp_key_and_cert[1])


@pytest.fixture(autouse=True)
def nemlogin_on(
    app: Flask, idp: TestIdP, sp_key_and_cert, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    metadata = tmp_path / "idp-metadata.xml"
    metadata.write_text(idp.metadata)
    key, cert = sp_key_and_cert
    for name, value in {
        "NEMLOGIN_ENABLED": True,
        "NEMLOGIN_SP_ENTITY_ID": SP_ENTITY_ID,
        "NEMLOGIN_SP_KEY": key,
        "NEMLOGIN_SP_CERT": cert,
        "NEMLOGIN_IDP_METADATA_FILE": str(metadata),
        "BASE_URL": BASE_URL,
    }.items():
        monkeypatch.setitem(app.config, name, value)
    yield


def new_uuid() -> str:
    return str(uuid.uuid4())


def supplier_person(**changes) -> Person:
    values = {
        "uuid": new_uuid(),
        "cvr": "",
        "org_name": "Akademikerhuset ApS",
        "name": "Sofie Sælger",
        "email": f"sofie.{uuid.uuid4().hex[:8]}@akademikerhuset.example",
    }
    values.update(changes)
    return Person(**values)


def start_login(client: FlaskClient, idp: TestIdP) -> str:
    """Ask for a sign-in; the id of the AuthnRequest the IdP received."""
    response = client.get("/nemlogin/login")
    assert response.status_code == 302
    request_xml, _query = idp.read_redirect(response.headers["Location"])
    return request_xml.get("ID")


def post_response(client: FlaskClient, saml_response: str):
    return client.post("/nemlogin/acs", data={"SAMLResponse": saml_response})


def last_refusal(db):
    """The newest audited NemLog-in refusal's changes, or None."""
    from sqlalchemy import select

    from app.audit.models import AuditEntry

    entry = db.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "nemlogin.refused")
        .order_by(AuditEntry.id.desc())
    ).first()
    return entry.changes if entry else None


def nobody_is_signed_in(client: FlaskClient) -> bool:
    response = client.get("/start")
    return response.status_code == 302 and "/login" in response.headers["Location"]
