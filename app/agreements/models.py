"""What happened to a framework agreement after its conclusion: each decision, kept for good."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.core.i18n import lazy_gettext as _l
from app.core.labels import LabelledEnum, labels
from app.councils.uses import register_spender
from app.db import Base, Hundredths, Money, UTCDateTime, state_column
from app.evaluation.models import Agreement


class AgreementStep(LabelledEnum):
    SUSPEND = "suspend"
    LIFT = "lift"
    TERMINATE = "terminate"


STEP_LABELS = labels(
    AgreementStep,
    {
        AgreementStep.SUSPEND: _l("Suspension"),
        AgreementStep.LIFT: _l("Suspension lifted"),
        AgreementStep.TERMINATE: _l("Termination"),
    },
)


class Ground(LabelledEnum):
    """Why a supplier's agreement is suspended or terminated."""

    BREACH = "breach"  # breach of contract
    EXCLUSION = "exclusion"  # a ground for exclusion found after the award


GROUND_LABELS = labels(
    Ground,
    {
        Ground.BREACH: _l("Breach of contract"),
        Ground.EXCLUSION: _l("A ground for exclusion found after the award"),
    },
)


class AgreementEvent(Base):
    """One decision on an agreement: who, when, why; its letter is made from it."""

    __tablename__ = "agreement_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), index=True)
    step: Mapped[AgreementStep] = mapped_column(state_column(AgreementStep, "agreement_step", 20))
    ground: Mapped[Ground | None] = mapped_column(state_column(Ground, "agreement_ground", 20))
    reason: Mapped[str] = mapped_column(Text)
    # The letter's reference: the agreement's number and the decision's place in its history.
    reference: Mapped[str] = mapped_column(String(60), unique=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    agreement: Mapped[Agreement] = relationship()
    actor = relationship("User", lazy="joined")


class TenderExtension(Base):
    """An option to extend a framework's agreement period, exercised: from when to when."""

    __tablename__ = "tender_extensions"
    __table_args__ = (UniqueConstraint("tender_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"))
    number: Mapped[int]  # the first, second, … option
    old_end: Mapped[date]
    new_end: Mapped[date]
    # The council's decision where the tender asks for one; spent on this extension alone.
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("council_decisions.id"), unique=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    tender = relationship("Tender")
    decision = relationship("CouncilDecision", lazy="joined")
    actor = relationship("User", lazy="joined")


register_spender(
    "agreements",
    lambda _tender_id: select(TenderExtension.decision_id).where(
        TenderExtension.decision_id.is_not(None)
    ),
)


class PriceRegulation(Base):
    """A yearly regulation of a framework's prices by the tender's index: the index values the
    region recorded, the change they give (capped), and the day it applies from."""

    __tablename__ = "price_regulations"

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), index=True)
    index_before: Mapped[Decimal] = mapped_column(Hundredths)
    index_after: Mapped[Decimal] = mapped_column(Hundredths)
    change: Mapped[Decimal] = mapped_column(Hundredths)  # percent applied, after the cap
    applies_from: Mapped[date]
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    actor = relationship("User", lazy="joined")


class AgreementPrice(Base):
    """An agreement's unit price from a day on (orders placed before keep theirs)."""

    __tablename__ = "agreement_prices"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), index=True)
    regulation_id: Mapped[int] = mapped_column(ForeignKey("price_regulations.id"))
    old_price: Mapped[Decimal] = mapped_column(Money)
    new_price: Mapped[Decimal] = mapped_column(Money)
    applies_from: Mapped[date]

    regulation: Mapped[PriceRegulation] = relationship(lazy="joined")
