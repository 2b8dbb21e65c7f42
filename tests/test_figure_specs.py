"""Tests for the figure specifications (nest_eval.reporting.figures): the rows, values and texts
of each figure, decided without drawing."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from nest_eval.config import Disclosure
from nest_eval.domains import comparisons, distance, experiences, implementation
from nest_eval.reference.contract import EXPERIENCE_ITEMS
from nest_eval.reference.messages import label
from nest_eval.reference.vocabulary import CORE_ELEMENTS, JOURNEY_LEVELS, WALES
from nest_eval.reporting.figures.categories import CATEGORIES, categories_spec
from nest_eval.reporting.figures.distance import distance_spec
from nest_eval.reporting.figures.experiences import experience_spec
from nest_eval.reporting.figures.funnel import funnel_spec
from nest_eval.reporting.figures.profile import profile_spec
from nest_eval.reporting.figures.spec import suppressed_note

SUPPRESSED_NOTE = suppressed_note(Disclosure())


def statement(item: str) -> str:
    return label(f"experience_statement.{item}").rstrip(".")


YEAR = 2025
SPEC_MODULES = ("spec", "profile", "distance", "categories", "funnel", "experiences")


@pytest.fixture(scope="module")
def tables(demo_data, outcomes_with_unassessable_measure):
    sa = demo_data["self_assessment"]
    return {
        "means": implementation.national_means(sa, YEAR),
        "ratings": implementation.journey_ratings(sa),
        "distance": distance.distance_travelled(demo_data, YEAR),
        "outcomes": distance.outcomes_change(outcomes_with_unassessable_measure, YEAR),
        "agreement": experiences.agreement(demo_data["experiences"], YEAR),
        "funnels": comparisons.rpb_funnels(comparisons.proportions_by_rpb(demo_data, YEAR)),
    }


def test_specifications_do_not_import_matplotlib():
    modules = ", ".join(SPEC_MODULES)
    script = (
        "import sys\n"
        f"from nest_eval.reporting.figures import {modules}\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('matplotlib'))\n"
        "assert not loaded, loaded\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


# --- 1. NEST profile ---------------------------------------------------------------------------


def test_profile_rows_in_published_order_with_baseline(tables):
    spec = profile_spec(tables["means"], tables["ratings"], "Gwent", YEAR, baseline_year=YEAR - 1)
    assert spec.texts.name == "nest_profile_gwent"
    assert [row.element for row in spec.rows] == [e.label_en for e in CORE_ELEMENTS]
    assert spec.levels == tuple((lv.level, lv.label()) for lv in JOURNEY_LEVELS)
    assert [entry.key for entry in spec.texts.legend] == ["rpb", "baseline", "wales"]
    assert spec.texts.legend[0].label == f"Gwent in {YEAR}"
    assert spec.texts.legend[1].label == f"Gwent in {YEAR - 1}"
    trusted = spec.rows[0]  # the demo data leave Gwent's trusted adults unrated this year
    assert trusted.rpb is not None and not trusted.rpb.drawn
    assert trusted.rpb.text == "Gwent: not rated"
    assert trusted.wales.drawn and trusted.wales.text == f"{trusted.wales.value:.1f}"
    assert trusted.rated == "rated by 6 of 7 RPBs"
    assert spec.has_rpb and spec.texts.title == f"NEST profile, {YEAR}: Gwent and the Wales mean"


def test_profile_wales_and_unrated_element():
    means = pd.DataFrame({"element": ["trusted_adults"], "mean_rating": [np.nan], "n_rpbs": [0]})
    spec = profile_spec(means, year=YEAR)
    assert not spec.has_rpb and spec.texts.name == "nest_profile_wales"
    assert [entry.key for entry in spec.texts.legend] == ["wales"]
    assert spec.rows[0].wales.text == "Wales: not rated by any RPB"
    assert not spec.rows[0].wales.drawn
    assert spec.rows[1].rated == "RPBs rating it: unknown"  # no row at all for the element
    with pytest.raises(ValueError, match="rpb"):
        profile_spec(means, {"trusted_adults": 3})


# --- 2. Distance travelled ---------------------------------------------------------------------


def test_distance_panels_shares_and_intervals(tables):
    spec = distance_spec(tables["distance"], "Gwent", "access", year=YEAR)
    by_label = {panel.label: panel for panel in spec.panels}
    share = by_label["Share first supported within 28 days"]
    assert share.share and not share.ratings and share.better == " (higher is better)"
    low, high = share.interval
    assert low < share.baseline < high
    assert share.change.startswith("change ") and share.change.endswith(")")
    assert " pts (95% CI " in share.change
    median = by_label["Median wait to first support (days)"]
    assert not median.share and median.interval is None and median.change == "change −6"
    assert [entry.key for entry in spec.texts.legend] == ["baseline", "current", "interval"]
    assert spec.texts.legend[0].label == f"Baseline ({YEAR - 1})"
    assert SUPPRESSED_NOTE not in spec.texts.alt


def test_distance_suppressed_values_are_absent(tables):
    table = tables["distance"].astype(
        {c: object for c in ("baseline", "current", "change", "ci_low", "ci_high", "n")}
    )
    safe = (table["rpb"] == "Gwent") & (table["item"] == "safe")
    table.loc[safe, ["current", "change", "ci_low", "ci_high", "n"]] = "c"
    spec = distance_spec(table, "Gwent", "experiences", year=YEAR)
    panel = next(p for p in spec.panels if p.label == "Share agreeing: Safe")
    assert math.isnan(panel.current) and panel.interval is None
    assert panel.absent == "current: c" and panel.change == "change suppressed (c)"
    assert spec.texts.notes[-1] == SUPPRESSED_NOTE + "."


def test_distance_ratings_domain(tables):
    spec = distance_spec(tables["distance"], "Gwent", "implementation", year=YEAR)
    assert all(panel.ratings and not panel.share for panel in spec.panels)
    assert all(row[-1] == "–" for row in spec.texts.data.rows)  # a census: no n


# --- 3. Outcome categories ---------------------------------------------------------------------


def test_categories_rows(tables):
    spec = categories_spec(tables["outcomes"], "Cardiff and Vale", year=YEAR)
    assert spec.texts.name == "outcome_categories_cardiff-and-vale"
    assert [entry.key for entry in spec.texts.legend] == [
        CATEGORIES[0],
        CATEGORIES[3],
        CATEGORIES[1],
        CATEGORIES[2],
    ]
    drawn = [row for row in spec.rows if not row.message]
    for row in drawn:
        assert [s.key for s in row.segments] == list(CATEGORIES[:3])
        assert sum(s.percent for s in row.segments) == pytest.approx(100.0)
    assessable = [row for row in spec.rows if row.message == "not assessable for reliable change"]
    assert assessable and all(not row.segments for row in assessable)
    assert any(math.isfinite(row.recovery) for row in drawn)  # YP-CORE's recovered pair
    assert spec.texts.notes[0].startswith("Not assessable")


def test_categories_suppressed_row(tables):
    rows = tables["outcomes"].astype(object)
    powys = (rows["rpb"] == "Powys") & (rows["measure"] == "SWEMWBS")
    columns = [c for c in rows.columns if "reliable" in c or c == "n_pairs"]
    rows.loc[powys, columns] = "c"
    spec = categories_spec(rows, "Powys", year=YEAR)
    row = next(r for r in spec.rows if r.label.startswith("Short Warwick"))
    assert row.message == SUPPRESSED_NOTE and row.detail == "n = c pairs"
    assert not row.segments and math.isnan(row.recovery)
    assert spec.texts.notes[-1] == SUPPRESSED_NOTE + "."


# --- 4. Funnel plot ----------------------------------------------------------------------------


def test_funnel_units_without_suppressed_rows(tables):
    funnels = tables["funnels"]
    first = funnels.iloc[0]
    same = (funnels["indicator"] == first["indicator"]) & (funnels["item"] == first["item"])
    rows = funnels[same].astype(object)
    rows.loc[rows.index[0], ["x", "proportion"]] = "c"
    hidden = rows.loc[rows.index[0], "rpb"]
    spec = funnel_spec(rows, "Share agreeing: nurturing")
    assert hidden not in set(spec.units["unit"]) and len(spec.units) == len(rows) - 1
    assert spec.units["proportion"].dtype == float
    assert spec.levels == (0.95, 0.998) and 0 < spec.target < 1
    assert spec.texts.notes[-1] == f"Not shown: {hidden} ({SUPPRESSED_NOTE})."
    assert spec.texts.name == "funnel_share-agreeing-nurturing"
    assert not spec.texts.legend  # the plot carries its own legend


def test_funnel_names_an_rpb_past_a_line_but_not_flagged(tables):
    # demo data: the share of ratings informed by children's voices, 6 of 6 in three RPBs
    # against 85.4%: past the interpolated 99.8% line, exact probability 0.39, not flagged
    funnels = tables["funnels"]
    rows = funnels[funnels["indicator"] == "share_cyp_voice"]
    assert (rows["flag"] == "within").all()
    full = rows.loc[rows["x"] == rows["n"], "rpb"].tolist()
    assert len(full) == 3 and (rows.loc[rows["x"] == rows["n"], "upper_99.8"] < 1).all()
    spec = funnel_spec(rows, "Ratings informed by children's voices")
    assert "No RPB lies outside the limits." in spec.texts.alt
    assert spec.texts.notes[1].startswith("Just past a line but not outside the limits")
    for rpb in full:
        assert f"{rpb} past the 99.8% line" in spec.texts.notes[1]
    table = {row[0]: row for row in spec.texts.data.rows}
    assert all(table[rpb][1:4] == ("100.0%", "6", "6") for rpb in full)
    assert "exact binomial 95% and 99.8% control limits" in spec.texts.caption
    # none past a line: no such sentence
    quiet = funnels[(funnels["indicator"] == "share_family_voice")]
    assert not any("Just past" in n for n in funnel_spec(quiet, "Families' voices").texts.notes)


# --- 5. Experience items -----------------------------------------------------------------------


def test_experience_rows_rpb_against_wales(tables):
    spec = experience_spec(tables["agreement"], rpb="Gwent", year=YEAR)
    assert [entry.key for entry in spec.texts.legend] == ["rpb", "wales"]
    assert [entry.label for entry in spec.texts.legend] == ["Gwent", WALES]
    assert [row.statement for row in spec.rows] == [statement(i) for i in EXPERIENCE_ITEMS]
    first = spec.rows[0]
    assert first.detail.startswith("Gwent n = ") and "; Wales n = " in first.detail
    for point in first.points:
        assert point.drawn and point.low < point.value < point.high


def test_experience_wales_alone_and_suppressed(tables):
    agreement = tables["agreement"]
    wales = experience_spec(agreement[agreement["rpb"] == WALES], year=YEAR)
    assert [entry.key for entry in wales.texts.legend] == ["wales"]
    assert wales.rows[0].detail.startswith("n = ")
    rows = agreement.astype(object)
    cell = (rows["rpb"] == "Gwent") & (rows["item"] == "safe") & (rows["respondent_type"] == "all")
    rows.loc[cell, ["estimate", "ci_low", "ci_high", "n", "n_agree"]] = "c"
    spec = experience_spec(rows, rpb="Gwent", year=YEAR)
    safe = spec.rows[EXPERIENCE_ITEMS.index("safe")]
    assert not safe.points[0].drawn and safe.points[0].text == "Gwent: c"
    assert spec.texts.notes == (SUPPRESSED_NOTE + ".",)
