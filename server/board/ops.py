"""Every kind of op a board accepts, each declared once: its model (the fields and their
shape), who may send it (`senders`) and what others may not see of it (`hidden`, and
`moderated` for an op on a note waiting in the inbox). `KINDS`, `SENDERS`, the `Op` union's
JSON Schema, `views.RULES` and the docs' op table (tests/test_docs.py) all come from these
declarations.

Shape rules live here (checked before an op gets a seq, answered with an error); rules that
depend on the board's state live in `apply` (a recorded no-op with a reason).
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date
from typing import Annotated, Any, ClassVar, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    TypeAdapter,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from server.board.state import Role
from server.board.visibility import (
    AUTHOR_ONLY,
    MODERATED_OP,
    REVEAL,
    WAITING,
    Hidden,
    always,
    private,
    unnamed,
)

NOTE_TEXT_MAX = 1000
FIELD_TEXT_MAX = 4000
SUMMARY_MAX = 20000  # a meeting's summary: about ten pages; one frame is 64 KiB
NAME_MAX = 60
VOTES_MAX = 20
TITLE_MAX = 200
PROMPT_MAX = 500
COLORS = ("yellow", "pink", "blue", "green", "orange", "purple")

Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
# strict numbers: true is not 1 and "5" is not 5
Coordinate = Annotated[float, Field(ge=0, le=100_000, strict=True)]
Color = Literal["yellow", "pink", "blue", "green", "orange", "purple"]


def _clean_text(value: str, limit: int, what: str, *, stored: bool = False) -> str:
    """`stored`: written by the server, perhaps under older rules, or blanked for a reader."""
    if "\x00" in value:
        raise ValueError(f"{what} contains a NUL character")
    if not stored and looks_empty(value):
        raise ValueError(f"{what} is empty; write something first")
    if len(value) > limit:
        # the wording matters: the protocol layer turns this into a `too_large` error
        raise ValueError(f"{what} is too long: {len(value)} characters, the limit is {limit}")
    return value


# letters and symbols that draw nothing: Hangul fillers, the blank braille cell, the
# combining grapheme joiner and the variation selectors
_BLANKS = frozenset(
    "\u115f\u1160\u3164\uffa0\u2800\u034f" + "".join(map(chr, range(0xFE00, 0xFE10)))
)


def looks_empty(text: str) -> bool:
    """Whether `text` shows nothing on any screen (only blanks, controls, format marks)."""
    return all(_invisible(c) for c in text)


def _invisible(c: str) -> bool:
    """Whitespace, zero-width and other format characters: a text of only these looks
    empty on every screen."""
    return c in _BLANKS or unicodedata.category(c) in ("Cc", "Cf", "Zs", "Zl", "Zp")


def _from_server(info: ValidationInfo) -> bool:
    """True while parsing ops the server sent, which may carry blanked (redacted) values."""
    return bool(info.context and info.context.get("from_server"))


def _checked_text(limit: int, what: str, *, optional: bool = False) -> AfterValidator:
    """A validator for user text; `optional` lets the empty string mean "none"."""

    def check(value: str, info: ValidationInfo) -> str:
        if value == "" and optional:
            return value
        return _clean_text(value, limit, what, stored=_from_server(info))

    return AfterValidator(check)


def _hideable_id(value: str, info: ValidationInfo) -> str:
    if value == "" and _from_server(info):
        return value  # a vote whose choice is hidden from this client
    if not _ID.fullmatch(value):
        raise ValueError("must be 1-64 letters, digits or _.:-")
    return value


_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
HideableId = Annotated[str, AfterValidator(_hideable_id)]


def _due_date(value: str, info: ValidationInfo) -> str:
    if value == "" and _from_server(info):
        return value  # the due date of an action on someone's private note
    try:
        date.fromisoformat(value)
    except ValueError:
        raise ValueError("must be a date written YYYY-MM-DD") from None
    if not _DATE.fullmatch(value):
        raise ValueError("must be a date written YYYY-MM-DD")
    return value


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
DueDate = Annotated[str, AfterValidator(_due_date)]


NoteText = Annotated[str, _checked_text(NOTE_TEXT_MAX, "note text")]
AreaTitle = Annotated[str, _checked_text(TITLE_MAX, "area title")]
AreaPrompt = Annotated[str, _checked_text(PROMPT_MAX, "area prompt", optional=True)]
AxisName = Annotated[str, _checked_text(NAME_MAX, "axis name")]
BoardTitle = Annotated[str, _checked_text(TITLE_MAX, "board title")]
GroupName = Annotated[str, _checked_text(TITLE_MAX, "group name", optional=True)]
OwnerName = Annotated[str, _checked_text(NAME_MAX, "owner")]
ForName = Annotated[str, _checked_text(NAME_MAX, "for_name")]
FieldText = Annotated[str, _checked_text(FIELD_TEXT_MAX, "field text", optional=True)]
SummaryText = Annotated[str, _checked_text(SUMMARY_MAX, "summary", optional=True)]
CellText = Annotated[str, _checked_text(NOTE_TEXT_MAX, "cell text", optional=True)]
ServerTime = Annotated[
    int, Field(ge=0, strict=True, description="Set by the server: its clock, in ms.")
]
Minutes = Annotated[float, Field(ge=0, le=480, strict=True)]


_OWN_PRIVATE = (
    "Set by the server: the sender's own note whose author others may not know (private or "
    "anonymous); others get it without `by`."
)
_OWN_ANONYMOUS = "Set by the server: the sender's own anonymous note; others get it without `by`."
_ROUND_ENDS = "Set by the server: the scores of the round that this ends, made public."
_PENDING = (
    "Set by the server: the author of the pending note this touches (moderated posting); "
    "others than the facilitators and the author get it blank and without `by`."
)


class _Op(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


WRITERS: frozenset[Role] = frozenset({"facilitator", "participant"})
FACILITATORS: frozenset[Role] = frozenset({"facilitator"})
SERVER: frozenset[Role] = frozenset()  # written by the server only; no client may send it


class _Kind(_Op):
    """One op kind, declared whole: its fields, who may send it from a client and what others
    may not see of it (see `views`: `hidden` for everyone but the sender, `moderated` on top
    of it for an op on a note waiting in the inbox)."""

    senders: ClassVar[frozenset[Role]]
    hidden: ClassVar[Hidden | None] = None
    moderated: ClassVar[Hidden | None] = None

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler.resolve_ref_schema(handler(core_schema))
        schema["x-senders"] = sorted(cls.senders)  # [] : the server's own
        return schema


class NotePicture(_Op):
    """The picture a note shows (its text is the caption): uploaded first with
    `POST /api/boards/{id}/pictures`, which answers its id, width and height."""

    id: Id
    width: int = Field(ge=1, le=4096, strict=True)
    height: int = Field(ge=1, le=4096, strict=True)
    stored: bool = Field(
        default=False, description="Set by the server: the picture was uploaded to this board."
    )


class NewNote(_Op):
    id: HideableId  # blank: someone else's pending note, which this client may not see
    area: Id
    # before `text`, which a picture note may leave empty (the picture needs no caption)
    picture: NotePicture | None = None
    text: Annotated[str, _checked_text(NOTE_TEXT_MAX, "note text", optional=True)]
    color: Color | None = None
    x: Coordinate | None = None
    y: Coordinate | None = None
    private: bool = Field(default=False, description="Set by the server in private writing.")
    example: bool = Field(
        default=False,
        description="A facilitator's note shown to everyone during private writing, on purpose.",
    )
    anonymous: bool = Field(
        default=False, description="Set by the server: written while the board is anonymous."
    )
    pending: bool = Field(
        default=False,
        description="Set by the server: written by a participant while the board is moderated.",
    )
    for_name: ForName | None = Field(
        default=None,
        description="A scribe's note: the name of the person in the room it is written for.",
    )

    @field_validator("text")
    @classmethod
    def _text_or_picture(cls, v: str, info: ValidationInfo) -> str:
        if v == "" and info.data.get("picture") is None and not _from_server(info):
            raise ValueError("note text is empty; write something first")
        return v

    @field_validator("x", "y")
    @classmethod
    def _finite(cls, v: float | None) -> float | None:
        if v is not None and not math.isfinite(v):
            raise ValueError("coordinates must be finite numbers")
        return v


class NoteAdd(_Kind):
    senders = WRITERS
    hidden = Hidden(
        lambda op: bool(op["note"].get("private")),
        ("note.text", "note.picture"),
        sender=lambda op: unnamed(op["note"]),
        until=REVEAL,
        naming=("note.for_name",),
    )
    moderated = Hidden(
        always,
        ("note.id", "note.text", "note.picture"),
        sender=always,
        until=WAITING,
        facilitators=True,
    )
    kind: Literal["note.add"]
    note: NewNote


class NoteEdit(_Kind):
    senders = WRITERS
    hidden = Hidden(private, ("text",), sender=unnamed, until=REVEAL)
    moderated = Hidden(always, ("text", "pending"), sender=always, until=WAITING, facilitators=True)
    kind: Literal["note.edit"]
    note_id: Id
    text: NoteText
    private: bool = Field(default=False, description="Set by the server: the note is private.")
    pending: str = Field(default="", description=_PENDING)
    anonymous: bool = Field(default=False, description=_OWN_ANONYMOUS)


class NoteMove(_Kind):
    senders = WRITERS
    hidden = AUTHOR_ONLY
    moderated = MODERATED_OP
    kind: Literal["note.move"]
    note_id: Id
    area: Id | None = None
    x: Coordinate | None = None
    y: Coordinate | None = None
    private: bool = Field(default=False, description=_OWN_PRIVATE)
    pending: str = Field(default="", description=_PENDING)

    @model_validator(mode="after")
    def _somewhere(self) -> NoteMove:
        if self.area is None and self.x is None and self.y is None:
            raise ValueError("note.move needs an area, or x and y, or both")
        return self


class NoteColor(_Kind):
    senders = WRITERS
    hidden = AUTHOR_ONLY
    moderated = MODERATED_OP
    kind: Literal["note.color"]
    note_id: Id
    color: Color
    private: bool = Field(default=False, description=_OWN_PRIVATE)
    pending: str = Field(default="", description=_PENDING)


class NoteDelete(_Kind):
    senders = WRITERS
    hidden = AUTHOR_ONLY
    moderated = MODERATED_OP
    kind: Literal["note.delete"]
    note_id: Id
    private: bool = Field(default=False, description=_OWN_PRIVATE)
    pending: str = Field(default="", description=_PENDING)


class NewAxes(_Op):
    """A quadrant's axes, each named by what grows along it (low to high)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    x: AxisName = Field(description="Grows from left (low) to right (high), e.g. Effort.")
    y: AxisName = Field(description="Grows from bottom (low) to top (high), e.g. Effect.")


class NewArea(_Op):
    id: Id
    title: AreaTitle
    prompt: AreaPrompt = ""
    axes: NewAxes | None = Field(
        default=None, description="Makes the area a 2x2 quadrant for prioritising."
    )


class AreaAdd(_Kind):
    senders = FACILITATORS
    kind: Literal["area.add"]
    area: NewArea


class AreaRename(_Kind):
    senders = FACILITATORS
    kind: Literal["area.rename"]
    area_id: Id
    title: AreaTitle


class AreaDelete(_Kind):
    senders = FACILITATORS
    kind: Literal["area.delete"]
    area_id: Id


class BoardRename(_Kind):
    senders = FACILITATORS
    kind: Literal["board.rename"]
    title: BoardTitle


class JoiningParticipant(_Op):
    id: Id
    name: str
    role: Role


class ParticipantJoin(_Kind):
    """Written by the server when someone joins with the code; no client may send it."""

    senders = SERVER
    kind: Literal["participant.join"]
    participant: JoiningParticipant


# phases and timer (facilitator)


class PhaseSet(_Kind):
    senders = FACILITATORS
    kind: Literal["phase.set"]
    phase: Id
    focus: tuple[Id, ...] = Field(default=(), max_length=20)
    scores: dict[str, dict[str, int]] = Field(default_factory=dict, description=_ROUND_ENDS)


class FocusSet(_Kind):
    """ "Follow me": every screen turns to these areas (none: the whole board)."""

    senders = FACILITATORS
    kind: Literal["focus.set"]
    areas: tuple[Id, ...] = Field(default=(), max_length=20)


class TimerSet(_Kind):
    senders = FACILITATORS
    kind: Literal["timer.set"]
    minutes: Minutes
    at: ServerTime = 0


class TimerStart(_Kind):
    senders = FACILITATORS
    kind: Literal["timer.start"]
    at: ServerTime = 0


class TimerPause(_Kind):
    senders = FACILITATORS
    kind: Literal["timer.pause"]
    at: ServerTime = 0


class TimerAdd(_Kind):
    senders = FACILITATORS
    kind: Literal["timer.add"]
    minutes: Annotated[float, Field(ge=-480, le=480, strict=True)]
    at: ServerTime = 0


class NotesReveal(_Kind):
    senders = FACILITATORS
    kind: Literal["notes.reveal"]
    area: Id | None = None
    texts: dict[str, str] = Field(default_factory=dict, description="Set by the server.")
    authors: dict[str, str] = Field(
        default_factory=dict, description="Set by the server: who wrote each revealed note."
    )
    owners: dict[str, str] = Field(
        default_factory=dict, description="Set by the server: the owners its authors gave them."
    )
    dues: dict[str, str] = Field(
        default_factory=dict, description="Set by the server: the owners' due dates."
    )
    pictures: dict[str, NotePicture] = Field(
        default_factory=dict, description="Set by the server: the pictures of picture notes."
    )
    fors: dict[str, str] = Field(
        default_factory=dict, description="Set by the server: whom a scribe wrote each one for."
    )


class BoardLock(_Kind):
    senders = FACILITATORS
    kind: Literal["board.lock"]
    locked: bool


class BoardAnonymous(_Kind):
    """Notes written from now on name no author to anyone but the author."""

    senders = FACILITATORS
    kind: Literal["board.anonymous"]
    anonymous: bool


class MeetingClose(_Kind):
    senders = FACILITATORS
    kind: Literal["meeting.close"]
    force: bool = Field(default=False, description="Close even while parked ideas lack owners.")
    scores: dict[str, dict[str, int]] = Field(default_factory=dict, description=_ROUND_ENDS)


# dot voting


class VoteOpen(_Kind):
    senders = FACILITATORS
    kind: Literal["vote.open"]
    per_person: int = Field(ge=1, le=VOTES_MAX, strict=True)
    area: Id | None = None


class VoteCast(_Kind):
    senders = WRITERS
    hidden = Hidden(always, ("note_id",), until="vote.close")
    kind: Literal["vote.cast"]
    note_id: HideableId


class VoteRetract(_Kind):
    senders = WRITERS
    hidden = Hidden(always, ("note_id",), until="vote.close")
    kind: Literal["vote.retract"]
    note_id: HideableId


class VoteClose(_Kind):
    senders = FACILITATORS
    kind: Literal["vote.close"]
    votes: dict[str, tuple[str, ...]] = Field(
        default_factory=dict, description="Set by the server: every vote, revealed."
    )


class VoteReopen(_Kind):
    """Undoes a close: the vote goes on with every vote cast so far (those the close showed
    stay shown, and stay cast)."""

    senders = FACILITATORS
    kind: Literal["vote.reopen"]


class PrioritiesSet(_Kind):
    senders = FACILITATORS
    kind: Literal["priorities.set"]
    note_ids: tuple[Id, ...] = Field(max_length=200)


# clustering


class NewGroup(_Op):
    id: Id
    area: Id
    name: GroupName = ""


class GroupAdd(_Kind):
    senders = WRITERS
    kind: Literal["group.add"]
    group: NewGroup


class GroupRename(_Kind):
    senders = WRITERS
    kind: Literal["group.rename"]
    group_id: Id
    name: GroupName


class GroupDelete(_Kind):
    senders = WRITERS
    kind: Literal["group.delete"]
    group_id: Id


class NoteGroup(_Kind):
    senders = WRITERS
    hidden = AUTHOR_ONLY
    kind: Literal["note.group"]
    note_id: Id
    group_id: Id | None = None  # None: out of its group (dropped from the stored form)
    private: bool = Field(default=False, description=_OWN_PRIVATE)


class NewLink(_Op):
    id: Id
    a: Id
    b: Id
    contradiction: bool = False


class LinkAdd(_Kind):
    senders = WRITERS
    hidden = AUTHOR_ONLY
    kind: Literal["link.add"]
    link: NewLink
    private: bool = Field(default=False, description=_OWN_PRIVATE)


class LinkMark(_Kind):
    senders = WRITERS
    kind: Literal["link.mark"]
    link_id: Id
    contradiction: bool


class LinkDelete(_Kind):
    senders = WRITERS
    kind: Literal["link.delete"]
    link_id: Id


class NoteOwn(_Kind):
    senders = WRITERS
    hidden = Hidden(private, ("owner", "due"), sender=unnamed, until=REVEAL)
    kind: Literal["note.own"]
    note_id: Id
    owner: OwnerName | None = None  # None: nobody (dropped from the stored form)
    due: DueDate | None = None  # by when the owner takes it forward; only with an owner
    private: bool = Field(default=False, description=_OWN_PRIVATE)
    anonymous: bool = Field(default=False, description=_OWN_ANONYMOUS)


# the idea parking lot


class NewIdea(_Op):
    id: Id
    text: NoteText


class IdeaPark(_Kind):
    senders = WRITERS
    kind: Literal["idea.park"]
    idea: NewIdea


class IdeaOwn(_Kind):
    senders = WRITERS
    kind: Literal["idea.own"]
    idea_id: Id
    owner: OwnerName | None = None  # None: nobody (dropped from the stored form)


class IdeaDelete(_Kind):
    senders = WRITERS
    kind: Literal["idea.delete"]
    idea_id: Id


# the method's fields, tables and grid


class FieldSet(_Kind):
    senders = WRITERS
    kind: Literal["field.set"]
    field: Id
    text: FieldText


class CellSet(_Kind):
    senders = WRITERS
    kind: Literal["cell.set"]
    table: Id
    row: Id
    column: Id
    text: CellText


class RowAdd(_Kind):
    senders = WRITERS
    kind: Literal["row.add"]
    table: Id
    row: Id


class RowDelete(_Kind):
    senders = WRITERS
    kind: Literal["row.delete"]
    table: Id
    row: Id


class ScoreSet(_Kind):
    senders = WRITERS
    hidden = Hidden(private, ("criterion", "score"), until="phase.set, meeting.close")
    kind: Literal["score.set"]
    criterion: HideableId
    score: int = Field(ge=0, le=10, strict=True)
    private: bool = Field(
        default=False, description="Set by the server: given in a round still open."
    )


class NewCriterion(_Op):
    id: Id
    label: AreaTitle


class GridSet(_Kind):
    """The facilitator's own criteria and scale for the board's scoring round, before anyone
    has scored (the method's grid is only where a board starts)."""

    senders = FACILITATORS
    kind: Literal["grid.set"]
    criteria: tuple[NewCriterion, ...] = Field(min_length=1, max_length=12)
    low: int = Field(ge=0, le=9, strict=True)
    high: int = Field(ge=1, le=10, strict=True)

    @model_validator(mode="after")
    def _scale(self) -> GridSet:
        if self.low >= self.high:
            raise ValueError("'low' must be below 'high'")
        ids = [c.id for c in self.criteria]
        if len(set(ids)) < len(ids):
            raise ValueError("criteria: each id once")
        return self


class SummarySet(_Kind):
    """The meeting's summary for its record, as the facilitator wrote or edited it (from the
    draft the server offers); "" removes it. Also after meeting.close: a record is often
    finished after the meeting."""

    senders = FACILITATORS
    kind: Literal["summary.set"]
    text: SummaryText


class ConsentSet(_Kind):
    """A participant agrees (or no longer agrees) to be named in published records."""

    senders = WRITERS
    kind: Literal["consent.set"]
    consent: bool


# small groups


class NewBreakout(_Op):
    id: Id
    name: AreaTitle
    members: tuple[Id, ...] = Field(default=(), max_length=200)
    note_taker: Id | None = None
    discussion_leader: Id | None = None


class BreakoutStart(_Kind):
    senders = FACILITATORS
    kind: Literal["breakout.start"]
    groups: tuple[NewBreakout, ...] = Field(min_length=1, max_length=50)


class BreakoutAssign(_Kind):
    senders = FACILITATORS
    kind: Literal["breakout.assign"]
    participant: Id
    group: Id


class BreakoutEnd(_Kind):
    senders = FACILITATORS
    kind: Literal["breakout.end"]


class BreakoutRoles(_Kind):
    """Who leads a group's discussion and who takes its notes (null: nobody); each a member."""

    senders = FACILITATORS
    kind: Literal["breakout.roles"]
    group: Id
    note_taker: Id | None = None
    discussion_leader: Id | None = None


# surveys (server/board/survey.py)

SURVEY_QUESTIONS_MAX = 20
SURVEY_OPTIONS_MAX = 10
QuestionText = Annotated[str, _checked_text(PROMPT_MAX, "question")]
OptionText = Annotated[str, _checked_text(TITLE_MAX, "option")]
AnswerText = Annotated[str, _checked_text(NOTE_TEXT_MAX, "answer")]


class NewQuestion(_Op):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: Id
    kind: Literal["scale", "choice", "text"] = Field(
        description="scale: 1-5; choice: one of `options` (answered by its index); text: free."
    )
    text: QuestionText
    options: tuple[OptionText, ...] = Field(default=(), max_length=SURVEY_OPTIONS_MAX)

    @model_validator(mode="after")
    def _options(self) -> NewQuestion:
        if self.kind == "choice" and len(self.options) < 2:
            raise ValueError("a choice question needs at least 2 options")
        if self.kind != "choice" and self.options:
            raise ValueError(f"a {self.kind} question has no options")
        return self


class SurveySet(_Kind):
    """The board's survey: its questions, deadline and whether it is anonymous. Only the
    deadline may change once someone has answered."""

    senders = FACILITATORS
    kind: Literal["survey.set"]
    questions: tuple[NewQuestion, ...] = Field(min_length=1, max_length=SURVEY_QUESTIONS_MAX)
    deadline: ServerTime | None = Field(
        default=None, description="The server's clock (UTC ms) after which no answer counts."
    )
    anonymous: bool = True

    @model_validator(mode="after")
    def _unique(self) -> SurveySet:
        ids = [q.id for q in self.questions]
        if len(set(ids)) < len(ids):
            raise ValueError("questions: each id once")
        return self


def _answers(value: dict[str, int | str], info: ValidationInfo) -> dict[str, int | str]:
    if not value and not _from_server(info):
        raise ValueError("answer at least one question")
    for question in value:
        if not _ID.fullmatch(question):
            raise ValueError("question ids must be 1-64 letters, digits or _.:-")
    return value


class SurveyAnswer(_Kind):
    """The sender's answers, replacing their earlier ones: a scale question 1-5, a choice
    question the index of its option, a text question its text."""

    senders = WRITERS
    # an answer, for good: survey.close carries only the totals (and, anonymous, no sender)
    hidden = Hidden(
        always, ("answers",), sender=lambda op: bool(op.get("anonymous")), until="never"
    )
    kind: Literal["survey.answer"]
    answers: Annotated[
        dict[str, Annotated[int, Field(strict=True, ge=0, le=10)] | AnswerText],
        Field(max_length=SURVEY_QUESTIONS_MAX),
        AfterValidator(_answers),
    ]
    at: ServerTime = 0
    first: bool = Field(default=False, description="Set by the server: the sender's first answer.")
    anonymous: bool = Field(
        default=False, description="Set by the server: the survey is anonymous; others get no `by`."
    )


class SurveyClose(_Kind):
    senders = FACILITATORS
    kind: Literal["survey.close"]
    at: ServerTime = 0
    results: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="Set by the server: per question, `counts` per value and sorted `texts`.",
    )


# live polls and word clouds (server/board/polls.py)

POLL_OPTIONS_MAX = 10
POLL_WORDS_MAX = 3
POLL_WORD_MAX = 40
PollWord = Annotated[str, _checked_text(POLL_WORD_MAX, "word")]


class NewPoll(_Op):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: Id
    kind: Literal["single", "multiple", "scale", "words"] = Field(
        description="single/multiple: one or more of `options` (by index); scale: 1-5; "
        "words: 1-3 short answers, counted by stem as a word cloud."
    )
    question: QuestionText
    options: tuple[OptionText, ...] = Field(default=(), max_length=POLL_OPTIONS_MAX)
    hidden: bool = Field(default=False, description="Answers reach nobody else until close.")

    @model_validator(mode="after")
    def _options(self) -> NewPoll:
        choice = self.kind in ("single", "multiple")
        if choice and len(self.options) < 2:
            raise ValueError(f"a {self.kind} poll needs at least 2 options")
        if not choice and self.options:
            raise ValueError(f"a {self.kind} poll has no options")
        return self


class PollOpen(_Kind):
    """Opens a poll; one is open at a time."""

    senders = FACILITATORS
    kind: Literal["poll.open"]
    poll: NewPoll


class PollAnswer(_Kind):
    """The sender's answer, replacing their earlier one while the poll is open: `choices`
    for a choice (option indexes) or scale poll (one value 1-5), `words` for a word cloud."""

    senders = WRITERS
    # whose, for good; what, until poll.close carries the totals (live: never hidden)
    hidden = Hidden(
        lambda op: bool(op.get("sealed")),
        ("choices", "words", "stems", "previous"),
        sender=always,
        until="poll.close (the totals only)",
    )
    kind: Literal["poll.answer"]
    poll_id: Id
    choices: tuple[Annotated[int, Field(strict=True, ge=0, le=10)], ...] = Field(
        default=(), max_length=POLL_OPTIONS_MAX
    )
    words: tuple[PollWord, ...] = Field(default=(), max_length=POLL_WORDS_MAX)
    previous: tuple[str, ...] = Field(
        default=(),
        max_length=POLL_OPTIONS_MAX,
        description="Set by the server: what the sender's earlier answer counted (tally keys), "
        "so a replica that does not know the sender can take it off the live totals.",
    )
    stems: tuple[str, ...] = Field(
        default=(),
        max_length=POLL_WORDS_MAX,
        description="Set by the server, with `words` lower-cased and trimmed: each word's stem "
        "in the board's language, by which the cloud counts it.",
    )
    first: bool = Field(default=False, description="Set by the server: the sender's first answer.")
    sealed: bool = Field(
        default=False, description="Set by the server: the poll hides answers until close."
    )

    @model_validator(mode="after")
    def _something(self, info: ValidationInfo) -> PollAnswer:
        if not self.choices and not self.words and not _from_server(info):
            raise ValueError("poll.answer needs choices or words")
        if self.choices and self.words:
            raise ValueError("poll.answer takes choices or words, not both")
        return self


class PollClose(_Kind):
    senders = FACILITATORS
    kind: Literal["poll.close"]
    poll_id: Id
    tally: dict[str, int] = Field(
        default_factory=dict,
        description="Set by the server: how many chose each option or value, or wrote each "
        "word (lower-cased, trimmed); never who.",
    )
    stems: dict[str, str] = Field(
        default_factory=dict, description="Set by the server: the stem of each word in `tally`."
    )


class PollShow(_Kind):
    """Shows a poll (and no other) on the projector, or stops showing it; `poll.open` shows
    the new poll."""

    senders = FACILITATORS
    kind: Literal["poll.show"]
    poll_id: Id
    shown: bool


# signals to the facilitator: a ready check and a queue of raised hands


class ReadySet(_Kind):
    """The sender is done with the phase (or not, after all); reset by the next phase."""

    senders = WRITERS
    kind: Literal["ready.set"]
    ready: bool


class HandRaise(_Kind):
    senders = WRITERS
    kind: Literal["hand.raise"]


class HandLower(_Kind):
    """Lowers a raised hand: the sender's own, or anyone's by a facilitator."""

    senders = WRITERS
    kind: Literal["hand.lower"]
    participant: Id | None = Field(default=None, description="Whose; absent: the sender's.")


# reactions on notes: a small fixed set, each person's own, counted on the note
REACTIONS = ("agree", "important", "idea", "question", "thanks")
Reaction = Literal["agree", "important", "idea", "question", "thanks"]


class ReactionToggle(_Kind):
    """The sender's reaction on a note: on if it was off, off if it was on."""

    senders = WRITERS
    kind: Literal["reaction.toggle"]
    note_id: Id
    reaction: Reaction


# moderated posting: the facilitators' inbox (server/board/inbox.py)


class ModerationSet(_Kind):
    """While on, a note a participant writes waits for a facilitator's approval."""

    senders = FACILITATORS
    kind: Literal["moderation.set"]
    on: bool


class NoteApprove(_Kind):
    """Pending notes made everyone's, one or many at once."""

    senders = FACILITATORS
    kind: Literal["note.approve"]
    note_ids: tuple[Id, ...] = Field(min_length=1, max_length=200)
    notes: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="Set by the server: each approved note as the board holds it (its author "
        "blank on an anonymous board), for replicas that never saw it.",
    )


class NoteDecline(_Kind):
    """A pending note taken off the board; its author sees that it was, and why."""

    senders = FACILITATORS
    moderated = Hidden(always, ("reason", "pending"), until="never", facilitators=True)
    kind: Literal["note.decline"]
    note_id: Id
    reason: Annotated[str, _checked_text(PROMPT_MAX, "reason", optional=True)] = ""
    pending: str = Field(default="", description=_PENDING)


class NoteMerge(_Kind):
    """Duplicates merged into one note, which keeps every author and every vote of them."""

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)
    senders = FACILITATORS
    kind: Literal["note.merge"]
    note_id: Id
    from_: tuple[Id, ...] = Field(alias="from", min_length=1, max_length=200)
    authors: tuple[str, ...] = Field(
        default=(),
        description="Set by the server: who else wrote the kept note afterwards (no author "
        "of an anonymous note).",
    )

    @model_validator(mode="after")
    def _others(self) -> NoteMerge:
        if self.note_id in self.from_ or len(set(self.from_)) < len(self.from_):
            raise ValueError("'from' names each other note once, not the kept one")
        return self


# co-facilitators and scribes (server/board/roles.py)


class RoleSet(_Kind):
    """Makes a participant a (co-)facilitator, or a facilitator a participant again (also
    oneself: stepping down); a board keeps at least one facilitator."""

    senders = FACILITATORS
    kind: Literal["role.set"]
    participant: Id
    role: Literal["facilitator", "participant"]


class LeadSet(_Kind):
    """Who runs the timer and phases: one facilitator (taking over), or any (null)."""

    senders = FACILITATORS
    kind: Literal["lead.set"]
    participant: Id | None = None


class ScribeSet(_Kind):
    """Makes a participant a scribe, who writes notes for named people without a device."""

    senders = FACILITATORS
    kind: Literal["scribe.set"]
    participant: Id
    on: bool


Op = Annotated[
    NoteAdd
    | NoteEdit
    | NoteMove
    | NoteDelete
    | AreaAdd
    | AreaRename
    | AreaDelete
    | BoardRename
    | ParticipantJoin
    | PhaseSet
    | FocusSet
    | TimerSet
    | TimerStart
    | TimerPause
    | TimerAdd
    | NotesReveal
    | BoardLock
    | BoardAnonymous
    | MeetingClose
    | VoteOpen
    | VoteCast
    | VoteRetract
    | VoteClose
    | PrioritiesSet
    | GroupAdd
    | GroupRename
    | GroupDelete
    | NoteGroup
    | NoteColor
    | LinkAdd
    | LinkMark
    | LinkDelete
    | NoteOwn
    | IdeaPark
    | IdeaOwn
    | IdeaDelete
    | FieldSet
    | CellSet
    | RowAdd
    | RowDelete
    | ScoreSet
    | GridSet
    | SummarySet
    | ConsentSet
    | BreakoutStart
    | BreakoutAssign
    | BreakoutEnd
    | BreakoutRoles
    | SurveySet
    | SurveyAnswer
    | SurveyClose
    | PollOpen
    | PollAnswer
    | PollClose
    | PollShow
    | ReadySet
    | HandRaise
    | HandLower
    | VoteReopen
    | ReactionToggle
    | ModerationSet
    | NoteApprove
    | NoteDecline
    | NoteMerge
    | RoleSet
    | LeadSet
    | ScribeSet,
    Field(discriminator="kind"),
]
OP_ADAPTER: TypeAdapter[Op] = TypeAdapter(Op)


def _declared() -> dict[str, type[_Kind]]:
    """Every op kind by its name, in the order of `Op`, which must hold every one."""
    models: tuple[type[_Kind], ...] = get_args(get_args(Op)[0])
    missing = set(_Kind.__subclasses__()) - set(models)
    if missing:
        raise TypeError(
            f"op kinds missing from the Op union: {sorted(m.__name__ for m in missing)}"
        )
    for m in models:
        if shadowed := {"senders", "hidden", "moderated"} & set(m.model_fields):
            raise TypeError(f"{m.__name__}: a field may not be named {sorted(shadowed)}")
        if "senders" not in vars(m):
            raise TypeError(f"{m.__name__} does not say who may send it (`senders`)")
    return {get_args(m.model_fields["kind"].annotation)[0]: m for m in models}


DECLARED: dict[str, type[_Kind]] = _declared()
KINDS: tuple[str, ...] = tuple(DECLARED)
# which roles may send each kind from a client; a kind missing here is the server's own
SENDERS: dict[str, frozenset[Role]] = {k: m.senders for k, m in DECLARED.items() if m.senders}


def parse_op(data: object, *, from_server: bool = False) -> Op:
    """A decoded op from its JSON form; raises pydantic.ValidationError.

    `from_server` admits the blanked values of a redacted op (see `views`), which a client
    may receive but never send.
    """
    return OP_ADAPTER.validate_python(data, context={"from_server": from_server})


def dump_op(op: Op) -> dict[str, object]:
    return op.model_dump(mode="json", exclude_none=True, by_alias=True)
