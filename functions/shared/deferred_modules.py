"""Library modules imported by a library we use but never run by our requests, loaded on first use.

PyJWT's ``jwt.algorithms`` imports ``cryptography.x509`` (X.509 certificates: names, general
names, extensions, verification) for one purpose: refusing a certificate given as an HMAC
secret (``HMACAlgorithm.prepare_key``). We verify only RS256 and ES256 tokens against JWKs
(``functions/shared/auth.py``: the algorithm comes from the key), so no request of ours reaches
it, yet importing it was ~140 M instructions (~15-25 ms) of every API function's cold start,
most of what ``import jwt`` cost beyond the RSA and EC primitives it does use.

``install`` makes such a module load lazily (``importlib.util.LazyLoader``, the standard
library's own recipe): the import binds a module object whose body runs the first time any of
its attributes is read. Anything that does use it (a test loading a certificate, an HMAC key
check) gets the whole module then, unchanged.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from importlib.util import LazyLoader
from typing import TYPE_CHECKING

from functions.startup_gc import find_spec_elsewhere

if TYPE_CHECKING:
    from importlib.machinery import ModuleSpec
    from types import ModuleType

DEFERRED = ("cryptography.x509",)


class _DeferredFinder:
    """A ``sys.meta_path`` finder that gives the modules of ``DEFERRED`` a lazy loader."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname not in DEFERRED:
            return None
        spec = find_spec_elsewhere(self, fullname, path, target)
        if spec is not None and spec.loader is not None and hasattr(spec.loader, "exec_module"):
            spec.loader = LazyLoader(spec.loader)
        return spec


def install() -> None:
    """Defer the modules of ``DEFERRED`` not imported yet (idempotent)."""
    if not any(isinstance(finder, _DeferredFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _DeferredFinder())
