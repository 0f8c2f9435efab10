"""Run a deploy plan: the pinned CDK CLI for stacks, boto3 for SSM parameters; progress on stdout."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from crosslive.deploy.discovery import stack_name
from crosslive.deploy.plan import DeployOptions, Step
from crosslive.regions import RegionConfig
from infra.deploy_context import (
    ORIGIN_OUTPUTS,
    SECRET_KEYS,
    ZONE_OUTPUTS,
    node_ami_parameter,
    origin_parameter,
    secret_output_id,
    secret_parameter_key,
    zone_output_id,
    zone_parameter,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
AL2023_AMI = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-{arch}"


class StepFailed(RuntimeError):
    pass


def describe_plan(steps: list[Step], account: str) -> list[str]:
    """The plan as numbered lines, each with the command it runs (or the API calls it makes)."""
    lines = []
    for number, step in enumerate(steps, start=1):
        lines.append(f"[{number}/{len(steps)}] {step.kind:9} {step.aws_region:15} {step.description}")
        command = step.command(account)
        if command:
            lines.append("      $ " + " ".join(command))
    return lines


def origin_outputs(session: Any, origin: RegionConfig) -> dict[str, str]:
    """Outputs of a stage's two stacks (the origin's, or a zone home's), by output key."""
    cloudformation = session.client("cloudformation", region_name=origin.aws_region)
    outputs: dict[str, str] = {}
    for kind in ("Stateful", "Stateless"):
        (stack,) = cloudformation.describe_stacks(StackName=stack_name(origin, kind))["Stacks"]
        outputs.update({o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])})
    return outputs


def edge_parameters(outputs: dict[str, str], origin: RegionConfig, edge: RegionConfig, prefix: str) -> dict[str, str]:
    """SSM parameter name -> value an edge reads: pool, client, and each secret replica's complete ARN."""
    values: dict[str, str] = {}
    for key, output in ORIGIN_OUTPUTS.items():
        if output not in outputs:
            raise StepFailed(f"{origin.name}'s stacks have no output {output!r}: deploy the origin first")
        values[origin_parameter(prefix, origin.name, key)] = outputs[output]
    for key in SECRET_KEYS:
        arn = outputs.get(secret_output_id(key))
        if arn is None:
            raise StepFailed(f"{origin.name}'s stateful stack has no output {secret_output_id(key)!r}")
        # A replica keeps the primary's name and random suffix; only the region differs.
        parts = arn.split(":")
        parts[3] = edge.aws_region
        values[origin_parameter(prefix, origin.name, secret_parameter_key(key))] = ":".join(parts)
    return values


def publish(session: Any, origin: RegionConfig, edge: RegionConfig, prefix: str) -> list[str]:
    values = edge_parameters(origin_outputs(session, origin), origin, edge, prefix)
    _put_parameters(session, edge.aws_region, values, f"from {origin.name}'s outputs")
    return sorted(values)


def _put_parameters(session: Any, aws_region: str, values: dict[str, str], source: str) -> None:
    """Write ``values`` (SSM name -> value) as plain String parameters in ``aws_region``."""
    ssm = session.client("ssm", region_name=aws_region)
    for name, value in sorted(values.items()):
        ssm.put_parameter(
            Name=name,
            Value=value,
            Type="String",
            Overwrite=True,
            Description=f"crosslive: written by `crosslive deploy` {source}",
        )


def zone_parameters(outputs: dict[str, str], home: RegionConfig, zone: str, prefix: str) -> dict[str, str]:
    """SSM parameter name -> value the group's other regions read: the zone's pool, client, hosted UI."""
    values: dict[str, str] = {}
    for key, output in ZONE_OUTPUTS.items():
        output_id = zone_output_id(zone, output)
        if output_id not in outputs:
            raise StepFailed(f"{home.name}'s stacks have no output {output_id!r}: deploy zone {zone}'s home first")
        values[zone_parameter(prefix, zone, key)] = outputs[output_id]
    return values


def publish_zone(session: Any, home: RegionConfig, zone: str, regions: list[RegionConfig], prefix: str) -> list[str]:
    """Write zone ``zone``'s sign-in ids into SSM in every region of its home's origin group."""
    values = zone_parameters(origin_outputs(session, home), home, zone, prefix)
    origin = home.origin or home.name
    written: list[str] = []
    for aws_region in sorted({r.aws_region for r in regions if r.name == origin or r.origin == origin}):
        _put_parameters(session, aws_region, values, f"from zone {zone}'s home {home.name}")
        written.extend(f"{name} in {aws_region}" for name in sorted(values))
    return written


def pin_ami(session: Any, step: Step, prefix: str, overwrite: bool) -> str:
    ssm = session.client("ssm", region_name=step.aws_region)
    ami = ssm.get_parameter(Name=AL2023_AMI.format(arch=step.architecture))["Parameter"]["Value"]
    ssm.put_parameter(
        Name=node_ami_parameter(prefix),
        Value=ami,
        Type="String",
        DataType="aws:ec2:image",
        Overwrite=overwrite,
        Description="crosslive: media nodes' AMI; change it on purpose (crosslive deploy --refresh-ami)",
    )
    return str(ami)


def run_plan(
    steps: list[Step],
    *,
    session: Any,
    account: str,
    regions: list[RegionConfig],
    options: DeployOptions,
    echo: Callable[[str], None] = print,
    run: Callable[..., subprocess.CompletedProcess[bytes]] = subprocess.run,
) -> None:
    """Execute ``steps`` in order; stops at the first failure with what to do next."""
    by_name = {r.name: r for r in regions}
    env = {**os.environ, "CDK_DISABLE_CLI_TELEMETRY": "true", "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}
    started = time.monotonic()
    for number, step in enumerate(steps, start=1):
        echo(f"==> [{number}/{len(steps)}] {step.description}")
        began = time.monotonic()
        if step.kind == "publish":
            edge = by_name[step.region_name or ""]
            origin = by_name[edge.origin or ""]
            for name in publish(session, origin, edge, options.prefix):
                echo(f"    wrote {name} in {edge.aws_region}")
        elif step.kind == "publish-zone":
            home = by_name[step.region_name or ""]
            for name in publish_zone(session, home, step.zone or "", regions, options.prefix):
                echo(f"    wrote {name}")
        elif step.kind == "pin-ami":
            ami = pin_ami(session, step, options.prefix, overwrite=options.refresh_ami)
            echo(f"    {node_ami_parameter(options.prefix)} = {ami} in {step.aws_region}")
        else:
            command = step.command(account)
            echo("    $ " + " ".join(command))
            result = run(command, cwd=REPO_ROOT, env=env, check=False)
            if result.returncode != 0:
                raise StepFailed(
                    f"step {number} failed ({step.description}); nothing after it ran. Fix the cause and run "
                    "`crosslive deploy` again: finished steps are skipped or are no-ops. A failed first create "
                    "rolls back by itself; see docs/operations.md, 'Cleaning up after a failed first deploy'."
                )
        echo(f"    done in {time.monotonic() - began:.0f} s")
    echo(f"deployed in {(time.monotonic() - started) / 60:.1f} min")
