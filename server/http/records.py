"""Records over HTTP: named snapshots, shared read-only links, the board's history, exports
in every format, and the import of a JSON archive."""

from __future__ import annotations

import re

from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from server.board.ops import TITLE_MAX
from server.board.views import ANYONE, view_state
from server.exports import FORMATS
from server.exports.archive import ArchiveError
from server.exports.records import LOGGED
from server.exports.service import (
    Conflict,
    NotFound,
    attachment,
    export,
    file_name,
    import_archive,
    state_at,
)
from server.http.boards import board_credential, count_creation
from server.http.errors import ApiError, read_body, read_json, refuse_form
from server.http.quotas import record_quota
from server.services import services_of

IMPORT_MAX_BYTES = 50 * 1024 * 1024
# a shared record is a standalone page with inline CSS and no script at all
_SHARED_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"


class NewRecord(BaseModel):
    name: str = Field(min_length=1, max_length=TITLE_MAX)


async def save_record(request: Request) -> JSONResponse:
    services = services_of(request)
    _, room = await board_credential(request, services, facilitator=True)
    body = await read_json(request, NewRecord)
    async with record_quota(services, room.board.id):
        answer = await room.save_record(body.name.strip())
    return JSONResponse(answer, status_code=201)


async def list_records(request: Request) -> JSONResponse:
    services = services_of(request)
    credential, room = await board_credential(request, services)
    records = await services.store.snapshots(room.board.id)
    facilitator = credential.role == "facilitator"
    return JSONResponse(
        [
            {
                "seq": r.seq,
                "name": r.name,
                "created_at": r.created_at,
                **({"share_url": f"/s/{r.share_id}"} if facilitator and r.share_id else {}),
            }
            for r in records
        ]
    )


async def history(request: Request) -> JSONResponse:
    """The board as it stood after change `seq`, as the token's holder may see it."""
    services = services_of(request)
    credential, room = await board_credential(request, services)
    seq = _int(request, "seq")
    # another worker may have stored changes this worker's room has not heard of yet
    last = (
        room.state.seq
        if seq is None or seq <= room.state.seq
        else await services.store.head(room.board.id)
    )
    if seq is None or not 0 <= seq <= last:
        raise ApiError(422, "invalid", f"Query 'seq': a change from 0 to {last}.")
    state = await state_at(services.store, room.board.id, seq)
    answer = {"seq": seq, "state": view_state(state, credential.participant_id).to_json()}
    # which facilitator made this change (their ops are hidden from no one: views.RULES)
    change = await services.store.ops_after(room.board.id, seq - 1, limit=1) if seq else []
    if change and change[0].noop is None and change[0].record.op.kind in LOGGED:
        answer["change"] = {"kind": change[0].record.op.kind, "by": change[0].record.by}
    return JSONResponse(answer)


async def export_board(request: Request) -> Response:
    services = services_of(request)
    credential, room = await board_credential(request, services)
    if credential.role == "viewer":  # a shared screen shows the board; it takes no files home
        raise ApiError(403, "forbidden", "Only the facilitator and participants may do this.")
    fmt = request.query_params.get("format", "html")
    if fmt not in FORMATS:
        raise ApiError(422, "invalid", f"Query 'format': one of {', '.join(FORMATS)}.")
    authors = request.query_params.get("authors", "anonymous")
    if authors not in ("named", "anonymous"):
        raise ApiError(422, "invalid", "Query 'authors': named or anonymous.")
    seq, record_seq = _int(request, "seq"), _int(request, "snapshot")
    record = None
    if record_seq is not None:
        records = await services.store.snapshots(room.board.id)
        record = next((r for r in reversed(records) if r.seq == record_seq), None)
        if record is None:
            raise ApiError(404, "not_found", f"The board has no record at change {record_seq}.")
    try:
        body = await export(
            services.store,
            services.methods,
            room.board,
            fmt,
            viewer=credential.participant_id,  # what this token may see, op log included
            seq=seq,
            named=authors == "named",
            record=record,
        )
    except NotFound as e:
        raise ApiError(404, "not_found", str(e)) from None
    at = seq if seq is not None else room.state.seq
    title = room.state.title
    name = await file_name(services.store, room.board, title, fmt, seq=at, record=record)
    headers = {"Content-Disposition": attachment(name)}
    return Response(body, media_type=FORMATS[fmt], headers=headers)


async def shared_record(request: Request) -> Response:
    services = services_of(request)
    record = await services.store.shared_snapshot(request.path_params["share_id"])
    board = await services.store.get_board(record.board_id) if record else None
    if record is None or board is None:
        raise ApiError(404, "not_found", "This link does not open any record.")
    page = await export(
        services.store, services.methods, board, "html", viewer=ANYONE, record=record
    )
    return Response(
        page, media_type=FORMATS["html"], headers={"Content-Security-Policy": _SHARED_CSP}
    )


async def import_board(request: Request) -> JSONResponse:
    services = services_of(request)
    # a form on another site may post text/plain without asking (CORS): no board from that
    refuse_form(request, "application/json (the archive's file)")
    count_creation(request, services)
    data = await read_body(request, IMPORT_MAX_BYTES)
    try:
        answer = await import_archive(services.store, services.methods, data)
    except ArchiveError as e:
        raise ApiError(422, "invalid", str(e)) from None
    except Conflict as e:
        raise ApiError(409, "conflict", str(e)) from None
    return JSONResponse(answer, status_code=201)


_WHOLE = re.compile(r"[0-9]{1,9}")  # a seq: below 2**31, what Postgres's integers hold


def _int(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    if not _WHOLE.fullmatch(raw):
        raise ApiError(
            422, "invalid", f"Query '{name}': a whole number from 0 up, not {raw[:20]!r}."
        )
    return int(raw)
