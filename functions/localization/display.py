"""Display strings that carry their language and writing direction.

Every string the localization API returns for display is a ``DisplayText``: the text, its
language, its direction from CLDR (``Locale.character_order``) and the same text wrapped in
Unicode directional isolates (RLI/LRI ... PDI, UAX #9) so it can be embedded in a line of the
other direction without reordering its neighbours: an Arabic product name inside an English
sentence, a price with a Latin currency code inside Arabic text.
"""

from __future__ import annotations

from functools import cache
from typing import Literal

from babel import Locale, UnknownLocaleError
from pydantic import BaseModel

RLI, LRI, PDI = "\u2067", "\u2066", "\u2069"
Direction = Literal["ltr", "rtl"]


class UnknownLanguageError(ValueError):
    """A language tag CLDR does not know."""

    def __init__(self, tag: str) -> None:
        super().__init__(f"unknown language {tag!r}")
        self.tag = tag


@cache
def cldr_locale(tag: str) -> Locale:
    """The CLDR locale of a BCP 47 tag (``zh-Hans`` or ``zh_Hans`` both work)."""
    if not tag or len(tag) > 35:
        raise UnknownLanguageError(tag)
    try:
        return Locale.parse(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError) as exc:
        raise UnknownLanguageError(tag) from exc


def check_language(tag: str) -> str:
    """``tag`` if CLDR knows it, else ``UnknownLanguageError``."""
    cldr_locale(tag)
    return tag


def direction_of(tag: str) -> Direction:
    """``"rtl"`` for right-to-left languages (Arabic, Hebrew, Persian, Urdu ...), else ``"ltr"``."""
    return "rtl" if cldr_locale(tag).character_order == "right-to-left" else "ltr"


def isolate(text: str, direction: Direction) -> str:
    """``text`` wrapped in a directional isolate of ``direction``."""
    return f"{RLI if direction == 'rtl' else LRI}{text}{PDI}"


class DisplayText(BaseModel):
    """A string for display, with what a client needs to lay it out."""

    text: str
    lang: str
    dir: Direction
    isolated: str

    @classmethod
    def of(cls, text: str, lang: str) -> DisplayText:
        direction = direction_of(lang)
        return cls(text=text, lang=lang, dir=direction, isolated=isolate(text, direction))
