"""Every kind of op a board accepts, as typed models, and who may send each.

Shape rules live here (checked before an op gets a seq, answered with an error); rules that
depend on the board's state live in `apply` (a recorded no-op with a reason).
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    field_validator,
    model_validator,
)

from server.board.state import Role

NOTE_TEXT_MAX = 1000
TITLE_MAX = 200
PROMPT_MAX = 500
COLORS = ("yellow", "pink", "blue", "green", "orange", "purple")

Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
Coordinate = Annotated[float, Field(ge=0, le=100_000)]
Color = Literal["yellow", "pink", "blue", "green", "orange", "purple"]


def _clean_text(value: str, limit: int, what: str) -> str:
    if "\x00" in value:
        raise ValueError(f"{what} contains a NUL character")
    if not value.strip():
        raise ValueError(f"{what} is empty; write something first")
    if len(value) > limit:
        # the wording matters: the protocol layer turns this into a `too_large` error
        raise ValueError(f"{what} is too long: {len(value)} characters, the limit is {limit}")
    return value


def _checked_text(limit: int, what: str, *, optional: bool = False) -> AfterValidator:
    """A validator for user text; `optional` lets the empty string mean "none"."""
    return AfterValidator(lambda v: v if optional and v == "" else _clean_text(v, limit, what))


NoteText = Annotated[str, _checked_text(NOTE_TEXT_MAX, "note text")]
AreaTitle = Annotated[str, _checked_text(TITLE_MAX, "area title")]
AreaPrompt = Annotated[str, _checked_text(PROMPT_MAX, "area prompt", optional=True)]
BoardTitle = Annotated[str, _checked_text(TITLE_MAX, "board title")]


class _Op(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class NewNote(_Op):
    id: Id
    area: Id
    text: NoteText
    color: Color | None = None
    x: Coordinate | None = None
    y: Coordinate | None = None

    @field_validator("x", "y")
    @classmethod
    def _finite(cls, v: float | None) -> float | None:
        if v is not None and not math.isfinite(v):
            raise ValueError("coordinates must be finite numbers")
        return v


class NoteAdd(_Op):
    kind: Literal["note.add"]
    note: NewNote


class NoteEdit(_Op):
    kind: Literal["note.edit"]
    note_id: Id
    text: NoteText


class NoteMove(_Op):
    kind: Literal["note.move"]
    note_id: Id
    area: Id | None = None
    x: Coordinate | None = None
    y: Coordinate | None = None

    @model_validator(mode="after")
    def _somewhere(self) -> NoteMove:
        if self.area is None and self.x is None and self.y is None:
            raise ValueError("note.move needs an area, or x and y, or both")
        return self


class NoteDelete(_Op):
    kind: Literal["note.delete"]
    note_id: Id


class NewArea(_Op):
    id: Id
    title: AreaTitle
    prompt: AreaPrompt = ""


class AreaAdd(_Op):
    kind: Literal["area.add"]
    area: NewArea


class AreaRename(_Op):
    kind: Literal["area.rename"]
    area_id: Id
    title: AreaTitle


class AreaDelete(_Op):
    kind: Literal["area.delete"]
    area_id: Id


class BoardRename(_Op):
    kind: Literal["board.rename"]
    title: BoardTitle


class JoiningParticipant(_Op):
    id: Id
    name: str
    role: Role


class ParticipantJoin(_Op):
    """Written by the server when someone joins with the code; no client may send it."""

    kind: Literal["participant.join"]
    participant: JoiningParticipant


Op = Annotated[
    NoteAdd
    | NoteEdit
    | NoteMove
    | NoteDelete
    | AreaAdd
    | AreaRename
    | AreaDelete
    | BoardRename
    | ParticipantJoin,
    Field(discriminator="kind"),
]
OP_ADAPTER: TypeAdapter[Op] = TypeAdapter(Op)

_EVERYONE_WRITING: frozenset[Role] = frozenset({"facilitator", "participant"})
_FACILITATOR: frozenset[Role] = frozenset({"facilitator"})

# Which roles may send each kind from a client. A kind missing here is server-only.
SENDERS: dict[str, frozenset[Role]] = {
    "note.add": _EVERYONE_WRITING,
    "note.edit": _EVERYONE_WRITING,
    "note.move": _EVERYONE_WRITING,
    "note.delete": _EVERYONE_WRITING,
    "area.add": _FACILITATOR,
    "area.rename": _FACILITATOR,
    "area.delete": _FACILITATOR,
    "board.rename": _FACILITATOR,
}
KINDS: tuple[str, ...] = (*SENDERS, "participant.join")


def parse_op(data: object) -> Op:
    """A decoded op from its JSON form; raises pydantic.ValidationError."""
    return OP_ADAPTER.validate_python(data)


def dump_op(op: Op) -> dict[str, object]:
    return op.model_dump(mode="json", exclude_none=True)
