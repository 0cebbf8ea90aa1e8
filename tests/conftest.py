"""Shared fixtures: a real Planche server process on a free port, and the anyio backend.

Async tests are marked `@pytest.mark.anyio`. Timeouts in tests are multiplied by
PLANCHE_TEST_TIMEOUT_FACTOR (default 1; CI machines may set more), never asserted as speed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from tests.timing import free_port, timeout

# a per-example deadline is a timing assertion: on a loaded machine one slow example fails a
# correct test (it did, in a run under load); speed is the benchmarks' business
settings.register_profile("planche", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("planche")


ROOT = Path(__file__).resolve().parent.parent


def wait_until_answers(
    url: str, process: subprocess.Popen[bytes], log: Callable[[], str], what: str
) -> None:
    """Waits until `url` answers; raises with the log if `process` exits or never answers."""
    deadline = time.monotonic() + timeout(20)
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited:\n{log()}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not answer {url}:\n{log()}")


def planche(*args: str) -> subprocess.CompletedProcess[str]:
    """`python -m server ARGS` as a user runs it, its output captured."""
    return subprocess.run(
        [sys.executable, "-m", "server", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout(60),
    )


class RunningServer:
    """`python -m server serve` in its own process, so it can be killed for real."""

    def __init__(
        self, workdir: Path, extra_args: tuple[str, ...] = (), database_url: str | None = None
    ) -> None:
        self.workdir = workdir
        self.db_path = workdir / "planche.db"
        self.database_url = database_url or f"sqlite:///{self.db_path}"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}"
        self.log_path = workdir / "server.log"
        self.extra_args = extra_args
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        with self.log_path.open("ab") as log:  # the child keeps its own copy of the fd
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "server",
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--database-url",
                    self.database_url,
                    # the tests play many facilitators, all from 127.0.0.1
                    *("--boards-per-address-per-hour", "100000"),
                    *self.extra_args,
                ],
                cwd=self.workdir,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
            )
        wait_until_answers(self.url + "/healthz", self.process, self.log, "server")

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as in a crash."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout(10))
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def peers() -> AsyncIterator[Any]:
    """`await peers(server, board_id, token, ...)` opens a raw WebSocket peer, closed after."""
    from tests.wire import Peers

    opened = Peers()
    yield opened
    await opened.close_all()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """One server shared by the tests that do not stop it."""
    running = RunningServer(tmp_path_factory.mktemp("server"))
    running.start()
    yield running
    running.stop()


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[RunningServer]:
    """A server of the test's own, which the test may kill and start again."""
    running = RunningServer(tmp_path)
    running.start()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def redis_server() -> Iterator[Any]:
    """A real redis-server on a free port for the whole run (tests may stop and start it)."""
    from tests.services import RedisServer

    running = RedisServer()
    running.start()
    yield running
    running.close()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Any]:
    """A real Postgres cluster (initdb, pg_ctl) on a free port for the whole run."""
    from tests.services import PostgresServer

    running = PostgresServer()
    running.init()
    yield running
    running.close()


@pytest.fixture
def postgres_url(postgres_server: Any) -> str:
    """A fresh database of the test's own in the shared cluster."""
    url: str = postgres_server.new_database()
    return url
