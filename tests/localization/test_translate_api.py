"""Translation through /v1/localization: phrasebook engine, detection, cache, honest labels, limits."""

from __future__ import annotations

import boto3
from botocore.stub import Stubber

from functions.localization.app import app as localization_app
from functions.localization.app import plugins_dependency
from functions.localization.models import CachedTranslation
from functions.localization.translation import cache_key
from plugins.builtin.aws_translate import AmazonTranslatePlugin
from plugins.manager import build_plugin_manager

URL = "/v1/localization/translate"


def test_comment_translated_by_phrasebook_with_engine_named(client, auth):
    # GIVEN an Indonesian viewer asking about stock, for a host who reads Chinese
    body = {"texts": ["Apakah stoknya ada?"], "source": "id", "target": "zh-Hans", "kind": "comment"}
    # WHEN the comment is translated
    response = client.post(URL, json=body, headers=auth("viewer", sub="v-tr-1"))
    # THEN the phrasebook translated it and says so
    assert response.status_code == 200, response.text
    item = response.json()["items"][0]
    assert item["text"] == "有现货吗？"
    assert item["translated"] is True
    assert item["engine"] == "phrasebook"
    assert item["original"] == "Apakah stoknya ada?"
    assert item["display"] == {
        "text": "有现货吗？",
        "lang": "zh-Hans",
        "dir": "ltr",
        "isolated": "\u2066有现货吗？\u2069",
    }


def test_unknown_phrase_is_returned_untranslated_and_labelled(client, auth):
    body = {"texts": ["Kak, warna ungu yang kemarin masih ada?"], "source": "id", "target": "en"}
    item = client.post(URL, json=body, headers=auth()).json()["items"][0]
    assert item["translated"] is False
    assert item["engine"] == "none"
    assert item["text"] == "Kak, warna ungu yang kemarin masih ada?"
    assert item["display"]["lang"] == "id"  # the original, shown as what it is


def test_source_detected_when_missing(client, auth):
    body = {"texts": ["Wie lange dauert der Versand?"], "target": "en", "market": "DE"}
    item = client.post(URL, json=body, headers=auth()).json()["items"][0]
    assert item["source"] == "de"
    assert item["detection"]["detector"] in {"lingua", "unicode-script"}
    assert item["text"] == "How long does shipping take?"


def test_remote_translation_is_cached_in_dynamodb(client, auth):
    # GIVEN a region running Amazon Translate (stubbed with one real-shaped response)
    aws = boto3.client("translate", region_name="eu-central-1", aws_access_key_id="t", aws_secret_access_key="t")
    pm = build_plugin_manager(
        ["market-de"], include_entry_points=False, extra=[("aws-translate", AmazonTranslatePlugin(aws))]
    )
    text = "Kommt das Paket vor Weihnachten an?"
    body = {"texts": [text], "source": "de", "target": "ja", "kind": "faq"}  # merchant text, not a person's
    localization_app.dependency_overrides[plugins_dependency] = lambda: pm
    try:
        with Stubber(aws) as stubber:
            stubber.add_response(
                "translate_text",
                {
                    "TranslatedText": "荷物はクリスマス前に届きますか？",
                    "SourceLanguageCode": "de",
                    "TargetLanguageCode": "ja",
                },
                {"Text": text, "SourceLanguageCode": "de", "TargetLanguageCode": "ja"},
            )
            # WHEN the same text is translated twice
            first = client.post(URL, json=body, headers=auth()).json()["items"][0]
            second = client.post(URL, json=body, headers=auth()).json()["items"][0]
            stubber.assert_no_pending_responses()  # Translate was called exactly once
    finally:
        localization_app.dependency_overrides.pop(plugins_dependency)
    # THEN the first answer came from Translate and was stored; the second from the cache
    assert first["engine"] == "amazon-translate" and first["cached"] is False
    stored = CachedTranslation.get(cache_key(text, "de", "ja"))
    assert stored.text == first["text"] == "荷物はクリスマス前に届きますか？"
    assert stored.engine == "amazon-translate" and stored.expires_at > stored.created_at
    assert second["cached"] is True and second["text"] == first["text"] and second["engine"] == "amazon-translate"


def test_a_comments_translation_is_never_cached(client, auth):
    # GIVEN a region running Amazon Translate and a viewer's comment (an EU author's words, maybe)
    aws = boto3.client("translate", region_name="eu-central-1", aws_access_key_id="t", aws_secret_access_key="t")
    pm = build_plugin_manager(
        ["market-de"], include_entry_points=False, extra=[("aws-translate", AmazonTranslatePlugin(aws))]
    )
    text = "Ich heiße Jonas und wohne in Köln, liefert ihr dahin?"
    body = {"texts": [text], "source": "de", "target": "ja", "kind": "comment"}
    localization_app.dependency_overrides[plugins_dependency] = lambda: pm
    try:
        with Stubber(aws) as stubber:
            for _ in range(2):
                stubber.add_response(
                    "translate_text",
                    {"TranslatedText": "私はヨナスです", "SourceLanguageCode": "de", "TargetLanguageCode": "ja"},
                    {"Text": text, "SourceLanguageCode": "de", "TargetLanguageCode": "ja"},
                )
            # WHEN it is translated twice
            answers = [client.post(URL, json=body, headers=auth()).json()["items"][0] for _ in range(2)]
            stubber.assert_no_pending_responses()  # Translate was called both times
    finally:
        localization_app.dependency_overrides.pop(plugins_dependency)
    # THEN nothing of it was stored in the region's cache
    assert [a["cached"] for a in answers] == [False, False]
    assert CachedTranslation.count(cache_key(text, "de", "ja")) == 0


def test_phrasebook_results_are_not_cached(client, auth):
    body = {"texts": ["Ausverkauft."], "source": "de", "target": "th"}
    item = client.post(URL, json=body, headers=auth()).json()["items"][0]
    assert item["text"] == "สินค้าหมดแล้ว" and item["engine"] == "phrasebook"
    assert CachedTranslation.count(cache_key("Ausverkauft.", "de", "th")) == 0  # cheaper to recompute


def test_arabic_target_is_rtl(client, auth):
    body = {"texts": ["Free shipping!"], "source": "en", "target": "ar"}
    item = client.post(URL, json=body, headers=auth()).json()["items"][0]
    assert item["text"] == "شحن مجاني!"
    assert item["display"]["dir"] == "rtl"
    assert item["display"]["isolated"] == "\u2067شحن مجاني!\u2069"


def test_translate_requires_authentication(client):
    response = client.post(URL, json={"texts": ["hi"], "target": "en"})
    assert response.status_code == 401


def test_forged_token_is_refused(client, auth):
    headers = auth()
    forged = headers["Authorization"][:-6] + ("AAAAAA" if not headers["Authorization"].endswith("AAAAAA") else "BBBBBB")
    response = client.post(URL, json={"texts": ["hi"], "target": "en"}, headers={"Authorization": forged})
    assert response.status_code == 401


def test_product_text_needs_merchant(client, auth):
    body = {"texts": ["Sold out."], "source": "en", "target": "de", "kind": "product"}
    assert client.post(URL, json=body, headers=auth("viewer")).status_code == 403
    ok = client.post(URL, json=body, headers=auth("merchant", sub="merchant-tr"))
    assert ok.status_code == 200 and ok.json()["items"][0]["text"] == "Ausverkauft."


def test_unknown_language_is_a_clear_422(client, auth):
    response = client.post(URL, json={"texts": ["hi"], "source": "en", "target": "xq"}, headers=auth())
    assert response.status_code == 422
    assert response.json()["code"] == "unknown-language"
    assert "xq" in response.json()["detail"]


def test_malformed_language_tag_is_refused(client, auth):
    response = client.post(URL, json={"texts": ["hi"], "target": "en; drop"}, headers=auth())
    assert response.status_code == 422 and response.json()["code"] == "validation-failed"


def test_unknown_market_for_detection_is_404(client, auth):
    response = client.post(URL, json={"texts": ["hi"], "target": "en", "market": "XX"}, headers=auth())
    assert response.status_code == 404 and response.json()["code"] == "unknown-market"


def test_text_over_translate_limit_is_refused_and_nothing_cached(client, auth):
    # GIVEN 10,001 bytes of UTF-8 (3,334 Thai characters of 3 bytes each minus change)
    text = "ก" * 3334  # 10,002 bytes
    body = {"texts": [text], "source": "th", "target": "en"}
    response = client.post(URL, json=body, headers=auth())
    assert response.status_code == 422
    assert response.json()["code"] == "text-too-long"
    assert "10002 bytes" in response.json()["detail"]
    assert CachedTranslation.count(cache_key(text, "th", "en")) == 0


def test_text_at_the_limit_is_accepted(client, auth):
    text = "a" * 10_000
    response = client.post(URL, json={"texts": [text], "source": "en", "target": "de"}, headers=auth())
    assert response.status_code == 200
    assert response.json()["items"][0]["translated"] is False


def test_too_many_texts_refused(client, auth):
    response = client.post(URL, json={"texts": ["x"] * 51, "target": "en"}, headers=auth())
    assert response.status_code == 422


def test_detect_endpoint(client, auth):
    response = client.post(
        "/v1/localization/detect", json={"text": "Cái này bao nhiêu tiền?", "market": "VN"}, headers=auth()
    )
    assert response.status_code == 200
    assert response.json()["language"] == "vi"
    arabic = client.post("/v1/localization/detect", json={"text": "كم سعر هذا؟", "market": "AE"}, headers=auth())
    assert arabic.json()["language"] == "ar" and arabic.json()["display_dir"] == "rtl"


def test_translate_engine_outage_is_503_and_nothing_cached(client, auth):
    aws = boto3.client("translate", region_name="eu-central-1", aws_access_key_id="t", aws_secret_access_key="t")
    pm = build_plugin_manager(
        ["market-de"], include_entry_points=False, extra=[("aws-translate", AmazonTranslatePlugin(aws))]
    )
    text = "Gibt es das auch in Größe 44?"
    localization_app.dependency_overrides[plugins_dependency] = lambda: pm
    try:
        with Stubber(aws) as stubber:
            stubber.add_client_error("translate_text", service_error_code="ThrottlingException", http_status_code=400)
            response = client.post(URL, json={"texts": [text], "source": "de", "target": "en"}, headers=auth())
    finally:
        localization_app.dependency_overrides.pop(plugins_dependency)
    assert response.status_code == 503 and response.json()["code"] == "translation-unavailable"
    assert CachedTranslation.count(cache_key(text, "de", "en")) == 0


def test_oversized_request_body_is_413(client, auth):
    body = {"texts": ["x" * 2000] * 50, "target": "en", "source": "de"}  # ~100 KB, over the 64 KiB limit
    response = client.post(URL, json=body, headers=auth())
    assert response.status_code == 413 and response.json()["code"] == "payload-too-large"


def test_detect_requires_authentication(client):
    assert client.post("/v1/localization/detect", json={"text": "hola"}).status_code == 401
