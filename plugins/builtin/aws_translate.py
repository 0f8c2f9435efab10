"""Amazon Translate behind the ``translate`` hook (optional plugin ``aws-translate``).

A region turns it on by listing ``"aws-translate"`` in its plugins; it then answers before the
local phrasebook translator. boto3 comes from the Lambda runtime and is imported only when the
first text is translated, so regions without the plugin never load it.

Service behaviour this plugin maps (TranslateText):

* the text may be at most 10,000 bytes of UTF-8: longer text raises ``TextTooLongError`` before
  any call (and the service's ``TextSizeLimitExceededException`` maps to the same error);
* ``UnsupportedLanguagePairException`` / ``DetectedLanguageLowConfidenceException`` return
  ``None``, so the next plugin (the phrasebook) tries and the caller sees an honest result;
* other service errors (throttling, 5xx) raise ``TranslationUnavailableError``.

crosslive's BCP 47 tags are mapped to Translate's language codes (``zh-Hans`` -> ``zh``,
``fil`` -> ``tl``) and back.
"""

from __future__ import annotations

from typing import Any

from plugins import hookimpl
from plugins.builtin.aws_client import LazyAwsClient
from plugins.types import MAX_TRANSLATE_BYTES, TextTooLongError, TranslationUnavailableError

ENGINE = "amazon-translate"
# crosslive tag -> Amazon Translate language code, where they differ.
TO_AWS: dict[str, str] = {"zh-Hans": "zh", "zh-Hant": "zh-TW", "fil": "tl"}
FROM_AWS: dict[str, str] = {v: k for k, v in TO_AWS.items()}
NOT_TRANSLATABLE = {"UnsupportedLanguagePairException", "DetectedLanguageLowConfidenceException"}


class AmazonTranslatePlugin(LazyAwsClient):
    """Translates with Amazon Translate's TranslateText; the client is created on first use."""

    service = "translate"

    @hookimpl
    def translate(self, text: str, source: str, target: str) -> dict[str, Any] | None:
        size = len(text.encode("utf-8"))
        if size > MAX_TRANSLATE_BYTES:
            raise TextTooLongError(size, MAX_TRANSLATE_BYTES)
        if source == target or not text.strip():
            return None  # nothing for the service to do: the local plugin answers (identity)
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            response = self.client.translate_text(
                Text=text,
                SourceLanguageCode=TO_AWS.get(source, source),
                TargetLanguageCode=TO_AWS.get(target, target),
            )
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code == "TextSizeLimitExceededException":
                raise TextTooLongError(size, MAX_TRANSLATE_BYTES) from exc
            if code in NOT_TRANSLATABLE:
                return None
            raise TranslationUnavailableError(ENGINE, code or str(exc)) from exc
        except BotoCoreError as exc:
            raise TranslationUnavailableError(ENGINE, str(exc)) from exc
        return {
            "text": response["TranslatedText"],
            "source": FROM_AWS.get(response["SourceLanguageCode"], response["SourceLanguageCode"]),
            "target": FROM_AWS.get(response["TargetLanguageCode"], response["TargetLanguageCode"]),
            "translated": True,
            "engine": ENGINE,
        }


def plugin() -> AmazonTranslatePlugin:
    return AmazonTranslatePlugin()
