"""Offline language detection: lingua when it is installed, Unicode scripts otherwise.

lingua-language-detector is part of the platform extras (embedded platform, CLI), not of the
Lambda bundles, so it is imported only when a detection is first asked for. Without it, the
plugin still answers for texts whose script names the language unambiguously (Thai, Arabic,
Japanese kana, Han characters, Hangul) and returns ``None`` otherwise, so the caller says
"unknown" instead of guessing. Registered ``trylast``: a cloud detector enabled by a region wins.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from functools import cache
from typing import Any

from plugins import hookimpl

# BCP 47 tag <-> lingua language name, for the languages crosslive markets speak and a few more.
LINGUA_NAMES: dict[str, str] = {
    "ar": "ARABIC",
    "de": "GERMAN",
    "en": "ENGLISH",
    "es": "SPANISH",
    "fil": "TAGALOG",
    "fr": "FRENCH",
    "id": "INDONESIAN",
    "it": "ITALIAN",
    "ja": "JAPANESE",
    "ko": "KOREAN",
    "ms": "MALAY",
    "nl": "DUTCH",
    "pt": "PORTUGUESE",
    "ru": "RUSSIAN",
    "th": "THAI",
    "tr": "TURKISH",
    "vi": "VIETNAMESE",
    "zh-Hans": "CHINESE",
}
# Unicode script (first word of a character's name) -> language it implies on its own.
SCRIPT_LANGUAGES: dict[str, str] = {
    "THAI": "th",
    "ARABIC": "ar",
    "HIRAGANA": "ja",
    "KATAKANA": "ja",
    "HANGUL": "ko",
}


def _script(char: str) -> str | None:
    if not char.isalpha():
        return None
    name = unicodedata.name(char, "")
    if name.startswith("CJK UNIFIED IDEOGRAPH"):
        return "HAN"
    return name.split(" ", 1)[0] if name else None


def detect_by_script(text: str) -> dict[str, Any] | None:
    """Language from the dominant script when the script alone decides it; else ``None``."""
    scripts = Counter(s for s in map(_script, text) if s)
    if not scripts:
        return None
    total = sum(scripts.values())
    if scripts["HIRAGANA"] + scripts["KATAKANA"]:
        language = "ja"  # kana only occur in Japanese; Han characters around them are kanji
        share = (scripts["HIRAGANA"] + scripts["KATAKANA"] + scripts["HAN"]) / total
    else:
        script, count = scripts.most_common(1)[0]
        language = SCRIPT_LANGUAGES.get(script) or ("zh-Hans" if script == "HAN" else "")
        share = count / total
    if not language:
        return None
    return {"language": language, "confidence": round(share, 4), "detector": "unicode-script"}


@cache
def _lingua_detector(tags: tuple[str, ...]) -> Any:
    from lingua import Language, LanguageDetectorBuilder  # optional: not in Lambda bundles

    languages = [getattr(Language, LINGUA_NAMES[t]) for t in tags]
    return LanguageDetectorBuilder.from_languages(*languages).build()


def lingua_available() -> bool:
    try:
        import lingua  # noqa: F401
    except ImportError:
        return False
    return True


@hookimpl(trylast=True)
def detect_language(text: str, candidates: list[str]) -> dict[str, Any] | None:
    tags = tuple(sorted({t for t in candidates if t in LINGUA_NAMES} or LINGUA_NAMES))
    if not lingua_available():
        return detect_by_script(text)
    if len(tags) == 1:
        return {"language": tags[0], "confidence": 1.0, "detector": "lingua"}
    values = _lingua_detector(tags).compute_language_confidence_values(text)
    if not values or values[0].value <= 0:
        return None
    by_name = {name: tag for tag, name in LINGUA_NAMES.items()}
    best = values[0]
    return {"language": by_name[best.language.name], "confidence": round(best.value, 4), "detector": "lingua"}
