"""``Principal``: a verified caller, as every function's logic sees it.

Apart from ``auth.py`` (which verifies tokens with PyJWT and serves FastAPI dependencies) so that
code that only needs the type (``functions.rooms.access``, and through it the fan-out's stream
Lambda) does not import a web framework and a crypto library at its cold start.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Principal:
    """A verified caller."""

    sub: str
    roles: frozenset[str]
    market: str | None = None
    name: str | None = None
    token_id: str | None = None
    issued_at: int = 0
    claims: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def has(self, *roles: str) -> bool:
        return "admin" in self.roles or any(r in self.roles for r in roles)
