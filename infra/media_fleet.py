"""The media-node fleet of a region: EC2 instances running ``python -m media_nodes``.

Why EC2 and not Lambda/Fargate: WebRTC needs long-lived UDP flows on public addresses; every node
is reached directly by viewers (ICE host/srflx candidates), so each instance gets a public IP in
a public subnet (no NAT in the media path), a UDP port range open to the world, and the HTTP
signalling port (WHIP/WHEP/push). One worker process per vCPU (``--workers 0``), each a full node
with its own registry item: mediasoup's model.

At boot the instance reads the fleet's shared secrets from Secrets Manager into a root-only env
file (never in the template or user data), installs the code from an S3 asset with pip, and runs
the node under systemd. Nodes register and heartbeat in the ``media-nodes`` table; the routing
function ranks them, and dead ones leave the ranking within ten seconds.

What a node may touch (an internet-facing host gets the least): the node registry
(``media-nodes``: its own heartbeat, the live nodes it cascades from), the ``rooms`` table (a
room's markets before admitting a viewer, ``live`` when a publisher starts ingest) and the
``coupon-viewers`` table (a viewer it delivered frames to watched: presence for the coupon
segments, read and updated item by item; a zone market's viewer's in the zone's copy, in the zone
home) in its own region, the two secrets it uses (the push
secret also signs its insights feed, posted over HTTPS to the origin region's API), its log
group and its code object. Nothing else: comments, coupon state and the moderation audit log are
the functions' business.

Rollouts: each node signals CloudFormation (cfn-signal) only once its health endpoint answers, a
rolling update replaces one node at a time and keeps every node of the region in service meanwhile
(the group may grow to twice its size), and the AMI is pinned in an SSM parameter (``crosslive
deploy`` writes it once; ``--refresh-ami`` changes it deliberately), so a deploy that does not mean
to replace nodes does not replace them.

Signalling over HTTPS: with ``crosslive:domain`` and ``crosslive:hostedZoneId`` each node names
itself in that zone and gets a Let's Encrypt certificate at boot (``infra/media_tls.py``, which
also says why not ACM). Without them the nodes serve plain HTTP and synthesis warns: pages served
over HTTPS (CloudFront) cannot call http:// nodes (mixed content).
"""

from __future__ import annotations

from pathlib import Path

from aws_cdk import Annotations, CfnParameter, Duration, Stack, Tags
from aws_cdk import aws_autoscaling as autoscaling
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3_assets as s3_assets
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from crosslive.regions import RegionConfig, ResidencyZone
from functions.coupons.presence import ViewerActivity
from functions.rooms.access import Room
from functions.routing.registry import MediaNodeRecord
from functions.shared.db import table_spec
from infra.deploy_context import node_ami_parameter
from infra.media_tls import FLEET_TAG, LETS_ENCRYPT, NodeTls
from infra.nag import acknowledge
from infra.secrets import NODE_SECRET, PUSH_SECRET
from media_nodes.config import ENV_CORS_ORIGINS
from media_nodes.insights_feed import ENV_INSIGHTS_URL

REPO_ROOT = Path(__file__).resolve().parent.parent
HTTP_PORT = 8443  # first worker's signalling port (HTTPS with a domain); worker i listens on HTTP_PORT + i
MAX_WORKERS = 64
# Tables a node reads and writes, with the actions it needs there (media_nodes/registry.py, app.py).
NODE_TABLE_ACTIONS: dict[type, list[str]] = {
    MediaNodeRecord: [
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:Scan",
    ],
    Room: ["dynamodb:GetItem", "dynamodb:UpdateItem"],
    ViewerActivity: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
}
READY_TIMEOUT = Duration.minutes(20)  # boot: packages, pip install, certificate, first health answer
SOURCE_EXCLUDES = [
    ".git",
    ".venv",
    "node_modules",
    "cdk.out",
    ".cache",
    "tests",
    "test-artifacts",
    "docs",
    "web",
    "**/__pycache__",
    "*.egg-info",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
]


class MediaFleet(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        region: RegionConfig,
        env: dict[str, str],
        table_prefix: str,
        secrets: dict[str, secretsmanager.ISecret],
        stun_servers: str,
        insights_url: str,
        page_origins: list[str],
        zones: tuple[ResidencyZone, ...] = (),
    ) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        media = region.media
        self.vpc = ec2.Vpc(
            self,
            "Vpc",
            max_azs=2,
            nat_gateways=0,
            subnet_configuration=[
                ec2.SubnetConfiguration(name="media", subnet_type=ec2.SubnetType.PUBLIC, cidr_mask=24)
            ],
        )
        self.vpc.add_flow_log(
            "FlowLogs",
            destination=ec2.FlowLogDestination.to_cloud_watch_logs(
                logs.LogGroup(self, "FlowLogGroup", retention=logs.RetentionDays.ONE_MONTH)
            ),
        )

        self.security_group = ec2.SecurityGroup(
            self,
            "NodesSecurityGroup",
            vpc=self.vpc,
            allow_all_outbound=True,
            description="crosslive media nodes: signalling + RTP/RTCP",
        )
        workers = media.workers_per_node or MAX_WORKERS
        self.security_group.add_ingress_rule(
            ec2.Peer.any_ipv4(),
            ec2.Port.tcp_range(HTTP_PORT, HTTP_PORT + workers - 1),
            "WHIP/WHEP signalling, comment push WebSocket (one port per worker; HTTPS with a domain)",
        )
        self.security_group.add_ingress_rule(
            ec2.Peer.any_ipv4(),
            ec2.Port.udp_range(media.udp_port_min, media.udp_port_max),
            "WebRTC media (ICE/DTLS/SRTP)",
        )
        acknowledge(
            self.security_group,
            "AwsSolutions::AwsSolutions-EC23",
            "Media nodes are public endpoints by design: viewers and broadcasters anywhere connect to the "
            "signalling ports and send/receive RTP on the UDP range; every request is token-authenticated.",
        )

        role = iam.Role(self, "Role", assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"))
        for model, actions in NODE_TABLE_ACTIONS.items():
            spec = table_spec(model)
            resources = [
                stack.format_arn(
                    service="dynamodb", resource="table", resource_name=f"{table_prefix}-{spec.short_name}"
                )
            ]
            # a zoned table (watch presence) also in each zone's copy, in the zone home (docs/residency.md)
            resources += [
                stack.format_arn(
                    service="dynamodb",
                    region=zone.home,
                    resource="table",
                    resource_name=f"{table_prefix}-{zone.name}-{spec.short_name}",
                )
                for zone in (zones if spec.zoned else ())
            ]
            role.add_to_policy(iam.PolicyStatement(actions=actions, resources=resources))
        for secret_def in (NODE_SECRET, PUSH_SECRET):
            secrets[secret_def.key].grant_read(role)
        log_group = logs.LogGroup(self, "NodeLogs", retention=logs.RetentionDays.ONE_MONTH)
        log_group.grant_write(role)
        role.add_managed_policy(iam.ManagedPolicy.from_aws_managed_policy_name("AmazonSSMManagedInstanceCore"))
        acknowledge(
            role,
            "AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]",
            "Session Manager replaces SSH for operators (no inbound SSH port); this is AWS's maintained policy for it.",
        )

        source = s3_assets.Asset(self, "Source", path=str(REPO_ROOT), exclude=SOURCE_EXCLUDES)
        role.add_to_policy(
            iam.PolicyStatement(  # exactly this object, not the whole asset bucket
                actions=["s3:GetObject"],
                resources=[
                    stack.format_arn(
                        service="s3",
                        region="",
                        account="",
                        resource=source.s3_bucket_name,
                        resource_name=source.s3_object_key,
                    )
                ],
            )
        )
        self.tls = self._tls(role, region)
        user_data = ec2.UserData.for_linux()
        scheme = "https" if self.tls else "http"
        # systemd's EnvironmentFile strips double quotes: JSON values (CROSSLIVE_ZONES, the issuer
        # list) go in single quotes, kept literally (they hold no single quote)
        env_lines = [f"{k}='{v}'" if '"' in v else f"{k}={v}" for k, v in sorted(env.items())] + [
            # boto3 and functions.shared.config read the region from here (there is no default on EC2).
            f"AWS_REGION={stack.region}",
            f"AWS_DEFAULT_REGION={stack.region}",
            f"CROSSLIVE_MEDIA_ICE_SERVERS={stun_servers}",
            "CROSSLIVE_MEDIA_HEARTBEAT=2",
            # ICE must bind inside the range the security group opens (aioice picks ephemeral ports otherwise).
            f"CROSSLIVE_MEDIA_UDP_PORTS={media.udp_port_min}-{media.udp_port_max}",
            # The insights feed (per-second viewer counts, session events), signed with the push
            # secret read below, goes to the origin region's API (media_nodes/insights_feed.py).
            f"{ENV_INSIGHTS_URL}={insights_url}",
            # CORS: only the stage's pages (CloudFront) and its configured page origins call the node.
            f"{ENV_CORS_ORIGINS}={','.join(page_origins)}",
        ]
        user_data.add_commands(
            "set -euo pipefail",
            "dnf install -y python3.11 python3.11-pip unzip jq aws-cfn-bootstrap",
            "install -d -m 0755 /opt/crosslive /etc/crosslive",
            f"aws s3 cp {source.s3_object_url} /opt/crosslive/source.zip",
            "cd /opt/crosslive && unzip -oq source.zip -d src && python3.11 -m venv .venv",
            "/opt/crosslive/.venv/bin/pip install --quiet '/opt/crosslive/src[media]'",
            # Secrets: read at boot into a root-only file; never in the template or user data.
            "umask 077",
            f"NODE_SECRET=$(aws secretsmanager get-secret-value --region {stack.region} "
            f"--secret-id {secrets[NODE_SECRET.key].secret_arn} --query SecretString --output text)",
            f"PUSH_SECRET=$(aws secretsmanager get-secret-value --region {stack.region} "
            f"--secret-id {secrets[PUSH_SECRET.key].secret_arn} --query SecretString --output text)",
            "IMDS=$(curl -sX PUT http://169.254.169.254/latest/api/token "
            "-H 'X-aws-ec2-metadata-token-ttl-seconds: 300')",
            'PUBLIC=$(curl -sH "X-aws-ec2-metadata-token: $IMDS" http://169.254.169.254/latest/meta-data/public-hostname)',
            'INSTANCE=$(curl -sH "X-aws-ec2-metadata-token: $IMDS" http://169.254.169.254/latest/meta-data/instance-id)',
            *([self.tls.node_name_command(), *self.tls.boot_commands()] if self.tls else []),
            "cat > /etc/crosslive/node.env <<ENV",
            *env_lines,
            "CROSSLIVE_MEDIA_NODE_ID=$INSTANCE",
            *(self.tls.node_env_lines() if self.tls else ["CROSSLIVE_MEDIA_PUBLIC_URL=http://$PUBLIC:{port}"]),
            "CROSSLIVE_MEDIA_NODE_SECRET=$NODE_SECRET",
            "CROSSLIVE_PUSH_SECRET=$PUSH_SECRET",
            "ENV",
            "cat > /etc/systemd/system/crosslive-media.service <<'UNIT'",
            "[Unit]",
            "Description=crosslive media node (one worker per vCPU)",
            "Wants=network-online.target",
            "After=network-online.target" + (" crosslive-node-dns.service" if self.tls else ""),
            "[Service]",
            "EnvironmentFile=/etc/crosslive/node.env",
            f"ExecStart=/opt/crosslive/.venv/bin/python -m media_nodes --host 0.0.0.0 --port {HTTP_PORT} "
            f"--workers {media.workers_per_node or 0}",
            # SIGHUP: the workers load a renewed certificate (certbot's deploy hook reloads).
            "ExecReload=/bin/kill -HUP $MAINPID",
            "Restart=always",
            "RestartSec=2",
            "LimitNOFILE=65536",
            "[Install]",
            "WantedBy=multi-user.target",
            "UNIT",
            "systemctl daemon-reload && systemctl enable --now crosslive-media",
            # Ready means the first worker answers /health; the exit trap below signals the result.
            f"for attempt in $(seq 1 60); do curl -fsk {scheme}://127.0.0.1:{HTTP_PORT}/health && exit 0; "
            "sleep 5; done; echo 'node did not answer /health' >&2; exit 1",
        )

        launch_template = ec2.LaunchTemplate(
            self,
            "LaunchTemplate",
            instance_type=ec2.InstanceType(media.instance_type),
            machine_image=ec2.MachineImage.generic_linux({stack.region: self._pinned_ami(table_prefix)}),
            role=role,
            security_group=self.security_group,
            user_data=user_data,
            require_imdsv2=True,
            associate_public_ip_address=True,
            detailed_monitoring=True,
            block_devices=[
                ec2.BlockDevice(
                    device_name="/dev/xvda",
                    volume=ec2.BlockDeviceVolume.ebs(20, encrypted=True, volume_type=ec2.EbsDeviceVolumeType.GP3),
                )
            ],
        )
        self.group = autoscaling.AutoScalingGroup(
            self,
            "Nodes",
            vpc=self.vpc,
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PUBLIC),
            launch_template=launch_template,
            min_capacity=media.nodes,
            max_capacity=media.nodes * 2,
            desired_capacity=media.nodes,
            health_checks=autoscaling.HealthChecks.ec2(grace_period=READY_TIMEOUT),
            signals=autoscaling.Signals.wait_for_min_capacity(timeout=READY_TIMEOUT),
            # One node at a time, a new one up (signalled) before an old one goes: all stay in service.
            update_policy=autoscaling.UpdatePolicy.rolling_update(
                max_batch_size=1,
                min_instances_in_service=media.nodes,
                wait_on_resource_signals=True,
                pause_time=READY_TIMEOUT,
            ),
        )
        user_data.add_signal_on_exit_command(self.group)
        Tags.of(self.group).add(FLEET_TAG, region.name)
        self.group.scale_on_cpu_utilization("Cpu", target_utilization_percent=60)
        acknowledge(
            self.group,
            "AwsSolutions::AwsSolutions-AS3",
            "Scaling events are visible in the Auto Scaling activity history and CloudWatch; node health is "
            "watched through the registry heartbeats the routing function reads, not through notifications.",
        )

    def _pinned_ami(self, table_prefix: str) -> str:
        """The nodes' AMI id, read from an SSM parameter of this region at deploy time.

        ``latest_amazon_linux2023()`` would re-resolve on every deploy and replace every node when
        Amazon publishes a new image; here the id changes only when someone writes the parameter
        (``crosslive deploy`` writes the current Amazon Linux 2023 image once, ``--refresh-ami``
        again on purpose).
        """
        return CfnParameter(
            self,
            "NodeAmi",
            type="AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>",
            default=node_ami_parameter(table_prefix),
            description="SSM parameter holding the media nodes' pinned AMI id (written by crosslive deploy)",
        ).value_as_string

    def _tls(self, role: iam.Role, region: RegionConfig) -> NodeTls | None:
        """Per-node DNS names and certificates when the app has a hosted zone; else a synth warning."""
        domain = self.node.try_get_context("crosslive:domain")
        zone_id = self.node.try_get_context("crosslive:hostedZoneId")
        if domain and zone_id:
            return NodeTls(
                self,
                "Tls",
                role=role,
                region_name=region.name,
                domain=domain,
                hosted_zone_id=zone_id,
                acme_email=self.node.try_get_context("crosslive:acmeEmail"),
                acme_directory=self.node.try_get_context("crosslive:acmeDirectory") or LETS_ENCRYPT,
            )
        Annotations.of(self).add_warning_v2(
            "crosslive:media-plain-http",
            "Media nodes serve WHIP/WHEP and the comment push over plain HTTP: pages served over HTTPS "
            "(CloudFront) cannot reach http:// nodes (mixed content), so playback from the deployed pages fails. "
            "Set -c crosslive:domain=<domain> -c crosslive:hostedZoneId=<zone id> for HTTPS nodes.",
        )
        return None
