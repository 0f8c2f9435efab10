"""Time-ordered comment ids: sortable as strings, unique without coordination.

A comment id is 26 characters of Crockford base32 (the ULID layout): 48 bits of milliseconds since
the epoch, then 80 random bits. Ids sort by creation time, so the room's partition in DynamoDB is
in chat order and a cursor is simply the last id a client saw. Within one millisecond the order
is random, which is fine for chat (DynamoDB's own timestamps are no finer).
"""

from __future__ import annotations

import re
import secrets
import time

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
ID_PATTERN = r"^[0-9A-HJKMNP-TV-Z]{26}$"
_ID_RE = re.compile(ID_PATTERN)


def _encode(value: int, length: int) -> str:
    chars = []
    for _ in range(length):
        chars.append(_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def new_comment_id(now: float | None = None) -> str:
    """A new id for a comment created at ``now`` (UNIX seconds; default: the clock)."""
    ms = int((time.time() if now is None else now) * 1000)
    return _encode(ms, 10) + _encode(secrets.randbits(80), 16)


def is_comment_id(value: str) -> bool:
    return bool(_ID_RE.match(value))


def id_time(comment_id: str) -> float:
    """The creation time (UNIX seconds) encoded in an id."""
    ms = 0
    for char in comment_id[:10]:
        ms = ms * 32 + _ALPHABET.index(char)
    return ms / 1000.0
