"""cfn-lint over every synthesized template: CI fails on any error (warnings are listed, not fatal).

cfn-lint checks what CDK does not: property values against the CloudFormation resource schemas of
each template's own region, intrinsic functions, references. It runs on the session's one
synthesized app (tests/infra/conftest.py).
"""

from __future__ import annotations

from pathlib import Path

from cfnlint.api import ManualArgs, lint_file

from crosslive.regions import load_regions


def test_every_template_has_no_cfn_lint_error(assembly):
    regions = {r.stage_name: r.aws_region for r in load_regions()}
    templates = sorted(Path(assembly.directory).glob("assembly-*/*.template.json"))
    assert len(templates) == 2 * len(regions)  # a stateful and a stateless stack per region file
    errors = []
    for path in templates:
        region = regions[path.parent.name.removeprefix("assembly-")]
        for match in lint_file(path, config=ManualArgs(regions=[region])):
            if match.rule.id.startswith("E"):
                errors.append(f"{path.parent.name}/{path.name}:{match.linenumber}: {match.rule.id} {match.message}")
    assert errors == []
