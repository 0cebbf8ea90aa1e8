"""What others may not see of one op kind, and until when: the shape each kind declares
beside its model (server/board/ops.py, `hidden` and `moderated`) and `views` applies."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Hidden:
    """What others may not see of one op kind, and until when."""

    content: Callable[[dict[str, Any]], bool]  # whether this op's `blank` fields are hidden
    blank: tuple[str, ...] = ()  # fields blanked for others ("note.text": a nested field)
    sender: Callable[[dict[str, Any]], bool] = lambda op: False  # whether `by` is hidden
    until: str = ""  # what makes it public, for the docs and tests
    facilitators: bool = False  # the facilitators see it whole all the same (`MODERATED`)
    # fields that name the author as well (whom a scribe wrote for): blanked with `by`
    naming: tuple[str, ...] = ()


def private(op: dict[str, Any]) -> bool:
    return bool(op.get("private"))


def unnamed(op: dict[str, Any]) -> bool:
    """Private, or on an anonymous board: the author shows to no one else."""
    return bool(op.get("private") or op.get("anonymous"))


def always(op: dict[str, Any]) -> bool:
    return True


def never(op: dict[str, Any]) -> bool:
    return False


REVEAL = "notes.reveal (the author of an anonymous note: never)"
# an op on the sender's private note: only who sent it is hidden, until the reveal
AUTHOR_ONLY = Hidden(never, sender=private, until=REVEAL)

# an op on a note waiting in the inbox, as others than its author and the facilitators get it
WAITING = "note.approve, which carries the note (what came before: never)"
MODERATED_OP = Hidden(always, ("pending",), sender=always, until=WAITING, facilitators=True)
