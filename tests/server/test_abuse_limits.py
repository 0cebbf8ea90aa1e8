"""Abuse limits against a real server: join-code guessing, join floods, connections per
address, dead connections, cross-site form posts, and the security headers."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.client import ClientProtocol
from websockets.exceptions import InvalidStatus
from websockets.uri import parse_uri

from server.config import Config
from server.http.ratelimit import JoinGuard, Refused
from tests.conftest import RunningServer, timeout
from tests.timing import eventually
from tests.wire import Peers, join, new_board, post

pytestmark = pytest.mark.anyio


@pytest.fixture
def strict_server(tmp_path: Path) -> Iterator[RunningServer]:
    """A server with small limits, so that a test reaches each of them quickly."""
    running = RunningServer(
        tmp_path,
        (
            "--join-guess-burst", "3",
            "--joins-per-code-per-minute", "2",
            "--connections-per-address", "3",
            "--ping-interval", "1",
            "--ping-timeout", "1",
            "--hello-timeout", "1",
            "--boards-per-address-per-hour", "3",
        ),
    )  # fmt: skip
    running.start()
    yield running
    running.stop()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_wrong_codes_spend_a_budget_that_refills_and_right_codes_spend_nothing() -> None:
    clock = Clock()
    guard = JoinGuard(Config(join_guess_burst=3, join_guesses_per_minute=2), clock)
    (await guard.admit("10.0.0.9", "RIG-HTC-ODE")).found()  # a right code: nothing spent
    for i in range(3):
        (await guard.admit("10.0.0.9", f"WRO-NGC-OD{i}")).wrong()
    with pytest.raises(Refused, match="Try again in 30 seconds") as refused:
        await guard.admit("10.0.0.9", "WRO-NGC-OD9")
    assert refused.value.retry_after == 30  # one guess back at 2 a minute
    # another address is not affected; the code this one joined with is still checked
    (await guard.admit("10.0.0.10", "WRO-NGC-OD9")).wrong()
    (await guard.admit("10.0.0.9", "RIG-HTC-ODE")).found()
    with pytest.raises(Refused):  # any other, even a right one, is not checked at all
        await guard.admit("10.0.0.9", "OTH-ERB-OAR")
    clock.now += 30
    (await guard.admit("10.0.0.9", "OTH-ERB-OAR")).found()


async def test_an_ipv6_network_counts_as_one_address() -> None:
    guard = JoinGuard(Config(join_guess_burst=2), Clock())
    (await guard.admit("2001:db8:1:2::1", "WRO-NGC-OD1")).wrong()
    (await guard.admit("2001:db8:1:2:ffff::9", "WRO-NGC-OD2")).wrong()
    with pytest.raises(Refused):
        await guard.admit("2001:db8:1:2::abcd", "WRO-NGC-OD3")
    (await guard.admit("2001:db8:1:3::1", "WRO-NGC-OD3")).wrong()  # the next /64: another


async def test_a_code_waits_for_those_being_looked_up_to_prove_right_or_wrong() -> None:
    guard = JoinGuard(Config(join_guess_burst=2), Clock())
    first = await guard.admit("10.0.0.9", "RIG-HTC-ODE")
    second = await guard.admit("10.0.0.9", "WRO-NGC-OD1")
    third = asyncio.create_task(guard.admit("10.0.0.9", "RIG-HTC-ODE"))
    await asyncio.sleep(0)
    assert not third.done()  # neither checked nor refused while the first two are pending
    first.found()  # a right code: its guess comes back and the third may be checked
    (await third).found()
    second.wrong()
    fourth = await guard.admit("10.0.0.9", "WRO-NGC-OD2")
    fifth = asyncio.create_task(guard.admit("10.0.0.9", "WRO-NGC-OD3"))
    await asyncio.sleep(0)
    fourth.wrong()  # nothing came back: the waiting one is refused
    with pytest.raises(Refused):
        await fifth


async def test_guessing_codes_is_answered_with_429_and_then_no_code_is_checked(
    strict_server: RunningServer,
) -> None:
    ours, other = await new_board(strict_server), await new_board(strict_server)
    await join(strict_server, ours["join_code"], "First in")
    statuses = []
    for i in range(6):
        answer = await post(strict_server, "/api/join", {"code": f"ZZZ-ZZZ-ZZ{i}", "name": "X"})
        statuses.append(answer.status_code)
    assert statuses == [404, 404, 404, 429, 429, 429]
    assert int(answer.headers["retry-after"]) > 0
    assert "Try again in" in answer.json()["error"]["message"]
    # a right code this address has not joined with is not even checked: that is what stops
    # a guesser; the code someone here joined with still lets the rest of the room in
    refused = await post(strict_server, "/api/join", {"code": other["join_code"], "name": "X"})
    assert refused.status_code == 429
    await join(strict_server, ours["join_code"].lower(), "Second in")


async def test_a_flood_of_joins_through_one_code_is_held_back(
    strict_server: RunningServer,
) -> None:
    board = await new_board(strict_server)
    await join(strict_server, board["join_code"], "En")
    await join(strict_server, board["join_code"], "To")
    third = await post(strict_server, "/api/join", {"code": board["join_code"], "name": "Tre"})
    assert third.status_code == 429
    assert "Very many people are joining" in third.json()["error"]["message"]


async def test_connections_beyond_the_limit_per_address_are_refused_with_429(
    strict_server: RunningServer, peers: Peers
) -> None:
    board = await new_board(strict_server)
    token = board["facilitator_token"]
    opened = [await peers(strict_server, board["id"], token) for _ in range(3)]
    with pytest.raises(InvalidStatus) as refused:
        await connect(f"{strict_server.ws_url}/ws/boards/{board['id']}")
    assert refused.value.response.status_code == 429
    assert b"Too many open connections" in refused.value.response.body
    await opened[0].close()

    async def let_in() -> bool:  # once the server has seen the close
        try:
            return (await peers(strict_server, board["id"], token)).welcome["type"] == "welcome"
        except InvalidStatus as e:
            assert e.response.status_code == 429
            return False

    await eventually(let_in, "a place freed by the closed connection")


async def test_a_connection_that_stops_answering_pings_is_dropped_and_leaves_the_room(
    strict_server: RunningServer, peers: Peers
) -> None:
    board = await new_board(strict_server)
    bo = await join(strict_server, board["join_code"], "Bo")
    watcher = await peers(strict_server, board["id"], board["facilitator_token"])
    # a client whose device went to sleep: it said hello, then reads and answers nothing
    uri = parse_uri(f"{strict_server.ws_url}/ws/boards/{board['id']}")
    protocol = ClientProtocol(uri)
    sleeper = socket.create_connection(("127.0.0.1", strict_server.port))
    protocol.send_request(protocol.connect())
    for data in protocol.data_to_send():
        sleeper.sendall(data)
    protocol.receive_data(sleeper.recv(65536))
    protocol.send_text(
        json.dumps({"type": "hello", "token": bo["token"], "since": None, "epoch": None}).encode()
    )
    for data in protocol.data_to_send():
        sleeper.sendall(data)
    try:
        present = await watcher.until(
            lambda m: m["type"] == "presence" and len(m["peers"]) == 2, "the sleeper to arrive"
        )
        assert {p["name"] for p in present["peers"]} == {"Facilitator", "Bo"}
        gone = await watcher.until(
            lambda m: m["type"] == "presence" and len(m["peers"]) == 1, "the sleeper dropped"
        )
        assert [p["name"] for p in gone["peers"]] == ["Facilitator"]
    finally:
        sleeper.close()


async def test_a_connection_that_never_says_hello_is_closed_with_1008(
    strict_server: RunningServer,
) -> None:
    board = await new_board(strict_server)
    async with connect(f"{strict_server.ws_url}/ws/boards/{board['id']}") as silent:
        async with asyncio.timeout(timeout(10)):
            await silent.wait_closed()
        assert silent.close_code == 1008
        assert silent.close_reason == "no hello"


async def test_one_address_creates_a_bounded_number_of_boards_an_hour(
    strict_server: RunningServer,
) -> None:
    first = await new_board(strict_server)  # boards, networks and imports count together
    network = await post(strict_server, "/api/networks", {"title": "N", "theme": "T"})
    assert network.status_code == 201
    async with httpx.AsyncClient(base_url=strict_server.url, timeout=timeout(10)) as http:
        headers = {"Authorization": f"Bearer {first['facilitator_token']}"}
        archive = await http.get(f"/api/boards/{first['id']}/export?format=json", headers=headers)
        imported = await http.post("/api/boards/import", content=archive.content)
        assert imported.status_code == 409  # counted, then refused: that board id exists
    refused = await post(strict_server, "/api/boards", {"title": "One too many"})
    assert refused.status_code == 429
    assert "boards within the hour" in refused.json()["error"]["message"]
    assert int(refused.headers["retry-after"]) > 0


async def test_a_body_too_big_is_refused_before_it_is_read_whole(server: RunningServer) -> None:
    async with httpx.AsyncClient(base_url=server.url, timeout=timeout(10)) as http:
        huge = await http.post("/api/boards", json={"title": "x" * 100_000})
        assert huge.status_code == 413
        assert huge.json()["error"]["code"] == "too_large"
        archive = await http.post("/api/boards/import", content=b"{" + b" " * 60_000_000)
        assert archive.status_code == 413


async def test_a_cross_site_form_post_is_refused(server: RunningServer) -> None:
    async with httpx.AsyncClient(base_url=server.url, timeout=timeout(10)) as http:
        for kind in ("text/plain", "application/x-www-form-urlencoded"):
            answer = await http.post(
                "/api/boards", content='{"title": "x"}', headers={"content-type": kind}
            )
            assert answer.status_code == 415, kind
            assert "application/json" in answer.json()["error"]["message"]
        assert "set-cookie" not in answer.headers


async def test_pages_carry_a_strict_policy_and_hsts_only_over_https(tmp_path: Path) -> None:
    proxied = RunningServer(tmp_path, ("--forwarded-allow-ips", "127.0.0.1"))
    proxied.start()
    try:
        async with httpx.AsyncClient(base_url=proxied.url, timeout=timeout(10)) as http:
            plain = await http.get("/")
            https = await http.get("/?lang=sv", headers={"x-forwarded-proto": "https"})
    finally:
        proxied.stop()
    policy = plain.headers["content-security-policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "object-src 'none'",
                      "frame-ancestors 'none'", "connect-src 'self'"):  # fmt: skip
        assert directive in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert plain.headers["x-content-type-options"] == "nosniff"
    assert plain.headers["referrer-policy"] == "no-referrer"
    assert "strict-transport-security" not in plain.headers
    assert https.headers["strict-transport-security"].startswith("max-age=")
    cookie = https.headers["set-cookie"].lower()
    assert "secure" in cookie and "httponly" in cookie and "samesite=lax" in cookie
