"""`python -m bench --peers [--seconds S]`: Planche's fan-out side by side with its peers in
one run, under one load generator (issue 18's table):

- the bare `websockets` relay (bench/relay.py): the floor of this machine;
- the durable relay (the same, committing each message to SQLite with `synchronous=FULL`
  before sending it on): the floor of any server that fans out only what is durable, as
  Planche does and the two Yjs servers do not;
- the domain relay (bench/domain_relay.py: the durable relay doing Planche's own work on each
  message, decoding, the room core, the row and the ack, with none of Planche's server around
  it): the floor of a server running Planche's domain code as it is;
- the lean relay (the same module with `--lean`: the durable relay doing the least a server
  must do that checks each op against its declared model): the floor of any redesign of
  that code in Python;
- y-websocket (`@y/websocket-server` on node, documents in memory), installed from npm into
  bench/node/node_modules (`npm ci`, from bench/node/package-lock.json) when missing;
- pycrdt-websocket with its SQLite YStore (bench/pycrdt_server.py; the `bench` extra);
- Planche on SQLite (`synchronous=FULL`, acked once committed), with its ack times.

For N in 5, 20 and 70 clients in one room: load (a) one writer at 10 notes/s, load (b) every
client at 0.2 notes/s. Fan-out is from when a note was due to when a client received it,
over every client (the writer too: each of these servers sends a change back to its
sender); the generator is open loop (bench/load.py). Each target of the issue is printed
next to the figures it compares.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from bench import load, processes
from bench.load import Run, percentiles

NODE = Path(__file__).resolve().parent / "node"
_Y_SERVER = NODE / "node_modules" / "@y" / "websocket-server" / "src" / "server.js"
SIZES = (5, 20, 70)
LOADS = {
    "a": "one writer at 10 notes/s",
    "b": "every client at 0.2 notes/s",
}
TARGETS = (
    "relay",
    "durable relay",
    "lean relay",
    "domain relay",
    "y-websocket",
    "pycrdt-websocket",
    "Planche",
)
_RELAYS = ("relay", "durable relay", "lean relay", "domain relay")
# a miss the durable relay reached: the first of these relays that missed it too says why
_DOMAIN_FLOORS = (("beyond a lean domain", "lean relay"), ("beyond the domain", "domain relay"))


def missing() -> str:
    """What this machine lacks for the peers ("" when nothing)."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        return "node and npm (Debian: apt-get install nodejs npm)"
    if importlib.util.find_spec("pycrdt") is None:
        return "pycrdt and pycrdt-websocket (pip install -e '.[bench]')"
    return ""


def y_websocket() -> processes.Process:
    """y-websocket's own server on node, installed with npm when missing."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        raise RuntimeError(f"the peers need {missing()}")
    if not _Y_SERVER.exists():
        print("installing @y/websocket-server with npm ci into bench/node", file=sys.stderr)
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=NODE, check=True
        )
    port = processes.free_port()
    env = {"HOST": "127.0.0.1", "PORT": str(port)}
    return processes.Process([node, str(_Y_SERVER)], None, port, env)


def pycrdt_websocket(database: Path) -> processes.Process:
    port = processes.free_port()
    args = [sys.executable, "-m", "bench.pycrdt_server", str(port), str(database)]
    return processes.Process(args, None, port)


@dataclass
class Row:
    clients: int
    load: str
    runs: dict[str, Run]
    load_average: tuple[float, float]  # the machine's 1-minute load before and after the row


def shape(clients: int, load_name: str) -> tuple[float, int]:
    """The total rate (notes/s) and how many clients send, for a load."""
    if load_name == "a":
        return 10.0, 1
    return 0.2 * clients, clients


async def compare(seconds: float, database_dir: Path, sizes: tuple[int, ...] = SIZES) -> list[Row]:
    servers: dict[str, processes.Process] = {}
    try:  # each started inside, so that one failing to start stops those already running
        servers["relay"] = processes.relay()
        servers["durable relay"] = processes.relay(database_dir / "relay.db")
        servers["lean relay"] = processes.domain_relay(database_dir / "lean.db", lean=True)
        servers["domain relay"] = processes.domain_relay(database_dir / "domain.db")
        servers["y-websocket"] = y_websocket()
        servers["pycrdt-websocket"] = pycrdt_websocket(database_dir / "ystore.db")
        servers["Planche"] = processes.planche(f"sqlite:///{database_dir / 'planche.db'}")
        rows: list[Row] = []
        for n in sizes:
            for load_name in LOADS:
                rate, senders = shape(n, load_name)
                print(f"peers: {n} clients, {LOADS[load_name]}", file=sys.stderr)
                # the order turns row by row, so that a machine getting busier or quieter
                # during a row does not always favour the same target
                turn = len(rows) % len(TARGETS)
                before = os.getloadavg()[0]
                runs = {}
                for t in TARGETS[turn:] + TARGETS[:turn]:
                    runs[t] = await _one(t, servers[t], n, rate, seconds, senders)
                rows.append(Row(n, load_name, runs, (before, os.getloadavg()[0])))
        return rows
    finally:
        for server in servers.values():
            server.stop()


async def _one(
    target: str, server: processes.Process, n: int, rate: float, seconds: float, senders: int
) -> Run:
    from bench import yjs  # needs pycrdt: the `bench` extra

    name = f"peers {n} {target}"
    if target in _RELAYS:
        return await load.relay_fanout(server, n, rate, seconds, senders)
    if target == "Planche":
        # no replicas: like the Yjs clients, which find their notes in an update's bytes
        # without applying it, every Planche client only reads the frames, so that no target
        # pays for its clients' work in the generator's one event loop
        return await load.planche_fanout(
            server, [server.url], n, rate, seconds, name, senders=senders, replicas=0
        )
    return await yjs.fanout(server, n, rate, seconds, senders, name)


def _pair(samples: list[float]) -> str:
    p = percentiles(samples)
    return f"{p['p50']:.2f} / {p['p99']:.2f}"


def table(rows: list[Row]) -> list[str]:
    """Issue 18's table: fan-out p50 / p99 ms of each target, and Planche's acks."""
    head = ["N, load", *(f"{t} p50 / p99" for t in TARGETS), "Planche ack p50 / p99"]
    head += ["durable relay echo p50 / p99", "load average"]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for row in rows:
        cells = [f"{row.clients}, {row.load}"]
        cells += [_pair(row.runs[t].fanout) for t in TARGETS]
        planche = row.runs["Planche"]
        cells.append(_pair(planche.acks))
        if (top := percentiles(planche.fanout)["max"]) > 5 * percentiles(planche.fanout)["p99"]:
            cells[-2] += f" (max {top:.0f})"
        cells.append(_pair(row.runs["durable relay"].acks))
        cells.append("{:.1f} → {:.1f}".format(*row.load_average))
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def targets(rows: list[Row]) -> list[str]:
    """Each of issue 18's fan-out and ack targets, with the figures it compares. A miss says
    the first floor that missed it too: the durable relay (out of reach on this machine), the
    lean relay (beyond any Python domain that validates its ops), or the domain relay (beyond
    Planche's domain code as it is, whatever the server around it)."""
    out = []
    verdicts = ("met", "out of reach", "beyond a lean domain", "beyond the domain", "missed")
    tally = dict.fromkeys(verdicts, 0)
    for row in rows:
        at = f"N={row.clients} ({row.load})"
        mine = percentiles(row.runs["Planche"].fanout)
        floor = percentiles(row.runs["durable relay"].fanout)
        floors = [(v, r, percentiles(row.runs[r].fanout)) for v, r in _DOMAIN_FLOORS]
        for peer in ("y-websocket", "pycrdt-websocket"):
            theirs = percentiles(row.runs[peer].fanout)
            for q in ("p50", "p99"):
                ok = mine[q] < theirs[q]
                line = f"{at}: fan-out {q} {mine[q]:.2f} < {peer} {theirs[q]:.2f}: "
                line += "met" if ok else "MISSED"
                # not even a relay that only commits and sends reaches it here?
                beyond = _beyond(ok, floor[q] < theirs[q], floor[q], q)
                verdict = "met" if ok else "out of reach" if beyond else "missed"
                missed_too = [(v, r, f[q]) for v, r, f in floors if f[q] >= theirs[q]]
                if verdict == "missed" and missed_too:
                    verdict, relay, figure = missed_too[0]
                    beyond = f" ({verdict}: the {relay}'s {q} is {figure:.2f})"
                tally[verdict] += 1
                out.append(line + beyond)
        factor = {70: 1.5, 20: 2.0}.get(row.clients)
        if factor is not None:
            relay = percentiles(row.runs["relay"].fanout)["p99"]
            ok = mine["p99"] <= factor * relay
            line = f"{at}: fan-out p99 {mine['p99']:.2f} <= {factor} x relay {relay:.2f} "
            line += f"= {factor * relay:.2f}: {'met' if ok else 'MISSED'}"
            reached = floor["p99"] <= factor * relay
            out.append(line + _beyond(ok, reached, floor["p99"], "p99"))
        if row.clients == 70:
            acks = percentiles(row.runs["Planche"].acks)
            # the durable relay's echo to the sender: a commit, then the sender's socket first
            echo = percentiles(row.runs["durable relay"].acks)
            for q, limit in (("p50", 2.0), ("p99", 5.0)):
                ok = acks[q] <= limit
                line = f"{at}: durable ack {q} {acks[q]:.2f} <= {limit:.0f} ms: "
                line += "met" if ok else "MISSED"
                what = f"{q} echo to its sender"
                out.append(line + _beyond(ok, echo[q] <= limit, echo[q], what))
    compared = sum(tally.values())
    counts = ", ".join(f"{tally[v]} {v}" for v in verdicts[1:])
    out.append(f"fan-out below both peers: {tally['met']} of {compared} met, {counts}")
    return out


def _beyond(ok: bool, reached: bool, floor: float, what: str) -> str:
    """For a missed target that not even the durable relay `reached` in the same row."""
    return "" if ok or reached else f" (out of reach: the durable relay's {what} is {floor:.2f})"


def checks(rows: list[Row]) -> list[str]:
    """What would make a row's figures meaningless: anything lost or duplicated, a
    generator that set the pace."""
    out = []
    for row in rows:
        for t, run in row.runs.items():
            lost = run.expected - run.delivered
            where = f"N={row.clients} ({row.load}) {t}"
            if lost or run.duplicated:
                out.append(f"{where}: {lost} lost, {run.duplicated} duplicated")
            if not run.valid:
                out.append(f"{where}: INVALID, the generator used {run.generator_cpu:.0%}")
            out += [f"{where}: {n}" for n in run.notes]
    return out


def report(rows: list[Row], seconds: float) -> str:
    lines = [f"fan-out ms, {seconds:g} s of load a run; " + "; ".join(
        f"({k}) {v}" for k, v in LOADS.items()) + f"; {os.cpu_count()} cores, their 1-minute "
        "load average before and after each row (above the cores: other work shared them)",
        ""]  # fmt: skip
    lines += table(rows)
    lines += ["", "targets (issue 18):", *targets(rows)]
    if problems := checks(rows):
        lines += ["", "checks:", *problems]
    else:
        lines += ["", "checks: nothing lost or duplicated, every generator under 70% of a core"]
    return "\n".join(lines)
