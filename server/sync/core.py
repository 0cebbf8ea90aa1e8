"""A room's core: one board's replica, the order of its ops and who gets which frame, no I/O.

No asyncio, no store, no sockets, no clock: the driver (`rooms.Room`) feeds it events and
carries out the actions they return, the way `websockets` keeps its protocol apart from its
connections. Events are its methods:

- `submit`: an op arrived (answered at once when its op id is known);
- `take`: sequence what waits into one batch, returning a `Commit`;
- `committed` / `outrun` / `store_failed`: what the store said of that commit;
- `arrived`: records another worker published (None: the broker lost some);
- `fetched`: records read from the store after a `Fetch`;
- `attach` / `detach` / `revoke`: peers come, go or are removed.

Actions are the dataclasses below. Which frame goes to whom is decided here, through
`server/board/views.py`: every distinct frame of a batch is encoded once and shared by every
peer that gets it (one `Deliver` per frame).
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from server.board.apply import NoopReason, Record, apply
from server.board.complete import complete
from server.board.ops import Op, dump_op, parse_op
from server.board.protocol import PROTOCOL_VERSION, ErrorCode, Welcome, encode
from server.board.state import BoardState, Role
from server.board.views import hidden_from_others, pending_author, redact, view_state
from server.i18n import translations
from server.store.base import StoredOp
from server.sync.close import Close

BATCH_MAX = 500  # submissions in one commit
RETRIES = 20  # a batch outrun by other workers this often is refused (then resent)
_NOT_SAVED = "The board could not be saved just now; the op was not stored. Send it again."
_BUSY = "The board is very busy; send the op again."
# ops after which presence may show less than before (see presence.hide_what_others_may_not_see);
# not note.add, the op of every meeting: a new note can only let a drag of it be shown, and
# the dragger's next move says so
_PRESENCE_OPS = frozenset(
    {"meeting.close", "phase.set", "board.anonymous", "note.delete", "note.own"}
)


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


@dataclass(frozen=True, slots=True)
class Submission:
    op_id: str
    op: Op
    by: str


# actions


@dataclass(frozen=True, slots=True)
class Commit:
    """Store these ops in one commit; then tell `committed`, `outrun` or `store_failed`."""

    ops: tuple[StoredOp, ...]


@dataclass(frozen=True, slots=True)
class Deliver:
    """Queue `frame`, an `ops` message of seqs first..last, on each of `peers`."""

    peers: tuple[Peer, ...]
    first: int
    last: int
    frame: str


@dataclass(frozen=True, slots=True)
class Answer:
    """The op is durable (or was already): ack it."""

    op_id: str
    outcome: Outcome


@dataclass(frozen=True, slots=True)
class Refuse:
    """The op was not stored: tell its sender why (it may send it again)."""

    op_id: str
    code: ErrorCode
    message: str


@dataclass(frozen=True, slots=True)
class Publish:
    """Tell the other workers of these committed records (wire form), in seq order."""

    records: list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Fetch:
    """Read the log after this seq from the store and tell `fetched`."""

    after: int


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Save this state as the board's latest snapshot (a later one will do if it fails)."""

    state: BoardState


@dataclass(frozen=True, slots=True)
class SaveRecord:
    """Keep a named record of the board as it is now."""

    name: str


@dataclass(frozen=True, slots=True)
class ClosePeer:
    peer: Peer
    code: int
    reason: str


@dataclass(frozen=True, slots=True)
class PresenceStale:
    """What presence may show changed (or someone came or went): send it again; `closed`:
    the meeting closed, so no one is writing or dragging."""

    closed: bool = False


Action = (
    Commit
    | Deliver
    | Answer
    | Refuse
    | Publish
    | Fetch
    | Snapshot
    | SaveRecord
    | ClosePeer
    | PresenceStale
)


class RoomCore:
    def __init__(
        self,
        state: BoardState,
        index: dict[str, Outcome],
        recent: Iterable[dict[str, Any]],
        *,
        epoch: str,
        join_code: str | None,
        resume_max_ops: int,
        snapshot_every: int,
        snapshot_seq: int,
        revoked: set[str] | None = None,
    ) -> None:
        self.state = state  # committed
        self.index = index  # op id -> outcome: every op id in the log
        # the last ops in wire form, enough to resume any client within resume_max_ops
        self.recent: deque[dict[str, Any]] = deque(recent, maxlen=resume_max_ops)
        self.epoch = epoch
        self.join_code = join_code
        self.peers: dict[Peer, None] = {}  # an ordered set
        # participants removed while this room was open: their ops are refused even when
        # they were queued before the removal, and a socket attached after it is closed
        self.revoked: set[str] = set() if revoked is None else revoked
        self.pending: dict[str, Submission] = {}  # submitted, not yet answered
        self._waiting: deque[Submission] = deque()  # not yet in a batch
        self._batch: list[Submission] = []  # in the commit under way
        self._working = state  # the state after the commit under way
        self._attempts = 0
        self._snapshot_every = snapshot_every
        self.snapshot_seq = snapshot_seq
        self._shared: tuple[BoardState, dict[str, Any], str] | None = None

    # ops

    def submit(self, sub: Submission) -> list[Action]:
        """An op arrived. A known op id is answered from the log at once; one already
        waiting gets that wait's answer (nothing new is queued)."""
        if (known := self.index.get(sub.op_id)) is not None:
            return [Answer(sub.op_id, known)]
        if sub.op_id not in self.pending:
            self.pending[sub.op_id] = sub
            self._waiting.append(sub)
        return []

    @property
    def busy(self) -> bool:
        """Something waits to be committed or is being committed."""
        return bool(self._waiting or self._batch)

    def take(self, now: float) -> list[Action]:
        """Sequence what waits (up to `BATCH_MAX`) after the committed state: a `Commit`,
        unless nothing is left to commit. `now` is the wall clock, in seconds."""
        if self._batch:
            raise RuntimeError("a commit is under way; tell its outcome first")
        batch = [self._waiting.popleft() for _ in range(min(BATCH_MAX, len(self._waiting)))]
        self._batch, self._attempts = batch, 0
        return self._sequence(now)

    def _sequence(self, now: float) -> list[Action]:
        actions: list[Action] = []
        # an op another worker stored meanwhile (a resend) has its answer already
        batch = [sub for sub in self._batch if not self._settled(sub, actions)]
        if gone := [sub for sub in batch if sub.by in self.revoked]:
            message = "You were removed from this board; this op was not applied."
            actions += self._refuse(gone, ErrorCode.UNAUTHORIZED, message)
            batch = [sub for sub in batch if sub.by not in self.revoked]
        self._batch = batch
        if not batch:
            return actions
        working = self.state
        stored: list[StoredOp] = []
        for sub in batch:
            op = complete(working, sub.op, sub.by, round(now * 1000))
            record = Record(seq=working.seq + 1, id=sub.op_id, by=sub.by, op=op)
            working, noop = apply(working, record)
            stored.append(StoredOp(record=record, noop=noop, at=now))
        self._working = working
        actions.append(Commit(tuple(stored)))
        return actions

    def committed(self, commit: Commit) -> list[Action]:
        """The store took `commit`: it becomes the committed state. The senders' sockets get
        the ops and then their acks, before everyone else's sockets get the ops: in a room of
        70 an ack does not wait for the whole fan-out, and no socket sees an ack before its op.
        """
        self.state = self._working
        batch, self._batch = self._batch, []
        records = [wire(s) for s in commit.ops]
        answers: list[Action] = []
        for sub, entry in zip(batch, commit.ops, strict=True):
            self.index[sub.op_id] = outcome = Outcome(entry.record.seq, entry.noop)
            if self.pending.pop(sub.op_id, None) is not None:
                answers.append(Answer(sub.op_id, outcome))
        first, rest = _split(self._fan_out(records), {sub.by for sub in batch})
        actions = [*first, *answers, *rest, Publish(records)]
        if self.state.seq - self.snapshot_seq >= self._snapshot_every:
            self.snapshot_seq = self.state.seq
            actions.append(Snapshot(self.state))
        gettext = translations(self.state.language).gettext
        if any(s.record.op.kind == "meeting.close" and s.noop is None for s in commit.ops):
            actions.append(SaveRecord(gettext("Meeting closed")))  # a meeting keeps its record
        if any(s.record.op.kind == "survey.close" and s.noop is None for s in commit.ops):
            # and so does its survey, often days later: the record with its totals
            actions.append(SaveRecord(gettext("Survey closed")))
        return actions

    def outrun(self) -> list[Action]:
        """Another worker took these seqs (or one of these op ids) first: catch up from the
        store (`fetched`), then `retry`."""
        return [Fetch(self.state.seq)]

    def retry(self, now: float) -> list[Action]:
        """After an `outrun` and its fetch: sequence the batch again after the others' ops,
        or refuse it when that happened too often."""
        self._attempts += 1
        if self._attempts >= RETRIES:
            batch, self._batch = self._batch, []
            return self._refuse(batch, ErrorCode.UNAVAILABLE, _BUSY)
        return self._sequence(now)

    def store_failed(self, message: str = _NOT_SAVED) -> list[Action]:
        """The commit failed (the store is away, or a bug): nothing of it happened."""
        batch, self._batch = self._batch, []
        return self._refuse(batch, ErrorCode.UNAVAILABLE, message)

    def abandon(self, message: str) -> list[Action]:
        """The room closes: whatever waits is refused (the senders send it again)."""
        gone = list(self.pending.values())
        self._waiting.clear()
        self._batch = []
        return self._refuse(gone, ErrorCode.UNAVAILABLE, message)

    def arrived(self, records: list[dict[str, Any]] | None) -> list[Action]:
        """Records another worker committed; a gap (or None) is filled from the store."""
        if records is None or records[0]["seq"] > self.state.seq + 1:
            return [Fetch(self.state.seq)]
        fresh = [r for r in records if r["seq"] > self.state.seq]
        return self._apply_committed([(_record(r), _noop(r)) for r in fresh])

    def fetched(self, stored: list[StoredOp]) -> list[Action]:
        """The log after the replica's seq, read from the store."""
        return self._apply_committed([(s.record, s.noop) for s in stored])

    def _apply_committed(self, entries: list[tuple[Record, NoopReason | None]]) -> list[Action]:
        """Records from the log, contiguous after the replica's seq: apply, index, fan out."""
        if not entries:
            return []
        state = self.state
        actions: list[Action] = []
        for record, noop in entries:
            state, _ = apply(state, record)
            self.index[record.id] = outcome = Outcome(record.seq, noop)
            if self.pending.pop(record.id, None) is not None:
                actions.append(Answer(record.id, outcome))  # a resend another worker stored
        self.state = state
        records = [wire(StoredOp(record, noop, 0.0)) for record, noop in entries]
        return self._fan_out(records) + actions

    def _settled(self, sub: Submission, actions: list[Action]) -> bool:
        """Answers `sub` if its op id is in the log; True if it was."""
        outcome = self.index.get(sub.op_id)
        if outcome is None:
            return False
        if self.pending.pop(sub.op_id, None) is not None:
            actions.append(Answer(sub.op_id, outcome))
        return True

    def _refuse(self, subs: list[Submission], code: ErrorCode, message: str) -> list[Action]:
        refused: list[Action] = []
        for sub in subs:
            if self.pending.pop(sub.op_id, None) is not None:
                refused.append(Refuse(sub.op_id, code, message))
        return refused

    # fan-out

    def _fan_out(self, records: list[dict[str, Any]]) -> list[Action]:
        """One encoded frame per viewer class: everyone's, the facilitators' (the inbox's
        authors shown), and each hidden sender's own; each shared by all who get it."""
        for r in records:
            if not self.recent or r["seq"] > self.recent[-1]["seq"]:
                self.recent.append(r)
        first, last = records[0]["seq"], records[-1]["seq"]
        actions: list[Action] = []
        peers = tuple(self.peers)
        if not any(hidden_from_others(r) for r in records):
            if peers:
                actions.append(Deliver(peers, first, last, ops_frame(records)))
        else:
            # private writing, open voting, the inbox: each sees the batch as they may
            role_of = self.state.role_of
            senders = {r["by"] for r in records if hidden_from_others(r)}
            senders |= {a for r in records if (a := pending_author(r)) is not None}
            shared = ops_frame([redact(r, "", role=None) for r in records])
            own = {p: ops_frame([redact(r, p, role=role_of(p)) for r in records]) for p in senders}
            moderators = shared
            if any(pending_author(r) is not None for r in records):
                moderators = ops_frame([redact(r, "", role="facilitator") for r in records])
            groups: dict[int, tuple[str, list[Peer]]] = {}
            for peer in peers:
                pid = peer.participant_id
                everyone = moderators if role_of(pid) == "facilitator" else shared
                frame = own.get(pid, everyone)
                groups.setdefault(id(frame), (frame, []))[1].append(peer)
            actions += [Deliver(tuple(got), first, last, frame) for frame, got in groups.values()]
        kinds = {r["op"]["kind"] for r in records if not r.get("noop")}
        if kinds & _PRESENCE_OPS:
            actions.append(PresenceStale(closed=self.state.closed))
        return actions

    def ops_between(self, after: int, upto: int, viewer: str) -> list[dict[str, Any]] | None:
        """Recent ops after..upto, as `viewer` may see them, for a peer that missed some;
        None if they are no longer kept."""
        role = self.state.role_of(viewer)
        ops = [redact(r, viewer, role=role) for r in self.recent if after < r["seq"] <= upto]
        return ops if len(ops) == upto - after else None

    # peers

    def role_of(self, peer: Peer) -> Role:
        """The peer's role now (see `effective_role`)."""
        return effective_role(self.state, peer.participant_id, peer.role)

    def attach(self, peer: Peer, since: int | None, epoch: str | None, now_ms: int) -> Welcome:
        """Register `peer` and say what it must load to hold the board at the current seq:
        the ops after `since` when they are kept and the epoch is the same, else the state."""
        self.peers[peer] = None
        role = self.role_of(peer)
        welcome = Welcome(
            role=role,
            participant_id=peer.participant_id,
            seq=self.state.seq,
            epoch=self.epoch,
            server_time=now_ms,
            limits={"max_message_bytes": 64 * 1024, "note_text_max": 1000},
            protocol=PROTOCOL_VERSION,
            # only the screens that show it: a removed participant must not learn a new code
            join_code=self.join_code if role in ("facilitator", "viewer") else None,
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

    def detach(self, peer: Peer) -> None:
        self.peers.pop(peer, None)

    def revoke(self, participant_id: str) -> list[Action]:
        """The participant was removed: close their connections, refuse their ops."""
        self.revoked.add(participant_id)
        return [
            ClosePeer(peer, Close.POLICY, "removed by the facilitator")
            for peer in self.peers
            if peer.participant_id == participant_id
        ]

    def _ops_since(self, since: int | None) -> list[dict[str, Any]] | None:
        """Every op after `since`, or None when the client must take the whole state."""
        if since is None or since > self.state.seq:
            return None
        if since == self.state.seq:
            return []
        floor = self.recent[0]["seq"] - 1 if self.recent else self.state.seq
        if since < floor:
            return None
        return [r for r in self.recent if r["seq"] > since]

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


def effective_role(state: BoardState, participant_id: str, token_role: Role) -> Role:
    """What a token's holder is on the board now (a viewer's token is always a viewer's)."""
    if token_role == "viewer":
        return token_role
    return state.role_of(participant_id) or token_role


def _split(actions: list[Action], senders: set[str]) -> tuple[list[Action], list[Action]]:
    """Each `Deliver` cut in two: the senders' sockets (first) and the others (rest), which
    also keeps every other action."""
    first: list[Action] = []
    rest: list[Action] = []
    for action in actions:
        if not isinstance(action, Deliver):
            rest.append(action)
            continue
        mine: list[Peer] = []
        theirs: list[Peer] = []
        for peer in action.peers:
            (mine if peer.participant_id in senders else theirs).append(peer)
        if mine:
            first.append(Deliver(tuple(mine), action.first, action.last, action.frame))
        if theirs:
            rest.append(Deliver(tuple(theirs), action.first, action.last, action.frame))
    return first, rest


def ops_frame(records: list[dict[str, Any]]) -> str:
    """An `ops` message; built once per batch and shared by every peer."""
    return json.dumps({"type": "ops", "ops": records}, separators=(",", ":"), ensure_ascii=False)


def wire(entry: StoredOp) -> dict[str, Any]:
    """A log entry as the protocol and the broker carry it."""
    r = entry.record
    out: dict[str, Any] = {"seq": r.seq, "id": r.id, "by": r.by, "op": dump_op(r.op)}
    if entry.noop is not None:
        out["noop"] = entry.noop.value
    return out


def _record(wire: dict[str, Any]) -> Record:
    return Record(
        seq=wire["seq"], id=wire["id"], by=wire["by"], op=parse_op(wire["op"], from_server=True)
    )


def _noop(wire: dict[str, Any]) -> NoopReason | None:
    return NoopReason(wire["noop"]) if wire.get("noop") else None
