"""Telling the owning region when a lot passes 80% and 100% of its maximum, once each."""

from __future__ import annotations

from decimal import Decimal

from flask import has_request_context, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import clock
from app.auth.services import region_staff
from app.core.i18n import format_money
from app.core.i18n import gettext as _
from app.notifications.services import notify
from app.spend.models import THRESHOLDS, LotAlert
from app.tenders.models import Lot


def passed_thresholds(committed: Decimal, maximum: Decimal) -> list[int]:
    """The thresholds a committed amount has reached (100 means the lot is exhausted)."""
    if maximum <= 0:
        return list(THRESHOLDS)
    return [t for t in THRESHOLDS if committed * 100 >= maximum * t]


def alert_if_passed(db: Session, lot: Lot, committed: Decimal) -> list[int]:
    """Called with the lot locked, after an order or invoice changed its committed amount:
    tells the owning region of each threshold reached for the first time."""
    reached = passed_thresholds(committed, lot.maximum_value)
    if not reached:
        return []
    sent = set(db.scalars(select(LotAlert.threshold).where(LotAlert.lot_id == lot.id)))
    new = [t for t in reached if t not in sent]
    if not new:
        return []
    for threshold in new:
        db.add(LotAlert(lot_id=lot.id, threshold=threshold, sent_at=clock.now()))
    staff = region_staff(db, lot.tender.region_id)
    highest = max(new)
    notify(
        db,
        staff,
        _(
            "%(ref)s lot %(n)d has used %(share)d%% of its maximum",
            ref=lot.tender.reference,
            n=lot.number,
            share=highest,
        ),
        _(
            "Committed: %(committed)s of %(maximum)s; consider preparing a new tender.",
            committed=format_money(committed),
            maximum=format_money(lot.maximum_value),
        ),
        link=_dashboard_link(),
    )
    return new


def _dashboard_link() -> str:
    return url_for("spend.region") if has_request_context() else "/spend/"
