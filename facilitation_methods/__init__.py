"""The method catalogue: what a board of each method starts with.

For now only the `free` board; the declarative catalogue of every method of METHODS.md
replaces this table in issue (2/6).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AreaTemplate:
    id: str
    title: dict[str, str]  # by language: da, sv, en


@dataclass(frozen=True)
class Method:
    id: str
    name: dict[str, str]
    areas: tuple[AreaTemplate, ...]


LANGUAGES = ("da", "sv", "en")

METHODS: dict[str, Method] = {
    "free": Method(
        id="free",
        name={"da": "Fri tavle", "sv": "Fri tavla", "en": "Free board"},
        areas=(AreaTemplate("main", {"da": "Tavlen", "sv": "Tavlan", "en": "The board"}),),
    ),
}


def get_method(method_id: str) -> Method | None:
    return METHODS.get(method_id)
