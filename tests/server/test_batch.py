"""Keyed reads gathered into one query (`server.store.batch`): each caller its own answer."""

from __future__ import annotations

import asyncio

import pytest

from server.exceptions import StoreUnavailable
from server.store.batch import Batched


class Reads:
    """A store that answers `key * 2` after the test lets it, failing for "bad"."""

    def __init__(self) -> None:
        self.asked: list[list[str]] = []
        self.go = asyncio.Event()

    async def read(self, keys: list[str]) -> dict[str, str]:
        self.asked.append(keys)
        await self.go.wait()
        if "bad" in keys:
            raise StoreUnavailable("the database is away")
        return {k: k * 2 for k in keys if k != "none"}


@pytest.mark.anyio
async def test_keys_asked_while_a_read_runs_share_the_next_and_each_gets_its_own() -> None:
    reads = Reads()
    batched = Batched(reads.read)
    first = asyncio.ensure_future(batched.get("a"))
    await asyncio.sleep(0)
    rest = asyncio.gather(*(batched.get(k) for k in ["b", "c", "b", "none"]))
    await asyncio.sleep(0)
    reads.go.set()
    assert await first == "aa"
    assert await rest == ["bb", "cc", "bb", None]
    assert reads.asked == [["a"], ["b", "c", "none"]]


@pytest.mark.anyio
async def test_a_failed_read_fails_its_own_callers_only() -> None:
    reads = Reads()
    batched = Batched(reads.read, most=2)
    calls = [asyncio.ensure_future(batched.get(k)) for k in ["bad", "x", "y"]]
    await asyncio.sleep(0)
    reads.go.set()
    results = await asyncio.gather(*calls, return_exceptions=True)
    assert isinstance(results[0], StoreUnavailable) and isinstance(results[1], StoreUnavailable)
    assert results[2] == "yy"
    assert await batched.get("z") == "zz"  # the next read is made as usual


@pytest.mark.anyio
async def test_a_caller_that_stops_waiting_leaves_the_others_their_answers() -> None:
    reads = Reads()
    batched = Batched(reads.read)
    gone, kept = (asyncio.ensure_future(batched.get(k)) for k in ["a", "a"])
    await asyncio.sleep(0)
    gone.cancel()
    await asyncio.sleep(0)
    reads.go.set()
    assert await kept == "aa"
    assert gone.cancelled()
