"""Recommendations mapped to named indicators: the mapping, and statuses from those indicators."""

from __future__ import annotations

import copy
import dataclasses

import numpy as np
import pytest

from nest_eval.config import RunConfig
from nest_eval.domains.year import compute_year
from nest_eval.reference import indicators, messages, vocabulary
from nest_eval.reference.loader import ReferenceFileError, read_data
from nest_eval.reporting.context import Context
from nest_eval.reporting.report import Report
from nest_eval.reporting.sections import evidence

ALL = (*vocabulary.RECOMMENDATIONS, *vocabulary.COMMISSIONER_ASKS)
AREAS = (None, *vocabulary.RPB_NAMES)
CONFIG = RunConfig(year=2025)


@pytest.fixture(scope="module")
def results(demo_data):
    return compute_year(demo_data, CONFIG)


def statuses(ctx: Context) -> dict[str, str]:
    table = evidence.recommendation_status(ctx)
    return dict(zip(table["ref"], table["status"], strict=True))


def with_tables(ctx: Context, **tables) -> Context:
    """The report with some of its disclosure-controlled tables replaced."""
    changed = Context(ctx.results, ctx.config, ctx.rpb, lang=ctx.lang)
    changed.__dict__["tables"] = dataclasses.replace(ctx.tables, **tables)
    return changed


# --- the mapping ----------------------------------------------------------------------------


def test_the_mapping_names_only_recommendations_and_indicators_that_exist():
    keys = [r.key for r in ALL]
    assert keys[:12] == list("ABCDEFGHIJKL")
    assert all(k.startswith("CCfW-") for k in keys[12:]) and len(keys) == 17
    catalogue = messages.messages()
    for rec in ALL:
        assert f"recommendation.{rec.key}" in catalogue
        assert set(rec.indicators) <= set(indicators.INDICATORS), rec.key
        assert rec.indicators or rec.gap, rec.key  # nothing mapped: the reason is said
        if rec.gap:
            assert f"recommendation_gap.{rec.key}" in catalogue
    mapped = {k for r in ALL for k in r.indicators}
    assert {indicators.indicator(k).domain for k in mapped} >= {"outcomes", "partnership"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"indicators": ["share_agreeing", "share_agreeng"]}, r"\['share_agreeng'\] are not"),
        ({"indicators": [], "gap": False}, "no indicator listed"),
        ({"key": "A"}, "key given twice"),
        ({"source": "legacy"}, "source 'legacy'"),
        ({"indicators": ["enrolled", "enrolled"]}, "listed twice"),
    ],
)
def test_a_mapping_to_an_unknown_key_is_refused(change, message):
    raw = copy.deepcopy(read_data("recommendations.toml"))
    raw["recommendations"][1].update(change)
    with pytest.raises(ReferenceFileError, match=message):
        vocabulary.recommendations_from(raw)


def test_every_indicator_is_read_where_it_is_published(results):
    wales = Context(results, CONFIG)
    for key in indicators.INDICATORS:
        assert evidence.indicator_presence(wales, key) != "absent", key
    # share_reliable_improvement is suppressed for Wales in every measure of the demo year
    published = results.outcomes_change.loc[results.outcomes_change["rpb"] == "Wales"]
    assert published["pct_reliable_improvement"].notna().any()
    assert evidence.indicator_presence(wales, "share_reliable_improvement") == "suppressed"


# --- statuses on the demo data --------------------------------------------------------------


@pytest.mark.parametrize("rpb", AREAS)
def test_recommendations_no_indicator_evidences_are_not_marked_evidenced(results, rpb):
    ctx = Context(results, CONFIG, rpb)
    table = evidence.recommendation_status(ctx).set_index("ref")
    for key in ("D", "I", "J", "L"):
        rec = next(r for r in ALL if r.key == key)
        mapped = set(rec.indicators)
        if table.loc[key, "status"] == "evidence":  # only if a mapped indicator truly evidences it
            assert mapped and set(table.loc[key, "published"]) == mapped
    for key, row in table.iterrows():
        states = [set(row[s]) for s in evidence.PRESENCE]
        assert set().union(*states) == set(row["indicators"]), key
        if row["status"] == "evidence":
            assert row["indicators"] and set(row["published"]) == set(row["indicators"]), key
        elif row["status"] == "partial":
            assert row["published"] and set(row["published"]) < set(row["indicators"]), key
        else:
            assert not row["published"], key
    assert table.loc[["D", "I", "J", "L"], "status"].eq("no_data").all()


def test_the_table_names_the_indicators_and_the_reason_for_no_data(results):
    report = Report(results, CONFIG, rpb="Gwent")
    shown = repr(report.recommendations()).splitlines()
    rows = {cells[0]: cells for cells in (line.split(" | ") for line in shown[2:])}
    assert rows["B"][2] == indicators_label("coproduction_maturity")
    assert rows["I"][3] == "no data" and "not collected" in rows["I"][4]
    assert "(Wales)" in rows["E"][2]  # training is published for Wales only
    welsh = Context(results, CONFIG, "Gwent", lang="cy")
    cy = evidence.recommendations(welsh).text
    assert messages.label("indicator.coproduction_maturity", "cy") in cy
    assert messages.label("evidence_status.no_data", "cy") in cy


def indicators_label(key: str, lang: str = "en") -> str:
    return messages.label(f"indicator.{key}", lang)


# --- a status follows its indicators --------------------------------------------------------


def test_a_suppressed_indicator_changes_the_status(results):
    ctx = Context(results, CONFIG, "Powys")
    before = statuses(ctx)
    assert before["CCfW-experiences"] == "evidence"
    agreement = ctx.tables.agreement.copy()
    index = (agreement["rpb"] == "Powys") & (agreement["indicator"] == "experience_index")
    agreement.loc[index, ["estimate", "ci_low", "ci_high"]] = ctx.shorthand
    one = with_tables(ctx, agreement=agreement)
    assert evidence.indicator_presence(one, "experience_index") == "suppressed"
    after = statuses(one)
    assert after["CCfW-experiences"] == "partial"
    assert after["F"] == "partial"
    agreement.loc[agreement["rpb"] == "Powys", ["estimate", "ci_low", "ci_high"]] = ctx.shorthand
    assert statuses(with_tables(ctx, agreement=agreement))["CCfW-experiences"] == "no_data"
    unrelated = [k for k, r in ((r.key, r) for r in ALL) if not set(r.indicators) & {
        "experience_index", "share_agreeing"}]  # fmt: skip
    assert {k: after[k] for k in unrelated} == {k: before[k] for k in unrelated}


def test_an_absent_indicator_changes_the_status(results, demo_data):
    ctx = Context(results, CONFIG, "Gwent")
    before = statuses(ctx)
    assert before["CCfW-monitoring"] == before["B"] == "evidence"
    access = ctx.tables.access
    without = with_tables(ctx, access=access[access["rpb"] != "Gwent"])
    assert evidence.indicator_presence(without, "share_within_28_days") == "absent"
    assert statuses(without)["CCfW-monitoring"] == "partial"
    # no partnership return from Gwent this year: B and G lose their evidence, A keeps some
    partnership = demo_data["partnership"]
    gone = partnership[~((partnership["rpb"] == "Gwent") & (partnership["year"] == 2025))]
    no_return = compute_year({**demo_data, "partnership": gone}, CONFIG)
    after = statuses(Context(no_return, CONFIG, "Gwent"))
    assert after["B"] == after["G"] == "no_data"
    assert after["A"] == "partial"  # children's voices in the self-assessment remain
    assert after["CCfW-experiences"] == before["CCfW-experiences"]
    assert np.isnan(no_return.enablers.set_index("rpb").loc["Gwent", "pooled_share"])
