"""``crosslive plugins new NAME``: write an installable market plugin package from the template.

The template (``template/``, files ending ``.txt`` so no tool mistakes them for live code) uses
``string.Template`` placeholders (``${code}``, ``${currency}`` ...). Every value is checked
against CLDR and the IANA time-zone database first, so the package works unmodified: installed
with pip, it passes ``crosslive plugins check`` and its own tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from string import Template
from zoneinfo import available_timezones

from babel import Locale, UnknownLocaleError
from babel.numbers import list_currencies

TEMPLATE_DIR = Path(__file__).parent / "template"
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


class ScaffoldError(ValueError):
    """A value for the new package is invalid, or its folder already exists."""


@dataclass(frozen=True)
class MarketSpec:
    """The market a scaffolded plugin starts with (defaults: Kenya)."""

    code: str = "KE"
    name: str = "Kenya"
    currency: str = "KES"
    locale: str = "en_KE"
    languages: tuple[str, ...] = ("en", "sw")
    time_zone: str = "Africa/Nairobi"
    aws_region: str = "eu-central-1"

    def check(self) -> list[str]:
        problems = []
        if not re.fullmatch(r"[A-Z]{2}", self.code):
            problems.append(f"market code {self.code!r} must be two upper-case letters (ISO 3166-1)")
        if self.currency not in list_currencies():
            problems.append(f"currency {self.currency!r} is not an ISO 4217 code known to CLDR")
        for tag in (self.locale, *self.languages):
            try:
                Locale.parse(tag.replace("-", "_"))
            except (UnknownLocaleError, ValueError):
                problems.append(f"{tag!r} is not a CLDR locale or language")
        if not self.languages:
            problems.append("give at least one language")
        if self.time_zone not in available_timezones():
            problems.append(f"time zone {self.time_zone!r} is not in the IANA database")
        if not re.fullmatch(r"[a-z]{2}(-[a-z]+)+-\d", self.aws_region):
            problems.append(f"{self.aws_region!r} is not an AWS region name")
        if not self.name.strip() or '"' in self.name:
            problems.append("market name must be non-empty and contain no double quote")
        return problems


def module_name(dist: str) -> str:
    return dist.replace("-", "_")


def new_plugin(dist: str, directory: Path, market: MarketSpec | None = None) -> Path:
    """Write package ``dist`` into ``directory/dist`` and return that folder."""
    market = market or MarketSpec()
    if not NAME_PATTERN.match(dist):
        raise ScaffoldError(f"package name {dist!r} must be lower-case letters, digits and dashes")
    problems = market.check()
    if problems:
        raise ScaffoldError("; ".join(problems))
    target = directory / dist
    if target.exists():
        raise ScaffoldError(f"{target} already exists")
    direction = (
        "rtl"
        if Locale.parse(market.languages[0].replace("-", "_")).character_order == "right-to-left"
        else "ltr"
    )
    values = {
        "dist": dist,
        "module": module_name(dist),
        "code": market.code,
        "market_name": market.name,
        "currency": market.currency,
        "locale": market.locale,
        "language": market.languages[0],
        "languages_toml": "[" + ", ".join(f'"{lang}"' for lang in market.languages) + "]",
        "time_zone": market.time_zone,
        "direction": direction,
        "aws_region": market.aws_region,
    }
    for source in sorted(TEMPLATE_DIR.rglob("*.txt")):
        relative = source.relative_to(TEMPLATE_DIR).with_suffix("")  # drop .txt
        parts = [values["module"] if part == "module" else part for part in relative.parts]
        destination = target.joinpath(*parts)
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(
            Template(source.read_text(encoding="utf-8")).substitute(values), encoding="utf-8"
        )
    return target
