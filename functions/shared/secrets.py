"""Secrets for functions: the value from the environment (embedded platform, tests) or, in AWS,
from Secrets Manager through the secret's ARN in ``<NAME>_ARN`` (set by the CDK stack).

Values are read once per container and cached, so a warm invocation makes no call.
"""

from __future__ import annotations

import os
import threading
from typing import Any

_lock = threading.Lock()
_cache: dict[str, str] = {}


def secrets_client(region: str) -> Any:
    """The Secrets Manager client (a seam for tests with ``botocore.stub.Stubber``)."""
    from functions.shared.aws import aws_client

    return aws_client("secretsmanager", region)


def secret_value(name: str, arn_env: str | None = None) -> str | None:
    """``$NAME`` if set, else the secret whose ARN is in ``$NAME_ARN`` (or ``arn_env``), fetched
    once, else ``None``."""
    value = os.environ.get(name)
    if value:
        return value
    arn = os.environ.get(arn_env or f"{name}_ARN")
    if not arn:
        return None
    with _lock:
        if arn not in _cache:
            region = arn.split(":")[3] if arn.startswith("arn:") else os.environ.get("AWS_REGION", "us-east-1")
            response = secrets_client(region).get_secret_value(SecretId=arn)
            _cache[arn] = str(response["SecretString"])
        return _cache[arn]
