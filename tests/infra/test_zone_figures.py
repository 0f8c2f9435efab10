"""Insights' zone figures in AWS: a residency zone's distinct sets and viewers are counted in the
zone's home only, fed by the zone copies' streams, by a function that may write nothing but the
counts (``functions/insights/zone_figures.py``, docs/residency.md)."""

from __future__ import annotations

import json

import pytest

from crosslive.regions import load_regions, residency_zones
from functions.insights.streams import WINBACK_BATCH_SECONDS

REGIONS = {r.name: r for r in load_regions()}
ZONES = residency_zones(REGIONS.values())[0]
HANDLER = "functions.insights.zone_figures.handler"
WRITES = {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"}


def _listed(value: object) -> list:
    return value if isinstance(value, list) else [value]


def _function(resources: dict) -> str | None:
    found = [
        k
        for k, v in resources.items()
        if v["Type"] == "AWS::Lambda::Function" and v["Properties"].get("Handler") == HANDLER
    ]
    assert len(found) <= 1
    return found[0] if found else None


@pytest.mark.parametrize("region", sorted(REGIONS))
def test_the_zone_figures_run_in_each_zone_home_only_on_the_zone_copies_streams(template, region):
    resources = template(region, "stateless").to_json()["Resources"]
    function = _function(resources)
    homed = [z.name for z in ZONES if z.home_name == region]
    if not homed:
        assert function is None, region  # nothing of a zone's to count outside its home
        return
    assert function is not None
    mappings = {
        json.dumps(v["Properties"]["EventSourceArn"]).lower().replace("-", ""): v["Properties"]
        for v in resources.values()
        if v["Type"] == "AWS::Lambda::EventSourceMapping" and v["Properties"]["FunctionName"] == {"Ref": function}
    }
    assert len(mappings) == 2 * len(homed)
    for zone in homed:
        (distinct,) = [m for arn, m in mappings.items() if f"table{zone}insightsdistinct" in arn]
        (viewers,) = [m for arn, m in mappings.items() if f"table{zone}insightsviewers" in arn]
        # the live panel's distinct counts at once; the win-back counts at most every 30 s per batch
        assert "MaximumBatchingWindowInSeconds" not in distinct
        assert viewers["MaximumBatchingWindowInSeconds"] == WINBACK_BATCH_SECONDS == 30
        assert viewers["StartingPosition"] == "LATEST" and viewers["BisectBatchOnFunctionError"] is True


def test_the_zone_copies_of_the_counted_tables_have_streams_and_the_default_copies_keep_theirs(template):
    for zone in ZONES:
        tables = template(zone.home_name, "stateful").find_resources("AWS::DynamoDB::GlobalTable")
        for short in ("insights-distinct", "insights-viewers"):
            (table,) = [t for t in tables.values() if t["Properties"]["TableName"] == f"crosslive-{zone.name}-{short}"]
            assert table["Properties"]["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}


def test_the_zone_figures_role_reads_the_zones_sets_and_writes_only_the_counts_in_the_origin(template):
    origin = next(r for r in REGIONS.values() if r.role == "origin")
    for zone in ZONES:
        resources = template(zone.home_name, "stateless").to_json()["Resources"]
        function = _function(resources)
        assert function is not None
        role = resources[function]["Properties"]["Role"]["Fn::GetAtt"][0]
        statements = [
            statement
            for v in resources.values()
            if v["Type"] == "AWS::IAM::Policy" and {"Ref": role} in v["Properties"]["Roles"]
            for statement in v["Properties"]["PolicyDocument"]["Statement"]
        ]
        dynamodb = [s for s in statements if any(str(a).startswith("dynamodb:") for a in _listed(s["Action"]))]
        writes = json.dumps([s["Resource"] for s in dynamodb if WRITES & set(_listed(s["Action"]))])
        reads = json.dumps([s["Resource"] for s in dynamodb if "dynamodb:Query" in _listed(s["Action"])]).lower()
        # writes: the counts table, in the origin (and this region's copy, never written from here)
        assert "insights-zone-figures" in writes and origin.aws_region in writes
        for other in ("insights-distinct", "insights-viewers", "insights-minutes", "comments", "coupon"):
            assert other not in writes, other
        # reads: the zone's own copies of the sets and viewers (the home's stateful tables)
        for short in ("insights-distinct", "insights-viewers"):
            assert f"table{zone.name}{short.replace('-', '')}" in reads, short
        assert not [s for s in statements if s.get("Resource") == "*" and "dynamodb" in json.dumps(s["Action"])]
