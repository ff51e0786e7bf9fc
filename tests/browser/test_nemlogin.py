"""Signing in through the demo's NemLog-in, in a browser: a supplier's employee and jobcentre
staff sign in through SAML (signed, encrypted assertions) and log out (single logout)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ROOT, _free_port, _wait_until_up, check_accessibility, pages_of
from tests.databases import database_beside


def _own_database(tmp_path_factory) -> str:
    return database_beside("nemlogin_browser", tmp_path_factory.mktemp("nemlogin"))


@pytest.fixture(scope="module")
def nemlogin_server(chromium_path, tmp_path_factory, clock_file) -> Iterator[str]:
    """The demo as `make run` serves it, NemLog-in on, with its own database and keys."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "APP_ENV": "demo",
        "SECRET_KEY": "browser-test-secret",
        "DATABASE_URL": _own_database(tmp_path_factory),
        "CLOCK_OFFSET_FILE": str(clock_file),
        "NEMLOGIN_ENABLED": "1",
        "NEMLOGIN_DEMO_IDP": "1",
        "BASE_URL": base,
        "NEMLOGIN_DEMO_DIR": str(tmp_path_factory.mktemp("nemlogin-demo")),
    }
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([*flask, "demo-data"], cwd=ROOT, env=env, check=True, capture_output=True)
    log = (tmp_path_factory.mktemp("nemlogin-server") / "gunicorn.log").open("w")
    gunicorn = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}"]
    server = subprocess.Popen(
        [*gunicorn, "--workers", "2", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_until_up(base, server)
        yield base
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)
        log.close()


@pytest.fixture
def nemlogin_page(browser, nemlogin_server):
    yield from pages_of(browser, nemlogin_server)


@pytest.mark.parametrize(
    ("person", "who"),
    [
        ("Leverandør: bruger hos Akademikerhuset ApS (kendt)", "Akademikerhuset ApS"),
        ("Jobcenter Aalborg: medarbejder (kendt)", "Jobcenter Aalborg"),
    ],
)
def test_a_person_signs_in_through_the_demo_nemlogin_and_logs_out(nemlogin_page, person, who):
    page = nemlogin_page
    page.goto("/nemlogin/login")
    expect(page.locator("h1")).to_contain_text("Demo-NemLog-in")
    check_accessibility(page)
    page.get_by_label(person).check()
    page.get_by_role("button", name="Log ind").click()
    page.get_by_role("button", name="Fortsæt").click()
    expect(page.get_by_test_id("current-user")).to_contain_text(who)
    page.get_by_role("button", name="Log af").click()
    expect(page.locator("main")).to_contain_text("Du er logget af")
    page.goto("/start")
    assert "/login" in page.url
