"""Demo data for the follow-up on results: four quarters of both indicators for every jobcentre,
imported region by region as a region would, each region's limits, a few weak jobcentres and a
few good ones."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import clock
from app.auth import services as users
from app.councils import services as councils
from app.followup import reactions
from app.followup import services as results
from app.followup.models import Indicator, Reaction, Result
from app.organisations.models import Organisation, OrganisationKind
from app.targetgroups.models import TargetGroup

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
        table = results.read_results_file("resultater-demo.csv", "\n".join(lines).encode())
        results.import_results(db, staff, table)
        for indicator, (weak, good) in LIMITS.items():
            results.set_threshold(db, staff, indicator, weak, good)
    db.flush()


def create_demo_cases(db: Session) -> None:
    """A case in each of the main states, through the services: Esbjerg under a signed
    improvement agreement, Hjørring with a recommendation at the ministry, Randers ordered to
    use other actors (an integration part, agreed by the Ministry of Integration), Holbæk being
    assessed. Idempotent: nothing when any case exists."""
    if db.scalar(select(func.count()).select_from(Reaction)):
        return
    today = clock.today()

    def staff_of(code: str):
        return users.find_by_email(db, STAFF[code])

    def jobcentre(name: str) -> Organisation | None:
        return db.scalar(select(Organisation).where(Organisation.name == name))

    def council_decision(code: str, concerns: str):
        region = db.scalar(select(Organisation).where(Organisation.code == code))
        return councils.add_decision(
            db, None, region.council, decided_on=today, concerns=concerns, text="Rådet tiltræder."
        )

    def group(name: str) -> int:
        return db.scalar(select(TargetGroup.id).where(TargetGroup.name == name))

    def recommend(case, code: str, part: str):
        reactions.assess(db, staff_of(code), case, False, "Resultaterne er faldet i et år.")
        reactions.no_agreement(db, staff_of(code), case, "Jobcentret ønskede ikke en aftale.")
        reactions.write_recommendation(
            db,
            staff_of(code),
            case,
            "Andre aktører bør varetage indsatsen for målgruppen.",
            [group(part)],
            Decimal("40"),
        )
        reactions.link_decision(
            db, staff_of(code), case, council_decision(code, "Indstilling om pålæg")
        )
        reactions.send_recommendation(db, staff_of(code), case)

    opened = {}
    for code, name in (
        ("SD", "Jobcenter Esbjerg"),
        ("NJ", "Jobcenter Hjørring"),
        ("MJ", "Jobcenter Randers"),
        ("HS", "Jobcenter Holbæk"),
    ):
        found, staff = jobcentre(name), staff_of(code)
        if found is None or staff is None:
            return
        opened[code] = reactions.open_case(
            db, staff, found, "Svage resultater: andelen i job ligger under regionens grænse."
        )
    esbjerg = opened["SD"]
    reactions.assess(db, staff_of("SD"), esbjerg, False, "Der er brug for en aftale.")
    reactions.write_agreement(
        db,
        staff_of("SD"),
        esbjerg,
        reactions.AgreementInput(
            text="Flere virksomhedsrettede forløb og opfølgning hver fjortende dag.",
            improve_by=today + timedelta(days=120),
            follow_up_on=today + timedelta(days=150),
            target_in_work=Decimal("38"),
            target_weeks=Decimal("19"),
            consultancy_amount=Decimal("150000"),
            consultancy_provider="Beskæftigelsesrådgivning ApS",
            consultancy_from=today,
            consultancy_to=today + timedelta(days=120),
        ),
    )
    reactions.link_decision(
        db, staff_of("SD"), esbjerg, council_decision("SD", "Forbedringsaftale med Esbjerg")
    )
    reactions.send_for_signature(db, staff_of("SD"), esbjerg)
    for email in ("direktoer.syddanmark@demo.dk", "leder.esbjerg@demo.dk"):
        signer = users.find_by_email(db, email)
        if signer is not None:
            reactions.sign(db, signer, esbjerg)
    recommend(opened["NJ"], "NJ", "Ledige akademikere")
    randers = opened["MJ"]
    recommend(randers, "MJ", "Flygtninge og indvandrere")
    reactions.integration_answer(
        db, users.find_by_email(db, "integration@demo.dk"), randers, True, "Enig i indstillingen."
    )
    reactions.decide(
        db,
        users.find_by_email(db, "ministeriet@demo.dk"),
        randers,
        True,
        "Jobcentret pålægges at benytte andre aktører.",
        today,
        today + timedelta(days=365),
    )
    db.flush()
