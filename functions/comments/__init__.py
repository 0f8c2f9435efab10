"""Comments: post, list and push danmaku across markets; the review queue; the toxicity screen."""

from __future__ import annotations

# The modules other packages may import (events: the fan-out's producer of the comments table;
# questions: hot questions for live insights); everything else is this package's own.
# tests/foundation/test_layout.py holds every package to it (docs/architecture.md).
PUBLIC_MODULES: tuple[str, ...] = ("events", "questions", "question_rule")
# Lambda entry points besides ``app``: the after-publish toxicity screen on the comments stream.
ENTRY_MODULES: tuple[str, ...] = ("app", "screening")
