"""The CDK app: ``cdk synth`` builds one Stage per ``regions/*.toml``.

Works offline with no AWS credentials: nothing here calls AWS, and the Lambda code is bundled
locally (``infra/bundling.py``), never in Docker. Context keys (``cdk.json`` or ``-c``):

* ``crosslive:account``: the AWS account to deploy to (default: the CLI's, or environment-agnostic).
* ``crosslive:tablePrefix``: prefix of every table name (default ``crosslive``).
* ``crosslive:nag``: ``false`` turns the cdk-nag validation off (on by default).
"""

from __future__ import annotations

import os

from aws_cdk import App

from crosslive.regions import load_regions
from infra.stage import RegionStage
from plugins.manager import PluginError, build_plugin_manager


def build_app(app: App | None = None) -> App:
    app = app or App()
    account = app.node.try_get_context("crosslive:account") or os.environ.get("CDK_DEFAULT_ACCOUNT")
    prefix = app.node.try_get_context("crosslive:tablePrefix") or "crosslive"
    nag = str(app.node.try_get_context("crosslive:nag")).lower() != "false"
    regions = load_regions()
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
        RegionStage(app, origin, origin=origin, edges=edges, account=account, table_prefix=prefix, nag=nag)
        for edge in edges:
            RegionStage(app, edge, origin=origin, edges=[], account=account, table_prefix=prefix, nag=nag)
    return app


def main() -> None:
    build_app().synth()


if __name__ == "__main__":
    main()
