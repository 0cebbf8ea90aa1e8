"""`planche backup` and `planche restore`: a copy of the whole SQLite store taken while the
server runs (SQLite's online backup), and the store put back from one.

A restored board is the board as it was when the copy was taken; its clients may hold later
ops. So restore gives every board a new epoch: a client that comes back with the old epoch
loads the whole board afresh instead of resuming (docs/deploy.md#backups). Postgres is backed
up with its own tools; `restore --new-epochs` then does the epoch part.
"""

from __future__ import annotations

import secrets
import sqlite3
from pathlib import Path

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError

from server.exceptions import BackupError

_PG_BACKUP = (
    "Planche copies SQLite stores only; back up Postgres with its own tools:\n"
    "  pg_dump --format=custom --file {file} '{url}'\n"
    "and restore with\n"
    "  pg_restore --clean --if-exists --dbname '{url}' {file}\n"
    "  planche restore --new-epochs --database-url '{url}'"
)


def _sqlite_path(database_url: str, file: Path) -> Path:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        safe = url.render_as_string(hide_password=True)
        raise BackupError(_PG_BACKUP.format(file=file, url=safe))
    if not url.database or url.database == ":memory:":
        raise BackupError("An in-memory store has nothing to back up.")
    return Path(url.database)


def backup(database_url: str, target: Path) -> str:
    """Copy the store to `target` (a new file) while the server may keep writing."""
    source = _sqlite_path(database_url, target)
    if not source.exists():
        raise BackupError(f"There is no store at {source}.")
    if target.exists():
        raise BackupError(f"{target} exists already; choose a new file name.")
    partial = target.with_name(target.name + ".partial")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(partial)
    try:
        src.backup(dst)  # a consistent copy, committed ops only
        boards = dst.execute("SELECT count(*) FROM boards").fetchone()[0]
        ops = dst.execute("SELECT count(*) FROM ops").fetchone()[0]
    except sqlite3.Error as e:
        dst.close()
        partial.unlink(missing_ok=True)
        raise BackupError(f"{source} cannot be copied: {e}.") from None
    finally:
        src.close()
        dst.close()
    partial.rename(target)  # a half-written copy never carries the name asked for
    return f"backed up {boards} boards and {ops} ops to {target}"


def _check_copy(file: Path) -> None:
    if not file.is_file():
        raise BackupError(f"There is no file {file}.")
    with file.open("rb") as f:
        if f.read(16) != b"SQLite format 3\x00":
            raise BackupError(f"{file} is not a Planche backup (not an SQLite file).")
    connection = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
    try:
        tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master")}
        if not {"boards", "ops", "snapshots", "alembic_version"} <= tables:
            raise BackupError(f"{file} is an SQLite file but not a Planche backup.")
        if connection.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError(f"{file} is damaged (SQLite's integrity check failed).")
    finally:
        connection.close()


def restore(database_url: str, file: Path) -> str:
    """Replace the store with the copy in `file`, then give every board a new epoch.
    Stop the server first: a running one would go on from what it holds in memory."""
    target = _sqlite_path(database_url, file)
    _check_copy(file)
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)  # replaces every page of the store, in one transaction
    finally:
        src.close()
        dst.close()
    return f"restored {file} into {target}; {new_epochs(database_url)}"


def new_epochs(database_url: str) -> str:
    """Every board a new epoch, so that clients load restored boards afresh."""
    url: URL = make_url(database_url)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    engine = create_engine(url)
    try:
        with engine.begin() as c:
            if not inspect(c).has_table("boards"):
                raise BackupError("The store holds no boards table: is this a Planche store?")
            ids = [r[0] for r in c.execute(text("SELECT id FROM boards"))]
            for board_id in ids:
                c.execute(
                    text("UPDATE boards SET epoch = :epoch WHERE id = :id"),
                    {"epoch": secrets.token_hex(8), "id": board_id},
                )
    except SQLAlchemyError as e:
        raise BackupError(f"The store cannot be changed: {str(e).splitlines()[0]}") from None
    finally:
        engine.dispose()
    return f"{len(ids)} boards have a new epoch: their clients load them afresh"
