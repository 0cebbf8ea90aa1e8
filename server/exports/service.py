"""Records of stored boards: the board at any seq, and a record in any format.

Used by the HTTP handlers and the CLI alike; talks to the `Store` interface only.
"""

from __future__ import annotations

import asyncio
import importlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from babel.dates import format_datetime

from facilitation_methods import Method
from server.board.apply import Record, replay
from server.board.state import BoardState
from server.board.views import redact, released, view_state
from server.exceptions import DuplicateOp
from server.exports import archive, csv
from server.exports.pool import rendered
from server.exports.records import LOGGED, build
from server.exports.records import Record as LaidOut
from server.i18n import translations
from server.ids import hash_token, new_join_code, new_participant_id, new_token
from server.store.base import BoardRow, NewParticipant, Snapshot, Store, StoredOp

SEQ_MAX = 2**31 - 1  # the store's seq columns are 32-bit integers on Postgres


class NotFound(LookupError):
    pass


async def state_at(store: Store, board_id: str, seq: int | None = None) -> BoardState:
    """The board after op `seq` (now, when None), rebuilt from a snapshot and the log."""
    target = seq if seq is not None else SEQ_MAX
    snapshot = await store.snapshot_before(board_id, target)
    if snapshot is None:
        raise NotFound(f"There is no board {board_id}.")
    state = BoardState.from_json(snapshot.state)
    ops = [
        o.record for o in await store.ops_after(board_id, snapshot.seq) if o.record.seq <= target
    ]
    state = replay(state, ops)
    if seq is not None and state.seq != seq:
        raise NotFound(f"The board has no change {seq}; its last is {state.seq}.")
    return state


async def export(
    store: Store,
    methods: dict[str, Method],
    board: BoardRow,
    fmt: str,
    *,
    viewer: str | None,
    seq: int | None = None,
    named: bool = False,
    record: Snapshot | None = None,
) -> bytes:
    """The board (now, at `seq`, or as the named `record`) in `fmt`, as `viewer` may see it
    (`views`), op log included; `viewer` None: the whole board, the operator's."""
    if record is not None:
        state = BoardState.from_json(record.state)
    else:
        state = await state_at(store, board.id, seq)
    if fmt == "json":
        snapshots = [s for s in [await store.snapshot_before(board.id, 0)] if s]
        snapshots += await store.snapshots(board.id)
        ops = [o for o in await store.ops_after(board.id, 0) if o.record.seq <= state.seq]
        pictures = await store.pictures(board.id)
        if viewer is not None:
            state, snapshots, ops = _viewed_history(state, snapshots, ops, viewer)
            shown = _pictures_of(state) | {p.id for p in pictures if p.by == viewer}
            pictures = [p for p in pictures if p.id in shown]
        return archive.dump(board, state, snapshots, ops, pictures)
    if viewer is not None:
        state = view_state(state, viewer)
    state = approved(state)
    if fmt == "csv":
        return await rendered(csv.render, state, named=named)
    _ = translations(state.language).gettext
    when = datetime.fromtimestamp(record.created_at if record else _now(), UTC)
    taken = _("Taken {date}").format(
        date=format_datetime(when, format="medium", tzinfo=UTC, locale=state.language)
    )
    # who ran the meeting: facilitators' ops, which no view hides (views.RULES)
    log = [
        (o.record.by, o.record.op)
        for o in await store.ops_after(board.id, 0)
        if o.record.seq <= state.seq and o.noop is None and o.record.op.kind in LOGGED
    ]
    laid_out = build(
        state,
        methods.get(state.method),
        named=named,
        taken=taken,
        record_name=record.name if record else None,
        log=log,
    )
    for picture_id in _pictures_of(state):
        if (picture := await store.get_picture(board.id, picture_id)) is not None:
            laid_out.pictures[picture_id] = (picture.type, picture.data)
    # off the event loop: a large board's PDF takes seconds, and the room's sockets wait for none
    return await rendered(_render, fmt, laid_out)


_LAYOUTS = {"md": "markdown", "html": "html", "pdf": "pdf", "docx": "docx"}


def _render(fmt: str, laid_out: LaidOut) -> bytes:
    """In an export thread. Each layout is imported at the first record in its format:
    python-docx and the HTML templates were a twentieth of the server's start, and a restart's
    reconnect storm waits for the start."""
    render: Callable[[LaidOut], bytes] = importlib.import_module(
        f"server.exports.{_LAYOUTS[fmt]}"
    ).render
    return render(laid_out)


# what no file system takes in a name, and what would confuse a header
_NOT_IN_NAMES = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|;]+')


async def file_name(
    store: Store, board: BoardRow, title: str, fmt: str, *, seq: int, record: Snapshot | None
) -> str:
    """`<title> - <meeting date>.<fmt>` for the board called `title` now. The date is the
    record's, else change `seq`'s (the board's last: the day the meeting was held), as an ISO
    date, which sorts in a folder."""
    last = await store.ops_after(board.id, seq - 1, limit=1) if seq > 0 else []
    when = record.created_at if record else last[0].at if last else board.created_at
    title = " ".join(_NOT_IN_NAMES.sub(" ", title).split())[:80].strip(" .") or "Planche"
    date = datetime.fromtimestamp(when, UTC).date().isoformat()
    return f"{title} - {date}.{fmt}"


# letters that do not decompose into a Latin letter and a mark (å, ä and ö do)
_ASCII_SPELLING = str.maketrans({"æ": "ae", "Æ": "Ae", "ø": "oe", "Ø": "Oe", "ß": "ss"})


def attachment(name: str) -> str:
    """A Content-Disposition header for `name`: RFC 6266's `filename*` carries it in UTF-8
    (æ, ø, å, ä, ö); the plain `filename` is an ASCII stand-in for old clients."""
    spelled = name.translate(_ASCII_SPELLING)
    plain = unicodedata.normalize("NFKD", spelled).encode("ascii", "ignore").decode()
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"


def _viewed_history(
    state: BoardState, snapshots: list[Snapshot], ops: list[StoredOp], viewer: str
) -> tuple[BoardState, list[Snapshot], list[StoredOp]]:
    """An archive's parts as `viewer` received them: a replica replays them to its view."""
    viewed = [
        replace(s, state=view_state(BoardState.from_json(s.state), viewer).to_json())
        for s in snapshots
    ]
    wire = [{**o.record.to_json(), "noop": o.noop} for o in ops]
    public = released(wire)
    role = state.role_of(viewer)
    redacted = [
        replace(o, record=Record.from_json(redact(w, viewer, public, role=role)))
        for o, w in zip(ops, wire, strict=True)
    ]
    return view_state(state, viewer), viewed, redacted


def approved(state: BoardState) -> BoardState:
    """The board as its records show it: only approved notes (the facilitators' inbox is no
    part of a record, nor is what they declined)."""
    notes = {k: n for k, n in state.notes.items() if not n.pending}
    if len(notes) == len(state.notes) and not state.declined:
        return state
    return replace(state, notes=notes, declined={})


def _pictures_of(state: BoardState) -> set[str]:
    """The pictures the notes of `state` show (a private note's is blanked already)."""
    return {n.picture.id for n in state.notes.values() if n.picture and not n.private}


class Conflict(Exception):
    pass


async def import_archive(store: Store, methods: dict[str, Method], data: bytes) -> dict[str, Any]:
    """A board from a JSON archive, with new facilitator and viewer tokens (credentials are
    never exported). ArchiveError for a bad archive, Conflict when the board is here.
    The board, its history and its credentials are stored in one transaction, or nothing."""
    # reading and replaying a large archive takes seconds: off the loop, so rooms go on
    board, state, snapshots, ops, pictures = await asyncio.to_thread(
        archive.load_with_pictures, data, _now()
    )
    if board.method not in methods:
        raise archive.ArchiveError(f"This server has no method {board.method!r}.")
    if await store.get_board(board.id) is not None:
        raise Conflict("A board with this id is here already.")
    if await store.find_board_by_code(board.join_code) is not None:
        board = replace(board, join_code=new_join_code())
    if board.network_id is not None and await store.get_network(board.network_id) is None:
        board = replace(board, network_id=None, meeting_no=None)  # its network is elsewhere
    facilitator_token, viewer_token = new_token(), new_token()
    # the facilitator keeps their participant id, so their notes stay theirs
    facilitator = next(
        (p.id for p in state.participants.values() if p.role == "facilitator"),
        new_participant_id(),
    )
    credentials = [
        NewParticipant(facilitator, "", "facilitator", hash_token(facilitator_token)),
        NewParticipant(new_participant_id(), "", "viewer", hash_token(viewer_token)),
    ]
    try:
        await store.import_board(board, snapshots, ops, credentials, pictures)
    except DuplicateOp:
        raise Conflict(
            "This board, or one of its participants, is here already; nothing was imported."
        ) from None
    return {
        "id": board.id,
        "join_code": board.join_code,
        "facilitator_token": facilitator_token,
        "viewer_token": viewer_token,
        "participant_id": facilitator,
        "seq": state.seq,
        "urls": {"board": f"/b/{board.id}", "viewer": f"/b/{board.id}#token={viewer_token}"},
    }


def _now() -> float:
    return datetime.now(UTC).timestamp()
