"""Moderation: lexicon, spam, mutes and bans, the audit log, toxicity scores."""

from __future__ import annotations

# The modules other packages may import (pipeline and verdict: the comment write path's in-line
# moderation; sanctions: mutes, bans and the audit log a review decision or an automatic deletion
# is written to; toxicity: the after-publish screen's scores); everything else is this package's
# own. Moderation imports no other function package but rooms (its app authorizes room-scoped
# actions) and textrules (folding and the compliance rules, below both: the compliance of shown
# texts is textrules.shown). tests/foundation/test_layout.py holds every package to it
# (docs/architecture.md).
PUBLIC_MODULES: tuple[str, ...] = ("pipeline", "sanctions", "toxicity", "verdict")
