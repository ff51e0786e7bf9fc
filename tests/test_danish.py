"""Danish, one way: no English, no codes, no JSON on Danish pages; one style for days, moments
and months; amounts always formatted. Every page each role reaches is read as its user sees it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from app.agreements.models import AgreementStep
from app.audit import words
from app.audit.models import AuditEntry
from app.auth.roles import Role
from app.calloffs.models import CallOffStep
from app.exemptions.models import ExemptionState
from tests.crawl import walk
from tests.test_access import LOGIN_OF

ROOT = Path(__file__).resolve().parent.parent

#: The API's reference is written for integrators, in English (the OpenAPI document is too).
ENGLISH_BY_DESIGN = {"api_docs.docs_page"}
#: Pages that say in which formats a date may be typed into a file.
DATE_FORMATS_EXPLAINED = {"purchases.import_ledger", "api_docs.docs_page"}
PAGES_PER_ENDPOINT = 2


def _english_messages() -> set[str]:
    """The UI's English texts that Danish says otherwise: seen on a Danish page, untranslated."""
    with (ROOT / "translations/da/LC_MESSAGES/messages.po").open("rb") as handle:
        catalogue = read_po(handle)
    english, danish = set(), set()
    for message in catalogue:
        if not message.id or not isinstance(message.id, str) or "%" in message.id:
            continue
        if message.string and message.string != message.id and re.search("[a-z]", message.id):
            english.add(message.id)
            danish.add(message.string)
    return english - danish  # "Jobcentre" is English for one and Danish for many


CHECKS = {
    "a code": re.compile(r"(?<![\w@./-])[a-z]+_[a-z_]+\b(?![\w@-]*\.(dk|com|org))"),
    "JSON": re.compile(r'[{\[]"|"\s*:\s*["\d\[{]'),
    "kr..": re.compile(r"kr\.\."),
    "an ISO day": re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),
    "a day as 24-11-2026": re.compile(r"\b\d{2}-\d{2}-\d{4}\b"),
    "a month as 2026-06": re.compile(r"(?<![\d-])\d{4}-(0[1-9]|1[0-2])(?![\d-])"),
    "an unformatted amount": re.compile(r"\b\d{4,}\.\d{2} kr\."),
}


def _crawl(app, email: str, role: Role | None, english: set[str]) -> list[str]:
    found = []
    for _client, page in walk(app, email, role, PAGES_PER_ENDPOINT):
        for text in page.visible.texts:
            if page.endpoint not in ENGLISH_BY_DESIGN and text in english:
                found.append(f"{page.url} ({email or 'anonymous'}): English {text!r}")
            for what, pattern in CHECKS.items():
                if what in DATE_CHECKS and page.endpoint in DATE_FORMATS_EXPLAINED:
                    continue
                if what == "a code" and page.endpoint in ENGLISH_BY_DESIGN:
                    continue
                if match := pattern.search(text):
                    who = email or "anonymous"
                    found.append(f"{page.url} ({who}): {what} {match.group(0)!r} in {text[:99]!r}")
    return found


DATE_CHECKS = ("an ISO day", "a day as 24-11-2026", "a month as 2026-06")
WHO = [(None, ""), *LOGIN_OF.items()]


@pytest.mark.parametrize(("role", "email"), WHO, ids=[str(r) for r, _e in WHO])
def test_every_page_a_role_reaches_is_in_danish(app, db, role, email):
    assert not (found := _crawl(app, email, role, _english_messages())), "\n".join(found[:40])


def test_the_checks_find_what_they_look_for():
    """The patterns would catch what this test is for (so a quiet run means something)."""
    assert CHECKS["a code"].search("Status: invoice_rejected")
    assert not CHECKS["a code"].search("skriv til region_nord@demo.dk")
    assert CHECKS["JSON"].search('{"state": ["placed"]}')
    assert CHECKS["kr.."].search("i alt 19.500,00 kr.. Acceptér")
    assert CHECKS["an ISO day"].search("Frist 2026-11-24")
    assert CHECKS["a day as 24-11-2026"].search("løber 07-06-2026 – 06-06-2029")
    assert CHECKS["a month as 2026-06"].search("2026-06")
    assert not CHECKS["a month as 2026-06"].search("RU-2026-NJ-006")
    assert "Against labour shortages" in _english_messages()


# --- the audit trail in words -----------------------------------------------------------------


def _recorded_in_the_code() -> set[str]:
    """The actions the code records by a literal name, and those named after a step."""
    codes = set()
    for path in (ROOT / "app").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for call in re.finditer(
            r"\b(?:record|record_security_event|_refuse_login)\((.*?)\)", text, re.S
        ):
            codes.update(re.findall(r'"([a-z_]+\.[a-z_]+)"', call.group(1)))
    codes |= {f"agreement.{step.value}" for step in AgreementStep}
    codes |= {f"calloff.{step.value}" for step in CallOffStep}
    codes |= {f"exemption.{state.value}" for state in ExemptionState}
    return codes


def test_every_action_the_code_records_has_words(app):
    codes = _recorded_in_the_code()
    assert len(codes) > 90, "the scan found no actions: the test would prove nothing"
    assert sorted(codes - set(words.ACTIONS)) == []


def test_every_action_and_field_of_the_demo_trail_has_words(app, db):
    entries = db.query(AuditEntry.action, AuditEntry.object_type, AuditEntry.changes).all()
    assert len(entries) > 500
    actions = {action for action, _type, _changes in entries}
    types = {kind for _action, kind, _changes in entries if kind}
    fields = {key for _a, _t, changes in entries if isinstance(changes, dict) for key in changes}
    assert sorted(actions - set(words.ACTIONS)) == []
    assert sorted(types - set(words.OBJECTS)) == []
    assert sorted(fields - set(words.FIELDS)) == []


def test_a_change_reads_as_a_sentence_in_danish(app):
    with app.test_request_context():
        text = words.changes_text(
            {
                "state": ["placed", "accepted"],
                "total": "19500.00",
                "deadline": "2027-01-13T12:00:00+01:00",
                "period": ["2026-09-25", "2027-03-24"],
                "capped": False,
            },
            "call_offs",
        )
        assert text == (
            "status: Afgivet, afventer leverandøren → Accepteret af leverandøren"
            " · i alt: 19.500,00 kr. · frist: 13. jan. 2027 kl. 12.00"
            " · periode: 25. sep. 2026 – 24. mar. 2027 · loftet ramt: nej"
        )
        assert words.action_text("calloff.placed") == "En bestilling blev afgivet"
        assert words.object_text("call_offs", 7) == "Bestilling 7"
