"""The whole board as JSON (its state, op log and records), and back.

An archive imports into another Planche server exactly: the ops are stored as they were,
and the import refuses an archive whose log does not replay to its state. An archive may
come from anyone, so every part of it is checked as strictly as the REST API checks a body:
ids, codes and languages by pattern, timestamps finite and not in the future, every state
by its type, and no text a store cannot keep.
"""

from __future__ import annotations

import base64
import json
import math
import time
from dataclasses import MISSING, asdict, fields, replace
from typing import Annotated, Any, Literal, get_type_hints

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    create_model,
)

from server.board.apply import NoopReason, Record, apply
from server.board.ops import TITLE_MAX
from server.board.protocol import decode_json
from server.board.state import BoardState
from server.exceptions import PlancheError
from server.i18n import LANGUAGES
from server.ids import normalize_join_code
from server.pictures import MAX_BYTES, PictureError, clean
from server.store.base import BoardRow, Snapshot, StoredOp, StoredPicture

ARCHIVE_FORMAT = "planche-board"
ARCHIVE_VERSION = 1
RETENTION_MAX_DAYS = 3650
_SEQ_MAX = 2**31 - 1  # the store's integers are 32-bit on Postgres
_CLOCK_SLACK = 86400.0  # another server's clock may run a day ahead of ours


class ArchiveError(PlancheError):
    """An archive that cannot be imported; the message says why."""


def _timestamp(value: float, info: ValidationInfo) -> float:
    now = float(info.context["now"]) if info.context else math.inf
    if not 0 <= value <= now + _CLOCK_SLACK:
        raise ValueError("must be a time in seconds since 1970, not in the future")
    return value


def _join_code(value: str) -> str:
    if "-" not in value or normalize_join_code(value) != value:
        raise ValueError("must be a join code such as K7Q-DM2-XHR")
    return value


def _language(value: str) -> str:
    if value not in LANGUAGES:  # a path element in every export: never anything else
        raise ValueError(f"must be one of {', '.join(LANGUAGES)}")
    return value


Timestamp = Annotated[float, Field(allow_inf_nan=False), AfterValidator(_timestamp)]
BoardId = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{8,64}$")]
Id = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.:-]{1,64}$")]

# the board's fields come from BoardRow: a new one is archived without a change here; these
# are the checks for those an archive must not set freely
_BOARD_CHECKS: dict[str, Any] = {
    "id": BoardId,
    "title": Annotated[str, Field(min_length=1, max_length=TITLE_MAX)],
    "method": Id,
    "language": Annotated[str, AfterValidator(_language)],
    "join_code": Annotated[str, AfterValidator(_join_code)],
    "epoch": Id,
    "created_at": Timestamp,
    "network_id": Id | None,
    "meeting_no": Annotated[int, Field(ge=1, le=_SEQ_MAX)] | None,
    "retention_days": Annotated[int, Field(ge=1, le=RETENTION_MAX_DAYS)] | None,
}
_STRICT = ConfigDict(strict=True, extra="forbid")


def _board_model() -> type[BaseModel]:
    hints = get_type_hints(BoardRow)
    declared: dict[str, Any] = {
        f.name: (
            _BOARD_CHECKS.get(f.name, hints[f.name]),
            ... if f.default is MISSING else f.default,
        )
        for f in fields(BoardRow)
    }
    return create_model("ArchivedBoard", __config__=_STRICT, **declared)


_Board = _board_model()


class _Snapshot(BaseModel):
    model_config = _STRICT
    seq: int = Field(ge=0, le=_SEQ_MAX)
    name: str | None = Field(max_length=TITLE_MAX)
    created_at: Timestamp
    share_id: Id | None = None
    state: dict[str, Any]


class _Op(BaseModel):
    model_config = _STRICT
    seq: int = Field(ge=1, le=_SEQ_MAX)
    id: str = Field(min_length=1, max_length=64)  # as the client chose it
    by: str = Field(max_length=64)
    op: dict[str, Any]
    noop: NoopReason | None = None
    at: Timestamp


class _Picture(BaseModel):
    model_config = _STRICT
    id: Id
    by: str = Field(max_length=64)
    created_at: Timestamp
    data: str = Field(max_length=MAX_BYTES * 4 // 3 + 4)  # base64


class _Archive(BaseModel):
    model_config = ConfigDict(strict=True)
    format: Literal["planche-board"]
    version: Literal[1]
    board: _Board  # type: ignore[valid-type]
    state: dict[str, Any]
    snapshots: list[_Snapshot]
    ops: list[_Op]
    pictures: list[_Picture] = Field(default_factory=list)


_STATE: TypeAdapter[BoardState] = TypeAdapter(BoardState)


def dump(
    board: BoardRow,
    state: BoardState,
    snapshots: list[Snapshot],
    ops: list[StoredOp],
    pictures: list[StoredPicture] | None = None,
) -> bytes:
    archive = {
        "format": ARCHIVE_FORMAT,
        "version": ARCHIVE_VERSION,
        "board": asdict(board),
        "state": state.to_json(),
        "snapshots": [
            {
                "seq": s.seq,
                "name": s.name,
                "created_at": s.created_at,
                "share_id": s.share_id,
                "state": s.state,
            }
            for s in snapshots
        ],
        "ops": [
            {**o.record.to_json(), "noop": o.noop.value if o.noop else None, "at": o.at}
            for o in ops
        ],
        "pictures": [
            {
                "id": p.id,
                "by": p.by,
                "created_at": p.created_at,
                "data": base64.b64encode(p.data).decode(),
            }
            for p in pictures or []
        ],
    }
    return json.dumps(archive, ensure_ascii=False, indent=1).encode()


def load(
    data: bytes, now: float | None = None
) -> tuple[BoardRow, BoardState, list[Snapshot], list[StoredOp]]:
    """The parts of an archive, checked: its log replays from its first record to its state.
    Blocking (a large archive takes seconds): call it off the event loop."""
    board, state, snapshots, ops, _ = load_with_pictures(data, now)
    return board, state, snapshots, ops


def load_with_pictures(
    data: bytes, now: float | None = None
) -> tuple[BoardRow, BoardState, list[Snapshot], list[StoredOp], list[StoredPicture]]:
    """`load`, and the board's pictures, each re-encoded here as an upload is (an archive
    may come from anyone: whatever metadata it carries is not kept)."""
    try:
        return _load(data, time.time() if now is None else now)
    except RecursionError:  # json.loads let it through, but a check further on went deeper
        raise ArchiveError("The archive is nested too deeply.") from None


def _load(
    data: bytes, now: float
) -> tuple[BoardRow, BoardState, list[Snapshot], list[StoredOp], list[StoredPicture]]:
    try:
        text, raw = decode_json(data)
    except ValueError as e:
        raise ArchiveError(str(e)) from None
    if isinstance(raw, dict) and raw.get("format") == ARCHIVE_FORMAT:
        version = raw.get("version")
        if version != ARCHIVE_VERSION:
            raise ArchiveError(
                f"Archive version {version!r}; this server reads version {ARCHIVE_VERSION}."
            )
    try:
        archive = _Archive.model_validate_json(text, context={"now": now})
    except ValidationError as e:
        first = e.errors()[0]
        if first["type"] == "json_invalid":  # json.loads read it: only too deep for pydantic
            raise ArchiveError("The archive is nested too deeply.") from None
        where = ".".join(str(p) for p in first["loc"])
        text = first["msg"].removeprefix("Value error, ")
        raise ArchiveError(f"Not a Planche board archive: '{where}': {text}.") from None
    board = BoardRow(**archive.board.model_dump())  # type: ignore[attr-defined]
    state = _state(archive.state, "state")
    snapshots = [
        Snapshot(
            board.id,
            s.seq,
            _state(s.state, f"snapshots.{i}.state").to_json(),
            s.name,
            s.created_at,
            s.share_id,
        )
        for i, s in enumerate(archive.snapshots)
    ]
    try:
        ops = [
            StoredOp(Record.from_json(o.model_dump(mode="json")), o.noop, o.at) for o in archive.ops
        ]
    except (AttributeError, KeyError, TypeError, ValueError) as e:
        raise ArchiveError(f"The archive's op log does not read: {e}.") from None
    _check(state, snapshots, ops)
    states = [
        (f"snapshots.{i}.state", BoardState.from_json(s.state)) for i, s in enumerate(snapshots)
    ]
    _of_board(board, [("state", state), *states])
    return board, state, snapshots, ops, [_picture(i, p) for i, p in enumerate(archive.pictures)]


def _picture(i: int, p: _Picture) -> StoredPicture:
    try:
        picture = clean(base64.b64decode(p.data, validate=True))
    except (ValueError, PictureError) as e:
        raise ArchiveError(f"The archive's picture {i} ({p.id}) does not read: {e}") from None
    return StoredPicture(
        p.id, picture.type, picture.width, picture.height, picture.data, p.by, p.created_at
    )


def _state(data: dict[str, Any], where: str) -> BoardState:
    """A state of the archive, checked field by field against BoardState's types."""
    try:
        _STATE.validate_python(data)
        state = BoardState.from_json(data)
    except ValidationError as e:
        first = e.errors()[0]
        path = ".".join(str(p) for p in (where, *first["loc"]))
        raise ArchiveError(
            f"The archive's board does not read: '{path}': {first['msg']}."
        ) from None
    except (AttributeError, KeyError, TypeError, ValueError) as e:
        raise ArchiveError(f"The archive's board does not read: '{where}': {e}.") from None
    return state


def _of_board(board: BoardRow, states: list[tuple[str, BoardState]]) -> None:
    """Every state is the board's own: an export reads its language, and its id is the
    room's."""
    for where, state in states:
        if (state.id, state.language, state.method) != (board.id, board.language, board.method):
            raise ArchiveError(
                f"'{where}' is of another board: its id, language and method must be the board's."
            )


def _check(state: BoardState, snapshots: list[Snapshot], ops: list[StoredOp]) -> None:
    first = min(snapshots, key=lambda s: s.seq, default=None)
    if first is None or first.seq != 0:
        raise ArchiveError("The archive holds no record of the board at its start (seq 0).")
    replayed = BoardState.from_json(first.state)
    for op in ops:
        if op.record.seq != replayed.seq + 1:
            raise ArchiveError(f"The op log has a gap before seq {op.record.seq}.")
        if op.noop is not None:
            # as a replica follows the server: a facilitator's archive holds ops redacted
            # for them (views.redact), which may not show why they changed nothing
            replayed = replace(replayed, seq=op.record.seq)
            continue
        replayed, noop = apply(replayed, op.record)
        if noop is not None:
            raise ArchiveError(f"Op {op.record.seq} replays differently than it was recorded.")
    if replayed != state:
        raise ArchiveError("The op log does not replay to the archive's board state.")
