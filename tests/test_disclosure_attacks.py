"""Disclosure attacks: what an outsider can work out behind the ``c`` of a published year."""

import json
import math
import textwrap
from pathlib import Path

import pytest

import disclosure_attacks as attacks
from nest_eval.config import RunConfig
from nest_eval.domains.year import YearResults, compute_year, load_data
from nest_eval.pipeline.runner import run_year
from published_spreadsheets import csv_of, mismatches
from small_pipelines import OUTCOMES_STEP, RAW, REPORT_STEPS, config_for, small_pipeline

Z = 1.959963984540054


# -- hand-made publications ------------------------------------------------------------------


def publish(folder: Path, files: dict[str, str]) -> Path:
    """A year folder holding ``files`` (path relative to the folder: text)."""
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return folder


def page(*tables: tuple[str, list[str], list[list[str]]], text: str = "") -> str:
    """An HTML page of tables (caption, header, rows) and a paragraph of text."""
    parts = [f"<html><body><p>{text}</p>"]
    for caption, header, rows in tables:
        head = "".join(f"<th>{h}</th>" for h in header)
        body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
        parts.append(
            f"<table><caption>{caption}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>"
        )
    return "\n".join([*parts, "</body></html>"])


def evidence(area: str, text: str) -> tuple[str, list[str], list[list[str]]]:
    caption = f"Evidence against the recommendations: {area}, 2025"
    return caption, ["Ref.", "This year's evidence"], [["F", text]]


def wilson(x: int, n: int) -> tuple[float, float]:
    p = x / n
    d = 1 + Z * Z / n
    centre = (p + Z * Z / (2 * n)) / d
    half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / d
    return centre - half, centre + half


def found(findings: list, column: str, row: str | None = None) -> list:
    return [f for f in findings if f.column == column and (row is None or f.row == row)]


DISTANCE_HEADER = (
    "rpb,domain,indicator,element,measure,respondent,item,label,baseline_year,baseline,"
    "current,change,ci_low,ci_high,n,better\n"
)
GBO_LABEL = '"Goal Based Outcomes (Self-report): Mean change, first to last assessment"'


# -- text totals ------------------------------------------------------------------------------

PAIRS = """
    rpb,measure,respondent,n_pairs
    Powys,GBO,self,25
    Powys,RCADS_T,self,c
    Powys,SDQ_TOTAL,parent,{sdq}
    Gwent,GBO,self,30
    Gwent,RCADS_T,self,c
    Gwent,SDQ_TOTAL,parent,20
    Wales,GBO,self,55
    Wales,RCADS_T,self,11
    Wales,SDQ_TOTAL,parent,{wales_sdq}
"""


def test_text_totals_recovers_the_part_a_stated_total_leaves(tmp_path):
    folder = publish(
        tmp_path,
        {
            "tables/outcomes_change.csv": PAIRS.format(sdq=12, wales_sdq=32),
            "rpb/powys.html": page(evidence("Powys", "outcomes: 41 paired assessments")),
        },
    )
    findings = attacks.text_totals(folder, 10)
    assert [(f.row, f.value) for f in findings] == [("Powys / RCADS_T / self", (4, 4))]
    assert "outcomes: 41 paired assessments" in findings[0].how


def test_text_totals_cannot_split_a_total_between_two_suppressed_parts(tmp_path):
    folder = publish(
        tmp_path,
        {
            "tables/outcomes_change.csv": PAIRS.format(sdq="c", wales_sdq=27),
            "rpb/powys.html": page(evidence("Powys", "outcomes: 37 paired assessments")),
        },
    )
    assert attacks.text_totals(folder, 10) == []  # RCADS + SDQ = 12: 3 to 9 each


def test_text_totals_bounds_an_rpb_left_out_of_a_model(tmp_path):
    models = (
        "Random-intercept models fitted (REML)",
        ["Measure", "Respondent", "Children", "RPBs with too few children"],
        [["Goal Based Outcomes", "Self-report", "40", "Powys"]],
    )
    rule = "RPBs with fewer than 5 children with two or more assessments are left out."
    folder = publish(
        tmp_path,
        {
            "tables/outcomes_change.csv": """
                rpb,measure,respondent,n_pairs,n_unpaired
                Powys,GBO,self,c,c
                Gwent,GBO,self,30,10
                Wales,GBO,self,33,12
            """,
            "tables/distance_travelled.csv": DISTANCE_HEADER
            + f"Gwent,outcomes,mean_change,,GBO,self,,{GBO_LABEL},2024,1,2,1,0,2,30,higher\n",
            "analysis/outcomes.html": page(models, text=rule),
        },
    )
    findings = attacks.text_totals(folder, 10)
    assert [(f.column, f.value) for f in findings] == [("n_pairs", (1, 4))]
    assert "fewer than 5 paired children" in findings[0].how


# -- the same count in two places -------------------------------------------------------------


def test_same_count_reads_a_count_shown_in_another_table(tmp_path):
    case_mix = (
        "Case-mix-adjusted change from first to last assessment",
        ["Measure", "Respondent", "Area", "Adjusted change", "Children in the model"],
        [["Goal Based Outcomes", "Self-report", "Gwent", "+1.0 (+0.5 to +1.5)", "{gwent}"]],
    )
    distance = DISTANCE_HEADER + (
        f"Powys,outcomes,mean_change,,GBO,self,,{GBO_LABEL},2024,1,2,1,0,2,{{powys}},higher\n"
        f"Gwent,outcomes,mean_change,,GBO,self,,{GBO_LABEL},2024,1,2,1,0,2,c,higher\n"
    )
    pairs = "rpb,measure,respondent,n_pairs\nPowys,GBO,self,c\nGwent,GBO,self,c\n"

    def year(name: str, powys: str, gwent: str) -> Path:
        caption, header, rows = case_mix
        rows = [[c.replace("{gwent}", gwent) for c in row] for row in rows]
        return publish(
            tmp_path / name,
            {
                "tables/outcomes_change.csv": pairs,
                "tables/distance_travelled.csv": distance.replace("{powys}", powys),
                "national.html": page((caption, header, rows)),
            },
        )

    findings = attacks.same_count(year("shown", "7", "8"), 10)
    assert [(f.quantity, f.value) for f in findings] == [
        (("outcomes", "Gwent", "GBO", "self", "n_pairs"), (8, 8)),  # children with 2+ assessments
        (("outcomes", "Powys", "GBO", "self", "n_pairs"), (7, 7)),  # n of the mean change
    ]
    assert attacks.same_count(year("hidden", "c", "c"), 10) == []


# -- percentages with their denominators ------------------------------------------------------


def test_percentages_recover_numerators_from_shares_and_wilson_bounds(tmp_path):
    low, high = wilson(7, 20)
    folder = publish(
        tmp_path,
        {
            "tables/experiences.csv": f"""
                rpb,respondent_type,indicator,item,n,n_agree,estimate,ci_low,ci_high
                Powys,all,share_agreeing,safe,20,c,0.35,c,c
                Powys,all,share_agreeing,trusted,20,c,c,{low!r},{high!r}
                Powys,all,share_agreeing,nurturing,20,c,c,c,c
            """,
        },
    )
    findings = attacks.percentages(folder, 10)
    assert [(f.row, f.column, f.value) for f in findings] == [
        ("Powys / all / share_agreeing / safe", "n_agree", (7, 7)),
        ("Powys / all / share_agreeing / trusted", "n_agree", (7, 7)),
    ]


def test_percentages_read_a_denominator_from_the_suppression_rule(tmp_path):
    rule = "percentages, means and intervals resting on fewer than 10 people are suppressed"
    folder = publish(
        tmp_path,
        {
            "tables/outcomes_change.csv": """
                rpb,measure,respondent,n_pairs,reliable_improvement,no_reliable_change,reliable_deterioration,n_not_assessable,pct_no_reliable_change,pct_reliable_deterioration
                Powys,YP_CORE,self,c,0,c,c,0,90.0,10.0
            """,
            "national.html": page(text=rule),
        },
    )
    # 90% and 10% of at least 10 pairs: 9 and 1 of 10 if below 10 (18 and 2 of 20 if not)
    findings = attacks.percentages(folder, 10)
    assert [(f.column, f.value) for f in findings] == [
        ("no_reliable_change", (9, 9)),
        ("reliable_deterioration", (1, 1)),
    ]
    assert "without that: 9 to " in findings[0].how
    assert attacks.percentages(folder, 10, secondary=True) == []
    findings = attacks.combined(folder, 10)
    assert [(f.column, f.value) for f in findings] == [
        ("n_pairs", (10, 10)),
        ("no_reliable_change", (9, 9)),
        ("reliable_deterioration", (1, 1)),
    ]


def test_percentages_solve_the_published_intervals_exactly():
    low, high = wilson(3, 10)
    assert attacks.wilson_solutions(low, high) == [(3, 10)]
    # Cardiff and Vale, SWEMWBS, reliable improvement: 3/10 against 1/13 in the baseline year
    change, low, high = 0.22307692307692306, -0.09722146446136265, 0.5328176722451249
    assert attacks.newcombe_solutions(10, change, low, high) == [(3, 1, 13)]
    # exact binomial limits (Spiegelhalter 2005), written out from R's qbinom/pbinom/dbinom:
    # qbinom(0.975, 57, 0.3) = 24, limit = (24 - a) / 57 with a = (F(24) - 0.975) / f(24)
    limit = (24 - (0.981516817486769 - 0.975) / 0.0164247084935649) / 57
    assert attacks.funnel_denominators(0.3, 0.0, limit, 0.95, 1) == [57]
    # where overdispersion widens the upper limit, the arcsine limit is published
    theta, tau2 = math.asin(math.sqrt(0.3)), 0.002
    widened = math.sin(theta + Z * math.sqrt(1 / (4 * 57) + tau2)) ** 2
    assert widened > limit
    assert attacks.funnel_denominators(0.3, tau2, widened, 0.95, 1) == [57]
    z = (math.asin(math.sqrt(20 / 57)) - theta) * 2 * math.sqrt(57)
    assert attacks.funnel_numerators(0.3, tau2, z, 57, adjusted=False) == [20]
    # the exact probability: P(X <= 10) for X ~ Binomial(57, 0.3), from R's pbinom
    assert attacks.exact_numerators(0.3, 0.0241410444237684, 57) == [10]


# -- row relations ----------------------------------------------------------------------------

ROW = """
    rpb,measure,respondent,n_pairs,reliable_improvement,no_reliable_change,reliable_deterioration,reliable_recovery,n_not_assessable
    Powys,YP_CORE,self,{pairs},c,{unchanged},0,0,0
"""


def test_row_relations_recover_the_one_suppressed_category(tmp_path):
    folder = publish(tmp_path, {"tables/outcomes_change.csv": ROW.format(pairs=12, unchanged=10)})
    findings = attacks.row_relations(folder, 10)
    assert [(f.column, f.value) for f in findings] == [("reliable_improvement", (2, 2))]


def test_row_relations_leave_two_suppressed_categories_of_a_large_row(tmp_path):
    folder = publish(tmp_path, {"tables/outcomes_change.csv": ROW.format(pairs=20, unchanged="c")})
    # improved + unchanged = 20: not both below 10, so either may be a secondary suppression
    assert attacks.row_relations(folder, 10) == []


# -- Wales minus the others -------------------------------------------------------------------

WAITING = """
    rpb,indicator,estimate,ci_low,ci_high,n,count
    Powys,still_waiting_at_year_end,17.0,,,300,17.0
    Gwent,still_waiting_at_year_end,c,,,280,c
    North Wales,still_waiting_at_year_end,c,,,270,c
    Wales,still_waiting_at_year_end,{wales},,,850,{wales}
"""


def test_wales_minus_others_recovers_two_cells_that_must_both_be_nine(tmp_path):
    folder = publish(tmp_path, {"tables/access.csv": WAITING.format(wales=35.0)})
    findings = attacks.wales_minus_others(folder, 10)
    assert [(f.row, f.value) for f in findings] == [
        ("Gwent / still_waiting_at_year_end", (9, 9)),
        ("North Wales / still_waiting_at_year_end", (9, 9)),
    ]
    assert "without that: 0 to 18" in findings[0].how
    # a c that may be a secondary suppression of any count: 18 = 0 + 18 = ... = 18 + 0
    assert attacks.wales_minus_others(folder, 10, secondary=True) == []


def test_wales_minus_others_leaves_a_difference_shared_widely(tmp_path):
    folder = publish(tmp_path, {"tables/access.csv": WAITING.format(wales=30.0)})
    assert attacks.wales_minus_others(folder, 10) == []  # 13 = 4 + 9 = ... = 9 + 4


def test_a_relation_failing_where_every_count_is_shown_is_not_used(tmp_path):
    # Wales is not the sum of the RPBs for GBO (say, some children have no RPB), so the
    # attacker cannot take it to be for RCADS either
    folder = publish(
        tmp_path,
        {
            "tables/outcomes_change.csv": """
                rpb,measure,respondent,n_pairs
                Powys,GBO,self,25
                Gwent,GBO,self,30
                Wales,GBO,self,57
                Powys,RCADS_T,self,c
                Gwent,RCADS_T,self,20
                Wales,RCADS_T,self,24
            """,
        },
    )
    assert attacks.wales_minus_others(folder, 10) == []
    notes = attacks.read_publication(folder).notes
    assert notes == [
        "'wales: Wales = sum of the RPBs: outcomes n_pairs' fails where shown; not used"
    ]


def test_the_command_line_prints_what_is_recovered(tmp_path, capsys):
    folder = publish(tmp_path, {"tables/access.csv": WAITING.format(wales=35.0)})
    assert attacks.main([str(folder), "--threshold", "10"]) == 1
    out = capsys.readouterr().out
    assert (
        "wales_minus_others: 2 cell(s): 2 exactly, 0 narrowed; 2 may hold a count below 10" in out
    )
    assert attacks.main([str(folder), "--threshold", "10", "--secondary"]) == 0


# -- all relations at once --------------------------------------------------------------------

COMBINED = """
    rpb,measure,respondent,n_pairs
    Powys,GBO,self,c
    Powys,RCADS_T,self,c
    Gwent,GBO,self,c
    Gwent,RCADS_T,self,20
    Wales,GBO,self,12
    Wales,RCADS_T,self,30
"""


def test_combined_recovers_what_no_single_relation_does(tmp_path):
    folder = publish(
        tmp_path,
        {
            "tables/outcomes_change.csv": COMBINED,
            "rpb/powys.html": page(evidence("Powys", "outcomes: 14 paired assessments")),
        },
    )
    # Powys RCADS = 30 - 20 = 10; Powys GBO = 14 - 10 = 4; Gwent GBO = 12 - 4 = 8
    target = "Powys / GBO / self"
    for name in ("text_totals", "same_count", "percentages", "row_relations"):
        assert found(attacks.ATTACKS[name](folder, 10), "n_pairs", target) == [], name
    assert found(attacks.wales_minus_others(folder, 10), "n_pairs", target) == []
    findings = attacks.combined(folder, 10)
    assert [(f.row, f.value) for f in findings] == [
        ("Gwent / GBO / self", (8, 8)),
        ("Powys / GBO / self", (4, 4)),
        ("Powys / RCADS_T / self", (10, 10)),
    ]


def test_combined_leaves_cells_the_relations_do_not_pin(tmp_path):
    folder = publish(tmp_path, {"tables/outcomes_change.csv": COMBINED})
    findings = attacks.combined(folder, 10)
    assert [(f.row, f.value) for f in findings] == [("Powys / RCADS_T / self", (10, 10))]


# -- the demo publication ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_year(tmp_path_factory):
    """The demo data published (national, Cardiff and Vale, outcomes analysis) and its truth."""
    base = tmp_path_factory.mktemp("attacks")
    pipeline = small_pipeline(base / "project", REPORT_STEPS + OUTCOMES_STEP)
    config = config_for(base, pipeline, rpbs=("Cardiff and Vale",), jobs=2)
    summary = run_year(config, progress=lambda _: None)
    assert summary.ok, [(o.task.label, o.error) for o in summary.failed]
    return config.year_dir(), compute_year(load_data(RAW), RunConfig(year=2025))


_GROUP_FIELDS = {
    "n_pairs": ("mean_change", "n"),
    "assessable": ("share_reliable_improvement", "n"),
    "reliable_improvement": ("share_reliable_improvement", "count"),
}


def group_value(results: YearResults, key: tuple[str, ...]) -> int | None:
    """The unsuppressed value of a group's count (:func:`disclosure_attacks.group_key`)."""
    position = next(i for i, part in enumerate(key) if "=" in part)
    dimension, group = key[position].split("=", 1)
    total = (*key[:position], *key[position + 1 :])
    table = results.breakdowns
    rows = table[(table.rpb == total[1]) & (table.dimension == dimension) & (table.group == group)]
    if total[0] == "outcomes":
        _, _, measure, respondent, column = total
        rows = rows[(rows.measure == measure) & (rows.respondent == respondent)]
        indicator, field = _GROUP_FIELDS[column]
    elif total[0] == "experiences":
        _, _, _, item, column = total
        indicator = "experience_index" if item == "index" else "share_agreeing"
        rows = rows if item == "index" else rows[rows.item == item]
        field = "n" if column == "n" else "count"
    else:
        _, _, what, field = total
        named = {"requests": "share_redirected", "supported": "median_wait_days"}
        indicator = named.get(what, what)
    rows = rows[rows.indicator == indicator]
    return int(rows[field].iloc[0]) if len(rows) else None


def true_value(results: YearResults, key: tuple[str, ...]) -> int | None:
    """The unsuppressed value of a quantity of the attacker's reading (None: not kept)."""
    if attacks.is_group(key):
        return group_value(results, key)
    domain, area = key[0], key[1]
    if domain == "paired_data":
        rows = results.paired_data[results.paired_data.rpb == area]
        return int(rows[key[2]].iloc[0]) if len(rows) else None
    if domain == "outcomes":
        _, _, measure, respondent, column = key
        table = results.outcomes_change
        row = table[
            (table.rpb == area) & (table.measure == measure) & (table.respondent == respondent)
        ]
        if column == "assessable":
            return int(row.n_pairs.iloc[0] - row.n_not_assessable.iloc[0])
        if column == "adjusted_n":
            table = results.adjusted
            row = table[
                (table.rpb == area) & (table.measure == measure) & (table.respondent == respondent)
            ]
            return int(row.n_children_paired.iloc[0]) if len(row) else None
        return int(row[column].iloc[0]) if column in row else None
    if domain == "experiences":
        _, _, respondent_type, item, column = key
        table = results.agreement
        rows = (table.rpb == area) & (table.respondent_type == respondent_type)
        rows &= (table.indicator == "experience_index") if item == "index" else (table.item == item)
        return int(table[rows][column].iloc[0]) if column in table else None
    if domain == "access" and key[3] in ("n", "count"):
        indicator = {"requests": "share_redirected", "waits": "median_wait_days"}
        table = results.access
        row = table[(table.rpb == area) & (table.indicator == indicator.get(key[2], key[2]))]
        return int(row[key[3]].iloc[0])
    return None


def holds_truth(finding, results: YearResults) -> bool | None:
    """Whether the value's interval holds the true count (None: not known)."""
    truth = true_value(results, finding.quantity)
    return None if truth is None else finding.value[0] <= truth <= finding.value[1]


def threshold_of(year_dir: Path) -> int:
    return json.loads((year_dir / "manifest.json").read_text())["parameters"]["threshold"]


def test_what_an_attack_certain_of_its_reading_recovers_is_true(demo_year):
    year_dir, results = demo_year
    findings = attacks.attack_all(year_dir, threshold_of(year_dir), secondary=True)
    wrong = [str(f) for fs in findings.values() for f in fs if holds_truth(f, results) is False]
    assert wrong == []
    assert attacks.read_publication(year_dir).notes == []


def test_the_spreadsheets_publish_what_the_csvs_publish(demo_year):
    """The attacks read the CSVs; each table's ODS and XLSX show the same numbers and the same
    suppressed cells, no more, so what holds of the CSVs holds of the spreadsheets."""
    year_dir, _ = demo_year
    tables = year_dir / "tables"
    spreadsheets = sorted(p for p in tables.iterdir() if p.suffix in (".ods", ".xlsx"))
    csvs = sorted(tables.glob("*.csv"))
    languages = json.loads((year_dir / "manifest.json").read_text())["parameters"]["languages"]
    assert len(spreadsheets) == 2 * len(languages) * len(csvs)
    assert {csv_of(p) for p in spreadsheets} == set(csvs)
    shorthand = json.loads((year_dir / "manifest.json").read_text())["parameters"]["shorthand"]
    assert [m for p in spreadsheets for m in mismatches(p, shorthand)] == []


def test_no_attack_recovers_a_suppressed_cell_of_the_demo_year(demo_year):
    """A reader told which c hides a small count (1 to 9) and which does not recovers nothing.

    No reader knows as much: every sound inference from the published files is one this reader
    can make. So what the default attacks still find, guessing that as many c as the relations
    allow hide small counts, rests on a guess that is wrong somewhere (each says so).
    """
    year_dir, results = demo_year
    threshold = threshold_of(year_dir)

    def small(key) -> bool:
        truth = true_value(results, key)
        below = key[1] != attacks.WALES or attacks.is_group(key)
        return below and truth is not None and 1 <= truth < threshold

    informed = attacks.attack_all(year_dir, threshold, small=small)
    recovered = [f"{name}: {f}" for name, fs in informed.items() for f in fs]
    assert recovered == [], "\n".join(recovered)
    guesses = attacks.attack_all(year_dir, threshold)
    unmarked = [str(f) for fs in guesses.values() for f in fs if "assuming each c" not in f.how]
    assert unmarked == []
