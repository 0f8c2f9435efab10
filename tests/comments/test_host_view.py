"""The host's view: every market in the host's language, buying questions first, hot questions, FAQ."""

from __future__ import annotations

from crosslive.dev import stream as local_stream


def test_buying_questions_come_first_and_hot_questions_are_grouped(post, client, auth, live_room):
    room_id = live_room["room_id"]
    post(room_id, "so pretty!!", sub="fan-1")
    price = post(room_id, "Berapa harganya kak?", sub="buyer-1", language="id").json()
    size = post(room_id, "Welche Größe bei 1,80 m?", sub="buyer-2", market="DE", language="de").json()
    for i, text in enumerate(
        [
            "Is it suitable for sensitive skin?",
            "is this suitable for sensitive skin",
            "suitable for sensitive skin?",
        ]
    ):
        post(room_id, text, sub=f"skin-{i}", market="AE", language="en")
    post(room_id, "I love the colours", sub="fan-2")
    view = client.get(f"/v1/comments/rooms/{room_id}/host", headers=auth("merchant", sub="merchant-1"))
    assert view.status_code == 200, view.text
    body = view.json()
    assert body["host_language"] == "zh-Hans"
    items = body["items"]
    tagged = [i for i in items if i["tags"] and i["kind"] == "viewer"]
    untagged = [i for i in items if not i["tags"] or i["kind"] != "viewer"]
    assert items[: len(tagged)] == tagged and items[len(tagged) :] == untagged
    by_id = {i["comment_id"]: i for i in items}
    assert "price" in by_id[price["comment_id"]]["tags"]
    assert "size" in by_id[size["comment_id"]]["tags"]
    assert all(i["text"] for i in items)  # originals always shown beside any translation
    hot = body["hot_questions"]
    assert hot and hot[0]["authors"] == 3 and hot[0]["count"] == 3
    assert "material" in hot[0]["tags"]
    # a moderator may see it too, nobody else
    assert client.get(f"/v1/comments/rooms/{room_id}/host", headers=auth("moderator", sub="mod-2")).status_code == 200


def test_faq_questions_get_an_automatic_threaded_reply(post, client, live_room):
    from functions.shared.plugins import get_plugins

    room_id = live_room["room_id"]
    plugins = get_plugins()
    answers = plugins.faq_answers("ID", "id") or plugins.faq_answers("ID", "en")
    assert answers, "the built-in ID market ships FAQ templates"
    pattern = answers[0].patterns[0]
    question = post(
        room_id,
        f"kak, {pattern}?",
        sub="asker-1",
        language=("id" if plugins.faq_answers("ID", "id") else "en"),
    ).json()
    assert question["status"] == "published"
    local_stream.drain()
    listed = client.get(f"/v1/comments/rooms/{room_id}", params={"limit": 10, "market": "ID"}).json()["items"]
    replies = [c for c in listed if c["reply_to"] == question["comment_id"]]
    assert len(replies) == 1
    reply = replies[0]
    assert reply["kind"] == "auto-faq" and reply["author_sub"] == "crosslive-faq"
    assert reply["author_market"] == "ID"
    assert "{market_name}" not in reply["text"] and reply["text"]
    assert reply["links_allowed"] is False


def test_a_faq_reply_reaches_only_its_askers_market(post, client, auth, live_room):
    """An Indonesian shipping answer is no answer for a German viewer: readers of other markets (by
    their token's market or ?market=) and readers of no market do not get it; moderators do."""
    from functions.shared.plugins import get_plugins

    room_id = live_room["room_id"]
    answers = get_plugins().faq_answers("ID", "id")
    question = post(room_id, f"kak, {answers[0].patterns[0]}?", sub="asker-2", language="id").json()
    local_stream.drain()

    def replies(headers: dict[str, str] | None = None, market: str | None = None) -> list[dict[str, object]]:
        params: dict[str, object] = {"limit": 20, **({"market": market} if market else {})}
        items = client.get(f"/v1/comments/rooms/{room_id}", params=params, headers=headers or {}).json()["items"]
        return [c for c in items if c["reply_to"] == question["comment_id"]]

    assert len(replies(auth("viewer", sub="buyer-id", market="ID"))) == 1
    assert len(replies(market="ID")) == 1  # signed out, market picked on the page
    assert replies(auth("viewer", sub="buyer-de", market="DE")) == []
    assert replies(auth("viewer", sub="buyer-de", market="DE"), market="ID") == []  # the token's market wins
    assert replies() == []
    assert len(replies(auth("merchant", sub=live_room["merchant_sub"]))) == 1


def test_ordinary_chat_gets_no_auto_reply(post, client, live_room):
    room_id = live_room["room_id"]
    chat = post(room_id, "the host is so funny", sub="fan-9").json()
    listed = client.get(f"/v1/comments/rooms/{room_id}").json()["items"]
    assert [c for c in listed if c["reply_to"] == chat["comment_id"]] == []
