"""The soak bench's growth figure: the RSS slope after warm-up (the bench itself runs as
``crosslive bench soak``; its results are in docs/benchmarks.md)."""

from __future__ import annotations

import math

from bench.soak import ProcessSeries


def test_rss_slope_ignores_warm_up_and_measures_growth_per_minute():
    series = ProcessSeries("p", pid=0)
    # 60 s of start-up growth, then 2 MB per minute
    series.samples = [(t, 100 + (t if t < 60 else 60 + (t - 60) / 30), 10, 2, 5) for t in range(0, 301, 5)]
    assert math.isclose(series.slope_mb_per_min(after=60), 2.0, rel_tol=1e-9)
    flat = ProcessSeries("q", pid=0)
    flat.samples = [(t, 200.0, 10, 2, 5) for t in range(0, 301, 5)]
    assert flat.slope_mb_per_min(after=60) == 0.0
    summary = series.summary(after=60)
    assert summary["rss_mb"]["after_warmup"] == 160.0 and summary["fds"] == {"start": 10, "end": 10}


def _report(seconds: float, slopes: dict[str, float], errors: int = 0, achieved: float = 3.0) -> dict[str, object]:
    return {
        "seconds": seconds,
        "bound_mb_per_min": 1.0,
        "errors": ["comment 500"] * errors,
        "rates": {"comments_per_s": 3.0, "claims_per_s": 1.0},
        "achieved": {"comments_per_s": achieved, "claims_per_s": 1.0},
        "processes": [
            {"process": name, "judged": name != "db", "rss_slope_mb_per_min_after_warmup": slope}
            for name, slope in slopes.items()
        ],
    }


def test_the_soak_verdict_judges_each_process_but_the_database_against_the_bound():
    from bench.soak import verdict

    # the DynamoDB stand-in's growth is the data the run stored: reported, never judged
    assert verdict(_report(600, {"platform": 0.4, "edge": 0.9, "db": 25.0})).startswith("PASS")
    failing = verdict(_report(600, {"platform": 0.4, "edge": 1.5, "db": 0.0}))
    assert failing.startswith("FAIL") and "edge grew +1.500" in failing
    assert verdict(_report(600, {"platform": float("nan")})).startswith("FAIL")  # too few samples
    assert "2 errors" in verdict(_report(600, {"platform": 0.0}, errors=2))
    assert "indicative" in verdict(_report(60, {"platform": 0.0}))
    # a machine too loaded to keep the rate did not test the bound
    slow = verdict(_report(600, {"platform": 0.1}, achieved=0.33))
    assert slow.startswith("FAIL") and "ran at 0.33 comments/s of 3" in slow
