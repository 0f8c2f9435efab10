"""HTTPS for the media nodes: a DNS name per node and a Let's Encrypt certificate obtained at boot.

Why not ACM: ACM certificates can only be attached to AWS-managed terminators (CloudFront, ALB/NLB,
API Gateway); their private key is never handed to an EC2 instance. A WebRTC node is reached
directly by each viewer (its public IP is in the ICE candidates and the session is pinned to it),
so putting a load balancer in front of signalling would only add a hop and still not cover the
node's own name. The nodes therefore use ACME, as LiveKit and mediasoup deployments do: each node
gets ``<instance-id>.media.<region>.<domain>`` and a certificate for exactly that name.

At boot (user data) a node:

1. writes its A record (UPSERT, TTL 60) through ``crosslive-node-dns.service``, a oneshot unit
   whose ``ExecStop`` DELETEs the record on every orderly shutdown (scale-in, instance refresh,
   rolling update, reboot);
2. obtains a certificate with certbot + certbot-dns-route53 (pinned, in their own venv) through the
   DNS-01 challenge (a TXT record ``_acme-challenge.<name>``): no inbound port 80 is needed;
3. starts the node with ``CROSSLIVE_MEDIA_TLS_CERT``/``_KEY`` and ``https://<name>:{port}``;
4. renews with a systemd timer (``certbot renew``, twice a day, as certbot recommends); the deploy
   hook runs ``systemctl reload crosslive-media`` (SIGHUP: the running workers load the new
   certificate, no viewer is dropped; see ``media_nodes.server``).

Why a systemd stop unit and not an Auto Scaling lifecycle hook: the node owns its name, so the node
removing it is the least machinery (no EventBridge rule, Lambda or hook timeouts to operate), and
EC2 termination shuts the OS down cleanly, which runs ``ExecStop``. What it misses is a crash or
hardware loss. Such a stale record is harmless for viewers (the routing function stops offering a
node 6 s after its last heartbeat; nothing else hands out node names). The remaining risk of a
stale name, its IP being reused by someone else who then gets a certificate for our name through an
HTTP challenge, is closed by the CAA record this construct writes: only Let's Encrypt, and only
with DNS-01 (which needs write access to our zone), may issue for ``media.<region>.<domain>`` and
every name below it.

IAM: ``route53:ChangeResourceRecordSets`` on this hosted zone only, restricted by the
``ChangeResourceRecordSetsNormalizedRecordNames`` / ``RecordTypes`` / ``Actions`` condition keys
to A records named ``i-*.media.<region>.<domain>`` and TXT records named
``_acme-challenge.i-*.media.<region>.<domain>``, UPSERT and DELETE only. IAM cannot tie a name to
the calling instance (no condition key carries the bare instance id), so a node could rewrite a
sibling's record in its own region's subdomain, never anything else in the zone.
"""

from __future__ import annotations

from aws_cdk import Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_route53 as route53
from constructs import Construct

from infra.nag import acknowledge, partition_in_findings

FLEET_TAG = "crosslive:media-fleet"  # on the Auto Scaling group; value: the region file's name
CERTBOT_VERSION = "5.8.0"  # certbot and certbot-dns-route53 release together
LETS_ENCRYPT = "https://acme-v02.api.letsencrypt.org/directory"
RECORD_TTL = 60
CERT_NAME = "crosslive-node"
CERT_DIR = f"/etc/letsencrypt/live/{CERT_NAME}"
CAA_ISSUER = "letsencrypt.org"


class NodeTls(Construct):
    """DNS permissions, the CAA record and the boot steps that give each node a name and a certificate."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        role: iam.Role,
        region_name: str,
        domain: str,
        hosted_zone_id: str,
        acme_email: str | None = None,
        acme_directory: str = LETS_ENCRYPT,
    ) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        self.zone_name = domain.lower().rstrip(".")
        self.hosted_zone_id = hosted_zone_id
        # Route 53 compares normalized names: lowercase, no trailing dot.
        self.subdomain = f"media.{region_name.lower()}.{self.zone_name}"
        self.node_names = f"i-*.{self.subdomain}"
        self.acme_email = acme_email
        self.acme_directory = acme_directory
        self.aws_region = stack.region
        zone = route53.HostedZone.from_hosted_zone_attributes(
            self, "Zone", hosted_zone_id=hosted_zone_id, zone_name=self.zone_name
        )
        route53.CaaRecord(
            self,
            "Caa",
            zone=zone,
            record_name=self.subdomain,
            values=[
                route53.CaaRecordValue(
                    flag=0, tag=route53.CaaTag.ISSUE, value=f"{CAA_ISSUER}; validationmethods=dns-01"
                ),
                route53.CaaRecordValue(flag=0, tag=route53.CaaTag.ISSUEWILD, value=";"),
            ],
        )
        zone_arn = stack.format_arn(
            service="route53", region="", account="", resource="hostedzone", resource_name=hosted_zone_id
        )
        for names, record_type in ((self.node_names, "A"), (f"_acme-challenge.{self.node_names}", "TXT")):
            role.add_to_policy(
                iam.PolicyStatement(
                    actions=["route53:ChangeResourceRecordSets"],
                    resources=[zone_arn],
                    conditions={
                        "ForAllValues:StringLike": {"route53:ChangeResourceRecordSetsNormalizedRecordNames": [names]},
                        "ForAllValues:StringEquals": {
                            "route53:ChangeResourceRecordSetsRecordTypes": [record_type],
                            "route53:ChangeResourceRecordSetsActions": ["UPSERT", "DELETE"],
                        },
                    },
                )
            )
        change_arn = stack.format_arn(service="route53", region="", account="", resource="change", resource_name="*")
        role.add_to_policy(iam.PolicyStatement(actions=["route53:GetChange"], resources=[change_arn]))
        role.add_to_policy(iam.PolicyStatement(actions=["route53:ListHostedZones"], resources=["*"]))
        # A node that got no certificate marks itself unhealthy; only instances of this region's fleet.
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["autoscaling:SetInstanceHealth"],
                resources=["*"],
                conditions={"StringEquals": {f"aws:ResourceTag/{FLEET_TAG}": region_name}},
            )
        )
        acknowledge(
            role,
            "AwsSolutions::AwsSolutions-IAM5[Resource::*]",
            "route53:ListHostedZones has no resource-level permissions; certbot-dns-route53 lists zones to find "
            "the one holding the node's name. Record changes are limited to one zone, names and types. "
            "autoscaling:SetInstanceHealth is limited by condition to groups tagged as this region's media fleet "
            "(the group's ARN holds a generated id, and naming the group here would make a dependency cycle).",
        )
        acknowledge(
            role,
            f"AwsSolutions::AwsSolutions-IAM5[Resource::arn:{partition_in_findings(self)}:route53:::change/*]",
            "route53:GetChange is only read access to the status of submitted DNS changes (certbot waits for "
            "its challenge record to be INSYNC); change ids are not known in advance.",
        )

    def node_name_command(self) -> str:
        """Shell assignment of ``NAME`` (needs ``$INSTANCE``): this node's DNS name."""
        return f'NAME="$INSTANCE.{self.subdomain}"'

    def node_env_lines(self) -> list[str]:
        """``node.env`` lines (expanded when written): the https URL and the certificate paths."""
        return [
            "CROSSLIVE_MEDIA_PUBLIC_URL=https://$NAME:{port}",
            f"CROSSLIVE_MEDIA_TLS_CERT={CERT_DIR}/fullchain.pem",
            f"CROSSLIVE_MEDIA_TLS_KEY={CERT_DIR}/privkey.pem",
        ]

    def boot_commands(self) -> list[str]:
        """User data, run before the node starts (needs ``$NAME``, ``$IMDS``): DNS, certificate, renewal."""
        account = f"--email {self.acme_email}" if self.acme_email else "--register-unsafely-without-email"
        certbot_env = f"AWS_DEFAULT_REGION={self.aws_region}"
        record = (
            'jq -n --arg action "$1" --arg name "$NAME" --arg ip "$IP" --argjson ttl '
            f"{RECORD_TTL} "
            "'{Changes: [{Action: $action, ResourceRecordSet: "
            '{Name: $name, Type: "A", TTL: $ttl, ResourceRecords: [{Value: $ip}]}}]}\''
        )
        return [
            # 1. The node's A record, written now and removed at shutdown.
            'IP=$(curl -sH "X-aws-ec2-metadata-token: $IMDS" http://169.254.169.254/latest/meta-data/public-ipv4)',
            "cat > /etc/crosslive/dns.env <<ENV",
            f"ZONE_ID={self.hosted_zone_id}",
            "NAME=$NAME",
            "IP=$IP",
            "ENV",
            "cat > /usr/local/sbin/crosslive-node-dns <<'SH'",
            "#!/bin/bash",
            "# UPSERT or DELETE this node's A record (crosslive-node-dns.service: at boot and at shutdown).",
            "set -euo pipefail",
            ". /etc/crosslive/dns.env",
            f'aws route53 change-resource-record-sets --region {self.aws_region} --hosted-zone-id "$ZONE_ID" '
            f'--change-batch "$({record})"',
            "SH",
            "chmod 0755 /usr/local/sbin/crosslive-node-dns",
            "cat > /etc/systemd/system/crosslive-node-dns.service <<'UNIT'",
            "[Unit]",
            "Description=crosslive: this node's DNS name (A record UPSERT at start, DELETE at shutdown)",
            "Wants=network-online.target",
            "After=network-online.target",
            "Before=crosslive-media.service",
            "[Service]",
            "Type=oneshot",
            "RemainAfterExit=yes",
            "ExecStart=/usr/local/sbin/crosslive-node-dns UPSERT",
            "ExecStop=-/usr/local/sbin/crosslive-node-dns DELETE",
            "TimeoutStopSec=30",
            "[Install]",
            "WantedBy=multi-user.target",
            "UNIT",
            "systemctl daemon-reload && systemctl enable --now crosslive-node-dns",
            # 2. The certificate: Let's Encrypt, DNS-01 through Route 53 (no inbound port 80).
            "python3.11 -m venv /opt/certbot",
            f"/opt/certbot/bin/pip install --quiet 'certbot=={CERTBOT_VERSION}' "
            f"'certbot-dns-route53=={CERTBOT_VERSION}'",
            "install -d -m 0755 /etc/letsencrypt/renewal-hooks/deploy",
            "cat > /etc/letsencrypt/renewal-hooks/deploy/crosslive-media <<'SH'",
            "#!/bin/sh",
            "# A renewed certificate: running workers load it on SIGHUP (no viewer is dropped).",
            "exec systemctl try-reload-or-restart crosslive-media.service",
            "SH",
            "chmod 0755 /etc/letsencrypt/renewal-hooks/deploy/crosslive-media",
            "for attempt in 1 2 3 4 5; do",
            f"  {certbot_env} /opt/certbot/bin/certbot certonly --non-interactive --agree-tos {account} "
            f'--server {self.acme_directory} --dns-route53 --key-type ecdsa --cert-name {CERT_NAME} -d "$NAME" '
            "&& break",
            "  sleep $((attempt * 60))",
            "done",
            # No certificate: the node does not start (nor register), and EC2 would still call the
            # instance healthy, so it tells its Auto Scaling group to replace it.
            f"if ! test -s {CERT_DIR}/fullchain.pem; then",
            f'  aws autoscaling set-instance-health --region {self.aws_region} --instance-id "$INSTANCE" '
            "--health-status Unhealthy --no-should-respect-grace-period",
            "  exit 1",
            "fi",
            # 3. Renewal twice a day (certbot renews within 30 days of expiry).
            "cat > /etc/systemd/system/crosslive-certbot-renew.service <<'UNIT'",
            "[Unit]",
            "Description=crosslive: renew the node certificate (Let's Encrypt, DNS-01 via Route 53)",
            "Wants=network-online.target",
            "After=network-online.target",
            "[Service]",
            "Type=oneshot",
            f"Environment={certbot_env}",
            "ExecStart=/opt/certbot/bin/certbot renew --quiet",
            "UNIT",
            "cat > /etc/systemd/system/crosslive-certbot-renew.timer <<'UNIT'",
            "[Unit]",
            "Description=crosslive: twice-daily certificate renewal check",
            "[Timer]",
            "OnCalendar=*-*-* 00,12:00:00",
            "RandomizedDelaySec=1h",
            "Persistent=true",
            "[Install]",
            "WantedBy=timers.target",
            "UNIT",
            "systemctl daemon-reload && systemctl enable --now crosslive-certbot-renew.timer",
        ]
