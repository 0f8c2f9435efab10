"""cdk-nag (AwsSolutionsChecks) wiring and the one helper every acknowledgement goes through.

cdk-nag 3 runs as a CDK validation plugin: synthesis fails on any unacknowledged error. Every
acknowledgement carries a written reason; ``tests/infra/test_nag.py`` asserts that none is empty.
"""

from __future__ import annotations

import cdk_nag
from aws_cdk import Acknowledgment, Stack, Stage, Token, Validations
from constructs import IConstruct


def enable_nag(stage: Stage) -> None:
    Validations.of(stage).add_plugins(cdk_nag.AwsSolutionsChecks(stage))


def acknowledge(scope: IConstruct, rule: str, reason: str) -> None:
    """Acknowledge ``rule`` (e.g. ``AwsSolutions::AwsSolutions-L1``) on ``scope`` and below."""
    if len(reason.strip()) < 20:
        raise ValueError(f"acknowledging {rule} needs a real reason")
    Validations.of(scope).acknowledge(Acknowledgment(id=rule, reason=reason))


def partition_in_findings(scope: IConstruct) -> str:
    """The partition as cdk-nag writes it in a finding id for an ARN the stack builds: the literal
    (``aws``) under cdk.json's ``enablePartitionLiterals``, ``<AWS::Partition>`` otherwise."""
    partition = Stack.of(scope).partition
    return "<AWS::Partition>" if Token.is_unresolved(partition) else partition
