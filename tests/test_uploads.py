"""Uploaded spreadsheets cannot take the platform down: an XLSX that would unpack to far more
than a file of lines needs is refused from the zip's directory, before it is unpacked; and an
import reads its whole file before its request begins to write, so that other writes go on
while a file is read."""

from __future__ import annotations

import io
import struct
import zipfile
from contextlib import contextmanager

import pytest
import xlsxwriter
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError

from app.auth.models import User
from app.core.errors import DomainError
from app.db import db as database
from app.db import write_intent
from app.documents import spreadsheets
from app.followup import services as results
from app.followup.models import ResultImport
from app.purchases import ledger
from app.purchases.models import PurchaseImport
from tests.conftest import login

NJ_STAFF = "region.nordjylland@demo.dk"
AALBORG = "jobcenter.aalborg@demo.dk"
SST = "xl/sharedStrings.xml"
RESULTS_HEADER = ["jobcenter", "periode", "indikator", "værdi"]
LEDGER_HEADER = ["dato", "cvr", "leverandør", "beløb", "målgruppe"]


def workbook(*rows: list, replace: dict[str, bytes | tuple[bytes, int]] | None = None) -> bytes:
    """A real workbook of these rows (XlsxWriter, with shared strings), with parts replaced:
    name → content, or (chunk, times) written chunk by chunk (a large part, built small)."""
    raw = io.BytesIO()
    book = xlsxwriter.Workbook(raw, {"in_memory": True})
    sheet = book.add_worksheet()
    for number, row in enumerate(rows):
        sheet.write_row(number, 0, row)
    book.close()
    if not replace:
        return raw.getvalue()
    source = zipfile.ZipFile(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for part in source.infolist():
            content = replace.get(part.filename, source.read(part))
            if isinstance(content, tuple):
                chunk, times = content
                with target.open(part.filename, "w", force_zip64=True) as stream:
                    for _ in range(times):
                        stream.write(chunk)
            else:
                target.writestr(part.filename, content)
    return out.getvalue()


def bomb(entries: int = 1_000_000) -> bytes:
    """The issue's file, smaller: shared strings of `entries` one-letter texts (17 bytes each
    unpacked, almost nothing packed); the issue's held 12 million."""
    per_chunk = 10_000
    chunk = b"<si><t>a</t></si>" * per_chunk
    data = workbook(RESULTS_HEADER, replace={SST: (chunk, entries // per_chunk)})
    assert len(data) < 100_000  # small to upload
    # Only the entries, without the XML around them: nothing reads that far (the check is first).
    assert zipfile.ZipFile(io.BytesIO(data)).getinfo(SST).file_size == 17 * entries
    return data


@pytest.fixture
def no_openpyxl(monkeypatch):
    """openpyxl must not touch the file: a refusal comes from the zip's directory alone."""
    import openpyxl

    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl read a file that should have been refused before")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


# --- the checks of a workbook's zip directory --------------------------------------------------


def test_a_workbook_that_unpacks_to_far_more_than_its_size_is_refused_before_it_is_read(
    no_openpyxl,
):
    data = bomb()
    with pytest.raises(DomainError, match="far more than its own") as refused:
        results.read_results_file("resultater.xlsx", data)
    assert "16,2 MB" in str(refused.value)  # what it unpacks to, beside what it is
    with pytest.raises(DomainError, match="far more than its own"):
        ledger.read_ledger_file("bogholderi.xlsx", data)


def test_an_ordinary_workbook_is_read(monkeypatch):
    rows = [RESULTS_HEADER, ["Aalborg", "2026-Q1", "andel i job", "41,5"]]
    assert results.read_results_file("resultater.xlsx", workbook(*rows)).rows == rows


def _sizes(data: bytes) -> dict[str, zipfile.ZipInfo]:
    return {part.filename: part for part in zipfile.ZipFile(io.BytesIO(data)).infolist()}


def test_the_number_of_parts_is_limited_exactly(monkeypatch):
    data = workbook(RESULTS_HEADER, ["Aalborg", "2026-Q1", "andel i job", "41,5"])
    monkeypatch.setattr(spreadsheets, "MAX_XLSX_PARTS", len(_sizes(data)))
    spreadsheets.check_xlsx(data)
    monkeypatch.setattr(spreadsheets, "MAX_XLSX_PARTS", len(_sizes(data)) - 1)
    with pytest.raises(DomainError, match=f"holds {len(_sizes(data))} parts"):
        spreadsheets.check_xlsx(data)


def test_what_all_parts_unpack_to_is_limited_exactly(monkeypatch):
    data = workbook(RESULTS_HEADER)
    total = sum(part.file_size for part in _sizes(data).values())
    monkeypatch.setattr(spreadsheets, "MAX_XLSX_UNPACKED", total)
    spreadsheets.check_xlsx(data)
    monkeypatch.setattr(spreadsheets, "MAX_XLSX_UNPACKED", total - 1)
    with pytest.raises(DomainError, match=r"more than the .* a file of lines may"):
        spreadsheets.check_xlsx(data)


def test_what_one_part_unpacks_to_is_limited_exactly_and_the_part_is_named(monkeypatch):
    data = workbook(RESULTS_HEADER)
    sheet = _sizes(data)["xl/worksheets/sheet1.xml"].file_size
    largest = max(p.file_size for name, p in _sizes(data).items() if name != SST)
    assert sheet <= largest
    monkeypatch.setattr(spreadsheets, "MAX_XLSX_PART", largest)
    spreadsheets.check_xlsx(data)
    monkeypatch.setattr(spreadsheets, "MAX_XLSX_PART", largest - 1)
    with pytest.raises(DomainError, match=r"The part xl/.* unpacks to"):
        spreadsheets.check_xlsx(data)


def test_the_shared_strings_are_limited_exactly_for_openpyxl_keeps_them_all(monkeypatch):
    data = workbook(RESULTS_HEADER, ["Aalborg", "2026-Q1", "andel i job", "41,5"])
    size = _sizes(data)[SST].file_size
    monkeypatch.setattr(spreadsheets, "MAX_SHARED_STRINGS", size)
    spreadsheets.check_xlsx(data)
    monkeypatch.setattr(spreadsheets, "MAX_SHARED_STRINGS", size - 1)
    with pytest.raises(DomainError, match=f"The part {SST} of the spreadsheet unpacks"):
        spreadsheets.check_xlsx(data)


def test_the_ratio_is_limited_exactly_for_a_part_large_enough_to_matter(monkeypatch):
    data = workbook(RESULTS_HEADER, replace={SST: (b"<si><t>a</t></si>" * 1000, 100)})
    part = _sizes(data)[SST]
    ratio = part.file_size // part.compress_size  # just under the part's own ratio
    monkeypatch.setattr(spreadsheets, "RATIO_FROM", part.file_size)
    monkeypatch.setattr(spreadsheets, "MAX_XLSX_RATIO", ratio)
    spreadsheets.check_xlsx(data)  # a part no larger than RATIO_FROM may pack as it likes
    monkeypatch.setattr(spreadsheets, "RATIO_FROM", part.file_size - 1)
    with pytest.raises(DomainError, match="far more than its own"):
        spreadsheets.check_xlsx(data)
    monkeypatch.setattr(spreadsheets, "MAX_XLSX_RATIO", ratio + 1)
    spreadsheets.check_xlsx(data)


def _lie_about_size(data: bytes, name: str, size: int) -> bytes:
    """The zip with `name` declaring `size` bytes unpacked, in its local header and in the
    central directory, while its deflated stream holds what it held."""
    part = _sizes(data)[name]
    patched = bytearray(data)
    local = part.header_offset
    assert patched[local : local + 4] == b"PK\x03\x04"
    struct.pack_into("<I", patched, local + 22, size)
    central = patched.find(b"PK\x01\x02" + patched[local + 4 : local + 8])
    while patched[central + 46 : central + 46 + len(name)] != name.encode():
        central = patched.find(b"PK\x01\x02", central + 4)
    struct.pack_into("<I", patched, central + 24, size)
    return bytes(patched)


def test_a_part_that_holds_more_than_it_declares_is_not_read_past_what_it_declares():
    many = b"".join(b"<si><t>%d</t></si>" % n for n in range(200_000))
    sst = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + many
        + b"</sst>"
    )
    data = _lie_about_size(workbook(RESULTS_HEADER, replace={SST: sst}), SST, 1000)
    spreadsheets.check_xlsx(data)  # by its directory, a small workbook
    # zipfile stops at the declared 1,000 bytes and checks the CRC there, which fails.
    with (
        zipfile.ZipFile(io.BytesIO(data)) as book,
        book.open(SST) as stream,
        pytest.raises(zipfile.BadZipFile, match="CRC"),
    ):
        stream.read()
    with pytest.raises(DomainError, match="cannot be read"):
        results.read_results_file("resultater.xlsx", data)


# --- the imports' pages -------------------------------------------------------------------------


def _post(client, url: str, data: bytes, name: str, **fields):
    return client.post(
        url,
        data={**fields, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_the_results_import_refuses_a_bomb_with_a_message_and_stores_nothing(
    client, db, no_openpyxl
):
    before = db.scalar(select(func.count()).select_from(ResultImport))
    login(client, NJ_STAFF)
    response = _post(client, "/results/import", bomb(), "resultater.xlsx")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "langt mere end dets egne" in page  # Danish: "far more than its own"
    assert db.scalar(select(func.count()).select_from(ResultImport)) == before


def test_the_ledger_import_refuses_a_bomb_with_a_message_and_stores_nothing(
    client, db, no_openpyxl
):
    before = db.scalar(select(func.count()).select_from(PurchaseImport))
    login(client, AALBORG)
    aalborg = db.scalars(select(User).where(User.email == AALBORG)).one().organisation_id
    response = _post(client, "/purchases/import", bomb(), "bog.xlsx", jobcentre=str(aalborg))
    assert response.status_code == 422
    assert "langt mere end dets egne" in response.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(PurchaseImport)) == before


# --- other writes go on while a file is read ----------------------------------------------------


class _Undo(Exception):
    pass


def _write_without_waiting(organisation_id: int) -> str:
    """Another transaction writes an organisation's row and undoes it, without waiting for a
    lock: "written", or the database's refusal ("database is locked" on SQLite)."""
    with database.engine.connect() as connection, write_intent():
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:  # on the driver's connection: no transaction begins for it
            connection.connection.driver_connection.execute("PRAGMA busy_timeout = 0")
        try:
            with connection.begin():  # on SQLite BEGIN IMMEDIATE: the write lock, or no
                if not sqlite:
                    connection.exec_driver_sql("SET LOCAL lock_timeout = '50ms'")
                connection.execute(
                    text("UPDATE organisations SET name = name WHERE id = :id"),
                    {"id": organisation_id},
                )
                raise _Undo
        except _Undo:
            return "written"
        except OperationalError as err:
            return str(err.orig)
        finally:
            if sqlite:
                connection.connection.driver_connection.execute("PRAGMA busy_timeout = 10000")


@contextmanager
def _writes_while_reading(monkeypatch, organisation_id: int):
    """While the import reads its file, another transaction tries to write: what it got."""
    tried: list[str] = []
    read = spreadsheets._rows

    def reading(name, data):
        tried.append(_write_without_waiting(organisation_id))
        yield from read(name, data)

    monkeypatch.setattr(spreadsheets, "_rows", reading)
    yield tried


def _logged_in(app, email: str):
    """A test client logged in without a login request (which would write to the database:
    this test runs outside the rolled-back transaction of the `db` fixture, on purpose)."""
    with database.new_session() as session:
        found = session.scalars(select(User).where(User.email == email)).one()
        user_id, organisation = f"{found.id}:{found.session_version}", found.organisation
        ids = (organisation.id, organisation.region_id or organisation.id)
    client = app.test_client()
    with client.session_transaction() as cookie:
        cookie["_user_id"] = user_id
        cookie["_fresh"] = True
    return client, ids


@pytest.mark.parametrize(
    ("email", "url", "header", "line"),
    [
        (NJ_STAFF, "/results/import", RESULTS_HEADER, ["Odense", "2026-Q1", "andel i job", "4"]),
        (AALBORG, "/purchases/import", LEDGER_HEADER, ["01-01-2026", "1", "X", "1", "Nobody"]),
    ],
    ids=["results", "ledger"],
)
@pytest.mark.parametrize("upload", ["a bomb", "a file with a bad line"])
def test_other_writes_go_on_while_an_import_reads_its_file(
    app, monkeypatch, email, url, header, line, upload
):
    """No transaction that writes (nor a lock) is held while the file is read: on SQLite the
    request would hold the one write lock, and every other write would wait, then fail. The
    files are refused (a bomb; a bad line, found after reading), so nothing is stored, and the
    test can use the suite's database as a real server would, outside a rolled-back transaction.
    """
    client, (organisation_id, region_id) = _logged_in(app, email)
    data = bomb() if upload == "a bomb" else workbook(header, line)
    with _writes_while_reading(monkeypatch, region_id) as tried:
        response = _post(client, url, data, "fil.xlsx", jobcentre=str(organisation_id))
    assert response.status_code == 422
    assert tried == ["written"]
    assert _write_without_waiting(region_id) == "written"  # and nothing was left locked
