"""Amazon Comprehend toxicity plugin (botocore Stubber, real response shapes) and after-publish screening."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from fastapi.testclient import TestClient

from functions.comments import store
from functions.comments.screening import Published, screen, stream_handler
from functions.moderation.toxicity import local_scores
from functions.shared.plugins import get_plugins
from plugins.builtin.comprehend_toxicity import ComprehendToxicityPlugin, ToxicityUnavailableError, clip
from plugins.builtin.learned_toxicity import LearnedToxicityPlugin
from plugins.manager import build_plugin_manager, builtin_market_plugins
from tests.moderation.test_learned_toxicity import WORD_HEAD, one_hot_encoder

LABEL_NAMES = (
    "PROFANITY",
    "HATE_SPEECH",
    "INSULT",
    "GRAPHIC",
    "HARASSMENT_OR_ABUSE",
    "SEXUAL",
    "VIOLENCE_OR_THREAT",
)


def result(toxicity: float, insult: float = 0.0) -> dict[str, Any]:
    """One ResultList entry as DetectToxicContent returns it."""
    labels = [{"Name": n, "Score": insult if n == "INSULT" else 0.01} for n in LABEL_NAMES]
    return {"Labels": labels, "Toxicity": toxicity}


@pytest.fixture
def comprehend() -> Any:
    client = boto3.client("comprehend", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def test_scores_in_batches_of_ten(comprehend: Any) -> None:
    client, stubber = comprehend
    texts = [f"comment {i}" for i in range(12)]
    stubber.add_response(
        "detect_toxic_content",
        {"ResultList": [result(0.1)] * 9 + [result(0.93, 0.9)]},
        {"TextSegments": [{"Text": t} for t in texts[:10]], "LanguageCode": "en"},
    )
    stubber.add_response(
        "detect_toxic_content",
        {"ResultList": [result(0.2), result(0.05)]},
        {"TextSegments": [{"Text": t} for t in texts[10:]], "LanguageCode": "en"},
    )
    scores = ComprehendToxicityPlugin(client).classify_toxicity(texts, "en")
    assert scores is not None and len(scores) == 12
    assert scores[9] == {"toxicity": 0.93, "labels": {**{n: 0.01 for n in LABEL_NAMES}, "INSULT": 0.9}}
    assert scores[11]["toxicity"] == 0.05


def test_other_languages_are_not_sent(comprehend: Any) -> None:
    client, _stubber = comprehend
    assert ComprehendToxicityPlugin(client).classify_toxicity(["bahan apa kak"], "id") is None


def test_service_errors(comprehend: Any) -> None:
    client, stubber = comprehend
    plugin = ComprehendToxicityPlugin(client)
    stubber.add_client_error("detect_toxic_content", "UnsupportedLanguageException", http_status_code=400)
    assert plugin.classify_toxicity(["hello"], "en") is None
    stubber.add_client_error("detect_toxic_content", "TooManyRequestsException", http_status_code=400)
    with pytest.raises(ToxicityUnavailableError):
        plugin.classify_toxicity(["hello"], "en")


def test_clip_keeps_whole_characters() -> None:
    clipped = clip("好" * 400)  # 1,200 bytes
    assert len(clipped.encode()) <= 1024 and clipped == "好" * 341


def test_plugin_is_an_optional_builtin() -> None:
    pm = build_plugin_manager(["comprehend-toxicity"], include_entry_points=False, validate=False)
    assert "comprehend-toxicity" in dict(pm.list_name_plugin())


def _published(
    client: TestClient, auth: Callable[..., dict[str, str]], room_id: str, text: str, language: str = "en"
) -> str:
    response = client.post(
        f"/v1/comments/rooms/{room_id}",
        json={"text": text, "language": language},
        headers={
            **auth("viewer", sub=f"v-{uuid.uuid4().hex[:6]}", market="DE"),
            "Idempotency-Key": uuid.uuid4().hex,
        },
    )
    assert response.status_code == 201, response.text
    return str(response.json()["comment_id"])


def test_screen_deletes_what_comprehend_flags(
    client: TestClient, auth: Callable[..., dict[str, str]], room: dict[str, Any], comprehend: Any
) -> None:
    # GIVEN two published English comments and Comprehend flagging the second
    room_id = room["room_id"]
    kind = _published(client, auth, room_id, "Lovely scarf, thank you")
    rude = _published(client, auth, room_id, "you are a worthless clown")
    comprehend_client, stubber = comprehend
    stubber.add_response(
        "detect_toxic_content",
        {"ResultList": [result(0.02), result(0.91, 0.88)]},
        {
            "TextSegments": [{"Text": "Lovely scarf, thank you"}, {"Text": "you are a worthless clown"}],
            "LanguageCode": "en",
        },
    )
    pm = build_plugin_manager(
        sorted(builtin_market_plugins()),
        include_entry_points=False,
        validate=False,
        extra=[("comprehend-toxicity", ComprehendToxicityPlugin(comprehend_client))],
    )
    # WHEN the published comments are screened
    deleted = screen(
        [
            Published(room_id, kind, "Lovely scarf, thank you", "en"),
            Published(room_id, rude, "you are a worthless clown", "en"),
            Published(room_id, kind, "nicht gesendet", "de"),
        ],
        plugins=pm,
    )
    # THEN only the flagged one is deleted, and the deletion is audited
    assert [c.comment_id for c, _ in deleted] == [rude]
    assert store.get_comment(room_id, rude).status == "deleted"
    assert store.get_comment(room_id, kind).status == "published"
    audit = client.get(f"/v1/moderation/rooms/{room_id}/audit", headers=auth("merchant", sub="merchant-1")).json()
    assert audit[0]["action"] == "auto-delete" and audit[0]["comment_id"] == rude and "INSULT" in audit[0]["detail"]


def test_stream_handler_uses_the_local_scores_without_a_plugin(
    client: TestClient, auth: Callable[..., dict[str, str]], room: dict[str, Any]
) -> None:
    room_id = room["room_id"]
    slur = "go back home you n1gger"
    comment_id = _published(client, auth, room_id, "a calm comment")
    assert local_scores([slur], "US", get_plugins())[0].labels["HATE_SPEECH"] >= 0.9
    image = {
        "room_id": {"S": room_id},
        "comment_id": {"S": comment_id},
        "text": {"S": slur},
        "language": {"S": "en"},
        "status": {"S": "published"},
        "author_market": {"S": "US"},
    }
    out = stream_handler(
        {
            "Records": [
                {"eventName": "INSERT", "dynamodb": {"NewImage": image}},
                {"eventName": "REMOVE", "dynamodb": {"OldImage": image}},
            ]
        }
    )
    assert out == {"screened": 1, "deleted": [comment_id]}
    assert store.get_comment(room_id, comment_id).status == "deleted"


def test_screen_scores_other_languages_only_where_a_plugin_does(
    client: TestClient, auth: Callable[..., dict[str, str]], room: dict[str, Any]
) -> None:
    # GIVEN two published Indonesian comments, the second an insult the lexicon let through
    room_id = room["room_id"]
    kind = _published(client, auth, room_id, "bahan apa kak", "id")
    rude = _published(client, auth, room_id, "dasar otak udang", "id")
    comments = [Published(room_id, kind, "bahan apa kak", "id"), Published(room_id, rude, "dasar otak udang", "id")]
    markets = sorted(builtin_market_plugins())
    # WHEN they are screened without a plugin for Indonesian, THEN nothing is scored or deleted
    assert screen(comments, plugins=build_plugin_manager(markets, include_entry_points=False, validate=False)) == []
    assert store.get_comment(room_id, rude).status == "published"
    # WHEN the learned stage is enabled (a stand-in encoder here), THEN the insult is deleted and audited
    learned = LearnedToxicityPlugin(one_hot_encoder("udang"), WORD_HEAD)
    extra = [("learned-toxicity", learned)]
    pm = build_plugin_manager(markets, include_entry_points=False, validate=False, extra=extra)
    deleted = screen([*comments, Published(room_id, kind, "otak udang", "und")], plugins=pm)
    assert [c.comment_id for c, _ in deleted] == [rude]
    assert store.get_comment(room_id, rude).status == "deleted"
    assert store.get_comment(room_id, kind).status == "published"
    audit = client.get(f"/v1/moderation/rooms/{room_id}/audit", headers=auth("merchant", sub="merchant-1")).json()
    assert audit[0]["comment_id"] == rude and audit[0]["detail"].startswith("LEARNED")
