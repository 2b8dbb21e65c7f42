"""Small pipeline files over the project's notebooks, for tests that run the yearly pipeline."""

from __future__ import annotations

from pathlib import Path

from nest_eval.config import Folders, RunConfig

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"

REPORT_STEPS = """
[[steps]]
name = "national"
title = "National report"
notebook = "notebooks/national_report.ipynb"
output = "national"

[[steps]]
name = "rpb"
title = "Regional report"
notebook = "notebooks/rpb_report.ipynb"
output = "rpb/{slug}"
grid = { rpb = "all" }
"""
"""The national report and one report per RPB."""

OUTCOMES_STEP = """
[[steps]]
name = "outcomes"
title = "Analysis: outcomes"
notebook = "notebooks/analysis_outcomes.ipynb"
output = "analysis/outcomes"
"""
"""The outcomes analysis notebook."""


def small_pipeline(folder: Path, steps: str) -> Path:
    """A pipeline file using the project's notebooks (paths are relative to its parent)."""
    (folder / "pipelines").mkdir(parents=True)
    (folder / "notebooks").symlink_to(ROOT / "notebooks", target_is_directory=True)
    path = folder / "pipelines" / "test.toml"
    path.write_text('[pipeline]\nname = "test"\nkernel = "nest-eval"\n' + steps)
    return path


def config_for(base: Path, pipeline: Path, **settings) -> RunConfig:
    """A run of 2025 on the demo data, writing under ``base``."""
    folders = Folders(RAW, base / "processed", base / "reports", base / "build")
    return RunConfig(year=2025, folders=folders, pipeline=pipeline, **settings)
