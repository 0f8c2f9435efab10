"""Sentiment of comments in their own language, through the ``sentiment_polarity`` plugin hook.

``scorer_for(records)`` scores every new visible comment of a stream batch with one hook call per
language (Amazon Comprehend takes 25 texts a call; the local lexicon scorer answers for every
built-in market language) and returns the ``fold.Scorer`` the fold looks texts up with.
A language no plugin scores leaves its comments unscored: counted as comments, neither positive
nor negative.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from typing import Any

from functions.insights.fold import Scorer, image
from functions.shared.plugins import get_plugins

log = logging.getLogger("crosslive.insights.sentiment")


def _texts(records: list[dict[str, Any]], table_of: Any) -> dict[str, list[str]]:
    by_language: dict[str, list[str]] = defaultdict(list)
    for record in records:
        if table_of(record) != "comments":
            continue
        new = image(record, "NewImage")
        if new is None or new.get("kind", "viewer") != "viewer" or new.get("status") not in ("published", "masked"):
            continue
        text = str(new.get("original_text") or new.get("text") or "")
        by_language[str(new.get("language") or "und")].append(text)
    return by_language


def scorer_for(records: list[dict[str, Any]], table_of: Any) -> Scorer:
    scores: dict[tuple[str, str], int] = {}
    for language, texts in _texts(records, table_of).items():
        unique = list(dict.fromkeys(texts))
        try:
            polarities = get_plugins().sentiment_polarity(unique, language)
        except Exception:  # a scorer outage must not lose the batch's counts
            log.exception("sentiment scoring of %d %s comments failed", len(unique), language)
            polarities = None
        if polarities is None:
            continue
        for text, value in zip(unique, polarities, strict=True):
            scores[(text, language)] = 1 if value > 0 else -1 if value < 0 else 0

    def score(text: str, language: str) -> int | None:
        return scores.get((text, language))

    return score
