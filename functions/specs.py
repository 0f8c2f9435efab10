"""What each Lambda function needs from its region, in one table that CDK reads (``infra/stateless.py``).

One ``FunctionSpec`` per deployed Lambda: its handler, the tables it reads and writes (short
names, as in ``table_meta``), the streams it consumes, the shared secrets it reads, the extra
dependency groups its bundle carries, the AWS APIs it calls besides DynamoDB, and the plugin that
turns it on (if any). infra gives each function a role with exactly this: read actions on
``reads``, read and write actions on ``writes``, stream reads on ``streams``, nothing on any
other table. ``tests/infra/test_function_roles.py`` checks each synthesized role against its spec
and each spec against the tables its handler's code uses, so a function that starts using a
table fails a test until its spec says so.

A new function: add its spec here (an API function also goes in ``functions.FUNCTIONS``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from functions.insights.streams import FOLDED_TABLES, WINBACK_BATCH_SECONDS
from functions.shared.db import streamed_tables

PUSH_SECRET = "push-secret"  # infra.secrets.PUSH_SECRET.key: signs fan-out -> media node pushes
COUPON_KEY = "coupon-key"  # infra.secrets.COUPON_KEY.key: binds coupon codes to their users
TRANSLATE = ("translate:TranslateText", "comprehend:DetectDominantLanguage")
COUPON_TABLES = (
    "coupon-campaigns",
    "coupon-stock",
    "coupon-holdings",
    "coupons",
    "coupon-redemptions",
    "coupon-viewers",
    "coupon-shares",
    "idempotency",  # retried claims and redemptions, beside the stock they protect
)
INSIGHTS_TABLES = (
    "insights-minutes",
    "insights-folds",
    "insights-distinct",
    "insights-viewers",
    "insights-shows",
    "insights-alerts",
    "insights-alert-state",
    "insights-campaigns",
    "insights-nonces",
    "insights-nodes",
)
# the global, non-personal ones: ADD counters and timelines, written in the origin from a zone home
# (the distinct sets are placed per zone: a zone home's consumer writes its zone's copy there)
INSIGHTS_AGGREGATES = (
    "insights-minutes",
    "insights-folds",
    "insights-shows",
    "insights-alerts",
    "insights-campaigns",
)
INSIGHTS_READS = ("rooms", "comments", "exchange-rates", "idempotency", "moderation-counters")
# The learned stage's toxicity function: its process peaks at ~161 MB with the model loaded and a
# batch of 100 comments scored (docs/moderation.md), so memory is not what limits it: 1769 MB is
# where Lambda gives a whole vCPU to the model's one thread (at 1024 MB, ~0.58 of one), i.e. about
# the same price per comment and a batch done ~1.7x sooner.
LEARNED_MEMORY_MB = 1769
INSIGHTS_ONLY_STREAMS = ("coupons", "coupon-redemptions")  # streamed for the insights funnel only


@dataclass(frozen=True)
class PluginNeeds:
    """A plugin that turns a function on, and what the function needs where that plugin is enabled.

    ``extras`` and ``aws_actions`` are added to the spec's own only in regions enabling ``plugin``
    (so a region without it keeps the smaller bundle and the narrower role); ``memory_mb`` is the
    least memory the plugin needs (e.g. to hold a model), ``timeout_seconds`` the least time."""

    plugin: str
    extras: tuple[str, ...] = ()
    aws_actions: tuple[str, ...] = ()
    memory_mb: int | None = None
    timeout_seconds: int | None = None


@dataclass(frozen=True)
class FunctionSpec:
    """One Lambda function and everything infra must know about it."""

    name: str
    handler: str
    api: bool = False  # routed at /v1/<name> by the HTTP API
    reads: tuple[str, ...] = ()  # tables it only reads
    writes: tuple[str, ...] = ()  # tables it reads and writes
    home_region_writes: tuple[str, ...] = ()  # tables it writes in the origin region, from an edge
    streams: tuple[str, ...] = ()  # tables whose streams feed it (one event source each)
    # (table, batching window seconds): only residency zones' copies' streams feed it, so it exists
    # in zone homes only (a function aggregating a zone's data inside the zone)
    zone_streams: tuple[tuple[str, int], ...] = ()
    secrets: tuple[str, ...] = ()
    # pyproject optional-dependency groups in its bundle: exactly those whose libraries its code
    # imports (tests/infra/test_function_roles.py reads the imports)
    extras: tuple[str, ...] = ()
    aws_actions: tuple[str, ...] = ()  # APIs without resource-level permissions (resource "*")
    # The plugins that turn it on: it exists in a region enabling any of them (none: everywhere),
    # with what each enabled one needs besides the spec's own
    enabled_by: tuple[PluginNeeds, ...] = ()
    origin_only: bool = False  # a stream consumer of global tables that must run once, in the origin
    # Invoked on a schedule, every this many minutes (an EventBridge rule in AWS; on the embedded
    # platform ``crosslive.dev.schedule`` runs it every few seconds instead)
    schedule_minutes: int | None = None
    timeout_seconds: int = 15

    @property
    def tables(self) -> tuple[str, ...]:
        return (*self.writes, *(t for t in self.reads if t not in self.writes))

    def enablers(self, plugins: Iterable[str]) -> tuple[PluginNeeds, ...]:
        """The entries of ``enabled_by`` whose plugin is among the region's ``plugins``."""
        enabled = set(plugins)
        return tuple(needs for needs in self.enabled_by if needs.plugin in enabled)

    def enabled_in(self, plugins: Iterable[str]) -> bool:
        """Whether the function exists in a region enabling ``plugins``."""
        return not self.enabled_by or bool(self.enablers(plugins))

    def extras_in(self, plugins: Iterable[str]) -> tuple[str, ...]:
        """The extra groups of its bundle in a region enabling ``plugins``: its own, then its enabled plugins'."""
        found = list(self.extras)
        for needs in self.enablers(plugins):
            found.extend(extra for extra in needs.extras if extra not in found)
        return tuple(found)

    def aws_actions_in(self, plugins: Iterable[str]) -> tuple[str, ...]:
        """The non-DynamoDB APIs its role allows in a region enabling ``plugins``."""
        found = list(self.aws_actions)
        for needs in self.enablers(plugins):
            found.extend(action for action in needs.aws_actions if action not in found)
        return tuple(found)

    def memory_mb_in(self, plugins: Iterable[str], default: int) -> int:
        """Its memory in a region enabling ``plugins``: the most that ``default`` and its enabled plugins need."""
        return max([default, *(n.memory_mb for n in self.enablers(plugins) if n.memory_mb is not None)])

    def timeout_seconds_in(self, plugins: Iterable[str]) -> int:
        """Its timeout in a region enabling ``plugins``: the longest of its own and its enabled plugins'."""
        return max([self.timeout_seconds, *(n.timeout_seconds for n in self.enablers(plugins) if n.timeout_seconds)])


SPECS: tuple[FunctionSpec, ...] = (
    FunctionSpec(
        "rooms",
        "functions.rooms.app.handler",
        api=True,
        # a room and its create request's record; the compliance of what merchants publish is
        # functions.textrules (no extra: it needs no moderation library)
        writes=("rooms", "products", "stage", "idempotency"),
    ),
    FunctionSpec(
        "comments",
        "functions.comments.app.handler",
        api=True,
        reads=("rooms",),
        writes=(
            "comments",
            "idempotency",
            "moderation-counters",
            "moderation-sanctions",
            "moderation-audit",
            "coupon-viewers",  # a viewer's comment is presence for the coupon segments
        ),
        extras=("moderation",),
        aws_actions=TRANSLATE,
    ),
    FunctionSpec(
        "moderation",
        "functions.moderation.app.handler",
        api=True,
        reads=("rooms",),
        # the review queue of held comments is the comments function's (it owns that table)
        writes=("moderation-sanctions", "moderation-audit"),
        # (no extra: its compliance check is functions.textrules, it matches no lexicon; no AWS
        # API: toxicity is scored by the after-publish screen, the ``toxicity`` function)
    ),
    FunctionSpec(
        "coupons",
        "functions.coupons.app.handler",
        api=True,
        reads=("rooms",),
        writes=COUPON_TABLES,
        # Stock is written only in the campaign's home region (the origin): last-writer-wins
        # replication could oversell otherwise. An edge's coupons function writes there.
        home_region_writes=COUPON_TABLES,
        secrets=(COUPON_KEY,),  # (compliance of coupon titles: functions.textrules.shown, no extra)
    ),
    FunctionSpec(
        "localization",
        "functions.localization.app.handler",
        api=True,
        reads=("rooms",),
        writes=("exchange-rates", "translations"),
        aws_actions=TRANSLATE,
    ),
    FunctionSpec("routing", "functions.routing.app.handler", api=True, reads=("media-nodes", "rooms")),
    FunctionSpec(
        "insights",
        "functions.insights.app.handler",
        api=True,
        # the live figures read the room, the comments (hot questions) and the rates (GMV); the
        # comments store it reads through also names the idempotency and moderation-counter tables
        # and each residency zone's counts, counted in the zone (zone_figures.py)
        reads=(*INSIGHTS_READS, "insights-zone-figures"),
        # coupon-viewers: a show's win-back segment is published there (coupons.segments)
        writes=(*INSIGHTS_TABLES, "coupon-viewers"),
        # the win-back counts it keeps on the show's item are written in the origin (winback_cache.py)
        home_region_writes=("insights-shows",),
        secrets=(PUSH_SECRET,),  # node feeds are signed with the fleet's push secret
        extras=("moderation", "insights"),  # hot questions use the comments tagging; DataSketches
        aws_actions=("events:PutEvents",),  # alerts on EventBridge
    ),
    FunctionSpec(
        "insights-consumer",
        "functions.insights.consumer.handler",
        # and the zones' counts, for the summary it keeps when a show ends (history.py)
        reads=(*INSIGHTS_READS, "insights-zone-figures"),
        writes=INSIGHTS_TABLES,
        streams=FOLDED_TABLES,
        # In a residency zone's home (an edge) it folds the zone's tables' streams; the aggregates are
        # ADD counters on global tables, so it writes them in the origin (docs/residency.md)
        home_region_writes=INSIGHTS_AGGREGATES,
        extras=("moderation", "insights"),
        aws_actions=("events:PutEvents",),
        origin_only=True,
    ),
    FunctionSpec(
        "insights-sweep",
        "functions.insights.sweep.handler",
        # the dead-node sweep (functions/insights/sweep.py): the node registry, the viewers' items
        # (every zone's copy), and the exits and qualified viewers it adds to the minutes and sets
        writes=("insights-nodes", "insights-viewers", "insights-minutes", "insights-distinct"),
        extras=("insights",),  # DataSketches: a qualified set past its exact size is a sketch
        origin_only=True,  # the node registry is the origin's (every region's nodes feed the origin)
        schedule_minutes=1,
        timeout_seconds=60,  # it stops starting new work 10 s before (sweep.HANDLER_MARGIN_SECONDS)
    ),
    FunctionSpec(
        "insights-alert-check",
        "functions.insights.alert_check.handler",
        # the scheduled alert check (functions/insights/alert_check.py): the node registry's rooms,
        # each room and its figures, and the alert it claims, stores and puts on EventBridge
        reads=("rooms", "insights-nodes", "insights-minutes", "insights-folds", "insights-shows"),
        writes=("insights-alert-state", "insights-alerts"),
        extras=("moderation", "insights"),  # insights.live: hot questions' tagging, DataSketches
        aws_actions=("events:PutEvents",),
        origin_only=True,  # the node registry is the origin's (every region's nodes feed the origin)
        schedule_minutes=1,
        timeout_seconds=60,
    ),
    FunctionSpec(
        "insights-zone-figures",
        "functions.insights.zone_figures.handler",
        # a residency zone's distinct sets and viewer items, counted in the zone's home from the zone's
        # copies (their streams); only the counts leave, written in the origin (docs/residency.md)
        reads=("insights-distinct", "insights-viewers", "insights-shows"),
        home_region_writes=("insights-zone-figures",),
        writes=("insights-zone-figures",),
        zone_streams=(("insights-distinct", 0), ("insights-viewers", WINBACK_BATCH_SECONDS)),
        extras=("insights",),  # DataSketches: a set past its exact size is a sketch
    ),
    FunctionSpec(
        "comments-fanout",
        "functions.fanout.handler.handler",
        # what the producers read to word a signal, and the node registry to deliver it
        reads=("rooms", "stage", "comments", "coupon-campaigns", "coupon-stock", "media-nodes", "insights-alerts"),
        # every streamed table but those only the insights consumer folds
        streams=tuple(t for t in streamed_tables() if t not in INSIGHTS_ONLY_STREAMS),
        secrets=(PUSH_SECRET,),  # (no extra: the producers word signals, they moderate nothing)
    ),
    FunctionSpec(
        "toxicity",
        "functions.comments.screening.stream_handler",
        writes=("comments", "idempotency", "moderation-sanctions", "moderation-audit"),
        streams=("comments",),
        extras=("moderation",),
        # the after-publish screen, where a region enables a plugin that scores published comments
        enabled_by=(
            PluginNeeds("comprehend-toxicity", aws_actions=("comprehend:DetectToxicContent",)),
            # the learned stage's model is in its package (the ``learned`` extra, ~95 MB installed):
            # only this function's bundle carries it, only in such a region. The timeout fits a cold
            # start (import + model load ~1.3 s) and a batch of 100 comments (~1.3 s at ~13 ms each;
            # 2.6 s on a loaded 2-core VM) with its deletions, many times over (docs/moderation.md).
            PluginNeeds("learned-toxicity", extras=("learned",), memory_mb=LEARNED_MEMORY_MB, timeout_seconds=60),
        ),
    ),
)


def spec_of(name: str) -> FunctionSpec:
    return next(spec for spec in SPECS if spec.name == name)
