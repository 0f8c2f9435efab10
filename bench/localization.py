"""``crosslive bench localization``: what translation, detection and formatting cost per call.

Figures (median of repeated runs, this process):

* building a region's plugin manager with all 13 built-in markets (validation included), against
  a manager of one market as the baseline;
* phrasebook translation (hit and miss) and a read of the DynamoDB translation cache (hit and miss,
  moto on loopback as in the embedded platform), against the phrasebook lookup as the baseline:
  why only remote engines' translations are cached;
* language detection with lingua (first call, which loads the models, and steady state), against
  the Unicode-script detector;
* CLDR price formatting (Babel) and a currency conversion with the rates table.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import click


def _median_us(fn: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1e6)
    return statistics.median(samples)


@click.command("localization")
@click.option("--repeat", default=200, show_default=True, help="calls per measured operation")
def command(repeat: int) -> None:
    """Per-call cost of translation, detection, caching and formatting."""
    from crosslive.dev.platform import EmbeddedPlatform
    from plugins.builtin.language_detection import detect_by_script, detect_language
    from plugins.manager import build_plugin_manager, builtin_market_plugins

    rows: list[tuple[str, float, str]] = []
    one = _median_us(lambda: build_plugin_manager(["market-id"], include_entry_points=False), 5)
    every = _median_us(lambda: build_plugin_manager(include_entry_points=False), 5)
    rows += [
        ("plugin manager, 1 market (baseline)", one, ""),
        ("plugin manager, 13 markets", every, f"{every / one:.1f}x"),
    ]

    pm = build_plugin_manager(include_entry_points=False)
    hit = _median_us(lambda: pm.translate("Apakah stoknya ada?", "id", "zh-Hans"), repeat)
    miss = _median_us(lambda: pm.translate("Kak, yang ungu masih ada?", "id", "zh-Hans"), repeat)
    rows += [
        ("phrasebook translate, known phrase (baseline)", hit, ""),
        ("phrasebook translate, unknown text", miss, f"{miss / hit:.1f}x"),
    ]

    platform = EmbeddedPlatform(port=0, plugins=tuple(sorted(builtin_market_plugins())))
    platform.configure()
    try:
        from functions.localization.translation import _cached, _remember

        _remember("bench-key", "x", "en", "de", "amazon-translate")
        cache_hit = _median_us(lambda: _cached("bench-key"), max(20, repeat // 10))
        cache_miss = _median_us(lambda: _cached("bench-absent"), max(20, repeat // 10))
        from functions.localization.rates import current_rates

        table = current_rates()
        convert = _median_us(lambda: table.convert(1999, "USD", "IDR", "half_up"), repeat)
    finally:
        platform.stop()
    rows += [
        ("translation cache read, miss (DynamoDB via moto)", cache_miss, f"{cache_miss / hit:.0f}x"),
        ("translation cache read, hit (DynamoDB via moto)", cache_hit, f"{cache_hit / hit:.0f}x"),
        ("convert USD->IDR with the rates table", convert, ""),
    ]

    text = "Wie lange dauert der Versand nach Deutschland?"
    script = _median_us(lambda: detect_by_script("これはいくらですか？"), repeat)
    started = time.perf_counter()
    detect_language(text, [])
    first = (time.perf_counter() - started) * 1e6
    steady = _median_us(lambda: detect_language(text, []), repeat)
    rows += [
        ("detect: unicode-script (baseline)", script, ""),
        ("detect: lingua first call (loads 18 models)", first, f"{first / script:.0f}x"),
        ("detect: lingua steady state", steady, f"{steady / script:.0f}x"),
    ]

    price = _median_us(lambda: pm.format_price(1500000, "IDR", "id_ID"), repeat)
    rows.append(("format_price IDR id_ID (Babel)", price, ""))

    click.echo(f"{'operation':58} {'median':>12} {'vs baseline':>12}")
    for name, micros, ratio in rows:
        shown = f"{micros / 1000:.1f} ms" if micros >= 1000 else f"{micros:.1f} µs"
        click.echo(f"{name:58} {shown:>12} {ratio:>12}")
