"""Browser tests: the app served by gunicorn on a free port, driven through the system Chromium.

They skip when no Chromium is installed, except under CI (CI=true or BROWSER_TESTS=required),
where a missing browser is a failure. Playwright never downloads a browser of its own.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from app.clock import local_date
from tests.conftest import NOW
from tests.databases import database_beside

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def browser_required() -> bool:
    return os.environ.get("CI") == "true" or os.environ.get("BROWSER_TESTS") == "required"


def find_chromium() -> str | None:
    for candidate in (os.environ.get("CHROMIUM_PATH"), "chromium", "chromium-browser"):
        if candidate and (path := shutil.which(candidate)):
            return path
    return None


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _browser_database(tmp_path_factory) -> str:
    """A database of the suite's kind (SQLite or PostgreSQL), but the server's own."""
    return database_beside("browser", tmp_path_factory.mktemp("browser"))


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = find_chromium()
    if path is None:
        if browser_required():
            pytest.fail("Chromium is required for the browser tests here but was not found.")
        pytest.skip("No Chromium installed (apt-get install chromium); browser tests skipped.")
    if not AXE_SCRIPT.exists():
        pytest.fail("axe-core is missing: run `make install` (npm ci) first.")
    return path


@pytest.fixture(scope="session")
def live_database_url(tmp_path_factory) -> str:
    """The browser tests' server database; tests may read it (e.g. the e-mail outbox)."""
    return _browser_database(tmp_path_factory)


#: The server's clock starts at the suite's moment and runs on from there, so the demo data it
#: builds and every date a journey types are the same whatever day the suite runs.
TODAY = local_date(NOW)


@pytest.fixture(scope="session")
def start_offset() -> float:
    """Seconds from the machine's time to NOW: the one reading of the wall clock, to cancel it.

    The server runs in real time (sessions, throttles and receipts need time to pass), shifted
    so that it starts at NOW."""
    return (NOW - datetime.now(UTC)).total_seconds()


@pytest.fixture(scope="session")
def clock_file(tmp_path_factory, start_offset) -> Path:
    """Seconds written here shift the server's clock (a test hook refused in production)."""
    path = tmp_path_factory.mktemp("clock") / "offset"
    path.write_text(str(start_offset))
    return path


@pytest.fixture
def move_clock(clock_file, start_offset):
    """Move the server's clock forward by days; it is set back after the test."""

    def move(days: float) -> None:
        clock_file.write_text(str(start_offset + days * 24 * 3600))

    yield move
    clock_file.write_text(str(start_offset))


@pytest.fixture(scope="session")
def live_server(chromium_path, live_database_url, tmp_path_factory, clock_file) -> Iterator[str]:
    """gunicorn serving wsgi:app, as in production, on a migrated database with demo data."""
    env = {
        **os.environ,
        "APP_ENV": "demo",
        "SECRET_KEY": "browser-test-secret",
        "DATABASE_URL": live_database_url,
        "CLOCK_OFFSET_FILE": str(clock_file),
    }
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([*flask, "demo-data"], cwd=ROOT, env=env, check=True, capture_output=True)
    port = _free_port()
    log = (tmp_path_factory.mktemp("server") / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, server)
        yield base
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)
        log.close()


def _wait_until_up(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn stopped while starting; see its log")
        try:
            with urllib.request.urlopen(f"{base}/health", timeout=1) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 30 seconds")


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def pages_of(browser, base_url: str):
    """A fresh Danish browser context on `base_url` and its page, closed afterwards (a fixture
    yields from it). The axe script is injected inline, which our own CSP rightly forbids:
    bypass it for the check."""
    context = browser.new_context(base_url=base_url, bypass_csp=True, locale="da-DK")
    yield context.new_page()
    context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if call.when == "call":
        item.call_failed = report.failed
    return report


@pytest.fixture
def page(request, browser, live_server):
    for opened in pages_of(browser, live_server):
        yield opened
        if getattr(request.node, "call_failed", False):
            # What the browser showed when the test failed, for a CI log that has no screen.
            print(f"\n--- the page at failure: {opened.url}\n{opened.locator('body').inner_text()}")


def check_accessibility(page) -> None:
    """Run axe-core on the page; a serious or critical finding fails the test."""
    page.add_script_tag(path=str(AXE_SCRIPT))
    result = page.evaluate("async () => await axe.run(document)")
    findings = [
        {"rule": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert findings == [], f"{page.url}: {json.dumps(findings, indent=1)}"


def log_in(page, email: str, password: str = "demo12345678") -> None:
    page.goto("/login")
    check_accessibility(page)
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Adgangskode").fill(password)
    page.get_by_role("button", name="Log ind").click()


def open_menu(page, name: str) -> None:
    """Follow the main menu's link `name`, through DKFDS's "Mere" when the menu has overflowed.

    DKFDS builds "Mere" with its script once the page has loaded, so the menu is read only on
    the logged-in page, loaded (read on the page before, or before the script ran, "Mere" did
    not open and a journey failed); "Mere" is tried twice in case its first click came early."""
    expect(page.get_by_role("button", name="Log af")).to_be_visible()
    page.wait_for_load_state("load")
    menu = page.get_by_role("navigation", name="Hovedmenu")
    visible = menu.get_by_role("link", name=name, exact=True).locator("visible=true")
    if not visible.count():
        more = menu.get_by_role("button", name="Mere")
        for _attempt in range(2):
            more.click()
            try:
                visible.first.wait_for(timeout=3000)
                break
            except PlaywrightTimeoutError:
                continue
    visible.first.click()
