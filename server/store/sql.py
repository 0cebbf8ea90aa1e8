"""The store on SQL through SQLModel: SQLite now (embedded), Postgres with the same code.

Blocking database calls run in threads. All writes go through one writer thread that owns
its queue: `append` calls that arrive while a commit is running are gathered into the next
single transaction (group commit), so twenty rooms writing at once cost one fsync, not
twenty. The thread answers a whole group with one wakeup of the event loop; between the
room's task and the commit there is no other task or executor hop.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

from sqlalchemy import (
    Engine,
    bindparam,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection
from sqlmodel import col

from server.board.apply import NoopReason, Record
from server.board.ops import dump_op, parse_op
from server.board.state import Role
from server.exceptions import DuplicateOp, StoreUnavailable
from server.metrics import COMMIT_SECONDS, STORE_READS
from server.store.base import (
    BoardRow,
    Credential,
    NetworkRow,
    NewParticipant,
    Owner,
    Rewrite,
    Snapshot,
    Store,
    StoredOp,
    StoredPicture,
)
from server.store.batch import Batched
from server.store.migrate import Migration, SchemaNotCurrent, check_current, upgrade
from server.store.models import (
    BoardOwnerTable,
    BoardTable,
    FacilitatorTokenTable,
    NetworkOwnerTable,
    NetworkTable,
    OpTable,
    ParticipantTable,
    PictureTable,
    SnapshotTable,
)

log = logging.getLogger("planche.store")

# built once: SQLAlchemy caches its compiled form, but a new statement costs its
# construction and cache key on every commit
_INSERT_OP = insert(OpTable)
# every socket's hello looks its token up, twice (`connection._serve`): a reconnect storm
# makes thousands at once. They are read together (`Batched`), by statements built once
# that select columns, not entities (a third of the cost of `select(ParticipantTable)`).
_P, _F = ParticipantTable, FacilitatorTokenTable
_TOKENS = select(col(_P.token_hash), col(_P.board_id), col(_P.id), col(_P.role)).where(
    col(_P.token_hash).in_(bindparam("hashes", expanding=True))
)
_FURTHER_TOKENS = select(col(_F.token_hash), col(_F.board_id), col(_F.participant_id)).where(
    col(_F.token_hash).in_(bindparam("hashes", expanding=True))
)

T = TypeVar("T")


@dataclass
class _Append:
    """Ops for the op log as rows; consecutive appends in the queue share one transaction."""

    board_id: str
    rows: list[dict[str, Any]]
    done: asyncio.Future[None] = field(repr=False)


@dataclass
class _Write:
    """Any other write (a board, a participant, a snapshot...): a transaction of its own."""

    fn: Callable[[], Any]
    done: asyncio.Future[Any] = field(repr=False)


@dataclass
class _Stop:
    """close(): everything queued before it is written, then the thread ends."""

    done: asyncio.Future[None] = field(repr=False)


_Request = _Append | _Write | _Stop


def _sqlite_pragmas(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")  # the WAL is fsynced at every commit
    # no checkpoint inside a commit (it would hold that commit's acks for the copy and its
    # fsync): the writer checkpoints at quiet moments instead (SqlStore._serve)
    cursor.execute("PRAGMA wal_autocheckpoint=0")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    # a deleted board is overwritten with zeros, not left readable in free pages
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


# the WAL is copied into the database file when no append has come for QUIET_SECONDS after
# QUIET_COMMITS commits, or, under load without such a pause, after MAX_COMMITS (SQLite's own
# default is every 1,000 pages, inside whichever commit crosses it, holding its acks)
QUIET_SECONDS = 0.05
QUIET_COMMITS = 100
MAX_COMMITS = 1000


class SqlStore(Store):
    def __init__(self, database_url: str, migrate: bool = True) -> None:
        url = make_url(database_url)
        if url.drivername == "postgresql":  # psycopg 3, not SQLAlchemy's default psycopg2
            url = url.set(drivername="postgresql+psycopg")
        self.url = url
        self.commits = 0  # write transactions committed; group commit keeps it low
        self.migrate = migrate  # False: refuse a schema that is not current (migrate_at_start)
        self.migration: Migration | None = None  # what open() did to the schema
        self._engine: Engine | None = None
        # the writer thread and its queue; _accepting and every put go under _lock, so that
        # nothing is queued after the thread has taken its last request
        self._queue: queue.SimpleQueue[_Request] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._accepting = False
        self._writer: threading.Thread | None = None
        # SQLite: the writer keeps one DBAPI connection for appends, and inserts with the
        # driver's own executemany, instead of a pool checkout and SQLAlchemy's execution per
        # commit: at the bench's pace that was 0.3 ms of an op's 1.4 ms in the writer
        # (docs/performance.md). Postgres goes through the pool, whose ping finds a server
        # that restarted. `_raw_insert` names its parameters, so the rows go in as they are.
        self._hold_connection = False
        self._held: PoolProxiedConnection | None = None
        self._raw_insert = ""
        self._wal = False  # whether the writer checkpoints (SQLite, a file)
        self._checkpointer = ThreadPoolExecutor(1, thread_name_prefix="planche-store-checkpoint")
        self._checkpointing: Future[None] | None = None
        self._checkpointed = 0  # `commits` at the last checkpoint
        self.checkpoints = 0
        self._credentials = Batched(self._read_credentials)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise StoreUnavailable("the store is not open")
        return self._engine

    async def open(self) -> None:
        """Raises StoreUnavailable in one line that names the file or server and the cause."""
        is_sqlite = self.url.get_backend_name() == "sqlite"
        path = None
        if is_sqlite and self.url.database not in (None, "", ":memory:"):
            path = Path(self.url.database).resolve()
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise StoreUnavailable(_unwritable(path, e.strerror or str(e))) from None
        self._engine = create_engine(
            self.url,
            connect_args={"check_same_thread": False} if is_sqlite else {},
            pool_pre_ping=not is_sqlite,
        )
        if is_sqlite:
            event.listen(self._engine, "connect", _sqlite_pragmas)
            self._wal = path is not None
            self._hold_connection = True
            named = cast(Any, type(self._engine.dialect))(paramstyle="named")
            self._raw_insert = str(_INSERT_OP.compile(dialect=named))
        self._accepting = True
        self._writer = threading.Thread(
            target=self._serve, name="planche-store-writer", daemon=True
        )
        self._writer.start()
        try:
            await self._write(self._migrate)
        except BaseException as e:
            await self._stop_writer()
            if isinstance(e, SchemaNotCurrent) or not isinstance(e, StoreUnavailable):
                raise
            if path is None:
                raise
            raise StoreUnavailable(_unwritable(path, str(e))) from None

    def _migrate(self) -> None:
        if self.migrate:
            self.migration = upgrade(self.engine)
        else:
            check_current(self.engine)

    async def close(self) -> None:
        """Writes what was queued before it, then ends the writer thread; a write asked for
        from now on is refused with StoreUnavailable at once."""
        await self._stop_writer()
        await asyncio.to_thread(self._checkpointer.shutdown)  # lets a running one finish
        if self._engine is not None:
            self._engine.dispose()

    async def _stop_writer(self) -> None:
        writer, self._writer = self._writer, None
        if writer is None:
            return
        stopped: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        with self._lock:
            running, self._accepting = self._accepting, False
            if running:
                self._queue.put(_Stop(stopped))
        if running:
            await stopped
        writer.join()  # it has answered its last request: this returns at once

    async def ping(self) -> None:
        def select_one() -> None:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))

        await self._read(select_one)

    async def check_writes(self) -> None:
        def delete_nothing() -> None:
            # a write statement takes the write lock (SQLite) or a writable transaction
            # (Postgres) even when it matches no row; rolled back, it leaves no trace
            with self.engine.connect() as c:
                c.execute(delete(BoardTable).where(col(BoardTable.id) == ""))
                c.rollback()

        await self._write(delete_nothing)

    # running blocking calls

    async def _read(self, fn: Callable[[], T]) -> T:
        STORE_READS.inc()
        try:
            return await asyncio.to_thread(fn)
        except SQLAlchemyError as e:
            raise StoreUnavailable(_plain(e)) from e

    async def _write(self, fn: Callable[[], T]) -> T:
        """Runs `fn` on the writer thread, after every write queued before it."""
        done: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._submit(_Write(fn, done))
        return await done

    def _submit(self, request: _Request) -> None:
        with self._lock:
            if not self._accepting:
                raise StoreUnavailable("the store is not open")
            self._queue.put(request)

    # boards and participants

    async def create_board(
        self, board: BoardRow, initial_state: dict[str, Any], participants: list[NewParticipant]
    ) -> None:
        def write() -> None:
            with self.engine.begin() as c:
                c.execute(insert(BoardTable), [_board_values(board)])
                if participants:
                    c.execute(
                        insert(ParticipantTable),
                        [_participant_values(board.id, p, board.created_at) for p in participants],
                    )
                c.execute(
                    insert(SnapshotTable),
                    [_snapshot_values(board.id, 0, initial_state, None, board.created_at)],
                )
            self.commits += 1

        await self._write(write)

    async def get_board(self, board_id: str) -> BoardRow | None:
        return await self._read(lambda: self._one_board(col(BoardTable.id) == board_id))

    async def find_board_by_code(self, join_code: str) -> BoardRow | None:
        return await self._read(lambda: self._one_board(col(BoardTable.join_code) == join_code))

    def _one_board(self, where: Any) -> BoardRow | None:
        with self.engine.connect() as c:
            row = c.execute(select(BoardTable).where(where)).mappings().first()
        return None if row is None else BoardRow(**dict(row))

    async def create_network(self, network: NetworkRow) -> None:
        def write() -> None:
            with self.engine.begin() as c:
                c.execute(insert(NetworkTable), [asdict(network)])
            self.commits += 1

        await self._write(write)

    async def get_network(self, network_id: str) -> NetworkRow | None:
        def read() -> NetworkRow | None:
            with self.engine.connect() as c:
                where = col(NetworkTable.id) == network_id
                row = c.execute(select(NetworkTable).where(where)).mappings().first()
            return None if row is None else NetworkRow(**dict(row))

        return await self._read(read)

    async def network_meetings(self, network_id: str) -> list[BoardRow]:
        def read() -> list[BoardRow]:
            query = (
                select(BoardTable)
                .where(col(BoardTable.network_id) == network_id)
                .order_by(col(BoardTable.meeting_no))
            )
            with self.engine.connect() as c:
                return [BoardRow(**dict(r)) for r in c.execute(query).mappings()]

        return await self._read(read)

    async def add_participant(self, board_id: str, participant: NewParticipant) -> None:
        def write() -> None:
            with self.engine.begin() as c:
                c.execute(
                    insert(ParticipantTable),
                    [_participant_values(board_id, participant, time.time())],
                )
            self.commits += 1

        await self._write(write)

    async def authenticate(self, token_hash: str) -> Credential | None:
        return await self._credentials.get(token_hash)

    async def _read_credentials(self, hashes: list[str]) -> dict[str, Credential]:
        def read() -> dict[str, Credential]:
            with self.engine.connect() as c:
                found = {
                    row[0]: Credential(row[1], row[2], cast(Role, row[3]))
                    for row in c.execute(_TOKENS, {"hashes": hashes})
                }
                # a facilitator's token from another device, or none
                if further := [h for h in hashes if h not in found]:
                    for row in c.execute(_FURTHER_TOKENS, {"hashes": further}):
                        found[row[0]] = Credential(row[1], row[2], "facilitator")
            return found

        return await self._read(read)

    # the op log

    async def append(self, board_id: str, ops: list[StoredOp]) -> None:
        # the rows are made here, on the event loop, which is busy with this op already: in
        # the writer thread, just woken on an idle core, making one took 0.25 ms at the
        # bench's pace, and here it adds about 0.07 ms (docs/performance.md)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._submit(_Append(board_id, [op_values(board_id, op) for op in ops], done))
        await done

    # the writer thread

    def _serve(self) -> None:
        """The writer thread: takes everything queued, writes it in order (consecutive
        appends in one transaction), answers each transaction with one wakeup of its event
        loop, and checkpoints SQLite's log when no request has come for QUIET_SECONDS."""
        stop: _Stop | None = None
        try:
            quiet_checked = True  # no request has come since the last quiet moment
            while stop is None:
                due = self._wal and self.commits - self._checkpointed >= QUIET_COMMITS
                quiet = due and not quiet_checked
                try:
                    first = self._queue.get(timeout=QUIET_SECONDS) if quiet else self._queue.get()
                except queue.Empty:  # a quiet moment
                    self._checkpoint(QUIET_COMMITS)
                    quiet_checked = True
                    continue
                quiet_checked = False
                requests = [first]
                while True:
                    try:
                        requests.append(self._queue.get_nowait())
                    except queue.Empty:
                        break
                stop = self._write_in_order(requests)
                self._checkpoint(MAX_COMMITS)
        except BaseException:  # a bug: the store refuses every write from now on
            log.exception("the store's writer thread failed")
        finally:
            self._release_held()
            with self._lock:
                self._accepting = False
            while True:  # only if the thread failed: nothing may wait for ever
                try:
                    request = self._queue.get_nowait()
                except queue.Empty:
                    break
                if isinstance(request, _Stop):
                    stop = stop or request
                else:
                    _call_soon(request.done, _answer, request.done, None, _closed())
            if stop is not None:
                _call_soon(stop.done, _answer, stop.done, None, None)

    def _write_in_order(self, requests: list[_Request]) -> _Stop | None:
        group: list[_Append] = []
        for i, request in enumerate(requests):
            if isinstance(request, _Append):
                group.append(request)
                continue
            if group:
                self._commit_group(group)
                group = []
            if isinstance(request, _Stop):
                for late in requests[i + 1 :]:  # cannot happen: nothing is queued after it
                    _call_soon(late.done, _answer, late.done, None, _closed())
                return request
            try:
                result, error = request.fn(), None
            except Exception as e:
                result, error = None, _store_error(e)
            _call_soon(request.done, _answer, request.done, result, error)
        if group:
            self._commit_group(group)
        return None

    def _checkpoint(self, after_commits: int) -> None:
        """Copies the WAL into the database file once `after_commits` commits have gone into
        it, on a thread of its own: PASSIVE takes no write lock, so commits go on meanwhile
        instead of an op's ack waiting for the copy and its fsync; and it never waits for a
        reader (the log is reused from its start once every reader has moved on)."""
        if not self._wal or self.commits - self._checkpointed < after_commits:
            return
        if self._checkpointing is not None and not self._checkpointing.done():
            return  # one at a time; the next quiet moment or bound starts another
        self._checkpointed = self.commits
        self._checkpointing = self._checkpointer.submit(self._run_checkpoint)

    def _run_checkpoint(self) -> None:
        try:
            with self.engine.connect() as c:
                c.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
            self.checkpoints += 1
        except Exception as e:  # the next quiet moment tries again
            self._checkpointed = 0
            log.warning("the store could not checkpoint its log: %s", _store_error(e))

    def _commit_group(self, group: list[_Append]) -> None:
        error: Exception | None = None
        try:
            self._insert_ops(group)
        except Exception as e:
            error = _store_error(e)  # StoreUnavailable: the database failed every append
            if not isinstance(error, StoreUnavailable):
                # DuplicateOp, or a bug in one append: never stop every board for it
                if len(group) > 1:  # find the one at fault; the others still commit
                    for one in group:
                        self._commit_group([one])
                    return
                if isinstance(error, DuplicateOp):
                    error = DuplicateOp(f"board {group[0].board_id}: op already stored")
                else:
                    log.exception("board %s: the store failed an append", group[0].board_id)
                    error = StoreUnavailable(f"the store failed: {e}")
        loops: dict[asyncio.AbstractEventLoop, list[_Append]] = {}
        for item in group:  # one loop, unless the store is shared by several
            loops.setdefault(item.done.get_loop(), []).append(item)
        for items in loops.values():
            _call_soon(items[0].done, _settle, items, error)

    def _insert_ops(self, batch: list[_Append]) -> None:
        rows = [row for a in batch for row in a.rows]
        started = time.perf_counter()
        if not self._hold_connection:
            with self.engine.begin() as c:
                c.execute(_INSERT_OP, rows)
        else:
            self._insert_held(rows)
        COMMIT_SECONDS.observe(time.perf_counter() - started)
        self.commits += 1

    def _insert_held(self, rows: list[dict[str, Any]]) -> None:
        """One transaction on the held connection. A driver error is raised as SQLAlchemy's
        (IntegrityError for a taken key), as on every other path."""
        statement = self._raw_insert
        if self._held is None:
            self._held = self.engine.raw_connection()
        held = self._held
        driver_error = self.engine.dialect.loaded_dbapi.Error
        try:
            cursor = held.cursor()
            try:
                cursor.execute("BEGIN")
                cursor.executemany(statement, rows)
            finally:
                cursor.close()
            held.commit()
        except BaseException as e:  # whatever went wrong, the next commit starts afresh
            with contextlib.suppress(Exception):
                held.rollback()
            self._release_held()
            if isinstance(e, driver_error):
                raise DBAPIError.instance(statement, rows, e, driver_error) from e
            raise

    def _release_held(self) -> None:
        held, self._held = self._held, None
        if held is not None:
            with contextlib.suppress(Exception):
                held.close()

    async def ops_after(
        self, board_id: str, after_seq: int, limit: int | None = None
    ) -> list[StoredOp]:
        def read() -> list[StoredOp]:
            query = (
                select(OpTable)
                .where(col(OpTable.board_id) == board_id, col(OpTable.seq) > after_seq)
                .order_by(col(OpTable.seq))
                .limit(limit)
            )
            with self.engine.connect() as c:
                return [_stored_op(r) for r in c.execute(query).mappings()]

        return await self._read(read)

    async def op_index(self, board_id: str) -> dict[str, tuple[int, NoopReason | None]]:
        def read() -> dict[str, tuple[int, NoopReason | None]]:
            query = select(col(OpTable.op_id), col(OpTable.seq), col(OpTable.noop)).where(
                col(OpTable.board_id) == board_id
            )
            with self.engine.connect() as c:
                return {
                    op_id: (seq, NoopReason(noop) if noop else None)
                    for op_id, seq, noop in c.execute(query)
                }

        return await self._read(read)

    async def head(self, board_id: str) -> int:
        def read() -> int:
            query = select(func.max(col(OpTable.seq))).where(col(OpTable.board_id) == board_id)
            with self.engine.connect() as c:
                return int(c.execute(query).scalar() or 0)

        return await self._read(read)

    # snapshots

    async def latest_snapshot(self, board_id: str) -> Snapshot | None:
        return await self._snapshot_at_most(board_id, None)

    async def snapshot_before(self, board_id: str, seq: int) -> Snapshot | None:
        return await self._snapshot_at_most(board_id, seq)

    async def _snapshot_at_most(self, board_id: str, seq: int | None) -> Snapshot | None:
        def read() -> Snapshot | None:
            query = select(SnapshotTable).where(col(SnapshotTable.board_id) == board_id)
            if seq is not None:
                query = query.where(col(SnapshotTable.seq) <= seq)
            query = query.order_by(
                col(SnapshotTable.seq).desc(), col(SnapshotTable.id).desc()
            ).limit(1)
            with self.engine.connect() as c:
                row = c.execute(query).mappings().first()
            return None if row is None else _snapshot(row)

        return await self._read(read)

    async def snapshots(self, board_id: str) -> list[Snapshot]:
        def read() -> list[Snapshot]:
            query = (
                select(SnapshotTable)
                .where(
                    col(SnapshotTable.board_id) == board_id, col(SnapshotTable.name).is_not(None)
                )
                .order_by(col(SnapshotTable.id))
            )
            with self.engine.connect() as c:
                return [_snapshot(r) for r in c.execute(query).mappings()]

        return await self._read(read)

    async def shared_snapshot(self, share_id: str) -> Snapshot | None:
        def read() -> Snapshot | None:
            query = select(SnapshotTable).where(col(SnapshotTable.share_id) == share_id)
            with self.engine.connect() as c:
                row = c.execute(query).mappings().first()
            return None if row is None else _snapshot(row)

        return await self._read(read)

    async def save_snapshot(
        self,
        board_id: str,
        seq: int,
        state: dict[str, Any],
        name: str | None = None,
        share_id: str | None = None,
    ) -> None:
        # encoded here, a piece at a time, not in the writer thread: a big board's JSON would
        # hold the commits queued behind it, and one `json.dumps` call the event loop
        text = await asyncio.to_thread(_state_text, state)

        def write() -> None:
            values = _snapshot_values(board_id, seq, text, name, time.time(), share_id)
            with self.engine.begin() as c:
                c.execute(insert(SnapshotTable), [values])
            self.commits += 1

        await self._write(write)

    async def import_board(
        self,
        board: BoardRow,
        snapshots: list[Snapshot],
        ops: list[StoredOp],
        participants: list[NewParticipant],
        pictures: list[StoredPicture] | None = None,
    ) -> None:
        def write() -> None:
            with self.engine.begin() as c:
                c.execute(insert(BoardTable), [_board_values(board)])
                if participants:
                    c.execute(
                        insert(ParticipantTable),
                        [_participant_values(board.id, p, time.time()) for p in participants],
                    )
                if pictures:
                    c.execute(
                        insert(PictureTable), [_picture_values(board.id, p) for p in pictures]
                    )
                c.execute(
                    insert(SnapshotTable),
                    [
                        _snapshot_values(board.id, s.seq, s.state, s.name, s.created_at, s.share_id)
                        for s in snapshots
                    ],
                )
                if ops:
                    c.execute(insert(OpTable), [op_values(board.id, op) for op in ops])
            self.commits += 1

        await self._write(write)  # a taken board id or join code: DuplicateOp

    # board life cycle

    async def delete_board(self, board_id: str) -> bool:
        def write() -> bool:
            with self.engine.begin() as c:
                for table in (OpTable, SnapshotTable, ParticipantTable, PictureTable):
                    c.execute(delete(table).where(col(table.board_id) == board_id))
                gone = c.execute(delete(BoardTable).where(col(BoardTable.id) == board_id))
            self.commits += 1
            if self.url.get_backend_name() == "sqlite":
                # the WAL still holds the deleted pages until they are checkpointed
                with self.engine.connect() as c:
                    c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            return bool(gone.rowcount)

        return await self._write(write)

    # pictures

    async def add_picture(self, board_id: str, picture: StoredPicture) -> None:
        await self._insert(PictureTable, **_picture_values(board_id, picture))

    async def get_picture(
        self, board_id: str, picture_id: str, *, data: bool = True
    ) -> StoredPicture | None:
        def read() -> StoredPicture | None:
            table: Any = getattr(PictureTable, "__table__")  # noqa: B009 (SQLModel types it not)
            columns = [c for c in table.c if data or c.name != "data"]
            query = select(*columns).where(
                col(PictureTable.board_id) == board_id, col(PictureTable.id) == picture_id
            )
            with self.engine.connect() as c:
                row = c.execute(query).mappings().first()
            return None if row is None else _picture(row)

        return await self._read(read)

    async def picture_count(self, board_id: str) -> int:
        def read() -> int:
            query = select(func.count()).where(col(PictureTable.board_id) == board_id)
            with self.engine.connect() as c:
                return int(c.execute(query).scalar() or 0)

        return await self._read(read)

    async def pictures(self, board_id: str) -> list[StoredPicture]:
        def read() -> list[StoredPicture]:
            query = (
                select(PictureTable)
                .where(col(PictureTable.board_id) == board_id)
                .order_by(col(PictureTable.created_at), col(PictureTable.id))
            )
            with self.engine.connect() as c:
                rows = c.execute(query).mappings().all()
            return [_picture(r) for r in rows]

        return await self._read(read)

    async def set_join_code(self, board_id: str, join_code: str) -> None:
        await self._update_board(board_id, join_code=join_code)

    async def set_retention(self, board_id: str, days: int | None) -> None:
        await self._update_board(board_id, retention_days=days)

    async def _update_board(self, board_id: str, **values: Any) -> None:
        def write() -> None:
            with self.engine.begin() as c:
                c.execute(update(BoardTable).where(col(BoardTable.id) == board_id).values(values))
            self.commits += 1

        await self._write(write)

    async def replace_viewer(self, board_id: str, viewer: NewParticipant) -> list[str]:
        def write() -> list[str]:
            where = (
                col(ParticipantTable.board_id) == board_id,
                col(ParticipantTable.role) == "viewer",
            )
            with self.engine.begin() as c:
                old = list(c.execute(select(col(ParticipantTable.id)).where(*where)).scalars())
                c.execute(delete(ParticipantTable).where(*where))
                c.execute(
                    insert(ParticipantTable), [_participant_values(board_id, viewer, time.time())]
                )
            self.commits += 1
            return old

        return await self._write(write)

    async def remove_participant(self, board_id: str, participant_id: str) -> bool:
        def write() -> bool:
            where = (
                col(ParticipantTable.board_id) == board_id,
                col(ParticipantTable.id) == participant_id,
            )
            with self.engine.begin() as c:
                gone = c.execute(delete(ParticipantTable).where(*where))
            self.commits += 1
            return bool(gone.rowcount)

        return await self._write(write)

    async def expired_boards(self, now: float, default_days: int) -> list[str]:
        def read() -> list[str]:
            last_op = (
                select(col(OpTable.board_id), func.max(col(OpTable.at)).label("at"))
                .group_by(col(OpTable.board_id))
                .subquery()
            )
            query = select(
                col(BoardTable.id),
                col(BoardTable.created_at),
                col(BoardTable.retention_days),
                last_op.c.at,
            ).outerjoin(last_op, last_op.c.board_id == col(BoardTable.id))
            with self.engine.connect() as c:
                rows = c.execute(query).all()
            return [
                board_id
                for board_id, created, days, last in rows
                if max(created, last or 0) + (days or default_days) * 86400 < now
            ]

        return await self._read(read)

    async def rewrite_board(
        self, board_id: str, rewrite: Rewrite, epoch: str, names: dict[str, str]
    ) -> None:
        def write() -> None:
            with self.engine.begin() as c:
                ops = c.execute(
                    select(col(OpTable.seq), col(OpTable.op_id), col(OpTable.by), col(OpTable.op))
                    .where(col(OpTable.board_id) == board_id)
                    .order_by(col(OpTable.seq))
                ).all()
                for seq, op_id, by, op in ops:
                    new = rewrite({"id": op_id, "by": by, "op": json.loads(op)})
                    c.execute(
                        update(OpTable)
                        .where(col(OpTable.board_id) == board_id, col(OpTable.seq) == seq)
                        .values(
                            op_id=new["id"],
                            by=new["by"],
                            op=json.dumps(new["op"], ensure_ascii=False),
                        )
                    )
                where = col(SnapshotTable.board_id) == board_id
                for snapshot_id, state in c.execute(
                    select(col(SnapshotTable.id), col(SnapshotTable.state)).where(where)
                ).all():
                    new_state = json.dumps(rewrite(json.loads(state)), ensure_ascii=False)
                    c.execute(
                        update(SnapshotTable)
                        .where(col(SnapshotTable.id) == snapshot_id)
                        .values(state=new_state)
                    )
                for participant_id, name in names.items():
                    c.execute(
                        update(ParticipantTable)
                        .where(
                            col(ParticipantTable.board_id) == board_id,
                            col(ParticipantTable.id) == participant_id,
                        )
                        .values(name=name)
                    )
                c.execute(
                    update(BoardTable).where(col(BoardTable.id) == board_id).values(epoch=epoch)
                )
            self.commits += 1
            if self.url.get_backend_name() == "sqlite":
                with self.engine.connect() as c:
                    c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

        await self._write(write)

    # who facilitates

    async def add_board_owner(self, board_id: str, owner: Owner) -> None:
        await self._insert(BoardOwnerTable, board_id=board_id, **_owner_values(owner))

    async def add_network_owner(self, network_id: str, owner: Owner) -> None:
        await self._insert(NetworkOwnerTable, network_id=network_id, **_owner_values(owner))

    async def add_facilitator_token(
        self, board_id: str, participant_id: str, token_hash: str
    ) -> None:
        await self._insert(
            FacilitatorTokenTable,
            token_hash=token_hash,
            board_id=board_id,
            participant_id=participant_id,
            created_at=time.time(),
        )

    async def _insert(self, table: Any, **values: Any) -> None:
        def write() -> None:
            with self.engine.begin() as c:
                c.execute(insert(table), [values])
            self.commits += 1

        await self._write(write)

    async def board_owner(self, board_id: str) -> Owner | None:
        def read() -> Owner | None:
            query = select(col(BoardOwnerTable.issuer), col(BoardOwnerTable.subject)).where(
                col(BoardOwnerTable.board_id) == board_id
            )
            with self.engine.connect() as c:
                row = c.execute(query).first()
            return None if row is None else Owner(row[0], row[1])

        return await self._read(read)

    async def owned(self, owner: Owner) -> tuple[list[BoardRow], list[NetworkRow]]:
        def read() -> tuple[list[BoardRow], list[NetworkRow]]:
            boards = (
                select(BoardTable)
                .join(BoardOwnerTable, col(BoardOwnerTable.board_id) == col(BoardTable.id))
                .where(
                    col(BoardOwnerTable.issuer) == owner.issuer,
                    col(BoardOwnerTable.subject) == owner.subject,
                )
                .order_by(col(BoardTable.created_at).desc())
            )
            networks = (
                select(NetworkTable)
                .join(NetworkOwnerTable, col(NetworkOwnerTable.network_id) == col(NetworkTable.id))
                .where(
                    col(NetworkOwnerTable.issuer) == owner.issuer,
                    col(NetworkOwnerTable.subject) == owner.subject,
                )
                .order_by(col(NetworkTable.created_at).desc())
            )
            with self.engine.connect() as c:
                return (
                    [BoardRow(**dict(r)) for r in c.execute(boards).mappings()],
                    [NetworkRow(**dict(r)) for r in c.execute(networks).mappings()],
                )

        return await self._read(read)


def _owner_values(owner: Owner) -> dict[str, Any]:
    return {"issuer": owner.issuer, "subject": owner.subject, "created_at": time.time()}


def _picture_values(board_id: str, p: StoredPicture) -> dict[str, Any]:
    return {"board_id": board_id, **asdict(p)}


def _picture(row: Any) -> StoredPicture:
    return StoredPicture(
        row["id"],
        row["type"],
        row["width"],
        row["height"],
        bytes(row.get("data", b"")),
        row["by"],
        row["created_at"],
    )


def _snapshot(row: Any) -> Snapshot:
    return Snapshot(
        row["board_id"],
        row["seq"],
        json.loads(row["state"]),
        row["name"],
        row["created_at"],
        row["share_id"],
    )


def _settle(batch: list[_Append], error: Exception | None) -> None:
    """On the event loop: answers every append of one transaction."""
    for item in batch:
        if item.done.done():  # its room gave up waiting; the ops are stored all the same
            continue
        if error is None:
            item.done.set_result(None)
        else:
            item.done.set_exception(type(error)(str(error)))


def _answer(done: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if done.done():
        return
    if error is None:
        done.set_result(result)
    else:
        done.set_exception(error)


def _call_soon(done: asyncio.Future[Any], callback: Callable[..., None], *args: Any) -> None:
    """From the writer thread: runs `callback` on the loop that awaits `done`."""
    with contextlib.suppress(RuntimeError):  # a closed loop: nobody waits for it any more
        done.get_loop().call_soon_threadsafe(callback, *args)


def _closed() -> StoreUnavailable:
    return StoreUnavailable("the store is closed")


def _store_error(error: Exception) -> Exception:
    """A database error in the store's own words: a taken key is DuplicateOp, anything else
    the database refused is StoreUnavailable; other errors stay what they are."""
    mapped: Exception
    if isinstance(error, IntegrityError):
        mapped = DuplicateOp(_plain(error))
    elif isinstance(error, SQLAlchemyError):
        mapped = StoreUnavailable(_plain(error))
    else:
        return error
    mapped.__cause__ = error
    return mapped


def _unwritable(path: Path, cause: str) -> str:
    return (
        f"cannot write the database {path} ({cause}); let the server's user write to "
        f"{path.parent}, or choose another --database-url"
    )


def _plain(error: SQLAlchemyError) -> str:
    """The driver's own words, without SQLAlchemy's long tail of SQL and links."""
    original = getattr(error, "orig", None)
    return str(original or error).splitlines()[0]


def _board_values(board: BoardRow) -> dict[str, Any]:
    return asdict(board)  # BoardRow's fields are the table's columns, by name


def _participant_values(board_id: str, p: NewParticipant, at: float) -> dict[str, Any]:
    return {
        "id": p.id,
        "board_id": board_id,
        "name": p.name,
        "role": p.role,
        "token_hash": p.token_hash,
        "created_at": at,
    }


def _snapshot_values(
    board_id: str,
    seq: int,
    state: dict[str, Any] | str,
    name: str | None,
    at: float,
    share_id: str | None = None,
) -> dict[str, Any]:
    return {
        "board_id": board_id,
        "seq": seq,
        "name": name,
        "state": state if isinstance(state, str) else _state_text(state),
        "created_at": at,
        "share_id": share_id,
    }


def _state_text(state: dict[str, Any]) -> str:
    """`json.dumps(state)`, with a big collection (a board's notes) encoded an item at a
    time: one call for a 6,000-note board holds the GIL for 40 ms, and the event loop gets
    it back only between calls."""
    parts = []
    for key, value in state.items():
        if isinstance(value, dict) and len(value) > _ONE_CALL_ITEMS:
            items = (f"{_json(k)}: {_json(v)}" for k, v in value.items())
            parts.append(f"{_json(key)}: {{{', '.join(items)}}}")
        else:
            parts.append(f"{_json(key)}: {_json(value)}")
    return "{" + ", ".join(parts) + "}"


_ONE_CALL_ITEMS = 100


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def op_values(board_id: str, entry: StoredOp) -> dict[str, Any]:
    r = entry.record
    return {
        "board_id": board_id,
        "seq": r.seq,
        "op_id": r.id,
        "by": r.by,
        "kind": r.op.kind,
        "op": json.dumps(dump_op(r.op), ensure_ascii=False),
        "noop": entry.noop.value if entry.noop else None,
        "at": entry.at,
    }


def _stored_op(row: Any) -> StoredOp:
    # the server wrote it: it may hold blanked parts (an imported facilitator's archive)
    op = parse_op(json.loads(row["op"]), from_server=True)
    record = Record(seq=row["seq"], id=row["op_id"], by=row["by"], op=op)
    return StoredOp(record, NoopReason(row["noop"]) if row["noop"] else None, row["at"])
