"""Regression tests for the findings of an outside security probe (issue 13): access that
outlived a removal, credentials and codes handed to the wrong role, and limits that could be
walked around. Each test replays the probe's attack against a real server."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.board.test_facilitation import ANN, BO, FAC, Board
from tests.conftest import RunningServer, timeout
from tests.server.test_operations import metric
from tests.server.test_privacy import call, closed_with
from tests.server.test_scale_out import Cluster
from tests.timing import eventually
from tests.wire import Peers, add_note, get_state, join, new_board

pytestmark = pytest.mark.anyio


async def qr(server: RunningServer, board_id: str, token: str | None) -> httpx.Response:
    return await call(server, "GET", f"/b/{board_id}/qr.svg", token)


async def test_a_removed_participant_cannot_read_the_new_code_from_the_qr_or_the_welcome(
    peers: Peers, server: RunningServer
) -> None:
    board = await new_board(server)
    bo = await join(server, board["join_code"], "Bo")
    assert (await qr(server, board["id"], None)).status_code == 401
    refused = await qr(server, board["id"], bo["token"])
    assert refused.status_code == 403
    assert "join code" in refused.json()["error"]["message"]
    participant = await peers(server, board["id"], bo["token"])
    assert "join_code" not in participant.welcome

    path = f"/api/boards/{board['id']}/participants/{bo['participant_id']}"
    assert (await call(server, "DELETE", path, board["facilitator_token"])).status_code == 204
    rotated = await call(
        server, "POST", f"/api/boards/{board['id']}/join-code", board["facilitator_token"]
    )
    new_code = rotated.json()["join_code"]
    after = await qr(server, board["id"], bo["token"])
    assert after.status_code == 401
    assert new_code not in after.text

    for token in (board["viewer_token"], board["facilitator_token"]):
        shown = await qr(server, board["id"], token)
        assert shown.status_code == 200
        assert shown.headers["content-type"].startswith("image/svg+xml")
        screen = await peers(server, board["id"], token)
        assert screen.welcome["join_code"] == new_code


async def test_a_new_projector_link_revokes_the_old_one_and_closes_its_screens(
    peers: Peers, server: RunningServer
) -> None:
    board = await new_board(server)
    bo = await join(server, board["join_code"], "Bo")
    projector = await peers(server, board["id"], board["viewer_token"])
    path = f"/api/boards/{board['id']}/viewer-token"
    assert (await call(server, "POST", path, board["viewer_token"])).status_code == 403
    assert (await call(server, "POST", path, bo["token"])).status_code == 403

    issued = await call(server, "POST", path, board["facilitator_token"])
    assert issued.status_code == 200
    token = issued.json()["viewer_token"]
    assert issued.json()["urls"]["viewer"] == f"/b/{board['id']}/projector#token={token}"
    assert await closed_with(projector) == 1008
    assert (await peers(server, board["id"], board["viewer_token"])).welcome["code"] == (
        "unauthorized"
    )
    assert (await qr(server, board["id"], board["viewer_token"])).status_code == 401
    again = await peers(server, board["id"], token)
    assert again.welcome["role"] == "viewer"
    assert again.welcome["join_code"] == board["join_code"]
    assert (await qr(server, board["id"], token)).status_code == 200


@pytest.fixture
def cluster(tmp_path: Path, postgres_url: str, redis_server: Any) -> Iterator[Cluster]:
    running = Cluster(tmp_path, postgres_url, redis_server.url)
    yield running
    running.stop()


async def test_a_hello_checked_before_a_removal_on_another_worker_is_not_let_in(
    peers: Peers, cluster: Cluster
) -> None:
    """The second worker loads the room while the first removes the participant: the
    socket is attached after the removal was told, so only checking again catches it."""
    one, two = cluster.workers
    board = await new_board(one)
    for i in range(10):
        rotated = await call(
            one, "POST", f"/api/boards/{board['id']}/join-code", board["facilitator_token"]
        )  # the second worker lets its room go, and loads it again for the hello below
        person = await join(one, rotated.json()["join_code"], f"P{i}")
        path = f"/api/boards/{board['id']}/participants/{person['participant_id']}"
        opening = asyncio.create_task(peers(two, board["id"], person["token"]))
        assert (await call(one, "DELETE", path, board["facilitator_token"])).status_code == 204
        peer = await opening
        if peer.welcome["type"] == "welcome":
            assert await closed_with(peer) == 1008, f"round {i}: still open after the removal"


async def test_a_removal_told_while_redis_was_down_closes_the_sockets_on_the_other_worker(
    peers: Peers, cluster: Cluster, redis_server: Any
) -> None:
    one, two = cluster.workers
    board = await new_board(one)
    bo = await join(one, board["join_code"], "Bo")
    sockets = [await peers(two, board["id"], bo["token"]) for _ in range(8)]
    redis_server.stop()
    path = f"/api/boards/{board['id']}/participants/{bo['participant_id']}"
    assert (await call(one, "DELETE", path, board["facilitator_token"])).status_code == 204
    redis_server.start()
    for peer in sockets:
        assert await closed_with(peer) == 1008
    state = (await get_state(one, board["id"], board["facilitator_token"]))["state"]
    assert [n for n in state["notes"].values() if n["author"] == bo["participant_id"]] == []


@pytest.fixture
def tight_server(tmp_path: Path) -> Iterator[RunningServer]:
    """Small limits, so that each is reached in a few requests."""
    running = RunningServer(
        tmp_path,
        (
            "--boards-per-address-per-hour", "3",
            "--connections-per-address", "3",
            "--header-timeout", "1",
            "--records-per-board", "3",
            "--records-per-minute", "2",
        ),
    )  # fmt: skip
    running.start()
    yield running
    running.stop()


async def test_network_meetings_count_against_the_creation_limit(
    tight_server: RunningServer,
) -> None:
    network = await call(tight_server, "POST", "/api/networks", body={"title": "N", "theme": "T"})
    assert network.status_code == 201
    path = f"/api/networks/{network.json()['id']}/meetings"
    token = network.json()["token"]
    for n in (1, 2):
        added = await call(tight_server, "POST", path, token, {"title": f"Meeting {n}"})
        assert added.status_code == 201, added.text
    refused = await call(tight_server, "POST", path, token, {"title": "Meeting 3"})
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 0


async def test_a_board_keeps_a_bounded_number_of_records_saved_at_a_bounded_pace(
    tight_server: RunningServer,
) -> None:
    board = await new_board(tight_server)
    path = f"/api/boards/{board['id']}/records"
    token = board["facilitator_token"]
    burst = await asyncio.gather(
        *(call(tight_server, "POST", path, token, {"name": f"R{i}"}) for i in range(20))
    )
    assert sorted(r.status_code for r in burst) == [201, 201] + [429] * 18
    slowed = next(r for r in burst if r.status_code == 429)
    assert "2 records a minute" in slowed.json()["error"]["message"]
    assert 0 < int(slowed.headers["retry-after"]) <= 60
    listed = await call(tight_server, "GET", path, token)
    assert len(listed.json()) == 2  # nothing of the refused ones was stored


async def test_a_board_with_its_most_records_refuses_one_more_and_says_why(
    own_server: RunningServer,
) -> None:
    own_server.stop()
    own_server.extra_args = ("--records-per-board", "2")
    own_server.start()
    board = await new_board(own_server)
    path = f"/api/boards/{board['id']}/records"
    token = board["facilitator_token"]
    for name in ("Before", "After"):
        assert (await call(own_server, "POST", path, token, {"name": name})).status_code == 201
    refused = await call(own_server, "POST", path, token, {"name": "One more"})
    assert refused.status_code == 409
    assert "records_per_board" in refused.json()["error"]["message"]


async def test_sockets_that_never_say_hello_cannot_keep_anyone_out(
    tight_server: RunningServer, peers: Peers
) -> None:
    board = await new_board(tight_server)
    silent = [await connect(f"{tight_server.ws_url}/ws/boards/{board['id']}") for _ in range(3)]
    facilitator = await peers(tight_server, board["id"], board["facilitator_token"])
    assert facilitator.welcome["type"] == "welcome"  # the oldest silent one gave way
    with pytest.raises(ConnectionClosed) as closed:
        await asyncio.wait_for(silent[0].recv(), timeout(10))
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008
    for ws in silent:
        await ws.close()


async def test_refused_sockets_are_answered_429_and_logged_once_without_errors(
    tight_server: RunningServer, peers: Peers
) -> None:
    board = await new_board(tight_server)
    for _ in range(3):
        await peers(tight_server, board["id"], board["facilitator_token"])
    for _ in range(20):
        with pytest.raises(InvalidStatus) as refused:
            await connect(f"{tight_server.ws_url}/ws/boards/{board['id']}")
        assert refused.value.response.status_code == 429
    log = tight_server.log()
    assert " ERROR " not in log
    lines = [line for line in log.splitlines() if "planche.connection: refused" in line]
    assert len(lines) == 1 and "refused 1 WebSocket" in lines[0]


async def test_half_sent_requests_are_closed_and_whole_ones_still_answered(
    tight_server: RunningServer, peers: Peers
) -> None:
    board = await new_board(tight_server)
    socket_peer = await peers(tight_server, board["id"], board["facilitator_token"])
    held = []
    for _ in range(200):
        reader, writer = await asyncio.open_connection("127.0.0.1", tight_server.port)
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")  # never ends
        held.append((reader, writer))
    for reader, writer in held:  # the server closes every one (header_timeout 1 s)
        assert await asyncio.wait_for(reader.read(), timeout(30)) == b""
        writer.close()
    healthy = await call(tight_server, "GET", "/healthz")
    assert healthy.status_code == 200
    # a WebSocket, past its handshake, is not held to the header deadline
    assert (await socket_peer.ack(await socket_peer.op(add_note("n1", "still here"))))[
        "type"
    ] == "ack"


async def test_a_request_or_socket_for_another_host_name_is_refused(
    server: RunningServer,
) -> None:
    async with httpx.AsyncClient(base_url=server.url, timeout=timeout(10)) as http:
        rebound = await http.get("/", headers={"Host": "attacker.example"})
        assert rebound.status_code == 400
        assert "attacker.example" in rebound.json()["error"]["message"]
        for host in ("127.0.0.1", "localhost", f"localhost:{server.port}"):
            assert (await http.get("/healthz", headers={"Host": host})).status_code == 200
    assert await handshake_status(server, "attacker.example") == b"403"
    assert await handshake_status(server, f"127.0.0.1:{server.port}") == b"101"


async def handshake_status(server: RunningServer, host: str) -> bytes:
    """The HTTP status a WebSocket handshake with this Host header gets."""
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(
        f"GET /ws/boards/x HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\n"
        "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        "Sec-WebSocket-Version: 13\r\n\r\n".encode()
    )
    status = (await asyncio.wait_for(reader.readline(), timeout(10))).split()[1]
    writer.close()
    return status


async def test_reads_do_not_wait_behind_pdf_exports(server: RunningServer, peers: Peers) -> None:
    """The probe's 10 PDFs of a 200-note board held every thread the store reads on."""
    board = await new_board(server)
    writer = await peers(server, board["id"], board["facilitator_token"])
    sent = [await writer.op(add_note(f"n{i}", f"Note {i} " + "text " * 30)) for i in range(200)]
    for op_id in sent:
        assert (await writer.ack(op_id))["type"] == "ack"
    headers = {"Authorization": f"Bearer {board['facilitator_token']}"}
    async with httpx.AsyncClient(base_url=server.url, timeout=timeout(120)) as http:
        exports = [
            asyncio.create_task(
                http.get(f"/api/boards/{board['id']}/export?format=pdf", headers=headers)
            )
            for _ in range(10)
        ]

        async def all_in_the_pool() -> bool:
            """Every export has read the board and waits for or holds a render thread."""
            assert not any(task.done() for task in exports), "an export ended before the others"
            return metric((await http.get("/metrics")).text, "planche_exports") == len(exports)

        await eventually(all_in_the_pool, "the 10 exports to take the render threads")
        healthy = await http.get("/healthz")
        state = await http.get(f"/api/boards/{board['id']}", headers=headers)
        finished = sum(task.done() for task in exports)
        answers = await asyncio.gather(*exports)
        left = metric((await http.get("/metrics")).text, "planche_exports")
    assert healthy.status_code == 200 and state.status_code == 200
    assert finished == 0, f"{finished} of 10 exports finished before a health check answered"
    assert all(a.status_code == 200 and a.content.startswith(b"%PDF") for a in answers)
    assert left == 0, "the administrator's gauge still counts exports that have ended"


def test_a_note_moved_into_another_groups_area_is_a_recorded_no_op() -> None:
    board = Board()
    start = {
        "kind": "breakout.start",
        "groups": [
            {"id": "a", "name": "Gruppe A", "members": [ANN], "note_taker": ANN},
            {"id": "b", "name": "Gruppe B", "members": [BO]},
        ],
    }
    assert board.send(FAC, start) is None
    assert (
        board.send(BO, {"kind": "note.add", "note": {"id": "n1", "area": "group-b", "text": "x"}})
        is None
    )
    into_a = {"kind": "note.move", "note_id": "n1", "area": "group-a"}
    assert board.send(BO, into_a) == "group_not_yours"
    assert board.state.notes["n1"].area == "group-b"
    assert board.send(BO, {"kind": "note.move", "note_id": "n1", "y": 5.0}) is None  # in place
    assert board.send(FAC, into_a) is None  # the facilitator moves notes anywhere


async def test_a_client_sending_a_server_only_op_is_told_so(
    peers: Peers, server: RunningServer
) -> None:
    board = await new_board(server)
    facilitator = await peers(server, board["id"], board["facilitator_token"])
    joined = {"id": "p-x", "name": "Mallory", "role": "facilitator"}
    refused = await facilitator.ack(
        await facilitator.op({"kind": "participant.join", "participant": joined})
    )
    assert refused["type"] == "error" and refused["code"] == "forbidden"
    assert "server only" in refused["message"]
    assert "Only the facilitator" not in refused["message"]


async def test_a_resume_gets_its_ops_without_a_warning_in_the_log(
    peers: Peers, own_server: RunningServer
) -> None:
    board = await new_board(own_server)
    writer = await peers(own_server, board["id"], board["facilitator_token"])
    await writer.ack(await writer.op(add_note("n1", "before the gap")))
    resumed = await peers(
        own_server, board["id"], board["facilitator_token"], since=0, epoch=writer.welcome["epoch"]
    )
    assert [r["op"]["note"]["text"] for r in resumed.welcome["ops"]] == ["before the gap"]
    assert "Warning" not in own_server.log()


async def test_the_allowed_hosts_are_the_setting_or_any_behind_a_trusted_proxy(
    own_server: RunningServer,
) -> None:
    async def status(host: str) -> int:
        async with httpx.AsyncClient(base_url=own_server.url, timeout=timeout(10)) as http:
            return (await http.get("/healthz", headers={"Host": host})).status_code

    own_server.stop()
    own_server.extra_args = ("--allowed-hosts", "board.example.org,127.0.0.1")
    own_server.start()
    assert await status("board.example.org") == 200
    assert await status("localhost") == 400  # the setting replaces the loopback names
    own_server.stop()
    own_server.extra_args = ("--forwarded-allow-ips", "127.0.0.1")
    own_server.start()
    assert await status("board.example.org") == 200  # the proxy's site, whatever its name
