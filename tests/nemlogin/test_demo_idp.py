"""The demo's NemLog-in: the real flow end to end, with keys it made itself; never outside
the demo."""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import pytest

from app.nemlogin import demo_idp

DEMO_KEYS = (
    "APP_ENV",
    "NEMLOGIN_SP_ENTITY_ID",
    "NEMLOGIN_SP_KEY",
    "NEMLOGIN_SP_CERT",
    "NEMLOGIN_SP_KEY_FILE",
    "NEMLOGIN_SP_CERT_FILE",
    "NEMLOGIN_IDP_METADATA_FILE",
    "NEMLOGIN_DEMO_IDP",
    "NEMLOGIN_DEMO_IDP_KEY",
    "NEMLOGIN_DEMO_IDP_CERT",
    "NEMLOGIN_DEMO_DIR",
)


@pytest.fixture
def demo(app, nemlogin_on, tmp_path, monkeypatch):
    for name in DEMO_KEYS:
        monkeypatch.setitem(app.config, name, None)
    monkeypatch.setitem(app.config, "APP_ENV", "demo")
    monkeypatch.setitem(app.config, "NEMLOGIN_DEMO_DIR", str(tmp_path / "demo-idp"))
    monkeypatch.setitem(app.config, "NEMLOGIN_DEMO_IDP", True)
    demo_idp.configure(app.config)
    assert app.config["NEMLOGIN_IDP_METADATA_FILE"]


def _path(location: str) -> str:
    parts = urlsplit(location)
    return parts.path + ("?" + parts.query if parts.query else "")


def _hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert found, name
    return html.unescape(found.group(1))


def _sign_in_as(client, who: str):
    to_idp = client.get("/nemlogin/login").headers["Location"]
    assert urlsplit(to_idp).path == "/demo-idp/sso"
    page = client.get(_path(to_idp)).get_data(as_text=True)
    chosen = client.post(
        "/demo-idp/sso",
        data={
            "person": who,
            "request_id": _hidden(page, "request_id"),
            "relay_state": _hidden(page, "relay_state"),
        },
    ).get_data(as_text=True)
    return client.post("/nemlogin/acs", data={"SAMLResponse": _hidden(chosen, "SAMLResponse")})


@pytest.mark.parametrize("who", ["supplier", "jobcentre", "jobcentre_privilege"])
def test_a_demo_person_signs_in_through_the_demo_nemlogin_and_logs_out(client, db, demo, who):
    response = _sign_in_as(client, who)
    assert response.status_code == 302 and response.headers["Location"].endswith("/start")
    assert client.get("/start").status_code == 200
    to_idp = client.post("/nemlogin/slo").headers["Location"]
    assert urlsplit(to_idp).path == "/demo-idp/slo"
    back = client.get(_path(to_idp)).headers["Location"]
    done = client.get(_path(back))
    assert urlsplit(done.headers["Location"]).path == "/login"
    assert client.get("/start").status_code == 302


@pytest.mark.parametrize(
    ("who", "goes_to"),
    [
        ("colleague", "/nemlogin/waiting"),
        ("jobcentre_waiting", "/nemlogin/waiting"),
        ("new_company", "/nemlogin/register"),
    ],
)
def test_new_demo_people_are_led_where_new_people_go(client, db, demo, who, goes_to):
    assert _sign_in_as(client, who).headers["Location"].endswith(goes_to)


def test_the_demo_idp_refuses_an_unsigned_request(client, demo):
    to_idp = client.get("/nemlogin/login").headers["Location"]
    unsigned = "&".join(p for p in urlsplit(to_idp).query.split("&") if "Signature=" not in p)
    assert client.get("/demo-idp/sso?" + unsigned).status_code == 400


def test_the_demo_idp_is_not_there_outside_the_demo(client):
    assert client.get("/demo-idp/sso").status_code == 404
    assert client.get("/demo-idp/slo").status_code == 404


def test_the_demo_idp_configures_nothing_outside_the_demo(tmp_path):
    folder = tmp_path / "demo"
    config = {"APP_ENV": "production", "NEMLOGIN_ENABLED": True, "NEMLOGIN_DEMO_DIR": str(folder)}
    demo_idp.configure(config)
    assert "NEMLOGIN_DEMO_IDP" not in config and not folder.exists()


def test_the_demo_idp_is_there_only_when_asked_for(tmp_path):
    folder = tmp_path / "demo"
    config = {"APP_ENV": "demo", "NEMLOGIN_ENABLED": True, "NEMLOGIN_DEMO_DIR": str(folder)}
    demo_idp.configure(config)
    assert "NEMLOGIN_IDP_METADATA_FILE" not in config and not folder.exists()


def test_the_demo_keys_are_made_once_and_kept(tmp_path):
    first = {
        "APP_ENV": "demo",
        "NEMLOGIN_ENABLED": True,
        "NEMLOGIN_DEMO_IDP": True,
        "BASE_URL": "http://x.example",
    }
    second = dict(first)
    first["NEMLOGIN_DEMO_DIR"] = second["NEMLOGIN_DEMO_DIR"] = str(tmp_path / "demo")
    demo_idp.configure(first)
    demo_idp.configure(second)
    assert first["NEMLOGIN_SP_KEY"] == second["NEMLOGIN_SP_KEY"]
    assert first["NEMLOGIN_DEMO_IDP_CERT"] == second["NEMLOGIN_DEMO_IDP_CERT"]
    assert sorted(p.name for p in (tmp_path / "demo").iterdir()) == [
        "idp-metadata.xml",
        "idp.pem",
        "sp.pem",
    ]
