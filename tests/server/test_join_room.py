"""Joining from behind one address, with the default limits: a meeting room whose people
mistype gets in, a guesser is held to its budget, and concurrent guesses cannot overtake it.
Every client here is 127.0.0.1, as a room behind one router shares one public address."""

from __future__ import annotations

import asyncio
import random
import sqlite3
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from server.config import Config
from server.http.ratelimit import JoinGuard, Refused
from server.ids import JOIN_CODE_SPACE
from tests.conftest import RunningServer, timeout
from tests.wire import get_state, new_board

pytestmark = pytest.mark.anyio

DEFAULTS = Config()
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
LIVE_BOARDS = 10_000  # what the limits are designed for (docs/security.md)


@pytest.fixture
def room_server(tmp_path: Path) -> Iterator[RunningServer]:
    """A server of the test's own with the default join limits: its budgets start full."""
    running = RunningServer(tmp_path)
    running.start()
    yield running
    running.stop()


def mistyped(code: str, rng: random.Random) -> str:
    """The code as a person gets it wrong: one character misread, left out, or two swapped."""
    chars = list(code.replace("-", ""))
    while True:
        typo = chars.copy()
        i = rng.randrange(len(typo) - 1)
        match rng.choice(("misread", "left out", "swapped")):
            case "misread":
                typo[i] = rng.choice(ALPHABET)
            case "left out":
                del typo[i]
            case "swapped":
                typo[i], typo[i + 1] = typo[i + 1], typo[i]
        if typo != chars:
            return "".join(typo)


def as_typed(code: str, rng: random.Random) -> str:
    """The right code as people type it off the projector: any case, dashes or spaces."""
    plain = code.replace("-", "")
    return rng.choice((code, code.lower(), plain, plain.lower(), code.replace("-", " ")))


async def wrong_codes(
    http: httpx.AsyncClient, count: int, concurrent: bool
) -> tuple[Counter[int], float]:
    """Sends `count` wrong codes as fast as it can; the answers' statuses and the seconds it
    took (for the budget's refill during the run)."""
    codes = [f"{i:09d}".translate(str.maketrans("0123456789", "ZYXWVTSRQP")) for i in range(count)]
    started = time.monotonic()

    async def guess(code: str) -> int:
        answer = await http.post("/api/join", json={"code": code, "name": "Guess"})
        if answer.status_code == 429:
            assert int(answer.headers["retry-after"]) >= 1
        return answer.status_code

    if concurrent:
        statuses = await asyncio.gather(*(guess(c) for c in codes))
    else:
        statuses = [await guess(c) for c in codes]
    return Counter(statuses), time.monotonic() - started


def budget(seconds: float) -> int:
    """Codes one address may have checked within `seconds` from a full budget."""
    return DEFAULTS.join_guess_burst + int(seconds * DEFAULTS.join_guesses_per_minute / 60)


async def test_a_room_of_70_behind_one_address_all_get_in_though_20_mistype_twice(
    room_server: RunningServer,
) -> None:
    rng = random.Random(13)
    board = await new_board(room_server)
    code = board["join_code"]
    answers: list[int] = []

    async def person(n: int, mistakes: int) -> None:
        async with httpx.AsyncClient(base_url=room_server.url, timeout=timeout(30)) as phone:
            for _ in range(mistakes):
                typo = await phone.post(
                    "/api/join", json={"code": mistyped(code, rng), "name": f"Person {n}"}
                )
                answers.append(typo.status_code)
            joined = await phone.post(
                "/api/join", json={"code": as_typed(code, rng), "name": f"Person {n}"}
            )
            assert joined.status_code == 200, joined.text

    # everyone at once, as when the facilitator says "join now"
    await asyncio.gather(*(person(n, 2 if n < 20 else 0) for n in range(70)))
    assert answers == [404] * 40  # every typo was checked and answered, none held back
    state = await get_state(room_server, board["id"], board["facilitator_token"])
    names = {p["name"] for p in state["state"]["participants"].values()}
    assert {f"Person {n}" for n in range(70)} <= names


async def test_a_code_issued_before_codes_grew_to_nine_characters_still_opens_its_board(
    room_server: RunningServer,
) -> None:
    board = await new_board(room_server)
    with sqlite3.connect(room_server.db_path) as db:  # a database from the earlier version
        db.execute("UPDATE boards SET join_code = 'K7QD-M2XH' WHERE id = ?", (board["id"],))
    async with httpx.AsyncClient(base_url=room_server.url, timeout=timeout(10)) as http:
        for typed in ("K7QD-M2XH", "k7qd m2xh", "K7QDM2XH"):
            answer = await http.post("/api/join", json={"code": typed, "name": "Old"})
            assert answer.status_code == 200, answer.text
            assert answer.json()["board_id"] == board["id"]


async def test_a_guessing_loop_from_one_address_has_no_more_codes_checked_than_its_budget(
    room_server: RunningServer,
) -> None:
    board = await new_board(room_server)
    async with httpx.AsyncClient(base_url=room_server.url, timeout=timeout(10)) as http:
        statuses, seconds = await wrong_codes(http, 300, concurrent=False)
        checked = statuses[404]
        assert set(statuses) == {404, 429}
        assert DEFAULTS.join_guess_burst <= checked <= budget(seconds)
        # over its budget the address has no code checked, not even a right one: otherwise
        # the guesser would go on guessing and only wait when it was right
        right = await http.post("/api/join", json={"code": board["join_code"], "name": "G"})
        assert right.status_code == 429
        assert "Too many wrong codes" in right.json()["error"]["message"]


async def test_a_thousand_concurrent_wrong_codes_have_no_more_checked_than_the_budget(
    room_server: RunningServer,
) -> None:
    limits = httpx.Limits(max_connections=1000, max_keepalive_connections=1000)
    async with httpx.AsyncClient(
        base_url=room_server.url, timeout=timeout(60), limits=limits
    ) as http:
        statuses, seconds = await wrong_codes(http, 1000, concurrent=True)
    assert set(statuses) == {404, 429}
    assert DEFAULTS.join_guess_burst <= statuses[404] <= budget(seconds)


async def test_a_room_gets_in_after_someone_in_it_spent_the_budget(
    room_server: RunningServer,
) -> None:
    board = await new_board(room_server)
    async with httpx.AsyncClient(base_url=room_server.url, timeout=timeout(10)) as http:
        first = await http.post("/api/join", json={"code": board["join_code"], "name": "First"})
        assert first.status_code == 200
        statuses, _ = await wrong_codes(http, DEFAULTS.join_guess_burst + 5, concurrent=False)
        assert statuses[429] >= 5
        # the code someone here was let in with is still checked: it tells a guesser nothing
        for n in range(10):
            late = await http.post(
                "/api/join", json={"code": board["join_code"], "name": f"Late {n}"}
            )
            assert late.status_code == 200, late.text


async def test_one_address_needs_centuries_and_a_thousand_need_years_to_hit_a_live_board() -> None:
    """The arithmetic of docs/security.md, run: a guesser that waits exactly as long as each
    429 says, for a year of a fake clock, with the default limits and the real code length."""
    now = [0.0]
    guard = JoinGuard(DEFAULTS, lambda: now[0])
    year = 365 * 86_400
    checked = 0
    while now[0] < year:
        try:
            (await guard.admit("198.51.100.7", f"GUE-SSS-{checked % 1000:03d}")).wrong()
            checked += 1
        except Refused as e:
            now[0] += e.retry_after
    assert checked <= 366 * DEFAULTS.join_guesses_per_day + DEFAULTS.join_guess_burst
    years_to_expected_hit = JOIN_CODE_SPACE / LIVE_BOARDS / checked
    assert years_to_expected_hit > 1000  # one address
    assert years_to_expected_hit / 1000 > 1  # a thousand addresses
