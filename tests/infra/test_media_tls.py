"""HTTPS media nodes in AWS: with a hosted zone each node names itself and gets a Let's Encrypt
certificate, with DNS rights scoped to its own records; without one, synthesis warns."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_cdk.assertions import Annotations, Match, Template

from crosslive.regions import load_regions
from infra.media_tls import CERT_DIR, FLEET_TAG

REGIONS = {r.name: r for r in load_regions()}
ZONE_ARN_SUFFIX = ":route53:::hostedzone/Z0123456789ABC"


@pytest.fixture(scope="module")
def dns_template(dns_stages):
    cache: dict[str, Template] = {}

    def get(region: str) -> Template:
        if region not in cache:
            cache[region] = Template.from_stack(dns_stages[region].stateless)
        return cache[region]

    return get


def user_data(template: Template) -> str:
    (launch_template,) = template.find_resources("AWS::EC2::LaunchTemplate").values()
    return json.dumps(launch_template["Properties"]["LaunchTemplateData"]["UserData"])


def route53_statements(template: Template) -> list[dict[str, Any]]:
    """Every IAM statement in the stack that grants a Route 53 action."""
    statements = []
    for policy in template.find_resources("AWS::IAM::Policy").values():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            if any(a.startswith("route53:") for a in actions):
                statements.append(statement)
    return statements


@pytest.mark.parametrize("region", sorted(REGIONS))
def test_nodes_may_change_only_their_own_records_in_the_hosted_zone(dns_template, region):
    statements = route53_statements(dns_template(region))
    changes = [s for s in statements if s["Action"] == "route53:ChangeResourceRecordSets"]
    subdomain = f"media.{region}.shop.example"
    # Exactly two grants to change records: A records of node names, TXT records of their challenges.
    assert len(changes) == 2, changes
    by_type = {
        s["Condition"]["ForAllValues:StringEquals"]["route53:ChangeResourceRecordSetsRecordTypes"][0]: s
        for s in changes
    }
    assert set(by_type) == {"A", "TXT"}
    expected_names = {"A": f"i-*.{subdomain}", "TXT": f"_acme-challenge.i-*.{subdomain}"}
    for record_type, statement in by_type.items():
        condition = statement["Condition"]
        assert condition["ForAllValues:StringLike"] == {
            "route53:ChangeResourceRecordSetsNormalizedRecordNames": [expected_names[record_type]]
        }
        assert condition["ForAllValues:StringEquals"] == {
            "route53:ChangeResourceRecordSetsRecordTypes": [record_type],
            "route53:ChangeResourceRecordSetsActions": ["UPSERT", "DELETE"],
        }
        # on the configured hosted zone only
        resource = statement["Resource"]
        # (a literal ARN under cdk.json's enablePartitionLiterals, a join with the partition otherwise)
        arn = resource if isinstance(resource, str) else resource["Fn::Join"][1][-1]
        assert arn.endswith(ZONE_ARN_SUFFIX), resource
    # The only other Route 53 rights are reads certbot needs (zone lookup, change status).
    others = {s["Action"] for s in statements if s not in changes}
    assert others == {"route53:GetChange", "route53:ListHostedZones"}


@pytest.mark.parametrize("region", sorted(REGIONS))
def test_only_dns01_lets_encrypt_may_issue_for_the_node_names(dns_template, region):
    dns_template(region).has_resource_properties(
        "AWS::Route53::RecordSet",
        {
            "Name": f"media.{region}.shop.example.",
            "Type": "CAA",
            "ResourceRecords": Match.array_with(['0 issue "letsencrypt.org; validationmethods=dns-01"']),
        },
    )


def test_with_a_domain_nodes_get_a_name_a_certificate_renewal_and_an_https_url(dns_template):
    data = user_data(dns_template("singapore"))
    order = [
        "crosslive-node-dns UPSERT",  # the A record first
        "certbot certonly",  # then the certificate (DNS-01 through Route 53)
        "crosslive-certbot-renew.timer",  # renewal
        "CROSSLIVE_MEDIA_TLS_CERT",  # then the node's environment
        "systemctl enable --now crosslive-media",  # and only then the node
    ]
    positions = [data.index(step) for step in order]
    assert positions == sorted(positions), dict(zip(order, positions, strict=True))
    assert "--dns-route53" in data and "$INSTANCE.media.singapore.shop.example" in data
    assert "ExecStop=-/usr/local/sbin/crosslive-node-dns DELETE" in data
    assert f"CROSSLIVE_MEDIA_TLS_CERT={CERT_DIR}/fullchain.pem" in data
    assert f"CROSSLIVE_MEDIA_TLS_KEY={CERT_DIR}/privkey.pem" in data
    assert "CROSSLIVE_MEDIA_PUBLIC_URL=https://$NAME:{port}" in data
    assert "http://$PUBLIC" not in data
    assert "ExecReload=/bin/kill -HUP $MAINPID" in data  # the renewal deploy hook reloads the node


def test_a_node_without_a_certificate_asks_its_group_to_replace_it(dns_template):
    template = dns_template("japan")
    data = user_data(template)
    # The failure branch comes after the certificate attempts and before the node would start.
    assert data.index("certbot certonly") < data.index("set-instance-health")
    assert data.index("set-instance-health") < data.index("systemctl enable --now crosslive-media")
    assert "--health-status Unhealthy --no-should-respect-grace-period" in data
    template.has_resource_properties(
        "AWS::AutoScaling::AutoScalingGroup",
        {"Tags": Match.array_with([Match.object_like({"Key": FLEET_TAG, "Value": "japan"})])},
    )
    grants = [
        statement
        for policy in template.find_resources("AWS::IAM::Policy").values()
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
        if statement["Action"] == "autoscaling:SetInstanceHealth"
    ]
    # Only instances of groups tagged as this region's fleet.
    assert [g["Condition"] for g in grants] == [{"StringEquals": {f"aws:ResourceTag/{FLEET_TAG}": "japan"}}]


def test_without_a_domain_there_is_no_certificate_step_and_synthesis_warns(template, stages):
    stateless = template("singapore", "stateless")
    data = user_data(stateless)
    for absent in ("certbot", "TLS_CERT", "route53", "crosslive-node-dns"):
        assert absent not in data
    assert "CROSSLIVE_MEDIA_PUBLIC_URL=http://$PUBLIC:{port}" in data
    assert route53_statements(stateless) == []
    stateless.resource_count_is("AWS::Route53::RecordSet", 0)
    for region in REGIONS:
        warnings = Annotations.from_stack(stages[region].stateless).find_warning(
            "*", Match.string_like_regexp(".*cannot reach http:// nodes.*")
        )
        assert len(warnings) == 1, warnings
        assert warnings[0].id.endswith("/Media")


def test_with_a_domain_there_is_no_plain_http_warning(dns_stages):
    warnings = Annotations.from_stack(dns_stages["singapore"].stateless).find_warning(
        "*", Match.string_like_regexp(".*http:// nodes.*")
    )
    assert warnings == []
