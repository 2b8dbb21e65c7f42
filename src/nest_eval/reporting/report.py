"""Report sections: what the national and RPB report notebooks show, built in one place.

Each section function takes the year's :class:`~nest_eval.domains.year.YearResults` (and the RPB
for a
regional report, ``None`` for the national one) and returns a :class:`Block`: HTML for the
report and plain text for reviewers (nbval compares both). Every table shown passes disclosure
control first (:mod:`nest_eval.reporting.disclosure`); figures are saved as PNG and SVG with their
alt
text when a figures folder is given.

The notebooks stay thin: a parameters cell, one call per section, and the narrative.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from nest_eval import __version__
from nest_eval.domains.year import YearResults
from nest_eval.reference.vocabulary import (
    COMMISSIONER_ASKS,
    CORE_ELEMENTS,
    RECOMMENDATIONS,
    RPB_NAMES,
    WALES,
    rpb_slug,
)
from nest_eval.reporting import disclosure, plotting

__all__ = [
    "Block",
    "access_section",
    "change_by_rpb_section",
    "distance_section",
    "enablers_change_section",
    "enablers_section",
    "estimate_text",
    "evidence_section",
    "experiences_section",
    "funnel_section",
    "html_table",
    "implementation_section",
    "methods_section",
    "models_section",
    "nest_profile_section",
    "outcomes_by_rpb_section",
    "outcomes_section",
    "published_tables",
    "quality_section",
    "quality_table",
    "recommendation_status",
    "recommendations_section",
    "reproducibility_section",
    "summary_section",
    "title_section",
    "voices_section",
]

DOMAINS = ("implementation", "outcomes", "experiences", "access")


@dataclass(frozen=True)
class Block:
    """A piece of report: HTML for the page, plain text for reviewers and nbval."""

    html: str
    text: str

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.text

    def __add__(self, other: Block) -> Block:
        return Block(f"{self.html}\n{other.html}", f"{self.text}\n{other.text}")


# --- formatting -----------------------------------------------------------------------------


def fmt(value: object, kind: str = "num") -> str:
    """Format a value for a report: ``c`` stays ``c``, missing is an en dash.

    Kinds: ``num`` (2 decimals), ``int``, ``pct`` (a share 0–1 as a percentage, 1 decimal),
    ``pct100`` (already a percentage), ``gbp`` (pounds), ``text``.
    """
    if isinstance(value, str):
        return value
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "–"
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if kind == "text":
        return str(value)
    number = float(value)
    if kind == "int":
        return f"{number:,.0f}"
    if kind == "pct":
        return f"{100 * number:.1f}%"
    if kind == "pct100":
        return f"{number:.1f}%"
    if kind == "gbp":
        return f"£{number:,.0f}"
    return f"{number:,.2f}"


def html_table(
    frame: pd.DataFrame,
    columns: Sequence[tuple[str, str, str]],
    caption: str = "",
) -> Block:
    """A deterministic HTML table (and its text twin) from selected columns.

    Parameters
    ----------
    frame : pandas.DataFrame
        The rows to show (already disclosure-controlled).
    columns : sequence of (column, heading, kind)
        Which columns, their headings and formats (see :func:`fmt`).
    caption : str
        Table caption.

    Returns
    -------
    Block
    """
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for _, h, _ in columns)
    rows_html, rows_text = [], []
    for record in frame.to_dict(orient="records"):
        cells, texts = [], []
        for column, _, kind in columns:
            text = fmt(record.get(column), kind)
            css = "" if kind == "text" else ' class="num"'
            cells.append(f"<td{css}>{html.escape(text)}</td>")
            texts.append(text)
        rows_html.append("<tr>" + "".join(cells) + "</tr>")
        rows_text.append(" | ".join(texts))
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    table = (
        f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>"
        + "".join(rows_html)
        + "</tbody></table>"
    )
    text = "\n".join([caption, " | ".join(h for _, h, _ in columns), *rows_text]).strip()
    return Block(table, text)


def paragraph(text: str, css: str = "") -> Block:
    """A paragraph of narrative."""
    attr = f' class="{css}"' if css else ""
    return Block(f"<p{attr}>{html.escape(text)}</p>", text)


def heading(text: str, level: int = 3) -> Block:
    """A heading inside a section."""
    return Block(f"<h{level}>{html.escape(text)}</h{level}>", text)


def _join(blocks: Iterable[Block]) -> Block:
    items = list(blocks)
    if not items:
        return Block("", "")
    out = items[0]
    for block in items[1:]:
        out = out + block
    return out


def _figure(report_figure: plotting.ReportFigure, figures_dir: str | Path | None) -> Block:
    png = plotting.render(report_figure, "png")
    if figures_dir:
        plotting.save_figure(report_figure, figures_dir, png=png)
    return Block(plotting.figure_html(report_figure, png=png), f"[figure: {report_figure.alt}]")


def _scope(rpb: str | None) -> str:
    return rpb or WALES


# --- published tables -----------------------------------------------------------------------


def published_tables(results: YearResults, threshold: int = 10) -> dict[str, pd.DataFrame]:
    """The tables a yearly run publishes under ``tables/``, disclosure-controlled.

    Parameters
    ----------
    results : YearResults
        The year's results.
    threshold : int
        Disclosure-control threshold.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``self_assessment_national``, ``distance_travelled`` and ``outcomes_change`` (the data
        contract's names and columns), and ``access``, ``experiences``, ``enablers``,
        ``training``, ``rpb_comparisons`` and ``data_quality``.
    """
    national = results.national_means[["element", "mean_rating", "n_rpbs"]]
    tables = {
        "self_assessment_national": national,
        "distance_travelled": _controlled_distance(results, threshold),
        "outcomes_change": _controlled_outcomes(results, threshold),
    }
    if not results.access.empty:
        tables["access"] = disclosure.control_access(results.access, threshold=threshold)
    if not results.agreement.empty:
        tables["experiences"] = disclosure.control_agreement(results.agreement, threshold=threshold)
    if not results.enablers.empty:
        tables["enablers"] = results.enablers
    if not results.training.empty:
        tables["training"] = disclosure.control_training(results.training, threshold=threshold)
    if not results.funnels.empty:
        tables["rpb_comparisons"] = disclosure.control_funnels(results.funnels, threshold)
    tables["data_quality"] = quality_table(results.accounting)
    return tables


# --- sections -------------------------------------------------------------------------------

_DISTANCE_VIEW = (
    ("indicator", "Indicator", "text"),
    ("baseline_text", "Baseline", "num"),
    ("current_text", "This year", "num"),
    ("change_text", "Change (95% CI)", "num"),
    ("n", "n", "int"),
    ("better", "Better if", "text"),
)


def _is_share(indicator: str) -> bool:
    return indicator.startswith("share") or ": share" in indicator


def _value_text(value: object, share: bool, signed: bool = False) -> str:
    if isinstance(value, str):
        return value
    if value is None or pd.isna(value):
        return "–"
    number = 100 * float(value) if share else float(value)
    text = (
        f"{number:+.1f}"
        if signed and share
        else (f"{number:.1f}" if share else (f"{number:+.2f}" if signed else f"{number:.2f}"))
    )
    return text.replace("-", "−") + ("%" if share and not signed else "")


def estimate_text(
    estimate: object, low: object, high: object, share: bool = False, signed: bool = True
) -> str:
    """An estimate with its interval in one cell, e.g. ``+0.27 (−0.89 to +1.42)``.

    Suppressed parts stay ``c``; a share is shown in percent (a change in percentage points).
    """
    main = _value_text(estimate, share, signed)
    if main in ("c", "–"):
        return main
    unit = " pp" if share and signed else ""
    if any(isinstance(v, str) for v in (low, high)):
        return f"{main}{unit} (c)"
    if low is None or pd.isna(low) or pd.isna(high):
        return f"{main}{unit}"
    return f"{main}{unit} ({_value_text(low, share, signed)} to {_value_text(high, share, signed)})"


def _with_display_columns(rows: pd.DataFrame) -> pd.DataFrame:
    shares = rows["indicator"].map(_is_share)
    out = rows.copy()
    out["baseline_text"] = [
        f"{_value_text(v, sh)} ({int(y)})"
        if not isinstance(v, str) and pd.notna(y)
        else _value_text(v, sh)
        for v, y, sh in zip(rows["baseline"], rows["baseline_year"], shares, strict=True)
    ]
    out["current_text"] = [
        _value_text(v, sh) for v, sh in zip(rows["current"], shares, strict=True)
    ]
    out["change_text"] = [
        estimate_text(c, lo, hi, sh)
        for c, lo, hi, sh in zip(
            rows["change"], rows["ci_low"], rows["ci_high"], shares, strict=True
        )
    ]
    return out


def _controlled_distance(results: YearResults, threshold: int) -> pd.DataFrame:
    return disclosure.control_distance_travelled(
        results.distance, threshold=threshold, zeros_as_last_resort=True
    )


def _controlled_outcomes(results: YearResults, threshold: int) -> pd.DataFrame:
    if results.outcomes_change.empty:
        return results.outcomes_change
    return disclosure.control_outcomes_change(
        results.outcomes_change, threshold=threshold, zeros_as_last_resort=True
    )


def _controlled_adjusted(results: YearResults, threshold: int) -> pd.DataFrame:
    if results.adjusted.empty:
        return results.adjusted
    return disclosure.control_adjusted(results.adjusted, threshold=threshold)


def summary_section(results: YearResults, rpb: str | None = None, threshold: int = 10) -> Block:
    """Headline: how many indicators moved, in which direction, by domain.

    An indicator *improved* when its change is in its better direction and, where it has an
    interval, the interval excludes zero; *worsened* likewise; otherwise it shows no clear
    change. Suppressed indicators are counted apart.
    """
    table = _controlled_distance(results, threshold)
    table = table[table["rpb"] == _scope(rpb)]
    rows = []
    for domain in DOMAINS:
        part = table[table["domain"] == domain]
        counts = {"improved": 0, "worsened": 0, "no clear change": 0, "suppressed": 0}
        for record in part.to_dict(orient="records"):
            change = record["change"]
            if isinstance(change, str) or pd.isna(change):
                counts["suppressed" if isinstance(change, str) else "no clear change"] += 1
                continue
            sign = 1 if record["better"] == "higher" else -1
            low, high = record["ci_low"], record["ci_high"]
            clear = (not isinstance(low, str) and pd.notna(low) and (low > 0 or high < 0)) or (
                (isinstance(low, str) or pd.isna(low)) and change != 0
            )
            if clear and sign * change > 0:
                counts["improved"] += 1
            elif clear and sign * change < 0:
                counts["worsened"] += 1
            else:
                counts["no clear change"] += 1
        baseline = part["baseline_year"].dropna()
        rows.append(
            {
                "domain": domain,
                "indicators": len(part),
                "baseline": ", ".join(str(int(y)) for y in sorted(set(baseline))) or "–",
                **counts,
            }
        )
    frame = pd.DataFrame(rows)
    intro = paragraph(
        f"{_scope(rpb)}, {results.year}: distance travelled since the baseline year in each "
        "domain. An indicator counts as improved or worsened only where its 95% interval "
        "excludes no change (journey ratings, which are self-ratings without sampling error, "
        "count any change)."
    )
    return intro + html_table(
        frame,
        (
            ("domain", "Domain", "text"),
            ("baseline", "Baseline year", "text"),
            ("indicators", "Indicators", "int"),
            ("improved", "Improved", "int"),
            ("worsened", "Worsened", "int"),
            ("no clear change", "No clear change", "int"),
            ("suppressed", "Suppressed (c)", "int"),
        ),
        caption=f"Distance travelled at a glance: {_scope(rpb)}",
    )


def distance_section(
    results: YearResults,
    domain: str,
    rpb: str | None = None,
    threshold: int = 10,
    figures_dir: str | Path | None = None,
) -> Block:
    """Distance travelled in one domain: table with intervals, and its chart."""
    table = _controlled_distance(results, threshold)
    rows = table[(table["rpb"] == _scope(rpb)) & (table["domain"] == domain)]
    if rows.empty:
        return paragraph(
            f"No {domain} data for {_scope(rpb)} in a baseline year and "
            f"{results.year}: no distance travelled can be shown.",
            "note",
        )
    block = html_table(
        _with_display_columns(rows),
        _DISTANCE_VIEW,
        caption=f"Distance travelled, {domain}: {_scope(rpb)}",
    )
    if domain == "implementation":  # the NEST profile figure shows the change per element
        return block
    charted = rows
    if domain == "outcomes":  # chart the headline indicator per measure; the table has all
        adjusted = rows[rows["indicator"].str.contains("mixed model", regex=False)]
        charted = adjusted if not adjusted.empty else rows
    figure = plotting.distance_chart(
        charted,
        _scope(rpb),
        domain,
        year=results.year,
        name=f"distance_{rpb_slug(_scope(rpb))}_{domain}",
    )
    return block + _figure(figure, figures_dir)


def nest_profile_section(
    results: YearResults, rpb: str | None = None, figures_dir: str | Path | None = None
) -> Block:
    """The NEST profile: journey ratings per element against the Wales mean."""
    national = results.national_means
    ratings = results.journey_ratings
    current = ratings[ratings["year"] == results.year]
    rows = []
    for element in CORE_ELEMENTS:
        row = national.set_index("element").loc[element.key]
        record = {
            "element": element.label_en,
            "wales": row["mean_rating"],
            "n_rpbs": row["n_rpbs"],
            "not_rated": row["n_not_rated"],
        }
        if results.national_means_baseline is not None:
            base = results.national_means_baseline.set_index("element")
            record["wales_baseline"] = base.loc[element.key, "mean_rating"]
        if rpb is not None:
            mine = current[(current["rpb"] == rpb) & (current["element"] == element.key)]
            record["rpb"] = mine["rating"].iloc[0] if len(mine) else float("nan")
            record["rpb_text"] = (
                "not rated"
                if len(mine) and pd.isna(mine["rating"].iloc[0])
                else ("not submitted" if mine.empty else fmt(mine["rating"].iloc[0]))
            )
        rows.append(record)
    frame = pd.DataFrame(rows)
    columns = [("element", "Element", "text")]
    if rpb is not None:
        columns.append(("rpb_text", f"{rpb} {results.year}", "text"))
    columns += [
        ("wales", f"Wales mean {results.year}", "num"),
        ("n_rpbs", "RPBs rating", "int"),
        ("not_rated", "Not rated", "int"),
    ]
    if "wales_baseline" in frame:
        columns.insert(-2, ("wales_baseline", f"Wales mean {results.baseline_year}", "num"))
    block = html_table(frame, columns, caption="NEST profile: journey ratings (1–4)")
    rpb_ratings = ratings[ratings["rpb"] == rpb] if rpb is not None else None
    figure = plotting.nest_profile(
        national,
        rpb_ratings,
        rpb,
        year=results.year,
        baseline_year=results.baseline_year,
        name=f"nest_profile_{rpb_slug(_scope(rpb))}",
    )
    return block + _figure(figure, figures_dir)


def outcomes_section(
    results: YearResults,
    rpb: str | None = None,
    threshold: int = 10,
    figures_dir: str | Path | None = None,
) -> Block:
    """Outcomes: change and reliable-change categories per measure, and the adjusted change."""
    table = _controlled_outcomes(results, threshold)
    rows = table[table["rpb"] == _scope(rpb)] if not table.empty else table
    if rows.empty:
        return paragraph(f"No outcome measures for {_scope(rpb)} in {results.year}.", "note")
    shown = rows.assign(
        change_text=[
            estimate_text(m, lo, hi, signed=True)
            for m, lo, hi in zip(
                rows["mean_change"],
                rows["mean_change_ci_low"],
                rows["mean_change_ci_high"],
                strict=True,
            )
        ],
        smc_text=[
            estimate_text(m, lo, hi, signed=True)
            for m, lo, hi in zip(rows["smc"], rows["smc_ci_low"], rows["smc_ci_high"], strict=True)
        ],
    )
    block = html_table(
        shown,
        (
            ("measure", "Measure", "text"),
            ("respondent", "Respondent", "text"),
            ("n_pairs", "Pairs", "int"),
            ("n_unpaired", "Unpaired", "int"),
            ("change_text", "Mean change (95% CI)", "num"),
            ("smc_text", "Standardised change (95% CI)", "num"),
            ("pct_reliable_improvement", "Improved", "pct100"),
            ("pct_no_reliable_change", "No reliable change", "pct100"),
            ("pct_reliable_deterioration", "Deteriorated", "pct100"),
            ("pct_reliable_recovery", "Recovered", "pct100"),
            ("n_not_assessable", "Not assessable", "int"),
        ),
        caption=f"Change from first to last assessment, children whose first assessment was "
        f"in {results.year}: {_scope(rpb)} (percentages of the pairs assessable for reliable "
        "change; recovered is part of improved)",
    )
    figure = plotting.outcome_categories(
        rows, _scope(rpb), year=results.year, name=f"outcomes_{rpb_slug(_scope(rpb))}"
    )
    block = block + _figure(figure, figures_dir)
    adjusted = _controlled_adjusted(results, threshold)
    if not adjusted.empty:
        frame = adjusted[adjusted["rpb"].isin([_scope(rpb), WALES] if rpb else (*RPB_NAMES, WALES))]
        frame = frame.assign(
            change_text=[
                estimate_text(m, lo, hi)
                for m, lo, hi in zip(
                    frame["adjusted_change_per_year"],
                    frame["ci_low"],
                    frame["ci_high"],
                    strict=True,
                )
            ]
        )
        block = (
            block
            + heading("Case-mix-adjusted change per year")
            + paragraph(
                "From a linear mixed model on all of each child's assessments, adjusting for age "
                "at first assessment, sex and deprivation quintile (see Methods)."
            )
            + html_table(
                frame,
                (
                    ("measure", "Measure", "text"),
                    ("respondent", "Respondent", "text"),
                    ("rpb", "Area", "text"),
                    ("change_text", "Change per year (95% CI)", "num"),
                    ("n_children_paired", "Children with 2+ assessments", "int"),
                ),
                caption="Case-mix-adjusted change per year",
            )
        )
    return block


def experiences_section(
    results: YearResults,
    rpb: str | None = None,
    threshold: int = 10,
    figures_dir: str | Path | None = None,
) -> Block:
    """Experiences: share agreeing per item (with intervals), by respondent type."""
    table = disclosure.control_agreement(results.agreement, threshold=threshold)
    rows = table[(table["rpb"] == _scope(rpb)) & (table["respondent_type"] == "all")]
    if rows.empty:
        return paragraph(f"No survey responses for {_scope(rpb)} in {results.year}.", "note")
    block = html_table(
        rows,
        (
            ("item", "Item", "text"),
            ("n", "Answers", "int"),
            ("share", "Agreeing (4–5)", "pct"),
            ("ci_low", "95% CI low", "pct"),
            ("ci_high", "95% CI high", "pct"),
        ),
        caption=f"Experiences {results.year}: {_scope(rpb)} (nest_index is the mean 1–5)",
    )
    figure = plotting.experience_items(
        table, rpb=_scope(rpb), year=results.year, name=f"experiences_{rpb_slug(_scope(rpb))}"
    )
    block = block + _figure(figure, figures_dir)
    by_type = table[
        (table["rpb"] == _scope(rpb))
        & (table["respondent_type"] != "all")
        & (table["item"] == "nest_index")
    ]
    if not by_type.empty:
        block = block + html_table(
            by_type,
            (
                ("respondent_type", "Respondent", "text"),
                ("n", "Responses", "int"),
                ("share", "NEST index (1–5)", "num"),
                ("ci_low", "95% CI low", "num"),
                ("ci_high", "95% CI high", "num"),
            ),
            caption="NEST experience index by respondent type",
        )
    return block


def access_section(results: YearResults, rpb: str | None = None, threshold: int = 10) -> Block:
    """Access (no wrong door): timeliness, waits, redirections, still waiting."""
    table = disclosure.control_access(results.access, threshold=threshold)
    rows = table[table["rpb"] == _scope(rpb)]
    if rows.empty:
        return paragraph(f"No access requests for {_scope(rpb)} in {results.year}.", "note")
    return paragraph(
        "Requests received in the year. The 28-day standard is that of the Mental Health "
        "(Wales) Measure 2010. Waits are over the requests supported; shares have Wilson "
        "intervals, waits distribution-free intervals."
    ) + html_table(
        rows,
        (
            ("indicator", "Indicator", "text"),
            ("estimate", "Value", "num"),
            ("ci_low", "95% CI low", "num"),
            ("ci_high", "95% CI high", "num"),
            ("n", "Based on", "int"),
        ),
        caption=f"Access {results.year}: {_scope(rpb)}",
    )


def enablers_section(results: YearResults, rpb: str | None = None, threshold: int = 10) -> Block:
    """Partnership enablers (G), co-production maturity (B) and, nationally, training."""
    if results.enablers.empty:
        return paragraph("No partnership returns this year.", "note")
    rows = results.enablers.copy()
    wales = rows["rpb"] == WALES
    returned = int(rows.loc[wales, "returned"].iloc[0]) if wales.any() else 0
    for column in ("multiagency_panel", "cyp_on_board"):
        rows[column] = rows[column].astype(object)
        rows.loc[wales, column] = [f"{int(v)} of {returned} RPBs" for v in rows.loc[wales, column]]
    if rpb is not None:
        rows = rows[rows["rpb"].isin([rpb, WALES])]
    block = html_table(
        rows,
        (
            ("rpb", "Area", "text"),
            ("core_funding_gbp", "Core funding", "gbp"),
            ("rif_funding_gbp", "RIF funding", "gbp"),
            ("pooled_share", "Pooled share", "pct"),
            ("workforce_vacancy_rate", "Vacancy rate", "pct"),
            ("multiagency_panel", "Multi-agency panel", "text"),
            ("coproduction_maturity", "Co-production maturity (1–5)", "num"),
            ("cyp_on_board", "Young people on the board", "text"),
        ),
        caption=f"Partnership enablers {results.year} (for Wales: totals, means, and the "
        "number of RPBs with a panel or young people on the board)",
    )
    if rpb is None and not results.training.empty:
        training = disclosure.control_training(results.training, threshold=threshold)
        labels = {
            "enrolled": "Learners enrolled",
            "completed": "Completed",
            "share_completed": "Share completed",
            "n_ratings": "Learners who rated the course",
            "share_rated_good_or_excellent": "Rated good or excellent (4–5 of 5)",
            "share_nhs": "Learners from the NHS",
            "share_local_authority": "Learners from local authorities",
            "share_third_sector": "Learners from the third sector",
            "share_private_other": "Learners from private or other organisations",
        }
        training = training.assign(
            label=training["figure"].map(lambda f: labels.get(f, f)),
            value_text=[
                estimate_text(v, lo, hi, share=True, signed=False)
                if f.startswith("share_")
                else fmt(v, "int")
                for f, v, lo, hi in zip(
                    training["figure"],
                    training["value"],
                    training["ci_low"],
                    training["ci_high"],
                    strict=True,
                )
            ],
        )
        block = (
            block
            + heading("NEST and children's rights training")
            + html_table(
                training,
                (
                    ("label", "Figure", "text"),
                    ("value_text", "Value (95% CI)", "num"),
                    ("n", "Based on", "int"),
                ),
                caption=f"Learners enrolled in {results.year} (training is reported for "
                "Wales only)",
            )
        )
    return block


def funnel_section(
    results: YearResults,
    rpb: str | None = None,
    threshold: int = 10,
    figures_dir: str | Path | None = None,
) -> Block:
    """Funnel plots for every proportion compared across RPBs; flags only outside limits."""
    if results.funnels.empty:
        return paragraph("Too few RPBs with data to compare.", "note")
    table = disclosure.control_funnels(results.funnels, threshold)
    blocks = [
        paragraph(
            "Each RPB is placed against 95% and 99.8% limits around the Wales proportion, "
            "widened for overdispersion (Spiegelhalter 2005). Only an RPB outside the limits is "
            "flagged; RPBs are not ranked. RPBs with fewer than "
            f"{threshold} in the denominator are not shown."
        )
    ]
    flagged = table[table["flag"].isin(["above 95%", "above 99.8%", "below 95%", "below 99.8%"])]
    if rpb is not None:
        flagged = flagged[flagged["rpb"] == rpb]
    blocks.append(
        html_table(
            flagged,
            (
                ("indicator", "Indicator", "text"),
                ("rpb", "RPB", "text"),
                ("proportion", "Proportion", "pct"),
                ("n", "n", "int"),
                ("flag", "Outside", "text"),
            ),
            caption="RPBs outside the funnel limits" + (f": {rpb}" if rpb else ""),
        )
    )
    if rpb is None:
        for (_, indicator), group in table.groupby(["domain", "indicator"], sort=False):
            shown = group[group["shown"]]
            if len(shown) >= 3:
                figure = plotting.funnel(shown, indicator, name=f"funnel_{rpb_slug(indicator)}")
                blocks.append(_figure(figure, figures_dir))
    return _join(blocks)


def evidence_section(results: YearResults, rpb: str | None = None) -> Block:
    """What the RPB's own evidence says (its self-assessment), or a national overview."""
    if results.evidence.empty:
        return paragraph("No self-assessment evidence was submitted this year.", "note")
    labels = {e.key: e.label_en for e in CORE_ELEMENTS}
    if rpb is not None:
        rows = results.evidence[results.evidence["rpb"] == rpb].copy()
        if rows.empty:
            return paragraph(f"{rpb} submitted no evidence text this year.", "note")
        rows["element"] = rows["element"].map(lambda k: labels.get(k, k))
        return html_table(
            rows,
            (
                ("element", "Element", "text"),
                ("rating", "Rating", "num"),
                ("evidence", "The RPB's evidence", "text"),
            ),
            caption=f"{rpb}: evidence given with the {results.year} self-assessment",
        )
    counts = results.evidence.groupby("rpb").size().reindex(RPB_NAMES, fill_value=0)
    frame = counts.rename("elements").reset_index()
    block = html_table(
        frame,
        (("rpb", "RPB", "text"), ("elements", "Elements with evidence", "int")),
        caption="Evidence submitted with the self-assessments",
    )
    if not results.projects.empty:
        projects = results.projects.copy()
        projects["element"] = projects["element"].map(lambda k: labels.get(k, k))
        block = block + html_table(
            projects,
            (
                ("rpb", "RPB", "text"),
                ("element", "Element", "text"),
                ("n_projects", "RIF projects", "int"),
                ("project_mean", "Project mean", "num"),
                ("project_min", "Lowest", "num"),
                ("project_max", "Highest", "num"),
                ("region_rating", "Regional rating", "num"),
            ),
            caption="RIF project self-assessments beside the regional rating",
        )
    return block


def quality_table(accounting: dict) -> pd.DataFrame:
    """Row accounting and problems by rule per dataset (counts only, never values)."""
    rows = []
    for name, record in accounting.get("datasets", {}).items():
        problems = record.get("problems_by_rule", {})
        rows.append(
            {
                "dataset": name,
                "status": record.get("status", ""),
                "files": len(record.get("files", [])),
                "rows_read": record.get("rows_read", 0),
                "rows_accepted": record.get("rows_accepted", 0),
                "rows_quarantined": record.get("rows_quarantined", 0),
                "duplicates_collapsed": record.get("duplicates_collapsed", 0),
                "rows_not_loaded": record.get("rows_not_loaded", 0),
                "problems": "; ".join(f"{rule} {count}" for rule, count in problems.items()),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "dataset",
            "status",
            "files",
            "rows_read",
            "rows_accepted",
            "rows_quarantined",
            "duplicates_collapsed",
            "rows_not_loaded",
            "problems",
        ],
    )


def quality_section(results: YearResults) -> Block:
    """Data coverage and quality: the accounting of every dataset, and what was quarantined."""
    table = quality_table(results.accounting)
    if table.empty:
        return paragraph("No accounting record is available for this data.", "note")
    return paragraph(
        "Every row read is accounted for: rows read = accepted + quarantined + exact "
        "duplicates collapsed (+ rows of a dataset that could not be loaded). Quarantined "
        "rows broke a rule of the data contract; they are listed, with the rule, for the RPB "
        "to correct at source and are not used. Only counts are published here."
    ) + html_table(
        table,
        (
            ("dataset", "Dataset", "text"),
            ("status", "Status", "text"),
            ("rows_read", "Rows read", "int"),
            ("rows_accepted", "Accepted", "int"),
            ("rows_quarantined", "Quarantined", "int"),
            ("duplicates_collapsed", "Duplicates collapsed", "int"),
            ("rows_not_loaded", "Not loaded", "int"),
            ("problems", "Problems by rule", "text"),
        ),
        caption="Data coverage and quality",
    )


def _domain_evidence(results: YearResults, rpb: str | None) -> dict[str, str]:
    """For each evidence domain, a short note of this year's evidence ('' when none)."""
    scope = _scope(rpb)
    found: dict[str, str] = {}
    ratings = results.journey_ratings
    rated = ratings[(ratings["year"] == results.year) & ratings["rating"].notna()]
    if rpb is not None:
        rated = rated[rated["rpb"] == rpb]
    if len(rated):
        found["implementation"] = f"{len(rated)} journey rating(s)"
    oc = results.outcomes_change
    if not oc.empty:
        part = oc[(oc["rpb"] == scope) & (oc["n_pairs"] > 0)]
        if len(part):
            found["outcomes"] = f"{int(part['n_pairs'].sum())} paired assessments"
    if not results.agreement.empty:
        part = results.agreement[
            (results.agreement["rpb"] == scope)
            & (results.agreement["respondent_type"] == "all")
            & (results.agreement["item"] == "nest_index")
        ]
        if len(part) and part["n"].iloc[0] > 0:
            found["experiences"] = f"{int(part['n'].iloc[0])} survey responses"
    if not results.access.empty:
        part = results.access[
            (results.access["rpb"] == scope) & (results.access["indicator"] == "share_redirected")
        ]
        if len(part) and part["n"].iloc[0] > 0:
            found["access"] = f"{int(part['n'].iloc[0])} requests"
    if not results.enablers.empty:
        part = results.enablers[results.enablers["rpb"] == scope]
        if len(part) and bool(part["returned"].iloc[0]):
            found["partnership"] = "partnership return"
    if not results.training.empty:
        enrolled = results.training.set_index("figure")["value"].get("enrolled", 0)
        if enrolled:
            found["training"] = f"{int(enrolled)} learners (national)"
    return found


def recommendation_status(results: YearResults, rpb: str | None = None) -> pd.DataFrame:
    """Map this year's evidence to the recommendations it answers.

    A recommendation's status is *evidence this year* when every domain whose evidence
    answers it has data this year (for the RPB, or for Wales), *partial* when some do, and
    *no data* when none do or when the workbench collects no evidence for it.

    Parameters
    ----------
    results : YearResults
        The year's results.
    rpb : str, optional
        The RPB (None for Wales).

    Returns
    -------
    pandas.DataFrame
        ``key``, ``source``, ``recommendation``, ``domains``, ``status``, ``evidence``.
    """
    found = _domain_evidence(results, rpb)
    rows = []
    for rec in (*RECOMMENDATIONS, *COMMISSIONER_ASKS):
        have = [d for d in rec.domains if d in found]
        if rec.domains and len(have) == len(rec.domains):
            status = "evidence this year"
        elif have:
            status = "partial"
        else:
            status = "no data"
        rows.append(
            {
                "key": rec.key,
                "source": rec.document(),
                "recommendation": rec.text(),
                "domains": ", ".join(rec.domains) or "not collected by the workbench",
                "status": status,
                "evidence": "; ".join(f"{d}: {found[d]}" for d in have) or "–",
            }
        )
    return pd.DataFrame(rows)


def recommendations_section(results: YearResults, rpb: str | None = None) -> Block:
    """The evidence mapped to Legacy Report recommendations A–L and the Commissioner's asks."""
    table = recommendation_status(results, rpb)
    return html_table(
        table,
        (
            ("key", "Ref.", "text"),
            ("recommendation", "Recommendation", "text"),
            ("domains", "Evidence domains", "text"),
            ("status", "Status", "text"),
            ("evidence", "This year's evidence", "text"),
        ),
        caption=f"Evidence against the recommendations: {_scope(rpb)}, {results.year}",
    )


def methods_section(results: YearResults, threshold: int = 10) -> Block:
    """Methods: figures of the measures catalogue used, models and definitions."""
    used = set(results.outcomes_change["measure"]) if not results.outcomes_change.empty else set()
    figures = results.catalogue_figures
    figures = figures[figures["measure"].isin(used)].copy()
    figures["status"] = np.where(figures["verified"], "verified", "UNVERIFIED")
    figures["status"] = np.where(
        figures["overridden"], figures["status"] + " (configured)", figures["status"]
    )
    unverified = figures[~figures["verified"]]
    blocks = [
        heading("Outcome measures: figures used"),
        html_table(
            figures,
            (
                ("measure", "Measure", "text"),
                ("figure", "Figure", "text"),
                ("value", "Value", "num"),
                ("status", "Status", "text"),
                ("source", "Source", "text"),
            ),
            caption="Measures catalogue figures used in this report",
        ),
        paragraph(
            f"{len(unverified)} figure(s) used here are unverified (reported second-hand): "
            + (
                ", ".join(
                    f"{m} {f}"
                    for m, f in zip(unverified["measure"], unverified["figure"], strict=True)
                )
                or "none"
            )
            + ". Results resting on them should be read with that caution."
        ),
        heading("Reliable and clinically significant change"),
        paragraph(
            "Jacobson–Truax reliable change index RCI = (x2 − x1) / S_diff, "
            "S_diff = √2 · SD · √(1 − r); a change is reliable where |RCI| > 1.96. SD is the "
            "catalogue's reference SD, or the sample's baseline SD where the catalogue has "
            "none; where the catalogue has no reliability but a published reliable-change "
            "threshold, that threshold is used; otherwise a pair is not assessable. For "
            "measures where higher is worse, a reliable fall is an improvement. Clinically "
            "significant change uses the published clinical cut-off; reliable recovery is "
            "reliable improvement from the clinical to the non-clinical range (a subset of "
            "reliable improvement). Categories follow CORC."
        ),
        heading("Case-mix-adjusted change"),
        Block(
            f"<pre>{html.escape(results.model_specification)}</pre>",
            results.model_specification,
        ),
        paragraph(
            "Fitted by exact restricted maximum likelihood (profiled over the variance ratio, "
            "as lme4 does), on every measure and respondent with at least 30 children; RPBs "
            "with fewer than 5 children with two or more assessments are left out of that "
            "model. Intervals are Wald 95% intervals."
        ),
        heading("Intervals and comparisons"),
        paragraph(
            "Proportions: Wilson score intervals; differences of proportions: Newcombe's "
            "hybrid score interval; means: Student t; differences of means: Welch; quantiles: "
            "distribution-free order-statistic intervals; standardised mean change: Becker "
            "(1988) with the pre-test SD and Hedges' exact correction. Funnel plots: "
            "Spiegelhalter (2005) on the arcsine-square-root scale with overdispersion from "
            "Winsorised z-scores."
        ),
        heading("Disclosure control"),
        paragraph(
            f"Counts of people, responses or requests from 1 to {threshold - 1} below Wales "
            "level are suppressed and written c, with secondary suppression so that no "
            "suppressed cell can be recovered from its row, column or the Wales total; "
            f"percentages, means and intervals resting on fewer than {threshold} people are "
            "suppressed likewise. No identifier and no free-text comment is published."
        ),
    ]
    return _join(blocks)


def reproducibility_section(results: YearResults, run_id: str | None = None) -> Block:
    """Code version, run identifier and how to regenerate the report."""
    from nest_eval.files import code_fingerprint

    parameters = ", ".join(f"{k} = {v}" for k, v in sorted(results.parameters.items()))
    lines = [
        f"nest-eval {__version__}; source SHA-256 {code_fingerprint()[:16]}",
        f"Run identifier (hash of inputs, parameters and code): {run_id or 'not from a run'}",
        f"Parameters: {parameters}",
        "Regenerate: make reports (or nest-eval run --year "
        f"{results.year}); the run's manifest.json lists every input and output with its "
        "SHA-256.",
    ]
    return Block(
        "<ul>" + "".join(f"<li>{html.escape(x)}</li>" for x in lines) + "</ul>", "\n".join(lines)
    )


def title_section(results: YearResults, rpb: str | None = None) -> Block:
    """The report's title with its area, year and baseline."""
    scope = _scope(rpb)
    base = f"; baseline {results.baseline_year}" if results.baseline_year else ""
    return Block(
        f"<h2>{html.escape(scope)}: distance travelled, {results.year}</h2>"
        f'<p class="note">Reporting year {results.year}{html.escape(base)}. '
        "Generated by nest-eval from the data contract's datasets.</p>",
        f"{scope}: distance travelled, {results.year}{base}",
    )


def implementation_section(results: YearResults) -> Block:
    """Each RPB's change in journey ratings: mean over elements, elements up and down."""
    if results.implementation_summary is None:
        return paragraph("No baseline cycle: no change can be shown.", "note")
    return html_table(
        results.implementation_summary,
        (
            ("rpb", "Area", "text"),
            ("baseline", f"Mean {results.baseline_year}", "num"),
            ("current", f"Mean {results.year}", "num"),
            ("change", "Change", "num"),
            ("n_elements", "Elements rated both years", "int"),
            ("n_up", "Up", "int"),
            ("n_down", "Down", "int"),
            ("n_same", "Same", "int"),
        ),
        caption="Journey ratings: change from the baseline cycle",
    )


def voices_section(results: YearResults) -> Block:
    """Share of journey ratings informed by children's and by families' voices."""
    if results.voice_shares.empty:
        return paragraph("No self-assessments this year.", "note")
    return html_table(
        results.voice_shares,
        (
            ("rpb", "Area", "text"),
            ("n_ratings", "Ratings", "int"),
            ("share_cyp_voice", "Informed by children's voices", "pct"),
            ("share_family_voice", "Informed by families' voices", "pct"),
            ("n_voice_unknown", "Not stated", "int"),
        ),
        caption=f"Voices informing the {results.year} self-assessments",
    )


def outcomes_by_rpb_section(results: YearResults, threshold: int = 10) -> Block:
    """Change and reliable-change categories for every RPB and measure."""
    table = _controlled_outcomes(results, threshold)
    if table.empty:
        return paragraph("No outcome measures this year.", "note")
    return html_table(
        table,
        (
            ("rpb", "Area", "text"),
            ("measure", "Measure", "text"),
            ("respondent", "Respondent", "text"),
            ("n_pairs", "Pairs", "int"),
            ("mean_change", "Mean change", "num"),
            ("mean_change_ci_low", "95% CI low", "num"),
            ("mean_change_ci_high", "95% CI high", "num"),
            ("reliable_improvement", "Improved", "int"),
            ("no_reliable_change", "No change", "int"),
            ("reliable_deterioration", "Deteriorated", "int"),
            ("reliable_recovery", "Recovered", "int"),
        ),
        caption="Outcomes per RPB, measure and respondent",
    )


def models_section(results: YearResults) -> Block:
    """The mixed models: size, variance components and excluded RPBs."""
    if results.models.empty:
        return paragraph("No measure had enough children for a model.", "note")
    models = results.models.assign(
        excluded=results.models["excluded"].replace("", "–"),
        converged=results.models["converged"].map({True: "yes", False: "NO"}),
    )
    spec = results.model_specification
    return Block(f"<pre>{html.escape(spec)}</pre>", spec) + html_table(
        models,
        (
            ("measure", "Measure", "text"),
            ("respondent", "Respondent", "text"),
            ("children", "Children", "int"),
            ("observations", "Assessments", "int"),
            ("sigma2_child", "Between-child variance", "num"),
            ("sigma2", "Residual variance", "num"),
            ("excluded", "RPBs with too few children", "text"),
            ("left_out", "Children missing a covariate", "int"),
            ("converged", "Converged", "text"),
        ),
        caption="Random-intercept models fitted (REML)",
    )


def change_by_rpb_section(results: YearResults, domain: str, threshold: int = 10) -> Block:
    """Every RPB's distance travelled in one domain, with intervals."""
    table = _controlled_distance(results, threshold)
    rows = table[table["domain"] == domain]
    if rows.empty:
        return paragraph(f"No {domain} data in a baseline year and {results.year}.", "note")
    return html_table(
        _with_display_columns(rows),
        (("rpb", "Area", "text"), *_DISTANCE_VIEW),
        caption=f"Distance travelled, {domain}: every RPB",
    )


def enablers_change_section(results: YearResults) -> Block:
    """Enablers in the baseline year beside this year's."""
    if results.enablers_baseline is None or results.enablers.empty:
        return paragraph("No baseline year of partnership returns.", "note")
    now = results.enablers.set_index("rpb")
    then = results.enablers_baseline.set_index("rpb")
    rows = []
    for rpb in now.index:
        record = {"rpb": rpb}
        for column in ("pooled_share", "workforce_vacancy_rate", "coproduction_maturity"):
            record[f"{column}_then"] = then.loc[rpb, column] if rpb in then.index else None
            record[f"{column}_now"] = now.loc[rpb, column]
        rows.append(record)
    return html_table(
        pd.DataFrame(rows),
        (
            ("rpb", "Area", "text"),
            ("pooled_share_then", f"Pooled share {results.baseline_year}", "pct"),
            ("pooled_share_now", f"Pooled share {results.year}", "pct"),
            ("workforce_vacancy_rate_then", f"Vacancy {results.baseline_year}", "pct"),
            ("workforce_vacancy_rate_now", f"Vacancy {results.year}", "pct"),
            ("coproduction_maturity_then", f"Maturity {results.baseline_year}", "num"),
            ("coproduction_maturity_now", f"Maturity {results.year}", "num"),
        ),
        caption="Partnership enablers: baseline and this year",
    )
