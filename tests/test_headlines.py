"""Honest headlines: a change reads as improved or worsened only where its interval says so, and
every headline value is written in its indicator's unit."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from nest_eval.config import RunConfig
from nest_eval.domains.year import compute_year
from nest_eval.reference.indicators import INDICATORS, UNITS, indicator
from nest_eval.reporting.format import estimate_text, format_value
from nest_eval.reporting.readings import READINGS, reading
from nest_eval.reporting.report import Report
from nest_eval.reporting.sections.overview import glance_table

NA = np.nan


def _row(indicator_key, change, low=NA, high=NA, better="higher", domain="access"):
    return {
        "rpb": "Wales",
        "domain": domain,
        "indicator": indicator_key,
        "baseline_year": 2024,
        "change": change,
        "ci_low": low,
        "ci_high": high,
        "better": better,
    }


def _glance(rows: list[dict]) -> pd.DataFrame:
    """The glance table of a hand-made controlled distance table (Wales)."""
    ctx = SimpleNamespace(tables=SimpleNamespace(distance=pd.DataFrame(rows)), scope="Wales")
    return glance_table(ctx).set_index("domain")  # type: ignore[arg-type]


# --- how a change reads ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (_row("share_within_28_days", 0.06, 0.018, 0.106), "improved"),
        (_row("share_within_28_days", -0.06, -0.1, -0.02), "worsened"),
        (_row("share_redirected", -0.06, -0.1, -0.02, better="lower"), "improved"),
        (_row("share_redirected", 0.06, 0.02, 0.1, better="lower"), "worsened"),
        (_row("share_within_28_days", 0.05, -0.01, 0.11), "no_clear_change"),
        (_row("share_within_28_days", 0.05, 0.0, 0.1), "no_clear_change"),  # touches no change
        (_row("median_wait_days", -6.0, better="lower"), "no_interval"),
        (_row("still_waiting_at_year_end", -27.0, better="lower"), "no_interval"),
        (_row("mean_journey_rating", 0.24, domain="implementation"), "no_interval"),
        (_row("share_within_28_days", 0.05, "c", "c"), "suppressed"),
        (_row("still_waiting_at_year_end", "c", better="lower"), "suppressed"),
        (_row("journey_rating", NA, domain="implementation"), "not_comparable"),
    ],
)
def test_a_change_reads_improved_or_worsened_only_where_its_interval_excludes_no_change(
    row, expected
):
    assert reading(row) == expected


def test_a_median_or_count_change_without_an_interval_is_not_counted_as_improved():
    glance = _glance(
        [
            _row("median_wait_days", -6.0, better="lower"),
            _row("p90_wait_days", -10.0, better="lower"),
            _row("still_waiting_at_year_end", -27.0, better="lower"),
            _row("share_within_28_days", 0.062, 0.018, 0.106),
        ]
    )
    access = glance.loc["access"]
    assert (access["indicators"], access["improved"], access["no_interval"]) == (4, 1, 3)
    assert access["worsened"] == 0


def test_a_change_whose_interval_is_suppressed_is_counted_as_suppressed():
    glance = _glance(
        [
            _row("share_within_28_days", 0.05, "c", "c"),
            _row("share_redirected", "c", "c", "c", better="lower"),
            _row("mean_redirections", -0.2, -0.3, -0.1, better="lower"),
        ]
    )
    access = glance.loc["access"]
    assert (access["suppressed"], access["improved"], access["worsened"]) == (2, 1, 0)


def test_every_row_of_a_domain_is_counted_once():
    rows = [
        _row("share_within_28_days", 0.06, 0.018, 0.106),
        _row("share_redirected", 0.06, 0.02, 0.1, better="lower"),
        _row("mean_redirections", 0.1, -0.1, 0.3, better="lower"),
        _row("median_wait_days", -6.0, better="lower"),
        _row("p90_wait_days", NA, better="lower"),
        _row("still_waiting_at_year_end", "c", better="lower"),
    ]
    access = _glance(rows).loc["access"]
    assert [access[k] for k in READINGS] == [1, 1, 1, 1, 1, 1]
    assert access["indicators"] == len(rows)


# --- values in their units ------------------------------------------------------------------


def test_the_experience_index_is_a_mean_on_its_1_to_5_scale_not_a_percentage():
    unit = indicator("experience_index").unit
    assert (unit.kind, unit.scale) == ("mean", "agreement")
    assert format_value(3.742083, unit) == "3.74"
    assert estimate_text(0.144, 0.0835, 0.2044, unit) == "+0.14 (+0.08 to +0.20)"


def test_a_change_in_a_share_is_in_percentage_points_named_once():
    text = estimate_text(0.0622, 0.018, 0.106, indicator("share_within_28_days").unit)
    assert text == "+6.2 pp (+1.8 to +10.6)"
    assert text.count("pp") == 1 and "%" not in text


def test_days_and_counts_are_whole_numbers():
    assert format_value(38.0, indicator("median_wait_days").unit) == "38"
    assert format_value(-6.0, indicator("median_wait_days").unit, signed=True) == "−6"
    assert format_value(1234.0, indicator("still_waiting_at_year_end").unit) == "1,234"


def test_headline_counts_have_their_own_unit_defined_once_in_the_reference_data():
    unit = UNITS["count_indicators"]
    assert (unit.kind, unit.decimals, unit.is_disclosive_count) == ("count", 0, False)
    headlines = {k for k, spec in INDICATORS.items() if spec.headline}
    domains = {INDICATORS[k].domain for k in headlines}
    assert domains == {"implementation", "outcomes", "experiences", "access"}


# --- At a glance on the demo data -----------------------------------------------------------


@pytest.fixture(scope="module")
def glance(demo_data):
    config = RunConfig(year=2025)
    return Report(compute_year(demo_data, config), config).at_a_glance()


def test_at_a_glance_shows_each_headline_value_in_its_indicators_unit(glance):
    counts, headlines = glance.frames
    assert set(counts.columns) >= {"indicators", *READINGS}
    shown = headlines.set_index("indicator")
    assert set(shown.index) == {k for k, spec in INDICATORS.items() if spec.headline}
    index = shown.loc["experience_index"]
    assert index["current_text"] == format_value(index["current"], "agreement_mean")
    assert "%" not in index["current_text"] + index["baseline_text"] + index["change_text"]
    assert 1 <= float(index["current_text"]) <= 5
    assert shown.loc["share_within_28_days", "current_text"].endswith("%")
    assert " pp " in shown.loc["share_within_28_days", "change_text"]
    for key in ("median_wait_days", "still_waiting_at_year_end"):
        value = shown.loc[key, "current_text"]
        assert value == "c" or value.replace(",", "").isdigit(), key
    for record in headlines.to_dict(orient="records"):
        unit = indicator(record["indicator"]).unit
        assert record["current_text"] == format_value(record["current"], unit)
    assert "Reading" in glance.text and "3.74" in glance.text and "374" not in glance.text


def test_at_a_glance_counts_each_reading_of_the_controlled_rows(glance):
    counts, headlines = glance.frames
    counts = counts.set_index("domain")
    assert (counts[list(READINGS)].sum(axis=1) == counts["indicators"]).all()
    # journey ratings have no interval: never counted as improved
    assert counts.loc["implementation", "improved"] == 0
    assert counts.loc["implementation", "no_interval"] > 0
    for record in headlines.to_dict(orient="records"):
        if record["change"] == "c" or record["ci_low"] == "c":
            assert record["reading"] == "suppressed"
        elif pd.isna(record["ci_low"]):
            assert record["reading"] in {"no_interval", "not_comparable"}
