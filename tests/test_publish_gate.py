"""The publishing gate: data that would leave the reports empty or incomplete is not published."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest

from nest_eval.cli import main
from nest_eval.config import ConfigError, Folders, RunConfig
from nest_eval.domains.periods import dataset_years
from nest_eval.domains.year import compute_year, load_data
from nest_eval.ingest.identifiers import is_nhs_number
from nest_eval.ingest.validation import RULES
from nest_eval.pipeline.runner import main_run
from nest_eval.reporting.completeness import assess, banner
from nest_eval.reporting.report import Report
from small_pipelines import OUTCOMES_STEP, RAW, REPORT_STEPS, small_pipeline

PREVIOUS = b"the previous publication"


def raw_copy(
    folder: Path, changes: dict[str, Callable[[int, dict], dict | None]] | None = None
) -> Path:
    """The demo data in ``folder``, each CSV named in ``changes`` rewritten row by row.

    A change returns the row to write, or None to leave it out.
    """
    shutil.copytree(RAW, folder)
    for file, change in (changes or {}).items():
        with (folder / file).open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        header = list(rows[0])
        rows = [r for n, row in enumerate(rows) if (r := change(n, row)) is not None]
        with (folder / file).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, header, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    return folder


def sex_as_numbers(_: int, row: dict) -> dict:
    return {**row, "sex": {"female": "1", "male": "2"}.get(row["sex"].lower(), row["sex"])}


def dates_unreadable(number: int, row: dict) -> dict:
    return row if number % 20 == 0 else {**row, "date": "sometime"}  # 95% quarantined


def run_args(base: Path, data: Path, pipeline: Path, *extra: str) -> list[str]:
    return [
        "run",
        "--data",
        str(data),
        "--out",
        str(base / "reports"),
        "--processed",
        str(base / "processed"),
        "--build",
        str(base / "build"),
        "--pipeline",
        str(pipeline),
        *extra,
    ]


@pytest.fixture
def tables_only(tmp_path) -> Path:
    """A pipeline of ingest and compute only (no notebook): the gate comes before both."""
    return small_pipeline(tmp_path / "project", "")


def refused(tmp_path, capsys, data: Path, pipeline: Path, *extra: str) -> str:
    """Run, expecting a refusal that leaves the previous publication as it was; the message."""
    year = extra[extra.index("--year") + 1]
    previous = tmp_path / "reports" / year / "national.html"
    previous.parent.mkdir(parents=True)
    previous.write_bytes(PREVIOUS)
    status = main(run_args(tmp_path, data, pipeline, *extra))
    err = capsys.readouterr().err
    assert status == 1, err
    assert [p.name for p in previous.parent.rglob("*")] == ["national.html"]
    assert previous.read_bytes() == PREVIOUS
    assert "internal error" not in err and "Traceback" not in err
    log = (tmp_path / "build" / year / "logs" / "data_gate.log").read_text(encoding="utf-8")
    assert log.strip() in err
    assert "is left as it was" in log
    return log


def test_sex_coded_as_numbers_quarantines_outcomes_and_publishes_nothing(
    tmp_path, capsys, tables_only
):
    data = raw_copy(tmp_path / "raw", {"outcomes.csv": sex_as_numbers})
    log = refused(tmp_path, capsys, data, tables_only, "--year", "2025")
    assert log.startswith("2025: NOT PUBLISHED.")
    assert "outcomes: 3,915 of 3,960 rows (98.9%) quarantined" in log
    assert "more than the run's limit of 5%" in log
    assert "the rule most often broken: not_allowed" in log
    assert "3,915 row(s) broke rule not_allowed in column sex: e.g. '1', '2'" in log
    assert "[vocabularies.sex.codings]" in log and "--reference-config" in log  # the fix
    assert "--accept-quarantine" in log and "quarantine.csv" in log
    assert "experiences" not in log  # datasets within the limit are not named


def test_most_experiences_quarantined_publishes_nothing(tmp_path, capsys, tables_only):
    data = raw_copy(tmp_path / "raw", {"experiences.csv": dates_unreadable})
    log = refused(tmp_path, capsys, data, tables_only, "--year", "2025")
    assert "experiences: 2,661 of 2,802 rows (95%) quarantined" in log
    assert "rule bad_date in column date: e.g. 'sometime'" in log
    assert "YYYY-MM-DD or DD/MM/YYYY" in log


def test_the_share_allowed_is_a_run_setting(tmp_path, capsys, tables_only):
    data = raw_copy(tmp_path / "raw", {"experiences.csv": dates_unreadable})
    status = main(
        run_args(tmp_path, data, tables_only, "--year", "2025", "--max-quarantined", "0.96")
    )
    assert status == 0, capsys.readouterr().err
    assert (tmp_path / "reports" / "2025" / "tables" / "experiences.csv").exists()
    strict = small_pipeline(tmp_path / "strict", "")  # the pipeline file's [settings]
    strict.write_text(
        strict.read_text().replace("[pipeline]", "[settings]\nmax_quarantined = 0.9\n\n[pipeline]")
    )
    status = main(run_args(tmp_path / "second", data, strict, "--year", "2025"))
    assert status == 1
    assert "up to 90% of its rows quarantined (--max-quarantined 0.9)" in capsys.readouterr().err


@pytest.mark.parametrize("share", [-0.1, 1.5, "5%", True])
def test_the_share_allowed_is_a_share(share):
    with pytest.raises(ConfigError, match="max_quarantined must be a share from 0 to 1"):
        RunConfig.from_settings({"max_quarantined": share}, "test settings")


def test_an_absent_dataset_publishes_nothing(tmp_path, capsys, tables_only):
    data = raw_copy(tmp_path / "raw")
    (data / "training.csv").unlink()
    log = refused(tmp_path, capsys, data, tables_only, "--year", "2025")
    assert "training: absent, no file of it in the data" in log
    assert f"Fix: add its file to {data}" in log


def test_a_year_without_data_publishes_nothing_even_accepted(tmp_path, capsys, tables_only):
    log = refused(tmp_path, capsys, RAW, tables_only, "--year", "2019", "--accept-quarantine")
    assert "2019: NOT PUBLISHED. No dataset has a row for 2019; the data holds 2024, 2025" in log
    assert "--year 2025" in log


@pytest.mark.parametrize("files", [{}, {"notes.txt": "minutes"}, {"budget.csv": "a,b\n1,2\n"}])
def test_a_folder_without_a_dataset_is_a_message_not_an_error(tmp_path, capsys, tables_only, files):
    data = tmp_path / "raw"
    data.mkdir()
    for name, text in files.items():
        (data / name).write_text(text)
    log = refused(tmp_path, capsys, data, tables_only, "--year", "2025", "--accept-quarantine")
    assert f"The raw-data folder {data} " in log
    assert ("is empty" if not files else "holds no file of a dataset (files found: ") in log
    assert "self_assessment, outcomes, experiences, access, partnership, training" in log


def test_a_dataset_wholly_quarantined_is_named_with_its_rule(tmp_path, capsys, tables_only):
    data = raw_copy(tmp_path / "raw", {"training.csv": lambda _, r: {**r, "rating": "11"}})
    log = refused(tmp_path, capsys, data, tables_only, "--year", "2025")
    assert "training: all 408 of 408 rows quarantined" in log
    assert "rule out_of_range in column rating: e.g. '11'" in log


def test_a_dataset_without_a_row_in_the_year_publishes_nothing(tmp_path, capsys, tables_only):
    data = raw_copy(
        tmp_path / "raw", {"partnership.csv": lambda _, r: r if r["year"] != "2025" else None}
    )
    log = refused(tmp_path, capsys, data, tables_only, "--year", "2025")
    assert "partnership: no row for 2025 (rows for 2024); its part of the report is empty." in log
    assert "Fix: add its rows for 2025 to" in log


def test_a_dataset_that_cannot_be_loaded_is_named_with_its_error(tmp_path, capsys, tables_only):
    data = raw_copy(tmp_path / "raw")
    (data / "access.csv").write_text("request_id,rpb\nA1,Gwent\n")
    log = refused(tmp_path, capsys, data, tables_only, "--year", "2025")
    assert "access: not loaded (1 row(s) read; a file could not be read" in log
    assert "error: access.csv: missing required column(s) received_date" in log


def test_values_the_identifier_screening_withheld_are_never_shown(tmp_path, capsys, tables_only):
    numbers = ["4010232137", "9434765919"]
    assert all(is_nhs_number(n) for n in numbers)

    def identified(number: int, row: dict) -> dict:
        return {**row, "person_id": numbers[number % 2]} if number % 4 else row

    data = raw_copy(tmp_path / "raw", {"outcomes.csv": identified})
    log = refused(tmp_path, capsys, data, tables_only, "--year", "2025")
    assert "rule nhs_number in column person_id: values withheld" in log
    assert not any(n in log for n in numbers)


def test_the_demo_data_is_within_the_default_share(demo_ingest):
    accounting = demo_ingest.accounting()["datasets"]
    shares = {n: d["rows_quarantined"] / d["rows_read"] for n, d in accounting.items()}
    assert sum(d["rows_quarantined"] for d in accounting.values()) == 9  # the planted rows
    assert 0 < max(shares.values()) < RunConfig().max_quarantined / 4
    years = {name: [2024, 2025] for name in accounting}
    assert assess(demo_ingest.accounting(), years, RunConfig(year=2025)).findings == ()


def test_the_banner_is_written_from_the_accounting_and_the_settings(tmp_path):
    data = load_data(raw_copy(tmp_path / "raw", {"experiences.csv": dates_unreadable}))
    config = RunConfig(year=2025, accept_quarantine=True)
    report = Report(compute_year(data, config), config, rpb="Gwent")
    expected = (
        "experiences: 2,661 of 2,802 rows (95%) quarantined, more than the run's limit of 5%; "
        f'the rule most often broken: bad_date, "{RULES["bad_date"]}"; its '
        "figures rest on the other rows only."
    )
    title = report.title()
    assert f"- {expected}" in repr(title)
    assert '<div class="left-out" role="note">' in title.html
    assert repr(report.left_out()) in repr(title)
    looser = RunConfig(year=2025, max_quarantined=0.96)  # the same results, another setting
    assert Report(report.results, looser).left_out() is None
    del data.tables["training"]
    data.accounting["datasets"]["training"] = {"status": "absent", "rows_read": 0}
    lines = banner(assess(data.accounting, dataset_years(data.tables), config))
    assert lines[0] == expected
    assert lines[1] == (
        "training: absent, no file of it in the data; its part of the report is empty."
    )


def test_reports_without_data_left_out_carry_no_banner():
    data = load_data(RAW)
    config = RunConfig(year=2025)
    report = Report(compute_year(data, config), config)
    assert report.left_out() is None
    assert "left out" not in repr(report.title()) and "left-out" not in report.title().html


def published(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.fixture(scope="module")
def accepted(tmp_path_factory):
    """Two runs, in other folders, publishing 95% of experiences quarantined, accepted."""
    base = tmp_path_factory.mktemp("accepted")
    data = raw_copy(base / "raw", {"experiences.csv": dates_unreadable})
    pipeline = small_pipeline(base / "project", REPORT_STEPS + OUTCOMES_STEP)
    configs = []
    for name in ("a", "b"):
        folders = Folders(
            data, base / name / "processed", base / name / "reports", base / name / "build"
        )
        config = RunConfig(
            year=2025, folders=folders, pipeline=pipeline, rpbs=("Gwent",), accept_quarantine=True
        )
        assert main_run(config) == 0
        configs.append(config)
    return configs


def test_accepted_quarantine_is_published_with_a_banner_in_every_report(accepted):
    config = accepted[0]
    year_dir = config.year_dir()
    data = load_data(config.folders.processed)
    lines = banner(assess(data.accounting, dataset_years(data.tables), config))
    assert len(lines) == 1 and lines[0].startswith("experiences: 2,661 of 2,802 rows (95%)")
    for page in ("national.html", "rpb/gwent.html", "analysis/outcomes.html"):
        html = (year_dir / page).read_text(encoding="utf-8")
        assert '<div class="left-out" role="note">' in html, page
        assert "experiences: 2,661 of 2,802 rows (95%) quarantined" in html, page
    for notebook in ("national", "rpb/gwent", "analysis/outcomes"):
        nb = nbformat.read(year_dir / "notebooks" / f"{notebook}.ipynb", as_version=4)
        texts = [
            o["data"]["text/plain"]
            for c in nb.cells
            if c.cell_type == "code"
            for o in c.outputs
            if "data" in o
        ]
        assert any(f"- {lines[0]}" in t for t in texts), notebook
    national = (year_dir / "national.html").read_text(encoding="utf-8")
    banner_at = national.index('<div class="left-out"')
    title_at = re.search(r'<h2 id="[^"]+">Wales: distance travelled', national).start()
    assert title_at < banner_at  # under the title ...
    assert banner_at < national.index("at a glance")  # ... before the first section
    manifest = json.loads((year_dir / "manifest.json").read_text())
    assert manifest["parameters"]["accept_quarantine"] is True


def test_a_publication_with_a_banner_is_reproducible_and_names_no_build_state(accepted):
    first, second = (published(c.year_dir()) for c in accepted)
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []
    base = str(accepted[0].folders.build.parent.parent)  # holds the data, build and reports
    for name, content in first.items():
        if name.endswith((".ods", ".xlsx")):  # spreadsheets: the XML of each part
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                text = "".join(archive.read(n).decode("utf-8") for n in archive.namelist())
        else:
            text = content.decode("utf-8")
        assert base not in text and "data_gate" not in text, name
