"""A board's survey: questions (a 1-5 scale, a single choice, free text) that each
participant answers until a deadline, during the meeting and after it has closed.

Pure like `apply`. The deadline is checked against the `at` the server stamps on each
answer (`complete`), so every replica agrees which answers came in time. Nobody else sees
an answer (views.py): others get the op without its answers, and on an anonymous survey
without its sender, so a replica counts answers by the server's `first`. `survey.close`
carries the totals the server counted (`results`); individual answers never leave it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from server.board import ops as o
from server.board.rules import HIDDEN_SENDER, Noop, NoopReason, need
from server.board.state import BoardState, Survey, SurveyQuestion

SCALE = range(1, 6)


def apply_survey(state: BoardState, op: o.Op, by: str) -> BoardState:
    survey = state.survey
    match op:
        case o.SurveySet(questions=new, deadline=deadline, anonymous=anonymous):
            questions = tuple(SurveyQuestion(q.id, q.kind, q.text, q.options) for q in new)
            if survey is None:
                return replace(state, survey=Survey(questions, deadline, anonymous))
            need(not survey.closed, NoopReason.SURVEY_CLOSED)
            same = questions == survey.questions and anonymous == survey.anonymous
            need(same or not survey.count, NoopReason.SURVEY_ANSWERED)
            changed = replace(survey, questions=questions, deadline=deadline, anonymous=anonymous)
            return replace(state, survey=changed)
        case o.SurveyAnswer(answers=answers, at=at, first=first):
            survey = _open(survey, at)
            if answers and by != HIDDEN_SENDER:  # empty: someone else's, hidden from here
                _check(survey, answers)
                survey = replace(survey, answers={**survey.answers, by: dict(answers)})
            return replace(state, survey=replace(survey, count=survey.count + first))
        case o.SurveyClose(at=at, results=results):
            need(survey is not None, NoopReason.NO_SURVEY)
            assert survey is not None
            need(not survey.closed, NoopReason.SURVEY_CLOSED)
            closed = replace(survey, closed=True, closed_at=at, results=dict(results))
            return replace(state, survey=closed)
    raise AssertionError(f"unhandled op kind {op.kind}")  # pragma: no cover


def _open(survey: Survey | None, at: int) -> Survey:
    if survey is None:
        raise Noop(NoopReason.NO_SURVEY)
    in_time = survey.deadline is None or at <= survey.deadline
    need(not survey.closed and in_time, NoopReason.SURVEY_CLOSED)
    return survey


def _check(survey: Survey, answers: dict[str, int | str]) -> None:
    questions = {q.id: q for q in survey.questions}
    for question_id, value in answers.items():
        q = questions.get(question_id)
        need(q is not None and _fits(q, value), NoopReason.ANSWER_INVALID)


def _fits(q: SurveyQuestion, value: int | str) -> bool:
    if q.kind == "text":
        return isinstance(value, str)
    if not isinstance(value, int):
        return False
    return value in SCALE if q.kind == "scale" else 0 <= value < len(q.options)


def first_answer(state: BoardState, by: str) -> bool:
    """Whether `by` has not answered the board's survey yet (for `complete`)."""
    return state.survey is not None and by not in state.survey.answers


def results(survey: Survey) -> dict[str, dict[str, Any]]:
    """Per question: how many chose each value (every value, 0 included) and, for a text
    question, the texts sorted, so their order tells nothing of who wrote which."""
    out: dict[str, dict[str, Any]] = {}
    for q in survey.questions:
        given = [a[q.id] for a in survey.answers.values() if q.id in a]
        if q.kind == "text":
            texts = sorted(v.strip() for v in given if isinstance(v, str) and v.strip())
            out[q.id] = {"counts": {}, "texts": texts}
            continue
        values = SCALE if q.kind == "scale" else range(len(q.options))
        counts = {str(v): sum(1 for g in given if g == v) for v in values}
        out[q.id] = {"counts": counts, "texts": []}
    return out
