"""Every answer NemLog-in's key did not vouch for, or that is not for us now, signs nobody in.

Each test sends a real response from the test IdP (signed and encrypted with python3-saml and
xmlsec) that breaks one rule; each is refused with a clear page, audited, and nobody is in."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import clock
from app.auth.models import User
from app.demo.platform import SUPPLIER_CVRS
from app.nemlogin.models import Applicant
from tests.conftest import NOW
from tests.nemlogin.conftest import (
    last_refusal,
    nobody_is_signed_in,
    post_response,
    start_login,
    supplier_person,
)
from tests.nemlogin.idp import ACS_URL

REFUSED_TEXT = "kunne ikke godtages"  # Danish, the default language


def _count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


def _assert_refused(client, db, response, reason: str, detail: str | None = None) -> None:
    assert 400 <= response.status_code < 500
    audited = last_refusal(db)
    assert audited is not None and audited["reason"] == reason
    if detail:
        assert detail.lower() in audited.get("detail", "").lower()
    assert nobody_is_signed_in(client)


def _person():
    return supplier_person(cvr=SUPPLIER_CVRS[0])


def _sign_in(client, idp, person=None, **options):
    request_id = start_login(client, idp)
    return post_response(client, idp.response(person or _person(), request_id, **options))


def test_a_valid_response_is_accepted_as_the_baseline(client, db, idp):
    response = _sign_in(client, idp)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/nemlogin/waiting")
    assert last_refusal(db) is None


def test_an_unsigned_response_is_refused(client, db, idp):
    applicants = _count(db, Applicant)
    response = _sign_in(client, idp, sign_assertion=False, sign_response=False)
    _assert_refused(client, db, response, "invalid")
    assert REFUSED_TEXT in response.get_data(as_text=True)
    assert _count(db, Applicant) == applicants


def test_an_unsigned_assertion_in_a_signed_response_is_refused(client, db, idp):
    response = _sign_in(client, idp, sign_assertion=False)
    _assert_refused(client, db, response, "invalid", "assertion")


def test_a_signed_assertion_in_an_unsigned_response_is_refused(client, db, idp):
    response = _sign_in(client, idp, sign_response=False)
    _assert_refused(client, db, response, "invalid", "signed")


def test_a_response_signed_by_another_key_is_refused(client, db, idp):
    response = _sign_in(client, idp, signing_key=(idp.other_key, idp.other_cert))
    _assert_refused(client, db, response, "invalid", "signature")


def test_an_assertion_altered_after_signing_is_refused(client, db, idp):
    response = _sign_in(client, idp, alter_after_signing=True)
    _assert_refused(client, db, response, "invalid", "signature")


def test_a_response_altered_after_signing_is_refused(client, db, idp):
    request_id = start_login(client, idp)
    signed = base64.b64decode(idp.response(_person(), request_id)).decode()
    altered = signed.replace('Version="2.0"', 'Version="2.0" Consent="urn:altered"', 1)
    assert altered != signed
    response = post_response(client, base64.b64encode(altered.encode()).decode())
    _assert_refused(client, db, response, "invalid", "signature")


def test_an_unencrypted_assertion_is_refused(client, db, idp):
    response = _sign_in(client, idp, encrypt=False)
    _assert_refused(client, db, response, "invalid", "encrypted")


def test_an_assertion_is_valid_until_the_second_before_its_end(client, db, idp):
    request_id = start_login(client, idp)
    saml_response = idp.response(_person(), request_id, not_on_or_after=NOW + timedelta(seconds=60))
    with clock.frozen_at(NOW + timedelta(seconds=59)):
        response = post_response(client, saml_response)
    assert response.status_code == 302
    assert last_refusal(db) is None


def test_an_expired_assertion_is_refused_from_its_end_on(client, db, idp):
    request_id = start_login(client, idp)
    saml_response = idp.response(_person(), request_id, not_on_or_after=NOW + timedelta(seconds=60))
    with clock.frozen_at(NOW + timedelta(seconds=60)):
        response = post_response(client, saml_response)
        _assert_refused(client, db, response, "invalid")


def _skew(app) -> int:
    return app.config["NEMLOGIN_CLOCK_SKEW_SECONDS"]


def test_an_assertion_not_yet_valid_is_refused_until_the_skew_allows_it(app, client, db, idp):
    request_id = start_login(client, idp)
    starts = NOW + timedelta(seconds=120)
    saml_response = idp.response(_person(), request_id, not_before=starts)
    with clock.frozen_at(starts - timedelta(seconds=_skew(app) + 1)):
        response = post_response(client, saml_response)
        _assert_refused(client, db, response, "invalid", "not yet valid")


def test_an_assertion_is_valid_from_its_start_less_the_skew(app, client, db, idp):
    request_id = start_login(client, idp)
    starts = NOW + timedelta(seconds=120)
    saml_response = idp.response(_person(), request_id, not_before=starts)
    with clock.frozen_at(starts - timedelta(seconds=_skew(app))):
        response = post_response(client, saml_response)
    assert response.status_code == 302
    assert last_refusal(db) is None


def test_validity_is_judged_by_the_platforms_clock_not_the_machines(client, db, idp):
    """The suite's clock stands in 2026; an assertion valid only then is accepted."""
    request_id = start_login(client, idp)
    saml_response = idp.response(
        _person(),
        request_id,
        not_before=NOW - timedelta(seconds=1),
        not_on_or_after=NOW + timedelta(seconds=2),
    )
    assert post_response(client, saml_response).status_code == 302


def test_an_assertion_for_another_audience_is_refused(client, db, idp):
    response = _sign_in(client, idp, audience="https://another-platform.example/sp")
    _assert_refused(client, db, response, "invalid", "audience")


def test_an_assertion_for_another_recipient_is_refused(client, db, idp):
    response = _sign_in(client, idp, recipient="https://another-platform.example/acs")
    _assert_refused(client, db, response, "invalid")


def test_a_response_for_another_destination_is_refused(client, db, idp):
    response = _sign_in(client, idp, destination="https://another-platform.example/acs")
    _assert_refused(client, db, response, "invalid", "received at")


def test_a_response_to_a_request_this_sp_never_sent_is_refused(client, db, idp):
    start_login(client, idp)
    response = post_response(client, idp.response(_person(), "_a-request-we-never-sent"))
    _assert_refused(client, db, response, "invalid", "InResponseTo")


def test_a_response_without_any_request_in_the_session_is_refused(client, db, idp):
    response = post_response(client, idp.response(_person(), "_whatever"))
    _assert_refused(client, db, response, "unsolicited")


def test_an_unsolicited_response_is_refused_even_while_a_request_waits(client, db, idp):
    start_login(client, idp)
    response = post_response(client, idp.response(_person(), None))
    _assert_refused(client, db, response, "unsolicited")


def test_a_request_id_is_answered_once(client, db, idp):
    request_id = start_login(client, idp)
    assert post_response(client, idp.response(_person(), request_id)).status_code == 302
    response = post_response(client, idp.response(_person(), request_id))
    _assert_refused(client, db, response, "unsolicited")


def test_a_replayed_assertion_id_is_refused(client, db, idp):
    person = _person()
    request_id = start_login(client, idp)
    first = idp.response(person, request_id, assertion_id="_the-one-assertion")
    assert post_response(client, first).status_code == 302
    request_id = start_login(client, idp)
    again = idp.response(person, request_id, assertion_id="_the-one-assertion")
    response = post_response(client, again)
    _assert_refused(client, db, response, "replayed")
    assert "allerede brugt" in response.get_data(as_text=True)


def test_a_seen_assertion_id_is_forgotten_once_it_expired(client, db, idp):
    from app.nemlogin.models import SeenAssertion

    request_id = start_login(client, idp)
    response = idp.response(_person(), request_id, assertion_id="_expiring")
    assert post_response(client, response).status_code == 302
    assert db.get(SeenAssertion, "_expiring") is not None
    with clock.frozen_at(NOW + timedelta(hours=1)):
        request_id = start_login(client, idp)
        post_response(client, idp.response(_person(), request_id))
    db.expire_all()
    assert db.get(SeenAssertion, "_expiring") is None


LOGINS = {
    "admin": "admin@demo.dk",
    "region_staff": "region.nordjylland@demo.dk",
    "regional_director": "direktoer.nordjylland@demo.dk",
    "ministry": "ministeriet@demo.dk",
    "integration_ministry": "integration@demo.dk",
    "jobcentre_staff": "jobcenter.aalborg@demo.dk",
    "jobcentre_manager": "leder.aalborg@demo.dk",
    "supplier": "leverandoer1@demo.dk",
}


@pytest.mark.parametrize("role", sorted(LOGINS))
@pytest.mark.parametrize("loa", ["Low", "", "Unknown"])
def test_a_level_of_assurance_below_substantial_is_refused_for_every_role(
    client, db, idp, role, loa
):
    user = db.scalars(select(User).where(User.email == LOGINS[role])).one()
    assert user.role.value == role
    user.nemlogin_uuid = f"uuid-of-{role}"
    if user.organisation.cvr is None and role != "supplier":
        user.organisation.cvr = "55555555"
    cvr = SUPPLIER_CVRS[0] if role == "supplier" else user.organisation.cvr
    db.commit()
    person = supplier_person(uuid=f"uuid-of-{role}", cvr=cvr, email=user.email, loa=loa)
    response = _sign_in(client, idp, person)
    reason = "loa_too_low" if loa else "attribute_missing"
    _assert_refused(client, db, response, reason)


def test_the_level_high_is_accepted(client, db, idp):
    response = _sign_in(client, idp, supplier_person(cvr=SUPPLIER_CVRS[0], loa="High"))
    assert response.status_code == 302
    assert last_refusal(db) is None


def test_a_garbled_response_is_refused(client, db, idp):
    start_login(client, idp)
    response = post_response(client, base64.b64encode(b"<not-saml/>").decode())
    _assert_refused(client, db, response, "invalid")


def test_a_destination_that_only_starts_with_our_address_is_refused(client, db, idp):
    response = _sign_in(client, idp, destination=ACS_URL + "-elsewhere")
    _assert_refused(client, db, response, "invalid", "Destination")


def test_a_recipient_that_only_contains_our_address_is_refused(client, db, idp):
    response = _sign_in(client, idp, recipient="https://evil.example/?" + ACS_URL)
    _assert_refused(client, db, response, "invalid", "Recipient")


def test_the_request_id_cookie_is_sent_on_nemlogins_cross_site_post(app, client, monkeypatch):
    """A SameSite=Lax cookie would stay behind when NemLog-in posts from its own site."""
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    cookie = client.get("/nemlogin/login").headers["Set-Cookie"]
    assert cookie.startswith("nemlogin_request=")
    for part in ("Secure", "HttpOnly", "SameSite=None", "Path=/nemlogin/"):
        assert part in cookie


def test_a_response_after_the_request_went_stale_is_refused(client, db, idp):
    request_id = start_login(client, idp)
    later = NOW + timedelta(minutes=15, seconds=1)
    with clock.frozen_at(later):
        response = post_response(client, idp.response(_person(), request_id))
        _assert_refused(client, db, response, "unsolicited")


def test_a_response_within_the_requests_time_is_accepted(client, db, idp):
    request_id = start_login(client, idp)
    with clock.frozen_at(NOW + timedelta(minutes=15)):
        assert post_response(client, idp.response(_person(), request_id)).status_code == 302


def test_an_altered_request_cookie_is_refused(client, db, idp):
    request_id = start_login(client, idp)
    client.set_cookie("nemlogin_request", "altered." + request_id, path="/nemlogin/")
    response = post_response(client, idp.response(_person(), request_id))
    _assert_refused(client, db, response, "unsolicited")
