"""The open-data page and the ways to it: the footer, and each public tender page."""

from __future__ import annotations

from tests.ocds.conftest import published_tender_ids


def test_the_open_data_page_is_public_and_names_the_licence_and_the_downloads(client, app):
    html = client.get("/open-data").get_data(as_text=True)
    assert app.config["OCDS_LICENSE"] in html
    for url in ("/ocds/tenders/releases.json", "/ocds/calloffs/releases.json"):
        assert url in html
        assert client.get(url).status_code == 200


def test_every_page_links_to_it_and_a_public_tender_to_its_own_package(client, db):
    assert 'href="/open-data"' in client.get("/tenders").get_data(as_text=True)
    tender_id = published_tender_ids(db)[0]
    html = client.get(f"/tenders/{tender_id}").get_data(as_text=True)
    assert f'href="/ocds/tenders/{tender_id}/releases.json"' in html
