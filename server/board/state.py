"""The board as plain, immutable data.

A `BoardState` is replaced, never changed: `apply` returns a new state that shares every
unchanged part with the old one, so a replica can keep the committed state while it tries
a batch of ops on a copy.

A client holds the board as its viewer sees it (`views.view_state`): what `views.RULES`
hides from others (private notes with their authors, open votes, sealed scores) is blanked.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal

Role = Literal["facilitator", "participant", "viewer"]


@dataclass(frozen=True, slots=True)
class Axes:
    """A quadrant area's two axes, each named by what grows along it: `x` from low (left)
    to high (right), `y` from low (bottom) to high (top). See `server/board/quadrant.py`."""

    x: str
    y: str


@dataclass(frozen=True, slots=True)
class Area:
    id: str
    title: str
    prompt: str = ""
    axes: Axes | None = None  # a 2x2 quadrant for prioritising; None: a plain frame

    def to_json(self) -> dict[str, Any]:
        """Without `axes` when it has none, as before quadrants existed."""
        data: dict[str, Any] = {"id": self.id, "title": self.title, "prompt": self.prompt}
        if self.axes:
            data["axes"] = {"x": self.axes.x, "y": self.axes.y}
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Area:
        axes = Axes(**a) if (a := data.get("axes")) else None
        return cls(data["id"], data["title"], data.get("prompt", ""), axes)


@dataclass(frozen=True, slots=True)
class Picture:
    """The picture a note shows (its text is the caption); the bytes are in the store."""

    id: str
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class Note:
    id: str
    area: str
    text: str
    author: str
    color: str | None = None
    x: float | None = None
    y: float | None = None
    created_seq: int = 0
    updated_seq: int = 0
    private: bool = False  # written in private writing and not revealed yet
    group: str | None = None
    owner: str | None = None  # who takes an action forward
    due: str | None = None  # by when (YYYY-MM-DD), set with the owner
    source: str | None = None  # where material pulled from an earlier meeting came from
    anonymous: bool = False  # written on an anonymous board: its author shows to no one else
    picture: Picture | None = None  # a picture note: its text is the caption
    # posted while the board is moderated and not approved yet: only its author and the
    # facilitators see it (server/board/inbox.py)
    pending: bool = False
    authors: tuple[str, ...] = ()  # who else wrote it: the authors of notes merged into it
    edited_by_facilitator: bool = False  # a facilitator changed its text before approving it

    for_name: str | None = None  # a scribe's note: the person in the room it is written for


@dataclass(frozen=True, slots=True)
class Declined:
    """A pending note a facilitator declined: seen by its author and the facilitators only."""

    note_id: str
    author: str
    text: str
    reason: str = ""
    anonymous: bool = False


@dataclass(frozen=True, slots=True)
class Participant:
    id: str
    name: str
    role: Role
    consent: bool = False  # may be named in published records (the idea book)
    # the author of notes carried from an earlier meeting of a network: no token, never present
    carried: bool = False
    scribe: bool = False  # posts notes for named people without a device (roles.py)


@dataclass(frozen=True, slots=True)
class Phase:
    id: str  # a phase id of the board's method
    kind: str  # its kind (facilitation_methods.schema.PhaseKind)
    focus: tuple[str, ...] = ()  # area ids in focus; empty means all


@dataclass(frozen=True, slots=True)
class PhaseSpec:
    """A phase the board's method offers, copied into the board when it is created."""

    id: str
    kind: str
    minutes: int


@dataclass(frozen=True, slots=True)
class GridSpec:
    criteria: tuple[str, ...]
    low: int
    high: int
    labels: tuple[str, ...] = ()  # the facilitator's own criteria (grid.set); empty: the method's


@dataclass(frozen=True, slots=True)
class Timer:
    """Server-authoritative: `ends_at` is the server's clock (ms) while it runs."""

    duration_ms: int = 0
    remaining_ms: int = 0  # while stopped
    ends_at: int | None = None

    def remaining(self, now_ms: int) -> int:
        return self.remaining_ms if self.ends_at is None else max(0, self.ends_at - now_ms)


@dataclass(frozen=True, slots=True)
class Voting:
    per_person: int
    area: str | None = None  # notes of this area only; None means any note
    closed: bool = False
    votes: dict[str, tuple[str, ...]] = field(default_factory=dict)  # by voter: note ids
    # reopened after a close: how many of each voter's first votes the close showed everyone
    shown: dict[str, int] = field(default_factory=dict)

    def results(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for chosen in self.votes.values():
            for note_id in chosen:
                counts[note_id] = counts.get(note_id, 0) + 1
        return counts


@dataclass(frozen=True, slots=True)
class Group:
    id: str
    area: str
    name: str = ""


@dataclass(frozen=True, slots=True)
class Link:
    id: str
    a: str
    b: str
    contradiction: bool = False


@dataclass(frozen=True, slots=True)
class ParkedIdea:
    id: str
    text: str
    by: str
    owner: str | None = None
    created_seq: int = 0
    source: str | None = None  # the meeting it was parked in, when carried over


@dataclass(frozen=True, slots=True)
class Breakout:
    """A small group: its own area, its members, and who takes its notes."""

    id: str
    name: str
    area: str
    members: tuple[str, ...] = ()
    note_taker: str | None = None  # when set, only they (and the facilitator) write there
    discussion_leader: str | None = None  # who leads the group's talk (the page names them)


@dataclass(frozen=True, slots=True)
class Table:
    columns: tuple[str, ...] = ()
    rows: tuple[str, ...] = ()
    cells: dict[str, str] = field(default_factory=dict)  # "row/column" -> text

    @staticmethod
    def key(row: str, column: str) -> str:
        return f"{row}/{column}"


@dataclass(frozen=True, slots=True)
class SurveyQuestion:
    id: str
    kind: str  # "scale" (1-5), "choice" (one of `options`, answered by index) or "text"
    text: str
    options: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Survey:
    """Questions answered by each participant until `deadline` (server ms) or close; see
    server/board/survey.py. Others' answers never leave the server (views.py): a replica
    holds its own answer, the count, and after close the `results`."""

    questions: tuple[SurveyQuestion, ...]
    deadline: int | None = None  # None: open until closed
    anonymous: bool = True  # nobody else learns who answered
    closed: bool = False
    closed_at: int | None = None
    count: int = 0  # how many have answered
    answers: dict[str, dict[str, int | str]] = field(default_factory=dict)  # by participant
    results: dict[str, dict[str, Any]] = field(default_factory=dict)  # by question, at close

    def to_json(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "questions": [{**asdict(q), "options": list(q.options)} for q in self.questions],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Survey:
        questions = tuple(
            SurveyQuestion(q["id"], q["kind"], q["text"], tuple(q.get("options", ())))
            for q in data["questions"]
        )
        return cls(**{**data, "questions": questions})


@dataclass(frozen=True, slots=True)
class Poll:
    """A live poll or word cloud (server/board/polls.py). `tally` counts each option index,
    scale value or word (lower-cased, trimmed) live, or, when `hidden`, only from close.
    A replica holds its own answer only (views.py); closed polls stay for the records."""

    id: str
    kind: str  # "single", "multiple", "scale" (1-5) or "words"
    question: str
    options: tuple[str, ...] = ()
    hidden: bool = False  # answers reach nobody else until close
    closed: bool = False
    shown: bool = True  # on the projector (one poll at a time)
    count: int = 0  # how many have answered
    tally: dict[str, int] = field(default_factory=dict)
    stems: dict[str, str] = field(default_factory=dict)  # a word cloud's words: their stem
    answers: dict[str, tuple[str, ...]] = field(default_factory=dict)  # tally keys, by sender

    def to_json(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "options": list(self.options),
            "answers": {k: list(v) for k, v in self.answers.items()},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Poll:
        answers = {k: tuple(v) for k, v in data.get("answers", {}).items()}
        return cls(**{**data, "options": tuple(data.get("options", ())), "answers": answers})


@dataclass(frozen=True, slots=True)
class BoardState:
    """Everything every replica of a board agrees on at `seq`."""

    id: str
    title: str
    method: str
    language: str
    seq: int = 0
    areas: tuple[Area, ...] = ()
    notes: dict[str, Note] = field(default_factory=dict)
    participants: dict[str, Participant] = field(default_factory=dict)
    phase: Phase | None = None
    timer: Timer = field(default_factory=Timer)
    locked: bool = False
    anonymous: bool = False  # notes written now name no author to anyone but the author
    closed: bool = False  # the meeting was closed: read-only, as its record
    voting: Voting | None = None
    groups: dict[str, Group] = field(default_factory=dict)
    links: dict[str, Link] = field(default_factory=dict)
    priorities: tuple[str, ...] = ()  # note ids, most important first
    parked: dict[str, ParkedIdea] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)
    facilitator_fields: tuple[str, ...] = ()  # fields only a facilitator writes
    tables: dict[str, Table] = field(default_factory=dict)
    scores: dict[str, dict[str, int]] = field(default_factory=dict)  # by participant
    # given in a round still open (an individual phase): public when the phase ends
    sealed_scores: dict[str, dict[str, int]] = field(default_factory=dict)
    phases: tuple[PhaseSpec, ...] = ()
    grid: GridSpec | None = None
    breakouts: dict[str, Breakout] = field(default_factory=dict)
    in_breakout: bool = False  # groups are working now; False: back in plenary
    focus: tuple[str, ...] = ()  # the areas the facilitator shows everyone; empty: all
    survey: Survey | None = None
    ready: tuple[str, ...] = ()  # who is done with the current phase, in the order they said so
    hands: tuple[str, ...] = ()  # raised hands, first raised first
    # by note, by reaction (ops.REACTIONS): who reacted so, in order (server/board/reactions.py)
    reactions: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    polls: dict[str, Poll] = field(default_factory=dict)  # in the order they were opened
    moderated: bool = False  # new notes of participants wait in the facilitators' inbox
    declined: dict[str, Declined] = field(default_factory=dict)  # by note id
    lead: str | None = None  # the facilitator who runs the timer and phases; None: any
    summary: str = ""  # the meeting's summary for its record (summary.set)

    def area(self, area_id: str) -> Area | None:
        return next((a for a in self.areas if a.id == area_id), None)

    def role_of(self, participant_id: str) -> Role | None:
        p = self.participants.get(participant_id)
        return p.role if p else None

    def to_json(self) -> dict[str, Any]:
        """The wire and storage form; `from_json(s.to_json()) == s`."""
        voting = self.voting
        return {
            "id": self.id,
            "title": self.title,
            "method": self.method,
            "language": self.language,
            "seq": self.seq,
            "areas": [a.to_json() for a in self.areas],
            "notes": {k: note_to_json(n) for k, n in self.notes.items()},
            "participants": {k: _flat(p) for k, p in self.participants.items()},
            "phase": {**asdict(self.phase), "focus": list(self.phase.focus)}
            if self.phase
            else None,
            "timer": asdict(self.timer),
            "locked": self.locked,
            "anonymous": self.anonymous,
            "closed": self.closed,
            "voting": {
                "per_person": voting.per_person,
                "area": voting.area,
                "closed": voting.closed,
                "votes": {k: list(v) for k, v in voting.votes.items()},
                "shown": dict(voting.shown),
            }
            if voting
            else None,
            "groups": {k: _flat(g) for k, g in self.groups.items()},
            "links": {k: _flat(link) for k, link in self.links.items()},
            "priorities": list(self.priorities),
            "parked": {k: _flat(i) for k, i in self.parked.items()},
            "fields": dict(self.fields),
            "facilitator_fields": list(self.facilitator_fields),
            "tables": {
                k: {"columns": list(tb.columns), "rows": list(tb.rows), "cells": dict(tb.cells)}
                for k, tb in self.tables.items()
            },
            "scores": {k: dict(v) for k, v in self.scores.items()},
            "sealed_scores": {k: dict(v) for k, v in self.sealed_scores.items()},
            "phases": [asdict(p) for p in self.phases],
            "grid": {
                **asdict(self.grid),
                "criteria": list(self.grid.criteria),
                "labels": list(self.grid.labels),
            }
            if self.grid
            else None,
            "breakouts": {
                k: {**asdict(b), "members": list(b.members)} for k, b in self.breakouts.items()
            },
            "in_breakout": self.in_breakout,
            "focus": list(self.focus),
            "survey": self.survey.to_json() if self.survey else None,
            "ready": list(self.ready),
            "hands": list(self.hands),
            "reactions": {
                n: {r: list(who) for r, who in by.items()} for n, by in self.reactions.items()
            },
            "polls": {k: p.to_json() for k, p in self.polls.items()},
            "moderated": self.moderated,
            "declined": {k: _flat(d) for k, d in self.declined.items()},
            "lead": self.lead,
            "summary": self.summary,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BoardState:
        phase, voting = data.get("phase"), data.get("voting")
        return cls(
            id=data["id"],
            title=data["title"],
            method=data["method"],
            language=data["language"],
            seq=data["seq"],
            areas=tuple(Area.from_json(a) for a in data["areas"]),
            notes={k: note_from_json(n) for k, n in data["notes"].items()},
            participants={k: Participant(**p) for k, p in data["participants"].items()},
            phase=Phase(phase["id"], phase["kind"], tuple(phase["focus"])) if phase else None,
            timer=Timer(**data.get("timer", {})),
            locked=data.get("locked", False),
            anonymous=data.get("anonymous", False),
            closed=data.get("closed", False),
            voting=Voting(
                per_person=voting["per_person"],
                area=voting["area"],
                closed=voting["closed"],
                votes={k: tuple(v) for k, v in voting["votes"].items()},
                shown=dict(voting.get("shown", {})),
            )
            if voting
            else None,
            groups={k: Group(**g) for k, g in data.get("groups", {}).items()},
            links={k: Link(**link) for k, link in data.get("links", {}).items()},
            priorities=tuple(data.get("priorities", ())),
            parked={k: ParkedIdea(**i) for k, i in data.get("parked", {}).items()},
            fields=dict(data.get("fields", {})),
            facilitator_fields=tuple(data.get("facilitator_fields", ())),
            tables={
                k: Table(tuple(tb["columns"]), tuple(tb["rows"]), dict(tb["cells"]))
                for k, tb in data.get("tables", {}).items()
            },
            scores={k: dict(v) for k, v in data.get("scores", {}).items()},
            sealed_scores={k: dict(v) for k, v in data.get("sealed_scores", {}).items()},
            phases=tuple(PhaseSpec(**p) for p in data.get("phases", ())),
            grid=GridSpec(tuple(g["criteria"]), g["low"], g["high"], tuple(g.get("labels", ())))
            if (g := data.get("grid"))
            else None,
            breakouts={
                k: Breakout(
                    b["id"],
                    b["name"],
                    b["area"],
                    tuple(b["members"]),
                    b["note_taker"],
                    b.get("discussion_leader"),
                )
                for k, b in data.get("breakouts", {}).items()
            },
            in_breakout=data.get("in_breakout", False),
            focus=tuple(data.get("focus", ())),
            survey=Survey.from_json(sv) if (sv := data.get("survey")) else None,
            ready=tuple(data.get("ready", ())),
            hands=tuple(data.get("hands", ())),
            reactions={
                n: {r: tuple(who) for r, who in by.items()}
                for n, by in data.get("reactions", {}).items()
            },
            polls={k: Poll.from_json(p) for k, p in data.get("polls", {}).items()},
            moderated=data.get("moderated", False),
            declined={k: Declined(**d) for k, d in data.get("declined", {}).items()},
            lead=data.get("lead"),
            summary=data.get("summary", ""),
        )


def note_from_json(data: dict[str, Any]) -> Note:
    """A note as `to_json` writes it (also as a note's approval carries it to every replica)."""
    picture = data.get("picture")
    authors = tuple(data.get("authors", ()))
    return Note(**{**data, "picture": Picture(**picture) if picture else None, "authors": authors})


def note_to_json(note: Note) -> dict[str, Any]:
    data = _flat(note)
    if note.picture is not None:
        data["picture"] = _flat(note.picture)
    data["authors"] = list(note.authors)
    return data


def _flat(item: Any) -> dict[str, Any]:
    """`asdict` of a dataclass whose fields hold no dataclass (or hold one, converted by the
    caller) and no mutable value: `asdict` copies every value on its way, which made a big
    board's snapshot and welcome cost tens of milliseconds (docs/performance.md)."""
    names = _FIELD_NAMES.get(type(item))
    if names is None:
        names = _FIELD_NAMES[type(item)] = tuple(f.name for f in fields(item))
    return {name: getattr(item, name) for name in names}


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def new_board(
    board_id: str,
    title: str,
    method: str,
    language: str,
    areas: tuple[Area, ...],
    **method_parts: Any,
) -> BoardState:
    """The state at seq 0, before any op; `method_parts`: phases, grid, fields, tables."""
    return BoardState(
        id=board_id, title=title, method=method, language=language, areas=areas, **method_parts
    )
