"""``crosslive bench first-claim``: how long the first coupon claim of a fresh process takes.

Each trial is a new Python process with the embedded platform (moto's DynamoDB, every function
in-process): a merchant creates a room and a flash campaign, a viewer page's read of the room's
campaigns happens, ``--wait`` seconds pass (the viewer looking at the offer), then the first
claim and three more are timed. The same-run baseline does the same with the claim path's
client warm-up switched off (``functions.coupons.warm``), which is what the first claim paid
before: creating botocore clients, each parsing botocore's endpoint data.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys

import click

_TRIAL = r"""
import json, os, time
from fastapi.testclient import TestClient
from crosslive.dev.platform import EmbeddedPlatform
from plugins.manager import builtin_market_plugins
if os.environ.get("BENCH_NO_WARM"):
    import functions.coupons.app as coupons_app
    coupons_app.warm_in_background = lambda: None
platform = EmbeddedPlatform(port=0, plugins=tuple(sorted(builtin_market_plugins())))
platform.configure()
client = TestClient(platform.asgi_app())
merchant = {"Authorization": "Bearer " + platform.issuer.issue("bench-m", "merchant", market="CN")}
room = client.post("/v1/rooms", headers={**merchant, "Idempotency-Key": "first-claim-room"},
                   json={"title": "bench", "markets": ["ID"], "home_market": "CN",
                         "host_language": "en"}).json()["room_id"]
now = time.time()
campaign = client.post(f"/v1/coupons/rooms/{room}/campaigns", headers=merchant, json={
    "title": "bench", "markets": ["ID"], "currency": "IDR", "stock": 100, "per_user_limit": 1,
    "discount": {"kind": "percent", "percent": 10}, "valid_from": now - 5, "valid_until": now + 3600,
    "flash": {"start": now - 5, "end": now + 600}}).json()["campaign_id"]
client.get(f"/v1/coupons/rooms/{room}/campaigns", params={"market": "ID"})
time.sleep(float(os.environ["BENCH_WAIT"]))
times = []
for i in range(4):
    viewer = {"Authorization": "Bearer " + platform.issuer.issue(f"bench-v{i}", "viewer", market="ID"),
              "Idempotency-Key": f"bench-claim-{i:04d}"}
    start = time.perf_counter()
    status = client.post(f"/v1/coupons/rooms/{room}/campaigns/{campaign}/claims", headers=viewer).status_code
    times.append((time.perf_counter() - start) * 1000)
    assert status == 201, status
platform.stop()
print("RESULT " + json.dumps(times))
"""


def _trial(warm: bool, wait: float) -> list[float]:
    env = {**os.environ, "BENCH_WAIT": str(wait)}
    if not warm:
        env["BENCH_NO_WARM"] = "1"
    out = subprocess.run([sys.executable, "-c", _TRIAL], env=env, capture_output=True, text=True, check=True)
    line = next(x for x in out.stdout.splitlines() if x.startswith("RESULT "))
    return [float(t) for t in json.loads(line.removeprefix("RESULT "))]


@click.command("first-claim")
@click.option("--trials", default=3, show_default=True, help="fresh processes per variant")
@click.option("--wait", default=3.0, show_default=True, help="seconds between the campaigns read and the claim")
def command(trials: int, wait: float) -> None:
    """Time the first claim of a fresh process, with and without the claim path's warm-up."""
    results: dict[str, list[list[float]]] = {"warm-up (now)": [], "no warm-up (before)": []}
    for _ in range(trials):  # interleaved, so both variants see the same machine load
        results["warm-up (now)"].append(_trial(True, wait))
        results["no warm-up (before)"].append(_trial(False, wait))
    load = os.getloadavg()
    click.echo(f"first claim of a fresh process, {trials} trials each, {wait:g} s after the campaigns read")
    click.echo(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    medians = {}
    for name, runs in results.items():
        first = [r[0] for r in runs]
        later = [t for r in runs for t in r[1:]]
        medians[name] = statistics.median(first)
        click.echo(
            f"{name:22s} first claim median {statistics.median(first):7.1f} ms (max {max(first):7.1f}); "
            f"later claims median {statistics.median(later):6.1f} ms"
        )
    ratio = medians["no warm-up (before)"] / medians["warm-up (now)"]
    click.echo(f"baseline ratio (before / now, first claim): {ratio:.1f}x")
