"""Live insights: funnel, sentiment, hot questions, alerts."""

from __future__ import annotations

from fastapi import APIRouter

from functions.shared.app import create_app, lambda_handler

router = APIRouter(prefix="/v1/insights", tags=["insights"])

app = create_app("insights", "Live insights: funnel, sentiment, hot questions, alerts")
app.include_router(router)
handler = lambda_handler(app, "insights")
