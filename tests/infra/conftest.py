"""One synthesized CDK app per test session (jsii starts once: ~10 s, later templates ~0.2 s)."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")


@pytest.fixture(scope="session")
def cdk_app(tmp_path_factory):
    from infra.app import build_app, new_app

    # cdk.json's context, as `cdk synth` has it. Bundling is skipped here (context below);
    # test_cdk_cli.py synthesizes with real bundling.
    app = new_app(context={"aws:cdk:bundling-stacks": []}, outdir=str(tmp_path_factory.mktemp("cdk.out")))
    build_app(app)
    return app


@pytest.fixture(scope="session")
def dns_stages(tmp_path_factory):
    """Stages of an app with a hosted zone (API DNS layer, HTTPS media nodes), synthesized once with cdk-nag."""
    from infra.app import build_app, new_app
    from infra.stage import RegionStage

    app = new_app(
        context={
            "aws:cdk:bundling-stacks": [],
            "crosslive:domain": "shop.example",
            "crosslive:hostedZoneId": "Z0123456789ABC",
            "crosslive:pageOrigins": "https://shop.example,https://www.shop.example",
        },
        outdir=str(tmp_path_factory.mktemp("cdk-dns")),
    )
    build_app(app)
    app.synth()  # cdk-nag runs here too
    return {c.region_config.name: c for c in app.node.children if isinstance(c, RegionStage)}


@pytest.fixture(scope="session")
def assembly(cdk_app):
    return cdk_app.synth()


@pytest.fixture(scope="session")
def stages(cdk_app, assembly):
    from infra.stage import RegionStage

    return {child.region_config.name: child for child in cdk_app.node.children if isinstance(child, RegionStage)}


@pytest.fixture(scope="session")
def template(stages):
    from aws_cdk.assertions import Template

    cache: dict = {}

    def get(region: str, stack: str):
        key = (region, stack)
        if key not in cache:
            cache[key] = Template.from_stack(getattr(stages[region], stack))
        return cache[key]

    return get
