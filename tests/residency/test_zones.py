"""Residency zones as configured: parsing ``CROSSLIVE_ZONES``, a market's zone, binding a model
to its zone's table, and which tables are placed per zone (what infra reads from ``TableSpec``)."""

from __future__ import annotations

import json

import pytest

from functions.comments.models import Comment
from functions.coupons.models import Campaign, StockShard
from functions.shared.config import ENV_ZONES, parse_zones, settings_from_env
from functions.shared.db import load_all_models, table_spec
from functions.shared.zones import (
    Zone,
    bind,
    bind_region,
    everywhere,
    zone_name_of,
    zone_of,
    zone_table_name,
    zones,
)

EU = {"eu": {"home": "eu-central-1", "regions": ["eu-central-1"], "markets": ["DE", "FR"]}}
# What the design lists as personal data (or sharing a transaction with it), and nothing else.
ZONED = {
    "comments",
    "coupons",
    "coupon-holdings",
    "coupon-redemptions",
    "coupon-viewers",
    "coupon-shares",
    "coupon-stock",
    "moderation-sanctions",
    "moderation-counters",
    "moderation-audit",
    "insights-viewers",
    "insights-distinct",  # pseudonymous viewer keys
    "idempotency",
}


def settings(zones_value: object = EU, **extra: str):
    return settings_from_env({ENV_ZONES: json.dumps(zones_value), "AWS_REGION": "ap-southeast-1", **extra})


def test_no_zones_configured_is_the_default_zone_for_everyone():
    # GIVEN no CROSSLIVE_ZONES (or an empty one)
    for value in (None, "", "  "):
        env = {} if value is None else {ENV_ZONES: value}
        plain = settings_from_env(env)
        # THEN there are no zones, DE is in the default zone, and binding changes nothing
        assert zones(plain) == ()
        assert zone_of("DE", plain) is None
        assert bind(Comment, "DE", plain) is Comment
        assert everywhere(Comment, plain) == [Comment]


def test_zones_are_parsed_with_the_home_among_their_regions():
    raw = {"eu": {"home": "eu-central-1", "regions": ["eu-west-1"], "markets": ["de", "FR"]}}
    parsed = parse_zones(json.dumps(raw))
    assert parsed["eu"].regions == ("eu-central-1", "eu-west-1")
    assert parsed["eu"].markets == ("DE", "FR")
    eu = zone_of("FR", settings())
    assert eu == Zone(name="eu", home="eu-central-1", regions=("eu-central-1",), markets=("DE", "FR"))
    assert zone_of("fr", settings()) == eu
    assert zone_of("ID", settings()) is None
    assert zone_of(None, settings()) is None


@pytest.mark.parametrize(
    "value, message",
    [
        ("[]", "JSON object"),
        (json.dumps({"EU zone": EU["eu"]}), "zone name"),
        (json.dumps({"eu": {"home": "eu-central-1", "markets": []}}), "markets"),
        (json.dumps({"eu": {"regions": ["eu-central-1"], "markets": ["DE"]}}), "home"),
        (
            json.dumps({"eu": EU["eu"], "ch": {"home": "eu-central-2", "markets": ["DE"]}}),
            "market DE is in zones 'eu' and 'ch'",
        ),
        ("{not json", "Expecting"),
    ],
)
def test_a_zone_configuration_that_would_misplace_data_is_refused(value, message):
    with pytest.raises(ValueError, match=message):
        parse_zones(value)


def test_a_zone_market_binds_to_the_zone_table_in_the_zone_home():
    # GIVEN the "eu" zone
    eu_settings = settings()
    # WHEN a DE author's comment model is bound
    de = bind(Comment, "DE", eu_settings)
    # THEN it is the "-eu-" copy of the table, in eu-central-1, and the same class every time
    default_name = str(Comment.Meta.table_name)
    prefix = default_name[: -len("comments")]
    assert de.Meta.table_name == f"{prefix}eu-comments"
    assert de.Meta.region == "eu-central-1"
    assert de.Meta.host == eu_settings.dynamodb_endpoint
    assert issubclass(de, Comment) and de is bind(Comment, "FR", eu_settings)
    assert zone_name_of(de) == "eu" and zone_name_of(Comment) is None
    # and an ID author's is the default table, untouched
    assert bind(Comment, "ID", eu_settings) is Comment
    assert everywhere(Comment, eu_settings) == [Comment, de]


def test_a_global_table_is_never_bound_into_a_zone():
    eu = zone_of("DE", settings())
    assert eu is not None
    with pytest.raises(TypeError, match="global"):
        zone_table_name(Campaign, eu)
    # a global table may still be bound to another region (coupons' home), keeping its name
    there = bind_region(Campaign, "eu-central-1", settings=settings())
    assert there.Meta.table_name == Campaign.Meta.table_name and there.Meta.region == "eu-central-1"
    # binding a bound model again starts from the table model, not from the binding
    again = bind_region(bind(StockShard, "DE", settings()), "us-east-1", settings=settings())
    assert again.Meta.table_name == StockShard.Meta.table_name


def test_the_tables_placed_per_zone_are_exactly_those_with_personal_data():
    specs = {short: table_spec(model) for short, model in load_all_models().items()}
    assert {short for short, spec in specs.items() if spec.zoned} == ZONED
    for kept_global in ("rooms", "products", "stage", "coupon-campaigns", "exchange-rates", "media-nodes"):
        assert not specs[kept_global].zoned


def test_crosslive_dev_zone_options_become_the_zones_setting():
    import click

    from crosslive.commands.dev import parse_zone_specs

    value = parse_zone_specs(("eu=DE,fr@eu-central-1",))
    assert value == {"eu": {"home": "eu-central-1", "regions": ["eu-central-1"], "markets": ["DE", "FR"]}}
    assert zone_of("FR", settings(value)) is not None
    for bad in ("eu=DE", "=DE@eu-central-1", "eu=@eu-central-1"):
        with pytest.raises(click.BadParameter):
            parse_zone_specs((bad,))


def test_the_insights_consumer_in_a_zone_home_writes_the_aggregates_in_the_origin():
    from functions.insights.consumer import AGGREGATES, aggregates_in_origin
    from functions.insights.models import MinuteCounters, ViewerPresence
    from functions.shared.db import configure_tables

    # GIVEN the consumer's settings in the eu zone's home, an edge of the ap-southeast-1 origin
    edge = settings(AWS_REGION="eu-central-1", CROSSLIVE_HOME_AWS_REGION="ap-southeast-1")
    viewers_region = ViewerPresence.Meta.region
    try:
        # WHEN it starts a batch
        aggregates_in_origin(edge)
        # THEN every aggregate table is written in the origin, the per-viewer table is not moved
        assert {m.Meta.region for m in AGGREGATES} == {"ap-southeast-1"}
        assert MinuteCounters._connection is None
        assert ViewerPresence.Meta.region == viewers_region
        # and in the origin itself nothing changes
        configure_tables()
        origin = settings(AWS_REGION="us-west-2", CROSSLIVE_HOME_AWS_REGION="us-west-2")
        before = {m: m.Meta.region for m in AGGREGATES}
        aggregates_in_origin(origin)
        assert {m: m.Meta.region for m in AGGREGATES} == before
    finally:
        configure_tables()  # back to this process's settings


def test_the_zone_homes_fanout_pushes_zone_table_changes_to_every_regions_nodes(monkeypatch):
    from types import SimpleNamespace

    from functions.fanout import delivery
    from functions.routing import registry
    from functions.shared import config, stream_records

    # GIVEN the eu zone's home (Frankfurt, not the embedded platform) and live nodes in two regions
    frankfurt = settings(CROSSLIVE_STAGE="prod", CROSSLIVE_REGION_NAME="europe", CROSSLIVE_TABLE_PREFIX="crosslive")
    monkeypatch.setattr(config, "get_settings", lambda: frankfurt)
    monkeypatch.setattr(stream_records, "get_settings", lambda: frankfurt)
    nodes = [
        SimpleNamespace(region_name="europe", base_url="https://fra"),
        SimpleNamespace(region_name="singapore", base_url="https://sin"),
    ]
    monkeypatch.setattr(registry, "live_nodes", lambda: nodes)
    monkeypatch.setattr(delivery, "_registry_cache", (0.0, []))
    arn = "arn:aws:dynamodb:eu-central-1:1:table/{}/stream/x"
    # THEN a record of a zone table is the zone's, a default table's is not
    assert stream_records.zone_of_record({"eventSourceARN": arn.format("crosslive-eu-comments")}) == "eu"
    assert stream_records.table_of({"eventSourceARN": arn.format("crosslive-eu-comments")}) == "comments"
    assert stream_records.zone_of_record({"eventSourceARN": arn.format("crosslive-comments")}) is None
    # AND the default tables' changes go to this region's nodes, the zone's to every region's
    assert delivery.registry_targets(fresh=True) == ["https://fra"]
    assert delivery.registry_targets(every_region=True) == ["https://fra", "https://sin"]
    monkeypatch.setattr(delivery, "_registry_cache", (0.0, []))
