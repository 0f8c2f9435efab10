"""Lambda functions: each sub-package is one FastAPI app served by Mangum.

Every function publishes its routes under ``/v1/<name>/`` (the same path locally and behind API
Gateway), its OpenAPI document at ``/v1/<name>/openapi.json`` and a health check at
``/v1/<name>/health``. ``functions.shared`` holds what all of them use; ``functions.fanout`` is a
stream Lambda without an HTTP app, and ``functions.textrules`` no Lambda of its own (table-less
text rules that the functions showing merchant texts import).
"""

from __future__ import annotations

from functions import startup_gc

# In a Lambda whose handler is ours, no cycle collection until the handler's module is imported
# (functions/startup_gc.py): every object the import makes lives as long as the process.
if (_handler_module := startup_gc.handler_module()) is not None:
    startup_gc.pause_until_imported(_handler_module)

# The deployed functions, in the order the gateway mounts them. Each has ``functions/<name>/app.py``
# exposing ``app`` (FastAPI) and ``handler`` (Mangum), and optionally ``models.py`` (its tables).
FUNCTIONS: tuple[str, ...] = ("rooms", "comments", "moderation", "coupons", "localization", "routing", "insights")
