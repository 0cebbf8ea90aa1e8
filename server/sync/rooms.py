"""A room per open board and process: where its ops are ordered, applied and fanned out.

An op's path through a room: `submit` puts it on the queue; the room's task takes everything
queued, gives each op the next seq, applies it to a working copy of the state, and hands the
batch to the store (one commit). Only when the commit returns does the working copy become
the committed state, the senders get their acks, the room's own connections get the batch,
and it is published once to the broker for the other processes. A failed commit leaves the
committed state as it was and acks nothing.

With several processes (workers) each has its own room for a board. The store's unique
(board, seq) is what orders them: a commit whose seq another worker took first is refused,
the room catches up from the store and sequences its ops again after the other's
(docs/topics/ordering.md). Records published by other workers come in through the same queue,
so the room's replica changes in one task only, in seq order; a gap is filled from the store.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from server import outages
from server.board.apply import NoopReason, Record, apply, replay
from server.board.complete import complete, in_private_writing
from server.board.ops import NoteAdd, Op, SurveyClose, dump_op, parse_op
from server.board.protocol import (
    PROTOCOL_VERSION,
    Crowd,
    Drag,
    ErrorCode,
    PeerPresence,
    Presence,
    ProtocolError,
    Welcome,
    encode,
)
from server.board.rules import HIDDEN_SENDER
from server.board.state import BoardState, Role
from server.board.views import hidden_from_others, pending_author, redact, view_state
from server.broker.base import Broker, Subscription
from server.config import Config
from server.exceptions import BrokerUnavailable, DuplicateOp, StoreUnavailable
from server.i18n import translations
from server.ids import new_board_id
from server.metrics import ACK_SECONDS, BOARDS, BROKER_FAILURES, FANOUT_SECONDS, OPS, STORE_FAILURES
from server.store.base import BoardRow, Store, StoredOp
from server.sync.close import Close

log = logging.getLogger("planche.rooms")
T = TypeVar("T")

_BATCH_MAX = 500
IDLE_SECONDS = 600.0  # a room with no connection for this long is closed to free memory
# ops after which presence may show less than before (see _hide_what_others_may_not_see)
_PRESENCE_OPS = frozenset(
    {"meeting.close", "phase.set", "board.anonymous", "note.delete", "note.add", "note.own"}
)
_PRESENCE_BATCH_SECONDS = 0.2  # presence changes within this window go out as one message
_CROWD_BATCH_SECONDS = 1.0  # the same above crowd_threshold: counts need no quicker news
_PRESENCE_HEARTBEAT = 10.0  # a room with connections tells the other workers this often
_PRESENCE_EXPIRES = 25.0  # another worker's list unheard of this long is dropped (it died)


class Peer(Protocol):
    """A connection as the room sees it."""

    participant_id: str
    role: Role
    token_hash: str  # to check the credential again (`Rooms.catch_up`)

    def deliver(self, first_seq: int, last_seq: int, frame: str) -> None:
        """Queue an `ops` frame holding seqs first..last; never blocks."""

    def send(self, frame: str) -> None:
        """Queue any other frame (presence); never blocks."""

    def close(self, code: int, reason: str) -> None:
        """Close once the queued frames are sent."""


@dataclass(frozen=True, slots=True)
class Outcome:
    seq: int
    noop: NoopReason | None


@dataclass(slots=True)
class _Submission:
    op_id: str
    op: Op
    by: str
    done: asyncio.Future[Outcome]


@dataclass(slots=True)
class _Remote:
    """Records another worker committed (None: catch up from the store, e.g. after the
    broker was gone)."""

    records: list[dict[str, Any]] | None


@dataclass(slots=True)
class _Barrier:
    """Resolved when the room has handled everything queued before it."""

    done: asyncio.Future[None]


_RETRIES = 20  # a batch outrun by other workers this often is refused (then resent)


class Room:
    def __init__(
        self,
        board: BoardRow,
        store: Store,
        broker: Broker,
        config: Config,
        on_idle: Callable[[Room], None] = lambda room: None,
        on_reset: Callable[[Room], None] = lambda room: None,
    ) -> None:
        self.board = board
        self._on_idle = on_idle
        self._on_reset = on_reset
        self.closed = False
        self._idle_check: asyncio.TimerHandle | None = None
        self._store = store
        self._broker = broker
        self._config = config
        self.state: BoardState  # committed; set by load()
        self._index: dict[str, Outcome] = {}
        self._inflight: dict[str, asyncio.Future[Outcome]] = {}
        self._queue: asyncio.Queue[_Submission | _Remote | _Barrier] = asyncio.Queue()
        self.origin = new_board_id()  # tells this room's own broker messages from others'
        # the last ops in wire form, enough to resume any client within resume_max_ops
        self._recent: deque[dict[str, Any]] = deque(maxlen=config.resume_max_ops)
        self.peers: set[Peer] = set()
        self.presence: dict[Peer, dict[str, Any]] = {}
        self._last_snapshot_seq = 0
        self._task: asyncio.Task[None] | None = None
        self._subscription: Subscription | None = None
        self._background: set[asyncio.Task[None]] = set()
        self._presence_flush: asyncio.TimerHandle | None = None
        self._crowded = False  # more people here than crowd_threshold, when last told
        self._heartbeat: asyncio.TimerHandle | None = None
        # other workers' connections to this board: origin → (when heard, their peers)
        self._remote_presence: dict[str, tuple[float, list[dict[str, Any]]]] = {}
        self._told: list[dict[str, Any]] | None = None  # what the other workers last heard
        self._shared: tuple[BoardState, dict[str, Any], str] | None = None
        # participants removed while this room was open: their ops are refused even when
        # they were queued before the removal, and a socket attached after it is closed
        self.revoked: set[str] = set()
        # the survey's close, due at its deadline (`_watch_survey`)
        self._survey_due: asyncio.TimerHandle | None = None
        self._survey_closing: asyncio.Task[Outcome] | None = None

    @property
    def epoch(self) -> str:
        return self.board.epoch

    async def load(self) -> None:
        # subscribe first: what is published while the store is read waits in the queue
        self._subscription = await self._broker.subscribe(self.board.id, self._on_published)
        snapshot = await self._store.latest_snapshot(self.board.id)
        if snapshot is None:
            raise StoreUnavailable(f"board {self.board.id} has no snapshot at seq 0")
        stored = await self._store.ops_after(self.board.id, snapshot.seq)
        self.state = replay(BoardState.from_json(snapshot.state), [s.record for s in stored])
        self._last_snapshot_seq = snapshot.seq
        self._index = {
            op_id: Outcome(seq, noop)
            for op_id, (seq, noop) in (await self._store.op_index(self.board.id)).items()
        }
        floor = max(0, self.state.seq - self._config.resume_max_ops)
        recent = (
            stored if floor >= snapshot.seq else await self._store.ops_after(self.board.id, floor)
        )
        self._recent.extend(_wire(s) for s in recent if s.record.seq > floor)
        self._task = asyncio.create_task(self._run(), name=f"room-{self.board.id}")
        self._schedule_idle_check()
        self._watch_survey()

    def _schedule_idle_check(self) -> None:
        if self._idle_check is not None:
            self._idle_check.cancel()
        loop = asyncio.get_running_loop()
        self._idle_check = loop.call_later(IDLE_SECONDS, self._check_idle)

    def _check_idle(self) -> None:
        self._idle_check = None
        if self.peers or self._inflight or not self._queue.empty():
            self._schedule_idle_check()
        else:
            self._on_idle(self)

    async def close(self) -> None:
        self.closed = True
        if self._idle_check is not None:
            self._idle_check.cancel()
        if self._presence_flush is not None:
            self._presence_flush.cancel()
        if self._heartbeat is not None:
            self._heartbeat.cancel()
        if self._survey_due is not None:
            self._survey_due.cancel()
        if self._survey_closing is not None:
            self._survey_closing.cancel()
        if self._told:  # the other workers drop this worker's people at once
            with contextlib.suppress(Exception):
                await self._broker.publish(self.board.id, self.origin, {"presence": []})
        if self._subscription is not None:
            self._subscription.cancel()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        for task in list(self._background):
            with contextlib.suppress(Exception):
                await task

    async def retire(self, reason: str) -> None:
        """The stored board is about to change under this room (deleted, rewritten): take no
        more ops, let the queued ones commit, send every client away to load the board
        afresh, and close."""
        self.closed = True
        if self._task is not None and not self._task.done():
            barrier: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._queue.put_nowait(_Barrier(barrier))
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.shield(barrier), 10)
        for peer in list(self.peers):
            peer.close(Close.RELOAD, reason)
        for op_id, waiting in list(self._inflight.items()):
            if not waiting.done():
                message = "The board changed while this op waited; send it again."
                waiting.set_exception(ProtocolError(ErrorCode.UNAVAILABLE, message, op_id))
        self._inflight.clear()
        await self.close()

    def role_of(self, peer: Peer) -> Role:
        """The peer's role now: a token's role is the one it joined with, and `role.set`
        makes a participant a facilitator or a facilitator a participant since."""
        return effective_role(self.state, peer.participant_id, peer.role)

    def revoke(self, participant_id: str) -> None:
        """Close the participant's connections; their token no longer opens the board."""
        self.revoked.add(participant_id)
        for peer in list(self.peers):
            if peer.participant_id == participant_id:
                peer.close(Close.POLICY, "removed by the facilitator")

    # connections

    def attach(self, peer: Peer, since: int | None, epoch: str | None) -> Welcome:
        """Register `peer` and say what it must load to hold the board at the current seq.

        Runs without awaiting, so no op can slip between the welcome and the first delivery.
        """
        self.peers.add(peer)
        self.presence[peer] = {"typing": False, "area": None, "drag": None}
        self._presence_changed()
        role = self.role_of(peer)
        welcome = Welcome(
            role=role,
            participant_id=peer.participant_id,
            seq=self.state.seq,
            epoch=self.epoch,
            server_time=round(time.time() * 1000),
            limits={"max_message_bytes": 64 * 1024, "note_text_max": 1000},
            protocol=PROTOCOL_VERSION,
            # only the screens that show it: a removed participant must not learn a new code
            join_code=self.board.join_code if role in ("facilitator", "viewer") else None,
        )
        ops = self._ops_since(since) if epoch in (None, self.epoch) else None
        if ops is None:
            viewed = view_state(self.state, peer.participant_id)
            # nothing hidden from this viewer: the state everyone gets, encoded once per seq
            welcome.state = self._shared_state()[0] if viewed is self.state else viewed.to_json()
        else:
            mine = [redact(r, peer.participant_id, role=role) for r in ops]
            welcome.ops = mine  # type: ignore[assignment]  # validated wire dicts
        return welcome

    def _shared_state(self) -> tuple[dict[str, Any], str]:
        """The committed state as JSON, made once per seq and shared by every welcome that
        carries it (a 70-person join herd encodes a 4,000-note board once, not 70 times)."""
        if self._shared is None or self._shared[0] is not self.state:
            data = self.state.to_json()
            text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
            self._shared = (self.state, data, text)
        return self._shared[1], self._shared[2]

    def encode_welcome(self, welcome: Welcome) -> str:
        if welcome.ops is not None:
            # the log's wire dicts, not the model's objects: spliced in as they are (through
            # the model, pydantic warned on every resume that they were not its type)
            ops = json.dumps(welcome.ops, separators=(",", ":"), ensure_ascii=False)
            head = encode(welcome.model_copy(update={"ops": None}))
            return f'{head[:-1]},"ops":{ops}}}'
        shared = self._shared
        if shared is None or welcome.state is not shared[1]:
            return encode(welcome)
        head = encode(welcome.model_copy(update={"state": None}))
        return f'{head[:-1]},"state":{shared[2]}}}'

    def detach(self, peer: Peer) -> None:
        self.peers.discard(peer)
        if self.presence.pop(peer, None) is not None:
            self._presence_changed()
        if not self.peers:
            self._schedule_idle_check()

    def _ops_since(self, since: int | None) -> list[dict[str, Any]] | None:
        """Every op after `since`, or None when the client must take the whole state."""
        if since is None or since > self.state.seq:
            return None
        if since == self.state.seq:
            return []
        floor = self._recent[0]["seq"] - 1 if self._recent else self.state.seq
        if since < floor:
            return None
        return [r for r in self._recent if r["seq"] > since]

    def set_presence(self, peer: Peer, info: dict[str, Any]) -> None:
        if self.presence.get(peer) != info:
            self.presence[peer] = info
            self._presence_changed()

    def _presence_changed(self) -> None:
        if self._presence_flush is None:
            loop = asyncio.get_running_loop()
            batch = _CROWD_BATCH_SECONDS if self._crowded else _PRESENCE_BATCH_SECONDS
            self._presence_flush = loop.call_later(batch, self._send_presence)

    def _send_presence(self) -> None:
        self._presence_flush = None
        local = self._local_presence()
        if local != self._told:
            self._tell_presence(local)
        now = time.monotonic()
        for origin, (heard, _) in list(self._remote_presence.items()):
            if now - heard > _PRESENCE_EXPIRES:
                del self._remote_presence[origin]
        peers: dict[str, PeerPresence] = {}
        everyone = [p for _, remote in self._remote_presence.values() for p in remote]
        for info in [*local, *everyone]:
            entry = peers.get(info["participant_id"])
            if entry is None:
                entry = peers[info["participant_id"]] = PeerPresence(**info)
            entry.typing = entry.typing or bool(info.get("typing"))
            entry.area = entry.area or info.get("area")
            if entry.drag is None and info.get("drag"):
                entry.drag = Drag(**info["drag"])
        for entry in peers.values():
            _hide_what_others_may_not_see(self.state, entry)
        frame = encode(self._presence_of(list(peers.values())))
        for peer in list(self.peers):
            peer.send(frame)

    def _presence_of(self, peers: list[PeerPresence]) -> Presence:
        """Everyone by name; above `people_list_max` the counts too; above `crowd_threshold`
        the counts and the facilitators only, without typing or drags: 300 people do not
        each get 300 names and cursors at every change."""
        people = [p for p in peers if p.role != "viewer"]
        self._crowded = len(people) > self._config.crowd_threshold
        crowd = None
        if len(people) > self._config.people_list_max:
            here = {p.participant_id for p in people}
            groups = (
                {g.id: len(here.intersection(g.members)) for g in self.state.breakouts.values()}
                if self.state.in_breakout
                else {}
            )
            crowd = Crowd(here=len(people), groups=groups)
        if self._crowded:
            peers = [
                p.model_copy(update={"typing": False, "drag": None})
                for p in peers
                if p.role == "facilitator"
            ]
        return Presence(peers=sorted(peers, key=lambda p: p.name), crowd=crowd)

    def _local_presence(self) -> list[dict[str, Any]]:
        """Who is connected to this room, once per participant."""
        peers: dict[str, PeerPresence] = {}
        for peer, info in self.presence.items():
            known = self.state.participants.get(peer.participant_id)
            entry = peers.get(peer.participant_id) or PeerPresence(
                participant_id=peer.participant_id,
                name=known.name if known else "",
                role=self.role_of(peer),
            )
            entry.typing = entry.typing or bool(info.get("typing"))
            entry.area = entry.area or info.get("area")
            if entry.drag is None and info.get("drag"):
                entry.drag = Drag(**info["drag"])
            peers[peer.participant_id] = entry
        return [p.model_dump() for p in sorted(peers.values(), key=lambda p: p.participant_id)]

    def _tell_presence(self, local: list[dict[str, Any]]) -> None:
        """Publishes this room's people for the other workers, and again every heartbeat
        while there are any, so that a worker that died drops out of everyone's list."""
        self._told = local

        async def publish() -> None:
            with contextlib.suppress(BrokerUnavailable):
                await self._broker.publish(self.board.id, self.origin, {"presence": local})

        self._in_background(publish())
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            self._heartbeat = None
        if local:
            loop = asyncio.get_running_loop()
            self._heartbeat = loop.call_later(_PRESENCE_HEARTBEAT, self._beat)

    def _beat(self) -> None:
        self._heartbeat = None
        self._tell_presence(self._local_presence())

    # ops

    async def submit(self, op_id: str, op: Op, by: str) -> Outcome:
        """Order, apply and store `op`; returns once it is durable. Idempotent by `op_id`."""
        if (known := self._index.get(op_id)) is not None:
            return known
        if self.closed:
            raise ProtocolError(ErrorCode.UNAVAILABLE, "The board was closed; send again.", op_id)
        if (running := self._inflight.get(op_id)) is not None:
            return await asyncio.shield(running)
        done: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        self._inflight[op_id] = done
        try:
            op = await self._with_picture(op)
        except BaseException:
            del self._inflight[op_id]
            done.cancel()
            raise
        self._queue.put_nowait(_Submission(op_id, op, by, done))
        started = time.perf_counter()
        outcome = await asyncio.shield(done)
        ACK_SECONDS.observe(time.perf_counter() - started)
        return outcome

    async def _with_picture(self, op: Op) -> Op:
        """A picture note as the store knows its picture: its size as stored, and `stored`
        only when it was uploaded to this board (else `apply` records a no-op). Looked up
        before the op takes its place in line, so `complete` and `apply` stay pure."""
        if not isinstance(op, NoteAdd) or op.note.picture is None:
            return op
        pic = op.note.picture
        known = await self._store.get_picture(self.board.id, pic.id, data=False)
        found: dict[str, object] = {"stored": known is not None}
        if known is not None:
            found |= {"width": known.width, "height": known.height}
        note = op.note.model_copy(update={"picture": pic.model_copy(update=found)})
        return op.model_copy(update={"note": note})

    async def _run(self) -> None:
        while True:
            batch: list[_Submission] = []
            item = await self._queue.get()
            while True:
                if isinstance(item, _Remote | _Barrier):
                    if batch:  # what came in before stays before
                        await self._commit_safely(batch)
                        batch = []
                    if isinstance(item, _Barrier):
                        item.done.set_result(None)
                    else:
                        await self._absorb(item.records)
                else:
                    batch.append(item)
                if len(batch) >= _BATCH_MAX or self._queue.empty():
                    break
                item = self._queue.get_nowait()
            if batch:
                await self._commit_safely(batch)

    async def _commit_safely(self, batch: list[_Submission]) -> None:
        try:
            await self._commit(batch)
        except Exception:  # a bug must not stop the board: refuse the batch, keep going
            log.exception("room %s failed a batch", self.board.id)
            self._fail(batch, ErrorCode.UNAVAILABLE, "The server failed to store this op.")

    async def _commit(self, batch: list[_Submission]) -> None:
        for _attempt in range(_RETRIES):
            # an op another worker stored meanwhile (a resend) has its answer already
            batch = [sub for sub in batch if not self._settled(sub)]
            if not batch:
                return
            if gone := [sub for sub in batch if sub.by in self.revoked]:
                message = "You were removed from this board; this op was not applied."
                self._fail(gone, ErrorCode.UNAUTHORIZED, message)
                batch = [sub for sub in batch if sub.by not in self.revoked]
                if not batch:
                    return
            working = self.state
            stored: list[StoredOp] = []
            now = time.time()
            for sub in batch:
                op = complete(working, sub.op, sub.by, round(now * 1000))
                record = Record(seq=working.seq + 1, id=sub.op_id, by=sub.by, op=op)
                working, noop = apply(working, record)
                stored.append(StoredOp(record=record, noop=noop, at=now))
            try:
                await self._store.append(self.board.id, stored)
            except DuplicateOp:
                # another worker took these seqs (or stored one of these op ids) first
                await self._catch_up()
                continue
            except StoreUnavailable as e:
                STORE_FAILURES.inc()
                outages.STORE.failed(e, len(batch))  # one line per outage, not per commit
                message = (
                    "The board could not be saved just now; the op was not stored. Send it again."
                )
                self._fail(batch, ErrorCode.UNAVAILABLE, message)
                return
            outages.STORE.answered()
            self.state = working
            self._watch_survey()
            for sub, entry in zip(batch, stored, strict=True):
                self._index[sub.op_id] = Outcome(entry.record.seq, entry.noop)
                self._settled(sub)
            noops = sum(1 for s in stored if s.noop is not None)
            OPS.labels("applied").inc(len(stored) - noops)
            OPS.labels("noop").inc(noops)
            records = [_wire(s) for s in stored]
            with FANOUT_SECONDS.time():
                self._fan_out(records)
            await self._publish(records)
            if self.state.seq - self._last_snapshot_seq >= self._config.snapshot_every:
                self._snapshot()
            if any(s.record.op.kind == "meeting.close" and s.noop is None for s in stored):
                # closing a meeting keeps its record
                name = translations(self.state.language).gettext("Meeting closed")
                self._in_background(self.save_record(name))
            if any(s.record.op.kind == "survey.close" and s.noop is None for s in stored):
                # and so does closing its survey, often days later: the record with its totals
                name = translations(self.state.language).gettext("Survey closed")
                self._in_background(self.save_record(name))
            return
        log.error("board %s: outrun by other workers %d times", self.board.id, _RETRIES)
        self._fail(batch, ErrorCode.UNAVAILABLE, "The board is very busy; send the op again.")

    def _settled(self, sub: _Submission) -> bool:
        """Answers `sub` if its op id is in the log; True if it was."""
        outcome = self._index.get(sub.op_id)
        if outcome is None:
            return False
        self._inflight.pop(sub.op_id, None)
        if not sub.done.done():
            sub.done.set_result(outcome)
        return True

    async def _publish(self, records: list[dict[str, Any]]) -> None:
        try:
            await self._broker.publish(self.board.id, self.origin, {"ops": records})
        except BrokerUnavailable as e:
            BROKER_FAILURES.inc()
            # stored and acked; the other workers catch up from the store when it is back
            outages.BROKER.failed(e, len(records))
            return
        outages.BROKER.answered()

    async def _absorb(self, records: list[dict[str, Any]] | None) -> None:
        """Apply what another worker committed; a gap (or None) is filled from the store."""
        if records is None or records[0]["seq"] > self.state.seq + 1:
            await self._catch_up()
            return
        fresh = [r for r in records if r["seq"] > self.state.seq]
        if fresh:
            self._apply_committed([(_record(r), _noop(r)) for r in fresh])

    async def _catch_up(self) -> None:
        try:
            stored = await self._store.ops_after(self.board.id, self.state.seq)
        except StoreUnavailable as e:
            log.warning("board %s: catching up failed: %s", self.board.id, e)
            return
        if stored:
            self._apply_committed([(s.record, s.noop) for s in stored])

    def _apply_committed(self, entries: list[tuple[Record, NoopReason | None]]) -> None:
        """Records from the log, contiguous after the replica's seq: apply, index, fan out."""
        state = self.state
        for record, noop in entries:
            state, _ = apply(state, record)
            self._index[record.id] = Outcome(record.seq, noop)
            if (waiting := self._inflight.get(record.id)) is not None and not waiting.done():
                waiting.set_result(self._index[record.id])  # a resend another worker stored
        self.state = state
        self._watch_survey()
        self._fan_out([_wire(StoredOp(record, noop, 0.0)) for record, noop in entries])

    def _watch_survey(self) -> None:
        """The server closes the survey itself at its deadline, while the board is open,
        or the moment it is opened again after it: answers stamped later are refused in
        `apply` anyway, so this only brings the totals. One op id per deadline, so that
        every worker's close is one op."""
        if self._survey_due is not None:
            self._survey_due.cancel()
            self._survey_due = None
        survey = self.state.survey
        if survey is None or survey.closed or survey.deadline is None:
            return
        deadline = survey.deadline
        delay = max(0.0, deadline / 1000 - time.time()) + 0.01

        def close() -> None:
            self._survey_due = None
            op = SurveyClose(kind="survey.close")
            task = asyncio.create_task(self.submit(f"survey-close-{deadline}", op, HIDDEN_SENDER))
            task.add_done_callback(_quietly)
            self._survey_closing = task

        self._survey_due = asyncio.get_running_loop().call_later(delay, close)

    async def close_overdue_survey(self) -> None:
        """Closes a survey whose deadline has passed before a read shows the board: a record
        exported days after the deadline, the board unopened since, holds the totals. The
        same op id as the timer's close, so the two make one op."""
        survey = self.state.survey
        if survey is None or survey.closed or survey.deadline is None:
            return
        if survey.deadline > time.time() * 1000:
            return
        close = SurveyClose(kind="survey.close")
        await self.submit(f"survey-close-{survey.deadline}", close, HIDDEN_SENDER)

    def catch_up_soon(self) -> None:
        """After a broker outage: fill from the store whatever was published meanwhile."""
        self._queue.put_nowait(_Remote(None))

    async def save_record(self, name: str) -> dict[str, Any]:
        """A named snapshot of the board as it is now: a record, with a link to share it."""
        state = self.state
        share_id = new_board_id()  # 128 random bits
        await self._store.save_snapshot(self.board.id, state.seq, state.to_json(), name, share_id)
        return {"seq": state.seq, "name": name, "share_url": f"/s/{share_id}"}

    def _in_background(self, work: Any) -> None:
        task = asyncio.create_task(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def _snapshot(self) -> None:
        state = self.state
        self._last_snapshot_seq = state.seq

        async def save() -> None:
            try:
                await self._store.save_snapshot(self.board.id, state.seq, state.to_json())
            except (StoreUnavailable, DuplicateOp) as e:  # a later one will do; the log has all
                log.warning("board %s: snapshot at %d not saved: %s", self.board.id, state.seq, e)

        task = asyncio.create_task(save())
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def _on_published(self, origin: str, message: dict[str, Any]) -> None:
        if origin == self.origin:
            return
        if records := message.get("ops"):
            self._queue.put_nowait(_Remote(records))
        if message.get("reset"):  # another worker is changing the stored board
            self._on_reset(self)
        if (revoked := message.get("revoke")) is not None:
            self.revoke(revoked)
        if (presence := message.get("presence")) is not None:
            self._remote_presence[origin] = (time.monotonic(), presence)
            self._presence_changed()

    def _fan_out(self, records: list[dict[str, Any]]) -> None:
        """One encoded frame for every peer of the board (per sender when some is hidden)."""
        if not records:
            return
        for r in records:
            if not self._recent or r["seq"] > self._recent[-1]["seq"]:
                self._recent.append(r)
        first, last = records[0]["seq"], records[-1]["seq"]
        shared = ops_frame(records)
        self._presence_after(records)
        if any(hidden_from_others(r) for r in records):
            # private writing, open voting, the inbox: each sees the batch as they may
            role_of = self.state.role_of
            senders = {r["by"] for r in records if hidden_from_others(r)}
            senders |= {a for r in records if (a := pending_author(r)) is not None}
            shared = ops_frame([redact(r, "", role=None) for r in records])
            own = {p: ops_frame([redact(r, p, role=role_of(p)) for r in records]) for p in senders}
            moderators = shared
            if any(pending_author(r) is not None for r in records):
                moderators = ops_frame([redact(r, "", role="facilitator") for r in records])
            for peer in list(self.peers):
                pid = peer.participant_id
                everyone = moderators if role_of(pid) == "facilitator" else shared
                peer.deliver(first, last, own.get(pid, everyone))
            return
        for peer in list(self.peers):
            peer.deliver(first, last, shared)

    def _presence_after(self, records: list[dict[str, Any]]) -> None:
        """Ops that change what presence may show (a close, a phase of private writing, an
        anonymous board, a note gone) send it again; a closed meeting has no one writing."""
        kinds = {r["op"]["kind"] for r in records if not r.get("noop")}
        if not kinds & _PRESENCE_OPS:
            return
        if self.state.closed:
            for peer, info in self.presence.items():
                self.presence[peer] = {**info, "typing": False, "drag": None}
        self._presence_changed()

    def _fail(self, batch: list[_Submission], code: ErrorCode, message: str) -> None:
        for sub in batch:
            self._inflight.pop(sub.op_id, None)
            if not sub.done.done():
                sub.done.set_exception(ProtocolError(code, message, sub.op_id))

    def ops_between(self, after: int, upto: int, viewer: str) -> list[dict[str, Any]] | None:
        """Recent ops after..upto, as `viewer` may see them, for a peer that missed some;
        None if they are no longer kept."""
        role = self.state.role_of(viewer)
        ops = [redact(r, viewer, role=role) for r in self._recent if after < r["seq"] <= upto]
        return ops if len(ops) == upto - after else None


def _quietly(task: asyncio.Task[Outcome]) -> None:
    """A close the room could not make now (closing, the store away) is made when the board
    is next opened."""
    if not task.cancelled() and (e := task.exception()) is not None:
        log.warning("survey close not made: %s", e)


def ops_frame(records: list[dict[str, Any]]) -> str:
    """An `ops` message; built once per batch and shared by every peer."""
    return json.dumps({"type": "ops", "ops": records}, separators=(",", ":"), ensure_ascii=False)


def _record(wire: dict[str, Any]) -> Record:
    return Record(
        seq=wire["seq"], id=wire["id"], by=wire["by"], op=parse_op(wire["op"], from_server=True)
    )


def _noop(wire: dict[str, Any]) -> NoopReason | None:
    return NoopReason(wire["noop"]) if wire.get("noop") else None


def _wire(entry: StoredOp) -> dict[str, Any]:
    r = entry.record
    out: dict[str, Any] = {"seq": r.seq, "id": r.id, "by": r.by, "op": dump_op(r.op)}
    if entry.noop is not None:
        out["noop"] = entry.noop.value
    return out


class Rooms:
    """The open rooms of this process, loaded on first use."""

    def __init__(self, store: Store, broker: Broker, config: Config) -> None:
        self._store = store
        self._broker = broker
        self._config = config
        self._rooms: dict[str, Room] = {}
        self._loading: dict[str, asyncio.Lock] = {}
        self._closing: set[asyncio.Task[None]] = set()
        broker.on_reconnect = self.catch_up
        self.draining = False

    def drain(self) -> None:
        """Shutting down: every connection is closed with 1001, so its client reconnects,
        to another worker if there is one; nothing unacked is lost (the outbox resends)."""
        self.draining = True
        for room in self._rooms.values():
            for peer in list(room.peers):
                peer.close(Close.GOING_AWAY, "server going away")

    def catch_up(self) -> None:
        """Every open room fills from the store what the broker may have lost, and checks
        its connections' tokens again: a removal told while the broker was away was lost."""
        outages.BROKER.answered()
        for room in self._rooms.values():
            room.catch_up_soon()
        task = asyncio.create_task(self._recheck_credentials())
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    async def _recheck_credentials(self) -> None:
        for room in list(self._rooms.values()):
            held = {(p.token_hash, p.participant_id) for p in room.peers}
            for token_hash, participant_id in held:
                try:
                    credential = await self._store.authenticate(token_hash)
                except StoreUnavailable as e:  # the next reconnect, or the hello, checks again
                    log.warning("board %s: tokens not checked again: %s", room.board.id, e)
                    return
                if credential is None:
                    room.revoke(participant_id)

    async def get(self, board_id: str) -> Room | None:
        """The board's room, or None if there is no such board."""
        if (room := self._rooms.get(board_id)) is not None:
            return room
        lock = self._loading.setdefault(board_id, asyncio.Lock())
        async with lock:
            if (room := self._rooms.get(board_id)) is not None:
                return room
            board = await self._store.get_board(board_id)
            if board is None:
                return None
            room = Room(board, self._store, self._broker, self._config, self._evict, self._retire)
            await room.load()
            self._rooms[board_id] = room
            BOARDS.inc()
            return room

    def _evict(self, room: Room) -> None:
        """An idle room goes to free its memory."""
        if self._let_go(room, room.close):
            self._loading.pop(room.board.id, None)

    def _retire(self, room: Room) -> None:
        """Another worker is changing the stored board: this worker's clients reload it."""
        self._let_go(room, lambda: room.retire("board changed; reload"))

    def _let_go(self, room: Room, closing: Callable[[], Coroutine[Any, Any, None]]) -> bool:
        if self._rooms.get(room.board.id) is not room:
            return False
        del self._rooms[room.board.id]
        BOARDS.dec()
        task = asyncio.create_task(closing())
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)
        return True

    async def reset(self, board_id: str, change: Callable[[], Awaitable[T]], reason: str) -> T:
        """Run `change` on the stored board while no room holds it, in any worker; every
        client of the board is sent away (close 1012) and, if the board is still there,
        loads it afresh on reconnect (the change gave it a new epoch)."""
        lock = self._loading.setdefault(board_id, asyncio.Lock())
        async with lock:  # a client reconnecting meanwhile waits here for the new board
            if (room := self._rooms.pop(board_id, None)) is not None:
                BOARDS.dec()
                await room.retire(reason)
            await self._tell(board_id, {"reset": reason})  # before: the others stop taking ops
            result = await change()
            await self._tell(board_id, {"reset": reason})  # after: one that loaded meanwhile
        return result

    async def revoke(self, board_id: str, participant_id: str) -> None:
        """Close the participant's connections in every worker."""
        if (room := self._rooms.get(board_id)) is not None:
            room.revoke(participant_id)
        await self._tell(board_id, {"revoke": participant_id})

    async def _tell(self, board_id: str, message: dict[str, Any]) -> None:
        try:
            await self._broker.publish(board_id, "rooms", message)
        except BrokerUnavailable as e:  # their rooms load the board afresh once idle
            BROKER_FAILURES.inc()
            log.warning("board %s: other workers not told %s: %s", board_id, message, e)

    def __len__(self) -> int:
        return len(self._rooms)

    async def close(self) -> None:
        for room in self._rooms.values():
            await room.close()
        BOARDS.dec(len(self._rooms))
        self._rooms.clear()
        for task in list(self._closing):
            await task


def effective_role(state: BoardState, participant_id: str, token_role: Role) -> Role:
    """What a token's holder is on the board now (a viewer's token is always a viewer's)."""
    if token_role == "viewer":
        return token_role
    return state.role_of(participant_id) or token_role


def _hide_what_others_may_not_see(state: BoardState, entry: PeerPresence) -> None:
    """Takes out of one person's presence what would tell others more than the board does:
    who writes where, while writing is private or the board anonymous (whose each new note
    is); a drag of a note they may not see whole (private, or waiting in the inbox) or whose
    author is hidden, or by someone
    who may not move notes; anything but who is there, once the meeting is closed."""
    if state.closed:
        entry.typing, entry.drag = False, None
    if in_private_writing(state) or state.anonymous:
        entry.typing, entry.area, entry.drag = False, None, None
    drag = entry.drag
    if drag is None:
        return
    note = state.notes.get(drag.note_id)
    if (
        entry.role not in ("facilitator", "participant")
        or note is None
        or note.private
        or note.anonymous
        or note.pending
        or not any(a.id == drag.area for a in state.areas)
    ):
        entry.drag = None
