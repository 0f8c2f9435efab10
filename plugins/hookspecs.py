# mypy: disable-error-code="empty-body"
"""The one hook specification of crosslive, and its one pair of markers.

Everything that differs between markets comes from a plugin answering these hooks; no function
ever says ``if market == ...``. A plugin is any module or object whose functions are marked with
``hookimpl`` (``from plugins import hookimpl``, or ``pluggy.HookimplMarker("crosslive")`` in a
package that should not depend on this repository: the two are the same marker) and carry one of
the names below. A plugin returns plain data (dicts, lists, strings), and the host validates that
data (``plugins/types.py``), naming the plugin that returned something malformed.

Conventions, as in pytest and datasette:

* The host calls every hook through pluggy with keyword arguments (``pm.hook.<name>(...)``); an
  implementation may accept fewer arguments than the spec names, so specs can grow without
  breaking plugins. ``tryfirst``/``trylast`` and wrappers (``wrapper=True``) work as in pluggy.
* Markets are ISO 3166-1 alpha-2 codes in upper case (``"ID"``, ``"AE"``, ``"DE"``); languages
  are BCP 47 tags (``"id"``, ``"ar"``, ``"zh-Hans"``); currencies ISO 4217 codes.
* A hook whose docstring says "Stops at first non-None result" is *firstresult*. Built-in plugins
  are registered ``trylast`` so an installed plugin answering the same market wins. Other hooks
  collect the results of every plugin (lexicons and rule lists add up).
* A market plugin answers only for the markets it knows and returns ``None`` (or ``[]``) for
  the others.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from plugins.manager import CrossliveManager

PROJECT_NAME = "crosslive"
hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)

# ---------------------------------------------------------------------------------------------
# Start-up
# ---------------------------------------------------------------------------------------------


@hookspec(historic=True)
def startup(manager: CrossliveManager) -> None:
    """Called once every plugin of a region is registered, before the region validates them.

    A plugin that reads other plugins' answers keeps ``manager`` here (the phrasebook translator
    reads every plugin's phrasebook). The hook is historic: a plugin registered later is called
    as it is registered.

    :param manager: The region's plugin manager.
    """


# ---------------------------------------------------------------------------------------------
# Markets
# ---------------------------------------------------------------------------------------------


@hookspec
def market_codes() -> list[str]:
    """Return the market codes this plugin provides profiles for.

    Collected from every plugin: together they are the platform's market list.
    """


@hookspec(firstresult=True)
def market_profile(market: str) -> dict[str, Any] | None:
    """Return the profile of one market, or ``None`` for a market this plugin does not know.

    Shape (see ``plugins.types.MarketProfile``)::

        {"code": "ID", "name": "Indonesia", "languages": ["id", "en"], "locale": "id_ID",
         "currency": "IDR", "time_zone": "Asia/Jakarta",
         "quiet_hours": {"start": "22:00", "end": "07:00"},
         "direction": "ltr", "home_market_only": False}

    ``home_market_only`` marks a market that merchants sell *from* but viewers are not routed to
    (mainland China for cross-border sellers): its advertising law still binds their broadcasts.

    Stops at first non-None result.

    :param market: The market code.
    """


# ---------------------------------------------------------------------------------------------
# Moderation and compliance
# ---------------------------------------------------------------------------------------------


@hookspec
def moderation_lexicon(market: str) -> list[dict[str, Any]]:
    """Return lexicon entries for a market's comment moderation (collected from every plugin).

    Each entry: ``{"term": "...", "language": "en", "category": "profanity|hate|sexual|violence|
    scam|spam", "severity": 1-3, "action": "mask|hold|reject", "source": "...", "license": "..."}``.
    Severity 3 rejects, 2 holds for review, 1 masks, unless ``action`` says otherwise.

    :param market: The market code.
    """


@hookspec(firstresult=True)
def moderation_policy(market: str) -> dict[str, Any] | None:
    """Return the spam and flood limits for a market's comments, or ``None``.

    ``{"max_comments_per_minute": 20, "duplicate_window_seconds": 60, "new_account_seconds": 300,
    "links": "moderators_only", "contact_ids": "hold"}``

    Stops at first non-None result.

    :param market: The market code.
    """


@hookspec
def contact_words(market: str) -> list[dict[str, Any]]:
    """Return the words of off-platform contact spam in a market's languages (collected).

    One entry per language: ``{"language": "de", "source": "...", "numbers": {"null": "0",
    "zwölf": "12", ...}, "repeat": {"double": 2}, "dot": ["punkt"], "tld": {"كوم": "com"},
    "cues": ["anrufen", ...], "refs": ["bestellung"]}``: how a phone number is read aloud (word ->
    digits), the spoken dot and top-level domain of a URL, the words that ask to be called, and
    those naming an order number. Comment moderation reads the words of every market of the
    region, since a comment's language is not its market's.

    :param market: The market code.
    """


@hookspec
def compliance_rules(market: str) -> list[dict[str, Any]]:
    """Return advertising-law and restricted-category rules applied to what a merchant publishes.

    Collected from every plugin. Each rule: ``{"id": "CN-AD-9-absolute", "market": "CN",
    "law": "Advertising Law of the PRC, art. 9(3)", "kind": "banned_term|restricted_category|
    required_disclosure", "terms": [...], "allow_contexts": [...], "languages": [...],
    "severity": "block|warn", "message": "..."}``. Applied for every market a room broadcasts
    to plus its merchant's home market; never to viewer comments.

    :param market: The market code.
    """


@hookspec(firstresult=True)
def classify_toxicity(texts: list[str], language: str) -> list[dict[str, Any]] | None:
    """Return toxicity scores for texts (e.g. from Amazon Comprehend).

    One ``{"toxicity": 0.0-1.0, "labels": {"INSULT": 0.9, ...}}`` per text, in order, or ``None``
    when this plugin does not handle ``language``.

    Stops at first non-None result.

    :param texts: The texts to score.
    :param language: The BCP 47 tag of the texts' language.
    """


@hookspec(firstresult=True)
def sentiment_polarity(texts: list[str], language: str) -> list[float] | None:
    """Return the sentiment polarity of texts (live insights' sentiment index).

    One number in ``[-1.0, 1.0]`` per text, in order: above 0 positive, below 0 negative, 0
    neutral; or ``None`` when this plugin does not handle ``language``. The built-in local
    lexicon plugin answers for every built-in market language; Amazon Comprehend
    (``comprehend-sentiment``) answers first for the languages it supports.

    Stops at first non-None result.

    :param texts: The texts to score, each in ``language``.
    :param language: The BCP 47 tag of the texts' language.
    """


# ---------------------------------------------------------------------------------------------
# Localization
# ---------------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def detect_language(text: str, candidates: list[str]) -> dict[str, Any] | None:
    """Return a guess of the language of ``text``, or ``None`` when this plugin cannot tell.

    ``{"language": "id", "confidence": 0.93, "detector": "lingua"}``

    Stops at first non-None result.

    :param text: The text.
    :param candidates: Languages that narrow the guess (the room's markets'); may be empty.
    """


@hookspec(firstresult=True)
def translate(text: str, source: str, target: str) -> dict[str, Any] | None:
    """Return a translation of ``text``, or ``None`` to let the next plugin try.

    ``{"text": "...", "source": "id", "target": "en", "translated": True,
    "engine": "amazon-translate|phrasebook|..."}``. ``translated`` is False when the engine could
    not translate and returned the original: the caller shows that honestly. An implementation
    may raise ``plugins.types.TranslationError`` subclasses (too long, engine unavailable).

    Stops at first non-None result.

    :param text: The text to translate.
    :param source: The BCP 47 tag of the text's language.
    :param target: The BCP 47 tag to translate into.
    """


@hookspec
def phrasebook(language: str) -> dict[str, dict[str, str]]:
    """Return commerce phrases for a language: ``{concept_id: {language_tag: phrase}}``.

    Collected and merged. Concepts are shared ids such as ``"size.too_small"`` or
    ``"shipping.how_long"`` so that any two languages with an entry for a concept translate into
    each other.

    :param language: The BCP 47 tag of the phrases wanted.
    """


@hookspec(firstresult=True)
def format_price(amount_minor: int, currency: str, locale: str) -> str | None:
    """Return an amount in minor units (cents, sen, fils) formatted for a locale.

    Stops at first non-None result.

    :param amount_minor: The amount in the currency's minor units.
    :param currency: The ISO 4217 currency code.
    :param locale: The CLDR locale (``"de_DE"``).
    """


@hookspec(firstresult=True)
def format_datetime(timestamp: float, time_zone: str, locale: str) -> str | None:
    """Return a UNIX timestamp formatted as a local date and time for a locale.

    Stops at first non-None result.

    :param timestamp: Seconds since the epoch.
    :param time_zone: The IANA time zone (``"Asia/Jakarta"``).
    :param locale: The CLDR locale.
    """


@hookspec
def faq_answers(market: str, language: str) -> list[dict[str, Any]]:
    """Return FAQ auto-reply templates for a market in a language (collected).

    ``{"id": "shipping.time", "tags": ["shipping"], "patterns": ["how long", "berapa lama"],
    "answer": "Delivery to {market_name} takes 5-8 working days."}``

    Placeholders filled when an answer is shown: ``{market_name}``, ``{market}`` (the code) and
    ``{currency}``; any other braces are shown as written (the conformance suite flags them).

    :param market: The market code.
    :param language: The BCP 47 tag of the answers wanted.
    """


# ---------------------------------------------------------------------------------------------
# Commerce
# ---------------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def coupon_policy(market: str) -> dict[str, Any] | None:
    """Return the coupon constraints of a market, or ``None``.

    ``{"max_discount_percent": 90, "requires_prior_price": True, "prior_price_days": 30,
    "disclosures": ["..."], "rounding": "half_even"}``

    Stops at first non-None result.

    :param market: The market code.
    """


@hookspec
def coupon_texts(market: str, language: str) -> dict[str, Any] | None:
    """Return the sentences a viewer reads about a coupon, for a market in a language, or ``None``.

    Collected and merged key by key. Templates in ``str.format`` syntax, filled with
    CLDR-formatted values for the market's locale (see ``plugins.types.CouponTexts`` for the keys
    and the placeholders each may use)::

        {"discount_percent_capped": "{percent} Rabatt (max. {max})",
         "prior_price": {"one": "Niedrigster Preis des letzten Tages: {price}",
                         "other": "Niedrigster Preis der letzten {days} Tage: {price}"},
         "works": "{discount} auf Bestellungen ab {min_spend} ...",
         "disclosures": ["Preisermäßigung bezogen auf ... (§ 11 PAngV)."]}

    A plugin may answer only some keys: an installed plugin's answers win over a built-in
    market's, which win over the built-in per-language file. Keys nobody answers for the language
    are shown in English, so a market whose language has no templates is flagged by the
    conformance suite.

    :param market: The market code.
    :param language: The BCP 47 tag of the sentences wanted.
    """


@hookspec
def check_campaign(market: str, campaign: dict[str, Any]) -> list[dict[str, Any]]:
    """Return violations of extra coded checks of a coupon campaign for a market (collected).

    Each ``{"rule": "EU-PRICE-6a", "market": "DE", "message": "..."}``; an empty list means the
    plugin has no objection.

    :param market: The market code.
    :param campaign: The campaign as plain data: the request body plus ``market``, ``currency``,
        ``discount_kind``, ``discount_percent``, ``discount_amount_minor``,
        ``prior_price_minor`` and ``min_spend_minor`` (``functions.coupons.policy.campaign_facts``).
    """


# ---------------------------------------------------------------------------------------------
# Data residency and routing
# ---------------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def data_residency(market: str) -> dict[str, Any] | None:
    """Return where a market's viewers' personal data may be stored, or ``None``.

    ``{"jurisdiction": "EU", "allowed_regions": ["eu-central-1", "eu-west-1"], "law": "GDPR"}``;
    ``allowed_regions == ["*"]`` means anywhere.

    Stops at first non-None result.

    :param market: The market code.
    """


@hookspec(firstresult=True)
def routing_preference(market: str) -> dict[str, Any] | None:
    """Return which deployment regions serve a market's viewers, best first, or ``None``.

    ``{"preferred_regions": ["ap-southeast-1"], "fallback_regions": ["ap-northeast-1"],
    "excluded_regions": []}``

    Stops at first non-None result.

    :param market: The market code.
    """
