"""What the API reads and answers, as pydantic models: the OpenAPI document is made of them.

Amounts are exact: kroner with two decimals as strings ("1234.50"), in DKK. Moments are UTC
(ISO 8601 with offset), days are ISO dates."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, WithJsonSchema

from app.calloffs.models import CallOffState, CallOffStep
from app.calloffs.services import MAX_QUANTITY
from app.evaluation.models import AgreementState
from app.purchases.models import Classification
from app.tenders.models import TenderState
from app.web.forms import clean_text
from app.web.pagination import MAX_ID, YEARS

Kroner = Annotated[
    Decimal,
    PlainSerializer(lambda amount: f"{amount:.2f}", return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^-?\d+\.\d{2}$",
            "description": "An exact amount in DKK, two decimals.",
        },
        mode="serialization",
    ),
]


#: An amount sent in: a JSON number or a string, at most two decimals, above 0.
def _plain_amount(value: Any) -> Any:
    """A JSON number, or a string of ASCII digits with a point ("1234.50"); not true."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ValueError("an amount is a number or a string like 1234.50")
    if isinstance(value, str) and not AMOUNT_PATTERN.match(value):
        raise ValueError("an amount is written like 1234.50")
    return value


AMOUNT_PATTERN = re.compile(r"^[0-9]+(\.[0-9]+)?$", re.ASCII)
KronerIn = Annotated[
    Decimal,
    BeforeValidator(_plain_amount),
    Field(gt=0, lt=Decimal("1e12"), decimal_places=2),
]


def _text(max_length: int, min_length: int = 0):
    """Text as a form reads it: trimmed, control characters dropped, then measured."""
    return Annotated[
        str, BeforeValidator(clean_text), Field(min_length=min_length, max_length=max_length)
    ]


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
#: An id in a JSON body: a JSON integer (not true, not "7").
BodyId = Annotated[int, Field(ge=1, le=MAX_ID, strict=True)]


def _iso_day(value: Any) -> Any:
    """A day as ISO 8601 (2026-12-14) in the years the platform knows; not a timestamp."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not DAY_PATTERN.match(value):
        raise ValueError("a day is written YYYY-MM-DD")
    day = date.fromisoformat(value)
    if day.year not in YEARS:
        raise ValueError(f"a day lies in the years {YEARS.start}–{YEARS.stop - 1}")
    return day


DAY_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
Day = Annotated[
    date,
    BeforeValidator(_iso_day),
    WithJsonSchema({"type": "string", "format": "date"}, mode="validation"),
]


class Out(BaseModel):
    """An answer, read straight from a row's attributes where the names match."""

    model_config = ConfigDict(from_attributes=True)


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Query(BaseModel):
    model_config = ConfigDict(extra="ignore")


# --- lists ------------------------------------------------------------------------------------


class PageQuery(Query):
    page: Annotated[int, Field(ge=1, le=100_000, description="From 1.")] = 1
    size: Annotated[int, Field(ge=1, le=1000, description="Items per page.")] = 50


class Page(BaseModel):
    page: int
    size: int
    total: int
    next: str | None = Field(description="The next page's path, or null on the last page.")


# --- tenders, lots, agreements ------------------------------------------------------------------


class TargetGroupOut(Out):
    id: int
    name: str


class TargetGroupDetail(TargetGroupOut):
    description: str
    active: bool = Field(description="Whether new tenders and purchases may name it.")


class TargetGroupList(BaseModel):
    items: list[TargetGroupDetail]


class AgreementOut(BaseModel):
    id: int
    number: str
    state: AgreementState = Field(description="Suspended or terminated: no new orders.")
    supplier_id: int
    supplier: str
    supplier_cvr: str
    rank: int
    unit_price: Kroner
    starts_on: date
    ends_on: date


class LotOut(Out):
    id: int
    tender_id: int
    number: int
    title: str
    description: str
    maximum_value: Kroner
    call_off_rule: str = Field(
        description="How call-offs happen on the lot: free_choice, cascade, mini_competition, "
        "or cascade_competition (cascade up to cascade_limit, mini-competition above it)."
    )
    cascade_limit: Kroner | None = None
    competition_days: int = Field(description="A mini-competition's shortest response time.")


class LotDetail(LotOut):
    agreements: list[AgreementOut]


class TenderOut(BaseModel):
    id: int
    reference: str
    title: str
    description: str
    region: str
    scope: str
    state: TenderState = Field(
        description="As the clock sees it: published (open for bids), bidding_closed, "
        "active (framework agreements running), cancelled, …"
    )
    call_off_rule: str = Field(
        description="The lots' call-off rule when they all state the same, else per_lot "
        "(each lot states its own)."
    )
    bid_deadline: datetime
    agreement_start: date
    agreement_end: date
    estimated_value: Kroner
    published_at: datetime | None
    target_groups: list[TargetGroupOut]
    lots: list[LotOut]
    ocid: str
    price_index: str = Field(description="The index prices are regulated by; empty: fixed.")
    extension_options_left: int = Field(description="Options to extend the agreements left.")


class TenderList(Page):
    items: list[TenderOut]


class TenderQuery(PageQuery):
    text: _text(200) = ""
    status: Annotated[
        str,
        Field(
            pattern="^(|open|closed|cancelled|active)$",
            description="The public list's filter: open (state published), closed "
            "(bidding_closed and later), cancelled, active.",
        ),
    ] = ""


# --- the jobcentre's frameworks ------------------------------------------------------------------


class OfferedAgreement(AgreementOut):
    orderable_today: bool = Field(description="Whether an order can be placed under it today.")


class FrameworkLot(BaseModel):
    lot: LotOut
    tender_reference: str
    tender_title: str
    call_off_rule: str
    committed: Kroner
    left: Kroner
    exhausted: bool
    first_in_line: int | None = Field(
        description="Under a cascade, the agreement an order goes to without a reason."
    )
    agreements: list[OfferedAgreement]


class FrameworkList(Page):
    items: list[FrameworkLot]


class FrameworkQuery(PageQuery):
    target_group: Id | None = None


# --- orders -----------------------------------------------------------------------------------


class OrderEvent(Out):
    step: CallOffStep
    occurred_at: datetime
    amount: Kroner | None
    text: str


class OrderOut(BaseModel):
    id: int
    number: str
    state: CallOffState
    agreement_id: int
    lot_id: int
    supplier_id: int
    supplier: str
    jobcentre_id: int
    jobcentre: str
    case_reference: str
    quantity: int
    unit_price: Kroner
    total: Kroner
    starts_on: date
    note: str
    choice_reason: str
    placed_at: datetime
    invoice_amount: Kroner | None
    invoice_reference: str
    closed_reason: str
    next_steps: list[CallOffStep] = Field(
        description="The moves the token's organisation may take on the order now, by the "
        "name of the step they lead to: a jobcentre's cancelled (POST /orders/{id}/cancel), "
        "paid (/approve-invoice) and invoice_rejected (/reject-invoice); a supplier's "
        "accepted, declined, delivered and invoiced are taken on the order's page."
    )


class OrderDetail(OrderOut):
    events: list[OrderEvent]


class OrderList(BaseModel):
    """Walked newest first by position (`older`), as the order list is: a region holds hundreds
    of thousands of orders, and counting or skipping them would read them all."""

    size: int
    next: str | None = Field(description="The next (older) orders' path, or null at the end.")
    items: list[OrderOut]


class OrderQuery(Query):
    size: Annotated[int, Field(ge=1, le=1000, description="Orders per answer.")] = 50
    older: Id | None = Field(default=None, description="Continue after the order with this id.")
    text: _text(100) = ""
    state: CallOffState | None = None
    placed_from: Day | None = Field(default=None, description="A Copenhagen day.")
    placed_to: Day | None = None


class NewOrder(Input):
    agreement_id: BodyId
    case_reference: _text(40, 1)
    quantity: Annotated[int, Field(ge=1, le=MAX_QUANTITY, strict=True)]
    starts_on: Day
    note: _text(2000) = ""
    choice_reason: _text(2000) = Field(
        default="", description="Under a cascade, why not the first in line."
    )


class Reason(Input):
    reason: _text(2000, 1)


# --- outcomes and effects ---------------------------------------------------------------------

Persons = Annotated[int, Field(ge=0, le=MAX_QUANTITY, strict=True)]


class NewOutcome(Input):
    """An order's outcome, pseudonymous: counts of persons only, never who."""

    ended_on: Day = Field(description="The day the course ended.")
    started: Persons
    completed: Persons
    in_work_13: Persons | None = Field(
        default=None, description="In work or education 13 weeks after the end, once known."
    )
    in_work_26: Persons | None = Field(
        default=None, description="In work or education 26 weeks after the end, once known."
    )


class OutcomeOut(Out):
    order_id: int
    ended_on: date
    started: int
    completed: int
    in_work_13: int | None
    in_work_26: int | None
    recorded_at: datetime


class ShareOut(BaseModel):
    percent: str = Field(description='The share in percent, one decimal ("66.7").')
    low: str = Field(description="Its 95 % Wilson interval's lower end.")
    high: str
    persons: int = Field(description="The persons it rests on.")


class EffectOut(BaseModel):
    persons: int
    completion: ShareOut | None = Field(description="None below the region's threshold.")
    work_13: ShareOut | None
    work_26: ShareOut | None


class SupplierEffectOut(BaseModel):
    supplier_id: int
    supplier_name: str
    rank: int
    effect: EffectOut
    clearly_below_lot: bool


class LotEffectsOut(BaseModel):
    lot_id: int
    threshold: int = Field(description="A share is given only when it rests on this many persons.")
    average: EffectOut
    suppliers: list[SupplierEffectOut] = Field(
        description="Every supplier of the lot; a supplier's token sees only its own."
    )


# --- spend --------------------------------------------------------------------------------------


class SpendTable(BaseModel):
    name: str
    title: str
    columns: list[str]
    money_columns: list[int] = Field(description="The columns holding amounts (DKK strings).")
    rows: list[list[Any]]


class Spend(BaseModel):
    dashboard: str
    period_from: date | None
    period_to: date | None
    tables: list[SpendTable]


class SpendQuery(Query):
    # The dashboards' own filters, by the same names.
    from_: Day | None = Field(default=None, alias="from")
    to: Day | None = None
    target_group: Id | None = None
    tender: Id | None = None
    region: Id | None = None


# --- purchases and ledger files -------------------------------------------------------------------


class NewPurchase(Input):
    target_group_id: BodyId
    supplier_name: _text(200, 1)
    supplier_cvr: Annotated[str, Field(pattern=r"^[0-9]{8}$")]
    amount: KronerIn
    purchased_on: Day
    description: _text(2000) = ""
    voucher: _text(40) = ""
    breach_reason: _text(2000) = Field(
        default="", description="Needed when a framework covered the purchase (a breach)."
    )


class PurchaseOut(Out):
    id: int
    target_group_id: int
    supplier_name: str
    supplier_cvr: str
    amount: Kroner
    purchased_on: date
    description: str
    voucher: str
    classification: Classification
    breach_reason: str


class ImportQuery(Query):
    jobcentre: Id | None = Field(
        default=None, description="Whose ledger (a region's token); the token's own otherwise."
    )


class LedgerImportOut(Out):
    id: int
    jobcentre_id: int
    filename: str
    sha256: str
    lines: int
    added: int
    already_known: int
    call_off_payments: int
    imported_at: datetime


# --- the inbox ----------------------------------------------------------------------------------


class Message(Out):
    id: int
    subject: str
    body: str
    link: str | None
    created_at: datetime
    read_at: datetime | None


class Inbox(Page):
    unread: int
    items: list[Message]


class InboxQuery(PageQuery):
    unread_only: bool = False


class OpenApi(BaseModel):
    """The OpenAPI document itself (described loosely)."""

    model_config = ConfigDict(extra="allow")
    openapi: str
