"""Every kind of PDF, from the demo data, read back as a reader would: page numbers, the issuer
and the print time on each page, no blank page, and tagged (PDF/UA) for screen readers."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from app.documents.pdf import html_to_pdf
from tests.conftest import login

REGION = ["region.nordjylland@demo.dk", "region.syddanmark@demo.dk", "region.hovedstaden@demo.dk"]
SUPPLIERS = ["leverandoer1@demo.dk", "leverandoer2@demo.dk"]
#: Each kind of PDF: its address (for an id tried from 1 up), and who may read one.
KINDS = {
    "tender notice": ("/tenders/{}/notice.pdf", ["region.nordjylland@demo.dk"]),
    "bid receipt": ("/bids/{}/versions/1/receipt.pdf", SUPPLIERS),
    "award letter": ("/bids/{}/letter.pdf", SUPPLIERS),
    "opening protocol": ("/manage/tenders/{}/opening/protocol.pdf", REGION),
    "evaluation report": ("/manage/tenders/{}/evaluation/report.pdf", REGION),
    "order": ("/orders/{}/order.pdf", REGION),
    "exemption decision": ("/exemptions/{}/letter.pdf", REGION),
    "improvement agreement": ("/results/cases/{}/agreement.pdf", REGION),
    "order to use other actors": ("/results/cases/{}/order.pdf", ["region.midtjylland@demo.dk"]),
    "grant report": ("/grants/{}/report.pdf", REGION),
    "agreement decision": ("/agreements/{}/decisions/1/letter.pdf", REGION),
    "dashboard report": ("/spend/region/report.pdf?{}", REGION[:1]),
    "suppliers' effects": ("/outcomes/region/effects.pdf?{}", REGION[:1]),
}
PAGE_NUMBER = re.compile(r"side (\d+) af (\d+)")


@pytest.fixture(scope="module")
def pdfs(app) -> dict[str, tuple[str, bytes]]:
    """The demo's first PDF of each kind that its readers may open: its address and bytes.
    What the probing writes (a refused access is audited) is rolled back afterwards, as the
    db fixture does for a test."""
    from app.db import db as database

    connection = database.engine.connect()
    outer = connection.begin()
    database.session.remove()
    database.session_factory.configure(bind=connection, join_transaction_mode="create_savepoint")
    try:
        yield _probe(app)
    finally:
        database.session.remove()
        outer.rollback()
        connection.close()
        database.session_factory.configure(bind=database.engine)


def _probe(app) -> dict[str, tuple[str, bytes]]:
    found: dict[str, tuple[str, bytes]] = {}
    clients = {}
    for kind, (template, emails) in KINDS.items():
        for email in emails:
            if email not in clients:
                clients[email] = app.test_client()
                assert login(clients[email], email).status_code == 302
            for object_id in range(1, 60):
                url = template.format(object_id)
                response = clients[email].get(url)
                if response.status_code == 200:
                    assert response.mimetype == "application/pdf", url
                    found[kind] = (url, response.get_data())
                    break
            if kind in found:
                break
    return found


def test_every_kind_of_pdf_is_met_in_the_demo(app, pdfs):
    kinds = {rule.endpoint for rule in app.url_map.iter_rules() if "pdf" in rule.rule}
    assert len(kinds) == len(KINDS), "a new kind of PDF: add it to KINDS"
    assert sorted(set(KINDS) - set(pdfs)) == []


def _read(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def test_each_pdf_numbers_its_pages_names_its_issuer_and_when_it_was_printed(pdfs):
    for url, pdf in pdfs.values():
        reader = _read(pdf)
        pages = [page.extract_text() for page in reader.pages]
        assert pages, url
        for number, text in enumerate(pages, start=1):
            assert text.strip(), f"{url}: page {number} is blank"
            assert PAGE_NUMBER.search(text).groups() == (str(number), str(len(pages))), url
            assert "Rammeudbud · " in text and "Udskrevet " in text, f"{url} page {number}"


def test_each_pdf_is_tagged_for_screen_readers(pdfs):
    for url, pdf in pdfs.values():
        catalogue = _read(pdf).trailer["/Root"]
        assert bool(catalogue["/MarkInfo"]["/Marked"]), url
        assert "/StructTreeRoot" in catalogue, url
        assert catalogue.get("/Lang") == "da", url
        assert "/Metadata" in catalogue, url  # PDF/UA's XMP identification


def test_a_long_table_repeats_its_header_and_an_amount_never_breaks(app):
    rows = "".join(
        f"<tr><td>Jobcenter {n}</td><td>1.234.567,{n % 100:02d} kr.</td></tr>" for n in range(120)
    )
    html = (
        '<!DOCTYPE html><html lang="da"><head><meta charset="utf-8"><title>T</title>'
        "<style>@page { size: A6; margin: 12mm; } td { width: 28mm; }</style></head><body>"
        "<table><thead><tr><th>Kolonnehoved</th><th>Beløb</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></body></html>"
    )
    with app.test_request_context():
        reader = _read(html_to_pdf(html))
    texts = [page.extract_text() for page in reader.pages]
    assert len(texts) > 2
    assert all("Kolonnehoved" in text for text in texts)
    lines = [line.strip() for text in texts for line in text.splitlines()]
    assert sum("kr." in line for line in lines) == 120
    assert "kr." not in lines, "an amount broke from its kr. (this column breaks it without NBSP)"
