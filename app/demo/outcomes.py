"""Outcomes in the demo: every demo order whose course has ended gets what it achieved, so the
suppliers' effects show where enough persons stand behind them (Odense's large orders)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import clock
from app.auth.models import User
from app.auth.roles import Role
from app.calloffs.models import CallOff
from app.demo.calloffs import BETTER_CASE, WORSE_CASE
from app.outcomes import services
from app.outcomes.models import Outcome

#: A course lasts this long in the demo.
COURSE = timedelta(days=56)
#: Of every 20 who start: how many complete, and how many are in work or education after 13 and
#: after 26 weeks. Most courses do as the first; two of Odense's do clearly better and worse.
USUAL = (16, 9, 10)
RATES = {BETTER_CASE: (18, 14, 15), WORSE_CASE: (12, 4, 5)}


def create_demo_outcomes(db: Session) -> None:
    """Idempotent: does nothing once any outcome is recorded."""
    if db.scalar(select(func.count()).select_from(Outcome)):
        return
    today = clock.today()
    orders = db.scalars(
        select(CallOff)
        .where(CallOff.state.in_(services.RAN), CallOff.starts_on <= today - COURSE)
        .order_by(CallOff.id)
    ).all()
    for order in orders:
        recorder = db.scalar(
            select(User)
            .where(
                User.organisation_id == order.jobcentre_id,
                User.role.in_((Role.JOBCENTRE_STAFF, Role.JOBCENTRE_MANAGER)),
                User.active,
            )
            .order_by(User.id)
        )
        if recorder is None:
            continue
        ended_on = order.starts_on + COURSE
        days = (today - ended_on).days
        completes, works_13, works_26 = RATES.get(order.case_reference, USUAL)
        started = order.quantity
        completed = started * completes // 20
        in_work_13 = started * works_13 // 20 if days >= 13 * 7 else None
        in_work_26 = started * works_26 // 20 if days >= 26 * 7 else None
        services.record_outcome(
            db,
            recorder,
            order,
            services.OutcomeInput(ended_on, started, completed, in_work_13, in_work_26),
        )
