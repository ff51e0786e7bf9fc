"""The menu each role sees, and the unread count beside the inbox."""

from __future__ import annotations

from typing import Any

from flask import current_app, request, url_for
from flask_login import current_user

from app.auth.roles import API_TOKEN_MANAGERS, JOBCENTRE_ROLES, Role
from app.core.i18n import lazy_gettext as _l
from app.db import db
from app.notifications.services import unread_count

#: The navigation each role sees: (endpoint, label). The start page is always first.
NAVIGATION: dict[Role, list[tuple[str, Any]]] = {
    Role.ADMIN: [
        ("organisations.index", _l("Organisations")),
        ("targetgroups.index", _l("Target groups")),
        ("suppliers.index", _l("Suppliers")),
        ("admin_users.index", _l("Users")),
        ("audit.index", _l("Audit trail")),
    ],
    Role.REGION_STAFF: [
        ("tenders.manage_index", _l("Tenders")),
        ("complaints.index", _l("Complaints")),
        ("calloffs.index", _l("Orders")),
        ("minicompetitions.index", _l("Mini-competitions")),
        ("spend.region", _l("Spend")),
        ("purchases.breaches", _l("Breaches")),
        ("exemptions.index", _l("Exemptions")),
        ("followup.index", _l("Results")),
        ("outcomes.region", _l("Suppliers' effects")),
        ("grants.index", _l("Grants")),
        ("knowledge.index", _l("Specialist knowledge")),
        ("suppliers.index", _l("Suppliers")),
        ("councils.index", _l("Council")),
        ("targetgroups.index", _l("Target groups")),
        ("organisations.my_region", _l("Our region")),
    ],
    Role.REGIONAL_DIRECTOR: [
        ("tenders.manage_index", _l("Tenders")),
        ("calloffs.index", _l("Orders")),
        ("spend.region", _l("Spend")),
        ("purchases.breaches", _l("Breaches")),
        ("followup.index", _l("Results")),
        ("outcomes.region", _l("Suppliers' effects")),
        ("grants.index", _l("Grants")),
        ("councils.index", _l("Council")),
        ("organisations.my_region", _l("Our region")),
    ],
    Role.MINISTRY: [
        ("tenders.manage_index", _l("Tenders")),
        ("spend.national", _l("Spend")),
        ("followup.cases", _l("Follow-up cases")),
        ("councils.index", _l("Councils")),
        ("organisations.regions", _l("Regions")),
    ],
    Role.INTEGRATION_MINISTRY: [
        ("tenders.manage_index", _l("Tenders")),
        ("spend.national", _l("Spend")),
        ("followup.cases", _l("Follow-up cases")),
        ("councils.index", _l("Councils")),
        ("organisations.regions", _l("Regions")),
    ],
    **{
        role: [
            ("calloffs.frameworks", _l("Frameworks")),
            ("minicompetitions.index", _l("Mini-competitions")),
            ("calloffs.index", _l("Orders")),
            ("outcomes.index", _l("Outcomes")),
            ("purchases.index", _l("Other purchases")),
            ("spend.jobcentre", _l("Spend")),
            ("exemptions.index", _l("Exemptions")),
            ("followup.index", _l("Our results")),
            ("grants.index", _l("Grants")),
            ("knowledge.index", _l("Specialist knowledge")),
            ("organisations.my_jobcentre", _l("Our jobcentre")),
        ]
        for role in JOBCENTRE_ROLES
    },
    Role.SUPPLIER: [
        ("calloffs.index", _l("Orders")),
        ("minicompetitions.index", _l("Mini-competitions")),
        ("spend.supplier", _l("Revenue")),
        ("outcomes.mine", _l("Our results")),
        ("bids.index", _l("Our bids")),
        ("suppliers.profile", _l("Our company")),
    ],
}


def unread_messages() -> int:
    """The number shown beside the inbox in the header: one indexed count per page."""
    if not current_user.is_authenticated:
        return 0
    return unread_count(db.session, current_user)


#: What NemLog-in adds to a role's menu while it is on (its pages answer 404 while it is off).
NEMLOGIN_NAVIGATION: dict[Role, list[tuple[str, Any]]] = {
    Role.ADMIN: [
        ("nemlogin.applicants", _l("Waiting for a role")),
        ("nemlogin.cvr_numbers", _l("CVR numbers")),
    ],
    Role.SUPPLIER: [("nemlogin.colleagues", _l("New colleagues"))],
}


#: What the demo adds to a role's menu (the pages answer 404 outside demo mode).
DEMO_NAVIGATION: dict[Role, list[tuple[str, Any]]] = {
    Role.ADMIN: [("outbox.index", _l("E-mail outbox"))],
}

API_TOKENS = ("api_tokens.index", _l("API tokens"))


def navigation() -> list[dict[str, Any]]:
    if not current_user.is_authenticated:
        items = [
            ("tenders.public_index", _l("Published tenders")),
            ("suppliers.register", _l("Register as a supplier")),
            ("auth.login", _l("Log in")),
        ]
        return _links(items)
    items = [("main.start", _l("Start")), *NAVIGATION.get(current_user.role, [])]
    if current_app.config.get("NEMLOGIN_ENABLED"):
        items.extend(NEMLOGIN_NAVIGATION.get(current_user.role, []))
    if current_app.config.get("DEMO_MODE"):
        items.extend(DEMO_NAVIGATION.get(current_user.role, []))
    if current_user.role in API_TOKEN_MANAGERS:
        items.append(API_TOKENS)
    items.append(("tenders.public_index", _l("Published tenders")))
    items.append(("auth.profile", _l("My profile")))
    return _links(items)


def _links(items: list[tuple[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "href": url_for(endpoint),
            "text": label,
            "current": request.endpoint == endpoint,
            # One highlighted item: the section the page belongs to, if the menu has it once.
            "active": request.endpoint == endpoint
            or (
                (request.blueprint or "") == endpoint.split(".")[0]
                and sum(e.split(".")[0] == endpoint.split(".")[0] for e, _label in items) == 1
                and endpoint != "main.start"
            ),
        }
        for endpoint, label in items
    ]
