"""Posting, listing, threading, pinning and deleting comments through the gateway."""

from __future__ import annotations

from functions.comments.models import Comment


def test_post_is_stored_before_it_is_acknowledged(post, live_room):
    # WHEN a viewer posts
    response = post(live_room["room_id"], "Is the blue one silk?")
    # THEN the answer is 201 and DynamoDB already has exactly what was answered
    assert response.status_code == 201, response.text
    body = response.json()
    stored = Comment.get(live_room["room_id"], body["comment_id"], consistent_read=True)
    assert stored.text == body["text"] == "Is the blue one silk?"
    assert stored.status == body["status"] == "published"
    assert stored.kind == body["kind"] == "viewer"
    assert stored.author_market == "ID"
    assert body["links_allowed"] is False
    assert "material" in body["tags"]


def test_html_is_stored_as_text(post, client, live_room):
    text = '<script>alert("x")</script><b>hi</b>'
    response = post(live_room["room_id"], text)
    assert response.status_code == 201
    listed = client.get(f"/v1/comments/rooms/{live_room['room_id']}").json()["items"]
    assert listed[0]["text"] == text  # verbatim: clients render it escaped


def test_host_and_moderator_messages_are_marked_and_may_carry_links(post, live_room):
    host = post(
        live_room["room_id"],
        "Shipping info: https://shop.example/shipping",
        role="merchant",
        sub="merchant-1",
        market="CN",
    )
    assert host.status_code == 201, host.text
    assert host.json()["kind"] == "host"
    assert host.json()["links_allowed"] is True
    mod = post(live_room["room_id"], "Please be kind in the chat", role="moderator", sub="mod-1", market=None)
    assert mod.status_code == 201, mod.text
    assert mod.json()["kind"] == "moderator"
    assert mod.json()["links_allowed"] is True
    other_merchant = post(live_room["room_id"], "nice scarf", role="merchant", sub="merchant-9", market="CN")
    assert other_merchant.json()["kind"] == "viewer"


def test_replies_are_threaded_to_the_question(post, client, live_room):
    question = post(live_room["room_id"], "Does it come in red?").json()
    answer = post(
        live_room["room_id"],
        "Yes, red and navy",
        role="merchant",
        sub="merchant-1",
        market="CN",
        reply_to=question["comment_id"],
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["reply_to"] == question["comment_id"]
    missing = post(live_room["room_id"], "reply to nothing", reply_to="01ARZ3NDEKTSV4RRFFQ69G5FAV")
    assert missing.status_code == 422
    assert missing.json()["code"] == "reply-target-not-found"


def test_list_pages_with_a_cursor_newest_first(post, client, live_room):
    room_id = live_room["room_id"]
    ids = [post(room_id, f"comment number {i}", sub=f"pager-{i}").json()["comment_id"] for i in range(5)]
    first = client.get(f"/v1/comments/rooms/{room_id}", params={"limit": 2}).json()
    assert [c["comment_id"] for c in first["items"]] == ids[::-1][:2]
    second = client.get(f"/v1/comments/rooms/{room_id}", params={"limit": 2, "cursor": first["cursor"]}).json()
    assert [c["comment_id"] for c in second["items"]] == ids[::-1][2:4]
    third = client.get(f"/v1/comments/rooms/{room_id}", params={"limit": 2, "cursor": second["cursor"]}).json()
    assert [c["comment_id"] for c in third["items"]] == ids[:1]
    assert third["cursor"] is None
    oldest = client.get(f"/v1/comments/rooms/{room_id}", params={"order": "oldest", "limit": 5}).json()
    assert [c["comment_id"] for c in oldest["items"]] == ids


def test_reading_in_my_language_shows_original_and_translation(post, client, live_room):
    room_id = live_room["room_id"]
    posted = post(room_id, "Berapa harganya?", language="id").json()
    listed = client.get(f"/v1/comments/rooms/{room_id}", params={"lang": "en"}).json()["items"]
    item = next(c for c in listed if c["comment_id"] == posted["comment_id"])
    assert item["text"] == "Berapa harganya?"  # the original is always there
    assert item["language"] == "id"
    translation = item["translation"]
    assert translation["language"] == "en"
    assert isinstance(translation["translated"], bool) and translation["engine"]
    if translation["translated"]:
        assert translation["text"] != "Berapa harganya?"
    same = client.get(f"/v1/comments/rooms/{room_id}", params={"lang": "id"}).json()["items"]
    assert next(c for c in same if c["comment_id"] == posted["comment_id"]).get("translation") is None


def test_language_is_detected_when_not_declared(post, live_room):
    body = post(live_room["room_id"], "Wie viel kostet der Schal in Blau?", market="DE").json()
    assert body["language"] == "de"


def test_pin_unpin_and_list_pinned(post, client, auth, live_room):
    room_id = live_room["room_id"]
    promo = post(room_id, "Code SILK10 for 10% off", role="merchant", sub="merchant-1", market="CN").json()
    url = f"/v1/comments/rooms/{room_id}/comments/{promo['comment_id']}/pin"
    assert client.put(url, headers=auth("viewer", sub="viewer-1")).status_code == 403
    assert client.put(url, headers=auth("merchant", sub="merchant-2")).status_code == 403
    assert client.get(f"/v1/comments/rooms/{room_id}/pinned").json() == []
    pinned = client.put(url, headers=auth("merchant", sub="merchant-1"))
    assert pinned.status_code == 200 and pinned.json()["pinned"] is True
    listed = client.get(f"/v1/comments/rooms/{room_id}/pinned").json()
    assert [c["comment_id"] for c in listed] == [promo["comment_id"]]
    assert client.delete(url, headers=auth("moderator", sub="mod-1")).json()["pinned"] is False
    assert client.get(f"/v1/comments/rooms/{room_id}/pinned").json() == []


def test_delete_by_author_or_moderator_only(post, client, auth, live_room):
    room_id = live_room["room_id"]
    mine = post(room_id, "oops typo", sub="author-x").json()
    url = f"/v1/comments/rooms/{room_id}/comments/{mine['comment_id']}"
    assert client.delete(url, headers=auth("viewer", sub="someone-else")).status_code == 403
    assert client.get(url).status_code == 200
    assert client.delete(url, headers=auth("viewer", sub="author-x")).status_code == 204
    assert client.get(url).status_code == 404
    assert Comment.get(room_id, mine["comment_id"]).status == "deleted"
    assert all(
        c["comment_id"] != mine["comment_id"] for c in client.get(f"/v1/comments/rooms/{room_id}").json()["items"]
    )


def test_export_csv_for_the_owner_after_the_show(post, client, auth, live_room, room_items):
    room_id = live_room["room_id"]
    post(room_id, '=HYPERLINK("http://evil.example","click")', sub="csv-1")
    post(room_id, "lovely colours", sub="csv-2")
    owner = auth("merchant", sub="merchant-1")
    url = f"/v1/comments/rooms/{room_id}/export.csv"
    assert client.get(url, headers=owner).json()["code"] == "room-not-ended"
    assert client.patch(f"/v1/rooms/{room_id}", json={"status": "ended"}, headers=owner).status_code == 200
    assert client.get(url, headers=auth("merchant", sub="merchant-2")).status_code == 403
    assert client.get(url).status_code == 401
    response = client.get(url, headers=owner)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(response.text.lstrip("\ufeff"))))
    assert len(rows) == len(room_items(room_id))
    texts = [r["text"] for r in rows]
    assert '\'=HYPERLINK("http://evil.example","click")' in texts
    assert "lovely colours" in texts
    # and after the show, comments are closed
    closed = post(room_id, "still here?")
    assert closed.status_code == 409 and closed.json()["code"] == "room-ended"
