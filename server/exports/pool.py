"""The threads exports are rendered on: two of their own. On asyncio's default pool a few
large PDFs took every thread that the store's reads use too, and every page and health
check waited behind them; here they wait for each other only."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from server.metrics import EXPORTS

T = TypeVar("T")

_RENDERERS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="planche-export")


async def rendered(render: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`render(*args, **kwargs)` on an export thread."""
    call = functools.partial(render, *args, **kwargs)
    with EXPORTS.track_inprogress():
        return await asyncio.get_running_loop().run_in_executor(_RENDERERS, call)
