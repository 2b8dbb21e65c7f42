"""Meaning lives in keys: labels are display only, and every indicator key leads to its code."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from nest_eval.config import RunConfig
from nest_eval.domains.year import compute_year
from nest_eval.reference import indicators, messages
from nest_eval.reporting.report import Report
from nest_eval.reporting.tables import published_tables

ROOT = Path(__file__).resolve().parents[1]
DOMAINS = ROOT / "src" / "nest_eval" / "domains"
LABEL_COLUMNS = {"label"}


@pytest.fixture(scope="module")
def results(demo_data):
    return compute_year(demo_data, RunConfig(year=2025))


def scrambled(message: messages.Message) -> messages.Message:
    """Every label rewritten, with words that used to mean something put in (placeholders of a
    pattern such as ``{measure}`` are kept, so the pattern still fills)."""
    if "{" in message.english:
        text = f"share mixed model <{message.english}> still waiting"
    else:
        text = f"share mixed model {message.english[::-1]} requests still waiting at year end"
    return replace(message, english=text, welsh=text)


def numbers_and_decisions(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Every published cell but the display labels: numbers, keys and suppressed cells."""
    return {
        name: frame.drop(columns=[c for c in frame.columns if c in LABEL_COLUMNS])
        for name, frame in tables.items()
    }


def test_rewriting_every_label_changes_no_number_and_no_suppression(results):
    config = RunConfig(year=2025)
    before = published_tables(results, config)
    with messages.using(messages.messages().rewritten(scrambled)):
        after = published_tables(results, config)
        report = Report(results, config, rpb="Powys")
        frames_after = [report.distance(d).frame for d in ("outcomes", "access")]
        frames_after.append(report.outcomes().frame)
    assert before.keys() == after.keys()
    kept, rewritten = numbers_and_decisions(before), numbers_and_decisions(after)
    for name in before:
        pd.testing.assert_frame_equal(kept[name], rewritten[name], check_exact=True)
    assert (after["distance_travelled"]["label"] != before["distance_travelled"]["label"]).all()
    report = Report(results, config, rpb="Powys")
    frames_before = [report.distance(d).frame for d in ("outcomes", "access")]
    frames_before.append(report.outcomes().frame)
    for a, b in zip(frames_before, frames_after, strict=True):
        value_columns = [c for c in a.columns if not c.endswith("_text") and c != "label"]
        pd.testing.assert_frame_equal(a[value_columns], b[value_columns], check_exact=True)


def test_every_indicator_key_is_spelt_in_the_code_that_computes_it():
    code = "\n".join(p.read_text(encoding="utf-8") for p in sorted(DOMAINS.rglob("*.py")))
    missing = [key for key in indicators.INDICATORS if f'"{key}"' not in code]
    assert missing == []


def test_every_published_column_and_indicator_is_registered(results):
    tables = published_tables(results, RunConfig(year=2025))
    for name, frame in tables.items():
        unknown = [c for c in frame.columns if c not in indicators.COLUMNS]
        assert unknown == [], name
        if "indicator" in frame:
            assert set(frame["indicator"].dropna()) <= set(indicators.INDICATORS), name


def test_no_code_tests_a_label_for_meaning():
    """Deciding from display text (``"share" in label``, ``str.contains``) is not allowed."""
    source = ROOT / "src" / "nest_eval"
    keyed = "indicator|label|item|measure|domain|figure|element"
    suspicious = re.compile(
        rf'\["({keyed})"\]\.str\.|label\w*\.(startswith|endswith|lower)\(|in label\b'
    )
    found = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in sorted(source.rglob("*.py"))
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1)
        if suspicious.search(line)
    ]
    assert found == []
