"""Tests for nest_eval.reporting.plotting: report figures, their alt texts, and deterministic
saving."""

from __future__ import annotations

import base64
import io
import math
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.font_manager as font_manager
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text

from nest_eval.config import Disclosure
from nest_eval.domains import comparisons, distance, experiences, implementation
from nest_eval.reference.contract import EXPERIENCE_ITEMS
from nest_eval.reference.vocabulary import CORE_ELEMENTS, RPB_NAMES, WALES
from nest_eval.reporting import plotting
from nest_eval.reporting.figures.distance import distance_spec

YEAR = 2025
ROOT = Path(__file__).resolve().parents[1]

# A small self-contained figure set, built the same way in this process and in a fresh one.
SYNTHETIC = textwrap.dedent(
    """
    import numpy as np
    import pandas as pd
    from nest_eval.reporting import plotting

    def synthetic_figures():
        distance_rows = pd.DataFrame(
            {
                "rpb": ["Powys"] * 4,
                "domain": ["access"] * 4,
                "indicator": [
                    "share_within_28_days",
                    "median_wait_days",
                    "share_redirected",
                    "still_waiting_at_year_end",
                ],
                "baseline_year": [2024] * 4,
                "baseline": [0.41, 40.0, 0.3, 12],
                "current": [0.47, 35.0, "c", 9],
                "change": [0.06, -5.0, "c", -3],
                "ci_low": [-0.03, np.nan, "c", np.nan],
                "ci_high": [0.15, np.nan, "c", np.nan],
                "n": [120, 110, "c", 300],
                "better": ["higher", "lower", "lower", "lower"],
            }
        )
        means = pd.DataFrame(
            {
                "element": ["trusted_adults", "no_wrong_door"],
                "mean_rating": [2.5, np.nan],
                "n_rpbs": [6, 0],
            }
        )
        return [
            plotting.distance_chart(distance_rows, "Powys", "access", year=2025),
            plotting.nest_profile(means, {"Trusted adults": 3}, "Powys", 2025),
        ]
    """
)

SUPPRESSED_NOTE = plotting.suppressed_note(Disclosure())


def _synthetic_figures() -> list[plotting.ReportFigure]:
    namespace: dict[str, object] = {}
    exec(SYNTHETIC, namespace)
    return namespace["synthetic_figures"]()  # type: ignore[operator]


def _texts(figure: Figure) -> list[str]:
    return [t.get_text() for t in figure.findobj(Text) if t.get_text()]


def _all_text(figure: Figure) -> str:
    return "\n".join(_texts(figure))


def _table(result: plotting.ReportFigure) -> list[str]:
    """The rows of a figure's table of numbers, each as its cells joined by " | "."""
    return [" | ".join(row) for row in result.data.rows]


def _row(result: plotting.ReportFigure, first_cell: str) -> tuple[str, ...]:
    """The row of a figure's table that starts with ``first_cell``."""
    return next(row for row in result.data.rows if row[0] == first_cell)


def _short(result: plotting.ReportFigure) -> None:
    assert len(result.alt) <= 250, result.alt


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


@pytest.fixture(scope="module")
def gwent_distance(tables):
    """Gwent's distance-travelled figure for every domain, built once."""
    domains = ("implementation", "outcomes", "experiences", "access")
    return {d: plotting.distance_chart(tables["distance"], "Gwent", d, year=YEAR) for d in domains}


@pytest.fixture(scope="module", autouse=True)
def fresh_process(tmp_path_factory):
    """Save the synthetic figures in a fresh interpreter, started before the module's tests so
    that it runs beside them; :func:`test_save_in_fresh_process_is_byte_identical` waits for it.
    """
    there = tmp_path_factory.mktemp("fresh")
    script = SYNTHETIC + textwrap.dedent(
        f"""
        import sys
        for figure in synthetic_figures():
            plotting.save_figure(figure, {str(there)!r})
        assert "matplotlib.pyplot" not in sys.modules, "pyplot was imported"
        """
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    yield there, process
    if process.returncode is None:
        process.kill()
        process.communicate()


@pytest.fixture(scope="module")
def synthetic():
    return _synthetic_figures()


# --- 1. NEST profile ---------------------------------------------------------------------------


def test_nest_profile_rpb_against_wales(tables):
    ratings = tables["ratings"]
    result = plotting.nest_profile(tables["means"], ratings, "Gwent", year=YEAR)
    assert result.name == "nest_profile_gwent"
    assert isinstance(result.figure, Figure)
    gwent = ratings[(ratings["rpb"] == "Gwent") & (ratings["year"] == YEAR)]
    gwent = gwent.set_index("element")["rating"]
    means = tables["means"].set_index("element")
    for element in CORE_ELEMENTS:
        value = gwent.get(element.key, np.nan)
        row = _row(result, element.label_en)
        if pd.isna(value):
            assert row[1] == "not rated"
        else:
            assert row[1].startswith(f"{value:g} (")
        mean, n = means.loc[element.key, ["mean_rating", "n_rpbs"]]
        assert row[2:] == (f"{mean:.1f}", f"{int(n)}")
    _short(result)
    assert result.data.headings == ("Core element", f"Gwent rating {YEAR}", "Wales mean",
                                    "RPBs that rated it")  # fmt: skip
    # The demo data leave Gwent's trusted adults unrated: written, never plotted as a value.
    assert pd.isna(gwent.get("trusted_adults", np.nan))
    assert "Gwent: not rated" in _texts(result.figure)
    ax = result.figure.axes[0]
    plotted = np.concatenate([np.atleast_1d(line.get_xdata()) for line in ax.get_lines()])
    assert plotted.min() >= 1 and plotted.max() <= 4
    assert "rated by 6 of 7 RPBs" in _all_text(result.figure)
    assert "embedded" in _all_text(result.figure)  # journey levels are named on the axis


def test_nest_profile_mapping_alias_and_wales(tables):
    result = plotting.nest_profile(
        tables["means"], {"Trusted adults": 3, "no_wrong_door": None}, "Betsi", year=YEAR
    )
    assert result.name == "nest_profile_north-wales"
    assert _row(result, "Trusted adults")[1] == "3 (substantial progress)"
    assert _row(result, "No wrong door")[1] == "not rated"
    assert _row(result, "Wellbeing across education")[1] == "not rated"
    assert "North Wales: 5 of the six elements not rated." in result.alt
    wales = plotting.nest_profile(tables["means"], year=YEAR)
    assert wales.name == "nest_profile_wales"
    assert wales.data.headings[1:] == ("Wales mean", "RPBs that rated it")
    assert any(row[1:] == ("2.3", "7") for row in wales.data.rows)


def test_nest_profile_element_no_rpb_rated():
    means = pd.DataFrame({"element": ["trusted_adults"], "mean_rating": [np.nan], "n_rpbs": [0]})
    result = plotting.nest_profile(means, year=YEAR)
    assert _row(result, "Trusted adults")[1:] == ("not rated", "0")
    assert "Wales: not rated by any RPB" in _texts(result.figure)
    assert not any(len(line.get_xdata()) for line in result.figure.axes[0].get_lines())


def test_nest_profile_needs_rpb_with_ratings(tables):
    with pytest.raises(ValueError, match="rpb"):
        plotting.nest_profile(tables["means"], tables["ratings"], year=YEAR)


# --- 2. Distance travelled ---------------------------------------------------------------------


@pytest.mark.parametrize("domain", ["implementation", "outcomes", "experiences", "access"])
def test_distance_chart_every_domain(tables, gwent_distance, domain):
    table = tables["distance"]
    rows = table[(table["rpb"] == "Gwent") & (table["domain"] == domain)]
    result = gwent_distance[domain]
    assert result.name == f"distance_gwent_{domain}"
    assert "Gwent" in result.alt and "from 2024 to 2025" in result.alt
    _short(result)
    axes = result.figure.axes
    assert len(axes) == len(rows)
    for ax, row in zip(axes, rows.itertuples(index=False), strict=True):
        has_interval = math.isfinite(row.ci_low) and math.isfinite(row.ci_high)
        assert bool(ax.containers) == has_interval  # error bar only where an interval exists
    first = rows.iloc[0]
    if distance_spec(table, "Gwent", domain, year=YEAR).panels[0].share:
        expected = f"{100 * first['baseline']:.1f}%".replace("-", "−")
        assert result.data.rows[0][1] == expected
    interval_rows = rows[rows["ci_low"].notna()]
    assert sum(row[4].startswith("95% CI") for row in result.data.rows) == len(interval_rows)


def test_distance_chart_experiences_numbers(tables, gwent_distance):
    result = gwent_distance["experiences"]
    table = tables["distance"]
    row = table[(table["rpb"] == "Gwent") & (table["item"] == "nurturing")]
    row = row.iloc[0]
    expected = (
        "Share agreeing: Nurturing (higher is better)",
        f"{100 * row['baseline']:.1f}%".replace("-", "−"),
        f"{100 * row['current']:.1f}%".replace("-", "−"),
        f"{100 * row['change']:+.1f} pts".replace("-", "−"),
    )
    assert result.data.rows[0][:4] == expected
    assert result.data.rows[0][5] == f"{row['n']:,.0f}"
    assert "knew_who_to_turn_to" not in "".join(_table(result))  # items in plain English


def test_distance_chart_suppressed_values(tables, tmp_path):
    table = tables["distance"].astype(
        {c: object for c in ("baseline", "current", "change", "ci_low", "ci_high", "n")}
    )
    safe = (table["rpb"] == "Gwent") & (table["item"] == "safe")
    table.loc[safe, ["current", "change", "ci_low", "ci_high", "n"]] = "c"
    trusted = (table["rpb"] == "Gwent") & (table["item"] == "trusted")
    table.loc[trusted, ["ci_low", "ci_high"]] = "c"
    # As published: a CSV whose numeric columns hold "c".
    path = tmp_path / "distance_travelled.csv"
    table.to_csv(path, index=False)
    published = pd.read_csv(path)
    result = plotting.distance_chart(published, "Gwent", "experiences", year=YEAR)
    assert SUPPRESSED_NOTE in result.caption
    assert SUPPRESSED_NOTE in _all_text(result.figure)
    safe_row = _row(result, "Share agreeing: Safe (higher is better)")
    assert safe_row[2:] == ("c", "c", "c", "c")
    assert _row(result, "Share agreeing: Trusted (higher is better)")[4] == "c"
    assert "(interval suppressed)" in _all_text(result.figure)
    assert "current: c" in _texts(result.figure)
    safe_ax = result.figure.axes[2]
    assert not safe_ax.containers  # no interval drawn for the suppressed change


def test_distance_chart_indicator_selection_and_errors(tables):
    table = tables["distance"]
    chosen = ["median_wait_days", "share_within_28_days"]
    result = plotting.distance_chart(table, "Wales", "access", indicators=chosen, year=YEAR)
    assert len(result.figure.axes) == 2
    labels = [row[0] for row in result.data.rows]
    assert labels[0].startswith("Median wait") and labels[1].startswith("Share first supported")
    assert result.name == "distance_wales_access"
    with pytest.raises(ValueError, match="no distance-travelled rows"):
        plotting.distance_chart(table, "Gwent", "training")


def test_distance_chart_counts_start_at_zero(tables, gwent_distance):
    result = gwent_distance["access"]
    table = tables["distance"]
    rows = table[(table["rpb"] == "Gwent") & (table["domain"] == "access")].reset_index()
    panels = distance_spec(table, "Gwent", "access", year=YEAR).panels
    for ax, row, panel in zip(result.figure.axes, rows.itertuples(), panels, strict=True):
        if math.isnan(row.ci_low) and not panel.share:
            assert ax.get_xlim()[0] <= 0  # no interval: the axis is not zoomed in


# --- 3. Outcome categories ---------------------------------------------------------------------


def test_outcome_categories_counts_in_alt(tables):
    rows = tables["outcomes"]
    result = plotting.outcome_categories(rows, "Cardiff and Vale", year=YEAR)
    assert result.name == "outcome_categories_cardiff-and-vale"
    gbo = rows[(rows["rpb"] == "Cardiff and Vale") & (rows["measure"] == "GBO")].iloc[0]
    assessable = (
        gbo["reliable_improvement"] + gbo["no_reliable_change"] + gbo["reliable_deterioration"]
    )
    gbo_row = _row(result, "Goal Based Outcomes (Self-report)")
    assert gbo_row[1:3] == (
        f"{assessable}",
        f"{gbo['reliable_improvement']} ({gbo['pct_reliable_improvement']:.0f}%)",
    )
    assert any("not assessable for reliable change" in row for row in _table(result))  # CORS
    assert "Of which reliable recovery" in result.data.headings
    _short(result)
    text = _all_text(result.figure)
    assert f"n = {assessable} assessable pairs" in text
    hatched = [p for p in result.figure.axes[0].patches if p.get_hatch()]
    cardiff = rows[rows["rpb"] == "Cardiff and Vale"]
    assert len(hatched) == int((cardiff["reliable_recovery"] > 0).sum()) > 0


def test_outcome_categories_suppressed_and_one_rpb_only(tables):
    rows = tables["outcomes"].astype(object)
    powys = (rows["rpb"] == "Powys") & (rows["measure"] == "SWEMWBS")
    columns = [c for c in rows.columns if "reliable" in c or c == "n_pairs"]
    rows.loc[powys, columns] = "c"
    result = plotting.outcome_categories(rows, "Powys", year=YEAR)
    swemwbs = "Short Warwick-Edinburgh Mental Wellbeing Scale (Self-report)"
    assert _row(result, swemwbs)[1:] == ("c",) * 5
    assert SUPPRESSED_NOTE in result.caption
    text = _all_text(result.figure)
    assert SUPPRESSED_NOTE in text and "n = c pairs" in text
    with pytest.raises(ValueError, match="several RPBs"):
        plotting.outcome_categories(tables["outcomes"])
    wales = plotting.outcome_categories(tables["outcomes"][tables["outcomes"]["rpb"] == WALES])
    assert wales.name == "outcome_categories_wales"


# --- 4. Funnel plot ----------------------------------------------------------------------------


FUNNEL_KEYS = ["indicator", "measure", "respondent", "item"]


def _one_funnel(funnels, flagged: bool):
    """The rows of the first indicator with (or without) an RPB outside its limits."""
    for _, rows in funnels.groupby(FUNNEL_KEYS, sort=False, dropna=False):
        if (rows["flag"] != "within").any() == flagged:
            return rows
    raise AssertionError("no such indicator")


def test_funnel_alt_names_only_flagged_rpbs(tables):
    funnels = tables["funnels"]
    rows = _one_funnel(funnels, flagged=True)
    result = plotting.funnel(rows, "An indicator with an RPB outside")
    flagged = set(rows.loc[rows["flag"] != "within", "rpb"])
    assert flagged and "Outside the limits: " in result.alt
    outside = result.alt.split(" Just past a line")[0]  # RPBs past a line but not flagged
    for rpb in RPB_NAMES:
        assert (rpb in outside) == (rpb in flagged)
    quiet = plotting.funnel(_one_funnel(funnels, flagged=False), "No outliers")
    assert "No RPB lies outside the limits." in quiet.alt
    assert not any(rpb in quiet.alt for rpb in RPB_NAMES)
    _short(result)
    _short(quiet)
    # Every RPB is named beside its point; its numbers and place are in the table.
    named = {t.get_text() for t in result.figure.axes[0].texts}
    assert named == set(rows["rpb"])
    for row in rows.itertuples(index=False):
        cells = _row(result, row.rpb)
        assert cells[1:4] == (f"{100 * row.proportion:.1f}%", f"{row.x:,.0f}", f"{row.n:,.0f}")
        assert (cells[4] == "within the limits") == (row.flag == "within")
    # Okabe–Ito colours replace matplotlib's defaults.
    ax = result.figure.axes[0]
    colours = {matplotlib.colors.to_hex(c) for p in ax.collections for c in p.get_facecolors()}
    assert colours <= {plotting.PALETTE["blue"].lower(), plotting.PALETTE["vermillion"].lower()}


def test_funnel_suppressed_row_left_out(tables):
    funnels = tables["funnels"]
    rows = _one_funnel(funnels, flagged=False).astype(object)
    rows.loc[rows.index[0], ["x", "proportion"]] = "c"
    hidden = rows.loc[rows.index[0], "rpb"]
    result = plotting.funnel(rows, "Share agreeing: nurturing")
    assert _row(result, hidden)[1:3] == ("c", "c")
    assert f"Not shown: {hidden} ({SUPPRESSED_NOTE})." in _all_text(result.figure)
    scatter = [c for c in result.figure.axes[0].collections if isinstance(c, PathCollection)]
    assert sum(len(c.get_offsets()) for c in scatter) == len(rows) - 1
    with pytest.raises(ValueError, match="several indicators"):
        plotting.funnel(funnels, "All")


# --- 5. Experience items -----------------------------------------------------------------------


def test_experience_items_rpb_against_wales(tables):
    rows = tables["agreement"]
    result = plotting.experience_items(rows, rpb="Gwent", year=YEAR)
    assert result.name == "experience_items_gwent"
    ax = result.figure.axes[0]
    assert len(ax.containers) == 2 * len(EXPERIENCE_ITEMS)  # every share has its interval
    everyone = rows[(rows["respondent_type"] == "all") & (rows["indicator"] == "share_agreeing")]
    everyone = everyone.set_index(["rpb", "item"])
    gwent = everyone.loc[("Gwent", "nurturing")]
    wales = everyone.loc[(WALES, "nurturing")]
    assert _row(result, "The help felt nurturing")[1:] == (
        f"{100 * gwent['estimate']:.0f}% ({100 * gwent['ci_low']:.0f}% – "
        f"{100 * gwent['ci_high']:.0f}%)",
        f"{gwent['n']:,}",
        f"{100 * wales['estimate']:.0f}% ({100 * wales['ci_low']:.0f}% – "
        f"{100 * wales['ci_high']:.0f}%)",
        f"{wales['n']:,}",
    )
    _short(result)
    # Items stay in questionnaire order: never sorted by value.
    labels = [t.get_text().split("\n")[0] for t in ax.get_yticklabels()]
    assert labels[0].startswith("The help felt nurturing")
    assert labels[-1].startswith("Only had to tell their story once")


def test_experience_items_suppressed(tables):
    rows = tables["agreement"].astype(object)
    cell = (rows["rpb"] == "Gwent") & (rows["item"] == "safe") & (rows["respondent_type"] == "all")
    rows.loc[cell, ["estimate", "ci_low", "ci_high", "n", "n_agree"]] = "c"
    result = plotting.experience_items(rows, rpb="Gwent", year=YEAR)
    assert _row(result, "The help felt safe")[1:3] == ("c", "c")
    assert "Gwent: c" in _texts(result.figure)
    assert SUPPRESSED_NOTE in _all_text(result.figure)
    agreement = tables["agreement"]
    wales_only = plotting.experience_items(agreement[agreement["rpb"] == WALES], year=YEAR)
    assert wales_only.name == "experience_items_wales"
    assert len(wales_only.figure.axes[0].containers) == len(EXPERIENCE_ITEMS)
    with pytest.raises(ValueError, match="several RPBs"):
        plotting.experience_items(agreement)


def test_experience_items_rpb_rows_with_wales_rows(tables):
    agreement = tables["agreement"]
    powys = agreement[agreement["rpb"] == "Powys"]
    wales = agreement[agreement["rpb"] == WALES]
    both = plotting.experience_items(powys, wales, year=YEAR)
    assert both.name == "experience_items_powys" and "Powys against Wales" in both.alt
    alone = plotting.experience_items(powys, year=YEAR)
    assert "against Wales" not in alone.alt and "Wales" not in alone.alt
    assert len(alone.figure.axes[0].containers) == len(EXPERIENCE_ITEMS)


# --- Saving, determinism and HTML --------------------------------------------------------------


def test_save_twice_is_byte_identical_and_clean(tmp_path, synthetic):
    figure = synthetic[0]
    first = plotting.save_figure(figure, tmp_path / "a")
    second = plotting.save_figure(figure, tmp_path / "b")
    assert first.name == f"{figure.name}.svg" and plotting.figure_file(figure) == (
        f"figures/{figure.name}.svg"
    )
    assert first.read_bytes() == second.read_bytes()
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == [first.name]  # one file
    png = plotting.render(figure, "png")
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert b"Software" not in png and b"atplotlib" not in png
    svg_text = first.read_text(encoding="utf-8")
    assert matplotlib.__version__ not in svg_text
    assert "atplotlib v" not in svg_text and "dc:date" not in svg_text
    assert not re.search(r"\d{4}-\d{2}-\d{2}", svg_text)
    assert 'role="img"' in svg_text and "<title " in svg_text
    assert "<desc " in svg_text and figure.alt.replace("'", "&#x27;") in svg_text
    assert "<text " in svg_text and "DejaVu Sans" in svg_text  # text kept as text, not paths
    assert not list(tmp_path.glob("*/.*.tmp"))  # no temporary file left behind


def test_save_in_fresh_process_is_byte_identical(tmp_path, synthetic, fresh_process):
    there, process = fresh_process
    here = tmp_path / "here"
    for figure in synthetic:
        plotting.save_figure(figure, here)
    _, errors = process.communicate(timeout=120)
    assert process.returncode == 0, errors
    names = sorted(p.name for p in here.iterdir())
    assert names == sorted(p.name for p in there.iterdir()) and len(names) == 2
    for name in names:
        assert (here / name).read_bytes() == (there / name).read_bytes(), name


def test_figure_html_links_the_saved_file_and_shows_the_numbers(synthetic):
    figure = synthetic[1]
    page = plotting.figure_html(figure, plotting.figure_file(figure))
    assert '<img src="figures/nest_profile_powys.svg"' in page and "base64" not in page
    table = re.search(r'<details class="figure-data"><summary>Figure data</summary>.*</details>',
                      page, re.S)  # fmt: skip
    assert table is not None
    assert '<th scope="row">Trusted adults</th><td>3 (substantial progress)</td>' in page
    assert '<th scope="col">Wales mean</th>' in page
    assert 'role="region" tabindex="0"' in table.group(0)  # it scrolls in its own box
    welsh = plotting.nest_profile(
        pd.DataFrame({"element": ["trusted_adults"], "mean_rating": [2.5], "n_rpbs": [6]}),
        {"Trusted adults": 3},
        "Powys",
        YEAR,
        lang="cy",
    )
    assert plotting.figure_file(welsh) == "figures/nest_profile_powys.cy.svg"
    assert "<summary>Data'r ffigur</summary>" in plotting.figure_html(welsh, "x.svg").replace(
        "&#x27;", "'"
    )


def test_figure_html_inline_when_nothing_is_saved(synthetic):
    figure = synthetic[1]
    tricky = plotting.ReportFigure(
        figure.name, figure.figure, 'Ratings "as given" & <checked>', "Caption & notes"
    )
    page = plotting.figure_html(tricky)
    assert page.startswith("<figure") and page.endswith("</figure>")
    assert 'alt="Ratings &quot;as given&quot; &amp; &lt;checked&gt;"' in page
    assert "<figcaption>Caption &amp; notes</figcaption>" in page
    assert "data:image/png;base64," in page
    payload = re.search(r"data:image/png;base64,([A-Za-z0-9+/=]+)", page).group(1)
    assert base64.b64decode(payload) == plotting.render(tricky, "png")
    outside = page.replace(payload, "")
    assert "http" not in outside and 'src="data:' in outside


def test_rc_params_restored_and_font_bundled():
    before = dict(matplotlib.rcParams)
    plotting.render(_synthetic_figures()[1], "svg")
    assert dict(matplotlib.rcParams) == before
    with plotting.style():
        path = font_manager.findfont(font_manager.FontProperties(family=["sans-serif"]))
    assert Path(path).name == "DejaVuSans.ttf"
    assert Path(path).is_relative_to(Path(matplotlib.get_data_path()))


def test_not_rated_label_in_synthetic_profile(synthetic):
    profile = synthetic[1]
    assert _row(profile, "Trusted adults")[1:] == ("3 (substantial progress)", "2.5", "6")
    assert _row(profile, "No wrong door")[1:] == ("not rated", "not rated", "0")
    assert "Powys: not rated" in _texts(profile.figure)


def test_report_figure_checks_name_and_alt():
    figure = Figure()
    with pytest.raises(ValueError, match="figure name"):
        plotting.ReportFigure("../escape", figure, "alt", "caption")
    with pytest.raises(ValueError, match="alt text"):
        plotting.ReportFigure("ok", figure, "  ", "caption")
    with pytest.raises(ValueError, match="format"):
        plotting.render(plotting.ReportFigure("ok", figure, "alt", "c"), "pdf")


def test_legend_markers_distinguish_without_colour(tables):
    result = plotting.nest_profile(tables["means"], tables["ratings"], "Gwent", year=YEAR)
    legend = result.figure.legends or [
        sub.legends[0] for sub in result.figure.subfigs if sub.legends
    ]
    markers = {h.get_marker() for h in legend[0].legend_handles if isinstance(h, Line2D)}
    assert markers == {"o", "D"}
    with io.BytesIO() as buffer:
        result.figure.savefig(buffer, format="png")  # also drawable outside the style context
        assert buffer.getvalue().startswith(b"\x89PNG")
