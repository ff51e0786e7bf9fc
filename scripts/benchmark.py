"""Measure the pages people use every day on a database holding the (scaled) demo data.

    APP_ENV=demo DATABASE_URL=sqlite:///instance/large.sqlite \\
        .venv/bin/flask --app wsgi demo-data --scale large
    APP_ENV=demo DATABASE_URL=sqlite:///instance/large.sqlite \\
        .venv/bin/python scripts/benchmark.py --runs 20 --markdown benchmark.md

For every page: the median and 95th percentile time through the app (the Flask test client,
so no network), and the number of SQL statements it sends; for each dashboard, beside it, the
time of the bare grouped SQL its main table needs; and orders placed per second by concurrent
clients. A measurement script, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

PAGES = [
    ("region.syddanmark@demo.dk", "/spend/", "dashboard: region"),
    ("ministeriet@demo.dk", "/spend/national", "dashboard: national"),
    ("jobcenter.odense@demo.dk", "/spend/jobcentre", "dashboard: jobcentre"),
    ("leverandoer1@demo.dk", "/spend/supplier", "dashboard: supplier"),
    ("region.syddanmark@demo.dk", "/orders", "list: orders (region)"),
    ("jobcenter.odense@demo.dk", "/frameworks", "list: frameworks"),
    ("region.syddanmark@demo.dk", "/purchases/", "list: purchases (region)"),
    ("ministeriet@demo.dk", "/spend/national/month.xlsx", "export: national per month (XLSX)"),
    ("region.syddanmark@demo.dk", "/spend/region/jobcentre.csv", "export: region jobcentres (CSV)"),
]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure_pages(app, runs: int) -> list[tuple[str, float, float, int]]:
    from app.db import db

    engine = db.engine
    results = []
    for email, url, label in PAGES:
        client = app.test_client()
        client.post("/login", data={"email": email, "password": "demo12345678"})
        client.get(url)  # warm the caches once
        times, statements = [], []

        def count(*_args, statements=statements):
            statements.append(1)

        for _ in range(runs):
            statements.clear()
            event.listen(engine, "before_cursor_execute", count)
            started = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - started
            event.remove(engine, "before_cursor_execute", count)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
            times.append(elapsed * 1000)
        results.append((label, statistics.median(times), _percentile(times, 0.95), len(statements)))
    return results


def measure_bare_sql(app, runs: int) -> list[tuple[str, float]]:
    """The grouped SQL behind each dashboard's main table, on its own."""
    from app.db import db
    from app.organisations.models import Organisation
    from app.spend import tables
    from app.spend.tables import Filters

    with app.app_context():
        session = db.session
        region = session.scalar(select(Organisation.id).where(Organisation.code == "SD"))
        odense = session.scalar(
            select(Organisation.id).where(Organisation.name == "Jobcenter Odense")
        )
        cases = [
            (
                "dashboard: region",
                lambda: tables.orders_by(session, "jobcentre", Filters(region_id=region)),
            ),
            ("dashboard: national", lambda: tables.orders_by(session, "region", Filters())),
            (
                "dashboard: jobcentre",
                lambda: tables.orders_by(session, "lot", Filters(jobcentre_id=odense)),
            ),
            (
                "dashboard: supplier",
                lambda: tables.orders_by(session, "jobcentre", Filters(supplier_id=1)),
            ),
        ]
        results = []
        for label, run in cases:
            run()
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                run()
                times.append((time.perf_counter() - started) * 1000)
            results.append((label, statistics.median(times)))
        db.session.remove()
    return results


def measure_orders_per_second(app, clients: int, per_client: int) -> float:
    """Orders placed by concurrent clients, each with its own connection, on a big lot."""
    from app import clock
    from app.auth.models import User
    from app.calloffs import services
    from app.calloffs.models import CallOff
    from app.calloffs.services import OrderInput
    from app.db import db, set_write_intent
    from app.evaluation.models import Agreement
    from app.tenders.models import Lot, Tender, TenderState

    with app.app_context():
        session = db.session
        today = clock.today()
        agreement_id = session.scalar(
            select(Agreement.id)
            .join(Lot, Agreement.lot_id == Lot.id)
            .join(Tender, Lot.tender_id == Tender.id)
            .where(
                Tender.state == TenderState.ACTIVE,
                Tender.scope == "national",
                Agreement.starts_on <= today,
                Agreement.ends_on >= today + timedelta(days=30),
            )
            .order_by(Lot.maximum_value.desc())
        )
        user_id = session.scalar(select(User.id).where(User.email == "jobcenter.aalborg@demo.dk"))
        db.session.remove()
    barrier = threading.Barrier(clients)
    errors = []

    def client(number: int) -> None:
        with app.app_context():
            try:
                with Session(db.engine) as session:
                    set_write_intent(False)
                    actor = session.get(User, user_id)
                    agreement = session.get(Agreement, agreement_id)
                    session.commit()
                    set_write_intent(True)
                    barrier.wait()
                    for i in range(per_client):
                        services.place_order(
                            session,
                            actor,
                            agreement,
                            OrderInput(
                                f"BENCH-{os.getpid()}-{number}-{i}", 1, today + timedelta(days=1)
                            ),
                        )
                        session.commit()
            except Exception as err:
                errors.append(err)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        print(f"  ({len(errors)} clients failed: {errors[0]!r})")
    with app.app_context():
        placed = db.session.scalar(
            select(func.count()).where(CallOff.case_reference.like(f"BENCH-{os.getpid()}-%"))
        )
        db.session.remove()
    return placed / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--orders-per-client", type=int, default=50)
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args()

    from app import create_app
    from app.calloffs.models import CallOff
    from app.db import db

    app = create_app({"WTF_CSRF_ENABLED": False})  # the script logs in through the form
    with app.app_context():
        orders = db.session.scalar(select(func.count()).select_from(CallOff))
        dialect = db.engine.dialect.name
        db.session.remove()
    pages = measure_pages(app, args.runs)
    bare = dict(measure_bare_sql(app, args.runs))
    rate = measure_orders_per_second(app, args.clients, args.orders_per_client)

    lines = [
        f"Database: {dialect}, {orders:,} orders; {args.runs} runs per page.",
        "",
        "| page | median ms | p95 ms | SQL statements | bare SQL ms |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, median, p95, statements in pages:
        sql = f"{bare[label]:.1f}" if label in bare else ""
        lines.append(f"| {label} | {median:.1f} | {p95:.1f} | {statements} | {sql} |")
    lines.append("")
    lines.append(f"Orders placed per second ({args.clients} concurrent clients): {rate:.0f}")
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n")


if __name__ == "__main__":
    main()
