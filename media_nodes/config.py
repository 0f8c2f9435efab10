"""Settings of a media node, read once from environment variables (names defined here only).

Region, role (origin | edge), DynamoDB and auth come from ``functions.shared.config`` (the same
variables the functions read); the variables below are the node's own.

TLS: with ``CROSSLIVE_MEDIA_TLS_CERT`` and ``CROSSLIVE_MEDIA_TLS_KEY`` the node serves HTTPS and WSS
(pages served over HTTPS may only call https:// and wss:// URLs). Its public URL then defaults to
``https://<certificate name>:<port>`` and must be a name the certificate covers, checked here at
start: a node that advertised a URL browsers reject would be routed viewers it can never serve.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from functions.coupons.presence import WATCHED_SECONDS
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
ENV_WATCHED_SECONDS = "CROSSLIVE_MEDIA_WATCHED_SECONDS"  # frames delivered this long: a watch (segments)
ENV_HEARTBEAT = "CROSSLIVE_MEDIA_HEARTBEAT"  # seconds between registry heartbeats; 0 disables
# Page origins (scheme://host[:port], comma-separated) whose scripts may call this node: the
# stage's pages (CloudFront) and its configured page origins in AWS (infra/media_fleet.py), the
# embedded platform's page origins locally (crosslive/dev/media.py). Unset: no origin at all; never `*`.
ENV_CORS_ORIGINS = "CROSSLIVE_MEDIA_CORS_ORIGINS"
ENV_OFFER_RATE = "CROSSLIVE_MEDIA_OFFER_RATE"  # offers per second per client address
ENV_OFFER_BURST = "CROSSLIVE_MEDIA_OFFER_BURST"
ENV_MAX_PENDING = "CROSSLIVE_MEDIA_MAX_PENDING"  # offers being negotiated at once
ENV_UDP_PORTS = "CROSSLIVE_MEDIA_UDP_PORTS"  # "40000-49999": ICE binds only there (security group)
ENV_TLS_CERT = "CROSSLIVE_MEDIA_TLS_CERT"  # PEM chain, leaf first: serve HTTPS/WSS (SIGHUP reloads it)
ENV_TLS_KEY = "CROSSLIVE_MEDIA_TLS_KEY"  # the certificate's PEM private key
ENV_PUBLIC_HOST = "CROSSLIVE_MEDIA_PUBLIC_HOST"  # host of the default public URL (TLS: the certificate's name)


class NodeConfigError(ValueError):
    """The node's settings contradict each other (refused at start, with the variable named)."""


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
    watched_seconds: float = WATCHED_SECONDS
    heartbeat_seconds: float = 2.0
    cors_origins: tuple[str, ...] = ()  # page origins allowed by CORS (cors_origins()); none by default
    offer_rate: float = 5.0
    offer_burst: int = 20
    max_pending: int = 32
    udp_ports: tuple[int, int] | None = None
    tls_cert: str | None = None  # path of the PEM certificate chain; set together with tls_key
    tls_key: str | None = None
    shared: Settings = field(default_factory=get_settings, repr=False)

    @property
    def tls(self) -> bool:
        return self.tls_cert is not None


def certificate_names(cert_path: str) -> tuple[list[str], list[str]]:
    """DNS names and IP addresses the leaf certificate of ``cert_path`` (PEM) is valid for."""
    from cryptography import x509

    leaf = x509.load_pem_x509_certificates(Path(cert_path).read_bytes())[0]
    try:
        san = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return [], []
    return san.get_values_for_type(x509.DNSName), [str(ip) for ip in san.get_values_for_type(x509.IPAddress)]


def certificate_covers(dns_names: list[str], ips: list[str], host: str) -> bool:
    """Whether a browser accepts a certificate with these names for ``host`` (RFC 6125 wildcards)."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return str(address) in ips
    host = host.lower().rstrip(".")
    for name in (n.lower().rstrip(".") for n in dns_names):
        if name == host:
            return True
        if name.startswith("*.") and "." in host and host.split(".", 1)[1] == name[2:]:
            return True
    return False


def _public_url(env: dict[str, str], host: str, port: int, cert: str | None) -> str:
    """The advertised base URL: explicit (``{port}`` expanded), else scheme://<public host>:<port>."""
    explicit = env.get(ENV_PUBLIC_URL)
    if explicit:
        return explicit.replace("{port}", str(port)).rstrip("/")
    public_host = env.get(ENV_PUBLIC_HOST)
    if not public_host and cert:
        dns_names, _ = certificate_names(cert)
        public_host = next((n for n in dns_names if not n.startswith("*")), None)
    return f"{'https' if cert else 'http'}://{public_host or host}:{port}"


def check_tls(public_url: str, cert: str | None, key: str | None) -> None:
    """Refuse half a TLS setup, and an advertised URL that browsers would reject."""
    if bool(cert) != bool(key):
        raise NodeConfigError(f"{ENV_TLS_CERT} and {ENV_TLS_KEY} must be set together")
    if not cert:
        return
    for path in (cert, key):
        if not Path(str(path)).is_file():
            raise NodeConfigError(f"TLS file {path} does not exist")
    parts = urllib.parse.urlsplit(public_url)
    if parts.scheme != "https":
        raise NodeConfigError(f"{ENV_PUBLIC_URL}={public_url} must be https:// when the node serves TLS")
    dns_names, ips = certificate_names(cert)
    if not certificate_covers(dns_names, ips, parts.hostname or ""):
        raise NodeConfigError(
            f"the certificate {cert} is for {dns_names + ips}, not for {parts.hostname!r} "
            f"(the host of {ENV_PUBLIC_URL}={public_url})"
        )


def cors_origins(value: str | None) -> tuple[str, ...]:
    """The ``CROSSLIVE_MEDIA_CORS_ORIGINS`` list: each an origin (``https://shop.example``;
    ``http://`` for a local platform's pages), never ``*``: a page on any other site could otherwise
    drive WHIP/WHEP with a token it got hold of, and read the answers."""
    origins = tuple(o.rstrip("/") for o in _csv(value))
    for origin in origins:
        parts = urllib.parse.urlsplit(origin)
        if "*" in origin or parts.path or parts.query or not parts.hostname or parts.scheme not in ("http", "https"):
            raise NodeConfigError(
                f"{ENV_CORS_ORIGINS}: {origin!r} is not a page origin like https://shop.example (never *)"
            )
    return origins


def node_settings(host: str = "127.0.0.1", port: int = 8081, env: dict[str, str] | None = None) -> NodeSettings:
    """Settings of the node process serving ``host:port``, from ``env`` (default: the environment)."""
    env = dict(os.environ) if env is None else env
    shared = get_settings()
    node_id = env.get(ENV_NODE_ID) or f"{shared.region_name}-{socket.gethostname()}-{port}"
    cert, key = env.get(ENV_TLS_CERT) or None, env.get(ENV_TLS_KEY) or None
    if cert and not Path(cert).is_file():
        raise NodeConfigError(f"{ENV_TLS_CERT}={cert} does not exist")
    public_url = _public_url(env, host, port, cert)
    check_tls(public_url, cert, key)
    return NodeSettings(
        node_id=node_id,
        public_url=public_url,
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
        watched_seconds=float(env.get(ENV_WATCHED_SECONDS, WATCHED_SECONDS)),
        heartbeat_seconds=float(env.get(ENV_HEARTBEAT, 2.0)),
        cors_origins=cors_origins(env.get(ENV_CORS_ORIGINS)),
        offer_rate=float(env.get(ENV_OFFER_RATE, 5.0)),
        offer_burst=int(env.get(ENV_OFFER_BURST, 20)),
        max_pending=int(env.get(ENV_MAX_PENDING, 32)),
        udp_ports=_port_range(env.get(ENV_UDP_PORTS)),
        tls_cert=cert,
        tls_key=key,
        shared=shared,
    )
