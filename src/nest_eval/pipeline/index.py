"""The published year's ``index.html``: links to every report, analysis, table and notebook."""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

from nest_eval.config import RunConfig
from nest_eval.files import atomic_write_text
from nest_eval.pipeline.publish import page
from nest_eval.pipeline.steps import Task

__all__ = ["write_index"]


def _link(path: str, text: str) -> str:
    return f'<li><a href="{html.escape(path)}">{html.escape(text)}</a></li>'


def _list(heading: str, items: Sequence[str]) -> list[str]:
    return [f"<h2>{html.escape(heading)}</h2>", "<ul>", *items, "</ul>"]


def write_index(
    config: RunConfig, tasks: Sequence[Task], available: set[Task], failed: Sequence[Task]
) -> Path:
    """Write ``index.html`` of the published year.

    Parameters
    ----------
    config : RunConfig
        The run (its year, folders and disclosure settings).
    tasks : sequence of Task
        Every task of the run, in pipeline order.
    available : set of Task
        The tasks whose output is published.
    failed : sequence of Task
        The tasks that failed in this run.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    year_dir = config.year_dir()
    threshold = config.disclosure.threshold
    body = [
        f"<h1>NYTH/NEST evaluation: reports for {config.year}</h1>",
        '<p class="note">Distance travelled by each Regional Partnership Board and by '
        f"Wales. Counts from 1 to {threshold - 1} below Wales level, and figures resting on "
        f"them, are suppressed and shown as <b>{html.escape(config.disclosure.shorthand)}</b>."
        "</p>",
    ]
    shown = [t for t in tasks if t in available]
    body += _list("Reports", [_link(f"{t.output}.html", t.title) for t in shown if t.is_report])
    body += _list(
        "Analyses", [_link(f"{t.output}.html", t.title) for t in shown if not t.is_report]
    )
    tables = sorted((year_dir / "tables").glob("*.csv"))
    body += _list("Tables", [_link(f"tables/{p.name}", p.name) for p in tables])
    body += _list(
        "Executed notebooks",
        [_link(f"notebooks/{t.output}.ipynb", f"{t.output}.ipynb") for t in shown],
    )
    body.append(
        '<p><a href="manifest.json">manifest.json</a>: inputs, parameters, code '
        "and package versions, and every output with its SHA-256.</p>"
    )
    if failed:
        body += _list(
            "Not produced in this run", [f"<li>{html.escape(t.title)}</li>" for t in failed]
        )
    target = year_dir / "index.html"
    atomic_write_text(target, page(f"NYTH/NEST evaluation {config.year}", "\n".join(body)))
    return target
