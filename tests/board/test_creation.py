"""A board's first state, made from its method without a server (server/board/creation.py)."""

from __future__ import annotations

import pytest

from facilitation_methods import load_catalogue
from server.board.creation import CreationError, CustomCategory, first_state

METHODS = load_catalogue()
ANALYSIS = METHODS["category-analysis"]


def test_a_category_analysis_opens_with_the_chosen_categories_in_the_boards_language() -> None:
    mine = CustomCategory(" Mer av ", "Det vi vill se mer av")
    state = first_state(
        "b1", " Analys ", ANALYSIS, "sv", facilitator_id="p1", categories=["paradoxes", mine]
    )
    assert [(a.id, a.title) for a in state.areas[:2]] == [
        ("paradoxes", "Paradoxer"),
        ("custom-1", "Mer av"),
    ]
    assert [a.id for a in state.areas[2:]] == ["patterns", "priorities", "into-play"]
    assert state.title == "Analys"
    assert [p.id for p in state.phases] == [
        "silent",
        "together",
        "patterns",
        "prioritise",
        "into-play",
    ]
    # no name given: "Facilitator" in the board's language, from the gettext catalogue
    assert [(p.id, p.name, p.role) for p in state.participants.values()] == [
        ("p1", "Samtalsledare", "facilitator")
    ]


def test_without_a_choice_a_board_takes_the_methods_first_three_categories() -> None:
    state = first_state(
        "b1", "Analyse", ANALYSIS, "da", facilitator_id="p1", facilitator_name="Ole"
    )
    assert [a.title for a in state.areas[:3]] == ["Skjulte skatte", "Paradokser", "Vandrehistorier"]
    assert state.participants["p1"].name == "Ole"


@pytest.mark.parametrize(
    ("method", "title", "categories", "said"),
    [
        ("category-analysis", "A", ["paradoxes", "ghosts"], "Field 'categories': unknown 'ghosts'"),
        ("category-analysis", "A", ["paradoxes"], "Field 'categories': choose 2 to 4"),
        ("category-analysis", "A", ["values", "values"], "Field 'categories': choose 2 to 4"),
        ("free", "A", ["values"], "Field 'categories': 'free' has no categories"),
        ("free", "  ", None, "Field 'title'"),
    ],
)
def test_a_choice_the_method_does_not_allow_is_refused_naming_the_field(
    method: str, title: str, categories: list[str | CustomCategory] | None, said: str
) -> None:
    with pytest.raises(CreationError, match=said):
        first_state("b1", title, METHODS[method], "en", facilitator_id="p1", categories=categories)
