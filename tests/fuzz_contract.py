"""The contract a fuzzed WebSocket message is checked against, without pytest: the answer
each message must get (`expected`), a connection that keeps a replica of what it is sent
(`Socket`), and one board's fuzzing from its creation to the replay of its log (`fuzz_one`).

Used by tests/server/test_protocol_fuzz.py (100 boards in every run of the suite) and by
`python -m bench.fuzz` (the long run of 100,000 messages and more, docs/reliability.md).

Which shape errors an op gets (`invalid`, `too_large`, `unknown_op`) is read from the
server's own decoder (`decode_client_message`); everything else (who may send what, answers
by op id, acks repeated for a resent id, no answer to presence, the replay) from the contract.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from server.board.apply import NoopReason, Record, apply, follow
from server.board.protocol import (
    ErrorCode,
    Hello,
    PresenceUpdate,
    ProtocolError,
    decode_client_message,
)
from server.board.rules import HIDDEN_SENDER
from server.board.state import BoardState, Role
from server.board.views import view_state
from tests.fuzz_messages import PLACEHOLDERS, ROLES, Example, Resend
from tests.timing import timeout

CODES = {c.value for c in ErrorCode}
SHAPE_CODES = {ErrorCode.INVALID, ErrorCode.TOO_LARGE, ErrorCode.UNKNOWN_OP}
NOOPS = {r.value for r in NoopReason}
# who may send what, as docs/protocol.md has it: a viewer nothing, and these kinds only the
# facilitator (participant.join only the server); every other kind anyone who may write
FACILITATOR_KINDS = frozenset(
    {
        *("area.add", "area.rename", "area.delete", "board.rename", "phase.set", "focus.set"),
        *("timer.set", "timer.start", "timer.pause", "timer.add", "notes.reveal", "board.lock"),
        "board.anonymous",
        *("meeting.close", "vote.open", "vote.close", "vote.reopen", "priorities.set"),
        *("breakout.start", "breakout.assign", "breakout.end", "breakout.roles", "grid.set"),
        *("survey.set", "survey.close", "poll.open", "poll.close", "poll.show"),
        *("moderation.set", "note.approve", "note.decline", "note.merge"),
        *("role.set", "lead.set", "scribe.set"),
        "summary.set",
    }
)
SERVER_KINDS = frozenset({"participant.join"})
# a sign of a crash in the server's log: a traceback, a task that died, an error logged
CRASH_SIGNS = re.compile(r"Traceback|exception was never retrieved| ERROR ")


@dataclass
class Stats:
    examples: int = 0
    messages: Counter[str] = field(default_factory=Counter)  # by category
    answers: Counter[str] = field(default_factory=Counter)  # ack, noop, or the error code
    log_read: int = 0  # how much of the server log is checked already

    def summary(self) -> str:
        sent = sum(self.messages.values())
        kinds = ", ".join(f"{n} {k}" for k, n in sorted(self.messages.items()))
        acked = self.answers["ack"] + self.answers["noop"]
        errors = ", ".join(
            f"{k} {n}" for k, n in sorted(self.answers.items()) if k not in ("ack", "noop")
        )
        return (
            f"protocol fuzz: {sent} messages ({kinds}) on {self.examples} boards, "
            f"{acked} ops acked ({self.answers['noop']} as no-ops), errors: {errors}, 0 crashes"
        )


@dataclass(frozen=True)
class Expected:
    """The answer the contract gives one message: none, an error, or an ack."""

    answer: str  # "none", "error" or "ack"
    codes: frozenset[str] = frozenset()
    id: str | None = None
    same_as: dict[str, Any] | None = None  # the first ack of a resent op id


def expected(frame: str | bytes, role: Role, acked: dict[str, dict[str, Any]]) -> Expected:
    try:
        decoded = decode_client_message(frame)
    except ProtocolError as e:
        return Expected("error", frozenset({e.code.value}), e.op_id)
    except Exception:  # the decoder failed; the contract still wants a refusal
        return Expected("error", frozenset({"invalid"}), readable_id(frame))
    if isinstance(decoded, PresenceUpdate):
        return Expected("none")
    if isinstance(decoded, Hello):
        return Expected("error", frozenset({"invalid"}), None)
    if not may_send(role, decoded.op.kind):
        return Expected("error", frozenset({"forbidden"}), decoded.id)
    if decoded.id in acked:
        return Expected("ack", id=decoded.id, same_as=acked[decoded.id])
    return Expected("ack", id=decoded.id)


def may_send(role: Role, kind: str) -> bool:
    if role == "viewer" or kind in SERVER_KINDS:
        return False
    return role == "facilitator" or kind not in FACILITATOR_KINDS


def expected_before_hello(frame: str | bytes) -> Expected | None:
    """Anything but a hello first is refused (None: this is a hello)."""
    try:
        decoded = decode_client_message(frame)
    except ProtocolError as e:
        return Expected("error", frozenset({e.code.value}), e.op_id)
    except Exception:
        return Expected("error", frozenset({"invalid"}), readable_id(frame))
    if isinstance(decoded, Hello):
        return None
    return Expected("error", frozenset({"invalid"}), readable_id(frame))


def readable_id(frame: str | bytes) -> str | None:
    """The op id the contract wants in an error: an op's, where it could be read."""
    try:
        data = json.loads(frame)
    except Exception:
        return None
    if isinstance(data, dict) and data.get("type") == "op" and isinstance(data.get("id"), str):
        return data["id"]
    return None


def is_object(frame: str | bytes) -> bool:
    try:
        return isinstance(frame, str) and isinstance(json.loads(frame), dict)
    except Exception:
        return False


def is_utf8(frame: str | bytes) -> bool:
    """False for JSON whose strings hold a lone surrogate (escaped, as \\ud800)."""
    try:
        json.dumps(json.loads(frame), ensure_ascii=False).encode()
    except (UnicodeEncodeError, ValueError, RecursionError):
        return False
    return True


class Socket:
    """One hello'd connection: answers are read in order; the ops it receives keep a replica."""

    def __init__(self, ws: ClientConnection, role: Role) -> None:
        self.ws = ws
        self.role = role
        self.participant_id = ""
        self.replica: BoardState | None = None

    async def send(self, frame: str | bytes) -> None:
        await self.ws.send(frame)

    async def hello(self, token: str) -> None:
        await self.send(json.dumps({"type": "hello", "token": token, "since": None}))
        welcome = await self.next(("welcome",))
        assert welcome["role"] == self.role, welcome
        self.participant_id = welcome["participant_id"]
        self.replica = BoardState.from_json(welcome["state"])

    async def next(self, types: tuple[str, ...] = ("ack", "error")) -> dict[str, Any]:
        """The next frame of one of `types`; `ops` frames met on the way go into the replica."""
        try:
            async with asyncio.timeout(timeout(10)):
                while True:
                    message = json.loads(await self.ws.recv())
                    if message["type"] == "ops":
                        self._follow(message["ops"])
                    if message["type"] in types:
                        return dict(message)
        except TimeoutError:
            raise AssertionError(f"{self.role}: no answer within {timeout(10)} s") from None
        except ConnectionClosed as e:
            raise AssertionError(f"{self.role}: the server closed the connection: {e}") from None

    def _follow(self, records: list[dict[str, Any]]) -> None:
        assert self.replica is not None
        for data in records:
            assert data["seq"] == self.replica.seq + 1, f"{self.role}: a gap before {data}"
            noop = NoopReason(data["noop"]) if data.get("noop") else None
            self.replica = follow(self.replica, Record.from_json(data), noop)


def placed(value: Any, ids: dict[str, str]) -> Any:
    """`value` with the placeholders of participants replaced by their real ids."""
    if isinstance(value, str):
        return ids.get(value, value)
    if isinstance(value, list):
        return [placed(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: placed(v, ids) for k, v in value.items()}
    return value


def encoded(payload: Any, ids: dict[str, str]) -> str | bytes:
    if isinstance(payload, str | bytes):
        return payload
    return json.dumps(placed(payload, ids))  # NaN and Infinity as Python writes them


async def answer_is_right(
    sock: Socket, frame: str | bytes, category: str, want: Expected, stats: Stats
) -> dict[str, Any] | None:
    """Checks the answer to one message; returns the ack, if it was one."""
    if want.answer == "none":
        return None  # any error it drew would be met instead of the next answer
    got = await sock.next()
    what = f"{sock.role} sent {frame[:300]!r} and got {got}"
    assert got["type"] in ("ack", "error"), what
    assert got["id"] == want.id, what
    if got["type"] == "error":
        assert got["code"] in CODES, what
        assert isinstance(got["message"], str) and got["message"], what
        stats.answers[got["code"]] += 1
    else:
        stats.answers["noop" if got.get("noop") else "ack"] += 1
    # what the contract says for itself, whatever the decoder says
    if category in ("binary", "garbage") and not is_object(frame):
        assert (got["type"], got["code"]) == ("error", "invalid"), what
    if category == "op" and is_utf8(frame):
        assert got.get("code") not in SHAPE_CODES, f"a well-formed message refused: {what}"
    if sock.role == "viewer":
        assert got["type"] == "error", f"a viewer's op applied: {what}"
    if want.answer == "error":
        assert got["type"] == "error" and got["code"] in want.codes, what
        return None
    if want.same_as is not None:
        assert got == want.same_as, f"a resent op id got another answer: {what}"
        return None
    if got["type"] == "error":  # refused for now, sent again later (the store is up here)
        assert got["code"] == "rate_limited", what
        return None
    assert isinstance(got["seq"], int), what
    assert got.get("noop") is None or got["noop"] in NOOPS, what
    return got


class Served(Protocol):
    """Where a server answers: tests.conftest.RunningServer or bench.processes.Process."""

    url: str
    ws_url: str


@dataclass
class Fuzzing:
    """What the examples share: the server, one HTTP client and the figures."""

    server: Served
    http: httpx.AsyncClient
    stats: Stats
    sent: list[str] = field(default_factory=list)  # what this example sent, and expected
    failure: tuple[BaseException, list[str]] | None = None  # the first failing example's

    async def post(self, path: str, body: dict[str, Any], status: int) -> dict[str, Any]:
        response = await self.http.post(path, json=body)
        assert response.status_code == status, response.text
        return dict(response.json())

    async def get(self, path: str, token: str, **params: str) -> httpx.Response:
        response = await self.http.get(
            path, params=params, headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 200, response.text
        return response

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(f"Fuzzing({self.server.url})")


async def fuzz_one(fuzzing: Fuzzing, example: Example) -> None:
    server, stats = fuzzing.server, fuzzing.stats
    board = await fuzzing.post("/api/boards", {"title": "Fuzz", "method": example.method}, 201)
    code = {"code": board["join_code"], "name": "Ann"}
    joined = await fuzzing.post("/api/join", code, 200)
    tokens = {
        "facilitator": board["facilitator_token"],
        "participant": joined["token"],
        "viewer": board["viewer_token"],
    }
    url = f"{server.ws_url}/ws/boards/{board['id']}"
    sockets: dict[Role, Socket] = {}
    try:
        for role in ROLES:
            ws = await connect(url, compression=None, open_timeout=timeout(10))
            sockets[role] = Socket(ws, role)
        # messages before the hello: each refused, and the hello still works
        first = sockets["facilitator"]
        for early in example.before_hello:
            frame = encoded(early.payload, {})
            want = expected_before_hello(frame)
            if want is None:
                continue  # a hello after all (with a made-up token)
            fuzzing.sent.append(f"before the hello: {frame[:200]!r}, expecting {want}")
            await first.send(frame)
            stats.messages["before hello"] += 1
            got = await first.next(("error",))
            stats.answers[got["code"]] += 1
            what = f"{frame[:300]!r} before the hello got {got}"
            assert (got["code"], got["id"]) in {(c, want.id) for c in want.codes}, what
        for role, sock in sockets.items():
            await sock.hello(tokens[role])
        ids = {p: sockets[role].participant_id for p, role in PLACEHOLDERS.items()}
        acked: dict[str, dict[str, Any]] = {}
        senders: dict[str, tuple[str, dict[str, Any]]] = {}
        sent_ops: list[tuple[Role, str | bytes, str]] = []  # every op sent with a string id
        for step in example.steps:
            if isinstance(step, Resend):
                if not sent_ops:
                    continue
                role, frame, op_id = sent_ops[step.pick % len(sent_ops)]
                if step.role is not None and step.op is not None:
                    role = step.role
                    frame = encoded({"type": "op", "id": op_id, "op": step.op}, ids)
                category = "resend"
            else:
                role, frame, category = step.role, encoded(step.payload, ids), step.category
            sock = sockets[role]
            want = expected(frame, role, acked)
            fuzzing.sent.append(f"{role} {category}: {frame[:200]!r}, expecting {want}")
            await sock.send(frame)
            stats.messages[category] += 1
            ack = await answer_is_right(sock, frame, category, want, stats)
            if ack is not None:
                acked[ack["id"]] = ack
                senders[ack["id"]] = (sock.participant_id, json.loads(frame)["op"])
            if (op_id := readable_id(frame)) is not None and want.answer != "error":
                sent_ops.append((role, frame, op_id))
        for role, sock in sockets.items():  # every connection is still open and answers
            barrier = f"barrier-{role}"
            await sock.send(json.dumps({"type": "op", "id": barrier, "op": {}}))
            got = await sock.next()
            assert (got["id"], got["code"]) == (barrier, "invalid"), f"{role}: {got}"
        await log_replays_to_served_board(fuzzing, board, sockets, acked, senders)
    finally:
        for sock in sockets.values():
            await sock.ws.close()
    stats.examples += 1


def blanked(entry: dict[str, Any]) -> bool:
    """A record the facilitator's archive holds blanked (views.RULES): a vote before its
    close, or an op whose sender is hidden; a check on it may come out otherwise."""
    return _hidden_vote(entry) or entry["by"] == HIDDEN_SENDER


def _hidden_vote(entry: dict[str, Any]) -> bool:
    op = entry["op"]
    return op["kind"] in ("vote.cast", "vote.retract") and not op.get("note_id")


async def log_replays_to_served_board(
    fuzzing: Fuzzing,
    board: dict[str, Any],
    sockets: dict[Role, Socket],
    acked: dict[str, dict[str, Any]],
    # op id: the participant whose socket had it acked first, and the op it sent
    senders: dict[str, tuple[str, dict[str, Any]]],
) -> None:
    token = board["facilitator_token"]
    served = (await fuzzing.get(f"/api/boards/{board['id']}", token)).json()
    archive = (await fuzzing.get(f"/api/boards/{board['id']}/export", token, format="json")).json()
    first = min(archive["snapshots"], key=lambda s: s["seq"])
    assert first["seq"] == 0
    state = BoardState.from_json(first["state"])
    logged: dict[str, tuple[int, str | None]] = {}
    for entry in archive["ops"]:
        if entry["id"] in senders and (entry["by"] == HIDDEN_SENDER or _hidden_vote(entry)):
            # what the facilitator's archive hides (a note's author on an anonymous board, a
            # vote before its close) its sender still sees as theirs: the fuzz knows who sent
            # what, and replays the log with it
            by, sent = senders[entry["id"]]
            entry = {**entry, "by": by}
            if _hidden_vote(entry):
                entry["op"] = {**entry["op"], "note_id": sent.get("note_id")}
        record, recorded = Record.from_json(entry), entry["noop"] and NoopReason(entry["noop"])
        if blanked(entry):  # still hidden from the facilitator too: the server's word decides
            state = follow(state, record, recorded or None)
        else:
            state, noop = apply(state, record)
            assert noop == (recorded or None), entry
        logged[entry["id"]] = (entry["seq"], entry["noop"])
    facilitator = sockets["facilitator"].participant_id
    assert served["seq"] == state.seq
    assert served["state"] == json.loads(json.dumps(view_state(state, facilitator).to_json()))
    # every ack stands in the log as it was answered, and nothing else does but the join and
    # what the server wrote itself: the close of a survey whose deadline a fuzzed
    # `survey.set` put in the past
    assert {i: (a["seq"], a.get("noop")) for i, a in acked.items()} == {
        i: v for i, v in logged.items() if i in acked
    }
    closes = [e for e in archive["ops"] if e["by"] == HIDDEN_SENDER and e["id"] not in acked]
    assert all(e["op"]["kind"] == "survey.close" for e in closes), closes
    assert len(logged) == len(acked) + 1 + len(closes)
    for sock in sockets.values():  # each replica holds the board as its holder may see it
        seen = view_state(state, sock.participant_id)
        assert sock.replica is not None and sock.replica == seen, (
            f"{sock.role}'s replica differs from its view of the log at "
            f"{_difference(sock.replica.to_json() if sock.replica else None, seen.to_json())}"
        )


def _difference(got: Any, want: Any, path: str = "") -> str:
    """Where two JSON values first differ, and how."""
    if isinstance(got, dict) and isinstance(want, dict):
        for key in sorted(set(got) | set(want), key=str):
            if got.get(key, _MISSING) != want.get(key, _MISSING):
                return _difference(got.get(key, _MISSING), want.get(key, _MISSING), f"{path}.{key}")
    if isinstance(got, list) and isinstance(want, list) and len(got) == len(want):
        for i, (a, b) in enumerate(zip(got, want, strict=True)):
            if a != b:
                return _difference(a, b, f"{path}[{i}]")
    return f"{path or '(the whole state)'}: the replica has {got!r}, the log gives {want!r}"


_MISSING = "(missing)"
