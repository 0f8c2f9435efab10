"""Products of a room and the live stage: highlighted product cards and the pinned message.

The merchant lists products with a price per viewer market; while live, the host puts up to
``MAX_HIGHLIGHTS`` of them on screen (as Bambuser's live shopping does) and pins a message. Titles,
descriptions and the pinned message are advertising: each market sees only what passes its rules and the
merchant's home market's (``functions.textrules.shown``; an unlawful claim is refused with 422, a
product or message the law restricts in one market is hidden there). Viewers read the stage for
their market: each card carries the price formatted for that market by the plugins (CLDR via Babel
by default) and the title translated into the market's language when a translator can, unless the
merchant wrote the title for that market (``titles``): a merchant's own text always wins over a
machine's and is not marked as translated (and is screened for that market like the default one).
The pinned message works the same way (``texts``). Viewers learn that the stage changed by push: the
``stage`` table's stream carries each new ``version`` to the fan-out, which sends a small ``stage``
signal over every viewer's WebSocket (``functions.rooms.signals``); the page then reads ``GET
.../stage`` once.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from types import ModuleType
from typing import Annotated, Any

from babel.numbers import get_currency_precision
from fastapi import APIRouter, Depends, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field, model_validator
from pynamodb.exceptions import PutError, UpdateError

from functions.rooms.access import ROOM_ID_PATTERN, get_room, require_moderator, require_owner
from functions.rooms.models import Room, plain_map
from functions.rooms.product_models import MAX_HIGHLIGHTS, Product, Stage
from functions.shared.auth import Principal, require_role
from functions.shared.errors import Conflict, Invalid, NotFound
from functions.shared.fields import strict_int
from functions.shared.plugins import get_plugins
from plugins.builtin.formatting import cash_digits

router = APIRouter(prefix="/v1/rooms", tags=["products"])
Merchant = Annotated[Principal, Depends(require_role("merchant"))]
Staff = Annotated[Principal, Depends(require_role("merchant", "moderator"))]
RoomId = Annotated[str, Path(pattern=ROOM_ID_PATTERN)]
SKU_PATTERN = r"^[A-Za-z0-9_.-]{1,64}$"
Sku = Annotated[str, Path(pattern=SKU_PATTERN)]
MarketQuery = Annotated[str | None, Query(pattern=r"^[A-Z]{2}$", description="viewer market to localize for")]
MAX_PRICE_MINOR = 10**12
PriceMarket = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
PriceMinor = Annotated[int, strict_int(0, MAX_PRICE_MINOR)]  # a JSON integer: "100" is refused
ProductTitle = Annotated[str, Field(min_length=1, max_length=120)]
MAX_DESCRIPTION = 1000  # characters: a card's few lines, not a product page
ProductDescription = Annotated[str, Field(min_length=1, max_length=MAX_DESCRIPTION)]
PinText = Annotated[str, Field(min_length=1, max_length=280)]


class ProductIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=1, max_length=120)
    titles: dict[PriceMarket, ProductTitle] | None = Field(
        default=None, max_length=50, description="the title in a market's language, written by the merchant"
    )
    description: ProductDescription | None = Field(
        default=None,
        description="shown on the viewer's product card; screened by every market's advertising rules like the title",
    )
    descriptions: dict[PriceMarket, ProductDescription] | None = Field(
        default=None, max_length=50, description="the description in a market's language, written by the merchant"
    )
    category: str | None = Field(default=None, min_length=1, max_length=40, pattern=r"^[a-z0-9_-]+$")
    image_url: str | None = Field(default=None, max_length=500, pattern=r"^https://[^\s\"'<>]+$")
    buy_url: str | None = Field(
        default=None,
        max_length=500,
        pattern=r"^https://[^\s\"'<>]+$",
        description="the merchant's product page or checkout; the viewer's coupon is appended",
    )
    prices: dict[PriceMarket, PriceMinor] = Field(
        min_length=1, max_length=50, description="viewer market -> price in that market's minor units"
    )

    @model_validator(mode="after")
    def _descriptions_need_a_description(self) -> ProductIn:
        if self.descriptions and not self.description:
            raise ValueError("descriptions (per market) need a description (the default shown to other markets)")
        return self


class ProductOut(BaseModel):
    sku: str
    title: str
    titles: dict[str, str] = Field(default_factory=dict)
    description: str | None = None
    descriptions: dict[str, str] = Field(default_factory=dict)
    hidden_in: dict[str, str] = Field(
        default_factory=dict,
        description="markets this product is not shown to, with the advertising rule (of its title or "
        "description) that restricts it there",
    )
    category: str | None
    image_url: str | None
    buy_url: str | None = None
    prices: dict[str, int]
    updated_at: float


class Card(BaseModel):
    """A product as one market sees it."""

    sku: str
    title: str
    title_original: str
    title_translated: bool
    title_source: str = Field(description="merchant (written for this market), translation, or original")
    description: str | None = Field(
        default=None, description="the merchant's description for this market, else the default one translated"
    )
    description_source: str | None = Field(
        default=None, description="merchant (written for this market), translation, or original; null without one"
    )
    category: str | None
    image_url: str | None
    buy_url: str | None = None
    market: str
    currency: str
    amount_minor: int | None = Field(description="null when the product is not sold in this market")
    price: str | None = Field(description="formatted for the market's locale")
    highlighted_at: float | None = None


class MarketCurrency(BaseModel):
    """How prices are entered and shown in one of the room's markets."""

    market: str
    currency: str
    locale: str
    minor_units: int = Field(description="digits after the decimal point (CLDR): 1.00 is 10**minor_units")
    cash_digits: int = Field(description="digits a whole amount is shown with (CLDR cash digits: IDR 0)")
    example: str = Field(description="one major unit, formatted for the market")


class HighlightIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sku: str = Field(pattern=SKU_PATTERN)


class PinIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text: str = Field(min_length=1, max_length=280)
    texts: dict[PriceMarket, PinText] | None = Field(
        default=None, max_length=50, description="the message in a market's language, written by the merchant"
    )


class Pinned(BaseModel):
    text: str = Field(description="for ?market=, the merchant's text for that market when there is one")
    texts: dict[str, str] = Field(default_factory=dict)
    at: float
    hidden_in: dict[str, str] = Field(
        default_factory=dict, description="markets the message is not shown to, with the rule (merchant's view)"
    )


class StageOut(BaseModel):
    room_id: str
    version: int
    market: str | None
    highlights: list[Card] | list[str]
    pinned: Pinned | None
    max_highlights: int = MAX_HIGHLIGHTS


def _prices(product: Product) -> dict[str, int]:
    raw: Any = plain_map(product.prices)
    return {str(k): int(v) for k, v in (raw or {}).items()}


def _skus(stage: Stage) -> list[str]:
    return [str(sku) for sku in (stage.highlights or [])]


def _since(stage: Stage) -> dict[str, float]:
    raw: Any = plain_map(stage.highlighted_at)
    return {str(k): float(v) for k, v in (raw or {}).items()}


def _set_highlights(skus: list[str]) -> Any:
    value: Any = skus
    return Stage.highlights.set(value)


def _compliance() -> ModuleType:
    """``functions.textrules.shown``, imported on first use: the normalizer's tables (~0.1 s) are
    paid by the first product or stage request, not by every cold start of the rooms function."""
    from functions.textrules import shown

    return shown


def _hidden_in(
    text: str,
    markets: Sequence[str],
    home_market: str | None,
    categories: Sequence[str] = (),
    texts: dict[str, str] | None = None,
) -> dict[str, str]:
    """``{market: reason}`` of the markets that must not see ``text`` (or the merchant's own
    ``texts[market]``) under their advertising rules."""
    return dict(_compliance().hidden_in(text, markets, home_market, texts=texts, categories=categories))


def _refuse_unlawful(
    text: str, room: Room, what: str, categories: list[str] | None = None, texts: dict[str, str] | None = None
) -> None:
    shown = _compliance()
    screening = shown.screen(text, _markets(room), room.home_market, texts=texts, categories=categories or [])
    shown.refuse(screening, what)


def _titles(product: Product) -> dict[str, str]:
    return {str(k): str(v) for k, v in plain_map(product.titles).items()}


def _descriptions(product: Product) -> dict[str, str]:
    return {str(k): str(v) for k, v in plain_map(product.descriptions).items()}


def _product_hidden_in(product: Product, room: Room, markets: Sequence[str]) -> dict[str, str]:
    """``{market: reason}`` where the product's title or its description may not be shown."""
    categories = _categories(product)
    hidden = _hidden_in(product.title, markets, room.home_market, categories=categories, texts=_titles(product))
    if product.description or product.descriptions:
        texts = _descriptions(product)
        for market, reason in _hidden_in(
            product.description or "", markets, room.home_market, categories=categories, texts=texts
        ).items():
            hidden[market] = (
                f"{hidden[market]} {reason}" if market in hidden and reason not in hidden[market] else reason
            )
    return dict(sorted(hidden.items()))


def _markets(room: Room) -> list[str]:
    return [str(m) for m in room.markets]


def _categories(product: Product) -> list[str]:
    return [product.category] if product.category else []


def _product_out(product: Product, room: Room) -> ProductOut:
    return ProductOut(
        sku=product.sku,
        title=product.title,
        titles=_titles(product),
        description=product.description,
        descriptions=_descriptions(product),
        hidden_in=_product_hidden_in(product, room, _markets(room)),
        category=product.category,
        image_url=product.image_url,
        buy_url=product.buy_url,
        prices=_prices(product),
        updated_at=product.updated_at,
    )


def _check_market(room: Room, market: str) -> None:
    if market not in room.markets:
        raise Invalid("market-not-in-room", f"room {room.room_id} does not broadcast to {market}")


def _card(room: Room, product: Product, market: str, highlighted_at: float | None = None) -> Card:
    plugins = get_plugins()
    profile = plugins.market_profile(market)
    amount = _prices(product).get(market)
    price = None if amount is None else plugins.format_price(amount, profile.currency, profile.locale)
    title, translated, source = _localized(product.title, _titles(product), room, market)
    description, description_source = None, None
    if product.description:
        description, _translated, description_source = _localized(
            product.description, _descriptions(product), room, market
        )
    return Card(
        sku=product.sku,
        title=title,
        title_original=product.title,
        title_translated=translated,
        title_source=source,
        description=description,
        description_source=description_source,
        category=product.category,
        image_url=product.image_url,
        buy_url=product.buy_url,
        market=market,
        currency=profile.currency,
        amount_minor=amount,
        price=price,
        highlighted_at=highlighted_at,
    )


def _localized(text: str, own: dict[str, str], room: Room, market: str) -> tuple[str, bool, str]:
    """(text, translated, source) a market's viewers read: the merchant's own text for that market,
    else ``text`` translated into the market's language when an engine can, else as written."""
    if own.get(market):
        return own[market], False, "merchant"
    plugins = get_plugins()
    translation = plugins.translate(text, room.host_language, plugins.market_profile(market).languages[0])
    translated = bool(translation and translation.translated and translation.engine != "identity")
    shown = translation.text if translation and translation.translated else text
    return shown, translated, "translation" if translated else "original"


def _stage(room_id: str) -> Stage:
    try:
        return Stage.get(room_id)
    except Stage.DoesNotExist:
        stage = Stage(room_id=room_id, highlights=[], highlighted_at={}, version=0, updated_at=time.time())
        try:
            stage.save(condition=Stage.room_id.does_not_exist())
        except PutError:  # another request created it first: read theirs
            return Stage.get(room_id)
        return stage


def _update_stage(stage: Stage, actions: list[Any]) -> None:
    """Apply ``actions`` and bump ``version``, only if nobody changed the stage since we read it."""
    try:  # optimistic: applies to the version we read, or not at all
        stage.update(
            actions=[*actions, Stage.version.add(1), Stage.updated_at.set(time.time())],
            condition=Stage.version == stage.version,
        )
    except UpdateError as exc:
        raise Conflict("stage-changed", "the stage changed meanwhile; read it again and retry") from exc


def _shown_to(room: Room, product: Product, market: str) -> bool:
    """Whether ``market``'s viewers may see the product (its advertising rules, screened now)."""
    return market not in _product_hidden_in(product, room, [market])


def _stage_out(room: Room, stage: Stage, market: str | None) -> StageOut:
    pinned = None
    if stage.pinned:
        texts = {str(k): str(v) for k, v in plain_map(stage.pinned_texts).items()}
        text = texts.get(market, stage.pinned) if market else stage.pinned
        pinned = Pinned(text=text, texts=texts, at=stage.pinned_at or 0)
    skus = _skus(stage)
    version = int(stage.version)
    if market is None:
        if pinned is not None:
            pinned.hidden_in = _hidden_in(pinned.text, _markets(room), room.home_market, texts=pinned.texts)
        return StageOut(room_id=room.room_id, version=version, market=None, highlights=skus, pinned=pinned)
    _check_market(room, market)
    if pinned is not None and _hidden_in(stage.pinned, [market], room.home_market, texts=pinned.texts):
        pinned = None  # the message breaks an advertising rule of this market: its viewers never see it
    products: dict[str, Product] = {}
    if skus:
        products = {str(p.sku): p for p in Product.batch_get([(room.room_id, sku) for sku in skus])}
    since = _since(stage)
    cards = [
        _card(room, products[sku], market, since.get(sku))
        for sku in skus
        if sku in products and _shown_to(room, products[sku], market)
    ]
    return StageOut(room_id=room.room_id, version=version, market=market, highlights=cards, pinned=pinned)


# -- products ------------------------------------------------------------------------------


@router.put(
    "/{room_id}/products/{sku}", response_model=ProductOut, summary="Add or replace a product (the room's merchant)"
)
def put_product(room_id: RoomId, sku: Sku, body: ProductIn, principal: Merchant, response: Response) -> ProductOut:
    room = get_room(room_id)
    require_owner(room, principal)
    for market in [*body.prices, *(body.titles or {}), *(body.descriptions or {})]:
        _check_market(room, market)
    categories = [body.category] if body.category else []
    _refuse_unlawful(body.title, room, "product title", categories, texts=dict(body.titles or {}))
    if body.description:
        _refuse_unlawful(body.description, room, "product description", categories, texts=dict(body.descriptions or {}))
    now = time.time()
    try:
        existing = Product.get(room_id, sku)
        created_at = existing.created_at
        response.status_code = 200
    except Product.DoesNotExist:
        created_at = now
        response.status_code = 201
    product = Product(
        room_id=room_id,
        sku=sku,
        title=body.title,
        titles=dict(body.titles or {}),
        description=body.description,
        descriptions=dict(body.descriptions or {}) or None,
        category=body.category,
        image_url=body.image_url,
        buy_url=body.buy_url,
        prices=dict(body.prices),
        created_at=created_at,
        updated_at=now,
    )
    product.save()
    return _product_out(product, room)


@router.get("/{room_id}/products", summary="A room's products; localized cards with ?market=")
def list_products(room_id: RoomId, market: MarketQuery = None) -> list[ProductOut] | list[Card]:
    room = get_room(room_id)
    products = list(Product.query(room_id))
    if market is None:
        return [_product_out(p, room) for p in products]
    _check_market(room, market)
    return [_card(room, p, market) for p in products if _shown_to(room, p, market)]


@router.get(
    "/{room_id}/currencies",
    response_model=list[MarketCurrency],
    summary="Currency, minor units and locale of each of the room's markets (public)",
)
def room_currencies(room_id: RoomId) -> list[MarketCurrency]:
    room = get_room(room_id)
    plugins = get_plugins()
    out = []
    for code in room.markets:
        market = str(code)
        profile = plugins.market_profile(market)
        digits = int(get_currency_precision(profile.currency))
        example = plugins.format_price(10**digits, profile.currency, profile.locale)
        out.append(
            MarketCurrency(
                market=market,
                currency=profile.currency,
                locale=profile.locale,
                minor_units=digits,
                cash_digits=min(digits, cash_digits(profile.currency)),
                example=example,
            )
        )
    return out


@router.delete("/{room_id}/products/{sku}", status_code=204, summary="Remove a product (and its highlight)")
def delete_product(room_id: RoomId, sku: Sku, principal: Merchant) -> Response:
    room = get_room(room_id)
    require_owner(room, principal)
    try:
        Product.get(room_id, sku).delete()
    except Product.DoesNotExist as exc:
        raise NotFound("product-not-found", f"no product {sku!r} in room {room_id}") from exc
    stage = _stage(room_id)
    if sku in _skus(stage):
        _update_stage(stage, [_set_highlights([s for s in _skus(stage) if s != sku])])
    return Response(status_code=204)


# -- stage: highlights and pinned message ---------------------------------------------------


@router.get("/{room_id}/stage", response_model=StageOut, summary="What is on screen now (public)")
def read_stage(room_id: RoomId, market: MarketQuery = None) -> StageOut:
    room = get_room(room_id)
    return _stage_out(room, _stage(room_id), market)


@router.post("/{room_id}/stage/highlights", response_model=StageOut, summary="Put a product on screen (max 3)")
def add_highlight(room_id: RoomId, body: HighlightIn, principal: Merchant) -> StageOut:
    room = get_room(room_id)
    require_owner(room, principal)
    try:
        Product.get(room_id, body.sku)
    except Product.DoesNotExist as exc:
        raise NotFound("product-not-found", f"no product {body.sku!r} in room {room_id}") from exc
    stage = _stage(room_id)
    current = _skus(stage)
    if body.sku not in current:  # idempotent: highlighting twice changes nothing
        if len(current) >= MAX_HIGHLIGHTS:
            raise Conflict(
                "too-many-highlights", f"at most {MAX_HIGHLIGHTS} products on screen; take one down first"
            )
        since = {k: v for k, v in _since(stage).items() if k in current}
        _update_stage(
            stage, [_set_highlights([*current, body.sku]), Stage.highlighted_at.set({**since, body.sku: time.time()})]
        )
        stage.refresh()
    return _stage_out(room, stage, None)


@router.delete("/{room_id}/stage/highlights/{sku}", response_model=StageOut, summary="Take a product off screen")
def remove_highlight(room_id: RoomId, sku: Sku, principal: Merchant) -> StageOut:
    room = get_room(room_id)
    require_owner(room, principal)
    stage = _stage(room_id)
    if sku in _skus(stage):
        _update_stage(stage, [_set_highlights([s for s in _skus(stage) if s != sku])])
        stage.refresh()
    return _stage_out(room, stage, None)


@router.put("/{room_id}/stage/pin", response_model=StageOut, summary="Pin a message (merchant or moderator)")
def pin_message(room_id: RoomId, body: PinIn, principal: Staff) -> StageOut:
    room = get_room(room_id)
    require_moderator(room, principal)
    for market in body.texts or {}:
        _check_market(room, market)
    _refuse_unlawful(body.text, room, "pinned message", texts=dict(body.texts or {}))
    stage = _stage(room_id)
    texts = Stage.pinned_texts.set(dict(body.texts)) if body.texts else Stage.pinned_texts.remove()
    _update_stage(stage, [Stage.pinned.set(body.text), texts, Stage.pinned_at.set(time.time())])
    stage.refresh()
    return _stage_out(room, stage, None)


@router.delete("/{room_id}/stage/pin", response_model=StageOut, summary="Unpin the message")
def unpin_message(room_id: RoomId, principal: Staff) -> StageOut:
    room = get_room(room_id)
    require_moderator(room, principal)
    stage = _stage(room_id)
    if stage.pinned:
        _update_stage(stage, [Stage.pinned.remove(), Stage.pinned_texts.remove(), Stage.pinned_at.remove()])
        stage.refresh()
    return _stage_out(room, stage, None)
