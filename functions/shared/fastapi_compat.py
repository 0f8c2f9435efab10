"""FastAPI without importing ``pydantic.v1`` at every cold start.

FastAPI 0.163 (pinned exactly in pyproject.toml) checks every route parameter and response model
against ``pydantic.v1.BaseModel`` only to refuse it with a clear message, and imports
``pydantic.v1`` (a whole second pydantic, ~25-40 ms of a cold start, none of it used) to do so.
No object can be a ``pydantic.v1`` model unless ``pydantic.v1`` was imported, so the checks
answer "no" without importing it while it is absent, and ask FastAPI's own check once it is
there: the same answers, without the import. ``install`` runs from ``functions/shared/__init__``,
before any of our routes is built.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any


def _unless_v1_absent(check: Callable[[Any], bool]) -> Callable[[Any], bool]:
    def checked(obj: Any) -> bool:
        return "pydantic.v1" in sys.modules and check(obj)

    checked.__wrapped__ = check  # type: ignore[attr-defined]
    return checked


def install() -> None:
    """Wrap FastAPI's two pydantic-v1 checks where they are looked up (idempotent)."""
    from fastapi import encoders
    from fastapi._compat import shared

    for module, name in ((shared, "is_pydantic_v1_model_class"), (encoders, "is_pydantic_v1_model_instance")):
        check = getattr(module, name)
        if not hasattr(check, "__wrapped__"):
            setattr(module, name, _unless_v1_absent(check))
