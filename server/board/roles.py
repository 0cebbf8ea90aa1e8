"""Co-facilitators, the lead and scribes: who runs the meeting, and who writes for whom.

A board has one or more facilitators (`role.set`; the last one cannot step down). While a
`lead` is set, only that facilitator runs the timer and the phases; any facilitator takes
over with `lead.set`. A scribe (`scribe.set`) writes notes for named people in the room who
have no device (`note.add` with `for_name`). Pure like `apply`, which calls it.
"""

from __future__ import annotations

from dataclasses import replace

from server.board import ops as o
from server.board.rules import HIDDEN_SENDER, NoopReason, need
from server.board.state import BoardState, Participant

ROLES = (o.RoleSet, o.LeadSet, o.ScribeSet)
# what the lead alone runs while one is set
LED = (o.PhaseSet, o.TimerSet, o.TimerStart, o.TimerPause, o.TimerAdd)


def apply_role(state: BoardState, op: o.RoleSet | o.LeadSet | o.ScribeSet) -> BoardState:
    match op:
        case o.RoleSet(participant=who, role=role):
            person = _person(state, who)
            if role == "participant" and person.role == "facilitator":
                others = [p for p in state.participants.values() if p.role == "facilitator"]
                need(len(others) > 1, NoopReason.LAST_FACILITATOR)
            lead = None if state.lead == who and role != "facilitator" else state.lead
            return replace(state, participants=_put(state, replace(person, role=role)), lead=lead)
        case o.LeadSet(participant=who):
            if who is not None:
                need(_person(state, who).role == "facilitator", NoopReason.NOT_A_FACILITATOR)
            return replace(state, lead=who)
        case o.ScribeSet(participant=who, on=on):
            person = _person(state, who)
            return replace(state, participants=_put(state, replace(person, scribe=on)))
    raise AssertionError(op.kind)  # pragma: no cover


def need_lead(state: BoardState, by: str) -> None:
    """The timer and phases are the lead's while one is set (a hidden sender was checked by
    the server)."""
    need(state.lead in (None, by) or by == HIDDEN_SENDER, NoopReason.NOT_LEAD)


def may_write_for(state: BoardState, by: str, for_name: str | None) -> bool:
    """Only a scribe writes a note for someone else (blanked for this replica: checked)."""
    if not for_name or by == HIDDEN_SENDER:
        return True
    person = state.participants.get(by)
    return person is not None and person.scribe


def _person(state: BoardState, who: str) -> Participant:
    """A participant who can hold a role: joined with a token, not carried from a network."""
    person = state.participants.get(who)
    need(person is not None and not person.carried, NoopReason.PARTICIPANT_NOT_FOUND)
    assert person is not None
    return person


def _put(state: BoardState, person: Participant) -> dict[str, Participant]:
    return {**state.participants, person.id: person}
