"""A residency zone's counts, made inside the zone from its copies' streams (``zone_figures.py``).

What is checked here is the counting's bookkeeping: which records ask for which count, that a
count already covering a batch's records is not made again (two stream shards, Lambda retries),
and that an older count never replaces a newer one. The whole path (a German viewer's sets and
items only in the EU zone, the live read outside it reading only counts) is
tests/residency/test_two_zones.py.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from crosslive.dev.stream import stream_record
from functions.insights import store, zone_figures
from functions.insights.fold import viewer_key
from functions.insights.models import DistinctSet, ViewerPresence, ZoneFigures, distinct_part, series_key
from functions.shared import zones
from functions.shared.config import ENV_ZONES, get_settings
from functions.shared.zones import Zone

EU = Zone("eu", "eu-central-1", ("eu-central-1",), ("DE", "FR"))


@pytest.fixture
def eu(client: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Zone]:
    """An EU zone configured as a deployment's functions get it (``CROSSLIVE_ZONES``), whose copies
    of the counted tables exist (in moto's eu-central-1), on the session's embedded platform."""
    configured = {"eu": {"home": EU.home, "regions": list(EU.regions), "markets": list(EU.markets)}}
    monkeypatch.setenv(ENV_ZONES, json.dumps(configured))
    get_settings.cache_clear()
    assert zones.zones() == (EU,)
    for model in (DistinctSet, ViewerPresence):
        bound = zones.bind_zone(model, EU)
        if not bound.exists():
            bound.create_table(wait=True)
    yield EU
    monkeypatch.undo()
    get_settings.cache_clear()


def _distinct_record(room_id: str, market: str, at: float) -> dict:
    item = zones.bind(DistinctSet, market).get(series_key(room_id, market), distinct_part("reach", 0))
    record = stream_record(None, item, 1)
    record["dynamodb"]["ApproximateCreationDateTime"] = at
    return record


def _stored_reach(room_id: str) -> int:
    row = ZoneFigures.get(room_id, "eu")
    return int(json.loads(row.distinct)["markets"]["DE"]["reach"])


def test_records_name_the_zone_room_and_figure_to_recount_and_default_copies_nothing(eu: Zone) -> None:
    room_id = f"zf-{uuid.uuid4().hex[:8]}"
    store.add_distinct(room_id, "DE", "reach", {viewer_key(room_id, "de-1")})
    store.add_distinct(room_id, "ID", "reach", {viewer_key(room_id, "id-1")})  # the default zone's
    de, other = _distinct_record(room_id, "DE", 100.0), _distinct_record(room_id, "ID", 200.0)
    later = _distinct_record(room_id, "DE", 150.0)
    assert zone_figures.touched_by([de, other, later]) == {("eu", room_id, "distinct"): 150.0}


def test_a_count_covering_the_records_is_not_made_again_and_a_newer_record_recounts(
    eu: Zone, monkeypatch: pytest.MonkeyPatch
) -> None:
    room_id = f"zf-{uuid.uuid4().hex[:8]}"
    store.add_distinct(room_id, "DE", "reach", {viewer_key(room_id, "de-1")})
    first = _distinct_record(room_id, "DE", time.time() - 3)  # written 3 s ago
    # WHEN the zone's function gets the record: it counts, in the zone's table
    assert zone_figures.process_records([first])["counted"] == 1
    assert _stored_reach(room_id) == 1
    # AND a second delivery of it (another shard's batch, a retry) finds the count made after it
    assert zone_figures.process_records([first])["counted"] == 0
    # WHEN a second viewer is added (a record newer than the stored count): counted again, even by
    # a count starting within the record's second (its time is whole seconds in AWS)
    store.add_distinct(room_id, "DE", "reach", {viewer_key(room_id, "de-2")})
    newer = _distinct_record(room_id, "DE", time.time() + 10)
    monkeypatch.setattr(zone_figures, "clock", lambda: time.time() + 11)
    assert zone_figures.process_records([newer])["counted"] == 1
    assert _stored_reach(room_id) == 2


def test_an_older_count_never_replaces_a_newer_one(eu: Zone, monkeypatch: pytest.MonkeyPatch) -> None:
    room_id = f"zf-{uuid.uuid4().hex[:8]}"
    store.add_distinct(room_id, "DE", "reach", {viewer_key(room_id, "de-1")})
    now = time.time()
    # GIVEN a count stored that started at now + 100 (a later invocation finished first)
    newer = {"markets": {"DE": {"reach": 7}}, "union": {"reach": 7}}
    ZoneFigures(room_id, "eu", distinct=json.dumps(newer), distinct_at=now + 100).save()
    # WHEN an invocation that started at ``now`` finishes its count of a record from now + 200
    monkeypatch.setattr(zone_figures, "clock", lambda: now)
    assert zone_figures.recount("eu", room_id, zone_figures.DISTINCT, newest=now + 200)
    # THEN its (older) count is not stored over the newer one
    row = ZoneFigures.get(room_id, "eu")
    assert float(row.distinct_at) == now + 100 and json.loads(row.distinct) == newer


def test_a_record_of_a_zone_not_configured_here_is_left_alone(eu: Zone) -> None:
    assert not zone_figures.recount("apac", "zf-none", zone_figures.DISTINCT, newest=time.time())
