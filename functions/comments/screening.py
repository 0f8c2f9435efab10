"""After-publish toxicity screening: score published comments and delete what is flagged.

Runs off the write path (the comments table's stream in AWS, a Lambda of its own where a region
enables ``comprehend-toxicity`` or ``learned-toxicity``; or a batch call): in-line moderation already
answered within its budget, and a model call costs milliseconds to tens of milliseconds. English is
always scored (by the market lexicons without a plugin); another language only where a plugin scores it (the optional
learned multilingual stage, ``learned-toxicity``), one hook call per language. The scores are moderation's
(``functions.moderation.toxicity.scores``); the deletion is this package's, on its own table, and
is written to moderation's audit log.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from functions.comments.store import set_status
from functions.moderation import sanctions, toxicity
from plugins.manager import CrossliveManager
from plugins.types import ToxicityScore

THRESHOLD = 0.8
ACTOR = "toxicity-screen"
SCREENED_STATUSES = ("published", "masked")


@dataclass(frozen=True)
class Published:
    room_id: str
    comment_id: str
    text: str
    language: str
    market: str = "US"


def screen(
    comments: Iterable[Published], *, threshold: float = THRESHOLD, plugins: CrossliveManager | None = None
) -> list[tuple[Published, ToxicityScore]]:
    """Score comments and delete those at or above ``threshold``; returns the deleted ones.

    Comments are scored per language (``und`` and other tags no plugin answers are left alone)."""
    by_language: dict[str, list[Published]] = {}
    for comment in comments:
        by_language.setdefault(comment.language, []).append(comment)
    scored: list[tuple[Published, ToxicityScore]] = []
    for language, group in by_language.items():
        found = toxicity.scores([(c.text, c.market) for c in group], plugins, language)
        if found is not None:
            scored.extend(zip(group, found, strict=True))
    deleted = []
    now = time.time()
    for comment, score in scored:
        if score.toxicity < threshold:
            continue
        set_status(comment.room_id, comment.comment_id, "deleted", ACTOR)
        top = max(score.labels, key=score.labels.__getitem__, default="TOXICITY")
        sanctions.audit(
            sanctions.room_scope(comment.room_id),
            ACTOR,
            "auto-delete",
            now,
            comment_id=comment.comment_id,
            reason=f"toxicity {score.toxicity:.2f}",
            detail=f"{top} {score.labels.get(top, 0.0):.2f}",
            market=comment.market,  # the author's: the entry is kept in their residency zone
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
