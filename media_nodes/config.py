"""Settings of a media node, read once from environment variables (names defined here only).

Region, role (origin | edge), DynamoDB and auth come from ``functions.shared.config`` (the same
variables the functions read); the variables below are the node's own.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field

from functions.shared.config import Settings, get_settings

ENV_NODE_ID = "CROSSLIVE_MEDIA_NODE_ID"  # unique per node process; default <region>-<host>-<port>
ENV_PUBLIC_URL = "CROSSLIVE_MEDIA_PUBLIC_URL"  # how viewers and other nodes reach this node's HTTP
ENV_ICE_SERVERS = "CROSSLIVE_MEDIA_ICE_SERVERS"  # comma-separated stun:/turn: URLs (EC2: a STUN server)
ENV_ICE_LOOPBACK = "CROSSLIVE_MEDIA_ICE_LOOPBACK"  # "1": offer 127.0.0.1 candidates (one machine)
ENV_NODE_SECRET = "CROSSLIVE_MEDIA_NODE_SECRET"  # HMAC key of node-to-node (cascade) tokens
ENV_ORIGIN_URL = "CROSSLIVE_MEDIA_ORIGIN_URL"  # static upstream when the registry knows none
ENV_MAX_VIEWERS = "CROSSLIVE_MEDIA_MAX_VIEWERS"
ENV_UPSTREAM_LINGER = "CROSSLIVE_MEDIA_UPSTREAM_LINGER"  # seconds an idle upstream is kept
ENV_SOURCE_GRACE = "CROSSLIVE_MEDIA_SOURCE_GRACE"  # seconds viewers wait for a lost source
ENV_HEARTBEAT = "CROSSLIVE_MEDIA_HEARTBEAT"  # seconds between registry heartbeats; 0 disables
ENV_CORS_ORIGINS = "CROSSLIVE_MEDIA_CORS_ORIGINS"
ENV_OFFER_RATE = "CROSSLIVE_MEDIA_OFFER_RATE"  # offers per second per client address
ENV_OFFER_BURST = "CROSSLIVE_MEDIA_OFFER_BURST"
ENV_MAX_PENDING = "CROSSLIVE_MEDIA_MAX_PENDING"  # offers being negotiated at once
ENV_UDP_PORTS = "CROSSLIVE_MEDIA_UDP_PORTS"  # "40000-49999": ICE binds only there (security group)


def _csv(value: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in (value or "").split(",") if p.strip())


def _port_range(value: str | None) -> tuple[int, int] | None:
    if not value:
        return None
    low, _, high = value.partition("-")
    return int(low), int(high or low)


@dataclass(frozen=True)
class NodeSettings:
    node_id: str
    public_url: str
    region_name: str
    aws_region: str
    role: str
    ice_servers: tuple[str, ...] = ()
    ice_loopback: bool = False
    node_secret: str | None = None
    origin_url: str | None = None
    max_viewers: int = 500
    upstream_linger: float = 5.0
    source_grace: float = 10.0
    heartbeat_seconds: float = 2.0
    cors_origins: tuple[str, ...] = ("*",)
    offer_rate: float = 5.0
    offer_burst: int = 20
    max_pending: int = 32
    udp_ports: tuple[int, int] | None = None
    shared: Settings = field(default_factory=get_settings, repr=False)


def node_settings(host: str = "127.0.0.1", port: int = 8081, env: dict[str, str] | None = None) -> NodeSettings:
    env = dict(os.environ) if env is None else env
    shared = get_settings()
    node_id = env.get(ENV_NODE_ID) or f"{shared.region_name}-{socket.gethostname()}-{port}"
    return NodeSettings(
        node_id=node_id,
        public_url=(env.get(ENV_PUBLIC_URL) or f"http://{host}:{port}").rstrip("/"),
        region_name=shared.region_name,
        aws_region=shared.aws_region,
        role=shared.role,
        ice_servers=_csv(env.get(ENV_ICE_SERVERS)),
        ice_loopback=env.get(ENV_ICE_LOOPBACK, "0") == "1",
        node_secret=env.get(ENV_NODE_SECRET) or None,
        origin_url=(env.get(ENV_ORIGIN_URL) or "").rstrip("/") or None,
        max_viewers=int(env.get(ENV_MAX_VIEWERS, 500)),
        upstream_linger=float(env.get(ENV_UPSTREAM_LINGER, 5.0)),
        source_grace=float(env.get(ENV_SOURCE_GRACE, 10.0)),
        heartbeat_seconds=float(env.get(ENV_HEARTBEAT, 2.0)),
        cors_origins=_csv(env.get(ENV_CORS_ORIGINS, "*")),
        offer_rate=float(env.get(ENV_OFFER_RATE, 5.0)),
        offer_burst=int(env.get(ENV_OFFER_BURST, 20)),
        max_pending=int(env.get(ENV_MAX_PENDING, 32)),
        udp_ports=_port_range(env.get(ENV_UDP_PORTS)),
        shared=shared,
    )
