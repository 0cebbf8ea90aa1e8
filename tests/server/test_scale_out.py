"""Two real worker processes on one Redis and one Postgres, and what happens when any of the
three fails: a worker killed with SIGKILL, Redis restarted, Postgres stopped for seconds.
Clients are `BoardClient`s given both workers' addresses, as a load balancer would give."""

from __future__ import annotations

import asyncio
import json
import random
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from board_client import BoardClient, create_board, fetch_board, join_board
from board_client.exceptions import PlancheClientError
from tests.conftest import RunningServer, timeout
from tests.timing import eventually

pytestmark = pytest.mark.anyio


class Cluster:
    def __init__(self, workdir: Path, database_url: str, redis_url: str) -> None:
        self.workers = []
        for name in ("w1", "w2"):
            (workdir / name).mkdir()
            self.workers.append(
                RunningServer(workdir / name, ("--redis-url", redis_url), database_url=database_url)
            )
        for w in self.workers:
            w.start()

    @property
    def urls(self) -> list[str]:
        return [w.url for w in self.workers]

    def stop(self) -> None:
        for w in self.workers:
            w.stop()


@pytest.fixture
def cluster(tmp_path: Path, postgres_url: str, redis_server: Any) -> Iterator[Cluster]:
    running = Cluster(tmp_path, postgres_url, redis_server.url)
    yield running
    running.stop()


async def settle(clients: list[BoardClient], url: str, board_id: str, token: str) -> Any:
    """Waits until every client holds the server's last seq; the server's state."""
    async with asyncio.timeout(timeout(30)):
        while True:
            live = await fetch_board(url, board_id, token)
            if all(c.connected and c.seq == live["seq"] and not c.unacked for c in clients):
                return live
            await asyncio.sleep(0.05)


async def _not_ready(url: str) -> bool:
    async with httpx.AsyncClient(timeout=timeout(10)) as http:
        return (await http.get(f"{url}/readyz")).status_code == 503


async def _broker_ok(url: str) -> bool:
    async with httpx.AsyncClient(timeout=timeout(10)) as http:
        return bool((await http.get(f"{url}/readyz")).json().get("broker") == "ok")


def replayed(url: str, board_id: str, token: str, seq: int) -> Any:
    """The board rebuilt from the stored log (the history endpoint replays it)."""
    request = urllib.request.Request(
        f"{url}/api/boards/{board_id}/history?seq={seq}",
        headers={"Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=timeout(10)) as response:
        return json.load(response)["state"]


async def test_clients_on_two_workers_see_one_board(cluster: Cluster) -> None:
    one, two = cluster.urls
    board = await create_board(one, "Two workers")
    joined = await join_board(two, board.join_code, "Ida")
    async with (
        BoardClient(one, board.id, board.facilitator_token) as fac,
        BoardClient(two, board.id, joined.token) as ida,
    ):
        acks = await asyncio.gather(
            *(fac.add_note("main", f"fac {i}") for i in range(10)),
            *(ida.add_note("main", f"ida {i}: æøå") for i in range(10)),
        )
        seqs = sorted(a.seq for a in acks)
        assert seqs == list(range(seqs[0], seqs[0] + 20))  # one order: no gap, no seq twice
        live = await settle([fac, ida], two, board.id, board.facilitator_token)
        assert fac.state.to_json() == ida.state.to_json() == live["state"]
        assert len(fac.state.notes) == 20


async def test_a_rewrite_and_a_removal_on_one_worker_reach_the_clients_of_the_other(
    cluster: Cluster,
) -> None:
    one, two = cluster.urls
    board = await create_board(one, "Two workers")
    ida_joined = await join_board(two, board.join_code, "Ida")
    bo_joined = await join_board(two, board.join_code, "Bo")
    async with (
        BoardClient(two, board.id, board.facilitator_token) as fac,
        BoardClient(two, board.id, ida_joined.token) as ida,
        BoardClient(two, board.id, bo_joined.token) as bo,
    ):
        await ida.add_note("main", "written on worker two")
        headers = {"Authorization": f"Bearer {board.facilitator_token}"}
        async with httpx.AsyncClient(base_url=one, headers=headers, timeout=timeout(10)) as http:
            answer = await http.post(f"/api/boards/{board.id}/anonymise")
            epoch = answer.json()["epoch"]
            async with asyncio.timeout(timeout(20)):
                while not (fac.epoch == ida.epoch == epoch):  # worker two sent them to reload
                    await asyncio.sleep(0.05)
            removed = await http.delete(
                f"/api/boards/{board.id}/participants/{bo_joined.participant_id}"
            )
            assert removed.status_code == 204
        async with asyncio.timeout(timeout(20)):
            while bo.connected:  # worker two closed Bo's socket at once
                await asyncio.sleep(0.05)
        await ida.add_note("main", "after the rewrite")
        live = await settle([fac, ida], one, board.id, board.facilitator_token)
        assert fac.state.to_json() == ida.state.to_json() == live["state"]
        assert live["state"]["participants"][ida_joined.participant_id]["name"] == ""


async def test_who_is_present_is_shared_across_workers(cluster: Cluster) -> None:
    one, two = cluster.urls
    board = await create_board(one, "Presence", name="Mette")
    joined = await join_board(two, board.join_code, "Ida")

    def names(client: BoardClient) -> set[str]:
        return {p["name"] for p in client.peers}

    async with BoardClient(one, board.id, board.facilitator_token) as mette:
        async with BoardClient(two, board.id, joined.token) as ida:
            # each is on another worker; both lists hold both people
            await eventually(lambda: names(mette) == names(ida) == {"Mette", "Ida"}, "both lists")
        await eventually(
            lambda: names(mette) == {"Mette"}, "Ida gone"
        )  # Ida left, on the other worker


async def test_a_worker_killed_mid_write_loses_no_acked_op(cluster: Cluster) -> None:
    one, two = cluster.urls
    board = await create_board(one, "Kill a worker")
    joined = await join_board(one, board.join_code, "Ida")
    # both start on worker one; after the kill their next try is worker two
    async with (
        BoardClient([one, two], board.id, board.facilitator_token) as fac,
        BoardClient([one, two], board.id, joined.token) as ida,
    ):
        acked: list[str] = []

        async def write(client: BoardClient, who: str) -> None:
            for i in range(40):
                ack = await client.add_note("main", f"{who} {i}")
                assert ack.note_id is not None
                acked.append(ack.note_id)

        writers = [asyncio.create_task(write(fac, "fac")), asyncio.create_task(write(ida, "ida"))]
        await eventually(lambda: len(acked) >= 15, "15 notes acked", 20)
        cluster.workers[0].kill()  # SIGKILL while both write
        await asyncio.wait_for(asyncio.gather(*writers), timeout(60))

        assert fac.ws_url.startswith(two.replace("http", "ws"))
        assert fac.connects >= 2 and ida.connects >= 2
        live = await settle([fac, ida], two, board.id, board.facilitator_token)
        notes = live["state"]["notes"]
        assert set(acked) <= set(notes)  # every acked note is there
        assert len(notes) == 80  # and the ones re-sent after the kill are there once
        assert fac.state.to_json() == ida.state.to_json() == live["state"]


async def test_redis_restarted_during_writes_loses_nothing(
    cluster: Cluster, redis_server: Any
) -> None:
    one, two = cluster.urls
    board = await create_board(one, "Restart Redis")
    joined = await join_board(two, board.join_code, "Ida")
    async with (
        BoardClient(one, board.id, board.facilitator_token) as fac,
        BoardClient(two, board.id, joined.token) as ida,
    ):
        acked = []

        async def both(numbers: range) -> None:
            for i in numbers:
                acked.append(await fac.add_note("main", f"fac {i}"))
                acked.append(await ida.add_note("main", f"ida {i}"))

        await both(range(10))
        redis_server.stop()
        # the store still takes writes while Redis is away: acked, not yet fanned out
        await both(range(10, 15))
        redis_server.start()
        for url in (one, two):
            await eventually(lambda u=url: _broker_ok(u), f"{url} to reach Redis again")
        await both(range(15, 20))
        live = await settle([fac, ida], one, board.id, board.facilitator_token)
        assert {a.note_id for a in acked} == set(live["state"]["notes"])
        assert fac.state.to_json() == ida.state.to_json() == live["state"]


async def test_postgres_stopped_for_seconds_acks_nothing_unstored_and_recovers(
    cluster: Cluster, postgres_server: Any
) -> None:
    one, two = cluster.urls
    board = await create_board(one, "Stop Postgres")
    async with BoardClient(one, board.id, board.facilitator_token) as fac:
        before = await fac.add_note("main", "before")
        postgres_server.stop("immediate")  # as a crash: no clean shutdown
        try:
            waiting = asyncio.create_task(fac.add_note("main", "while the database is away"))
            await eventually(lambda: _not_ready(one), "worker one to find the store gone")
            assert not waiting.done()  # not acked: it could not be stored
            assert fac.unacked == 1
        finally:
            postgres_server.start()
        during = await asyncio.wait_for(waiting, timeout(30))  # resent by itself, then stored
        after = await fac.add_note("main", "after")
        assert before.seq < during.seq < after.seq
        live = await settle([fac], two, board.id, board.facilitator_token)
        texts = {n["text"] for n in live["state"]["notes"].values()}
        assert texts == {"before", "while the database is away", "after"}


FUZZ_SEEDS = 50
FUZZ_OPS = 100


async def test_convergence_fuzz_over_two_workers(cluster: Cluster) -> None:
    """Seeds x ops with 2-4 clients spread over both workers and random dropped connections:
    every replica equals the server's state and a replay of the stored log."""
    for seed in range(FUZZ_SEEDS):
        await _fuzz_one(cluster, random.Random(seed), seed)


async def _fuzz_one(cluster: Cluster, rng: random.Random, seed: int) -> None:
    one, two = cluster.urls
    board = await create_board(rng.choice(cluster.urls), f"Fuzz {seed}")
    tokens = [board.facilitator_token]
    for i in range(rng.randint(1, 3)):
        tokens.append((await join_board(rng.choice(cluster.urls), board.join_code, f"P{i}")).token)
    clients = [
        BoardClient(rng.sample([one, two], 2), board.id, token, backoff=(0.05, 0.2), rng=rng)
        for token in tokens
    ]
    for c in clients:
        await c.start(timeout(10))
    try:
        sends, sent = [], []  # sent: what a failure prints, in the order it was sent
        for _ in range(FUZZ_OPS):
            client = rng.choice(clients)
            op = _random_op(rng, client)
            sent.append(f"client {clients.index(client)}: {json.dumps(op, ensure_ascii=False)}")
            sends.append(asyncio.create_task(client.send_op(op)))
            if rng.random() < 0.04 and client._ws is not None:
                client._ws.transport.abort()  # a dropped connection, no goodbye
                sent.append(f"client {clients.index(client)}: dropped")
            if rng.random() < 0.3:
                await asyncio.sleep(rng.random() * 0.01)
        results = await asyncio.gather(*sends, return_exceptions=True)
        refused = [r for r in results if isinstance(r, BaseException)]
        assert all(isinstance(r, PlancheClientError) for r in refused), refused
        live = await settle(clients, two, board.id, board.facilitator_token)
        ops = "\n".join(sent)
        for c in clients:
            assert c.state.to_json() == live["state"], f"seed {seed}: a replica differs:\n{ops}"
        log = replayed(one, board.id, board.facilitator_token, live["seq"])
        assert log == live["state"], f"seed {seed}: the log replays differently:\n{ops}"
    finally:
        for c in clients:
            await c.close()


def _random_op(rng: random.Random, client: BoardClient) -> dict[str, Any]:
    notes = sorted(client.state.notes) if client.connected else []
    kind = rng.choice(["add", "add", "add", "edit", "move", "delete"]) if notes else "add"
    if kind == "add":
        text = rng.choice(["idé", "æøå", "Tvärs över", "=1+1", "🙂"]) + str(rng.random())
        note_id = f"n{rng.getrandbits(32):08x}"
        return {"kind": "note.add", "note": {"id": note_id, "area": "main", "text": text}}
    target = rng.choice(notes)
    if kind == "edit":
        return {"kind": "note.edit", "note_id": target, "text": f"edited {rng.random()}"}
    if kind == "move":
        return {"kind": "note.move", "note_id": target, "y": rng.random() * 1000}
    return {"kind": "note.delete", "note_id": target}
