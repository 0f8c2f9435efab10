"""Comments in the reader's language, through the localization plugins.

Every translation goes through ``get_plugins().translate`` (Amazon Translate in AWS, the local
engines on the embedded platform); the result says whether it really translated and by which
engine, and the original always travels beside it. Results are cached per process: a popular
question is translated once, not once per viewer.
"""

from __future__ import annotations

from functools import lru_cache

from functions.comments.schemas import TranslationOut
from functions.shared.plugins import get_plugins


def same_language(a: str, b: str) -> bool:
    """``"en"`` == ``"en-GB"``; ``"zh-Hans"`` != ``"zh-Hant"``; ``"zh"`` == ``"zh-Hans"``."""
    a_parts, b_parts = a.lower().split("-"), b.lower().split("-")
    if a_parts[0] != b_parts[0]:
        return False
    a_script = next((p for p in a_parts[1:] if len(p) == 4), None)
    b_script = next((p for p in b_parts[1:] if len(p) == 4), None)
    return a_script is None or b_script is None or a_script == b_script


@lru_cache(maxsize=4096)
def translate_text(text: str, source: str, target: str) -> TranslationOut | None:
    """``text`` in ``target``; None when it already is, or no plugin can translate."""
    if source in ("", "und") or same_language(source, target):
        return None
    result = get_plugins().translate(text, source, target)
    if result is None:
        return None
    return TranslationOut(text=result.text, language=result.target, translated=result.translated, engine=result.engine)


def detect_language(text: str, candidates: list[str]) -> str | None:
    """The language of ``text`` among ``candidates`` (a room's languages), if a plugin can tell."""
    guess = get_plugins().detect_language(text, candidates)
    return guess.language if guess is not None else None
