"""Typed shapes of what plugins return, validated by the host.

Plugins return plain data (see ``hookspecs.py``); these pydantic models check it once, when a
region's plugin manager is built, so a plugin returning bad data stops that region from starting
with its name in the message instead of misbehaving at run time.
"""

from __future__ import annotations

import re
import string
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

MarketCode = Annotated[str, Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2")]
CurrencyCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217")]
LanguageTag = Annotated[str, Field(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", description="BCP 47")]
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
# Amazon Translate's TranslateText limit, applied to every engine so behaviour does not depend
# on which one a region runs.
MAX_TRANSLATE_BYTES = 10_000


class HookError(Exception):
    """An error a hook implementation raises on purpose, as part of the hook's contract.

    The plugin manager passes these through unchanged (callers map them, e.g. to a 422 or a 503);
    anything else a hook raises is wrapped in ``plugins.manager.PluginError`` naming the plugin.
    """


class TranslationError(HookError):
    """A translation could not be made (raised by ``translate`` implementations)."""


class TextTooLongError(TranslationError):
    """The text is over the translation size limit (UTF-8 bytes)."""

    def __init__(self, size: int, limit: int = MAX_TRANSLATE_BYTES) -> None:
        super().__init__(f"text is {size} bytes of UTF-8; translation takes at most {limit}")
        self.size = size
        self.limit = limit


class TranslationUnavailableError(TranslationError):
    """The translation engine failed (throttled, unreachable); the caller may retry later."""

    def __init__(self, engine: str, reason: str) -> None:
        super().__init__(f"{engine} is unavailable: {reason}")
        self.engine = engine
        self.reason = reason


class ToxicityUnavailableError(HookError, RuntimeError):
    """The toxicity engine could not score the texts (throttling, service error); retry later."""


class _Strict(BaseModel):
    # defer_build: each model's validator is built when first used, not at import. A function's
    # requests use a few of these models (routing: residency and routing preference), and
    # building all of them was ~5 % of every function's import (docs/benchmarks.md, coldstart).
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class QuietHours(_Strict):
    """Local times between which no notification is sent (may wrap past midnight)."""

    start: str
    end: str

    @field_validator("start", "end")
    @classmethod
    def _hhmm(cls, value: str) -> str:
        if not _HHMM.match(value):
            raise ValueError(f"{value!r} is not a 24-hour HH:MM time")
        return value


class MarketProfile(_Strict):
    code: MarketCode
    name: str = Field(min_length=1)
    languages: list[LanguageTag] = Field(min_length=1)
    locale: str = Field(pattern=r"^[a-z]{2,3}(_[A-Za-z]{4})?(_[A-Z]{2})?$")
    currency: CurrencyCode
    time_zone: str = Field(min_length=1)
    quiet_hours: QuietHours | None = None
    direction: Literal["ltr", "rtl"] = "ltr"
    home_market_only: bool = False


class LexiconEntry(_Strict):
    term: str = Field(min_length=1, max_length=200)
    language: str = Field(min_length=2, max_length=16)
    category: Literal["profanity", "hate", "sexual", "violence", "scam", "spam", "drugs", "other"]
    severity: int = Field(ge=1, le=3)
    action: Literal["mask", "hold", "reject"] | None = None
    source: str = Field(min_length=1)
    license: str = Field(min_length=1)
    # How the term is read, so spellings in another script match too: for Chinese, toneless pinyin,
    # one syllable per Han character ("sha bi" for 傻逼: 傻b, sha逼, 傻bi match); for Japanese, the
    # kana reading of a term written with kanji ("しね" for 死ね).
    reading: str | None = Field(default=None, max_length=200)


class ModerationPolicy(_Strict):
    max_comments_per_minute: int = Field(default=20, ge=1, le=600)
    duplicate_window_seconds: int = Field(default=60, ge=0, le=3600)
    new_account_seconds: int = Field(default=300, ge=0)
    links: Literal["moderators_only", "hold", "allow"] = "moderators_only"
    contact_ids: Literal["hold", "reject", "allow"] = "hold"


class ContactWords(_Strict):
    """One language's words of contact spam (``contact_words`` hook)."""

    language: str = Field(min_length=2)
    source: str = Field(min_length=1)
    # word -> the digits it is read as ("zwölf" -> "12"); at most two digits a word
    numbers: dict[Annotated[str, Field(min_length=1, max_length=40)], Annotated[str, Field(pattern=r"^[0-9]{1,2}$")]]
    repeat: dict[str, Annotated[int, Field(ge=2, le=3)]] = Field(default_factory=dict)
    dot: list[Annotated[str, Field(min_length=1, max_length=20)]] = Field(default_factory=list)
    tld: dict[str, Annotated[str, Field(pattern=r"^[a-z]{2,12}$")]] = Field(default_factory=dict)
    cues: list[Annotated[str, Field(min_length=1, max_length=40)]] = Field(default_factory=list)
    refs: list[Annotated[str, Field(min_length=1, max_length=40)]] = Field(default_factory=list)


class ComplianceRule(_Strict):
    id: str = Field(min_length=1)
    market: MarketCode
    law: str = Field(min_length=1)
    kind: Literal["banned_term", "restricted_category", "required_disclosure"]
    terms: list[str] = Field(default_factory=list)
    allow_contexts: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    categories: list[str] = Field(default_factory=list)
    severity: Literal["block", "warn"] = "block"
    message: str = Field(min_length=1)


class ToxicityScore(_Strict):
    toxicity: float = Field(ge=0.0, le=1.0)
    labels: dict[str, float] = Field(default_factory=dict)


class LanguageGuess(_Strict):
    language: str
    confidence: float = Field(ge=0.0, le=1.0)
    detector: str


class Translation(_Strict):
    text: str
    source: str
    target: str
    translated: bool
    engine: str


# The placeholders a FAQ answer may use (``faq_answers`` hook), filled by ``FaqAnswer.filled``.
FAQ_PLACEHOLDERS = frozenset({"market_name", "market", "currency"})


class FaqAnswer(_Strict):
    id: str = Field(min_length=1)
    tags: list[str] = Field(default_factory=list)
    patterns: list[str] = Field(min_length=1)
    answer: str = Field(min_length=1)

    def filled(self, profile: MarketProfile) -> str:
        """The answer with ``{market_name}``, ``{market}`` and ``{currency}`` filled from the
        market's profile; any other braces are shown as written (the conformance suite flags
        them). The one place FAQ placeholders are filled: auto-replies and the localization API."""
        values = {"market_name": profile.name, "market": profile.code, "currency": profile.currency}
        return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), self.answer)


class CouponPolicy(_Strict):
    max_discount_percent: float = Field(default=100, gt=0, le=100)
    requires_prior_price: bool = False
    prior_price_days: int = Field(default=30, ge=0, le=365)
    disclosures: list[str] = Field(default_factory=list)
    rounding: Literal["half_even", "half_up", "down"] = "half_even"


PluralCategory = Literal["zero", "one", "two", "few", "many", "other"]

# The coupon sentences a viewer reads, and the placeholders each template may use. The platform
# fills every placeholder with a CLDR-formatted value for the market's locale (prices through
# ``format_price``, dates through ``format_datetime``, percentages and counts with Babel).
COUPON_TEXT_PLACEHOLDERS: dict[str, frozenset[str]] = {
    "discount_fixed": frozenset({"amount"}),
    "discount_percent": frozenset({"percent"}),
    "discount_percent_capped": frozenset({"percent", "max"}),
    "prior_price": frozenset({"days", "price"}),
    "valid_until": frozenset({"until", "time_zone"}),
    "works": frozenset(
        {"discount", "min_spend", "market_name", "market", "currency", "currency_name", "since", "until", "time_zone"}
    ),
    "works_no_minimum": frozenset(
        {"discount", "market_name", "market", "currency", "currency_name", "since", "until", "time_zone"}
    ),
}


def template_fields(template: str) -> set[str]:
    """The ``{placeholder}`` names of a ``str.format`` template (``ValueError`` if malformed)."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


class CouponTexts(_Strict):
    """Coupon sentences for one market in one language (``coupon_texts`` hook).

    Every field is optional: a plugin may answer only some (a market adds its disclosures, the
    built-in language file gives the sentences), and the host merges the answers. ``prior_price``
    may be a table of CLDR plural categories (``one``, ``few``, ``many``, ``other`` ...) chosen by
    the number of days; ``other`` is then required. ``disclosures`` are the market's coupon
    disclosures (``coupon_policy.disclosures``) written in this language.
    """

    discount_fixed: str | None = None
    discount_percent: str | None = None
    discount_percent_capped: str | None = None
    prior_price: str | dict[PluralCategory, str] | None = None
    valid_until: str | None = None
    works: str | None = None
    works_no_minimum: str | None = None
    disclosures: list[Annotated[str, Field(min_length=1)]] | None = None

    @field_validator("prior_price")
    @classmethod
    def _plural_has_other(cls, value: str | dict[str, str] | None) -> str | dict[str, str] | None:
        if isinstance(value, dict) and "other" not in value:
            raise ValueError("a plural table needs an 'other' form")
        return value

    @model_validator(mode="after")
    def _known_placeholders(self) -> CouponTexts:
        for key, allowed in COUPON_TEXT_PLACEHOLDERS.items():
            value = getattr(self, key)
            forms = value.values() if isinstance(value, dict) else [] if value is None else [value]
            for form in forms:
                if not form.strip():
                    raise ValueError(f"{key}: empty template")
                unknown = template_fields(form) - allowed  # ValueError on a malformed template
                if unknown:
                    raise ValueError(f"{key}: unknown placeholders {sorted(unknown)} (known: {sorted(allowed)})")
        return self

    def merged_over(self, base: CouponTexts) -> CouponTexts:
        """These texts, with every field this answer leaves out taken from ``base``."""
        return base.model_copy(update=self.model_dump(exclude_none=True))

    def missing(self) -> list[str]:
        """Fields without a template (``disclosures`` is optional: a market may have none)."""
        return [key for key in COUPON_TEXT_PLACEHOLDERS if getattr(self, key) is None]


class CampaignViolation(_Strict):
    rule: str = Field(min_length=1)
    market: MarketCode
    message: str = Field(min_length=1)


class DataResidency(_Strict):
    jurisdiction: str = Field(min_length=1)
    allowed_regions: list[str] = Field(min_length=1)
    law: str | None = None

    def allows(self, aws_region: str) -> bool:
        return "*" in self.allowed_regions or aws_region in self.allowed_regions


class RoutingPreference(_Strict):
    preferred_regions: list[str] = Field(min_length=1)
    fallback_regions: list[str] = Field(default_factory=list)
    excluded_regions: list[str] = Field(default_factory=list)
