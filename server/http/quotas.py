"""How many records a board may keep and save per minute (`records_per_board`,
`records_per_minute`): each holds a whole copy of the board, so without a limit a script
could fill the store with them in seconds."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from server.http.errors import ApiError
from server.services import Services

# one record saved at a time in this process, so that a burst cannot pass the check together
_SAVING = asyncio.Lock()


@asynccontextmanager
async def record_quota(services: Services, board_id: str) -> AsyncIterator[None]:
    """Holds while one more record of the board is saved; ApiError 409 or 429 over a limit."""
    config = services.config
    async with _SAVING:
        records = await services.store.snapshots(board_id)
        if len(records) >= config.records_per_board:
            raise ApiError(
                409,
                "conflict",
                f"This board keeps {len(records)} records, the most it may "
                f"(records_per_board). Export the board to keep more versions of it.",
            )
        now = time.time()
        recent = [r.created_at for r in records if now - r.created_at < 60]
        if len(recent) >= config.records_per_minute:
            wait = max(1, math.ceil(min(recent) + 60 - now))
            raise ApiError(
                429,
                "rate_limited",
                f"At most {config.records_per_minute} records a minute; save this one again "
                f"in {wait} seconds.",
                {"Retry-After": str(wait)},
            )
        yield
