"""A learning network's boards without a server (server/board/network.py): the order of the
series, what a new meeting carries and from where, in the network's language."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime

from facilitation_methods import load_catalogue
from server.board.creation import first_state
from server.board.network import Meeting, meeting_number, seed, series
from server.board.state import BoardState, Note, ParkedIdea, Participant

METHODS = load_catalogue()
NOV_24 = datetime(2026, 11, 24, 9, tzinfo=UTC).timestamp()


@dataclass(frozen=True)
class Row:
    id: str
    title: str
    method: str
    meeting_no: int | None
    created_at: float = NOV_24


def board(row: Row) -> BoardState:
    return first_state(row.id, row.title, METHODS[row.method], "sv", facilitator_id="fac")


def kick_off() -> Meeting:
    """Meeting 1, closed: a capture with public, private, waiting and anonymous notes."""
    row = Row("b1", "Uppstart", "meeting-capture", 1)
    ida = Participant("ida", "Ida", "participant")
    notes = [
        Note("n1", "learning", "Frivilliga stannar när de blir frågade", "ida"),
        Note("n2", "learning", "Min egen tanke", "ida", private=True),
        Note("n3", "learning", "Väntar på samtalsledaren", "ida", pending=True),
        Note("n4", "actions", "Ring föreningarna", "ida", anonymous=True),
    ]
    state = replace(
        board(row),
        notes={n.id: n for n in notes},
        participants={"ida": ida},
        fields={"theme": "Behålla frivilliga", "contacts": ""},
        parked={"cafe": ParkedIdea("cafe", "Ett frivilligcafé", "ida", owner="Ida")},
    )
    return Meeting(row, state, {"theme": "Tema och möjligheter"}, {"theme": "ida"}, {})


def test_a_meeting_opens_with_what_the_last_one_let_everyone_see_each_with_its_source() -> None:
    new = seed(
        board(Row("b2", "Studiebesök", "meeting-capture", 2)),
        "Tema",
        [kick_off()],
        planning=False,
        closing=False,
    )
    recap = new.areas[0]
    assert (recap.id, recap.title) == ("recap", "Förra mötet")
    carried = {n.text: (n.id, n.source, n.author) for n in new.notes.values()}
    source = "Möte 1 · 24 nov. 2026 · Uppstart"
    assert carried == {
        "Frivilliga stannar när de blir frågade": ("m1-n1", source, "m1-ida"),
        "Ring föreningarna": ("m1-n4", source, ""),  # anonymous: no writer carried
        "Tema och möjligheter: Behålla frivilliga": ("m1-field-theme", source, "m1-ida"),
    }
    assert new.participants["m1-ida"] == Participant("m1-ida", "Ida", "participant", carried=True)
    (idea,) = new.parked.values()
    assert (idea.id, idea.owner, idea.source) == ("m1-cafe", "Ida", source)


def test_a_closing_meeting_gathers_every_note_once_from_where_it_was_first_written() -> None:
    first = kick_off()
    second_row = Row("b2", "Studiebesök", "meeting-capture", 2)
    second = seed(board(second_row), "Tema", [first], planning=False, closing=False)
    learnt = Note("n5", "learning", "Fråga om råd", "fac", created_seq=3)
    second = replace(second, notes={**second.notes, "n5": learnt})
    closing = seed(
        board(Row("b3", "Avslutning", "category-analysis", 3)),
        "Tema",
        [first, Meeting(second_row, second, {}, {}, {})],
        planning=False,
        closing=True,
    )
    assert [a.title for a in closing.areas[:2]] == ["Förra mötet", "Material från mötena"]
    # taken through meeting 2 or straight from meeting 1: one note, sourced in meeting 1
    sources = sorted((n.id, n.area, n.source) for n in closing.notes.values())
    assert sources == [
        ("m1-field-theme", "material", "Möte 1 · 24 nov. 2026 · Uppstart"),
        ("m1-n1", "material", "Möte 1 · 24 nov. 2026 · Uppstart"),
        ("m1-n4", "material", "Möte 1 · 24 nov. 2026 · Uppstart"),
        ("m2-n5", "recap", "Möte 2 · 24 nov. 2026 · Studiebesök"),
    ]


def test_planning_boards_carry_nothing_and_take_no_number() -> None:
    plan = board(Row("p", "Temat", "theme-unfolding", None))
    assert seed(plan, "Tema", [kick_off()], planning=True, closing=False) == plan
    assert meeting_number("theme-unfolding", planning=True, earlier=[]) is None
    assert meeting_number("leadership-deliverable", planning=False, earlier=[]) is None
    assert meeting_number("meeting-capture", planning=False, earlier=[kick_off().board]) == 2


def test_the_deliverable_is_drafted_from_the_meetings_naming_each() -> None:
    drafted = seed(
        board(Row("d", "Till chefforum", "leadership-deliverable", None)),
        "Behålla frivilliga",
        [kick_off()],
        planning=False,
        closing=False,
    )
    assert drafted.fields["theme"] == "Behålla frivilliga"
    assert drafted.fields["knowledge"] == "- Frivilliga stannar när de blir frågade [Möte 1]"
    assert drafted.fields["practice"] == "- Ring föreningarna [Möte 1]"
    assert drafted.fields["other"] == "- Ett frivilligcafé (Ida) [Möte 1]"


def test_the_series_lists_planning_boards_then_meetings_by_number_then_deliverables() -> None:
    rows = [
        Row("d", "Leverans", "leadership-deliverable", None, NOV_24 + 1),
        Row("m2", "Två", "meeting-capture", 2, NOV_24 + 2),
        Row("p", "Plan", "process-plan", None, NOV_24 + 3),
        Row("m1", "Ett", "meeting-capture", 1, NOV_24 + 4),
    ]
    planning, meetings, deliverables = series(rows)
    assert [[r.id for r in part] for part in (planning, meetings, deliverables)] == [
        ["p"],
        ["m1", "m2"],
        ["d"],
    ]
