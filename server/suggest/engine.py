"""The engine interface: what every way of suggesting groups and duplicates answers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class NoteText:
    """What an engine gets of a note: its id and the text its facilitator can see."""

    id: str
    text: str


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A suggested group: a label and the notes in it (two or more)."""

    label: str
    note_ids: tuple[str, ...]


class Engine(Protocol):
    def suggest_groups(self, notes: Sequence[NoteText], language: str) -> list[Suggestion]:
        """Groups of notes that say similar things, largest first; a note in at most one;
        notes like no other are in none."""
        ...

    def duplicates(self, notes: Sequence[NoteText], language: str) -> list[list[str]]:
        """Sets of two or more notes that say the same thing, each note in at most one."""
        ...


def connected(pairs: Sequence[tuple[int, int]], n: int) -> list[list[int]]:
    """The groups of two or more that `pairs` join, transitively (union-find), in order."""
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in pairs:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(root(i), []).append(i)
    return [g for g in groups.values() if len(g) > 1]
