"""Localization API: market profiles (from the plugins), translation and formatting."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from functions.shared.app import create_app, lambda_handler
from functions.shared.errors import ApiError
from functions.shared.plugins import get_plugins
from plugins.manager import UnknownMarketError
from plugins.types import MarketProfile

router = APIRouter(prefix="/v1/localization", tags=["markets"])
MarketCode = Annotated[str, Path(pattern=r"^[A-Za-z]{2}$")]


@router.get("/markets", response_model=list[MarketProfile], summary="Every market this region knows")
def list_markets() -> list[MarketProfile]:
    plugins = get_plugins()
    return [plugins.market_profile(code) for code in plugins.market_codes()]


@router.get("/markets/{code}", response_model=MarketProfile, summary="One market's profile")
def read_market(code: MarketCode) -> MarketProfile:
    try:
        return get_plugins().market_profile(code.upper())
    except UnknownMarketError as exc:
        raise ApiError(404, "unknown-market", f"no enabled plugin provides market {code.upper()!r}") from exc


app = create_app("localization", "Market profiles, translation, CLDR formatting and local time")
app.include_router(router)
handler = lambda_handler(app, "localization")
