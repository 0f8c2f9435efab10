"""Run a media node: ``python -m media_nodes --port 8081 [--workers N]``.

aiortc is single-threaded Python, so a node uses its cores the way mediasoup does: one worker
process per core, each a full node (own HTTP port, own UDP sockets, own registry item). Workers of
one host find each other through the registry like any two nodes: a viewer routed to a worker
that lacks the room makes it pull the room from the sibling holding the publisher (a local
cascade hop), so the routing function can spread viewers over every core by load.

TLS (``CROSSLIVE_MEDIA_TLS_CERT`` / ``_KEY``, see ``media_nodes.config``): every worker serves
HTTPS and WSS on its port with the same certificate. ``SIGHUP`` (``systemctl reload``; the
supervisor passes it on to its workers) loads a renewed certificate into the running TLS context:
new connections get the new certificate, open ones (push WebSockets) keep theirs, and media
sessions are untouched (WebRTC media is DTLS-SRTP with its own per-session certificates).
"""

from __future__ import annotations

import gc
import logging
import os
import signal
import ssl
import subprocess
import sys
import time
from typing import Any

import click
import uvicorn

from functions.shared import heap
from media_nodes.config import (
    ENV_NODE_ID,
    ENV_PUBLIC_URL,
    ENV_TLS_CERT,
    ENV_TLS_KEY,
    NodeConfigError,
    NodeSettings,
    node_settings,
)

logger = logging.getLogger("crosslive.media.server")


class CertificateReloader:
    """Loads a renewed certificate and key into the server's live ``SSLContext``.

    OpenSSL copies the certificate into each connection when it is accepted, so replacing it in the
    context changes what new handshakes present and leaves established connections alone. The new
    pair is first loaded into a scratch context: a half-written or mismatched pair is refused and
    the node keeps serving the certificate it has.
    """

    def __init__(self, context: ssl.SSLContext, certfile: str, keyfile: str) -> None:
        self.context = context
        self.certfile = certfile
        self.keyfile = keyfile
        self.reloads = 0

    def reload(self) -> bool:
        try:
            ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).load_cert_chain(self.certfile, self.keyfile)
        except (OSError, ssl.SSLError) as exc:
            logger.error("certificate reload refused, keeping the current one: %s", exc)
            return False
        self.context.load_cert_chain(self.certfile, self.keyfile)
        self.reloads += 1
        logger.warning("reloaded TLS certificate %s", self.certfile)
        return True


def server_config(app: Any, settings: NodeSettings, host: str, port: int) -> uvicorn.Config:
    """The uvicorn configuration of a node (loaded: its TLS context exists when TLS is on)."""
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=os.environ.get("CROSSLIVE_MEDIA_LOG_LEVEL", "warning"),
        access_log=False,
        lifespan="on",
        # Comment frames are small and sent to every viewer: per-message deflate would compress
        # each frame once per connection (measured by the comments benchmark's push-only node).
        ws_per_message_deflate=False,
        ssl_certfile=settings.tls_cert,
        ssl_keyfile=settings.tls_key,
    )
    config.load()
    if config.ssl is not None:
        config.ssl.minimum_version = ssl.TLSVersion.TLSv1_2
    return config


def certificate_reloader(config: uvicorn.Config, settings: NodeSettings) -> CertificateReloader | None:
    """A reloader for ``config``'s TLS context, or ``None`` when the node serves plain HTTP."""
    if config.ssl is None or settings.tls_cert is None or settings.tls_key is None:
        return None
    return CertificateReloader(config.ssl, settings.tls_cert, settings.tls_key)


def serve(host: str, port: int) -> None:
    """One node process on ``host:port`` (blocks); ``SIGHUP`` reloads its certificate."""
    from media_nodes.app import create_node_app

    settings = node_settings(host=host, port=port)
    config = server_config(create_node_app(settings), settings, host, port)
    reloader = certificate_reloader(config, settings)
    # uvicorn handles SIGINT/SIGTERM only; an unhandled SIGHUP would end the process.
    signal.signal(signal.SIGHUP, (lambda *_: reloader.reload()) if reloader else signal.SIG_IGN)
    # Closed peer connections are cyclic garbage that only a full collection frees: the start-up
    # heap (aiortc, av, FastAPI, the platform's models: ~100,000 objects) out of the collector's
    # sight, and a full collection allowed after every middle one, so they are freed within a
    # minute, not after ~3 minutes of viewers piling up (functions/shared/heap.py, docs/media.md).
    heap.freeze_startup_heap()
    thresholds = heap.collect_old_garbage_promptly()
    try:
        uvicorn.Server(config).run()
    finally:  # the process is ending, or serve() ran inside another process (tests)
        gc.set_threshold(*thresholds)
        heap.thaw()


def worker_env(base_env: dict[str, str], index: int, port: int, host: str) -> dict[str, str]:
    """Environment of worker ``index``: its own node id and public URL (``{port}`` is expanded).

    Without an explicit public URL the worker derives its own (``media_nodes.config``: scheme from
    TLS, host from the certificate or ``CROSSLIVE_MEDIA_PUBLIC_HOST``, else ``host``).
    """
    env = dict(base_env)
    node_id = env.get(ENV_NODE_ID)
    if node_id:
        env[ENV_NODE_ID] = f"{node_id}-w{index}"
    public = env.get(ENV_PUBLIC_URL)
    if public:
        env[ENV_PUBLIC_URL] = public.replace("{port}", str(port))
    return env


def supervise(host: str, port: int, workers: int) -> int:
    """Start ``workers`` node processes on consecutive ports; stop them all on SIGTERM/SIGINT, pass SIGHUP on."""
    procs: list[subprocess.Popen[bytes]] = []
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    def reload(*_: object) -> None:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGHUP)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGHUP, reload)
    procs += [
        subprocess.Popen(
            [sys.executable, "-m", "media_nodes", "--host", host, "--port", str(port + i), "--workers", "1"],
            env=worker_env(dict(os.environ), i, port + i, host),
        )
        for i in range(workers)
    ]
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
@click.option("--tls-cert", envvar=ENV_TLS_CERT, type=click.Path(exists=True, dir_okay=False), help="PEM chain: HTTPS")
@click.option("--tls-key", envvar=ENV_TLS_KEY, type=click.Path(exists=True, dir_okay=False), help="its private key")
def main(host: str, port: int, workers: int, tls_cert: str | None, tls_key: str | None) -> None:
    """Serve a crosslive media node (WHIP/WHEP) with one worker process per core."""
    for name, value in ((ENV_TLS_CERT, tls_cert), (ENV_TLS_KEY, tls_key)):
        if value:
            os.environ[name] = os.path.abspath(value)  # workers read the same settings
    try:
        node_settings(host=host, port=port)  # refuse a contradictory setup before any worker starts
    except NodeConfigError as exc:
        raise click.UsageError(str(exc)) from exc
    count = workers or os.cpu_count() or 1
    if count == 1:
        serve(host, port)
    else:
        sys.exit(supervise(host, port, count))
