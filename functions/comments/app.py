"""Comments: post, list and push danmaku across markets."""

from __future__ import annotations

from fastapi import APIRouter

from functions.shared.app import create_app, lambda_handler

router = APIRouter(prefix="/v1/comments", tags=["comments"])

app = create_app("comments", "Comments: post, list and push danmaku across markets")
app.include_router(router)
handler = lambda_handler(app, "comments")
