"""``crosslive bench moderation`` runs and prints every figure (tiny durations; figures not asserted)."""

from __future__ import annotations

from collections import Counter

from click.testing import CliRunner

from bench.moderation import HELDOUT_V2
from bench.moderation_corpus import load
from crosslive.cli import main
from plugins.manager import build_plugin_manager


def test_bench_moderation_prints_its_figures() -> None:
    result = CliRunner().invoke(
        main,
        [
            "bench",
            "moderation",
            "--seconds",
            "0.2",
            "--baseline-seconds",
            "0.2",
            "--inline",
            "0",
            "--no-baseline-accuracy",
        ],
    )
    assert result.exit_code == 0, result.output
    needles = ("comments/s per core", "x better-profanity", "recall", "held-out part", "per language", "per technique")
    for needle in (*needles, "held-out v2 (written blind in session 4)", "p99"):
        assert needle in result.output
    # curation, held-out and held-out v2 parts each report per language and per technique
    assert result.output.count("per language (recall, innocent touched)") == 3
    assert result.output.count("per technique: ") == 3
    # the blind part names no row it missed or touched
    blind = result.output.split("held-out v2 (written blind in session 4)")[1].split("in-line CPU checks")[0]
    assert "not listed: this part stays blind" in blind
    assert "missed / touched (" not in blind
    assert not any(text in blind for _label, _market, _language, _technique, text in load(HELDOUT_V2))


def test_held_out_v2_covers_every_market_in_its_languages() -> None:
    # GIVEN the blind held-out corpus and the built-in markets
    pm = build_plugin_manager(include_entry_points=False, validate=False)
    rows = load(HELDOUT_V2)
    # THEN every market has at least 15 comments that must be caught and 12 innocent ones,
    # each in one of the market's languages, and the corpus is at least 300 + 250 comments
    per_market = Counter((market, label) for label, market, _language, _technique, _text in rows)
    for market in pm.market_codes():
        assert per_market[(market, 1)] >= 15, market
        assert per_market[(market, 0)] >= 12, market
    for _label, market, language, _technique, text in rows:
        assert language in pm.market_profile(market).languages, (market, language, text)
    assert sum(label for label, *_ in rows) >= 300
    assert sum(1 - label for label, *_ in rows) >= 250
