"""The pipeline file: its steps and their parameter grid, expanded into notebook tasks.

``pipelines/yearly.toml`` declares, for each step, the notebook it runs, where its output is
published and the grid of parameters it runs over (``grid = { rpb = "all" }``: once per RPB). Its
``[settings]`` table holds the project's defaults of the run configuration
(:meth:`nest_eval.config.RunConfig.from_sources`). A step's title, in each language, is the
catalogue entry ``page.step.<name>`` (``{rpb}`` in it is the RPB's name in that language); a
step with no entry is titled by its ``title`` in the pipeline file, or its name.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from nest_eval.reference.messages import label, messages
from nest_eval.reference.vocabulary import RPB_NAMES, resolve_rpb, rpb_slug

__all__ = ["Pipeline", "StepSpec", "Task", "expand_tasks", "load_pipeline"]


@dataclass(frozen=True)
class StepSpec:
    """A step of the pipeline file."""

    name: str
    title: str
    notebook: Path
    output: str
    grid: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Pipeline:
    """A pipeline file: its kernel and steps, with the project root they are relative to."""

    name: str
    kernel: str
    steps: tuple[StepSpec, ...]
    root: Path


@dataclass(frozen=True)
class Task:
    """One notebook run: a step with one set of grid values."""

    step: str
    title: str
    notebook: Path
    output: str
    parameters: tuple[tuple[str, str], ...] = ()

    @property
    def label(self) -> str:
        """Short name for progress lines."""
        extra = " ".join(value for _, value in self.parameters)
        return f"{self.step} {extra}".strip()

    def title_in(self, lang: str) -> str:
        """The task's title in ``lang``: the catalogue's ``page.step.<step>``, else ``title``.

        >>> from pathlib import Path
        >>> task = Task("rpb", "", Path("rpb_report.ipynb"), "rpb/gwent", (("rpb", "Gwent"),))
        >>> task.title_in("cy")
        'Gwerthusiad NYTH/NEST: adroddiad rhanbarthol Gwent'
        """
        key = f"page.step.{self.step}"
        if key not in messages():
            return self.title
        values = {name: label(f"rpb.{value}", lang) for name, value in self.parameters}
        return label(key, lang, **values)

    @property
    def is_report(self) -> bool:
        """The national or a regional report (the other steps are analyses)."""
        return self.step in ("national", "rpb")


def load_pipeline(path: str | Path) -> Pipeline:
    """Read a pipeline file (see ``pipelines/yearly.toml``).

    Parameters
    ----------
    path : str or pathlib.Path
        The TOML file; paths in it are relative to its folder's parent (the project root).

    Returns
    -------
    Pipeline

    Raises
    ------
    ValueError
        When a step lacks a field or names a notebook that does not exist.
    """
    file = Path(path).resolve()
    config = tomllib.loads(file.read_text(encoding="utf-8"))
    root = file.parent.parent
    steps = []
    for number, raw in enumerate(config.get("steps", []), start=1):
        missing = [k for k in ("name", "notebook", "output") if k not in raw]
        if missing:
            raise ValueError(f"{file}: step {number} lacks {', '.join(missing)}")
        notebook = root / raw["notebook"]
        if not notebook.exists():
            raise ValueError(f"{file}: step {raw['name']!r}: no notebook {raw['notebook']}")
        grid = tuple(sorted(raw.get("grid", {}).items()))
        steps.append(
            StepSpec(raw["name"], raw.get("title", raw["name"]), notebook, raw["output"], grid)
        )
    settings = config.get("pipeline", {})
    return Pipeline(
        settings.get("name", file.stem), settings.get("kernel", "nest-eval"), tuple(steps), root
    )


def _rpb_tasks(step: StepSpec, chosen: Sequence[str]) -> list[Task]:
    grid = dict(step.grid)
    values = chosen if grid["rpb"] == "all" else [resolve_rpb(grid["rpb"])]
    return [
        Task(
            step.name,
            f"{step.title}: {rpb}",
            step.notebook,
            step.output.format(slug=rpb_slug(rpb)),
            (("rpb", rpb),),
        )
        for rpb in RPB_NAMES
        if rpb in values
    ]


def expand_tasks(pipeline: Pipeline, rpbs: Sequence[str] | None = None) -> list[Task]:
    """The tasks of a pipeline: one per step and combination of grid values.

    Parameters
    ----------
    pipeline : Pipeline
        The pipeline.
    rpbs : sequence of str, optional
        Only these RPBs (any alias) for steps with an ``rpb`` grid; None or empty means all
        seven.

    Returns
    -------
    list of Task
    """
    chosen = [resolve_rpb(r) for r in rpbs] if rpbs else list(RPB_NAMES)
    tasks: list[Task] = []
    for step in pipeline.steps:
        if "rpb" in dict(step.grid):
            tasks += _rpb_tasks(step, chosen)
        else:
            tasks.append(Task(step.name, step.title, step.notebook, step.output))
    return [replace(task, title=task.title_in("en")) for task in tasks]
