"""The benchmark runs from the README's commands on a fresh database and ends with the figures
intact: no lot beyond its maximum, no summary figure apart from the orders. It times nothing
here (a benchmark prints figures; it is not a test of speed)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(
    os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="the same script on SQLite is enough to keep it working; PostgreSQL is its subject",
)
def test_the_benchmark_runs_on_the_medium_data_set_and_keeps_the_rules(tmp_path):
    env = {
        **os.environ,
        "APP_ENV": "demo",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bench.sqlite'}",
    }
    env.pop("TEST_DATABASE_URL", None)

    def run(*args: str) -> str:
        done = subprocess.run(
            args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False
        )
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout

    flask = (sys.executable, "-m", "flask", "--app", "wsgi")
    run(*flask, "db", "upgrade")
    run(*flask, "demo-data")
    run(*flask, "demo-data", "--scale", "medium")
    figures = tmp_path / "medium.json"
    printed = run(
        sys.executable,
        "scripts/benchmark.py",
        "--runs=1",
        "--clients=2",
        "--orders-per-client=3",
        "--lots=2",
        "--rounds=3",
        "--seconds=1",
        f"--json={figures}",
    )
    assert "| dashboard: region |" in printed
    # The throughput part: served by gunicorn beside the bare page, and orders per second.
    assert "Served by gunicorn (2 sync workers), driven by " in printed
    assert "| req/s | ÷ bare page | worker CPU ms |" in printed
    assert "| login |" in printed and "| list: public tenders |" in printed
    assert "Afterwards 0 lots were beyond their maximum and 0 summary figures differed" in printed
    measured = json.loads(figures.read_text())
    assert measured["orders"] >= 10_000 and len(measured["pages"]) == 13
    assert measured["rates"][0] > 0 and measured["rates"][1] > 0  # orders were placed
    assert set(measured["orders_per_second"]) == {"2x1", "2x2"}
    assert measured["served"]["list: orders (region)"]["req_s"] > 0
