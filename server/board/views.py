"""The board as one participant may see it.

Until the facilitator reveals them, the texts of notes written in private writing reach
only their author; everyone else (the facilitator too) sees that a note exists, where,
and by whom, so counts show. Until voting closes, each voter's choices reach only the voter.
Both rules apply to the state of a welcome and to every op delivered (`redact`), and a
replica that applies redacted ops to a redacted state holds exactly `view_state`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from server.board.state import BoardState

_BLANKED_KINDS = ("vote.cast", "vote.retract")


def hidden_from_others(record: dict[str, Any]) -> bool:
    """Whether anyone but the record's sender must get it redacted."""
    op = record["op"]
    kind = op["kind"]
    if kind == "note.add":
        return bool(op["note"].get("private"))
    if kind == "note.edit":
        return bool(op.get("private"))
    return kind in _BLANKED_KINDS


def redact(record: dict[str, Any], viewer: str) -> dict[str, Any]:
    """The record as `viewer` may receive it (the same object when nothing is hidden)."""
    if record["by"] == viewer or not hidden_from_others(record):
        return record
    op = dict(record["op"])
    if op["kind"] == "note.add":
        op["note"] = {**op["note"], "text": ""}
    elif op["kind"] == "note.edit":
        op["text"] = ""
    else:
        op["note_id"] = ""
    return {**record, "op": op}


def view_state(state: BoardState, viewer: str) -> BoardState:
    hidden = [n for n in state.notes.values() if n.private and n.author != viewer]
    if hidden:
        blanked = {n.id: replace(n, text="") for n in hidden}
        state = replace(state, notes={**state.notes, **blanked})
    voting = state.voting
    if voting is not None and not voting.closed:
        votes = {k: v if k == viewer else ("",) * len(v) for k, v in voting.votes.items()}
        state = replace(state, voting=replace(voting, votes=votes))
    return state
