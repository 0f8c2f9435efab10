# mypy: disable-error-code="empty-body"
"""The one hook specification of crosslive.

Everything that differs between markets comes from a plugin answering these hooks; no function
ever says ``if market == ...``. A plugin is any module or object whose functions are marked with
``pluggy.HookimplMarker("crosslive")`` and carry one of the names below. A third-party plugin needs
nothing from this repository but these names: it returns plain data (dicts, lists, strings), and
the host validates that data (``plugins/types.py``) when a region starts, naming the plugin that
returned something malformed.

Conventions, as in pytest and datasette:

* Hooks are called with keyword arguments; an implementation may accept fewer arguments than the
  spec names, so specs can grow without breaking plugins.
* Markets are ISO 3166-1 alpha-2 codes in upper case (``"ID"``, ``"AE"``, ``"DE"``); languages
  are BCP 47 tags (``"id"``, ``"ar"``, ``"zh-Hans"``); currencies ISO 4217 codes.
* A hook marked *firstresult* stops at the first non-``None`` result. Built-in plugins are
  registered ``trylast`` so an installed plugin answering the same market wins. Hooks that are
  not firstresult collect the results of every plugin (lexicons and rule lists add up).
* A market plugin answers only for the markets it knows and returns ``None`` (or ``[]``) for
  the others.
"""

from __future__ import annotations

from typing import Any

import pluggy

PROJECT_NAME = "crosslive"
hookspec = pluggy.HookspecMarker(PROJECT_NAME)

# ---------------------------------------------------------------------------------------------
# Markets
# ---------------------------------------------------------------------------------------------


@hookspec
def market_codes() -> list[str]:
    """Market codes this plugin provides profiles for (collected: the platform's market list)."""


@hookspec(firstresult=True)
def market_profile(market: str) -> dict[str, Any] | None:
    """The profile of one market; stops at first non-None result.

    Shape (see ``plugins.types.MarketProfile``)::

        {"code": "ID", "name": "Indonesia", "languages": ["id", "en"], "locale": "id_ID",
         "currency": "IDR", "time_zone": "Asia/Jakarta",
         "quiet_hours": {"start": "22:00", "end": "07:00"},
         "direction": "ltr", "home_market_only": False}

    ``home_market_only`` marks a market that merchants sell *from* but viewers are not routed to
    (mainland China for cross-border sellers): its advertising law still binds their broadcasts.
    """


# ---------------------------------------------------------------------------------------------
# Moderation and compliance
# ---------------------------------------------------------------------------------------------


@hookspec
def moderation_lexicon(market: str) -> list[dict[str, Any]]:
    """Lexicon entries for a market's comment moderation (collected from every plugin).

    Each entry: ``{"term": "...", "language": "en", "category": "profanity|hate|sexual|violence|
    scam|spam", "severity": 1-3, "action": "mask|hold|reject", "source": "...", "license": "..."}``.
    Severity 3 rejects, 2 holds for review, 1 masks, unless ``action`` says otherwise.
    """


@hookspec(firstresult=True)
def moderation_policy(market: str) -> dict[str, Any] | None:
    """Spam and flood limits for a market's comments; stops at first non-None result.

    ``{"max_comments_per_minute": 20, "duplicate_window_seconds": 60, "new_account_seconds": 300,
    "links": "moderators_only", "contact_ids": "hold"}``
    """


@hookspec
def compliance_rules(market: str) -> list[dict[str, Any]]:
    """Advertising-law and restricted-category rules applied to what a merchant publishes.

    Collected from every plugin. Each rule: ``{"id": "CN-AD-9-absolute", "market": "CN",
    "law": "Advertising Law of the PRC, art. 9(3)", "kind": "banned_term|restricted_category|
    required_disclosure", "terms": [...], "allow_contexts": [...], "languages": [...],
    "severity": "block|warn", "message": "..."}``. Applied for every market a room broadcasts
    to plus its merchant's home market; never to viewer comments.
    """


@hookspec(firstresult=True)
def classify_toxicity(texts: list[str], language: str) -> list[dict[str, Any]] | None:
    """Score texts for toxicity (e.g. Amazon Comprehend); stops at first non-None result.

    Returns one ``{"toxicity": 0.0-1.0, "labels": {"INSULT": 0.9, ...}}`` per text, in order, or
    ``None`` when this plugin does not handle ``language``.
    """


# ---------------------------------------------------------------------------------------------
# Localization
# ---------------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def detect_language(text: str, candidates: list[str]) -> dict[str, Any] | None:
    """Guess the language of ``text``; stops at first non-None result.

    ``candidates`` narrows the guess (the languages of the room's markets) and may be empty.
    Returns ``{"language": "id", "confidence": 0.93, "detector": "lingua"}``.
    """


@hookspec(firstresult=True)
def translate(text: str, source: str, target: str) -> dict[str, Any] | None:
    """Translate ``text``; stops at first non-None result.

    Returns ``{"text": "...", "source": "id", "target": "en", "translated": True,
    "engine": "amazon-translate|phrasebook|..."}``. ``translated`` is False when the engine could
    not translate and returned the original: the caller shows that honestly.
    """


@hookspec
def phrasebook(language: str) -> dict[str, dict[str, str]]:
    """Commerce phrases for a language: ``{concept_id: {language_tag: phrase}}`` (collected).

    Concepts are shared ids such as ``"size.too_small"`` or ``"shipping.how_long"`` so that any
    two languages with an entry for a concept translate into each other.
    """


@hookspec(firstresult=True)
def format_price(amount_minor: int, currency: str, locale: str) -> str | None:
    """Format an amount in minor units (cents, sen, fils) for a locale; first non-None wins."""


@hookspec(firstresult=True)
def format_datetime(timestamp: float, time_zone: str, locale: str) -> str | None:
    """Format a UNIX timestamp as a local date and time for a locale; first non-None wins."""


@hookspec
def faq_answers(market: str, language: str) -> list[dict[str, Any]]:
    """FAQ auto-reply templates for a market in a language (collected).

    ``{"id": "shipping.time", "tags": ["shipping"], "patterns": ["how long", "berapa lama"],
    "answer": "Delivery to {market_name} takes 5-8 working days."}``

    Placeholders filled when an answer is shown: ``{market_name}``, ``{market}`` (the code) and
    ``{currency}``; any other braces are shown as written (the conformance suite flags them).
    """


# ---------------------------------------------------------------------------------------------
# Commerce
# ---------------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def coupon_policy(market: str) -> dict[str, Any] | None:
    """Coupon constraints of a market; stops at first non-None result.

    ``{"max_discount_percent": 90, "requires_prior_price": True, "prior_price_days": 30,
    "disclosures": ["..."], "rounding": "half_even"}``
    """


@hookspec
def coupon_texts(market: str, language: str) -> dict[str, Any] | None:
    """The sentences a viewer reads about a coupon, for a market in a language (collected, merged).

    Templates in ``str.format`` syntax, filled with CLDR-formatted values for the market's locale
    (see ``plugins.types.CouponTexts`` for the keys and the placeholders each may use)::

        {"discount_percent_capped": "{percent} Rabatt (max. {max})",
         "prior_price": {"one": "Niedrigster Preis des letzten Tages: {price}",
                         "other": "Niedrigster Preis der letzten {days} Tage: {price}"},
         "works": "{discount} auf Bestellungen ab {min_spend} ...",
         "disclosures": ["Preisermäßigung bezogen auf ... (§ 11 PAngV)."]}

    A plugin may answer only some keys: answers are merged key by key, an installed plugin's over
    a built-in market's over the built-in per-language file. Keys nobody answers for the language
    are shown in English, so a market whose language has no templates is flagged by the
    conformance suite. Return ``None`` for markets or languages the plugin does not know.
    """


@hookspec
def check_campaign(market: str, campaign: dict[str, Any]) -> list[dict[str, Any]]:
    """Extra coded checks of a coupon campaign for a market (collected).

    Returns violations ``{"rule": "EU-PRICE-6a", "market": "DE", "message": "..."}``; an empty
    list means the plugin has no objection.
    """


# ---------------------------------------------------------------------------------------------
# Data residency and routing
# ---------------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def data_residency(market: str) -> dict[str, Any] | None:
    """Where a market's viewers' personal data may be stored; first non-None wins.

    ``{"jurisdiction": "EU", "allowed_regions": ["eu-central-1", "eu-west-1"], "law": "GDPR"}``;
    ``allowed_regions == ["*"]`` means anywhere.
    """


@hookspec(firstresult=True)
def routing_preference(market: str) -> dict[str, Any] | None:
    """Which deployment regions serve a market's viewers, best first; first non-None wins.

    ``{"preferred_regions": ["ap-southeast-1"], "fallback_regions": ["ap-northeast-1"],
    "excluded_regions": []}``
    """
