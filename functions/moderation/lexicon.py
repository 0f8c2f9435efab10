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
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick

from functions.moderation.normalize import INNER, inner_key, spans, stream, term_keys
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
        for entry in entries:
            rule = Rule.of(entry)
            for spelling in spellings(entry):
                for key in term_keys(spelling):
                    _keep_stronger(rules, key, rule)
            letters = inner_key(entry.term)
            if letters is not None:
                _keep_stronger(inner, letters, rule)
        self.size = len(entries)
        self.keys = len(rules)
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

    def scan(self, normalized: str) -> list[Hit]:
        """Every key in an already normalized stream, except those inside a safe word."""
        if not self.keys:
            return []
        found = list(self._automaton.iter(normalized))
        if INNER in normalized and self._has_inner:
            found += self._scan_inner(normalized)
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
        return self.scan(stream(text))

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
