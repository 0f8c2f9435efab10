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


@pytest.mark.parametrize("hook", ["market_codes", "market_profile"])
def test_synthesis_names_an_installed_plugin_whose_hook_raises(tmp_path, monkeypatch, hook):
    # GIVEN an installed market plugin whose hook raises, enabled by a new region
    import shutil

    from crosslive.regions import REGIONS_DIR
    from infra.app import build_app, new_app
    from tests.plugins.installed import BRAZIL, install_fake

    source = BRAZIL.replace(f"def {hook}(", f"def {hook}(*_args):\n    raise KeyError('profile')\n\n\ndef _unused(")
    install_fake(tmp_path, "crosslive-market-raises", f"crosslive_market_raises_in_{hook}", source)
    monkeypatch.syspath_prepend(str(tmp_path))
    regions = tmp_path / "regions"
    shutil.copytree(REGIONS_DIR, regions)
    (regions / "south-america.toml").write_text(
        'aws_region = "sa-east-1"\nrole = "edge"\norigin = "singapore"\nmarkets = ["SG"]\n'
        'plugins = ["crosslive-market-raises", "market-cn", "market-sg"]\n',
        encoding="utf-8",
    )
    app = new_app(context={"aws:cdk:bundling-stacks": [], "crosslive:regionsDir": str(regions)})
    # WHEN / THEN synthesis stops with the plugin and the hook named, not a bare error
    with pytest.raises(SystemExit, match=rf"plugin 'crosslive-market-raises': {hook} raised KeyError: 'profile'"):
        build_app(app)


def _stage_with_an_open_bucket(app: App) -> None:
    from aws_cdk import Annotations

    stage = Stage(app, "bad")
    bucket = s3.Bucket(Stack(stage, "Bad"), "Open")
    Annotations.of(bucket).add_warning_v2("crosslive:test", "a warning the CLI would not show")
    enable_nag(stage)


def test_the_app_fails_on_a_finding_even_when_told_not_to(tmp_path):
    # GIVEN the app as `cdk synth` builds it, with the context the pinned CLI passes
    from infra.app import new_app

    app = new_app(context={"@aws-cdk/core:failSynthOnValidationErrors": False}, outdir=str(tmp_path))
    _stage_with_an_open_bucket(app)
    # WHEN / THEN an unacknowledged finding still fails synthesis
    with pytest.raises(RuntimeError, match="ValidationFailed"):
        app.synth()


def test_the_app_reads_cdk_json_feature_flags_on_both_paths():
    from infra.app import cdk_json_context, new_app

    app = new_app()
    assert cdk_json_context()["@aws-cdk/core:enablePartitionLiterals"] is True
    assert app.node.try_get_context("@aws-cdk/core:enablePartitionLiterals") is True


@pytest.mark.slow
def test_cdk_synth_through_the_pinned_cli_fails_on_a_finding_and_prints_warnings(tmp_path):
    # GIVEN an app with one unacknowledged finding and one warning, run as cdk.json runs ours
    # (infra.app.main: the pinned CLI passes failSynthOnValidationErrors=false to it)
    import os
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    script = tmp_path / "bad_app.py"
    script.write_text(
        "from infra import app as infra_app\n"
        "from tests.infra.test_nag import _stage_with_an_open_bucket\n"
        "def build(app):\n"
        "    _stage_with_an_open_bucket(app)\n"
        "    return app\n"
        "infra_app.build_app = build\n"
        "infra_app.main()\n"
    )
    env = {**os.environ, "PYTHONPATH": str(repo), "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}
    env["CDK_DISABLE_CLI_TELEMETRY"] = "true"

    def cdk_synth(out: str) -> subprocess.CompletedProcess[str]:
        command = ["npx", "--no-install", "cdk", "synth", "--no-notices", "-o", str(tmp_path / out)]
        return subprocess.run(
            [*command, "--app", f"{sys.executable} {script}"],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )

    # WHEN
    result = cdk_synth("out")
    # THEN it exits non-zero, naming each finding with the id to acknowledge
    assert result.returncode != 0, result.stderr[-3000:]
    assert "Acknowledge with 'AwsSolutions::AwsSolutions-S1'" in result.stderr
    assert "unacknowledged cdk-nag findings" in result.stderr
    # and with the finding acknowledged, it passes and prints the warning
    script.write_text(
        script.read_text().replace(
            "    _stage_with_an_open_bucket(app)\n",
            "    _stage_with_an_open_bucket(app)\n"
            "    from infra.nag import acknowledge\n"
            "    for rule in ('S1', 'S10'):\n"
            "        acknowledge(app, f'AwsSolutions::AwsSolutions-{rule}', 'a test of the acknowledged path')\n",
        )
    )
    result = cdk_synth("out2")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "[Warning] /bad/Bad/Open: a warning the CLI would not show" in result.stderr
