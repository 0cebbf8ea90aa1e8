"""A dependency (the store, the broker) going away and coming back, as two log lines.

During an outage every op fails the same way; a line per op would bury the one fact an
operator needs (what is down, since when) under hundreds of copies. So each worker logs
once when a dependency stops answering and once when it answers again, with how long it
was gone and how many ops it cost, and keeps a gauge (`planche_dependency_down`) meanwhile.
"""

from __future__ import annotations

import logging
import time

from server.metrics import DEPENDENCY_DOWN

log = logging.getLogger("planche.outages")


class Outage:
    def __init__(self, dependency: str, gone: str, back: str) -> None:
        self.dependency = dependency
        self._gone = gone  # logged with the cause
        self._back = back  # formatted with seconds and count
        self._since: float | None = None
        self._count = 0

    @property
    def down(self) -> bool:
        return self._since is not None

    def failed(self, cause: object, ops: int = 0) -> None:
        """The dependency did not answer; `ops` were refused or not passed on."""
        if self._since is None:
            self._since = time.monotonic()
            DEPENDENCY_DOWN.labels(self.dependency).set(1)
            log.error("%s: %s", self._gone, cause)
        self._count += ops

    def answered(self) -> None:
        """The dependency answered: the line that says it is back, once."""
        if self._since is None:
            return
        seconds = time.monotonic() - self._since
        log.warning(self._back.format(seconds=seconds, count=self._count))
        self._since = None
        self._count = 0
        DEPENDENCY_DOWN.labels(self.dependency).set(0)


BROKER = Outage(
    "broker",
    "the broker does not answer: ops are stored but other workers do not get them",
    "the broker is back after {seconds:.1f} s; {count} ops were not published meanwhile, "
    "the other workers caught up from the store",
)
STORE = Outage(
    "store",
    "the store takes no writes: ops are refused and the clients send them again",
    "the store is back after {seconds:.1f} s; ops were refused {count} times meanwhile "
    "(their clients send them again until stored)",
)
