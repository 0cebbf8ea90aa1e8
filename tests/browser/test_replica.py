"""One semantics, two replicas: the browser's store.js, replaying in Chromium the records a
viewer receives over the wire, holds exactly what the Python domain says that viewer sees.

For generated op streams (tests/board/streams.py: every op kind, a facilitator, participants
and a projector, no-ops included) each viewer starts from the welcome state the server would
send it (`view_state(...).to_json()`), at the start or in the middle of the stream (a resume,
with records it already holds sent again), applies the records as the fan-out redacts them
for it (`views.redact`), in batches; its final state must equal `view_state` of the server's
final state. Many streams go to the page in one `page.evaluate`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from playwright.sync_api import Browser, Page

from server.board.views import redact, view_state
from tests.board.streams import VIEWERS, Entry, run, start, steps
from tests.conftest import RunningServer, timeout

pytestmark = pytest.mark.browser

STREAMS_PER_BATCH = 25
BATCHES = 8  # 200 streams, each replayed by 5 viewers from the start and from a resume

# every case: a welcome state and the records that follow it, in batches as `ops` frames
# (as JSON text both ways: Playwright's own encoding of so many values costs seconds)
_REPLAY = """async (shipped) => {
  const { BoardStore } = await import("/static/store.js");
  return JSON.stringify(JSON.parse(shipped).map(({ state, frames }) => {
    const store = new BoardStore("replica-conformance");
    store.load(state, "epoch");
    try {
      for (const frame of frames) {
        const outcome = store.applyAll(frame);
        if (outcome !== true) return { refused: `applyAll said ${outcome}`, at: store.seq };
      }
    } catch (error) {
      return { refused: `it threw ${error}`, at: store.seq };
    } finally {
      clearTimeout(store.saveTimer);
    }
    return store.state;
  }));
}"""


@pytest.fixture(scope="module")
def replica_page(browser: Browser, server: RunningServer) -> Iterator[Page]:
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(timeout(30) * 1000)
    page.goto(f"{server.url}/healthz")  # any page of the server: store.js is same-origin
    yield page
    context.close()


def first_difference(expected: Any, actual: Any, path: str = "state") -> str | None:
    """Where `actual` first differs from `expected` (JSON values), or None."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in [*expected, *(k for k in actual if k not in expected)]:
            if key not in actual:
                return f"{path}.{key}: expected {expected[key]!r}, store.js has nothing"
            if key not in expected:
                return f"{path}.{key}: expected nothing, store.js has {actual[key]!r}"
            found = first_difference(expected[key], actual[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(expected, list) and isinstance(actual, list):
        for i, (e, a) in enumerate(zip(expected, actual, strict=False)):
            found = first_difference(e, a, f"{path}[{i}]")
            if found:
                return found
        if len(expected) != len(actual):
            return f"{path}: expected {expected!r}, store.js has {actual!r}"
        return None
    # a number is a number (JSON has no 5.0), but false is not 0
    same_type = isinstance(expected, bool) == isinstance(actual, bool)
    if not same_type or expected != actual:
        return f"{path}: expected {expected!r}, store.js has {actual!r}"
    return None


def _frames(records: list[dict[str, Any]], size: int) -> list[list[dict[str, Any]]]:
    return [records[i : i + size] for i in range(0, len(records), size)]


def _reloaded_at(log: list[Entry], viewer: str) -> int:
    """The seq after which `viewer` last loaded the whole board again because its role
    changed (a role sees more or less: the page and the Python client load it afresh), or 0."""
    at = 0
    before = start().role_of(viewer)
    for entry in log:
        role = entry.state.role_of(viewer)
        if None not in (before, role) and role != before:
            at = entry.state.seq
        before = role
    return at


def _cases(log: list[Entry], resume: int, size: int) -> list[dict[str, Any]]:
    """For every viewer: a replay from the first welcome, and one from a welcome at
    `resume` whose first frame repeats records it already holds (they are skipped); both
    start again from a whole welcome after the viewer's last change of role."""
    cut = resume % (len(log) + 1)
    final = log[-1].state if log else start()
    cases = []
    for viewer in VIEWERS:
        records = [redact(e.wire, viewer, role=e.state.role_of(viewer)) for e in log]
        expected = view_state(final, viewer).to_json()
        reloaded = _reloaded_at(log, viewer)
        for since, again in ((reloaded, reloaded), (max(cut, reloaded), max(0, cut - 2))):
            state = log[since - 1].state if since else start()
            frames = _frames(records[max(again, reloaded) :], size)
            welcome = view_state(state, viewer).to_json()
            cases.append({"viewer": viewer, "from": since, "state": welcome, "frames": frames})
            cases[-1]["expected"] = expected
    return cases


Stream = tuple[list[tuple[dict[str, Any], str]], int, int]  # steps, resume point, frame size


class Batch:
    """Streams replayed in one page.evaluate; the failure shows the one that differs."""

    def __init__(self, streams: list[Stream]) -> None:
        self.streams = streams

    def __repr__(self) -> str:
        return f"Batch({len(self.streams)} streams)"


_STREAMS = st.lists(
    st.tuples(steps(max_ops=30), st.integers(0, 30), st.integers(1, 6)),
    min_size=STREAMS_PER_BATCH,
    max_size=STREAMS_PER_BATCH,
).map(Batch)


# no shrinking: a batch of streams shrinks slowly; the failure names the stream, its viewer
# and the first differing path, and prints the stream to paste as a regression example
@settings(
    max_examples=BATCHES,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(_STREAMS)
def test_store_js_replaying_each_viewers_records_holds_that_viewers_view(
    replica_page: Page, streams: Batch
) -> None:
    cases = []
    for stream, resume, size in streams.streams:
        log = run(stream)
        for case in _cases(log, resume, size):
            cases.append((stream, log, case))
    shipped = [{"state": c["state"], "frames": c["frames"]} for _, _, c in cases]
    results = json.loads(replica_page.evaluate(_REPLAY, json.dumps(shipped)))
    for (stream, log, case), held in zip(cases, results, strict=True):
        if "refused" in held:
            problem = f"store.js gave up after seq {held['at']}: {held['refused']}"
        else:
            problem = first_difference(case["expected"], held)
        if problem:
            viewer = case["viewer"]
            records = "\n".join(
                json.dumps(redact(e.wire, viewer, role=e.state.role_of(viewer))) for e in log
            )
            raise AssertionError(
                f"viewer {case['viewer']}, replaying from seq {case['from']}: {problem}\n"
                f"records as this viewer received them:\n{records}\n"
                f"the stream (ops as sent, and by whom):\n{stream!r}"
            )
