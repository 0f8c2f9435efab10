"""Hot questions on the live panel hold questions only: a buying-question tag or a question mark
(the rule the minute's ``questions`` counter uses). Praise many viewers repeat is no question, and
must not be shown to the merchant as an unanswered one."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

Say = Callable[..., None]


@pytest.fixture
def say(live_room: dict[str, Any], client: Any, auth: Callable[..., dict[str, str]]) -> Say:
    """``say(sub, text, market="ID")``: a viewer's comment in the live room, through the API."""

    def post(sub: str, text: str, market: str = "ID") -> None:
        headers = {**auth("viewer", sub=sub, market=market), "Idempotency-Key": uuid.uuid4().hex}
        response = client.post(f"/v1/comments/rooms/{live_room['room_id']}", json={"text": text}, headers=headers)
        assert response.status_code == 201, response.text

    return post


def test_hot_questions_are_the_repeated_questions_not_the_repeated_praise(
    live_room: dict[str, Any], say: Say, figures: Callable[[str], dict[str, Any]]
) -> None:
    room_id = live_room["room_id"]
    # GIVEN three ID viewers praising the fabric, two asking for other colours (a question mark),
    # and two DE viewers finding it too expensive (no question mark, but a price tag)
    for k in range(3):
        say(f"hq-fan-{k}", "Bagus banget kainnya!")
    for k in range(2):
        say(f"hq-asker-{k}", "Ada warna lain?")
        say(f"hq-price-{k}", "Viel zu teuer", market="DE")
    # WHEN the merchant reads the live figures
    hot = {q["label"]: q for q in figures(room_id)["hot_questions"]}
    # THEN the question and the tagged price remark are there, each with its askers and language
    assert (hot["Ada warna lain?"]["askers"], hot["Ada warna lain?"]["languages"]) == (2, {"id": 2})
    assert hot["Ada warna lain?"]["unanswered"] is True
    assert hot["Viel zu teuer"]["tags"] == ["price"] and hot["Viel zu teuer"]["askers"] == 2
    # AND the praise, though repeated by the most viewers, is not a question
    assert "Bagus banget kainnya!" not in hot


def test_one_question_asked_in_three_languages_is_one_hot_question_with_per_language_counts(
    live_room: dict[str, Any], say: Say, figures: Callable[[str], dict[str, Any]]
) -> None:
    # GIVEN the price asked by an Indonesian, a German and an Emirati viewer (Arabic), each in
    # their own language, as the embedded translator knows the phrase (its phrasebook; in AWS,
    # Amazon Translate takes any wording), and a colour question in Indonesian
    room_id = live_room["room_id"]
    asked = [
        ("hq-x-id", "ID", "Ini harganya berapa?"),
        ("hq-x-de", "DE", "Was kostet das?"),
        ("hq-x-ae", "AE", "كم سعر هذا؟"),
        ("hq-x-id2", "ID", "Ini harganya berapa?"),
        ("hq-x-col", "ID", "Ada warna apa saja?"),
    ]
    for sub, market, text in asked:
        say(sub, text, market)
    # WHEN the merchant (host language zh-Hans) reads the live figures
    hot = figures(room_id)["hot_questions"]
    # THEN the price is one question, labelled in the host's language, counted once per asker,
    # with each language's count; the colour question is not merged into it
    (price,) = [q for q in hot if q["languages"].get("de")]
    assert price["label"] == "这个多少钱？"
    assert price["askers"] == 4 and price["languages"] == {"ar": 1, "de": 1, "id": 2}
    assert sorted(price["markets"]) == ["AE", "DE", "ID"]
    assert not [q for q in hot if q is not price and q["languages"].get("de")]
