"""``crosslive bench moderation`` runs and prints every figure (tiny durations; figures not asserted)."""

from __future__ import annotations

from click.testing import CliRunner

from crosslive.cli import main


def test_bench_moderation_prints_its_figures() -> None:
    result = CliRunner().invoke(
        main,
        [
            "bench",
            "moderation",
            "--seconds",
            "0.2",
            "--baseline-seconds",
            "0.2",
            "--inline",
            "0",
            "--no-baseline-accuracy",
        ],
    )
    assert result.exit_code == 0, result.output
    needles = ("comments/s per core", "x better-profanity", "recall", "held-out part", "per language", "per technique")
    for needle in (*needles, "p99"):
        assert needle in result.output
