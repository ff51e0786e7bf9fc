"""Measure the pages people use every day on a database holding the (scaled) demo data.

    export APP_ENV=demo DATABASE_URL=sqlite:////tmp/large.sqlite   # or a PostgreSQL URL
    .venv/bin/flask --app wsgi db upgrade
    .venv/bin/flask --app wsgi demo-data --scale large
    .venv/bin/python scripts/benchmark.py --runs 20 --json large.json --markdown large.md
    # the same at --scale medium into another database, then the growth between the two:
    .venv/bin/python scripts/benchmark.py --runs 20 --baseline medium.json

For every page (dashboards, lists, exports): the median and 95th percentile time through the
app (the Flask test client, so no network), the SQL statements it sends, and the time of those
same statements run bare on the database driver, with the page's time as a multiple of it;
with --baseline, how time and statements grew from the baseline's run. For the largest
export also the growth of the process's memory. Then orders placed per second by concurrent
clients (processes, as gunicorn's workers are), all on one lot (they queue for its lock) and
spread over many lots. A measurement
script, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # throughput.py beside it

from sqlalchemy import event, func, select

REGION = "region.syddanmark@demo.dk"
MINISTRY = "ministeriet@demo.dk"
JOBCENTRE = "jobcenter.odense@demo.dk"
SUPPLIER = "leverandoer1@demo.dk"
PASSWORD = "demo12345678"  # noqa: S105 - the published demo password


def pages(app) -> list[tuple[str, str, str]]:
    """(login, url, label) of each page measured; two of them need a position in the data."""
    far_back, export_from = _positions(app)
    return [
        (REGION, "/spend/", "dashboard: region"),
        (MINISTRY, "/spend/national", "dashboard: national"),
        (JOBCENTRE, "/spend/jobcentre", "dashboard: jobcentre"),
        (SUPPLIER, "/spend/supplier", "dashboard: supplier"),
        (REGION, "/orders", "list: orders (region)"),
        (REGION, f"/orders?older={far_back}", "list: orders (region), far back"),
        (JOBCENTRE, "/orders?state=invoiced", "list: orders (jobcentre), invoiced"),
        (JOBCENTRE, "/frameworks", "list: frameworks"),
        (REGION, "/purchases/", "list: purchases (region)"),
        (REGION, "/spend/region/tables/supplier", "list: a dashboard table whole"),
        (MINISTRY, "/spend/national/month.xlsx", "export: national per month (XLSX)"),
        (REGION, "/spend/region/jobcentre.csv", "export: region jobcentres (CSV)"),
        (REGION, f"/orders.xlsx?from={export_from}", "export: orders (XLSX, up to 100,000)"),
    ]


#: Pages driven under gunicorn beside the bare page, besides those above that are not exports:
#: the login page and the public tender list (nobody logged in) and the region's start page.
SERVED_ONLY = [
    (None, "/login", "login"),
    (REGION, "/start", "start page: region"),
    (None, "/tenders", "list: public tenders"),
]


def served_pages(app) -> list[tuple[str | None, str, str]]:
    """Every page that is not an export, and SERVED_ONLY."""
    return SERVED_ONLY + [page for page in pages(app) if not page[2].startswith("export")]


def _positions(app) -> tuple[int, str]:
    """An order two thirds down the region's list, and the first day from which the region's
    orders fill one export (the 100,000th newest order's day, plus one)."""
    from app.auth.models import User
    from app.calloffs import services
    from app.calloffs.models import CallOff
    from app.clock import local_date
    from app.db import db

    with app.app_context():
        session = db.session
        region_user = session.scalar(select(User).where(User.email == REGION))
        visible = services.visible_orders(region_user).order_by(
            CallOff.placed_at.desc(), CallOff.id.desc()
        )
        count = session.scalar(select(func.count()).select_from(visible.subquery()))
        far_back = session.scalar(visible.with_only_columns(CallOff.id).offset(count * 2 // 3))
        edge = session.scalar(
            visible.with_only_columns(CallOff.placed_at).offset(
                min(count, services.MAX_EXPORT_ROWS) - 1
            )
        )
        db.session.remove()
    return far_back or 1, (local_date(edge) + timedelta(days=1)).isoformat()


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure_pages(app, runs: int) -> list[dict]:
    from app.db import db

    engine = db.engine
    results = []
    for email, url, label in pages(app):
        client = app.test_client()
        client.post("/login", data={"email": email, "password": PASSWORD})
        client.get(url)  # warm the caches once
        times, statements = [], []

        def keep(_conn, _cursor, statement, parameters, _context, executemany, into=statements):
            into.append((statement, parameters, executemany))

        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        for _ in range(runs):
            statements.clear()
            event.listen(engine, "before_cursor_execute", keep)
            started = time.perf_counter()
            response = client.get(url)
            response.get_data()
            elapsed = time.perf_counter() - started
            event.remove(engine, "before_cursor_execute", keep)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
            times.append(elapsed * 1000)
        grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
        results.append(
            {
                "label": label,
                "median": statistics.median(times),
                "p95": _percentile(times, 0.95),
                "statements": len(statements),
                "bare": _bare(engine, statements, runs),
                "rows": _rows_in(response) if "xlsx" in url and "orders" in url else None,
                "memory_mb": grown / 1024,
            }
        )
    return results


def _bare(engine, statements, runs: int) -> float:
    """The median time of the page's own SQL, sent again straight to the driver."""
    times = []
    connection = engine.raw_connection()
    try:
        for _ in range(max(3, runs // 2)):
            cursor = connection.cursor()
            started = time.perf_counter()
            for statement, parameters, executemany in statements:
                if executemany:
                    continue  # writes (a login's session) are not the page's reading
                cursor.execute(statement, parameters)
                if cursor.description is not None:
                    cursor.fetchall()
            times.append((time.perf_counter() - started) * 1000)
            cursor.close()
            connection.rollback()
    finally:
        connection.close()
    return statistics.median(times)


def _rows_in(response) -> int:
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(response.data), read_only=True).active
    return sum(1 for _ in sheet.iter_rows(min_row=2, values_only=True))


def _order_targets(app, lots: int) -> tuple[list[int], int]:
    """The rank-1 agreements of the largest lots of national frameworks, and the ordering users."""
    from app import clock
    from app.auth.models import User
    from app.auth.roles import JOBCENTRE_ROLES
    from app.db import db
    from app.evaluation.models import Agreement
    from app.tenders.models import Lot, Tender, TenderState

    with app.app_context():
        session = db.session
        today = clock.today()
        agreement_ids = session.scalars(
            select(Agreement.id)
            .join(Lot, Agreement.lot_id == Lot.id)
            .join(Tender, Lot.tender_id == Tender.id)
            .where(
                Tender.state == TenderState.ACTIVE,
                Tender.scope == "national",
                Agreement.rank == 1,
                Agreement.starts_on <= today,
                Agreement.ends_on >= today + timedelta(days=30),
            )
            .order_by(Lot.maximum_value.desc(), Lot.id)
            .limit(lots)
        ).all()
        # One caseworker of each jobcentre (of the demo's five), clients taking them in turn:
        # orders of one jobcentre share its monthly summary rows, and wait for each other.
        first = (
            select(func.min(User.id))
            .where(User.role.in_(JOBCENTRE_ROLES), User.active)
            .group_by(User.organisation_id)
        )
        user_ids = session.scalars(select(User.id).where(User.id.in_(first)).order_by(User.id))
        user_ids = list(user_ids)
        db.session.remove()
    return list(agreement_ids), user_ids


def _client(number, agreement_ids, user_ids, per_client, tag, barrier, failures) -> None:
    """One client in a process of its own (as a gunicorn worker is): its own app and pool."""
    from app import clock
    from app.auth.models import User
    from app.calloffs import services
    from app.calloffs.services import OrderInput
    from app.db import db, set_write_intent
    from app.evaluation.models import Agreement
    from app.factory import create_app

    app = create_app()
    with app.app_context():
        try:
            # The app's own sessions (as a request's), which keep their objects after a commit:
            # a default Session would load the actor and the agreement again for every order.
            with db.new_session() as session:
                set_write_intent(False)
                actor = session.get(User, user_ids[number % len(user_ids)])
                agreement = session.get(Agreement, agreement_ids[number % len(agreement_ids)])
                session.commit()
                set_write_intent(True)
                start = clock.today() + timedelta(days=1)
                barrier.wait()
                for i in range(per_client):
                    order = OrderInput(f"{tag}-{number}-{i}", 1, start)
                    services.place_order(session, actor, agreement, order)
                    session.commit()
        except Exception as err:  # reported, not raised: the other clients go on
            failures.put(repr(err))


def measure_order_cost(app, orders: int) -> dict:
    """One client in this process: the SQL statements and the CPU time of an order (the
    service and its commit), and the five functions that cost most, by a profile."""
    import cProfile
    import io
    import pstats

    from app import clock
    from app.auth.models import User
    from app.calloffs import services
    from app.calloffs.services import OrderInput
    from app.db import db
    from app.evaluation.models import Agreement

    agreement_ids, user_ids = _order_targets(app, 16)
    statements = []

    def count(*_args):
        statements.append(1)

    with app.app_context(), db.new_session() as session:
        actor = session.get(User, user_ids[0])
        agreements = [session.get(Agreement, i) for i in agreement_ids]
        start, tag = clock.today() + timedelta(days=1), f"COST-{time.monotonic_ns()}"

        def place(n: int, offset: int) -> None:
            for i in range(n):
                order = OrderInput(f"{tag}-{offset}-{i}", 1, start)
                services.place_order(session, actor, agreements[i % len(agreements)], order)
                session.commit()

        place(5, 0)  # warm the caches and the prepared statements
        event.listen(db.engine, "before_cursor_execute", count)
        cpu, wall = time.process_time(), time.perf_counter()
        place(orders, 1)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        event.remove(db.engine, "before_cursor_execute", count)
        profile = cProfile.Profile()
        profile.runcall(place, orders, 2)
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(5)
    return {
        "statements": len(statements) / orders,
        "cpu_ms": cpu * 1000 / orders,
        "wall_ms": wall * 1000 / orders,
        "profile": out.getvalue(),
    }


def measure_orders_per_second(app, clients: int, per_client: int, lots: int) -> float:
    """Orders placed by concurrent clients, each a process with its own connection, on the
    largest lots of national frameworks (on one lot every client queues for its lock)."""
    import multiprocessing

    from app.calloffs.models import CallOff
    from app.db import db

    agreement_ids, user_ids = _order_targets(app, lots)
    with app.app_context():
        db.engine.dispose()  # no pooled connection is carried into the forked clients
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(clients + 1)
    failures = context.Queue()
    tag = f"BENCH-{os.getpid()}-{time.monotonic_ns()}"
    workers = [
        context.Process(
            target=_client,
            args=(n, agreement_ids, user_ids, per_client, tag, barrier, failures),
        )
        for n in range(clients)
    ]
    for worker in workers:
        worker.start()
    barrier.wait()  # every client is logged in and ready: the clock starts now
    started = time.perf_counter()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    if not failures.empty():
        print(f"  (a client failed: {failures.get()})")
    with app.app_context():
        placed = db.session.scalar(
            select(func.count()).where(CallOff.case_reference.like(f"{tag}-%"))
        )
        db.session.remove()
    return placed / elapsed


def check_the_figures(app) -> tuple[int, int]:
    """After the orders: the lots whose committed amount (summed from their orders) passed the
    maximum, and the summary figures that differ from the orders and purchases."""
    from app.calloffs.models import RELEASED, CallOff
    from app.db import db
    from app.spend import totals
    from app.spend.figures import committed_ore
    from app.tenders.models import Lot

    with app.app_context():
        session = db.session
        committed = (
            select(CallOff.lot_id, func.sum(committed_ore()).label("ore"))
            .where(CallOff.state.not_in(RELEASED))
            .group_by(CallOff.lot_id)
            .subquery()
        )
        over = session.scalar(
            select(func.count())
            .select_from(Lot)
            .join(committed, committed.c.lot_id == Lot.id)
            .where(committed.c.ore > Lot.maximum_value)  # both in øre, compared in SQL
        )
        differing = len(totals.differences(session))
        db.session.remove()
    return over, differing


def _growth(now: float, before: float | None) -> str:
    return f"{now / before:.2f}×" if before else ""


def _served(served: dict, label: str) -> str:
    figures = served.get(label)
    if figures is None:
        return " | | |"
    return f" {figures['req_s']:.0f} | {figures['ratio']:.3f} | {figures['cpu_ms']:.1f} |"


def table(results: list[dict], baseline: dict | None, served: dict) -> list[str]:
    header = "| page | median ms | p95 ms | SQL statements | bare SQL ms | page ÷ SQL |"
    rule = "|---|---:|---:|---:|---:|---:|"
    if baseline:
        header += " time growth | statements growth |"
        rule += "---:|---:|"
    if served:
        header += " req/s | ÷ bare page | worker CPU ms |"
        rule += "---:|---:|---:|"
    lines = [header, rule]
    blank = "| | | | |" if baseline else "| | |"
    for label in served:
        if not any(r["label"] == label for r in results):  # served only: no test-client figures
            lines.append(f"| {label} | | | {blank}{_served(served, label)}")
    for r in results:
        line = (
            f"| {r['label']} | {r['median']:.1f} | {r['p95']:.1f} | {r['statements']} "
            f"| {r['bare']:.1f} | {r['median'] / max(r['bare'], 0.01):.1f}× |"
        )
        if baseline:
            before = baseline.get(r["label"], {})
            line += (
                f" {_growth(r['median'], before.get('median'))} "
                f"| {_growth(r['statements'], before.get('statements'))} |"
            )
        if served:
            line += _served(served, r["label"])
        lines.append(line)
    return lines


def _clients(text: str) -> list[int]:
    return [int(n) for n in text.split(",")]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--clients", type=_clients, default=[1, 4, 8], help="client counts, e.g. 1,4,8"
    )
    parser.add_argument("--orders-per-client", type=int, default=50)
    parser.add_argument("--lots", type=int, default=16, help="lots to spread the orders over")
    parser.add_argument("--rounds", type=int, default=3, help="load rounds per served page")
    parser.add_argument("--seconds", type=int, default=3, help="seconds of load per round")
    parser.add_argument("--no-serve", action="store_true", help="skip the gunicorn part")
    parser.add_argument("--profile", action="store_true", help="print an order's profile")
    parser.add_argument("--markdown", type=Path, help="write the table to this file")
    parser.add_argument("--json", type=Path, help="write the figures, for a later --baseline")
    parser.add_argument("--baseline", type=Path, help="an earlier --json, to show the growth")
    args = parser.parse_args()

    import throughput

    from app.calloffs.models import CallOff
    from app.db import db
    from app.factory import create_app

    app = create_app({"WTF_CSRF_ENABLED": False})  # the script logs in through the form
    with app.app_context():
        orders = db.session.scalar(select(func.count()).select_from(CallOff))
        dialect = db.engine.dialect.name
        version = db.session.connection().connection.dbapi_connection
        server = getattr(version, "info", None)
        if server is not None:  # 150020 is PostgreSQL 15.20
            server = f" {server.server_version // 10000}.{server.server_version % 10000}"
        else:
            server = ""
        db.session.remove()
    baseline = None
    if args.baseline:
        baseline = {r["label"]: r for r in json.loads(args.baseline.read_text())["pages"]}
    results = measure_pages(app, args.runs)
    generator, served = "", {}
    if not args.no_serve:
        with app.app_context():
            db.engine.dispose()  # the workers are processes of their own
        generator, served = throughput.measure(
            served_pages(app), PASSWORD, args.rounds, args.seconds
        )
    cost = measure_order_cost(app, max(20, args.orders_per_client))
    rates = {}
    for clients in args.clients:
        for lots in (1, args.lots):
            rates[f"{clients}x{lots}"] = measure_orders_per_second(
                app, clients, args.orders_per_client, lots
            )
    over, differing = check_the_figures(app)

    export = next((r for r in results if r["rows"] is not None), None)
    lines = [
        f"Database: {dialect}{server}, {orders:,} orders; {args.runs} runs per page; "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}.",
    ]
    if served:
        bare = statistics.median(f["bare_req_s"] for f in served.values())
        bare_cpu = statistics.median(f["bare_cpu_ms"] for f in served.values())
        lines.append(
            f"Served by gunicorn (2 sync workers), driven by {generator}, {args.rounds} rounds "
            f"of {args.seconds} s per page alternating with the bare Flask+Jinja page "
            f"({bare:.0f} req/s, {bare_cpu:.2f} ms worker CPU per request, median of all "
            f"rounds); worker CPU is user + system time from /proc over requests."
        )
    lines += ["", *table(results, baseline, served), ""]
    if export:
        lines.append(
            f"The orders export held {export['rows']:,} rows; the process grew by "
            f"{export['memory_mb']:.0f} MB while writing it {args.runs} times."
        )
    lines.append(
        f"An order (one client, in this process): {cost['statements']:.1f} SQL statements, "
        f"{cost['cpu_ms']:.1f} ms CPU, {cost['wall_ms']:.1f} ms in all with its commit."
    )
    lines += [
        "",
        f"| clients | orders/s on one lot | orders/s over {args.lots} lots |",
        "|---:|---:|---:|",
    ]
    for clients in args.clients:
        lines.append(
            f"| {clients} | {rates[f'{clients}x1']:.0f} | {rates[f'{clients}x{args.lots}']:.0f} |"
        )
    lines += [
        "",
        f"Afterwards {over} lots were beyond their maximum and {differing} summary figures "
        "differed from the orders and purchases.",
    ]
    text = "\n".join(lines)
    print(text)
    if args.profile:
        print(cost["profile"])
    if args.markdown:
        args.markdown.write_text(text + "\n")
    if args.json:
        most = args.clients[-1]
        figures = {
            "orders": orders,
            "pages": results,
            "served": served,
            "order_cost": {k: v for k, v in cost.items() if k != "profile"},
            "orders_per_second": rates,
            # the most clients', on one lot and spread (as before the 1, 4, 8 of issue 22)
            "rates": [rates[f"{most}x1"], rates[f"{most}x{args.lots}"]],
        }
        args.json.write_text(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
