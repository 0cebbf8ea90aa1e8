"""Real Redis and Postgres servers, from Debian's packages, each on a free port in a temporary
directory of its own: no containers, nothing left running afterwards. The benchmarks and the
tests (tests/services.py) start them from here, so that `python -m bench` needs nothing from
tests/ or the test extras.

Postgres will not run as root, so under root (CI) its commands run as the `postgres` user
that Debian's package creates.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.processes import free_port

# the tests' one factor for every timeout (tests/timing.py reads the same variable)
_FACTOR = float(os.environ.get("PLANCHE_TEST_TIMEOUT_FACTOR", "1"))


def timeout(seconds: float) -> float:
    return seconds * _FACTOR


class RedisServer:
    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="planche-redis-"))
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is missing: run scripts/test, which installs it")
        options = ["--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        options += ["--appendonly", "no", "--dir", str(self.dir)]
        with (self.dir / "redis.log").open("ab") as log:
            self.process = subprocess.Popen(
                [binary, *options],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        _wait(lambda: _answers(["redis-cli", "-p", str(self.port), "ping"]), "redis")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class PostgresServer:
    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="planche-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self._bin = _postgres_bin()
        self._as_postgres = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
        self._databases = 0

    def _run(self, *args: str) -> None:
        subprocess.run(
            [*self._as_postgres, *args], check=True, capture_output=True, timeout=timeout(60)
        )

    def init(self) -> None:
        if self._as_postgres:
            shutil.chown(self.dir, "postgres")
        self._run(f"{self._bin}/initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust")
        self.start()

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=on"
        self._run(
            f"{self._bin}/pg_ctl", "-D", str(self.data), "-l", str(self.dir / "pg.log"),
            "-o", options, "-w", "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._run(f"{self._bin}/pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def new_database(self) -> str:
        """A fresh, empty database; its SQLAlchemy URL."""
        self._databases += 1
        name = f"planche_{self._databases}"
        self._run(f"{self._bin}/createdb", "-h", "127.0.0.1", "-p", str(self.port),
                  "-U", "postgres", name)  # fmt: skip
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def close(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


def _postgres_bin() -> str:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise RuntimeError("postgresql is missing: run scripts/test, which installs it")
    return str(Path(found[-1]).parent)


def _answers(command: list[str]) -> bool:
    return subprocess.run(command, capture_output=True, timeout=5).returncode == 0


def _wait(ready: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + timeout(20)
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not start")
