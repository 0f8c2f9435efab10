"""Amazon Comprehend sentiment behind the ``sentiment_polarity`` hook (optional plugin ``comprehend-sentiment``).

A region turns it on by listing ``"comprehend-sentiment"`` in its plugins. It calls
BatchDetectSentiment, whose per-document result has DetectSentiment's shape
(``{"Index", "Sentiment": POSITIVE|NEGATIVE|NEUTRAL|MIXED, "SentimentScore": {"Positive",
"Negative", "Neutral", "Mixed"}}``), for up to 25 documents of at most 5,000 bytes per call
(one call per 25 comments instead of 25). Comprehend detects sentiment in ``SUPPORTED``; for any
other language the hook returns ``None`` and the local lexicon plugin answers.

Polarity: ``Positive - Negative`` score for a POSITIVE or NEGATIVE label, 0 for NEUTRAL or MIXED.
A document Comprehend lists in ``ErrorList`` scores 0 (neutral); a failed call raises
``SentimentUnavailableError`` (the consumer's batch is retried).
"""

from __future__ import annotations

from typing import Any

from plugins import hookimpl
from plugins.builtin.aws_client import LazyAwsClient

MAX_DOCUMENTS = 25
MAX_DOCUMENT_BYTES = 5000
# Comprehend's sentiment languages (its LanguageCode values), by our BCP 47 base tag
SUPPORTED = {
    "en": "en",
    "es": "es",
    "fr": "fr",
    "de": "de",
    "it": "it",
    "pt": "pt",
    "ar": "ar",
    "hi": "hi",
    "ja": "ja",
    "ko": "ko",
    "zh": "zh",
}


class SentimentUnavailableError(RuntimeError):
    """Comprehend could not score a batch (throttled, unreachable, refused)."""


def _clip(text: str) -> str:
    data = text.encode("utf-8")
    return text if len(data) <= MAX_DOCUMENT_BYTES else data[:MAX_DOCUMENT_BYTES].decode("utf-8", errors="ignore")


def polarity(result: dict[str, Any]) -> float:
    scores = result.get("SentimentScore") or {}
    if result.get("Sentiment") not in ("POSITIVE", "NEGATIVE"):
        return 0.0
    return round(float(scores.get("Positive", 0.0)) - float(scores.get("Negative", 0.0)), 4)


class ComprehendSentimentPlugin(LazyAwsClient):
    service = "comprehend"

    @hookimpl
    def sentiment_polarity(self, texts: list[str], language: str) -> list[float] | None:
        code = SUPPORTED.get(language.split("-")[0].lower())
        if code is None or "hant" in language.lower():
            return None
        from botocore.exceptions import BotoCoreError, ClientError

        out: list[float] = []
        for start in range(0, len(texts), MAX_DOCUMENTS):
            batch = [_clip(t) if t.strip() else "." for t in texts[start : start + MAX_DOCUMENTS]]
            try:
                response = self.client.batch_detect_sentiment(TextList=batch, LanguageCode=code)
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") == "UnsupportedLanguageException":
                    return None
                raise SentimentUnavailableError(str(exc)) from exc
            except BotoCoreError as exc:
                raise SentimentUnavailableError(str(exc)) from exc
            scores = [0.0] * len(batch)
            for result in response.get("ResultList", []):
                scores[int(result["Index"])] = polarity(result)
            out.extend(scores)
        return out


def plugin() -> ComprehendSentimentPlugin:
    """The factory ``OPTIONAL_PLUGINS`` names."""
    return ComprehendSentimentPlugin()
