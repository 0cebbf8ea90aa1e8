"""Live polls and word clouds on the board domain alone: opening one at a time, answers and
changed answers, the live totals others keep without knowing whose answer changed, words
counted by stem in Danish, Swedish and English, the close, and what others see."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from pydantic import ValidationError

from server.board.apply import Record, follow
from server.board.ops import parse_op
from server.board.polls import bars, cloud, normalize, stem
from server.board.rules import HIDDEN_SENDER
from server.board.state import Poll
from server.board.views import redact, view_state
from tests.board.boards import send
from tests.board.test_facilitation import ANN, BO, FAC, Board

CHOICE = {"id": "p1", "kind": "single", "question": "Which first?", "options": ["Tid", "Penge"]}
WORDS = {"id": "w1", "kind": "words", "question": "Ét ord om frivillighed"}


def polled(poll: dict[str, Any], hidden: bool = False) -> Board:
    board = Board()
    assert board.send(FAC, {"kind": "poll.open", "poll": {**poll, "hidden": hidden}}) is None
    return board


def answer(poll_id: str, **given: Any) -> dict[str, Any]:
    return {"kind": "poll.answer", "poll_id": poll_id, **given}


def poll(board: Board, poll_id: str) -> Poll:
    return board.state.polls[poll_id]


def test_a_changed_answer_replaces_the_earlier_one_and_each_person_counts_once() -> None:
    board = polled(CHOICE)
    assert board.send(ANN, answer("p1", choices=[0])) is None
    assert board.send(BO, answer("p1", choices=[0])) is None
    assert board.send(ANN, answer("p1", choices=[1])) is None
    assert poll(board, "p1").count == 2
    assert poll(board, "p1").tally == {"0": 1, "1": 1}
    assert bars(poll(board, "p1")) == [("Tid", 1), ("Penge", 1)]


def test_one_poll_is_open_at_a_time_and_a_closed_one_stays_on_the_board() -> None:
    board = polled(CHOICE)
    second = {"kind": "poll.open", "poll": {**WORDS}}
    assert board.send(FAC, second) == "poll_open"
    assert board.send(FAC, {"kind": "poll.close", "poll_id": "p1"}) is None
    assert board.send(FAC, {"kind": "poll.close", "poll_id": "p1"}) == "poll_closed"
    assert board.send(ANN, answer("p1", choices=[0])) == "poll_closed"
    assert board.send(FAC, second) is None
    assert board.send(FAC, {"kind": "poll.open", "poll": CHOICE}) == "poll_exists"
    assert list(board.state.polls) == ["p1", "w1"]
    assert board.send(ANN, answer("nope", choices=[0])) == "poll_not_found"


@pytest.mark.parametrize(
    ("kind", "given"),
    [
        ("single", {"choices": [0, 1]}),
        ("single", {"choices": [2]}),
        ("single", {"words": ["tid"]}),
        ("multiple", {"choices": [1, 1]}),
        ("scale", {"choices": [0]}),
        ("scale", {"choices": [6]}),
        ("words", {"choices": [1]}),
        ("words", {"words": ["?!"]}),
    ],
)
def test_an_answer_the_poll_does_not_take_is_a_noop(kind: str, given: dict[str, Any]) -> None:
    options = ["a", "b"] if kind in ("single", "multiple") else []
    board = polled({"id": "p", "kind": kind, "question": "Q", "options": options})
    assert board.send(ANN, answer("p", **given)) == "answer_invalid"


def test_multiple_choice_and_scale_answers_count_each_value() -> None:
    board = polled({"id": "m", "kind": "multiple", "question": "Q", "options": ["a", "b", "c"]})
    board.send(ANN, answer("m", choices=[0, 2]))
    board.send(BO, answer("m", choices=[2]))
    assert bars(poll(board, "m")) == [("a", 1), ("b", 0), ("c", 2)]
    board.send(FAC, {"kind": "poll.close", "poll_id": "m"})
    board.send(FAC, {"kind": "poll.open", "poll": {"id": "s", "kind": "scale", "question": "Q"}})
    board.send(ANN, answer("s", choices=[4]))
    assert bars(poll(board, "s")) == [("1", 0), ("2", 0), ("3", 0), ("4", 1), ("5", 0)]


@pytest.mark.parametrize(
    ("language", "forms"),
    [
        ("da", ["frivillig", "Frivillige", "frivillige!"]),
        ("sv", ["frivillig", "frivilliga", "Frivilliga."]),
        ("en", ["volunteer", "Volunteers", "volunteers"]),
    ],
)
def test_words_count_together_by_stem_shown_in_their_most_frequent_form(
    language: str, forms: list[str]
) -> None:
    board = Board()
    board.state = replace(board.state, language=language)
    board.send(FAC, {"kind": "poll.open", "poll": WORDS})
    for who, word in zip((FAC, ANN, BO), forms, strict=True):
        assert board.send(who, answer("w1", words=[word] if who == BO else [word, "tid"])) is None
    assert cloud(poll(board, "w1")) == [(normalize(forms[-1]), 3), ("tid", 2)]


def test_words_are_lower_cased_trimmed_and_one_stem_counts_once_per_person() -> None:
    assert normalize("  «Mere  TID!» ") == "mere tid"
    assert stem("mere tiden", "da") == "mer tid"
    board = polled(WORDS)
    board.send(ANN, answer("w1", words=["Frivillig", "frivillige", " tillid "]))
    assert poll(board, "w1").tally == {"frivillig": 1, "tillid": 1}
    board.send(ANN, answer("w1", words=["tillid"]))  # changed: frivillig counts no more
    assert cloud(poll(board, "w1")) == [("tillid", 1)]


def test_close_carries_totals_and_keeps_no_total_of_a_noop_close() -> None:
    board = polled(WORDS, hidden=True)
    board.send(ANN, answer("w1", words=["Tid"]))
    board.send(BO, answer("w1", words=["tiden", "mod"]))
    assert poll(board, "w1").tally == {}  # hidden: counted at close
    state, op, noop = send(board.state, FAC, {"kind": "poll.close", "poll_id": "w1"}, 0)
    assert noop is None
    assert op.model_dump()["tally"] == {"mod": 1, "tid": 1, "tiden": 1}
    assert cloud(state.polls["w1"]) == [("tid", 2), ("mod", 1)]
    _, again, noop = send(state, FAC, {"kind": "poll.close", "poll_id": "w1"}, 0)
    assert noop == "poll_closed" and again.model_dump()["tally"] == {}


@pytest.mark.parametrize("hidden", [True, False])
def test_others_never_learn_who_answered_and_on_a_hidden_poll_not_what(hidden: bool) -> None:
    board = polled(WORDS, hidden=hidden)
    replicas = {v: view_state(board.state, v) for v in (FAC, BO, "*")}
    for by, words in ((ANN, ["hemmelig"]), (ANN, ["secret"]), (BO, ["mod"])):
        seq = board.state.seq + 1
        state, op, noop = send(board.state, by, answer("w1", words=words), 0)
        board.state = state
        record = {"seq": seq, "id": f"op-{seq}", "by": by, "op": op.model_dump(mode="json")}
        for viewer, replica in replicas.items():
            seen = redact(record, viewer, role=board.state.role_of(viewer))
            if viewer != by:
                assert seen["by"] == HIDDEN_SENDER
                assert ("secret" in str(seen)) == (not hidden and words == ["secret"])
            replicas[viewer] = follow(replica, Record.from_json(seen), noop)
    for viewer, replica in replicas.items():
        assert replica == view_state(board.state, viewer)  # live totals kept without `by`
        seen_poll = replica.polls["w1"]
        assert seen_poll.count == 2
        assert seen_poll.tally == ({} if hidden else {"secret": 1, "mod": 1})
        assert set(seen_poll.answers) <= {viewer}
    assert view_state(board.state, ANN).polls["w1"].answers == {ANN: ("secret",)}


@pytest.mark.parametrize(
    "op",
    [
        answer("p"),
        answer("p", choices=[0], words=["a"]),
        answer("p", words=["a", "b", "c", "d"]),
        answer("p", words=["x" * 41]),
        answer("p", words=[" "]),
        answer("p", choices=[True]),
        {"kind": "poll.open", "poll": {**CHOICE, "options": ["one"]}},
        {"kind": "poll.open", "poll": {**WORDS, "options": ["a", "b"]}},
        {"kind": "poll.open", "poll": {**WORDS, "kind": "ranking"}},
    ],
)
def test_malformed_poll_ops_are_refused_before_they_get_a_seq(op: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        parse_op(op)


def test_a_locked_board_still_takes_answers_and_a_closed_meeting_none() -> None:
    board = polled(CHOICE)
    board.send(FAC, {"kind": "board.lock", "locked": True})
    assert board.send(ANN, answer("p1", choices=[1])) is None
    board.send(FAC, {"kind": "meeting.close", "force": True})
    assert board.send(BO, answer("p1", choices=[1])) == "meeting_closed"


def test_the_projector_shows_one_poll_the_facilitator_chooses_and_a_new_one_at_once() -> None:
    board = polled(CHOICE)
    board.send(FAC, {"kind": "poll.close", "poll_id": "p1"})
    assert poll(board, "p1").shown  # the results stay up after the close
    board.send(FAC, {"kind": "poll.open", "poll": WORDS})
    assert [p.shown for p in board.state.polls.values()] == [False, True]
    assert board.send(FAC, {"kind": "poll.show", "poll_id": "p1", "shown": True}) is None
    assert [p.shown for p in board.state.polls.values()] == [True, False]
    board.send(FAC, {"kind": "poll.show", "poll_id": "p1", "shown": False})
    assert not any(p.shown for p in board.state.polls.values())
    assert board.send(FAC, {"kind": "poll.show", "poll_id": "x", "shown": True}) == "poll_not_found"
