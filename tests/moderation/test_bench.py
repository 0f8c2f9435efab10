"""``crosslive bench moderation`` runs and prints every figure (tiny durations; figures not asserted)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from bench.moderation import BLIND_PARTS, HELDOUT, HELDOUT_V2, HELDOUT_V3, HELDOUT_V4, _innocent
from bench.moderation_corpus import CORPUS, load
from crosslive.cli import main
from plugins.builtin.learned_toxicity import encoder_available
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
    titles = (
        "held-out v2 (written blind in session 4)",
        "held-out v3 (written blind in session 4; seen since session 5)",
        "held-out v4 (written blind in session 5, final)",
    )
    for needle in (*needles, *titles, "p99"):
        assert needle in result.output
    assert [title for title, _corpus in BLIND_PARTS] == list(titles)
    # curation, held-out and the three blind held-out parts each report per language and per technique,
    # once more with the learned stage where its package is installed
    parts = 10 if encoder_available() else 5
    assert result.output.count("per language (recall, innocent touched)") == parts
    assert result.output.count("per technique: ") == parts
    assert "== learned stage (learned-toxicity" in result.output
    # each blind part names no row it missed or touched (of its own corpus or of another blind one)
    blind_rows = [text for _title, corpus in BLIND_PARTS for *_rest, text in load(corpus)]
    ends = [*(f"== {title}:" for title, _corpus in BLIND_PARTS[1:]), "in-line CPU checks"]
    for (title, _corpus), end in zip(BLIND_PARTS, ends, strict=True):
        blind = result.output.split(f"== {title}:")[1].split(end)[0]
        assert "recall" in blind and "per technique: " in blind, title
        if "missed / touched" in blind:
            assert "not listed: this part stays blind" in blind, title
        assert "missed / touched (" not in blind, title
        assert not any(text in blind for text in blind_rows), title
    learned = result.output.split("== learned stage")[1]
    assert "missed / touched (" not in learned.split("== held-out v2")[-1]
    assert not any(text in learned for text in blind_rows)


@pytest.mark.parametrize(
    ("corpus", "must_catch", "innocent", "total_must_catch", "total_innocent"),
    [(HELDOUT_V2, 15, 12, 300, 250), (HELDOUT_V3, 20, 18, 280, 240), (HELDOUT_V4, 25, 20, 350, 260)],
    ids=["v2", "v3", "v4"],
)
def test_blind_held_out_corpus_covers_every_market_in_its_languages(
    corpus: Path, must_catch: int, innocent: int, total_must_catch: int, total_innocent: int
) -> None:
    # GIVEN a blind held-out corpus and the built-in markets
    pm = build_plugin_manager(include_entry_points=False, validate=False)
    rows = load(corpus)
    # THEN every market has its share of comments that must be caught and of innocent ones,
    # each in one of the market's languages, and the corpus reaches its totals
    per_market = Counter((market, label) for label, market, _language, _technique, _text in rows)
    for market in pm.market_codes():
        assert per_market[(market, 1)] >= must_catch, market
        assert per_market[(market, 0)] >= innocent, market
    for _label, market, language, _technique, text in rows:
        assert language in pm.market_profile(market).languages, (market, language, text)
    assert sum(label for label, *_ in rows) >= total_must_catch
    assert sum(1 - label for label, *_ in rows) >= total_innocent


@pytest.mark.parametrize(
    ("corpus", "earlier_corpora"),
    [(HELDOUT_V3, (CORPUS, HELDOUT, HELDOUT_V2)), (HELDOUT_V4, (CORPUS, HELDOUT, HELDOUT_V2, HELDOUT_V3))],
    ids=["v3", "v4"],
)
def test_blind_held_out_corpus_is_new_text_spread_over_techniques(
    corpus: Path, earlier_corpora: tuple[Path, ...]
) -> None:
    # GIVEN a blind corpus and every corpus written before it
    rows = load(corpus)
    earlier = {text for path in earlier_corpora for *_rest, text in load(path)}
    earlier |= {text for _market, text in _innocent()}
    # THEN no comment is repeated from an earlier corpus or within itself, and the rows that must be
    # caught spread over many evasion techniques, plain insults holding at most a third of them
    texts = [text for *_rest, text in rows]
    assert len(texts) == len(set(texts))
    repeated = [text for text in texts if text in earlier]  # names only this corpus's rows, never an earlier one
    assert not repeated
    techniques = Counter(technique for label, _market, _language, technique, _text in rows if label)
    assert len(techniques) >= 15
    assert max(techniques.values()) <= sum(techniques.values()) / 3
    required = {"homoglyph", "letter-spaced", "doubled", "pinyin-mixed", "kana", "arabizi", "spelled-url"}
    assert required <= set(techniques)
