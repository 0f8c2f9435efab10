"""FAQ auto-replies: a viewer's question answered at once from the market plugins.

``get_plugins().faq_answers(market, language)`` gives templates with patterns (phrases, any
language the plugin writes them in). A published viewer comment whose normalized text contains
a pattern gets the template's answer posted as a reply threaded to it, marked ``auto-faq`` so
every client shows it as automatic. ``{market_name}``, ``{market}`` and ``{currency}`` in answers
are filled in (``FaqAnswer.filled``, as the localization API does). An answer is advertising too:
one that breaks the market's compliance rules (``functions.textrules.shown``) is never posted
there, a plugin's text no more than a merchant's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from functions.comments.tags import normalize
from functions.shared.plugins import get_plugins
from functions.textrules.shown import hidden_in
from plugins.manager import UnknownMarketError

FAQ_AUTHOR_SUB = "crosslive-faq"


@dataclass(frozen=True)
class FaqMatch:
    faq_id: str
    answer: str
    language: str
    tags: tuple[str, ...]


def faq_reaches(comment: Any, market: str | None) -> bool:
    """Whether a reader in ``market`` sees ``comment``: an auto-reply answers for its asker's
    market only (an AE shipping answer is wrong, and in Arabic, for an Indonesian viewer)."""
    if comment.kind != "auto-faq" or not comment.author_market:
        return True
    return market is not None and market == comment.author_market


def match_faq(text: str, market: str, languages: list[str]) -> FaqMatch | None:
    """The first FAQ of ``market`` whose pattern occurs in ``text``, answered in the first of
    ``languages`` (the comment's language first, then the market's) that has one."""
    plugins = get_plugins()
    folded = normalize(text)
    try:
        profile = plugins.market_profile(market)
    except UnknownMarketError:
        return None  # no plugin knows the market: it has no FAQ either
    for language in dict.fromkeys(languages):
        for entry in plugins.faq_answers(market, language):
            if any(p and normalize(p) in folded for p in entry.patterns):
                answer = entry.filled(profile)
                if hidden_in(answer, [market], None, plugins=plugins):
                    continue  # the answer would break the market's advertising rules: never shown there
                return FaqMatch(entry.id, answer, language, tuple(entry.tags))
    return None
