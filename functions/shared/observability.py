"""Structured logging and metrics through Powertools for AWS Lambda.

Logs are JSON (one object per line) with the function name as ``service``; metrics are CloudWatch
EMF under the ``crosslive`` namespace, flushed once per invocation by ``lambda_entrypoint``.
Locally the same objects are used; metrics are simply never flushed.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger, Metrics

NAMESPACE = "crosslive"


@cache
def logger(service: str) -> Logger:
    return Logger(service=service)


@cache
def metrics(service: str) -> Metrics:
    return Metrics(namespace=NAMESPACE, service=service)


def lambda_entrypoint(service: str, asgi_handler: Callable[[dict[str, Any], Any], dict[str, Any]]):  # type: ignore[no-untyped-def]
    """Wrap a Mangum handler so each invocation logs its context and flushes its metrics."""
    log = logger(service)
    mets = metrics(service)

    @mets.log_metrics
    @log.inject_lambda_context(clear_state=True)
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return asgi_handler(event, context)

    return handler
