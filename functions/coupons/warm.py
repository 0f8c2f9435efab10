"""Create the claim path's DynamoDB clients before the first claim needs them.

Every new botocore client parses botocore's endpoint and service data (a few MB of JSON), once
per client: about 0.3 s on an idle core, and 3-6 s measured here with a media node and a browser
on the same two cores. The first claim of a process used to pay that for the claim transaction's
connection and the idempotency records' model (the issue's ~18 s first claim; later claims
reuse them). A viewer page reads the room's campaigns before anyone can claim, so that first
read starts one background thread per process that creates those clients; a claim arriving
sooner simply creates them itself, as before.
"""

from __future__ import annotations

import logging
import threading

from functions.coupons.store import every_store

log = logging.getLogger("crosslive.coupons.warm")
_started = threading.Event()


def warm_claim_clients() -> None:
    """Create the clients a claim uses: the store's transaction connection and the connections of
    the bound models it reads and writes (campaigns, stock, holdings, coupons, idempotency records)."""
    for store in every_store():  # the default zone's and each residency zone's
        _ = store.connection.client
        for model in (store.campaigns, store.shards, store.holdings, store.coupons, store.requests):
            _ = model._get_connection().connection.client


def warm_in_background() -> None:
    """Start :func:`warm_claim_clients` once per process, off the request's thread."""
    if _started.is_set():
        return
    _started.set()

    def run() -> None:
        try:
            warm_claim_clients()
        except Exception:  # the first claim then creates them itself
            log.warning("warming the claim path's clients failed", exc_info=True)

    threading.Thread(target=run, name="coupons-warm", daemon=True).start()
