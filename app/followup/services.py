"""The rules of results: importing indicators (all lines checked first, then all or nothing),
the region's thresholds, and each jobcentre's standing against them, its region and the
jobcentres comparable to it.

The results file (CSV or XLSX, a header row, columns in any order):
    jobcenter · periode (2026-Q3, 2026K3) · indikator (andel i job | ledighedsuger)
    · værdi (45,3) · målgruppe (optional; empty: all) · klynge (optional)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import BigInteger, Select, false, func, select, type_coerce
from sqlalchemy.orm import Session

from app import clock
from app.audit import services as audit
from app.auth.models import User
from app.auth.roles import JOBCENTRE_ROLES, Role
from app.core.errors import DomainError, NotAllowed
from app.core.i18n import gettext as _
from app.db import lock_row
from app.documents.spreadsheets import LinesRejected, Table, find_columns, read_table
from app.followup.models import Indicator, Result, ResultImport, Standing, Threshold
from app.organisations.models import Organisation, OrganisationKind
from app.targetgroups.models import TargetGroup
from app.web.fields import parse_kroner

MAX_LINES = 5_000
COLUMNS = {
    "jobcentre": ("jobcenter", "jobcentre"),
    "period": ("periode", "period", "kvartal"),
    "indicator": ("indikator", "indicator"),
    "value": ("værdi", "vaerdi", "value"),
    "target_group": ("målgruppe", "maalgruppe", "target group"),
    "cluster": ("klynge", "cluster"),
}
REQUIRED = ("jobcentre", "period", "indicator", "value")
INDICATOR_NAMES = {
    "andel i job": Indicator.IN_WORK,
    "andel i job efter indsats": Indicator.IN_WORK,
    "in_work": Indicator.IN_WORK,
    "share in work": Indicator.IN_WORK,
    "ledighedsuger": Indicator.WEEKS_UNEMPLOYED,
    "ledighedsvarighed": Indicator.WEEKS_UNEMPLOYED,
    "weeks_unemployed": Indicator.WEEKS_UNEMPLOYED,
    "weeks unemployed": Indicator.WEEKS_UNEMPLOYED,
}
QUARTER = re.compile(r"^((?:19|20)[0-9]{2})\s*[-_ ]?\s*[QqKk]([1-4])$", re.ASCII)
#: A share is at most 100 %; a length of unemployment at most ten years of weeks.
MOST = {Indicator.IN_WORK: Decimal(100), Indicator.WEEKS_UNEMPLOYED: Decimal(520)}


def parse_quarter(text: str) -> str:
    """2026-Q3, 2026K3 or 2026 K3 as 2026-Q3."""
    found = QUARTER.match(text.strip())
    if not found:
        raise DomainError(_("%(value)s is not a quarter (write 2026-Q3).", value=text))
    return f"{found[1]}-Q{found[2]}"


def quarter_start(period: str) -> date:
    year, quarter = period.split("-Q")
    return date(int(year), 3 * (int(quarter) - 1) + 1, 1)


def quarter_label(period: str) -> str:
    """2026-Q3 as people read it: 3. kvartal 2026."""
    year, quarter = period.split("-Q")
    return _("Q%(q)s %(year)s", q=quarter, year=year)


def _value(text: str, indicator: Indicator | None) -> Decimal:
    try:
        value = parse_kroner(text.replace("%", ""))  # any number written the Danish way
    except ValueError:
        raise DomainError(_("%(value)s is not a number (write 45,3).", value=text)) from None
    if value != value.quantize(Decimal("0.01")):
        raise DomainError(_("A value has at most two decimals."))
    if value < 0 or (indicator is not None and value > MOST[indicator]):
        raise DomainError(_("%(value)s is outside what the indicator can be.", value=text))
    return value.quantize(Decimal("0.01"))


@dataclass(frozen=True)
class ResultLine:
    number: int
    jobcentre_id: int
    period: str
    indicator: Indicator
    target_group_id: int | None
    value: Decimal
    cluster: str

    @property
    def key(self) -> tuple:
        return (self.jobcentre_id, self.period, self.indicator, self.target_group_id or 0)


def _jobcentre_names(db: Session, region_id: int) -> dict[str, int]:
    """The region's jobcentres by name, with and without the word Jobcenter."""
    names = {}
    for jobcentre in db.scalars(
        select(Organisation).where(
            Organisation.kind == OrganisationKind.JOBCENTRE, Organisation.region_id == region_id
        )
    ):
        name = jobcentre.name.lower()
        names[name] = jobcentre.id
        names[name.removeprefix("jobcenter ").strip()] = jobcentre.id
    return names


def read_results_file(name: str, data: bytes) -> Table:
    """The uploaded results file as rows, before anything is written (no database)."""
    return read_table(name, data, MAX_LINES)


def read_results(db: Session, region_id: int, table: Table) -> list[ResultLine]:
    """Every line of the file as a result of one of the region's jobcentres; every problem of
    every line at once, by line number."""
    rows = table.rows
    columns = find_columns(rows[0], COLUMNS, REQUIRED)
    jobcentres = _jobcentre_names(db, region_id)
    groups = {g.name.lower(): g.id for g in db.scalars(select(TargetGroup))}
    lines, problems, seen = [], [], {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(row):
            continue
        value = {key: (row[i].strip() if i < len(row) else "") for key, i in columns.items()}
        messages = _line_problems(value, jobcentres, groups)
        if messages:
            problems.append((number, " ".join(messages)))
            continue
        indicator = INDICATOR_NAMES[value["indicator"].lower()]
        line = ResultLine(
            number=number,
            jobcentre_id=jobcentres[value["jobcentre"].lower()],
            period=parse_quarter(value["period"]),
            indicator=indicator,
            target_group_id=groups.get(value.get("target_group", "").lower()),
            value=_value(value["value"], indicator),
            cluster=value.get("cluster", "")[:60],
        )
        if line.key in seen:
            problems.append((number, _("The same result as on line %(n)d.", n=seen[line.key])))
            continue
        seen[line.key] = number
        lines.append(line)
    if problems:
        raise LinesRejected(problems)
    if not lines:
        raise DomainError(_("The file holds no results."))
    return lines


def _line_problems(value: dict, jobcentres: dict, groups: dict) -> list[str]:
    empty = [COLUMNS[key][0] for key in REQUIRED if not value[key]]
    if empty:
        return [_("Empty: %(names)s.", names=", ".join(empty))]
    messages = []
    if value["jobcentre"].lower() not in jobcentres:
        messages.append(_("%(value)s is not a jobcentre of the region.", value=value["jobcentre"]))
    indicator = INDICATOR_NAMES.get(value["indicator"].lower())
    if indicator is None:
        messages.append(
            _(
                "%(value)s is not an indicator (andel i job, ledighedsuger).",
                value=value["indicator"],
            )
        )
    group = value.get("target_group", "")
    if group and group.lower() not in groups:
        messages.append(_("%(value)s is not a known target group.", value=group))
    for check in (
        lambda: require_begun(parse_quarter(value["period"])),
        lambda: _value(value["value"], indicator),
    ):
        try:
            check()
        except DomainError as err:
            messages.append(str(err))
    return messages


def require_begun(period: str) -> None:
    if quarter_start(period) > clock.today():
        raise DomainError(
            _("%(quarter)s has not begun; it can have no results yet.", quarter=period)
        )


def may_manage_results(user: User) -> bool:
    """Region staff import the results and set the region's limits."""
    return user.role == Role.REGION_STAFF


def sees_overview(user: User) -> bool:
    """The region's staff and director see the overview of its jobcentres (a jobcentre sees
    its own results)."""
    return user.role in (Role.REGION_STAFF, Role.REGIONAL_DIRECTOR)


def _region_staff_of(actor: User) -> Organisation:
    if not may_manage_results(actor):
        raise NotAllowed(_("Only region staff can do this."))
    return actor.organisation


def import_results(db: Session, actor: User, table: Table) -> ResultImport:
    """Check every line of a file read before (read_results_file), then store them: a result
    already known for the same jobcentre, quarter, indicator and target group is replaced (the
    audit trail keeps the old value)."""
    region = lock_row(db, Organisation, _region_staff_of(actor).id)  # one import at a time
    lines = read_results(db, region.id, table)
    record = ResultImport(
        region_id=region.id,
        filename=table.filename,
        sha256=table.sha256,
        lines=len(lines),
        added=0,
        replaced=0,
        imported_by_id=actor.id,
        imported_at=clock.now(),
    )
    db.add(record)
    db.flush()
    known = _known(db, lines)
    replaced = []
    for line in lines:
        existing = known.get(line.key)
        if existing is None:
            db.add(
                Result(
                    jobcentre_id=line.jobcentre_id,
                    period=line.period,
                    indicator=line.indicator,
                    target_group_id=line.target_group_id,
                    target_group_key=line.target_group_id or 0,
                    value=line.value,
                    cluster=line.cluster,
                    import_id=record.id,
                )
            )
            record.added += 1
            continue
        if (existing.value, existing.cluster) != (line.value, line.cluster):
            replaced.append([*line.key[:3], line.key[3], str(existing.value), str(line.value)])
            existing.value, existing.cluster, existing.import_id = (
                line.value,
                line.cluster,
                record.id,
            )
            record.replaced += 1
    db.flush()
    audit.record(
        db,
        actor,
        "results.imported",
        record,
        {
            "file": record.filename,
            "lines": record.lines,
            "added": record.added,
            # [jobcentre, quarter, indicator, target group (0: all), old value, new value]
            "replaced": replaced,
        },
    )
    return record


def _known(db: Session, lines: list[ResultLine]) -> dict[tuple, Result]:
    jobcentres = {line.jobcentre_id for line in lines}
    periods = {line.period for line in lines}
    found = db.scalars(
        select(Result).where(Result.jobcentre_id.in_(jobcentres), Result.period.in_(periods))
    )
    return {(r.jobcentre_id, r.period, r.indicator, r.target_group_key): r for r in found}


# --- thresholds -------------------------------------------------------------------------------


def thresholds_of(db: Session, region_id: int) -> dict[Indicator, Threshold]:
    return {
        t.indicator: t
        for t in db.scalars(select(Threshold).where(Threshold.region_id == region_id))
    }


def set_threshold(
    db: Session, actor: User, indicator: Indicator, weak: Decimal, good: Decimal
) -> Threshold:
    """The region's limits for an indicator; good must lie beyond weak."""
    region = _region_staff_of(actor)
    for value in (weak, good):
        if value < 0 or value > MOST[indicator]:
            raise DomainError(_("A limit must lie between 0 and %(most)s.", most=MOST[indicator]))
        if value != value.quantize(Decimal("0.01")):
            raise DomainError(_("A value has at most two decimals."))
    weak, good = weak.quantize(Decimal("0.01")), good.quantize(Decimal("0.01"))
    better = good > weak if indicator.higher_is_better else good < weak
    if not better:
        raise DomainError(
            _("The limit for good results must be better than the limit for weak results.")
        )
    threshold = db.scalar(
        select(Threshold).where(Threshold.region_id == region.id, Threshold.indicator == indicator)
    )
    before = None if threshold is None else [str(threshold.weak), str(threshold.good)]
    if threshold is None:
        threshold = Threshold(region_id=region.id, indicator=indicator)
        db.add(threshold)
    threshold.weak, threshold.good = weak, good
    threshold.set_by_id, threshold.set_at = actor.id, clock.now()
    db.flush()
    audit.record(
        db,
        actor,
        "results.threshold_set",
        threshold,
        {"indicator": indicator.value, "before": before, "after": [str(weak), str(good)]},
    )
    return threshold


# --- standings --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One indicator for a jobcentre in a quarter, beside its region and its cluster."""

    period: str
    indicator: Indicator
    value: Decimal
    region_average: Decimal | None
    cluster_average: Decimal | None
    cluster: str
    standing: Standing | None  # None where the region has set no threshold


def _hundredths(raw) -> Decimal | None:
    if raw is None:
        return None
    return (Decimal(raw) / 100).quantize(Decimal("0.01"))


def _averages(db: Session, key_column, where) -> dict[tuple, Decimal]:
    """The average value per (key, period, indicator) over all jobcentres, all target groups."""
    raw = type_coerce(Result.value, BigInteger)
    rows = db.execute(
        select(key_column, Result.period, Result.indicator, func.avg(raw))
        .join(Organisation, Result.jobcentre_id == Organisation.id)
        .where(Result.target_group_key == 0, where)
        .group_by(key_column, Result.period, Result.indicator)
    )
    return {(key, period, indicator): _hundredths(avg) for key, period, indicator, avg in rows}


def figures_for(db: Session, jobcentre: Organisation) -> list[Figure]:
    """The jobcentre's results for all its unemployed, quarter by quarter (newest first), each
    beside the region's average and its cluster's national average; a fixed number of queries."""
    own = db.scalars(
        select(Result)
        .where(Result.jobcentre_id == jobcentre.id, Result.target_group_key == 0)
        .order_by(Result.period.desc(), Result.indicator)
    ).all()
    regional = _averages(db, Organisation.region_id, Organisation.region_id == jobcentre.region_id)
    clusters = {r.cluster for r in own if r.cluster}
    national = _averages(db, Result.cluster, Result.cluster.in_(clusters)) if clusters else {}
    thresholds = thresholds_of(db, jobcentre.region_id)
    return [
        Figure(
            period=r.period,
            indicator=r.indicator,
            value=r.value,
            region_average=regional.get((jobcentre.region_id, r.period, r.indicator)),
            cluster_average=national.get((r.cluster, r.period, r.indicator)),
            cluster=r.cluster,
            standing=thresholds[r.indicator].standing(r.value)
            if r.indicator in thresholds
            else None,
        )
        for r in own
    ]


@dataclass(frozen=True)
class Overview:
    """A jobcentre's latest results and what they mean for its follow-up."""

    jobcentre: Organisation
    period: str | None
    values: dict[Indicator, Decimal]
    standings: dict[Indicator, Standing]

    @property
    def standing(self) -> Standing | None:
        """Weak if any indicator is weak, good if every one is good, else usual."""
        if not self.standings:
            return None
        found = set(self.standings.values())
        if Standing.WEAK in found:
            return Standing.WEAK
        if found == {Standing.GOOD} and len(self.standings) == len(Indicator):
            return Standing.GOOD
        return Standing.USUAL


def region_overview(db: Session, region_id: int) -> list[Overview]:
    """Each of the region's jobcentres with its latest quarter's results and standing; in a
    fixed number of queries."""
    jobcentres = db.scalars(
        select(Organisation)
        .where(Organisation.kind == OrganisationKind.JOBCENTRE, Organisation.region_id == region_id)
        .order_by(Organisation.name)
    ).all()
    latest = (
        select(Result.jobcentre_id, func.max(Result.period).label("period"))
        .join(Organisation, Result.jobcentre_id == Organisation.id)
        .where(Organisation.region_id == region_id, Result.target_group_key == 0)
        .group_by(Result.jobcentre_id)
        .subquery()
    )
    rows = db.scalars(
        select(Result)
        .join(
            latest,
            (latest.c.jobcentre_id == Result.jobcentre_id) & (latest.c.period == Result.period),
        )
        .where(Result.target_group_key == 0)
    ).all()
    thresholds = thresholds_of(db, region_id)
    by_jobcentre: dict[int, list[Result]] = {}
    for row in rows:
        by_jobcentre.setdefault(row.jobcentre_id, []).append(row)
    overview = []
    for jobcentre in jobcentres:
        found = by_jobcentre.get(jobcentre.id, [])
        overview.append(
            Overview(
                jobcentre=jobcentre,
                period=found[0].period if found else None,
                values={r.indicator: r.value for r in found},
                standings={
                    r.indicator: thresholds[r.indicator].standing(r.value)
                    for r in found
                    if r.indicator in thresholds
                },
            )
        )
    return overview


def standing_of(db: Session, jobcentre: Organisation) -> Standing | None:
    """The jobcentre's standing on its latest quarter, as the region's overview shows it."""
    overview = region_overview(db, jobcentre.region_id)
    return next((o.standing for o in overview if o.jobcentre.id == jobcentre.id), None)


def may_see_results(user: User, jobcentre: Organisation) -> bool:
    """The jobcentre's own staff, and the staff and director of its region."""
    if user.role in JOBCENTRE_ROLES:
        return user.organisation_id == jobcentre.id
    if user.role in (Role.REGION_STAFF, Role.REGIONAL_DIRECTOR):
        return user.organisation_id == jobcentre.region_id
    return False


def visible_imports(user: User) -> Select:
    if user.role in (Role.REGION_STAFF, Role.REGIONAL_DIRECTOR):
        return select(ResultImport).where(ResultImport.region_id == user.organisation_id)
    return select(ResultImport).where(false())


def recent_imports(db: Session, user: User, limit: int = 10) -> list[ResultImport]:
    """The newest imports of results the user may see."""
    return list(
        db.scalars(
            visible_imports(user)
            .order_by(ResultImport.imported_at.desc(), ResultImport.id.desc())
            .limit(limit)
        )
    )
