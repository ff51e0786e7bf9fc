"""Access is denied by default: a reviewed table of role × endpoint, checked against the app.

Adding an endpoint without adding it here fails the suite: every new route is reviewed.
"""

from __future__ import annotations

import pytest

from app.auth.roles import Role
from tests.conftest import login, organisation, user

ANONYMOUS = "anonymous"
ALL_ROLES = frozenset(Role)
PUBLIC = "public"
READERS = {
    Role.REGION_STAFF,
    Role.REGIONAL_DIRECTOR,
    Role.MINISTRY,
    Role.INTEGRATION_MINISTRY,
    Role.ADMIN,
}

JOBCENTRE = {Role.JOBCENTRE_STAFF, Role.JOBCENTRE_MANAGER}
ORDER_READERS = {*JOBCENTRE, Role.SUPPLIER, Role.REGION_STAFF, Role.REGIONAL_DIRECTOR}
ORGANISERS = {*JOBCENTRE, Role.REGION_STAFF}  # of mini-competitions
OBLIGATION_READERS = {*JOBCENTRE, Role.REGION_STAFF, Role.REGIONAL_DIRECTOR}
TOKEN_MANAGERS = {Role.ADMIN, Role.REGION_STAFF, Role.JOBCENTRE_MANAGER, Role.SUPPLIER}
#: The JSON API: a bearer token opens it, never a session (401 for every logged-in role); who
#: may use each endpoint with a token is the table TOKEN_TABLE below.
TOKEN = "token"

#: endpoint → (method, url template, who may use it). Placeholders are filled per test.
TABLE: dict[str, tuple[str, str, object]] = {
    "main.index": ("GET", "/", PUBLIC),
    "main.health": ("GET", "/health", PUBLIC),
    "main.language": ("GET", "/language/en", PUBLIC),
    "auth.login": ("GET", "/login", PUBLIC),
    "auth.forgot_password": ("GET", "/password/forgot", PUBLIC),
    "auth.reset_password": ("GET", "/password/reset/not-a-token", PUBLIC),
    # The demo's outbox (404 outside demo mode, as in this suite).
    "outbox.index": ("GET", "/admin/outbox/", {Role.ADMIN}),
    "static": ("GET", "/static/css/app.css", PUBLIC),
    "main.start": ("GET", "/start", ALL_ROLES),
    "auth.profile": ("GET", "/profile", ALL_ROLES),
    "auth.logout": ("POST", "/logout", ALL_ROLES),
    # NemLog-in (off in this suite's configuration: the public endpoints answer 404).
    "nemlogin.metadata": ("GET", "/nemlogin/metadata", PUBLIC),
    "nemlogin.login": ("GET", "/nemlogin/login", PUBLIC),
    "nemlogin.acs": ("POST", "/nemlogin/acs", PUBLIC),
    "nemlogin.slo": ("GET", "/nemlogin/slo", PUBLIC),
    "nemlogin.waiting": ("GET", "/nemlogin/waiting", PUBLIC),
    "nemlogin.register": ("GET", "/nemlogin/register", PUBLIC),
    "nemlogin.colleagues": ("GET", "/nemlogin/colleagues", {Role.SUPPLIER}),
    "nemlogin.decide_colleague": ("POST", "/nemlogin/colleagues/0/confirm", {Role.SUPPLIER}),
    "nemlogin.applicants": ("GET", "/nemlogin/applicants", {Role.ADMIN}),
    "nemlogin.grant": ("POST", "/nemlogin/applicants/0/grant", {Role.ADMIN}),
    "nemlogin.cvr_numbers": ("GET", "/nemlogin/cvr", {Role.ADMIN}),
    "nemlogin.set_cvr": ("POST", "/nemlogin/cvr/organisation", {Role.ADMIN}),
    # The demo's NemLog-in: 404 unless APP_ENV is demo and it configured itself.
    "demo_idp.sso": ("GET", "/demo-idp/sso", PUBLIC),
    "demo_idp.slo": ("GET", "/demo-idp/slo", PUBLIC),
    # API tokens: for the organisations each manager manages (Jobcenter Aalborg here; other
    # organisations answer 404 to a manager who does not manage them).
    "api_tokens.index": ("GET", "/api-tokens/", TOKEN_MANAGERS),
    "api_tokens.organisation": (
        "GET",
        "/api-tokens/organisations/{organisation_id}",
        TOKEN_MANAGERS,
    ),
    "api_tokens.new": ("GET", "/api-tokens/organisations/{organisation_id}/new", TOKEN_MANAGERS),
    "api_tokens.revoke": ("GET", "/api-tokens/0/revoke", TOKEN_MANAGERS),
    # Framework agreements: their page for all who may see them (the supplier, the region, the
    # jobcentres covered, the ministries); the decisions are the owning region staff's.
    "agreements.detail": ("GET", "/agreements/{agreement_id}", ALL_ROLES),
    "agreements.decide": ("GET", "/agreements/{agreement_id}/suspend", {Role.REGION_STAFF}),
    "agreements.extend": ("GET", "/agreements/tenders/{published_id}/extend", {Role.REGION_STAFF}),
    "agreements.regulate": (
        "GET",
        "/agreements/tenders/{published_id}/prices",
        {Role.REGION_STAFF},
    ),
    "agreements.letter_pdf": (
        "GET",
        "/agreements/{agreement_id}/decisions/0/letter.pdf",
        ALL_ROLES,
    ),
    # The JSON API and its description.
    "api.openapi_document": ("GET", "/api/v1/openapi.json", PUBLIC),
    "api_docs.docs_page": ("GET", "/api/", PUBLIC),
    "api.tenders": ("GET", "/api/v1/tenders", TOKEN),
    "api.target_group_list": ("GET", "/api/v1/target-groups", TOKEN),
    "api.tender": ("GET", "/api/v1/tenders/{published_id}", TOKEN),
    "api.lot": ("GET", "/api/v1/lots/{lot_id}", TOKEN),
    "api.frameworks": ("GET", "/api/v1/frameworks", TOKEN),
    "api.framework_lot": ("GET", "/api/v1/frameworks/lots/{lot_id}", TOKEN),
    "api.orders": ("GET", "/api/v1/orders", TOKEN),
    "api.order": ("GET", "/api/v1/orders/{order_id}", TOKEN),
    "api.place_order": ("POST", "/api/v1/orders", TOKEN),
    "api.cancel_order": ("POST", "/api/v1/orders/{order_id}/cancel", TOKEN),
    "api.approve_invoice": ("POST", "/api/v1/orders/{order_id}/approve-invoice", TOKEN),
    "api.reject_invoice": ("POST", "/api/v1/orders/{order_id}/reject-invoice", TOKEN),
    "api.record_outcome": ("POST", "/api/v1/orders/{order_id}/outcome", TOKEN),
    "api.lot_effects": ("GET", "/api/v1/lots/{lot_id}/effects", TOKEN),
    "api.spend_figures": ("GET", "/api/v1/spend", TOKEN),
    "api.register_purchase": ("POST", "/api/v1/purchases", TOKEN),
    "api.import_ledger": ("POST", "/api/v1/ledger-imports", TOKEN),
    "api.messages": ("GET", "/api/v1/inbox", TOKEN),
    # Open data (OCDS): public, no login.
    "ocds.open_data": ("GET", "/open-data", PUBLIC),
    "ocds.tender_releases": ("GET", "/ocds/tenders/{published_id}/releases.json", PUBLIC),
    "ocds.tender_record": ("GET", "/ocds/tenders/{published_id}/record.json", PUBLIC),
    "ocds.calloff_releases_view": ("GET", "/ocds/calloffs/{order_id}/releases.json", PUBLIC),
    "ocds.calloff_record": ("GET", "/ocds/calloffs/{order_id}/record.json", PUBLIC),
    "ocds.tenders_releases": ("GET", "/ocds/tenders/releases.json", PUBLIC),
    "ocds.tenders_records": ("GET", "/ocds/tenders/records.json", PUBLIC),
    "ocds.calloffs_releases": ("GET", "/ocds/calloffs/releases.json", PUBLIC),
    "ocds.calloffs_records": ("GET", "/ocds/calloffs/records.json", PUBLIC),
    "admin_users.index": ("GET", "/admin/users/", {Role.ADMIN}),
    "admin_users.create": ("GET", "/admin/users/new", {Role.ADMIN}),
    "admin_users.detail": ("GET", "/admin/users/{user_id}", {Role.ADMIN}),
    "admin_users.edit": ("GET", "/admin/users/{user_id}/edit", {Role.ADMIN}),
    "admin_users.deactivate": ("GET", "/admin/users/{user_id}/deactivate", {Role.ADMIN}),
    "admin_users.reactivate": ("POST", "/admin/users/{user_id}/reactivate", {Role.ADMIN}),
    "admin_users.set_password": ("POST", "/admin/users/{user_id}/password", {Role.ADMIN}),
    "organisations.index": ("GET", "/admin/organisations/", {Role.ADMIN}),
    "organisations.create": ("GET", "/admin/organisations/new", {Role.ADMIN}),
    "organisations.detail": ("GET", "/admin/organisations/{organisation_id}", {Role.ADMIN}),
    "organisations.edit": ("GET", "/admin/organisations/{organisation_id}/edit", {Role.ADMIN}),
    "organisations.my_region": ("GET", "/region", {Role.REGION_STAFF, Role.REGIONAL_DIRECTOR}),
    "organisations.regions": ("GET", "/regions", {Role.MINISTRY, Role.INTEGRATION_MINISTRY}),
    "organisations.region": (
        "GET",
        "/regions/{region_id}",
        {Role.MINISTRY, Role.INTEGRATION_MINISTRY, Role.REGION_STAFF, Role.REGIONAL_DIRECTOR},
    ),
    "suppliers.profile": ("GET", "/supplier", {Role.SUPPLIER}),
    "suppliers.invite": ("POST", "/supplier/colleagues", {Role.SUPPLIER}),
    "suppliers.upload": ("POST", "/supplier/documents", {Role.SUPPLIER}),
    "suppliers.document": (
        "GET",
        "/suppliers/{supplier_id}/documents/0",
        {Role.SUPPLIER, Role.REGION_STAFF, Role.ADMIN},
    ),
    "suppliers.register": ("GET", "/register", PUBLIC),
    "suppliers.confirm": ("GET", "/register/confirm/not-a-token", PUBLIC),
    "suppliers.resend": ("GET", "/register/resend", PUBLIC),
    "suppliers.accept": ("GET", "/invitation/not-a-token", PUBLIC),
    "suppliers.index": ("GET", "/suppliers", {Role.REGION_STAFF, Role.ADMIN}),
    "suppliers.detail": ("GET", "/suppliers/{supplier_id}", {Role.REGION_STAFF, Role.ADMIN}),
    "suppliers.suspend": ("GET", "/suppliers/{supplier_id}/suspend", {Role.REGION_STAFF}),
    "suppliers.reinstate": ("POST", "/suppliers/{supplier_id}/reinstate", {Role.REGION_STAFF}),
    "notifications.index": ("GET", "/inbox/", ALL_ROLES),
    "notifications.open_message": ("POST", "/inbox/{notification_id}/open", ALL_ROLES),
    "notifications.read_all": ("POST", "/inbox/read-all", ALL_ROLES),
    "audit.index": ("GET", "/admin/audit/", {Role.ADMIN}),
    "audit.verify": ("GET", "/admin/audit/verify", {Role.ADMIN}),
    "tenders.public_index": ("GET", "/tenders", PUBLIC),
    "tenders.public_detail": ("GET", "/tenders/{published_id}", PUBLIC),
    "tenders.notice_pdf": ("GET", "/tenders/{published_id}/notice.pdf", PUBLIC),
    "tenders.document": ("GET", "/tenders/{published_id}/documents/0", PUBLIC),
    "tenders.manage_index": ("GET", "/manage/tenders", READERS),
    "tenders.manage_detail": ("GET", "/manage/tenders/{draft_id}", READERS),
    "tenders.create": ("GET", "/manage/tenders/new", {Role.REGION_STAFF}),
    "tenders.edit": ("GET", "/manage/tenders/{draft_id}/edit", {Role.REGION_STAFF}),
    "tenders.copy": ("GET", "/manage/tenders/{draft_id}/copy", {Role.REGION_STAFF}),
    "tenders.delete": ("GET", "/manage/tenders/{draft_id}/delete", {Role.REGION_STAFF}),
    # The owning region's staff and director; others who see the tender are refused (403).
    "tenders.history": (
        "GET",
        "/manage/tenders/{draft_id}/history",
        {Role.REGION_STAFF, Role.REGIONAL_DIRECTOR},
    ),
    "tenders.link_decision": ("POST", "/manage/tenders/{draft_id}/decisions", {Role.REGION_STAFF}),
    "tenders.involve": ("POST", "/manage/tenders/{draft_id}/involve", {Role.REGION_STAFF}),
    "tenders.agree_director": (
        "POST",
        "/manage/tenders/{draft_id}/agree",
        {Role.REGIONAL_DIRECTOR},
    ),
    "tenders.submit": ("POST", "/manage/tenders/{draft_id}/submit", {Role.REGION_STAFF}),
    "tenders.agree_integration": (
        "POST",
        "/manage/tenders/{draft_id}/integration",
        {Role.INTEGRATION_MINISTRY},
    ),
    "tenders.approve": ("POST", "/manage/tenders/{draft_id}/approve", {Role.MINISTRY}),
    "tenders.return_tender": (
        "GET",
        "/manage/tenders/{draft_id}/return",
        {Role.MINISTRY, Role.INTEGRATION_MINISTRY},
    ),
    "tenders.decline_director": (
        "GET",
        "/manage/tenders/{draft_id}/decline",
        {Role.REGIONAL_DIRECTOR},
    ),
    "tenders.publish": ("POST", "/manage/tenders/{draft_id}/publish", {Role.REGION_STAFF}),
    "tenders.cancel": ("GET", "/manage/tenders/{draft_id}/cancel", {Role.REGION_STAFF}),
    "tenders.clarify": ("POST", "/manage/tenders/{draft_id}/clarifications", {Role.REGION_STAFF}),
    "tenders.extend": ("POST", "/manage/tenders/{draft_id}/deadline", {Role.REGION_STAFF}),
    "tenders.upload": ("POST", "/manage/tenders/{draft_id}/documents", {Role.REGION_STAFF}),
    "tenders.remove_document": (
        "POST",
        "/manage/tenders/{draft_id}/documents/0/remove",
        {Role.REGION_STAFF},
    ),
    "councils.index": ("GET", "/councils/", READERS),
    "councils.detail": ("GET", "/councils/{council_id}", READERS),
    "councils.new_meeting": ("GET", "/councils/{council_id}/meetings/new", {Role.REGION_STAFF}),
    "councils.meeting": ("GET", "/councils/{council_id}/meetings/{meeting_id}", READERS),
    "councils.meeting_document": (
        "GET",
        "/councils/{council_id}/meetings/{meeting_id}/documents/0",
        READERS,
    ),
    "councils.new_decision": ("GET", "/councils/{council_id}/decisions/new", {Role.REGION_STAFF}),
    "councils.decision": ("GET", "/councils/{council_id}/decisions/{decision_id}", READERS),
    "councils.new_contract": ("GET", "/councils/{council_id}/contracts/new", {Role.REGION_STAFF}),
    "tenders.ask": ("POST", "/tenders/{published_id}/questions", {Role.SUPPLIER}),
    "tenders.follow": ("POST", "/tenders/{published_id}/follow", {Role.SUPPLIER}),
    "tenders.unfollow": ("POST", "/tenders/{published_id}/unfollow", {Role.SUPPLIER}),
    "tenders.answer": (
        "POST",
        "/manage/tenders/{draft_id}/questions/0/answer",
        {Role.REGION_STAFF},
    ),
    "bids.bid_form": ("GET", "/tenders/{published_id}/bid", {Role.SUPPLIER}),
    "bids.index": ("GET", "/bids", {Role.SUPPLIER}),
    "bids.detail": ("GET", "/bids/{bid_id}", {Role.SUPPLIER}),
    "bids.receipt": ("GET", "/bids/{bid_id}/versions/1/receipt", {Role.SUPPLIER}),
    "bids.receipt_pdf": ("GET", "/bids/{bid_id}/versions/1/receipt.pdf", {Role.SUPPLIER}),
    "bids.attachment": ("GET", "/bids/{bid_id}/versions/1/attachments/none", {Role.SUPPLIER}),
    "bids.withdraw": ("GET", "/bids/{bid_id}/withdraw", {Role.SUPPLIER}),
    "bids.received": (
        "GET",
        "/manage/tenders/{draft_id}/bids",
        {Role.REGION_STAFF, Role.REGIONAL_DIRECTOR},
    ),
    "evaluation.opening": (
        "GET",
        "/manage/tenders/{draft_id}/opening",
        {Role.REGION_STAFF, Role.REGIONAL_DIRECTOR},
    ),
    "evaluation.open_bids": ("POST", "/manage/tenders/{draft_id}/opening", {Role.REGION_STAFF}),
    "evaluation.decide": (
        "POST",
        "/manage/tenders/{draft_id}/opening/0/decision",
        {Role.REGION_STAFF},
    ),
    "evaluation.protocol_pdf": (
        "GET",
        "/manage/tenders/{draft_id}/opening/protocol.pdf",
        {Role.REGION_STAFF, Role.REGIONAL_DIRECTOR},
    ),
    "evaluation.evaluation": ("GET", "/manage/tenders/{draft_id}/evaluation", {Role.REGION_STAFF}),
    "evaluation.declare": (
        "POST",
        "/manage/tenders/{draft_id}/evaluation/declaration",
        {Role.REGION_STAFF},
    ),
    "evaluation.reject": (
        "POST",
        "/manage/tenders/{draft_id}/evaluation/0/rejection",
        {Role.REGION_STAFF},
    ),
    "evaluation.score": (
        "POST",
        "/manage/tenders/{draft_id}/evaluation/0/scores",
        {Role.REGION_STAFF},
    ),
    "evaluation.propose": ("POST", "/manage/tenders/{draft_id}/award", {Role.REGION_STAFF}),
    "evaluation.approve": (
        "POST",
        "/manage/tenders/{draft_id}/award/approval",
        {Role.REGION_STAFF},
    ),
    "evaluation.conclude": (
        "POST",
        "/manage/tenders/{draft_id}/award/conclusion",
        {Role.REGION_STAFF},
    ),
    "evaluation.send_back": (
        "POST",
        "/manage/tenders/{draft_id}/award/return",
        {Role.REGION_STAFF},
    ),
    "evaluation.withdraw": (
        "POST",
        "/manage/tenders/{draft_id}/award/withdrawal",
        {Role.REGION_STAFF},
    ),
    # Complaints to the Complaints Board: the tender's region staff only (complaint 0: nobody's,
    # so the allowed role gets 404 and the others 403).
    "complaints.index": ("GET", "/complaints", {Role.REGION_STAFF}),
    "complaints.tender": ("GET", "/manage/tenders/{draft_id}/complaints", {Role.REGION_STAFF}),
    "complaints.register": (
        "POST",
        "/manage/tenders/{draft_id}/complaints",
        {Role.REGION_STAFF},
    ),
    "complaints.detail": (
        "GET",
        "/manage/tenders/{draft_id}/complaints/0",
        {Role.REGION_STAFF},
    ),
    "complaints.suspension": (
        "POST",
        "/manage/tenders/{draft_id}/complaints/0/suspension",
        {Role.REGION_STAFF},
    ),
    "complaints.ruling": (
        "POST",
        "/manage/tenders/{draft_id}/complaints/0/ruling",
        {Role.REGION_STAFF},
    ),
    "complaints.document": (
        "GET",
        "/manage/tenders/{draft_id}/complaints/0/documents/0",
        {Role.REGION_STAFF},
    ),
    "evaluation.report_pdf": (
        "GET",
        "/manage/tenders/{draft_id}/evaluation/report.pdf",
        {Role.REGION_STAFF},
    ),
    "bids.letter": ("GET", "/bids/{bid_id}/letter", {Role.SUPPLIER}),
    "bids.letter_pdf": ("GET", "/bids/{bid_id}/letter.pdf", {Role.SUPPLIER}),
    "targetgroups.index": ("GET", "/target-groups/", READERS),
    "targetgroups.create": ("GET", "/target-groups/new", {Role.ADMIN, Role.REGION_STAFF}),
    "targetgroups.edit": ("GET", "/target-groups/{group_id}/edit", {Role.ADMIN, Role.REGION_STAFF}),
    "organisations.my_jobcentre": (
        "GET",
        "/jobcentre",
        {Role.JOBCENTRE_STAFF, Role.JOBCENTRE_MANAGER},
    ),
    "calloffs.frameworks": ("GET", "/frameworks", JOBCENTRE),
    "calloffs.new": ("GET", "/frameworks/lots/{lot_id}/order", JOBCENTRE),
    "calloffs.create": ("POST", "/frameworks/lots/{lot_id}/order", JOBCENTRE),
    # Mini-competitions: a jobcentre (or the region's staff, for several of its jobcentres)
    # starts one on a lot and scores and awards it; the invited suppliers respond; the
    # framework's region and the administrator read it.
    "minicompetitions.new": ("GET", "/frameworks/lots/{lot_id}/mini-competition", JOBCENTRE),
    "minicompetitions.create": ("POST", "/frameworks/lots/{lot_id}/mini-competition", JOBCENTRE),
    "minicompetitions.new_for_jobcentres": (
        "GET",
        "/mini-competitions/lots/{lot_id}/for-jobcentres",
        {Role.REGION_STAFF},
    ),
    "minicompetitions.create_for_jobcentres": (
        "POST",
        "/mini-competitions/lots/{lot_id}/for-jobcentres",
        {Role.REGION_STAFF},
    ),
    "minicompetitions.index": ("GET", "/mini-competitions", ORDER_READERS),
    "minicompetitions.detail": (
        "GET",
        "/mini-competitions/{competition_id}",
        {*ORDER_READERS, Role.ADMIN},
    ),
    "minicompetitions.respond": (
        "POST",
        "/mini-competitions/{competition_id}/response",
        {Role.SUPPLIER},
    ),
    "minicompetitions.withdraw": (
        "POST",
        "/mini-competitions/{competition_id}/withdraw",
        {Role.SUPPLIER},
    ),
    "minicompetitions.evaluate": (
        "GET",
        "/mini-competitions/{competition_id}/evaluate",
        ORGANISERS,
    ),
    "minicompetitions.score": ("POST", "/mini-competitions/{competition_id}/evaluate", ORGANISERS),
    "minicompetitions.confirm_award": (
        "GET",
        "/mini-competitions/{competition_id}/award",
        ORGANISERS,
    ),
    "minicompetitions.award": ("POST", "/mini-competitions/{competition_id}/award", ORGANISERS),
    "minicompetitions.cancel": ("GET", "/mini-competitions/{competition_id}/cancel", ORGANISERS),
    "calloffs.index": ("GET", "/orders", ORDER_READERS),
    "calloffs.export": ("GET", "/orders.xlsx", ORDER_READERS),
    "calloffs.detail": ("GET", "/orders/{order_id}", ORDER_READERS),
    "calloffs.order_pdf": ("GET", "/orders/{order_id}/order.pdf", ORDER_READERS),
    # Outcomes of the orders, and the suppliers' effects.
    "outcomes.index": ("GET", "/outcomes/", JOBCENTRE),
    "outcomes.record": ("GET", "/outcomes/orders/{order_id}", JOBCENTRE),
    "outcomes.import_outcomes": ("GET", "/outcomes/import", JOBCENTRE),
    "outcomes.lot": (
        "GET",
        "/outcomes/lots/{lot_id}",
        {
            *JOBCENTRE,
            Role.REGION_STAFF,
            Role.REGIONAL_DIRECTOR,
            Role.MINISTRY,
            Role.INTEGRATION_MINISTRY,
        },
    ),
    "outcomes.mine": ("GET", "/outcomes/mine", {Role.SUPPLIER}),
    "outcomes.region": ("GET", "/outcomes/region", {Role.REGION_STAFF, Role.REGIONAL_DIRECTOR}),
    "outcomes.region_export": (
        "GET",
        "/outcomes/region/effects.csv",
        {Role.REGION_STAFF, Role.REGIONAL_DIRECTOR},
    ),
    "calloffs.supplier_click": ("POST", "/orders/{order_id}/accept", {Role.SUPPLIER}),
    "calloffs.jobcentre_click": ("POST", "/orders/{order_id}/approve-invoice", JOBCENTRE),
    "calloffs.supplier_reason": ("GET", "/orders/{order_id}/decline", {Role.SUPPLIER}),
    "calloffs.jobcentre_reason": ("GET", "/orders/{order_id}/cancel", JOBCENTRE),
    "calloffs.invoice": ("GET", "/orders/{order_id}/invoice", {Role.SUPPLIER}),
    "exemptions.index": ("GET", "/exemptions/", OBLIGATION_READERS),
    "exemptions.new": ("GET", "/exemptions/new", JOBCENTRE),
    "exemptions.detail": ("GET", "/exemptions/{exemption_id}", OBLIGATION_READERS),
    "exemptions.decide": ("POST", "/exemptions/{exemption_id}/decision", {Role.REGION_STAFF}),
    "exemptions.withdraw": ("POST", "/exemptions/{exemption_id}/withdrawal", JOBCENTRE),
    "exemptions.letter_pdf": (
        "GET",
        "/exemptions/{exemption_id}/letter.pdf",
        OBLIGATION_READERS,
    ),
    "purchases.index": ("GET", "/purchases/", OBLIGATION_READERS),
    "purchases.new": ("GET", "/purchases/new", JOBCENTRE),
    "purchases.detail": ("GET", "/purchases/{purchase_id}", OBLIGATION_READERS),
    "purchases.explain": ("POST", "/purchases/{purchase_id}/reason", JOBCENTRE),
    "purchases.follow_up": ("POST", "/purchases/{purchase_id}/follow-up", {Role.REGION_STAFF}),
    "purchases.breaches": (
        "GET",
        "/purchases/breaches",
        {Role.REGION_STAFF, Role.REGIONAL_DIRECTOR},
    ),
    "purchases.import_ledger": ("GET", "/purchases/import", {*JOBCENTRE, Role.REGION_STAFF}),
    "spend.region": ("GET", "/spend/", {Role.REGION_STAFF, Role.REGIONAL_DIRECTOR}),
    "spend.report_pdf": (
        "GET",
        "/spend/region/report.pdf",
        {Role.REGION_STAFF, Role.REGIONAL_DIRECTOR},
    ),
    "spend.national": ("GET", "/spend/national", {Role.MINISTRY, Role.INTEGRATION_MINISTRY}),
    "spend.jobcentre": ("GET", "/spend/jobcentre", JOBCENTRE),
    "spend.supplier": ("GET", "/spend/supplier", {Role.SUPPLIER}),
    # The region's table; the other dashboards' tables are checked in tests/spend.
    "spend.export": (
        "GET",
        "/spend/region/jobcentre.csv",
        {Role.REGION_STAFF, Role.REGIONAL_DIRECTOR},
    ),
    "spend.table": (
        "GET",
        "/spend/national/tables/region",
        {Role.MINISTRY, Role.INTEGRATION_MINISTRY},
    ),
    "purchases.import_summary": ("GET", "/purchases/imports/{import_id}", OBLIGATION_READERS),
    # A jobcentre is sent on to its own results; the region's staff and director see them all.
    "followup.index": ("GET", "/results/", OBLIGATION_READERS),
    "followup.jobcentre": ("GET", "/results/jobcentres/{organisation_id}", OBLIGATION_READERS),
    "followup.import_results": ("GET", "/results/import", {Role.REGION_STAFF}),
    "followup.thresholds": ("GET", "/results/thresholds", {Role.REGION_STAFF}),
    "followup.cases": (
        "GET",
        "/results/cases",
        {*OBLIGATION_READERS, Role.MINISTRY, Role.INTEGRATION_MINISTRY},
    ),
    "followup.open_case": (
        "POST",
        "/results/jobcentres/{organisation_id}/cases",
        {Role.REGION_STAFF},
    ),
    "followup.case": (
        "GET",
        "/results/cases/{case_id}",
        {*OBLIGATION_READERS, Role.MINISTRY, Role.INTEGRATION_MINISTRY},
    ),
    "followup.agreement_pdf": (
        "GET",
        "/results/cases/{case_id}/agreement.pdf",
        {*OBLIGATION_READERS, Role.MINISTRY, Role.INTEGRATION_MINISTRY},
    ),
    "followup.order_pdf": (
        "GET",
        "/results/cases/{case_id}/order.pdf",
        {*OBLIGATION_READERS, Role.MINISTRY, Role.INTEGRATION_MINISTRY},
    ),
    "knowledge.index": ("GET", "/knowledge/", OBLIGATION_READERS),
    "knowledge.add_entry": ("POST", "/knowledge/entries", {Role.REGION_STAFF}),
    "knowledge.publish": ("POST", "/knowledge/publish", {Role.REGION_STAFF}),
    "knowledge.entry": ("GET", "/knowledge/entries/{entry_id}", OBLIGATION_READERS),
    "knowledge.ask": ("POST", "/knowledge/entries/{entry_id}/requests", JOBCENTRE),
    "knowledge.answer": ("POST", "/knowledge/requests/{request_id}/answer", {Role.REGION_STAFF}),
    "grants.index": ("GET", "/grants/", OBLIGATION_READERS),
    "grants.register": ("POST", "/grants/", {Role.REGION_STAFF}),
    "grants.grant": ("GET", "/grants/{grant_id}", OBLIGATION_READERS),
    "grants.apply": (
        "POST",
        "/grants/{grant_id}/projects",
        {Role.REGION_STAFF, *JOBCENTRE},
    ),
    "grants.project": ("GET", "/grants/projects/{project_id}", OBLIGATION_READERS),
    # Closing is the region staff's step; the applicant's spend is tested in tests/grants.
    "grants.project_step": ("POST", "/grants/projects/{project_id}/close", {Role.REGION_STAFF}),
    "grants.report": ("GET", "/grants/{grant_id}/report.csv", OBLIGATION_READERS),
    "followup.case_step": (
        "POST",
        "/results/cases/{case_id}/assess",
        {*OBLIGATION_READERS, Role.MINISTRY, Role.INTEGRATION_MINISTRY},
    ),
}

#: One demo login per role.
LOGIN_OF = {
    Role.ADMIN: "admin@demo.dk",
    Role.REGION_STAFF: "region.nordjylland@demo.dk",
    Role.REGIONAL_DIRECTOR: "direktoer.nordjylland@demo.dk",
    Role.MINISTRY: "ministeriet@demo.dk",
    Role.INTEGRATION_MINISTRY: "integration@demo.dk",
    Role.JOBCENTRE_STAFF: "jobcenter.aalborg@demo.dk",
    Role.JOBCENTRE_MANAGER: "leder.aalborg@demo.dk",
    Role.SUPPLIER: "leverandoer1@demo.dk",
}


def test_every_endpoint_of_the_app_is_in_the_reviewed_table(app):
    assert sorted(app.view_functions) == sorted(TABLE)


def url_for_table(db, template: str, **overrides) -> str:
    """The table's URL with real ids; `overrides` put in other objects (a test's own)."""
    return _url(db, template, **overrides)


def _grant_of(db, region_id: int) -> int:
    from sqlalchemy import select

    from app.grants.models import Grant, GrantKind

    return db.scalar(
        select(Grant.id).where(
            Grant.region_id == region_id, Grant.kind == GrantKind.LABOUR_SHORTAGE
        )
    )


def _project_of(db, applicant_id: int) -> int:
    from sqlalchemy import select

    from app.grants.models import GrantProject, ProjectState

    return db.scalar(
        select(GrantProject.id).where(
            GrantProject.applicant_id == applicant_id,
            GrantProject.state == ProjectState.ALLOCATED,
        )
    )


def _entry_of(db, region_id: int) -> int:
    from sqlalchemy import select

    from app.knowledge.models import SpecialistEntry

    return db.scalar(
        select(SpecialistEntry.id)
        .where(SpecialistEntry.region_id == region_id)
        .order_by(SpecialistEntry.id)
    )


def _request_of(db, jobcentre_id: int) -> int:
    from sqlalchemy import select

    from app.knowledge.models import KnowledgeRequest

    return db.scalar(
        select(KnowledgeRequest.id)
        .where(KnowledgeRequest.jobcentre_id == jobcentre_id)
        .order_by(KnowledgeRequest.id)
    )


def _url(db, template: str, **overrides) -> str:
    from sqlalchemy import select

    from app.bids.models import Bid
    from app.calloffs.models import CallOff
    from app.councils.models import CouncilDecision, CouncilMeeting
    from app.evaluation.models import Agreement
    from app.organisations.models import Organisation, OrganisationKind
    from app.suppliers.models import Supplier
    from app.targetgroups.models import TargetGroup
    from app.tenders.models import Lot, Scope, Tender, TenderState

    nordjylland = organisation(db, OrganisationKind.REGION, "Beskæftigelsesregion Nordjylland")
    aalborg = organisation(db, OrganisationKind.JOBCENTRE, "Jobcenter Aalborg")
    council_id = nordjylland.council.id
    tenders = db.scalars(select(Tender).where(Tender.region_id == nordjylland.id)).all()
    values = {
        # Objects of the tested region staff's own region (Nordjylland): allowed roles see them.
        "draft_id": next(t.id for t in tenders if t.state == TenderState.DRAFT),
        "published_id": next(t.id for t in tenders if t.state == TenderState.PUBLISHED),
        "council_id": council_id,
        "meeting_id": db.scalars(
            select(CouncilMeeting.id).where(CouncilMeeting.council_id == council_id)
        ).first(),
        "decision_id": db.scalars(
            select(CouncilDecision.id).where(CouncilDecision.council_id == council_id)
        ).first(),
        "group_id": db.scalars(select(TargetGroup.id)).first(),
        # The tested supplier's own bid (leverandoer1 on an open tender).
        "bid_id": db.scalars(
            select(Bid.id)
            .join(Supplier)
            .join(Supplier.organisation)
            .where(Organisation.name == "Akademikerhuset ApS")
        ).first(),
        # The tested supplier's own company (leverandoer1): suppliers may see only their own.
        "supplier_id": db.scalars(
            select(Supplier.id)
            .join(Supplier.organisation)
            .where(Organisation.name == "Akademikerhuset ApS")
        ).one(),
        "user_id": user(db, "leverandoer2@demo.dk").id,
        "organisation_id": aalborg.id,
        "region_id": organisation(
            db, OrganisationKind.REGION, "Beskæftigelsesregion Nordjylland"
        ).id,
        "notification_id": 0,  # nobody's: the allowed roles get 404, the others 403
        "case_id": 0,  # no follow-up case in the demo data yet: the same
        # Nordjylland's grant against labour shortages and Aalborg's running project under it.
        "grant_id": _grant_of(db, nordjylland.id),
        "project_id": _project_of(db, aalborg.id),
        # Nordjylland's directory: an entry, and Aalborg's request to it.
        "entry_id": _entry_of(db, nordjylland.id),
        "request_id": _request_of(db, aalborg.id),
        # A national lot (it covers Aalborg), and an order every tested reader may see: placed
        # by Jobcenter Aalborg (Nordjylland) with Akademikerhuset under the national framework.
        "lot_id": db.scalars(
            select(Lot.id).join(Tender).where(Tender.scope == Scope.NATIONAL).order_by(Lot.id)
        ).first(),
        # Demo objects of Jobcenter Aalborg (Nordjylland) where there are some; otherwise none
        # (0): the allowed roles then get 404, the others 403.
        "exemption_id": _first_of(db, "exemptions", aalborg.id),
        "purchase_id": _first_of(db, "outside_purchases", aalborg.id),
        "import_id": _first_of(db, "purchase_imports", aalborg.id),
        # The tested supplier's agreement on that national lot.
        "agreement_id": db.scalars(
            select(Agreement.id)
            .join(Supplier)
            .join(Supplier.organisation)
            .join(Lot, Agreement.lot_id == Lot.id)
            .join(Tender, Lot.tender_id == Tender.id)
            .where(Tender.scope == Scope.NATIONAL, Organisation.name == "Akademikerhuset ApS")
            .order_by(Agreement.id)
        ).first(),
        # A demo mini-competition (Esbjerg's, on Syddanmark's lot of mini-competitions).
        "competition_id": _first_of_table(db, "mini_competitions"),
        "order_id": db.scalars(
            select(CallOff.id)
            .join(Supplier)
            .join(Supplier.organisation)
            .where(
                CallOff.jobcentre_id == aalborg.id,
                Organisation.name == "Akademikerhuset ApS",
            )
            .order_by(CallOff.id)
        ).first(),
    }
    values.update(overrides)
    return template.format(**values)


def _first_of_table(db, table: str) -> int:
    from sqlalchemy import text

    return db.scalar(text(f"SELECT min(id) FROM {table}")) or 0  # noqa: S608 - our names


def _first_of(db, table: str, jobcentre_id: int) -> int:
    from sqlalchemy import text

    found = db.scalar(
        text(f"SELECT min(id) FROM {table} WHERE jobcentre_id = :j"),  # noqa: S608 - our names
        {"j": jobcentre_id},
    )
    return found or 0


def _expected(who: object, allowed: object, method: str) -> str:
    if allowed == TOKEN:
        return "token"
    if allowed == PUBLIC:
        return "allowed"
    if who == ANONYMOUS:
        return "login"
    return "allowed" if who in allowed else "refused"


def _actual(response, allowed: object) -> str:
    location = response.headers.get("Location", "")
    if allowed == TOKEN and response.status_code == 401 and response.is_json:
        return "token"
    if allowed == PUBLIC and response.status_code in (200, 302):
        return "allowed"  # a public page may send on (the front page goes to the login)
    if response.status_code == 403:
        return "refused"
    if response.status_code == 302 and location.startswith("/login?next="):
        return "login"
    if response.status_code in (200, 302, 404, 409, 422):
        return "allowed"  # the view ran (404/409/422: it refused the object or form, not the user)
    return f"unexpected {response.status_code}"


@pytest.mark.parametrize("who", [ANONYMOUS, *Role], ids=str)
def test_each_role_gets_exactly_the_answers_in_the_table(client, db, who):
    if who != ANONYMOUS:
        assert login(client, LOGIN_OF[who]).status_code == 302
    mismatches = []
    # Logging out is checked last, as it ends the session.
    for endpoint, (method, template, allowed) in sorted(
        TABLE.items(), key=lambda item: item[0] == "auth.logout"
    ):
        if endpoint == "auth.login" and who != ANONYMOUS:
            continue  # a logged-in user is sent on to the start page
        response = client.open(_url(db, template), method=method)
        expected, actual = _expected(who, allowed, method), _actual(response, allowed)
        if expected != actual:
            mismatches.append(f"{endpoint}: expected {expected}, got {actual}")
    assert mismatches == []


def test_an_endpoint_that_declares_nothing_is_closed_to_everyone(app, client, monkeypatch):
    def undeclared():
        return "should never be served"

    monkeypatch.setitem(app.view_functions, "main.health", undeclared)
    assert _actual(client.get("/health"), None) == "login"
    login(client, "admin@demo.dk")
    assert client.get("/health").status_code == 403


def test_a_refused_access_is_recorded_in_the_audit_trail(client, db):
    from sqlalchemy import select

    from app.audit.models import AuditEntry

    login(client, "leverandoer1@demo.dk")
    assert client.get("/admin/users/").status_code == 403
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "access.refused")).one()
    assert entry.changes["endpoint"] == "admin_users.index"
    assert entry.actor_id == user(db, "leverandoer1@demo.dk").id


def test_the_403_page_explains_and_shows_no_internals(client):
    login(client, "leverandoer1@demo.dk")
    html = client.get("/admin/users/").get_data(as_text=True)
    assert "Du har ikke adgang til denne side" in html
    assert "Traceback" not in html


def test_no_admin_can_act_as_a_supplier_or_read_the_suppliers_pages(client):
    login(client, "admin@demo.dk")
    assert client.get("/supplier").status_code == 403
    assert client.post("/supplier/colleagues", data={}).status_code == 403


# --- another region's tender: its public page, never its work pages ---------------------------

#: Every route of a tender's work pages (/manage/tenders/<id>/...), from the reviewed table.
WORK_PAGES = {
    endpoint: (method, template)
    for endpoint, (method, template, _who) in TABLE.items()
    if template.startswith("/manage/tenders/{draft_id}")
}
#: Staff and director of a region that does not own the tenders below (Nordjylland's).
OTHER_REGION = ["region.midtjylland@demo.dk", "direktoer.midtjylland@demo.dk"]
QUESTION = "Må vi bruge underleverandører? KANARIE-SPØRGSMÅL"
DECISION = "Rådets beslutning KANARIE-BESLUTNING"


def _decision(db, code: str):
    """A council decision of the region's own council, recorded today for this test alone."""
    from app import clock
    from app.councils.models import CouncilDecision
    from tests.tenders.conftest import region

    found = CouncilDecision(
        council_id=region(db, code).council.id,
        decided_on=clock.today(),
        concerns=f"{DECISION} {code}",
        text="Rådet bakker op.",
    )
    db.add(found)
    db.flush()
    return found


def _tender(db, scope, until: str):
    """A tender of Nordjylland taken to a state on council decisions of its own."""
    from app.tenders import services
    from app.tenders.models import Scope
    from tests.tenders.conftest import director, new_tender, staff

    owner = staff(db, "NJ")
    tender = new_tender(db, "NJ", scope=scope)
    codes = ["NJ", "MJ", "SD", "HS"] if scope == Scope.NATIONAL else ["NJ"]
    for code in codes:
        services.link_council_decision(db, owner, tender, _decision(db, code))
    services.involve_council(db, owner, tender)
    if until == "council_involved":
        return tender
    if scope == Scope.NATIONAL:
        for code in codes:
            services.agree_as_director(db, director(db, code), tender)
    services.submit(db, owner, tender)
    services.approve(db, user(db, "ministeriet@demo.dk"), tender)
    if until == "approved":
        return tender
    services.publish(db, owner, tender)
    return tender


def _work_page_answers(client, db, tender_id: int) -> dict[str, tuple[int, str]]:
    answers = {}
    for endpoint, (method, template) in WORK_PAGES.items():
        response = client.open(url_for_table(db, template, draft_id=tender_id), method=method)
        body = response.get_data(as_text=True)
        assert "KANARIE" not in body, endpoint  # no question, no council decision
        answers[endpoint] = (response.status_code, response.headers.get("Location", ""))
    return answers


def _hidden(answers, tender_id: int, public: bool) -> list[str]:
    """The routes that showed something: the work page sends on to the public page (or 404
    before publication); every other route answers 404, or 403 where the role has no use."""
    shown = []
    for endpoint, (status, location) in answers.items():
        if endpoint == "tenders.manage_detail" and public:
            ok = status == 302 and location.endswith(f"/tenders/{tender_id}")
        else:
            ok = status in (403, 404)
        if not ok:
            shown.append(f"{endpoint}: {status} {location}")
    return shown


@pytest.mark.parametrize("email", OTHER_REGION)
def test_another_regions_people_see_a_published_tender_only_on_its_public_page(
    app, client, db, email
):
    from sqlalchemy import select

    from app.audit.models import AuditEntry
    from app.tenders import questions
    from app.tenders.models import Scope

    tender = _tender(db, Scope.REGIONAL, "published")
    questions.ask(db, user(db, "leverandoer1@demo.dk"), tender, QUESTION)
    tender_id = tender.id
    db.commit()
    owner = app.test_client()
    login(owner, "region.nordjylland@demo.dk")
    page = owner.get(f"/manage/tenders/{tender_id}").get_data(as_text=True)
    assert QUESTION in page and f"{DECISION} NJ" in page  # what the others must not see

    login(client, email)
    assert _hidden(_work_page_answers(client, db, tender_id), tender_id, public=True) == []
    assert client.get(f"/tenders/{tender_id}").status_code == 200
    refused = db.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "access.refused", AuditEntry.object_id == tender_id
        )
    ).all()
    assert "tenders.manage_detail" in {entry.changes["endpoint"] for entry in refused}


@pytest.mark.parametrize(
    ("until", "director_sees"),
    [("council_involved", True), ("approved", False), ("published", False)],
)
def test_a_national_tender_shows_its_work_page_to_the_other_directors_while_they_must_agree(
    app, client, db, until, director_sees
):
    from app.tenders.models import Scope

    tender = _tender(db, Scope.NATIONAL, until)
    tender_id, reference, public = tender.id, tender.reference, tender.is_public
    # Midtjylland's own council decided on it: its register says so, linking where it may.
    mj = next(a.decision for a in tender.approvals if a.decision and "MJ" in a.decision.concerns)
    register = f"/councils/{mj.council_id}/decisions/{mj.id}"
    work_link, public_link = f'href="/manage/tenders/{tender_id}"', f'href="/tenders/{tender_id}"'
    db.commit()
    login(client, "direktoer.midtjylland@demo.dk")
    page = client.get(f"/manage/tenders/{tender_id}")
    listed = work_link in client.get("/manage/tenders").get_data(as_text=True)
    assert (work_link in client.get(register).get_data(as_text=True)) is director_sees
    if director_sees:
        html = page.get_data(as_text=True)
        assert page.status_code == 200 and f"{DECISION} MJ" in html
        assert "Giv tilslutning for min region" in html
        assert listed
    else:
        answers = _work_page_answers(client, db, tender_id)
        assert _hidden(answers, tender_id, public) == []
        assert not listed
    # The other regions' staff have no step on it: it is the lead region's tender.
    staff = app.test_client()
    login(staff, "region.midtjylland@demo.dk")
    assert _hidden(_work_page_answers(staff, db, tender_id), tender_id, public) == []
    assert work_link not in staff.get("/manage/tenders").get_data(as_text=True)
    entry = staff.get(register).get_data(as_text=True)
    assert reference in entry and work_link not in entry
    assert (public_link in entry) is public


# --- the JSON API, by token ---------------------------------------------------------------------

#: The demo's tokens: a jobcentre's (read, order, purchases), a region's (read, purchases) and a
#: supplier's (read).
TOKENS = {
    "jobcentre": "rmu_demo_jobcenter_aalborg",
    "region": "rmu_demo_region_nordjylland",
    "supplier": "rmu_demo_leverandoer1",
}
EVERY_TOKEN = set(TOKENS)
#: endpoint → the tokens it serves; the others get 403 (a scope they lack, or an organisation
#: the endpoint is not for). Allowed means the view ran: 200, 201, or 404/409/422 for the
#: object or the input, not the token.
TOKEN_TABLE = {
    "api.tenders": EVERY_TOKEN,
    "api.target_group_list": EVERY_TOKEN,
    "api.tender": EVERY_TOKEN,
    "api.lot": EVERY_TOKEN,
    "api.frameworks": {"jobcentre"},
    "api.framework_lot": {"jobcentre"},
    "api.orders": EVERY_TOKEN,
    "api.order": EVERY_TOKEN,
    "api.place_order": {"jobcentre"},
    "api.cancel_order": {"jobcentre"},
    "api.approve_invoice": {"jobcentre"},
    "api.reject_invoice": {"jobcentre"},
    "api.record_outcome": {"jobcentre"},  # the order scope; the service: its own orders only
    "api.lot_effects": EVERY_TOKEN,
    "api.spend_figures": EVERY_TOKEN,
    # The region's token carries the purchases scope: it imports its jobcentres' ledgers; the
    # service refuses it a registration (tests/api).
    "api.register_purchase": {"jobcentre", "region"},
    "api.import_ledger": {"jobcentre", "region"},
    "api.messages": EVERY_TOKEN,
}


def test_the_token_table_covers_every_api_endpoint():
    token_endpoints = {name for name, (_m, _t, allowed) in TABLE.items() if allowed == TOKEN}
    assert token_endpoints == set(TOKEN_TABLE)


@pytest.mark.parametrize("kind", sorted(TOKENS))
def test_each_token_gets_exactly_the_answers_in_the_token_table(client, db, kind):
    mismatches = []
    headers = {"Authorization": f"Bearer {TOKENS[kind]}"}
    for endpoint, allowed in sorted(TOKEN_TABLE.items()):
        method, template, _marker = TABLE[endpoint]
        # An empty JSON object: the view runs and refuses the input (422), or answers.
        body = {"json": {}} if method == "POST" and "ledger" not in template else {}
        response = client.open(_url(db, template), method=method, headers=headers, **body)
        assert response.is_json, endpoint
        expected = "allowed" if kind in allowed else "refused"
        actual = {403: "refused"}.get(response.status_code, "allowed")
        if response.status_code in (401, 500):
            actual = f"unexpected {response.status_code}"
        if expected != actual:
            mismatches.append(f"{endpoint}: expected {expected}, got {response.status_code}")
    assert mismatches == []
