"""The fan-out consumes the rooms, stage and coupon streams too (live signals), with exact-ARN IAM."""

from __future__ import annotations

import json

import pytest

from crosslive.regions import load_regions, residency_zones
from functions.fanout.dispatch import PRODUCERS
from functions.insights.streams import FOLDED_TABLES
from infra.tables import all_table_specs

REGIONS = {r.name: r for r in load_regions()}
FANOUT_HANDLER = "functions.fanout.handler.handler"
INSIGHTS_HANDLER = "functions.insights.consumer.handler"
STREAM_ACTIONS = {"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"}
SIGNAL_TABLES = tuple(t for t in PRODUCERS if t not in ("comments", "insights-alerts"))  # viewers' live signals
STREAMED = tuple(PRODUCERS)  # what the fan-out reads: comments, the signals and the merchant's alerts
ZONES = residency_zones(REGIONS.values())[0]
ZONED = {s.short_name for s in all_table_specs() if s.zoned}


def _fanout_streams(region: str) -> list[str]:
    """The fan-out's streams in ``region``: its own tables', and in a zone home the zone's copies'."""
    homed = [z.name for z in ZONES if z.home_name == region]
    return sorted([*STREAMED, *(f"{zone}:{t}" for zone in homed for t in STREAMED if t in ZONED)])


def _fanout_id(resources: dict) -> str:
    (logical_id,) = [
        k
        for k, v in resources.items()
        if v["Type"] == "AWS::Lambda::Function" and v["Properties"].get("Handler") == FANOUT_HANDLER
    ]
    return logical_id


def _table_of(arn: dict, resources: dict) -> str:
    """Which table an EventSourceArn / policy resource points at (origin: export, edge: lookup)."""
    if "Fn::ImportValue" in arn:  # the origin's own global table: an export of its stateful stack
        export = arn["Fn::ImportValue"]
        for zone in ZONES:  # a zone's copy, created by its home (docs/residency.md): "eu:comments"
            for t in sorted(STREAMED, key=len, reverse=True):
                if f"Table{zone.name}{t.replace('-', '')}" in export:
                    return f"{zone.name}:{t}"
        return next(t for t in sorted(STREAMED, key=len, reverse=True) if f"Table{t.replace('-', '')}" in export)
    lookup = resources[arn["Fn::GetAtt"][0]]  # an edge's replica: DescribeTable at deploy time
    assert lookup["Type"] == "Custom::AWS" and arn["Fn::GetAtt"][1] == "Table.LatestStreamArn"
    call = json.loads(lookup["Properties"]["Update"])
    assert call["action"] == "describeTable"
    return str(call["parameters"]["TableName"]).removeprefix("crosslive-")


def test_every_signal_table_is_streamed_by_its_model():
    specs = {spec.short_name: spec for spec in all_table_specs()}
    assert set(SIGNAL_TABLES) == {"rooms", "stage", "coupon-campaigns", "coupon-stock"}
    assert all(specs[t].stream for t in STREAMED)
    # every streamed table has a consumer: a fan-out producer or the insights fold (infra maps
    # each of their tables to them), and each consumer's tables are streamed
    assert {t for t, spec in specs.items() if spec.stream} == set(PRODUCERS) | set(FOLDED_TABLES)


@pytest.mark.parametrize("region", sorted(REGIONS))
def test_the_fanout_has_one_event_source_mapping_per_streamed_table(template, region):
    resources = template(region, "stateless").to_json()["Resources"]
    fanout = _fanout_id(resources)
    mappings = [
        v["Properties"]
        for v in resources.values()
        if v["Type"] == "AWS::Lambda::EventSourceMapping" and v["Properties"]["FunctionName"] == {"Ref": fanout}
    ]
    assert sorted(_table_of(m["EventSourceArn"], resources) for m in mappings) == _fanout_streams(region)
    for mapping in mappings:
        assert mapping["StartingPosition"] == "LATEST"
        assert mapping["BatchSize"] == 100
        assert mapping["BisectBatchOnFunctionError"] is True


@pytest.mark.parametrize("region", sorted(REGIONS))
def test_the_fanout_reads_exactly_those_streams(template, region):
    resources = template(region, "stateless").to_json()["Resources"]
    fanout = _fanout_id(resources)
    role = resources[fanout]["Properties"]["Role"]["Fn::GetAtt"][0]
    statements = [
        s
        for v in resources.values()
        if v["Type"] == "AWS::IAM::Policy" and {"Ref": role} in v["Properties"]["Roles"]
        for s in v["Properties"]["PolicyDocument"]["Statement"]
        if "dynamodb:GetRecords" in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])
    ]
    (statement,) = statements
    assert set(statement["Action"]) == STREAM_ACTIONS
    assert "*" not in json.dumps(statement["Resource"])
    assert sorted(_table_of(arn, resources) for arn in statement["Resource"]) == _fanout_streams(region)


@pytest.mark.parametrize("region", sorted(REGIONS))
def test_edge_replica_lookups_are_scoped_to_their_own_table(template, region):
    resources = template(region, "stateless").to_json()["Resources"]
    lookups = {k: v for k, v in resources.items() if v["Type"] == "Custom::AWS"}
    if REGIONS[region].role == "origin":
        assert lookups == {}  # the origin owns the tables: their stream ARNs are stack references
        return
    tables = sorted(json.loads(v["Properties"]["Update"])["parameters"]["TableName"] for v in lookups.values())
    assert tables == sorted(f"crosslive-{t}" for t in STREAMED)
    for lookup in lookups.values():
        (policy,) = [resources[d] for d in lookup["DependsOn"] if resources[d]["Type"] == "AWS::IAM::Policy"]
        (statement,) = policy["Properties"]["PolicyDocument"]["Statement"]
        assert statement["Action"] == "dynamodb:DescribeTable"
        assert "*" not in json.dumps(statement["Resource"])


@pytest.mark.parametrize("table", SIGNAL_TABLES)
def test_the_origin_tables_carry_new_and_old_images(template, table):
    stateful = template("singapore", "stateful").to_json()["Resources"]
    (props,) = [
        v["Properties"]
        for v in stateful.values()
        if v["Type"] == "AWS::DynamoDB::GlobalTable" and v["Properties"]["TableName"] == f"crosslive-{table}"
    ]
    assert props["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}


@pytest.mark.parametrize("region", sorted(REGIONS))
def test_the_rooms_stream_feeds_the_fanout_in_every_region(template, region):
    """The room status signal: the rooms table's stream (the origin's table, an edge's replica) is
    mapped to the fan-out with the same settings as the others and readable by its role alone
    (and, in the origin, by the insights consumer's)."""
    resources = template(region, "stateless").to_json()["Resources"]
    fanout = _fanout_id(resources)
    (mapping,) = [
        v["Properties"]
        for v in resources.values()
        if v["Type"] == "AWS::Lambda::EventSourceMapping"
        and v["Properties"]["FunctionName"] == {"Ref": fanout}
        and _table_of(v["Properties"]["EventSourceArn"], resources) == "rooms"
    ]
    assert (mapping["StartingPosition"], mapping["BatchSize"]) == ("LATEST", 100)
    readers = [
        k
        for k, v in resources.items()
        if v["Type"] == "AWS::IAM::Policy"
        and any(
            s.get("Resource") == mapping["EventSourceArn"]
            or (isinstance(s.get("Resource"), list) and mapping["EventSourceArn"] in s["Resource"])
            for s in v["Properties"]["PolicyDocument"]["Statement"]
        )
    ]
    role = resources[fanout]["Properties"]["Role"]["Fn::GetAtt"][0]
    expected = [[{"Ref": role}]]
    if REGIONS[region].role == "origin":  # and the insights consumer (show start/end), origin only
        insights = next(
            k
            for k, v in resources.items()
            if v["Type"] == "AWS::Lambda::Function" and v["Properties"].get("Handler") == INSIGHTS_HANDLER
        )
        expected.append([{"Ref": resources[insights]["Properties"]["Role"]["Fn::GetAtt"][0]}])
    assert sorted(str(resources[k]["Properties"]["Roles"]) for k in readers) == sorted(map(str, expected))
    if REGIONS[region].role == "edge":  # the replica's stream ARN, read at deploy time
        assert mapping["EventSourceArn"]["Fn::GetAtt"][0].startswith("RoomsStreamArn")
