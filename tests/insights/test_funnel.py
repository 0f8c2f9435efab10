"""The funnel per market and the step where one market falls behind the others (highlighted on
the live panel and the report)."""

from __future__ import annotations

from functions.insights.figures import funnel


def _steps(joined: int, qualified: int, commented: int, claimed: int, redeemed: int) -> dict[str, int]:
    return {"joined": joined, "qualified": qualified, "commented": commented, "claimed": claimed, "redeemed": redeemed}


def test_the_market_that_loses_its_viewers_at_a_step_diverges_there_and_only_it() -> None:
    # GIVEN ID and DE keeping 80 % of joiners to qualify, and AE only 40 % (the others alike after it)
    markets = funnel(
        {
            "ID": _steps(100, 80, 40, 20, 10),
            "DE": _steps(50, 40, 20, 10, 5),
            "AE": _steps(100, 40, 20, 10, 5),
        }
    )
    # THEN step rates are distinct viewers at a step ÷ at the step before it
    assert markets["AE"]["rates"] == {"qualified": 0.4, "commented": 0.5, "claimed": 0.5, "redeemed": 0.5}
    # AND AE diverges at "qualified", 40 points below the others' mean; ID and DE diverge nowhere
    assert (markets["AE"]["diverges_at"], markets["AE"]["divergence"]) == ("qualified", 0.4)
    assert markets["ID"]["diverges_at"] is None and markets["DE"]["diverges_at"] is None


def test_the_widest_gap_wins_and_a_small_one_is_not_highlighted() -> None:
    # GIVEN DE 10 points behind at qualifying (under the 15-point threshold) and 30 behind at claiming
    markets = funnel({"ID": _steps(100, 80, 50, 40, 20), "DE": _steps(100, 70, 50, 25, 12)})
    assert (markets["DE"]["diverges_at"], markets["DE"]["divergence"]) == ("claimed", 0.3)
    # AND a step nobody reached in a market is left out of the comparison (no rate, no divergence)
    empty = funnel({"ID": _steps(100, 80, 50, 40, 20), "JP": _steps(0, 0, 0, 0, 0)})
    assert empty["JP"]["rates"]["qualified"] is None
    assert empty["JP"]["diverges_at"] is None and empty["ID"]["diverges_at"] is None
