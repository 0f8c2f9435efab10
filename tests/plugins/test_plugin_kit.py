"""The plugin kit: scaffold a package, check it, install it, and see the platform pick it up."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pluggy
import pytest
from click.testing import CliRunner

from crosslive.cli import main
from crosslive.plugin_kit.conformance import check_plugin
from crosslive.plugin_kit.scaffold import MarketSpec, ScaffoldError, new_plugin
from plugins.manager import build_plugin_manager

hookimpl = pluggy.HookimplMarker("crosslive")
VENV_PYTHON = sys.executable
CROSSLIVE = str(Path(sys.executable).parent / "crosslive")


def _import_scaffolded(package: Path, module: str) -> Any:
    sys.path.insert(0, str(package / "src"))
    try:
        return importlib.import_module(f"{module}.plugin")
    finally:
        sys.path.remove(str(package / "src"))


def test_new_writes_a_complete_package(tmp_path):
    result = CliRunner().invoke(
        main, ["plugins", "new", "crosslive-market-kx", "--dir", str(tmp_path), "--market", "KE"]
    )
    assert result.exit_code == 0, result.output
    package = tmp_path / "crosslive-market-kx"
    files = {p.relative_to(package).as_posix() for p in package.rglob("*") if p.is_file()}
    assert {
        "pyproject.toml",
        "README.md",
        "src/crosslive_market_kx/plugin.py",
        "src/crosslive_market_kx/__init__.py",
        "src/crosslive_market_kx/data/market.toml",
        "src/crosslive_market_kx/data/lexicon.csv",
        "src/crosslive_market_kx/data/compliance.toml",
        "src/crosslive_market_kx/data/faq.toml",
        "src/crosslive_market_kx/data/phrasebook.toml",
        "tests/test_plugin.py",
    } <= files
    pyproject = (package / "pyproject.toml").read_text()
    assert '[project.entry-points.crosslive]\ncrosslive-market-kx = "crosslive_market_kx.plugin"' in pyproject
    assert not any("${" in p.read_text() for p in package.rglob("*") if p.is_file())  # every placeholder filled


def test_scaffolded_plugin_conforms_unmodified(tmp_path):
    package = new_plugin(
        "crosslive-market-kc",
        tmp_path,
        MarketSpec(
            code="EG",
            name="مصر",
            currency="EGP",
            locale="ar_EG",
            languages=("ar", "en"),
            time_zone="Africa/Cairo",
        ),
    )
    plugin = _import_scaffolded(package, "crosslive_market_kc")
    report = check_plugin(plugin, name="crosslive-market-kc")
    assert report.ok, report.render()
    assert 'direction = "rtl"' in (package / "src/crosslive_market_kc/data/market.toml").read_text()
    pm = build_plugin_manager(["market-ae"], include_entry_points=False, extra=[("kc", plugin)])
    assert pm.market_profile("EG").currency == "EGP"


@pytest.mark.parametrize(
    ("name", "spec", "fragment"),
    [
        ("Bad_Name", MarketSpec(), "package name"),
        ("ok-name", MarketSpec(currency="XXQ"), "currency 'XXQ'"),
        ("ok-name", MarketSpec(locale="qq_ZZ"), "'qq_ZZ' is not a CLDR locale"),
        ("ok-name", MarketSpec(time_zone="Mars/Olympus"), "time zone"),
        ("ok-name", MarketSpec(code="kenya"), "market code"),
        ("ok-name", MarketSpec(aws_region="frankfurt"), "AWS region"),
    ],
)
def test_new_refuses_bad_input(tmp_path, name, spec, fragment):
    with pytest.raises(ScaffoldError, match=fragment):
        new_plugin(name, tmp_path, spec)
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_new_refuses_existing_folder(tmp_path):
    (tmp_path / "taken").mkdir()
    result = CliRunner().invoke(main, ["plugins", "new", "taken", "--dir", str(tmp_path)])
    assert result.exit_code != 0 and "already exists" in result.output


def test_check_cli_reports_failures_clearly(tmp_path):
    module = tmp_path / "kit_bad_plugin.py"
    module.write_text(
        "import pluggy\nhookimpl = pluggy.HookimplMarker('crosslive')\n"
        "@hookimpl\ndef market_codes():\n    return ['QX']\n"
        "@hookimpl\ndef market_profile(market):\n"
        "    return {'code': 'QX', 'name': 'Q', 'languages': ['en'], 'locale': 'en_US', 'currency': 'QQQ',"
        " 'time_zone': 'Mars/Base'} if market == 'QX' else None\n"
        "@hookimpl\ndef compliance_rules(market):\n"
        "    return [{'id': 'R1', 'market': 'QX', 'law': 'l', 'kind': 'banned_term', 'message': 'm'}] "
        "if market == 'QX' else []\n"
        "@hookimpl\ndef faq_answers(market, language):\n"
        "    answer = {'id': 'f', 'patterns': ['p'], 'answer': 'Ships in {days} days'}\n"
        "    return [answer] if market == 'QX' else []\n"
    )
    sys.path.insert(0, str(tmp_path))
    try:
        result = CliRunner().invoke(main, ["plugins", "check", "kit_bad_plugin"])
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("kit_bad_plugin", None)
    assert result.exit_code == 1
    out = result.output
    assert "FAIL  QX CLDR: currency 'QQQ' not in CLDR/ISO 4217; time zone 'Mars/Base' not in the IANA database" in out
    assert "FAIL  QX compliance_rules: R1: banned_term rule without terms" in out
    assert "FAIL  QX faq_answers[en]: unknown placeholders ['days']" in out
    assert "kit_bad_plugin: DOES NOT conform" in out


def test_check_cli_on_a_builtin_module_passes():
    result = CliRunner().invoke(main, ["plugins", "check", "plugins.builtin.local_translation:plugin"])
    assert result.exit_code == 0, result.output
    assert "conforms" in result.output


def test_check_cli_unknown_target():
    result = CliRunner().invoke(main, ["plugins", "check", "no_such_plugin_pkg"])
    assert result.exit_code != 0 and "neither an installed crosslive plugin nor an importable module" in result.output


API_PROBE = """
import json, os
os.environ["CROSSLIVE_PLUGINS"] = "*"
from fastapi.testclient import TestClient
from functions.localization.app import app
with TestClient(app) as client:
    profile = client.get("/v1/localization/markets/KE").json()
    codes = [m["code"] for m in client.get("/v1/localization/markets").json()]
print(json.dumps({"profile": profile, "codes": codes}))
"""


@pytest.mark.slow
def test_installed_package_is_picked_up_through_the_entry_point(tmp_path):
    # GIVEN a package scaffolded outside this repository and installed with pip
    dist = "crosslive-market-ke-kit-test"
    package = new_plugin(dist, tmp_path)
    install = subprocess.run(
        [
            VENV_PYTHON,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-q",
            str(package),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    try:
        importlib.invalidate_caches()
        # THEN the platform finds it through the `crosslive` entry-point group ...
        pm = build_plugin_manager(include_entry_points=True)
        assert "KE" in pm.market_codes()
        assert pm.market_profile("KE").currency == "KES"
        assert {e.term for e in pm.moderation_lexicon("KE")} >= {"scam link", "whatsapp me"}
        assert dist in dict(pm.list_name_plugin())
        # ... the localization API of a region with every installed plugin serves the new market ...
        env = {**os.environ, "POWERTOOLS_LOG_LEVEL": "ERROR"}
        probe = subprocess.run([VENV_PYTHON, "-c", API_PROBE], capture_output=True, text=True, timeout=300, env=env)
        assert probe.returncode == 0, probe.stderr
        seen = json.loads(probe.stdout.strip().splitlines()[-1])
        assert seen["profile"]["currency"] == "KES" and seen["profile"]["name"] == "Kenya"
        assert "KE" in seen["codes"]
        # ... the conformance suite passes on the installed distribution ...
        check = subprocess.run(
            [CROSSLIVE, "plugins", "check", dist],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert check.returncode == 0, check.stdout + check.stderr
        assert f"{dist}: conforms" in check.stdout
        # ... and the package's own tests pass unmodified
        tests = subprocess.run(
            [VENV_PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(package / "tests")],
            capture_output=True,
            text=True,
            timeout=300,
            cwd=package,
        )
        assert tests.returncode == 0, tests.stdout + tests.stderr
    finally:
        subprocess.run([VENV_PYTHON, "-m", "pip", "uninstall", "-y", "-q", dist], capture_output=True, timeout=300)
        importlib.invalidate_caches()
    assert dist not in {ep.name for ep in entry_points(group="crosslive")}  # uninstalled: gone again
