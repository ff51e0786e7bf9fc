"""The API fuzzed by schemathesis from its own OpenAPI document, with a token of each kind of
organisation (the demo's jobcentre, region and supplier tokens, and the ministries'): no
server error, and every answer (status, content type, body) as the document says. On
PostgreSQL (CI's second run); what it writes is rolled back."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.api import tokens
from app.api.auth import limiter
from app.api.models import ApiScope
from tests.conftest import NOW, user

TOKENS = {
    "jobcentre": "rmu_demo_jobcenter_aalborg",
    "region": "rmu_demo_region_nordjylland",
    "supplier": "rmu_demo_leverandoer1",
}
#: Generated requests per operation (each sent with each token).
EXAMPLES = 40
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _ministry_tokens(db) -> list[str]:
    """The ministries' tokens (read only; the demo has none): every kind of organisation asks."""
    admin = user(db, "admin@demo.dk")
    found = []
    for email in ("ministeriet@demo.dk", "integration@demo.dk"):
        organisation = user(db, email).organisation
        _token, secret = tokens.issue_token(
            db, admin, organisation, "Analyse", {ApiScope.READ}, NOW + timedelta(days=30)
        )
        found.append(secret)
    db.commit()
    return found


@pytest.mark.postgres_only
def test_the_api_answers_every_generated_request_as_its_document_says(app, db, monkeypatch):
    if not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
        pytest.skip("fuzzed on PostgreSQL, where a NUL or a huge number would break first")
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "1000000 per minute")
    limiter.reset()
    secrets = [*TOKENS.values(), *_ministry_tokens(db)]
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def each_case(case):
            for secret in secrets:  # each request as each kind of organisation sends it
                case.call_and_validate(headers={"Authorization": f"Bearer {secret}"}, checks=CHECKS)

        try:
            each_case()
        except Exception as failure:
            failures.append(f"{operation.label}: {failure}")
    assert failures == [], "\n\n".join(failures)
