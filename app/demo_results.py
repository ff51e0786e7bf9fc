"""Demo data for the follow-up on results: four quarters of both indicators for every jobcentre,
imported region by region as a region would, each region's limits, a few weak jobcentres and a
few good ones."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import clock
from app.auth import services as users
from app.followup import services as results
from app.followup.models import Indicator, Result
from app.organisations.models import Organisation, OrganisationKind

#: Jobcentres whose results are weak, and ones whose results are good, in the demo.
WEAK = ("Jobcenter Esbjerg", "Jobcenter Hjørring", "Jobcenter Randers", "Jobcenter Holbæk")
GOOD = ("Jobcenter Vejle", "Jobcenter Herning")
STAFF = {
    "NJ": "region.nordjylland@demo.dk",
    "MJ": "region.midtjylland@demo.dk",
    "SD": "region.syddanmark@demo.dk",
    "HS": "region.hovedstaden@demo.dk",
}
LIMITS = {
    Indicator.IN_WORK: (Decimal("35"), Decimal("45")),
    Indicator.WEEKS_UNEMPLOYED: (Decimal("20"), Decimal("15")),
}


def last_quarters(today: date, count: int = 4) -> list[str]:
    """The last `count` whole quarters before today, oldest first."""
    year, quarter = today.year, (today.month - 1) // 3  # the quarter before today's
    found = []
    for _ in range(count):
        if quarter == 0:
            year, quarter = year - 1, 4
        found.append(f"{year}-Q{quarter}")
        quarter -= 1
    return list(reversed(found))


def _spread(name: str, salt: str, width: int) -> int:
    """A repeatable number in 0..width-1 for a name (demo values, no randomness)."""
    return int(hashlib.sha256(f"{name}|{salt}".encode()).hexdigest(), 16) % width


def _values(name: str, quarter: str, index: int) -> tuple[str, str]:
    """(share in work, weeks unemployed) as written in a results file."""
    if name in WEAK:  # weak, and weaker in the latest quarters
        return f"{33 - index},{_spread(name, quarter, 10)}", f"{21 + index},5"
    if name in GOOD:
        return f"{47 + index},{_spread(name, quarter, 10)}", f"{14 - index},2"
    work = 38 + _spread(name, quarter, 6)
    weeks = 16 + _spread(name, quarter + "u", 3)
    return f"{work},{_spread(name, quarter, 9)}", f"{weeks},{_spread(name, quarter, 7)}"


def create_demo_results(db: Session) -> None:
    """Idempotent: does nothing once any result exists."""
    if db.scalar(select(func.count()).select_from(Result)):
        return
    quarters = last_quarters(clock.today())
    for code, email in STAFF.items():
        staff = users.find_by_email(db, email)
        region = db.scalar(select(Organisation).where(Organisation.code == code))
        if staff is None or region is None:
            continue
        names = db.scalars(
            select(Organisation.name).where(
                Organisation.kind == OrganisationKind.JOBCENTRE,
                Organisation.region_id == region.id,
            )
        ).all()
        lines = ["jobcenter;periode;indikator;værdi;klynge"]
        for name in names:
            cluster = f"Klynge {1 + _spread(name, 'klynge', 5)}"
            for index, quarter in enumerate(quarters):
                work, weeks = _values(name, quarter, index)
                lines.append(f"{name};{quarter};andel i job;{work};{cluster}")
                lines.append(f"{name};{quarter};ledighedsuger;{weeks};{cluster}")
        results.import_results(db, staff, "resultater-demo.csv", "\n".join(lines).encode())
        for indicator, (weak, good) in LIMITS.items():
            results.set_threshold(db, staff, indicator, weak, good)
    db.flush()
