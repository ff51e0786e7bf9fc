"""Every package the platform serves for the demo data is valid OCDS 1.1.5 with the lots and
techniques extensions, checked offline against the official schemas in ../shared."""

from __future__ import annotations

import copy
import json

import pytest

from app.ocds.schema import EXTENSIONS, SCHEMA_DIR, merge_patch
from tests.ocds.conftest import calloff_ids, package, pages, published_tender_ids
from tests.ocds.validation import STANDARD, errors

# --- the JSON Merge Patch (RFC 7386, appendix A: every example) ------------------------------

RFC_7386_EXAMPLES = [
    ({"a": "b"}, {"a": "c"}, {"a": "c"}),
    ({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
    ({"a": "b"}, {"a": None}, {}),
    ({"a": "b", "b": "c"}, {"a": None}, {"b": "c"}),
    ({"a": ["b"]}, {"a": "c"}, {"a": "c"}),
    ({"a": "c"}, {"a": ["b"]}, {"a": ["b"]}),
    ({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}),
    ({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}),
    (["a", "b"], ["c", "d"], ["c", "d"]),
    ({"a": "b"}, ["c"], ["c"]),
    ({"a": "foo"}, None, None),
    ({"a": "foo"}, "bar", "bar"),
    ({"e": None}, {"a": 1}, {"e": None, "a": 1}),
    ([1, 2], {"a": "b", "c": None}, {"a": "b"}),
    ({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}),
]


@pytest.mark.parametrize(("target", "patch", "result"), RFC_7386_EXAMPLES)
def test_the_merge_patch_gives_rfc_7386_s_results(target, patch, result):
    before = copy.deepcopy(target)
    assert merge_patch(target, patch) == result
    assert target == before  # the target is not changed


def test_the_app_s_schema_copies_are_the_standard_s_files():
    """The compiled records are merged by the copies under app/ocds/schema; they must be the
    official files the tests validate against."""
    names = ["release-schema.json"] + [
        f"extensions/{name}/{file}"
        for name in EXTENSIONS
        for file in ("release-schema.json", "extension.json")
    ]
    for name in names:
        assert (SCHEMA_DIR / name).read_bytes() == (STANDARD / name).read_bytes(), name


def test_the_declared_extensions_are_the_ones_in_the_standard_folder():
    for name, url in EXTENSIONS.items():
        assert (STANDARD / "extensions" / name / "extension.json").exists()
        assert url.endswith(f"ocds_{name}_extension/v1.1.5/extension.json")


# --- the validator catches what it should --------------------------------------------------


def test_the_validator_finds_a_wrong_amount_and_a_lot_status_outside_the_codelist(client, db):
    tender_id = published_tender_ids(db)[0]
    good = package(client, f"/ocds/tenders/{tender_id}/releases.json")
    assert errors(good) == []
    bad = copy.deepcopy(good)
    bad["releases"][0]["tender"]["value"]["amount"] = "12"
    bad["releases"][0]["tender"]["lots"][0]["status"] = "fine"
    found = errors(bad)
    assert any("amount" in e for e in found) and any("lots/0/status" in e for e in found)


def test_the_lots_patch_is_merged_only_when_declared(client, db):
    """Without the extension declared, the lots extension's codelist does not apply: proof
    that the patch is what makes the check."""
    tender_id = published_tender_ids(db)[0]
    bad = package(client, f"/ocds/tenders/{tender_id}/releases.json")
    bad["releases"][0]["tender"]["lots"][0]["status"] = "fine"
    assert errors(bad) != []
    bad["extensions"] = []
    assert errors(bad) == []


def test_the_validator_reads_only_local_files(monkeypatch):
    """Nothing is fetched: a socket connection would fail the test."""
    import socket

    def refuse(*_args, **_kwargs):
        raise AssertionError("the validation tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    assert errors(json.loads((STANDARD / "release-package-schema.json").read_text())) != []


# --- every package of the demo data ----------------------------------------------------------


def test_every_published_tender_s_packages_validate(client, db):
    ids = published_tender_ids(db)
    assert len(ids) >= 5
    for tender_id in ids:
        for kind in ("releases", "record"):
            found = package(client, f"/ocds/tenders/{tender_id}/{kind}.json")
            assert errors(found) == [], (tender_id, kind)


def test_every_call_off_s_packages_validate(client, db):
    ids = calloff_ids(db)
    assert len(ids) >= 10
    for calloff_id in ids:
        for kind in ("releases", "record"):
            found = package(client, f"/ocds/calloffs/{calloff_id}/{kind}.json")
            assert errors(found) == [], (calloff_id, kind)


@pytest.mark.parametrize(
    "url",
    [
        "/ocds/tenders/releases.json?size=4",
        "/ocds/tenders/records.json?size=4",
        "/ocds/calloffs/releases.json?size=10",
        "/ocds/calloffs/records.json?size=10",
        "/ocds/tenders/releases.json",
        "/ocds/calloffs/records.json",
    ],
)
def test_every_bulk_page_validates(client, url):
    walked = pages(client, url)
    for number, page in enumerate(walked):
        assert errors(page) == [], (url, number)
