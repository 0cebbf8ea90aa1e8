"""S7's flooder, in a process of its own so that its CPU is not the load generator's:
sends note ops at `rate` per second for `seconds`, reading (and dropping) what comes back.

    python -m bench.flood WS_URL TOKEN RATE SECONDS
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import time

from websockets.asyncio.client import connect


async def main(url: str, token: str, rate: float, seconds: float) -> None:
    async with connect(url, compression=None, max_size=None) as ws:
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
                await ws.send(json.dumps({"type": "op", "id": f"flood-{k}", "op": {
                    "kind": "note.add", "note": note}}))  # fmt: skip
                k += 1
            await asyncio.sleep(0.005)
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reader


if __name__ == "__main__":
    url, token, rate, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
    asyncio.run(main(url, token, rate, seconds))
