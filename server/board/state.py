"""The board as plain, immutable data.

A `BoardState` is replaced, never changed: `apply` returns a new state that shares every
unchanged note with the old one, so a replica can keep the committed state while it tries
a batch of ops on a copy.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Role = Literal["facilitator", "participant", "viewer"]


@dataclass(frozen=True, slots=True)
class Area:
    id: str
    title: str
    prompt: str = ""


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


@dataclass(frozen=True, slots=True)
class Participant:
    id: str
    name: str
    role: Role


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

    def area(self, area_id: str) -> Area | None:
        return next((a for a in self.areas if a.id == area_id), None)

    def to_json(self) -> dict[str, Any]:
        """The wire and storage form; `from_json(s.to_json()) == s`."""
        return {
            "id": self.id,
            "title": self.title,
            "method": self.method,
            "language": self.language,
            "seq": self.seq,
            "areas": [asdict(a) for a in self.areas],
            "notes": {k: asdict(n) for k, n in self.notes.items()},
            "participants": {k: asdict(p) for k, p in self.participants.items()},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BoardState:
        return cls(
            id=data["id"],
            title=data["title"],
            method=data["method"],
            language=data["language"],
            seq=data["seq"],
            areas=tuple(Area(**a) for a in data["areas"]),
            notes={k: Note(**n) for k, n in data["notes"].items()},
            participants={k: Participant(**p) for k, p in data["participants"].items()},
        )


def new_board(
    board_id: str, title: str, method: str, language: str, areas: tuple[Area, ...]
) -> BoardState:
    """The state at seq 0, before any op."""
    return BoardState(id=board_id, title=title, method=method, language=language, areas=areas)
