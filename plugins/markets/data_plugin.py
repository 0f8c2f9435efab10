"""A market plugin whose answers come from data files in one folder.

Files (all optional except ``market.toml``):

* ``market.toml`` — ``[profile]`` (the ``market_profile`` shape), ``[moderation_policy]``,
  ``[coupon_policy]``, ``[coupon_texts."<language>"]`` (the market's coupon disclosures, and any
  coupon sentence its law words differently, in each of its languages), ``[data_residency]``,
  ``[routing]`` and ``[lexicon]`` (source and licence of ``lexicon.csv``).
* ``lexicon.csv`` — ``term,language,category,severity,action,source,license,reading`` rows for comment
  moderation (``reading``: pinyin or kana, optional).
* ``compliance.toml`` — ``[[rules]]`` in the ``compliance_rules`` shape (``market`` defaulted).
* ``faq.toml`` — ``[[faq]]`` entries with a ``language`` key, in the ``faq_answers`` shape.
* ``phrasebook.toml`` — ``[concept] lang = "phrase"`` tables for the local translator.

Every hook implementation is ``trylast`` so that an installed plugin answering the same market
overrides the built-in data.
"""

from __future__ import annotations

import csv
import tomllib
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from plugins import hookimpl


@lru_cache(maxsize=256)
def _read_toml(path: Path, mtime_ns: int) -> dict[str, Any]:
    """Parsed TOML, cached per file version: managers are rebuilt often (tests, tools), and the
    hooks of every plugin instance re-read their files. Callers must not mutate the result."""
    with path.open("rb") as fh:
        return tomllib.load(fh)


@lru_cache(maxsize=64)
def _read_lexicon(path: Path, mtime_ns: int, meta_items: tuple[tuple[str, Any], ...]) -> list[dict[str, Any]]:
    """Rows of a ``lexicon.csv`` as lexicon entries, cached per file version."""
    meta = dict(meta_items)
    entries = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(line for line in fh if not line.startswith("#")):
            entries.append(
                {
                    "term": row["term"],
                    "language": row["language"],
                    "category": row["category"],
                    "severity": int(row["severity"]),
                    "action": row.get("action") or None,
                    "source": row.get("source") or meta.get("source", "unknown"),
                    "license": row.get("license") or meta.get("license", "unknown"),
                    "reading": row.get("reading") or None,
                }
            )
    return entries


class DataMarketPlugin:
    """Answers the market hooks for the one market described by ``directory``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        if not (directory / "market.toml").is_file():
            raise FileNotFoundError(f"{directory} has no market.toml")

    def __repr__(self) -> str:
        return f"DataMarketPlugin({self.code})"

    # -- data -------------------------------------------------------------------------------

    def _toml(self, name: str) -> dict[str, Any]:
        path = self.directory / name
        if not path.is_file():
            return {}
        return _read_toml(path, path.stat().st_mtime_ns)

    @cached_property
    def _market(self) -> dict[str, Any]:
        return self._toml("market.toml")

    @cached_property
    def code(self) -> str:
        return str(self._market["profile"]["code"]).upper()

    def _mine(self, market: str) -> bool:
        return market.upper() == self.code

    @cached_property
    def _lexicon(self) -> list[dict[str, Any]]:
        path = self.directory / "lexicon.csv"
        if not path.is_file():
            return []
        meta = tuple(sorted(self._market.get("lexicon", {}).items()))
        return _read_lexicon(path, path.stat().st_mtime_ns, meta)

    # -- hooks ------------------------------------------------------------------------------

    @hookimpl(trylast=True)
    def market_codes(self) -> list[str]:
        return [self.code]

    @hookimpl(trylast=True)
    def market_profile(self, market: str) -> dict[str, Any] | None:
        return dict(self._market["profile"]) if self._mine(market) else None

    @hookimpl(trylast=True)
    def moderation_lexicon(self, market: str) -> list[dict[str, Any]]:
        return list(self._lexicon) if self._mine(market) else []

    @hookimpl(trylast=True)
    def moderation_policy(self, market: str) -> dict[str, Any] | None:
        return self._market.get("moderation_policy") if self._mine(market) else None

    @hookimpl(trylast=True)
    def compliance_rules(self, market: str) -> list[dict[str, Any]]:
        if not self._mine(market):
            return []
        return [{"market": self.code, **rule} for rule in self._toml("compliance.toml").get("rules", [])]

    @hookimpl(trylast=True)
    def faq_answers(self, market: str, language: str) -> list[dict[str, Any]]:
        if not self._mine(market):
            return []
        return [
            {k: v for k, v in entry.items() if k != "language"}
            for entry in self._toml("faq.toml").get("faq", [])
            if entry.get("language") == language
        ]

    @hookimpl(trylast=True)
    def phrasebook(self, language: str) -> dict[str, dict[str, str]]:
        book = self._toml("phrasebook.toml")
        return {concept: phrases for concept, phrases in book.items() if language in phrases}

    @hookimpl(trylast=True)
    def coupon_policy(self, market: str) -> dict[str, Any] | None:
        return self._market.get("coupon_policy") if self._mine(market) else None

    @hookimpl(trylast=True)
    def coupon_texts(self, market: str, language: str) -> dict[str, Any] | None:
        """This market's coupon texts in ``language`` (``[coupon_texts."<language>"]``), or None."""
        if not self._mine(market):
            return None
        texts = self._market.get("coupon_texts", {}).get(language)
        return dict(texts) if texts else None

    @hookimpl(trylast=True)
    def data_residency(self, market: str) -> dict[str, Any] | None:
        return self._market.get("data_residency") if self._mine(market) else None

    @hookimpl(trylast=True)
    def routing_preference(self, market: str) -> dict[str, Any] | None:
        return self._market.get("routing") if self._mine(market) else None
