"""docs/operations.md is the runbook the README points to, and its commands are the tool's."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

from click.testing import CliRunner

from crosslive.cli import main
from crosslive.commands.deploy import deploy
from crosslive.regions import region_files

REPO = Path(__file__).resolve().parents[2]
RUNBOOK = (REPO / "docs" / "operations.md").read_text(encoding="utf-8")
RUNBOOK_TEXT = " ".join(RUNBOOK.split())  # prose with its line breaks folded
SECTIONS = (
    "## Before the first deploy",
    "## First deploy",
    "## Adding a region",
    "## Removing a region",
    "## Rotating secrets",
    "## Rolling the media fleet",
    "## Cleaning up after a failed first deploy",
    "## Quotas and costs to know",
)


def test_runbook_has_every_section_and_the_costs_the_issue_names():
    for section in SECTIONS:
        assert section in RUNBOOK
    for fact in ("Cognito", "MAU", "SES", "Let's Encrypt", "50 certificates per registered domain per week"):
        assert fact in RUNBOOK_TEXT


def test_readme_first_aws_section_points_to_the_runbook():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Deploying to AWS") :]
    assert section.index("docs/operations.md") < section.index("```")
    assert "cdk deploy --all" not in readme.replace("`cdk deploy --all`", "")  # named only to say why not


def test_every_crosslive_deploy_line_in_the_runbook_uses_real_options():
    options = {opt for param in deploy.params for opt in getattr(param, "opts", [])}
    lines = re.findall(r"^crosslive deploy[^\n#]*", RUNBOOK, re.MULTILINE)
    assert len(lines) >= 4
    for line in lines:
        for word in shlex.split(line)[2:]:
            if word.startswith("--"):
                assert word in options, (line, word)


def test_regions_add_says_the_next_step_adds_one_replica(tmp_path):
    for path in region_files():
        shutil.copy(path, tmp_path / path.name)
    args = ["regions", "add", "brazil", "--aws-region", "sa-east-1", "--origin", "singapore", "--market", "US"]
    result = CliRunner().invoke(main, [*args, "--dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "crosslive deploy brazil" in result.output and "one region per origin update" in result.output
