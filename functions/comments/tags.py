"""Priority tags of buying questions (price, stock, size, material, shipping, returns, coupon).

The keywords live in ``data/priority_terms.toml`` per tag and language. One Aho-Corasick
automaton (pyahocorasick) holds every term of every language, so tagging a comment is one pass
over its text whatever language it is in; a Thai comment and a German one cost the same.
Matches in space-delimited scripts must sit on word boundaries (so "fit" does not hit
"profit"), unless the term is a prefix ("ship*"); Chinese, Japanese and Thai match anywhere.
"""

from __future__ import annotations

import tomllib
import unicodedata
from functools import cache
from pathlib import Path

import ahocorasick

DATA_FILE = Path(__file__).with_name("data") / "priority_terms.toml"
TAG_ORDER = ("price", "stock", "size", "material", "shipping", "returns", "coupon")
_UNSPACED = ("CJK", "HIRAGANA", "KATAKANA", "THAI", "HANGUL")


def normalize(text: str) -> str:
    """NFKC + case folding: full-width letters, ligatures and case stop mattering."""
    return unicodedata.normalize("NFKC", text).casefold()


def _unspaced(char: str) -> bool:
    name = unicodedata.name(char, "")
    return name.startswith(_UNSPACED)


def _is_word_char(char: str) -> bool:
    return char.isalnum() and not _unspaced(char)


@cache
def automaton() -> ahocorasick.Automaton:
    """The automaton of every term: value = list of (tag, term, prefix)."""
    data = tomllib.loads(DATA_FILE.read_text(encoding="utf-8"))
    entries: dict[str, list[tuple[str, str, bool]]] = {}
    for tag, languages in data.items():
        for terms in languages.values():
            for raw in terms:
                prefix = raw.endswith("*")
                term = normalize(raw.rstrip("*"))
                if term:
                    entries.setdefault(term, []).append((tag, term, prefix))
    machine = ahocorasick.Automaton()
    for term, values in entries.items():
        machine.add_word(term, values)
    machine.make_automaton()
    return machine


def priority_tags(text: str) -> list[str]:
    """The priority tags of ``text``, in ``TAG_ORDER``."""
    folded = normalize(text)
    found: set[str] = set()
    for end, values in automaton().iter(folded):
        for tag, term, prefix in values:
            if tag in found:
                continue
            start = end - len(term) + 1
            first, last = term[0], term[-1]
            if _is_word_char(first) and start > 0 and _is_word_char(folded[start - 1]):
                continue
            if not prefix and _is_word_char(last) and end + 1 < len(folded) and _is_word_char(folded[end + 1]):
                continue
            found.add(tag)
    return [tag for tag in TAG_ORDER if tag in found]


def languages_covered() -> dict[str, set[str]]:
    """Which languages each tag has terms for (tests and docs)."""
    data = tomllib.loads(DATA_FILE.read_text(encoding="utf-8"))
    return {tag: set(languages) for tag, languages in data.items()}
