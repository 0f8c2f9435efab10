"""Media nodes over HTTPS: WHIP, WHEP and the push WebSocket through TLS, https URLs in the registry
and in routing, and a renewed certificate picked up by a running node without dropping anyone.

The certificates come from a throwaway CA made in the test (``TestCA``); clients trust it the way
an operator would make them trust a private CA: ``SSL_CERT_FILE`` (httpx reads it).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import certifi
import httpx
import pytest
import uvicorn
import websockets
from cryptography import x509

from crosslive.dev.platform import EmbeddedPlatform
from functions.routing.models import MediaNodeRecord
from media_nodes.app import create_node_app
from media_nodes.client import WhepViewer, WhipPublisher
from media_nodes.config import ENV_HEARTBEAT, ENV_ICE_LOOPBACK, ENV_NODE_ID, NodeSettings, node_settings
from media_nodes.server import server_config
from media_nodes.testpattern import TestPatternTrack

from .test_tls_config import TestCA, tls_env

pytestmark = pytest.mark.slow


@pytest.fixture
def ca(tmp_path: Path) -> TestCA:
    return TestCA(tmp_path)


def free_ports(count: int) -> int:
    """A first port such that ``count`` consecutive loopback ports are free."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            first = probe.getsockname()[1]
        sockets = []
        try:
            for port in range(first, first + count):
                s = socket.socket()
                sockets.append(s)
                s.bind(("127.0.0.1", port))
            return int(first)
        except OSError:
            continue
        finally:
            for s in sockets:
                s.close()
    raise RuntimeError("no consecutive free ports")


def served_certificate_serial(port: int, ca_file: Path) -> int:
    """Serial number of the certificate a new TLS connection to ``port`` is shown (verified)."""
    context = ssl.create_default_context(cafile=str(ca_file))
    with (
        socket.create_connection(("127.0.0.1", port), timeout=5) as raw,
        context.wrap_socket(raw, server_hostname="localhost") as tls,
    ):
        der = tls.getpeercert(binary_form=True)
    assert der is not None
    return int(x509.load_der_x509_certificate(der).serial_number)


async def push_ready(url: str, token: str, ca_file: Path) -> Any:
    """A push WebSocket (wss) past its auth handshake."""
    ws = await websockets.connect(url, ssl=ssl.create_default_context(cafile=str(ca_file)))
    await ws.send(json.dumps({"type": "auth", "token": token}))
    hello = json.loads(await asyncio.wait_for(ws.recv(), 10))
    assert hello["type"] == "ready", hello
    return ws


@pytest.fixture
async def tls_node(embedded: EmbeddedPlatform, ca: TestCA, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Any]:
    """One node in this event loop serving HTTPS with a certificate for ``localhost``."""
    monkeypatch.setenv("SSL_CERT_FILE", str(ca.pem))  # the clients (httpx) trust the test CA
    issued = ca.issue("localhost", ["localhost"], ["127.0.0.1"])
    port = free_ports(1)
    base = node_settings(host="127.0.0.1", port=port, env=tls_env(issued))
    settings = NodeSettings(**{**vars(base), "node_id": f"tls-{port}", "heartbeat_seconds": 0.5, "ice_loopback": True})
    server = uvicorn.Server(server_config(create_node_app(settings), settings, "127.0.0.1", port))
    task = asyncio.ensure_future(server.serve())
    for _ in range(500):
        if server.started:
            break
        await asyncio.sleep(0.01)
    assert server.started
    try:
        yield settings
    finally:
        server.should_exit = True
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(task, 10)


async def test_whip_whep_and_push_over_https_with_https_urls_in_registry_and_routing(
    tls_node: NodeSettings, ca: TestCA, room: dict[str, Any], token: Any, client: Any
) -> None:
    settings = tls_node
    port = int(settings.public_url.rsplit(":", 1)[1])
    room_id = str(room["room_id"])
    # GIVEN a node started with only a certificate and key: its URL comes from the certificate
    assert settings.public_url == f"https://localhost:{port}"
    # THEN plain HTTP is not served on its port, and a client that does not trust the CA is refused
    # (the server runs in this event loop: the checks use async clients)
    async with httpx.AsyncClient(timeout=5) as plain:
        with pytest.raises(httpx.HTTPError):
            await plain.get(f"http://127.0.0.1:{port}/health")
    async with httpx.AsyncClient(timeout=5, verify=ssl.create_default_context(cafile=certifi.where())) as public:
        with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            await public.get(f"{settings.public_url}/health")
    async with httpx.AsyncClient(timeout=5) as trusting:  # SSL_CERT_FILE: the test CA
        assert (await trusting.get(f"{settings.public_url}/health")).json()["node_id"] == settings.node_id
    # AND its heartbeat advertises the https URL
    deadline = time.monotonic() + 10
    while True:
        try:
            record = MediaNodeRecord.get(settings.node_id)
            break
        except MediaNodeRecord.DoesNotExist:
            assert time.monotonic() < deadline, "no heartbeat"
            await asyncio.sleep(0.1)
    assert record.base_url == f"https://localhost:{port}"
    # WHEN a merchant publishes over https (WHIP)
    publisher = await WhipPublisher.start(
        f"{settings.public_url}/whip/{room_id}", token("merchant", sub="merchant-1"), [TestPatternTrack(320, 240, 30)]
    )
    viewer = None
    ws = None
    try:
        # AND a viewer asks routing for a node and plays the WHEP URL it gets
        viewer_token = token("viewer", sub="tls-viewer", market="DE")
        nodes = client.get(
            f"/v1/routing/rooms/{room_id}/nodes", headers={"Authorization": f"Bearer {viewer_token}"}
        ).json()["nodes"]
        mine = [n for n in nodes if n["node_id"] == settings.node_id]
        assert mine, nodes
        assert mine[0]["whep_url"] == f"https://localhost:{port}/whep/{room_id}"
        assert mine[0]["probe_url"] == f"https://localhost:{port}/ping"
        viewer = await WhepViewer.start(mine[0]["whep_url"], viewer_token)
        # THEN media flows (signalling went through TLS; media is DTLS-SRTP as always)
        assert await viewer.wait_frames(10, timeout=15) >= 10
        # AND the comment push WebSocket works over wss on the same port
        ws = await push_ready(f"wss://localhost:{port}/v1/push/rooms/{room_id}", viewer_token, ca.pem)
    finally:
        if ws is not None:
            await ws.close()
        if viewer is not None:
            await viewer.stop()
        await publisher.stop()


async def test_python_m_media_nodes_reloads_a_renewed_certificate_on_sighup_without_dropping_connections(
    embedded: EmbeddedPlatform, ca: TestCA, token: Any, room: dict[str, Any]
) -> None:
    first = ca.issue("localhost", ["localhost"], ["127.0.0.1"], prefix="first")
    live_cert, live_key = ca.directory / "live.pem", ca.directory / "live.key"
    live_cert.write_bytes(first.cert.read_bytes())
    live_key.write_bytes(first.key.read_bytes())
    port = free_ports(2)
    env = {
        **os.environ,
        **embedded.environment(),
        ENV_NODE_ID: f"tls-cli-{port}",
        ENV_ICE_LOOPBACK: "1",
        ENV_HEARTBEAT: "0.5",
        "SSL_CERT_FILE": str(ca.pem),
    }
    # GIVEN `python -m media_nodes` with two workers, started with --tls-cert/--tls-key
    log = ca.directory / "node.log"
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "media_nodes", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"),
            *("--tls-cert", str(live_cert), "--tls-key", str(live_key)),
        ],
        env=env,
        stderr=log.open("wb"),
    )

    async def logged(text: str, times: int) -> None:
        deadline = time.monotonic() + 15
        while log.read_text(errors="replace").count(text) < times:
            assert time.monotonic() < deadline, log.read_text(errors="replace")[-2000:]
            await asyncio.sleep(0.1)

    ws = None
    try:
        for worker_port in (port, port + 1):
            deadline = time.monotonic() + 60
            while True:
                assert proc.poll() is None, "node exited"
                try:
                    served_certificate_serial(worker_port, ca.pem)
                    break
                except OSError:
                    assert time.monotonic() < deadline, "worker did not start"
                    await asyncio.sleep(0.2)
        assert served_certificate_serial(port, ca.pem) == first.serial
        # AND each worker advertises its own https URL
        deadline = time.monotonic() + 15
        while True:
            urls = {n.base_url for n in MediaNodeRecord.scan() if str(n.node_id).startswith(f"tls-cli-{port}-w")}
            if len(urls) == 2 or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.2)
        assert urls == {f"https://localhost:{port}", f"https://localhost:{port + 1}"}
        # AND a viewer holds a push WebSocket open
        viewer_token = token("viewer", sub="tls-renew", market="DE")
        ws = await push_ready(f"wss://localhost:{port}/v1/push/rooms/{room['room_id']}", viewer_token, ca.pem)
        # WHEN the certificate is renewed in place and the node gets SIGHUP (systemctl reload)
        renewed = ca.issue("localhost", ["localhost"], ["127.0.0.1"], prefix="renewed")
        live_cert.write_bytes(renewed.cert.read_bytes())
        live_key.write_bytes(renewed.key.read_bytes())
        proc.send_signal(signal.SIGHUP)
        # THEN new connections to every worker get the renewed certificate
        for worker_port in (port, port + 1):
            deadline = time.monotonic() + 15
            while served_certificate_serial(worker_port, ca.pem) != renewed.serial:
                assert time.monotonic() < deadline, f"worker on {worker_port} still serves the old certificate"
                await asyncio.sleep(0.2)
        await logged("reloaded TLS certificate", 2)
        # AND the open WebSocket is still alive, and the node kept running
        pong = await ws.ping()
        await asyncio.wait_for(pong, 5)
        assert proc.poll() is None
        # WHEN a broken pair is installed (key of another certificate) and reloaded
        live_key.write_bytes(first.key.read_bytes())
        proc.send_signal(signal.SIGHUP)
        # THEN both workers refuse it, and the node keeps serving the renewed certificate
        await logged("certificate reload refused", 2)
        assert proc.poll() is None
        assert served_certificate_serial(port, ca.pem) == renewed.serial
    finally:
        if ws is not None:
            await ws.close()
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
