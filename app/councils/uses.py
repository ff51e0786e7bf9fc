"""Where a council decision is spent: a tender, a decision to react towards a jobcentre, a
grant's allocation or a publication of the specialist-knowledge directory each takes a decision
no one has used. A tender's own decision may serve the tender again (a version changed on the
day the council decided).

The domains that spend decisions register with this module (at the end of their models module,
`register_spender(...)`); the register asks them, so it imports none of them."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Select, select, union
from sqlalchemy.orm import Session

from app import clock
from app import db as app_db
from app.core.errors import DomainError
from app.core.i18n import gettext as _
from app.councils.models import CouncilDecision
from app.organisations.models import Council

#: A domain's spent decisions: given the tender whose own decisions are left out (or None), a
#: select of one column, the ids of the council decisions the domain has used.
SpentDecisions = Callable[[int | None], Select]

_spenders: dict[str, SpentDecisions] = {}


def register_spender(name: str, spent: SpentDecisions) -> None:
    """Let a domain say where it spends council decisions; `name` is the domain's (registering
    the same name again replaces what it registered, so a reloaded module does not count twice)."""
    _spenders[name] = spent


def spenders() -> tuple[str, ...]:
    """The names of the domains that have registered, in the order they did."""
    return tuple(_spenders)


def spent_decisions(except_tender_id: int | None = None):
    """The ids of every council decision already spent, as one statement; a tender's own
    decisions are left out when it asks (`except_tender_id`)."""
    if not _spenders:
        raise RuntimeError("No domain has registered where it spends council decisions.")
    return union(*(spent(except_tender_id) for spent in _spenders.values()))


def is_spent(db: Session, decision_id: int, except_tender_id: int | None = None) -> bool:
    """Whether the decision is spent (on anything but the tender `except_tender_id`); its row is
    locked first, so that two transactions cannot both find it unspent and spend it."""
    app_db.lock_row(db, CouncilDecision, decision_id)  # app_db's: a test takes the lock away
    found = spent_decisions(except_tender_id).subquery()
    return db.scalar(select(found.c[0]).where(found.c[0] == decision_id).limit(1)) is not None


def unused_decisions(db: Session, region_id: int):
    """The region's council decisions not yet spent on anything, newest first."""
    spent = spent_decisions().subquery()
    return list(
        db.scalars(
            select(CouncilDecision)
            .join(Council, CouncilDecision.council_id == Council.id)
            .where(Council.region_id == region_id, CouncilDecision.id.not_in(select(spent.c[0])))
            .order_by(CouncilDecision.decided_on.desc(), CouncilDecision.id.desc())
        )
    )


def require_own_and_current(decision, region_id: int, not_before) -> None:
    """A decision fit to approve something new: the region's own council's, not dated in the
    future, and not older than what it approves (`not_before`, a day)."""
    if decision.council.region_id != region_id:
        raise DomainError(_("The decision must be the region's own council's."))
    if decision.decided_on > clock.today():
        raise DomainError(_("A council decision cannot be dated in the future."))
    if decision.decided_on < not_before:
        raise DomainError(
            _("The decision is older than what it approves; the council must decide on it.")
        )
