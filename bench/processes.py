"""The processes a benchmark measures: a Planche server or the bare relay, with their CPU
time and memory read from /proc, and the load generator's own CPU."""

from __future__ import annotations

import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Process:
    def __init__(
        self,
        args: list[str],
        ready: str | None,
        port: int,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
    ) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.ws_url = f"ws://127.0.0.1:{port}"
        # the log lives as long as the process; stop() closes it
        self.log = tempfile.NamedTemporaryFile(prefix="planche-bench-", suffix=".log")  # noqa: SIM115
        self._args, self._ready, self._env, self._cwd = args, ready, env or {}, cwd
        self._start()

    def restart(self) -> None:
        """SIGKILL, as a crash, and the same server again on the same port and data."""
        self.popen.kill()
        self.popen.wait()
        self._start()

    def _start(self) -> None:
        args, ready, port = self._args, self._ready, self.port
        env = {**os.environ, "PYTHONPATH": str(ROOT), **self._env}
        self.popen = subprocess.Popen(
            args, stdout=self.log, stderr=subprocess.STDOUT, env=env, cwd=self._cwd
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.popen.poll() is not None:
                raise RuntimeError(f"{args[2:4]} exited: {Path(self.log.name).read_text()}")
            try:
                if ready is None:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                else:
                    urllib.request.urlopen(self.url + ready, timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the process did not start")

    def pids(self) -> list[int]:
        """The process and its children (the workers of `--workers N`)."""
        out = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(self.popen.pid)], capture_output=True, text=True
        )
        return [self.popen.pid, *(int(p) for p in out.stdout.split())]

    def cpu_seconds(self) -> float:
        total = 0.0
        for pid in self.pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / _TICKS
        return total

    def rss_kib(self) -> int:
        total = 0
        for pid in self.pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            total += next(
                int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS")
            )
        return total

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(15)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
        self.log.close()


def planche(
    database_url: str,
    *extra: str,
    module: str = "server",
    env: dict[str, str] | None = None,
    tree: Path | None = None,
) -> Process:
    """Planche on a free port; `module` is what runs `serve` (bench/stages.py: one with
    stamps), from the checkout `tree` (default: this one). It runs in that directory too:
    `python -m` puts the working directory on sys.path before PYTHONPATH."""
    port = free_port()
    args = [sys.executable, "-m", module, "serve", "--port", str(port)]
    args += ["--database-url", database_url, "--log-level", "warning"]
    # every simulated client comes from 127.0.0.1: the per-address caps would refuse them
    args += ["--connections-per-address", "100000", "--joins-per-code-per-minute", "100000"]
    args += ["--boards-per-address-per-hour", "100000"]
    if tree is not None:
        env = {**(env or {}), "PYTHONPATH": str(tree)}
    return Process([*args, *extra], "/healthz", port, env, cwd=tree)


def relay(database: Path | None = None) -> Process:
    """The bare relay; with `database`, the durable relay (bench/relay.py)."""
    port = free_port()
    args = [sys.executable, "-m", "bench.relay", str(port)]
    return Process(args + ([str(database)] if database else []), None, port)


def domain_relay(database: Path, *, lean: bool = False) -> Process:
    """The durable relay doing Planche's own work on each message, or with `lean` the least
    work that checks it against its model (bench/domain_relay.py)."""
    port = free_port()
    args = [sys.executable, "-m", "bench.domain_relay", str(port), str(database)]
    return Process(args + (["--lean"] if lean else []), None, port)


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
