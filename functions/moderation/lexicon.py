"""Multi-pattern lexicon matching: one Aho-Corasick automaton per market, built once and cached.

The automaton holds every normalized key of every lexicon entry the market's plugins provide
(``CrossliveManager.moderation_lexicon``); a comment is normalized once (``normalize.stream``) and
scanned once, whatever the lexicon's size. Keys of space-delimited languages are padded with
spaces and so only match whole words; keys of space-less scripts match anywhere.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick

from functions.moderation.normalize import locate, stream, term_keys
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


class Matcher:
    """An automaton over a list of lexicon entries."""

    def __init__(self, entries: list[LexiconEntry], safe_words: Iterable[str] = ()) -> None:
        rules: dict[str, Rule] = {}
        for entry in entries:
            rule = Rule.of(entry)
            for key in term_keys(entry.term):
                old = rules.get(key)
                if old is None or ACTION_ORDER[rule.action] > ACTION_ORDER[old.action]:
                    rules[key] = rule
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

    def scan(self, normalized: str) -> list[Hit]:
        """Every key in an already normalized stream, except those inside a safe word."""
        if not self.keys:
            return []
        found = list(self._automaton.iter(normalized))
        if len(found) == 1:
            key, rule = found[0][1]
            return [] if rule is None else [Hit(key, rule)]
        safe = [(end - len(key) + 1, end) for end, (key, rule) in found if rule is None]
        return [
            Hit(key, rule)
            for end, (key, rule) in found
            if rule is not None and not any(a <= end - len(key) + 1 and end <= b for a, b in safe)
        ]

    def hits(self, text: str) -> list[Hit]:
        return self.scan(stream(text))

    def mask(self, text: str, hits: list[Hit]) -> str:
        """``text`` with the characters of every hit replaced by ``*``; everything else as written."""
        masked = text
        for hit in hits:
            for _ in range(8):  # the same key may occur more than once
                span = locate(masked, hit.key)
                if span is None:
                    break
                start, end = span
                masked = masked[:start] + "".join(c if c.isspace() else "*" for c in masked[start:end]) + masked[end:]
        return masked


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
