"""The wheel carries everything the server needs at run time, not only the Python files."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_holds_templates_browser_client_migrations_and_type_marker(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(tmp_path)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("planche-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        "server/templates/board.html",
        "server/templates/start.html",
        "board_client/web/board.js",
        "board_client/web/connection.js",
        "board_client/web/board.css",
        "board_client/web/theme.js",
        "board_client/web/icons.js",
        "board_client/web/vendor/README.md",
        "board_client/web/vendor/fonts/LICENSE",
        "board_client/web/vendor/fonts/atkinson-hyperlegible-latin-400-normal.woff2",
        "board_client/web/vendor/fonts/atkinson-hyperlegible-latin-ext-700-normal.woff2",
        "board_client/web/vendor/lucide/LICENSE",
        "board_client/py.typed",
        "server/store/migrations/env.py",
        "server/store/migrations/versions/0001_initial.py",
        "facilitation_methods/catalogue/category-analysis.toml",
    }
    assert expected <= names, f"missing from the wheel: {sorted(expected - names)}"
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "planche = server.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


# imports every domain module (board, suggestions, methods, record layouts) in a fresh
# interpreter and prints which web or database libraries that loaded, directly or not
_DOMAIN_IMPORTS = """
import importlib, pkgutil, sys
import facilitation_methods, server.board, server.suggest
for package in (server.board, server.suggest, facilitation_methods):
    for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        importlib.import_module(module.name)
for name in ("server.exports.records", "server.exports.charts", "server.exports.markdown",
             "server.exports.summary"):
    importlib.import_module(name)
facilitation_methods.load_catalogue()
forbidden = {"starlette", "redis", "sqlalchemy", "sqlmodel", "websockets", "uvicorn"}
print(sorted({m.split(".")[0] for m in sys.modules} & forbidden))
"""


def test_domain_code_imports_no_web_or_database_library() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _DOMAIN_IMPORTS],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "[]", done.stdout
