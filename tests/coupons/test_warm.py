"""The first claim of a process does not pay for creating its DynamoDB clients.

Each new botocore client parses botocore's endpoint data: seconds on a busy machine, which the
first claim used to pay (issue 16: ~18 s with a browser and media nodes on two cores). Reading a
room's campaigns (what a viewer page does before anyone can claim) now creates the claim path's
clients in the background (functions/coupons/warm.py).
"""

from __future__ import annotations

import time

from functions.coupons import store, warm


def test_reading_campaigns_prepares_the_claim_paths_clients(client, shop, create_campaign):
    created = create_campaign()
    store._store.cache_clear()  # a process that has not claimed yet
    warm._started.clear()
    fresh = store.home_store()
    assert fresh.connection._client is None

    listed = client.get(f"/v1/coupons/rooms/{shop['room_id']}/campaigns", params={"market": "ID"})
    assert listed.status_code == 200 and listed.json()[0]["campaign_id"] == created["campaign_id"]

    def ready() -> bool:
        return fresh.connection._client is not None and fresh.requests._get_connection().connection._client is not None

    deadline = time.monotonic() + 30
    while not ready() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert fresh.connection._client is not None
    assert fresh.shards._get_connection().connection._client is not None
    assert fresh.requests._get_connection().connection._client is not None  # the claim's idempotency records
    assert warm._started.is_set()
