"""Idempotency: the one meaning of the word in crosslive, for every route that takes a key.

A client sends ``Idempotency-Key`` (draft-ietf-httpapi-idempotency-key-header) with a request that
must happen at most once (a claim, a comment) and sends the same key when it retries. The
request's **outcome** is then a function of the key:

* ``idempotency_key`` is the one validation of the header (8-128 of ``[A-Za-z0-9_.:-]``): missing
  is 400 ``idempotency-key-required``, malformed 400 ``invalid-idempotency-key``.
* ``IdempotencyRecord`` is the one record: ``id`` names the request (``record_id``: the route's
  kind, the caller and the key, so another user's same key is another request), ``status`` is
  ``done`` (``data``: what the route needs to answer again, e.g. the coupon or comment id) or
  ``refused`` (``data``: the problem it answered), ``fingerprint`` the request body's hash
  (the same key with another body is 422 ``idempotency-key-reused``). A record is written once,
  with ``attribute_not_exists(id)``, and a ``done`` record in the **same transaction** as the
  write it stands for, so it exists if and only if the write happened: a retry after a lost
  answer, an SDK retry of an applied transaction or a concurrent duplicate all find it and answer
  with the stored result (the same coupon, the same comment), never a second write and never a
  different refusal.
* Records expire after ``RESULT_TTL_SECONDS`` (DynamoDB TTL on ``expiration``).

The table is regional; a function whose writes live in another region (coupons: the home region)
binds this model there, beside what it protects.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from typing import Annotated, Any

from fastapi import Depends, Header
from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from functions.shared.db import TableModel, table_meta
from functions.shared.errors import BadRequest, DomainError, Invalid, status_of

RESULT_TTL_SECONDS = 24 * 3600
KEY_PATTERN = r"^[A-Za-z0-9_.:-]{8,128}$"
_KEY = re.compile(KEY_PATTERN)
DONE, REFUSED = "done", "refused"


class IdempotencyRecord(TableModel):
    """What one keyed request did (see the module docstring)."""

    Meta = table_meta("idempotency", replicated=False, ttl_attribute="expiration", zoned=True)

    id = UnicodeAttribute(hash_key=True)
    status = UnicodeAttribute(null=True)
    data = UnicodeAttribute(null=True)
    fingerprint = UnicodeAttribute(null=True)
    expiration = NumberAttribute(null=True)


def idempotency_table_name() -> str:
    return str(IdempotencyRecord.Meta.table_name)


def idempotency_key(
    value: Annotated[
        str | None,
        Header(alias="Idempotency-Key", description="a fresh id per intended request; a retry sends the same one"),
    ] = None,
) -> str:
    """FastAPI dependency: the request's ``Idempotency-Key``, validated (400 when missing or malformed)."""
    if value is None or not value:
        raise BadRequest("idempotency-key-required", "send an Idempotency-Key header (a fresh id per request)")
    if not _KEY.match(value):
        raise BadRequest("invalid-idempotency-key", "Idempotency-Key must be 8-128 of A-Z a-z 0-9 _ . : -")
    return value


IdempotencyKey = Annotated[str, Depends(idempotency_key)]


def record_id(kind: str, *parts: str) -> str:
    """The record id of a request: ``kind`` plus a hash of who asked with which key (and scope)."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:40]
    return f"{kind}#{digest}"


def fingerprint(*parts: Any) -> str:
    """A hash of the request's meaningful content (the same key with another body is refused)."""
    canonical = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def done_record(
    model: type[IdempotencyRecord], rid: str, data: dict[str, Any], print_: str = ""
) -> IdempotencyRecord:
    """The ``done`` record to save in the transaction of the write it stands for."""
    return model(
        rid,
        status=DONE,
        data=json.dumps(data, separators=(",", ":")),
        fingerprint=print_,
        expiration=int(time.time()) + RESULT_TTL_SECONDS,
    )


def find(model: type[IdempotencyRecord], rid: str) -> IdempotencyRecord | None:
    """The request's record, if it has one (a consistent read)."""
    try:
        return model.get(rid, consistent_read=True)
    except model.DoesNotExist:
        return None


def check_fingerprint(record: IdempotencyRecord, print_: str) -> None:
    if record.fingerprint and print_ and record.fingerprint != print_:
        raise Invalid("idempotency-key-reused", "this Idempotency-Key was used for a different request")


def result_of(record: IdempotencyRecord) -> dict[str, Any]:
    """A ``done`` record's data; a ``refused`` record raises the refusal it stored."""
    data = json.loads(record.data or "{}")
    if record.status == REFUSED:
        raise stored_refusal(data)
    return dict(data)


def refuse(model: type[IdempotencyRecord], rid: str, error: DomainError, print_: str = "") -> DomainError:
    """Store ``error`` as the request's outcome, unless it already has one; returns what to raise.

    If a concurrent attempt with the same key recorded first, its outcome wins (``result_of``
    raises a stored refusal; a ``done`` record is returned to the caller as the error's
    ``record`` attribute to answer with).
    """
    data = {"status": status_of(error), "kind": type(error).__name__, "code": error.code, "detail": error.detail}
    data.update({k: v for k, v in error.extra.items() if isinstance(v, str | int | float | bool)})
    record = model(
        rid,
        status=REFUSED,
        data=json.dumps(data, separators=(",", ":")),
        fingerprint=print_,
        expiration=int(time.time()) + RESULT_TTL_SECONDS,
    )
    try:
        record.save(condition=model.id.does_not_exist())
    except Exception as exc:  # the record exists (a concurrent attempt), or the write failed
        existing = find(model, rid)
        if existing is None:
            raise exc from None
        if existing.status == REFUSED:
            return stored_refusal(json.loads(existing.data or "{}"))
        raise AlreadyDone(existing) from exc
    return error


class AlreadyDone(Exception):
    """The request's key already has a ``done`` outcome: answer with it."""

    def __init__(self, record: IdempotencyRecord) -> None:
        super().__init__(record.id)
        self.record = record


def stored_refusal(data: dict[str, Any]) -> DomainError:
    """The refusal a record stored, rebuilt as the same kind of domain error."""
    from functions.shared import errors

    kind = getattr(errors, str(data.get("kind", "")), None)
    if not (isinstance(kind, type) and issubclass(kind, DomainError)):
        kind = DomainError
    extra = {k: v for k, v in data.items() if k not in ("status", "kind", "code", "detail")}
    return kind(str(data.get("code", "refused")), str(data.get("detail", "")), **extra)
