"""S7's flooder, in a process of its own so that its CPU is not the load generator's:
sends note ops at `rate` per second for `seconds`, reading (and dropping) what comes back.

    python -m bench.flood WS_URL TOKEN RATE SECONDS

With `-` for TOKEN it floods the bare relay instead, and sends only what Planche's op limit
(its defaults) would take of that schedule: the same load on the other clients, so that
the relay's S7 is the floor of Planche's.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import time

from websockets.asyncio.client import connect

from server.config import Config
from server.sync.limits import TokenBucket


async def main(url: str, token: str, rate: float, seconds: float) -> None:
    relay = token == "-"
    limit = TokenBucket(Config().op_rate, Config().op_burst)
    async with connect(url, compression=None, max_size=None) as ws:
        if not relay:
            await ws.send(json.dumps({"type": "hello", "token": token}))

        async def drain() -> None:
            async for _ in ws:
                pass

        reader = asyncio.create_task(drain())
        start = time.perf_counter()
        k = 0
        while (elapsed := time.perf_counter() - start) < seconds:
            while k < elapsed * rate:
                note = {"id": f"flood{k}", "area": "main", "text": "f" * 160}
                if not relay:
                    await ws.send(json.dumps({"type": "op", "id": f"flood-{k}", "op": {
                        "kind": "note.add", "note": note}}))  # fmt: skip
                elif limit.take():  # what Planche would have refused is not sent
                    await ws.send(json.dumps({"flood": k, "note": note}))
                k += 1
            await asyncio.sleep(0.005)
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reader


if __name__ == "__main__":
    url, token, rate, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
    asyncio.run(main(url, token, rate, seconds))
