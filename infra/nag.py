"""cdk-nag (AwsSolutionsChecks) wiring and the one helper every acknowledgement goes through.

cdk-nag 3 runs as a CDK validation plugin: synthesis fails on any unacknowledged error. Every
acknowledgement carries a written reason; ``tests/infra/test_nag.py`` asserts that none is empty.
"""

from __future__ import annotations

import cdk_nag
from aws_cdk import Acknowledgment, Stage, Validations
from constructs import IConstruct


def enable_nag(stage: Stage) -> None:
    Validations.of(stage).add_plugins(cdk_nag.AwsSolutionsChecks(stage))


def acknowledge(scope: IConstruct, rule: str, reason: str) -> None:
    """Acknowledge ``rule`` (e.g. ``AwsSolutions::AwsSolutions-L1``) on ``scope`` and below."""
    if len(reason.strip()) < 20:
        raise ValueError(f"acknowledging {rule} needs a real reason")
    Validations.of(scope).acknowledge(Acknowledgment(id=rule, reason=reason))
