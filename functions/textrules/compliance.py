"""Advertising-law compliance of what a merchant publishes, from the market plugins' rules.

Applied to the host's script, product titles and descriptions, pinned messages and the merchant's
own comments, for every market a room broadcasts to plus the merchant's home market. Never to
viewer comments: "这个颜色最好看" from a viewer is an opinion, not an advertisement.

Rule kinds (``plugins.types.ComplianceRule``):

* ``banned_term``: a term that may not appear, unless that occurrence lies inside one of the
  rule's ``allow_contexts`` ("100%纯棉" is a fact; "100%治愈" is a banned claim).
* ``restricted_category``: products of a category (by name in the text, or the product's declared
  category) that may not be advertised in the market (alcohol, pork in the Gulf).
* ``required_disclosure``: when one of ``terms`` (an endorsement, a gift) appears, one of
  ``allow_contexts`` (the disclosure, e.g. "#ad") must appear too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from functions.shared.plugins import get_plugins
from functions.textrules.folding import fold
from plugins.manager import CrossliveManager, UnknownMarketError
from plugins.types import ComplianceRule


@dataclass(frozen=True)
class Violation:
    rule: str
    market: str
    law: str
    severity: str  # block | warn
    message: str
    matched: str
    kind: str = "banned_term"  # banned_term | restricted_category | required_disclosure


@lru_cache(maxsize=4096)
def _pattern(term: str) -> re.Pattern[str]:
    """Substring for space-less scripts and symbols, whole words for the others."""
    folded = re.escape(fold(term))
    starts_word = bool(re.match(r"\w", term)) and not re.match(r"[\u3040-\u30ff\u3400-\u9fff\u0e00-\u0e7f]", term)
    ends_word = bool(re.search(r"\w$", term)) and not re.search(r"[\u3040-\u30ff\u3400-\u9fff\u0e00-\u0e7f]$", term)
    return re.compile(("(?<!\\w)" if starts_word else "") + folded + ("(?!\\w)" if ends_word else ""))


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)]


def _banned(rule: ComplianceRule, text: str) -> str | None:
    allowed = [span for ctx in rule.allow_contexts for span in _spans(_pattern(ctx), text)]
    for term in rule.terms:
        for start, end in _spans(_pattern(term), text):
            if not any(a <= start and end <= b for a, b in allowed):
                return text[start:end]
    return None


def _restricted(rule: ComplianceRule, text: str, categories: Iterable[str]) -> str | None:
    declared = {c.lower() for c in categories}
    for category in rule.categories:
        if category.lower() in declared:
            return category
    for term in rule.terms:
        match = _pattern(term).search(text)
        if match:
            return match.group()
    return None


def _disclosure_missing(rule: ComplianceRule, text: str) -> str | None:
    trigger = next((m.group() for t in rule.terms if (m := _pattern(t).search(text))), None)
    if trigger is None:
        return None
    if any(_pattern(d).search(text) for d in rule.allow_contexts):
        return None
    return trigger


def markets_to_check(markets: Iterable[str], home_market: str | None) -> list[str]:
    ordered = [m.upper() for m in markets]
    if home_market:
        ordered.append(home_market.upper())
    return list(dict.fromkeys(ordered))


def check_compliance(
    text: str,
    markets: Iterable[str],
    home_market: str | None = None,
    *,
    categories: Iterable[str] = (),
    plugins: CrossliveManager | None = None,
) -> list[Violation]:
    """Every rule of every market (plus the home market) that ``text`` breaks.

    ``categories`` are the declared product categories of what the text advertises (e.g.
    ``["alcohol"]``). Unknown markets are skipped: the rooms API validates markets on creation.
    """
    plugins = plugins or get_plugins()
    folded = fold(text)
    categories = list(categories)
    found: list[Violation] = []
    for market in markets_to_check(markets, home_market):
        try:
            plugins.market_profile(market)
        except UnknownMarketError:
            continue
        for rule in plugins.compliance_rules(market):
            if rule.kind == "banned_term":
                matched = _banned(rule, folded)
            elif rule.kind == "restricted_category":
                matched = _restricted(rule, folded, categories)
            else:
                matched = _disclosure_missing(rule, folded)
            if matched is not None:
                found.append(Violation(rule.id, rule.market, rule.law, rule.severity, rule.message, matched, rule.kind))
    return found
