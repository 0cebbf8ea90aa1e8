"""A room per open board and process: the asyncio driver of its core (`core.RoomCore`).

An op's path through a room: `offer` (or `submit`) hands it to the core and wakes the room's
task; the task asks the core for the next batch (each op gets the next seq and is applied to
a working copy of the state) and hands it to the store (one commit). Only when the commit
returns does the core make the working copy the committed state, and the room carries out
what it says: the batch to the room's own connections (one encoded frame per viewer class),
the acks to the senders, one publish to the broker for the other processes. A failed commit
leaves the committed state as it was and acks nothing.

With several processes (workers) each has its own room for a board. The store's unique
(board, seq) is what orders them: a commit whose seq another worker took first is refused,
the room catches up from the store and sequences its ops again after the other's
(docs/topics/ordering.md). Records published by other workers come in through the same queue,
so the room's replica changes in one task only, in seq order; a gap is filled from the store.

The decisions are the core's, without I/O (tests/server/test_room_core.py); presence is in
`presence.py`; this module does the waiting: store, broker, timers and sockets.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

from server import outages
from server.board.apply import replay
from server.board.ops import NoteAdd, Op, SurveyClose
from server.board.protocol import ErrorCode, ProtocolError, Welcome
from server.board.rules import HIDDEN_SENDER
from server.board.state import BoardState, Role
from server.broker.base import Broker, Subscription
from server.config import Config
from server.exceptions import BrokerUnavailable, DuplicateOp, StoreUnavailable
from server.ids import new_board_id
from server.metrics import ACK_SECONDS, BOARDS, BROKER_FAILURES, FANOUT_SECONDS, OPS, STORE_FAILURES
from server.store.base import BoardRow, Store
from server.sync.close import Close
from server.sync.core import (
    Action,
    Answer,
    ClosePeer,
    Commit,
    Deliver,
    Fetch,
    Outcome,
    Peer,
    PresenceStale,
    Publish,
    Refuse,
    RoomCore,
    SaveRecord,
    Snapshot,
    Submission,
    effective_role,
    ops_frame,
    wire,
)
from server.sync.presence import RoomPresence
from server.sync.transport import corked

__all__ = ["Outcome", "Peer", "Room", "Rooms", "effective_role", "ops_frame"]

log = logging.getLogger("planche.rooms")
T = TypeVar("T")

IDLE_SECONDS = 600.0  # a room with no connection for this long is closed to free memory

Reply = Callable[[Outcome | ProtocolError], None]


@dataclass(slots=True)
class _Remote:
    """Records another worker committed (None: catch up from the store, e.g. after the
    broker was gone)."""

    records: list[dict[str, Any]] | None


@dataclass(slots=True)
class _Barrier:
    """Resolved when the room has handled everything queued before it."""

    done: asyncio.Future[None]


_TAKE = object()  # the queue's token for "the core has submissions waiting"


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
        self.core: RoomCore  # set by load()
        # participants removed while this room was open (the core refuses their ops): a
        # removal told while the room loads counts too
        self.revoked: set[str] = set()
        self._replies: dict[str, list[Reply]] = {}  # op id -> who waits for its answer
        self._ack_started: dict[str, float] = {}  # op id -> when it was queued (a metric)
        self._queue: asyncio.Queue[object] = asyncio.Queue()
        self.origin = new_board_id()  # tells this room's own broker messages from others'
        self._task: asyncio.Task[None] | None = None
        self._subscription: Subscription | None = None
        self._background: set[asyncio.Task[Any]] = set()
        self._presence = RoomPresence(
            lambda: self.core.state,
            self.role_of,
            self._tell_presence,
            config.crowd_threshold,
            config.people_list_max,
        )
        # the survey's close, due at its deadline (`_watch_survey`)
        self._survey_due: asyncio.TimerHandle | None = None
        self._survey_closing: asyncio.Task[Outcome] | None = None

    @property
    def epoch(self) -> str:
        return self.board.epoch

    @property
    def state(self) -> BoardState:
        """The committed state."""
        return self.core.state

    @property
    def peers(self) -> set[Peer]:
        return set(self.core.peers)

    async def load(self) -> None:
        # subscribe first: what is published while the store is read waits in the queue
        self._subscription = await self._broker.subscribe(self.board.id, self._on_published)
        snapshot = await self._store.latest_snapshot(self.board.id)
        if snapshot is None:
            raise StoreUnavailable(f"board {self.board.id} has no snapshot at seq 0")
        stored = await self._store.ops_after(self.board.id, snapshot.seq)
        state = replay(BoardState.from_json(snapshot.state), [s.record for s in stored])
        index = {
            op_id: Outcome(seq, noop)
            for op_id, (seq, noop) in (await self._store.op_index(self.board.id)).items()
        }
        floor = max(0, state.seq - self._config.resume_max_ops)
        recent = (
            stored if floor >= snapshot.seq else await self._store.ops_after(self.board.id, floor)
        )
        self.core = RoomCore(
            state,
            index,
            (wire(s) for s in recent if s.record.seq > floor),
            epoch=self.board.epoch,
            join_code=self.board.join_code,
            resume_max_ops=self._config.resume_max_ops,
            snapshot_every=self._config.snapshot_every,
            snapshot_seq=snapshot.seq,
            revoked=self.revoked,
        )
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
        if self.core.peers or self._replies or not self._queue.empty():
            self._schedule_idle_check()
        else:
            self._on_idle(self)

    async def close(self) -> None:
        self.closed = True
        if self._idle_check is not None:
            self._idle_check.cancel()
        self._presence.close()
        if self._survey_due is not None:
            self._survey_due.cancel()
        if self._survey_closing is not None:
            self._survey_closing.cancel()
        if self._presence.told:  # the other workers drop this worker's people at once
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
        for peer in list(self.core.peers):
            peer.close(Close.RELOAD, reason)
        self._carry_out_now(
            self.core.abandon("The board changed while this op waited; send it again.")
        )
        for op_id in list(self._replies):  # waiting for a picture's lookup
            self._answer(op_id, ProtocolError(ErrorCode.UNAVAILABLE, "The board closed.", op_id))
        await self.close()

    def role_of(self, peer: Peer) -> Role:
        """The peer's role now: a token's role is the one it joined with, and `role.set`
        makes a participant a facilitator or a facilitator a participant since."""
        return self.core.role_of(peer)

    def revoke(self, participant_id: str) -> None:
        """Close the participant's connections; their token no longer opens the board."""
        self.revoked.add(participant_id)
        if self._task is not None:  # loaded: the core knows the connections
            self._carry_out_now(self.core.revoke(participant_id))

    # connections

    def attach(self, peer: Peer, since: int | None, epoch: str | None) -> Welcome:
        """Register `peer` and say what it must load to hold the board at the current seq.

        Runs without awaiting, so no op can slip between the welcome and the first delivery.
        """
        welcome = self.core.attach(peer, since, epoch, round(time.time() * 1000))
        self._presence.attach(peer)
        return welcome

    def encode_welcome(self, welcome: Welcome) -> str:
        return self.core.encode_welcome(welcome)

    def detach(self, peer: Peer) -> None:
        self.core.detach(peer)
        self._presence.detach(peer)
        if not self.core.peers:
            self._schedule_idle_check()

    def set_presence(self, peer: Peer, info: dict[str, Any]) -> None:
        self._presence.set(peer, info)

    def _tell_presence(self, local: list[dict[str, Any]]) -> None:
        async def publish() -> None:
            with contextlib.suppress(BrokerUnavailable):
                await self._broker.publish(self.board.id, self.origin, {"presence": local})

        self._in_background(publish())

    def ops_between(self, after: int, upto: int, viewer: str) -> list[dict[str, Any]] | None:
        """Recent ops after..upto, as `viewer` may see them, for a peer that missed some;
        None if they are no longer kept."""
        return self.core.ops_between(after, upto, viewer)

    # ops

    def resent(self, op_id: str, by: str) -> Outcome | None:
        """The outcome of an op `by` sent before with this id, while its record is kept for
        resumes (a resend comes soon after): another sender's id is not theirs to learn."""
        known = self.core.index.get(op_id)
        if known is None:
            return None
        record = next((r for r in self.core.recent if r["seq"] == known.seq), None)
        return known if record is not None and record["by"] == by else None

    def offer(self, op_id: str, op: Op, by: str, reply: Reply) -> None:
        """Order, apply and store `op`; `reply` gets its outcome once it is durable (or the
        error that stopped it), called from the room's task: no task per op. Idempotent by
        `op_id`: a known one is answered at once, one under way when it is."""
        if (known := self.core.index.get(op_id)) is not None:
            reply(known)
            return
        if self.closed:
            reply(ProtocolError(ErrorCode.UNAVAILABLE, "The board was closed; send again.", op_id))
            return
        if (waiting := self._replies.get(op_id)) is not None:
            waiting.append(reply)
            return
        self._replies[op_id] = [reply]
        if isinstance(op, NoteAdd) and op.note.picture is not None:
            self._in_background(self._offer_picture(op_id, op, by))
        else:
            self._enqueue(Submission(op_id, op, by))

    async def submit(self, op_id: str, op: Op, by: str) -> Outcome:
        """`offer`, awaited: returns once `op` is durable."""
        done: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()

        def reply(outcome: Outcome | ProtocolError) -> None:
            if done.done():
                return
            if isinstance(outcome, ProtocolError):
                done.set_exception(outcome)
            else:
                done.set_result(outcome)

        self.offer(op_id, op, by, reply)
        return await asyncio.shield(done)

    def _enqueue(self, sub: Submission) -> None:
        self._carry_out_now(self.core.submit(sub))
        if self.core.pending.get(sub.op_id) is sub:
            self._queue.put_nowait(_TAKE)
            self._ack_started[sub.op_id] = time.perf_counter()

    async def _offer_picture(self, op_id: str, op: NoteAdd, by: str) -> None:
        """A picture note as the store knows its picture: its size as stored, and `stored`
        only when it was uploaded to this board (else `apply` records a no-op). Looked up
        before the op takes its place in line, so `complete` and `apply` stay pure."""
        pic = op.note.picture
        assert pic is not None
        try:
            known = await self._store.get_picture(self.board.id, pic.id, data=False)
        except Exception:  # the store away (or a bug): the sender sends it again
            log.exception("board %s: picture %s not looked up", self.board.id, pic.id)
            message = "The board could not be saved just now; the op was not stored."
            self._answer(op_id, ProtocolError(ErrorCode.UNAVAILABLE, message, op_id))
            return
        found: dict[str, object] = {"stored": known is not None}
        if known is not None:
            found |= {"width": known.width, "height": known.height}
        note = op.note.model_copy(update={"picture": pic.model_copy(update=found)})
        if self.closed:
            message = "The board was closed; send again."
            self._answer(op_id, ProtocolError(ErrorCode.UNAVAILABLE, message, op_id))
            return
        self._enqueue(Submission(op_id, op.model_copy(update={"note": note}), by))

    def _answer(self, op_id: str, outcome: Outcome | ProtocolError) -> None:
        started = self._ack_started.pop(op_id, None)
        if started is not None and isinstance(outcome, Outcome):
            ACK_SECONDS.observe(time.perf_counter() - started)
        for reply in self._replies.pop(op_id, ()):
            reply(outcome)

    async def _run(self) -> None:
        while True:
            item = await self._queue.get()
            while True:
                if isinstance(item, _Barrier):
                    await self._commit_waiting()  # what came in before it is done before it
                    item.done.set_result(None)
                elif isinstance(item, _Remote):
                    # stored already: applied before the ops that wait are sequenced, which
                    # would take its seqs, be refused by the store, and be sequenced again
                    await self._carry_out(self.core.arrived(item.records))
                    self._watch_survey()
                if self._queue.empty():
                    break
                item = self._queue.get_nowait()
            await self._commit_waiting()

    async def _commit_waiting(self) -> None:
        while self.core.busy:
            try:
                await self._carry_out(self.core.take(time.time()))
            except Exception:  # a bug must not stop the board: refuse the batch, keep going
                log.exception("room %s failed a batch", self.board.id)
                self._carry_out_now(self.core.store_failed("The server failed to store this op."))

    async def _carry_out(self, actions: list[Action]) -> None:
        """Does what the core said, in order; a commit's or a fetch's outcome goes back to
        the core, and what it says then is done before the rest."""
        run: list[Action] = []  # what is done without waiting, written to the sockets at once
        for action in actions:
            if not isinstance(action, Commit | Fetch | Publish):
                run.append(action)
                continue
            self._carry_out_now(run)
            run = []
            if isinstance(action, Commit):
                await self._carry_out(await self._commit(action))
            elif isinstance(action, Fetch):
                await self._carry_out(await self._fetch(action.after))
            else:
                await self._publish(action.records)
        self._carry_out_now(run)

    def _carry_out_now(self, actions: list[Action]) -> None:
        """Actions that need no waiting (never a commit, fetch or publish), in order. A
        sender gets its ops and its answer in one write, made before anyone else's copy is
        prepared: in a room of 70 an ack does not wait for 69 deliveries."""
        if not any(isinstance(action, Deliver) for action in actions):
            for action in actions:
                self._do(action)
            return
        answered = 1 + max(
            (i for i, action in enumerate(actions) if isinstance(action, Answer | Refuse)),
            default=-1,
        )
        with FANOUT_SECONDS.time():
            with corked():
                for action in actions[:answered]:
                    self._do(action)
            for action in actions[answered:]:  # one frame per socket: nothing to gather
                self._do(action)

    def _do(self, action: Action) -> None:
        if isinstance(action, Deliver):
            for peer in action.peers:
                peer.deliver(action.first, action.last, action.frame)
        elif isinstance(action, Answer):
            self._answer(action.op_id, action.outcome)
        elif isinstance(action, Refuse):
            self._answer(action.op_id, ProtocolError(action.code, action.message, action.op_id))
        elif isinstance(action, ClosePeer):
            action.peer.close(action.code, action.reason)
        elif isinstance(action, PresenceStale):
            self._presence.stale(action.closed)
        elif isinstance(action, Snapshot):
            self._in_background(self._snapshot(action.state))
        elif isinstance(action, SaveRecord):
            self._in_background(self.save_record(action.name))
        else:  # pragma: no cover - Commit, Fetch and Publish are awaited in _carry_out
            raise TypeError(f"{action!r} needs the room's task")

    async def _commit(self, commit: Commit) -> list[Action]:
        try:
            await self._store.append(self.board.id, list(commit.ops))
        except DuplicateOp:
            # another worker took these seqs (or stored one of these op ids) first
            await self._carry_out(self.core.outrun())
            retried = self.core.retry(time.time())
            if any(isinstance(a, Refuse) and a.code == ErrorCode.UNAVAILABLE for a in retried):
                log.error("board %s: outrun by other workers too often", self.board.id)
            return retried
        except StoreUnavailable as e:
            STORE_FAILURES.inc()
            outages.STORE.failed(e, len(commit.ops))  # one line per outage, not per commit
            return self.core.store_failed()
        outages.STORE.answered()
        noops = sum(1 for s in commit.ops if s.noop is not None)
        OPS.labels("applied").inc(len(commit.ops) - noops)
        OPS.labels("noop").inc(noops)
        actions = self.core.committed(commit)
        self._watch_survey()
        return actions

    async def _fetch(self, after: int) -> list[Action]:
        try:
            stored = await self._store.ops_after(self.board.id, after)
        except StoreUnavailable as e:
            log.warning("board %s: catching up failed: %s", self.board.id, e)
            return []
        actions = self.core.fetched(stored)
        if stored:
            self._watch_survey()
        return actions

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
        data = await asyncio.to_thread(state.to_json)  # off the loop, as in `_snapshot`
        await self._store.save_snapshot(self.board.id, state.seq, data, name, share_id)
        return {"seq": state.seq, "name": name, "share_url": f"/s/{share_id}"}

    def _in_background(self, work: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.create_task(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _snapshot(self, state: BoardState) -> None:
        try:
            # a big board's copy takes milliseconds: in a thread, it shares the GIL with
            # the loop instead of holding the loop (a state is never changed once made)
            data = await asyncio.to_thread(state.to_json)
            await self._store.save_snapshot(self.board.id, state.seq, data)
        except (StoreUnavailable, DuplicateOp) as e:  # a later one will do; the log has all
            log.warning("board %s: snapshot at %d not saved: %s", self.board.id, state.seq, e)

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
            self._presence.heard(origin, presence)

    async def _publish(self, records: list[dict[str, Any]]) -> None:
        try:
            await self._broker.publish(self.board.id, self.origin, {"ops": records})
        except BrokerUnavailable as e:
            BROKER_FAILURES.inc()
            # stored and acked; the other workers catch up from the store when it is back
            outages.BROKER.failed(e, len(records))
            return
        outages.BROKER.answered()


def _quietly(task: asyncio.Task[Outcome]) -> None:
    """A close the room could not make now (closing, the store away) is made when the board
    is next opened."""
    if not task.cancelled() and (e := task.exception()) is not None:
        log.warning("survey close not made: %s", e)


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
        room.closed = True  # takes no op from now on, not from when its closing task starts
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
