"""The after-publish toxicity screen in AWS: where it exists, what bundle, memory, timeout, role and
settings it gets, for each plugin that turns it on (``functions/specs.py``: the ``toxicity`` spec's
``enabled_by``). Synthesized without bundling (as every test of this folder but ``test_cdk_cli.py``,
which builds the real learned bundle once)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from crosslive.regions import load_regions
from functions.shared import config as cfg
from functions.specs import LEARNED_MEMORY_MB, spec_of
from infra.bundling import function_extras
from infra.stateless import DEFAULT_MEMORY_MB

TOXICITY = spec_of("toxicity")
HANDLER = TOXICITY.handler
ORIGIN = next(r for r in load_regions() if r.role == "origin")
COMPREHEND = "comprehend:DetectToxicContent"


@pytest.fixture(scope="module")
def synth(tmp_path_factory):
    """``{label: stateless template}`` of an origin enabling each combination of the two plugins."""
    from aws_cdk.assertions import Template

    from infra.app import new_app
    from infra.stage import RegionStage

    combos = {
        "learned": ["learned-toxicity"],
        "comprehend": ["comprehend-toxicity"],
        "both": ["comprehend-toxicity", "learned-toxicity"],
    }
    templates = {}
    for label, extra in combos.items():
        region = ORIGIN.model_copy(update={"plugins": [*ORIGIN.plugins, *extra]})
        app = new_app(context={"aws:cdk:bundling-stacks": []}, outdir=str(tmp_path_factory.mktemp(label)))
        stage = RegionStage(app, region, origin=region, edges=[], account=None, table_prefix="crosslive", nag=False)
        templates[label] = Template.from_stack(stage.stateless)
    return templates


def _functions(template: Any) -> dict[str, dict[str, Any]]:
    """Handler -> properties of each Lambda function of the template."""
    return {
        r["Properties"]["Handler"]: r["Properties"]
        for r in template.find_resources("AWS::Lambda::Function").values()
        if r["Properties"].get("Handler", "").startswith("functions.")
    }


def _actions(template: Any, role_prefix: str) -> set[str]:
    """Every action the policies of the role ``role_prefix...`` allow."""
    found: set[str] = set()
    for lid, policy in template.find_resources("AWS::IAM::Policy").items():
        if lid.startswith(f"{role_prefix}DefaultPolicy"):
            for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
                action = statement["Action"]
                found.update(action if isinstance(action, list) else [action])
    return found


def test_a_region_with_neither_plugin_has_no_toxicity_function(template):
    assert HANDLER not in _functions(template("singapore", "stateless"))
    assert not TOXICITY.enabled_in(ORIGIN.plugins)


def test_learned_toxicity_gets_the_function_with_the_learned_bundle_its_memory_and_timeout(synth):
    functions = _functions(synth["learned"])
    toxicity, comments = functions[HANDLER], functions["functions.comments.app.handler"]
    # its own asset, with the learned extra (the comments function shares none of it)
    assert function_extras("toxicity", ("learned-toxicity",)) == ("moderation", "learned")
    assert function_extras("comments", ("learned-toxicity",)) == ("moderation",)
    assert toxicity["Code"]["S3Key"] != comments["Code"]["S3Key"]
    assert toxicity["MemorySize"] == LEARNED_MEMORY_MB > DEFAULT_MEMORY_MB
    assert toxicity["Timeout"] == 60
    assert toxicity["Architectures"] == ["x86_64"]  # the encoder's engine is built for it only
    # no Comprehend where only the learned stage is on: the role reaches its tables and stream only
    actions = _actions(synth["learned"], "Roletoxicity")
    assert COMPREHEND not in actions and "dynamodb:GetRecords" in actions
    assert {a.split(":")[0] for a in actions} == {"dynamodb", "logs", "xray"}


def test_the_learned_functions_runtime_settings_read_back_from_the_template(synth):
    # WHEN the toxicity function's environment is read as the Lambda reads it
    env = _functions(synth["learned"])[HANDLER]["Environment"]["Variables"]
    settings = cfg.settings_from_env({k: v for k, v in env.items() if isinstance(v, str)})
    # THEN it builds the region's plugins, the learned stage among them
    assert settings.plugins is not None and "learned-toxicity" in settings.plugins
    assert set(settings.plugins) == set(ORIGIN.plugins) | {"learned-toxicity"}
    assert env["POWERTOOLS_SERVICE_NAME"] == "toxicity" and env[cfg.ENV_STAGE] == "prod"


def test_comprehend_only_keeps_todays_function(synth):
    functions = _functions(synth["comprehend"])
    toxicity, comments = functions[HANDLER], functions["functions.comments.app.handler"]
    # the moderation bundle the comments function has (no model), the default memory and timeout
    assert function_extras("toxicity", ("comprehend-toxicity",)) == ("moderation",)
    assert toxicity["Code"]["S3Key"] == comments["Code"]["S3Key"]
    assert toxicity["MemorySize"] == DEFAULT_MEMORY_MB and toxicity["Timeout"] == 15
    assert COMPREHEND in _actions(synth["comprehend"], "Roletoxicity")
    assert "learned-toxicity" not in json.dumps(toxicity["Environment"])


def test_both_plugins_get_the_learned_bundle_and_comprehend(synth):
    functions = _functions(synth["both"])
    learned = _functions(synth["learned"])[HANDLER]
    assert functions[HANDLER]["Code"]["S3Key"] == learned["Code"]["S3Key"]  # the same asset
    assert functions[HANDLER]["MemorySize"] == LEARNED_MEMORY_MB
    assert COMPREHEND in _actions(synth["both"], "Roletoxicity")
