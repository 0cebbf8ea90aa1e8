"""Every WebSocket message of the Planche protocol, version 1, as one typed model each.

The JSON Schema served at `/api/protocol.schema.json` is generated from these models, and
`docs/protocol.md` is checked against them by a test. `decode_client_message` turns one
text frame into a message or a `ProtocolError` carrying the contract's error code.
"""

from __future__ import annotations

import json
import re
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from server.board.apply import NoopReason
from server.board.ops import KINDS, Op
from server.board.state import Role

PROTOCOL_VERSION = 1
MAX_MESSAGE_BYTES = 64 * 1024


class ErrorCode(StrEnum):
    """Why a message was refused. Only `unauthorized` (to a hello) ends the connection."""

    INVALID = "invalid"
    FORBIDDEN = "forbidden"
    TOO_LARGE = "too_large"
    RATE_LIMITED = "rate_limited"
    UNKNOWN_OP = "unknown_op"
    UNAUTHORIZED = "unauthorized"
    UNAVAILABLE = "unavailable"


class ProtocolError(Exception):
    def __init__(self, code: ErrorCode, message: str, op_id: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.op_id = op_id


class _Message(BaseModel):
    model_config = ConfigDict(extra="ignore")


# client to server


class Hello(_Message):
    type: Literal["hello"]
    token: str = Field(min_length=1, max_length=200)
    since: int | None = Field(default=None, ge=0)
    epoch: str | None = Field(default=None, max_length=64)


class OpMessage(_Message):
    type: Literal["op"]
    id: str = Field(min_length=1, max_length=64)
    op: Op


class Drag(BaseModel):
    """A note being dragged: where it is drawn now (frame-relative px at zoom 1, as a
    `note.move`'s x and y), shown to the others as a ghost and never stored."""

    model_config = ConfigDict(extra="ignore")

    note_id: str = Field(min_length=1, max_length=64)
    area: str = Field(min_length=1, max_length=64)
    x: float = Field(ge=-100_000, le=100_000, allow_inf_nan=False)
    y: float = Field(ge=-100_000, le=100_000, allow_inf_nan=False)


class PresenceUpdate(_Message):
    """What this client is doing now; relayed to the others in batches, never stored."""

    type: Literal["presence"]
    typing: bool = False
    area: str | None = Field(default=None, max_length=64)
    drag: Drag | None = Field(default=None, description="The note being dragged; null on drop.")


ClientMessage = Annotated[Hello | OpMessage | PresenceUpdate, Field(discriminator="type")]
CLIENT_MESSAGE: TypeAdapter[ClientMessage] = TypeAdapter(ClientMessage)


# server to client


class OpRecordOut(BaseModel):
    seq: int
    id: str
    by: str
    op: dict[str, Any]
    noop: NoopReason | None = Field(
        default=None, description="Why the op changed nothing; absent when it applied."
    )


class Welcome(_Message):
    type: Literal["welcome"] = "welcome"
    protocol: int = PROTOCOL_VERSION
    role: Role
    participant_id: str
    seq: int
    epoch: str
    server_time: int | None = Field(
        default=None, description="The server's clock in ms, to show timers right."
    )
    state: dict[str, Any] | None = Field(default=None, description="The whole board at seq.")
    ops: list[OpRecordOut] | None = Field(default=None, description="Every op after `since`.")
    limits: dict[str, int] = Field(default_factory=dict)
    join_code: str | None = Field(default=None, description="The code to show for joining.")


class OpsMessage(_Message):
    type: Literal["ops"] = "ops"
    ops: list[OpRecordOut]


class Ack(_Message):
    type: Literal["ack"] = "ack"
    id: str
    seq: int
    noop: NoopReason | None = None


class ErrorMessage(_Message):
    type: Literal["error"] = "error"
    id: str | None
    code: ErrorCode
    message: str


class PeerPresence(BaseModel):
    participant_id: str
    name: str
    role: Role
    typing: bool = False
    area: str | None = None
    drag: Drag | None = None


class Crowd(BaseModel):
    """How many are here, when too many to name (`people_list_max`)."""

    here: int  # people connected, once each, viewers (the projector) not counted
    groups: dict[str, int] = Field(default_factory=dict)  # by small group, while groups work


class Presence(_Message):
    """Who is connected now, sent in batches whenever it changes."""

    type: Literal["presence"] = "presence"
    peers: list[PeerPresence]
    crowd: Crowd | None = None  # above people_list_max; above crowd_threshold `peers` holds
    # the facilitators only, with no typing or drag


ServerMessage = Annotated[
    Welcome | OpsMessage | Ack | ErrorMessage | Presence, Field(discriminator="type")
]
SERVER_MESSAGE: TypeAdapter[ServerMessage] = TypeAdapter(ServerMessage)


def json_schema() -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"Planche wire protocol, version {PROTOCOL_VERSION}",
        "$defs": {
            "ClientMessage": CLIENT_MESSAGE.json_schema(),
            "ServerMessage": SERVER_MESSAGE.json_schema(),
        },
    }


def encode(message: BaseModel) -> str:
    return message.model_dump_json(exclude_none=True)


# the escapes of characters no store can keep: NUL (Postgres refuses it in text) and either
# half of a UTF-16 surrogate pair on its own (not UTF-8 at all)
_UNSTORABLE_ESCAPE = re.compile(r"\\u(?:0000|[dD][89abcdefABCDEF])")


def _unstorable_in(value: Any) -> str | None:
    stack = [value]  # not recursive: a message may nest as deep as json.loads allows
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return "a NUL character"
            if any("\ud800" <= c <= "\udfff" for c in item):
                return "half of a UTF-16 surrogate pair"
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


def unstorable_character(raw: str | bytes, data: Any) -> str | None:
    """What JSON `data`, decoded from `raw`, holds that no store can keep (a NUL, or a lone
    `"\\ud800"`), or None. JSON can only carry these as escapes, so `raw` is searched for
    one first: an ordinary message costs one scan."""
    text = raw if isinstance(raw, str) else raw.decode("utf-8", "replace")
    return _unstorable_in(data) if _UNSTORABLE_ESCAPE.search(text) else None


def decode_json(raw: bytes) -> tuple[str, Any]:
    """The body as text and as JSON, or ValueError in words fit for a user. UTF-8 only:
    json.loads would also read UTF-16 and UTF-32, in which a NUL escape slips past the
    search for it in the raw bytes."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("This is not UTF-8 text; send JSON encoded as UTF-8.") from None
    try:
        data: Any = json.loads(text)
    except RecursionError:
        raise ValueError("The JSON is nested too deeply.") from None
    except ValueError:
        raise ValueError("This is not valid JSON.") from None
    if (bad := unstorable_character(text, data)) is not None:
        raise ValueError(
            f"The text holds a character that cannot be stored ({bad}); "
            "send it as proper Unicode without it."
        )
    return text, data


def decode_client_message(frame: str | bytes) -> Hello | OpMessage | PresenceUpdate:
    """One client frame as a message; a `ProtocolError` says in plain words what is wrong."""
    if isinstance(frame, bytes):
        raise ProtocolError(ErrorCode.INVALID, "Send text frames holding JSON, not binary data.")
    try:
        data = json.loads(frame)
    except ValueError:
        raise ProtocolError(ErrorCode.INVALID, "The message is not valid JSON.") from None
    except RecursionError:
        raise ProtocolError(ErrorCode.INVALID, "The message is nested too deeply.") from None
    if not isinstance(data, dict):
        raise ProtocolError(ErrorCode.INVALID, "A message must be a JSON object with a 'type'.")
    raw_id = data.get("id")
    op_id = raw_id if isinstance(raw_id, str) and data.get("type") == "op" else None
    if (bad := unstorable_character(frame, data)) is not None:
        raise ProtocolError(
            ErrorCode.INVALID,
            f"The message holds a character that cannot be stored ({bad}); "
            "send the text as proper Unicode without it.",
            None if _unstorable_in(op_id) else op_id,
        )
    if data.get("type") == "op":
        op = data.get("op")
        kind = op.get("kind") if isinstance(op, dict) else None
        if isinstance(kind, str) and kind not in KINDS:
            known = ", ".join(KINDS)
            raise ProtocolError(
                ErrorCode.UNKNOWN_OP, f"Unknown op kind {kind!r}; known kinds: {known}.", op_id
            )
    try:
        return CLIENT_MESSAGE.validate_python(data)
    except ValidationError as e:
        raise _explain(e, op_id) from None


def _explain(error: ValidationError, op_id: str | None) -> ProtocolError:
    first = error.errors()[0]
    loc = [str(p) for p in first["loc"]]
    if loc and loc[0] in ("hello", "op", "presence"):
        loc = loc[1:]  # the union's tag, not a field
    where = ".".join(p for p in loc if p not in KINDS)
    text = first["msg"].removeprefix("Value error, ")
    code = ErrorCode.TOO_LARGE if "too long" in text else ErrorCode.INVALID
    if first["type"] == "union_tag_invalid" and not where:
        text = "must be one of hello, op, presence"
    elif first["type"] == "union_tag_not_found":
        text = "needs a 'kind' naming the op" if where == "op" else "needs a 'type'"
    return ProtocolError(code, f"Field '{where or 'type'}': {text}.", op_id)
