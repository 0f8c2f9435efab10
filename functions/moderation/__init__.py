"""Moderation: lexicon, spam, compliance, review queue, bans."""

from __future__ import annotations

# The modules other packages may import (pipeline and verdict: the comment write path's in-line
# moderation; shown: compliance of the merchant texts viewers see); everything else is this
# package's own. tests/foundation/test_layout.py holds every
# package to it (docs/architecture.md).
PUBLIC_MODULES: tuple[str, ...] = ("pipeline", "shown", "verdict")
# Lambda entry points besides ``app``: the top layer, which may use other packages' public modules
# even where those depend on this package (the toxicity screen acts on comments through
# ``comments.review``, as the review queue in ``app`` does).
ENTRY_MODULES: tuple[str, ...] = ("app", "toxicity")
