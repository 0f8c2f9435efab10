"""Scheduled functions on the embedded platform: what EventBridge rules invoke in AWS.

Each function spec with ``schedule_minutes`` (``functions/specs.py``) is an EventBridge rule in
AWS. Here one background thread calls each such handler every ``EVERY_SECONDS`` (more often than
in AWS, so a dead media node's viewers leave the local live panel within seconds of its grace),
with no Lambda context: the handler then runs to the end. A failed run is logged and the next
one tries again, as the next scheduled invocation would.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Callable
from typing import Any

from functions.specs import SPECS

EVERY_SECONDS = 10.0
log = logging.getLogger("crosslive.dev.schedule")


def scheduled_handlers() -> dict[str, Callable[..., Any]]:
    """Spec name -> its handler, for every spec invoked on a schedule."""
    found: dict[str, Callable[..., Any]] = {}
    for spec in SPECS:
        if spec.schedule_minutes is not None:
            module, name = spec.handler.rsplit(".", 1)
            found[spec.name] = getattr(importlib.import_module(module), name)
    return found


class Scheduler:
    """Calls every scheduled handler every ``every`` seconds in one daemon thread until stopped."""

    def __init__(self, every: float = EVERY_SECONDS) -> None:
        self.every = every
        self.runs = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        handlers = scheduled_handlers()
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, args=(handlers,), name="scheduled", daemon=True)
        self._thread.start()

    def run_once(self, handlers: dict[str, Callable[..., Any]] | None = None) -> None:
        for name, handler in (handlers if handlers is not None else scheduled_handlers()).items():
            try:
                handler({"source": "crosslive.dev.schedule", "detail-type": "Scheduled Event"}, None)
            except Exception:  # the next run tries again, as the next EventBridge invocation would
                log.exception("scheduled function %s failed", name)
        self.runs += 1

    def _run(self, handlers: dict[str, Callable[..., Any]]) -> None:
        while not self._stop.wait(self.every):
            self.run_once(handlers)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None
