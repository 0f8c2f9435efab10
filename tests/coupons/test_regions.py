"""Across regions: claims arriving in two regions at once never oversell.

Two regions are simulated on the embedded DynamoDB (moto keeps a separate backend per region,
like two replicas of a global table). The campaign's stock is replicated to both before the
burst, as a global table would have done. Then claimers hit both regions at once:

* the naive design (each region decrements its own replica, replication reconciles later,
  last writer wins) grants more than the stock;
* the crosslive design (every region's coupon function writes to the campaign's home region,
  ``CROSSLIVE_HOME_AWS_REGION``) grants exactly the stock, and one user gets one coupon even
  when their two devices claim in two regions at the same moment.
"""

from __future__ import annotations

import secrets
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from functions.coupons.claims import claim_coupon as claim_in
from functions.coupons.claims import create_stock, remaining_by_shard
from functions.coupons.models import Campaign
from functions.coupons.store import CouponStore, bound_store, home_store
from functions.shared.config import settings_from_env
from functions.shared.errors import DomainError

HOME, EDGE = "us-east-1", "eu-central-1"
STOCK = 12


@pytest.fixture(scope="module")
def regions(embedded):
    """Settings of a function in each region (same home), and the edge replica's tables."""
    base = {**embedded.environment(), "CROSSLIVE_HOME_AWS_REGION": HOME}
    home_settings = settings_from_env({**base, "AWS_REGION": HOME})
    edge_settings = settings_from_env({**base, "AWS_REGION": EDGE})
    edge = bound_store(EDGE, edge_settings)
    for model in (edge.shards, edge.holdings, edge.coupons):
        if not model.exists():
            model.create_table(billing_mode="PAY_PER_REQUEST", wait=True)
    return home_settings, edge_settings


def _campaign(per_user_limit: int = 1) -> Campaign:
    return Campaign(
        f"xr-{secrets.token_hex(6)}",
        room_id="r",
        merchant_sub="m",
        markets=["ID"],
        currency="IDR",
        stock=STOCK,
        shards=4,
        per_user_limit=per_user_limit,
    )


def _replicate_stock(source: CouponStore, target: CouponStore, campaign: Campaign) -> None:
    """What global-table replication did before the burst: copy every shard item."""
    for shard, remaining in remaining_by_shard(source, campaign, consistent=True).items():
        target.shards(
            f"{campaign.campaign_id}#{shard:03d}",
            campaign_id=campaign.campaign_id,
            remaining=remaining,
            initial=remaining,
        ).save()


def _burst(stores: dict[str, CouponStore], campaign: Campaign, users: list[str]) -> list[str]:
    """Every user claims in every region at the same moment; returns the granted coupon ids."""
    granted: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(len(users) * len(stores))

    def attempt(job: tuple[str, str]) -> None:
        region, user = job
        start.wait()
        try:
            coupon = claim_in(stores[region], campaign, user, "ID")
        except DomainError:
            return
        with lock:
            granted.append(coupon.code_id)

    jobs = [(region, user) for user in users for region in stores]
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        list(pool.map(attempt, jobs))
    return granted


def test_naive_per_region_writes_oversell(regions):
    home_settings, edge_settings = regions
    # GIVEN each region writing its own replica of the stock
    local = {HOME: bound_store(HOME, home_settings), EDGE: bound_store(EDGE, edge_settings)}
    campaign = _campaign()
    create_stock(local[HOME], campaign.campaign_id, STOCK, 4)
    _replicate_stock(local[HOME], local[EDGE], campaign)
    # WHEN 10 users claim in both regions at once
    granted = _burst(local, campaign, [f"naive-{i}" for i in range(10)])
    # THEN each region's conditional writes passed on its own replica: more coupons than units,
    # and some users got one per region despite a limit of 1
    assert len(granted) > STOCK, granted
    assert len(granted) > 10  # some of the 10 users hold two coupons despite the limit of 1


def test_home_region_writes_never_oversell(regions):
    home_settings, edge_settings = regions
    # GIVEN the coupon function of each region, each resolving where coupon state is written
    fronts = {HOME: home_store(home_settings), EDGE: home_store(edge_settings)}
    assert fronts[EDGE].region == HOME  # the edge writes to the campaign's home region
    campaign = _campaign()
    create_stock(fronts[HOME], campaign.campaign_id, STOCK, 4)
    _replicate_stock(fronts[HOME], bound_store(EDGE, edge_settings), campaign)
    # WHEN the same burst arrives in both regions
    users = [f"home-{i}" for i in range(10)]
    granted = _burst(fronts, campaign, users)
    # THEN one coupon per user (limit 1), though each claimed in two regions at once
    assert len(granted) == len(users) <= STOCK
    assert sum(remaining_by_shard(fronts[HOME], campaign, consistent=True).values()) == STOCK - len(users)
    # and with more claimers than units, exactly the stock is granted
    crowd = _burst(fronts, campaign, [f"crowd-{i}" for i in range(8)])
    assert len(granted) + len(crowd) == STOCK
