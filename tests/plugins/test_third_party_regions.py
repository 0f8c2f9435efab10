"""A platform team installs a market plugin, sees it listed, and adds a region that uses it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from crosslive.cli import main
from crosslive.regions import REGIONS_DIR, load_regions, parse_region_file, plugins_in_effect
from tests.plugins.installed import BRAZIL, install_fake


@pytest.fixture
def brazil_installed(tmp_path, monkeypatch) -> Path:
    """``crosslive-market-br`` installed (on sys.path), and a copy of the shipped region files."""
    site = tmp_path / "site"
    site.mkdir()
    install_fake(site, "crosslive-market-br", "crosslive_market_br", BRAZIL)
    monkeypatch.syspath_prepend(str(site))
    regions = tmp_path / "regions"
    shutil.copytree(REGIONS_DIR, regions)
    return regions


def test_an_installed_market_no_region_enables_is_listed(brazil_installed):
    result = CliRunner().invoke(main, ["plugins", "list", "--dir", str(brazil_installed)])
    assert result.exit_code == 0, result.output
    unused = result.output.split("installed, enabled in no region", 1)[1]
    assert "crosslive-market-br (BR)" in unused


def test_regions_add_enables_the_installed_plugin_and_says_what_the_origin_loads(brazil_installed):
    # WHEN the region is added without naming plugins
    args = ["regions", "add", "south-america", "--aws-region", "sa-east-1", "--origin", "singapore"]
    result = CliRunner().invoke(main, [*args, "--market", "BR", "--dir", str(brazil_installed)])
    # THEN the plugin providing BR is the entry point's name, and the origin is told about
    assert result.exit_code == 0, result.output
    written = parse_region_file(brazil_installed / "south-america.toml")[0]
    assert written is not None and written.plugins == ["crosslive-market-br", "market-cn"]
    assert "the origin 'singapore' also loads crosslive-market-br" in result.output
    assert "crosslive deploy south-america (updates singapore first" in result.output
    # and the origin's functions load it without an edit of its file (it hosts BR's rooms)
    regions = load_regions(brazil_installed)
    origin = next(r for r in regions if r.name == "singapore")
    assert "crosslive-market-br" not in origin.plugins
    assert "crosslive-market-br" in plugins_in_effect(origin, regions)
    listed = CliRunner().invoke(main, ["plugins", "list", "--dir", str(brazil_installed), "--region", "singapore"])
    assert "crosslive-market-br (enabled by an edge): market_codes, market_profile" in listed.output


def test_regions_add_with_a_wrong_plugin_name_suggests_the_installed_one(brazil_installed):
    args = ["regions", "add", "south-america", "--aws-region", "sa-east-1", "--origin", "singapore"]
    plugins = ["--plugin", "market-br", "--plugin", "market-cn"]
    result = CliRunner().invoke(main, [*args, "--market", "BR", *plugins, "--dir", str(brazil_installed)])
    assert result.exit_code != 0
    assert "not installed: market-br (installed for its markets: crosslive-market-br)" in result.output
    assert "enable crosslive-market-br" in result.output
    assert not (brazil_installed / "south-america.toml").exists()


def test_a_plugin_whose_hook_raises_is_named_by_the_region_commands(tmp_path, monkeypatch):
    # GIVEN an installed market plugin whose market_codes raises
    source = BRAZIL.replace(
        "def market_codes():\n    return", "def market_codes():\n    raise OSError('data file missing')\n    return"
    )
    install_fake(tmp_path, "crosslive-market-broken", "crosslive_market_broken", source)
    monkeypatch.syspath_prepend(str(tmp_path))
    # WHEN / THEN each command says which plugin, in one line
    for args in (["regions", "check"], ["plugins", "list"]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 1, result.output
        assert (
            "Error: plugin 'crosslive-market-broken': market_codes raised OSError: data file missing" in result.output
        )
