"""Rewriting a board's history so that it no longer names people (no I/O).

A board's op log and snapshots are JSON; who wrote what is held as participant ids (`by`,
`author`, `owner`, ...) and a participant's display name sits in their `participant.join` op
and in the state's participant list. `Pseudonyms` maps ids to new ids and blanks the names
of those ids, wherever they are, so that a replay of the rewritten log gives the rewritten
state: the same board, with those notes no longer tied to a name.

An owner ("I will take it on") is held as a name, not an id: `owners` are the names to take
out of `owner` wherever it is, each replaced by `owner_label` so the action stays taken.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from server.ids import new_participant_id


@dataclass(frozen=True)
class Pseudonyms:
    """`ids`: old participant id → new id (the same id where only the name goes)."""

    ids: Mapping[str, str]
    owners: frozenset[str] = frozenset()  # folded with `_folded`
    owner_label: str = ""

    @classmethod
    def fresh(cls, participant_id: str) -> Pseudonyms:
        """One participant's notes handed to a new, nameless participant."""
        return cls({participant_id: new_participant_id()})

    @classmethod
    def nameless(cls, participants: Mapping[str, str], owner_label: str = "") -> Pseudonyms:
        """These participants (id → display name) keep their ids and lose their names,
        also where their name is an owner's."""
        owners = frozenset(_folded(n) for n in participants.values() if _folded(n))
        return cls({p: p for p in participants}, owners, owner_label)

    def __call__(self, value: Any) -> Any:
        if isinstance(value, str):
            return self._text(value)
        if isinstance(value, list):
            return [self(v) for v in value]
        if isinstance(value, dict):
            out = {self._text(k): self(v) for k, v in value.items()}
            if "name" in out and out.get("id") in self.ids.values() and "role" in out:
                out["name"] = ""  # a participant entry (state) or a joining participant (op)
            if self.owner_label and isinstance(out.get("for_name"), str):
                out["for_name"] = ""  # whom a scribe wrote for (note.add, state): a name too
            owner = out.get("owner")
            if isinstance(owner, str) and _folded(owner) in self.owners:
                out["owner"] = self.owner_label  # a note or idea (state), note.own/idea.own (op)
            return out
        return value

    def _text(self, text: str) -> str:
        if (new := self.ids.get(text)) is not None:
            return new
        if text.startswith("join-"):  # the op id the server gave a participant's join
            return "join-" + self.ids.get(text[5:], text[5:])
        return text


def _folded(name: str) -> str:
    """A name as typed by hand or by "I will take it on": case and outer spaces aside."""
    return name.strip().casefold()
