"""The streamed tables the insights consumer folds (its event source mappings, ``functions/specs.py``)."""

from __future__ import annotations

FOLDED_TABLES = ("comments", "coupon-campaigns", "coupons", "coupon-redemptions", "stage", "rooms")
