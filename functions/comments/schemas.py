"""Request and response shapes of the comments API."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from functions.comments.ids import ID_PATTERN


class CommentCreate(BaseModel):
    """A new comment. ``text`` is checked further by ``functions.comments.validation``."""

    text: str = Field(max_length=4000, description="At most 500 code points once stripped")
    reply_to: str | None = Field(default=None, pattern=ID_PATTERN, description="Id of the comment answered")
    language: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$",
        description="The author's language if known; detected otherwise",
    )

    model_config = {"extra": "forbid"}


class TranslationOut(BaseModel):
    text: str
    language: str
    translated: bool
    engine: str


class ReasonOut(BaseModel):
    code: str
    detail: str
    category: str | None = None


class CommentOut(BaseModel):
    room_id: str
    comment_id: str
    author_sub: str
    # Absent rather than null in some answers (``response_model_exclude_none``): not required.
    author_name: str | None = None
    author_market: str | None = None
    kind: Literal["viewer", "host", "moderator", "auto-faq"]
    text: str = Field(description="Plain text: render escaped, never as HTML")
    language: str
    status: str
    reply_to: str | None = None
    pinned: bool
    links_allowed: bool = Field(description="Only moderator and host messages may render links")
    tags: list[str]
    created_at: float
    translation: TranslationOut | None = None
    reasons: list[ReasonOut] | None = Field(default=None, description="Moderation reasons (author/moderators)")


class CommentPage(BaseModel):
    items: list[CommentOut]
    cursor: str | None = Field(description="Pass as ?cursor= for the next page; null at the end")


class HotQuestion(BaseModel):
    label: str = Field(description="A representative question, in the host's language")
    count: int
    authors: int
    markets: list[str]
    comment_ids: list[str]
    tags: list[str]
    hot: bool = Field(description="asked by enough viewers; false for a buying question only a few asked")


class HostView(BaseModel):
    room_id: str
    host_language: str
    items: list[CommentOut] = Field(description="Priority-tagged comments first, then newest first")
    hot_questions: list[HotQuestion]
    window_seconds: int


class StatusChange(BaseModel):
    status: Literal["published", "held", "rejected", "deleted"]


class HeldCommentOut(BaseModel):
    comment_id: str
    author_sub: str
    text: str
    original_text: str
    reasons: str
    created_at: float


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(default="", max_length=500)


class ReviewOut(BaseModel):
    comment_id: str
    status: str
