"""``crosslive deploy [REGION ...]``: check the account, plan, then deploy in order (docs/operations.md)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from crosslive.deploy.discovery import AccountState, discover
from crosslive.deploy.plan import DeployOptions, DeployRefused, plan_deploy
from crosslive.deploy.runner import REPO_ROOT, StepFailed, describe_plan, run_plan
from crosslive.regions import RegionFileError, load_regions


def _cdk_context(key: str) -> str | None:
    """A value from cdk.json's context (where a team may keep its domain and zone)."""
    path: Path = REPO_ROOT / "cdk.json"
    value = json.loads(path.read_text(encoding="utf-8")).get("context", {}).get(key)
    return str(value) if value else None


@click.command()
@click.argument("regions", nargs=-1)
@click.option("--dry-run", is_flag=True, help="Print the plan offline (assumes a fresh account); change nothing.")
@click.option("--domain", help="Domain of the Route 53 hosted zone (default: cdk.json crosslive:domain).")
@click.option("--hosted-zone-id", help="Its hosted zone id (default: cdk.json crosslive:hostedZoneId).")
@click.option("--allow-plain-http", is_flag=True, help="Deploy without a domain: nodes on plain HTTP, no playback.")
@click.option("--refresh-ami", is_flag=True, help="Pin the current Amazon Linux 2023 AMI again (replaces nodes).")
@click.option("--profile", help="AWS profile to use (default: the usual boto3 chain).")
@click.option("--yes", is_flag=True, help="Do not ask before deploying.")
def deploy(
    regions: tuple[str, ...],
    dry_run: bool,
    domain: str | None,
    hosted_zone_id: str | None,
    allow_plain_http: bool,
    refresh_ami: bool,
    profile: str | None,
    yes: bool,
) -> None:
    """Deploy REGIONs (region file names; default: all): the origin first, then each edge in order."""
    try:
        configs = load_regions()
    except RegionFileError as exc:
        raise click.ClickException(f"region files have problems:\n{exc}") from exc
    options = DeployOptions(
        prefix=_cdk_context("crosslive:tablePrefix") or "crosslive",
        domain=domain or _cdk_context("crosslive:domain"),
        hosted_zone_id=hosted_zone_id or _cdk_context("crosslive:hostedZoneId"),
        allow_plain_http=allow_plain_http,
        refresh_ami=refresh_ami,
    )
    session = None
    if dry_run:
        state = AccountState.fresh(configs)
        click.echo("offline plan (--dry-run): assumes a fresh account, every region enabled and nothing bootstrapped")
    else:
        import boto3

        session = boto3.Session(profile_name=profile)
        click.echo("checking credentials, enabled regions, the hosted zone, CDK bootstrap and existing stacks ...")
        try:
            state = discover(session, configs, prefix=options.prefix, hosted_zone_id=options.hosted_zone_id)
        except Exception as exc:  # no credentials, expired token, access denied: say which
            raise click.ClickException(f"cannot read the account: {exc}") from exc
        click.echo(f"account {state.account}")
    try:
        steps = plan_deploy(configs, state, options, list(regions) or None)
    except DeployRefused as exc:
        raise click.ClickException("refusing to deploy:\n- " + "\n- ".join(exc.reasons)) from exc
    for line in describe_plan(steps, state.account):
        click.echo(line)
    if dry_run or not steps:
        return
    if not yes:
        click.confirm(f"run these {len(steps)} steps in account {state.account}?", abort=True)
    try:
        run_plan(steps, session=session, account=state.account, regions=configs, options=options, echo=click.echo)
    except StepFailed as exc:
        raise click.ClickException(str(exc)) from exc
