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
from tests.wire import Peers, join, new_board, post

pytestmark = pytest.mark.anyio


@pytest.fixture
def strict_server(tmp_path: Path) -> Iterator[RunningServer]:
    """A server with small limits, so that a test reaches each of them quickly."""
    running = RunningServer(
        tmp_path,
        (
            "--join-attempts-per-minute", "3",
            "--join-lockout-after", "5",
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


def test_wrong_codes_get_429_then_a_lockout_that_ends() -> None:
    clock = Clock()
    config = Config(join_attempts_per_minute=3, join_lockout_after=5, join_lockout_minutes=60)
    guard = JoinGuard(config, clock)
    for _ in range(3):
        guard.check_address("10.0.0.9")
        guard.failed("10.0.0.9")
    with pytest.raises(Refused, match="Try again in 60 seconds"):
        guard.check_address("10.0.0.9")
    guard.check_address("10.0.0.10")  # another address is not affected
    clock.now += 61
    for _ in range(2):
        guard.check_address("10.0.0.9")
        guard.failed("10.0.0.9")
    with pytest.raises(Refused, match="locked") as locked:
        guard.check_address("10.0.0.9")
    assert locked.value.retry_after == 3600
    clock.now += 3601
    guard.check_address("10.0.0.9")


async def test_guessing_codes_is_answered_with_429_and_then_a_lockout(
    strict_server: RunningServer,
) -> None:
    statuses = []
    for i in range(6):
        answer = await post(strict_server, "/api/join", {"code": f"ZZZZ-ZZZ{i}", "name": "X"})
        statuses.append(answer.status_code)
    assert statuses == [404, 404, 404, 429, 429, 429]
    assert int(answer.headers["retry-after"]) > 0
    assert "Try again in" in answer.json()["error"]["message"]
    # even the right code waits until the address may try again
    board = await new_board(strict_server)
    right = await post(strict_server, "/api/join", {"code": board["join_code"], "name": "X"})
    assert right.status_code == 429


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
    await asyncio.sleep(0.2)
    assert (await peers(strict_server, board["id"], token)).welcome["type"] == "welcome"


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
