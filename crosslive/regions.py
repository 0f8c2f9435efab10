"""Deployment regions: one declarative TOML file per region under ``regions/``.

A region file says where a stage is deployed, whether it is the origin (where merchants ingest)
or an edge (pulls rooms from its origin), which markets' viewers it serves, which plugins it
enables, and its media-node fleet. ``check_region_file`` reports every problem in a file with its
line, not just the first; ``load_regions`` refuses to return a broken set.

Example::

    aws_region = "eu-central-1"
    role = "edge"
    origin = "singapore"
    markets = ["DE", "FR"]
    plugins = ["market-de", "market-fr", "market-cn"]

    [media]
    nodes = 2
    instance_type = "c7i.large"
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

if TYPE_CHECKING:
    from plugins.types import DataResidency

REPO_ROOT = Path(__file__).resolve().parent.parent
REGIONS_DIR = REPO_ROOT / "regions"
_NAME = re.compile(r"^[a-z][a-z0-9-]{1,30}$")
_INSTANCE_TYPE = re.compile(r"^[a-z][a-z0-9-]*\.[a-z0-9]+$")


@cache
def aws_regions() -> frozenset[str]:
    """Commercial AWS regions known to this botocore (no network, no credentials)."""
    import botocore.session

    session = botocore.session.get_session()
    return frozenset(session.get_available_regions("ec2")) | frozenset(session.get_available_regions("dynamodb"))


class MediaFleet(BaseModel):
    """The media-node fleet of a region (EC2 instances running ``media_nodes``)."""

    model_config = ConfigDict(extra="forbid")

    nodes: int = Field(default=1, ge=1, le=100, description="instances in the region")
    instance_type: str = Field(default="c7i.large", description="EC2 instance type")
    workers_per_node: int | None = Field(default=None, ge=1, le=64, description="default: one per vCPU")
    udp_port_min: int = Field(default=40000, ge=1024, le=65535)
    udp_port_max: int = Field(default=49999, ge=1024, le=65535)

    @field_validator("instance_type")
    @classmethod
    def _instance_type(cls, value: str) -> str:
        if not _INSTANCE_TYPE.match(value):
            raise ValueError(f"{value!r} is not an EC2 instance type like 'c7i.large'")
        return value


class RegionConfig(BaseModel):
    """One deployment region, as written in ``regions/<name>.toml``."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="defaults to the file name without .toml")
    aws_region: str
    role: Literal["origin", "edge"]
    origin: str | None = Field(default=None, description="edges: the name of the origin region")
    markets: list[str] = Field(min_length=1, description="ISO 3166-1 alpha-2 codes of viewers served")
    plugins: list[str] = Field(default_factory=list, description="plugin names enabled here")
    media: MediaFleet = Field(default_factory=MediaFleet)
    account: str | None = Field(default=None, pattern=r"^\d{12}$")

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not _NAME.match(value):
            raise ValueError("must be lower-case letters, digits and dashes, 2-31 long")
        return value

    @field_validator("aws_region")
    @classmethod
    def _aws_region(cls, value: str) -> str:
        if value not in aws_regions():
            raise ValueError(f"{value!r} is not an AWS region")
        return value

    @field_validator("markets")
    @classmethod
    def _markets(cls, value: list[str]) -> list[str]:
        bad = [m for m in value if not re.fullmatch(r"[A-Z]{2}", m)]
        if bad:
            raise ValueError(f"market codes must be two upper-case letters (ISO 3166-1): {bad}")
        if len(set(value)) != len(value):
            raise ValueError("a market is listed twice")
        return value

    @property
    def stage_name(self) -> str:
        return f"crosslive-{self.name}"


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a region file, with the line it is on (1-based; 0 = whole file)."""

    path: Path
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.field}: {self.message}"


class RegionFileError(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


def _key_lines(text: str) -> dict[str, int]:
    """Map dotted keys (``media.nodes``) and table names to the line that defines them."""
    lines: dict[str, int] = {}
    table = ""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        header = re.match(r"^\[\s*([A-Za-z0-9_.-]+)\s*\]", line)
        if header:
            table = header.group(1)
            lines.setdefault(table, number)
            continue
        key = re.match(r"^([A-Za-z0-9_-]+)\s*=", line)
        if key:
            lines.setdefault(f"{table}.{key.group(1)}" if table else key.group(1), number)
    return lines


def _line_for(loc: Iterable[Any], key_lines: dict[str, int]) -> tuple[int, str]:
    parts = [str(p) for p in loc if not isinstance(p, int)]
    while parts:
        dotted = ".".join(parts)
        if dotted in key_lines:
            return key_lines[dotted], dotted
        parts.pop()
    return 0, ".".join(str(p) for p in loc) or "(file)"


def parse_region_file(path: Path) -> tuple[RegionConfig | None, list[Problem]]:
    """Parse and validate one file on its own; returns the config (if valid) and all problems."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(path, 0, "(file)", f"cannot be read: {exc}")]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        return None, [Problem(path, int(match.group(1)) if match else 0, "(syntax)", str(exc))]
    data.setdefault("name", path.stem)
    key_lines = _key_lines(text)
    problems: list[Problem] = []
    config: RegionConfig | None = None
    try:
        config = RegionConfig.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            line, field = _line_for(error["loc"], key_lines)
            message = error["msg"].removeprefix("Value error, ")
            if error["type"] == "extra_forbidden":
                message = "unknown key (typo?)"
            elif error["type"] == "missing":
                message = "is required"
            problems.append(Problem(path, line, field, message))
    if config is not None:
        if config.role == "edge" and not config.origin:
            problems.append(Problem(path, key_lines.get("role", 0), "origin", "an edge must name its origin region"))
        if config.role == "origin" and config.origin:
            problems.append(Problem(path, key_lines.get("origin", 0), "origin", "an origin pulls from no one"))
        if config.media.udp_port_min > config.media.udp_port_max:
            problems.append(Problem(path, key_lines.get("media.udp_port_min", 0), "media", "UDP port range is empty"))
    return (config if not problems else None), problems


def check_regions(
    paths: Iterable[Path], *, known_plugins: Iterable[str] | None = None, all_paths: Iterable[Path] | None = None
) -> list[Problem]:
    """Every problem in ``paths``, including ones that need the other region files.

    ``all_paths`` is the whole set the files belong to (default: ``paths``), so that an edge's
    origin can be resolved. ``known_plugins`` (default: what is installed) checks plugin names
    and that every market served has an enabled plugin providing it.
    """
    paths = list(paths)
    everything = {p.resolve() for p in (all_paths if all_paths is not None else paths)} | {p.resolve() for p in paths}
    configs: dict[Path, RegionConfig] = {}
    problems: list[Problem] = []
    for path in sorted(everything):
        config, found = parse_region_file(path)
        if path in {p.resolve() for p in paths}:
            problems.extend(found)
        if config is not None:
            configs[path] = config
    by_name = {c.name: c for c in configs.values()}
    if known_plugins is None:
        from plugins.manager import known_plugin_names

        known_plugins = known_plugin_names()
    known = set(known_plugins)
    provided_markets = markets_of_plugins()
    for path in [p.resolve() for p in paths]:
        config = configs.get(path)
        if config is None:
            continue
        key_lines = _key_lines(path.read_text(encoding="utf-8"))
        if config.role == "edge" and config.origin:
            origin = by_name.get(config.origin)
            if origin is None:
                problems.append(
                    Problem(path, key_lines.get("origin", 0), "origin", f"no region named {config.origin!r}")
                )
            elif origin.role != "origin":
                problems.append(
                    Problem(path, key_lines.get("origin", 0), "origin", f"{config.origin!r} is not an origin")
                )
        twins = [p.name for p, c in configs.items() if p != path and c.aws_region == config.aws_region]
        if twins:
            problems.append(
                Problem(path, key_lines.get("aws_region", 0), "aws_region", f"also used by {', '.join(twins)}")
            )
        unknown = [p for p in config.plugins if p not in known]
        if unknown:
            hint = _suggest(config.markets, provided_markets, exclude=config.plugins)
            problems.append(
                Problem(
                    path,
                    key_lines.get("plugins", 0),
                    "plugins",
                    f"not installed: {', '.join(unknown)}" + (f" (installed for its markets: {hint})" if hint else ""),
                )
            )
        enabled_markets = {m for name, ms in provided_markets.items() if name in config.plugins for m in ms}
        unserved = [m for m in config.markets if m not in enabled_markets]
        if unserved:
            hint = _suggest(unserved, provided_markets)
            problems.append(
                Problem(
                    path,
                    key_lines.get("markets", 0),
                    "markets",
                    f"no enabled plugin provides {', '.join(unserved)} ("
                    + (f"enable {hint}" if hint else "no installed plugin does: install one, see docs/plugins.md")
                    + ")",
                )
            )
        problems.extend(residency_problems(path, config, key_lines))
    problems.extend(_zone_problems([p.resolve() for p in paths], configs))
    return sorted(problems, key=lambda p: (str(p.path), p.line))


def _zone_problems(paths: list[Path], configs: dict[Path, RegionConfig]) -> list[Problem]:
    """Zone problems (``residency_zones``) on the markets line of each checked file serving the market."""
    found: list[Problem] = []
    for problem in residency_zones(configs.values())[1]:
        for path in paths:
            config = configs.get(path)
            if config is not None and problem.market in config.markets:
                line = _key_lines(path.read_text(encoding="utf-8")).get("markets", 0)
                found.append(Problem(path, line, "markets", problem.message))
    return found


def residency_problems(path: Path, config: RegionConfig, key_lines: dict[str, int]) -> list[Problem]:
    """A market served here whose plugin's data-residency rule does not allow this AWS region.

    The region's own tables hold its viewers' comments, presence and shares, and its functions write
    them: a region outside a market's allowed regions would store that market's personal data
    where its law forbids it. Where the tables holding personal data are placed follows from the
    zones (``residency_zones``), whose problems ``check_regions`` reports too.
    """
    from plugins.manager import build_plugin_manager

    pm = build_plugin_manager(None, validate=False)
    found: list[Problem] = []
    for market in config.markets:
        rule = pm.data_residency(market)
        if not rule.allows(config.aws_region):
            found.append(
                Problem(
                    path,
                    key_lines.get("markets", 0),
                    "markets",
                    f"market {market}: rule data-residency ({rule.law or rule.jurisdiction}) allows its "
                    f"personal data only in {', '.join(rule.allowed_regions)}, not in {config.aws_region} "
                    "(serve it from a region in that list)",
                )
            )
    return found


@dataclass(frozen=True)
class ResidencyZone:
    """The restricted markets of one jurisdiction in an origin's group, and where their data lives.

    ``allowed`` is the intersection of the markets' allowed regions; ``regions`` the group's
    deployed AWS regions inside it, ordered by region file name; ``home`` the first of them (its
    region file: ``home_name``), where the zone's tables are created and strongly consistent zone
    writes go. The zone's tables (``{prefix}-{name}-{short}``) are replicated to the other
    ``regions`` only. docs/residency.md.
    """

    name: str
    origin: str
    law: str
    markets: tuple[str, ...]
    allowed: tuple[str, ...]
    regions: tuple[str, ...]
    region_names: tuple[str, ...]

    @property
    def home(self) -> str:
        return self.regions[0]

    @property
    def home_name(self) -> str:
        return self.region_names[0]

    @property
    def replica_regions(self) -> tuple[str, ...]:
        """The zone's regions other than its home: where its tables have replicas."""
        return self.regions[1:]

    def runtime(self) -> dict[str, Any]:
        """This zone's entry of ``CROSSLIVE_ZONES`` (functions/shared/zones.py reads it)."""
        return {"home": self.home, "regions": list(self.regions), "markets": list(self.markets)}


@dataclass(frozen=True)
class ZoneProblem:
    """A restricted market whose personal data has no place to live in an origin's group."""

    market: str
    message: str


def _groups(configs: list[RegionConfig]) -> list[list[RegionConfig]]:
    """Each origin with its edges, every group ordered by region file name (the zone-home order)."""
    return [
        sorted([origin, *(c for c in configs if c.role == "edge" and c.origin == origin.name)], key=lambda c: c.name)
        for origin in sorted((c for c in configs if c.role == "origin"), key=lambda c: c.name)
    ]


def residency_zones(
    configs: Iterable[RegionConfig], residency: Callable[[str], DataResidency] | None = None
) -> tuple[list[ResidencyZone], list[ZoneProblem]]:
    """The residency zones of a set of region files, and every market that cannot be placed.

    A market served in an origin's group whose plugin's ``data_residency`` lists allowed regions
    without ``"*"`` is restricted; the restricted markets of one jurisdiction form a zone named after
    it (lower-cased: ``eu``). The one function synth (``infra/``), ``crosslive regions check`` and
    ``crosslive deploy``'s plan use, so all three place and refuse the same way. A zone whose
    markets share no allowed region, or whose allowed regions hold no deployed region of the group,
    is a problem naming each market and its rule. ``residency`` (tests) stands in for the enabled
    plugins' ``data_residency`` hook.
    """
    from plugins.manager import PluginError, build_plugin_manager

    configs = list(configs)
    if residency is None:
        enabled = sorted({name for c in configs for name in c.plugins})
        try:
            residency = build_plugin_manager(enabled, validate=False).data_residency
        except PluginError:  # a plugin not installed: check_regions names it per file
            residency = build_plugin_manager(None, validate=False).data_residency
    zones: list[ResidencyZone] = []
    problems: list[ZoneProblem] = []
    for group in _groups(configs):
        by_jurisdiction: dict[str, list[str]] = {}
        for market in sorted({m for c in group for m in c.markets}):
            rule = residency(market)
            if "*" not in rule.allowed_regions:
                by_jurisdiction.setdefault(rule.jurisdiction, []).append(market)
        for jurisdiction, markets in sorted(by_jurisdiction.items()):
            rules = {m: residency(m) for m in markets}
            first = rules[markets[0]].allowed_regions
            allowed = [r for r in first if all(r in x.allowed_regions for x in rules.values())]
            origin = next(c.name for c in group if c.role == "origin")
            placed = [c for c in group if c.aws_region in allowed]
            law = next((x.law for x in rules.values() if x.law), None) or jurisdiction
            if not allowed:
                problems.extend(
                    ZoneProblem(
                        m,
                        f"market {m}: rule data-residency ({law}): the {jurisdiction} markets "
                        f"{', '.join(markets)} share no allowed region, so no zone can hold their personal data",
                    )
                    for m in markets
                )
                continue
            if not placed:
                problems.extend(
                    ZoneProblem(
                        m,
                        f"market {m}: rule data-residency ({law}) allows its personal data only in "
                        f"{', '.join(rules[m].allowed_regions)}, and no region of origin {origin}'s "
                        f"group is deployed in {', '.join(allowed)} (add a region file there: its zone "
                        f"{jurisdiction.lower()} needs a home)",
                    )
                    for m in markets
                )
                continue
            zones.append(
                ResidencyZone(
                    name=jurisdiction.lower(),
                    origin=origin,
                    law=law,
                    markets=tuple(markets),
                    allowed=tuple(allowed),
                    regions=tuple(c.aws_region for c in placed),
                    region_names=tuple(c.name for c in placed),
                )
            )
    return zones, problems


def zones_of(configs: Iterable[RegionConfig], origin: str) -> list[ResidencyZone]:
    """The zones of one origin's group (synth and the deploy plan; the set is already checked)."""
    return [z for z in residency_zones(configs)[0] if z.origin == origin]


def zones_env(zones: Iterable[ResidencyZone]) -> str:
    """``CROSSLIVE_ZONES``: ``{"eu": {"home": "eu-central-1", "regions": [...], "markets": [...]}}``."""
    return json.dumps({z.name: z.runtime() for z in zones}, sort_keys=True, separators=(",", ":"))


def describe_zones(zones: Iterable[ResidencyZone]) -> list[str]:
    """One line per zone, as ``crosslive regions check`` prints them."""
    return [
        f"zone {z.name} ({z.law}): markets {', '.join(z.markets)}; home {z.home_name} ({z.home}); "
        f"its tables replicate to {', '.join(z.replica_regions) or 'no other region'}; "
        f"origin {z.origin}'s other tables hold the other markets' data"
        for z in zones
    ]


def plugins_for_markets(markets: Iterable[str], provided: dict[str, set[str]] | None = None) -> list[str]:
    """Installed plugin names that provide ``markets``: the built-in ``market-<code>`` where there
    is one, else every installed plugin (entry point) that lists the market."""
    provided = markets_of_plugins() if provided is None else provided
    names: list[str] = []
    for market in markets:
        builtin = f"market-{market.lower()}"
        if market in provided.get(builtin, set()):
            names.append(builtin)
        else:
            names.extend(sorted(name for name, codes in provided.items() if market in codes))
    return list(dict.fromkeys(names))


def _suggest(markets: Iterable[str], provided: dict[str, set[str]], exclude: Iterable[str] = ()) -> str:
    skip = set(exclude)
    return ", ".join(name for name in plugins_for_markets(markets, provided) if name not in skip)


def plugins_in_effect(
    region: RegionConfig, regions: Iterable[RegionConfig], provided: dict[str, set[str]] | None = None
) -> list[str]:
    """The plugins a region's functions load: its own, and for an origin also every market plugin
    its edges enable.

    An origin hosts the rooms, coupons and compliance checks of every market its edges serve
    (merchants create rooms there; coupon stock lives in the campaign's home region), so a market
    plugin enabled on an edge is in effect on its origin too, without editing the origin's file.
    """
    names = list(region.plugins)
    if region.role == "origin":
        provided = markets_of_plugins() if provided is None else provided
        for edge in regions:
            if edge.role == "edge" and edge.origin == region.name:
                names.extend(name for name in edge.plugins if provided.get(name))
    return list(dict.fromkeys(names))


def markets_of_plugins() -> dict[str, set[str]]:
    """Plugin name -> market codes it provides, for built-in and installed market plugins."""
    from plugins.manager import build_plugin_manager

    pm = build_plugin_manager(None, validate=False)
    provided: dict[str, set[str]] = {}
    for name, codes in pm.call_each("market_codes"):
        provided.setdefault(name, set()).update(codes or [])
    return provided


def region_files(directory: Path = REGIONS_DIR) -> list[Path]:
    return sorted(directory.glob("*.toml"))


def load_regions(directory: Path = REGIONS_DIR) -> list[RegionConfig]:
    """All region configs, origins first; raises ``RegionFileError`` listing every problem."""
    paths = region_files(directory)
    problems = check_regions(paths)
    if problems:
        raise RegionFileError(problems)
    configs = [c for c in (parse_region_file(p)[0] for p in paths) if c is not None]
    return sorted(configs, key=lambda c: (c.role != "origin", c.name))


def region_to_toml(config: RegionConfig) -> str:
    """Serialize a config the way ``regions add`` writes it (name comes from the file name)."""
    import tomli_w

    data = config.model_dump(exclude_none=True, exclude={"name"})
    media = data.pop("media")
    defaults = MediaFleet().model_dump()
    data["media"] = {k: v for k, v in media.items() if k in ("nodes", "instance_type") or v != defaults[k]}
    return f"# Region {config.name}: written by `crosslive regions add`.\n" + tomli_w.dumps(data)
