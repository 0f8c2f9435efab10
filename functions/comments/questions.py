"""Hot questions of a show, merged across languages, with per-language counts and unanswered flags.

A public module of comments (live insights reads it). Built on the clustering of the host view
(``clusters``), which groups comments by what they ask once each is in the host's language: a
question asked in Indonesian and in German lands in one cluster. Here the window is the show so far (at most the
newest ``MAX_COMMENTS`` comments), clusters are ranked by distinct askers in the last
``RECENT_SECONDS``, and a cluster is *unanswered* when no host or FAQ reply answers any of its
comments. Only questions count (a buying-question tag or a question mark, the rule the insights
fold counts ``questions`` by): praise and complaints repeated by many viewers are not questions, and
a merchant must not be told they are unanswered.
"""

from __future__ import annotations

import time
from typing import Any

from functions.comments.clusters import Item, cluster
from functions.comments.models import VISIBLE_STATUSES
from functions.comments.question_rule import is_question
from functions.comments.store import recent
from functions.comments.translation import translate_text

RECENT_SECONDS = 300
MAX_COMMENTS = 500
MIN_ASKERS = 2


def hot_questions(room: Any, since: float, now: float | None = None) -> list[dict[str, Any]]:
    now = time.time() if now is None else now
    comments = [c for c in recent(room.room_id, since, limit=MAX_COMMENTS) if c.status in VISIBLE_STATUSES]
    answered = {str(c.reply_to) for c in comments if c.kind in ("host", "auto-faq") and c.reply_to}
    by_id = {c.comment_id: c for c in comments}
    items = []
    for comment in comments:
        tags = tuple(str(t) for t in comment.tags or [])
        if comment.kind != "viewer" or not is_question(str(comment.original_text or comment.text), tags):
            continue
        translation = translate_text(comment.text, comment.language, room.host_language)
        text = translation.text if translation is not None and translation.translated else comment.text
        items.append(
            Item(
                comment.comment_id,
                text,
                comment.author_sub,
                comment.author_market,
                tags,
            )
        )
    out = []
    for group in cluster(items, min_authors=MIN_ASKERS):
        members = [by_id[cid] for cid in group.comment_ids]
        recent_askers = {c.author_sub for c in members if float(c.created_at) >= now - RECENT_SECONDS}
        languages: dict[str, int] = {}
        for c in members:
            languages[c.language] = languages.get(c.language, 0) + 1
        out.append(
            {
                "label": group.label,
                "askers": len(group.authors),
                "recent_askers": len(recent_askers),
                "comments": len(members),
                "languages": dict(sorted(languages.items())),
                "markets": sorted(group.markets),
                "tags": sorted(group.tags),
                "unanswered": not any(cid in answered for cid in group.comment_ids),
            }
        )
    out.sort(key=lambda q: (q["recent_askers"], q["askers"]), reverse=True)
    return out
