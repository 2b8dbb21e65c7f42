"""The census date: by default the end of the reporting period, and fixed whatever data arrive."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from nest_eval.config import ConfigError, RunConfig
from nest_eval.domains.census import census_date
from nest_eval.domains.year import compute_year


def test_the_default_census_date_is_the_end_of_the_reporting_period(demo_data):
    assert compute_year(demo_data, RunConfig(year=2024)).census_date == "2024-12-31"
    financial = compute_year(demo_data, RunConfig(year=2024, financial=True))
    assert financial.census_date == "2025-03-31"
    given = compute_year(demo_data, RunConfig(year=2024, as_of=dt.date(2024, 10, 31)))
    assert given.census_date == "2024-10-31"
    assert given.parameters["as_of"] == "2024-10-31"


def test_a_census_date_before_the_reporting_year_is_refused():
    with pytest.raises(ConfigError, match="before the reporting year 2025 starts"):
        census_date(2025, dt.date(2024, 10, 31))
    with pytest.raises(ConfigError, match=r"starts \(2024-04-01\)"):
        census_date(2024, dt.date(2024, 3, 31), financial=True)


def test_a_past_years_access_and_training_do_not_move_when_later_data_arrive(demo_data):
    # the data as they stood at the end of 2024: nothing dated in 2025, and what happened in
    # 2025 to the requests and learners of 2024 not yet known
    end = pd.Timestamp("2024-12-31")
    access = demo_data["access"]
    access = access[access["received_date"] <= end].copy()
    later = access["first_support_date"] > end
    access.loc[later, "first_support_date"] = pd.NaT
    access.loc[later, "outcome"] = "waiting"
    training = demo_data["training"]
    training = training[training["enrolled_date"] <= end].copy()
    completed_later = training["completed_date"] > end
    training.loc[completed_later, "completed_date"] = pd.NaT
    training.loc[completed_later, "rating"] = pd.NA
    then = {"access": access, "training": training}
    now = {name: demo_data[name] for name in then}
    config = RunConfig(year=2024)
    for name in ("access", "training"):
        pd.testing.assert_frame_equal(
            getattr(compute_year(then, config), name), getattr(compute_year(now, config), name)
        )


def test_the_rows_after_the_census_date_are_counted_for_every_run(demo_data):
    results = compute_year(demo_data, RunConfig(year=2024))
    after = results.accounting["census"]["rows_after_census"]
    assert after["access"] == int((demo_data["access"]["received_date"].dt.year == 2025).sum())
