"""The purchase obligation: every purchase outside the platform is stored and classified.

A lot is available to a jobcentre on a day when its tender is active and covers the jobcentre,
one of its agreements runs that day, and it is not exhausted. A purchase for a target group is
a *breach* when an available lot covered that group and no approved exemption lifted it; it is
*exempted* when exemptions lifted every such lot; otherwise *no framework applied*. A breach is
stored only with an explicit reason (an imported one waits for it), and its owning regions are
told. Nothing is ever dropped: a refused input stores nothing and says why.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import Select, exists, false, func, or_, select
from sqlalchemy.orm import Session, aliased

from app import clock
from app.audit import services as audit
from app.auth.models import User
from app.auth.roles import JOBCENTRE_ROLES, Role
from app.auth.services import region_staff
from app.calloffs.cpr import refuse_cpr
from app.calloffs.models import RELEASED, CallOff
from app.calloffs.services import committed_amounts
from app.clock import COPENHAGEN
from app.core.errors import DomainError, NotAllowed
from app.core.i18n import format_money
from app.core.i18n import gettext as _
from app.evaluation.models import Agreement
from app.exemptions.models import Exemption
from app.notifications.services import notify
from app.organisations.models import Organisation
from app.purchases.models import (
    CallOffPayment,
    Classification,
    FollowUp,
    OutsidePurchase,
    Source,
    breached_lots,
)
from app.spend import totals
from app.suppliers.models import Supplier
from app.suppliers.services import is_valid_cvr
from app.targetgroups.models import TargetGroup
from app.tenders.models import Lot, Scope, Tender, TenderState, tender_target_groups
from app.web.pagination import any_contains

ZERO = Decimal("0.00")
OLDEST_DAYS = 3653  # a purchase older than ten years is a typing error, not a purchase


# --- classification ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    classification: Classification
    lots: list[Lot] = field(default_factory=list)  # a breach: the lots that should have served
    exemption: Exemption | None = None  # exempted: one of the exemptions that lifted the duty


def available_lots(db: Session, jobcentre: Organisation, target_group_id: int, day: date):
    """The lots a jobcentre had to use for a target group on a day (DESIGN.md, "available")."""
    running = exists().where(Agreement.lot_id == Lot.id, Agreement.runs_on(day))
    lots = db.scalars(
        select(Lot)
        .join(Tender, Lot.tender_id == Tender.id)
        .join(tender_target_groups, tender_target_groups.c.tender_id == Tender.id)
        .where(
            Tender.state == TenderState.ACTIVE,
            or_(Tender.scope == Scope.NATIONAL, Tender.region_id == jobcentre.region_id),
            tender_target_groups.c.target_group_id == target_group_id,
            running,
        )
        .order_by(Tender.reference, Lot.number)
    ).all()
    # Exhausted on that day, not today: only the orders placed by the end of the day count.
    day_after = datetime.combine(day + timedelta(days=1), time.min, tzinfo=COPENHAGEN)
    committed = committed_amounts(db, [lot.id for lot in lots], placed_before=day_after)
    return [lot for lot in lots if committed[lot.id] < lot.maximum_value]


def classify(db: Session, jobcentre: Organisation, target_group_id: int, day: date) -> Verdict:
    lots = available_lots(db, jobcentre, target_group_id, day)
    if not lots:
        return Verdict(Classification.NO_FRAMEWORK)
    # The jobcentre's exemptions from these tenders that day, whatever their state: whether one
    # lifts a lot (approved, and for that lot or the whole tender) is Exemption.covers' rule.
    exemptions = db.scalars(
        select(Exemption)
        .where(
            Exemption.jobcentre_id == jobcentre.id,
            Exemption.tender_id.in_({lot.tender_id for lot in lots}),
            Exemption.starts_on <= day,
            Exemption.ends_on >= day,
        )
        .order_by(Exemption.id)
    ).all()
    uncovered = [lot for lot in lots if not any(e.covers(lot, day) for e in exemptions)]
    if uncovered:
        return Verdict(Classification.BREACH, lots=uncovered)
    # Named: one that lifted an available lot (not one of a lot no one could use that day).
    lifting = next(e for e in exemptions if any(e.covers(lot, day) for lot in lots))
    return Verdict(Classification.EXEMPTED, exemption=lifting)


# --- registering a purchase -------------------------------------------------------------------


@dataclass(frozen=True)
class PurchaseInput:
    target_group_id: int
    supplier_name: str
    supplier_cvr: str
    amount: Decimal
    purchased_on: date
    description: str = ""
    voucher: str = ""
    breach_reason: str = ""


class BreachNeedsReason(DomainError):
    """The purchase is a breach: say which frameworks should have been used and ask why not."""

    def __init__(self, lots: list[Lot]) -> None:
        super().__init__(
            _(
                "This purchase breaches the purchase obligation: a framework covered the target "
                "group on that day. Order there, or give the reason the framework was not used."
            )
        )
        self.lots = lots


def check_purchase(db: Session, data: PurchaseInput) -> None:
    """The rules every purchase meets, registered or imported; raises with a clear message."""
    if db.get(TargetGroup, data.target_group_id) is None:
        raise DomainError(_("Choose a target group from the list."))
    if not data.supplier_name.strip():
        raise DomainError(_("Give the supplier's name."))
    if not is_valid_cvr(data.supplier_cvr):
        raise DomainError(_("The CVR number must be 8 digits and valid."))
    if data.amount <= ZERO:
        raise DomainError(_("The amount must be above 0 kr."))
    if data.purchased_on > clock.today():
        raise DomainError(_("The purchase date cannot be in the future."))
    if data.purchased_on < clock.today() - timedelta(days=OLDEST_DAYS):
        raise DomainError(_("The purchase date is more than ten years ago."))
    for text, limit, name in (
        (data.supplier_name, 200, _("The supplier's name")),
        (data.description, 2000, _("The description")),
        (data.voucher, 40, _("The voucher number")),
        (data.breach_reason, 2000, _("The reason")),
    ):
        if len(text.strip()) > limit:
            raise DomainError(_("%(field)s is longer than %(n)d characters.", field=name, n=limit))
    for text, name, input_name in (
        (data.supplier_name, _("The supplier's name"), "supplier_name"),
        (data.description, _("The description"), "description"),
        (data.voucher, _("The voucher number"), "voucher"),
        (data.breach_reason, _("The reason"), "breach_reason"),
    ):
        refuse_cpr(text, name, input_name)


@dataclass
class CallOffIndex:
    """What a jobcentre's call-offs look like to its ledger: the framework suppliers by CVR, and
    by (supplier, amount) of an order's total or invoice, the orders that could be paid, oldest
    first, with the Copenhagen day each was placed. A declined or cancelled order is paid for
    nothing. Two queries, then memory."""

    framework_suppliers: dict[str, int]
    orders: dict[tuple[int, Decimal], list[tuple[date, int]]]
    paid: set[int]  # the orders a ledger line already paid

    def _placed_by(self, cvr: str, amount: Decimal, day: date) -> list[int]:
        """The orders a payment on that day could pay: none is paid before it was placed."""
        supplier_id = self.framework_suppliers.get(cvr)
        if supplier_id is None:
            return []
        candidates = self.orders.get((supplier_id, amount), [])
        return [order for placed, order in candidates if placed <= day]

    def pays_a_call_off(self, cvr: str, amount: Decimal, day: date) -> bool:
        return bool(self._placed_by(cvr, amount, day))

    def take(self, cvr: str, amount: Decimal, day: date) -> int | None:
        """The order a ledger line pays: the oldest placed by its day that no line paid yet (a
        second payment of the same order is no call-off payment, but a line to look at)."""
        for order in self._placed_by(cvr, amount, day):
            if order not in self.paid:
                self.paid.add(order)
                return order
        return None

    def is_framework_supplier(self, cvr: str) -> bool:
        return cvr in self.framework_suppliers

    def needs_review(self, cvr: str, amount: Decimal, day: date) -> bool:
        """A framework supplier's CVR, yet no call-off of the jobcentre to it for the amount
        placed by that day."""
        return self.is_framework_supplier(cvr) and not self.pays_a_call_off(cvr, amount, day)


def call_off_index(db: Session, jobcentre_id: int) -> CallOffIndex:
    suppliers = dict(
        db.execute(
            select(Supplier.cvr, Supplier.id).where(
                exists().where(Agreement.supplier_id == Supplier.id)
            )
        ).all()
    )
    orders: dict[tuple[int, Decimal], list[tuple[date, int]]] = {}
    columns = (CallOff.id, CallOff.supplier_id, CallOff.placed_at, CallOff.total)
    for order_id, supplier_id, placed_at, total, invoiced in db.execute(
        select(*columns, CallOff.invoice_amount)
        .where(CallOff.jobcentre_id == jobcentre_id, CallOff.state.not_in(RELEASED))
        .order_by(CallOff.placed_at, CallOff.id)
    ):
        placed = (clock.local_date(placed_at), order_id)
        for amount in {total, invoiced} - {None}:
            orders.setdefault((supplier_id, amount), []).append(placed)
    paid = set(
        db.scalars(
            select(CallOffPayment.call_off_id).where(CallOffPayment.jobcentre_id == jobcentre_id)
        )
    )
    return CallOffIndex(suppliers, orders, paid)


def store_purchase(
    db: Session,
    actor: User,
    jobcentre: Organisation,
    data: PurchaseInput,
    verdict: Verdict,
    source: Source,
    needs_review: bool,
    import_id: int | None = None,
) -> OutsidePurchase:
    breach = verdict.classification == Classification.BREACH
    purchase = OutsidePurchase(
        jobcentre_id=jobcentre.id,
        target_group_id=data.target_group_id,
        supplier_name=data.supplier_name.strip(),
        supplier_cvr=data.supplier_cvr,
        amount=data.amount,
        purchased_on=data.purchased_on,
        description=data.description.strip(),
        voucher=data.voucher.strip(),
        classification=verdict.classification,
        exemption_id=verdict.exemption.id if verdict.exemption else None,
        # A reason is kept only where one is asked for: a breach.
        breach_reason=data.breach_reason.strip() if breach else "",
        follow_up=FollowUp.OPEN if breach else None,
        needs_review=needs_review,
        source=source,
        import_id=import_id,
        line_key=line_key(jobcentre.id, data),
        registered_by_id=actor.id,
        registered_at=clock.now(),
    )
    purchase.lots = list(verdict.lots)
    db.add(purchase)
    totals.record_purchase(db, purchase, jobcentre.region_id)
    return purchase


def may_register(user: User) -> bool:
    """Jobcentre staff register their jobcentre's purchases."""
    return user.role in JOBCENTRE_ROLES


def _purchases_jobcentre(actor: User) -> Organisation:
    if not may_register(actor):
        raise NotAllowed(_("Only jobcentre staff can register the jobcentre's purchases."))
    return actor.organisation


def register_purchase(db: Session, actor: User, data: PurchaseInput) -> OutsidePurchase:
    """Store a purchase made outside the platform, classified; a breach needs its reason."""
    jobcentre = _purchases_jobcentre(actor)
    check_purchase(db, data)
    known = db.scalar(
        select(OutsidePurchase.id).where(
            OutsidePurchase.jobcentre_id == jobcentre.id,
            OutsidePurchase.line_key == line_key(jobcentre.id, data),
        )
    )
    if known is not None:
        raise DomainError(
            _(
                "This purchase is already registered (the same day, target group, CVR, amount, "
                "voucher and description)."
            )
        )
    verdict = classify(db, jobcentre, data.target_group_id, data.purchased_on)
    if verdict.classification == Classification.BREACH and not data.breach_reason.strip():
        raise BreachNeedsReason(verdict.lots)
    index = call_off_index(db, jobcentre.id)
    purchase = store_purchase(
        db,
        actor,
        jobcentre,
        data,
        verdict,
        Source.REGISTERED,
        index.needs_review(data.supplier_cvr, data.amount, data.purchased_on),
    )
    db.flush()
    audit.record(
        db,
        actor,
        "purchase.registered",
        purchase,
        {
            "classification": verdict.classification.value,
            "amount": data.amount,
            "supplier_cvr": data.supplier_cvr,
            "lots": [lot.id for lot in verdict.lots],
        },
    )
    if verdict.classification == Classification.BREACH:
        tell_regions(db, jobcentre, verdict.lots, [purchase])
    return purchase


def tell_regions(
    db: Session, jobcentre: Organisation, lots: Iterable[Lot], breaches: list[OutsidePurchase]
) -> None:
    # The regions whose frameworks were passed by, and the jobcentre's own, which follows it up.
    regions = {lot.tender.region_id for lot in lots} | {jobcentre.region_id}
    staff = region_staff(db, *regions)
    total = sum((p.amount for p in breaches), ZERO)
    notify(
        db,
        staff,
        _(
            "%(jobcentre)s: %(n)d purchase(s) outside your framework, %(total)s",
            jobcentre=jobcentre.name,
            n=len(breaches),
            total=format_money(total),
        ),
        _("The purchase obligation was not followed. See the breaches and follow them up."),
        link=_breaches_link(),
    )


def _purchase_link(purchase: OutsidePurchase) -> str:
    """The purchase's page, as a path (the outbox puts the site's address in front)."""
    return f"/purchases/{purchase.id}"


def _breaches_link() -> str:
    return "/purchases/breaches"


def may_explain(user: User, purchase: OutsidePurchase) -> bool:
    """The jobcentre may give the reason an imported breach came without."""
    return (
        user.role in JOBCENTRE_ROLES
        and user.organisation_id == purchase.jobcentre_id
        and purchase.lacks_breach_reason
    )


def _following_regions(purchase: OutsidePurchase) -> set[int]:
    """The jobcentre's region, and each region whose framework the breach passed by."""
    return {purchase.jobcentre.region_id} | {lot.tender.region_id for lot in purchase.lots}


def may_follow_up(user: User, purchase: OutsidePurchase) -> bool:
    """Region staff of the jobcentre's region, or of a region whose framework was passed by."""
    return (
        user.role == Role.REGION_STAFF
        and user.organisation_id in _following_regions(purchase)
        and purchase.is_breach
    )


def give_breach_reason(db: Session, actor: User, purchase: OutsidePurchase, reason: str) -> None:
    """The jobcentre explains an imported breach that came without its reason."""
    if actor.role not in JOBCENTRE_ROLES or actor.organisation_id != purchase.jobcentre_id:
        raise NotAllowed(_("Only the jobcentre that made the purchase can explain it."))
    if not may_explain(actor, purchase):
        raise DomainError(_("Only a breach without its reason can be explained."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give a reason."))
    refuse_cpr(reason, _("The reason"), "reason")
    purchase.breach_reason = reason
    audit.record(db, actor, "purchase.breach_reason", purchase, {"reason": reason})


def follow_up_breach(
    db: Session, actor: User, purchase: OutsidePurchase, outcome: FollowUp, reason: str
) -> None:
    """Region staff accept a breach or mark it for follow-up (see may_follow_up)."""
    if actor.role != Role.REGION_STAFF or actor.organisation_id not in _following_regions(purchase):
        raise NotAllowed(
            _(
                "Only region staff of the jobcentre's region, or of the region whose framework "
                "was passed by, follow up a breach."
            )
        )
    if not may_follow_up(actor, purchase):
        raise DomainError(_("Only a breach is followed up."))
    if outcome not in (FollowUp.ACCEPTED, FollowUp.NEEDS_FOLLOW_UP):
        raise DomainError(_("Choose whether the breach is accepted or needs follow-up."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give a reason."))
    refuse_cpr(reason, _("The reason"), "reason")
    before = purchase.follow_up
    purchase.follow_up = outcome
    purchase.follow_up_reason = reason
    purchase.followed_up_by_id = actor.id
    purchase.followed_up_at = clock.now()
    audit.record(
        db,
        actor,
        "purchase.followed_up",
        purchase,
        {"follow_up": [before.value if before else None, outcome.value], "reason": reason},
    )
    notify(
        db,
        [purchase.registered_by],
        _(
            "The region's follow-up of a purchase from %(supplier)s: %(outcome)s",
            supplier=purchase.supplier_name,
            outcome=outcome.label.lower(),
        ),
        reason,
        link=_purchase_link(purchase),
    )


def reclassify(db: Session, actor: User, jobcentre_id: int, start: date, end: date) -> int:
    """After an exemption is approved: the jobcentre's breaches in its period whose passed-by
    lots are now all lifted become exempted (their reason and lots are kept; the follow-up,
    moot, is cleared). Judged on the lots stored with each breach, so a lot exhausted or a
    tender cancelled since changes nothing. Returns how many changed."""
    breaches = db.scalars(
        select(OutsidePurchase).where(
            OutsidePurchase.jobcentre_id == jobcentre_id,
            OutsidePurchase.classification == Classification.BREACH,
            OutsidePurchase.purchased_on.between(start, end),
        )
    ).all()
    # The jobcentre's exemptions in the period, whichever their state: Exemption.covers says
    # which lift a lot.
    exemptions = db.scalars(
        select(Exemption)
        .where(
            Exemption.jobcentre_id == jobcentre_id,
            Exemption.starts_on <= end,
            Exemption.ends_on >= start,
        )
        .order_by(Exemption.id)
    ).all()
    region_id = db.get(Organisation, jobcentre_id).region_id
    changed = 0
    for purchase in breaches:
        day, lots = purchase.purchased_on, purchase.lots
        lifting = [next((e for e in exemptions if e.covers(lot, day)), None) for lot in lots]
        if not lots or None in lifting:
            continue
        purchase.classification = Classification.EXEMPTED
        totals.record_reclassified(db, purchase, region_id, Classification.BREACH)
        purchase.exemption_id = lifting[0].id
        purchase.follow_up = None
        purchase.follow_up_reason = ""
        purchase.followed_up_by_id = None
        purchase.followed_up_at = None
        audit.record(
            db,
            actor,
            "purchase.reclassified",
            purchase,
            {"classification": ["breach", "exempted"], "exemption": lifting[0].id},
        )
        changed += 1
    return changed


# --- who sees which purchases -----------------------------------------------------------------


def visible_purchases(user: User) -> Select:
    """The purchases the user may see (the rule of OutsidePurchase.is_visible_to)."""
    stmt = select(OutsidePurchase)
    if user.role in JOBCENTRE_ROLES:
        return stmt.where(OutsidePurchase.jobcentre_id == user.organisation_id)
    if user.role in (Role.REGION_STAFF, Role.REGIONAL_DIRECTOR):
        jobcentre = aliased(Organisation)
        breached_here = exists().where(
            breached_lots.c.purchase_id == OutsidePurchase.id,
            breached_lots.c.lot_id == Lot.id,
            Lot.tender_id == Tender.id,
            Tender.region_id == user.organisation_id,
        )
        return stmt.join(jobcentre, OutsidePurchase.jobcentre_id == jobcentre.id).where(
            or_(jobcentre.region_id == user.organisation_id, breached_here)
        )
    return stmt.where(false())


@dataclass(frozen=True)
class PurchaseSearch:
    """What the purchase list is narrowed by; empty fields narrow nothing."""

    text: str | None = None
    classification: str | None = None  # a Classification's value
    follow_up: str | None = None  # a FollowUp's value
    needs_review: bool = False
    lacks_reason: bool = False  # the breaches still without their reason
    jobcentre_id: int | None = None


def search_purchases(user: User, search: PurchaseSearch) -> Select:
    """The user's visible purchases narrowed by the search, as one statement."""
    stmt = visible_purchases(user)
    if search.classification in {c.value for c in Classification}:
        stmt = stmt.where(OutsidePurchase.classification == Classification(search.classification))
    if search.follow_up in {f.value for f in FollowUp}:
        stmt = stmt.where(OutsidePurchase.follow_up == FollowUp(search.follow_up))
    if search.needs_review:
        stmt = stmt.where(OutsidePurchase.needs_review)
    if search.lacks_reason:
        stmt = stmt.where(_lacks_breach_reason())
    if search.jobcentre_id:
        stmt = stmt.where(OutsidePurchase.jobcentre_id == search.jobcentre_id)
    if search.text:
        stmt = stmt.where(
            any_contains(
                search.text,
                OutsidePurchase.supplier_name,
                OutsidePurchase.supplier_cvr,
                OutsidePurchase.voucher,
            )
        )
    return stmt


@dataclass(frozen=True)
class BreachSummary:
    jobcentre: str
    jobcentre_id: int
    open: int
    accepted: int
    follow_up: int
    amount: Decimal


def _lacks_breach_reason():
    """SQL for OutsidePurchase.lacks_breach_reason."""
    return (OutsidePurchase.classification == Classification.BREACH) & (
        OutsidePurchase.breach_reason == ""
    )


def breaches_to_explain(db: Session, user: User) -> int:
    """How many of the jobcentre's breaches still lack the reason it owes; one count."""
    if user.role not in JOBCENTRE_ROLES:
        return 0
    return (
        db.scalar(
            select(func.count()).where(
                OutsidePurchase.jobcentre_id == user.organisation_id, _lacks_breach_reason()
            )
        )
        or 0
    )


def open_breaches(db: Session, user: User) -> int:
    """How many breaches the user may see still await a follow-up; one count."""
    visible = visible_purchases(user).where(
        OutsidePurchase.classification == Classification.BREACH,
        OutsidePurchase.follow_up == FollowUp.OPEN,
    )
    return db.scalar(select(func.count()).select_from(visible.subquery())) or 0


def breaches_by_jobcentre(db: Session, user: User) -> list[BreachSummary]:
    """Per jobcentre the user may see: its breaches by follow-up state and their sum; one
    grouped query."""
    visible = (
        visible_purchases(user)
        .where(OutsidePurchase.classification == Classification.BREACH)
        .subquery()
    )
    rows = db.execute(
        select(
            Organisation.name,
            Organisation.id,
            func.count().filter(visible.c.follow_up == FollowUp.OPEN),
            func.count().filter(visible.c.follow_up == FollowUp.ACCEPTED),
            func.count().filter(visible.c.follow_up == FollowUp.NEEDS_FOLLOW_UP),
            func.sum(visible.c.amount),
        )
        .join(visible, visible.c.jobcentre_id == Organisation.id)
        .group_by(Organisation.id, Organisation.name)
        .order_by(Organisation.name)
    ).all()
    return [
        BreachSummary(name, jobcentre_id, opened, accepted, followed, total)
        for name, jobcentre_id, opened, accepted, followed, total in rows
    ]


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()


def line_key(jobcentre_id: int, data: PurchaseInput) -> str:
    """What makes a purchase the same purchase again, registered or imported: its day, target
    group, CVR, amount, voucher and description (case and spacing aside)."""
    raw = "|".join(
        [
            str(jobcentre_id),
            data.purchased_on.isoformat(),
            str(data.target_group_id),
            data.supplier_cvr,
            f"{data.amount:.2f}",
            _normal(data.voucher),
            _normal(data.description),
        ]
    )
    return hashlib.sha256(raw.encode()).hexdigest()
