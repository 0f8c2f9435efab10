"""Local translation for the embedded platform: a commerce translation memory, honestly labelled.

The memory is the union of every enabled plugin's phrasebook (``phrasebook`` hook): concepts such
as ``size.too_small`` with one phrase per language. The host languages (en, zh-Hans) come from
``data/host_phrasebook.toml`` here; each market plugin adds its own languages under the same
concept ids, so any two languages with an entry for a concept translate into each other.

A text translates when it is a known phrase, or when every sentence of it is one ("Hello
everyone! Is it in stock?"). Anything else comes back unchanged with ``translated: False`` and
``engine: "none"`` so callers show the original and say so; nothing is ever guessed. Registered
``trylast``: the Amazon Translate plugin, when a region enables it, answers first.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

from plugins import hookimpl

HOST_PHRASEBOOK = Path(__file__).parent / "data" / "host_phrasebook.toml"
ENGINE = "phrasebook"
_SYMBOLS = {"So", "Sk"}  # emoji, dingbats, modifier symbols
_JOINERS = {"\u200d", "\ufe0f", "\ufe0e"}  # zero-width joiner, variation selectors of emoji
_TRIM = " \t\r\n?!.,;:。？！，、…~～\"'“”‘’؟،"
# A sentence ends at ., !, ? (ASCII, CJK and Arabic forms) followed by space or the end.
_SENTENCE = re.compile(r"[^.!?。！？؟]+(?:[.!?。！？؟]+|$)")


def normalize(text: str) -> str:
    """The lookup key of a phrase: NFKC, case-folded, emoji and symbols dropped, single-spaced,
    outer punctuation trimmed (viewers write "Is it in stock??? 😍")."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    kept = "".join(c for c in folded if c not in _JOINERS and unicodedata.category(c) not in _SYMBOLS)
    return " ".join(kept.split()).strip(_TRIM)


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text`` with their end punctuation (CJK text needs no spaces between them)."""
    return [s.strip() for s in _SENTENCE.findall(text) if normalize(s)]


@cache
def host_phrasebook() -> dict[str, dict[str, str]]:
    """The host-language phrasebook shipped with the platform (``{concept: {tag: phrase}}``)."""
    with HOST_PHRASEBOOK.open("rb") as fh:
        return {concept: dict(phrases) for concept, phrases in tomllib.load(fh).items()}


class LocalTranslator:
    """Phrasebook translator; needs the manager to read phrasebooks from every plugin."""

    def __init__(self) -> None:
        self.manager: Any = None

    @hookimpl
    def startup(self, manager: Any) -> None:
        """Keep the manager, to read every plugin's phrasebook (the ``startup`` hook)."""
        self.manager = manager

    @hookimpl(trylast=True)
    def phrasebook(self, language: str) -> dict[str, dict[str, str]]:
        return {c: p for c, p in host_phrasebook().items() if language in p}

    def _index(self, language: str) -> dict[str, str]:
        """Normalized phrase -> concept id for one language."""
        book = self.manager.phrasebook(language) if self.manager is not None else {}
        return {normalize(p[language]): concept for concept, p in book.items() if language in p}

    def lookup(self, text: str, source: str, target: str) -> str | None:
        """The translation of ``text`` if it (or each of its sentences) is a known phrase."""
        if self.manager is None:
            return None
        index = self._index(source)
        targets = self.manager.phrasebook(target)
        concept = index.get(normalize(text))
        if concept is not None and target in targets.get(concept, {}):
            return str(targets[concept][target])
        sentences = split_sentences(text)
        if len(sentences) < 2:
            return None
        parts = []
        for sentence in sentences:
            concept = index.get(normalize(sentence))
            if concept is None or target not in targets.get(concept, {}):
                return None
            parts.append(targets[concept][target])
        joiner = "" if target in {"zh-Hans", "zh-Hant", "ja", "th"} else " "
        return joiner.join(parts)

    @hookimpl(trylast=True)
    def translate(self, text: str, source: str, target: str) -> dict[str, Any]:
        result = {"text": text, "source": source, "target": target, "translated": False, "engine": "none"}
        if source == target:
            return {**result, "translated": True, "engine": "identity"}
        found = self.lookup(text, source, target)
        if found is None:
            return result
        return {**result, "text": found, "translated": True, "engine": ENGINE}


def plugin() -> LocalTranslator:
    return LocalTranslator()
