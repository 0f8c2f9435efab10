"""Coupons and flash sales: campaigns, claims, redemption."""
