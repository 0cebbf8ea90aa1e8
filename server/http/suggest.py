"""REST: suggested groups, duplicates and the draft summary for the facilitator
(server/suggest/, server/exports/summary.py).

The engine sees only what the facilitator may see: its input is built from `view_state`
for the facilitator, so a private note before its reveal (an empty placeholder then) is
never sent to it. It runs in a worker thread, so the board's room keeps serving ops.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Annotated

from pydantic import BaseModel, Field
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse

from server.board.ops import Id
from server.board.state import BoardState
from server.board.views import view_state
from server.config import Config
from server.exports.summary import draft
from server.http.boards import board_credential
from server.http.errors import ApiError, read_json
from server.services import services_of
from server.suggest import Engine, LocalEngine, NoteText, Suggestion
from server.suggest.exceptions import SuggestUnavailable

log = logging.getLogger("planche.suggest")


class SuggestRequest(BaseModel):
    areas: Annotated[
        list[Id] | None,
        Field(max_length=50, description="Suggest within these areas only; null: the board."),
    ] = None


def engine_for(config: Config) -> Engine:
    """The built-in engine, or the operator's OpenAI-compatible endpoint when one is set."""
    if config.suggest_url:
        from server.suggest.remote import RemoteEngine

        return RemoteEngine(config.suggest_url, config.suggest_model, config.suggest_chat_model)
    return LocalEngine()


def engine_of(app: Starlette) -> Engine:
    engine: Engine = app.state.suggest_engine
    return engine


def engine_input(state: BoardState, facilitator: str, areas: list[str] | None) -> list[NoteText]:
    """The notes an engine may see: the facilitator's view, without placeholders."""
    seen = view_state(state, facilitator)
    return [
        NoteText(n.id, n.text)
        for n in sorted(seen.notes.values(), key=lambda n: (n.created_seq, n.id))
        if not n.private and n.text.strip() and (areas is None or n.area in areas)
    ]


async def suggestions(request: Request) -> JSONResponse:
    """Suggested groups (label, notes) and duplicates of the notes the facilitator sees."""
    services = services_of(request)
    credential, room = await board_credential(request, services, facilitator=True)
    body = await read_json(request, SuggestRequest)
    state = room.state
    known = {a.id for a in state.areas}
    for area in body.areas or ():
        if area not in known:
            raise ApiError(422, "invalid", f"Field 'areas': this board has no area {area!r}.")
    notes = engine_input(state, credential.participant_id, body.areas)
    # a note the facilitator has grouped stays where it is: suggestions sort the rest
    loose = [n for n in notes if state.notes[n.id].group is None]
    engine = engine_of(request.app)
    try:
        groups, duplicates = await asyncio.to_thread(_both, engine, loose, notes, state.language)
    except SuggestUnavailable as e:
        log.warning("board %s: no suggestions: %s", room.board.id, e)
        raise ApiError(
            503,
            "unavailable",
            "The suggestion engine this server is set up with did not answer; try again, or "
            "ask whoever runs this Planche to check its --suggest-url.",
        ) from None
    return JSONResponse(
        {
            "groups": [{"label": g.label, "note_ids": list(g.note_ids)} for g in groups],
            "duplicates": duplicates,
        },
        headers={"Cache-Control": "no-store"},
    )


async def summary_draft(request: Request) -> JSONResponse:
    """The extractive draft of the meeting's summary, from the facilitator's view."""
    services = services_of(request)
    credential, room = await board_credential(request, services, facilitator=True)
    text = draft(view_state(room.state, credential.participant_id))
    return JSONResponse({"text": text}, headers={"Cache-Control": "no-store"})


def _both(
    engine: Engine, loose: list[NoteText], notes: list[NoteText], language: str
) -> tuple[list[Suggestion], list[list[str]]]:
    return engine.suggest_groups(loose, language), engine.duplicates(notes, language)
