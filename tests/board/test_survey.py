"""The survey on the board domain alone: questions, answers until the deadline (after the
meeting has closed too), the totals at close, and what others see of an answer."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from server.board.ops import parse_op
from server.board.rules import HIDDEN_SENDER
from server.board.views import redact, view_state
from tests.board.boards import send
from tests.board.test_facilitation import ANN, BO, FAC, Board

QUESTIONS: list[dict[str, Any]] = [
    {"id": "useful", "kind": "scale", "text": "How useful was the meeting?"},
    {"id": "again", "kind": "choice", "text": "Again?", "options": ["Yes", "No"]},
    {"id": "better", "kind": "text", "text": "What should we do better?"},
]
DEADLINE = 50_000


def surveyed(anonymous: bool = True) -> Board:
    board = Board()
    op = {"kind": "survey.set", "questions": QUESTIONS, "deadline": DEADLINE}
    assert board.send(FAC, {**op, "anonymous": anonymous}, at_ms=1_000) is None
    return board


def test_answers_replace_the_senders_earlier_answer_and_count_each_person_once() -> None:
    board = surveyed()
    assert board.send(ANN, {"kind": "survey.answer", "answers": {"useful": 2}}) is None
    assert board.send(ANN, {"kind": "survey.answer", "answers": {"useful": 5, "again": 0}}) is None
    assert board.send(BO, {"kind": "survey.answer", "answers": {"better": "More time"}}) is None
    survey = board.state.survey
    assert survey is not None
    assert survey.count == 2
    assert survey.answers[ANN] == {"useful": 5, "again": 0}


def test_an_answer_after_the_meeting_closed_counts_until_the_deadline_and_not_after() -> None:
    board = surveyed()
    assert board.send(FAC, {"kind": "meeting.close"}) is None
    assert board.send(FAC, {"kind": "note.add", "note": {"id": "n", "area": "main", "text": "x"}})
    assert board.send(ANN, {"kind": "survey.answer", "answers": {"useful": 4}}, DEADLINE) is None
    late = board.send(BO, {"kind": "survey.answer", "answers": {"useful": 1}}, DEADLINE + 1)
    assert late == "survey_closed"
    assert board.state.survey is not None and board.state.survey.count == 1


def test_close_carries_totals_per_value_and_sorted_texts_and_ends_answering() -> None:
    board = surveyed()
    board.send(ANN, {"kind": "survey.answer", "answers": {"useful": 4, "better": "Zebra"}})
    answers = {"useful": 4, "again": 1, "better": "Apple"}
    board.send(BO, {"kind": "survey.answer", "answers": answers})
    assert board.send(FAC, {"kind": "survey.close"}, at_ms=2_000) is None
    survey = board.state.survey
    assert survey is not None and survey.closed and survey.closed_at == 2_000
    assert survey.results["useful"]["counts"] == {"1": 0, "2": 0, "3": 0, "4": 2, "5": 0}
    assert survey.results["again"]["counts"] == {"0": 0, "1": 1}
    assert survey.results["better"]["texts"] == ["Apple", "Zebra"]
    assert board.send(ANN, {"kind": "survey.answer", "answers": {"useful": 1}}) == "survey_closed"
    assert board.send(FAC, {"kind": "survey.close"}) == "survey_closed"


@pytest.mark.parametrize(
    "answers",
    [{"useful": 6}, {"useful": 0}, {"again": 2}, {"useful": "four"}, {"better": 3}, {"nope": 1}],
)
def test_an_answer_a_question_does_not_take_is_a_noop(answers: dict[str, Any]) -> None:
    board = surveyed()
    assert board.send(ANN, {"kind": "survey.answer", "answers": answers}) == "answer_invalid"


def test_questions_change_only_before_anyone_answers_but_the_deadline_moves_later() -> None:
    board = surveyed()
    board.send(ANN, {"kind": "survey.answer", "answers": {"useful": 3}})
    changed = {"kind": "survey.set", "questions": QUESTIONS[:1], "deadline": DEADLINE}
    assert board.send(FAC, changed) == "survey_answered"
    moved = {"kind": "survey.set", "questions": QUESTIONS, "deadline": DEADLINE * 2}
    assert board.send(FAC, moved) is None
    assert board.state.survey is not None and board.state.survey.deadline == DEADLINE * 2


def test_without_a_survey_answers_and_closes_are_noops() -> None:
    board = Board()
    assert board.send(ANN, {"kind": "survey.answer", "answers": {"a": 1}}) == "no_survey"
    assert board.send(FAC, {"kind": "survey.close"}) == "no_survey"


@pytest.mark.parametrize(
    "op",
    [
        {"kind": "survey.answer", "answers": {}},
        {"kind": "survey.answer", "answers": {"useful": True}},
        {"kind": "survey.answer", "answers": {"useful": " "}},
        {"kind": "survey.set", "questions": []},
        {"kind": "survey.set", "questions": [{"id": "c", "kind": "choice", "text": "C"}]},
        {"kind": "survey.set", "questions": [QUESTIONS[0], QUESTIONS[0]]},
        {"kind": "survey.set", "questions": [{**QUESTIONS[0], "options": ["a", "b"]}]},
    ],
)
def test_malformed_survey_ops_are_refused_before_they_get_a_seq(op: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        parse_op(op)


@pytest.mark.parametrize("anonymous", [True, False])
def test_others_see_that_someone_answered_never_what_and_if_anonymous_never_who(
    anonymous: bool,
) -> None:
    board = surveyed(anonymous)
    state, op, _ = send(board.state, ANN, _answer("secret words"), 2_000)
    record = {"seq": state.seq, "id": "x", "by": ANN, "op": op.model_dump(mode="json")}
    for viewer in (FAC, BO, "*"):
        seen = redact(record, viewer, role=state.role_of(viewer))
        assert "secret" not in str(seen)
        assert (seen["by"] == HIDDEN_SENDER) == anonymous
        survey = view_state(state, viewer).survey
        assert survey is not None and survey.count == 1 and not survey.answers
    mine = view_state(state, ANN).survey
    assert mine is not None and mine.answers == {ANN: {"better": "secret words"}}


def _answer(text: str) -> dict[str, Any]:
    return {"kind": "survey.answer", "answers": {"better": text}}
