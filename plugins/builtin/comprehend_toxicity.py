"""Amazon Comprehend toxicity behind the ``classify_toxicity`` hook (optional plugin ``comprehend-toxicity``).

A region turns it on by listing ``"comprehend-toxicity"`` in its plugins. Comprehend's
DetectToxicContent supports English only, so the hook returns ``None`` for any other language and
the next plugin (or nobody) answers. It runs *after* a comment is published
(``functions.comments.screening``, with ``functions.moderation.toxicity`` scores), never in the
write path: a call costs tens of milliseconds.

Service behaviour this plugin maps (DetectToxicContent):

* at most 10 text segments per call, each at most 1 KB of UTF-8: texts are sent in batches of 10
  and a longer text is cut at a character boundary below 1 KB (the start of a comment decides);
* the response's ``ResultList`` has one ``{"Labels": [{"Name", "Score"}], "Toxicity"}`` per
  segment, in order; labels are PROFANITY, HATE_SPEECH, INSULT, GRAPHIC, HARASSMENT_OR_ABUSE,
  SEXUAL and VIOLENCE_OR_THREAT;
* ``UnsupportedLanguageException`` returns ``None``; other service errors raise
  ``ToxicityUnavailableError`` so the caller retries the batch later instead of deleting nothing
  silently.
"""

from __future__ import annotations

from typing import Any

from plugins import hookimpl
from plugins.builtin.aws_client import LazyAwsClient
from plugins.types import ToxicityUnavailableError

ENGINE = "amazon-comprehend"
MAX_SEGMENTS = 10
MAX_SEGMENT_BYTES = 1024
SUPPORTED = ("en",)

__all__ = ["ComprehendToxicityPlugin", "ToxicityUnavailableError", "clip", "plugin"]


def clip(text: str, limit: int = MAX_SEGMENT_BYTES) -> str:
    """``text`` cut to at most ``limit`` bytes of UTF-8 without splitting a character."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[:limit].decode("utf-8", errors="ignore")


class ComprehendToxicityPlugin(LazyAwsClient):
    """Scores English texts with DetectToxicContent; the client is created on first use."""

    service = "comprehend"

    @hookimpl
    def classify_toxicity(self, texts: list[str], language: str) -> list[dict[str, Any]] | None:
        if language.split("-")[0].lower() not in SUPPORTED:
            return None
        from botocore.exceptions import BotoCoreError, ClientError

        scores: list[dict[str, Any]] = []
        for start in range(0, len(texts), MAX_SEGMENTS):
            batch = texts[start : start + MAX_SEGMENTS]
            segments = [{"Text": clip(t) if t.strip() else "."} for t in batch]
            try:
                response = self.client.detect_toxic_content(TextSegments=segments, LanguageCode="en")
            except ClientError as exc:
                code = exc.response.get("Error", {}).get("Code", "")
                if code == "UnsupportedLanguageException":
                    return None
                raise ToxicityUnavailableError(code or str(exc)) from exc
            except BotoCoreError as exc:
                raise ToxicityUnavailableError(str(exc)) from exc
            results = response.get("ResultList", [])
            if len(results) != len(batch):
                raise ToxicityUnavailableError(f"{len(results)} results for {len(batch)} segments")
            for result in results:
                scores.append(
                    {
                        "toxicity": float(result.get("Toxicity", 0.0)),
                        "labels": {label["Name"]: float(label["Score"]) for label in result.get("Labels", [])},
                    }
                )
        return scores


def plugin() -> ComprehendToxicityPlugin:
    """The factory ``OPTIONAL_PLUGINS`` names."""
    return ComprehendToxicityPlugin()
