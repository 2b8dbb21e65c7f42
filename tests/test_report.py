"""Report sections: they show the controlled tables, return them, and state the run's settings."""

from __future__ import annotations

import pandas as pd
import pytest

from nest_eval.config import Disclosure, RunConfig
from nest_eval.domains.year import compute_year
from nest_eval.reporting.report import Report
from nest_eval.reporting.tables import controlled_tables


@pytest.fixture(scope="module")
def results(demo_data):
    return compute_year(demo_data, RunConfig(year=2025))


def test_each_section_returns_the_controlled_table_it_shows(results):
    config = RunConfig(year=2025)
    report = Report(results, config, rpb="Powys")
    controlled = controlled_tables(results, config)
    outcomes = report.outcomes()
    shown = outcomes.frame
    expected = controlled.outcomes_change[controlled.outcomes_change["rpb"] == "Powys"]
    pd.testing.assert_frame_equal(
        shown[expected.columns].reset_index(drop=True), expected.reset_index(drop=True)
    )
    assert (shown == "c").any().any()  # Powys has suppressed cells, shown as published
    distance = report.distance("access").frame
    assert set(distance["rpb"]) == {"Powys"} and set(distance["domain"]) == {"access"}
    assert report.at_a_glance().frame["domain"].tolist()[0] == "implementation"
    assert len(outcomes.frames) >= 2  # the change table and the adjusted change


def test_every_sentence_stating_a_setting_is_written_from_the_run(results, demo_data):
    config = RunConfig(year=2025, disclosure=Disclosure(threshold=5, shorthand="[c]"))
    with pytest.raises(ValueError, match="threshold 10 not 5"):
        Report(results, config)
    report = Report(compute_year(demo_data, config), config, rpb="Gwent")
    title = repr(report.title())
    assert "Counts below 5 below Wales level are suppressed and written [c]." in title
    assert "calendar year, 1 January 2025 to 31 December 2025" in report.title().html
    methods = repr(report.methods())
    assert "from 1 to 4 below Wales level are suppressed and written [c]" in methods
    assert "or on fewer than 5 people" in methods
    assert "each suppressed count can still be any of at least 2 values" in methods
    funnels = repr(report.funnels())
    assert "fewer than 5 in the denominator" in funnels
    assert "is not estimated: that needs at least 20 units and there are 7 RPBs" in funnels
    assert "Exact probability" in funnels
    assert "estimated only when at least 20 units are compared" in methods
    assert "0.53 for 7 units" in methods
    assert "10" not in title.replace("2025", "")


def test_the_year_type_and_the_sd_are_stated_as_configured(results, demo_data):
    with pytest.raises(ValueError, match="financial False not True"):
        Report(results, RunConfig(year=2025, financial=True))
    config = RunConfig(year=2025, financial=True)
    financial = Report(compute_year(demo_data, config), config)
    assert "financial year, 1 April 2025 to 31 March 2026" in financial.title().html
    config = RunConfig(year=2025, sd="sample")
    sample = Report(compute_year(demo_data, config), config)
    assert "SD is the sample's baseline SD (as this run is configured)" in repr(sample.methods())
    assert "whose index uses the sample's baseline SD" not in repr(sample.methods())
    reference = Report(results, RunConfig(year=2025))
    assert "SD is the catalogue's reference SD" in repr(reference.methods())


def test_methods_name_the_measures_without_reliable_change_figures(
    results, demo_data, outcomes_with_unassessable_measure
):
    config = RunConfig(year=2025)
    methods = repr(Report(results, config).methods())
    assert "so that every pair is not assessable for reliable change: none." in methods
    assert (
        "whose index uses the sample's baseline SD: SDQ total difficulties, YP-CORE, ReQoL-10."
    ) in methods
    assert (
        "Measures with reliable-change thresholds by band (listed above), used where the "
        "child's respondent, and sex and age at the first assessment, allow; a child in no band "
        "(sex not recorded as male or female, age unknown or outside the bands) is assessed "
        "with the measure's other figures: YP-CORE."
    ) in methods
    # in the figures-used table
    assert "Reliable change threshold, self-report, female, age 14–16" in methods
    data = {**demo_data, "outcomes": outcomes_with_unassessable_measure}
    with_cors = repr(Report(compute_year(data, config), config).methods())
    assert "not assessable for reliable change: Child Outcome Rating Scale." in with_cors


def test_the_reports_show_voices_foundations_and_the_paired_data_rate(results):
    config = RunConfig(year=2025)
    national, powys = Report(results, config), Report(results, config, rpb="Powys")
    assert set(national.voices().frame["rpb"]) == {*results.voice_shares["rpb"]}
    assert powys.voices().frame["rpb"].tolist() == ["Powys", "Wales"]
    foundations = national.foundations().frame
    assert len(foundations) == 5 and "Powys" in foundations.columns
    assert "rpb_text" in powys.foundations().frame.columns
    paired = national.paired_data()
    assert paired.frame["rpb"].tolist()[-1] == "Wales" and len(paired.frame) == 8
    assert "[figure: Paired data rate" in paired.text and "Funnel plot of 7 RPBs" in paired.text
    assert powys.paired_data().frame["rpb"].tolist() == ["Powys", "Wales"]


def test_the_2024_report_as_of_october_2024_gives_the_published_training_figures(demo_data):
    # NYTH/NEST implementation update (seed 003): "As of October 2024, 147 people had enrolled
    # on the course and 70 had completed"; 92% rated it good or excellent; learners NHS 60%,
    # local authority 20%, third sector 3%, private or other 17%
    import datetime as dt

    from nest_eval.reporting.precision import published_precision
    from nest_eval.reporting.tables import published_tables

    config = RunConfig(year=2024, as_of=dt.date(2024, 10, 31))
    results = compute_year(demo_data, config)
    block = Report(results, config).enablers()
    shown = block.frames[-1].set_index(["indicator", "organisation_type"], drop=False)
    assert "Learners enrolled in 2024 up to 31 October 2024" in block.text
    assert "Learners enrolled | 147 | 147" in block.text
    assert "Completed | 70 | 147" in block.text
    assert "Rated good or excellent (4–5 of 5) | 91.8% (82.2% to 96.4%) | 61" in block.text
    table = published_tables(results, config)["training"]
    pd.testing.assert_frame_equal(  # the table shown, at the published precision
        table.reset_index(drop=True),
        published_precision(shown[table.columns]).reset_index(drop=True),
    )
    values = table.set_index("indicator")["value"]
    assert (values["enrolled"], values["completed"]) == (147, 70)
    assert round(100 * values["share_rated_good_or_excellent"]) == 92
    mix = table[table["indicator"] == "share_of_learners"]
    assert [round(100 * v) for v in mix["value"]] == [60, 20, 3, 17]
    assert mix["organisation_type"].tolist() == ["nhs", "local_authority", "third_sector",
                                                  "private_other"]  # fmt: skip
    # the same year as of its end counts the learners enrolled in November and December too
    year_end = compute_year(demo_data, RunConfig(year=2024)).training.set_index("indicator")
    assert year_end.loc["enrolled", "value"] > 147


def test_the_report_states_its_census_date(results):
    report = Report(results, RunConfig(year=2025))
    assert "as of 31 December 2025" in report.title().html
    methods = repr(report.methods())
    assert "Census date: 31 December 2025 (the last day of the reporting year)" in methods
    assert "requests still waiting are the requests received in the year" in methods
    access = repr(report.access())
    assert "Requests received in 2025 up to the census date, 31 December 2025" in access
