"""Importing results (all lines checked, all or nothing, replaced values kept in the audit
trail), the region's limits, and each jobcentre's standing beside its region and cluster."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app import clock
from app.audit.models import AuditEntry
from app.core.errors import DomainError, NotAllowed
from app.documents.spreadsheets import LinesRejected
from app.followup import services
from app.followup.models import Indicator, Result, Standing, Threshold
from app.organisations.models import Organisation
from tests.conftest import user

SD_STAFF = "region.syddanmark@demo.dk"
HEADER = "jobcenter;periode;indikator;værdi;målgruppe;klynge"


def csv(*lines: str) -> bytes:
    return "\n".join([HEADER, *lines]).encode()


def run(db, data: bytes, email: str = SD_STAFF, name: str = "resultater.csv"):
    return services.import_results(db, user(db, email), services.read_results_file(name, data))


def stored(db) -> int:
    return db.scalar(select(func.count()).select_from(Result))


def jobcentre(db, name: str) -> Organisation:
    return db.scalars(select(Organisation).where(Organisation.name == name)).one()


def test_a_good_file_is_stored_and_a_second_replaces_what_changed(db):
    before = stored(db)
    record = run(
        db,
        csv(
            "Jobcenter Odense;2024-Q2;andel i job;41,5;;Klynge 3",
            "Svendborg;2024K2;ledighedsuger;18,25;;Klynge 2",
            "Odense;2024-Q2;andel i job;38;Personer med handicap;Klynge 3",
        ),
    )
    assert (record.lines, record.added, record.replaced) == (3, 3, 0)
    assert stored(db) == before + 3
    again = run(
        db,
        csv(
            "Odense;2024-Q2;andel i job;42,0;;Klynge 3",
            "Svendborg;2024-Q2;ledighedsuger;18,25;;Klynge 2",
        ),
    )
    assert (again.added, again.replaced) == (0, 1)  # the unchanged line changes nothing
    odense = jobcentre(db, "Jobcenter Odense")
    value = db.scalar(
        select(Result.value).where(
            Result.jobcentre_id == odense.id,
            Result.period == "2024-Q2",
            Result.target_group_key == 0,
        )
    )
    assert value == Decimal("42.00")
    entry = db.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "results.imported")
        .order_by(AuditEntry.seq.desc())
    ).first()
    assert entry.changes["replaced"] == [[odense.id, "2024-Q2", "in_work", 0, "41.50", "42.00"]]


def test_a_file_with_bad_lines_stores_nothing_and_names_every_problem_of_each_line(db):
    before = stored(db)
    with pytest.raises(LinesRejected) as rejected:
        run(
            db,
            csv(
                "Odense;2026-Q2;andel i job;41,5;;",
                "Jobcenter Aalborg;2026-Q2;andel i job;40;;",  # another region's
                "Odense;2026-Q5;lykke;-3;Ukendt gruppe;",
                "Odense;2026-Q2;andel i job;141;;",
                "Odense;2026-Q2;andel i job;41,555;;",
                "Odense;2027-Q1;andel i job;41;;",
                "Odense;;andel i job;;;",
                "Odense;2026-Q2;andel i job;41,5;;",  # the first line again
            ),
        )
    problems = dict(rejected.value.problems)
    assert "Jobcenter Aalborg is not a jobcentre of the region" in problems[3]
    assert "2026-Q5 is not a quarter" in problems[4]
    assert "lykke is not an indicator" in problems[4]
    assert "Ukendt gruppe is not a known target group" in problems[4]
    assert "141 is outside what the indicator can be" in problems[5]
    assert "at most two decimals" in problems[6]
    assert "2027-Q1 has not begun" in problems[7]
    assert "Empty: periode, værdi" in problems[8]
    assert "The same result as on line 2" in problems[9]
    assert 2 not in problems
    assert stored(db) == before


def test_a_missing_column_is_reported_on_the_header_line(db):
    with pytest.raises(LinesRejected) as rejected:
        run(db, b"jobcenter;periode;vaerdi\nOdense;2026-Q2;4")
    assert rejected.value.problems == [(1, "The header lacks the column(s): indikator.")]


def test_an_xlsx_file_with_numbers_is_read(db):
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Jobcenter", "Periode", "Indikator", "Værdi"])
    sheet.append(["Odense", "2024-Q1", "ledighedsuger", 17.5])
    data = io.BytesIO()
    book.save(data)
    record = run(db, data.getvalue(), name="resultater.xlsx")
    assert record.added == 1


def test_only_region_staff_import_and_a_file_of_another_kind_is_refused(db):
    with pytest.raises(NotAllowed):
        run(db, csv("Odense;2026-Q2;andel i job;41,5;;"), email="jobcenter.odense@demo.dk")
    with pytest.raises(DomainError, match="CSV or an XLSX"):
        run(db, b"%PDF-1.4", name="resultater.pdf")


def test_the_limits_must_put_good_beyond_weak_and_are_audited(db):
    staff = user(db, SD_STAFF)
    with pytest.raises(DomainError, match="better than the limit for weak"):
        services.set_threshold(db, staff, Indicator.IN_WORK, Decimal("40"), Decimal("35"))
    with pytest.raises(DomainError, match="better than the limit for weak"):
        services.set_threshold(db, staff, Indicator.WEEKS_UNEMPLOYED, Decimal("20"), Decimal("25"))
    with pytest.raises(DomainError, match="between 0 and 100"):
        services.set_threshold(db, staff, Indicator.IN_WORK, Decimal("40"), Decimal("101"))
    limit = services.set_threshold(db, staff, Indicator.IN_WORK, Decimal("35"), Decimal("45"))
    assert (limit.weak, limit.good) == (Decimal("35.00"), Decimal("45.00"))
    again = services.set_threshold(db, staff, Indicator.IN_WORK, Decimal("36"), Decimal("45"))
    assert again.id == limit.id
    entry = db.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "results.threshold_set")
        .order_by(AuditEntry.seq.desc())
    ).first()
    assert entry.changes["before"] == ["35.00", "45.00"]


@pytest.mark.parametrize(
    ("indicator", "value", "standing"),
    [
        (Indicator.IN_WORK, "34.99", Standing.WEAK),
        (Indicator.IN_WORK, "35.00", Standing.USUAL),  # at the weak limit: not below it
        (Indicator.IN_WORK, "44.99", Standing.USUAL),
        (Indicator.IN_WORK, "45.00", Standing.GOOD),
        (Indicator.WEEKS_UNEMPLOYED, "20.01", Standing.WEAK),
        (Indicator.WEEKS_UNEMPLOYED, "20.00", Standing.USUAL),
        (Indicator.WEEKS_UNEMPLOYED, "15.00", Standing.GOOD),
    ],
)
def test_a_standing_at_each_side_of_the_limits(indicator, value, standing):
    limits = {Indicator.IN_WORK: ("35", "45"), Indicator.WEEKS_UNEMPLOYED: ("20", "15")}
    weak, good = limits[indicator]
    threshold = Threshold(indicator=indicator, weak=Decimal(weak), good=Decimal(good))
    assert threshold.standing(Decimal(value)) == standing


def test_the_overview_shows_the_latest_quarter_and_the_standing(db):
    staff = user(db, SD_STAFF)
    run(
        db,
        csv(
            "Odense;2026-Q3;andel i job;50;;K3",
            "Odense;2026-Q4;andel i job;30;;K3",  # the latest: weak
            "Odense;2026-Q4;ledighedsuger;16;;K3",
            "Svendborg;2026-Q4;andel i job;50;;K2",
            "Svendborg;2026-Q4;ledighedsuger;14;;K2",
        ),
    )
    services.set_threshold(db, staff, Indicator.IN_WORK, Decimal("35"), Decimal("45"))
    services.set_threshold(db, staff, Indicator.WEEKS_UNEMPLOYED, Decimal("20"), Decimal("15"))
    overview = {o.jobcentre.name: o for o in services.region_overview(db, staff.organisation_id)}
    odense, svendborg = overview["Jobcenter Odense"], overview["Jobcenter Svendborg"]
    assert odense.period == "2026-Q4" and odense.values[Indicator.IN_WORK] == Decimal("30.00")
    assert odense.standing == Standing.WEAK
    assert svendborg.standing == Standing.GOOD
    assert "Jobcenter Aalborg" not in overview  # another region's


def test_a_jobcentres_figures_stand_beside_its_region_and_its_cluster(db):
    run(
        db,
        csv(
            "Odense;2026-Q2;andel i job;30;;K3",
            "Svendborg;2026-Q2;andel i job;50;;K3",
        ),
    )
    # A jobcentre of the same cluster in another region.
    run(
        db,
        b"jobcenter;periode;indikator;vaerdi;klynge\nAalborg;2026-Q2;andel i job;43;K3",
        email="region.nordjylland@demo.dk",
    )
    figures = services.figures_for(db, jobcentre(db, "Jobcenter Odense"))
    latest = next(f for f in figures if f.period == "2026-Q2" and f.indicator == Indicator.IN_WORK)
    assert latest.value == Decimal("30.00")
    region_values = db.scalars(
        select(Result.value)
        .join(Organisation, Result.jobcentre_id == Organisation.id)
        .where(
            Organisation.region_id == jobcentre(db, "Jobcenter Odense").region_id,
            Result.period == "2026-Q2",
            Result.indicator == Indicator.IN_WORK,
            Result.target_group_key == 0,
        )
    ).all()
    expected = (sum(region_values) / len(region_values)).quantize(Decimal("0.01"))
    assert latest.region_average == expected
    cluster_values = db.scalars(
        select(Result.value).where(
            Result.cluster == "K3",
            Result.period == "2026-Q2",
            Result.indicator == Indicator.IN_WORK,
            Result.target_group_key == 0,
        )
    ).all()
    assert latest.cluster_average == (sum(cluster_values) / len(cluster_values)).quantize(
        Decimal("0.01")
    )
    assert len(cluster_values) >= 3  # Odense, Svendborg and Aalborg


def test_quarters_are_read_in_the_usual_ways():
    assert services.parse_quarter("2026-Q3") == "2026-Q3"
    assert services.parse_quarter("2026K3") == "2026-Q3"
    assert services.parse_quarter(" 2026 k3 ") == "2026-Q3"
    for wrong in ("2026-Q0", "0000-Q1", "２０２６-Q1", "2126-Q1"):
        with pytest.raises(DomainError):
            services.parse_quarter(wrong)


def test_the_demo_has_four_quarters_for_every_jobcentre_with_weak_and_good_ones(db):
    from app.demo.results import GOOD, WEAK, last_quarters
    from app.organisations.models import OrganisationKind

    jobcentres = db.scalar(
        select(func.count()).where(Organisation.kind == OrganisationKind.JOBCENTRE)
    )
    quarters = last_quarters(clock.today())
    assert quarters[-1] == "2026-Q3" and len(quarters) == 4
    demo = db.scalar(
        select(func.count()).where(Result.period.in_(quarters), Result.target_group_key == 0)
    )
    assert demo >= jobcentres * len(quarters) * len(Indicator)
    standings = {}
    for region in db.scalars(select(Organisation).where(Organisation.kind == "region")):
        for row in services.region_overview(db, region.id):
            standings[row.jobcentre.name] = row.standing
    assert all(standings[name] == Standing.WEAK for name in WEAK)
    assert all(standings[name] == Standing.GOOD for name in GOOD)


def test_region_staff_manage_results_and_the_region_sees_the_overview(db):
    staff, director = user(db, SD_STAFF), user(db, "direktoer.syddanmark@demo.dk")
    odense = user(db, "jobcenter.odense@demo.dk")
    assert services.may_manage_results(staff)
    assert not services.may_manage_results(director)
    assert not services.may_manage_results(odense)
    assert services.sees_overview(staff) and services.sees_overview(director)
    assert not services.sees_overview(odense)


def test_the_recent_imports_are_the_regions_own_newest_first(db):
    record = run(db, csv("Odense;2026-Q4;andel i job;30;;"))
    assert services.recent_imports(db, user(db, SD_STAFF))[0].id == record.id
    assert record.id not in {
        r.id for r in services.recent_imports(db, user(db, "region.nordjylland@demo.dk"))
    }
    assert services.recent_imports(db, user(db, "jobcenter.odense@demo.dk")) == []
