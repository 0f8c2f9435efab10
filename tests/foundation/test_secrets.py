"""Secrets come from the environment locally and from Secrets Manager (by ARN) in AWS."""

from __future__ import annotations

from datetime import UTC, datetime

import boto3
import pytest
from botocore.stub import Stubber

from functions.shared import secrets, signing

ARN = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:crosslive/push-secret-AbCdEf"


@pytest.fixture
def stubbed(monkeypatch):
    client = boto3.client(
        "secretsmanager", region_name="eu-central-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    stubber = Stubber(client)
    regions = []

    def factory(region):
        regions.append(region)
        return client

    monkeypatch.setattr(secrets, "secrets_client", factory)
    secrets._cache.clear()
    with stubber:
        yield stubber, regions
    secrets._cache.clear()


def test_the_value_wins_over_the_arn(monkeypatch, stubbed):
    monkeypatch.setenv("CROSSLIVE_PUSH_SECRET", "from-env")
    monkeypatch.setenv("CROSSLIVE_PUSH_SECRET_ARN", ARN)
    assert secrets.secret_value("CROSSLIVE_PUSH_SECRET") == "from-env"


def test_the_arn_is_read_once_from_its_own_region(monkeypatch, stubbed):
    stubber, regions = stubbed
    monkeypatch.delenv("CROSSLIVE_PUSH_SECRET", raising=False)
    monkeypatch.setenv("CROSSLIVE_PUSH_SECRET_ARN", ARN)
    # Real GetSecretValue response shape.
    stubber.add_response(
        "get_secret_value",
        {
            "ARN": ARN,
            "Name": "crosslive/push-secret",
            "VersionId": "EXAMPLE1-90ab-cdef-fedc-ba987EXAMPLE",
            "SecretString": "s3cr3t-from-aws",
            "VersionStages": ["AWSCURRENT"],
            "CreatedDate": datetime(2026, 11, 21, tzinfo=UTC),
        },
        {"SecretId": ARN},
    )
    assert secrets.secret_value("CROSSLIVE_PUSH_SECRET") == "s3cr3t-from-aws"
    assert secrets.secret_value("CROSSLIVE_PUSH_SECRET") == "s3cr3t-from-aws"  # cached: one call only
    assert regions == ["eu-central-1"]
    stubber.assert_no_pending_responses()


def test_push_signatures_use_the_secret_from_secrets_manager(monkeypatch, stubbed):
    stubber, _ = stubbed
    monkeypatch.delenv("CROSSLIVE_PUSH_SECRET", raising=False)
    monkeypatch.setenv("CROSSLIVE_PUSH_SECRET_ARN", ARN)
    stubber.add_response("get_secret_value", {"ARN": ARN, "Name": "n", "SecretString": "k" * 32}, {"SecretId": ARN})
    header = signing.sign(b"batch", now=1_000_000)
    signing.verify(header, b"batch", now=1_000_001)
    with pytest.raises(signing.SignatureError):
        signing.verify(header, b"tampered", now=1_000_001)


def test_a_missing_secret_is_refused_outside_the_embedded_platform(monkeypatch):
    from functions.shared.config import get_settings

    monkeypatch.delenv("CROSSLIVE_PUSH_SECRET", raising=False)
    monkeypatch.delenv("CROSSLIVE_PUSH_SECRET_ARN", raising=False)
    monkeypatch.setenv("CROSSLIVE_STAGE", "prod")
    get_settings.cache_clear()
    try:
        with pytest.raises(signing.SignatureError):
            signing.push_secret()
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
