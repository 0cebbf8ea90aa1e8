"""`python -m bench [--quick]`: the load benchmark (bench/load.py), with a report of every
figure next to its baseline and target. `--quick` is a small version that runs in under a
minute; one test runs it to keep the harness working (tests/test_bench.py). The full run
ends with the peers (bench/peers.py: the relays, y-websocket, pycrdt-websocket and Planche
under one generator) where node and the `bench` extra are installed, and says so where
not; `--peers [--seconds S]` runs only that comparison, and `--soak MINUTES` only the long
run for the durable ack's maximum."""

from __future__ import annotations

import argparse
import asyncio
import functools
import sys
import tempfile
import time
from pathlib import Path

from bench import crowd, load, peers, processes, scale
from bench.commit import bare_sqlite, paced_commits
from bench.services import RedisServer


class Report:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, float, float | None, str]] = []
        self.notes: list[str] = []
        self.peers = ""  # issue 18's table: the peers under the same generator

        self.started = time.perf_counter()
        self.commit_p99: float | None = None  # a bare commit's p99: the floor under an ack

    def add(
        self, scenario: str, what: str, value: float, baseline: float | None, target: str = ""
    ) -> None:
        if not self.rows or self.rows[-1][0] != scenario:
            print(f"[{time.perf_counter() - self.started:6.1f} s] {scenario}", file=sys.stderr)
        self.rows.append((scenario, what, value, baseline, target))

    def run(self, scenario: str, run: load.Run, base: load.Run | None, target: str = "") -> None:
        p, b = load.percentiles(run.fanout), load.percentiles(base.fanout) if base else None
        a = load.percentiles(run.acks)
        self.add(scenario, "fan-out p50 ms", p["p50"], b and b["p50"])
        self.add(scenario, "fan-out p95 ms", p["p95"], b and b["p95"])
        self.add(scenario, "fan-out p99 ms", p["p99"], b and b["p99"], target)
        self.add(scenario, "fan-out max ms", p["max"], b and b["max"])
        if run.acks:
            self.add(scenario, "durable ack p99 ms", a["p99"], self.commit_p99, "<= 100")
        self.add(scenario, "reach", run.reach, None, "1.0")
        lost = run.expected - run.delivered
        self.add(scenario, "lost / duplicated / out of order", lost, None, "0")
        self.rows[-1] = (*self.rows[-1][:2], lost, None, f"0 ({run.duplicated} dup, "
                         f"{run.out_of_order} ooo)")  # fmt: skip
        self.add(scenario, "generator CPU %", run.generator_cpu * 100, None, "<= 70")
        self.add(scenario, "server CPU %", run.server_cpu * 100, None)
        self.add(scenario, "server RSS MiB", run.server_rss_kib / 1024, None)
        if not run.valid:
            self.notes.append(f"{scenario}: INVALID, the generator used {run.generator_cpu:.0%}")
        self.notes += [f"{scenario}: {n}" for n in run.notes]

    def print(self) -> None:
        print(f"{'scenario':<28}{'figure':<34}{'value':>10}{'baseline':>10}{'x':>7}  target")
        for scenario, what, value, baseline, target in self.rows:
            ratio = f"{value / baseline:.2f}" if baseline else ""
            base = f"{baseline:.2f}" if baseline is not None else ""
            print(f"{scenario:<28}{what:<34}{value:>10.2f}{base:>10}{ratio:>7}  {target}")
        for note in self.notes:
            print("note:", note)
        if self.peers:
            print(f"\nthe peers (bench/peers.py)\n{self.peers}")


def knee(p99: float, floor: scale.Step | None) -> str:
    """S2's ack target for a step with this ack p99, and why it is out of reach when the
    bare relay at the same step (`floor`) shows it is."""
    target = "<= 100 (else: the knee)"
    if p99 <= 100 or floor is None:
        return target
    if (relay_p99 := load.percentiles(floor.acks)["p99"]) > 100:
        return target + f" (out of reach: the bare relay's is {relay_p99:.0f})"
    if (busy := floor.generator_cpu) > 0.7:
        # the generator could not drive even the relay here without setting the pace
        return target + (
            f" (beyond this machine: the generator used {busy:.0%} of a core with the bare "
            "relay, over the 70% a valid run may use)"
        )
    return target


def s7_target(relay_s7: load.Run, relay_s1: load.Run) -> str:
    """S7's target, and why it is out of reach when the bare relay under the same trouble
    misses it too: then the trouble costs this machine's generator and loopback that much."""
    target = "<= S1 p99 x 1.1"
    s7, s1 = (load.percentiles(r.fanout)["p99"] for r in (relay_s7, relay_s1))
    if s7 > 1.1 * s1:
        target += f" (out of reach: the bare relay's is {s7 / s1:.2f} x its S1)"
    return target


async def crowd_scenario(report: Report, big: int, usual: int, browsers: int) -> Report:
    """A large meeting beside a usual one, in the same run (bench/crowd.py), next to the
    same pair on a server that treats no meeting as large (the baseline)."""
    base, _, _ = await crowd.run(big, usual, 20.0, 0, crowd.NO_CROWD_MODE)
    large, normal, generator = await crowd.run(big, usual, 20.0, browsers)
    baseline = {what: value for what, value, _ in base.rows()}
    for board in (large, normal):
        for what, value, target in board.rows():
            was = baseline.get(what) if board is large else None
            report.add(f"crowd {board.name}", what, value, was, target)
        report.notes += [f"crowd {board.name}: {n}" for n in board.notes]
    report.notes += [f"crowd baseline (no crowd mode): {n}" for n in base.notes]
    report.add("crowd", "generator CPU %", generator * 100, None, "<= 70")
    if generator > 0.7:
        report.notes.append(f"crowd: the generator used {generator:.0%}: it set the pace")
    return report


async def main(quick: bool) -> Report:
    report = Report()
    sizes = [5, 20] if quick else [5, 20, 70]
    # --quick checks that the harness works, not the figures: one second of load a run
    rate, seconds = (20.0, 1.0) if quick else (20.0, 15.0)
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)

        # S0: the floors of this machine
        relay = processes.relay()
        relays = {n: await load.relay_fanout(relay, n, rate, seconds) for n in sizes}
        # S7's floor: the same trouble at the bare relay, turn by turn with S1 at 20 clients
        # as for Planche below (`s7_target`)
        turns = 1 if quick else 3
        relay_trouble = functools.partial(load.relay_slow_and_flood, relay, rate * 10, seconds)
        relay_s7 = await load.in_turns(
            relays[20],
            lambda: load.relay_fanout(relay, 20, rate, seconds),
            lambda: load.relay_fanout(relay, 20, rate, seconds, extra=relay_trouble),
            turns,
        )
        relay_idle = await load.idle_connections(relay, 100 if quick else 1000, None)
        # S2's shape through the relay, a room a path: what this machine's generator and
        # loopback allow at each step, durability aside
        s2_steps = [2, 4] if quick else [5, 10, 20, 40, 60, 80]
        s2_clients, s2_seconds = (5, 1.0) if quick else (20, 5.0)
        relay_steps = await scale.many_rooms(
            relay, s2_steps, 20.0, s2_clients, s2_seconds, relay=True
        )
        relay_rooms = {step.rooms: step for step in relay_steps}
        boards_n, per_board = (10, 10) if quick else (100, 20)
        relay_back = load.percentiles(await scale.relay_storm(relay, boards_n * per_board))
        relay.stop()
        commits: list[float] = []
        per_commit = bare_sqlite(base / "s0a.db", 200 if quick else 2000, 1, commits)
        report.commit_p99 = load.percentiles(commits)["p99"]
        report.add("S0 bare sqlite", "commit p99 ms, one row, FULL", report.commit_p99, None)
        grouped = bare_sqlite(base / "s0b.db", 200 if quick else 2000, 50)
        report.add("S0 bare sqlite", "ops/s, commit per op", per_commit, None)
        report.add("S0 bare sqlite", "ops/s, group commit (50)", grouped, per_commit)

        # S1: one room; S3 idle memory; S5 join herd; S7 trouble-makers
        server = processes.planche(f"sqlite:///{base / 's1.db'}")
        s1 = {}
        for n in sizes:
            s1[n] = await load.planche_fanout(server, [server.url], n, rate, seconds, f"S1 {n}")
            report.run(f"S1 one room, {n} clients", s1[n], relays[n], "<= relay + 10, <= 50")
        board = await load.create_board(server.url, "Idle")
        idle = await load.idle_connections(server, 100 if quick else 1000, board)
        report.add("S3 idle connections", "KiB per connection", idle, relay_idle, "<= relay + 8")
        notes, herd = (500, 20) if quick else (4000, 70)
        # the board is filled by one client far faster than the per-connection op limit
        filler = processes.planche(f"sqlite:///{base / 's5.db'}", "--op-burst", "100000")
        joins, fetches = await load.join_herd(filler, notes, herd, 1.0 if quick else 10.0)
        filler.stop()
        p, f = load.percentiles(joins), load.percentiles(fetches)
        report.add(f"S5 join herd {notes} notes", f"join-to-live p99 ms ({herd})", p["p99"],
                   f["p99"], "<= 1000")  # fmt: skip
        # S7 against S1 at 20 clients, turn by turn, pooled (`load.in_turns`)
        n7 = 20
        room = (server, [server.url], n7, rate, seconds)
        s7, s1_pool = await load.in_turns(
            s1[n7],
            lambda: load.planche_fanout(*room, "S1"),
            lambda: load.planche_fanout(*room, "S7", _trouble(server, rate, seconds)),
            turns,
        )
        scenario = f"S7 slow + flood {n7} ({turns} runs)"
        report.run(scenario, s7, s1_pool, s7_target(*relay_s7))
        relay_p99 = [load.percentiles(r.fanout)["p99"] for r in relay_s7]
        report.add(scenario, "bare relay: fan-out p99 ms", *relay_p99)
        report.notes += [f"S7 at the bare relay: {n}" for n in relay_s7[0].notes[:1]]
        report.notes.append(f"S1, S3 and S7: {_server_side(server)}")
        server.stop()

        # S2: many rooms, ramped to the knee; S4: a reconnect storm
        server = processes.planche(f"sqlite:///{base / 's2.db'}")
        steps = await scale.many_rooms(server, s2_steps, 20.0, s2_clients, s2_seconds)
        for step in steps:
            acks = load.percentiles(step.acks)
            name = f"S2 {step.rooms} rooms x {s2_clients}"
            # the ceiling: bare SQLite committing 50 rows at a time
            report.add(name, "durable ops/s", step.durable, grouped, ">= 1200, >= 0.5 x")
            # the baseline: the bare relay's echo at the same step, if it got that far
            floor = relay_rooms.get(step.rooms)
            relay_p99 = load.percentiles(floor.acks)["p99"] if floor else None
            report.add(name, "ack p99 ms", acks["p99"], relay_p99, knee(acks["p99"], floor))
            report.add(name, "generator / server CPU %", step.generator_cpu * 100,
                       None, f"server {step.server_cpu * 100:.0f}%")  # fmt: skip
            if floor is not None:
                relay_cpu = f"relay {floor.server_cpu * 100:.0f}%"
                report.add(name, "bare relay: generator CPU %", floor.generator_cpu * 100,
                           None, relay_cpu)  # fmt: skip
            if step.retaken is not None:
                report.notes.append(f"{name}: taken twice; the first take's ack p99 was "
                                    f"{step.retaken:.1f} ms")  # fmt: skip
        server.stop()
        server = processes.planche(f"sqlite:///{base / 's4.db'}")
        storm = await scale.reconnect_storm(server, server.restart, boards_n, per_board, 5)
        times = load.percentiles(storm.times)
        name = f"S4 storm {storm.connections} conns"
        report.add(name, "resynced", storm.resynced, storm.connections, "all")
        report.add(name, "lost", storm.lost, None, "0")
        # baseline: the bare relay killed and restarted under as many connections
        report.add(name, "all resynced s", times["max"] / 1000, relay_back["max"] / 1000, "<= 10")
        report.add(name, "resync p99 s", times["p99"] / 1000, relay_back["p99"] / 1000, "<= 5")
        report.add(name, "store reads per reconnect", storm.store_reads / storm.connections,
                   None, "O(1)")  # fmt: skip
        server.stop()

        # S6: two workers over Redis
        redis = RedisServer()
        redis.start()
        try:
            workers = processes.planche(
                f"sqlite:///{base / 's6.db'}", "--workers", "2", "--redis-url", redis.url
            )
            n6 = 20
            s6 = await load.planche_fanout(workers, [workers.url], n6, rate, seconds, "S6")
            report.run(f"S6 2 workers + Redis, {n6}", s6, s1[n6], "<= S1 p99 + 5")
            workers.stop()
        finally:
            redis.close()
    if not quick:
        await crowd_scenario(report, 300, 70, 0)
        if missing := peers.missing():
            report.notes.append(f"peers not measured: {missing}")
        else:
            report.peers = await peers_scenario(seconds)
    return report


async def peers_scenario(seconds: float) -> str:
    """Issue 18's table: the relays, y-websocket, pycrdt-websocket and Planche under one
    load generator (bench/peers.py)."""
    with tempfile.TemporaryDirectory() as tmp:
        rows = await peers.compare(seconds, Path(tmp))
    return peers.report(rows, seconds)


async def soak_scenario(minutes: float) -> str:
    """Issue 18's "ack max <= 50 ms over a 10-minute run": 70 clients, one writer at 10
    notes/s, for `minutes`. First, for a fifth of that each, the two baselines of what this
    machine's own hiccups do to a maximum: the bare relay under the same load, and bare
    one-row FULL commits at the same pace (the disk's fsyncs)."""
    seconds = minutes * 60
    lines = [
        f"soak: 70 clients, one writer at 10 notes/s; Planche {seconds:.0f} s, relay and "
        f"bare commits {seconds / 5:.0f} s each",
        "",
        "| target | fan-out p50 / p99 / max | ack p50 / p99 / max | lost / dup |",
        "| --- | --- | --- | --- |",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        relay = processes.relay()
        try:
            base = await load.relay_fanout(relay, 70, 10, seconds / 5, 1)
        finally:
            relay.stop()
        commits = paced_commits(Path(tmp) / "bare.db", 10, seconds / 5)
        server = processes.planche(f"sqlite:///{Path(tmp) / 'soak.db'}")
        try:
            async with load.LoopLag() as generator:
                run = await load.planche_fanout(
                    server, [server.url], 70, 10, seconds, "soak", senders=1, replicas=0
                )
            within = _server_side(server)
        finally:
            server.stop()
    for name, r in (("relay", base), ("Planche", run)):
        f, a = load.percentiles(r.fanout), load.percentiles(r.acks)
        acks = f"{a['p50']:.2f} / {a['p99']:.2f} / {a['max']:.1f}" if r.acks else "-"
        lines.append(
            f"| {name} | {f['p50']:.2f} / {f['p99']:.2f} / {f['max']:.1f} | {acks} "
            f"| {r.expected - r.delivered} / {r.duplicated} |"
        )
    c = load.percentiles(commits)
    lines.append(f"| bare commit | - | {c['p50']:.2f} / {c['p99']:.2f} / {c['max']:.1f} | - |")
    a = load.percentiles(run.acks)
    verdict = "met" if a["max"] <= 50 else "MISSED"
    lines += [
        "",
        f"durable ack max {a['max']:.1f} ms <= 50 ms over {seconds:.0f} s: {verdict}",
        within,
        f"the generator's own event loop (which times every figure above) was late by up to "
        f"{generator.worst * 1000:.0f} ms, {generator.over_50ms} times by more than 50 ms",
    ]
    return "\n".join(lines)


def _server_side(server: processes.Process) -> str:
    """Where a slow ack's time went, from the server's own histograms (bucket bounds): the
    disk's commits and the event loop's lateness, beside the acks."""
    ack, commit, lag = (
        load.server_bound(server, f"planche_{h}_seconds") for h in ("ack", "commit", "loop_lag")
    )
    return (
        f"the server's own histograms: every ack (an op's arrival to its ack) within {ack}, "
        f"every commit of the log within {commit}, every event loop wakeup late by at most {lag}"
    )


def _trouble(server: processes.Process, rate: float, seconds: float):  # type: ignore[no-untyped-def]
    async def start(board_id: str, board: object) -> object:
        return await load.slow_and_flood(server, board, rate * 10, seconds)

    return start


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small run, under a minute")
    parser.add_argument(
        "--crowd", action="store_true", help="only the crowd scenario: 300 beside 70 people"
    )
    parser.add_argument(
        "--browsers", type=int, default=0, help="with --crowd: this many of the 300 in Chromium"
    )
    parser.add_argument(
        "--peers", action="store_true",
        help="only the peers: relay, y-websocket, pycrdt-websocket and Planche side by side",
    )  # fmt: skip
    parser.add_argument(
        "--seconds", type=float, default=15.0, help="with --peers: seconds of load a run"
    )
    parser.add_argument(
        "--soak", type=float, metavar="MINUTES",
        help="only the long run: 70 clients at 10 notes/s for MINUTES, with the ack's maximum",
    )  # fmt: skip
    args = parser.parse_args()
    if args.soak:
        print(asyncio.run(soak_scenario(args.soak)))
    elif args.peers:
        if missing := peers.missing():
            sys.exit(f"--peers needs {missing}")
        print(asyncio.run(peers_scenario(args.seconds)))
    elif args.crowd:
        asyncio.run(crowd_scenario(Report(), 300, 70, args.browsers)).print()
    else:
        asyncio.run(main(args.quick)).print()
