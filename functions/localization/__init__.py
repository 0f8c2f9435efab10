"""Localization: translation, CLDR formatting, market profiles, local time."""

from __future__ import annotations

# The modules other packages may import (rates: the operators' exchange rates, for GMV in one
# currency in live insights; local_time: markets' quiet hours, for the next-show recommendation;
# other functions localize through the plugins); everything else is
# this package's own. tests/foundation/test_layout.py holds every package to it
# (docs/architecture.md).
PUBLIC_MODULES: tuple[str, ...] = ("rates", "local_time")
