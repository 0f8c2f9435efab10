"""Hot questions: many viewers asking the same thing, grouped so the host answers once.

Deliberately simple and explainable. Each comment (in the host's language when it was
translated, so an Indonesian and a German asking the same thing can meet) becomes a set of
features: words for space-delimited scripts, character bigrams for Chinese, Japanese and Thai.
Comments join the first cluster whose seed they resemble (Jaccard similarity of feature sets
at least ``threshold``), newest first over a sliding window. A cluster is *hot* when enough
distinct viewers are in it; a buying question (priority-tagged: price, stock, size, shipping...)
is listed even when one buyer asks it, ranked below every hot cluster, so an urgent question from a
single buyer reaches the host too. Cost is O(comments x clusters) over a window of a few hundred
comments: well under a second, recomputed on every host-view read.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass, field

from functions.comments.tags import normalize

_WORD_RE = re.compile(r"\w+", re.UNICODE)
_STOPWORDS = frozenset(
    {
        "a",
        "an",
        "the",
        "is",
        "it",
        "this",
        "that",
        "to",
        "of",
        "for",
        "and",
        "or",
        "do",
        "does",
        "can",
        "i",
        "you",
        "my",
        "me",
        "be",
        "are",
        "with",
        "on",
        "in",
        "at",
        "ini",
        "itu",
        "apa",
        "yang",
        "dan",
        "untuk",
        "ya",
        "kak",
        "bisa",
        "der",
        "die",
        "das",
        "ist",
        "es",
        "ein",
        "eine",
        "und",
        "für",
        "mit",
        "ich",
        "le",
        "la",
        "les",
        "est",
        "ce",
        "un",
        "une",
        "et",
        "pour",
        "avec",
        "je",
        "và",
        "có",
        "là",
        "không",
        "cho",
    }
)


def _unspaced(char: str) -> bool:
    return unicodedata.name(char, "").startswith(("CJK", "HIRAGANA", "KATAKANA", "THAI"))


def features(text: str) -> frozenset[str]:
    """Words (minus a few stopwords) and, for unspaced scripts, character bigrams."""
    folded = normalize(text)
    out: set[str] = set()
    for word in _WORD_RE.findall(folded):
        if any(_unspaced(c) for c in word):
            chars = [c for c in word if not c.isspace()]
            out.update(a + b for a, b in itertools.pairwise(chars))
            if len(chars) == 1:
                out.add(chars[0])
        elif word not in _STOPWORDS and len(word) > 1:
            out.add(word)
    return frozenset(out)


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


@dataclass
class Cluster:
    seed: frozenset[str]
    label: str
    comment_ids: list[str] = field(default_factory=list)
    authors: set[str] = field(default_factory=set)
    markets: set[str] = field(default_factory=set)
    tags: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Item:
    comment_id: str
    text: str  # in the host's language where possible
    author_sub: str
    market: str | None
    tags: tuple[str, ...] = ()


def cluster(items: list[Item], *, threshold: float = 0.5, min_authors: int = 3) -> list[Cluster]:
    """Hot clusters of ``items`` (newest first), biggest audience first, then the tagged (buying)
    questions too few viewers asked to be hot."""
    clusters: list[Cluster] = []
    for item in items:
        feats = features(item.text)
        if not feats:
            continue
        best = None
        best_score = threshold
        for candidate in clusters:
            score = similarity(feats, candidate.seed)
            if score >= best_score:
                best, best_score = candidate, score
        if best is None:
            best = Cluster(seed=feats, label=item.text)
            clusters.append(best)
        best.comment_ids.append(item.comment_id)
        best.authors.add(item.author_sub)
        if item.market:
            best.markets.add(item.market)
        best.tags.update(item.tags)
    shown = [c for c in clusters if len(c.authors) >= min_authors or c.tags]
    shown.sort(key=lambda c: (len(c.authors) >= min_authors, len(c.authors), len(c.comment_ids)), reverse=True)
    return shown
