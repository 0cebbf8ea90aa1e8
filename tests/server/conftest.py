from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.server.stores import FlakyStore


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[FlakyStore]:
    """An open SQLite store in the test's own directory (commits succeed unless told)."""
    opened = FlakyStore(f"sqlite:///{tmp_path / 'store.db'}")
    await opened.open()
    yield opened
    await opened.close()


@pytest.fixture(params=["sqlite", "postgres"])
async def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[FlakyStore]:
    """The store contract holds on every backend: SQLite, and a real Postgres."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    opened = FlakyStore(url)
    await opened.open()
    yield opened
    await opened.close()
