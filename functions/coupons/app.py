"""Coupons and flash sales: campaigns, claims, redemption."""

from __future__ import annotations

from fastapi import APIRouter

from functions.shared.app import create_app, lambda_handler

router = APIRouter(prefix="/v1/coupons", tags=["coupons"])

app = create_app("coupons", "Coupons and flash sales: campaigns, claims, redemption")
app.include_router(router)
handler = lambda_handler(app, "coupons")
