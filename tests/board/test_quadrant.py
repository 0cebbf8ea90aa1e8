"""Quadrant areas: a 2x2 area for prioritising, its axes named, its cells from positions."""

from __future__ import annotations

import gettext
from dataclasses import replace
from typing import Any

import pytest
from pydantic import ValidationError

from facilitation_methods.schema import Area as MethodArea
from server.board.apply import Record, apply
from server.board.creation import board_areas
from server.board.ops import parse_op
from server.board.quadrant import AXIS, CELL, GRID_TOP, cell_label, cell_of
from server.board.state import Area, Axes, BoardState, Note, Participant, new_board

FAC = "p-fac"


def board() -> BoardState:
    start = new_board("b1", "Workshop", "free", "en", (Area("main", "The board"),))
    return replace(start, participants={FAC: Participant(FAC, "Fac", "facilitator")})


def run(state: BoardState, op: dict[str, Any]) -> BoardState:
    after, noop = apply(state, Record(seq=state.seq + 1, id="op", by=FAC, op=parse_op(op)))
    assert noop is None
    return after


QUADRANT = {"id": "prio", "title": "Priorities", "axes": {"x": "Effort", "y": "Effect"}}


def test_an_area_added_with_axes_is_a_quadrant_and_survives_the_wire_form() -> None:
    state = run(board(), {"kind": "area.add", "area": QUADRANT})
    assert state.area("prio") == Area("prio", "Priorities", "", Axes(x="Effort", y="Effect"))
    wire = state.to_json()
    assert wire["areas"][1]["axes"] == {"x": "Effort", "y": "Effect"}
    assert BoardState.from_json(wire) == state


def test_an_area_without_axes_looks_on_the_wire_as_it_did_before_quadrants() -> None:
    state = run(board(), {"kind": "area.add", "area": {"id": "a2", "title": "Plain"}})
    assert state.to_json()["areas"][1] == {"id": "a2", "title": "Plain", "prompt": ""}
    stored = {"id": "old", "title": "Stored before", "prompt": "p"}  # no "axes" key
    assert Area.from_json(stored) == Area("old", "Stored before", "p")


@pytest.mark.parametrize(
    ("axes", "says"),
    [
        ({"x": "Effort"}, "axes.y"),
        ({"x": "Effort", "y": "   "}, "axis name is empty"),
        ({"x": "Effort", "y": "y" * 61}, "axis name is too long"),
        ({"x": "Effort", "y": "Effect", "z": "Cost"}, "axes.z"),
        ("Effort/Effect", "axes"),
    ],
)
def test_bad_axes_are_refused_naming_the_field(axes: Any, says: str) -> None:
    with pytest.raises(ValidationError) as refused:
        parse_op({"kind": "area.add", "area": {**QUADRANT, "axes": axes}})
    assert says in str(refused.value)


def note(x: float | None, y: float | None) -> Note:
    return Note("n", "prio", "text", FAC, x=x, y=y)


def test_a_notes_cell_follows_from_where_it_is_in_the_frame() -> None:
    left, right = AXIS + 10, AXIS + CELL + 10
    top, bottom = GRID_TOP + 10, GRID_TOP + CELL + 10
    assert cell_of(note(left, top)) == ("high", "low")
    assert cell_of(note(right, top)) == ("high", "high")
    assert cell_of(note(left, bottom)) == ("low", "low")
    assert cell_of(note(right, bottom)) == ("low", "high")
    assert cell_of(note(None, None)) is None  # not placed yet
    assert cell_of(note(left, GRID_TOP + 2 * CELL + 40)) is None  # below the grid


def test_cells_are_named_by_their_axes_mid_sentence() -> None:
    axes = Axes(x="Effort", y="Effect")
    no = gettext.NullTranslations().gettext
    assert cell_label(("high", "low"), axes, no) == "High effect, low effort"
    assert cell_label(("low", "high"), Axes(x="ROI", y="Risk"), no) == "Low risk, high ROI"


def test_a_method_may_declare_a_quadrant_area_in_every_language() -> None:
    texts = {"da": "x", "sv": "x", "en": "x"}
    declared = MethodArea.model_validate(
        {
            "id": "prio",
            "title": {"da": "Prioriteter", "sv": "Prioriteringar", "en": "Priorities"},
            "axes": {
                "x": {"da": "Indsats", "sv": "Insats", "en": "Effort"},
                "y": {"da": "Effekt", "sv": "Effekt", "en": "Effect"},
            },
        }
    )
    method: Any = type("M", (), {"categories": None, "areas": (declared,)})
    (made,) = board_areas(method, "da", None)
    assert made.axes == Axes(x="Indsats", y="Effekt")
    with pytest.raises(ValidationError):
        MethodArea.model_validate({"id": "p", "title": texts, "axes": {"x": texts}})
