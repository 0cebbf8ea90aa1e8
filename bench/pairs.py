"""Two checkouts of Planche under one generator, in interleaved pairs: does a change move
what a client sees?

    python -m bench.pairs OLD NEW [--rows 5a,20b,70a] [--pairs 5] [--seconds 15]

OLD and NEW are checkouts (`git worktree add /tmp/old REV`). Each runs its own server on its
own SQLite file, started from its own directory: `python -m` puts the working directory on
sys.path before PYTHONPATH, and two servers started from one directory run the same code.
A row is a size and a load of bench/peers.py ("70a": 70 clients, one writer at 10 notes/s;
"20b": 20 clients, each at 0.2 notes/s). Each pair runs a row on both servers, the order
alternating from pair to pair. The report gives each figure's median over the pairs, old
against new, and in how many pairs new was lower.

`bench.stages` says where a server's time goes; only a client can say whether a change is
seen. On this machine the two disagreed (docs/performance.md, ninth session), and one pair
differs from the next by 0.3-0.4 ms, so a change is shown only over several pairs.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench import load, peers, processes

FIGURES = ("fan-out p50", "fan-out p99", "ack p50", "ack p99")


@dataclass(frozen=True)
class Pair:
    row: str
    old: tuple[float, ...]  # FIGURES, in ms
    new: tuple[float, ...]


def parse_row(row: str) -> tuple[int, str]:
    """'70a' as (70, 'a'); ValueError in words for anything else."""
    clients, load_name = row[:-1], row[-1:]
    if not clients.isdigit() or int(clients) < 2 or load_name not in peers.LOADS:
        raise ValueError(f"a row is a number of clients (2 or more) and a load (a or b): {row!r}")
    return int(clients), load_name


async def _figures(server: processes.Process, row: str, seconds: float) -> tuple[float, ...]:
    clients, load_name = parse_row(row)
    rate, senders = peers.shape(clients, load_name)
    run = await load.planche_fanout(
        server, [server.url], clients, rate, seconds, f"pairs {row}", senders=senders, replicas=0
    )
    if run.delivered != run.expected or run.duplicated:
        raise RuntimeError(f"{row}: {run.expected - run.delivered} lost, {run.duplicated} twice")
    fanout, acks = load.percentiles(run.fanout), load.percentiles(run.acks)
    return fanout["p50"], fanout["p99"], acks["p50"], acks["p99"]


async def measure(
    servers: dict[str, processes.Process], rows: list[str], pairs: int, seconds: float
) -> list[Pair]:
    measured: list[Pair] = []
    for k in range(pairs):
        for row in rows:
            order = ("old", "new") if k % 2 == 0 else ("new", "old")
            got = {name: await _figures(servers[name], row, seconds) for name in order}
            said = f"pair {k + 1} {row}: old {_ms(got['old'])}, new {_ms(got['new'])}"
            print(said, file=sys.stderr)
            measured.append(Pair(row, got["old"], got["new"]))
    return measured


def report(measured: list[Pair]) -> str:
    lines = ["| row | figure | old (median) | new (median) | pairs new was lower |"]
    lines.append("| --- | --- | ---: | ---: | ---: |")
    for row in dict.fromkeys(p.row for p in measured):
        mine = [p for p in measured if p.row == row]
        for i, figure in enumerate(FIGURES):
            old = statistics.median(p.old[i] for p in mine)
            new = statistics.median(p.new[i] for p in mine)
            lower = sum(p.new[i] < p.old[i] for p in mine)
            lines.append(f"| {row} | {figure} | {old:.2f} | {new:.2f} | {lower} of {len(mine)} |")
    return "\n".join(lines)


def _ms(figures: tuple[float, ...]) -> str:
    return " ".join(f"{f:.2f}" for f in figures)


def main(argv: list[str] | None = None) -> int:
    first_line = (__doc__ or "").split("\n")[0]
    parser = argparse.ArgumentParser(prog="python -m bench.pairs", description=first_line)
    parser.add_argument("old", type=Path, help="the checkout to compare against")
    parser.add_argument("new", type=Path, help="the checkout with the change")
    parser.add_argument("--rows", default="5a,20b,70a", help="sizes and loads, e.g. 5a,70b")
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=15.0, help="of each run")
    args = parser.parse_args(argv)
    try:
        rows = [r.strip() for r in args.rows.split(",")]
        for row in rows:
            parse_row(row)
    except ValueError as e:
        parser.error(str(e))
    for tree in (args.old, args.new):
        if not (tree / "server" / "__main__.py").is_file():
            parser.error(f"{tree} is not a checkout of Planche (no server/__main__.py)")
    with tempfile.TemporaryDirectory(prefix="planche-pairs-") as scratch:
        servers: dict[str, processes.Process] = {}
        try:
            for name, tree in (("old", args.old), ("new", args.new)):
                url = f"sqlite:///{scratch}/{name}.db"
                servers[name] = processes.planche(url, tree=tree.resolve())
            measured = asyncio.run(measure(servers, rows, args.pairs, args.seconds))
        finally:
            for server in servers.values():
                server.stop()
    print(f"{args.pairs} pairs of {args.seconds:g} s: old {args.old}, new {args.new}\n")
    print(report(measured))
    return 0


if __name__ == "__main__":
    sys.exit(main())
