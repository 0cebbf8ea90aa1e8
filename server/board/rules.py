"""Why an op changed nothing, and the checks that say so; shared by every part of `apply`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from enum import StrEnum
from typing import TypeVar

from server.board.state import BoardState, Note

T = TypeVar("T")


class NoopReason(StrEnum):
    """Why a well-formed op changed nothing. A closed list: clients may switch on it."""

    NOTE_EXISTS = "note_exists"
    NOTE_NOT_FOUND = "note_not_found"
    AREA_NOT_FOUND = "area_not_found"
    AREA_EXISTS = "area_exists"
    AREA_NOT_EMPTY = "area_not_empty"
    LAST_AREA = "last_area"
    NOT_AUTHOR = "not_author"
    PARTICIPANT_EXISTS = "participant_exists"
    LOCKED = "locked"
    MEETING_CLOSED = "meeting_closed"
    PHASE_NOT_FOUND = "phase_not_found"
    TIMER_RUNNING = "timer_running"
    TIMER_STOPPED = "timer_stopped"
    IDEAS_WITHOUT_OWNER = "ideas_without_owner"
    VOTING_CLOSED = "voting_closed"
    NOTE_NOT_VOTABLE = "note_not_votable"
    NO_VOTES_LEFT = "no_votes_left"
    VOTE_NOT_FOUND = "vote_not_found"
    GROUP_EXISTS = "group_exists"
    GROUP_NOT_FOUND = "group_not_found"
    LINK_EXISTS = "link_exists"
    LINK_NOT_FOUND = "link_not_found"
    LINK_TO_ITSELF = "link_to_itself"
    IDEA_EXISTS = "idea_exists"
    IDEA_NOT_FOUND = "idea_not_found"
    FIELD_NOT_FOUND = "field_not_found"
    FACILITATOR_FIELD = "facilitator_field"  # a field the method gives the facilitator only
    TABLE_NOT_FOUND = "table_not_found"
    ROW_EXISTS = "row_exists"
    ROW_NOT_FOUND = "row_not_found"
    COLUMN_NOT_FOUND = "column_not_found"
    CRITERION_NOT_FOUND = "criterion_not_found"
    NO_GRID = "no_grid"
    SCORE_OUT_OF_RANGE = "score_out_of_range"
    SCORES_GIVEN = "scores_given"  # the criteria change only before anyone has scored
    BREAKOUT_RUNNING = "breakout_running"
    NO_BREAKOUT = "no_breakout"
    GROUP_NOT_YOURS = "group_not_yours"
    PARTICIPANT_NOT_FOUND = "participant_not_found"
    NOT_A_MEMBER = "not_a_member"  # a group's role goes to one of its members
    NO_SURVEY = "no_survey"
    SURVEY_CLOSED = "survey_closed"  # past its deadline, or closed
    SURVEY_ANSWERED = "survey_answered"  # only the deadline changes once someone answered
    ANSWER_INVALID = "answer_invalid"  # no such question, or a value it does not take
    NO_PHASE = "no_phase"  # done with what? the meeting has not started a phase
    HAND_RAISED = "hand_raised"
    HAND_NOT_RAISED = "hand_not_raised"
    NOT_YOUR_HAND = "not_your_hand"  # only a facilitator lowers someone else's
    PICTURE_NOT_FOUND = "picture_not_found"  # not uploaded to this board
    VOTE_NOT_CLOSED = "vote_not_closed"  # nothing to reopen
    VOTE_SHOWN = "vote_shown"  # a vote a close showed everyone stays cast when it reopens
    NOTE_PRIVATE = "note_private"  # no reactions on a note nobody else can see yet
    POLL_EXISTS = "poll_exists"
    POLL_OPEN = "poll_open"  # another poll is open: one at a time
    POLL_NOT_FOUND = "poll_not_found"
    POLL_CLOSED = "poll_closed"
    NOTE_PENDING = "note_pending"  # waiting in the facilitators' inbox: not for this yet
    NOT_PENDING = "not_pending"  # only a note waiting in the inbox is approved or declined
    LAST_FACILITATOR = "last_facilitator"  # a board keeps at least one facilitator
    NOT_A_FACILITATOR = "not_a_facilitator"  # the lead is one of the facilitators
    NOT_LEAD = "not_lead"  # another facilitator runs the timer and phases now
    NOT_SCRIBE = "not_scribe"  # only a scribe writes a note for someone else


class Noop(Exception):
    def __init__(self, reason: NoopReason) -> None:
        self.reason = reason


# `by` of a record whose sender is hidden from this replica (`views.RULES`); the server,
# which never hides a sender from itself, checked the sender's rights already
HIDDEN_SENDER = ""


def need(condition: bool, reason: NoopReason) -> None:
    if not condition:
        raise Noop(reason)


def found(mapping: Mapping[str, T], key: str, reason: NoopReason) -> T:
    """`mapping[key]`, or a no-op with `reason` when there is none."""
    value = mapping.get(key)
    if value is None:
        raise Noop(reason)
    return value


def need_area(state: BoardState, area_id: str) -> None:
    need(state.area(area_id) is not None, NoopReason.AREA_NOT_FOUND)


def need_note(state: BoardState, note_id: str) -> Note:
    note = state.notes.get(note_id)
    if note is None:
        raise Noop(NoopReason.NOTE_NOT_FOUND)
    return note


def own_note(state: BoardState, note_id: str, by: str) -> Note:
    """A note that `by` may change: their own, or any note for a facilitator."""
    note = need_note(state, note_id)
    need(note.author == by or state.role_of(by) == "facilitator", NoopReason.NOT_AUTHOR)
    return note


def visible_note(state: BoardState, note_id: str, by: str, *, pending: bool = False) -> Note:
    """A note `by` may handle: any note but someone else's unrevealed private one, and no
    note waiting in the inbox; `pending`: also a waiting one, by its author or a facilitator
    (who move and colour it)."""
    note = need_note(state, note_id)
    need(not note.private or note.author == by, NoopReason.NOT_AUTHOR)
    if note.pending:
        mine = note.author == by or by == HIDDEN_SENDER
        may = pending and (mine or state.role_of(by) == "facilitator")
        need(may, NoopReason.NOTE_PENDING)
    return note


def put_note(state: BoardState, note: Note) -> BoardState:
    return replace(state, notes={**state.notes, note.id: note})
