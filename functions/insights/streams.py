"""The streams insights' functions consume (their event source mappings, ``functions/specs.py``)."""

from __future__ import annotations

FOLDED_TABLES = ("comments", "coupon-campaigns", "coupons", "coupon-redemptions", "stage", "rooms")

# The batching window of the zone viewers' stream feeding ``zone_figures`` (its win-back counts):
# a room's are recounted about this often while its viewers change, as often as the console polls.
WINBACK_BATCH_SECONDS = 30
