"""cdk-nag runs on every stage with zero unacknowledged errors, and it really bites."""

from __future__ import annotations

import pytest
from aws_cdk import App, Stack, Stage
from aws_cdk import aws_s3 as s3

from infra.nag import acknowledge, enable_nag


def test_all_stages_synthesize_with_nag_enabled(assembly, stages):
    # The session's synth ran the AwsSolutions validation plugin on every stage: reaching here
    # means no unacknowledged error. Check the plugin really was on every stage.
    assert stages
    for stage in stages.values():
        assert stage.node.try_get_context("crosslive:nag") in (None, True, "true")
    assert len(assembly.nested_assemblies) == len(stages)


def test_nag_fails_synthesis_on_a_violation(tmp_path):
    # GIVEN a stage with nag on and an S3 bucket that breaks AwsSolutions rules
    app = App(outdir=str(tmp_path))
    stage = Stage(app, "bad")
    stack = Stack(stage, "Bad")
    s3.Bucket(stack, "Open")
    enable_nag(stage)
    # WHEN / THEN
    with pytest.raises(RuntimeError, match="ValidationFailed"):
        app.synth()


def test_an_acknowledgement_needs_a_reason():
    app = App()
    with pytest.raises(ValueError, match="real reason"):
        acknowledge(app, "AwsSolutions::AwsSolutions-S1", "because")


def test_synthesis_refuses_a_region_whose_plugin_returns_bad_data(monkeypatch):
    import pluggy

    from infra import app as infra_app
    from plugins import manager

    hookimpl = pluggy.HookimplMarker("crosslive")

    class Broken:
        @hookimpl
        def market_profile(self, market):
            return {"code": market, "name": "", "languages": [], "locale": "x", "currency": "??", "time_zone": ""}

    real = manager.build_plugin_manager

    def with_broken(enabled=None, **kwargs):
        kwargs.setdefault("extra", [("broken-plugin", Broken())])
        return real(enabled, **kwargs)

    monkeypatch.setattr(infra_app, "build_plugin_manager", with_broken)
    with pytest.raises(SystemExit, match="broken-plugin"):
        infra_app.build_app(App())
