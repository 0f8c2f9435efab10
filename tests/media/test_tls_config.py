"""A node's TLS settings: public URL derived from the certificate, contradictions refused at start.

Also home of the test CA helper the other TLS tests use (certificates are made here with
``cryptography``; nothing is stored in the repository).
"""

from __future__ import annotations

import datetime
import ipaddress
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from media_nodes.config import (
    ENV_PUBLIC_HOST,
    ENV_PUBLIC_URL,
    ENV_TLS_CERT,
    ENV_TLS_KEY,
    NodeConfigError,
    certificate_covers,
    node_settings,
)


@dataclass
class Issued:
    cert: Path
    key: Path
    serial: int


class TestCA:
    """A throwaway certificate authority writing PEM files into ``directory``."""

    __test__ = False  # not a test class

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "crosslive test CA")])
        now = datetime.datetime.now(datetime.UTC)
        self.cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
            .sign(self.key, hashes.SHA256())
        )
        self.pem = directory / "ca.pem"
        self.pem.write_bytes(self.cert.public_bytes(serialization.Encoding.PEM))

    def issue(self, name: str, dns: list[str], ips: tuple[str, ...] = (), prefix: str = "node") -> Issued:
        """A leaf certificate for ``dns`` + ``ips``: ``<prefix>.pem`` (leaf + CA chain) and ``<prefix>.key``."""
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.now(datetime.UTC)
        san = [x509.DNSName(d) for d in dns] + [x509.IPAddress(ipaddress.ip_address(ip)) for ip in ips]
        serial = x509.random_serial_number()
        leaf = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
            .issuer_name(self.cert.subject)
            .public_key(key.public_key())
            .serial_number(serial)
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(san), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .sign(self.key, hashes.SHA256())
        )
        cert_path, key_path = self.directory / f"{prefix}.pem", self.directory / f"{prefix}.key"
        cert_path.write_bytes(
            leaf.public_bytes(serialization.Encoding.PEM) + self.cert.public_bytes(serialization.Encoding.PEM)
        )
        key_path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        key_path.chmod(0o600)
        return Issued(cert_path, key_path, serial)


@pytest.fixture
def ca(tmp_path: Path) -> TestCA:
    return TestCA(tmp_path)


def tls_env(issued: Issued, **extra: str) -> dict[str, str]:
    return {ENV_TLS_CERT: str(issued.cert), ENV_TLS_KEY: str(issued.key), **extra}


def test_with_tls_the_public_url_is_https_on_the_certificate_name(ca: TestCA) -> None:
    issued = ca.issue("node", ["i-0abc.media.singapore.shop.example"])
    settings = node_settings(host="0.0.0.0", port=8444, env=tls_env(issued))
    assert settings.tls and settings.tls_cert == str(issued.cert)
    assert settings.public_url == "https://i-0abc.media.singapore.shop.example:8444"


def test_without_tls_nothing_changes() -> None:
    settings = node_settings(host="127.0.0.1", port=8081, env={})
    assert not settings.tls
    assert settings.public_url == "http://127.0.0.1:8081"


def test_an_explicit_url_keeps_its_port_placeholder_expanded_in_a_single_worker(ca: TestCA) -> None:
    issued = ca.issue("node", ["n1.media.example"])
    env = tls_env(issued, **{ENV_PUBLIC_URL: "https://n1.media.example:{port}/"})
    assert node_settings(port=8443, env=env).public_url == "https://n1.media.example:8443"


def test_a_public_host_covered_by_a_wildcard_is_accepted(ca: TestCA) -> None:
    issued = ca.issue("wild", ["*.media.example"])
    env = tls_env(issued, **{ENV_PUBLIC_HOST: "n7.media.example"})
    assert node_settings(port=9000, env=env).public_url == "https://n7.media.example:9000"


@pytest.mark.parametrize(
    ("env_extra", "message"),
    [
        ({ENV_PUBLIC_URL: "http://n1.media.example:{port}"}, "must be https"),
        ({ENV_PUBLIC_URL: "https://other.example:{port}"}, "not for 'other.example'"),
        ({ENV_PUBLIC_HOST: "a.b.media.example"}, "not for 'a.b.media.example'"),
    ],
)
def test_a_url_browsers_would_reject_is_refused(ca: TestCA, env_extra: dict[str, str], message: str) -> None:
    issued = ca.issue("node", ["n1.media.example", "*.media.example"])
    with pytest.raises(NodeConfigError, match=message):
        node_settings(port=8443, env=tls_env(issued, **env_extra))


def test_half_a_tls_setup_is_refused(ca: TestCA) -> None:
    issued = ca.issue("node", ["n1.media.example"])
    with pytest.raises(NodeConfigError, match="set together"):
        node_settings(env={ENV_TLS_CERT: str(issued.cert)})
    with pytest.raises(NodeConfigError, match="does not exist"):
        node_settings(env={ENV_TLS_CERT: str(issued.cert) + ".missing", ENV_TLS_KEY: str(issued.key)})


def test_certificate_names_match_like_a_browser() -> None:
    assert certificate_covers(["Node.Example"], [], "node.example.")
    assert certificate_covers(["*.media.example"], [], "x.media.example")
    assert not certificate_covers(["*.media.example"], [], "media.example")
    assert not certificate_covers(["*.media.example"], [], "y.x.media.example")
    assert certificate_covers([], ["127.0.0.1"], "127.0.0.1")
    assert not certificate_covers(["127.0.0.1"], [], "127.0.0.1")  # an IP needs an IP SAN
