"""Exchange rates that operators maintain, and conversion between currencies in minor units.

Rates live in the ``exchange-rates`` table (``models.ExchangeRates``); until an operator stores
some, the seed file ``data/rates_seed.toml`` answers, labelled as such. No rate is written in code.
Every answer carries the table's timestamp and source so a viewer sees how fresh a converted
price is. Currencies must exist in CLDR (Babel); amounts are integers in each currency's minor
units (CLDR digits: JPY 0, VND 0, USD 2, BHD 3).
"""

from __future__ import annotations

import time
import tomllib
from datetime import datetime
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from babel.numbers import get_currency_precision, list_currencies
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from functions.localization.models import RATES_ID, ExchangeRates

SEED_FILE = Path(__file__).parent / "data" / "rates_seed.toml"
MAX_RATES = 300
ROUNDING = {"half_even": ROUND_HALF_EVEN, "half_up": ROUND_HALF_UP, "down": ROUND_DOWN}


class RatesError(ValueError):
    """A rates file or payload is malformed (the message says where)."""


class UnknownCurrencyError(ValueError):
    def __init__(self, code: str) -> None:
        super().__init__(f"unknown currency {code!r} (not an ISO 4217 code in CLDR)")
        self.code = code


class MissingRateError(LookupError):
    def __init__(self, code: str) -> None:
        super().__init__(f"the rates table has no rate for {code!r}")
        self.code = code


@cache
def cldr_currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def check_currency(code: str) -> str:
    """``code`` if it is a currency CLDR knows, else ``UnknownCurrencyError``."""
    if not isinstance(code, str) or code not in cldr_currencies():
        raise UnknownCurrencyError(str(code))
    return code


def minor_digits(currency: str) -> int:
    return int(get_currency_precision(check_currency(currency)))


class RatesTable(BaseModel):
    """Validated rates: ``rates[c]`` units of ``c`` per 1 ``base``; the base's own rate is 1."""

    model_config = ConfigDict(extra="forbid")

    base: str
    rates: dict[str, Decimal] = Field(min_length=1, max_length=MAX_RATES)
    source: str = Field(min_length=1, max_length=300)
    updated_at: float = Field(ge=0)
    updated_by: str = "seed"
    version: int = Field(default=0, ge=0)

    @field_validator("base")
    @classmethod
    def _base(cls, value: str) -> str:
        return check_currency(value)

    @field_validator("rates", mode="before")
    @classmethod
    def _decimal_rates(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            raise ValueError("rates must be a table of currency = rate")
        out = {}
        for code, rate in value.items():
            check_currency(code)
            if isinstance(rate, bool) or not isinstance(rate, str | int | float | Decimal):
                raise ValueError(f"rate of {code} must be a decimal number, got {rate!r}")
            try:
                number = Decimal(str(rate))
            except InvalidOperation as exc:
                raise ValueError(f"rate of {code} is not a number: {rate!r}") from exc
            if not number.is_finite() or number <= 0:
                raise ValueError(f"rate of {code} must be a positive finite number, got {rate!r}")
            out[code] = number
        return out

    @model_validator(mode="after")
    def _base_is_one(self) -> RatesTable:
        own = self.rates.setdefault(self.base, Decimal(1))
        if own != 1:
            raise ValueError(f"the base currency {self.base} must have rate 1, got {own}")
        return self

    def rate(self, source: str, target: str) -> Decimal:
        """Units of ``target`` per 1 unit of ``source``."""
        for code in (source, target):
            check_currency(code)
            if code not in self.rates:
                raise MissingRateError(code)
        return self.rates[target] / self.rates[source]

    def convert(self, amount_minor: int, source: str, target: str, rounding: str = "half_even") -> int:
        """``amount_minor`` of ``source`` in minor units of ``target``, rounded as asked."""
        major = Decimal(amount_minor).scaleb(-minor_digits(source))
        converted = (major * self.rate(source, target)).scaleb(minor_digits(target))
        return int(converted.quantize(Decimal(1), rounding=ROUNDING[rounding]))

    def public(self) -> dict[str, Any]:
        return {
            "base": self.base,
            "rates": {code: str(rate) for code, rate in sorted(self.rates.items())},
            "source": self.source,
            "updated_at": self.updated_at,
            "updated_at_iso": datetime.fromtimestamp(self.updated_at).astimezone().isoformat(),
            "updated_by": self.updated_by,
            "version": self.version,
        }


def _problem(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "rates"
    message = str(first["msg"]).removeprefix("Value error, ")
    return f"{where}: {message}"


def parse_rates(raw: Any, **defaults: Any) -> RatesTable:
    """Validate a rates mapping (a parsed file or an API payload); ``RatesError`` if malformed."""
    if not isinstance(raw, dict):
        raise RatesError("rates must be a table with base, rates and source")
    try:
        return RatesTable.model_validate({**defaults, **raw})
    except ValidationError as exc:
        raise RatesError(_problem(exc)) from exc
    except UnknownCurrencyError as exc:
        raise RatesError(str(exc)) from exc


def load_rates_file(path: Path) -> RatesTable:
    """Read and validate a rates TOML file (``base``, ``as_of``, ``source``, ``[rates]``)."""
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise RatesError(f"{path.name}: not valid TOML: {exc}") from exc
    as_of = data.pop("as_of", None)
    if not isinstance(as_of, datetime | str):
        raise RatesError(f"{path.name}: as_of must be an ISO 8601 timestamp")
    try:
        moment = as_of if isinstance(as_of, datetime) else datetime.fromisoformat(as_of)
    except ValueError as exc:
        raise RatesError(f"{path.name}: as_of {as_of!r} is not an ISO 8601 timestamp") from exc
    if moment.tzinfo is None:
        raise RatesError(f"{path.name}: as_of must carry a time zone (e.g. ...Z)")
    try:
        return parse_rates(data, updated_at=moment.timestamp(), updated_by="seed")
    except RatesError as exc:
        raise RatesError(f"{path.name}: {exc}") from exc


def current_rates() -> RatesTable:
    """The operators' table, or the seed file when none has been stored yet."""
    try:
        item = ExchangeRates.get(RATES_ID)
    except ExchangeRates.DoesNotExist:
        return load_rates_file(SEED_FILE)
    return parse_rates(
        {
            "base": item.base,
            "rates": dict(item.rates.as_dict() if hasattr(item.rates, "as_dict") else item.rates),
            "source": item.source,
        },
        updated_at=float(item.updated_at),
        updated_by=item.updated_by,
        version=int(item.version),
    )


class StaleRatesError(Exception):
    """The update was based on an older version of the table (stale or replayed)."""


def store_rates(table: RatesTable, *, expected_version: int, updated_by: str) -> RatesTable:
    """Replace the table if its version is still ``expected_version``; returns what was stored."""
    from pynamodb.exceptions import PutError

    stored = table.model_copy(
        update={"updated_at": time.time(), "updated_by": updated_by, "version": expected_version + 1}
    )
    item = ExchangeRates(
        RATES_ID,
        base=stored.base,
        rates={k: str(v) for k, v in stored.rates.items()},
        source=stored.source,
        updated_at=stored.updated_at,
        updated_by=updated_by,
        version=stored.version,
    )
    condition = (
        ExchangeRates.id.does_not_exist()
        if expected_version == 0
        else ExchangeRates.version == expected_version
    )
    try:
        item.save(condition=condition)
    except PutError as exc:
        if getattr(exc, "cause_response_code", "") == "ConditionalCheckFailedException":
            raise StaleRatesError(f"the rates table is no longer at version {expected_version}") from exc
        raise
    return stored
