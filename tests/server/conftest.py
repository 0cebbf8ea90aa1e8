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
