"""Localization API: market profiles, translation, FAQ answers, prices, rates and local time.

Everything market-specific comes from the region's plugins (``get_plugins()``), reached through
the ``Plugins`` dependency so a test or an embedding can swap the manager. Every display string
is a ``DisplayText`` carrying its language and direction (Arabic markets read right to left).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from babel.numbers import format_decimal
from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from functions.localization.display import DisplayText, UnknownLanguageError, check_language, cldr_locale
from functions.localization.local_time import QuietStatus, aware, quiet_status
from functions.localization.rates import (
    MissingRateError,
    RatesError,
    StaleRatesError,
    UnknownCurrencyError,
    check_currency,
    current_rates,
    minor_digits,
    parse_rates,
    store_rates,
)
from functions.localization.translation import TranslatedText, translate_one
from functions.shared.app import create_app, lambda_handler
from functions.shared.auth import Authenticated, Principal, require_role
from functions.shared.errors import ApiError, Conflict, Forbidden, problem
from functions.shared.fields import moment as stored_moment
from functions.shared.plugins import get_plugins
from plugins.manager import CrossliveManager, UnknownMarketError
from plugins.types import FaqAnswer, MarketProfile, TextTooLongError, TranslationUnavailableError


def plugins_dependency() -> CrossliveManager:
    """The region's plugin manager (overridable: ``app.dependency_overrides``)."""
    return get_plugins()


Plugins = Annotated[CrossliveManager, Depends(plugins_dependency)]
Admin = Annotated[Principal, Depends(require_role("admin"))]
MarketCode = Annotated[str, Path(pattern=r"^[A-Za-z]{2}$")]
LanguageTag = Annotated[str, Field(min_length=2, max_length=35, pattern=r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$")]
MAX_TEXTS = 50
MAX_SCHEDULE_MARKETS = 20

router = APIRouter(prefix="/v1/localization", tags=["localization"])


# -- shapes -------------------------------------------------------------------------------------


class MarketView(MarketProfile):
    """A market profile plus its name ready for display (direction included)."""

    display_name: DisplayText


class FaqView(BaseModel):
    id: str
    tags: list[str]
    patterns: list[str]
    answer: DisplayText
    language: str
    translated_from: str | None = None
    engine: str = "template"


class TranslateRequest(BaseModel):
    texts: list[str] = Field(min_length=1, max_length=MAX_TEXTS)
    target: LanguageTag
    source: LanguageTag | None = None
    market: str | None = Field(default=None, pattern=r"^[A-Za-z]{2}$", description="narrows detection")
    kind: Literal["comment", "product", "faq"] = "comment"


class TranslateResponse(BaseModel):
    kind: str
    items: list[TranslatedText]


class DetectRequest(BaseModel):
    text: str = Field(min_length=1, max_length=2000)
    candidates: list[LanguageTag] = Field(default_factory=list, max_length=30)
    market: str | None = Field(default=None, pattern=r"^[A-Za-z]{2}$")


class DetectResponse(BaseModel):
    language: str | None
    confidence: float
    detector: str
    display_dir: Literal["ltr", "rtl"] | None = None


class PriceView(BaseModel):
    amount_minor: int
    currency: str
    minor_digits: int
    locale: str
    display: DisplayText


class ConversionView(BaseModel):
    source: PriceView
    converted: PriceView
    rate: str
    rounding: str
    rates_base: str
    rates_updated_at: float
    rates_updated_at_iso: str
    rates_source: str


class RatesUpdate(BaseModel):
    base: str = Field(min_length=3, max_length=3)
    rates: dict[str, Any] = Field(min_length=1)
    source: str = Field(min_length=1, max_length=300)
    version: int = Field(ge=0, description="the version this update replaces (from GET /rates)")


class ScheduledStart(BaseModel):
    market: str
    time_zone: str
    local_start: str
    display: DisplayText
    quiet: bool
    next_allowed: str


class ScheduleView(BaseModel):
    start: str
    markets: list[ScheduledStart]


# -- helpers ------------------------------------------------------------------------------------


def profile_of(plugins: CrossliveManager, code: str) -> MarketProfile:
    return plugins.market_profile(code.upper())


def region_languages(plugins: CrossliveManager) -> list[str]:
    """Every language of the region's markets: the default candidates of detection."""
    return sorted({lang for code in plugins.market_codes() for lang in plugins.market_profile(code).languages})


def bcp47(locale: str) -> str:
    return locale.replace("_", "-")


def market_view(profile: MarketProfile) -> MarketView:
    return MarketView(**profile.model_dump(), display_name=DisplayText.of(profile.name, profile.languages[0]))


def price_view(plugins: CrossliveManager, amount_minor: int, currency: str, locale: str) -> PriceView:
    check_currency(currency)
    cldr_locale(locale)
    text = plugins.format_price(amount_minor, currency, locale)
    return PriceView(
        amount_minor=amount_minor,
        currency=currency,
        minor_digits=minor_digits(currency),
        locale=locale,
        display=DisplayText.of(text, bcp47(locale)),
    )


def _locale_for(plugins: CrossliveManager, market: str | None, locale: str | None) -> str:
    if locale:
        cldr_locale(locale)
        return locale
    if market:
        return profile_of(plugins, market).locale
    raise ApiError(422, "locale-required", "give a market or a locale")


# -- markets ------------------------------------------------------------------------------------


@router.get("/markets", response_model=list[MarketView], summary="Every market this region knows")
def list_markets(plugins: Plugins) -> list[MarketView]:
    return [market_view(plugins.market_profile(code)) for code in plugins.market_codes()]


@router.get("/markets/{code}", response_model=MarketView, summary="One market's profile")
def read_market(code: MarketCode, plugins: Plugins) -> MarketView:
    return market_view(profile_of(plugins, code))


def _lawful(plugins: CrossliveManager, profile: MarketProfile, answers: list[FaqAnswer]) -> list[FaqAnswer]:
    """The answers the market's advertising rules allow (``functions.textrules.shown``, imported
    here on use: an FAQ answer shown to viewers is advertising too, a plugin's as a merchant's)."""
    from functions.textrules.shown import hidden_in

    return [a for a in answers if not hidden_in(a.filled(profile), [profile.code], None, plugins=plugins)]


@router.get("/markets/{code}/faq", response_model=list[FaqView], summary="FAQ answers of a market in a language")
def market_faq(
    code: MarketCode, plugins: Plugins, language: Annotated[str | None, Query(max_length=35)] = None
) -> list[FaqView]:
    """Answers in ``language`` (default: the market's first). A language the market has no
    templates for gets the first language's answers translated, labelled with the engine."""
    profile = profile_of(plugins, code)
    wanted = check_language(language) if language else profile.languages[0]
    answers = _lawful(plugins, profile, plugins.faq_answers(profile.code, wanted))
    if answers:
        return [
            FaqView(
                id=a.id,
                tags=a.tags,
                patterns=a.patterns,
                language=wanted,
                answer=DisplayText.of(a.filled(profile), wanted),
            )
            for a in answers
        ]
    base = profile.languages[0]
    views = []
    for a in _lawful(plugins, profile, plugins.faq_answers(profile.code, base)):
        result = translate_one(plugins, a.filled(profile), wanted, source=base)
        views.append(
            FaqView(
                id=a.id,
                tags=a.tags,
                patterns=a.patterns,
                language=result.display.lang,
                answer=result.display,
                translated_from=base if result.translated else None,
                engine=result.engine,
            )
        )
    return views


@router.get("/markets/{code}/quiet-hours", response_model=QuietStatus, summary="Is it quiet now in a market")
def market_quiet_hours(code: MarketCode, plugins: Plugins, at: datetime | None = None) -> QuietStatus:
    return quiet_status(profile_of(plugins, code), at or datetime.now(UTC))


# -- translation --------------------------------------------------------------------------------


@router.post("/translate", response_model=TranslateResponse, summary="Translate comments, product text or FAQ answers")
def translate(body: TranslateRequest, principal: Authenticated, plugins: Plugins) -> TranslateResponse:
    if body.kind == "product" and not principal.has("merchant"):
        raise Forbidden("forbidden", "translating product text requires role merchant")
    candidates = profile_of(plugins, body.market).languages if body.market else region_languages(plugins)
    # a comment is its author's personal data: translated every time, never kept in the regional cache
    cache = body.kind != "comment"
    items = [translate_one(plugins, text, body.target, body.source, candidates, cache=cache) for text in body.texts]
    return TranslateResponse(kind=body.kind, items=items)


@router.post("/detect", response_model=DetectResponse, summary="Guess the language of a text")
def detect(body: DetectRequest, _principal: Authenticated, plugins: Plugins) -> DetectResponse:
    candidates = [check_language(c) for c in body.candidates]
    if body.market:
        candidates += profile_of(plugins, body.market).languages
    candidates = candidates or region_languages(plugins)
    guess = plugins.detect_language(body.text, candidates)
    if guess is None:
        return DetectResponse(language=None, confidence=0.0, detector="none")
    return DetectResponse(
        language=guess.language,
        confidence=guess.confidence,
        detector=guess.detector,
        display_dir=DisplayText.of("", guess.language).dir,
    )


# -- prices, rates ------------------------------------------------------------------------------


@router.get("/format/price", response_model=PriceView, summary="A price in minor units, formatted per CLDR")
def format_price(
    plugins: Plugins,
    amount_minor: Annotated[int, Query(ge=-(10**15), le=10**15)],
    currency: Annotated[str | None, Query(max_length=3)] = None,
    market: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2}$")] = None,
    locale: Annotated[str | None, Query(max_length=35)] = None,
) -> PriceView:
    currency = currency or (profile_of(plugins, market).currency if market else None)
    if currency is None:
        raise ApiError(422, "currency-required", "give a currency or a market")
    return price_view(plugins, amount_minor, currency, _locale_for(plugins, market, locale))


@router.get("/format/number", summary="A decimal number formatted per CLDR")
def format_number(
    plugins: Plugins,
    value: Annotated[Decimal, Query(ge=-(10**15), le=10**15, max_digits=30, decimal_places=10)],
    market: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2}$")] = None,
    locale: Annotated[str | None, Query(max_length=35)] = None,
) -> dict[str, Any]:
    where = _locale_for(plugins, market, locale)
    text = format_decimal(value, locale=cldr_locale(where))
    return {"value": str(value), "locale": where, "display": DisplayText.of(text, bcp47(where)).model_dump()}


@router.get("/convert", response_model=ConversionView, summary="Convert a price with the operators' rates")
def convert(
    plugins: Plugins,
    amount_minor: Annotated[int, Query(ge=0, le=10**15)],
    from_currency: Annotated[str, Query(alias="from", max_length=3)],
    to_currency: Annotated[str | None, Query(alias="to", max_length=3)] = None,
    market: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2}$")] = None,
    locale: Annotated[str | None, Query(max_length=35)] = None,
) -> ConversionView:
    """Into ``to`` (default: the market's currency), rounded by the market's coupon policy."""
    check_currency(from_currency)
    target = to_currency or (profile_of(plugins, market).currency if market else None)
    if target is None:
        raise ApiError(422, "currency-required", "give a target currency (to) or a market")
    check_currency(target)
    where = _locale_for(plugins, market, locale)
    rounding = plugins.coupon_policy(market.upper()).rounding if market else "half_even"
    table = current_rates()
    converted = table.convert(amount_minor, from_currency, target, rounding)
    public = table.public()
    return ConversionView(
        source=price_view(plugins, amount_minor, from_currency, where),
        converted=price_view(plugins, converted, target, where),
        rate=str(table.rate(from_currency, target)),
        rounding=rounding,
        rates_base=table.base,
        rates_updated_at=table.updated_at,
        rates_updated_at_iso=public["updated_at_iso"],
        rates_source=table.source,
    )


@router.get("/rates", summary="The exchange-rate table and when it was last updated")
def read_rates() -> dict[str, Any]:
    return current_rates().public()


@router.put("/rates", summary="Replace the exchange-rate table (admin)")
def put_rates(body: RatesUpdate, principal: Admin) -> dict[str, Any]:
    table = parse_rates({"base": body.base, "rates": body.rates, "source": body.source}, updated_at=0)
    current = current_rates()
    if body.version != current.version:
        raise Conflict("stale-rates", f"the table is at version {current.version}, not {body.version}")
    try:
        stored = store_rates(table, expected_version=body.version, updated_by=principal.sub)
    except StaleRatesError as exc:
        raise Conflict("stale-rates", str(exc)) from exc
    return stored.public()


# -- time ---------------------------------------------------------------------------------------


@router.get("/format/datetime", summary="A moment in a market's local time, formatted per CLDR")
def format_datetime(
    plugins: Plugins, at: datetime, market: Annotated[str, Query(pattern=r"^[A-Za-z]{2}$")]
) -> dict[str, Any]:
    profile = profile_of(plugins, market)
    moment = aware(at)
    text = plugins.format_datetime(moment.timestamp(), profile.time_zone, profile.locale)
    return {
        "at": moment.isoformat(),
        "time_zone": profile.time_zone,
        "display": DisplayText.of(text, bcp47(profile.locale)).model_dump(),
    }


@router.get("/schedule", response_model=ScheduleView, summary="A broadcast's start in each market's local time")
def schedule(
    plugins: Plugins,
    start: datetime,
    markets: Annotated[
        str, Query(min_length=2, max_length=3 * MAX_SCHEDULE_MARKETS, pattern=r"^[A-Za-z]{2}(,[A-Za-z]{2})*$")
    ],
) -> ScheduleView:
    return _schedule(plugins, aware(start), markets.upper().split(","))


def _schedule(plugins: CrossliveManager, moment: datetime, codes: list[str]) -> ScheduleView:
    views = []
    for code in dict.fromkeys(codes):
        profile = profile_of(plugins, code)
        status = quiet_status(profile, moment)
        text = plugins.format_datetime(moment.timestamp(), profile.time_zone, profile.locale)
        views.append(
            ScheduledStart(
                market=profile.code,
                time_zone=profile.time_zone,
                local_start=status.local_time,
                display=DisplayText.of(text, bcp47(profile.locale)),
                quiet=status.quiet,
                next_allowed=status.next_allowed,
            )
        )
    return ScheduleView(start=moment.isoformat(), markets=views)


class RoomSchedule(ScheduleView):
    room_id: str
    home: ScheduledStart


@router.get(
    "/rooms/{room_id}/schedule", response_model=RoomSchedule, summary="A room's planned start in its markets' time"
)
def room_schedule(
    room_id: Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")], plugins: Plugins
) -> RoomSchedule:
    """The room's ``scheduled_start`` in each market it broadcasts to and in the merchant's home
    market, each flagged when it falls in that market's quiet hours."""
    from functions.rooms.access import get_room  # the rooms table; every function may read it

    room = get_room(room_id)
    if room.scheduled_start is None:
        raise Conflict("not-scheduled", f"room {room_id!r} has no scheduled start")
    moment = stored_moment(room.scheduled_start)
    if moment is None:  # stored before times were bounded: unreadable, so treated as unscheduled
        raise Conflict("not-scheduled", f"room {room_id!r} has no valid scheduled start")
    view = _schedule(plugins, moment, [str(m) for m in room.markets])
    return RoomSchedule(
        room_id=room_id, home=_schedule(plugins, moment, [room.home_market]).markets[0], **view.model_dump()
    )


class PolicyView(BaseModel):
    market: str
    coupon_policy: dict[str, Any]
    disclosures: list[DisplayText]
    moderation_policy: dict[str, Any]
    data_residency: dict[str, Any]


@router.get("/markets/{code}/policies", response_model=PolicyView, summary="A market's coupon and data rules")
def market_policies(code: MarketCode, plugins: Plugins) -> PolicyView:
    """Coupon law (with its required disclosures ready for display), comment limits, residency."""
    profile = profile_of(plugins, code)
    policy = plugins.coupon_policy(profile.code)
    disclosures = []
    for text in policy.disclosures:
        guess = plugins.detect_language(text, profile.languages)
        disclosures.append(DisplayText.of(text, guess.language if guess else profile.languages[0]))
    return PolicyView(
        market=profile.code,
        coupon_policy=policy.model_dump(exclude={"disclosures"}),
        disclosures=disclosures,
        moderation_policy=plugins.moderation_policy(profile.code).model_dump(),
        data_residency=plugins.data_residency(profile.code).model_dump(),
    )


# -- app ----------------------------------------------------------------------------------------

app = create_app("localization", "Market profiles, translation, CLDR formatting and local time")
app.include_router(router)

_ERRORS: dict[type[Exception], tuple[int, str]] = {
    UnknownMarketError: (404, "unknown-market"),
    UnknownLanguageError: (422, "unknown-language"),
    UnknownCurrencyError: (422, "unknown-currency"),
    MissingRateError: (422, "no-rate"),
    RatesError: (422, "malformed-rates"),
    TextTooLongError: (422, "text-too-long"),
    TranslationUnavailableError: (503, "translation-unavailable"),
}


def _handler(status: int, code: str):  # type: ignore[no-untyped-def]
    async def handle(request: Request, exc: Exception) -> JSONResponse:
        return problem(status, code, str(exc), instance=request.url.path)

    return handle


for _exc, (_status, _code) in _ERRORS.items():
    app.add_exception_handler(_exc, _handler(_status, _code))

handler = lambda_handler(app, "localization")
