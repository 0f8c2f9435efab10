"""Request and response bodies of the rooms API."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from functions.shared.fields import LanguageTag, MarketCode, UnixTime

RoomStatus = Literal["scheduled", "live", "ended"]
RoomTitle = Annotated[str, Field(min_length=1, max_length=200)]
TITLES_DESCRIPTION = "the title in a market's language, written by the merchant (viewers there see it instead)"


class RoomCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200)
    markets: list[MarketCode] = Field(min_length=1, max_length=50, description="viewer markets the room broadcasts to")
    home_market: MarketCode = Field(description="the merchant's home market (its law binds)")
    host_language: LanguageTag = Field(description="language comments are translated into (BCP 47)")
    titles: dict[MarketCode, RoomTitle] | None = Field(default=None, max_length=50, description=TITLES_DESCRIPTION)
    scheduled_start: UnixTime | None = Field(default=None, description="UNIX time of the planned start")


class RoomUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, min_length=1, max_length=200)
    titles: dict[MarketCode, RoomTitle] | None = Field(default=None, max_length=50, description=TITLES_DESCRIPTION)
    markets: list[MarketCode] | None = Field(default=None, min_length=1, max_length=50)
    status: RoomStatus | None = None
    scheduled_start: UnixTime | None = None


class RoomOut(BaseModel):
    room_id: str
    merchant_sub: str
    title: str
    titles: dict[str, str] = Field(default_factory=dict, description=TITLES_DESCRIPTION)
    home_market: str
    host_language: str
    markets: list[str]
    status: RoomStatus
    scheduled_start: float | None
    created_at: float
    updated_at: float
    version: int = Field(
        description="grows by one with every change; the push socket's room signals carry it, so a page keeps "
        "the newer of a signal and a read"
    )
