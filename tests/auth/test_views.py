"""Logging in and out, sessions, one's own password, and the administration of users over HTTP."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.auth.models import User
from app.demo.platform import demo_logins
from tests.conftest import login, organisation, user

START_PAGE_TEXT = {
    "admin": "Opret en organisation",
    "region_staff": "Vores region",
    "regional_director": "regionsdirektør for",
    "ministry": "godkender regionernes rammeudbud",
    "integration_ministry": "integrationsindsatsen",
    "jobcentre_staff": "Vores jobcenter",
    "jobcentre_manager": "aftaler om forbedring af indsatsen",
    "supplier": "Leverandører byder",
}


@pytest.mark.parametrize("demo", demo_logins(), ids=lambda d: d.email)
def test_each_demo_login_reaches_its_roles_start_page(client, demo):
    response = login(client, demo.email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/start"
    page = client.get("/start")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert START_PAGE_TEXT[demo.role.value] in html
    assert demo.organisation in html.replace("&amp;", "&")  # the header names the organisation


def test_a_wrong_password_is_refused_with_a_message_and_recorded(client, db):
    response = login(client, "admin@demo.dk", "wrong password!")
    assert response.status_code == 401
    assert "E-mail eller adgangskode er forkert" in response.get_data(as_text=True)
    assert client.get("/start").status_code == 302
    failed = db.scalars(select(AuditEntry).where(AuditEntry.action == "login.failed")).all()
    assert [entry.changes["email"] for entry in failed] == ["admin@demo.dk"]


def test_an_unknown_e_mail_gets_the_same_answer_as_a_wrong_password(client):
    response = login(client, "nobody@demo.dk", "wrong password!")
    assert response.status_code == 401
    assert "E-mail eller adgangskode er forkert" in response.get_data(as_text=True)


def test_an_empty_form_gets_field_errors_not_a_crash(client):
    response = client.post("/login", data={})
    assert response.status_code == 422
    assert "form-error-message" in response.get_data(as_text=True)


def test_login_redirects_only_to_a_path_on_this_site(client):
    response = client.post(
        "/login?next=//evil.example/x", data={"email": "admin@demo.dk", "password": "demo12345678"}
    )
    assert response.headers["Location"] == "/start"
    client.post("/logout")
    response = client.post(
        "/login?next=/admin/users/", data={"email": "admin@demo.dk", "password": "demo12345678"}
    )
    assert response.headers["Location"] == "/admin/users/"


def test_a_page_needing_login_sends_the_anonymous_visitor_to_the_login_page(client):
    response = client.get("/admin/users/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_logout_ends_the_session_and_a_replayed_cookie_is_refused(client):
    login(client, "admin@demo.dk")
    cookie = client.get_cookie("rammeudbud_session").value
    assert client.post("/logout").status_code == 302
    assert client.get("/start").status_code == 302
    client.set_cookie("rammeudbud_session", cookie)  # an attacker replays the old cookie
    assert client.get("/start").status_code == 302


def test_a_deactivated_users_open_session_stops_working(app, client, db):
    login(client, "region.nordjylland@demo.dk")
    assert client.get("/start").status_code == 200
    admin_client = app.test_client()
    login(admin_client, "admin@demo.dk")
    target = user(db, "region.nordjylland@demo.dk")
    assert admin_client.post(f"/admin/users/{target.id}/deactivate").status_code == 302
    assert client.get("/start").status_code == 302
    assert login(client, "region.nordjylland@demo.dk").status_code == 401


def test_changing_ones_password_keeps_this_session_and_ends_the_others(app, client):
    other_browser = app.test_client()
    login(client, "jobcenter.aalborg@demo.dk")
    login(other_browser, "jobcenter.aalborg@demo.dk")
    response = client.post(
        "/profile",
        data={
            "current_password": "demo12345678",
            "new_password": "my new long password",
            "repeat_password": "my new long password",
        },
    )
    assert response.status_code == 302
    assert client.get("/start").status_code == 200
    assert other_browser.get("/start").status_code == 302
    assert (
        login(other_browser, "jobcenter.aalborg@demo.dk", "my new long password").status_code == 302
    )


def test_a_mismatched_new_password_is_refused_and_changes_nothing(client, db):
    login(client, "jobcenter.aalborg@demo.dk")
    old_hash = user(db, "jobcenter.aalborg@demo.dk").password_hash
    response = client.post(
        "/profile",
        data={
            "current_password": "demo12345678",
            "new_password": "my new long password",
            "repeat_password": "something else entirely",
        },
    )
    assert response.status_code == 422
    assert "Adgangskoderne er ikke ens" in response.get_data(as_text=True)
    db.expire_all()
    assert user(db, "jobcenter.aalborg@demo.dk").password_hash == old_hash


def test_an_admin_creates_a_user_through_the_form(admin_client, db):
    from app.organisations.models import OrganisationKind

    region = organisation(db, OrganisationKind.REGION, "Beskæftigelsesregion Syddanmark")
    response = admin_client.post(
        "/admin/users/new",
        data={
            "email": "ny@syddanmark.dk",
            "name": "Ny Medarbejder",
            "role": "region_staff",
            "organisation_id": region.id,
            "new_password": "a long enough password",
            "repeat_password": "a long enough password",
        },
    )
    assert response.status_code == 302
    created = db.scalars(select(User).where(User.email == "ny@syddanmark.dk")).one()
    assert created.organisation_id == region.id
    assert (
        login(
            admin_client.application.test_client(), "ny@syddanmark.dk", "a long enough password"
        ).status_code
        == 302
    )


def test_a_role_that_does_not_fit_the_organisation_is_refused_with_the_reason(admin_client, db):
    from app.organisations.models import OrganisationKind

    region = organisation(db, OrganisationKind.REGION, "Beskæftigelsesregion Syddanmark")
    response = admin_client.post(
        "/admin/users/new",
        data={
            "email": "forkert@demo.dk",
            "name": "Forkert",
            "role": "jobcentre_staff",
            "organisation_id": region.id,
            "new_password": "a long enough password",
            "repeat_password": "a long enough password",
        },
    )
    assert response.status_code == 409
    assert "skal høre til en organisation af typen Jobcenter" in response.get_data(as_text=True)
    assert db.scalars(select(User).where(User.email == "forkert@demo.dk")).first() is None


def test_deactivation_asks_for_confirmation_first(admin_client, db):
    target = user(db, "leverandoer1@demo.dk")
    page = admin_client.get(f"/admin/users/{target.id}/deactivate")
    assert page.status_code == 200
    assert "Ja, deaktivér" in page.get_data(as_text=True)
    db.expire_all()
    assert user(db, "leverandoer1@demo.dk").active


def test_an_admin_changes_a_role_and_reactivates_a_user(admin_client, db):
    target = user(db, "region.midtjylland@demo.dk")
    target_id, organisation_id = target.id, target.organisation_id
    response = admin_client.post(
        f"/admin/users/{target_id}/edit",
        data={
            "name": "Ny Direktør",
            "role": "regional_director",
            "organisation_id": organisation_id,
        },
    )
    assert response.status_code == 302
    admin_client.post(f"/admin/users/{target_id}/deactivate")
    admin_client.post(f"/admin/users/{target_id}/reactivate")
    db.expire_all()
    changed = db.get(User, target_id)
    assert (changed.name, changed.role.value, changed.active) == (
        "Ny Direktør",
        "regional_director",
        True,
    )


def test_the_users_list_searches_and_pages(admin_client):
    html = admin_client.get("/admin/users/?q=leverand").get_data(as_text=True)
    assert "leverandoer1@demo.dk" in html and "admin@demo.dk" not in html
    html = admin_client.get("/admin/users/?role=jobcentre_manager").get_data(as_text=True)
    assert "leder.aalborg@demo.dk" in html and "jobcenter.aalborg@demo.dk" not in html
    assert admin_client.get("/admin/users/?page=999").status_code == 200


def test_every_post_needs_a_csrf_token(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(
            "/login", data={"email": "admin@demo.dk", "password": "demo12345678"}
        )
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    assert "Formularen var udløbet" in response.get_data(as_text=True)


def test_session_cookie_flags_and_security_headers(client):
    response = login(client, "admin@demo.dk")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/start")
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize(
    "target",
    [
        "/%09/evil.example",
        "/\t/evil.example",
        "/%0a/evil.example",
        "/\n/x",
        "//evil.example",
        "/\\evil.example",
        "https://evil.example/",
        "/ /evil.example",
    ],
)
def test_no_target_leads_off_site_or_breaks_the_redirect(client, target):
    from urllib.parse import unquote

    response = client.post(
        "/login?next=" + target.replace("\t", "%09").replace("\n", "%0a"),
        data={"email": "admin@demo.dk", "password": "demo12345678"},
    )
    assert response.headers["Location"] == "/start", unquote(target)
    response = client.get("/language/en?next=" + target.replace("\t", "%09").replace("\n", "%0a"))
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_an_id_too_large_for_the_database_is_a_404(admin_client):
    assert admin_client.get("/admin/users/99999999999999999999999").status_code == 404
    assert admin_client.get("/admin/audit/?from=0001-01-01").status_code == 200


def test_form_errors_are_danish(admin_client):
    html = admin_client.post("/admin/users/new", data={}).get_data(as_text=True)
    assert "Feltet skal udfyldes." in html and "This field is required" not in html


def test_names_lose_control_characters_and_e_mails_their_spaces(admin_client, db):
    from app.organisations.models import OrganisationKind

    region = organisation(db, OrganisationKind.REGION, "Beskæftigelsesregion Syddanmark")
    response = admin_client.post(
        "/admin/users/new",
        data={
            "email": "  mellemrum@demo.dk ",
            "name": "Nul\x00Tegn",
            "role": "region_staff",
            "organisation_id": region.id,
            "new_password": "a long enough password",
            "repeat_password": "a long enough password",
        },
    )
    assert response.status_code == 302
    created = db.scalars(select(User).where(User.email == "mellemrum@demo.dk")).one()
    assert created.name == "NulTegn"


def test_an_admin_setting_their_own_password_stays_logged_in(admin_client, db):
    admin_id = user(db, "admin@demo.dk").id
    response = admin_client.post(
        f"/admin/users/{admin_id}/password",
        data={"new_password": "a brand new password", "repeat_password": "a brand new password"},
    )
    assert response.status_code == 302
    assert admin_client.get("/start").status_code == 200


def test_an_admin_cannot_get_into_a_suppliers_account(admin_client, db):
    """Creating, moving or re-passwording a supplier's user would open its sealed bids."""
    from app.organisations.models import OrganisationKind

    supplier_org = organisation(db, OrganisationKind.SUPPLIER, "Akademikerhuset ApS")
    target = user(db, "leverandoer1@demo.dk")
    target_id, old_hash, org_id = target.id, target.password_hash, supplier_org.id
    created = admin_client.post(
        "/admin/users/new",
        data={
            "email": "spion@demo.dk",
            "name": "Spion",
            "role": "supplier",
            "organisation_id": org_id,
            "new_password": "a long enough password",
            "repeat_password": "a long enough password",
        },
    )
    assert created.status_code == 422  # "supplier" is not even a choice
    assert db.scalars(select(User).where(User.email == "spion@demo.dk")).first() is None
    reset = admin_client.post(
        f"/admin/users/{target_id}/password",
        data={
            "new_password": "a long enough password",
            "repeat_password": "a long enough password",
        },
    )
    assert "administreres af leverandøren selv" in reset.get_data(as_text=True)
    moved = admin_client.post(
        f"/admin/users/{target_id}/edit",
        data={
            "name": "Spion",
            "role": "region_staff",
            "organisation_id": organisation(
                db, OrganisationKind.REGION, "Beskæftigelsesregion Nordjylland"
            ).id,
        },
    )
    assert moved.status_code in (409, 422)
    db.expire_all()
    assert user(db, "leverandoer1@demo.dk").password_hash == old_hash
    assert admin_client.post(f"/admin/users/{target_id}/deactivate").status_code == 302
