"""The board page in Chromium: first render of a big board and frame times while a room
writes, each next to a baseline measured in the same run.

    python -m bench.browser [--notes 500] [--clients 70] [--rate 5] [--seconds 10]

- First render: from navigation to every note drawn, for a board of `notes` notes, next to
  an empty board's first render (the page, its scripts and the WebSocket welcome alone).
  Median of three loads, each in a fresh browser context (no cached state).
- Frame times: the facilitator's page of the big board, timed by requestAnimationFrame,
  while `clients` participants post `rate` notes a second in total for `seconds`, next to
  the same page idle for as long. Long tasks (> 50 ms) are counted by the browser.

Debian's Chromium (PLANCHE_CHROMIUM, default /usr/bin/chromium), headless, driven by
Playwright. Figures, not assertions: docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, async_playwright

from bench import processes
from bench.load import percentiles
from board_client import BoardClient
from board_client.http import join_board

CHROMIUM = os.environ.get("PLANCHE_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]

# Set before the page's own scripts: when the wanted number of notes is drawn, and every
# frame's length and every long task from then on
WATCH = """
window.__bench = { frames: [], longTasks: [], rendered: null };
const want = Number(sessionStorage.getItem("bench:want") || 0);
new MutationObserver((_, observer) => {
  const drawn = document.querySelectorAll(".note[data-note-id]").length;
  if (drawn >= want && document.querySelector("#status[data-state=online]")) {
    window.__bench.rendered = performance.now();
    observer.disconnect();
  }
}).observe(document, { childList: true, subtree: true, attributes: true });
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) window.__bench.longTasks.push(entry.duration);
}).observe({ type: "longtask", buffered: true });
"""

FRAMES = """
(ms) => new Promise((done) => {
  const frames = [];
  const tasks = window.__bench.longTasks.length;
  let last = performance.now();
  const end = last + ms;
  const step = (now) => {
    frames.push(now - last);
    last = now;
    if (now < end) requestAnimationFrame(step);
    else done({ frames, longTasks: window.__bench.longTasks.slice(tasks) });
  };
  requestAnimationFrame(step);
})
"""


def create_board(server: processes.Process, title: str) -> dict[str, Any]:
    body = json.dumps({"title": title, "language": "en"}).encode()
    headers = {"Content-Type": "application/json"}
    request = urllib.request.Request(f"{server.url}/api/boards", body, headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        board: dict[str, Any] = json.load(response)
    return board


async def fill(server: processes.Process, board: dict[str, Any], notes: int) -> None:
    async with BoardClient(server.url, board["id"], board["facilitator_token"]) as client:
        area = client.state.areas[0].id
        for start in range(0, notes, 50):
            batch = range(start, min(notes, start + 50))
            await asyncio.gather(
                *(
                    client.add_note(area, f"Note {i}: what we noticed about volunteers")
                    for i in batch
                )
            )


async def first_render(
    browser: Browser, server: processes.Process, board: dict[str, Any], want: int
) -> tuple[float, float]:
    """Milliseconds from navigation to `want` notes drawn and online; the JS heap (MiB)."""
    context = await browser.new_context(viewport={"width": 1440, "height": 900})
    page = await context.new_page()
    await page.add_init_script(f"sessionStorage.setItem('bench:want', '{want}');" + WATCH)
    await page.goto(f"{server.url}/b/{board['id']}#token={board['facilitator_token']}")
    await page.wait_for_function(
        "() => window.__bench && window.__bench.rendered !== null", timeout=120_000
    )
    rendered = await page.evaluate("window.__bench.rendered")
    heap = await page.evaluate("performance.memory ? performance.memory.usedJSHeapSize : 0")
    await context.close()
    return float(rendered), heap / 2**20


async def room_writes(
    server: processes.Process, board: dict[str, Any], clients: int, rate: float, seconds: float
) -> int:
    joined = [await join_board(server.url, board["join_code"], f"P{i}") for i in range(clients)]
    writers = [BoardClient(server.url, board["id"], j.token) for j in joined]
    for writer in writers:
        await writer.start()
    area = writers[0].state.areas[0].id
    sent = 0
    started = time.perf_counter()
    pending = []
    while (due := sent / rate) < seconds:
        await asyncio.sleep(max(0.0, started + due - time.perf_counter()))
        pending.append(
            asyncio.ensure_future(random.choice(writers).add_note(area, f"Live note {sent}"))
        )
        sent += 1
    await asyncio.gather(*pending)
    for writer in writers:
        await writer.close()
    return sent


async def main(notes: int, clients: int, rate: float, seconds: float) -> None:
    rows: list[tuple[str, float, float | None]] = []
    with tempfile.TemporaryDirectory() as tmp:
        server = processes.planche(f"sqlite:///{Path(tmp) / 'browser.db'}")
        try:
            empty = create_board(server, "Empty")
            big = create_board(server, "Big")
            await fill(server, big, notes)
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
                base = [await first_render(browser, server, empty, 0) for _ in range(3)]
                full = [await first_render(browser, server, big, notes) for _ in range(3)]
                rows.append(
                    (
                        f"first render, {notes} notes, ms",
                        statistics.median(r for r, _ in full),
                        statistics.median(r for r, _ in base),
                    )
                )
                rows.append(
                    (
                        f"JS heap, {notes} notes, MiB",
                        statistics.median(h for _, h in full),
                        statistics.median(h for _, h in base),
                    )
                )

                context = await browser.new_context(viewport={"width": 1440, "height": 900})
                page = await context.new_page()
                await page.add_init_script(
                    f"sessionStorage.setItem('bench:want', '{notes}');" + WATCH
                )
                await page.goto(f"{server.url}/b/{big['id']}#token={big['facilitator_token']}")
                await page.wait_for_function(
                    "() => window.__bench.rendered !== null", timeout=120_000
                )
                idle = await page.evaluate(FRAMES, seconds * 1000)
                writing = asyncio.ensure_future(room_writes(server, big, clients, rate, seconds))
                busy = await page.evaluate(FRAMES, seconds * 1000)
                sent = await writing
                drawn = await page.evaluate(
                    "document.querySelectorAll('.note[data-note-id]').length"
                )
                await browser.close()
        finally:
            server.stop()
    # percentiles() takes seconds
    quiet = percentiles([ms / 1000 for ms in idle["frames"]])
    loud = percentiles([ms / 1000 for ms in busy["frames"]])
    what = f"{clients} clients, {rate:g} notes/s"
    for p in ("p50", "p95", "p99", "max"):
        rows.append((f"frame {p} ms, {what}", loud[p], quiet[p]))
    rows.append((f"long tasks, {what}", len(busy["longTasks"]), len(idle["longTasks"])))
    rows.append((f"long task ms in total, {what}", sum(busy["longTasks"]), sum(idle["longTasks"])))
    print(f"{'figure':<46}{'value':>10}{'baseline':>10}{'x':>7}")
    for figure, value, baseline in rows:
        ratio = f"{value / baseline:.2f}" if baseline else ""
        base_text = f"{baseline:.2f}" if baseline is not None else ""
        print(f"{figure:<46}{value:>10.2f}{base_text:>10}{ratio:>7}")
    print(f"note: baselines: an empty board's first render; the same page idle. "
          f"{sent} notes sent, {drawn} notes drawn at the end (want {notes + sent}).")  # fmt: skip


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=500)
    parser.add_argument("--clients", type=int, default=70)
    parser.add_argument(
        "--rate", type=float, default=5.0, help="notes a second, all clients together"
    )
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    asyncio.run(main(args.notes, args.clients, args.rate, args.seconds))
