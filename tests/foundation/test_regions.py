"""Region files: the shipped set is valid; `check` names every mistake with its line; `add` writes valid files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from crosslive.cli import main
from crosslive.regions import (
    REGIONS_DIR,
    RegionConfig,
    RegionFileError,
    check_regions,
    load_regions,
    parse_region_file,
    region_files,
    residency_zones,
    zones_env,
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


def test_check_names_the_residency_zones_the_shipped_regions_place(regions_dir: Path):
    # GIVEN the shipped regions: the Frankfurt edge serves DE and FR (GDPR), its origin is Singapore
    result = CliRunner().invoke(main, ["regions", "check", "--dir", str(regions_dir)])
    # THEN the files pass and the check says where DE's and FR's personal data lives: zone eu, at home
    # in Frankfurt, replicated nowhere else; no other market is zoned
    assert result.exit_code == 0, result.output
    assert "region file(s) OK" in result.output
    assert "zone eu (GDPR): markets DE, FR; home europe (eu-central-1); its tables replicate to no other region" in (
        result.output
    )
    assert "warning" not in result.output
    zones, problems = residency_zones(load_regions(regions_dir))
    assert problems == []
    assert [(z.name, z.markets, z.regions, z.home) for z in zones] == [
        ("eu", ("DE", "FR"), ("eu-central-1",), "eu-central-1")
    ]
    assert json.loads(zones_env(zones)) == {
        "eu": {"home": "eu-central-1", "regions": ["eu-central-1"], "markets": ["DE", "FR"]}
    }


def test_a_second_eu_region_joins_the_zone_and_the_home_stays_the_first_by_file_name(regions_dir: Path):
    # GIVEN a Paris edge serving FR beside the Frankfurt one
    (regions_dir / "paris.toml").write_text(
        'aws_region = "eu-west-3"\nrole = "edge"\norigin = "singapore"\nmarkets = ["FR"]\nplugins = ["market-fr"]\n',
        encoding="utf-8",
    )
    (zone,) = residency_zones(load_regions(regions_dir))[0]
    # THEN both are zone regions; the home is europe's (sorted by file name), Paris gets the replicas
    assert zone.region_names == ("europe", "paris")
    assert zone.home == "eu-central-1" and zone.replica_regions == ("eu-west-3",)


def test_check_refuses_a_restricted_market_whose_zone_has_no_region_inside_its_rule(regions_dir: Path):
    # GIVEN DE served only from the origin in Singapore (the Frankfurt edge removed)
    (regions_dir / "europe.toml").unlink()
    origin = regions_dir / "singapore.toml"
    origin.write_text(
        origin.read_text(encoding="utf-8").replace('markets = ["SG"', 'markets = ["DE", "SG"'), encoding="utf-8"
    )
    # WHEN checked, THEN DE is named with its rule twice: served outside it, and its zone has no home
    result = CliRunner().invoke(main, ["regions", "check", "--dir", str(regions_dir)])
    assert result.exit_code != 0
    assert f"{origin}:4: markets: market DE: rule data-residency (GDPR) allows its personal data only in" in (
        result.output
    )
    assert "no region of origin singapore's group is deployed in eu-central-1, eu-west-1" in result.output
    assert "its zone eu needs a home" in result.output
    with pytest.raises(RegionFileError, match="its zone eu needs a home"):
        load_regions(regions_dir)


def test_markets_of_one_jurisdiction_with_no_common_allowed_region_are_refused():
    # GIVEN two EU markets whose rules share no region (a third-party plugin could declare that)
    from plugins.types import DataResidency

    rules = {
        "DE": DataResidency(jurisdiction="EU", allowed_regions=["eu-central-1"], law="GDPR"),
        "FR": DataResidency(jurisdiction="EU", allowed_regions=["eu-west-3"], law="GDPR"),
    }
    regions = [
        RegionConfig(name="singapore", aws_region="ap-southeast-1", role="origin", markets=["SG"]),
        RegionConfig(name="frankfurt", aws_region="eu-central-1", role="edge", origin="singapore", markets=["DE"]),
        RegionConfig(name="paris", aws_region="eu-west-3", role="edge", origin="singapore", markets=["FR"]),
    ]
    allowed_anywhere = DataResidency(jurisdiction="none", allowed_regions=["*"])
    zones, problems = residency_zones(regions, lambda market: rules.get(market, allowed_anywhere))
    # THEN no zone is made and both markets are named with the rule
    assert zones == []
    assert [p.market for p in problems] == ["DE", "FR"]
    assert "the EU markets DE, FR share no allowed region" in problems[0].message
