"""The committed notebooks: thin, parameterised, and really compared by nbval."""

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_every_notebook_has_a_parameters_cell_and_committed_outputs():
    assert {p.name for p in NOTEBOOKS} >= {
        "national_report.ipynb",
        "rpb_report.ipynb",
        "analysis_implementation.ipynb",
        "analysis_outcomes.ipynb",
        "analysis_experiences.ipynb",
        "analysis_access.ipynb",
        "analysis_partnership.ipynb",
    }
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1, path.name
        assert "settings = {}" in tagged[0].source and "data_dir" in tagged[0].source
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(c.get("outputs") is not None for c in code)
        assert any(c.get("outputs") for c in code), f"{path.name} has no committed outputs"
        # thin: no cell holds more than a few lines of logic
        assert max(len(c.source.splitlines()) for c in code if c is not tagged[0]) <= 8
    rpb = nbformat.read(ROOT / "notebooks" / "rpb_report.ipynb", as_version=4)
    params = next(c for c in rpb.cells if "parameters" in c.metadata.get("tags", []))
    for name in ("settings", "data_dir", "figures_dir", "rpb"):
        assert f"{name} =" in params.source


def _nbval(notebook: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--nbval",
            "--nbval-current-env",
            "--nbval-sanitize-with",
            str(ROOT / "notebooks" / "sanitize.cfg"),
            str(notebook),
            "-q",
            "-p",
            "no:cacheprovider",
            "-o",
            "addopts=",
            "--rootdir",
            str(notebook.parent),
        ],
        capture_output=True,
        text=True,
        cwd=notebook.parent,
    )


@pytest.mark.parametrize("notebook", ["analysis_partnership.ipynb"])
def test_changing_a_demo_number_makes_nbval_fail(tmp_path, notebook):
    (tmp_path / "notebooks").mkdir()
    copy = tmp_path / "notebooks" / notebook
    shutil.copy(ROOT / "notebooks" / notebook, copy)
    shutil.copytree(ROOT / "data" / "raw", tmp_path / "data" / "raw")
    passed = _nbval(copy)
    assert passed.returncode == 0, passed.stdout[-2000:]

    partnership = tmp_path / "data" / "raw" / "partnership.csv"
    with partnership.open(newline="") as handle:
        rows = list(csv.reader(handle))
    column = rows[0].index("core_funding_gbp")
    target = next(i for i, row in enumerate(rows[1:], start=1) if row[1] == "2025")
    rows[target][column] = str(int(rows[target][column]) + 1000)
    with partnership.open("w", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    failed = _nbval(copy)
    assert failed.returncode != 0
    assert "Cell outputs differ" in failed.stdout, failed.stdout[-2000:]
