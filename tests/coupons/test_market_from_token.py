"""The claim path takes the viewer's market only from the verified token.

The market decides eligibility, prices and which rules apply, so nothing a viewer sends besides
their signed token (a query, header or body field, or an edited token) may move them to another
market. In AWS the user pool makes ``custom:market`` immutable to users (tests/infra: deploy).
"""

from __future__ import annotations

import base64
import json

from .coupon_helpers import new_key


def _claim_url(campaign) -> str:
    return f"/v1/coupons/rooms/{campaign['room_id']}/campaigns/{campaign['campaign_id']}/claims"


def test_a_viewer_cannot_claim_as_another_market_by_saying_so(client, auth, create_campaign):
    # GIVEN an ID-only campaign and a viewer whose verified market is DE
    campaign = create_campaign()  # ID only
    headers = {**auth("viewer", sub="market-mover", market="DE"), "Idempotency-Key": new_key()}
    # WHEN they claim while naming ID everywhere a request can name it
    response = client.post(
        _claim_url(campaign),
        params={"market": "ID"},
        json={"market": "ID", "custom:market": "ID"},
        headers={**headers, "X-Market": "ID", "CloudFront-Viewer-Country": "ID"},
    )
    # THEN the token's market decides: not eligible, and no coupon is theirs
    assert response.status_code == 403, response.text
    assert response.json()["code"] == "market-not-eligible"
    mine = client.get("/v1/coupons/mine", headers=auth("viewer", sub="market-mover", market="DE")).json()
    assert mine == []


def test_an_edited_market_claim_in_the_token_is_401(client, embedded, create_campaign):
    # GIVEN a viewer's real DE token, edited to say ID (the signature no longer matches)
    campaign = create_campaign()
    header, payload, signature = embedded.issuer.issue("market-editor", "viewer", market="DE").split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["custom:market"] = "ID"
    edited = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    # WHEN it claims
    response = client.post(
        _claim_url(campaign),
        headers={"Authorization": f"Bearer {header}.{edited}.{signature}", "Idempotency-Key": new_key()},
    )
    # THEN it is refused as a bad token
    assert response.status_code == 401


def test_the_coupon_is_bound_to_the_tokens_market(client, auth, create_campaign):
    campaign = create_campaign()
    response = client.post(
        _claim_url(campaign),
        params={"market": "DE"},
        headers={**auth("viewer", sub="market-id", market="id"), "Idempotency-Key": new_key(), "X-Market": "DE"},
    )
    assert response.status_code == 201, response.text
    assert response.json()["market"] == "ID"
