"""The CDK app: ``cdk synth`` builds one Stage per ``regions/*.toml``.

Works offline with no AWS credentials: nothing here calls AWS, and the Lambda code is bundled
locally (``infra/bundling.py``), never in Docker. Context keys (``cdk.json`` or ``-c``):

* ``crosslive:account``: the AWS account to deploy to (default: the CLI's, or environment-agnostic).
* ``crosslive:tablePrefix``: prefix of every table name (default ``crosslive``).
* ``crosslive:nag``: ``false`` turns the cdk-nag validation off (on by default).
* ``crosslive:regionsDir``: the folder of region files (default ``regions/``).
* ``crosslive:replicaRegions``, ``crosslive:deletionProtection``: set by ``crosslive deploy``
  (``infra/deploy_context.py``).

Deploy with ``crosslive deploy`` (docs/operations.md), not ``cdk deploy --all``: every stack sits in
a Stage, which the CLI's ``--all`` does not include, and the order matters.

``cdk synth`` and ``python -m infra.app`` build the same app (``new_app``): the feature flags of
``cdk.json`` apply on both paths, and an unacknowledged cdk-nag finding fails both, printing each
finding with the id to acknowledge. The pinned CLI passes
``@aws-cdk/core:failSynthOnValidationErrors: false`` to every app, which would leave the findings
in ``cdk.out/validation-report.json`` behind an exit code 0; ``new_app`` sets it back after the
CLI's context. Synthesis warnings (e.g. media nodes on plain HTTP) are printed to stderr, since
the CLI shows none for stacks inside stages.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from aws_cdk import App, cx_api

from crosslive.regions import RegionFileError, load_regions, markets_of_plugins, plugins_in_effect, zones_of
from infra.deploy_context import replica_edges
from infra.stage import RegionStage
from plugins.manager import PluginError, build_plugin_manager

CDK_JSON = Path(__file__).resolve().parent.parent / "cdk.json"
FAIL_ON_FINDINGS = {"@aws-cdk/core:failSynthOnValidationErrors": True}


def cdk_json_context() -> dict[str, Any]:
    """The ``context`` of ``cdk.json`` (feature flags, table prefix), which the CLI passes too."""
    return dict(json.loads(CDK_JSON.read_text(encoding="utf-8")).get("context", {}))


def new_app(context: dict[str, Any] | None = None, **kwargs: Any) -> App:
    """An app with cdk.json's context under ``context`` (the CLI's overrides both) whose
    synthesis fails on any unacknowledged validation finding, whatever the CLI passed."""
    return App(context={**cdk_json_context(), **(context or {})}, post_cli_context=FAIL_ON_FINDINGS, **kwargs)


def build_app(app: App | None = None) -> App:
    app = app or new_app()
    account = app.node.try_get_context("crosslive:account") or os.environ.get("CDK_DEFAULT_ACCOUNT")
    prefix = app.node.try_get_context("crosslive:tablePrefix") or "crosslive"
    nag = str(app.node.try_get_context("crosslive:nag")).lower() != "false"
    regions_dir = app.node.try_get_context("crosslive:regionsDir")
    try:
        files = load_regions(Path(regions_dir)) if regions_dir else load_regions()
        provided = markets_of_plugins()
    except RegionFileError as exc:  # e.g. a plugin enabled but not installed: said per file and line
        raise SystemExit(f"region files are not valid (crosslive regions check):\n{exc}") from exc
    except PluginError as exc:  # an installed plugin that cannot even say which markets it provides
        raise SystemExit(str(exc)) from exc
    # Each stage gets the plugins in effect there: an origin also loads its edges' market plugins.
    regions = [r.model_copy(update={"plugins": plugins_in_effect(r, files, provided)}) for r in files]
    for region in regions:
        # The plugin set each region's functions will load, validated now: a plugin returning bad
        # data stops synthesis with the plugin named, so that region is never deployed with it.
        try:
            build_plugin_manager(region.plugins, include_entry_points=True, validate=True)
        except PluginError as exc:
            raise SystemExit(f"region {region.name}: {exc}") from exc
    origins = [r for r in regions if r.role == "origin"]
    for origin in origins:
        edges = [r for r in regions if r.role == "edge" and r.origin == origin.name]
        # Where each restricted market's personal data lives (checked by load_regions above).
        zones = tuple(zones_of(files, origin.name))
        for region in (origin, *edges):
            replicas = replica_edges(app, edges) if region is origin else []
            RegionStage(
                app, region, origin=origin, edges=replicas, account=account, table_prefix=prefix, zones=zones, nag=nag
            )
    return app


def synthesis_warnings(assembly: cx_api.CloudAssembly) -> Iterator[str]:
    """``path: message`` of every warning annotation in the assembly, stages included."""
    for stack in assembly.stacks_recursively:
        for message in stack.messages:
            if message.level == cx_api.SynthesisMessageLevel.WARNING:
                yield f"{message.id}: {message.entry.data}"


def main() -> None:
    app = build_app(new_app())
    try:
        assembly = app.synth()
    except RuntimeError as exc:  # jsii's error: the validation plugins' report is its message
        if "ValidationFailed" not in str(exc):
            raise
        print(str(exc), file=sys.stderr)
        raise SystemExit(
            "synthesis failed: unacknowledged cdk-nag findings (above). Fix them, or acknowledge each "
            "with a written reason (infra.nag.acknowledge)."
        ) from None
    for warning in synthesis_warnings(assembly):
        print(f"[Warning] {warning}", file=sys.stderr)


if __name__ == "__main__":
    main()
