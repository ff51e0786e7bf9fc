"""Every GET URL of the app, filled with real ids, for tests that sweep the whole app."""

from __future__ import annotations

from tests.test_access import TABLE, url_for_table


def every_get_url(db, tender=None, bid=None, competition=None) -> list[str]:
    overrides = {}
    if competition is not None:
        overrides["competition_id"] = competition.id
    if tender is not None:
        overrides.update(draft_id=tender.id, published_id=tender.id)
    if bid is not None:
        overrides["bid_id"] = bid.id
    return [
        url_for_table(db, template, **overrides)
        for method, template, _who in TABLE.values()
        if method == "GET"
    ]
