"""Local translation for the embedded platform: the market phrasebooks, honestly labelled.

Translates whole commerce phrases found in the enabled plugins' phrasebooks; anything it cannot
translate comes back unchanged with ``translated: False`` so callers can show the original and
say so. Registered ``trylast``: the Amazon Translate plugin, when enabled, answers first.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import pluggy

hookimpl = pluggy.HookimplMarker("crosslive")


def _key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split()).strip(" ?!.。？！")


class LocalTranslator:
    """Phrasebook translator; needs the manager to read phrasebooks from every plugin."""

    def __init__(self) -> None:
        self.manager: Any = None

    def bind(self, manager: Any) -> None:
        """Called by the manager once every plugin is registered."""
        self.manager = manager

    @hookimpl(trylast=True)
    def translate(self, text: str, source: str, target: str) -> dict[str, Any]:
        result = {"text": text, "source": source, "target": target, "translated": False, "engine": "none"}
        if source == target:
            return {**result, "translated": True, "engine": "identity"}
        if self.manager is None:
            return result
        wanted = _key(text)
        for phrases in self.manager.phrasebook(source).values():
            if _key(phrases.get(source, "")) == wanted and target in phrases:
                return {**result, "text": phrases[target], "translated": True, "engine": "phrasebook"}
        return result


def plugin() -> LocalTranslator:
    return LocalTranslator()
