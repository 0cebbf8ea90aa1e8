"""Protocol fuzzing: hypothesis-drawn WebSocket messages against a real server process.

Valid ops of every kind, near-valid ones and garbage, from a facilitator, a participant and a
viewer of one board per example. Every message gets the answer the contract gives it, the
server stays up with nothing in its log, every connection stays open and its replica exact,
and the board the server serves is the replay of its op log from the board's first state.

The contract each message is checked against is tests/fuzz_contract.py, which the long run
outside the suite (`python -m bench.fuzz`, docs/reliability.md) shares.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator

import httpx
import pytest
from hypothesis import HealthCheck, Phase, given, note, settings
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from server.board.protocol import MAX_MESSAGE_BYTES
from tests.conftest import RunningServer
from tests.fuzz_contract import CRASH_SIGNS, Fuzzing, Socket, Stats, fuzz_one
from tests.fuzz_messages import Example, examples
from tests.timing import timeout
from tests.wire import new_board

pytestmark = pytest.mark.anyio

MAX_EXAMPLES = 100  # boards, with up to 40 messages each


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """One server for the fuzzing, whose whole log is this file's traffic."""
    running = RunningServer(tmp_path_factory.mktemp("fuzz"))
    running.start()
    yield running
    running.stop()


async def server_is_alive(
    server: RunningServer, http: httpx.AsyncClient | None = None, since: int = 0
) -> int:
    """It answers /healthz, and its log from `since` on shows no crash; returns the log's end."""
    if http is None:
        async with httpx.AsyncClient(base_url=server.url, timeout=timeout(10)) as own:
            health = await own.get("/healthz")
    else:
        health = await http.get("/healthz")
    assert (health.status_code, health.json()) == (200, {"status": "ok"})
    log = server.log()
    assert not CRASH_SIGNS.search(log, since), log[since:][-4000:]
    return len(log)


@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,  # the same messages on every run
    database=None,
    # no shrinking: a server that fails once may stay broken, so that every smaller
    # example fails as well; the notes name the messages of the first failing example
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(example=examples())
def _fuzz(runner: asyncio.Runner, fuzzing: Fuzzing, example: Example) -> None:
    if fuzzing.failure is None:
        fuzzing.sent = []
        try:
            runner.run(fuzz_one(fuzzing, example))
            assert isinstance(fuzzing.server, RunningServer)
            fuzzing.stats.log_read = runner.run(
                server_is_alive(fuzzing.server, fuzzing.http, fuzzing.stats.log_read)
            )
            return
        except Exception as e:
            fuzzing.failure = (e, fuzzing.sent)
    # hypothesis runs a failing example once more to report it; the server may be broken by
    # then, so the report is the first run's: its error, and every message it sent
    error, sent = fuzzing.failure
    for line in sent:
        note(line)
    raise error


def test_fuzzed_messages_get_their_answers_and_the_board_is_the_replay_of_its_log(
    fuzz_server: RunningServer, capsys: pytest.CaptureFixture[str]
) -> None:
    stats = Stats()
    with asyncio.Runner() as runner:  # one event loop and one HTTP client for every example
        http = httpx.AsyncClient(base_url=fuzz_server.url, timeout=timeout(10))
        try:
            _fuzz(runner, Fuzzing(fuzz_server, http, stats))
        finally:
            runner.run(http.aclose())
        runner.run(a_new_connection_is_still_welcomed(fuzz_server))
        runner.run(server_is_alive(fuzz_server))
    with capsys.disabled():
        print(f"\n{stats.summary()}")


async def a_new_connection_is_still_welcomed(server: RunningServer) -> None:
    board = await new_board(server)
    async with connect(f"{server.ws_url}/ws/boards/{board['id']}", compression=None) as ws:
        sock = Socket(ws, "facilitator")
        await sock.hello(board["facilitator_token"])


async def test_a_frame_over_64_kib_closes_with_1009_and_one_of_64_kib_is_read(
    fuzz_server: RunningServer,
) -> None:
    since = len(fuzz_server.log())
    board = await new_board(fuzz_server)
    async with connect(
        f"{fuzz_server.ws_url}/ws/boards/{board['id']}", compression=None, max_size=None
    ) as ws:
        sock = Socket(ws, "facilitator")
        await sock.hello(board["facilitator_token"])
        head = {"type": "op", "id": "big", "op": {"kind": "note.teleport", "pad": ""}}
        padding = MAX_MESSAGE_BYTES - len(json.dumps(head))
        just_fits = json.dumps({**head, "op": {**head["op"], "pad": "x" * padding}})
        assert len(just_fits.encode()) == MAX_MESSAGE_BYTES
        await sock.send(just_fits)
        got = await sock.next()
        assert (got["id"], got["code"]) == ("big", "unknown_op")
        await sock.send(just_fits + " ")
        with pytest.raises(ConnectionClosed) as closed:
            async with asyncio.timeout(timeout(10)):
                while True:
                    await ws.recv()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009
    await a_new_connection_is_still_welcomed(fuzz_server)
    await server_is_alive(fuzz_server, since=since)


# Found by the fuzzing above; each is pinned here with the smallest message that shows it.


async def test_json_nested_deeper_than_the_recursion_limit_is_refused_as_invalid(
    own_server: RunningServer,
) -> None:
    board = await new_board(own_server)
    async with connect(f"{own_server.ws_url}/ws/boards/{board['id']}", compression=None) as ws:
        sock = Socket(ws, "facilitator")
        await sock.hello(board["facilitator_token"])
        await sock.send("[" * 5_000 + "]" * 5_000)
        got = await sock.next()
        assert (got["type"], got["id"], got["code"]) == ("error", None, "invalid")
        await sock.send(json.dumps({"type": "op", "id": "after", "op": {}}))
        assert (await sock.next())["id"] == "after"  # the connection stays open
    await server_is_alive(own_server)


async def test_a_well_formed_op_before_the_hello_is_refused_with_its_id(
    fuzz_server: RunningServer,
) -> None:
    board = await new_board(fuzz_server)
    async with connect(f"{fuzz_server.ws_url}/ws/boards/{board['id']}", compression=None) as ws:
        op_id = str(uuid.uuid4())
        note_add = {"kind": "note.add", "note": {"id": "n1", "area": "main", "text": "early"}}
        await ws.send(json.dumps({"type": "op", "id": op_id, "op": note_add}))
        got = json.loads(await ws.recv())
        assert (got["type"], got["code"], got["id"]) == ("error", "invalid", op_id)


async def test_a_note_taken_out_of_its_group_is_stored_so_that_the_board_loads_again(
    own_server: RunningServer,
) -> None:
    board = await new_board(own_server)
    url = f"{own_server.ws_url}/ws/boards/{board['id']}"
    ops = [
        {"kind": "note.add", "note": {"id": "n1", "area": "main", "text": "grouped"}},
        {"kind": "group.add", "group": {"id": "g1", "area": "main"}},
        {"kind": "note.group", "note_id": "n1", "group_id": "g1"},
        {"kind": "note.group", "note_id": "n1", "group_id": None},  # out of the group again
    ]
    async with connect(url, compression=None) as ws:
        sock = Socket(ws, "facilitator")
        await sock.hello(board["facilitator_token"])
        for k, op in enumerate(ops):
            await sock.send(json.dumps({"type": "op", "id": f"op-{k}", "op": op}))
            assert (await sock.next())["type"] == "ack"  # its replica took the broadcast
    own_server.stop()
    own_server.start()
    async with httpx.AsyncClient(base_url=own_server.url, timeout=timeout(10)) as http:
        response = await http.get(
            f"/api/boards/{board['id']}",
            headers={"Authorization": f"Bearer {board['facilitator_token']}"},
        )
    assert response.status_code == 200, response.text
    assert response.json()["state"]["notes"]["n1"]["group"] is None
