"""DynamoDB faults injected under the functions, where the network would be (tests, dev only).

``FaultInjector`` plugs into the embedded DynamoDB's in-process transport
(``crosslive.dev.dynamodb.IN_PROCESS.faults``), so a fault reaches PynamoDB and botocore exactly
as one from AWS would: below botocore's retries, which retry it as they would in Lambda. Three
kinds, as DynamoDB produces them:

* ``throttle``: 400 ``ThrottlingException``, nothing applied;
* ``server-error``: 500 ``InternalServerError``, nothing applied;
* ``timeout-after-write``: the request is applied, then its answer is lost (``ReadTimeoutError``):
  the case where the client cannot know whether its write happened.

``rate`` is the share of targeted requests (by default the writes: ``PutItem``,
``TransactWriteItems``, ``UpdateItem``) that fail. With ``lasting=True`` a failing request fails on
every attempt botocore makes (the attempts share the ``amz-sdk-invocation-id`` header), so the
fault outlasts the retries and reaches the function; otherwise each attempt draws anew, so most
faults are absorbed by the retries.
"""

from __future__ import annotations

import json
import random
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.exceptions import ReadTimeoutError

from crosslive.dev.dynamodb import ResponseBody

KINDS = ("throttle", "server-error", "timeout-after-write")
WRITES = ("PutItem", "TransactWriteItems", "UpdateItem")
_ERRORS = {
    "throttle": (
        400,
        "com.amazonaws.dynamodb.v20120810#ThrottlingException",
        "Rate of requests exceeds the allowed throughput.",
    ),
    "server-error": (500, "com.amazonaws.dynamodb.v20120810#InternalServerError", "Internal server error"),
}


class FaultInjector:
    """Fail a share of DynamoDB requests (see the module docstring); counts what it did."""

    def __init__(
        self,
        rate: float,
        *,
        kinds: Iterable[str] = KINDS,
        operations: Iterable[str] = WRITES,
        lasting: bool = False,
        seed: int | None = None,
    ) -> None:
        self.rate = rate
        self.kinds = tuple(kinds)
        self.operations = frozenset(operations)
        self.lasting = lasting
        self.injected: Counter[str] = Counter()
        self.passed = 0
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._doomed: dict[str, str] = {}  # invocation id -> the kind every attempt of it gets

    def _decide(self, request: AWSPreparedRequest) -> str | None:
        target = str(request.headers.get("X-Amz-Target", b"") or "")
        operation = target.rsplit(".", 1)[-1].strip("'")
        if operation not in self.operations:
            return None
        invocation = request.headers.get("amz-sdk-invocation-id")
        key = invocation.decode() if isinstance(invocation, bytes) else str(invocation or "")
        with self._lock:
            if self.lasting and key in self._doomed:
                return self._doomed[key]
            if self._rng.random() >= self.rate:
                return None
            kind = self._rng.choice(self.kinds)
            if self.lasting and key:
                if len(self._doomed) > 100_000:
                    self._doomed.clear()
                self._doomed[key] = kind
            return kind

    def around(self, request: AWSPreparedRequest, serve: Callable[[], AWSResponse]) -> AWSResponse:
        kind = self._decide(request)
        if kind is None:
            self.passed += 1
            return serve()
        with self._lock:
            self.injected[kind] += 1
        if kind == "timeout-after-write":
            serve()  # applied ...
            raise ReadTimeoutError(endpoint_url=request.url)  # ... and its answer lost
        status, error_type, message = _ERRORS[kind]
        body = json.dumps({"__type": error_type, "message": message}).encode()
        headers = {"Content-Type": "application/x-amz-json-1.0", "x-amzn-ErrorType": error_type.rsplit("#", 1)[1]}
        return AWSResponse(request.url, status, headers, ResponseBody(body))  # type: ignore[arg-type]


@contextmanager
def injected(injector: FaultInjector) -> Iterator[FaultInjector]:
    """Install ``injector`` on the embedded DynamoDB's in-process transport for the block."""
    from crosslive.dev.dynamodb import IN_PROCESS

    previous = IN_PROCESS.faults
    IN_PROCESS.faults = injector
    try:
        yield injector
    finally:
        IN_PROCESS.faults = previous
