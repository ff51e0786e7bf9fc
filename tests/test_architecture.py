"""The architecture as tests (issue 18, ARCHITECTURE.md): the top of app/ holds the factory,
configuration, database, clock and the all-models registry beside the packages, and imports run
one way, from the domains to the core. The lists of the core and the domains live in
.importlinter; import-linter (grimp) sees function-local imports as well as module-level ones."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import sys
from pathlib import Path

import grimp

import app as app_package

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / ".importlinter"
TOP_LEVEL_MODULES = {"__init__.py", "factory.py", "config.py", "db.py", "clock.py", "schema.py"}


def test_the_top_of_app_holds_only_the_factory_configuration_database_clock_and_packages():
    root = Path(app_package.__file__).parent
    modules = {path.name for path in root.glob("*.py")}
    assert modules == TOP_LEVEL_MODULES
    for folder in root.iterdir():
        if folder.is_dir() and folder.name != "__pycache__":
            assert (folder / "__init__.py").exists(), f"app/{folder.name} is not a package"


def test_importing_the_package_loads_no_more_than_the_clock():
    """A domain's `from app import clock` must not run the factory (the old import cycle)."""
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, app.clock; print(sorted(m for m in sys.modules if m.startswith('app')))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert loaded.strip() == "['app', 'app.clock']"


def _lists() -> dict[str, list[str]]:
    parser = configparser.ConfigParser()
    parser.read(CONFIG, encoding="utf-8")
    contract = parser["importlinter:contract:core-imports-no-domain"]
    return {
        name: contract_lines.split()
        for name, contract_lines in (
            ("core", contract["source_modules"]),
            ("domains", contract["forbidden_modules"]),
            ("roots", parser["architecture"]["composition_roots"]),
        )
    }


def _lint_imports() -> Path:
    beside = Path(sys.executable).with_name("lint-imports")
    found = beside if beside.exists() else shutil.which("lint-imports")
    assert found, "lint-imports is not installed (pip install -e '.[test]')"
    return Path(found)


def test_the_core_imports_no_domain():
    result = subprocess.run(
        [_lint_imports(), "--no-cache", "--no-logo", CONFIG],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    # import-linter names each offending import with its line ("app.x -> app.y (l.12)").
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_part_of_app_is_placed():
    """A new package or top-level module is a root, in the core or a domain, never nothing."""
    lists = _lists()
    placed = {name for names in lists.values() for name in names}
    graph = grimp.build_graph("app", cache_dir=None)
    tops = {".".join(module.split(".")[:2]) for module in graph.modules}
    unplaced = sorted(top for top in tops if top not in placed)
    assert not unplaced, f"Put these in .importlinter (core, domains or roots): {unplaced}"
    twice = sorted(name for name in placed if sum(name in names for names in lists.values()) > 1)
    assert not twice, f"Listed in more than one place in .importlinter: {twice}"
