"""Region files: the shipped set is valid; `check` names every mistake with its line; `add` writes valid files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from crosslive.cli import main
from crosslive.regions import (
    REGIONS_DIR,
    RegionFileError,
    check_regions,
    load_regions,
    parse_region_file,
    region_files,
)


@pytest.fixture
def regions_dir(tmp_path: Path) -> Path:
    target = tmp_path / "regions"
    shutil.copytree(REGIONS_DIR, target)
    return target


def test_the_shipped_regions_are_valid_and_cover_the_required_five():
    regions = {r.name: r for r in load_regions()}
    assert {r.aws_region for r in regions.values()} >= {
        "ap-southeast-1",
        "me-central-1",
        "eu-central-1",
        "us-east-1",
        "ap-northeast-1",
    }
    assert regions["singapore"].role == "origin"
    assert all(r.origin == "singapore" for r in regions.values() if r.role == "edge")
    assert check_regions(region_files()) == []


def test_three_deliberate_mistakes_get_three_messages_with_lines(regions_dir: Path):
    # GIVEN a file with a wrong AWS region (line 2), an unknown key (line 4) and a bad market (line 5)
    bad = regions_dir / "broken.toml"
    bad.write_text(
        '# three mistakes\naws_region = "mars-north-1"\nrole = "origin"\nnodez = 3\nmarkets = ["de"]\n',
        encoding="utf-8",
    )
    # WHEN it is checked
    result = CliRunner().invoke(main, ["regions", "check", str(bad), "--dir", str(regions_dir)])
    # THEN every mistake is reported with its line, and the command fails
    assert result.exit_code != 0
    output = result.output
    assert f"{bad}:2: aws_region: 'mars-north-1' is not an AWS region" in output
    assert f"{bad}:4: nodez: unknown key (typo?)" in output
    assert f"{bad}:5: markets:" in output and "two upper-case letters" in output
    assert "3 problem(s)" in output


def test_cross_file_problems_are_found(regions_dir: Path):
    edge = regions_dir / "orphan.toml"
    edge.write_text(
        'aws_region = "sa-east-1"\nrole = "edge"\norigin = "atlantis"\nmarkets = ["BR"]\nplugins = ["market-br"]\n',
        encoding="utf-8",
    )
    problems = {(p.line, p.field): p.message for p in check_regions([edge], all_paths=region_files(regions_dir))}
    assert "no region named 'atlantis'" in problems[(3, "origin")]
    assert "not installed: market-br" in problems[(5, "plugins")]
    assert "no enabled plugin provides BR" in problems[(4, "markets")]


def test_a_syntax_error_is_reported_with_its_line(regions_dir: Path):
    bad = regions_dir / "syntax.toml"
    bad.write_text('aws_region = "eu-west-1"\nrole = \n', encoding="utf-8")
    config, problems = parse_region_file(bad)
    assert config is None
    assert problems[0].line == 2 and problems[0].field == "(syntax)"


def test_add_writes_a_valid_file_that_list_shows(regions_dir: Path):
    runner = CliRunner()
    result = runner.invoke(
        main,
        [
            "regions",
            "add",
            "paris",
            "--aws-region",
            "eu-west-3",
            "--origin",
            "singapore",
            "--market",
            "FR",
            "--nodes",
            "2",
            "--dir",
            str(regions_dir),
        ],
    )
    assert result.exit_code == 0, result.output
    config, problems = parse_region_file(regions_dir / "paris.toml")
    assert problems == [] and config is not None
    assert config.plugins == ["market-cn", "market-fr"] and config.media.nodes == 2
    listing = runner.invoke(main, ["regions", "list", "--dir", str(regions_dir)])
    assert "paris" in listing.output and "eu-west-3" in listing.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--aws-region", "nowhere-1", "--origin", "singapore", "--market", "FR"], "is not an AWS region"),
        (["--aws-region", "eu-west-3", "--origin", "atlantis", "--market", "FR"], "no region named 'atlantis'"),
        (["--aws-region", "eu-central-1", "--origin", "singapore", "--market", "FR"], "also used by"),
        # no plugin provides BR here: the message says so instead of guessing a name (market-br)
        (
            ["--aws-region", "eu-west-3", "--origin", "singapore", "--market", "BR"],
            "no enabled plugin provides BR (no installed plugin does: install one, see docs/plugins.md)",
        ),
        (
            ["--aws-region", "eu-west-3", "--origin", "singapore", "--market", "BR", "--plugin", "market-br"],
            "not installed: market-br",
        ),
        # EU personal data outside the EU: refused, naming the market and the rule (issue 18)
        (
            ["--aws-region", "us-west-2", "--origin", "singapore", "--market", "DE", "--market", "FR"],
            "market DE: rule data-residency (GDPR) allows its personal data only in eu-central-1, eu-west-1, "
            "eu-west-3, eu-north-1, eu-south-1, not in us-west-2",
        ),
    ],
)
def test_add_refuses_what_check_would_reject_and_writes_nothing(regions_dir: Path, args: list[str], message: str):
    before = sorted(p.name for p in regions_dir.iterdir())
    result = CliRunner().invoke(main, ["regions", "add", "newone", *args, "--dir", str(regions_dir)])
    assert result.exit_code != 0
    assert message in result.output
    assert sorted(p.name for p in regions_dir.iterdir()) == before


def test_add_does_not_overwrite_without_force(regions_dir: Path):
    original = (regions_dir / "japan.toml").read_text(encoding="utf-8")
    result = CliRunner().invoke(
        main,
        [
            "regions",
            "add",
            "japan",
            "--aws-region",
            "ap-northeast-3",
            "--origin",
            "singapore",
            "--market",
            "JP",
            "--dir",
            str(regions_dir),
        ],
    )
    assert result.exit_code != 0 and "exists" in result.output
    assert (regions_dir / "japan.toml").read_text(encoding="utf-8") == original


def test_plugins_list_shows_hooks_per_region():
    result = CliRunner().invoke(main, ["plugins", "list", "--region", "gulf"])
    assert result.exit_code == 0, result.output
    assert "gulf (me-central-1, edge)" in result.output
    assert "market-ae:" in result.output and "market_profile" in result.output
    assert "market-de" not in result.output  # not enabled in the Gulf


def test_check_and_synth_refuse_a_region_storing_a_market_outside_its_allowed_regions(regions_dir: Path):
    # GIVEN an edge in Oregon serving Germany and France (GDPR: EU regions only) and Indonesia (anywhere)
    oregon = regions_dir / "oregon.toml"
    oregon.write_text(
        'aws_region = "us-west-2"\nrole = "edge"\norigin = "singapore"\nmarkets = ["DE", "FR", "ID"]\n'
        'plugins = ["market-de", "market-fr", "market-id"]\n',
        encoding="utf-8",
    )
    # WHEN it is checked, THEN each EU market is named with the rule, on the markets line; ID is not
    result = CliRunner().invoke(main, ["regions", "check", str(oregon), "--dir", str(regions_dir)])
    assert result.exit_code != 0
    assert f"{oregon}:4: markets: market DE: rule data-residency (GDPR)" in result.output
    assert f"{oregon}:4: markets: market FR: rule data-residency (GDPR)" in result.output
    assert "market ID" not in result.output
    # AND loading the set (what crosslive synth and deploy do first) refuses it too
    with pytest.raises(RegionFileError, match="market DE: rule data-residency"):
        load_regions(regions_dir)
    # while the same markets from an EU region pass
    oregon.write_text(
        'aws_region = "eu-west-3"\nrole = "edge"\norigin = "singapore"\nmarkets = ["DE", "FR", "ID"]\n'
        'plugins = ["market-de", "market-fr", "market-id"]\n',
        encoding="utf-8",
    )
    assert check_regions([oregon], all_paths=region_files(regions_dir)) == []


def test_check_warns_where_todays_table_placement_still_stores_a_market_outside_its_regions(regions_dir: Path):
    # GIVEN the shipped regions: the Frankfurt edge serves DE and FR, its origin is Singapore
    result = CliRunner().invoke(main, ["regions", "check", "--dir", str(regions_dir)])
    # THEN the files pass, and the check says that the origin's global tables still put DE's and FR's
    # personal data in the group's other regions (not a file problem: per-zone placement is not built)
    assert result.exit_code == 0, result.output
    assert "region file(s) OK" in result.output
    for market in ("DE", "FR"):
        assert f"warning: market {market}: rule data-residency (GDPR)" in result.output
    assert "also stored in ap-northeast-1, ap-southeast-1, me-central-1, us-east-1" in result.output
    assert "warning: market ID" not in result.output
