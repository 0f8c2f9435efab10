"""The evasion classes of issue 15 through the public API, as viewers of each market post them:
what other viewers read (the listing) never shows the term, and contact spam waits for review."""

from __future__ import annotations

import pytest


def _listed(client, room_id: str) -> dict[str, str]:
    items = client.get(f"/v1/comments/rooms/{room_id}").json()["items"]
    return {item["comment_id"]: item["text"] for item in items}


@pytest.mark.parametrize(
    ("market", "text", "hidden"),
    [
        ("ID", "dasar b a n g s a t lu", "bangsat"),  # letter-spaced
        ("ID", "kontooll", "kontol"),  # a doubled letter
        ("DE", "du \u0430rschl\u043ech", "arschloch"),  # Cyrillic а and о inside the word
        ("DE", "bulll shit", "shit"),
        ("AE", "يا شرمووطة", "شرمو"),  # a doubled Arabic letter
    ],
)
def test_an_evasion_is_published_masked_whole(post, client, live_room, market, text, hidden):
    # WHEN a viewer of the market posts it
    response = post(live_room["room_id"], text, market=market, sub=f"evader-{market}")
    assert response.status_code == 201, response.text
    body = response.json()
    # THEN it is published masked, and no reader can recover the term from the listing
    assert body["status"] == "masked"
    shown = _listed(client, live_room["room_id"])[body["comment_id"]]
    assert "*" in shown
    letters = "".join(c for c in shown if not c.isspace()).replace("*", "")
    assert hidden not in letters and hidden not in shown


@pytest.mark.parametrize(
    ("market", "text"),
    [
        ("ID", "lebih murah di tokobaju titik com"),  # the dot spelled out
        ("DE", "billiger bei taschenshop punkt de"),
        ("AE", "V❤ shopgirl88"),  # WeChat written with a symbol
    ],
)
def test_contact_spam_waits_for_review_and_no_other_viewer_reads_it(post, client, auth, live_room, market, text):
    response = post(live_room["room_id"], text, market=market, sub=f"spammer-{market}")
    assert response.status_code == 201, response.text
    comment_id = response.json()["comment_id"]
    # shadow mode: the spammer is not told; other viewers never read it; it waits in the review queue
    assert comment_id not in _listed(client, live_room["room_id"])
    queue = client.get(
        f"/v1/comments/rooms/{live_room['room_id']}/queue", headers=auth("merchant", sub="merchant-1")
    ).json()
    assert comment_id in {c["comment_id"] for c in queue}
