"""Idempotent claims under concurrent duplicates, and the coupon signing key's sources."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest
from botocore.stub import Stubber

from functions.coupons import codes
from functions.coupons.campaigns import load_campaign
from functions.coupons.claims import remaining_by_shard
from functions.coupons.store import home_store
from functions.shared import secrets as shared_secrets

from .coupon_helpers import new_key


def test_concurrent_duplicates_of_one_key_yield_one_coupon(create_campaign, claim):
    # GIVEN one claimer whose app fires the same request 8 times at once (limit 3, so only
    # idempotency, not the per-user limit, can keep this to one coupon)
    campaign = create_campaign(stock=20, per_user_limit=3)
    key = new_key()
    with ThreadPoolExecutor(max_workers=8) as pool:
        first = list(pool.map(lambda _: claim(campaign, sub="double-tap", key=key), range(8)))
    # THEN every one of them is answered with the same coupon (claims keep no in-progress state:
    # the outcome is a function of the key); a 503 (contention) is retried with the key
    deadline = time.time() + 10
    codes_seen = set()
    for response in first:
        assert response.status_code in (201, 503), response.text
        while response.status_code == 503 and time.time() < deadline:
            time.sleep(0.05)
            response = claim(campaign, sub="double-tap", key=key)
        assert response.status_code == 201, response.text
        codes_seen.add(response.json()["code"])
    assert len(codes_seen) == 1
    stock = remaining_by_shard(home_store(), load_campaign(campaign["campaign_id"]), consistent=True)
    assert sum(stock.values()) == 19


def test_a_refused_claim_is_not_remembered_as_a_success(create_campaign, claim):
    now = time.time()
    campaign = create_campaign(flash={"start": now + 1.0, "end": now + 600})
    key = new_key()
    assert claim(campaign, sub="eager", key=key).json()["code"] == "claims-not-open"
    time.sleep(max(0.0, now + 1.05 - time.time()))
    assert claim(campaign, sub="eager", key=key).status_code == 201


def test_key_from_environment_hex_or_base64(monkeypatch):
    monkeypatch.setenv(codes.ENV_COUPON_KEY, "11" * 32)
    a = codes.issue_code("A" * 22, "c", "u")
    same_bytes_base64url = "ERERERERERERERERERERERERERERERERERERERERERE"
    monkeypatch.setenv(codes.ENV_COUPON_KEY, same_bytes_base64url)
    assert codes.issue_code("A" * 22, "c", "u") == a
    monkeypatch.setenv(codes.ENV_COUPON_KEY, "22" * 32)
    assert codes.issue_code("A" * 22, "c", "u") != a
    monkeypatch.setenv(codes.ENV_COUPON_KEY, "abcd")
    with pytest.raises(RuntimeError):
        codes.signing_key()


def test_key_from_secrets_manager(monkeypatch):
    arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:crosslive/coupon-key-AbCdEf"
    client = boto3.client("secretsmanager", region_name="us-east-1")
    stub = Stubber(client)
    stub.add_response(
        "get_secret_value",
        {
            "ARN": arn,
            "Name": "crosslive/coupon-key",
            "VersionId": "EXAMPLE1-90ab-cdef-fedc-ba987SECRET1",
            "SecretString": "33" * 32,
            "VersionStages": ["AWSCURRENT"],
            "CreatedDate": 1_700_000_000,
        },
        {"SecretId": arn},
    )
    monkeypatch.delenv(codes.ENV_COUPON_KEY, raising=False)
    monkeypatch.setenv(codes.ENV_COUPON_KEY_SECRET_ARN, arn)
    monkeypatch.setattr(shared_secrets, "secrets_client", lambda region: client)
    with stub:
        assert codes.signing_key() == bytes.fromhex("33" * 32)
    stub.assert_no_pending_responses()


def test_malformed_codes_are_refused_before_any_lookup():
    a22 = "A" * 22
    bad_codes = (
        "",
        "CPN1",
        "CPN1..",
        f"CPN2.{a22}.{a22}",
        f"CPN1.{a22[1:]}.{a22}",
        f"CPN1.{a22}.{a22}" + "x" * 100,
        "CPN1." + "+" * 22 + "." + a22,
    )
    for bad in bad_codes:
        with pytest.raises(Exception) as info:
            codes.parse_code(bad)
        assert getattr(info.value, "code", None) == "coupon-code-malformed"
