"""Bad input is a clear 4xx, and what is stored never breaks a later read; the documents say so."""

from __future__ import annotations

import pytest

from functions.rooms.models import Room
from functions.shared.errors import PROBLEM_JSON
from tests.room_helpers import room_key

ROOM = {"title": "Bounds", "markets": ["ID"], "home_market": "CN", "host_language": "en"}


def _room(client, auth, sub="bounds-merchant", **overrides):
    response = client.post("/v1/rooms", json={**ROOM, **overrides}, headers={**auth("merchant", sub=sub), **room_key()})
    return response


@pytest.mark.parametrize("value", [1e20, -1, 4_102_444_801, "1795303025", True])
def test_scheduled_start_outside_what_readers_can_represent_is_422(client, auth, value):
    created = _room(client, auth)
    assert created.status_code == 201
    room_id = created.json()["room_id"]
    response = client.patch(
        f"/v1/rooms/{room_id}", json={"scheduled_start": value}, headers=auth("merchant", sub="bounds-merchant")
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    assert _room(client, auth, scheduled_start=value).status_code == 422


def test_a_stored_out_of_range_time_does_not_break_the_schedule_read(client, auth):
    # GIVEN a room whose scheduled_start was stored before the bound existed
    room_id = _room(client, auth).json()["room_id"]
    stored = Room.get(room_id)
    stored.scheduled_start = 1e20
    stored.save()
    # WHEN anyone reads its schedule and the room
    schedule = client.get(f"/v1/localization/rooms/{room_id}/schedule")
    room = client.get(f"/v1/rooms/{room_id}")
    # THEN both answer (the unreadable time reads as "not scheduled"), no 500
    assert schedule.status_code == 409, schedule.text
    assert schedule.json()["code"] == "not-scheduled"
    assert room.status_code == 200


@pytest.mark.parametrize("language", ["!!", "e", "en_US!", "x" * 40, "12"])
def test_host_language_must_be_a_language_tag(client, auth, language):
    response = _room(client, auth, host_language=language)
    assert response.status_code == 422, response.text


@pytest.mark.parametrize("markets", [[""], ["id"], ["IDN"], ["I1"]])
def test_room_markets_must_be_market_codes(client, auth, markets):
    assert _room(client, auth, markets=markets).status_code == 422


def test_prices_sent_as_strings_are_refused(client, auth):
    room_id = _room(client, auth).json()["room_id"]
    headers = auth("merchant", sub="bounds-merchant")
    product = {"title": "Scarf", "prices": {"ID": "100"}}
    assert client.put(f"/v1/rooms/{room_id}/products/scarf-1", json=product, headers=headers).status_code == 422
    product["prices"] = {"ID": 100.5}
    assert client.put(f"/v1/rooms/{room_id}/products/scarf-1", json=product, headers=headers).status_code == 422
    product["prices"] = {"ID": 100}
    assert client.put(f"/v1/rooms/{room_id}/products/scarf-1", json=product, headers=headers).status_code == 201


@pytest.mark.parametrize(
    "field",
    [
        {"stock": "5"},
        {"stock": 5.0},
        {"per_user_limit": "1"},
        {"min_spend_minor": "5000"},
        {"discount": {"kind": "fixed", "amount_minor": "100"}},
        {"discount": {"kind": "percent", "percent": "20"}},
        {"valid_until": "2026-12-31"},
    ],
)
def test_money_and_quantities_in_a_campaign_are_strict(client, auth, field):
    from tests.coupons.coupon_helpers import campaign_body

    room_id = _room(client, auth).json()["room_id"]
    response = client.post(
        f"/v1/coupons/rooms/{room_id}/campaigns",
        json=campaign_body(**field),
        headers=auth("merchant", sub="bounds-merchant"),
    )
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "validation-failed"


def test_an_order_total_sent_as_a_string_is_refused(client, auth):
    response = client.post(
        "/v1/coupons/redemptions",
        json={
            "code": "CPN1.x.y",
            "holder_sub": "v",
            "order_id": "o-1",
            "market": "ID",
            "currency": "IDR",
            "order_total_minor": "5999",
        },
        headers=auth("merchant"),
    )
    assert response.status_code == 422
    assert "order_total_minor" in response.json()["detail"]


def test_the_documents_name_the_bearer_scheme_problems_and_required_headers(client):
    for function in ("comments", "coupons"):
        doc = client.get(f"/v1/{function}/openapi.json").json()
        assert doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
        assert "HTTPValidationError" not in doc["components"]["schemas"]
        for path, operations in doc["paths"].items():
            for method, operation in operations.items():
                for status, response in operation["responses"].items():
                    if status.startswith(("4", "5")):
                        assert list(response["content"]) == [PROBLEM_JSON], (method, path, status)
    claim = client.get("/v1/coupons/openapi.json").json()["paths"][
        "/v1/coupons/rooms/{room_id}/campaigns/{campaign_id}/claims"
    ]["post"]
    key = next(p for p in claim["parameters"] if p["name"] == "Idempotency-Key")
    assert key["required"] is True
    assert claim["security"] == [{"bearer": []}]
    assert {"401", "403", "409", "422", "503"} <= set(claim["responses"])
    listing = client.get("/v1/comments/openapi.json").json()["paths"]["/v1/comments/rooms/{room_id}"]["get"]
    assert listing["security"] == [{"bearer": []}, {}]  # a token is optional there


def test_a_method_the_path_does_not_serve_is_405_with_every_method_it_does(client):
    for method, path, allowed in [
        ("OPTIONS", "/v1/rooms", "GET, POST"),
        ("DELETE", "/v1/rooms/abcdef", "GET, PATCH"),
        ("OPTIONS", "/v1/rooms/health", "GET"),
    ]:
        response = client.request(method, path)
        assert response.status_code == 405
        assert response.headers["allow"] == allowed, (method, path)
        assert response.headers["content-type"] == PROBLEM_JSON
