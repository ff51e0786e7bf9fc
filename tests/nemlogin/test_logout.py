"""Single logout: SP-initiated and IdP-initiated both end the platform's session, as the
platform's own logout does (every session of the user ends)."""

from __future__ import annotations

from urllib.parse import urlsplit

from app.demo.platform import SUPPLIER_CVRS
from tests.conftest import user
from tests.nemlogin.conftest import last_refusal, nobody_is_signed_in, supplier_person
from tests.nemlogin.idp import SLO_URL
from tests.nemlogin.test_sign_in import sign_in

UUID = "uuid-of-leverandoer1"


def _signed_in(client, db, idp):
    employee = user(db, "leverandoer1@demo.dk")
    employee.nemlogin_uuid = UUID
    db.commit()
    sign_in(client, idp, supplier_person(uuid=UUID, cvr=SUPPLIER_CVRS[0]))
    assert client.get("/start").status_code == 200
    return employee.session_version


def test_sp_initiated_logout_ends_the_session_and_tells_nemlogin(client, db, idp):
    version = _signed_in(client, db, idp)
    response = client.post("/nemlogin/slo")
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith(SLO_URL + "?")
    assert idp.redirect_signature_is_valid(location)
    logout_request, _query = idp.read_redirect(location)
    namespaces = {"saml": "urn:oasis:names:tc:SAML:2.0:assertion"}
    assert logout_request.xpath("//saml:NameID/text()", namespaces=namespaces) == [UUID]
    assert nobody_is_signed_in(client)
    db.expire_all()
    assert user(db, "leverandoer1@demo.dk").session_version == version + 1

    answer = client.get("/nemlogin/slo?" + idp.logout_response(logout_request.get("ID")))
    assert answer.status_code == 302 and urlsplit(answer.headers["Location"]).path == "/login"


def test_a_logout_response_to_a_request_never_sent_is_refused(client, db, idp):
    _signed_in(client, db, idp)
    client.post("/nemlogin/slo")
    answer = client.get("/nemlogin/slo?" + idp.logout_response("_never-sent"))
    assert answer.status_code == 403
    assert last_refusal(db)["reason"] == "logout_invalid"


def test_idp_initiated_logout_ends_the_session_and_is_answered(client, db, idp):
    version = _signed_in(client, db, idp)
    response = client.get("/nemlogin/slo?" + idp.logout_request(UUID))
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith(SLO_URL + "?")
    assert idp.redirect_signature_is_valid(location)
    logout_response, _query = idp.read_redirect(location)
    assert logout_response.tag.endswith("LogoutResponse")
    assert nobody_is_signed_in(client)
    db.expire_all()
    assert user(db, "leverandoer1@demo.dk").session_version == version + 1


def test_an_unsigned_logout_request_is_refused_and_the_session_goes_on(client, db, idp):
    _signed_in(client, db, idp)
    query = idp.logout_request(UUID)
    unsigned = "&".join(p for p in query.split("&") if not p.startswith(("Signature=", "SigAlg=")))
    response = client.get("/nemlogin/slo?" + unsigned)
    assert response.status_code == 403
    assert last_refusal(db)["reason"] == "logout_invalid"
    assert client.get("/start").status_code == 200


def test_a_logout_request_altered_after_signing_is_refused(client, db, idp):
    _signed_in(client, db, idp)
    query = idp.logout_request(UUID)
    other = idp.logout_request("someone-else")
    altered = other.split("&")[0] + "&" + "&".join(query.split("&")[1:])
    response = client.get("/nemlogin/slo?" + altered)
    assert response.status_code == 403
    assert client.get("/start").status_code == 200


def test_logging_out_without_a_nemlogin_sign_in_is_the_ordinary_logout(client, db):
    from tests.conftest import login

    login(client, "leverandoer1@demo.dk")
    response = client.post("/nemlogin/slo")
    assert urlsplit(response.headers["Location"]).path == "/login"
    assert nobody_is_signed_in(client)
