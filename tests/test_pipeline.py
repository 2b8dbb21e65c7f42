"""The yearly pipeline: reproducible, self-contained, private, skipping what is unchanged."""

import csv
import html
import json
import os
import re
import shutil
import urllib.parse
import zipfile
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from nest_eval.config import Disclosure, Folders, RunConfig
from nest_eval.files import atomic_write_text, sha256_file
from nest_eval.ingest.datasets import ingest, write_processed
from nest_eval.pipeline.ingest_reuse import dataset_keys, keep_outcomes, kept_outcomes
from nest_eval.pipeline.publish import EXTERNAL_REFERENCE
from nest_eval.pipeline.runner import main_run, run_year
from nest_eval.pipeline.steps import expand_tasks, load_pipeline
from nest_eval.reference.contract import DATASETS
from nest_eval.reference.publication import LICENCE
from nest_eval.reporting.outputs import table_downloads
from nest_eval.reporting.tables import small_counts
from page_weight import page_weight
from small_pipelines import RAW, REPORT_STEPS, ROOT, config_for, small_pipeline

STEPS = REPORT_STEPS


SPREADSHEETS = (".ods", ".xlsx")
"""Zip archives of XML: their text is read from the archive's entries."""


def text_of(path: Path) -> str:
    """A published file's text; a spreadsheet's is that of every entry of its archive."""
    if path.suffix in SPREADSHEETS:
        with zipfile.ZipFile(path) as archive:
            return "\n".join(archive.read(name).decode("utf-8") for name in archive.namelist())
    return path.read_text(encoding="utf-8", errors="replace")


def published(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def published_files(paths) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in paths}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Two cold runs of the national and Gwent reports on the demo data, in other folders."""
    base = tmp_path_factory.mktemp("pipeline")
    pipeline = small_pipeline(base / "project", STEPS)
    outputs = []
    for name in ("a", "b"):
        config = config_for(base / name, pipeline, rpbs=("Gwent",), jobs=2)
        summary = run_year(config, progress=lambda _: None)
        assert summary.ok, [(o.task.label, o.error) for o in summary.failed]
        outputs.append(config.year_dir())
    return pipeline, outputs


def test_the_run_publishes_the_contract_outputs(runs):
    _, (year_dir, _) = runs
    files = published(year_dir)
    for name in (
        "index.html",
        "national.html",
        "rpb/gwent.html",
        "manifest.json",
        "tables/self_assessment_national.csv",
        "tables/distance_travelled.csv",
        "tables/outcomes_change.csv",
        "notebooks/national.ipynb",
        "notebooks/rpb/gwent.ipynb",
        "national.cy.html",
        "rpb/gwent.cy.html",
        "notebooks/national.cy.ipynb",
        "notebooks/rpb/gwent.cy.ipynb",
    ):
        assert name in files, name
    figures = [f for f in files if f.startswith("figures/")]
    assert figures and all(f.endswith(".svg") for f in figures)  # each figure once, as SVG
    assert any("nest_profile_gwent" in f for f in figures)
    national = pd.read_csv(year_dir / "tables" / "self_assessment_national.csv")
    assert list(national.columns) == ["element", "mean_rating", "n_rpbs"]
    languages = json.loads(files["manifest.json"])["parameters"]["languages"]
    tables = [Path(f).stem for f in files if f.startswith("tables/") and f.endswith(".csv")]
    for table in tables:  # every table as ODS and XLSX in each language published
        for lang in languages:
            assert set(table_downloads(table, lang).values()) <= set(files), (table, lang)
    html = files["national.html"].decode()
    assert re.search(r"<h2 id=\"[^\"]+\">Wales: distance travelled, 2025", html)
    assert "import nest_eval" not in html and "load_results" not in html  # no code


PAGE_BUDGET = {"national.html": 1_000_000, "rpb/gwent.html": 600_000}
"""The most a page and every file it loads may weigh, in bytes."""


def test_pages_load_their_figures_within_budget_with_short_alt_texts(runs):
    _, (year_dir, _) = runs
    for name, budget in PAGE_BUDGET.items():
        page = year_dir / name
        weight = page_weight(page, year_dir)
        assert weight.missing == (), (name, weight.missing)
        loaded = [re.sub(r"^(\.\./)+", "", link) for link in weight.loaded]  # rebased links
        figures = [link for link in loaded if link.startswith("figures/")]
        assert figures and all(link.endswith(".svg") for link in figures), name
        assert weight.total <= budget, (name, weight.page, weight.total)
        text = page.read_text(encoding="utf-8")
        assert "data:image" not in text  # nothing inlined
        alts = [html.unescape(a) for a in re.findall(r'<img\b[^>]*\balt="([^"]*)"', text)]
        assert len(alts) == len(figures) and all(0 < len(alt) <= 250 for alt in alts), name
        assert text.count('<details class="figure-data">') == len(figures)  # numbers beside


def test_two_runs_are_byte_identical(runs):
    _, (first, second) = runs
    a, b = published(first), published(second)
    assert a.keys() == b.keys()
    differing = [name for name in a if a[name] != b[name]]
    assert differing == []


def test_reports_reference_nothing_outside_themselves(runs):
    _, (year_dir, _) = runs
    links = [f'<a href="{url}"' for url in LICENCE.url.values()]  # followed, never loaded
    for path in year_dir.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for link in links:
            text = text.replace(link, "<a")
        assert not EXTERNAL_REFERENCE.search(text), (path, EXTERNAL_REFERENCE.search(text))
        assert "<script" not in text and "<link" not in text
    for path in year_dir.rglob("*.svg"):
        text = path.read_text(encoding="utf-8")
        text = re.sub(r'xmlns(:\w+)?="[^"]*"', "", text)  # XML namespaces are names, not links
        text = re.sub(r"<!DOCTYPE[^>]*>", "", text)
        assert not EXTERNAL_REFERENCE.search(text), path


def _raw_values(column: str, file: str) -> set[str]:
    with (RAW / file).open(newline="", encoding="utf-8") as handle:
        return {row[column].strip() for row in csv.DictReader(handle) if row[column].strip()}


def test_no_identifier_and_no_comment_reaches_any_output(runs):
    _, (year_dir, _) = runs
    secrets = set()
    for column, file in (
        ("person_id", "outcomes.csv"),
        ("request_id", "access.csv"),
        ("response_id", "experiences.csv"),
        ("learner_id", "training.csv"),
        ("comment", "experiences.csv"),
    ):
        secrets |= _raw_values(column, file)
    assert len(secrets) > 1000
    pattern = re.compile("|".join(re.escape(s) for s in sorted(secrets, key=len, reverse=True)))
    for path in year_dir.rglob("*"):
        if path.is_file() and path.suffix != ".png":
            found = pattern.search(text_of(path))
            assert found is None, (path, found.group(0) if found else None)


def test_published_tables_pass_disclosure_control(runs):
    _, (year_dir, _) = runs
    outcomes = pd.read_csv(year_dir / "tables" / "outcomes_change.csv", dtype=str)
    counts = [
        "n_pairs",
        "n_unpaired",
        "reliable_improvement",
        "no_reliable_change",
        "reliable_deterioration",
        "reliable_recovery",
    ]
    numeric = outcomes.copy()
    for column in counts:
        numeric[column] = pd.to_numeric(outcomes[column], errors="coerce")
    rpb_rows = numeric[numeric["rpb"] != "Wales"]
    small = rpb_rows[counts].apply(lambda col: col.between(1, 9)).to_numpy()
    assert not small.any()
    assert (outcomes[counts] == "c").to_numpy().any()  # something was suppressed, as c
    distance = pd.read_csv(year_dir / "tables" / "distance_travelled.csv", dtype=str)
    people = distance[(distance["domain"] != "implementation") & (distance["rpb"] != "Wales")]
    assert not pd.to_numeric(people["n"], errors="coerce").between(1, 9).any()
    published = {p.stem: pd.read_csv(p) for p in (year_dir / "tables").glob("*.csv")}
    assert small_counts(published, Disclosure()) == []


def test_published_tables_hold_no_cell_a_spreadsheet_would_run(runs):
    _, (year_dir, _) = runs
    number = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
    for path in (year_dir / "tables").glob("*.csv"):
        with path.open(newline="", encoding="utf-8") as handle:
            cells = [cell for row in csv.reader(handle) for cell in row]
        formulas = [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
        assert all(number.fullmatch(c) for c in formulas), (path.name, formulas[:3])


def test_manifest_lists_inputs_outputs_code_and_packages(runs):
    _, (year_dir, _) = runs
    manifest = json.loads((year_dir / "manifest.json").read_text())
    files = {f["file"]: f["sha256"] for f in manifest["inputs"]["files"]}
    for path in RAW.iterdir():
        assert files[path.name] == sha256_file(path)
    accounting = manifest["inputs"]["accounting"]
    assert accounting["outcomes"]["rows_read"] == (
        accounting["outcomes"]["rows_accepted"]
        + accounting["outcomes"]["rows_quarantined"]
        + accounting["outcomes"]["duplicates_collapsed"]
    )
    outputs = {o["path"]: o["sha256"] for o in manifest["outputs"]}
    assert set(outputs) == set(published(year_dir)) - {"manifest.json"}
    for path, digest in outputs.items():
        assert sha256_file(year_dir / path) == digest
    assert manifest["code"]["nest_eval_version"]
    assert len(manifest["code"]["source_sha256"]) == 64
    assert manifest["packages"]["pandas"] and manifest["packages"]["papermill"]
    assert manifest["parameters"]["kernel"] == "nest-eval"
    assert manifest["run_id"] in (year_dir / "national.html").read_text()


def test_unchanged_rerun_skips_every_step_and_changes_nothing(runs):
    pipeline, (year_dir, _) = runs
    before = published(year_dir)
    lines = []
    config = config_for(year_dir.parent.parent, pipeline, rpbs=("Gwent",))
    summary = run_year(config, progress=lines.append)
    assert [(o.task.step, o.lang, o.status) for o in summary.outcomes] == [
        ("national", "en", "skipped"),
        ("national", "cy", "skipped"),
        ("rpb", "en", "skipped"),
        ("rpb", "cy", "skipped"),
    ]
    assert not summary.ingest_ran and not summary.compute_ran
    assert published(year_dir) == before
    assert "ingest: unchanged, skipped" in lines


def _changed_demo_data(folder: Path) -> int:
    """The demo data with every Gwent experience response of the year disagreeing on safety.

    Returns the number of responses changed.
    """
    shutil.copytree(RAW, folder)
    path = folder / "experiences.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    head = rows[0]
    rpb, date, safe = (head.index(c) for c in ("rpb", "date", "safe"))
    changed = 0
    for row in rows[1:]:
        agreed = row[safe] in ("2", "3", "4", "5")
        if row[rpb] == "Gwent" and row[date].startswith("2025") and agreed:
            row[safe] = "1"
            changed += 1
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return changed


def test_a_rerun_after_a_change_publishes_what_a_cold_run_does(runs, tmp_path):
    """Reused figures and spreadsheets leave the publication exactly as a cold run writes it."""
    pipeline, (year_dir, _) = runs
    data = tmp_path / "raw"
    assert _changed_demo_data(data) > 10
    warm = tmp_path / "warm"
    shutil.copytree(year_dir.parent.parent, warm)  # run a's folders, caches and state
    outputs, lines = {}, []
    for name, base in (("warm", warm), ("cold", tmp_path / "cold")):
        folders = Folders(data, base / "processed", base / "reports", base / "build")
        config = RunConfig(year=2025, folders=folders, pipeline=pipeline, rpbs=("Gwent",), jobs=2)
        summary = run_year(config, progress=lines.append if name == "warm" else lambda _: None)
        assert summary.ok, [(o.task.label, o.error) for o in summary.failed]
        outputs[name] = published(config.year_dir())
    assert outputs["warm"] == outputs["cold"]
    assert any(line.startswith("ingest:") and "; read experiences;" in line for line in lines)
    processed = [(base / "processed").glob("*.*") for base in (warm, tmp_path / "cold")]
    assert published_files(processed[0]) == published_files(processed[1])
    figures = sum(1 for name in outputs["cold"] if name.startswith("figures/"))
    drawn = [int(m.group(1)) for m in map(re.compile(r"figures: (\d+) drawn").match, lines) if m]
    assert drawn and 0 < drawn[0] < figures, lines  # the figures of safety, not the others
    rewritten = [m for m in map(re.compile(r"spreadsheets 2025: (\d+) of (\d+)").match, lines) if m]
    assert rewritten and 0 < int(rewritten[0].group(1)) < int(rewritten[0].group(2)), lines


def test_ingest_reads_again_only_the_datasets_whose_files_changed(tmp_path):
    def ingested(data: Path, processed: Path, reuse: bool) -> set[str]:
        inputs = [{"file": p.name, "sha256": sha256_file(p)} for p in sorted(data.iterdir())]
        keys = dataset_keys(inputs, "")
        kept = kept_outcomes(processed, keys) if reuse else {}
        result = ingest(data, reuse=kept)
        write_processed(result, processed)
        keep_outcomes(processed, result, keys)
        return set(kept)

    names = {dataset.name for dataset in DATASETS}
    assert ingested(RAW, tmp_path / "kept", reuse=True) == set()
    assert ingested(RAW, tmp_path / "kept", reuse=True) == names
    _changed_demo_data(tmp_path / "changed")
    assert ingested(tmp_path / "changed", tmp_path / "kept", reuse=True) == names - {"experiences"}
    ingested(tmp_path / "changed", tmp_path / "cold", reuse=False)
    files = [published_files(tmp_path.joinpath(f).glob("*.*")) for f in ("kept", "cold")]
    assert files[0] == files[1] and "experiences.parquet" in files[0]
    with (tmp_path / "kept" / "access.parquet").open("ab") as handle:
        handle.write(b"\0")  # a file changed by hand is never taken for the dataset
    assert ingested(tmp_path / "changed", tmp_path / "kept", reuse=True) == names - {"access"}


def test_tasks_expand_over_the_rpb_grid():
    pipeline = load_pipeline(ROOT / "pipelines" / "yearly.toml")
    tasks = expand_tasks(pipeline)
    outputs = [t.output for t in tasks]
    assert outputs[:2] == ["national", "rpb/cardiff-and-vale"]
    assert len([o for o in outputs if o.startswith("rpb/")]) == 7
    assert len(outputs) == 13
    only = expand_tasks(pipeline, ["Betsi", "Hywel Dda"])
    assert [t.output for t in only if t.step == "rpb"] == ["rpb/north-wales", "rpb/west-wales"]


def test_a_failing_notebook_does_not_stop_the_others(tmp_path, capsys):
    from nest_eval.cli import main

    project = tmp_path / "project"
    (project / "pipelines").mkdir(parents=True)
    (project / "notebooks").mkdir()
    for name, source in (("good", "print(year)"), ("bad", "raise ValueError('broken on purpose')")):
        nb = new_notebook(
            cells=[
                new_code_cell("settings = {}", metadata={"tags": ["parameters"]}),
                new_code_cell("year = settings['year']"),
                new_code_cell(source),
            ]
        )
        nb.metadata["kernelspec"] = {
            "name": "nest-eval",
            "display_name": "nest-eval",
            "language": "python",
        }
        nbformat.write(nb, project / "notebooks" / f"{name}.ipynb")
    (project / "pipelines" / "p.toml").write_text(
        '[pipeline]\nname = "p"\nkernel = "nest-eval"\n'
        '[[steps]]\nname = "bad"\nnotebook = "notebooks/bad.ipynb"\noutput = "bad"\n'
        '[[steps]]\nname = "good"\nnotebook = "notebooks/good.ipynb"\noutput = "good"\n'
    )
    out = tmp_path / "out"
    status = main(
        [
            "run",
            "--year",
            "2025",
            "--data",
            str(RAW),
            "--out",
            str(out),
            "--processed",
            str(tmp_path / "processed"),
            "--build",
            str(tmp_path / "build"),
            "--pipeline",
            str(project / "pipelines" / "p.toml"),
        ]
    )
    captured = capsys.readouterr()
    assert status == 1
    assert "bad [en]: ValueError: broken on purpose" in captured.err
    assert "bad [cy]: ValueError: broken on purpose" in captured.err
    for name in ("bad.ipynb", "bad.cy.ipynb"):
        failed = tmp_path / "build" / "2025" / "failed" / name
        assert str(failed) in captured.err and failed.exists()
    assert not (out / "2025" / "failed").exists()  # build state is never published
    assert (out / "2025" / "good.html").exists() and (out / "2025" / "good.cy.html").exists()
    assert not (out / "2025" / "bad.html").exists() and not (out / "2025" / "bad.cy.html").exists()
    executed = nbformat.read(out / "2025" / "notebooks" / "good.ipynb", as_version=4)
    assert executed.cells[-1].outputs[0]["text"].strip() == "2025"  # parameter injected
    assert "Not produced in this run" in (out / "2025" / "index.html").read_text()


def test_a_notebook_changed_alone_is_rerun_and_the_manifest_follows(tmp_path):
    """With the data and results unchanged, an edited notebook runs again, and the manifest
    lists its new page (the index and manifest are not skipped when anything was written)."""
    project = tmp_path / "project"
    pipeline = _one_notebook_pipeline(project)
    folders = Folders(RAW, tmp_path / "processed", tmp_path / "out", tmp_path / "build")
    config = RunConfig(year=2025, folders=folders, pipeline=pipeline, languages=("en",))
    pages = []
    for words in ("first words", "second words"):
        _write_note(project, f"print({words!r})")
        summary = run_year(config, progress=lambda _: None)
        assert [o.status for o in summary.outcomes] == ["ran"], summary.outcomes[0].error
        page = config.year_dir() / "note.html"
        assert words in page.read_text(encoding="utf-8")
        manifest = json.loads((config.year_dir() / "manifest.json").read_text(encoding="utf-8"))
        listed = {entry["path"]: entry["sha256"] for entry in manifest["outputs"]}
        assert listed["note.html"] == sha256_file(page)
        pages.append(listed["note.html"])
    assert pages[0] != pages[1]
    assert not summary.compute_ran  # the results were reused


def _one_notebook_pipeline(project: Path) -> Path:
    """A pipeline of one step, the notebook ``notebooks/note.ipynb`` (:func:`_write_note`)."""
    (project / "pipelines").mkdir(parents=True)
    (project / "notebooks").mkdir()
    pipeline = project / "pipelines" / "p.toml"
    pipeline.write_text(
        '[pipeline]\nname = "p"\nkernel = "nest-eval"\n'
        '[[steps]]\nname = "note"\ntitle = "Note"\nnotebook = "notebooks/note.ipynb"\n'
        'output = "note"\n'
    )
    return pipeline


def _write_note(project: Path, source: str) -> None:
    """Write ``notebooks/note.ipynb``: its parameters, then one cell running ``source``."""
    nb = new_notebook(cells=[new_code_cell("settings = {}", metadata={"tags": ["parameters"]}),
                             new_code_cell(source)])  # fmt: skip
    nb.metadata["kernelspec"] = {
        "name": "nest-eval",
        "display_name": "nest-eval",
        "language": "python",
    }
    nbformat.write(nb, project / "notebooks" / "note.ipynb")


def test_each_run_forks_its_kernels_from_a_server_of_its_own_that_ends_with_it(tmp_path):
    """So a run in a long-lived process (a notebook, a test session) renders with the code as
    it is at that run, never with what an earlier run imported."""
    pipeline = _one_notebook_pipeline(tmp_path / "project")
    _write_note(tmp_path / "project", "import os\nprint(os.getppid())")
    folders = Folders(RAW, tmp_path / "processed", tmp_path / "out", tmp_path / "build")
    config = RunConfig(year=2025, folders=folders, pipeline=pipeline, languages=("en",), force=True)
    servers = []
    for _ in range(2):
        summary = run_year(config, progress=lambda _: None)
        assert [o.status for o in summary.outcomes] == ["ran"], summary.outcomes[0].error
        executed = nbformat.read(config.year_dir() / "notebooks" / "note.ipynb", as_version=4)
        servers.append(int(executed.cells[-1].outputs[0]["text"]))
        with pytest.raises(ProcessLookupError):  # the server has ended, and been waited for
            os.kill(servers[-1], 0)
    assert servers[0] != servers[1]


def test_atomic_write_leaves_the_old_file_when_interrupted(tmp_path, monkeypatch):
    target = tmp_path / "report.html"
    atomic_write_text(target, "complete old report")

    original = Path.write_bytes

    def interrupted(self, data):
        original(self, data[:5])  # half written ...
        raise KeyboardInterrupt  # ... when the run is stopped

    monkeypatch.setattr(Path, "write_bytes", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write_text(target, "new report that never finished")
    monkeypatch.undo()
    assert target.read_text() == "complete old report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no temporary left


def test_a_run_disclosure_control_cannot_protect_publishes_nothing(tmp_path, capsys):
    pipeline = small_pipeline(tmp_path / "project", STEPS)
    config = config_for(
        tmp_path / "run", pipeline, rpbs=("Gwent",), disclosure=Disclosure(protection=9)
    )  # every suppressed count must keep all of 1 to 9: nested counts cannot
    config.year_dir().mkdir(parents=True)
    (config.year_dir() / "national.html").write_text("the previous publication")
    assert main_run(config) == 1
    assert published(config.year_dir()) == {"national.html": b"the previous publication"}
    log = (config.build_dir() / "logs" / "disclosure.log").read_text()
    assert "NOT PUBLISHED" in log and "pairs / 2025 / Powys / SWEMWBS / self" in log
    assert "(in distance_travelled, outcomes_change)" in log
    cells_named = log.splitlines()[0]
    numbers = re.findall(r"(\d+)( suppressed cell| more\)|)", cells_named)
    assert {n for n, after in numbers if not after} == {"2025"}  # cells named, no value given
    assert "NOT PUBLISHED" in capsys.readouterr().err


PUBLISHABLE = {".html", ".csv", ".json", ".ipynb", ".png", ".svg", ".txt", *SPREADSHEETS}


def test_the_published_folder_holds_only_what_is_published(runs):
    _, (year_dir, _) = runs
    build = year_dir.parent.parent / "build" / "2025"
    assert (build / "results.pkl").exists() and (build / "logs").is_dir()
    base = str(year_dir.parent.parent)  # the folder holding reports, build and processed data
    names_of_build_state = ("results.pkl", "results_state", base, "build/2025", "data/processed")
    for path in year_dir.rglob("*"):
        assert not path.is_symlink(), path
        assert not path.name.startswith("."), path
        if path.is_dir():
            continue
        assert path.suffix in PUBLISHABLE, path
        if path.suffix != ".png":
            text = text_of(path)
            for name in names_of_build_state:
                assert name not in text, (path, name)
    executed = nbformat.read(year_dir / "notebooks" / "rpb" / "gwent.ipynb", as_version=4)
    tagged = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    injected = tagged[0]
    assigned = {line.split(" = ")[0] for line in injected.source.splitlines() if " = " in line}
    assert assigned == {"settings", "figures_dir", "rpb", "lang"}


def test_an_upgrade_of_python_or_a_package_reruns_every_step(tmp_path, monkeypatch):
    from nest_eval.pipeline import keys

    pipeline = small_pipeline(tmp_path / "project", "")  # ingest and compute only
    config = config_for(tmp_path, pipeline)
    quiet = lambda _: None  # noqa: E731
    first = run_year(config, progress=quiet)
    assert first.ingest_ran and first.compute_ran
    again = run_year(config, progress=quiet)
    assert not again.ingest_ran and not again.compute_ran
    for change in ({"python": "3.11.99"}, {"packages": {"pandas": "99.0"}}):
        upgraded = {**keys.environment(), **change}
        monkeypatch.setattr(keys, "environment", lambda upgraded=upgraded: upgraded)
        after = run_year(config, progress=quiet)
        assert after.ingest_ran and after.compute_ran, change
    monkeypatch.undo()
    manifest = json.loads((config.year_dir() / "manifest.json").read_text())
    assert manifest["python"] == keys.environment()["python"]
    assert manifest["packages"]["pandas"] == pd.__version__


PAGES = {"national.html": "national", "rpb/gwent.html": "rpb/gwent"}


def _attributes(html: str, name: str) -> list[str]:
    return re.findall(rf'\s{name}="([^"]*)"', html)


def test_each_page_is_published_in_both_languages_linking_to_its_twin(runs):
    from nest_eval.reference.messages import label

    _, (year_dir, _) = runs
    for english, output in PAGES.items():
        depth = "../" * english.count("/")
        for lang, twin, twin_lang in (("en", "cy", "cy-GB"), ("cy", "en", "en-GB")):
            name = english if lang == "en" else english.replace(".html", ".cy.html")
            html = (year_dir / name).read_text(encoding="utf-8")
            own = {"en": "en-GB", "cy": "cy-GB"}[lang]
            assert f'<html lang="{own}">' in html, name
            twin_name = english if twin == "en" else english.replace(".html", ".cy.html")
            assert (
                f'<a class="twin" href="{depth}{twin_name}" hreflang="{twin_lang}" '
                f'lang="{twin_lang}">{label("page.language", twin)}</a>'
            ) in html, name
            index = "index.html" if lang == "en" else "index.cy.html"
            assert f'href="{depth}{index}">{label("page.index", lang)}</a>' in html, name
            assert '<main id="main">' in html and "<footer" in html and "<nav" in html
        executed = nbformat.read(year_dir / "notebooks" / f"{output}.cy.ipynb", as_version=4)
        injected = next(c for c in executed.cells if "injected-parameters" in c.metadata.tags)
        assert 'lang = "cy"' in injected.source
        stem = "national_report" if output == "national" else "rpb_report"
        glance = next(c for c in executed.cells if "text:at_a_glance" in c.metadata.get("tags", []))
        assert glance.source == label(f"notebook.{stem}.at_a_glance", "cy") == "## Cipolwg"
    welsh = (year_dir / "rpb" / "gwent.cy.html").read_text(encoding="utf-8")
    assert '<h2 id="Cipolwg">Cipolwg</h2>' in welsh or ">Cipolwg</h2>" in welsh
    assert label("page.step.rpb", "cy", rpb="Gwent") in welsh  # the title


def test_every_table_of_contents_entry_leads_to_a_heading_of_its_page(runs):
    _, (year_dir, _) = runs
    for path in year_dir.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        ids = _attributes(html, "id")
        assert len(ids) == len(set(ids)), (path, sorted(i for i in ids if ids.count(i) > 1))
        nav = re.search(r'<nav class="toc"[^>]*>(.*?)</nav>', html, re.S)
        if path.name.startswith(("national", "gwent")) and path.parent.name != "easy-read":
            assert nav and len(re.findall("<li>", nav.group(1))) >= 10, path
        anchors = re.findall(r'href="#([^"]*)"', html)
        assert anchors and set(anchors) <= set(ids), (path, set(anchors) - set(ids))
        if nav:
            headings = re.findall(r'<h2 id="([^"]+)"', html)
            assert re.findall(r'href="#([^"]*)"', nav.group(1)) == headings, path


def test_every_relative_link_of_every_page_resolves_to_a_published_file(runs):
    _, (year_dir, _) = runs
    pending = {"index.cy.html"}  # the Welsh index is written by the index page's own code
    checked = 0
    for path in year_dir.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        for link in _attributes(html, "href") + _attributes(html, "src"):
            if re.match(r"^(#|[A-Za-z][A-Za-z0-9+.-]*:)", link):
                continue
            target = (path.parent / link.split("#")[0]).resolve()
            assert target.is_relative_to(year_dir.resolve()), (path, link)
            relative = target.relative_to(year_dir.resolve()).as_posix()
            assert target.is_file() or relative in pending, (path, link)
            checked += 1
    assert checked > 20


TABLE_AND_DOWNLOAD = r"<table>.*?</table>\s*</div>(\s*<p class=\"download\">.*?</p>)?"
"""A report table, and the download links following it (if any)."""


def test_every_report_table_links_to_its_download(runs):
    """A table from a published table links its CSV, ODS and XLSX; any other, itself as CSV."""
    _, (year_dir, _) = runs
    for name in ("national.html", "national.cy.html", "rpb/gwent.html", "rpb/gwent.cy.html"):
        text = (year_dir / name).read_text(encoding="utf-8")
        figure_data = [m.span() for m in re.finditer(r"<details.*?</details>", text, re.S)]
        found = re.finditer(TABLE_AND_DOWNLOAD, text, re.S)
        tables = [m for m in found if not any(a <= m.start() < b for a, b in figure_data)]
        assert len(tables) >= 15, name
        assert all(m.group(1) for m in tables), name  # each followed by its download links
        published = [m for m in tables if re.search(r'href="(\.\./)?tables/', m.group(1))]
        assert len(published) >= 10, name
        for m in published:  # the published files linked exist
            for href in re.findall(r'href="([^"]+)"', m.group(1)):
                assert (year_dir / name).parent.joinpath(href).resolve().is_file(), (name, href)
        for m in tables:
            if m not in published:  # the table as shown, as CSV held in the page
                href = re.search(r'href="(data:text/csv[^"]+)"', m.group(1)).group(1)
                held = urllib.parse.unquote(href.split(",", 1)[1])
                assert list(csv.reader(held.splitlines())) == table_as_shown(m.group(0)), name


def table_as_shown(table: str) -> list[list[str]]:
    """An HTML table's rows of cell texts, headings first."""
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
    return [[html.unescape(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r)] for r in rows]
