"""Start the whole platform on loopback: DynamoDB (moto), every function, issuer, nodes, pages.

``EmbeddedPlatform`` is what ``crosslive dev`` runs and what the integration tests start. It sets
the same environment variables the CDK stack sets on each Lambda (``functions.shared.config``),
creates the tables from the same model definitions CDK synthesizes, and serves every function on
its API Gateway path. It installs the local stream (``crosslive.dev.stream``) as the sink of the
stream port, so writes of streamed tables reach the fan-out as DynamoDB Streams would deliver them.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import uvicorn

from crosslive.dev.dynamodb import EmbeddedDynamoDB
from crosslive.dev.dynamodb_process import DynamoDBProcess
from crosslive.dev.gateway import Gateway, issuer_app, load_function_apps
from crosslive.dev.issuer import LocalIssuer
from crosslive.dev.schedule import Scheduler
from crosslive.dev.stream import install as install_local_stream
from crosslive.dev.stream import subscribe as subscribe_local_stream
from functions.shared import config as cfg
from functions.shared import heap
from functions.shared import stream as stream_port


class Service(Protocol):
    """Anything the platform starts beside the functions (media nodes, demo broadcaster)."""

    name: str

    def start(self, platform: EmbeddedPlatform) -> None: ...
    def stop(self) -> None: ...
    def urls(self) -> dict[str, str]: ...


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


@dataclass
class EmbeddedPlatform:
    host: str = "127.0.0.1"
    port: int = 8000
    region_name: str = "local"
    markets: tuple[str, ...] = ()
    plugins: tuple[str, ...] | None = None  # None: all installed
    services: list[Service] = field(default_factory=list)
    issuer: LocalIssuer = field(default_factory=LocalIssuer)
    # In this process by default; a ``DynamoDBProcess`` keeps moto's stored data out of this
    # process's memory (``crosslive bench soak`` measures the platform's growth without it).
    dynamodb: EmbeddedDynamoDB | DynamoDBProcess = field(default_factory=EmbeddedDynamoDB)
    _server: uvicorn.Server | None = None
    _thread: threading.Thread | None = None
    _saved_env: dict[str, str | None] = field(default_factory=dict)
    _saved_sink: stream_port.Sink | None = None
    _froze: bool = False  # this platform froze the start-up heap (``functions.shared.heap``)
    _gc_thresholds: tuple[int, int, int] | None = None  # the collector's, before this platform's
    # Signs the comment fan-out's pushes to the media nodes (functions.shared.signing); random per run.
    push_secret: str = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)
    # The functions' AWS region (the default zone's tables live there; moto keeps one backend per region).
    aws_region: str = "us-east-1"
    table_prefix: str = "crosslive-local"
    # Residency zones (``CROSSLIVE_ZONES``), e.g. {"eu": {"home": "eu-central-1", "markets": ["DE", "FR"]}}:
    # each zone's tables are created in its home region (moto's backend of that region). None: no
    # zone, every market's data in the default zone (``crosslive dev``'s default).
    zones: dict[str, dict[str, Any]] | None = None
    # The scheduled functions (EventBridge rules in AWS: the insights dead-node sweep), run by
    # ``start`` every few seconds; ``configure`` alone (the in-process tests) runs none.
    scheduler: Scheduler = field(default_factory=Scheduler)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def page_origins(self) -> tuple[str, ...]:
        """The origins the platform's pages are served from: what its media nodes allow by CORS.

        A loopback or wildcard host is reachable as both 127.0.0.1 and localhost; pages opened under
        another name (a LAN address with ``--host 0.0.0.0``) are added with
        ``CROSSLIVE_MEDIA_CORS_ORIGINS``."""
        names = {self.host}
        if self.host in ("127.0.0.1", "localhost", "0.0.0.0"):
            names = {"127.0.0.1", "localhost"}
        return tuple(f"http://{name}:{self.port}" for name in sorted(names))

    def environment(self) -> dict[str, str]:
        """The variables a deployed Lambda gets, pointed at the embedded services."""
        return {
            cfg.ENV_STAGE: "local",
            cfg.ENV_REGION_NAME: self.region_name,
            cfg.ENV_ROLE: "origin",
            cfg.ENV_MARKETS: ",".join(self.markets),
            cfg.ENV_PLUGINS: "*" if self.plugins is None else ",".join(self.plugins),
            cfg.ENV_TABLE_PREFIX: self.table_prefix,
            cfg.ENV_DYNAMODB_ENDPOINT: self.dynamodb.endpoint,
            cfg.ENV_AUTH_ISSUER: self.issuer.issuer,
            cfg.ENV_AUTH_AUDIENCE: self.issuer.audience,
            cfg.ENV_AUTH_JWKS: self.issuer.jwks_json(),
            cfg.ENV_AWS_REGION: self.aws_region,
            cfg.ENV_HOME_AWS_REGION: self.aws_region,
            cfg.ENV_ZONES: json.dumps(self.zones) if self.zones else "",
            # moto needs credentials to exist; they are never sent anywhere but loopback.
            "AWS_ACCESS_KEY_ID": os.environ.get("AWS_ACCESS_KEY_ID", "embedded"),
            "AWS_SECRET_ACCESS_KEY": os.environ.get("AWS_SECRET_ACCESS_KEY", "embedded"),
            "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
            "CROSSLIVE_PUSH_SECRET": os.environ.get("CROSSLIVE_PUSH_SECRET") or self.push_secret,
            "POWERTOOLS_METRICS_NAMESPACE": "crosslive",
            "POWERTOOLS_LOG_LEVEL": os.environ.get("POWERTOOLS_LOG_LEVEL", "WARNING"),
        }

    def configure(self) -> None:
        """Start DynamoDB, export the environment, create tables (no HTTP server yet)."""
        from functions.shared.db import create_tables

        self.dynamodb.start()
        env = self.environment()
        for key, value in env.items():
            self._saved_env.setdefault(key, os.environ.get(key))
            os.environ[key] = value
        cfg.get_settings.cache_clear()
        create_tables()
        if self._saved_sink is None:
            self._saved_sink = install_local_stream()
            from functions.insights.consumer import process_records as insights_consumer

            subscribe_local_stream(insights_consumer)  # the insights consumer's event source mappings
            if self.zones:  # each zone's home counts its own distinct sets and viewers (no batching window here)
                from functions.insights.zone_figures import process_records as zone_figures

                subscribe_local_stream(zone_figures)
        self.check_plugins()

    def check_plugins(self) -> None:
        """Build and validate the plugins every function will load, before serving anything: a
        plugin returning bad data (or raising) stops the platform with ``PluginError`` naming it,
        as it stops ``cdk synth``, instead of a 500 on every request that reads it."""
        from functions.shared.plugins import get_plugins
        from plugins.manager import PluginError

        try:
            get_plugins()
        except PluginError:
            self.stop()
            raise

    def asgi_app(self) -> Gateway:
        from crosslive.dev.pages import pages_app

        return Gateway(
            load_function_apps(),
            extra={"auth": issuer_app(self.issuer, allowed_hosts=[self.host])},
            fallback=pages_app(self),
            zone_homes={name: str(zone["home"]) for name, zone in (self.zones or {}).items()},
        )

    def start(self, *, serve: bool = True) -> EmbeddedPlatform:
        self.configure()
        if serve:
            if self.port == 0:
                self.port = free_port(self.host)
            config = uvicorn.Config(
                self.asgi_app(), host=self.host, port=self.port, log_level="warning", lifespan="on", access_log=False
            )
            self._server = uvicorn.Server(config)
            self._thread = threading.Thread(target=self._server.run, name="gateway", daemon=True)
            self._thread.start()
            _wait_for(lambda: self._server is not None and self._server.started, 15, "gateway")
        for service in self.services:
            service.start(self)
        self.scheduler.start()
        # Everything built so far (plugin data, lexicons, apps, tables' models) lives as long as
        # the platform: out of the cycle collector's sight, so its full collections come often and
        # stay cheap, and the cycles requests and in-process clients leave are freed within
        # seconds instead of piling up for tens of minutes (docs/benchmarks.md, soak).
        heap.freeze_startup_heap()
        self._froze = True
        # A full collection may also follow every middle one, not every tenth: the closed peer
        # connections of in-process WHEP clients (the soak's) wait less (``collect_old_garbage_promptly``).
        self._gc_thresholds = heap.collect_old_garbage_promptly()
        return self

    def stop(self) -> None:
        self.scheduler.stop()
        for service in reversed(self.services):
            with contextlib.suppress(Exception):  # keep stopping the rest
                service.stop()
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.dynamodb.stop()
        if self._gc_thresholds is not None:
            gc.set_threshold(*self._gc_thresholds)
            self._gc_thresholds = None
        if self._froze:
            heap.thaw()  # what this platform held can be collected again once released
            self._froze = False
        if self._saved_sink is not None:
            stream_port.install(self._saved_sink)
            self._saved_sink = None
        for key, value in self._saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        self._saved_env.clear()
        cfg.get_settings.cache_clear()
        # Models cache their endpoint: point them back at whatever the restored settings say
        # (another platform still running in this process, or none).
        from functions.shared.db import configure_tables

        configure_tables()

    def urls(self) -> dict[str, str]:
        from functions import FUNCTIONS

        urls = {
            "pages": f"{self.base_url}/",
            "merchant console": f"{self.base_url}/console",
            "dynamodb": self.dynamodb.endpoint,
        }
        for name in FUNCTIONS:
            urls[f"{name} API"] = f"{self.base_url}/v1/{name}/docs"
        for service in self.services:
            urls.update(service.urls())
        if "demo room" in urls:  # the pages (crosslive/dev/pages.py): watch the demo broadcast
            urls["viewer page (demo room)"] = f"{self.base_url}/watch?room={urls['demo room']}"
        return urls

    def demo_tokens(self) -> dict[str, str]:
        return {
            "merchant (demo-merchant, CN)": self.issuer.issue(
                "demo-merchant", "merchant", market="CN", name="Demo Shop"
            ),
            "viewer (demo-viewer-id, ID)": self.issuer.issue("demo-viewer-id", "viewer", market="ID", name="Ayu"),
            "viewer (demo-viewer-de, DE)": self.issuer.issue("demo-viewer-de", "viewer", market="DE", name="Jonas"),
            "moderator (demo-moderator)": self.issuer.issue("demo-moderator", "moderator", name="Mod"),
        }

    def __enter__(self) -> EmbeddedPlatform:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def _wait_for(predicate: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not start within {seconds} s")
        time.sleep(0.02)
