"""A national data set for measuring the platform: many suppliers, tenders and orders, written
with bulk inserts (one statement per chunk), not one ORM object at a time.

It builds on the ordinary demo data (regions, jobcentres, target groups, logins). Orders are
spread over four years; each lot's maximum is set well above what its orders commit, so the
data set keeps every rule of the platform (totals, states, maxima). Its audit trail does not
record the generated rows: they were never placed by anybody.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from app import clock
from app.auth.models import User
from app.auth.roles import Role
from app.bids.models import Bid, BidState
from app.calloffs.models import RELEASED, CallOff, CallOffState
from app.evaluation.models import Agreement
from app.organisations.models import Organisation, OrganisationKind
from app.purchases.models import Classification, OutsidePurchase, Source
from app.spend import totals
from app.suppliers.models import Supplier, SupplierState
from app.targetgroups.models import TargetGroup
from app.tenders.models import Lot, Scope, Tender, TenderState, tender_target_groups

CHUNK = 10_000
WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)  # the CVR modulus-11 weights


@dataclass(frozen=True)
class Scale:
    suppliers: int
    tenders: int
    orders: int
    purchases: int


SCALES = {
    "large": Scale(suppliers=2_000, tenders=500, orders=1_000_000, purchases=100_000),
    # The same platform with a hundredth of the history: what grows between the two is the
    # number of orders and purchases, as it does over the years.
    "medium": Scale(suppliers=2_000, tenders=500, orders=10_000, purchases=1_000),
}


def _cvr(number: int) -> str | None:
    """An 8-digit CVR number from a 7-digit stem, or None when no check digit fits."""
    stem = f"{number:07d}"
    total = sum(int(d) * w for d, w in zip(stem, WEIGHTS, strict=False))
    check = (11 - total % 11) % 11
    return None if check == 10 else stem + str(check)


def _chunks(rows: Iterator[dict]) -> Iterator[list[dict]]:
    chunk: list[dict] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _insert(db: Session, model, rows: Iterator[dict]) -> int:
    count = 0
    for chunk in _chunks(rows):
        db.execute(insert(model), chunk)
        count += len(chunk)
    return count


def _moment(rng: random.Random, start: date, end: date) -> datetime:
    day = start + timedelta(days=rng.randrange(max(1, (end - start).days)))
    return datetime.combine(day, time(8), tzinfo=UTC) + timedelta(minutes=rng.randrange(600))


def create_scale_data(db: Session, scale: Scale, seed: int = 7) -> dict[str, int]:
    """Add the scaled data set to a database holding the demo data; returns what was added."""
    if db.scalar(select(func.count()).where(Tender.reference.like("RU-SKALA-%"))):
        return {}
    rng = random.Random(seed)  # noqa: S311 - repeatable demo data, no secret
    now = clock.now()
    today = now.date()
    first_day = today - timedelta(days=4 * 365)
    regions = db.scalars(
        select(Organisation).where(Organisation.kind == OrganisationKind.REGION)
    ).all()
    jobcentres = db.execute(
        select(Organisation.id, Organisation.region_id).where(
            Organisation.kind == OrganisationKind.JOBCENTRE
        )
    ).all()
    by_region: dict[int, list[int]] = {}
    for jobcentre_id, region_id in jobcentres:
        by_region.setdefault(region_id, []).append(jobcentre_id)
    groups = db.scalars(select(TargetGroup.id)).all()
    staff = db.scalar(select(User.id).where(User.role == Role.REGION_STAFF))
    orderer = {
        organisation_id: user_id
        for user_id, organisation_id in db.execute(
            select(User.id, User.organisation_id).where(User.role == Role.JOBCENTRE_STAFF)
        )
    }
    fallback_orderer = next(iter(orderer.values()))

    # Suppliers: an organisation and a profile each.
    cvrs = [c for c in (_cvr(6_000_000 + i) for i in range(scale.suppliers * 2)) if c]
    names = [f"Skaleret Leverandør {i:05d}" for i in range(scale.suppliers)]
    _insert(
        db,
        Organisation,
        ({"kind": OrganisationKind.SUPPLIER, "name": name, "active": True} for name in names),
    )
    organisation_ids = dict(
        db.execute(
            select(Organisation.name, Organisation.id).where(Organisation.name.in_(names))
        ).all()
    )
    _insert(
        db,
        Supplier,
        (
            {
                "organisation_id": organisation_ids[name],
                "cvr": cvrs[i],
                "address": "Skalavej 1",
                "contact_person": "Kontakt",
                "state": SupplierState.ACTIVE,
                "registered_at": now,
            }
            for i, name in enumerate(names)
        ),
    )
    supplier_ids = db.scalars(
        select(Supplier.id).join(Organisation).where(Organisation.name.in_(names))
    ).all()

    # Tenders, active, each with two lots and three agreements per lot.
    tender_rows = []
    for i in range(scale.tenders):
        start = first_day + timedelta(days=rng.randrange(365))
        region = rng.choice(regions)
        tender_rows.append(
            {
                "reference": f"RU-SKALA-{i:04d}",
                "title": f"Skaleret rammeaftale {i}",
                "description": "",
                "region_id": region.id,
                "scope": Scope.NATIONAL if i % 5 == 0 else Scope.REGIONAL,
                "state": TenderState.ACTIVE,
                "estimated_value": Decimal("400000000.00"),
                "agreement_start": start,
                "agreement_end": start + timedelta(days=4 * 365 - 1),
                "long_period_reason": "",
                "bid_deadline": datetime.combine(start - timedelta(days=60), time(12), UTC),
                "content_version": 1,
                "return_reason": "",
                "cancel_reason": "",
                "created_at": now,
                "published_at": datetime.combine(start - timedelta(days=100), time(12), UTC),
            }
        )
    _insert(db, Tender, iter(tender_rows))
    tenders = db.execute(
        select(
            Tender.id, Tender.reference, Tender.region_id, Tender.scope, Tender.agreement_start
        ).where(Tender.reference.like("RU-SKALA-%"))
    ).all()
    _insert(
        db,
        tender_target_groups,
        ({"tender_id": t.id, "target_group_id": rng.choice(groups)} for t in tenders),
    )
    _insert(
        db,
        Lot,
        (
            {
                "tender_id": t.id,
                "number": number,
                "title": f"Delaftale {number}",
                "description": "",
                "maximum_value": Decimal("200000000.00"),
                "suppliers_to_award": 3,
                "fewer_suppliers_reason": "",
                "call_off_rule": "free_choice",
                "competition_days": 10,
            }
            for t in tenders
            for number in (1, 2)
        ),
    )
    lots = db.execute(
        select(Lot.id, Lot.number, Lot.tender_id)
        .join(Tender)
        .where(Tender.reference.like("RU-SKALA-%"))
    ).all()
    winners = {t.id: rng.sample(supplier_ids, 3) for t in tenders}
    _insert(
        db,
        Bid,
        (
            {"tender_id": t.id, "supplier_id": s, "state": BidState.SUBMITTED, "created_at": now}
            for t in tenders
            for s in winners[t.id]
        ),
    )
    bid_ids = {
        (tender_id, supplier_id): bid_id
        for bid_id, tender_id, supplier_id in db.execute(
            select(Bid.id, Bid.tender_id, Bid.supplier_id).where(
                Bid.tender_id.in_([t.id for t in tenders])
            )
        )
    }
    tender_of = {t.id: t for t in tenders}
    agreement_rows = []
    for lot in lots:
        tender = tender_of[lot.tender_id]
        for rank, supplier_id in enumerate(winners[tender.id], start=1):
            agreement_rows.append(
                {
                    "number": f"{tender.reference}-{lot.number}-{rank}",
                    "tender_id": tender.id,
                    "lot_id": lot.id,
                    "supplier_id": supplier_id,
                    "bid_id": bid_ids[(tender.id, supplier_id)],
                    "rank": rank,
                    "unit_price": Decimal(18_000 + rng.randrange(60) * 100),
                    "score": "",
                    "quality_part": "",
                    "starts_on": tender.agreement_start,
                    "ends_on": tender.agreement_start + timedelta(days=4 * 365 - 1),
                    "concluded_at": datetime.combine(tender.agreement_start, time(9), UTC),
                    "concluded_by_id": staff,
                }
            )
    _insert(db, Agreement, iter(agreement_rows))
    agreements = db.execute(
        select(
            Agreement.id,
            Agreement.lot_id,
            Agreement.supplier_id,
            Agreement.unit_price,
            Agreement.starts_on,
            Agreement.number,
        ).where(Agreement.tender_id.in_([t.id for t in tenders]))
    ).all()

    # Orders: spread over the agreements' first years, in every state.
    states = [
        (CallOffState.PAID, 60),
        (CallOffState.INVOICED, 5),
        (CallOffState.DELIVERED, 5),
        (CallOffState.ACCEPTED, 10),
        (CallOffState.PLACED, 10),
        (CallOffState.DECLINED, 5),
        (CallOffState.CANCELLED, 5),
    ]
    state_pool = [state for state, weight in states for _ in range(weight)]
    counters: dict[int, int] = {}

    def orders() -> Iterator[dict]:
        for _ in range(scale.orders):
            agreement = rng.choice(agreements)
            tender = tender_of[lot_of[agreement.lot_id].tender_id]
            if tender.scope == Scope.NATIONAL:
                jobcentre_id = rng.choice(jobcentres)[0]
            else:
                jobcentre_id = rng.choice(by_region.get(tender.region_id) or [jobcentres[0][0]])
            last = min(today, agreement.starts_on + timedelta(days=3 * 365))
            placed = _moment(rng, agreement.starts_on, last)
            quantity = rng.randrange(1, 6)
            total = agreement.unit_price * quantity
            state = rng.choice(state_pool)
            invoiced = state in (CallOffState.INVOICED, CallOffState.PAID)
            counters[agreement.lot_id] = counters.get(agreement.lot_id, 0) + 1
            yield {
                "number": f"B-{tender.reference}-{lot_of[agreement.lot_id].number}-"
                f"{counters[agreement.lot_id]:06d}",
                "agreement_id": agreement.id,
                "lot_id": agreement.lot_id,
                "supplier_id": agreement.supplier_id,
                "jobcentre_id": jobcentre_id,
                "state": state,
                "case_reference": f"SK-{counters[agreement.lot_id]:07d}",
                "quantity": quantity,
                "unit_price": agreement.unit_price,
                "total": total,
                "starts_on": placed.date() + timedelta(days=14),
                "note": "",
                "choice_reason": "",
                "placed_by_id": orderer.get(jobcentre_id, fallback_orderer),
                "placed_at": placed,
                "invoice_amount": total if invoiced else None,
                "invoice_reference": f"F-{counters[agreement.lot_id]}" if invoiced else "",
                "invoice_reason": "",
                "invoiced_at": placed + timedelta(days=60) if invoiced else None,
                "closed_reason": "Skaleret" if state in RELEASED else "",
                "updated_at": placed,
            }

    lot_of = {lot.id: lot for lot in lots}
    added_orders = _insert(db, CallOff, orders())

    # Outside purchases of every class, over the same four years.
    # Exempted purchases need an exemption behind them; the generated ones are of the other two.
    classes = [Classification.NO_FRAMEWORK] * 2 + [Classification.BREACH]

    def purchases() -> Iterator[dict]:
        for i in range(scale.purchases):
            jobcentre_id = rng.choice(jobcentres)[0]
            classification = rng.choice(classes)
            yield {
                "jobcentre_id": jobcentre_id,
                "target_group_id": rng.choice(groups),
                "supplier_name": "Lokal leverandør",
                "supplier_cvr": cvrs[-1],
                "amount": Decimal(rng.randrange(1_000, 100_000)),
                "purchased_on": _moment(rng, first_day, today).date(),
                "description": "",
                "voucher": f"SK-{i:07d}",
                "classification": classification,
                "breach_reason": "Skaleret" if classification == Classification.BREACH else "",
                "follow_up": "open" if classification == Classification.BREACH else None,
                "follow_up_reason": "",
                "needs_review": False,
                "source": Source.IMPORTED,
                "line_key": f"skala-{i:09d}",
                "registered_by_id": orderer.get(jobcentre_id, fallback_orderer),
                "registered_at": now,
            }

    added_purchases = _insert(db, OutsidePurchase, purchases())
    # Bulk inserts pass by the services, so the summary figures are computed once from the rows.
    totals.rebuild(db)
    # Fresh statistics: without them PostgreSQL plans the dashboards' joins for empty tables
    # (a region's dashboard took 52 s instead of 0.9 s at a million orders).
    db.execute(text("ANALYZE"))
    return {
        "suppliers": len(names),
        "tenders": len(tenders),
        "agreements": len(agreement_rows),
        "orders": added_orders,
        "purchases": added_purchases,
    }
