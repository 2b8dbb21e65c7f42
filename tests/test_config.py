"""The run configuration: built once, every setting reachable, published settings only."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from nest_eval.cli import _parser, _run_config
from nest_eval.config import ConfigError, Disclosure, RunConfig
from nest_eval.domains.year import compute_year

ROOT = Path(__file__).resolve().parents[1]


def test_the_pipeline_file_gives_defaults_and_the_command_line_overrides_them(tmp_path):
    pipeline = tmp_path / "p.toml"
    pipeline.write_text('[settings]\nthreshold = 5\nsd = "sample"\nlanguages = ["en", "cy"]\n')
    args = _parser().parse_args(
        ["run", "--year", "2024", "--pipeline", str(pipeline), "--threshold", "7", "--financial"]
    )
    config = _run_config(args)
    assert config.year == 2024
    assert config.disclosure == Disclosure(threshold=7, shorthand="c")  # the option wins
    assert config.sd == "sample" and config.financial  # from the file; from the option
    assert config.languages == ("en", "cy")
    assert config.pipeline == pipeline


def test_every_setting_is_an_option_of_run(tmp_path):
    pipeline = tmp_path / "p.toml"
    pipeline.write_text("[settings]\n")
    overrides = tmp_path / "overrides.toml"
    overrides.write_text("[measures.SDQ_TOTAL]\nreference_sd = 5.8\n")
    given = ["run", "--year", "2024", "--baseline-year", "2023", "--as-of", "2024-10-31"]
    given += ["--financial", "--sd", "sample", "--threshold", "5", "--shorthand", "[c]"]
    given += ["--protection", "3", "--rounding", "5", "--suppress-zeros"]
    given += ["--reference-config", str(overrides), "--language", "en", "cy"]
    given += ["--data", "d", "--out", "o", "--processed", "p", "--build", "b"]
    given += ["--rpb", "Gwent", "--jobs", "3", "--force", "--pipeline", str(pipeline)]
    given += ["--max-quarantined", "0.1", "--accept-quarantine"]
    config = _run_config(_parser().parse_args(given))
    assert (config.year, config.baseline_year, config.as_of) == (2024, 2023, dt.date(2024, 10, 31))
    assert config.financial and config.sd == "sample" and config.force and config.jobs == 3
    assert config.disclosure == Disclosure(5, "[c]", protection=3, rounding=5, zeros=True)
    assert config.reference_config == overrides and config.reference().catalogue.overrides
    assert config.languages == ("en", "cy") and config.rpbs == ("Gwent",)
    assert config.max_quarantined == 0.1 and config.accept_quarantine
    folders = config.folders
    assert (folders.data, folders.reports, folders.processed, folders.build) == tuple(
        Path(x) for x in ("d", "o", "p", "b")
    )


def test_parameters_are_publishable_and_round_trip():
    config = RunConfig(
        year=2025,
        as_of=dt.date(2025, 10, 31),
        disclosure=Disclosure(threshold=5, shorthand="[c]"),
        reference_config=ROOT / "pyproject.toml",  # any file: only its hash is kept
    )
    parameters = config.parameters()
    assert "reference_config" not in parameters and "folders" not in parameters
    assert not any(isinstance(v, Path) for v in parameters.values())
    again = RunConfig.from_parameters(parameters)
    assert again.parameters() == parameters
    assert again.as_of == dt.date(2025, 10, 31) and again.disclosure.shorthand == "[c]"
    assert config.computation()["reference_config_sha256"]


@pytest.mark.parametrize(
    ("settings", "small", "protection"),
    [
        ({}, (1, 9), 5),  # half of 9 values, rounded up
        ({"threshold": 5}, (1, 4), 2),
        ({"threshold": 5, "zeros": True}, (0, 4), 3),
        ({"threshold": 3}, (1, 2), 2),  # never below 2: no count pinned down
        ({"threshold": 30}, (1, 29), 5),  # never above 5
        ({"threshold": 5, "protection": 4}, (1, 4), 4),
    ],
)
def test_the_protection_level_follows_the_small_counts(settings, small, protection):
    disclosure = Disclosure(**settings)
    assert disclosure.small == small
    assert disclosure.protection_level == protection


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"sd": "median"}, "sd must be one of"),
        ({"threshold": 1}, "threshold must be at least 2"),
        ({"shorthand": "x"}, "shorthand must be one of"),
        ({"threshold": 5, "protection": 5}, "protection must be between 1 and 4"),
        ({"rounding": 4}, "rounding must be one of"),
        ({"zeros": "yes"}, "zeros must be true or false"),
        ({"max_quarantined": 2}, "max_quarantined must be a share from 0 to 1"),
        ({"accept_quarantine": "yes"}, "accept_quarantine must be true or false"),
        ({"languages": ["fr"]}, "languages must be among"),
        ({"year": 2025, "baseline_year": 2025}, "not before 2025"),
        ({"colour": "blue"}, "unknown setting"),
    ],
)
def test_bad_settings_are_refused_by_name(settings, message):
    with pytest.raises(ConfigError, match=message):
        RunConfig.from_settings(settings, "test settings")


def test_as_of_fixes_the_census_date(demo_data):
    latest = compute_year(demo_data, RunConfig(year=2025))
    mid_year = compute_year(demo_data, RunConfig(year=2025, as_of=dt.date(2025, 6, 30)))
    waiting = {
        name: r.access.set_index(["rpb", "indicator"]).loc[("Wales", "still_waiting_at_year_end")]
        for name, r in (("latest", latest), ("mid_year", mid_year))
    }
    assert waiting["latest"]["estimate"] != waiting["mid_year"]["estimate"]
    assert mid_year.parameters["as_of"] == "2025-06-30"


def test_both_languages_are_published_unless_the_run_chooses(tmp_path):
    from nest_eval.cli import _parser, _run_config

    pipeline = tmp_path / "p.toml"
    pipeline.write_text("[settings]\n")

    def languages(*options: str) -> tuple[str, ...]:
        args = _parser().parse_args(
            ["run", "--year", "2025", "--pipeline", str(pipeline), *options]
        )
        return _run_config(args).languages

    assert languages() == ("en", "cy")
    assert languages("--language", "en") == ("en",)
    assert languages("--language", "cy") == ("cy",)
    with pytest.raises(SystemExit):
        languages("--language", "fr")
