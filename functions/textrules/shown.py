"""Compliance of what viewers see: a merchant's text screened before it is shown to a market.

Product titles, pinned messages, coupon titles and the FAQ answers viewers read are advertising
in every market they are shown to. ``screen`` applies, to the text each market would see, that
market's ``compliance_rules`` plus those of the merchant's home market (its advertising law
follows the merchant everywhere), and sorts what it finds:

* **refused** -- the text itself is unlawful: a banned claim or a missing disclosure (``block``
  rules of kind ``banned_term`` / ``required_disclosure``) in any market it is shown to, or any
  ``block`` rule of the home market. The write is refused with 422 ``compliance-violation``
  naming every rule (``refuse``).
* **hidden** -- the law only restricts one market: a ``restricted_category`` rule of a viewer
  market that is not the home market (alcohol or pork in AE, alcohol in TH). The text is stored,
  not shown to that market, and the merchant reads the reason (``hidden_reasons``).
* **warnings** -- ``warn`` rules: shown, the merchant is told.

This module is the text rules' public surface for it (``PUBLIC_MODULES``); rooms, coupons, the
localization FAQ and the comments' FAQ replies call it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from functions.shared.errors import Invalid
from functions.textrules.compliance import Violation, check_compliance
from plugins.manager import CrossliveManager


@dataclass(frozen=True)
class Screening:
    refused: list[Violation] = field(default_factory=list)
    hidden: dict[str, list[Violation]] = field(default_factory=dict)
    warnings: list[Violation] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.refused


def screen(
    text: str,
    markets: Iterable[str],
    home_market: str | None,
    *,
    texts: Mapping[str, str] | None = None,
    categories: Iterable[str] = (),
    plugins: CrossliveManager | None = None,
) -> Screening:
    """Screen ``text`` (or ``texts[market]``, the merchant's own text for a market) for each market.

    ``categories``: the declared categories of what the text advertises (a product's category).
    """
    texts = dict(texts or {})
    categories = list(categories)
    home = home_market.upper() if home_market else None
    shown = {m.upper(): texts.get(m.upper(), texts.get(m, text)) for m in markets}
    found: list[tuple[str, Violation]] = []
    for market, market_text in shown.items():
        violations = check_compliance(market_text, [market], None, categories=categories, plugins=plugins)
        found += [(market, v) for v in violations]
    if home:  # the home market's law applies to every text the merchant shows anywhere
        for market_text in dict.fromkeys([text, *shown.values()]):
            violations = check_compliance(market_text, [], home, categories=categories, plugins=plugins)
            found += [(home, v) for v in violations]
    refused: dict[tuple[str, str], Violation] = {}
    hidden: dict[str, list[Violation]] = {}
    warnings: dict[tuple[str, str], Violation] = {}
    for market, violation in found:
        key = (violation.rule, violation.market)
        if violation.severity != "block":
            warnings.setdefault(key, violation)
        elif violation.market != home and violation.kind == "restricted_category":
            if violation not in hidden.setdefault(market, []):
                hidden[market].append(violation)
        else:
            refused.setdefault(key, violation)
    return Screening(list(refused.values()), hidden, list(warnings.values()))


def describe(violation: Violation) -> str:
    """One line a merchant reads: the rule, the law, what matched."""
    return f"{violation.rule} ({violation.law}): {violation.message} Matched: {violation.matched!r}."


def refuse(screening: Screening, what: str, *, targeted: bool = False) -> None:
    """Raise 422 ``compliance-violation`` naming every refusing rule, if there is one.

    ``targeted``: the merchant chose each market explicitly (a coupon's target markets), so a
    market whose law restricts the text is refused too, rather than silently left out.
    """
    found = (
        [*screening.refused, *(v for vs in screening.hidden.values() for v in vs)] if targeted else screening.refused
    )
    if not found:
        return
    rules = ", ".join(dict.fromkeys(v.rule for v in found))
    raise Invalid(
        "compliance-violation",
        f"the {what} breaks {rules}: " + " ".join(describe(v) for v in found),
        violations=[
            {"rule": v.rule, "market": v.market, "law": v.law, "message": v.message, "matched": v.matched}
            for v in found
        ],
    )


def hidden_reasons(screening: Screening) -> dict[str, str]:
    """``{market: reason}`` of the markets the text is not shown to (stored with the text)."""
    return {market: " ".join(describe(v) for v in found) for market, found in sorted(screening.hidden.items())}


def hidden_in(
    text: str,
    markets: Iterable[str],
    home_market: str | None,
    *,
    texts: Mapping[str, str] | None = None,
    categories: Iterable[str] = (),
    plugins: CrossliveManager | None = None,
) -> dict[str, str]:
    """``{market: reason}`` of the markets that must not see the text, screened now.

    Read-time: a room's markets can change after the text was written, so a viewer market is
    screened when it reads. Refusing rules (written before a market joined) hide it too.
    """
    markets = [m.upper() for m in markets]
    screening = screen(text, markets, home_market, texts=texts, categories=categories, plugins=plugins)
    reasons = hidden_reasons(screening)
    if screening.refused:
        refusal = " ".join(describe(v) for v in screening.refused)
        reasons = {m: reasons.get(m, refusal) for m in markets}
    return reasons
