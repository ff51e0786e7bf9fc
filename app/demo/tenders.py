"""Demo data for tenders: target groups, each council's register, and tenders in every state."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import clock
from app.auth import services as users
from app.auth.models import User
from app.bids import services as bids
from app.clock import COPENHAGEN
from app.councils import services as councils
from app.evaluation import services as evaluation
from app.organisations.models import Organisation, OrganisationKind
from app.targetgroups import services as target_groups
from app.targetgroups.models import TargetGroup
from app.tenders import questions
from app.tenders import services as tenders
from app.tenders.models import CallOffRule, Scope, Tender
from app.tenders.services import CriterionInput, LotInput, TenderContent

TARGET_GROUPS = [
    ("Ledige akademikere", "Ledige med en videregående uddannelse.", False),
    (
        "Faggrupper med få ledige i det enkelte jobcenter",
        "Fag, hvor hvert jobcenter kun har få ledige, så en fælles indsats giver mening.",
        False,
    ),
    ("Personer med handicap", "Ledige, hvis handicap kræver en specialiseret indsats.", False),
    (
        "Flygtninge og indvandrere",
        "Ledige flygtninge og indvandrere; en del af integrationsindsatsen.",
        True,
    ),
]

REGION_NAMES = {
    "NJ": "Beskæftigelsesregion Nordjylland",
    "MJ": "Beskæftigelsesregion Midtjylland",
    "SD": "Beskæftigelsesregion Syddanmark",
    "HS": "Beskæftigelsesregion Hovedstaden og Sjælland",
}
STAFF = {
    "NJ": "region.nordjylland@demo.dk",
    "MJ": "region.midtjylland@demo.dk",
    "SD": "region.syddanmark@demo.dk",
    "HS": "region.hovedstaden@demo.dk",
}
#: The Nordjylland tender whose deadline has passed and whose bids are being evaluated.
CLOSED_TITLE = "Afklaringsforløb for ledige akademikere"
#: Nordjylland's active framework with a ranked cascade.
CASCADE_TITLE = "Rammeaftale om jobrettede forløb for ledige akademikere i Nordjylland"
#: Midtjylland's tender in its standstill period (awarded the day the demo is built).
STANDSTILL_TITLE = "Jobrettet forløb for ledige akademikere i Midtjylland"
DIRECTORS = {code: email.replace("region.", "direktoer.") for code, email in STAFF.items()}


def _cph(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=COPENHAGEN)


def _user(db: Session, email: str) -> User:
    found = users.find_by_email(db, email)
    assert found is not None, email
    return found


def _group(db: Session, name: str) -> TargetGroup:
    return db.scalars(select(TargetGroup).where(TargetGroup.name == name)).one()


def _content(
    title: str,
    groups: list[TargetGroup],
    need_id: int,
    *,
    deadline: datetime,
    scope: Scope = Scope.REGIONAL,
    lots: int = 2,
) -> TenderContent:
    start = deadline.date() + timedelta(days=60)
    return TenderContent(
        title=title,
        description=(
            f"{title}. Leverandøren gennemfører et forløb med afklaring, opkvalificering og "
            "jobsøgning for den enkelte ledige og rapporterer resultaterne til jobcenteret."
        ),
        scope=scope,
        target_group_ids=[g.id for g in groups],
        need_id=need_id,
        estimated_value=Decimal(6_000_000 * lots),
        agreement_start=start,
        agreement_end=tenders.four_years_after(start) - timedelta(days=365),
        # One option to extend, short enough to stay within the 4 years on any start day.
        extension_options=1,
        extension_months=11,
        price_index="Nettoprisindeks (Danmarks Statistik)",
        price_cap=Decimal("3.00"),
        bid_deadline=deadline,
        lots=[
            LotInput(
                title=area,
                description=f"Indsatsen i {area.lower()}.",
                maximum_value=Decimal(7_500_000),
                suppliers_to_award=3,
            )
            for area in ["Nord", "Syd", "Øst"][:lots]
        ],
        criteria=[
            CriterionInput("Pris", 40, is_price=True),
            CriterionInput("Kvalitet i forløbet", 35),
            CriterionInput("Erfaring med målgruppen", 25),
        ],
        requirements=[
            "Leverandøren har erfaring med målgruppen fra mindst ét tidligere forløb.",
            "Leverandøren kan starte et forløb senest 10 arbejdsdage efter bestilling.",
        ],
    )


def create_demo_tenders(db: Session) -> None:
    """Idempotent: does nothing when tenders exist."""
    if db.scalar(select(func.count()).select_from(Tender)):
        return
    for name, description, integration in TARGET_GROUPS:
        if not db.scalar(select(func.count()).where(TargetGroup.name == name)):
            target_groups.create_target_group(
                db, None, name=name, description=description, integration_effort=integration
            )
    regions = {
        code: db.scalars(
            select(Organisation).where(
                Organisation.kind == OrganisationKind.REGION, Organisation.name == name
            )
        ).one()
        for code, name in REGION_NAMES.items()
    }
    today = clock.today()
    needs: dict[str, list[int]] = {}
    for code, region in regions.items():
        council = region.council
        # The council's yearly meeting on what to tender. Its decisions are left for tenders
        # still to come: each demo tender is decided on by a decision of its own (a decision
        # approves one thing only).
        held_on = today - timedelta(days=400)
        meeting = councils.add_meeting(
            db,
            None,
            council,
            held_on=held_on,
            title=f"Rådsmøde {held_on.year}",
            agenda="Godkendelse af dagsorden\nBehov for rammeudbud\nOrientering om resultater",
        )
        for concerns in (
            "Rammeudbud for ledige akademikere",
            "Rammeudbud for personer med handicap",
            "Landsdækkende rammeudbud for faggrupper med få ledige",
            "Rammeudbud for flygtninge og indvandrere",
        ):
            councils.add_decision(
                db,
                None,
                council,
                decided_on=held_on,
                concerns=concerns,
                text=f"Rådet tilslutter sig, at regionen gennemfører: {concerns.lower()}.",
                meeting=meeting,
            )
        for year in (today.year, today.year + 1):
            contract = councils.add_contract(
                db,
                None,
                council,
                year=year,
                summary=f"Årlig kontrakt {year} mellem beskæftigelsesministeren og rådet.",
                needs=[
                    "Specialiseret indsats for ledige akademikere",
                    "Indsats for personer med handicap",
                    "Fælles indsats for faggrupper med få ledige",
                    "Indsats for flygtninge og indvandrere",
                ],
            )
            if year == today.year:
                needs[code] = [need.id for need in contract.needs]

    academics = _group(db, "Ledige akademikere")
    few = _group(db, "Faggrupper med få ledige i det enkelte jobcenter")
    disabled = _group(db, "Personer med handicap")
    refugees = _group(db, "Flygtninge og indvandrere")
    ministry = _user(db, "ministeriet@demo.dk")
    integration = _user(db, "integration@demo.dk")
    staff = {code: _user(db, email) for code, email in STAFF.items()}
    open_deadline = _cph(today + timedelta(days=45))

    def through(code, content, until):
        tender = tenders.create_tender(db, staff[code], content)
        steps = ["council", "submit", "integration", "approve", "publish"]
        for step in steps[: steps.index(until) + 1] if until else []:
            if step == "council":
                tenders.link_council_decision(
                    db, staff[code], tender, _decision_for(db, regions[code], tender)
                )
                tenders.involve_council(db, staff[code], tender)
            elif step == "submit":
                tenders.submit(db, staff[code], tender)
            elif step == "integration" and tender.concerns_integration:
                tenders.agree_integration(db, integration, tender)
            elif step == "approve":
                tenders.approve(db, ministry, tender)
            elif step == "publish":
                tenders.publish(db, staff[code], tender)
        return tender

    # A closed one: tendered in the past, its deadline has passed.
    past = today - timedelta(days=90)
    with clock.frozen_at(_cph(past, 9)):
        closed = through(
            "NJ",
            _content(
                CLOSED_TITLE,
                [academics],
                needs["NJ"][0],
                deadline=_cph(past + timedelta(days=30)),
            ),
            "publish",
        )
        _demo_bids(db, closed, ["leverandoer1@demo.dk", "leverandoer2@demo.dk"])
    open_nj = through(
        "NJ",
        _content(
            "Indsats for ledige akademikere i Nordjylland",
            [academics],
            needs["NJ"][0],
            deadline=open_deadline,
        ),
        "publish",
    )
    _demo_bids(db, open_nj, ["leverandoer1@demo.dk", "leverandoer2@demo.dk"])
    _demo_questions(db, open_nj, staff["NJ"])
    # Another open one with bids, whose deadline comes a little later.
    mentors = through(
        "NJ",
        _content(
            "Mentorforløb for ledige akademikere i Nordjylland",
            [academics],
            needs["NJ"][0],
            deadline=open_deadline + timedelta(days=5),
            lots=1,
        ),
        "publish",
    )
    _demo_bids(db, mentors, ["leverandoer1@demo.dk", "leverandoer2@demo.dk"])
    _demo_bid_states(db, open_nj, mentors)
    through(
        "NJ",
        _content(
            "Indsats for personer med handicap i Nordjylland",
            [disabled],
            needs["NJ"][1],
            deadline=open_deadline,
            lots=1,
        ),
        None,
    )
    through(
        "MJ",
        _content(
            "Indsats for personer med handicap i Midtjylland",
            [disabled],
            needs["MJ"][1],
            deadline=open_deadline,
        ),
        "council",
    )
    through(
        "SD",
        _content(
            "Indsats for flygtninge og indvandrere i Syddanmark",
            [refugees],
            needs["SD"][3],
            deadline=open_deadline,
        ),
        "submit",
    )
    through(
        "HS",
        _content(
            "Indsats for ledige akademikere i Hovedstaden og Sjælland",
            [academics],
            needs["HS"][0],
            deadline=open_deadline,
        ),
        "approve",
    )
    cancelled = through(
        "HS",
        _content(
            "Indsats for personer med handicap i Hovedstaden",
            [disabled],
            needs["HS"][1],
            deadline=open_deadline,
            lots=1,
        ),
        None,
    )
    tenders.cancel(db, staff["HS"], cancelled, "Behovet dækkes af et landsdækkende udbud.")

    # A national tender led by Midtjylland: all four councils decided; two directors agreed.
    national = tenders.create_tender(
        db,
        staff["MJ"],
        _content(
            "Landsdækkende indsats for faggrupper med få ledige",
            [few],
            needs["MJ"][2],
            deadline=open_deadline,
            scope=Scope.NATIONAL,
            lots=3,
        ),
    )
    for region in regions.values():
        tenders.link_council_decision(
            db, staff["MJ"], national, _decision_for(db, region, national)
        )
    tenders.involve_council(db, staff["MJ"], national)
    for code in ("MJ", "NJ"):
        tenders.agree_as_director(db, _user(db, DIRECTORS[code]), national)
    _demo_evaluations(db, through, _content, needs, regions, staff, [academics, few])
    db.flush()


def _decision_for(db: Session, region: Organisation, tender: Tender):
    """The council's decision on this tender, made on the day it is linked: a decision approves
    one thing only."""
    return councils.add_decision(
        db,
        None,
        region.council,
        decided_on=clock.today(),
        concerns=f"Rammeudbud: {tender.title}",
        text=f"Rådet tilslutter sig, at der gennemføres et rammeudbud: {tender.title}.",
    )


def _bid_content(tender: Tender, supplier_user: User, number: int):
    """A supplier's bid: a price for every lot, every requirement met, every criterion answered."""
    return bids.BidContent(
        prices={lot.id: Decimal(18_000 + 1_500 * number) for lot in tender.lots},
        requirements={r.id: True for r in tender.requirements},
        answers={
            c.id: f"Vores forløb ({supplier_user.organisation.name}): {c.name.lower()} "
            "sikres gennem faste mentorer, ugentlig opfølgning og samarbejde med "
            "lokale virksomheder."
            for c in tender.criteria
            if not c.is_price
        },
    )


def _demo_bids(db: Session, tender: Tender, emails: list[str]) -> None:
    """Sealed bids: each supplier prices every lot and meets every requirement."""
    for number, email in enumerate(emails, start=1):
        supplier_user = _user(db, email)
        content = _bid_content(tender, supplier_user, number)
        bids.submit(db, supplier_user, tender, content)
    if len(emails) > 1:  # the second supplier replaces its bid: two versions are kept
        second = _user(db, emails[1])
        content.prices = {lot.id: Decimal(19_250) for lot in tender.lots}
        bids.submit(db, second, tender, content)


def _demo_bid_states(db: Session, open_nj: Tender, mentors: Tender) -> None:
    """The third supplier's other bid states: a draft saved on one open tender, and a bid
    submitted and then withdrawn on another."""
    third = _user(db, "leverandoer3@demo.dk")
    bids.save_draft(db, third, open_nj, _bid_content(open_nj, third, 3))
    bids.submit(db, third, mentors, _bid_content(mentors, third, 3))
    bids.withdraw(db, third, bids.own_bid(db, third, mentors))


def _demo_questions(db: Session, tender: Tender, region_staff: User) -> None:
    asker = _user(db, "leverandoer3@demo.dk")
    answered = questions.ask(
        db, asker, tender, "Kan en leverandør byde på flere delaftaler med forskellige priser?"
    )
    questions.answer(
        db, region_staff, answered, "Ja. Angiv en enhedspris for hver delaftale, I byder på."
    )
    questions.ask(db, asker, tender, "Skal CV'er for mentorerne vedlægges tilbuddet?")


SECOND_STAFF = {code: email.replace("region.", "region2.") for code, email in STAFF.items()}
ALL_SUPPLIERS = ["leverandoer1@demo.dk", "leverandoer2@demo.dk", "leverandoer3@demo.dk"]


def _evaluate(db: Session, tender: Tender, code: str, scores: list[int]) -> None:
    """Open (after the deadline), declare, and score every bid; the clock is already moved."""
    evaluation.open_bids(db, _user(db, STAFF[code]), tender)
    evaluation.declare_no_conflict(db, _user(db, STAFF[code]), tender)
    opened = evaluation.opening_of(db, tender).bids
    for bid, value in zip(opened, scores, strict=False):
        for criterion in tender.criteria:
            if not criterion.is_price:
                evaluation.score(
                    db,
                    _user(db, STAFF[code]),
                    bid,
                    criterion.id,
                    value,
                    f"Vurderet til {value} ud fra beskrivelsen af forløbet.",
                )


def _demo_evaluations(db, through, content_for, needs, regions, staff, groups):
    """A tender under evaluation, one in standstill, and active frameworks (regional and
    national) with three suppliers per lot, each taken through every step at its own time."""
    academics, few = groups
    today = clock.today()

    # In standstill: tendered 70 days ago, awarded today.
    start = today - timedelta(days=70)
    with clock.frozen_at(_cph(start, 9)):
        standstill = through(
            "MJ",
            content_for(
                STANDSTILL_TITLE,
                [academics],
                needs["MJ"][0],
                deadline=_cph(start + timedelta(days=30)),
                lots=1,
            ),
            "publish",
        )
        _demo_bids(db, standstill, ALL_SUPPLIERS)
    with clock.frozen_at(_cph(start + timedelta(days=31), 10)):
        _evaluate(db, standstill, "MJ", [8, 6, 9])
        evaluation.propose_award(db, _user(db, STAFF["MJ"]), standstill)
    evaluation.declare_no_conflict(db, _user(db, SECOND_STAFF["MJ"]), standstill)
    evaluation.approve_award(db, _user(db, SECOND_STAFF["MJ"]), standstill)

    _demo_waiting_steps(db, through, content_for, needs, academics)

    # Under evaluation: the closed Nordjylland tender, opened and partly scored.
    closed = db.scalars(select(Tender).where(Tender.title == CLOSED_TITLE)).one()
    _evaluate(db, closed, "NJ", [7])

    # Active frameworks: a regional one in Syddanmark and a national one led by Hovedstaden.
    long_ago = today - timedelta(days=260)
    with clock.frozen_at(_cph(long_ago, 9)):
        regional_content = content_for(
            "Rammeaftale om forløb for ledige akademikere i Syddanmark",
            [academics],
            needs["SD"][0],
            deadline=_cph(long_ago + timedelta(days=30)),
        )
        # Its second lot is called off by mini-competition (app.demo.minicompetitions).
        first, *others = regional_content.lots
        regional = through(
            "SD",
            replace(
                regional_content,
                lots=[
                    first,
                    *(replace(lot, call_off_rule=CallOffRule.MINI_COMPETITION) for lot in others),
                ],
            ),
            "publish",
        )
        national = tenders.create_tender(
            db,
            staff["HS"],
            content_for(
                "Landsdækkende rammeaftale for faggrupper med få ledige",
                [few],
                needs["HS"][2],
                deadline=_cph(long_ago + timedelta(days=30)),
                scope=Scope.NATIONAL,
            ),
        )
        for region in regions.values():
            tenders.link_council_decision(
                db, staff["HS"], national, _decision_for(db, region, national)
            )
        tenders.involve_council(db, staff["HS"], national)
        for code in regions:
            tenders.agree_as_director(db, _user(db, DIRECTORS[code]), national)
        tenders.submit(db, staff["HS"], national)
        tenders.approve(db, _user(db, "ministeriet@demo.dk"), national)
        tenders.publish(db, staff["HS"], national)
        # Nordjylland's framework is a ranked cascade: a jobcentre calls off from the
        # highest-ranked supplier that can take the order, or gives its reason.
        cascade_content = content_for(
            CASCADE_TITLE,
            [academics],
            needs["NJ"][0],
            deadline=_cph(long_ago + timedelta(days=30)),
            lots=1,
        )
        cascade = through(
            "NJ",
            replace(
                cascade_content,
                lots=[
                    replace(lot, call_off_rule=CallOffRule.CASCADE) for lot in cascade_content.lots
                ],
            ),
            "publish",
        )
        for tender in (regional, national, cascade):
            _demo_bids(db, tender, ALL_SUPPLIERS)
    for tender, code in ((regional, "SD"), (national, "HS"), (cascade, "NJ")):
        with clock.frozen_at(_cph(long_ago + timedelta(days=31), 10)):
            _evaluate(db, tender, code, [9, 7, 6])
            evaluation.propose_award(db, _user(db, STAFF[code]), tender)
        with clock.frozen_at(_cph(long_ago + timedelta(days=33), 10)):
            evaluation.declare_no_conflict(db, _user(db, SECOND_STAFF[code]), tender)
            evaluation.approve_award(db, _user(db, SECOND_STAFF[code]), tender)
        with clock.frozen_at(_cph(long_ago + timedelta(days=50), 10)):
            evaluation.conclude(db, _user(db, STAFF[code]), tender)


def _demo_waiting_steps(db, through, content_for, needs, academics) -> None:
    """A step waiting for region staff in each region that has none yet: bids to open, an award
    to approve by a second person, agreements to conclude after the standstill."""
    today = clock.today()

    def tendered(code: str, title: str, days_ago: int, deadline_after: int) -> Tender:
        start = today - timedelta(days=days_ago)
        with clock.frozen_at(_cph(start, 9)):
            tender = through(
                code,
                content_for(
                    title,
                    [academics],
                    needs[code][0],
                    deadline=_cph(start + timedelta(days=deadline_after)),
                    lots=1,
                ),
                "publish",
            )
            _demo_bids(db, tender, ALL_SUPPLIERS)
        return tender

    # Hovedstaden: the deadline passed five days ago; nobody has opened the bids.
    tendered("HS", "Jobsøgningsforløb for ledige akademikere i Hovedstaden", 40, 35)

    # Syddanmark: evaluated and proposed; the award waits for a second staff member's approval.
    proposed = tendered("SD", "Virksomhedsforløb for ledige akademikere i Syddanmark", 60, 35)
    with clock.frozen_at(_cph(today - timedelta(days=20), 10)):
        _evaluate(db, proposed, "SD", [7, 8, 6])
        evaluation.propose_award(db, _user(db, STAFF["SD"]), proposed)

    # Nordjylland: approved long enough ago that the standstill is over; ready to conclude.
    approved = tendered("NJ", "Opkvalificering af ledige akademikere i Nordjylland", 90, 30)
    with clock.frozen_at(_cph(today - timedelta(days=55), 10)):
        _evaluate(db, approved, "NJ", [6, 9, 7])
        evaluation.propose_award(db, _user(db, STAFF["NJ"]), approved)
    with clock.frozen_at(_cph(today - timedelta(days=50), 10)):
        evaluation.declare_no_conflict(db, _user(db, SECOND_STAFF["NJ"]), approved)
        evaluation.approve_award(db, _user(db, SECOND_STAFF["NJ"]), approved)
