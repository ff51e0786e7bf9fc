"""A lot's use alert: sent once when its committed amount passes a share of its maximum."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime

#: The shares of a lot's maximum (in percent) at which the owning region is told.
THRESHOLDS = (80, 100)


class LotAlert(Base):
    __tablename__ = "lot_alerts"
    __table_args__ = (
        UniqueConstraint("lot_id", "threshold"),  # once per threshold, whatever happens after
        CheckConstraint("threshold IN (80, 100)", name="known_threshold"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"))
    threshold: Mapped[int]
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
