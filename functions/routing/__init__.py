"""Smart routing: rank healthy media nodes for a viewer."""

from __future__ import annotations

# The modules other packages may import (registry: the media-node registry (nodes write it, the fan-
# out reads it)); everything else is this package's own. tests/foundation/test_layout.py holds every
# package to it (docs/architecture.md).
PUBLIC_MODULES: tuple[str, ...] = ("registry",)
