"""The draft summary (server/exports/summary.py) and the saved summary in the record."""

from __future__ import annotations

from dataclasses import replace

from facilitation_methods import load_catalogue
from server.board.state import (
    Area,
    BoardState,
    Group,
    Link,
    Note,
    ParkedIdea,
    Participant,
    Voting,
    new_board,
)
from server.board.views import view_state
from server.exports import markdown
from server.exports.records import build
from server.exports.summary import draft

SECRET = "Privat tanke 77aa"


def board(language: str = "da") -> BoardState:
    areas = (Area("treasures", "Skjulte skatte"), Area("paradoxes", "Paradokser"))
    state = new_board("b1", "Netværksmøde 3", "free", language, areas)
    notes = {
        "n1": Note("n1", "treasures", "Pårørende vil gerne hjælpe", "p1", group="g1"),
        "n2": Note("n2", "treasures", "Pensionister som læsemakkere", "p1", group="g1"),
        "n3": Note("n3", "treasures", "Frivillige i   sansehaven", "p2"),
        "n4": Note("n4", "paradoxes", "Vi måler alt men ved intet", "p2", owner="Kim"),
        "n5": Note(
            "n5", "paradoxes", "Mere tid, men færre hænder", "p1", owner="Bo", due="2027-03-01"
        ),
        "n6": Note("n6", "treasures", SECRET, "p2", private=True),
    }
    people = {
        "f": Participant("f", "Tovholder", "facilitator"),
        "p1": Participant("p1", "Ann", "participant"),
        "p2": Participant("p2", "Bo", "participant"),
    }
    return replace(
        state,
        notes=notes,
        participants=people,
        groups={"g1": Group("g1", "treasures", "Ressourcer uden for huset")},
        links={"l1": Link("l1", "n2", "n4", contradiction=True)},
        voting=Voting(3, closed=True, votes={"p1": ("n3", "n4"), "p2": ("n4",)}),
        parked={"i1": ParkedIdea("i1", "Besøg i Aarhus", "p1")},
    )


def test_the_draft_names_groups_votes_links_actions_and_parked_ideas_in_danish() -> None:
    text = draft(view_state(board(), "f"))
    lines = text.splitlines()
    assert lines[0] == "Skjulte skatte"
    assert "- Gruppen »Ressourcer uden for huset«: 2 noter" in lines
    assert "- Flest stemmer: »Vi måler alt men ved intet« (2 stemmer)" in lines
    assert "- Flest stemmer: »Frivillige i sansehaven« (1 stemme)" in lines
    assert "- Pensionister som læsemakkere ↔ Vi måler alt men ved intet (modsætning)" in lines
    assert "- Mere tid, men færre hænder (Tovholder: Bo, senest 1. mar. 2027)" in lines
    assert "- Besøg i Aarhus (Ingen tovholder endnu)" in lines
    assert "Forbindelser og modsætninger" in lines and "Parkerede idéer" in lines
    assert SECRET not in text  # a private note before its reveal is nobody's to summarise


def test_the_draft_speaks_the_boards_language() -> None:
    assert "- Gruppen ”Ressourcer uden for huset”: 2 lappar" in draft(board("sv")).splitlines()
    assert draft(new_board("b2", "Tom", "free", "en", ())) == "No notes."
    english = draft(board("en"))
    assert "- Group “Ressourcer uden for huset”: 2 notes" in english.splitlines()


def test_the_saved_summary_comes_first_in_the_record_under_summary() -> None:
    summary = "Tre pointer gik igen.\n\nSkjulte skatte\n- Pårørende er en skjult skat\n"
    state = replace(board(), summary=summary)
    for method in (None, load_catalogue()["meeting-capture"]):
        record = build(view_state(state, "f"), method)
        first = record.blocks[0]
        assert first.heading == "Opsamling"
        assert [e.text for e in first.entries][:1] == ["Tre pointer gik igen."]
        assert first.children[0].heading == "Skjulte skatte"
        assert [e.text for e in first.children[0].entries] == ["Pårørende er en skjult skat"]
    assert "## Opsamling\n" in markdown.render(build(state, None)).decode()
