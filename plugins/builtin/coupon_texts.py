"""Coupon sentences per language, for every market speaking that language (``coupon_texts`` hook).

The sentences a viewer reads about a coupon (the discount, the prior-price statement of the EU
price-indication rule, until when and where a claimed coupon works) depend on the language, not
on the market: Arabic reads the same in AE and SA, Malay in MY and SG. So they live once per
language in ``data/coupon_texts.toml``, one ``["<BCP 47 tag>"]`` table each, for every language
of the built-in markets. What is specific to a market (its legal disclosures, or a sentence its
law words differently) comes from the market's own plugin and wins key by key.

Registered as an always-on plugin with a ``trylast`` implementation, so a third-party market
plugin that speaks a language listed here gets its coupon sentences without writing any, and one
that answers the hook itself overrides them.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from plugins import hookimpl

COUPON_TEXTS = Path(__file__).parent / "data" / "coupon_texts.toml"


@cache
def coupon_texts_by_language() -> dict[str, dict[str, Any]]:
    """``{language_tag: {template_key: template}}`` from the data file (read once per process)."""
    with COUPON_TEXTS.open("rb") as fh:
        return tomllib.load(fh)


def texts_for(language: str) -> dict[str, Any] | None:
    """The templates for ``language``: the exact tag, else its base language (``de-AT`` -> ``de``).

    A base language only matches a table keyed by the base itself, so ``zh-Hant`` never receives
    the ``zh-Hans`` (Simplified Chinese) sentences.
    """
    table = coupon_texts_by_language()
    found = table.get(language) or table.get(language.split("-")[0])
    return dict(found) if found else None


@hookimpl(trylast=True)
def coupon_texts(language: str) -> dict[str, Any] | None:
    return texts_for(language)
