"""Running the server: one uvicorn process, or several workers sharing one listening socket.

On SIGTERM (or Ctrl-C) a worker first closes every WebSocket with 1001, so its clients
reconnect at once (to another worker when there is one; their outboxes resend what was not
acked), then uvicorn stops as usual. With `--workers N` a small supervisor binds the port,
starts N worker processes on it, forwards SIGTERM to them and starts again any worker that
died; the workers share nothing but the port, Redis and the database.
"""

from __future__ import annotations

import asyncio
import datetime
import json
import logging
import multiprocessing
import os
import shutil
import signal
import socket
import tempfile
import time
from collections.abc import Callable
from typing import Any

import h11
import uvicorn
from prometheus_client import multiprocess
from setproctitle import setproctitle
from sqlalchemy.exc import OperationalError
from uvicorn.protocols.http.h11_impl import H11Protocol

from server.board.protocol import MAX_MESSAGE_BYTES
from server.config import Config
from server.exceptions import StoreUnavailable
from server.sync.transport import DirectProtocol

log = logging.getLogger("planche.serve")

_DRAIN_SECONDS = 0.5  # for the close frames to go out before uvicorn closes the sockets


_RESTART_FIRST = 0.5  # seconds before starting again a worker that died at start
_RESTART_MAX = 30.0  # the delay doubles up to this
_RAN_WELL = 30.0  # a worker that ran this long died of something new: restart at once
_READY_WITHIN = 60.0  # a reload gives a new worker this long to take connections


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        at = datetime.datetime.fromtimestamp(record.created, datetime.UTC)
        entry: dict[str, Any] = {
            "time": at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,
        }
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        elif traceback := getattr(record, "traceback", None):
            entry["exc_info"] = traceback
        return json.dumps(entry, ensure_ascii=False)


class _TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        if (traceback := getattr(record, "traceback", None)) and not record.exc_info:
            line += "\n" + traceback
        return line


def setup_logging(config: Config) -> None:
    handler = logging.StreamHandler()
    if config.log_format == "json":
        handler.setFormatter(_JsonFormatter())
    else:
        handler.setFormatter(_TextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(config.log_level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.error").addFilter(_denial_is_no_error)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)  # 7 lines a start
    logging.getLogger("uvicorn.error").addFilter(_traceback_apart)
    logging.getLogger("uvicorn.error").addFilter(_no_second_word)


def _traceback_apart(record: logging.LogRecord) -> bool:
    """A failed start comes from uvicorn as one message that is a whole traceback (Starlette
    sends it as text): the message becomes its last line and the traceback its own field,
    and a store that does not answer needs no traceback at all (the supervisor says what
    it does about it)."""
    message = record.getMessage()
    if not message.startswith("Traceback (most recent call last)"):
        return True
    last = message.rstrip().rsplit("\n", 1)[-1]
    record.msg, record.args = f"stopped: {last}", ()  # (startup or shutdown)
    if not last.startswith(_UNAVAILABLE):
        record.traceback = message
    return True


_UNAVAILABLE = ("server.exceptions.StoreUnavailable", "server.exceptions.BrokerUnavailable")


def _no_second_word(record: logging.LogRecord) -> bool:
    """uvicorn's "Application startup failed" after our "stopped: ..." line says nothing new."""
    return record.getMessage() != "Application startup failed. Exiting."


def _denial_is_no_error(record: logging.LogRecord) -> bool:
    """uvicorn's sans-I/O WebSocket protocol takes a refused handshake (HTTP 429 sent with
    `send_denial_response`, as ASGI allows) for an app that forgot to answer, and logs an
    ERROR for each; the refusal itself is logged by planche.connection."""
    return record.getMessage() != "ASGI callable returned without completing handshake."


class _HeaderDeadline(H11Protocol):
    """uvicorn's h11 protocol, closing a connection whose request line and headers do not
    all arrive within `header_timeout` seconds: uvicorn itself waits for them forever, so
    thousands of half-sent requests (slowloris) would hold the server's sockets.

    At a shutdown (a reload retiring this worker), uvicorn closes a connection it accepted
    but whose first request it has not read yet, without a word: a load balancer's check
    that connected at that moment sees the port drop. Such a connection, if it came within
    LAST_REQUEST_SECONDS, gets that long for its request, which is answered, and is closed
    after it. An older one that never spoke (a browser's preconnect) is closed, as before,
    so that it does not hold the shutdown."""

    header_timeout = 10.0
    LAST_REQUEST_SECONDS = 2.0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._waiting_since: object = self.cycle
        self._deadline: asyncio.TimerHandle | None = None
        self._last_request = False  # the server is shutting down: answer one, then close
        self._made = self.loop.time()
        self._arm()

    def shutdown(self) -> None:
        wait = self.LAST_REQUEST_SECONDS
        if self.cycle is None and self.loop.time() - self._made < wait:  # no request read yet
            self._last_request = True
            self._disarm()
            self._deadline = self.loop.call_later(wait, self._too_slow)
            return
        super().shutdown()

    def _arm(self) -> None:
        self._disarm()
        self._waiting_since = self.cycle
        self._deadline = self.loop.call_later(self.header_timeout, self._too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        if self.cycle is self._waiting_since and not self.transport.is_closing():
            log.debug("closed %s: no whole request in %gs", self.client, self.header_timeout)
            self.transport.close()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.cycle is not self._waiting_since:  # a whole request came in
            self._disarm()
            if self._last_request and self.cycle is not None:
                self.cycle.keep_alive = False

    def handle_websocket_upgrade(self, event: h11.Request) -> None:
        self._disarm()  # the socket is the WebSocket's now, with its own pings
        if self._last_request:  # a socket on a worker that is going: it reconnects to another
            self.transport.close()
            return
        super().handle_websocket_upgrade(event)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm()  # the next request on a kept-alive connection has the same time

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)


def _http_protocol(header_timeout: float) -> type[H11Protocol]:
    return type("HeaderDeadline", (_HeaderDeadline,), {"header_timeout": header_timeout})


class DrainingServer(uvicorn.Server):
    ready: Any = None  # an Event the supervisor waits on: set once this server takes connections

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.ready is not None and self.started:
            self.ready.set()

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        from server.app import DRAIN_HOOKS

        for drain in list(DRAIN_HOOKS):
            drain()
        if DRAIN_HOOKS:
            await asyncio.sleep(_DRAIN_SECONDS)
        await super().shutdown(sockets)


def _uvicorn_config(config: Config) -> uvicorn.Config:
    return uvicorn.Config(
        "server.app:app_from_environment",
        factory=True,
        host=config.host,
        port=config.port,
        log_level=config.log_level,
        log_config=None,  # ours (setup_logging), text or JSON
        loop="auto",  # uvloop (a dependency) where it installs, asyncio's loop elsewhere
        http=_http_protocol(config.header_timeout),
        timeout_keep_alive=5,  # an idle kept-alive connection (uvicorn's default, said here)
        ws=DirectProtocol,  # websockets-sansio, read below ASGI (server/sync/transport.py)
        ws_max_size=MAX_MESSAGE_BYTES,  # a bigger frame closes the connection with 1009
        ws_per_message_deflate=False,  # compression costs CPU per client and invites bombs
        ws_ping_interval=config.ping_interval,
        ws_ping_timeout=config.ping_timeout,
        # the client's address and scheme from a trusted proxy only: a forged
        # X-Forwarded-For would dodge the per-address limits
        proxy_headers=bool(config.forwarded_allow_ips),
        forwarded_allow_ips=config.forwarded_allow_ips or None,
        timeout_graceful_shutdown=5,
    )


def _export_settings(config: Config) -> None:
    """Every setting into PLANCHE_* variables, which the app factory (and every worker) reads."""
    from server.config import SETTINGS

    for s in SETTINGS:
        value = getattr(config, s.name)
        os.environ[s.env] = ",".join(value) if isinstance(value, tuple) else str(value)


def wait_for_store(config: Config, check: Callable[[], None]) -> None:
    """Runs `check` (which raises StoreUnavailable while the store cannot be used) until it
    passes. A database server that does not answer yet (started after Planche, or
    restarting) is waited for with a growing delay and one line each time, the port closed
    meanwhile so that a load balancer sends no one here; anything else (a read-only SQLite
    file, a refused schema) stays an error at once, since waiting would not mend it."""
    setup_logging(config)
    delay = _RESTART_FIRST
    while True:
        try:
            check()
            return
        except StoreUnavailable as e:
            if not isinstance(e.__cause__, OperationalError):  # the DB-API's "cannot connect"
                raise
            log.warning("the store does not answer (%s); trying again in %g s", e, delay)
        time.sleep(delay)
        delay = min(delay * 2, _RESTART_MAX)


def serve(config: Config) -> None:
    _export_settings(config)
    setup_logging(config)
    if config.workers == 1:
        setproctitle("planche: server")
        # a reload needs another worker to hand the port to; without one, say so and go on
        signal.signal(
            signal.SIGHUP,
            lambda *_: log.warning("a reload needs --workers 2 or more; restart instead"),
        )
        DrainingServer(_uvicorn_config(config)).run()
        return
    _supervise(config)


def _worker(config: Config, sock: socket.socket, number: int, ready: Any) -> None:
    setproctitle(f"planche: worker {number}")
    setup_logging(config)
    server = DrainingServer(_uvicorn_config(config))
    server.ready = ready
    server.run(sockets=[sock])


def _supervise(config: Config) -> None:
    setproctitle("planche: supervisor")
    # the workers' metrics, added up by whichever worker answers /metrics (server/metrics.py)
    metrics_dir = tempfile.mkdtemp(prefix="planche-metrics-")
    os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", metrics_dir)
    sock = _uvicorn_config(config).bind_socket()
    spawn = multiprocessing.get_context("spawn")
    stopping = reload_asked = False
    started: dict[int, float] = {}
    delays = dict.fromkeys(range(config.workers), _RESTART_FIRST)
    due: dict[int, float] = {}  # a worker to start again, and when
    retiring: list[multiprocessing.process.BaseProcess] = []  # replaced by a reload

    readiness: dict[int, Any] = {}  # kept here: an Event the parent drops is gone for the child

    def start(i: int, ready: Any = None) -> multiprocessing.process.BaseProcess:
        readiness[i] = ready = ready or spawn.Event()
        process = spawn.Process(target=_worker, args=(config, sock, i + 1, ready), daemon=False)
        process.start()
        started[i] = time.monotonic()
        return process

    def stop(signum: int, _frame: Any) -> None:
        nonlocal stopping
        stopping = True
        for p in [*workers, *retiring]:
            if p.pid and p.is_alive():
                os.kill(p.pid, signal.SIGTERM)

    def ask_reload(signum: int, _frame: Any) -> None:
        nonlocal reload_asked
        reload_asked = True

    def gone(p: multiprocessing.process.BaseProcess) -> None:
        if p.pid is not None:  # its connections are gone: not counted any more
            multiprocess.mark_process_dead(p.pid)  # type: ignore[no-untyped-call]

    def reload() -> None:
        """Replaces the workers one at a time with new processes, which run the code installed
        now: each new one takes connections before its old one drains (its clients
        reconnect to the others), so the port answers throughout."""
        log.info("reload: replacing %d workers one at a time", len(workers))
        for i, old in enumerate(workers):
            if stopping:
                return
            due.pop(i, None)
            ready = spawn.Event()
            new = start(i, ready)
            deadline = time.monotonic() + _READY_WITHIN
            while not ready.wait(0.1) and new.is_alive() and time.monotonic() < deadline:
                if stopping:
                    break
            if not ready.is_set():
                log.error(
                    "reload: the new worker %d did not start (exit %s); the old one goes on, "
                    "and the reload stops here",
                    i + 1, new.exitcode,
                )  # fmt: skip
                if new.is_alive() and new.pid:
                    os.kill(new.pid, signal.SIGTERM)
                new.join(timeout=15)
                gone(new)
                return
            workers[i] = new
            if old.is_alive() and old.pid:
                retiring.append(old)
                os.kill(old.pid, signal.SIGTERM)  # it drains: its clients reconnect elsewhere
                old.join(timeout=20)
                retiring.remove(old)
            gone(old)
            log.info("reload: worker %d replaced", i + 1)
        log.info("reload: done")

    def died(i: int, p: multiprocessing.process.BaseProcess) -> None:
        gone(p)
        ran = time.monotonic() - started[i]
        if ran >= _RAN_WELL:  # not a failing start: no reason to wait long
            delays[i] = _RESTART_FIRST
        # no tight loop of failing starts (a store or broker that does not answer yet)
        due[i] = time.monotonic() + delays[i]
        log.warning(
            "worker %d exited with %s after %.1f s; starting it again in %g s",
            i + 1, p.exitcode, ran, delays[i],
        )  # fmt: skip
        delays[i] = min(delays[i] * 2, _RESTART_MAX)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGHUP, ask_reload)
    workers = [start(i) for i in range(config.workers)]
    log.info("supervising %d workers on port %d", config.workers, config.port)
    while not stopping:
        time.sleep(0.1)
        if reload_asked:
            reload_asked = False
            reload()
        for i, p in enumerate(workers):
            if stopping:
                break
            if i in due:
                if time.monotonic() >= due[i]:
                    del due[i]
                    workers[i] = start(i)
            elif not p.is_alive():
                died(i, p)
    for p in workers:
        p.join(timeout=15)
    sock.close()
    shutil.rmtree(metrics_dir, ignore_errors=True)
