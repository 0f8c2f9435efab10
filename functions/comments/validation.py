"""What a comment's text must be before anything else looks at it.

Each defect has its own problem code so a client can tell the viewer what to fix:

* ``invalid-utf8``: lone surrogates (``"\\ud800"`` in JSON) cannot be stored or shown;
* ``comment-empty``: nothing but whitespace;
* ``comment-too-long``: over ``MAX_CODE_POINTS`` code points (not bytes: Thai or Arabic
  viewers get the same length as English ones);
* ``control-characters``: C0/C1 controls (newlines included: a danmaku is one line) and the
  bidirectional embedding/override controls used to spoof text direction.

HTML and script are *not* an error: a comment is text, stored as sent and always rendered
escaped (clients set ``textContent``), so ``<script>`` is just eight characters of chat.
"""

from __future__ import annotations

import re
import unicodedata

from functions.shared.errors import BadRequest, Invalid

MAX_CODE_POINTS = 500
_BIDI_OVERRIDES = frozenset("\u202a\u202b\u202c\u202d\u202e")
_URL_RE = re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>\"']+|\b[a-z0-9-]+\.(?:com|net|org|io|co|shop|link|ly)\b")


def clean_text(raw: str) -> str:
    """The comment's text, stripped of surrounding whitespace, or a ``BadRequest``/``Invalid`` domain error."""
    try:
        raw.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise BadRequest("invalid-utf8", "text is not valid Unicode (lone surrogate)") from exc
    text = raw.strip()
    if not text:
        raise Invalid("comment-empty", "a comment needs some text")
    if len(text) > MAX_CODE_POINTS:
        raise Invalid(
            "comment-too-long",
            f"a comment is at most {MAX_CODE_POINTS} characters, this has {len(text)}",
        )
    for position, char in enumerate(text):
        if char in _BIDI_OVERRIDES or unicodedata.category(char) == "Cc":
            raise Invalid(
                "control-characters",
                f"control character U+{ord(char):04X} at position {position} is not allowed",
            )
    return text


def has_links(text: str) -> bool:
    """Whether the text contains something a client could turn into a link."""
    return bool(_URL_RE.search(text))
