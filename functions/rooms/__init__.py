"""Rooms: a merchant's live show, the markets it reaches and its lifecycle."""

from __future__ import annotations

# The modules other packages may import (access: lookups, ownership, languages; lifecycle: go-live on
# ingest (media nodes); signals: the fan-out's producer of the rooms and stage tables); everything
# else is this package's own. tests/foundation/test_layout.py holds every package to it
# (docs/architecture.md).
PUBLIC_MODULES: tuple[str, ...] = ("access", "lifecycle", "signals")
