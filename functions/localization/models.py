"""Tables of the localization function: the translation cache and the operators' rates table."""

from __future__ import annotations

from pynamodb.attributes import MapAttribute, NumberAttribute, UnicodeAttribute

from functions.shared.db import TableModel, table_meta

TRANSLATION_TTL_SECONDS = 30 * 24 * 3600
RATES_ID = "current"


class CachedTranslation(TableModel):
    """One translated text, keyed by a hash of (source, target, text); expires after 30 days.

    Regional: each region caches what its viewers read. Only real translations are cached, so
    a region that later enables a better engine is not stuck with "not translated" answers.
    """

    Meta = table_meta("translations", replicated=False, ttl_attribute="expires_at")  # type: ignore[assignment]

    key = UnicodeAttribute(hash_key=True)
    source = UnicodeAttribute()
    target = UnicodeAttribute()
    text = UnicodeAttribute()
    engine = UnicodeAttribute()
    created_at = NumberAttribute()
    expires_at = NumberAttribute()


class ExchangeRates(TableModel):
    """The exchange-rate table operators maintain (one item, ``id == "current"``).

    ``rates`` maps ISO 4217 codes to decimal strings: units of that currency per one unit of
    ``base``. Replicated to every region so one update reaches every market. ``version`` makes
    updates conditional: a stale or replayed update is refused instead of overwriting.
    """

    Meta = table_meta("exchange-rates", replicated=True)  # type: ignore[assignment]

    id = UnicodeAttribute(hash_key=True)
    base = UnicodeAttribute()
    rates = MapAttribute[str, str]()
    source = UnicodeAttribute()
    updated_at = NumberAttribute()
    updated_by = UnicodeAttribute()
    version = NumberAttribute()
