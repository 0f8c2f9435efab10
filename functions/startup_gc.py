"""No cyclic garbage collection while a Lambda imports its handler; the imported heap frozen after.

A cold start creates about 75,000 (baseline FastAPI) to 120,000 (our functions) objects that stay
alive for the life of the process: modules, classes, functions, pydantic schemas, route tables.
CPython's cycle collector runs every 700 net allocations, so the import ran ~160 young, ~14
middle and one full collection, each examining objects that are all still reachable (after the
import about 800 objects, <1 %, were cyclic garbage). Measured with callgrind on ``routing``'s
cold start (``crosslive bench coldstart``'s probe): 2,053 M instructions with the collector,
1,852 M without it (~10 %).

``pause_until_imported(module)`` disables the collector and re-enables it the moment ``module``
has finished importing (or failed to), after moving everything alive into the permanent
generation (``gc.freeze``): those objects are never examined again, so the collections skipped
during the import are not merely postponed to the first request. The few hundred garbage
objects of the import are frozen with them (kept, a few hundred KB at most).

``functions/__init__`` calls it only in a Lambda runtime process whose handler is ours: Lambda
sets ``_HANDLER`` (``functions.rooms.app.handler``) and imports that handler's module first. No
other process (tests, the embedded platform, tools) changes its collector.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # importlib.abc alone would import importlib.resources at every cold start
    from importlib.machinery import ModuleSpec
    from types import ModuleType

HANDLER_ENV = "_HANDLER"  # set by the Lambda runtime: "<module>.<function>"
PACKAGE = "functions"


def _resume() -> None:
    gc.freeze()
    gc.enable()


def find_spec_elsewhere(
    finder: object, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
) -> ModuleSpec | None:
    """The spec the other finders of ``sys.meta_path`` give ``fullname``: the lookup of a finder
    that only wraps what the others find (here, and ``functions.shared.deferred_modules``)."""
    for other in sys.meta_path:
        find = getattr(other, "find_spec", None)
        if other is finder or find is None:
            continue
        spec = find(fullname, path, target)
        if spec is not None:
            return spec
    return None


class _ResumeAfterImport:
    """A ``sys.meta_path`` finder that finds nothing itself: it wraps the loader of one module so
    that the end of that module's import re-enables the collector."""

    def __init__(self, module: str) -> None:
        self.module = module

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname != self.module:
            return None
        sys.meta_path.remove(self)
        spec = find_spec_elsewhere(self, fullname, path, target)
        loader = spec.loader if spec is not None else None
        if loader is None or not hasattr(loader, "exec_module"):
            _resume()  # not found, or not a loader we can follow: the import fails or runs as usual
            return spec
        execute = loader.exec_module

        def exec_module(module: ModuleType) -> None:
            try:
                execute(module)
            finally:
                _resume()

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def handler_module(environ: Mapping[str, str] = os.environ) -> str | None:
    """The module of this Lambda's handler when it is one of ours, else None."""
    module, _, function = environ.get(HANDLER_ENV, "").rpartition(".")
    return module if module.startswith(f"{PACKAGE}.") and function else None


def pause_until_imported(module: str) -> None:
    """Disable the cycle collector until ``module`` is imported (see the module docstring)."""
    if module in sys.modules:
        return
    gc.disable()
    sys.meta_path.insert(0, _ResumeAfterImport(module))
