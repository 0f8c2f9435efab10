"""What a region's third-party plugins add to its Lambda bundle, found from their installed files."""

from __future__ import annotations

import shutil

import pytest

from crosslive.regions import REGIONS_DIR
from infra.plugin_bundle import PluginBundleError, bundle_files, copy_into, third_party_plugins
from tests.plugins.installed import BRAZIL, install_fake


def test_only_third_party_plugins_are_bundled_separately():
    assert third_party_plugins(["market-cn", "aws-translate", "crosslive-market-br"]) == ["crosslive-market-br"]


def test_an_installed_plugin_brings_its_module_and_dist_info(tmp_path, monkeypatch):
    # GIVEN a plugin installed as pip leaves it (module + dist-info with RECORD)
    site = tmp_path / "site"
    site.mkdir()
    install_fake(site, "crosslive-market-br", "crosslive_market_br", BRAZIL)
    info = site / "crosslive_market_br-0.1.0.dist-info"
    (info / "RECORD").write_text(
        "crosslive_market_br.py,,\ncrosslive_market_br-0.1.0.dist-info/METADATA,,\n"
        "crosslive_market_br-0.1.0.dist-info/entry_points.txt,,\n../../bin/br-tool,,\n",
        encoding="utf-8",
    )
    (info / "METADATA").write_text(
        (info / "METADATA").read_text() + "Requires-Dist: pluggy>=1.5\nRequires-Dist: pytest; extra == 'test'\n"
    )
    monkeypatch.syspath_prepend(str(site))
    # WHEN its files are collected for a region enabling it (pluggy is carried by the bundle)
    found = bundle_files(["market-cn", "crosslive-market-br"], carried=["pluggy"], provided=["boto3"])
    # THEN the module and the dist-info come along; console scripts and test extras do not
    assert [plugin.name for plugin in found] == ["crosslive-market-br"]
    bundle = tmp_path / "bundle"
    copy_into(bundle, found)
    assert (bundle / "crosslive_market_br.py").read_text() == BRAZIL
    entry_points = bundle / "crosslive_market_br-0.1.0.dist-info" / "entry_points.txt"
    assert "crosslive-market-br = crosslive_market_br" in entry_points.read_text()
    assert not (bundle / "bin").exists()


def test_an_editable_install_is_bundled_from_where_it_imports(tmp_path, monkeypatch):
    # GIVEN a dist-info whose RECORD holds only the editable .pth, the package elsewhere
    site, source = tmp_path / "site", tmp_path / "src"
    site.mkdir()
    (source / "crosslive_market_br").mkdir(parents=True)
    (source / "crosslive_market_br" / "__init__.py").write_text(BRAZIL, encoding="utf-8")
    (source / "crosslive_market_br" / "data").mkdir()
    (source / "crosslive_market_br" / "data" / "market.toml").write_text("[profile]\n", encoding="utf-8")
    install_fake(site, "crosslive-market-br", "crosslive_market_br", BRAZIL)
    (site / "crosslive_market_br.py").unlink()
    info = site / "crosslive_market_br-0.1.0.dist-info"
    (info / "RECORD").write_text("__editable__.crosslive_market_br-0.1.0.pth,,\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.syspath_prepend(str(source))
    # WHEN / THEN the package comes from its import location, data included
    (found,) = bundle_files(["crosslive-market-br"], carried=["pluggy"], provided=[])
    paths = {str(rel) for _, rel in found.files}
    assert {"crosslive_market_br/__init__.py", "crosslive_market_br/data/market.toml"} <= paths
    assert not any(path.endswith(".pth") for path in paths)


def test_an_enabled_plugin_that_is_not_installed_fails_bundling_by_name():
    with pytest.raises(PluginBundleError, match=r"plugin 'crosslive-market-zz' is enabled but not installed"):
        bundle_files(["market-cn", "crosslive-market-zz"], carried=[], provided=[])


def test_synthesis_refuses_a_region_enabling_a_plugin_that_is_not_installed(tmp_path):
    from infra.app import build_app, new_app

    regions = tmp_path / "regions"
    shutil.copytree(REGIONS_DIR, regions)
    (regions / "south-america.toml").write_text(
        'aws_region = "sa-east-1"\nrole = "edge"\norigin = "singapore"\nmarkets = ["BR"]\n'
        'plugins = ["crosslive-market-zz", "market-cn"]\n',
        encoding="utf-8",
    )
    app = new_app(context={"aws:cdk:bundling-stacks": [], "crosslive:regionsDir": str(regions)})
    with pytest.raises(SystemExit, match=r"south-america.toml:5: plugins: not installed: crosslive-market-zz"):
        build_app(app)
