"""`python -m bench.floor [--ops 3000] [--listeners 4] [--pace 10]`: the floor of one op's path.

One writer (the facilitator) sends `note.add` ops one at a time, each after the previous
ack, while `listeners` participants, each with their own token, receive the fan-out; it
prints the ack round trip and the server's CPU time per op (read from /proc). With no
queueing at all, CPU per op is what stands between Planche and a bare relay; a profiler
attached to the server (`py-spy record -p PID`, the PID is printed first) shows where it
goes. docs/performance.md records a run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
import uuid

import websockets

from bench.processes import planche
from board_client import create_board, join_board


async def _connect(ws_url: str, board_id: str, token: str) -> websockets.ClientConnection:
    ws = await websockets.connect(f"{ws_url}/ws/boards/{board_id}", max_size=None)
    hello = {"type": "hello", "token": token, "since": None, "epoch": None}
    await ws.send(json.dumps(hello))
    await ws.recv()  # the welcome
    return ws


async def _drain(ws: websockets.ClientConnection) -> None:
    async for _ in ws:
        pass


async def measure(ops: int, listeners: int, wait: float, pace: float = 0.0) -> None:
    with tempfile.TemporaryDirectory() as data:
        # no rate limit: the writer sends as fast as the acks come back
        server = planche(f"sqlite:///{data}/floor.db", "--op-rate", "1e6", "--op-burst", "1000000")
        try:
            print(f"server pid {server.pids()[0]}", flush=True)
            board = await create_board(server.url, "floor", language="en")
            others = []
            for i in range(listeners):
                joined = await join_board(server.url, board.join_code, f"P{i}")
                others.append(await _connect(server.ws_url, board.id, joined.token))
            drains = [asyncio.create_task(_drain(ws)) for ws in others]
            writer = await _connect(server.ws_url, board.id, board.facilitator_token)
            await asyncio.sleep(wait)  # time to attach a profiler
            rtts, cpu = [], server.cpu_seconds()
            for i in range(ops):
                if pace:  # the bench's pace: the server idles between ops, as in a meeting
                    await asyncio.sleep(1 / pace)
                op_id = uuid.uuid4().hex
                note = {"id": f"n{i}", "area": "main", "text": "a note of ordinary length " * 2}
                frame = {"type": "op", "id": op_id, "op": {"kind": "note.add", "note": note}}
                started = time.perf_counter()
                await writer.send(json.dumps(frame))
                while True:
                    message = json.loads(await writer.recv())
                    if message["type"] == "ack" and message["id"] == op_id:
                        break
                rtts.append((time.perf_counter() - started) * 1000)
            cpu = server.cpu_seconds() - cpu
            rtts.sort()
            print(
                f"{ops} ops, 1 writer + {listeners} listeners: ack round trip "
                f"p50 {rtts[len(rtts) // 2]:.2f} / p99 {rtts[int(len(rtts) * 0.99)]:.2f} ms; "
                f"server CPU {cpu / ops * 1000:.2f} ms per op"
            )
            for ws in [writer, *others]:
                await ws.close()
            await asyncio.gather(*drains, return_exceptions=True)
        finally:
            server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ops", type=int, default=3000)
    parser.add_argument("--listeners", type=int, default=4)
    parser.add_argument("--wait", type=float, default=0.0, help="seconds before the first op")
    parser.add_argument(
        "--pace", type=float, default=0.0, help="ops per second (default: each after the last ack)"
    )
    args = parser.parse_args()
    asyncio.run(measure(args.ops, args.listeners, args.wait, args.pace))


if __name__ == "__main__":
    main()
