"""The OCDS 1.1.5 release schema with the two extensions the platform declares, read from the
copies under `schema/` (never fetched), and the merger that compiles records with it.

`schema/` holds unchanged copies of the standard's release-schema.json and of the lots and
techniques extensions' release-schema.json (Apache 2.0, LICENSE beside each), the same files as
`../shared/standards/ocds-1.1.5/` (a test compares them). An extension's release-schema.json is a
JSON Merge Patch (RFC 7386) onto the release schema: `merge_patch` applies it.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

import ocdsmerge

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"

#: The OCDS version the packages declare (major.minor) and the patch release of the schema.
VERSION = "1.1"

#: Each declared extension: its folder under schema/extensions and the URL of its
#: extension.json at the tag the copies come from, as a package's `extensions` names it.
EXTENSIONS = {
    "lots": "https://raw.githubusercontent.com/open-contracting-extensions/"
    "ocds_lots_extension/v1.1.5/extension.json",
    "techniques": "https://raw.githubusercontent.com/open-contracting-extensions/"
    "ocds_techniques_extension/v1.1.5/extension.json",
}


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON Merge Patch: `patch` applied to `target`, as a new value (neither is
    changed). An object patches member by member, a null removes the member, anything else
    (an array, a string, a number) replaces the target whole."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def _read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def extended_release_schema(directory: Path, extensions=tuple(EXTENSIONS)) -> dict:
    """The release schema in `directory` with each extension's patch merged in, in order."""
    schema = _read(directory / "release-schema.json")
    for name in extensions:
        schema = merge_patch(schema, _read(directory / "extensions" / name / "release-schema.json"))
    return schema


@cache
def release_schema() -> dict:
    """The release schema the platform publishes to (1.1.5 with lots and techniques)."""
    return extended_release_schema(SCHEMA_DIR)


@cache
def merger() -> ocdsmerge.Merger:
    """ocdsmerge's merger with the rules read from the local schema (a dict: nothing fetched)."""
    return ocdsmerge.Merger(schema=copy.deepcopy(release_schema()))
