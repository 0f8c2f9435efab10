"""After-publish toxicity screening: score published English comments and delete what is flagged.

Runs off the write path (the comments table's stream in AWS, or a batch call): in-line moderation
already answered within its budget, and a model call costs tens of milliseconds. Scores come from
the ``classify_toxicity`` hook: Amazon Comprehend when a region enables ``comprehend-toxicity``.
Without such a plugin (the embedded platform) ``local_scores`` answers with the same shape from
the market lexicons, so the code path is the same everywhere.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from functions.moderation import sanctions
from functions.moderation.lexicon import matcher_for
from functions.shared.plugins import get_plugins
from plugins.manager import CrossliveManager
from plugins.types import ToxicityScore

THRESHOLD = 0.8
ACTOR = "toxicity-screen"
SCREENED_STATUSES = ("published", "masked")
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


@dataclass(frozen=True)
class Published:
    room_id: str
    comment_id: str
    text: str
    language: str
    market: str = "US"


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


def screen(
    comments: Iterable[Published], *, threshold: float = THRESHOLD, plugins: CrossliveManager | None = None
) -> list[tuple[Published, ToxicityScore]]:
    """Score English comments and delete those at or above ``threshold``; returns the deleted ones."""
    from functions.comments import review

    plugins = plugins or get_plugins()
    english = [c for c in comments if c.language.split("-")[0].lower() == "en"]
    if not english:
        return []
    scores = plugins.classify_toxicity([c.text for c in english], "en")
    if scores is None:
        scores = []
        for comment in english:
            scores.extend(local_scores([comment.text], comment.market, plugins))
    deleted = []
    now = time.time()
    for comment, score in zip(english, scores, strict=True):
        if score.toxicity < threshold:
            continue
        review.set_status(comment.room_id, comment.comment_id, "deleted", ACTOR)
        top = max(score.labels, key=score.labels.__getitem__, default="TOXICITY")
        sanctions.audit(
            sanctions.room_scope(comment.room_id),
            ACTOR,
            "auto-delete",
            now,
            comment_id=comment.comment_id,
            reason=f"toxicity {score.toxicity:.2f}",
            detail=f"{top} {score.labels.get(top, 0.0):.2f}",
        )
        deleted.append((comment, score))
    return deleted


def _string(image: dict[str, Any], name: str) -> str | None:
    value = image.get(name, {})
    return value.get("S") if isinstance(value, dict) else None


def stream_handler(event: dict[str, Any], _context: Any = None) -> dict[str, Any]:
    """Lambda handler for the comments table's DynamoDB stream: screen newly published comments."""
    batch: list[Published] = []
    for record in event.get("Records", []):
        if record.get("eventName") not in ("INSERT", "MODIFY"):
            continue
        new = record.get("dynamodb", {}).get("NewImage", {})
        old = record.get("dynamodb", {}).get("OldImage", {})
        status = _string(new, "status")
        if status not in SCREENED_STATUSES or _string(old, "status") in SCREENED_STATUSES:
            continue  # only the moment a comment becomes visible
        room_id, comment_id, text = _string(new, "room_id"), _string(new, "comment_id"), _string(new, "text")
        if room_id and comment_id and text:
            batch.append(
                Published(
                    room_id,
                    comment_id,
                    text,
                    _string(new, "language") or "und",
                    _string(new, "author_market") or "US",
                )
            )
    deleted = screen(batch)
    return {"screened": len(batch), "deleted": [c.comment_id for c, _ in deleted]}
