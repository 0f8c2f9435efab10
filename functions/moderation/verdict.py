"""The contract between the comment write path and moderation.

``functions.comments`` calls ``functions.moderation.pipeline.moderate_comment(text, context)``
before persisting a comment and acts on the ``Verdict``: publish (as is), mask (publish the masked
text), hold (store for human review, visible only to its sender: shadow mode), reject (store
nothing visible to others; the sender is told, or in shadow mode sees it as if published).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Action = Literal["publish", "mask", "hold", "reject"]
ACTION_ORDER: dict[str, int] = {"publish": 0, "mask": 1, "hold": 2, "reject": 3}


@dataclass(frozen=True)
class CommentContext:
    """Who is commenting where; everything moderation may take into account."""

    room_id: str
    author_sub: str
    author_roles: frozenset[str]
    market: str  # the viewer's market (its lexicon and policy apply)
    language: str | None = None  # detected or declared language, if known
    ip: str | None = None
    account_created_at: float | None = None  # UNIX time the account was first seen
    now: float = 0.0
    # The room, when the caller has it (the comments function does): the merchant's own comments
    # are advertising and get the compliance rules of every market the room reaches.
    room_merchant_sub: str | None = None
    room_markets: tuple[str, ...] = ()
    home_market: str | None = None
    # The request's idempotency record id: moderation's counters count a request once, so a retry
    # of the same request is neither a second comment nor a duplicate of itself.
    request_id: str | None = None
    # The author's unexpired mutes and bans (``sanctions.ActiveSanction``) when the caller read
    # them already, in its own request (the comments function reads them with the room); None:
    # moderation reads them itself.
    sanctions: tuple[Any, ...] | None = None


@dataclass(frozen=True)
class Reason:
    """Why a verdict is what it is: a stable code plus what matched."""

    code: str  # e.g. "lexicon", "flood", "duplicate", "contact-id", "link", "muted", "banned"
    detail: str
    category: str | None = None
    severity: int | None = None
    market: str | None = None


@dataclass(frozen=True)
class Verdict:
    action: Action
    text: str  # the text to publish (masked when action == "mask")
    reasons: tuple[Reason, ...] = field(default_factory=tuple)
    shadow: bool = False  # hold/reject silently: the sender sees their message, nobody else does

    @property
    def visible_to_others(self) -> bool:
        return self.action in ("publish", "mask")
