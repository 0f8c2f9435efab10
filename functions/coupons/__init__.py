"""Coupons and flash sales: campaigns, claims, redemption."""

from __future__ import annotations

# The modules other packages may import (signals: the fan-out's producer of the coupon-campaigns and
# coupon-stock tables; presence: where comments and media nodes record that they saw a viewer;
# segments: where insights publishes a show's win-back segment);
# everything else is this package's own. tests/foundation/test_layout.py holds
# every package to it (docs/architecture.md).
PUBLIC_MODULES: tuple[str, ...] = ("presence", "segments", "signals")
