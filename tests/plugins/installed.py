"""Third-party plugins as installed packages, for tests of what a platform team does."""

from __future__ import annotations

from pathlib import Path

BRAZIL = """
import pluggy

hookimpl = pluggy.HookimplMarker("crosslive")


@hookimpl
def market_codes():
    return ["BR"]


@hookimpl
def market_profile(market):
    if market != "BR":
        return None
    return {"code": "BR", "name": "Brasil", "languages": ["pt-BR"], "locale": "pt_BR",
            "currency": "BRL", "time_zone": "America/Sao_Paulo"}
"""


def install_fake(site: Path, name: str, module: str, source: str) -> None:
    """Leave in ``site`` what pip leaves in site-packages for a one-module plugin package: the
    module and a dist-info whose entry point in group ``crosslive`` is ``name``."""
    (site / f"{module}.py").write_text(source, encoding="utf-8")
    info = site / f"{module}-0.1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[crosslive]\n{name} = {module}\n", encoding="utf-8")
