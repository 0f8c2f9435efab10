"""Multi-pattern lexicon matching: one Aho-Corasick automaton per market, built once and cached.

The automaton holds every normalized key of every lexicon entry the market's plugins provide
(``CrossliveManager.moderation_lexicon``); a comment is normalized once (``normalize.stream``) and
scanned once, whatever the lexicon's size. Keys of space-delimited languages are padded with
spaces and so only match whole words; keys of space-less scripts match anywhere.
"""

from __future__ import annotations

import itertools
import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick

from functions.moderation.normalize import INNER, PLACEHOLDER, inner_key, spans, stream, term_keys
from functions.moderation.safewords import all_safe_words
from functions.moderation.verdict import ACTION_ORDER
from plugins.manager import CrossliveManager
from plugins.types import LexiconEntry

SEVERITY_ACTION = {1: "mask", 2: "hold", 3: "reject"}


@dataclass(frozen=True)
class Rule:
    """What a key stands for: the strongest lexicon entry that produced it."""

    term: str
    language: str
    category: str
    severity: int
    action: str

    @classmethod
    def of(cls, entry: LexiconEntry) -> Rule:
        return cls(
            entry.term,
            entry.language,
            entry.category,
            entry.severity,
            entry.action or SEVERITY_ACTION[entry.severity],
        )


@dataclass(frozen=True)
class Hit:
    key: str
    rule: Rule


_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]+")
MAX_MIXED_CHARACTERS = 4  # Chinese terms up to this long also match with Latin letters for characters
# The characters a Chinese insult is censored on (傻X for 傻逼, 他X的 for 他妈的, X你妈 for 操你妈): a
# writer hides the vulgar character and keeps the rest readable. Only these may stand as the
# placeholder, never the first character of a two-character term ("X的" would be any "*的"), and
# never an ordinary character ("黑X码" is a size, not 黑鬼).
CENSORED_CHARACTERS = frozenset("逼屄妈操肏日干屌婊贱蛋鸡草槽")
# A lexicon row written letter-spaced ("i d i o t"): only a letter-spaced spelling matches it. The
# source lists such words only spelled out (LDNOOBW's "p e n i s"), or curation keeps a word that is
# ordinary in a shop ("idiot" for a price, "ugly" sweater) for its spelled-out form only: spelling a
# word out letter by letter is itself evidence of evading a filter.
_LETTER_SPACED = re.compile(r"[^\W\d_](?: [^\W\d_]){3,}")
# The afterthought vocative of spoken Arabic ("حيوان يا", "you animal!") counts only where the comment
# ends: before another word, "يا" opens the next call ("السعر واطي يا جماعة", "the price is low, folks").
_AFTERTHOUGHT_VOCATIVE = re.compile(" يا$")
_KANA = re.compile("[\u3041-\u309f\u30fc]+")
_KATAKANA_LETTER = re.compile("[\u30a1-\u30fa]")
_TO_KATAKANA = {code: code + 0x60 for code in range(0x3041, 0x3097)}


def letter_spaced(term: str) -> bool:
    """Whether a lexicon row is written letter-spaced, matching letter-spaced spellings only."""
    return _LETTER_SPACED.fullmatch(term) is not None


def placeholder_spellings(term: str) -> list[str]:
    """A reviewed Chinese term with one censored character as ``PLACEHOLDER`` (傻逼: 傻〓)."""
    if not _HAN.fullmatch(term) or not 2 <= len(term) <= MAX_MIXED_CHARACTERS:
        return []
    return [
        term[:i] + PLACEHOLDER + term[i + 1 :]
        for i, char in enumerate(term)
        if char in CENSORED_CHARACTERS and (i > 0 or len(term) > 2)
    ]


def spellings(entry: LexiconEntry) -> list[str]:
    """The term and its spellings from ``reading``: kana for Japanese; for Chinese, every mix of
    Han characters with their pinyin syllables or initials (傻逼: 傻b, 傻bi, sha逼, s逼), at least
    one character kept in Han (all-Latin spellings are rows of their own: ``shabi``, ``sb``)."""
    found = [entry.term]
    if not entry.reading:
        return found
    if entry.language.startswith("ja"):
        return [*found, entry.reading]
    syllables = entry.reading.split()
    term = entry.term
    if not _HAN.fullmatch(term) or len(syllables) != len(term) or len(term) > MAX_MIXED_CHARACTERS:
        return found
    found += placeholder_spellings(term)
    choices = [(char, syllable, syllable[0]) for char, syllable in zip(term, syllables, strict=True)]
    for combo in itertools.product(*choices):
        kept = sum(1 for part, char in zip(combo, term, strict=True) if part == char)
        if 0 < kept < len(term):
            found.append(" ".join(combo))  # "傻 b": the stream puts a space at each script boundary
    return found


class Matcher:
    """An automaton over a list of lexicon entries.

    Two automatons: the main one over whole streams, and an inner one holding the letters of each
    space-delimited term (``bitch``), scanned only over spelled-out runs (``y o u a b i t c h``
    gives the stream word ``\\x02youabitch``), where word boundaries are lost.
    """

    def __init__(self, entries: list[LexiconEntry], safe_words: Iterable[str] = ()) -> None:
        rules: dict[str, Rule] = {}
        inner: dict[str, Rule] = {}
        final_only: set[str] = set()
        for entry in entries:
            rule = Rule.of(entry)
            if not letter_spaced(entry.term):
                for spelling in spellings(entry):
                    for key in term_keys(spelling):
                        _keep_stronger(rules, key, rule)
                        if _AFTERTHOUGHT_VOCATIVE.search(entry.term):
                            final_only.add(key)
            letters = inner_key(entry.term)
            if letters is not None:
                _keep_stronger(inner, letters, rule)
        self.size = len(entries)
        self.keys = len(rules)
        self._final_only = final_only
        self._automaton = ahocorasick.Automaton()
        for key, rule in rules.items():
            self._automaton.add_word(key, (key, rule))
        safe = {k for word in safe_words for k in term_keys(word)} - set(rules)
        for key in safe:
            self._automaton.add_word(key, (key, None))
        if rules:
            self._automaton.make_automaton()
        self._inner = ahocorasick.Automaton()
        for key, rule in inner.items():
            self._inner.add_word(key, (key, rule))
        if inner:
            self._inner.make_automaton()
        self._has_inner = bool(inner)

    def scan(self, normalized: str, text: str | None = None) -> list[Hit]:
        """Every key in an already normalized stream, except those inside a safe word and, given the
        ``text`` the stream was made of, kana keys read only inside longer Katakana words."""
        hits = self._scan(normalized)
        if hits and text is not None and _KATAKANA_LETTER.search(text):
            hits = [h for h in hits if not _only_inside_katakana_words(text, h.key)]
        return hits

    def _scan(self, normalized: str) -> list[Hit]:
        found = list(self._automaton.iter(normalized)) if self.keys else []
        if INNER in normalized and self._has_inner:
            found += self._scan_inner(normalized)
        if found and self._final_only:
            last = len(normalized) - 1
            found = [f for f in found if f[0] == last or f[1][0] not in self._final_only]
        if not found:
            return []
        if len(found) == 1:
            key, rule = found[0][1]
            return [] if rule is None else [Hit(key, rule)]
        safe = [(end - len(key) + 1, end) for end, (key, rule) in found if rule is None]
        hits: dict[str, Hit] = {}
        for end, (key, rule) in found:
            if rule is not None and not any(a <= end - len(key) + 1 and end <= b for a, b in safe):
                hits.setdefault(key, Hit(key, rule))
        return list(hits.values())

    def _scan_inner(self, normalized: str) -> list[tuple[int, tuple[str, Rule | None]]]:
        found = []
        for word in normalized.split(" "):
            if word.startswith(INNER):
                found += [(-1, value) for _end, value in self._inner.iter(word)]
        return found

    def hits(self, text: str) -> list[Hit]:
        return self.scan(stream(text), text)

    def mask(self, text: str, hits: list[Hit]) -> str:
        """``text`` with every character of every matched span replaced by ``*`` (spaces kept).

        The spans are found on the original text first and masked together, so a phrase ("piss
        off") is hidden whole even when one of its words is a term of its own.
        """
        covered: set[int] = set()
        for hit in hits:
            for start, end in spans(text, hit.key):
                covered.update(range(start, end))
        return "".join("*" if i in covered and not c.isspace() else c for i, c in enumerate(text))


def _only_inside_katakana_words(text: str, key: str) -> bool:
    """Whether a kana key occurs in ``text`` only as the start or middle of a longer Katakana word.

    Katakana is matched as Hiragana, so a kana insult (きえろ, ぶす, しね) meets loanwords and names
    that hold its sound: キエロフ, ラブストーリー, シネマ. A Katakana word goes on with more Katakana;
    an insult written in Katakana stands as a word of its own or ends one (キエロ, オマエキエロ,
    ブスだね). Any Hiragana occurrence, or one the text hides with other characters, keeps the hit.
    """
    bare = key.strip()
    if not _KANA.fullmatch(bare):
        return False
    written = unicodedata.normalize("NFKC", text)
    if bare in written:
        return False
    inside = False
    for found in re.finditer(re.escape(bare.translate(_TO_KATAKANA)), written):
        if not _KATAKANA_LETTER.match(written, found.end()):
            return False
        inside = True
    return inside


def _keep_stronger(rules: dict[str, Rule], key: str, rule: Rule) -> None:
    old = rules.get(key)
    if old is None or ACTION_ORDER[rule.action] > ACTION_ORDER[old.action]:
        rules[key] = rule


_lock = threading.Lock()
_matchers: dict[tuple[int, str], Matcher] = {}


def matcher_for(plugins: CrossliveManager, market: str) -> Matcher:
    """The market's matcher, built on first use and kept for the life of the process."""
    key = (id(plugins), market.upper())
    found = _matchers.get(key)
    if found is None:
        with _lock:
            found = _matchers.get(key)
            if found is None:
                found = Matcher(plugins.moderation_lexicon(market.upper()), all_safe_words())
                _matchers[key] = found
    return found


def warm(plugins: CrossliveManager, markets: Iterable[str]) -> None:
    """Build the matchers of ``markets`` now (at container start) rather than on a first comment."""
    for market in markets:
        matcher_for(plugins, market)
