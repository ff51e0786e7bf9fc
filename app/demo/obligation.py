"""Demo data for the purchase obligation: exemptions in each state, purchases of each class,
an imported ledger, and breaches followed up."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import clock
from app.auth import services as users
from app.auth.models import User
from app.demo.platform import SUPPLIER_CVRS
from app.exemptions import services as exemptions
from app.exemptions.models import Exemption, ExemptionReason
from app.exemptions.services import ExemptionInput
from app.purchases import ledger
from app.purchases import services as purchases
from app.purchases.models import FollowUp
from app.purchases.services import PurchaseInput
from app.targetgroups.models import TargetGroup
from app.tenders.models import Scope, Tender, TenderState

LOCAL_SUPPLIER = ("Fynsk Jobværksted ApS", "55000026")
OTHER_SUPPLIER = ("Kompetencecenter Nord I/S", "55000034")


def _user(db: Session, email: str) -> User:
    found = users.find_by_email(db, email)
    assert found is not None, email
    return found


def _group(db: Session, name: str) -> int:
    return db.scalars(select(TargetGroup.id).where(TargetGroup.name == name)).one()


def create_demo_obligation(db: Session) -> None:
    """Idempotent: does nothing when exemptions exist, or when there is no active framework."""
    if db.scalar(select(func.count()).select_from(Exemption)):
        return
    active = db.scalars(select(Tender).where(Tender.state == TenderState.ACTIVE)).all()
    national = next((t for t in active if t.scope == Scope.NATIONAL), None)
    regional = next((t for t in active if t.scope == Scope.REGIONAL), None)
    if national is None or regional is None:
        return
    today = clock.today()
    few = _group(db, "Faggrupper med få ledige i det enkelte jobcenter")
    academics = _group(db, "Ledige akademikere")
    disabled = _group(db, "Personer med handicap")
    hovedstaden = _user(db, "region.hovedstaden@demo.dk")

    def ask(email: str, lot_id: int | None, tender_id: int | None, reason, text: str):
        return exemptions.request_exemption(
            db,
            _user(db, email),
            ExemptionInput(
                tender_id=tender_id,
                lot_id=lot_id,
                reason=reason,
                justification=text,
                starts_on=today - timedelta(days=60),
                ends_on=today + timedelta(days=120),
            ),
        )

    # Exemptions from the national framework: one waiting, one approved, one refused.
    ask(
        "jobcenter.aarhus@demo.dk",
        national.lots[0].id,
        None,
        ExemptionReason.CONTINUITY,
        "Borgerne er midt i et forløb hos en lokal udbyder; et skift vil afbryde indsatsen.",
    )
    granted = ask(
        "jobcenter.aalborg@demo.dk",
        None,
        national.id,
        ExemptionReason.LOCAL_OFFER,
        "Aalborg har et kommunalt værksted for netop disse faggrupper, som rammeaftalen ikke har.",
    )
    exemptions.approve(
        db, hovedstaden, granted, "Et særligt lokalt tilbud; fritagelsen gælder i perioden."
    )
    refused = ask(
        "jobcenter.koebenhavn@demo.dk",
        None,
        national.id,
        ExemptionReason.OTHER,
        "Vi foretrækker at bruge vores faste samarbejdspartnere.",
    )
    exemptions.refuse(
        db, hovedstaden, refused, "En præference er ikke et særligt tilfælde; brug rammeaftalen."
    )

    def register(email: str, group: int, supplier, amount: str, days_ago: int, text: str, why=""):
        return purchases.register_purchase(
            db,
            _user(db, email),
            PurchaseInput(
                target_group_id=group,
                supplier_name=supplier[0],
                supplier_cvr=supplier[1],
                amount=Decimal(amount),
                purchased_on=today - timedelta(days=days_ago),
                description=text,
                breach_reason=why,
            ),
        )

    # Each class: a breach (Odense, academics, Syddanmark's framework), an exempted purchase
    # (Aalborg, under its exemption) and purchases no framework covered.
    breach = register(
        "jobcenter.odense@demo.dk",
        academics,
        LOCAL_SUPPLIER,
        "48500.00",
        12,
        "Jobsøgningsforløb for fem akademikere",
        "Rammeaftalens leverandører kunne ikke starte før om seks uger.",
    )
    purchases.follow_up_breach(
        db,
        _user(db, "region.syddanmark@demo.dk"),
        breach,
        FollowUp.NEEDS_FOLLOW_UP,
        "Drøftes med jobcenteret: ventetiden skal dokumenteres.",
    )
    register(
        "jobcenter.aalborg@demo.dk",
        few,
        OTHER_SUPPLIER,
        "31250.00",
        20,
        "Værkstedsforløb for tre ledige smede",
    )
    register(
        "jobcenter.aarhus@demo.dk",
        disabled,
        LOCAL_SUPPLIER,
        "76000.00",
        30,
        "Specialiseret afklaring for to borgere",
    )

    # København's ledger: a breach without its reason yet, a purchase no framework covered,
    # and a framework supplier paid outside any call-off (flagged for review).
    day = (today - timedelta(days=8)).strftime("%d-%m-%Y")
    rows = [
        "dato;cvr;leverandør;beløb;målgruppe;beskrivelse;bilag",
        f"{day};{OTHER_SUPPLIER[1]};{OTHER_SUPPLIER[0]};22.400,00;"
        "Faggrupper med få ledige i det enkelte jobcenter;Kursus for tre ledige;KK-2026-0411",
        f"{day};{LOCAL_SUPPLIER[1]};{LOCAL_SUPPLIER[0]};18.900,00;"
        "Flygtninge og indvandrere;Sprogforløb med praktik;KK-2026-0412",
        f"{day};{SUPPLIER_CVRS[0]};Akademikerhuset ApS;9.750,00;"
        "Faggrupper med få ledige i det enkelte jobcenter;Mentorforløb;KK-2026-0413",
    ]
    copenhagen = _user(db, "jobcenter.koebenhavn@demo.dk")
    ledger.import_ledger(
        db,
        copenhagen,
        copenhagen.organisation,
        ledger.read_ledger_file("bogfoering-november.csv", "\n".join(rows).encode()),
    )
    db.flush()
