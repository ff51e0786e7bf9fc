"""Demo data for specialist knowledge: each region's directory, published on a council
decision, with entries and the demo jobcentre's requests (one answered, one waiting)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import clock
from app.auth import services as users
from app.councils import services as councils
from app.demo.grants import REGIONS
from app.knowledge import services as knowledge
from app.knowledge.models import SpecialistEntry
from app.organisations.models import Organisation

ENTRIES = [
    (
        "Synshandicap",
        "Instituttet for Blinde og Svagsynede",
        "ibos@example.dk, 70 10 20 30",
        "Afklaring og hjælpemidler; henvisning fra jobcentret.",
    ),
    (
        "Autisme",
        "Specialcenter for Autisme (regionen)",
        "autisme@example.dk",
        "Rådgivning til sagsbehandlere om tilrettelagte forløb.",
    ),
    (
        "Svejsning og metal",
        "Erhvervsskolen Metal",
        "metal@example.dk",
        "Vurdering af faglige kompetencer; 2 ugers ventetid.",
    ),
]


def create_demo_knowledge(db: Session) -> None:
    """Idempotent: nothing once any entry exists."""
    if db.scalar(select(func.count()).select_from(SpecialistEntry)):
        return
    for code, (staff_email, jobcentre_email) in REGIONS.items():
        staff = users.find_by_email(db, staff_email)
        asker = users.find_by_email(db, jobcentre_email)
        region = db.scalar(select(Organisation).where(Organisation.code == code))
        if staff is None or asker is None or region is None:
            continue
        entries = [
            knowledge.add_entry(db, staff, knowledge.EntryInput(*values)) for values in ENTRIES
        ]
        decision = councils.add_decision(
            db,
            None,
            region.council,
            decided_on=clock.today(),
            concerns="Adgang til specialistviden",
            text="Rådet tiltræder fortegnelsen over specialistviden.",
        )
        knowledge.publish(db, staff, decision)
        answered = knowledge.ask(
            db, asker, entries[0], "En borger med nedsat syn skal i praktik; hvem kan hjælpe?"
        )
        knowledge.answer(
            db, staff, answered, "Kontakt instituttet; de kommer ud på arbejdspladsen."
        )
        knowledge.ask(
            db, asker, entries[1], "Kan vi få sparring om et forløb for en ung med autisme?"
        )
    db.flush()
