"""What viewers see passes each market's advertising rules (issue 15): product titles and pinned
messages are refused (422 naming the rule) when the text itself is unlawful, or hidden from the
one market whose law restricts what they advertise, with the reason shown to the merchant."""

from __future__ import annotations

import pytest

from tests.room_helpers import room_key

OWNER = {"sub": "merchant-1"}  # the ``room`` fixture: home market CN, broadcasting to ID, DE and AE


@pytest.fixture
def owner(auth):
    return auth("merchant", **OWNER)


def _put(client, room, owner, sku, title, **extra):
    body = {"title": title, "prices": {"ID": 100000, "DE": 999, "AE": 4900}, **extra}
    return client.put(f"/v1/rooms/{room['room_id']}/products/{sku}", json=body, headers=owner)


def _cards(client, room, market):
    response = client.get(f"/v1/rooms/{room['room_id']}/products", params={"market": market})
    assert response.status_code == 200, response.text
    return {card["sku"] for card in response.json()}


def test_a_product_with_an_unlawful_claim_is_refused_naming_the_rule(client, room, owner):
    # WHEN the merchant lists a cream whose title makes a therapeutic claim (banned in AE and the EU)
    response = _put(client, room, owner, "cream", "Miracle cure cream, cures eczema")
    # THEN 422 names the rules and nothing is stored
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["code"] == "compliance-violation"
    assert "AE-health-claims" in problem["detail"]
    assert {"AE-health-claims", "EU-UCPD-I-17-cure"} <= {v["rule"] for v in problem["violations"]}
    assert "cream" not in {p["sku"] for p in client.get(f"/v1/rooms/{room['room_id']}/products").json()}


def test_the_home_markets_law_follows_the_merchant_to_every_market(client, room, owner):
    # GIVEN a merchant at home in CN broadcasting to ID, DE and AE (none of them has the rule)
    # WHEN the title claims "the best in the whole network" (Advertising Law of the PRC, art. 9(3))
    response = _put(client, room, owner, "scarf", "全网最好的真丝围巾")
    assert response.status_code == 422
    assert [v["rule"] for v in response.json()["violations"]] == ["CN-AD-9-3-absolute"]
    # a fact is no claim: "100%真丝" passes
    assert _put(client, room, owner, "scarf", "100%真丝围巾").status_code == 201


def test_a_product_restricted_in_one_market_is_hidden_there_only(client, room, owner):
    # WHEN the merchant lists a wine glass set declared as alcohol (may not be advertised in AE or ID)
    response = _put(client, room, owner, "wine", "Riesling gift set", category="alcohol")
    # THEN it is stored, and the merchant reads where it is hidden and why
    assert response.status_code == 201, response.text
    hidden = response.json()["hidden_in"]
    assert set(hidden) == {"AE", "ID"}
    assert "AE-restricted-alcohol" in hidden["AE"] and "ID-alcohol" in hidden["ID"]
    # AND viewers in DE see it, viewers in AE and ID do not
    assert "wine" in _cards(client, room, "DE")
    assert "wine" not in _cards(client, room, "AE") and "wine" not in _cards(client, room, "ID")
    # AND on screen: the highlight reaches DE's stage only
    stage_url = f"/v1/rooms/{room['room_id']}/stage"
    assert client.post(f"{stage_url}/highlights", json={"sku": "wine"}, headers=owner).status_code == 200
    de = client.get(stage_url, params={"market": "DE"}).json()
    ae = client.get(stage_url, params={"market": "AE"}).json()
    assert [c["sku"] for c in de["highlights"]] == ["wine"]
    assert ae["highlights"] == []


def test_a_pinned_message_goes_through_the_same_rules(client, room, owner, auth):
    url = f"/v1/rooms/{room['room_id']}/stage/pin"
    # an unlawful claim is not pinned, whoever pins it
    for who in (owner, auth("moderator", sub="mod-1")):
        refused = client.put(url, json={"text": "This balm cures eczema in 3 days"}, headers=who)
        assert refused.status_code == 422 and refused.json()["code"] == "compliance-violation"
    assert client.get(f"/v1/rooms/{room['room_id']}/stage").json()["pinned"] is None
    # a message about a product restricted in AE: pinned, hidden from AE with the reason for the merchant
    pinned = client.put(url, json={"text": "Whisky tasting at 8pm"}, headers=owner)
    assert pinned.status_code == 200, pinned.text
    assert "AE-restricted-alcohol" in pinned.json()["pinned"]["hidden_in"]["AE"]
    stage = f"/v1/rooms/{room['room_id']}/stage"
    assert client.get(stage, params={"market": "AE"}).json()["pinned"] is None
    assert client.get(stage, params={"market": "DE"}).json()["pinned"]["text"] == "Whisky tasting at 8pm"


def test_a_room_title_goes_through_every_markets_rules(client, auth, room, owner):
    # a new room whose title makes a claim its home market bans is not created
    body = {"title": "全网最低价直播", "markets": ["SG"], "home_market": "CN", "host_language": "zh-Hans"}
    created = client.post("/v1/rooms", json=body, headers={**auth("merchant", sub="merchant-9"), **room_key()})
    assert created.status_code == 422 and created.json()["violations"][0]["rule"] == "CN-AD-9-3-absolute"
    # renaming a room broadcasting to AE after a drink AE restricts is refused, naming AE's rule
    renamed = client.patch(f"/v1/rooms/{room['room_id']}", json={"title": "Whisky night live"}, headers=owner)
    assert renamed.status_code == 422
    assert {(v["rule"], v["market"]) for v in renamed.json()["violations"]} >= {("AE-restricted-alcohol", "AE")}
    assert client.get(f"/v1/rooms/{room['room_id']}").json()["title"] == room["title"]


def test_a_markets_own_text_is_screened_for_that_market(client, room, owner):
    # the merchant's own DE title makes a therapeutic claim the EU bans: refused, naming the EU rule
    claim = _put(client, room, owner, "balm", "Herbal balm", titles={"DE": "Kräuterbalsam, cures eczema"})
    assert claim.status_code == 422
    assert "EU-UCPD-I-17-cure" in {v["rule"] for v in claim.json()["violations"]}
    # an AE title naming a drink AE restricts hides the product from AE only; DE keeps its own title
    titled = _put(client, room, owner, "mug", "Ceramic mug", titles={"AE": "Beer mug", "DE": "Keramikbecher"})
    assert titled.status_code == 201, titled.text
    assert set(titled.json()["hidden_in"]) == {"AE"}
    assert "mug" not in _cards(client, room, "AE") and "mug" in _cards(client, room, "DE")
    # a pinned message whose own AE text names whisky: AE's viewers see no pin, ID's see theirs
    url = f"/v1/rooms/{room['room_id']}/stage/pin"
    pinned = client.put(url, json={"text": "Tasting at 8pm", "texts": {"AE": "Whisky tasting at 8pm"}}, headers=owner)
    assert pinned.status_code == 200, pinned.text
    stage = f"/v1/rooms/{room['room_id']}/stage"
    assert client.get(stage, params={"market": "AE"}).json()["pinned"] is None
    assert client.get(stage, params={"market": "ID"}).json()["pinned"]["text"] == "Tasting at 8pm"


def _card(client, room, market, sku):
    response = client.get(f"/v1/rooms/{room['room_id']}/products", params={"market": market})
    assert response.status_code == 200, response.text
    return next(card for card in response.json() if card["sku"] == sku)


def test_a_description_with_an_unlawful_claim_is_refused_naming_the_rule(client, room, owner):
    # WHEN a lawful title comes with a description that makes a therapeutic claim (banned in AE and the EU)
    response = _put(client, room, owner, "salve", "Herbal salve", description="Rub in twice a day: cures eczema")
    # THEN 422 names the rules, says it is the description, and nothing is stored
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["code"] == "compliance-violation" and "product description" in problem["detail"]
    assert {"AE-health-claims", "EU-UCPD-I-17-cure"} <= {v["rule"] for v in problem["violations"]}
    assert "salve" not in {p["sku"] for p in client.get(f"/v1/rooms/{room['room_id']}/products").json()}
    # the home market's law follows the description too: "the best in the whole network" (PRC art. 9(3))
    absolute = _put(client, room, owner, "scarf", "真丝围巾", description="全网最好的真丝")
    assert absolute.status_code == 422 and [v["rule"] for v in absolute.json()["violations"]] == ["CN-AD-9-3-absolute"]
    # a market's own description is screened for that market
    own = _put(
        client,
        room,
        owner,
        "salve",
        "Herbal salve",
        description="Herbal salve",
        descriptions={"DE": "heilt Ekzeme, cures eczema"},
    )
    assert own.status_code == 422 and "EU-UCPD-I-17-cure" in {v["rule"] for v in own.json()["violations"]}


def test_a_description_restricted_in_one_market_hides_the_product_there_with_the_reason(client, room, owner):
    # WHEN an innocent title's description names a drink AE's advertising law restricts
    response = _put(client, room, owner, "glass", "Crystal glasses", description="Perfect for whisky and wine")
    # THEN it is stored, the merchant reads where it is hidden and why, and AE's viewers never see it
    assert response.status_code == 201, response.text
    product = response.json()
    assert product["description"] == "Perfect for whisky and wine"
    assert "AE-restricted-alcohol" in product["hidden_in"]["AE"]
    assert "glass" not in _cards(client, room, "AE") and "glass" in _cards(client, room, "DE")
    # AND on screen: the highlight reaches DE's stage with the description, not AE's
    stage_url = f"/v1/rooms/{room['room_id']}/stage"
    assert client.post(f"{stage_url}/highlights", json={"sku": "glass"}, headers=owner).status_code == 200
    de = client.get(stage_url, params={"market": "DE"}).json()["highlights"]
    assert [(c["sku"], c["description"]) for c in de] == [("glass", "Perfect for whisky and wine")]
    assert client.get(stage_url, params={"market": "AE"}).json()["highlights"] == []


def test_viewers_read_their_markets_description(client, room, owner):
    body = {"description": "Hand-rolled edges, 90 x 90 cm", "descriptions": {"DE": "Handrollierte Kanten, 90 x 90 cm"}}
    assert _put(client, room, owner, "silk", "Silk scarf", **body).status_code == 201
    de = _card(client, room, "DE", "silk")
    assert (de["description"], de["description_source"]) == ("Handrollierte Kanten, 90 x 90 cm", "merchant")
    ae = _card(client, room, "AE", "silk")
    assert ae["description_source"] in {"translation", "original"} and ae["description"]
    # a product without one: the card says so
    assert _put(client, room, owner, "plain", "Plain scarf").status_code == 201
    assert _card(client, room, "DE", "plain")["description"] is None


def test_a_description_is_bounded_and_needs_its_default(client, room, owner):
    too_long = _put(client, room, owner, "long", "Long scarf", description="x" * 1001)
    assert too_long.status_code == 422 and too_long.json()["code"] == "validation-failed"
    orphan = _put(client, room, owner, "orphan", "Scarf", descriptions={"DE": "Schal"})
    assert orphan.status_code == 422 and orphan.json()["code"] == "validation-failed"
    elsewhere = _put(client, room, owner, "far", "Scarf", description="Silk", descriptions={"US": "Silk"})
    assert elsewhere.status_code == 422 and elsewhere.json()["code"] == "market-not-in-room"
