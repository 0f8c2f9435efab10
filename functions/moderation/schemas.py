"""Request and response bodies of the moderation API."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from functions.shared.fields import MarketCode, strict_int

SUB_PATTERN = r"^[A-Za-z0-9_.:@-]{1,128}$"
MAX_SCRIPT_CHARS = 20_000
MAX_SANCTION_SECONDS = 365 * 86_400


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ComplianceCheckIn(_In):
    text: str = Field(min_length=1, max_length=MAX_SCRIPT_CHARS, description="script, title, description or pin")
    categories: list[str] = Field(default_factory=list, max_length=20, description="declared product categories")


class ViolationOut(BaseModel):
    rule: str
    market: str
    law: str
    severity: Literal["block", "warn"]
    message: str
    matched: str


class ComplianceCheckOut(BaseModel):
    ok: bool  # no blocking violation
    markets: list[str]
    violations: list[ViolationOut]


class SanctionIn(_In):
    kind: Literal["mute", "ban"]
    duration_seconds: Annotated[int, strict_int(60, MAX_SANCTION_SECONDS)] | None = Field(
        default=None, description="None: until lifted"
    )
    reason: str = Field(default="", max_length=500)
    market: MarketCode | None = Field(
        default=None,
        description="the account's market (a comment's author_market): with residency zones the sanction "
        "is stored in its zone, and this is required",
    )


class SanctionOut(BaseModel):
    scope: str
    sub: str
    kind: str
    reason: str
    by_sub: str
    created_at: float
    expires_at: float | None


class AuditOut(BaseModel):
    scope: str
    entry_id: str
    at: float
    actor_sub: str
    action: str
    target_sub: str | None
    comment_id: str | None
    reason: str
    detail: str
