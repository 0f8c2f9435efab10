"""Media for ``crosslive dev``: an origin node, an edge node and a demo broadcaster on loopback.

Each runs as its own process (as in production), configured by the same environment variables a
deployed node gets, pointed at the embedded platform's DynamoDB and token issuer. The broadcaster
publishes a synthetic test pattern to the demo room ``demo-live`` of the demo merchant, so the
pages show a live room with no camera.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from typing import TYPE_CHECKING

import httpx

from crosslive.dev.platform import free_port
from crosslive.dev.supervisor import RestartingProcess
from functions.shared import config as cfg
from media_nodes import config as node_cfg
from media_nodes.insights_feed import ENV_INSIGHTS_URL

if TYPE_CHECKING:
    from crosslive.dev.platform import EmbeddedPlatform, Service

DEMO_ROOM = "demo-live"
DEMO_MERCHANT = "demo-merchant"
DEMO_MARKETS = ["ID", "DE", "AE", "SG", "TH", "VN", "MY", "PH", "SA", "FR", "US", "JP"]


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url} exited with {proc.returncode}")
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{url} did not become healthy in {seconds} s")


class MediaNodeService:
    """One media node process (``python -m media_nodes``) against the embedded platform."""

    def __init__(
        self,
        name: str,
        role: str,
        region_name: str,
        secret: str,
        port: int | None = None,
        origin: MediaNodeService | None = None,
    ) -> None:
        self.name = name
        self.role = role
        self.region_name = region_name
        self.secret = secret
        self.port = port
        self.origin = origin
        self.process: RestartingProcess | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def proc(self) -> subprocess.Popen[bytes] | None:
        """The node's current process (a new one after a restart)."""
        return self.process.proc if self.process is not None else None

    def start(self, platform: EmbeddedPlatform) -> None:
        """Start the node and keep it running: a node that dies comes back on the same port."""
        self.port = self.port or free_port()
        env = {
            **os.environ,
            **platform.environment(),
            cfg.ENV_ROLE: self.role,
            cfg.ENV_REGION_NAME: self.region_name,
            node_cfg.ENV_NODE_ID: f"{self.region_name}-{self.role}-{self.port}",
            node_cfg.ENV_PUBLIC_URL: self.url,
            node_cfg.ENV_NODE_SECRET: self.secret,
            node_cfg.ENV_ICE_LOOPBACK: "1",
            ENV_INSIGHTS_URL: platform.base_url,  # the node's per-second viewer feed
            # the platform's pages may call it (and origins the developer added); no other site
            node_cfg.ENV_CORS_ORIGINS: ",".join(
                (*platform.page_origins(), *node_cfg.cors_origins(os.environ.get(node_cfg.ENV_CORS_ORIGINS)))
            ),
        }
        if self.origin is not None:
            env[node_cfg.ENV_ORIGIN_URL] = self.origin.url
        argv = [sys.executable, "-m", "media_nodes", "--host", "127.0.0.1", "--port", str(self.port), "--workers", "1"]

        def launch() -> subprocess.Popen[bytes]:
            proc = subprocess.Popen(argv, env=env)
            try:
                _wait_healthy(self.url, proc)
            except Exception:
                proc.kill()
                proc.wait()
                raise
            return proc

        self.process = RestartingProcess(f"media {self.name} ({self.url})", launch)
        self.process.start()

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()
        self.process = None

    def urls(self) -> dict[str, str]:
        return {
            f"media {self.name}": f"{self.url}/metrics",
            f"{self.name} WHEP (demo room)": f"{self.url}/whep/{DEMO_ROOM}",
        }


def ensure_demo_room() -> None:
    """The demo merchant's live room, broadcast to every built-in market."""
    from functions.rooms.models import Room

    now = int(time.time())
    try:
        Room.get(DEMO_ROOM)
    except Room.DoesNotExist:
        Room(
            DEMO_ROOM,
            merchant_sub=DEMO_MERCHANT,
            title="crosslive demo: test pattern",
            home_market="CN",
            host_language="zh-Hans",
            markets=DEMO_MARKETS,
            status="live",
            created_at=now,
            updated_at=now,
        ).save()


class BroadcasterService:
    """``crosslive broadcast`` publishing the test pattern to the demo room on the origin."""

    name = "demo broadcaster"

    def __init__(self, origin: MediaNodeService, size: str = "1280x720") -> None:
        self.origin = origin
        self.size = size
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, platform: EmbeddedPlatform) -> None:
        ensure_demo_room()
        token = platform.issuer.issue(
            DEMO_MERCHANT, "merchant", market="CN", name="Demo Shop", ttl_seconds=7 * 24 * 3600
        )
        env = {**os.environ, **platform.environment(), "CROSSLIVE_TOKEN": token}
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from crosslive.cli import main; main()",
                "broadcast",
                "--whip-url",
                f"{self.origin.url}/whip/{DEMO_ROOM}",
                "--size",
                self.size,
            ],
            env=env,
        )
        self.wait_live()

    def wait_live(self, seconds: float = 30) -> bool:
        """Block until the origin reports the demo room live (or the broadcaster died)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and self.proc is not None and self.proc.poll() is None:
            try:
                rooms = httpx.get(f"{self.origin.url}/metrics", timeout=1).json()["rooms"]
                if rooms.get(DEMO_ROOM, {}).get("frames_in", 0) > 0:
                    return True
            except (httpx.HTTPError, ValueError, KeyError):
                pass
            time.sleep(0.2)
        return False

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.proc = None

    def urls(self) -> dict[str, str]:
        return {"demo room": DEMO_ROOM}


def media_services(size: str = "1280x720") -> tuple[MediaNodeService, MediaNodeService, BroadcasterService]:
    """Origin, edge (pulling from the origin) and the demo broadcaster, in start order."""
    secret = secrets.token_urlsafe(24)
    origin = MediaNodeService("origin", "origin", "local", secret)
    edge = MediaNodeService("edge", "edge", "local-edge", secret, origin=origin)
    return origin, edge, BroadcasterService(origin, size)


def embedded_media_services(size: str = "1280x720") -> list[Service]:
    """What ``crosslive dev`` starts beside the functions (see ``media_services``)."""
    return list(media_services(size))
