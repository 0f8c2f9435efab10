"""Text rules: folding a text to the form rules match on, and the advertising-law compliance of
the merchant texts viewers see. Table-less and below every package that screens text: rooms,
coupons, localization and comments call ``shown`` for what they show; moderation matches its
lexicons on ``folding.fold`` and checks a host's script with ``compliance``. It imports no other
function package (only ``functions.shared`` and ``plugins``), so none of them can close a circle
through it."""

from __future__ import annotations

# The modules other packages may import (folding: ``fold``, the moderation normalizer's steps 1-2;
# compliance: every rule a text breaks in given markets; shown: a merchant's text screened per
# market it is shown to). tests/foundation/test_layout.py holds every package to it
# (docs/architecture.md).
PUBLIC_MODULES: tuple[str, ...] = ("compliance", "folding", "shown")
# No HTTP app and no stream handler: its modules run inside the functions that import them.
ENTRY_MODULES: tuple[str, ...] = ()
