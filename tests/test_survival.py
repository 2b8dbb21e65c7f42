"""Kaplan–Meier quantiles against R's survival::survfit.

tests/results/km_reference.R reads tests/results/km_samples.csv (written by
km_make_samples.py) and writes tests/results/km_reference.csv: for every sample, the median and
90th percentile with their 95% limits under each conf.type. The suite reads those values; it
never runs R.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nest_eval.stats.survival import R_CONF_TYPES, TRANSFORMS, km_quantile

RESULTS = Path(__file__).parent / "results"
TRANSFORM_OF = {conf_type: transform for transform, conf_type in R_CONF_TYPES.items()}


def _number(text: str) -> float:
    return np.nan if text == "NA" else float(text)


def _reference() -> pd.DataFrame:
    table = pd.read_csv(RESULTS / "km_reference.csv", dtype=str, keep_default_na=False)
    return table[table["sample"] != "meta"].reset_index(drop=True)


def _samples() -> dict[str, pd.DataFrame]:
    return dict(tuple(pd.read_csv(RESULTS / "km_samples.csv").groupby("sample")))


SAMPLES = _samples()
REFERENCE = _reference()


def _ours(row: pd.Series):
    sample = SAMPLES[row["sample"]]
    return km_quantile(
        sample["time"],
        sample["status"] == 1,
        float(row["p"]),
        transform=TRANSFORM_OF[row["conf_type"]],
    )


def test_the_reference_covers_every_sample_transform_and_quantile():
    assert set(REFERENCE["sample"]) == set(SAMPLES)
    assert set(REFERENCE["conf_type"]) == set(R_CONF_TYPES.values())
    assert set(R_CONF_TYPES) == set(TRANSFORMS)
    assert len(REFERENCE) == len(SAMPLES) * len(TRANSFORMS) * 2


@pytest.mark.parametrize(
    "row",
    REFERENCE.to_dict(orient="records"),
    ids=lambda r: f"{r['sample']}-{r['conf_type']}-{r['p'][:3]}",
)
def test_quantile_is_rs_exactly(row):
    ours = _ours(pd.Series(row)).estimate
    theirs = _number(row["quantile"])
    assert (np.isnan(ours) and np.isnan(theirs)) or ours == theirs


@pytest.mark.parametrize(
    "row",
    REFERENCE.to_dict(orient="records"),
    ids=lambda r: f"{r['sample']}-{r['conf_type']}-{r['p'][:3]}",
)
def test_limits_are_rs_with_the_matching_conf_type(row):
    ours = _ours(pd.Series(row))
    low, high = _number(row["lower"]), _number(row["upper"])
    if np.isnan(low) and np.isnan(high):  # no time where the test accepts 1 - p
        assert np.isnan(ours.low)
        return
    assert ours.low == low or (np.isnan(ours.low) and np.isnan(low))
    high = np.inf if np.isnan(high) else high  # R's NA: the data do not bound it
    if row["upper_band_monotone"] == "TRUE":
        assert ours.high == high
    else:
        # R looks for where its upper limit reaches 1 - p as if that limit never rose; where it
        # rises again, R's upper limit is a later time than the first time the test rejects
        assert ours.high <= high


def test_the_default_transform_agrees_with_r_everywhere():
    rows = REFERENCE[REFERENCE["conf_type"] == "log-log"]
    assert (rows["upper_band_monotone"] == "TRUE").all()
    for row in rows.to_dict(orient="records"):
        ours = _ours(pd.Series(row))
        high = _number(row["upper"])
        assert ours.high == (np.inf if np.isnan(high) else high)


def test_a_curve_flat_at_one_half_has_the_midpoint_as_its_median():
    # four waits of 2, 4, 6 and 8 days: S = 0.5 from 4 to 6 days
    assert km_quantile([2, 4, 6, 8], [True] * 4, 0.5).estimate == 5.0
    # statsmodels' own quantile takes the end of the flat stretch
    from statsmodels.duration.survfunc import SurvfuncRight

    assert SurvfuncRight(np.array([2.0, 4, 6, 8]), np.ones(4)).quantile(0.5) == 6.0


def test_censored_waits_lengthen_the_quantile():
    # ten waits; the three longest still open at 30 days: leaving them out shortens the median
    waits = [3, 5, 8, 10, 12, 15, 20, 30, 30, 30]
    ended = [True] * 7 + [False] * 3
    with_open = km_quantile(waits, ended, 0.5)
    without = km_quantile(waits[:7], ended[:7], 0.5)
    assert (with_open.estimate, without.estimate) == (13.5, 10.0)  # S = 0.5 from 12 to 15
    assert (with_open.n, with_open.censored) == (10, 3)
    assert np.isnan(km_quantile(waits, ended, 0.9).estimate)  # S stays at 0.3: not reached


def test_no_event_gives_no_quantile_and_bad_input_is_refused():
    result = km_quantile([4, 9], [False, False], 0.5)
    assert np.isnan(result.estimate) and (result.n, result.censored) == (2, 2)
    with pytest.raises(ValueError, match="not negative"):
        km_quantile([-1, 2], [True, True], 0.5)
    with pytest.raises(ValueError, match="transform"):
        km_quantile([1, 2], [True, True], 0.5, transform="probit")
    with pytest.raises(ValueError, match="p must"):
        km_quantile([1, 2], [True, True], 1.0)
