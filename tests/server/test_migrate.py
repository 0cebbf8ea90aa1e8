"""The schema is migrated once: `planche migrate` as a step of an upgrade, and at start under
a lock, so that servers starting at the same moment on an empty database never race."""

from __future__ import annotations

import contextlib
import fcntl
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import Connection, Engine, create_engine, text

from server.config import load
from server.exceptions import ConfigError
from server.store.migrate import _PG_LOCK_KEY, HEAD, MIGRATIONS, head
from tests.conftest import ROOT, RunningServer, planche, timeout


@pytest.fixture(params=["sqlite", "postgres"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'planche.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


def _engine(database_url: str) -> Engine:
    return create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"))


def _versions(database_url: str) -> list[str]:
    engine = _engine(database_url)
    try:
        with engine.connect() as c:
            return [r[0] for r in c.execute(text("SELECT version_num FROM alembic_version"))]
    finally:
        engine.dispose()


def _migrate_to(database_url: str, revision: str) -> None:
    """The database as an older Planche left it."""
    engine = _engine(database_url)
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    engine.dispose()


def _wait_until_both_wait(waiting: Callable[[], int], processes: Callable[[], list[Any]]) -> None:
    """Both processes block on the lock the test holds; one that runs on instead fails here."""
    deadline = time.monotonic() + timeout(30)
    while waiting() < 2:
        ended = [p for p in processes() if p is not None and p.poll() is not None]
        assert not ended, "a process did not wait for the migration lock"
        assert time.monotonic() < deadline, "the processes never waited for the migration lock"
        time.sleep(0.05)


@contextlib.contextmanager
def _holding_the_migration_lock(database_url: str) -> Iterator[Callable[[], int]]:
    """Takes the lock a migrating process takes; yields how many processes wait for it."""
    if database_url.startswith("sqlite"):
        lock_file = Path(database_url.removeprefix("sqlite:///") + ".migrate.lock")
        fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
        inode = f":{os.fstat(fd).st_ino}"

        def flock_waiters() -> int:  # "1: -> FLOCK ADVISORY WRITE PID DEV:INODE 0 EOF"
            lines = [line.split() for line in Path("/proc/locks").read_text().splitlines()]
            return sum(f[1] == "->" and f[6].endswith(inode) for f in lines if len(f) > 6)

        try:
            yield flock_waiters
        finally:
            os.close(fd)
        return
    engine = _engine(database_url)
    with engine.connect() as holder:
        holder.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _PG_LOCK_KEY})
        holder.commit()

        def pg_waiters() -> int:
            return _count_waiting(holder)

        try:
            yield pg_waiters
        finally:
            holder.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_LOCK_KEY})
            holder.commit()
    engine.dispose()


def _count_waiting(connection: Connection) -> int:
    waiting = connection.execute(
        text(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        )
    ).scalar()
    connection.commit()
    return int(waiting or 0)


def test_two_migrations_at_once_wait_for_each_other_and_the_second_changes_nothing(
    empty_database: str,
) -> None:
    with _holding_the_migration_lock(empty_database) as waiting:
        both = [
            subprocess.Popen(
                [sys.executable, "-m", "server", "migrate", "--database-url", empty_database],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        _wait_until_both_wait(waiting, lambda: both)
    said = []
    for process in both:  # released together, they race for the lock for real
        out, err = process.communicate(timeout=timeout(60))
        assert process.returncode == 0, err
        said.append(out.strip())
    assert sorted(said) == [f"already at {head()}", f"migrated empty database -> {head()}"]
    assert _versions(empty_database) == [head()]


def test_two_servers_starting_at_once_on_an_empty_database_both_come_up(
    tmp_path: Path, empty_database: str
) -> None:
    servers = [
        RunningServer(tmp_path / name, database_url=empty_database) for name in ("one", "two")
    ]
    for server in servers:
        server.workdir.mkdir()
    try:
        with ThreadPoolExecutor(2) as pool:
            with _holding_the_migration_lock(empty_database) as waiting:
                started = [pool.submit(server.start) for server in servers]
                _wait_until_both_wait(waiting, lambda: [s.process for s in servers])
            for future in started:  # released together, both migrate at once; both come up
                future.result()
        for server in servers:
            with urllib.request.urlopen(server.url + "/readyz", timeout=timeout(10)) as ready:
                assert ready.status == 200
            assert "UniqueViolation" not in server.log()
    finally:
        for server in servers:
            server.stop()
    assert _versions(empty_database) == [head()]


def test_migrate_brings_an_old_database_to_head_and_then_says_it_is_current(
    empty_database: str,
) -> None:
    _migrate_to(empty_database, "0003")
    first = planche("migrate", "--database-url", empty_database)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == f"migrated 0003 -> {head()}"
    again = planche("migrate", "--database-url", empty_database)
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == f"already at {head()}"
    assert _versions(empty_database) == [head()]


_START = """
import asyncio, sys
import server.app
from server.store.sql import SqlStore

async def start() -> None:
    store = SqlStore(sys.argv[1], migrate=sys.argv[2] == "migrate")
    await store.open()
    print(store.migration)
    await store.close()

asyncio.run(start())
print(sorted({m.split(".")[0] for m in sys.modules} & {"alembic", "docx", "weasyprint"}))
"""


def test_a_server_on_a_current_database_starts_without_importing_alembic_or_the_layouts(
    empty_database: str,
) -> None:
    """A restart's reconnect storm waits for the start; these imports were a sixth of it."""
    assert head() == HEAD  # a new migration moves HEAD too

    def start(mode: str) -> list[str]:
        args = [
            sys.executable,
            "-c",
            _START,
            _engine(empty_database).url.render_as_string(False),
            mode,
        ]
        done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout.splitlines()

    _migrate_to(empty_database, "0005")
    assert start("migrate") == [f"migrated 0005 -> {HEAD}", "['alembic']"]
    assert start("migrate") == [f"already at {HEAD}", "[]"]
    assert start("check") == ["None", "[]"]  # migrate_at_start false: only checked


def test_migrate_on_an_empty_database_creates_the_schema(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    done = planche("migrate", "--database-url", url)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"migrated empty database -> {head()}"
    assert _versions(url) == [head()]


def test_without_migrate_at_start_an_empty_database_is_refused_with_what_to_run(
    tmp_path: Path, postgres_url: str
) -> None:
    refused = planche(
        "serve", "--database-url", postgres_url, "--migrate-at-start", "false", "--port", "1"
    )
    assert refused.returncode == 2
    assert "schema is empty" in refused.stderr and "run `planche migrate`" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert planche("migrate", "--database-url", postgres_url).returncode == 0
    server = RunningServer(tmp_path, ("--migrate-at-start", "false"), database_url=postgres_url)
    server.start()  # now current, it starts without touching the schema
    server.stop()


def test_a_database_migrated_by_a_newer_version_is_refused_not_touched(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'planche.db'}"
    assert planche("migrate", "--database-url", url).returncode == 0
    engine = _engine(url)
    with engine.begin() as c:
        c.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    engine.dispose()
    for args in (("migrate",), ("serve", "--port", "1")):
        refused = planche(*args, "--database-url", url)
        assert refused.returncode == 2
        assert "at 0099, newer than this version of Planche" in refused.stderr
        assert "restore the backup" in refused.stderr
    assert _versions(url) == ["0099"]


def test_migrate_at_start_reads_true_or_false_and_names_anything_else() -> None:
    # serve.py hands settings to the workers as str(value): "False" must read back as false
    assert load({}, {"PLANCHE_MIGRATE_AT_START": "False"}).migrate_at_start is False
    assert load({"migrate_at_start": "yes"}, {}).migrate_at_start is True
    with pytest.raises(ConfigError, match=r"PLANCHE_MIGRATE_AT_START='maybe'.*true or false"):
        load({}, {"PLANCHE_MIGRATE_AT_START": "maybe"})
