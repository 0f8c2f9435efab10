"""The media bench's capacity arithmetic: which points count, and the CPU-per-viewer slope."""

from __future__ import annotations

import pytest

from bench.media import CapacityPoint, CpuFit


def point(viewers: int, cpu: float, worst_loss: float = 0.0, fps: float = 30.0, joined: int | None = None):  # type: ignore[no-untyped-def]
    return CapacityPoint(viewers, viewers if joined is None else joined, cpu, worst_loss, worst_loss, 0.0, fps)


def test_a_point_counts_only_when_everyone_joined_and_got_every_frame_at_full_rate() -> None:
    assert point(0, 0.04, fps=0.0).clean  # the idle point
    assert point(20, 0.10).clean
    assert not point(20, 0.10, worst_loss=1.5).clean  # the viewers could not keep up
    assert not point(20, 0.10, fps=20.0).clean  # the publisher or node was starved: too few frames
    assert not point(20, 0.10, joined=18).clean


def test_the_slope_is_fitted_over_all_points_not_taken_from_one() -> None:
    # GIVEN CPU that grows 0.3 % of a core per viewer on top of 4 %, with +-0.2 % noise
    noise = [0.002, -0.002, 0.001, -0.001, 0.0]
    points = [point(n, 0.04 + 0.003 * n + e) for n, e in zip((0, 10, 20, 30, 40), noise, strict=True)]
    fit = CpuFit.of(points)
    # THEN the slope and intercept come back within the noise, and the residual shows it
    assert fit.per_viewer == pytest.approx(0.003, rel=0.05)
    assert fit.intercept == pytest.approx(0.04, abs=0.002)
    assert 0.0005 < fit.max_residual <= 0.003 and fit.points == 5


def test_a_slope_needs_two_viewer_counts() -> None:
    with pytest.raises(ValueError, match="two or more"):
        CpuFit.of([point(10, 0.1), point(10, 0.11)])
