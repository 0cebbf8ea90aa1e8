"""The shape of a method file, checked field by field when the catalogue loads.

Every text a participant reads comes in da, sv and en. Unknown keys are errors, so that a
typo in a facilitator's own method file is caught at load, not in the middle of a meeting.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

LANGUAGES = ("da", "sv", "en")

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
_Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
_Paragraph = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Texts(_Strict):
    """One text in each of the product's languages."""

    da: _Line
    sv: _Line
    en: _Line

    def __getitem__(self, language: str) -> str:
        return str(getattr(self, language))


class LongTexts(Texts):
    da: _Paragraph
    sv: _Paragraph
    en: _Paragraph


class PhaseKind(StrEnum):
    """What participants may do while a phase runs (enforced by the phases engine)."""

    INTRO = "intro"  # the facilitator presents; notes are open
    INDIVIDUAL = "individual"  # private writing: others see only that a note exists
    JOINT = "joint"  # notes shared and discussed
    CLUSTER = "cluster"  # group notes, name groups, link notes
    VOTE = "vote"  # dot voting, results hidden until closed
    PRIORITISE = "prioritise"  # order what was chosen
    ACTIONS = "actions"  # turn learning into actions with owners
    CAPTURE = "capture"  # fill in the method's fields and tables
    BREAKOUT = "breakout"  # small groups, each with a note-taker


class Axes(_Strict):
    """A quadrant area's axes, each named by what grows along it (low to high)."""

    x: Texts = Field(description="From left (low) to right (high), e.g. effort.")
    y: Texts = Field(description="From bottom (low) to top (high), e.g. effect.")


class Area(_Strict):
    id: Slug
    title: Texts
    prompt: LongTexts | None = None
    axes: Axes | None = Field(default=None, description="A 2x2 quadrant for prioritising.")


class Phase(_Strict):
    id: Slug
    kind: PhaseKind
    title: Texts
    minutes: int = Field(ge=1, le=480)
    prompt: LongTexts | None = None
    areas: tuple[Slug, ...] = Field(default=(), description="Areas in focus; empty means all.")


class FormField(_Strict):
    """A structured answer of the board (a theme, a summary), edited like a note."""

    id: Slug
    label: Texts
    help: LongTexts | None = None
    facilitator_only: bool = Field(
        default=False,
        description="Written by the facilitator (a topic described in advance); read by all.",
    )


class Column(_Strict):
    id: Slug
    title: Texts


class FixedRow(_Strict):
    id: Slug
    title: Texts


class Table(_Strict):
    """Editable cells; rows are fixed by the method, or added on the board when `rows` is empty."""

    id: Slug
    title: Texts
    columns: tuple[Column, ...] = Field(min_length=1)
    rows: tuple[FixedRow, ...] = ()

    @model_validator(mode="after")
    def _unique(self) -> Self:
        _no_repeats("columns", [c.id for c in self.columns])
        _no_repeats("rows", [r.id for r in self.rows])
        return self


class Grid(_Strict):
    """A scoring grid: each participant scores each criterion on the scale."""

    criteria: tuple[FormField, ...] = Field(min_length=1)
    scale_min: int = Field(default=1, ge=0)
    scale_max: int = Field(default=5, le=10)

    @model_validator(mode="after")
    def _scale(self) -> Self:
        if self.scale_min >= self.scale_max:
            raise ValueError("scale_min must be below scale_max")
        _no_repeats("criteria", [c.id for c in self.criteria])
        return self


class SurveyQuestion(_Strict):
    """A default question of the method's survey (the board's own: `survey.set`)."""

    id: Slug
    kind: Literal["scale", "choice", "text"]  # scale: 1-5
    text: Texts
    options: tuple[Texts, ...] = Field(default=(), max_length=10)

    @model_validator(mode="after")
    def _options(self) -> Self:
        if (self.kind == "choice") != (len(self.options) >= 2) or (
            self.kind != "choice" and self.options
        ):
            raise ValueError("a choice question has 2-10 options, the others none")
        return self


class Category(_Strict):
    id: Slug
    title: Texts
    explanation: LongTexts


class Categories(_Strict):
    """The categories a facilitator chooses from (and may add custom ones to)."""

    choose_min: int = Field(ge=1)
    choose_max: int = Field(ge=1)
    options: tuple[Category, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _range(self) -> Self:
        if self.choose_min > self.choose_max:
            raise ValueError("choose_min must not be above choose_max")
        _no_repeats("options", [o.id for o in self.options])
        return self


class Method(_Strict):
    id: Slug
    name: Texts
    description: LongTexts
    areas: tuple[Area, ...] = Field(min_length=1)
    phases: tuple[Phase, ...] = ()
    fields: tuple[FormField, ...] = ()
    tables: tuple[Table, ...] = ()
    grid: Grid | None = None
    categories: Categories | None = None
    survey: tuple[SurveyQuestion, ...] = Field(default=(), max_length=20)

    @model_validator(mode="after")
    def _references(self) -> Self:
        area_ids = [a.id for a in self.areas]
        _no_repeats("areas", area_ids)
        _no_repeats("phases", [p.id for p in self.phases])
        _no_repeats("fields", [f.id for f in self.fields])
        _no_repeats("tables", [t.id for t in self.tables])
        _no_repeats("survey", [q.id for q in self.survey])
        for i, phase in enumerate(self.phases):
            for area in phase.areas:
                if area not in area_ids:
                    raise ValueError(f"phases.{i}.areas names {area!r}, which is not an area")
        return self


def _no_repeats(what: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            raise ValueError(f"{what}: the id {i!r} is used twice")
        seen.add(i)
