"""Moderation: lexicon, spam, compliance, review queue, bans."""

from __future__ import annotations

from fastapi import APIRouter

from functions.shared.app import create_app, lambda_handler

router = APIRouter(prefix="/v1/moderation", tags=["moderation"])

app = create_app("moderation", "Moderation: lexicon, spam, compliance, review queue, bans")
app.include_router(router)
handler = lambda_handler(app, "moderation")
