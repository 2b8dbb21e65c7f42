"""The published year's ``manifest.json``: inputs, settings, code, packages and every output."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from nest_eval.config import RunConfig
from nest_eval.files import atomic_write_text
from nest_eval.pipeline.keys import environment
from nest_eval.pipeline.publish import file_manifest
from nest_eval.pipeline.steps import Pipeline, Task
from nest_eval.reporting.outputs import localised

__all__ = ["write_manifest"]


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _outputs(task: Task, lang: str) -> list[str]:
    """What a task publishes in ``lang``: its page and executed notebook."""
    return [
        localised(f"{task.output}.html", lang),
        localised(f"notebooks/{task.output}.ipynb", lang),
    ]


def write_manifest(
    config: RunConfig,
    pipeline: Pipeline,
    tasks: Sequence[Task],
    inputs: list[dict[str, str]],
    run_id: str,
) -> Path:
    """Write ``manifest.json`` of the published year.

    It records the input files with their SHA-256 and row accounting, the run's publishable
    settings (the languages published among them), the code and package versions, every step
    with what it published in each language, and every published file with its SHA-256. It
    names no folder of the machine that ran it, so it is the same wherever the run
    is made.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    accounting = _read_json(config.folders.processed / "accounting.json")
    env = environment()
    manifest = {
        "run_id": run_id,
        "pipeline": pipeline.name,
        "year": config.year,
        "parameters": {**config.parameters(), "kernel": pipeline.kernel},
        "code": {
            "nest_eval_version": env["nest_eval_version"],
            "source_sha256": env["source_sha256"],
        },
        "packages": env["packages"],
        "python": env["python"],
        "inputs": {
            "folder": config.folders.data.name,
            "files": inputs,
            "accounting": accounting.get("datasets", {}),
            "unmatched_files": accounting.get("unmatched_files", []),
        },
        "steps": [
            {
                "step": t.step,
                "output": t.output,
                "notebook": t.notebook.relative_to(pipeline.root).as_posix(),
                "parameters": dict(t.parameters),
                "outputs": {lang: _outputs(t, lang) for lang in config.languages},
            }
            for t in tasks
        ],
        "outputs": file_manifest(config.year_dir(), exclude=("manifest.json",)),
    }
    target = config.year_dir() / "manifest.json"
    atomic_write_text(target, json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return target
