"""The top of app/ shows the architecture: the factory, configuration, database, clock and the
all-models registry, beside the packages."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import app as app_package

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


def test_the_core_imports_no_domain():
    """app/core is what domains share: it may lean on the configuration, database and clock,
    never on a domain (imports run domains -> core)."""
    allowed = ("app.core", "app.config", "app.db", "app.clock")
    root = Path(app_package.__file__).parent / "core"
    wrong = []
    for path in sorted(root.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
                if node.module == "app":
                    names = [f"app.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            for name in names:
                if (name == "app" or name.startswith("app.")) and not name.startswith(allowed):
                    wrong.append(f"{path.name}: {name}")
    assert wrong == []
