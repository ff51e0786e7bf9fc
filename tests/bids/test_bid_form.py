"""The bid form after a refusal: what was typed stays, and a chosen file is named as not saved."""

from __future__ import annotations

import io

from tests.conftest import login


def test_a_refused_bid_says_plainly_that_the_chosen_file_must_be_chosen_again(client, db, tender):
    db.commit()
    answer = next(c for c in tender.criteria if not c.is_price)
    login(client, "leverandoer1@demo.dk")
    response = client.post(
        f"/tenders/{tender.id}/bid",
        data={
            "action": "submit",
            # no unit price on any lot: the bid is refused
            f"answer-{answer.id}": "Vores forløb bygger på mentorer.",
            "attachments": (io.BytesIO(b"%PDF-1.4 bilag"), "metode.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert 'data-testid="choose-again"' in html
    assert "metode.pdf" in html and "Vælg dem igen" in html
    assert "Vores forløb bygger på mentorer.</textarea>" in html  # the typed answer stays


def test_the_bid_form_says_nothing_of_files_when_none_was_chosen(client, db, tender):
    db.commit()
    login(client, "leverandoer1@demo.dk")
    response = client.post(f"/tenders/{tender.id}/bid", data={"action": "submit"})
    assert response.status_code == 409
    assert 'data-testid="choose-again"' not in response.get_data(as_text=True)
