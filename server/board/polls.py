"""Live polls and word clouds: a facilitator opens one poll at a time (single or multiple
choice, a 1-5 scale, or short words), everyone answers and may change their answer until
the facilitator closes it; closed polls stay on the board for the records.

The facilitator chooses which poll the projector shows (`poll.show`; a new poll shows at
once), one at a time, so a closed poll's results stay up until they are no longer needed.

Pure like `apply`, which calls it. A poll's `tally` counts each option index, scale value
or word; a word is lower-cased and trimmed of punctuation (`normalize`) and the cloud
counts words by their stem in the board's language (`cloud`), so "frivillig" and
"frivillige" count together, shown in their most frequent form.

Nobody learns who answered what (views.py): others get an answer without `by`. On a live
poll they get its choices or words, and `previous` (what the sender's earlier answer
counted, filled in by the server) so that a replica keeps the live totals without knowing
whose answer changed. On a hidden poll they get neither, only `first` (one more person
answered), and `poll.close` carries the totals the server counted.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import replace

from server.board import ops as o
from server.board.rules import HIDDEN_SENDER, Noop, NoopReason, found, need
from server.board.state import BoardState, Poll
from server.board.stems import stem

POLLS = (o.PollOpen, o.PollAnswer, o.PollClose, o.PollShow)
SCALE = range(1, 6)


def apply_poll(
    state: BoardState, op: o.PollOpen | o.PollAnswer | o.PollClose | o.PollShow, by: str
) -> BoardState:
    match op:
        case o.PollOpen(poll=new):
            need(new.id not in state.polls, NoopReason.POLL_EXISTS)
            need(all(p.closed for p in state.polls.values()), NoopReason.POLL_OPEN)
            poll = Poll(new.id, new.kind, new.question, new.options, new.hidden)
            return _put(_none_shown(state), poll)
        case o.PollAnswer(poll_id=poll_id, first=first):
            poll = found(state.polls, poll_id, NoopReason.POLL_NOT_FOUND)
            need(not poll.closed, NoopReason.POLL_CLOSED)
            if not op.choices and not op.words:  # someone's answer to a hidden poll
                return _put(state, replace(poll, count=poll.count + first))
            keys = answer_keys(poll, op, state.language)
            if not poll.hidden:
                tally = Counter(poll.tally)
                tally.subtract(op.previous)
                tally.update(keys)
                poll = _tallied(poll, dict(tally), state.language)
            if by != HIDDEN_SENDER:
                poll = replace(poll, answers={**poll.answers, by: keys})
            return _put(state, replace(poll, count=poll.count + first))
        case o.PollClose(poll_id=poll_id, tally=tally):
            poll = found(state.polls, poll_id, NoopReason.POLL_NOT_FOUND)
            need(not poll.closed, NoopReason.POLL_CLOSED)
            return _put(state, _tallied(replace(poll, closed=True), tally, state.language))
        case o.PollShow(poll_id=poll_id, shown=shown):
            poll = found(state.polls, poll_id, NoopReason.POLL_NOT_FOUND)
            return _put(_none_shown(state) if shown else state, replace(poll, shown=shown))
    raise AssertionError(f"unhandled op kind {op.kind}")  # pragma: no cover


def _none_shown(state: BoardState) -> BoardState:
    """No poll on the projector (before one is shown: one at a time)."""
    polls = {k: replace(p, shown=False) if p.shown else p for k, p in state.polls.items()}
    return replace(state, polls=polls)


def _put(state: BoardState, poll: Poll) -> BoardState:
    return replace(state, polls={**state.polls, poll.id: poll})


def _tallied(poll: Poll, tally: dict[str, int], language: str) -> Poll:
    """`poll` with `tally` (what counts nothing dropped) and, for words, each word's stem."""
    kept = {k: n for k, n in tally.items() if n > 0}
    if poll.kind != "words":
        return replace(poll, tally=kept)
    stems = {w: poll.stems.get(w) or stem(w, language) for w in kept}
    return replace(poll, tally=kept, stems=stems)


def answer_keys(poll: Poll, op: o.PollAnswer, language: str) -> tuple[str, ...]:
    """What the answer counts in the tally, or a no-op if the poll does not take it."""
    choices, words = op.choices, op.words
    if poll.kind == "words":
        need(not choices, NoopReason.ANSWER_INVALID)
        keys: dict[str, str] = {}  # by stem: one person counts a word once
        for w in map(normalize, words):
            need(bool(w), NoopReason.ANSWER_INVALID)
            keys.setdefault(stem(w, language), w)
        return tuple(keys.values())
    need(not words and len(set(choices)) == len(choices), NoopReason.ANSWER_INVALID)
    if poll.kind == "scale":
        need(len(choices) == 1 and choices[0] in SCALE, NoopReason.ANSWER_INVALID)
    else:
        need(all(c < len(poll.options) for c in choices), NoopReason.ANSWER_INVALID)
        need(poll.kind == "multiple" or len(choices) == 1, NoopReason.ANSWER_INVALID)
    return tuple(str(c) for c in choices)


def normalize(word: str) -> str:
    """Lower-cased, without punctuation, symbols or spaces at either end, inner spaces as
    one: "Frivillige!" and " frivillige" count as one word."""
    text = " ".join(unicodedata.normalize("NFC", word).lower().split())
    start, end = 0, len(text)
    while start < end and _trimmed(text[start]):
        start += 1
    while end > start and _trimmed(text[end - 1]):
        end -= 1
    return text[start:end]


def _trimmed(c: str) -> bool:
    return c.isspace() or unicodedata.category(c)[0] in "PSCZ"


def poll_answer(state: BoardState, op: o.PollAnswer, by: str) -> o.PollAnswer:
    """The answer as the server completes it (`complete`): what the sender's earlier answer
    counted, whether it is their first, whether the poll is hidden; words lower-cased and
    trimmed, one per stem, with their stems."""
    poll = state.polls.get(op.poll_id)
    if poll is None:
        return op
    update: dict[str, object] = {
        "previous": poll.answers.get(by, ()),
        "first": by not in poll.answers,
        "sealed": poll.hidden,
    }
    if poll.kind == "words" and op.words:
        try:
            words = answer_keys(poll, op, state.language)
        except Noop:
            words = ()
        if words:
            update |= {"words": words, "stems": tuple(stem(w, state.language) for w in words)}
    return op.model_copy(update=update)


def poll_close(state: BoardState, op: o.PollClose) -> o.PollClose:
    """The close with the poll's totals (and its words' stems), counted from every answer."""
    poll = state.polls.get(op.poll_id)
    if poll is None:
        return op
    tally = dict(sorted(Counter(k for keys in poll.answers.values() for k in keys).items()))
    stems = {w: stem(w, state.language) for w in tally} if poll.kind == "words" else {}
    return op.model_copy(update={"tally": tally, "stems": stems})


def cloud(poll: Poll) -> list[tuple[str, int]]:
    """The word cloud: per stem, its most frequent form (the first in the alphabet among
    equals) and how many wrote it; most first."""
    forms: dict[str, dict[str, int]] = {}
    for word, n in poll.tally.items():
        forms.setdefault(poll.stems.get(word, word), {})[word] = n
    words = [(min(f, key=lambda w: (-f[w], w)), sum(f.values())) for f in forms.values()]
    return sorted(words, key=lambda wn: (-wn[1], wn[0]))


def bars(poll: Poll) -> list[tuple[str, int]]:
    """A choice or scale poll's options (scale: "1" to "5") with how many chose each."""
    if poll.kind == "scale":
        return [(str(v), poll.tally.get(str(v), 0)) for v in SCALE]
    return [(label, poll.tally.get(str(i), 0)) for i, label in enumerate(poll.options)]


def open_poll(state: BoardState) -> Poll | None:
    return next((p for p in state.polls.values() if not p.closed), None)
