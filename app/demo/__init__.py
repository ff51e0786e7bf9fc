"""Demo data (`flask demo-data`, `make run`): the real organisations and demo logins
(platform), then tenders in every state, a complaint to the Complaints Board, call-offs,
agreements suspended, extended and regulated, mini-competitions, the purchase obligation,
results and follow-up cases, grants, specialist knowledge and API tokens; scale holds the
national data set for measuring. Every part creates only what is missing (idempotent)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.demo.agreements import create_demo_agreement_life
from app.demo.api import create_demo_api_tokens
from app.demo.calloffs import create_demo_calloffs
from app.demo.complaints import create_demo_complaints
from app.demo.grants import create_demo_grants
from app.demo.knowledge import create_demo_knowledge
from app.demo.minicompetitions import create_demo_minicompetitions
from app.demo.nemlogin import create_demo_nemlogin
from app.demo.obligation import create_demo_obligation
from app.demo.outcomes import create_demo_outcomes
from app.demo.platform import create_demo_platform
from app.demo.results import create_demo_cases, create_demo_results
from app.demo.tenders import create_demo_tenders


def create_demo_data(db: Session) -> None:
    """Create what is missing; running it twice changes nothing (idempotent)."""
    create_demo_platform(db)
    create_demo_tenders(db)
    create_demo_complaints(db)
    create_demo_calloffs(db)
    create_demo_outcomes(db)
    create_demo_agreement_life(db)
    create_demo_minicompetitions(db)
    create_demo_obligation(db)
    create_demo_results(db)
    create_demo_cases(db)
    create_demo_grants(db)
    create_demo_knowledge(db)
    create_demo_nemlogin(db)
    create_demo_api_tokens(db)
