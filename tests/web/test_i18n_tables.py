"""The pages' own words (web/js/i18n.js) exist in every language a built-in market lists.

web/js/i18n.js is run with node (the page's own lookup: ``pickLanguage`` picks a table by the
tag's base language, "zh-Hans" -> zh, and falls back to English). Every language a built-in
``market.toml`` lists must resolve to its own table, and that table must have every key of the
English one: otherwise the viewer sees English labels around content that is already localized.

Problems too: the viewer page words a failed request from its stable ``code`` (``ERROR_KEYS`` ->
a key of those tables), never from the server's English ``detail``. Every code the routes the
viewer page calls can answer is either mapped or listed below as one the page never shows, so a
new code fails here until it has words in every language.
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
# What the viewer page calls: the room read, the comment post, the coupon claim, routing and WHEP
# (whose 401/403 the page shows as a refused stream), the shared auth, body-size and error handlers.
VIEWER_ROUTE_SOURCES = (
    "functions/rooms/access.py",
    "functions/comments/app.py",
    "functions/comments/posting.py",
    "functions/comments/validation.py",
    "functions/coupons/app.py",
    "functions/coupons/campaigns.py",
    "functions/coupons/claims.py",
    "functions/coupons/claiming.py",
    "functions/shared/idempotency.py",
    "functions/coupons/activity.py",
    "functions/coupons/codes.py",
    "functions/routing/app.py",
    "functions/shared/auth.py",
    "functions/shared/app.py",
    "functions/shared/errors.py",
    "media_nodes/app.py",
)
# Codes of those sources that never reach a viewer's eyes, and why.
NOT_SHOWN_TO_VIEWERS = {
    "comment-not-found": "reading or deleting one comment: the page does neither",
    "room-not-ended": "the chat export is the merchant's",
    "not-room-owner": "publishing (WHIP) is the merchant's",
    "not-room-moderator": "moderation is the console's",
    "campaign-exists": "creating campaigns is the merchant's",
    "show-not-found": "creating a win-back campaign is the merchant's",
    "share-not-found": "the page reports a share link's open quietly: one that does not count is not shown",
    "opener-not-present": "the page retries a share link's open after watching, quietly",
    "opener-market-not-in-room": "the page reports a share link's open quietly: one that does not count is not shown",
    "own-share": "opening a share link is not a watch-page request",
    "session-not-found": "WHEP DELETE when leaving: its answer is not shown",
    "trickle-not-supported": "the player never trickles",
    "coupon-code-malformed": "checking a code is the merchant's checkout (redemption), not the page",
}
CODE_PATTERN = re.compile(
    r'(?:ApiError|problem)\(\s*\d{3},\s*"([a-z0-9-]+)"|\(\s*\d{3},\s*"([a-z0-9-]+)",'
    r'|(?:BadRequest|Forbidden|NotFound|Conflict|Gone|Invalid|TooMany|Unavailable)\(\s*"([a-z0-9-]+)"'
)
ENGLISH_DETAIL = "the sale is too busy right now; retry with the same Idempotency-Key"


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
const worded = (tag, codes) => Object.fromEntries(
  codes.map((code) => [code, problemText({ code, problem: { detail: DETAIL } }, tag)]));
const fromGateway = (tag, statuses) => Object.fromEntries(
  statuses.map((status) => [status, problemText(new ApiError(status, { message: DETAIL }), tag)]));
const problems = Object.fromEntries(tags.map((tag) => [tag, {
  known: worded(tag, Object.keys(ERROR_KEYS)),
  unknown: problemText({ code: "some-new-code", status: 409, problem: { detail: DETAIL } }, tag),
  gateway: fromGateway(tag, [429, 502, 401]),
}]));
process.stdout.write(JSON.stringify({ tables: STRINGS, picks, looked_up: lookedUp, error_keys: ERROR_KEYS, problems }));
"""
    # ApiError as web/js/api.js builds it from a gateway answer that is not a problem document
    api_error = (ROOT / "web" / "js" / "api.js").read_text(encoding="utf-8").split("export class Api ")[0]
    result = subprocess.run(
        [node, "--input-type=module"],
        env={**os.environ, "CROSSLIVE_I18N_TAGS": json.dumps([*LANGUAGES, "en"])},
        input=I18N.read_text(encoding="utf-8") + api_error + f"const DETAIL = {json.dumps(ENGLISH_DETAIL)};\n" + probe,
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
        used |= set(re.findall(r'data-i18n(?:-placeholder|-label)?="([a-z_]+)"', text))
        used |= set(re.findall(r'\bstate\.t\("([a-z_]+)"\)', text))
    assert {"live", "claim", "min_spend", "flash", "video_label", "default_name"} <= used  # patterns still work
    assert not sorted(used - set(i18n()["tables"]["en"]))


def test_the_viewer_pages_screen_reader_labels_are_translated():
    html = (ROOT / "web" / "watch.html").read_text(encoding="utf-8")
    labelled = re.findall(r"<[^>]*\baria-label=[^>]*>", html)
    assert len(labelled) >= 3
    untranslated = [tag for tag in labelled if "data-i18n-label=" not in tag]
    assert not untranslated


def viewer_route_codes() -> set[str]:
    codes: set[str] = set()
    for source in VIEWER_ROUTE_SOURCES:
        for match in CODE_PATTERN.finditer((ROOT / source).read_text(encoding="utf-8")):
            codes.add(match.group(1) or match.group(2) or match.group(3))
    return codes


def test_every_problem_the_viewer_page_can_meet_has_words():
    error_keys = i18n()["error_keys"]
    codes = viewer_route_codes()
    # the scan finds the codes of the claim, the comment post and the stream refusal
    assert {"claim-contended", "coupon-exhausted", "too-many-comments", "author-muted", "market-not-served"} <= codes
    missing = sorted(codes - set(error_keys) - set(NOT_SHOWN_TO_VIEWERS))
    assert not missing, f"problem codes the viewer page can show without words in web/js/i18n.js ERROR_KEYS: {missing}"
    assert "network" in error_keys  # a request that got no answer (web/js/api.js)
    english = i18n()["tables"]["en"]
    assert not sorted(set(error_keys.values()) - set(english))  # every mapped key is in every table (tests above)


@pytest.mark.parametrize("language", LANGUAGES)
def test_problems_are_worded_in_the_viewers_language_never_in_the_servers_english(language):
    data = i18n()
    table = data["tables"][data["picks"][language]]
    problems = data["problems"][language]
    for code, text in problems["known"].items():
        assert text == table[data["error_keys"][code]], code
    # the claim refused under load reads as "busy" in the viewer's language
    assert problems["known"]["claim-contended"] == table["err_busy"]
    # a code the page does not know yet: generic words in the viewer's language (an English reader gets
    # the server's detail); a gateway's answer without a code: worded from its status
    english_reader = data["picks"][language] == "en"
    assert problems["unknown"] == (ENGLISH_DETAIL if english_reader else table["err_generic"])
    assert problems["gateway"] == {
        "429": table["err_rate_limited"],
        "502": table["err_server"],
        "401": table["err_sign_in"],
    }
    if not english_reader:
        texts = [*problems["known"].values(), problems["unknown"], *problems["gateway"].values()]
        assert ENGLISH_DETAIL not in texts
        assert not any(text == data["tables"]["en"].get(key) for key, text in table.items() if key.startswith("err_"))
