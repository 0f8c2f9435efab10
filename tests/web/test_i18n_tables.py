"""The pages' own words (web/js/i18n.js) exist in every language a built-in market lists.

web/js/i18n.js is run with node (the page's own lookup: ``pickLanguage`` picks a table by the
tag's base language, "zh-Hans" -> zh, and falls back to English). Every language a built-in
``market.toml`` lists must resolve to its own table, and that table must have every key of the
English one: otherwise the viewer sees English labels around content that is already localized.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from plugins.markets import MARKETS_DIR, available_markets

ROOT = Path(__file__).resolve().parents[2]
I18N = ROOT / "web" / "js" / "i18n.js"
PAGE_SOURCES = (ROOT / "web" / "watch.html", ROOT / "web" / "js" / "watch.js")


def market_languages() -> list[tuple[str, str]]:
    pairs = []
    for code in available_markets():
        profile = tomllib.loads((MARKETS_DIR / code.lower() / "market.toml").read_text(encoding="utf-8"))["profile"]
        pairs += [(code, language) for language in profile["languages"]]
    return pairs


LANGUAGES = sorted({language for _, language in market_languages()})


@cache
def i18n() -> dict[str, Any]:
    """``{"tables": STRINGS, "picks": {tag: table name}, "looked_up": {tag: {key: text}}}`` from node."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed: run scripts/bootstrap.sh", pytrace=False)
    # The module's own source with a few lines appended: STRINGS is module-private, not exported.
    probe = """
const tags = JSON.parse(process.env.CROSSLIVE_I18N_TAGS);
const picks = Object.fromEntries(tags.map((tag) => [tag, pickLanguage([tag])]));
const lookedUp = Object.fromEntries(tags.map((tag) => {
  const t = translator(tag);
  return [tag, Object.fromEntries(Object.keys(STRINGS.en).map((key) => [key, t(key)]))];
}));
process.stdout.write(JSON.stringify({ tables: STRINGS, picks, looked_up: lookedUp }));
"""
    result = subprocess.run(
        [node, "--input-type=module"],
        env={**os.environ, "CROSSLIVE_I18N_TAGS": json.dumps(LANGUAGES)},
        input=I18N.read_text(encoding="utf-8") + probe,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_every_built_in_market_lists_languages():
    assert len(available_markets()) >= 13
    assert {"th", "vi", "ms", "fil"} <= set(LANGUAGES)


@pytest.mark.parametrize(("market", "language"), market_languages(), ids=lambda v: str(v))
def test_the_language_has_its_own_complete_table(market, language):
    data = i18n()
    english = data["tables"]["en"]
    picked = data["picks"][language]
    base = language.lower().split("-")[0]
    assert picked == base, f"{market} lists {language!r}: web/js/i18n.js has no table for it (falls back to {picked})"
    table = data["tables"][picked]
    missing = sorted(set(english) - set(table))
    assert not missing, f"{market} lists {language!r}: its table lacks {missing}"
    extra = sorted(set(table) - set(english))
    assert not extra, f"the {picked!r} table has keys English does not: {extra}"
    empty = sorted(key for key, text in table.items() if not isinstance(text, str) or not text.strip())
    assert not empty, f"the {picked!r} table has empty texts: {empty}"
    # and the page's own lookup returns that table's words, not English
    assert data["looked_up"][language] == {key: table[key] for key in english}


def test_every_key_the_viewer_page_uses_is_in_the_english_table():
    used: set[str] = set()
    for source in PAGE_SOURCES:
        text = source.read_text(encoding="utf-8")
        used |= set(re.findall(r'data-i18n(?:-placeholder)?="([a-z_]+)"', text))
        used |= set(re.findall(r'\bstate\.t\("([a-z_]+)"\)', text))
    assert {"live", "claim", "min_spend", "flash"} <= used  # the patterns still find the page's keys
    assert not sorted(used - set(i18n()["tables"]["en"]))
