"""The insights consumer in AWS: in the origin, one event source mapping per folded table (and in a
residency zone's home, one per folded zone table), and a least-privilege role (its own tables
read/write, three others read-only, one EventBridge bus)."""

from __future__ import annotations

import json

import pytest

from crosslive.regions import load_regions, residency_zones
from functions.insights.streams import FOLDED_TABLES
from infra.tables import zoned_table_specs

REGIONS = {r.name: r for r in load_regions()}
ZONES = residency_zones(REGIONS.values())[0]
ZONED = {s.short_name for s in zoned_table_specs()}
HANDLER = "functions.insights.consumer.handler"
WRITES = {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"}


def _consumer(resources: dict) -> str | None:
    found = [
        k
        for k, v in resources.items()
        if v["Type"] == "AWS::Lambda::Function" and v["Properties"].get("Handler") == HANDLER
    ]
    return found[0] if found else None


def _statements(resources: dict, role: str) -> list[dict]:
    return [
        statement
        for v in resources.values()
        if v["Type"] == "AWS::IAM::Policy" and {"Ref": role} in v["Properties"]["Roles"]
        for statement in v["Properties"]["PolicyDocument"]["Statement"]
    ]


def _names(resource: object) -> str:
    return json.dumps(resource)


@pytest.mark.parametrize("region", sorted(REGIONS))
def test_the_consumer_runs_in_the_origin_only_on_the_folded_tables(template, region):
    resources = template(region, "stateless").to_json()["Resources"]
    consumer = _consumer(resources)
    homed = [z.name for z in ZONES if z.home_name == region]
    if REGIONS[region].role != "origin" and not homed:
        assert consumer is None  # global tables: the origin's streams carry every region's writes
        return
    assert consumer is not None
    mappings = [
        v["Properties"]
        for v in resources.values()
        if v["Type"] == "AWS::Lambda::EventSourceMapping" and v["Properties"]["FunctionName"] == {"Ref": consumer}
    ]
    arns = _names([m["EventSourceArn"] for m in mappings]).lower().replace("-", "")
    # a zone's copies are streamed in its home only (docs/residency.md); an edge home folds those alone
    zone_tables = [f"table{zone}{t.replace('-', '')}" for zone in homed for t in FOLDED_TABLES if t in ZONED]
    own_tables = [f"table{t.replace('-', '')}" for t in FOLDED_TABLES] if REGIONS[region].role == "origin" else []
    assert len(mappings) == len(own_tables) + len(zone_tables)
    for table in own_tables + zone_tables:
        assert table in arns, table


def test_the_consumer_role_writes_only_insights_tables_and_reads_three_others(template):
    origin = next(name for name, r in REGIONS.items() if r.role == "origin")
    resources = template(origin, "stateless").to_json()["Resources"]
    consumer = _consumer(resources)
    assert consumer is not None
    role = resources[consumer]["Properties"]["Role"]["Fn::GetAtt"][0]
    statements = _statements(resources, role)
    dynamodb = [s for s in statements if any(str(a).startswith("dynamodb:") for a in _listed(s["Action"]))]
    writers = [s for s in dynamodb if WRITES & set(_listed(s["Action"]))]
    assert writers, "the consumer writes its tables"
    for statement in writers:
        for resource in _listed(statement["Resource"]):
            assert "insights" in _names(resource).lower(), f"writes a table that is not its own: {resource}"
    readers = [
        s for s in dynamodb if "dynamodb:GetItem" in _listed(s["Action"]) and not WRITES & set(_listed(s["Action"]))
    ]
    read = _names([s["Resource"] for s in readers]).lower().replace("-", "")
    for table in ("rooms", "comments", "exchangerates"):
        assert table in read
    for other in ("coupons", "products", "stage"):
        assert f"table{other}" not in read and f"table{other}" not in _names([s["Resource"] for s in writers]).lower()
    events = [s for s in statements if "events:PutEvents" in _listed(s["Action"])]
    assert len(events) == 1  # alerts on EventBridge (functions/specs.py: aws_actions)
    assert not [s for s in statements if s.get("Resource") == "*" and "dynamodb" in _names(s["Action"])]


def test_the_insights_function_verifies_node_feeds_with_the_push_secret(template):
    origin = next(name for name, r in REGIONS.items() if r.role == "origin")
    resources = template(origin, "stateless").to_json()["Resources"]
    (function,) = [
        v
        for v in resources.values()
        if v["Type"] == "AWS::Lambda::Function" and v["Properties"].get("Handler") == "functions.insights.app.handler"
    ]
    assert "CROSSLIVE_PUSH_SECRET_ARN" in function["Properties"]["Environment"]["Variables"]


def _listed(value: object) -> list:
    return value if isinstance(value, list) else [value]


SWEEP = "functions.insights.sweep.handler"
ALERT_CHECK = "functions.insights.alert_check.handler"


@pytest.mark.parametrize("handler", [SWEEP, ALERT_CHECK], ids=["dead-node-sweep", "alert-check"])
@pytest.mark.parametrize("region", sorted(REGIONS))
def test_the_scheduled_insights_functions_run_every_minute_in_the_origin_only(template, region, handler):
    """The dead-node sweep, and the alert check (a room whose reports stopped after a drop is
    evaluated without a batch): both read the origin's node registry."""
    resources = template(region, "stateless").to_json()["Resources"]
    sweeps = [
        k
        for k, v in resources.items()
        if v["Type"] == "AWS::Lambda::Function" and v["Properties"].get("Handler") == handler
    ]
    rules = {k: v for k, v in resources.items() if v["Type"] == "AWS::Events::Rule"}
    if REGIONS[region].role != "origin":
        assert sweeps == []  # the node registry is the origin's: every region's nodes feed the origin
        assert not [r for r in rules.values() if handler in _names(r)]
        return
    (sweep,) = sweeps
    function = resources[sweep]["Properties"]
    assert function["Timeout"] == 60
    if handler == SWEEP:  # CPU-bound (one botocore request per viewer): a whole vCPU
        assert function["MemorySize"] == 1769
    # an EventBridge rule every minute targets it, and may invoke it (and nothing else does)
    (rule,) = [
        r for r in rules.values() if {"Fn::GetAtt": [sweep, "Arn"]} in [t["Arn"] for t in r["Properties"]["Targets"]]
    ]
    assert rule["Properties"]["ScheduleExpression"] == "rate(1 minute)"
    assert rule["Properties"]["State"] == "ENABLED"
    permissions = [
        v["Properties"]
        for v in resources.values()
        if v["Type"] == "AWS::Lambda::Permission" and v["Properties"]["FunctionName"] == {"Fn::GetAtt": [sweep, "Arn"]}
    ]
    assert [p["Principal"] for p in permissions] == ["events.amazonaws.com"]
    # no stream feeds it
    assert not [
        v
        for v in resources.values()
        if v["Type"] == "AWS::Lambda::EventSourceMapping" and v["Properties"]["FunctionName"] == {"Ref": sweep}
    ]


def test_the_sweep_role_touches_only_the_nodes_viewers_minutes_and_distinct_tables(template):
    origin = next(name for name, r in REGIONS.items() if r.role == "origin")
    resources = template(origin, "stateless").to_json()["Resources"]
    (sweep,) = [
        k
        for k, v in resources.items()
        if v["Type"] == "AWS::Lambda::Function" and v["Properties"].get("Handler") == SWEEP
    ]
    role = resources[sweep]["Properties"]["Role"]["Fn::GetAtt"][0]
    statements = _statements(resources, role)
    dynamodb = [s for s in statements if any(str(a).startswith("dynamodb:") for a in _listed(s["Action"]))]
    touched = _names([s["Resource"] for s in dynamodb]).lower().replace("-", "")
    for table in ("insightsnodes", "insightsviewers", "insightsminutes", "insightsdistinct"):
        assert table in touched, table
    for other in ("insightsnonces", "insightsshows", "insightscampaigns", "insightsalerts", "rooms", "comments"):
        assert f"table{other}" not in touched, other
    assert not [s for s in dynamodb if "dynamodb:GetRecords" in _listed(s["Action"])]  # no stream
    assert not [s for s in statements if "events:PutEvents" in _listed(s["Action"])]
    assert not [s for s in statements if "secretsmanager:GetSecretValue" in _listed(s["Action"])]
    assert "CROSSLIVE_PUSH_SECRET_ARN" not in resources[sweep]["Properties"]["Environment"]["Variables"]
