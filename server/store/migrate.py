"""Bringing the SQL schema to this version's head (alembic), one process at a time.

Every worker opens the store, and on an empty database two workers (or two machines) would
each create the tables and one would crash on the duplicate. So the migration runs under a
lock the database's users share: a Postgres advisory lock held for the migration's
transaction, or for SQLite a file lock on `<db>.migrate.lock` beside the database. The
second process waits, then finds the schema current and changes nothing.

A database already at `HEAD` (every start but the first after an upgrade) is found so with
one query, without importing alembic: that import was an eighth of the server's start, and a
restart's reconnect storm waits for the start.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, inspect, text

from server.exceptions import StoreUnavailable

log = logging.getLogger("planche.store")

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# the newest revision in migrations/versions: a new migration changes it too
# (tests/server/test_migrate.py checks that it is alembic's head)
HEAD = "0006"
# the advisory lock key: any number fixed for every Planche process; this is "PLANCH" in ASCII
_PG_LOCK_KEY = 0x504C414E4348


class SchemaNotCurrent(StoreUnavailable):
    """The schema is not the one this version needs and will not be migrated here."""


@dataclass(frozen=True)
class Migration:
    before: str | None  # None: an empty database
    after: str

    def __str__(self) -> str:
        if self.before == self.after:
            return f"already at {self.after}"
        return f"migrated {self.before or 'empty database'} -> {self.after}"


def head() -> str:
    """The newest schema revision this version of Planche knows, as alembic finds it."""
    from alembic.script import ScriptDirectory

    found = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    assert found is not None, "no migrations shipped"
    return found


def upgrade(engine: Engine) -> Migration:
    """Migrate to head under the lock; a second caller waits, then finds nothing to do."""
    with _file_lock(engine), engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            _pg_lock(connection)
        if _at_head(connection):
            return Migration(HEAD, HEAD)
        from alembic import command
        from alembic.config import Config as AlembicConfig
        from alembic.util import CommandError

        before = _current(connection)
        _check_known(before)
        if before != head():
            config = AlembicConfig()
            config.set_main_option("script_location", str(MIGRATIONS))
            config.attributes["connection"] = connection
            try:
                command.upgrade(config, "head")
            except CommandError as e:  # alembic's own refusals, not a database fault
                raise SchemaNotCurrent(f"the database schema cannot be migrated: {e}") from None
        done = Migration(before, head())
    if done.before != done.after:
        log.info("database schema %s", done)
    return done


def check_current(engine: Engine) -> None:
    """For migrate_at_start=false: refuse, saying what to run, unless the schema is at head."""
    with engine.connect() as connection:
        if _at_head(connection):
            return
        current = _current(connection)
    _check_known(current)
    if current != head():
        at = f"at {current}" if current else "empty"
        raise SchemaNotCurrent(
            f"the database schema is {at} and this version of Planche needs {head()}; "
            "run `planche migrate` (with the same --database-url), then start the server "
            "(migrate_at_start is false)"
        )


def _at_head(connection: Connection) -> bool:
    """Whether the schema is at HEAD, read without alembic."""
    if not inspect(connection).has_table("alembic_version"):
        return False
    found = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return found == [HEAD]


def _current(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def _check_known(revision: str | None) -> None:
    """A database migrated by a newer Planche: say so rather than alembic's KeyError."""
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    if revision is None:
        return
    try:
        ScriptDirectory(str(MIGRATIONS)).get_revision(revision)
    except CommandError:
        raise SchemaNotCurrent(
            f"the database schema is at {revision}, newer than this version of Planche knows "
            f"(up to {head()}): run the newer version, or restore the backup taken before "
            "the upgrade (docs/deploy.md#restarts-and-upgrades)"
        ) from None


def _pg_lock(connection: Connection) -> None:
    """Held until the migration's transaction ends; released by Postgres if we die."""
    got = connection.execute(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
    if not got.scalar():
        log.info("another process is migrating the database; waiting for it")
        connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})


@contextlib.contextmanager
def _file_lock(engine: Engine) -> Iterator[None]:
    """For an SQLite file: flock on `<db>.migrate.lock`, released by the kernel if we die.
    The file stays: removing it would let a waiting process lock a file nobody else sees."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or database in (None, "", ":memory:"):
        yield
        return
    path = Path(database).resolve().with_name(Path(database).name + ".migrate.lock")
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as e:
        raise StoreUnavailable(f"cannot create {path}: {e.strerror or e}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.info("another process is migrating %s; waiting for it", database)
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the last descriptor releases the lock
