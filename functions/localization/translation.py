"""Translate texts through the region's plugins, with detection, limits and a DynamoDB cache.

Which engine translates is the plugins' business (Amazon Translate when a region enables
``aws-translate``, else the local phrasebook); this module adds what every engine needs: the
10,000-byte limit checked before any engine runs, language detection when the caller does not
know the source, a cache of real translations, and honest output (``translated``, ``engine``,
``cached``) with the display direction of the result.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable

from pydantic import BaseModel
from pynamodb.exceptions import PynamoDBException

from functions.localization.display import DisplayText, check_language
from functions.localization.models import TRANSLATION_TTL_SECONDS, CachedTranslation
from functions.shared.observability import logger
from plugins.manager import CrossliveManager
from plugins.types import MAX_TRANSLATE_BYTES, LanguageGuess, TextTooLongError

UNDETERMINED = "und"
LOCAL_PLUGINS = frozenset({"local-translation"})
LOCAL_ENGINES = frozenset({"phrasebook", "identity", "none"})
log = logger("localization")


class TranslatedText(BaseModel):
    original: str
    text: str
    source: str
    target: str
    translated: bool
    engine: str
    cached: bool = False
    detection: LanguageGuess | None = None
    display: DisplayText


def uses_remote_engine(plugins: CrossliveManager) -> bool:
    """Whether a plugin other than the local phrasebook translates in this region.

    Only then is the cache worth a DynamoDB round trip: a phrasebook lookup costs ~35 µs, a cache
    read milliseconds, an Amazon Translate call far more (``crosslive bench localization``).
    """
    return any(impl.plugin_name not in LOCAL_PLUGINS for impl in plugins.hook.translate.get_hookimpls())


def cache_key(text: str, source: str, target: str) -> str:
    return hashlib.sha256(f"{source}\x1f{target}\x1f{text}".encode()).hexdigest()


def check_size(text: str) -> None:
    size = len(text.encode("utf-8"))
    if size > MAX_TRANSLATE_BYTES:
        raise TextTooLongError(size, MAX_TRANSLATE_BYTES)


def _cached(key: str) -> CachedTranslation | None:
    try:
        return CachedTranslation.get(key)
    except CachedTranslation.DoesNotExist:
        return None
    except PynamoDBException:
        log.warning("translation cache read failed", exc_info=True)
        return None


def _remember(key: str, text: str, source: str, target: str, engine: str) -> None:
    now = int(time.time())
    try:
        CachedTranslation(
            key,
            source=source,
            target=target,
            text=text,
            engine=engine,
            created_at=now,
            expires_at=now + TRANSLATION_TTL_SECONDS,
        ).save()
    except PynamoDBException:
        log.warning("translation cache write failed", exc_info=True)


def translate_one(
    plugins: CrossliveManager,
    text: str,
    target: str,
    source: str | None = None,
    candidates: Iterable[str] = (),
    *,
    cache: bool = True,
) -> TranslatedText:
    """Translate ``text`` into ``target``; detects ``source`` among ``candidates`` when not given.

    ``cache=False``: the text may be a person's own words (a viewer's comment), which the regional
    cache must not keep for 30 days in a region outside its author's residency zone
    (``docs/residency.md``); it is translated every time instead."""
    check_size(text)
    check_language(target)
    detection = None
    if source is None:
        detection = plugins.detect_language(text, candidates)
        if detection is None:
            return TranslatedText(
                original=text,
                text=text,
                source=UNDETERMINED,
                target=target,
                translated=False,
                engine="none",
                display=DisplayText.of(text, target),
            )
        source = detection.language
    check_language(source)
    if source == target:
        return TranslatedText(
            original=text,
            text=text,
            source=source,
            target=target,
            translated=True,
            engine="identity",
            detection=detection,
            display=DisplayText.of(text, target),
        )
    key = cache_key(text, source, target)
    use_cache = cache and uses_remote_engine(plugins)
    hit = _cached(key) if use_cache else None
    if hit is not None:
        return TranslatedText(
            original=text,
            text=hit.text,
            source=source,
            target=target,
            translated=True,
            engine=hit.engine,
            cached=True,
            detection=detection,
            display=DisplayText.of(hit.text, target),
        )
    result = plugins.translate(text, source, target)
    if result is None or not result.translated:
        return TranslatedText(
            original=text,
            text=text,
            source=source,
            target=target,
            translated=False,
            engine=result.engine if result else "none",
            detection=detection,
            display=DisplayText.of(text, source),
        )
    if use_cache and result.engine not in LOCAL_ENGINES:
        _remember(key, result.text, source, target, result.engine)
    return TranslatedText(
        original=text,
        text=result.text,
        source=source,
        target=target,
        translated=True,
        engine=result.engine,
        detection=detection,
        display=DisplayText.of(result.text, target),
    )
