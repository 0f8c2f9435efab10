"""Comments: post, list and push danmaku across markets."""

from __future__ import annotations

# The modules other packages may import (events: the fan-out's producer of the comments table; review:
# moderation's held queue and decisions; questions: hot questions for live insights); everything
# else is this package's own.
# tests/foundation/test_layout.py holds every package to it (docs/architecture.md).
PUBLIC_MODULES: tuple[str, ...] = ("events", "review", "questions")
