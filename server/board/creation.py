"""A new board's first state, from its method, language and the facilitator's choices.

Pure: the HTTP handler (server/http/boards.py) makes the ids and tokens and stores what
this returns. Texts a person sees come from the gettext catalogues in the board's language.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from facilitation_methods import Method
from server.board.state import (
    Area,
    Axes,
    BoardState,
    GridSpec,
    Participant,
    PhaseSpec,
    Survey,
    SurveyQuestion,
    Table,
    new_board,
)
from server.i18n import translations


class CreationError(ValueError):
    """A choice the method does not allow; the message names the field and what to do."""


@dataclass(frozen=True, slots=True)
class CustomCategory:
    """A category of the facilitator's own, shown to participants with its explanation."""

    title: str
    explanation: str


def first_state(
    board_id: str,
    title: str,
    method: Method,
    language: str,
    *,
    facilitator_id: str,
    facilitator_name: str | None = None,
    categories: list[str | CustomCategory] | None = None,
    anonymous: bool = False,
) -> BoardState:
    """The board at seq 0: its method's areas (the chosen categories first), phases, fields,
    tables, grid and survey, and its facilitator (named "Facilitator" in the board's
    language when they gave no name). Raises `CreationError`."""
    areas = board_areas(method, language, categories)
    if not title.strip():
        raise CreationError("Field 'title': give the board a title.")
    name = (facilitator_name or translations(language).gettext("Facilitator")).strip()
    facilitator = Participant(id=facilitator_id, name=name, role="facilitator")
    state = new_board(
        board_id, title.strip(), method.id, language, areas, **method_parts(method, language)
    )
    return replace(state, participants={facilitator.id: facilitator}, anonymous=anonymous)


def method_parts(method: Method, language: str) -> dict[str, Any]:
    """What the board keeps of its method to check ops against: phases, fields, tables, grid;
    and its survey's default questions, in the board's language."""
    grid = method.grid
    questions = tuple(
        SurveyQuestion(q.id, q.kind, q.text[language], tuple(o[language] for o in q.options))
        for q in method.survey
    )
    return {
        "survey": Survey(questions) if questions else None,
        "phases": tuple(PhaseSpec(p.id, p.kind.value, p.minutes) for p in method.phases),
        "fields": {f.id: "" for f in method.fields},
        "facilitator_fields": tuple(f.id for f in method.fields if f.facilitator_only),
        "tables": {
            t.id: Table(tuple(c.id for c in t.columns), tuple(r.id for r in t.rows))
            for t in method.tables
        },
        "grid": GridSpec(tuple(c.id for c in grid.criteria), grid.scale_min, grid.scale_max)
        if grid
        else None,
    }


def board_areas(
    method: Method, language: str, chosen: list[str | CustomCategory] | None
) -> tuple[Area, ...]:
    """The board's areas at seq 0: one per chosen category first (the method's first three,
    or fewer, when none are chosen), then the method's own. Raises `CreationError`."""
    areas = []
    if method.categories is not None:
        options = {c.id: c for c in method.categories.options}
        low, high = method.categories.choose_min, method.categories.choose_max
        if chosen is None:
            chosen = [*list(options)[: min(3, high)]]
        custom = [c for c in chosen if isinstance(c, CustomCategory)]
        ids = [c for c in chosen if isinstance(c, str)]
        unknown = [c for c in ids if c not in options]
        if unknown:
            raise CreationError(
                f"Field 'categories': unknown {', '.join(map(repr, unknown))}; "
                f"choose from {', '.join(options)}."
            )
        titles = [*ids, *(c.title.strip().lower() for c in custom)]
        if not low <= len(set(titles)) == len(chosen) <= high:
            raise CreationError(f"Field 'categories': choose {low} to {high} different ones.")
        n = 0
        for c in chosen:
            if isinstance(c, str):
                areas.append(Area(c, options[c].title[language], options[c].explanation[language]))
            else:
                n += 1
                areas.append(Area(f"custom-{n}", c.title.strip(), c.explanation.strip()))
    elif chosen:
        raise CreationError(f"Field 'categories': {method.id!r} has no categories.")
    for a in method.areas:
        axes = Axes(a.axes.x[language], a.axes.y[language]) if a.axes else None
        areas.append(Area(a.id, a.title[language], a.prompt[language] if a.prompt else "", axes))
    return tuple(areas)
