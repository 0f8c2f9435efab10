"""The ICE seams, all in aioice: loopback host candidates, a UDP port range, FFmpeg's checks."""

from __future__ import annotations

import asyncio
import random
from typing import Any


def accept_checks_without_priority() -> None:
    """Accept ICE checks that carry no PRIORITY attribute, as FFmpeg's WHIP muxer sends them.

    FFmpeg (``libavformat/whip.c``) offers no candidates and checks the answer's first host
    candidate with USERNAME, USE-CANDIDATE and integrity only. aioice then learns FFmpeg's address as
    a peer-reflexive candidate and reads its priority from the request: a KeyError, the check is
    dropped and ICE never connects. A missing PRIORITY is taken as the peer-reflexive priority
    RFC 8445 §5.1.2 gives such a candidate (what a compliant peer would have sent).
    """
    import aioice.ice

    original = aioice.ice.Connection.check_incoming
    if getattr(original, "_crosslive_priority", False):
        return

    def check_incoming(self: Any, message: Any, addr: Any, protocol: Any) -> None:
        if "PRIORITY" not in message.attributes:
            component = protocol.local_candidate.component
            message.attributes["PRIORITY"] = aioice.ice.candidate_priority(component, "prflx")
        original(self, message, addr, protocol)

    check_incoming._crosslive_priority = True  # type: ignore[attr-defined]
    check_incoming._crosslive_original = original  # type: ignore[attr-defined]
    aioice.ice.Connection.check_incoming = check_incoming  # type: ignore[method-assign]


def include_loopback_candidates() -> None:
    """Let ICE offer 127.0.0.1 host candidates (aioice leaves loopback out), for one-machine use."""
    import aioice.ice

    original = aioice.ice.get_host_addresses
    if getattr(original, "_crosslive_loopback", False):
        return

    def with_loopback(use_ipv4: bool, use_ipv6: bool) -> list[str]:
        addresses = list(original(use_ipv4, use_ipv6))
        if use_ipv4 and "127.0.0.1" not in addresses:
            addresses.insert(0, "127.0.0.1")
        return addresses

    with_loopback._crosslive_loopback = True  # type: ignore[attr-defined]
    aioice.ice.get_host_addresses = with_loopback


def restrict_udp_ports(low: int, high: int) -> None:
    """Bind ICE host candidates to UDP ports ``low..high`` (what the security group opens).

    aioice binds its sockets to port 0 (any ephemeral port). Its module's ``asyncio`` is replaced
    by a proxy whose running loop picks a free port in the range for those binds; everything else
    passes through unchanged.
    """
    import aioice.ice

    if not 1024 <= low <= high <= 65535:
        raise ValueError(f"bad UDP port range {low}-{high}")
    current = aioice.ice.asyncio
    real = getattr(current, "_crosslive_real", current)

    class _Loop:
        def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
            self._loop = loop

        def __getattr__(self, name: str) -> Any:
            return getattr(self._loop, name)

        async def create_datagram_endpoint(self, factory: Any, local_addr: Any = None, **kwargs: Any) -> Any:
            if not local_addr or local_addr[1] != 0:
                return await self._loop.create_datagram_endpoint(factory, local_addr=local_addr, **kwargs)
            size = high - low + 1
            start = random.randrange(size)
            for i in range(size):
                port = low + (start + i) % size
                try:
                    return await self._loop.create_datagram_endpoint(
                        factory, local_addr=(local_addr[0], port), **kwargs
                    )
                except OSError:
                    continue
            raise OSError(f"no free UDP port in {low}-{high} on {local_addr[0]}")

    class _Asyncio:
        _crosslive_real = real

        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

        @staticmethod
        def get_running_loop() -> Any:
            return _Loop(real.get_running_loop())

    aioice.ice.asyncio = _Asyncio()  # type: ignore[assignment]
