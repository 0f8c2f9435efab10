"""Plain helpers shared by the media tests (fixtures live in ``conftest.py``)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import httpx


async def wait_until(predicate: Callable[[], bool], timeout: float = 10.0, interval: float = 0.05) -> bool:
    """Poll ``predicate`` until it holds (True) or ``timeout`` seconds pass (False)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(interval)
    return True


async def post_offer(url: str, sdp: str, token: str) -> httpx.Response:
    """POST ``sdp`` to a WHIP/WHEP endpoint as an encoder does (bearer token, ``application/sdp``)."""
    async with httpx.AsyncClient(timeout=10) as http:
        return await http.post(
            url, content=sdp.encode(), headers={"Content-Type": "application/sdp", "Authorization": f"Bearer {token}"}
        )
