"""A figure whose specification was drawn before is read back from the cache, not redrawn."""

from __future__ import annotations

import functools
import os
import pickle

import pytest

from nest_eval.domains import comparisons, implementation
from nest_eval.reporting import plotting
from nest_eval.reporting.figures import cache, cache_versions, draw_funnel
from nest_eval.reporting.figures.render import figure_html, render

YEAR = 2025


@pytest.fixture(scope="module")
def profile_inputs(demo_data):
    sa = demo_data["self_assessment"]
    return implementation.national_means(sa, YEAR), implementation.journey_ratings(sa)


def _counted(monkeypatch, module, name: str) -> list:
    """Replace ``module.name`` by a wrapper that keeps its name and lists its calls' argument."""
    calls = []
    original = getattr(module, name)

    @functools.wraps(original)
    def counting(spec):
        calls.append(spec)
        return original(spec)

    monkeypatch.setattr(module, name, counting)
    return calls


@pytest.fixture
def draws(monkeypatch):
    """Count the drawings of NEST profiles (the drawing function keeps its name)."""
    return _counted(monkeypatch, plotting, "draw_profile")


def _profile(profile_inputs, rpb="Gwent", lang="en"):
    means, ratings = profile_inputs
    return plotting.nest_profile(means, ratings, rpb, YEAR, lang=lang)


def test_a_figure_drawn_before_is_read_back_as_the_same_svg(
    profile_inputs, draws, monkeypatch, tmp_path
):
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path))
    first = _profile(profile_inputs)
    second = _profile(profile_inputs)
    assert len(draws) == 1
    assert first.figure is not None and second.figure is None
    assert render(second, "svg") == render(first, "svg") == first.svg
    assert second.size_inches() == first.size_inches()
    src = "figures/nest_profile_gwent.svg"
    assert figure_html(second, src) == figure_html(first, src)
    assert (second.name, second.alt, second.caption, second.data) == (
        first.name,
        first.alt,
        first.caption,
        first.data,
    )


def test_the_svg_read_back_is_what_drawing_afresh_gives(profile_inputs, monkeypatch, tmp_path):
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path))
    _profile(profile_inputs)
    reused = _profile(profile_inputs)
    monkeypatch.delenv(cache.CACHE_ENV)
    fresh = _profile(profile_inputs)
    assert reused.figure is None and fresh.figure is not None
    assert render(reused, "svg") == render(fresh, "svg")


@pytest.mark.parametrize("change", [{"rpb": "Powys"}, {"lang": "cy"}])
def test_a_changed_specification_is_drawn_again(
    profile_inputs, draws, monkeypatch, tmp_path, change
):
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path))
    first = _profile(profile_inputs)
    other = _profile(profile_inputs, **change)
    assert len(draws) == 2
    assert other.figure is not None
    assert render(other, "svg") != render(first, "svg")


def _another_code_version(monkeypatch) -> None:
    monkeypatch.setattr(cache_versions, "cache_version", lambda: b"another code fingerprint")
    monkeypatch.setattr(cache, "cache_version", cache_versions.cache_version)


def test_changed_code_draws_again(profile_inputs, draws, monkeypatch, tmp_path):
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path))
    _profile(profile_inputs)
    _another_code_version(monkeypatch)
    _profile(profile_inputs)
    assert len(draws) == 2


def test_the_pipeline_keeps_only_the_figures_the_code_in_use_can_read(
    profile_inputs, draws, monkeypatch, tmp_path
):
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path))
    _profile(profile_inputs)
    old = cache_versions.current_folder(tmp_path)
    assert len(list(old.glob("*.svg"))) == 1
    (tmp_path / "drawn_before_folders.svg").write_bytes(b"<svg/>")
    _another_code_version(monkeypatch)
    _profile(profile_inputs)
    new = cache_versions.current_folder(tmp_path)
    assert new != old and len(draws) == 2
    assert cache_versions.prune(tmp_path) == 2
    assert list(tmp_path.iterdir()) == [new]
    _profile(profile_inputs)
    assert len(draws) == 2  # what the code in use drew is still read back
    assert cache_versions.prune(tmp_path) == 0


def test_without_the_cache_folder_every_figure_is_drawn(profile_inputs, draws, monkeypatch):
    monkeypatch.delenv(cache.CACHE_ENV, raising=False)
    first = _profile(profile_inputs)
    second = _profile(profile_inputs)
    assert len(draws) == 2
    assert first.figure is not None and second.figure is not None
    assert first.svg is None


def test_a_damaged_entry_is_drawn_again(profile_inputs, draws, monkeypatch, tmp_path):
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path))
    first = _profile(profile_inputs)
    for entry in tmp_path.rglob("*.pkl"):
        entry.write_bytes(b"not a pickle")
    again = _profile(profile_inputs)
    assert len(draws) == 2
    assert render(again, "svg") == render(first, "svg")


def test_texts_measured_once_per_process_draw_the_same_figure(profile_inputs, monkeypatch):
    """Sharing text measures between drawings changes no byte of a figure."""
    import matplotlib.text as mtext

    from nest_eval.reporting.figures import text_measures

    monkeypatch.delenv(cache.CACHE_ENV, raising=False)
    assert mtext._get_text_metrics_with_cache is text_measures.measured_text
    shared = [render(_profile(profile_inputs, lang=lang), "svg") for lang in ("en", "cy")]
    monkeypatch.setattr(
        mtext, "_get_text_metrics_with_cache", text_measures.MATPLOTLIB_TEXT_METRICS
    )
    own = [render(_profile(profile_inputs, lang=lang), "svg") for lang in ("en", "cy")]
    assert shared == own


def test_texts_laid_out_once_per_process_lay_out_as_matplotlib_does(profile_inputs, monkeypatch):
    """A text's layout kept for what it depends on is Matplotlib's, whatever changed since."""
    import matplotlib.text as mtext
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.figure import Figure

    from nest_eval.reporting.figures import text_measures

    assert mtext.Text._get_layout is text_measures.laid_out
    monkeypatch.setattr(text_measures, "_LAID_OUT", {})
    figure = Figure(dpi=100)
    renderer = RendererAgg(400, 300, 100)
    text = figure.text(0.1, 0.2, "Cardiff and Vale\nWest Wales", fontsize=8)
    changes = [
        {}, {"rotation": 90}, {"ha": "right"}, {"va": "top"}, {"multialignment": "center"},
        {"fontsize": 11}, {"fontweight": "bold"}, {"linespacing": 2.0}, {"text": "Powys"},
        {"rotation_mode": "anchor"}, {"text": "$x^2$ and 50%"}, {"parse_math": False},
    ]  # fmt: skip
    for change in changes:
        text.update(change)
        for _ in range(2):  # laid out, then read back
            box, lines, descent = text_measures.laid_out(text, renderer)
            own_box, own_lines, own_descent = text_measures.MATPLOTLIB_TEXT_LAYOUT(text, renderer)
            assert (box.bounds, lines, descent) == (own_box.bounds, own_lines, own_descent), change
    assert len(text_measures._LAID_OUT) == len(changes)
    shared = [render(_profile(profile_inputs, lang=lang), "svg") for lang in ("en", "cy")]
    monkeypatch.setattr(mtext.Text, "_get_layout", text_measures.MATPLOTLIB_TEXT_LAYOUT)
    own = [render(_profile(profile_inputs, lang=lang), "svg") for lang in ("en", "cy")]
    assert shared == own


@pytest.fixture
def fresh_process(monkeypatch):
    """The text measures of a process that has measured nothing yet."""
    from nest_eval.reporting.figures import text_measures

    monkeypatch.setattr(text_measures, "_MEASURED", {})
    monkeypatch.setattr(text_measures, "_KEPT", text_measures._Kept())
    return text_measures


def test_a_process_starts_with_the_texts_the_processes_before_it_measured(
    profile_inputs, fresh_process, monkeypatch, tmp_path
):
    monkeypatch.delenv(cache.CACHE_ENV, raising=False)
    fresh_process.load(tmp_path)  # nothing kept yet
    first = render(_profile(profile_inputs), "svg")
    measured = dict(fresh_process._MEASURED)
    assert measured and fresh_process._KEPT.new == len(measured)
    fresh_process.save()  # as the process ends
    assert [f.name for f in tmp_path.iterdir()] == [f"{os.getpid()}.pkl"]

    monkeypatch.setattr(fresh_process, "_MEASURED", {})  # the next process
    monkeypatch.setattr(fresh_process, "_KEPT", fresh_process._Kept())
    (tmp_path / "damaged.pkl").write_bytes(b"not a pickle")
    fresh_process.load(tmp_path)
    assert measured == fresh_process._MEASURED
    again = render(_profile(profile_inputs), "svg")
    assert again == first
    assert fresh_process._KEPT.new == 0  # every text was read back, none measured


def test_a_process_that_measured_something_new_merges_the_files_it_read_into_its_own(
    fresh_process, tmp_path
):
    for name, text in (("11.pkl", "Gwent"), ("12.pkl", "Powys")):
        (tmp_path / name).write_bytes(pickle.dumps([((text,), (1.0, 2.0, 0.5))]))
    fresh_process.load(tmp_path)
    fresh_process.save()  # nothing new measured: nothing written, nothing removed
    assert sorted(f.name for f in tmp_path.iterdir()) == ["11.pkl", "12.pkl"]
    fresh_process._KEPT.new = 1
    fresh_process.save()
    assert [f.name for f in tmp_path.iterdir()] == [f"{os.getpid()}.pkl"]
    kept = dict(pickle.loads((tmp_path / f"{os.getpid()}.pkl").read_bytes()))
    assert kept == {("Gwent",): (1.0, 2.0, 0.5), ("Powys",): (1.0, 2.0, 0.5)}


@pytest.fixture(scope="module")
def funnel_rows(demo_data):
    funnels = comparisons.rpb_funnels(comparisons.proportions_by_rpb(demo_data, YEAR))
    keys = ["indicator", "measure", "respondent", "item"]
    return next(rows for _, rows in funnels.groupby(keys, sort=False, dropna=False))


def test_funnel_plots_of_every_report_lay_out_their_common_part_once(
    funnel_rows, monkeypatch, tmp_path
):
    """The national report's funnel and each RPB's share all but the RPB picked out: it is laid
    out once, and each plot drawn on a copy is the plot drawn from scratch, byte for byte."""
    builds = _counted(monkeypatch, draw_funnel, "_common_part")
    highlights = [None, "Gwent", "Powys"]
    fresh = [render(plotting.funnel(funnel_rows, "Share", highlight=h), "svg") for h in highlights]
    assert len(builds) == 3  # no cache folder: each plot drawn whole
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path))
    copied = [plotting.funnel(funnel_rows, "Share", highlight=h).svg for h in highlights]
    assert len(builds) == 4
    assert copied == fresh
    assert len(set(fresh)) == 3  # each report's plot picks out its own RPB
    welsh = plotting.funnel(funnel_rows, "Share", highlight="Gwent", lang="cy")
    assert len(builds) == 5 and welsh.svg != fresh[1]  # the axes' texts are in Welsh
    for kept in tmp_path.rglob("*.figure.pkl"):
        kept.write_bytes(kept.read_bytes()[:100])  # damaged: cut short
    for entry in tmp_path.rglob("*.svg"):
        entry.unlink()
    again = [plotting.funnel(funnel_rows, "Share", highlight=h).svg for h in highlights]
    assert len(builds) == 6 and again == fresh


def test_a_report_building_common_parts_from_the_last_builds_only_those_not_kept(
    demo_data, monkeypatch, tmp_path
):
    """An RPB's report builds the common parts of its funnel plots first, last plot first, so
    that with the national report drawing forward at the same time each is built once; what is
    kept already is not built again, and without a cache folder nothing is built ahead."""
    funnels = comparisons.rpb_funnels(comparisons.proportions_by_rpb(demo_data, YEAR))
    keys = ["indicator", "measure", "respondent", "item"]
    tables = [rows for _, rows in funnels.groupby(keys, sort=False, dropna=False)][:3]
    requests = [
        {"funnel_table_for_one_indicator": rows, "title": f"Share {i}", "highlight": "Gwent"}
        for i, rows in enumerate(tables)
    ]
    builds = _counted(monkeypatch, draw_funnel, "_common_part")
    fresh = [render(chart, "svg") for chart in plotting.funnels(requests, prepare_from_last=True)]
    assert len(builds) == 3  # no cache folder: nothing built ahead, each plot drawn whole
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path))
    plotting.funnel(**{**requests[2], "highlight": None})  # the national report got here first
    assert len(builds) == 4
    built_ahead = []
    original = cache._build_and_keep
    monkeypatch.setattr(
        cache, "_build_and_keep", lambda path, part, build: built_ahead.append(part.title)
        or original(path, part, build),
    )  # fmt: skip
    charts = plotting.funnels(requests, prepare_from_last=True)
    assert built_ahead == ["Share 1", "Share 0"]  # from the last, and not the one kept
    assert len(builds) == 6
    assert [chart.svg for chart in charts] == fresh
