"""Request and response bodies of the coupons API (amounts are integer minor units)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from functions.coupons.money import MAX_AMOUNT_MINOR
from functions.rooms.access import ROOM_ID_PATTERN
from functions.shared.fields import MarketCode as Market
from functions.shared.fields import UnixTime as Timestamp
from functions.shared.fields import strict_int

# Money and quantities are JSON integers: "100" or 100.0 is refused, not coerced.
Minor = Annotated[int, strict_int(0, MAX_AMOUNT_MINOR, "integer amount in minor units")]
PositiveMinor = Annotated[int, strict_int(1, MAX_AMOUNT_MINOR, "integer amount in minor units")]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FixedDiscount(_Body):
    kind: Literal["fixed"]
    amount_minor: PositiveMinor


class PercentDiscount(_Body):
    kind: Literal["percent"]
    percent: Annotated[int, strict_int(1, 100)]
    max_discount_minor: PositiveMinor | None = None


class Flash(_Body):
    start: Timestamp
    end: Timestamp

    @model_validator(mode="after")
    def _ordered(self) -> Flash:
        if self.end <= self.start:
            raise ValueError("flash end must be after its start")
        return self


class Segment(_Body):
    kind: Literal["everyone", "new", "lapsed", "sharers", "winback"] = "everyone"
    days: Annotated[int, strict_int(1, 365)] | None = Field(
        default=None, description="new: first seen within N days; lapsed: unseen for N days"
    )
    show: str | None = Field(
        default=None,
        pattern=ROOM_ID_PATTERN,
        description="winback: the room of the show whose win-back segment may claim (one of the merchant's)",
    )

    @model_validator(mode="after")
    def _days(self) -> Segment:
        if self.kind == "lapsed" and self.days is None:
            raise ValueError("a lapsed segment needs days")
        if (self.kind == "winback") != (self.show is not None):
            raise ValueError("a winback segment needs show (a room id), and only a winback segment has one")
        return self


class CampaignCreate(_Body):
    title: str = Field(min_length=1, max_length=120)
    markets: list[Market] = Field(min_length=1, max_length=20)
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    discount: FixedDiscount | PercentDiscount = Field(discriminator="kind")
    min_spend_minor: Minor = 0
    prior_price_minor: PositiveMinor | None = Field(
        default=None, description="lowest price of the prior N days (required where the market says so)"
    )
    stock: Annotated[int, strict_int(1, 1_000_000)]
    per_user_limit: Annotated[int, strict_int(1, 20)] = 1
    stock_shards: Annotated[int, strict_int(1, 64)] | None = Field(
        default=None, description="1 = a single counter item"
    )
    valid_from: Timestamp
    valid_until: Timestamp
    flash: Flash | None = None
    segment: Segment = Field(default_factory=Segment)

    @model_validator(mode="after")
    def _window(self) -> CampaignCreate:
        if self.valid_until <= self.valid_from:
            raise ValueError("valid_until must be after valid_from")
        if self.flash and (self.flash.end > self.valid_until):
            raise ValueError("the flash sale must end before the coupon stops being valid")
        if len(set(self.markets)) != len(self.markets):
            raise ValueError("a market is listed twice")
        return self


class MarketTerms(BaseModel):
    """How the campaign reads in one market: localized prices and the disclosures the law asks for."""

    market: str
    locale: str
    language: str = Field(description="BCP 47 tag of the language every text here is in (the market's)")
    discount: str
    min_spend: str
    prior_price: str | None
    disclosures: list[str]


class Countdown(BaseModel):
    state: Literal["upcoming", "live", "ended"]
    server_time: float
    starts_in_seconds: float
    ends_in_seconds: float


class CampaignOut(BaseModel):
    campaign_id: str
    room_id: str
    title: str
    markets: list[str]
    currency: str
    discount: FixedDiscount | PercentDiscount
    min_spend_minor: int
    prior_price_minor: int | None
    stock: int
    remaining: int
    stock_shards: int
    per_user_limit: int
    valid_from: float
    valid_until: float
    flash: Flash | None
    segment: Segment
    countdown: Countdown
    terms: list[MarketTerms]


class ClaimOut(BaseModel):
    """A claimed coupon and exactly where and until when it works."""

    code: str
    code_id: str
    campaign_id: str
    room_id: str
    holder_sub: str
    market: str
    currency: str
    locale: str
    language: str = Field(description="BCP 47 tag of the language every text here is in (the market's)")
    discount: FixedDiscount | PercentDiscount
    discount_text: str
    min_spend_minor: int
    min_spend_text: str
    valid_from: float
    valid_until: float
    valid_until_text: str
    disclosures: list[str]
    works: str
    status: str


class RedeemIn(_Body):
    code: str = Field(min_length=1, max_length=128)
    holder_sub: str = Field(min_length=1, max_length=128, description="the customer checking out")
    order_id: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.:#-]+$")
    market: Market
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    order_total_minor: PositiveMinor


class RedemptionOut(BaseModel):
    redemption_id: str
    code_id: str
    campaign_id: str
    order_id: str
    status: str
    market: str
    currency: str
    order_total_minor: int
    discount_minor: int
    payable_minor: int
    discount_text: str
    payable_text: str


class ShareOut(BaseModel):
    share_id: str
    room_id: str
    url_path: str
    # On an open: whether this open made the sharer a sharer of the room (a link counts once, an
    # opener credits one sharer per room). Always false on a new link.
    counted: bool = False


class VisitOut(BaseModel):
    room_id: str
    first_seen: float
    last_seen: float
    gap_before_last: float
