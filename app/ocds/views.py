"""Open data, public and without login: the OCDS release and record packages of every published
framework tender and every call-off, one process at a time and in pages for bulk download, and
the page that explains them ("Åbne data")."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from sqlalchemy.orm import Session

from app.auth.access import public
from app.calloffs.models import CallOff
from app.db import db
from app.ocds import packages, queries
from app.ocds.releases import absolute, calloff_releases, framework_releases
from app.ocds.schema import EXTENSIONS
from app.tenders.models import Tender
from app.web.pagination import Window, window

ocds_bp = Blueprint("ocds", __name__)


@ocds_bp.get("/open-data")
@public
def open_data():
    config = current_app.config
    return render_template(
        "ocds/open_data.html",
        prefix=config["OCDS_OCID_PREFIX"],
        license=config["OCDS_LICENSE"],
        publisher=config["OCDS_PUBLISHER_NAME"],
        page_size=config["OCDS_PAGE_SIZE"],
        extensions=EXTENSIONS,
    )


# --- one process ---------------------------------------------------------------------------------


def _framework(tender_id: int) -> queries.Framework:
    tender = db.session.get(Tender, tender_id)
    if tender is None or not tender.is_public:
        abort(404)
    return queries.frameworks(db.session, [tender])[0]


def _calloff(calloff_id: int) -> CallOff:
    order = db.session.get(CallOff, calloff_id)
    if order is None:
        abort(404)
    return queries.calloffs(db.session, [order])[0]


@ocds_bp.get("/ocds/tenders/<int:tender_id>/releases.json")
@public
def tender_releases(tender_id: int):
    releases = framework_releases(_framework(tender_id))
    uri = absolute("ocds.tender_releases", tender_id=tender_id)
    return packages.json_response(packages.release_package(uri, packages.newest_first(releases)))


@ocds_bp.get("/ocds/tenders/<int:tender_id>/record.json")
@public
def tender_record(tender_id: int):
    releases = framework_releases(_framework(tender_id))
    uri = absolute("ocds.tender_record", tender_id=tender_id)
    used = [absolute("ocds.tender_releases", tender_id=tender_id)]
    return packages.json_response(packages.record_package(uri, [releases], used))


@ocds_bp.get("/ocds/calloffs/<int:calloff_id>/releases.json")
@public
def calloff_releases_view(calloff_id: int):
    releases = calloff_releases(_calloff(calloff_id))
    uri = absolute("ocds.calloff_releases_view", calloff_id=calloff_id)
    return packages.json_response(packages.release_package(uri, packages.newest_first(releases)))


@ocds_bp.get("/ocds/calloffs/<int:calloff_id>/record.json")
@public
def calloff_record(calloff_id: int):
    releases = calloff_releases(_calloff(calloff_id))
    uri = absolute("ocds.calloff_record", calloff_id=calloff_id)
    used = [absolute("ocds.calloff_releases_view", calloff_id=calloff_id)]
    return packages.json_response(packages.record_package(uri, [releases], used))


# --- pages for bulk download -----------------------------------------------------------------


def _size() -> int:
    """The page's size: ?size=, at most OCDS_PAGE_SIZE processes (the default)."""
    largest = current_app.config["OCDS_PAGE_SIZE"]
    raw = request.args.get("size", "")
    if raw.isascii() and raw.isdigit():
        return max(1, min(int(raw), largest))
    return largest


def _links(endpoint: str, page: Window, size: int) -> dict:
    """Newest first: `next` leads to older processes, `prev` back to newer ones."""
    links = {}
    if page.older is not None:
        links["next"] = absolute(endpoint, older=page.older, size=size)
    if page.newer is not None:
        links["prev"] = absolute(endpoint, newer=page.newer, size=size)
    return links


def _here(endpoint: str, size: int) -> str:
    """This page's own address: the endpoint with the position asked for."""
    position = {k: request.args[k] for k in ("older", "newer") if k in request.args}
    return absolute(endpoint, **position, size=size)


def _framework_page(session: Session, size: int) -> tuple[Window, list[list[dict]]]:
    page = window(session, queries.published_tenders(), Tender.published_at, Tender.id, size)
    return page, [framework_releases(f) for f in queries.frameworks(session, page.items)]


def _calloff_page(session: Session, size: int) -> tuple[Window, list[list[dict]]]:
    page = window(session, queries.published_calloffs(), CallOff.placed_at, CallOff.id, size)
    return page, [calloff_releases(o) for o in queries.calloffs(session, page.items)]


def _bulk_releases(endpoint: str, load):
    size = _size()
    page, processes = load(db.session, size)
    releases = packages.newest_first([r for process in processes for r in process])
    return packages.json_response(
        packages.release_package(_here(endpoint, size), releases, _links(endpoint, page, size))
    )


def _bulk_records(endpoint: str, releases_endpoint: str, load):
    size = _size()
    page, processes = load(db.session, size)
    position = {k: request.args[k] for k in ("older", "newer") if k in request.args}
    used = [absolute(releases_endpoint, **position, size=size)]
    return packages.json_response(
        packages.record_package(
            _here(endpoint, size), processes, used, _links(endpoint, page, size)
        )
    )


@ocds_bp.get("/ocds/tenders/releases.json")
@public
def tenders_releases():
    return _bulk_releases("ocds.tenders_releases", _framework_page)


@ocds_bp.get("/ocds/tenders/records.json")
@public
def tenders_records():
    return _bulk_records("ocds.tenders_records", "ocds.tenders_releases", _framework_page)


@ocds_bp.get("/ocds/calloffs/releases.json")
@public
def calloffs_releases():
    return _bulk_releases("ocds.calloffs_releases", _calloff_page)


@ocds_bp.get("/ocds/calloffs/records.json")
@public
def calloffs_records():
    return _bulk_records("ocds.calloffs_records", "ocds.calloffs_releases", _calloff_page)
