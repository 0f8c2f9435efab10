"""Toxicity scores of published texts, for the after-publish screen (``functions.comments.screening``).

Scores come from the ``classify_toxicity`` hook: Amazon Comprehend for English when a region enables
``comprehend-toxicity``, the learned multilingual stage for every built-in market language when it
enables ``learned-toxicity`` (``plugins/builtin/learned_toxicity.py``). Without such a plugin
English is scored by ``local_scores``, with the same shape from the market lexicons, so the code path
is the same everywhere; another language without a plugin is not scored after publish (its lexicon
already ran in the write path). What is
done with a score (deleting the comment, auditing it) is the comments function's: it owns the
table.
"""

from __future__ import annotations

from functions.moderation.lexicon import matcher_for
from functions.shared.plugins import get_plugins
from plugins.manager import CrossliveManager
from plugins.types import ToxicityScore

# lexicon category -> Comprehend label
LABELS = {
    "profanity": "PROFANITY",
    "hate": "HATE_SPEECH",
    "sexual": "SEXUAL",
    "violence": "VIOLENCE_OR_THREAT",
    "scam": "HARASSMENT_OR_ABUSE",
    "spam": "HARASSMENT_OR_ABUSE",
    "drugs": "GRAPHIC",
    "other": "INSULT",
}
SEVERITY_SCORE = {1: 0.5, 2: 0.8, 3: 0.97}


def local_scores(texts: list[str], market: str, plugins: CrossliveManager) -> list[ToxicityScore]:
    """Comprehend-shaped scores from the market lexicon (the strongest entry found decides)."""
    matcher = matcher_for(plugins, market)
    scores = []
    for text in texts:
        labels: dict[str, float] = {}
        for hit in matcher.hits(text):
            label = LABELS.get(hit.rule.category, "INSULT")
            labels[label] = max(labels.get(label, 0.0), SEVERITY_SCORE[hit.rule.severity])
        scores.append(ToxicityScore(toxicity=max(labels.values(), default=0.0), labels=labels))
    return scores


def scores(
    texts: list[tuple[str, str]], plugins: CrossliveManager | None = None, language: str = "en"
) -> list[ToxicityScore] | None:
    """Scores of ``(text, market)`` pairs in ``language``: the plugin's; without one, the market
    lexicons' for English and ``None`` (not scored) for any other language."""
    plugins = plugins or get_plugins()
    found = plugins.classify_toxicity([text for text, _ in texts], language)
    if found is not None:
        return found
    if language.split("-")[0].lower() != "en":
        return None
    return [score for text, market in texts for score in local_scores([text], market, plugins)]
