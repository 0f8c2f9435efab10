"""Field types for request bodies: bounded UNIX times, strict numbers, market and language codes.

A request number is a JSON number: ``"5"`` for a stock or ``"100"`` for a price is refused (422)
rather than coerced, so a client bug is seen where it is made. Times are bounded to what every
reader can represent (``datetime.fromtimestamp`` overflows near 1e11 on this platform; a stored
``1e20`` used to make each later read of that room's schedule answer 500).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import Field, Strict

MAX_UNIX_TIME = 4_102_444_800  # 2100-01-01T00:00:00Z
LANGUAGE_TAG_PATTERN = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"

UnixTime = Annotated[
    float, Strict(), Field(ge=0, le=MAX_UNIX_TIME, allow_inf_nan=False, description="UNIX time (seconds), before 2100")
]
MarketCode = Annotated[str, Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 market code")]
LanguageTag = Annotated[
    str, Field(min_length=2, max_length=35, pattern=LANGUAGE_TAG_PATTERN, description="BCP 47 language tag")
]


def strict_int(ge: int, le: int, description: str | None = None) -> object:
    """An integer JSON number in ``[ge, le]`` (no strings, no floats): use as ``Annotated[int, strict_int(...)]``."""
    return Field(ge=ge, le=le, strict=True, description=description)


def moment(value: float | None) -> datetime | None:
    """A stored UNIX time as an aware datetime, or ``None`` when it is missing or out of range.

    For reads of values stored before the bounds above existed: such a value reads as absent
    instead of breaking the read.
    """
    if value is None:
        return None
    try:
        seconds = float(value)
        if not 0 <= seconds <= MAX_UNIX_TIME:
            return None
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None
