"""Validating what the platform publishes against the official OCDS 1.1.5 schemas, offline.

The schemas are read from `../shared/standards/ocds-1.1.5` beside the repository (CI clones main
with ../shared beside it); the release schema gets each declared extension's release-schema.json
merged in as a JSON Merge Patch, and every `$ref` resolves in a local registry (draft-04), so
nothing is fetched.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from jsonschema import Draft4Validator
from referencing import Registry
from referencing.jsonschema import DRAFT4

from app.config import PROJECT_ROOT
from app.ocds.schema import EXTENSIONS, extended_release_schema

STANDARD = (PROJECT_ROOT / ".." / "shared" / "standards" / "ocds-1.1.5").resolve()

#: The extension folder for each URL a package may declare.
EXTENSION_OF_URL = {url: name for name, url in EXTENSIONS.items()}


def _read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def _validator(package_file: str, extensions: tuple[str, ...]) -> Draft4Validator:
    release = extended_release_schema(STANDARD, extensions)
    versioned = _read(STANDARD / "versioned-release-validation-schema.json")
    registry = Registry().with_resources(
        (schema["id"], DRAFT4.create_resource(schema)) for schema in (release, versioned)
    )
    package = _read(STANDARD / package_file)
    Draft4Validator.check_schema(package)
    return Draft4Validator(
        package, registry=registry, format_checker=Draft4Validator.FORMAT_CHECKER
    )


def errors(package: dict) -> list[str]:
    """Every schema error of a release or record package, with the extensions it declares
    merged into the release schema (an undeclared extension's fields are not allowed for)."""
    declared = tuple(EXTENSION_OF_URL[url] for url in package.get("extensions", []))
    name = "record-package-schema.json" if "records" in package else "release-package-schema.json"
    validator = _validator(name, declared)
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(package)
    ]
