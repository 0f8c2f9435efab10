"""The Amazon Translate plugin against TranslateText's real request/response shapes (Stubber)."""

from __future__ import annotations

import boto3
import pytest
from botocore.stub import Stubber

from plugins.builtin.aws_translate import ENGINE, AmazonTranslatePlugin
from plugins.manager import OPTIONAL_PLUGINS, build_plugin_manager
from plugins.types import MAX_TRANSLATE_BYTES, TextTooLongError, TranslationUnavailableError


@pytest.fixture
def stubbed():
    client = boto3.client(
        "translate", region_name="ap-southeast-1", aws_access_key_id="test", aws_secret_access_key="test"
    )
    with Stubber(client) as stubber:
        yield AmazonTranslatePlugin(client), stubber
        stubber.assert_no_pending_responses()


def _response(text: str, source: str, target: str) -> dict:
    return {
        "TranslatedText": text,
        "SourceLanguageCode": source,
        "TargetLanguageCode": target,
        "AppliedTerminologies": [],
        "AppliedSettings": {"Formality": "FORMAL", "Profanity": "MASK"},
    }


def test_translates_and_maps_language_codes(stubbed):
    plugin, stubber = stubbed
    # GIVEN Translate answering for zh -> tl (crosslive's zh-Hans -> fil)
    stubber.add_response(
        "translate_text",
        _response("May stock pa ba?", "zh", "tl"),
        {"Text": "有现货吗？", "SourceLanguageCode": "zh", "TargetLanguageCode": "tl"},
    )
    result = plugin.translate(text="有现货吗？", source="zh-Hans", target="fil")
    assert result == {
        "text": "May stock pa ba?",
        "source": "zh-Hans",
        "target": "fil",
        "translated": True,
        "engine": ENGINE,
    }


def test_unsupported_pair_falls_through_to_the_next_plugin(stubbed):
    plugin, stubber = stubbed
    stubber.add_client_error(
        "translate_text",
        service_error_code="UnsupportedLanguagePairException",
        service_message="Unsupported language pair: xh to ar",
        http_status_code=400,
    )
    assert plugin.translate(text="Molo", source="xh", target="ar") is None


def test_service_size_limit_error_becomes_text_too_long(stubbed):
    plugin, stubber = stubbed
    stubber.add_client_error(
        "translate_text",
        service_error_code="TextSizeLimitExceededException",
        service_message="Input text size exceeds limit. Max length of request text allowed is 10000 bytes",
        http_status_code=400,
    )
    with pytest.raises(TextTooLongError):
        plugin.translate(text="short but the service says no", source="en", target="de")


def test_text_over_10000_bytes_is_refused_before_any_call(stubbed):
    plugin, _stubber = stubbed  # no response queued: a call would fail the Stubber
    text = "é" * 5001  # 10,002 bytes of UTF-8 but only 5,001 characters
    with pytest.raises(TextTooLongError) as info:
        plugin.translate(text=text, source="fr", target="en")
    assert info.value.size == 10_002 and info.value.limit == MAX_TRANSLATE_BYTES


def test_exactly_10000_bytes_is_sent(stubbed):
    plugin, stubber = stubbed
    text = "a" * 10_000
    stubber.add_response(
        "translate_text",
        _response("b" * 10_000, "en", "de"),
        {"Text": text, "SourceLanguageCode": "en", "TargetLanguageCode": "de"},
    )
    assert plugin.translate(text=text, source="en", target="de")["translated"] is True


def test_throttling_is_reported_as_unavailable(stubbed):
    plugin, stubber = stubbed
    stubber.add_client_error(
        "translate_text",
        service_error_code="ThrottlingException",
        service_message="Rate exceeded",
        http_status_code=400,
    )
    with pytest.raises(TranslationUnavailableError, match="ThrottlingException"):
        plugin.translate(text="hello", source="en", target="id")


def test_registered_as_optional_plugin_and_answers_before_the_phrasebook(stubbed):
    plugin, stubber = stubbed
    assert OPTIONAL_PLUGINS["aws-translate"] == "plugins.builtin.aws_translate:plugin"
    pm = build_plugin_manager(["market-id"], include_entry_points=False, extra=[("aws-translate", plugin)])
    stubber.add_response(
        "translate_text",
        _response("Habis terjual.", "en", "id"),
        {"Text": "Sold out.", "SourceLanguageCode": "en", "TargetLanguageCode": "id"},
    )
    result = pm.translate("Sold out.", "en", "id")
    assert result is not None and result.engine == ENGINE and result.text == "Habis terjual."
    # an unsupported pair falls back to the phrasebook, labelled as such
    stubber.add_client_error("translate_text", service_error_code="UnsupportedLanguagePairException")
    fallback = pm.translate("Sold out.", "en", "id")
    assert fallback is not None and fallback.engine == "phrasebook" and fallback.text == "Stok habis."


def test_not_loaded_unless_a_region_enables_it():
    pm = build_plugin_manager(include_entry_points=False)
    assert "aws-translate" not in dict(pm.list_name_plugin())
    enabled = build_plugin_manager(["aws-translate"], include_entry_points=False)
    assert "aws-translate" in dict(enabled.list_name_plugin())
