"""Run a media node: ``python -m media_nodes --port 8081 [--workers N]``.

aiortc is single-threaded Python, so a node uses its cores the way mediasoup does: one worker
process per core, each a full node (own HTTP port, own UDP sockets, own registry item). Workers of
one host find each other through the registry like any two nodes: a viewer routed to a worker
that lacks the room makes it pull the room from the sibling holding the publisher (a local
cascade hop), so the routing function can spread viewers over every core by load.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import click
import uvicorn

from media_nodes.config import ENV_NODE_ID, ENV_PUBLIC_URL, node_settings


def serve(host: str, port: int) -> None:
    """One node process on ``host:port`` (blocks)."""
    from media_nodes.app import create_node_app

    app = create_node_app(node_settings(host=host, port=port))
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level=os.environ.get("CROSSLIVE_MEDIA_LOG_LEVEL", "warning"),
        access_log=False,
        lifespan="on",
        # Comment frames are small and sent to every viewer: per-message deflate would compress
        # each frame once per connection (measured by the comments benchmark's push-only node).
        ws_per_message_deflate=False,
    )


def worker_env(base_env: dict[str, str], index: int, port: int, host: str) -> dict[str, str]:
    """Environment of worker ``index``: its own node id and public URL (``{port}`` is expanded)."""
    env = dict(base_env)
    node_id = env.get(ENV_NODE_ID)
    if node_id:
        env[ENV_NODE_ID] = f"{node_id}-w{index}"
    public = env.get(ENV_PUBLIC_URL)
    env[ENV_PUBLIC_URL] = public.replace("{port}", str(port)) if public else f"http://{host}:{port}"
    return env


def supervise(host: str, port: int, workers: int) -> int:
    """Start ``workers`` node processes on consecutive ports; stop them all on SIGTERM/SIGINT."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "media_nodes", "--host", host, "--port", str(port + i), "--workers", "1"],
            env=worker_env(dict(os.environ), i, port + i, host),
        )
        for i in range(workers)
    ]
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while not stopping and all(p.poll() is None for p in procs):
        time.sleep(0.5)
    for p in procs:
        if p.poll() is None:
            p.terminate()
    for p in procs:
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
    return 0 if stopping else 1


@click.command()
@click.option("--host", default="0.0.0.0", show_default=True)
@click.option("--port", default=8081, show_default=True, type=int, help="first worker's HTTP port")
@click.option("--workers", default=0, type=int, help="worker processes; 0 = one per CPU core")
def main(host: str, port: int, workers: int) -> None:
    """Serve a crosslive media node (WHIP/WHEP) with one worker process per core."""
    count = workers or os.cpu_count() or 1
    if count == 1:
        serve(host, port)
    else:
        sys.exit(supervise(host, port, count))
