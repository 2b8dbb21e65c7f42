from collections import Counter

import pandas as pd
import pytest

from nest_eval.config import RunConfig
from nest_eval.domains import (
    case_mix,
    comparisons,
    distance,
    implementation,
    intermediates,
    outcomes,
)
from nest_eval.domains.year import compute_year

YEAR = 2025


def _counted(monkeypatch, calls, module, name, key=None):
    """Replace ``module.name`` with a wrapper counting its calls under ``key(args, kwargs)``."""
    original = getattr(module, name)

    def wrapper(*args, **kwargs):
        calls[key(args, kwargs) if key else name] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, wrapper)


@pytest.fixture(scope="module")
def counted_year(demo_data):
    """The 2025 results on the demo data, with the calls of the repeated work counted."""
    calls = Counter()
    with pytest.MonkeyPatch.context() as monkeypatch:
        _counted(monkeypatch, calls, case_mix, "fit_random_intercept")
        _counted(
            monkeypatch,
            calls,
            case_mix,
            "adjusted_changes",
            key=lambda args, kwargs: (
                "joint" if any("|" in g for g in kwargs["groups"]) else "ancova",
                len(args[0]),
                float(args[0]["baseline"].sum()),
            ),
        )
        _counted(monkeypatch, calls, outcomes, "episodes")
        _counted(
            monkeypatch,
            calls,
            outcomes,
            "reliable_change",
            key=lambda args, kwargs: ("reliable_change", *sorted(set(args[0]["cohort"]))),
        )
        _counted(
            monkeypatch,
            calls,
            implementation,
            "journey_ratings",
            key=lambda args, kwargs: ("journey_ratings", kwargs.get("level", "region")),
        )
        results = compute_year(demo_data, RunConfig(year=YEAR))
    return results, calls


def _cohorts_used(demo_data):
    """The reporting cohort and the outcome baselines of distance travelled."""
    baselines = distance.baseline_years(demo_data, YEAR)
    used = baselines.loc[baselines["domain"] == "outcomes", "baseline_year"].dropna()
    return sorted({YEAR, *(int(b) for b in used)})


def _model_keys(cohort, models):
    """(cohort, measure, respondent) of each row of a models table."""
    return {(cohort, *key) for key in models[["measure", "respondent"]].itertuples(index=False)}


def test_a_year_fits_each_model_once_and_builds_each_intermediate_once(counted_year, demo_data):
    results, calls = counted_year
    cohorts = _cohorts_used(demo_data)
    assert cohorts == [2024, 2025]
    # the reporting cohort's mixed models (the models table) and one ANCOVA per cohort,
    # measure and respondent: the reporting cohort's are the adjusted table; each baseline
    # cohort's are that year's own adjusted table
    assert len(results.models) == 6
    assert calls["fit_random_intercept"] == 6
    ancovas = _model_keys(YEAR, results.adjusted.drop_duplicates(["measure", "respondent"]))
    for cohort in cohorts[:-1]:
        earlier = compute_year(demo_data, RunConfig(year=cohort)).adjusted
        ancovas |= _model_keys(cohort, earlier.drop_duplicates(["measure", "respondent"]))
    fitted = [key for key in calls if key[0] == "ancova"]
    assert sum(calls[key] for key in fitted) == len(ancovas) == 12
    assert all(calls[key] == 1 for key in fitted)  # each child sample fitted once
    # and one joint model of both cohorts per measure and respondent, for distance travelled
    joint = [key for key in calls if key[0] == "joint"]
    assert len(joint) == 6 and all(calls[key] == 1 for key in joint)
    assert calls["episodes"] == 1
    assert {key[1:] for key in calls if key[0] == "reliable_change"} == {(c,) for c in cohorts}
    assert all(calls[key] == 1 for key in calls if key[0] == "reliable_change")
    assert calls[("journey_ratings", "region")] == 1
    assert calls[("journey_ratings", "project")] == 1  # the RIF project rows, once


def test_shared_intermediates_give_the_tables_built_alone(counted_year, demo_data):
    results, _ = counted_year
    alone = distance.distance_travelled(demo_data, YEAR, min_paired=case_mix.min_paired_for(10))
    pd.testing.assert_frame_equal(results.distance, alone)
    pd.testing.assert_frame_equal(
        results.outcomes_change, distance.outcomes_change(demo_data["outcomes"], YEAR)
    )
    alone = comparisons.rpb_funnels(comparisons.proportions_by_rpb(demo_data, YEAR))
    pd.testing.assert_frame_equal(results.funnels, alone)


def test_intermediates_of_other_settings_are_refused(demo_data):
    outcomes_only = {"outcomes": demo_data["outcomes"]}
    shared = intermediates.year_intermediates(outcomes_only, YEAR, cohorts=[YEAR], fit_models=False)
    assert shared.outcomes.adjusted == {} == shared.outcomes.per_year
    assert list(shared.outcomes.summaries) == [YEAR]
    with pytest.raises(ValueError, match="sd 'reference'"):
        distance.outcomes_change(demo_data["outcomes"], YEAR, sd="sample", intermediates=shared)
    with pytest.raises(ValueError, match="year 2025"):
        distance.outcomes_change(demo_data["outcomes"], 2024, intermediates=shared)
