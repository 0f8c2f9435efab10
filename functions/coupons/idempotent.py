"""Idempotent claims with Powertools' idempotency utility and its DynamoDB persistence layer.

A claim carries an ``Idempotency-Key``; the record key is a hash of (campaign, user, key), so a
retried claim returns the stored response (the same coupon) and never runs a second time, while
another user reusing the same key string gets their own claim. The record lives in the
``idempotency`` table of the **home region**, beside the stock it protects: a client that retries
through another region after a failover still finds it.

A second request with a key whose first request is still running gets
``IdempotencyAlreadyInProgressError``, which the API turns into 409 + ``Retry-After``. The
in-progress record expires after ``REQUEST_BUDGET_MS`` (the API Gateway limit), so a crashed
request cannot block its key for the whole 24 h the result is kept.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import boto3
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyItemNotFoundError,
    IdempotencyPersistenceLayerError,
)
from aws_lambda_powertools.utilities.idempotency.persistence.datarecord import STATUS_CONSTANTS

from functions.shared.config import get_settings
from functions.shared.errors import ApiError
from functions.shared.idempotency import idempotency_table_name

RESULT_TTL_SECONDS = 24 * 3600
REQUEST_BUDGET_MS = 29_000
KEY_PATTERN = r"^[A-Za-z0-9_.:-]{8,128}$"


class _RequestBudget:
    """Stands in for the Lambda context: how long a claim may run before its key is free again."""

    def get_remaining_time_in_millis(self) -> int:
        return REQUEST_BUDGET_MS


@lru_cache(maxsize=16)
def _persistence(region: str, endpoint: str | None, table: str, name: str) -> DynamoDBPersistenceLayer:
    """One persistence layer per use (Powertools configures a layer once, for one key prefix)."""
    client = boto3.client("dynamodb", region_name=region, endpoint_url=endpoint)
    return DynamoDBPersistenceLayer(table_name=table, boto3_client=client)


def _config() -> IdempotencyConfig:
    config = IdempotencyConfig(expires_after_seconds=RESULT_TTL_SECONDS, raise_on_no_idempotency_key=True)
    config.register_lambda_context(_RequestBudget())  # type: ignore[arg-type]
    return config


def _store(name: str) -> DynamoDBPersistenceLayer:
    settings = get_settings()
    return _persistence(settings.home_aws_region, settings.dynamodb_endpoint, idempotency_table_name(), name)


def recall(name: str, request: dict[str, Any]) -> dict[str, Any] | None:
    """The stored result of a completed ``request`` (one consistent read, no write), else ``None``.

    For requests that can no longer succeed anew (a sold-out sale): a retry of a claim that won
    still gets its coupon, everyone else is answered without writing an idempotency record.
    Raises the in-progress problem if the first request is still running.
    """
    store = _store(name)
    store.configure(_config(), key_prefix=name)
    try:
        record = store.get_record(request)
    except IdempotencyItemNotFoundError:
        return None
    if record is None or record.is_expired:
        return None
    if record.status == STATUS_CONSTANTS["INPROGRESS"]:
        raise _in_progress()
    return dict(record.response_json_as_dict() or {})


def _in_progress() -> ApiError:
    return ApiError(
        409,
        "claim-in-progress",
        "a claim with this Idempotency-Key is still running; retry",
        headers={"Retry-After": "1"},
    )


def once(name: str, request: dict[str, Any], run: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run ``run`` at most once per ``request`` (hashed) and return its stored result on replays."""
    store = _store(name)

    @idempotent_function(data_keyword_argument="request", persistence_store=store, config=_config(), key_prefix=name)
    def guarded(request: dict[str, Any]) -> dict[str, Any]:
        return run()

    try:
        return dict(guarded(request=request))
    except IdempotencyAlreadyInProgressError as exc:
        raise _in_progress() from exc
    except IdempotencyPersistenceLayerError as exc:
        raise ApiError(
            503,
            "idempotency-unavailable",
            "cannot record the claim right now; retry",
            headers={"Retry-After": "1"},
        ) from exc
