"""Every form of the app, posted with hostile values by every role that may post it, answers
with a page (a field error, a refusal), never a 5xx.

The forms are found as a user finds them: each role's pages are read (its start page, its
navigation, and a few of the pages they link to), and every form on them that posts is kept with
its fields, its choices and its defaults. An endpoint that takes POST but whose form no page
showed is posted at the reviewed access table's URL, with the fields its WTForms form has. Each
form is then sent:
  * once per kind of hostile value, every field at once (blank, spaces, 400 digits, a negative
    number, a NUL byte, very long text, text where a number or a choice belongs, a field twice);
  * and, with every other field holding a value the form takes, each field alone with the
    hostile values that can pass a shape check of its kind (spaces in a number, 400 digits, a
    negative amount, a NUL in a text, the longest text the form allows, a far date): so that a
    value that passes the form reaches the service.
Everything happens inside the test's rolled-back transaction; each endpoint's posts are undone
before the next endpoint's (a savepoint), so that no walk depends on another."""

from __future__ import annotations

import io
import re
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.exceptions import MethodNotAllowed, NotFound
from wtforms import Field, FieldList, FormField
from wtforms.validators import Length, NumberRange

from app import clock
from app.auth.roles import Role
from app.db import db as database
from app.tenders.models import Tender
from app.web.forms import Form
from tests.conftest import login
from tests.test_access import ALL_ROLES, LOGIN_OF, PUBLIC, TABLE, TOKEN, url_for_table

#: Who walks: a login per role, and more where the demo's objects in other states belong to
#: another organisation (a case in each state, tenders in each state, orders to invoice).
WALKERS: dict[Role | None, list[str]] = {
    None: [""],  # anonymous: the public forms (login, registration)
    Role.ADMIN: ["admin@demo.dk"],
    Role.REGION_STAFF: [
        "region.nordjylland@demo.dk",
        "region.syddanmark@demo.dk",
        "region.midtjylland@demo.dk",
        "region.hovedstaden@demo.dk",
    ],
    Role.REGIONAL_DIRECTOR: ["direktoer.nordjylland@demo.dk", "direktoer.syddanmark@demo.dk"],
    Role.MINISTRY: ["ministeriet@demo.dk"],
    Role.INTEGRATION_MINISTRY: ["integration@demo.dk"],
    Role.JOBCENTRE_STAFF: ["jobcenter.aalborg@demo.dk", "jobcenter.odense@demo.dk"],
    Role.JOBCENTRE_MANAGER: ["leder.aalborg@demo.dk", "leder.esbjerg@demo.dk"],
    Role.SUPPLIER: ["leverandoer1@demo.dk", "leverandoer2@demo.dk"],
}
assert set(WALKERS) - {None} == set(Role) and all(LOGIN_OF[r] in WALKERS[r] for r in Role)

#: Pages of one endpoint read per walker: enough to meet its objects in their several states.
PAGES_PER_ENDPOINT = 3
#: Kept, so that a walk that silently finds nothing fails: the forms walked and the endpoints.
AT_LEAST_FORMS = 50
AT_LEAST_ENDPOINTS = 50
#: Not walked: logging out ends the walker's session (it is posted last, once per walker).
LAST = {"auth.logout"}
#: The fields of the issue, which must each have been posted with a shape-valid rest.
MUST_WALK = {
    ("followup.thresholds", "weak"),
    ("followup.thresholds", "good"),
    ("grants.register", "year"),
    ("grants.register", "amount"),
    ("grants.apply", "requested"),
    ("grants.project_step", "amount"),  # spend, and an allocation
    ("calloffs.create", "quantity"),
    ("calloffs.invoice", "amount"),
}

NUMBERISH = re.compile(
    r"amount|quantity|year|weight|value|requested|share|target_|handled|weak|good|score|suppliers_to_award"
)


# --- reading pages ---------------------------------------------------------------------------


@dataclass
class HtmlField:
    name: str
    kind: str  # text, textarea, select, radio, checkbox, hidden, file, date, time, number, ...
    value: str = ""
    options: list[str] = field(default_factory=list)
    multiple: bool = False


@dataclass
class HtmlForm:
    action: str
    method: str
    fields: dict[str, HtmlField] = field(default_factory=dict)


class _Forms(HTMLParser):
    """The forms of a page (that post, and the filters that get), with their fields, defaults
    and choices, and the page's links."""

    def __init__(self, page_path: str) -> None:
        super().__init__()
        self.page_path = page_path
        self.forms: list[HtmlForm] = []
        self.links: list[str] = []
        self._form: HtmlForm | None = None
        self._select: HtmlField | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "a" and a.get("href", "").startswith("/"):
            self.links.append(a["href"])
        if tag == "form":
            method = a.get("method", "get").lower()
            self._form = HtmlForm(action=a.get("action") or self.page_path, method=method)
            return
        if self._form is None or not a.get("name"):
            return
        name = a["name"]
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                if kind == "submit" and name not in self._form.fields:
                    pass  # a button's name is sent only when it is pressed
                return
            known = self._form.fields.get(name)
            if kind in ("radio", "checkbox"):
                if known is None:
                    known = self._form.fields[name] = HtmlField(name, kind)
                known.options.append(a.get("value", "y"))
                if "checked" in a:
                    known.value = a.get("value", "y")
                    known.multiple = known.multiple or kind == "checkbox"
                return
            self._form.fields[name] = HtmlField(name, kind, a.get("value", ""))
        elif tag == "textarea":
            self._form.fields[name] = HtmlField(name, "textarea")
        elif tag == "select":
            self._select = self._form.fields[name] = HtmlField(
                name, "select", multiple="multiple" in a
            )
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._select.options.append(value)
            if "selected" in a and not self._select.value:
                self._select.value = value

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        if tag == "select":
            self._select = None


def _read(html: str, path: str) -> _Forms:
    parser = _Forms(path)
    parser.feed(html)
    return parser


# --- the WTForms forms a request validated ------------------------------------------------------


def _flat(form) -> list[Field]:
    fields = []
    for item in form:
        if isinstance(item, FieldList):
            for entry in item.entries:
                fields.extend(_flat(entry.form) if isinstance(entry, FormField) else [entry])
        elif isinstance(item, FormField):
            fields.extend(_flat(item.form))
        elif item.type not in ("CSRFTokenField", "SubmitField"):
            fields.append(item)
    return fields


@pytest.fixture
def validated(monkeypatch) -> list:
    """The WTForms forms validated by the requests since the list was last cleared."""
    seen: list = []
    validate = Form.validate

    def recording(self, *args, **kwargs):
        seen.append(self)
        return validate(self, *args, **kwargs)

    monkeypatch.setattr(Form, "validate", recording)
    return seen


# --- the values ------------------------------------------------------------------------------

DIGITS = "9" * 400
LONG = "x" * 100_000
HOSTILE_ALL = {
    "blank": "",
    "spaces": " \t ",
    "400 digits": DIGITS,
    "negative": "-1",
    "NUL": "1\x00",
    "very long text": LONG,
    "text for a number": "abc",
    "a far date": "9999-12-31",
}

#: A filter's values (a query string): a longer text than any search needs, not 100 kB.
HOSTILE_GET = {
    "blank": "",
    "NUL": "a\x00",
    "400 digits": DIGITS,
    "negative": "-1",
    "long text": "x" * 5000,
    "a far date": "9999-12-31",
}


def _kind_of(html: HtmlField | None, wt: Field | None) -> str:
    if wt is not None:
        name = type(wt).__name__
        if "Integer" in name or "Number" in name or "Kroner" in name or "Decimal" in name:
            return "number"
        if "Date" in name:
            return "date"
        if "Time" in name:
            return "time"
        if "File" in name:
            return "file"
        if "Select" in name or "Radio" in name or "Checkbox" in name:
            return "choice"
        if "Boolean" in name:
            return "boolean"
        return "text"
    kind = html.kind if html else "text"
    if kind in ("select", "radio", "checkbox"):
        return "choice"
    if kind in ("number", "date", "time", "file"):
        return kind
    if kind == "hidden":
        return "hidden"
    return "number" if NUMBERISH.search(html.name if html else "") else "text"


def _longest(wt: Field | None) -> int:
    for validator in getattr(wt, "validators", []):
        if isinstance(validator, Length) and validator.max and validator.max > 0:
            return validator.max
    return 5000


def _fine_number(wt: Field | None) -> str:
    for validator in getattr(wt, "validators", []):
        if isinstance(validator, NumberRange) and validator.min is not None:
            low = validator.min() if callable(validator.min) else validator.min
            return str(max(low, 1) if validator.max is None or validator.max >= 1 else low)
    return "1"


def _choices(wt: Field | None) -> list[str]:
    values = []
    for choice in getattr(wt, "choices", None) or []:
        value = choice[0] if isinstance(choice, tuple | list) else choice
        if value not in ("", None):
            values.append(str(value))
    return values


@dataclass
class Target:
    """One form to post: where, by whom, its fields (by name: the page's and WTForms' own)."""

    endpoint: str
    url: str
    email: str
    html: dict[str, HtmlField]
    wt: dict[str, Field]

    def names(self) -> list[str]:
        return list(dict.fromkeys([*self.html, *self.wt]))

    def kind(self, name: str) -> str:
        return _kind_of(self.html.get(name), self.wt.get(name))

    def fine(self) -> dict[str, object]:
        """A value per field that the form takes (a user's ordinary input)."""
        today = clock.today()
        values: dict[str, object] = {}
        dates = 0
        for name in self.names():
            html, wt, kind = self.html.get(name), self.wt.get(name), self.kind(name)
            options = [o for o in (html.options if html else []) if o] or _choices(wt)
            if kind == "choice":
                if html and html.value:
                    values[name] = html.value
                elif options:
                    values[name] = options[0]
            elif kind == "boolean":
                values[name] = "y"
            elif kind == "hidden":
                values[name] = html.value if html else ""
            elif kind == "number":
                values[name] = _fine_number(wt) if not (html and html.value) else html.value
            elif kind == "date":
                values[name] = (today + timedelta(days=14 + 60 * dates)).isoformat()
                dates += 1
            elif kind == "time":
                values[name] = "12:00"
            elif kind == "file":
                values[name] = (io.BytesIO(b"jobcenter;periode\nAalborg;2026-Q1\n"), "fil.csv")
            elif "mail" in name:
                values[name] = "walk@example.dk"
            elif "password" in name:
                values[name] = "Et-langt-kodeord-2026"
            elif "cvr" in name:
                values[name] = "10150817"
            elif name == "period":
                values[name] = "2026-Q3"
            else:
                values[name] = html.value if html and html.value else "Tekst"
        return values

    def hostile(self, name: str) -> list[str]:
        """The values that may pass the shape check of the field's kind, and so reach code."""
        kind = self.kind(name)
        if kind == "number":
            return [" ", DIGITS, "-1", "0", "999.999.999.999,99"]
        if kind == "date":
            return ["9999-12-31", "0001-01-01"]
        if kind == "text":
            return ["Tekst\x00med NUL", "y" * _longest(self.wt.get(name))]
        if kind in ("choice", "hidden"):
            return [DIGITS, "1\x00"]
        return []


# --- the walk ---------------------------------------------------------------------------------


@dataclass
class Walk:
    app: object
    validated: list
    failures: list[str] = field(default_factory=list)
    forms: set = field(default_factory=set)
    endpoints: set = field(default_factory=set)
    walked_fields: set = field(default_factory=set)
    walked_fully: set = field(default_factory=set)
    walked_by: set = field(default_factory=set)  # (shape, role): the same form, once a role
    filters: set = field(default_factory=set)
    posts: int = 0
    pages: int = 0

    def endpoint_of(self, url: str, method: str = "POST") -> str | None:
        adapter = self.app.url_map.bind("localhost")
        try:
            endpoint, _args = adapter.match(urlsplit(url).path, method=method)
        except (NotFound, MethodNotAllowed):
            return None
        return endpoint

    def post(self, client: FlaskClient, target: Target, data: dict, what: str):
        self.posts += 1
        self.validated.clear()
        body = {}
        for key, value in data.items():
            if isinstance(value, tuple):
                value = (io.BytesIO(value[0].getvalue()), value[1])
            body[key] = value
        try:
            response = client.post(target.url, data=body, content_type="multipart/form-data")
        except Exception as err:  # the app's error, propagated by the test client
            self.failures.append(
                f"{target.endpoint} {target.url} as {target.email or 'anonymous'}, {what}: "
                f"{type(err).__name__}: {str(err)[:300]}"
            )
            return None
        if response.status_code >= 500:
            self.failures.append(
                f"{target.endpoint} {target.url} as {target.email or 'anonymous'}, {what}: "
                f"{response.status_code}"
            )
        return response

    def filter(self, client, form: HtmlForm, role) -> None:
        """A filter's query string with hostile values, once per form and role."""
        shape = (urlsplit(form.action).path, frozenset(form.fields), role)
        if shape in self.filters or not form.fields:
            return
        self.filters.add(shape)
        for what, value in HOSTILE_GET.items():
            query = dict.fromkeys(form.fields, value)
            self.pages += 1
            try:
                response = client.get(form.action, query_string=query)
            except Exception as err:
                self.failures.append(f"GET {form.action} with {what}: {type(err).__name__}: {err}")
                continue
            if response.status_code >= 500:
                self.failures.append(f"GET {form.action} with {what}: {response.status_code}")

    def learn_wtforms(self, client, target: Target) -> None:
        """The fields of the form(s) the view validates, from a first, empty post."""
        self.post(client, target, {}, "nothing")
        for form in list(self.validated):
            for wt in _flat(form):
                target.wt.setdefault(wt.name, wt)

    def walk(self, client, target: Target, each_field: bool) -> None:
        self.learn_wtforms(client, target)
        names = target.names()
        if names and self.shape(target) in self.walked_fully:
            each_field = False  # another walker posted this form, field by field
        for what, value in HOSTILE_ALL.items():
            self.post(client, target, dict.fromkeys(names, value), f"every field {what}")
        self.post(client, target, {n: [DIGITS, "1"] for n in names}, "every field twice")
        if names:
            self.forms.add((target.endpoint, tuple(sorted(names))))
            self.endpoints.add(target.endpoint)
        if not each_field:
            return
        self.walked_fully.add(self.shape(target))
        fine = target.fine()
        self.post(client, target, fine, "the fine values")
        done = set()
        for name in names:
            if _row(name) in done:
                continue  # the first row of a list of rows stands for the others
            done.add(_row(name))
            for value in target.hostile(name):
                self.post(client, target, {**fine, name: value}, f"{name}={value[:20]!r}")
            self.walked_fields.add((target.endpoint, name))

    @staticmethod
    def shape(target: Target) -> tuple:
        return (target.endpoint, frozenset(_row(name) for name in target.names()))


def _row(name: str) -> str:
    """lots-3-title as lots-*-title: a field of any row of a list."""
    return re.sub(r"-\d+(-|$)", r"-*\1", name)


def _crawl(client: FlaskClient, walk: Walk, role: Role | None) -> list[Target]:
    """The forms that post on the walker's pages: its start page, the table's pages of its
    role, and a few of the pages they link to."""
    allowed_get = [
        url_for_table(database.session, template)
        for method, template, who in TABLE.values()
        if method == "GET"
        and (who == PUBLIC or (role is not None and (who == ALL_ROLES or role in who)))
    ]
    queue = ["/start" if role else "/", *allowed_get]
    if role in (Role.REGION_STAFF, Role.REGIONAL_DIRECTOR):  # every tender's steps, in its state
        for tender_id in database.session.scalars(select(Tender.id).order_by(Tender.id)):
            base = f"/manage/tenders/{tender_id}"
            queue += [base, f"{base}/opening", f"{base}/evaluation"]
    seen, per_endpoint, targets = set(), defaultdict(int), {}
    while queue:
        url = queue.pop(0)
        path = urlsplit(url).path
        if url in seen or re.search(
            r"\.(pdf|csv|xlsx)$|/documents/|/attachments/|/language/|/static/", path
        ):
            continue
        seen.add(url)
        endpoint = walk.endpoint_of(url, "GET")
        if endpoint is None or per_endpoint[endpoint] >= PAGES_PER_ENDPOINT:
            continue
        per_endpoint[endpoint] += 1
        walk.pages += 1
        response = client.get(url)
        if response.status_code >= 500:
            walk.failures.append(f"GET {url}: {response.status_code}")
        if response.status_code != 200 or "text/html" not in response.content_type:
            continue
        page = _read(response.get_data(as_text=True), path)
        for form in page.forms:
            if form.method != "post":
                walk.filter(client, form, role)
                continue
            posted = walk.endpoint_of(form.action)
            if posted is None or posted in LAST:
                continue
            key = (posted, tuple(sorted(form.fields)))
            targets.setdefault(key, (form, posted))
        queue.extend(link for link in page.links if link not in seen)
    return [Target(posted, form.action, "", form.fields, {}) for form, posted in targets.values()]


@contextmanager
def _undone(bind):
    """What the posts inside change is undone afterwards (a savepoint of the test's own)."""
    database.session.remove()
    savepoint = bind.begin_nested()
    try:
        yield
    finally:
        database.session.remove()
        if savepoint.is_active:
            savepoint.rollback()


def _log_in(app, email: str) -> FlaskClient:
    client = app.test_client()
    if email:
        assert login(client, email).status_code == 302, email
    return client


def test_no_form_answers_hostile_values_with_a_server_error(app, db, validated):
    walk = Walk(app, validated)
    bind = database.session_factory.kw["bind"]  # the test's connection (the db fixture)
    post_endpoints = {
        rule.endpoint for rule in app.url_map.iter_rules() if "POST" in (rule.methods or ())
    }
    reached: set[tuple[str, str]] = set()  # (endpoint, role) walked from a page
    by_endpoint: dict[str, Target] = {}
    for role, emails in WALKERS.items():
        for email in emails:
            client = _log_in(app, email)
            for target in _crawl(client, walk, role):
                target.email = email
                once = (Walk.shape(target), role)
                if once in walk.walked_by:
                    continue  # this role posted this form already (on another object)
                walk.walked_by.add(once)
                with _undone(bind):
                    walk.walk(client, target, each_field=True)
                reached.add((target.endpoint, str(role)))
                by_endpoint.setdefault(target.endpoint, target)
    # Every POST endpoint, for every role the table lets use it, even where no page showed it.
    for endpoint in sorted(post_endpoints):
        _method, template, who = TABLE[endpoint]
        if who == TOKEN:
            continue  # the JSON API takes no forms; tests/api/test_fuzz.py fuzzes it
        roles = [None] if who == PUBLIC else sorted(ALL_ROLES if who == ALL_ROLES else who)
        for role in roles:
            if (endpoint, str(role)) in reached:
                continue
            email = LOGIN_OF[role] if role else ""
            client = _log_in(app, email)
            known = by_endpoint.get(endpoint)
            target = Target(
                endpoint,
                url_for_table(database.session, template),
                email,
                dict(known.html) if known else {},
                {},
            )
            with _undone(bind):
                walk.walk(client, target, each_field=True)
            by_endpoint.setdefault(endpoint, target)
    # Logging out, last.
    for role, emails in WALKERS.items():
        if role is not None:
            client = _log_in(app, emails[0])
            walk.walk(client, Target("auth.logout", "/logout", emails[0], {}, {}), False)

    assert walk.failures == [], "\n".join(walk.failures)
    assert len(walk.forms) >= AT_LEAST_FORMS, sorted(walk.forms)
    assert len(walk.endpoints) >= AT_LEAST_ENDPOINTS, sorted(post_endpoints - walk.endpoints)
    assert walk.walked_fields >= MUST_WALK, sorted(MUST_WALK - walk.walked_fields)
