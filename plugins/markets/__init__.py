"""Built-in market plugins: one data folder per market, one generic plugin class.

Each ``plugins/markets/<code>/`` folder holds the market's data files (see ``data_plugin.py``);
no market is special-cased in code. A third-party market plugin can look entirely different: it
only has to answer the hooks in ``plugins/hookspecs.py``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from plugins.markets.data_plugin import DataMarketPlugin

MARKETS_DIR = Path(__file__).parent


@cache
def available_markets() -> tuple[str, ...]:
    """Codes of the built-in markets, from the folders that hold a ``market.toml``."""
    return tuple(sorted(p.parent.name.upper() for p in MARKETS_DIR.glob("*/market.toml")))


def market_plugin(code: str) -> DataMarketPlugin:
    """The built-in plugin object for one market code."""
    return DataMarketPlugin(MARKETS_DIR / code.lower())


__all__ = ["MARKETS_DIR", "DataMarketPlugin", "available_markets", "market_plugin"]
