"""The room's core without I/O: events in, actions out (server/sync/core.py).

No sockets, no store, no event loop: each test feeds the core what the driver would (an op
arrived, the store committed or refused, records came from the broker, a peer attached) and
asserts what the core tells the driver to do, the way `websockets` tests its protocol.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from server.board.apply import NoopReason, Record
from server.board.ops import parse_op
from server.board.protocol import ErrorCode
from server.board.state import Area, Participant, PhaseSpec, Role
from server.store.base import StoredOp
from server.sync.close import Close
from server.sync.core import (
    RETRIES,
    Action,
    Answer,
    ClosePeer,
    Commit,
    Deliver,
    Fetch,
    Outcome,
    PresenceStale,
    Publish,
    Refuse,
    RoomCore,
    SaveRecord,
    Snapshot,
    Submission,
    wire,
)
from tests.board.boards import a_board

FAC, ANN, BO, WALL = "p-fac", "p-ann", "p-bo", "p-wall"
NOW = 1_700_000_000.0


@dataclass(eq=False)
class FakePeer:
    """A connection as the core sees it: who, and as what (it never calls the methods)."""

    participant_id: str
    role: Role
    token_hash: str = ""

    def deliver(self, first_seq: int, last_seq: int, frame: str) -> None: ...
    def send(self, frame: str) -> None: ...
    def close(self, code: int, reason: str) -> None: ...


def new_core(resume_max_ops: int = 100, snapshot_every: int = 1000) -> RoomCore:
    board = a_board(
        "Analysis",
        "category-analysis",
        "en",
        (Area("values", "Values"),),
        (
            Participant(FAC, "Fac", "facilitator"),
            Participant(ANN, "Ann", "participant"),
            Participant(BO, "Bo", "participant"),
            Participant(WALL, "", "viewer"),
        ),
        phases=(PhaseSpec("silent", "individual", 12), PhaseSpec("together", "joint", 15)),
    )
    return RoomCore(
        board,
        {},
        [],
        epoch="e1",
        join_code="ABC123",
        resume_max_ops=resume_max_ops,
        snapshot_every=snapshot_every,
        snapshot_seq=0,
    )


def note(note_id: str, text: str) -> Submission:
    op = parse_op({"kind": "note.add", "note": {"id": note_id, "area": "values", "text": text}})
    return Submission(f"op-{note_id}", op, ANN)


def of(actions: list[Action], kind: type[Any]) -> list[Any]:
    return [a for a in actions if isinstance(a, kind)]


def commit(core: RoomCore, *subs: Submission) -> list[Action]:
    """Submits `subs`, takes them as one batch, and says the store committed it."""
    for sub in subs:
        assert core.submit(sub) == []
    (batch,) = of(core.take(NOW), Commit)
    return core.committed(batch)


def test_an_op_is_sequenced_and_acked_only_after_its_commit() -> None:
    core = new_core()
    ann = FakePeer(ANN, "participant")
    core.attach(ann, None, None, 0)
    assert core.submit(note("n1", "trust")) == []
    taken = core.take(NOW)
    assert [type(a) for a in taken] == [Commit]  # nothing acked or sent before the commit
    (batch,) = of(taken, Commit)
    assert [s.record.seq for s in batch.ops] == [1]
    assert core.state.seq == 0  # the committed state waits for the store

    done = core.committed(batch)
    assert core.state.seq == 1 and "n1" in core.state.notes
    assert of(done, Answer) == [Answer("op-n1", Outcome(1, None))]
    (sent,) = of(done, Deliver)
    assert sent.peers == (ann,) and (sent.first, sent.last) == (1, 1)
    (published,) = of(done, Publish)
    assert [r["seq"] for r in published.records] == [1]


def test_ops_waiting_together_are_one_commit_in_arrival_order() -> None:
    core = new_core()
    for sub in (note("n1", "a"), note("n2", "b"), note("n3", "c")):
        core.submit(sub)
    (batch,) = of(core.take(NOW), Commit)
    assert [(s.record.seq, s.record.id) for s in batch.ops] == [
        (1, "op-n1"),
        (2, "op-n2"),
        (3, "op-n3"),
    ]
    assert [a.outcome.seq for a in of(core.committed(batch), Answer)] == [1, 2, 3]
    assert not core.busy


def test_a_duplicate_op_id_is_answered_from_the_idempotency_table() -> None:
    core = new_core()
    commit(core, note("n1", "trust"))
    again = core.submit(note("n1", "trust"))
    assert again == [Answer("op-n1", Outcome(1, None))]
    assert not core.busy  # nothing new to commit


def test_a_resend_while_its_op_waits_is_committed_once() -> None:
    core = new_core()
    assert core.submit(note("n1", "trust")) == []
    assert core.submit(note("n1", "trust")) == []
    (batch,) = of(core.take(NOW), Commit)
    assert len(batch.ops) == 1
    assert of(core.committed(batch), Answer) == [Answer("op-n1", Outcome(1, None))]


def test_a_failed_commit_refuses_its_ops_and_leaves_the_state_as_it_was() -> None:
    core = new_core()
    core.submit(note("n1", "trust"))
    core.take(NOW)
    refused = core.store_failed()
    assert [(r.op_id, r.code) for r in of(refused, Refuse)] == [("op-n1", ErrorCode.UNAVAILABLE)]
    assert core.state.seq == 0 and "op-n1" not in core.index
    # sent again, it takes the same seq
    assert [a.outcome.seq for a in of(commit(core, note("n1", "trust")), Answer)] == [1]


def test_an_outrun_commit_catches_up_and_sequences_again_after_the_other_workers_ops() -> None:
    core = new_core()
    core.submit(note("mine", "mine"))
    core.take(NOW)
    assert core.outrun() == [Fetch(0)]
    theirs = Record(1, "op-theirs", BO, parse_op(note("theirs", "x").op.model_dump()))
    core.fetched([StoredOp(theirs, None, NOW)])
    assert core.state.seq == 1
    (batch,) = of(core.retry(NOW), Commit)
    assert [(s.record.seq, s.record.id) for s in batch.ops] == [(2, "op-mine")]
    assert of(core.committed(batch), Answer) == [Answer("op-mine", Outcome(2, None))]


def test_a_batch_outrun_too_often_is_refused() -> None:
    core = new_core()
    core.submit(note("n1", "trust"))
    core.take(NOW)
    for _ in range(RETRIES - 1):
        assert of(core.retry(NOW), Commit)
    refused = core.retry(NOW)
    assert [(r.op_id, r.code) for r in of(refused, Refuse)] == [("op-n1", ErrorCode.UNAVAILABLE)]
    assert not core.busy


def test_a_resend_another_worker_stored_is_answered_from_its_record() -> None:
    core = new_core()
    core.submit(note("n1", "trust"))
    record = Record(1, "op-n1", ANN, note("n1", "trust").op)
    answered = core.arrived([wire(StoredOp(record, None, NOW))])
    assert of(answered, Answer) == [Answer("op-n1", Outcome(1, None))]
    assert of(core.take(NOW), Commit) == []  # nothing left to store


def test_a_gap_from_the_broker_triggers_a_fetch_and_no_apply() -> None:
    core = new_core()
    commit(core, note("n1", "a"))
    later = Record(3, "op-n3", BO, note("n3", "c").op)
    assert core.arrived([wire(StoredOp(later, None, NOW))]) == [Fetch(1)]
    assert core.arrived(None) == [Fetch(1)]  # the broker lost messages
    assert core.state.seq == 1
    next_one = Record(2, "op-n2", BO, note("n2", "b").op)
    core.arrived([wire(StoredOp(next_one, None, NOW))])
    assert core.state.seq == 2


def test_resume_since_n_sends_exactly_the_ops_after_n() -> None:
    core = new_core(resume_max_ops=4)
    for i in range(1, 7):
        commit(core, note(f"n{i}", f"text {i}"))
    peer = FakePeer(BO, "participant")
    welcome = core.attach(peer, 3, "e1", 0)
    assert welcome.state is None and welcome.ops is not None
    assert [r["seq"] for r in welcome.ops] == [4, 5, 6]  # type: ignore[index]
    assert core.attach(peer, 6, "e1", 0).ops == []
    assert core.attach(peer, 1, "e1", 0).ops is None  # no longer kept: the whole state
    assert core.attach(peer, 4, "another epoch", 0).ops is None


def test_hidden_content_goes_only_to_the_viewers_allowed_one_frame_per_class() -> None:
    core = new_core()
    commit(core, Submission("op-phase", parse_op({"kind": "phase.set", "phase": "silent"}), FAC))
    ann, fac, wall = (
        FakePeer(ANN, "participant"),
        FakePeer(FAC, "facilitator"),
        FakePeer(WALL, "viewer"),
    )
    bo_laptop, bo_phone = FakePeer(BO, "participant"), FakePeer(BO, "participant")
    for peer in (ann, fac, wall, bo_laptop, bo_phone):
        core.attach(peer, None, None, 0)

    sent = of(commit(core, note("n1", "my secret worry")), Deliver)

    frames = {peer: d.frame for d in sent for peer in d.peers}
    assert set(frames) == {ann, fac, wall, bo_laptop, bo_phone}  # each once
    assert "my secret worry" in frames[ann]
    others = [frames[p] for p in (fac, wall, bo_laptop, bo_phone)]
    assert all("my secret worry" not in f for f in others)
    # two classes here (the author; everyone else), each one str shared by its peers
    assert len(sent) == 2
    assert all(f is others[0] for f in others)
    assert json.loads(others[0])["ops"][0]["op"]["note"]["text"] == ""


def test_an_op_nobody_may_be_kept_from_is_one_frame_for_everyone() -> None:
    core = new_core()
    peers = [FakePeer(ANN, "participant"), FakePeer(FAC, "facilitator")]
    for peer in peers:
        core.attach(peer, None, None, 0)
    sent = of(commit(core, note("n1", "open text")), Deliver)
    assert [p for d in sent for p in d.peers] == peers
    assert all(d.frame is sent[0].frame for d in sent) and "open text" in sent[0].frame


def test_the_senders_sockets_get_the_op_then_its_ack_before_everyone_elses_get_the_op() -> None:
    core = new_core()
    fac, wall, bo = (
        FakePeer(FAC, "facilitator"),
        FakePeer(WALL, "viewer"),
        FakePeer(BO, "participant"),
    )
    ann_laptop, ann_phone = FakePeer(ANN, "participant"), FakePeer(ANN, "participant")
    for peer in (fac, ann_laptop, wall, bo, ann_phone):  # the sender is not the first to come
        core.attach(peer, None, None, 0)
    bo_note = Submission("op-b1", note("b1", "from Bo").op, BO)

    done = commit(core, note("n1", "trust"), bo_note)

    order = [
        (type(a).__name__, getattr(a, "peers", ())) for a in done if isinstance(a, Deliver | Answer)
    ]
    assert order == [
        ("Deliver", (ann_laptop, bo, ann_phone)),
        ("Answer", ()),
        ("Answer", ()),
        ("Deliver", (fac, wall)),
    ]
    assert [a.op_id for a in of(done, Answer)] == ["op-n1", "op-b1"]


def test_a_noop_is_recorded_with_its_reason() -> None:
    core = new_core()
    move = parse_op({"kind": "note.move", "note_id": "ghost", "area": "values"})
    core.submit(Submission("op-move", move, ANN))
    (batch,) = of(core.take(NOW), Commit)
    assert batch.ops[0].noop == NoopReason.NOTE_NOT_FOUND  # stored as a no-op, with why
    done = core.committed(batch)
    assert of(done, Answer) == [Answer("op-move", Outcome(1, NoopReason.NOTE_NOT_FOUND))]
    assert core.index["op-move"] == Outcome(1, NoopReason.NOTE_NOT_FOUND)
    (published,) = of(done, Publish)
    assert published.records[0]["noop"] == "note_not_found"


def test_a_removed_participant_is_closed_and_their_waiting_ops_refused() -> None:
    core = new_core()
    ann = FakePeer(ANN, "participant")
    core.attach(ann, None, None, 0)
    core.submit(note("n1", "before the removal"))
    assert core.revoke(ANN) == [ClosePeer(ann, Close.POLICY, "removed by the facilitator")]
    taken = core.take(NOW)
    assert of(taken, Commit) == []
    assert [(r.op_id, r.code) for r in of(taken, Refuse)] == [("op-n1", ErrorCode.UNAUTHORIZED)]


def test_a_snapshot_is_due_every_snapshot_every_ops() -> None:
    core = new_core(snapshot_every=2)
    assert of(commit(core, note("n1", "a")), Snapshot) == []
    (due,) = of(commit(core, note("n2", "b")), Snapshot)
    assert due.state.seq == 2 and core.snapshot_seq == 2


def test_closing_the_meeting_keeps_a_record_and_stops_everyone_typing() -> None:
    core = new_core()
    close = Submission("op-close", parse_op({"kind": "meeting.close", "force": True}), FAC)
    done = commit(core, close)
    assert of(done, SaveRecord) == [SaveRecord("Meeting closed")]
    assert of(done, PresenceStale) == [PresenceStale(closed=True)]


def test_a_new_note_leaves_presence_alone_and_a_deleted_one_has_it_sent_again() -> None:
    # a deleted note's drag must vanish from presence; a new note hides nothing, and in a
    # room of 70 each one used to bring every socket a presence frame of 70 names
    core = new_core()
    assert of(commit(core, note("n1", "a")), PresenceStale) == []
    delete = Submission("op-del", parse_op({"kind": "note.delete", "note_id": "n1"}), FAC)
    assert of(commit(core, delete), PresenceStale) == [PresenceStale(closed=False)]
