"""Crash loop: under steady load the server is killed with SIGKILL again and again.

Four `BoardClient`s on one board (the facilitator and three participants) keep adding and
editing notes while the server is killed 10 times at seeded-random moments and started again
on the same port and database. After every restart each op acked so far must be in the served
board and in its op log, exactly once, at the seq of its ack; at the end, once the load has
stopped and the outboxes are empty, every replica equals the served board.

The seed is printed; `PLANCHE_CRASH_LOOP_SEED=<seed>` runs the same kill moments again.
Every kill is the same check at another random moment, and every run draws a new seed, so
the suite's runs add up; `PLANCHE_CRASH_LOOP_KILLS=50` makes one run a longer soak. (Most of
a kill's time is the server starting again, about 1.5 s on 2 cores.)
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest

from board_client import BoardClient, ClientClosed, create_board, fetch_board, join_board
from tests.conftest import RunningServer, timeout
from tests.timing import eventually
from tests.wire import open_peer

pytestmark = pytest.mark.anyio

KILLS = int(os.environ.get("PLANCHE_CRASH_LOOP_KILLS") or 10)
KILL_AFTER = (0.2, 1.5)  # seconds from a restart to the next kill
PACE = (0.08, 0.3)  # seconds between two ops of one client
MAX_IN_FLIGHT = 10  # unacked ops per client; the load waits when it has this many
PARTICIPANTS = ("Ingrid", "Per", "Eva")


@dataclass
class Sent:
    """One op a client sent, and its ack once it came."""

    op_id: str
    client: str
    kind: str  # "note.add" or "note.edit"
    note_id: str
    text: str
    seq: int | None = None


@dataclass
class Ledger:
    """Every op sent, every ack, and what went wrong, for the whole run."""

    sent: dict[str, Sent] = field(default_factory=dict)
    by_text: dict[tuple[str, str], Sent] = field(default_factory=dict)  # (note id, text)
    problems: list[str] = field(default_factory=list)
    lost: set[str] = field(default_factory=set)  # ids of acked ops found missing

    def record(self, sent: Sent) -> None:
        self.sent[sent.op_id] = sent
        self.by_text[(sent.note_id, sent.text)] = sent

    def acked(self) -> list[Sent]:
        return [s for s in self.sent.values() if s.seq is not None]

    def lose(self, sent: Sent, what: str) -> None:
        if sent.op_id not in self.lost:
            self.lost.add(sent.op_id)
            self.problems.append(f"{what}: {sent}")


class Load:
    """One client's steady stream of note.add and note.edit ops, each awaited in a task."""

    def __init__(self, name: str, client: BoardClient, ledger: Ledger, seed: int) -> None:
        self.name = name
        self.client = client
        self.ledger = ledger
        self.rng = random.Random(f"{seed}-{name}")
        self.own_notes: list[str] = []  # notes whose add was acked: only those are edited
        self.in_flight: set[asyncio.Task[None]] = set()
        self.count = 0
        self.stopping = False

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            await asyncio.sleep(self.rng.uniform(*PACE))
            if len(self.in_flight) >= MAX_IN_FLIGHT:
                continue
            self.count += 1
            if not self.own_notes or self.rng.random() < 0.4:
                note_id = str(uuid.uuid4())
                text = f"{self.name} note {self.count} æøå"
                op: dict[str, Any] = {
                    "kind": "note.add",
                    "note": {"id": note_id, "area": "main", "text": text},
                }
            else:
                note_id = self.rng.choice(self.own_notes)
                text = f"{self.name} edit {self.count}"
                op = {"kind": "note.edit", "note_id": note_id, "text": text}
            sent = Sent(str(uuid.uuid4()), self.name, str(op["kind"]), note_id, text)
            self.ledger.record(sent)
            task = asyncio.create_task(self._send(sent, op))
            self.in_flight.add(task)
            task.add_done_callback(self.in_flight.discard)

    async def _send(self, sent: Sent, op: dict[str, Any]) -> None:
        try:
            ack = await self.client.send_op(op, op_id=sent.op_id)
        except ClientClosed:
            if not self.stopping:
                self.ledger.problems.append(f"client closed before the ack: {sent}")
            return
        except Exception as e:  # a refusal of a well-formed op of one's own note is a bug
            self.ledger.problems.append(f"{sent} was refused: {e!r}")
            return
        sent.seq = ack.seq
        if ack.noop is not None:
            self.ledger.problems.append(f"{sent} was acked as a no-op ({ack.noop})")
        if sent.kind == "note.add":
            self.own_notes.append(sent.note_id)

    async def drain(self) -> None:
        async with asyncio.timeout(timeout(30)):
            while self.in_flight:
                await asyncio.gather(*self.in_flight, return_exceptions=True)


class Checker:
    """Compares what was acked with the served board and with the op log read through a peer."""

    def __init__(
        self, server: RunningServer, board_id: str, token: str, epoch: str, ledger: Ledger
    ) -> None:
        self.server = server
        self.board_id = board_id
        self.token = token
        self.epoch = epoch
        self.ledger = ledger
        self.log: dict[str, int] = {}  # op id -> seq, every op in the log read so far
        self.log_seq = 0  # the log is read up to here

    async def check(self, when: str, *, final: bool = False) -> dict[str, Any]:
        # what was acked before the board is read must be in what is read
        acked = {s.op_id: s.seq for s in self.ledger.acked()}
        await self._read_log(when)
        served = await fetch_board(self.server.url, self.board_id, self.token)
        notes = served["state"]["notes"]
        top = max((seq for seq in acked.values() if seq is not None), default=0)
        if served["seq"] < top:
            self.ledger.problems.append(f"{when}: served seq {served['seq']} < acked {top}")
        latest: dict[str, Sent] = {}  # note id -> its acked op with the highest seq
        for op_id, seq in acked.items():
            sent = self.ledger.sent[op_id]
            if (logged := self.log.get(op_id)) != seq:
                self.ledger.lose(sent, f"{when}: acked at {seq}, in the log at {logged}")
            if sent.kind == "note.add" and sent.note_id not in notes:
                self.ledger.lose(sent, f"{when}: acked note missing")
            best = latest.get(sent.note_id)
            if best is None or (best.seq or 0) < (seq or 0):
                latest[sent.note_id] = sent
        for note_id, best in latest.items():
            if note_id not in notes:
                continue  # its add is reported above
            text = notes[note_id]["text"]
            if text == best.text:
                continue
            shown = self.ledger.by_text.get((note_id, text))
            # a later op of that note, not acked when the board was read, may already show
            later = (
                not final
                and shown is not None
                and (acked.get(shown.op_id) is None or (acked[shown.op_id] or 0) > (best.seq or 0))
            )
            if not later:
                self.ledger.lose(best, f"{when}: note shows {text!r}, not the last acked text")
        return served

    async def _read_log(self, when: str) -> None:
        """A fresh raw peer resumes from the last seq read: the ops after it, in order."""
        peer = await open_peer(self.server, self.board_id, self.token, self.log_seq, self.epoch)
        try:
            welcome = peer.welcome
            if welcome.get("type") != "welcome" or welcome.get("ops") is None:
                self.ledger.problems.append(f"{when}: resume from {self.log_seq}: {welcome}")
                return
            for record in welcome["ops"]:
                if record["seq"] != self.log_seq + 1:
                    self.ledger.problems.append(
                        f"{when}: log jumps from {self.log_seq} to {record['seq']}"
                    )
                if record["id"] in self.log:
                    self.ledger.problems.append(
                        f"{when}: op {record['id']} in the log twice, at "
                        f"{self.log[record['id']]} and {record['seq']}"
                    )
                self.log.setdefault(record["id"], record["seq"])
                self.log_seq = record["seq"]
            if self.log_seq != welcome["seq"]:
                self.ledger.problems.append(
                    f"{when}: ops end at {self.log_seq}, welcome at {welcome['seq']}"
                )
        finally:
            await peer.close()


async def test_kill_9s_under_load_lose_no_acked_op_and_every_replica_converges(
    own_server: RunningServer,
) -> None:
    seed = int(os.environ.get("PLANCHE_CRASH_LOOP_SEED") or random.randrange(2**32))
    print(f"crash loop seed: {seed} (PLANCHE_CRASH_LOOP_SEED={seed} repeats the kill moments)")
    rng = random.Random(seed)
    began = time.monotonic()
    url = own_server.url
    board = await create_board(url, "Crash loop", language="en")
    tokens = {"Facilitator": board.facilitator_token}
    for name in PARTICIPANTS:
        tokens[name] = (await join_board(url, board.join_code, name)).token
    ledger = Ledger()
    checker = Checker(own_server, board.id, board.facilitator_token, board.epoch, ledger)
    stop = asyncio.Event()
    kills = 0

    async with contextlib.AsyncExitStack() as stack:
        clients = {
            name: await stack.enter_async_context(
                BoardClient(
                    url, board.id, token, backoff=(0.05, 0.5), rng=random.Random(f"{seed}-{name}")
                )
            )
            for name, token in tokens.items()
        }
        loads = [Load(name, client, ledger, seed) for name, client in clients.items()]
        runners = [asyncio.create_task(load.run(stop)) for load in loads]
        try:
            for kills in range(1, KILLS + 1):
                await asyncio.sleep(rng.uniform(*KILL_AFTER))
                own_server.kill()
                # in a thread, so that the clients keep trying to reconnect while it starts
                await asyncio.to_thread(own_server.start)
                await checker.check(f"after kill {kills}")
            stop.set()
            await asyncio.gather(*runners)
            for load in loads:
                await load.drain()
        finally:
            stop.set()
            for load in loads:
                load.stopping = True
            for runner in runners:
                runner.cancel()

        # the load has stopped and every outbox is empty: all replicas reach the served seq
        served = await fetch_board(url, board.id, board.facilitator_token)
        await eventually(
            lambda: all(c.seq >= served["seq"] for c in clients.values()),
            "every replica at the served seq",
            20,
        )
        served = await checker.check("at the end", final=True)
        for name, client in clients.items():
            if client.unacked or client.state.to_json() != served["state"]:
                ledger.problems.append(f"{name}'s replica differs from the served board")

    elapsed = time.monotonic() - began
    acked = ledger.acked()
    print(
        f"crash loop: seed {seed}, {kills} kills, {len(acked)} ops acked, "
        f"{len(ledger.lost)} ops lost, {elapsed:.1f} s"
    )
    assert not ledger.problems, "\n".join(ledger.problems[:20])
    assert len(acked) == len(ledger.sent)
    assert all(any(s.client == name for s in acked) for name in tokens)
    # every note once: exactly the notes added, and every op once in the log, without a gap
    adds = [s.note_id for s in acked if s.kind == "note.add"]
    assert sorted(served["state"]["notes"]) == sorted(adds)
    assert sorted(checker.log.values()) == list(range(1, served["seq"] + 1))
