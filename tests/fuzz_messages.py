"""Hypothesis strategies for WebSocket messages: valid ops of every kind, near-valid ones
(one field dropped, retyped, blanked or too long) and garbage, each sent by some role.

Ops draw their ids from small pools taken from the board's method, so that many of them meet
each other: edits of deleted notes, votes on notes of another area, a second note with an id
taken. Participant ids are known only once the board exists: a message names them with the
placeholders of `PLACEHOLDERS`, which the test replaces before sending.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Literal

from hypothesis import strategies as st

from facilitation_methods import BUILT_IN, load_method
from server.board.ops import COLORS, SENDERS, looks_empty
from server.board.state import Role

ROLES: tuple[Role, ...] = ("facilitator", "participant", "viewer")
PLACEHOLDERS: dict[str, Role] = {
    "@facilitator": "facilitator",
    "@participant": "participant",
    "@viewer": "viewer",
}

# the methods fuzzed: plain notes, a scoring grid, capture fields, a table, private writing
METHODS = ("free", "critical-friend", "meeting-capture", "meeting-plan")

Category = Literal["op", "near-valid", "garbage", "binary", "hello", "presence", "early"]


@dataclass(frozen=True)
class World:
    """The ids one method's board knows, and a few it does not."""

    method: str
    areas: tuple[str, ...]
    phases: tuple[str, ...]
    fields: tuple[str, ...]
    tables: tuple[str, ...]
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    criteria: tuple[str, ...]


def world(method_id: str) -> World:
    method = load_method(BUILT_IN / f"{method_id}.toml")
    return World(
        method=method_id,
        areas=(*(a.id for a in method.areas), "extra", "group-b1", "ghost"),
        phases=(*(p.id for p in method.phases), "ghost"),
        fields=(*(f.id for f in method.fields), "ghost"),
        tables=(*(t.id for t in method.tables), "ghost"),
        rows=(*(r.id for t in method.tables for r in t.rows), "r1", "r2"),
        columns=(*(c.id for t in method.tables for c in t.columns), "ghost"),
        criteria=(*(c.id for c in method.grid.criteria), "ghost") if method.grid else ("ghost",),
    )


WORLDS = {m: world(m) for m in METHODS}


@dataclass
class Send:
    """One frame sent on the connection of `role`; `payload` is JSON-able, `str` or `bytes`."""

    role: Role
    category: Category
    payload: Any


@dataclass
class Resend:
    """Sends an earlier op's id again: the same frame on the same connection, or (`role`
    set) on another connection with `op`, any content, under the same id."""

    pick: int
    role: Role | None = None
    op: dict[str, Any] | None = None


@dataclass
class Example:
    method: str
    before_hello: list[Send] = field(default_factory=list)  # on the facilitator's socket
    steps: list[Send | Resend] = field(default_factory=list)

    def __repr__(self) -> str:  # the notes of a failing example show each message sent
        return f"Example({self.method!r}, {len(self.before_hello)} + {len(self.steps)} messages)"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # hypothesis prints this
        printer.text(repr(self))


# values

NOTES = st.sampled_from(["n1", "n2", "n3"])
GROUPS = st.sampled_from(["g1", "g2", "ghost"])
LINKS = st.sampled_from(["l1", "l2"])
IDEAS = st.sampled_from(["i1", "i2"])
BREAKOUTS = st.sampled_from(["b1", "b2"])
PEOPLE = st.sampled_from([*PLACEHOLDERS, "p-ghost"])
OP_IDS = st.one_of(st.sampled_from([f"op-{k}" for k in range(8)]), st.uuids().map(str))

# texts that are valid but awkward: scripts, markup, right-to-left, emoji, white space
AWKWARD = (
    "Skjult skat: borgerne",
    "æøå ÆØÅ äö",
    "<script>alert(1)</script>",
    '=HYPERLINK("x")',
    "\u202eabc",
    "🦊🦊",
    "  padded  ",
    "a\nb\tc",
)
# valid JSON (as the escape \ud800) but no UTF-8: a server may take it or refuse it
LONE_SURROGATE = "lone \ud800 surrogate"


def texts(limit: int, *, empty: bool = False) -> st.SearchStrategy[str]:
    """Text a client may send in a field of at most `limit` characters."""
    drawn = st.text(st.characters(codec="utf-8"), min_size=1, max_size=30).filter(
        lambda t: not looks_empty(t) and "\x00" not in t
    )
    options = [drawn] * 4 + [st.sampled_from(AWKWARD)] * 4 + [st.just("x" * limit)] * 2
    options.append(st.just(LONE_SURROGATE))
    if empty:
        options.append(st.just(""))
    return st.one_of(options)


def coordinate() -> st.SearchStrategy[float | int]:
    return st.one_of(st.integers(0, 100_000), st.floats(0, 100_000))


def maybe(value: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A value or nothing (the key left out of the op)."""
    return st.one_of(st.just(_ABSENT), value)


_ABSENT = object()


def obj(**parts: Any) -> st.SearchStrategy[dict[str, Any]]:
    """A dict of the drawn parts, leaving out those drawn as absent."""
    return st.fixed_dictionaries(parts).map(
        lambda d: {k: v for k, v in d.items() if v is not _ABSENT}
    )


def op_of(kind: str, w: World) -> st.SearchStrategy[dict[str, Any]]:
    """A well-formed op of `kind` (by the rules of docs/protocol.md) for a board of `w`."""
    area = st.sampled_from(w.areas)
    note_text = texts(1000)
    title = texts(200)
    name = texts(60)
    j = st.just
    parts: dict[str, Any] = {
        "note.add": {
            "note": obj(
                id=NOTES,
                area=area,
                text=note_text,
                color=maybe(st.sampled_from(COLORS)),
                x=maybe(coordinate()),
                y=maybe(coordinate()),
                for_name=maybe(name),  # not a scribe: a recorded no-op (not_scribe)
                # a picture never uploaded: a recorded no-op (picture_not_found)
                picture=maybe(
                    obj(id=NOTES, width=st.integers(1, 4096), height=st.integers(1, 4096))
                ),
            )
        },
        "note.edit": {"note_id": NOTES, "text": note_text},
        "note.delete": {"note_id": NOTES},
        "area.add": {"area": obj(id=area, title=title, prompt=maybe(texts(500, empty=True)))},
        "area.rename": {"area_id": area, "title": title},
        "area.delete": {"area_id": area},
        "board.rename": {"title": title},
        "participant.join": {"participant": obj(id=PEOPLE, name=name, role=st.sampled_from(ROLES))},
        "phase.set": {
            "phase": st.sampled_from(w.phases),
            "focus": maybe(st.lists(area, max_size=2)),
        },
        "focus.set": {"areas": maybe(st.lists(area, max_size=3))},
        "timer.set": {"minutes": st.one_of(st.integers(0, 480), st.floats(0, 480))},
        "timer.start": {"at": maybe(st.integers(0, 2**40))},  # the server replaces `at`
        "timer.pause": {},
        "timer.add": {"minutes": st.integers(-480, 480)},
        "notes.reveal": {
            "area": maybe(area),
            "texts": maybe(st.dictionaries(NOTES, j("forged"), max_size=2)),
        },
        "board.lock": {"locked": st.booleans()},
        "board.anonymous": {"anonymous": st.booleans()},
        "meeting.close": {"force": maybe(st.booleans())},
        "vote.open": {"per_person": st.integers(1, 20), "area": maybe(area)},
        "vote.cast": {"note_id": NOTES},
        "vote.retract": {"note_id": NOTES},
        "vote.close": {},
        "vote.reopen": {},
        "priorities.set": {"note_ids": st.lists(NOTES, max_size=4)},
        "group.add": {"group": obj(id=GROUPS, area=area, name=maybe(texts(200, empty=True)))},
        "group.rename": {"group_id": GROUPS, "name": texts(200, empty=True)},
        "group.delete": {"group_id": GROUPS},
        "note.group": {"note_id": NOTES, "group_id": st.one_of(st.none(), GROUPS)},
        "note.color": {"note_id": NOTES, "color": st.sampled_from(COLORS)},
        "link.add": {"link": obj(id=LINKS, a=NOTES, b=NOTES, contradiction=maybe(st.booleans()))},
        "link.mark": {"link_id": LINKS, "contradiction": st.booleans()},
        "link.delete": {"link_id": LINKS},
        "note.own": {
            "note_id": NOTES,
            "owner": st.one_of(st.none(), name),
            "due": maybe(st.sampled_from(["2027-01-15", "2026-12-24"])),
        },
        "idea.park": {"idea": obj(id=IDEAS, text=note_text)},
        "idea.own": {"idea_id": IDEAS, "owner": st.one_of(st.none(), name)},
        "idea.delete": {"idea_id": IDEAS},
        "field.set": {"field": st.sampled_from(w.fields), "text": texts(4000, empty=True)},
        "cell.set": {
            "table": st.sampled_from(w.tables),
            "row": st.sampled_from(w.rows),
            "column": st.sampled_from(w.columns),
            "text": texts(1000, empty=True),
        },
        "row.add": {"table": st.sampled_from(w.tables), "row": st.sampled_from(w.rows)},
        "row.delete": {"table": st.sampled_from(w.tables), "row": st.sampled_from(w.rows)},
        "score.set": {"criterion": st.sampled_from(w.criteria), "score": st.integers(0, 10)},
        "grid.set": {
            "criteria": st.lists(
                obj(id=st.sampled_from(w.criteria), label=texts(200)),
                min_size=1,
                max_size=3,
                unique_by=lambda c: c["id"],
            ),
            "low": st.integers(0, 4),
            "high": st.integers(5, 10),
        },
        "summary.set": {"text": texts(20000, empty=True)},
        "consent.set": {"consent": st.booleans()},
        "breakout.start": {
            "groups": st.lists(
                obj(
                    id=BREAKOUTS,
                    name=title,
                    members=maybe(st.lists(PEOPLE, max_size=2)),
                    note_taker=maybe(PEOPLE),
                    discussion_leader=maybe(PEOPLE),
                ),
                min_size=1,
                max_size=2,
                unique_by=lambda g: g["id"],
            )
        },
        "breakout.assign": {"participant": PEOPLE, "group": BREAKOUTS},
        "breakout.end": {},
        "breakout.roles": {
            "group": BREAKOUTS,
            "note_taker": st.one_of(st.none(), PEOPLE),
            "discussion_leader": maybe(PEOPLE),
        },
        "survey.set": {
            "questions": st.lists(
                st.sampled_from(
                    [
                        {"id": "q1", "kind": "scale", "text": "How useful?"},
                        {"id": "q2", "kind": "choice", "text": "Again?", "options": ["Y", "N"]},
                        {"id": "q3", "kind": "text", "text": "Else?"},
                    ]
                ),
                min_size=1,
                max_size=3,
                unique_by=lambda q: q["id"],
            ),
            # ahead of the server's clock (2**40 ms was in 2004): a deadline already past
            # has the server write its own survey.close at a moment no ack tells
            "deadline": maybe(st.integers(2**42, 2**45)),
            "anonymous": st.booleans(),
        },
        "survey.answer": {
            "answers": st.dictionaries(
                st.sampled_from(["q1", "q2", "q3"]),
                st.one_of(st.integers(0, 10), texts(200)),
                min_size=1,
                max_size=3,
            )
        },
        "survey.close": {},
        "poll.open": {
            "poll": st.sampled_from(
                [
                    {"id": "p1", "kind": "single", "question": "Q?", "options": ["a", "b"]},
                    {"id": "p2", "kind": "words", "question": "Word?", "hidden": True},
                    {"id": "p3", "kind": "scale", "question": "How?"},
                ]
            )
        },
        "poll.answer": {"poll_id": st.sampled_from(["p1", "p2", "p3"])},
        "poll.close": {"poll_id": st.sampled_from(["p1", "p2", "p3"])},
        "poll.show": {"poll_id": st.sampled_from(["p1", "p2", "p3"]), "shown": st.booleans()},
        "ready.set": {"ready": st.booleans()},
        "hand.raise": {},
        "hand.lower": {"participant": maybe(PEOPLE)},
        "reaction.toggle": {
            "note_id": NOTES,
            "reaction": st.sampled_from(["agree", "important", "idea", "question", "thanks"]),
        },
        "moderation.set": {"on": st.booleans()},
        "note.approve": {"note_ids": st.lists(NOTES, min_size=1, max_size=3)},
        "note.decline": {"note_id": NOTES, "reason": maybe(texts(200))},
        "note.merge": {
            "note_id": j("n1"),
            "from": st.lists(st.sampled_from(["n2", "n3"]), min_size=1, max_size=2, unique=True),
        },
        # never a promotion: the fuzz's expectations hold each socket's role fixed (a
        # demotion of the one facilitator is last_facilitator; of a participant, nothing)
        "role.set": {"participant": PEOPLE, "role": st.just("participant")},
        "lead.set": {"participant": maybe(PEOPLE)},
        "scribe.set": {"participant": PEOPLE, "on": st.booleans()},
    }
    if kind == "note.move":
        return _note_move(area)
    if kind == "poll.answer":  # choices or words, never both
        given = st.one_of(
            obj(choices=st.lists(st.integers(0, 10), min_size=1, max_size=3)),
            obj(words=st.lists(texts(40), min_size=1, max_size=3)),
        )
        return st.tuples(obj(kind=j(kind), **parts[kind]), given).map(lambda ab: {**ab[0], **ab[1]})
    return obj(kind=j(kind), **parts[kind])


def _note_move(area: st.SearchStrategy[str]) -> st.SearchStrategy[dict[str, Any]]:
    where = st.one_of(
        obj(area=area, x=maybe(coordinate()), y=maybe(coordinate())),
        obj(x=coordinate(), y=maybe(coordinate())),
        obj(y=coordinate()),
    )
    return st.tuples(NOTES, where).map(lambda t: {"kind": "note.move", "note_id": t[0], **t[1]})


KINDS = (*SENDERS, "participant.join")
# notes come first on a board: they are drawn more often, closing a meeting less often
_WEIGHTED_KINDS = [
    *KINDS,
    *["note.add"] * 6,
    *["note.edit", "note.move", "note.delete", "vote.cast", "link.add", "idea.park"] * 2,
]


def valid_op(w: World) -> st.SearchStrategy[dict[str, Any]]:
    return st.sampled_from(_WEIGHTED_KINDS).flatmap(lambda k: op_of(k, w))


def op_message(w: World) -> st.SearchStrategy[dict[str, Any]]:
    return obj(type=st.just("op"), id=OP_IDS, op=valid_op(w))


# garbage

JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),  # NaN and Infinity too: Python's json reads and writes them
    st.text(max_size=12),
    st.sampled_from([10**300, -(2**63), 2**64, 1e308, -0.0]),
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


RAW_TEXTS = st.one_of(
    st.text(st.characters(codec="utf-8"), max_size=40),
    st.sampled_from(
        [
            "",
            " ",
            "{",
            "nul",
            "{'type': 'op'}",
            '{"type": "op", "id": "x", "op": ',
            "\x00",
            "NaN",
            '"hello"',
            '{"type": "presence"} trailing',
            # more digits than Python reads into an int by default
            '{"type": "op", "id": "digits", "op": {"kind": "score.set", "criterion": "c", '
            '"score": ' + "1" * 5000 + "}}",
        ]
    ),
    # nesting deeper than Python's recursion limit
    st.sampled_from([50, 900, 5_000, 30_000]).map(_nested),
    st.sampled_from([2_000, 30_000]).map(lambda d: '{"type": "presence", "x": ' + _nested(d) + "}"),
)


def _garbage_object() -> st.SearchStrategy[dict[str, Any]]:
    """An object whose type is unknown or missing, or whose fields have the wrong types."""
    unknown_type = st.dictionaries(
        st.sampled_from(["id", "op", "token", "x"]), JSON_VALUES
    ).flatmap(
        lambda d: st.one_of(
            st.just(d),
            st.builds(
                lambda t: {**d, "type": t},
                JSON_VALUES.filter(lambda t: t not in ("hello", "op", "presence")),
            ),
            st.just({**d, "type": "shout"}),
            st.just({**d, "type": "HELLO"}),
            st.just({**d, "type": "ops"}),  # a server message type sent by a client
        )
    )
    presence = obj(
        type=st.just("presence"),
        typing=maybe(JSON_VALUES),
        area=maybe(st.one_of(JSON_VALUES, st.sampled_from(["a" * 65, "\udfff"]))),
        drag=maybe(
            st.one_of(
                JSON_VALUES,
                obj(note_id=maybe(JSON_VALUES), area=maybe(JSON_VALUES), x=maybe(JSON_VALUES)),
                st.just({"note_id": "n1", "area": "a", "x": 1e6, "y": 0}),
            )
        ),
    )
    hello = obj(
        type=st.just("hello"),
        token=maybe(JSON_VALUES),
        since=maybe(JSON_VALUES),
        epoch=maybe(JSON_VALUES),
    )
    op = obj(type=st.just("op"), id=maybe(JSON_VALUES), op=maybe(JSON_VALUES))
    return st.one_of(unknown_type, presence, hello, op)


def garbage() -> st.SearchStrategy[Any]:
    return st.one_of(
        RAW_TEXTS,
        JSON_VALUES.filter(lambda v: not isinstance(v, dict)),  # JSON, not an object
        _garbage_object(),
    )


# near-valid: a valid op message with one thing wrong


def _slots(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside nested dicts and lists."""
    found: list[tuple[Any, ...]] = []
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else []
    )
    for key, inner in items:
        found.append((*path, key))
        found.extend(_slots(inner, (*path, key)))
    return found


def _container(message: Any, path: tuple[Any, ...]) -> Any:
    for key in path[:-1]:
        message = message[key]
    return message


# a lone surrogate is valid JSON (the escape \ud800) but no UTF-8
BAD_STRINGS = ("", "   ", "\t\n", "nul\x00", "bad id!", "ä", "x" * 65, "x" * 1001, "\ud800")


@st.composite
def near_valid(draw: st.DrawFn, w: World) -> dict[str, Any]:
    message = copy.deepcopy(draw(op_message(w)))
    how = draw(st.sampled_from(["drop", "retype", "bad string", "long text", "kind", "extra"]))
    slots = _slots(message)
    if how in ("bad string", "long text"):  # a string of the op itself, where there is one
        texts_ = [p for p in slots if p[0] == "op" and isinstance(_at(message, p), str)]
        slots = [p for p in texts_ if p != ("op", "kind")] or slots
    path = slots[draw(st.integers(0, len(slots) - 1))]
    holder = _container(message, path)
    if how == "drop":
        del holder[path[-1]]
    elif how == "retype":
        holder[path[-1]] = draw(JSON_VALUES)
    elif how == "bad string":
        holder[path[-1]] = draw(st.sampled_from(BAD_STRINGS))
    elif how == "long text":
        holder[path[-1]] = "x" * draw(st.sampled_from([61, 201, 501, 1001, 4001]))
    elif how == "kind":
        message["op"]["kind"] = draw(
            st.one_of(st.sampled_from(["note.teleport", "NOTE.ADD", "", "note"]), JSON_VALUES)
        )
    elif isinstance(holder, dict):  # an unknown field, which must be ignored
        holder[draw(st.sampled_from(["extra", "seq", "by", "noop"]))] = draw(JSON_VALUES)
    return message


def _at(message: Any, path: tuple[Any, ...]) -> Any:
    return _container(message, path)[path[-1]]


def presence(w: World) -> st.SearchStrategy[dict[str, Any]]:
    return obj(
        type=st.just("presence"),
        typing=maybe(st.booleans()),
        area=maybe(st.one_of(st.none(), st.sampled_from(w.areas))),
        drag=maybe(
            st.one_of(
                st.none(),
                obj(
                    note_id=st.sampled_from(["n1", "no-such-note"]),
                    area=st.sampled_from(w.areas),
                    x=st.integers(-500, 5000),
                    y=st.floats(-500, 5000),
                ),
            )
        ),
    )


def second_hello() -> st.SearchStrategy[dict[str, Any]]:
    return obj(
        type=st.just("hello"),
        token=st.sampled_from([*PLACEHOLDERS, "not-a-token"]),
        since=maybe(st.one_of(st.none(), st.integers(0, 5))),
        epoch=maybe(st.none()),
    )


def step(w: World) -> st.SearchStrategy[Send | Resend]:
    role = st.sampled_from(ROLES)
    sends: list[tuple[int, Category, st.SearchStrategy[Any]]] = [
        (10, "op", op_message(w)),
        (4, "near-valid", near_valid(w)),
        (3, "garbage", garbage()),
        (1, "binary", st.one_of(st.binary(max_size=40), st.just(b'{"type": "presence"}'))),
        (1, "hello", second_hello()),
        (2, "presence", presence(w)),
    ]
    options: list[st.SearchStrategy[Send | Resend]] = [
        st.builds(Send, role, st.just(category), payload)
        for weight, category, payload in sends
        for _ in range(weight)
    ]
    resend = st.builds(Resend, st.integers(0, 50))
    elsewhere = st.builds(Resend, st.integers(0, 50), role, valid_op(w))
    options += [resend, resend, elsewhere]
    return st.one_of(options)


@st.composite
def examples(draw: st.DrawFn, max_steps: int = 40) -> Example:
    w = WORLDS[draw(st.sampled_from(METHODS))]
    early = st.one_of(op_message(w), garbage(), presence(w))
    before = draw(
        st.lists(st.builds(Send, st.just("facilitator"), st.just("early"), early), max_size=2)
    )
    steps = draw(st.lists(step(w), min_size=max_steps // 4, max_size=max_steps))
    return Example(w.method, before, steps)
