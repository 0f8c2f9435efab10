"""Smart routing: rank healthy media nodes for a viewer."""

from __future__ import annotations

from fastapi import APIRouter

from functions.shared.app import create_app, lambda_handler

router = APIRouter(prefix="/v1/routing", tags=["routing"])

app = create_app("routing", "Smart routing: rank healthy media nodes for a viewer")
app.include_router(router)
handler = lambda_handler(app, "routing")
