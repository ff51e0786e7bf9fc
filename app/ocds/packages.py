"""Release packages and record packages around the releases, and their JSON with exact amounts.

Flask's JSON provider writes a Decimal as a string; OCDS wants `amount` a number. `to_json`
writes each Decimal as the float of the same value, after checking that the float's shortest
text reads back as exactly that Decimal (true of every amount in øre below 10^13 kr., i.e.
with at most 15 significant digits); an amount that would not survive is refused rather than
rounded.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from flask import Response, current_app

from app import clock
from app.ocds import releases as built
from app.ocds.schema import EXTENSIONS, VERSION, merger


class InexactAmount(ValueError):
    """An amount that a JSON number (a double) cannot carry exactly."""


def exact_number(amount: Decimal) -> float:
    """The float whose JSON text (its shortest repr) is exactly `amount`."""
    number = float(amount)
    if Decimal(repr(number)) != amount:
        raise InexactAmount(f"{amount} cannot be written exactly as a JSON number")
    return number


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return exact_number(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def to_json(package: dict) -> str:
    return json.dumps(_plain(package), ensure_ascii=False, indent=1, allow_nan=False)


def json_response(package: dict) -> Response:
    response = Response(to_json(package), mimetype="application/json")
    response.headers["Access-Control-Allow-Origin"] = "*"  # open data, readable from anywhere
    return response


def publisher() -> dict:
    config = current_app.config
    found = {"name": config["OCDS_PUBLISHER_NAME"]}
    if config["OCDS_PUBLISHER_SCHEME"] and config["OCDS_PUBLISHER_UID"]:
        found["scheme"] = config["OCDS_PUBLISHER_SCHEME"]
        found["uid"] = config["OCDS_PUBLISHER_UID"]
    if config["OCDS_PUBLISHER_URI"]:
        found["uri"] = config["OCDS_PUBLISHER_URI"]
    return found


def _published_date(releases: list[dict]) -> str:
    """Generated on demand: the date of the last change to what the package holds (its newest
    release); an empty page, the moment it was asked for."""
    dates = [release["date"] for release in releases]
    return max(dates) if dates else built.when(clock.now())


def _metadata(uri: str, releases: list[dict]) -> dict:
    return {
        "uri": uri,
        "version": VERSION,
        "extensions": list(EXTENSIONS.values()),
        "publishedDate": _published_date(releases),
        "publisher": publisher(),
        "license": current_app.config["OCDS_LICENSE"],
        "publicationPolicy": built.absolute("ocds.open_data"),
    }


def newest_first(releases: list[dict]) -> list[dict]:
    return sorted(releases, key=lambda release: release["date"], reverse=True)


def release_package(uri: str, releases: list[dict], links: dict | None = None) -> dict:
    package = {**_metadata(uri, releases), "releases": releases}
    if links:
        package["links"] = links
    return package


def record(releases: list[dict]) -> dict:
    """A process's record: its releases embedded, oldest first, and the compiled release
    (ocdsmerge, with the rules of the local schema)."""
    in_order = sorted(releases, key=lambda release: release["date"])
    return {
        "ocid": in_order[0]["ocid"],
        "releases": in_order,
        "compiledRelease": merger().create_compiled_release(_plain(in_order)),
    }


def record_package(
    uri: str, processes: list[list[dict]], packages: list[str], links: dict | None = None
) -> dict:
    every = [release for process in processes for release in process]
    package = {
        **_metadata(uri, every),
        "packages": packages,
        "records": [record(process) for process in processes if process],
    }
    if links:
        package["links"] = links
    return package
