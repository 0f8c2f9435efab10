"""Products of a room and the live stage (highlights, pinned message): functions/rooms/products.py."""

from __future__ import annotations

import pytest

OWNER = {"sub": "merchant-1"}


@pytest.fixture
def owner(auth):
    return auth("merchant", **OWNER)


@pytest.fixture
def stocked(client, room, owner):
    """The room with three scarves priced in ID, DE and AE, and a fourth product."""
    for sku, prices in {
        "scarf-red": {"ID": 15000000, "DE": 2999, "AE": 12900},
        "scarf-blue": {"ID": 17500000, "DE": 3499},
        "scarf-gold": {"ID": 25000000, "DE": 4999, "AE": 19900},
        "scarf-silk": {"ID": 30000000, "DE": 5999, "AE": 24900},
    }.items():
        response = client.put(f"/v1/rooms/{room['room_id']}/products/{sku}",
                              json={"title": f"Scarf {sku}", "prices": prices}, headers=owner)
        assert response.status_code == 201, response.text
    return room


def test_products_are_listed_with_prices_localized_per_market(client, stocked):
    rid = stocked["room_id"]
    raw = {p["sku"]: p for p in client.get(f"/v1/rooms/{rid}/products").json()}
    assert raw["scarf-red"]["prices"] == {"ID": 15000000, "DE": 2999, "AE": 12900}
    de = {p["sku"]: p for p in client.get(f"/v1/rooms/{rid}/products", params={"market": "DE"}).json()}
    assert de["scarf-red"]["currency"] == "EUR"
    assert de["scarf-red"]["price"] == "29,99\xa0€"
    idr = {p["sku"]: p for p in client.get(f"/v1/rooms/{rid}/products", params={"market": "ID"}).json()}
    assert idr["scarf-red"]["price"].startswith("Rp")
    assert "150.000" in idr["scarf-red"]["price"]
    ae = {p["sku"]: p for p in client.get(f"/v1/rooms/{rid}/products", params={"market": "AE"}).json()}
    assert ae["scarf-blue"]["price"] is None  # not sold in AE
    assert ae["scarf-red"]["currency"] == "AED"


def test_replacing_a_product_keeps_one_item(client, stocked, owner):
    rid = stocked["room_id"]
    again = client.put(f"/v1/rooms/{rid}/products/scarf-red",
                       json={"title": "Red scarf", "prices": {"ID": 1}}, headers=owner)
    assert again.status_code == 200
    listed = [p for p in client.get(f"/v1/rooms/{rid}/products").json() if p["sku"] == "scarf-red"]
    assert len(listed) == 1 and listed[0]["title"] == "Red scarf"


@pytest.mark.parametrize("body, code", [
    ({"title": "x", "prices": {"XX": 1}}, "market-not-in-room"),
    ({"title": "x", "prices": {"US": 1}}, "market-not-in-room"),
    ({"title": "x", "prices": {"ID": -1}}, "validation-failed"),
    ({"title": "", "prices": {"ID": 1}}, "validation-failed"),
    ({"title": "   ", "prices": {"ID": 1}}, "validation-failed"),
    ({"title": "x", "prices": {}}, "validation-failed"),
    ({"title": "x", "prices": {"ID": 1}, "image_url": "javascript:alert(1)"}, "validation-failed"),
    ({"title": "x", "prices": {"ID": 1}, "buy_url": "http://shop.example/x"}, "validation-failed"),
    ({"title": "x", "prices": {"ID": 1}, "buy_url": "https://shop.example/\"><script>"}, "validation-failed"),
    ({"title": "x", "prices": {"ID": 1}, "extra": True}, "validation-failed"),
    ({"title": "x" * 121, "prices": {"ID": 1}}, "validation-failed"),
])
def test_bad_products_are_refused_and_nothing_is_stored(client, room, owner, body, code):
    response = client.put(f"/v1/rooms/{room['room_id']}/products/bad", json=body, headers=owner)
    assert response.status_code == 422, response.text
    assert response.json()["code"] == code
    assert client.get(f"/v1/rooms/{room['room_id']}/products").json() == []


def test_only_the_owner_lists_products(client, room, auth):
    body = {"title": "x", "prices": {"ID": 1}}
    url = f"/v1/rooms/{room['room_id']}/products/x"
    assert client.put(url, json=body).status_code == 401
    assert client.put(url, json=body, headers=auth("viewer", sub="v1")).status_code == 403
    assert client.put(url, json=body, headers=auth("merchant", sub="someone-else")).status_code == 403
    forged = auth("merchant", **OWNER)["Authorization"][:-4] + "AAAA"
    assert client.put(url, json=body, headers={"Authorization": forged}).status_code == 401
    assert client.put(f"/v1/rooms/{room['room_id']}/products/bad%20sku", json=body,
                      headers=auth("merchant", **OWNER)).status_code == 422
    assert client.get(f"/v1/rooms/{room['room_id']}/products").json() == []


def test_at_most_three_highlights_in_order_and_idempotent(client, stocked, owner):
    rid = stocked["room_id"]
    url = f"/v1/rooms/{rid}/stage/highlights"
    for sku in ("scarf-red", "scarf-blue", "scarf-gold", "scarf-red"):
        assert client.post(url, json={"sku": sku}, headers=owner).status_code == 200
    full = client.post(url, json={"sku": "scarf-silk"}, headers=owner)
    assert full.status_code == 409 and full.json()["code"] == "too-many-highlights"
    stage = client.get(f"/v1/rooms/{rid}/stage").json()
    assert stage["highlights"] == ["scarf-red", "scarf-blue", "scarf-gold"]
    down = client.delete(f"{url}/scarf-blue", headers=owner)
    assert down.json()["highlights"] == ["scarf-red", "scarf-gold"]
    assert client.post(url, json={"sku": "scarf-silk"}, headers=owner).json()["highlights"] == [
        "scarf-red", "scarf-gold", "scarf-silk"]
    assert client.get(f"/v1/rooms/{rid}/stage").json()["version"] > stage["version"]


def test_stage_for_a_market_has_localized_cards(client, stocked, owner):
    rid = stocked["room_id"]
    client.post(f"/v1/rooms/{rid}/stage/highlights", json={"sku": "scarf-gold"}, headers=owner)
    stage = client.get(f"/v1/rooms/{rid}/stage", params={"market": "AE"}).json()
    (card,) = stage["highlights"]
    assert card["sku"] == "scarf-gold" and card["currency"] == "AED" and card["amount_minor"] == 19900
    assert "199" in card["price"] and card["highlighted_at"] > 0
    elsewhere = client.get(f"/v1/rooms/{rid}/stage", params={"market": "US"})
    assert elsewhere.json()["code"] == "market-not-in-room"
    assert client.get(f"/v1/rooms/{rid}/stage", params={"market": "de"}).status_code == 422


def test_highlighting_needs_the_owner_and_a_known_product(client, stocked, owner, auth):
    rid = stocked["room_id"]
    url = f"/v1/rooms/{rid}/stage/highlights"
    assert client.post(url, json={"sku": "nope"}, headers=owner).json()["code"] == "product-not-found"
    other = auth("merchant", sub="other")
    assert client.post(url, json={"sku": "scarf-red"}, headers=other).status_code == 403
    assert client.post(url, json={"sku": "scarf-red"}, headers=auth("viewer")).status_code == 403
    assert client.post(url, json={"sku": "<b>"}, headers=owner).status_code == 422
    assert client.get(f"/v1/rooms/{rid}/stage").json()["highlights"] == []


def test_deleting_a_product_takes_it_off_screen(client, stocked, owner):
    rid = stocked["room_id"]
    client.post(f"/v1/rooms/{rid}/stage/highlights", json={"sku": "scarf-red"}, headers=owner)
    assert client.delete(f"/v1/rooms/{rid}/products/scarf-red", headers=owner).status_code == 204
    assert client.get(f"/v1/rooms/{rid}/stage").json()["highlights"] == []
    assert client.delete(f"/v1/rooms/{rid}/products/scarf-red", headers=owner).status_code == 404


def test_pin_and_unpin_by_merchant_or_moderator_only(client, room, owner, auth):
    rid = room["room_id"]
    url = f"/v1/rooms/{rid}/stage/pin"
    assert client.put(url, json={"text": "Free shipping today"}, headers=auth("viewer")).status_code == 403
    assert client.put(url, json={"text": "  "}, headers=owner).status_code == 422
    assert client.put(url, json={"text": "x" * 281}, headers=owner).status_code == 422
    assert client.get(f"/v1/rooms/{rid}/stage").json()["pinned"] is None
    pinned = client.put(url, json={"text": "Free shipping today"}, headers=owner).json()["pinned"]
    assert pinned["text"] == "Free shipping today"
    by_mod = client.put(url, json={"text": "Be kind"}, headers=auth("moderator", sub="mod-1"))
    assert by_mod.status_code == 200 and by_mod.json()["pinned"]["text"] == "Be kind"
    assert client.delete(url, headers=owner).json()["pinned"] is None


def test_stale_stage_write_is_refused(client, stocked, owner):
    # GIVEN a stage read by one console tab, WHEN another tab changes it first,
    # THEN the first tab's write on the old version is refused instead of lost.
    from functions.rooms.product_models import Stage
    from functions.rooms.products import _update_stage
    from functions.shared.errors import Conflict

    rid = stocked["room_id"]
    client.get(f"/v1/rooms/{rid}/stage")
    stale = Stage.get(rid)
    client.post(f"/v1/rooms/{rid}/stage/highlights", json={"sku": "scarf-red"}, headers=owner)
    with pytest.raises(Conflict) as refused:
        _update_stage(stale, [Stage.pinned.set("late")])
    assert refused.value.status == 409
    assert Stage.get(rid).pinned is None


def test_room_currencies_give_minor_units_per_market(client, room):
    found = {c["market"]: c for c in client.get(f"/v1/rooms/{room['room_id']}/currencies").json()}
    assert set(found) == {"ID", "DE", "AE"}
    assert found["DE"]["currency"] == "EUR" and found["DE"]["minor_units"] == 2
    assert found["DE"]["example"] == "1,00\xa0€"
    assert found["AE"]["currency"] == "AED"
    assert client.get("/v1/rooms/nope-nope/currencies").status_code == 404
