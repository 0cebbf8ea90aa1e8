"""The SQL store: its contract, its migrations, and that its log replays to the live board."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from prometheus_client import REGISTRY
from sqlmodel import SQLModel

from facilitation_methods import load_catalogue
from server.board.apply import Record, apply
from server.board.ops import parse_op
from server.board.state import Area, BoardState, new_board
from server.broker.memory import MemoryBroker
from server.config import Config
from server.exceptions import DuplicateOp, StoreUnavailable
from server.store.base import NewParticipant, StoredOp, StoredPicture
from server.store.sql import QUIET_COMMITS, SqlStore
from server.sync.rooms import Rooms
from tests.server.stores import FAC, make_board, note
from tests.timing import eventually, timeout

PART = "p-part"


@pytest.mark.anyio
async def test_migrations_build_exactly_the_tables_the_models_describe(any_store: SqlStore) -> None:
    with any_store.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert diff == []


@pytest.mark.anyio
async def test_a_seq_or_op_id_is_stored_once_and_a_refused_append_stores_nothing(
    any_store: SqlStore,
) -> None:
    board_id = await make_board(any_store)

    def stored(seq: int, op_id: str) -> StoredOp:
        return StoredOp(Record(seq, op_id, FAC, note(seq)), None, 0.0)

    await any_store.append(board_id, [stored(1, "a"), stored(2, "b")])
    with pytest.raises(DuplicateOp):
        await any_store.append(board_id, [stored(3, "c"), stored(2, "d")])  # seq 2 is taken
    with pytest.raises(DuplicateOp):
        await any_store.append(board_id, [stored(3, "a")])  # op id a is taken
    assert await any_store.head(board_id) == 2
    assert [s.record.id for s in await any_store.ops_after(board_id, 0)] == ["a", "b"]
    assert [s.record.seq for s in await any_store.ops_after(board_id, 1, limit=5)] == [2]
    assert (await any_store.op_index(board_id))["b"] == (2, None)


@pytest.mark.anyio
async def test_tokens_are_found_by_hash_only_and_codes_find_boards(any_store: SqlStore) -> None:
    board_id = await make_board(any_store)
    await any_store.add_participant(board_id, NewParticipant(PART, "Ida", "participant", "h" * 64))
    credential = await any_store.authenticate("h" * 64)
    assert credential is not None
    assert (credential.board_id, credential.participant_id, credential.role) == (
        board_id,
        PART,
        "participant",
    )
    assert await any_store.authenticate("x" * 64) is None
    found = await any_store.find_board_by_code(f"CODE-{board_id[:4].upper()}")
    assert found is not None and found.id == board_id
    assert await any_store.find_board_by_code("NONE-NONE") is None


@pytest.mark.anyio
async def test_a_storm_of_token_lookups_gives_each_socket_its_own_credential(
    any_store: SqlStore,
) -> None:
    """A restart's reconnect storm looks up thousands of tokens at once; read together,
    each still gets exactly its own participant, a second device's token its facilitator,
    and an unknown token nothing."""
    board_id = await make_board(any_store)
    people = [f"p-{i}" for i in range(300)]
    for i, person in enumerate(people):
        role = "viewer" if i % 3 == 0 else "participant"
        await any_store.add_participant(board_id, NewParticipant(person, person, role, f"{i:064x}"))
    await any_store.add_facilitator_token(board_id, FAC, "f" * 64)
    hashes = [f"{i:064x}" for i in range(300)] * 2 + ["f" * 64, "e" * 64]
    reads = REGISTRY.get_sample_value("planche_store_reads_total") or 0.0
    found = await asyncio.gather(*(any_store.authenticate(h) for h in hashes))
    assert [(c.participant_id, c.role) if c else None for c in found] == [
        (p, "viewer" if i % 3 == 0 else "participant") for i, p in enumerate(people)
    ] * 2 + [(FAC, "facilitator"), None]
    assert {c.board_id for c in found if c} == {board_id}
    # together: a few queries, not one per socket
    assert (REGISTRY.get_sample_value("planche_store_reads_total") or 0.0) - reads < 10


# Ops drawn from a small world of note and area ids, so that many of them collide and
# become recorded no-ops: edits of deleted notes, deletes of non-empty areas, and so on.
_DRAWS_NOTHING = set(
    "\u115f\u1160\u3164\uffa0\u2800\u034f" + "".join(map(chr, range(0xFE00, 0xFE10)))
)
_NOTES = st.sampled_from(["n1", "n2", "n3", "n4"])
_AREAS = st.sampled_from(["main", "left", "right"])
_OPS = st.one_of(
    st.builds(
        lambda n, a, t: {"kind": "note.add", "note": {"id": n, "area": a, "text": t}},
        _NOTES,
        _AREAS,
        # visible text: a note of only blanks or format characters is refused before this
        st.text(
            st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Zs", "Zl", "Zp")),
            min_size=1,
            max_size=20,
        ).filter(lambda t: not set(t) <= _DRAWS_NOTHING),
    ),
    st.builds(lambda n: {"kind": "note.edit", "note_id": n, "text": "edited"}, _NOTES),
    st.builds(lambda n, a: {"kind": "note.move", "note_id": n, "area": a}, _NOTES, _AREAS),
    st.builds(lambda n: {"kind": "note.delete", "note_id": n}, _NOTES),
    st.builds(lambda a: {"kind": "area.add", "area": {"id": a, "title": a}}, _AREAS),
    st.builds(lambda a: {"kind": "area.delete", "area_id": a}, _AREAS),
)
_STEPS = st.lists(
    st.lists(st.tuples(_OPS, st.sampled_from([FAC, PART])), min_size=1, max_size=6),
    min_size=1,
    max_size=8,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=_STEPS)
def test_replaying_the_stored_log_from_zero_gives_the_live_state(
    steps: list[list[tuple[dict[str, Any], str]]],
) -> None:
    asyncio.run(_replay_equals_live(steps))


async def _replay_equals_live(steps: list[list[tuple[dict[str, Any], str]]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = SqlStore(f"sqlite:///{tmp}/replay.db")
        await store.open()
        try:
            board_id = await make_board(store)
            start = await store.latest_snapshot(board_id)
            assert start is not None and start.seq == 0
            rooms = Rooms(store, MemoryBroker(), Config(snapshot_every=5))
            room = await rooms.get(board_id)
            assert room is not None
            counter = 0
            for step in steps:  # each step is sent at once, so it shares group commits
                ids = [f"op-{counter + i}" for i in range(len(step))]
                counter += len(step)
                await asyncio.gather(
                    *(
                        room.submit(i, parse_op(op), by)
                        for i, (op, by) in zip(ids, step, strict=True)
                    )
                )
            live = room.state
            await rooms.close()

            state = BoardState.from_json(start.state)
            for entry in await store.ops_after(board_id, 0):
                state, noop = apply(state, entry.record)
                assert noop == entry.noop, f"seq {entry.record.seq} replays differently"
            assert state == live
            assert state.seq == counter
        finally:
            await store.close()


@pytest.mark.anyio
async def test_a_big_boards_snapshot_reads_back_as_it_was(any_store: SqlStore) -> None:
    """A snapshot of hundreds of notes (encoded a note at a time) loads the same board."""
    board_id = await make_board(any_store)
    first = await any_store.latest_snapshot(board_id)
    assert first is not None
    state = BoardState.from_json(first.state)
    quote = 'a "quoted" note, æøå and ✓'
    ops = [note(i) for i in range(1, 301)]
    ops.append(parse_op({"kind": "note.add", "note": {"id": "q", "area": "main", "text": quote}}))
    for seq, op in enumerate(ops, start=1):
        state, _ = apply(state, Record(seq, f"op-{seq}", FAC, op))
    await any_store.save_snapshot(board_id, state.seq, state.to_json())
    saved = await any_store.latest_snapshot(board_id)
    assert saved is not None and BoardState.from_json(saved.state) == state
    assert len(saved.state["notes"]) == 301 and saved.state["notes"]["q"]["text"] == quote


@pytest.mark.anyio
async def test_a_deleted_board_leaves_nothing_and_others_stay(any_store: SqlStore) -> None:
    gone, kept = await make_board(any_store, "a" * 32), await make_board(any_store, "c" * 32)
    await any_store.add_participant(gone, NewParticipant(PART, "Ida", "participant", "h" * 64))
    await any_store.append(gone, [StoredOp(Record(1, "x", PART, note(1)), None, 0.0)])
    await any_store.save_snapshot(gone, 1, {"any": "state"}, "Record", "s" * 32)
    for board in (gone, kept):
        picture = StoredPicture("pic-1", "image/png", 2, 1, b"\x89PNG bytes", PART, 1.0)
        await any_store.add_picture(board, picture)
    assert await any_store.get_picture(gone, "pic-1") == picture
    without_bytes = await any_store.get_picture(gone, "pic-1", data=False)
    assert without_bytes is not None and without_bytes.data == b"" and without_bytes.width == 2
    assert await any_store.delete_board(gone) is True
    assert await any_store.get_picture(gone, "pic-1") is None
    assert await any_store.pictures(kept) == [picture]
    assert (await any_store.picture_count(gone), await any_store.picture_count(kept)) == (0, 1)
    assert await any_store.get_board(gone) is None
    assert await any_store.ops_after(gone, 0) == []
    assert await any_store.latest_snapshot(gone) is None
    assert await any_store.shared_snapshot("s" * 32) is None
    assert await any_store.authenticate("h" * 64) is None
    assert await any_store.delete_board(gone) is False
    assert (await any_store.get_board(kept)) is not None


@pytest.mark.anyio
async def test_boards_expire_after_their_own_or_the_default_retention(
    any_store: SqlStore,
) -> None:
    quiet, busy, short = [await make_board(any_store, c * 32) for c in "def"]
    day = 86400.0
    await any_store.append(busy, [StoredOp(Record(1, "x", FAC, note(1)), None, 100 * day)])
    await any_store.set_retention(short, 10)
    # created at 0; busy changed on day 100; short keeps 10 days
    assert sorted(await any_store.expired_boards(50 * day, 180)) == [short]
    assert sorted(await any_store.expired_boards(181 * day, 180)) == sorted([quiet, short])
    assert sorted(await any_store.expired_boards(281 * day, 180)) == sorted([quiet, busy, short])


@pytest.mark.anyio
async def test_a_rewrite_changes_every_record_and_snapshot_and_the_epoch(
    any_store: SqlStore,
) -> None:
    board_id = await make_board(any_store)
    await any_store.add_participant(board_id, NewParticipant(PART, "Ida", "participant", "h" * 64))
    await any_store.append(board_id, [StoredOp(Record(1, "join-p-part", PART, note(1)), None, 0.0)])

    def rewrite(value: Any) -> Any:
        if isinstance(value, str):
            return value.replace("p-part", "p-new").replace("t1", "T1")
        if isinstance(value, dict):
            return {rewrite(k): rewrite(v) for k, v in value.items()}
        return [rewrite(v) for v in value] if isinstance(value, list) else value

    await any_store.rewrite_board(board_id, rewrite, "e2", {PART: ""})
    [stored] = await any_store.ops_after(board_id, 0)
    assert (stored.record.id, stored.record.by) == ("join-p-new", "p-new")
    assert stored.record.op.note.text == "T1"  # type: ignore[union-attr]
    assert (await any_store.get_board(board_id)).epoch == "e2"  # type: ignore[union-attr]
    assert (await any_store.op_index(board_id)) == {"join-p-new": (1, None)}


@pytest.mark.anyio
async def test_an_append_that_cannot_be_written_is_refused_and_later_ones_commit(
    store: SqlStore,
) -> None:
    board_id = await make_board(store)
    # the protocol refuses such text before it gets here; the writer must survive it anyway
    broken = parse_op({"kind": "note.add", "note": {"id": "n1", "area": "main", "text": "\ud800"}})
    bad = StoredOp(Record(1, "bad", FAC, broken), None, 0.0)
    good = StoredOp(Record(1, "good", FAC, note(1)), None, 0.0)
    results = await asyncio.gather(
        store.append(board_id, [bad]), store.append("c" * 32, []), return_exceptions=True
    )
    assert isinstance(results[0], StoreUnavailable)
    await store.append(board_id, [good])  # the writer goes on
    assert [s.record.id for s in await store.ops_after(board_id, 0)] == ["good"]


@contextlib.contextmanager
def _write_lock_held(database: Path) -> Iterator[None]:
    """Another program holding SQLite's write lock (a backup, the sqlite3 shell): the store's
    writer waits for it, and whatever is asked for meanwhile queues up behind."""
    other = sqlite3.connect(database, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


@pytest.mark.anyio
async def test_a_duplicate_in_a_shared_commit_is_refused_alone_and_other_boards_ops_are_stored(
    store: SqlStore, tmp_path: Path
) -> None:
    taken, other, third = [await make_board(store, c * 32) for c in "bcd"]
    await store.append(taken, [StoredOp(Record(1, "first", FAC, note(1)), None, 0.0)])
    with _write_lock_held(tmp_path / "store.db"):
        # while the writer waits, both boards' appends queue and meet in one transaction
        waiting = asyncio.ensure_future(
            store.append(third, [StoredOp(Record(1, "t1", FAC, note(1)), None, 0.0)])
        )
        await asyncio.sleep(0)
        again = StoredOp(Record(1, "again", FAC, note(2)), None, 0.0)  # seq 1 is taken
        fresh = StoredOp(Record(1, "o1", FAC, note(1)), None, 0.0)
        results = asyncio.gather(
            store.append(taken, [again]), store.append(other, [fresh]), return_exceptions=True
        )
        await asyncio.sleep(0)
    refused, stored = await results
    await waiting
    assert isinstance(refused, DuplicateOp) and stored is None
    assert [s.record.id for s in await store.ops_after(taken, 0)] == ["first"]
    assert [s.record.id for s in await store.ops_after(other, 0)] == ["o1"]
    assert [s.record.id for s in await store.ops_after(third, 0)] == ["t1"]


@pytest.mark.anyio
async def test_closing_writes_what_was_queued_and_refuses_what_comes_after(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'closing.db'}"
    store = SqlStore(url)
    await store.open()
    board_id = await make_board(store)
    with _write_lock_held(tmp_path / "closing.db"):
        queued = [
            asyncio.ensure_future(
                store.append(board_id, [StoredOp(Record(i, f"op-{i}", FAC, note(i)), None, 0.0)])
            )
            for i in (1, 2, 3)
        ]
        await asyncio.sleep(0)  # the appends are queued
        closing = asyncio.ensure_future(store.close())
        await asyncio.sleep(0)  # close() has begun
        with pytest.raises(StoreUnavailable):
            await store.append(board_id, [StoredOp(Record(4, "op-4", FAC, note(4)), None, 0.0)])
    # nothing hangs: every queued append is answered, then the store is closed
    await asyncio.wait_for(asyncio.gather(*queued, closing), timeout(10))
    again = SqlStore(url)
    await again.open()
    try:
        assert [s.record.id for s in await again.ops_after(board_id, 0)] == [
            "op-1",
            "op-2",
            "op-3",
        ]
    finally:
        await again.close()


@pytest.mark.anyio
async def test_an_import_that_fails_leaves_no_part_of_the_board(any_store: SqlStore) -> None:
    from server.exports import archive
    from server.exports.service import Conflict, import_archive

    methods = load_catalogue()
    board_id = await make_board(any_store)
    await any_store.add_participant(board_id, NewParticipant(FAC, "Fac", "facilitator", "h" * 64))
    data = await _archive_of(any_store, board_id)
    # the same board under a new id: its facilitator's participant id is taken, which only
    # the last insert of the import finds out
    copy = data.replace(board_id.encode(), b"c" * 32)
    with pytest.raises(Conflict):
        await import_archive(any_store, methods, copy)
    assert await any_store.get_board("c" * 32) is None
    assert await any_store.latest_snapshot("c" * 32) is None
    assert await any_store.ops_after("c" * 32, 0) == []
    assert archive.load(copy)[0].id == "c" * 32  # the archive itself was fine


@pytest.mark.anyio
async def test_an_archive_round_trip_keeps_every_column_of_the_board(any_store: SqlStore) -> None:
    from server.exports.service import import_archive
    from server.store.base import BoardRow, NetworkRow

    methods = load_catalogue()
    await any_store.create_network(NetworkRow("n" * 32, "Net", "Theme", "sv", "t" * 64, 5.0))
    row = BoardRow(
        id="d" * 32,
        title="Round trip",
        method="free",
        language="sv",
        join_code="KQ7-DM2-XHR",
        epoch="e" * 16,
        created_at=1_700_000_000.5,
        network_id="n" * 32,
        meeting_no=3,
        retention_days=7,
    )
    unset = [f.name for f in fields(BoardRow) if getattr(row, f.name) == f.default]
    assert unset == [], "give every field a value of its own, or the test cannot see it drift"
    state = new_board(row.id, row.title, row.method, row.language, (Area("main", "Tavlan"),))
    await any_store.create_board(row, state.to_json(), [])
    data = await _archive_of(any_store, row.id)
    assert await any_store.delete_board(row.id)
    answer = await import_archive(any_store, methods, data)
    assert answer["id"] == row.id
    assert await any_store.get_board(row.id) == row
    # on a server without its network the board comes in as a board of its own
    assert await any_store.delete_board(row.id)
    await any_store.create_network(NetworkRow("m" * 32, "Other", "T", "sv", "u" * 64, 5.0))
    elsewhere = data.replace(b"n" * 32, b"x" * 32)
    await import_archive(any_store, methods, elsewhere)
    imported = await any_store.get_board(row.id)
    assert imported is not None and (imported.network_id, imported.meeting_no) == (None, None)
    assert imported.retention_days == 7


async def _archive_of(store: SqlStore, board_id: str) -> bytes:
    """The board's JSON archive, as the export writes it."""
    from server.exports import archive

    row, first = await store.get_board(board_id), await store.latest_snapshot(board_id)
    assert row is not None and first is not None
    return archive.dump(row, BoardState.from_json(first.state), [first], [])


@pytest.mark.anyio
async def test_the_log_reaches_the_database_file_at_a_quiet_moment_not_inside_a_commit(
    store: SqlStore, tmp_path: Path
) -> None:
    """SQLite's own checkpoint runs inside the commit that crosses its threshold and holds
    that commit's acks; the writer checkpoints once appends pause instead."""
    board_id = await make_board(store)
    for i in range(QUIET_COMMITS + 5):  # one commit each
        await store.append(board_id, [StoredOp(Record(i + 1, f"op-{i}", FAC, note(i)), None, 0.0)])
    await eventually(lambda: store.checkpoints > 0, "a checkpoint at the quiet moment")
    # the database file alone, without its log, now holds every op
    alone = tmp_path / "alone.db"
    shutil.copy(tmp_path / "store.db", alone)
    with sqlite3.connect(alone) as db:
        assert db.execute("SELECT count(*) FROM ops").fetchone() == (QUIET_COMMITS + 5,)
