"""A walk over the pages a user reaches: its start page, the role's pages in the access table,
and the pages they link to (a few of each endpoint)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

from werkzeug.exceptions import MethodNotAllowed, NotFound

from app.auth.roles import Role
from app.db import db as database
from tests.conftest import login
from tests.test_access import ALL_ROLES, PUBLIC, TABLE, url_for_table

SKIPPED_PATHS = re.compile(
    r"\.(pdf|csv|xlsx|json)$|/documents/|/attachments/|/language/|/static/|/logout|/api/v1/"
)


class Visible(HTMLParser):
    """The text a person sees or hears on a page, and the page's links."""

    HIDDEN = ("script", "style", "code", "pre", "template")

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        given = dict(attrs)
        if tag in self.HIDDEN:
            self._hidden += 1
        if tag == "a" and (given.get("href") or "").startswith("/"):
            self.links.append(given["href"].split("#")[0])
        for name in ("title", "aria-label", "placeholder", "alt"):
            if given.get(name):
                self.texts.append(given[name].strip())
        if tag == "input" and given.get("type") in ("submit", "button") and given.get("value"):
            self.texts.append(given["value"].strip())

    def handle_endtag(self, tag):
        if tag in self.HIDDEN:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.texts.append(" ".join(data.split()))


@dataclass
class Page:
    url: str
    endpoint: str
    visible: Visible


def walk(
    app, email: str, role: Role | None, per_endpoint: int = 2
) -> Iterator[tuple[object, Page]]:
    """(the user's client, each page) of the walk, as the user (`email`; "" for anonymous)."""
    client = app.test_client()
    if email:
        assert login(client, email).status_code == 302, email
    queue = ["/start" if role else "/"] + [
        url_for_table(database.session, template)
        for method, template, who in TABLE.values()
        if method == "GET"
        and (who == PUBLIC or (role is not None and (who == ALL_ROLES or role in who)))
    ]
    adapter = app.url_map.bind("localhost")
    seen, counted = set(), defaultdict(int)
    while queue:
        url = queue.pop(0)
        if url in seen or SKIPPED_PATHS.search(urlsplit(url).path):
            continue
        seen.add(url)
        try:
            endpoint, _args = adapter.match(urlsplit(url).path, method="GET")
        except (NotFound, MethodNotAllowed):
            continue
        if counted[endpoint] >= per_endpoint:
            continue
        counted[endpoint] += 1
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.content_type:
            continue
        visible = Visible()
        visible.feed(response.get_data(as_text=True))
        yield client, Page(url, endpoint, visible)
        queue.extend(link for link in visible.links if link not in seen)
