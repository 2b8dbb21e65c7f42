"""The ``nest-eval`` command line.

Subcommands
-----------
``validate DIR``
    Check a raw-data folder against the contract and print the accounting; writes nothing.
``ingest DIR --out DIR``
    Validate, then write typed Parquet, the quarantine and the accounting record.
``demo-data DIR --seed N [--scale default|wales|small-rpb|random|N]``
    Write synthetic demo data for all six datasets, with its truth file (``random``: sizes
    drawn from the seed; a number: that many times ``wales``).
``data-dictionary [--out FILE]``
    Print (or write) the data dictionary generated from the contract.
``template DIR [--dataset NAME ...] [--force]``
    Write the Excel templates RPBs fill in, one ``<dataset>.xlsx`` per dataset.
``run --year Y [--data DIR] [--out DIR] [--rpb NAME ...] [--jobs N] [--force] [settings]``
    The yearly pipeline: ingest, compute, run every notebook, publish ``<out>/<Y>/``. Every
    setting of the run configuration (:class:`nest_eval.config.RunConfig`) has an option;
    the pipeline file's ``[settings]`` table gives the project's defaults. Nothing is published
    when the data would leave the reports empty or incomplete (``--max-quarantined``), unless
    ``--accept-quarantine`` is given.
``lab [DIR] [--port N] [--ip IP] [--no-browser] [-- JUPYTER OPTIONS]``
    Open JupyterLab on the notebooks with the project's kernel, on ``start_here.ipynb``
    (as root too); options after ``--`` go to JupyterLab unchanged.
``notebooks [PATH ...]``
    Re-execute the committed notebooks in place on the demo data (their committed outputs).
``messages [--check]``
    Write the notebooks' markdown (their narrative) into the English message source
    ``nest_eval.pot``, for translation; ``--check`` only says whether it is up to date.

Exit status: 0 when every dataset present loaded; 1 when a dataset could not be loaded (or,
with ``--strict``, when any row was quarantined), or when ``run`` refuses to publish (its data
would leave the reports empty or incomplete: see :mod:`nest_eval.pipeline.gate`; or disclosure
control cannot protect them), leaving the previous publication as it was; 2 for a usage error
or a missing folder; 3 for an internal error (a defect: please report it with ``--debug``
output).
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from nest_eval import __version__
from nest_eval.config import ROUNDING_BASES, SD_CHOICES, SHORTHANDS
from nest_eval.reference.contract import DATASET_NAMES
from nest_eval.reference.messages import LANGUAGES

__all__ = ["main"]

EXIT_OK, EXIT_DATA, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


def _reference(path: str | None):
    from nest_eval.reference.overrides import load_reference

    return load_reference(path)


def _validate(args: argparse.Namespace, write_to: str | None) -> int:
    from nest_eval.ingest.datasets import format_summary, ingest, write_processed

    try:
        result = ingest(args.directory, _reference(args.reference_config))
    except NotADirectoryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(format_summary(result, examples=args.examples), end="")
    if write_to is not None:
        written = write_processed(result, write_to)
        print(f"Wrote {len(written)} file(s) to {write_to} (accounting in accounting.json).")
    if not result.loaded:
        return EXIT_DATA
    if args.strict and result.rows_quarantined:
        print("--strict: quarantined rows are an error.", file=sys.stderr)
        return EXIT_DATA
    return EXIT_OK


def _scale(text: str) -> str:
    """A demo-data scale: a scale's name, or a multiplier of ``wales`` (checked here)."""
    from nest_eval.demo.model import SCALE_NAMES, multiplier

    try:
        if text in SCALE_NAMES or multiplier(text) is not None:
            return text
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    raise argparse.ArgumentTypeError(
        f"{text!r} is not one of {', '.join(SCALE_NAMES)} nor a number"
    )


def _demo_data(args: argparse.Namespace) -> int:
    from nest_eval.demo.generator import write_demo_data

    paths = write_demo_data(args.directory, seed=args.seed, scale=args.scale)
    for path in paths:
        print(path)
    return EXIT_OK


def _data_dictionary(args: argparse.Namespace) -> int:
    from nest_eval.ingest.dictionary import data_dictionary_markdown

    text = data_dictionary_markdown()
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        print(text, end="")
    return EXIT_OK


def _template(args: argparse.Namespace) -> int:
    from nest_eval.ingest.templates import write_templates

    try:
        paths = write_templates(args.directory, args.dataset, overwrite=args.force)
    except FileExistsError as exc:
        print(f"error: {exc} (--force replaces them)", file=sys.stderr)
        return EXIT_DATA
    for path in paths:
        print(path)
    return EXIT_OK


def _run_config(args: argparse.Namespace):
    """The run configuration: the pipeline file's settings, then the options given."""
    from nest_eval.config import RunConfig

    given = {
        "year": args.year,
        "baseline_year": args.baseline_year,
        "as_of": args.as_of,
        "financial": args.financial,
        "sd": args.sd,
        "threshold": args.threshold,
        "shorthand": args.shorthand,
        "protection": args.protection,
        "rounding": args.rounding,
        "zeros": args.suppress_zeros,
        "reference_config": args.reference_config,
        "languages": args.language,
        "data": args.data,
        "processed": args.processed,
        "reports": args.out,
        "build": args.build,
        "rpbs": args.rpb,
        "jobs": args.jobs,
        "force": args.force,
        "max_quarantined": args.max_quarantined,
        "accept_quarantine": args.accept_quarantine,
    }
    return RunConfig.from_sources(args.pipeline, given)


def _rpb_names() -> dict[str, str]:
    """Every RPB's English and Welsh name (folded for matching), to its canonical name."""
    from nest_eval.reference.messages import label
    from nest_eval.reference.vocabulary import RPB_NAMES, normalise_label

    return {
        normalise_label(label(f"rpb.{rpb}", lang)): label(f"rpb.{rpb}", lang)
        for rpb in RPB_NAMES
        for lang in LANGUAGES
    }


def _unknown_rpbs(names: Sequence[str]) -> list[str]:
    """A message for each name in ``--rpb`` that is no RPB, with the closest names if any.

    The suggestions come from :func:`difflib.get_close_matches` over the RPBs' English and
    Welsh names.
    """
    import difflib

    from nest_eval.reference.vocabulary import UnknownNameError, normalise_label, resolve_rpb

    known = _rpb_names()
    problems = []
    for name in names:
        try:
            resolve_rpb(name)
        except UnknownNameError as exc:
            close = difflib.get_close_matches(normalise_label(name), known, n=3, cutoff=0.6)
            hint = " or ".join(repr(known[c]) for c in close)
            problems.append(f"--rpb {exc}" + (f"; did you mean {hint}?" if hint else ""))
    return problems


def _run(args: argparse.Namespace) -> int:
    from nest_eval.pipeline.runner import main_run

    unknown = _unknown_rpbs(args.rpb or ())
    if unknown:
        for problem in unknown:
            print(f"error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    try:
        return main_run(_run_config(args))
    except NotADirectoryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE


START_HERE = "start_here.ipynb"
"""The notebook JupyterLab opens on: what the workbench is, walked through for one RPB."""


def lab_command(args: argparse.Namespace, is_root: bool) -> list[str]:
    """The JupyterLab command of ``nest-eval lab``.

    Serves ``args.notebooks`` and opens on its start-here notebook when it has one; as root,
    adds ``--allow-root`` (which JupyterLab otherwise demands); ``--port``, ``--ip``,
    ``--no-browser`` and anything after ``--`` are passed on.
    """
    folder = Path(args.notebooks)
    command = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={folder}"]
    if (folder / START_HERE).is_file():
        command.append(f"--LabApp.default_url=/lab/tree/{START_HERE}")
    if is_root:
        command.append("--allow-root")
    if args.port is not None:
        command.append(f"--port={args.port}")
    if args.ip is not None:
        command.append(f"--ip={args.ip}")
    if args.no_browser:
        command.append("--no-browser")
    return command + list(args.jupyter)


def _lab(args: argparse.Namespace) -> int:
    """Become JupyterLab (the process is replaced, so a signal to it reaches JupyterLab)."""
    import os

    from nest_eval.pipeline.execute import ensure_kernel

    if not Path(args.notebooks).is_dir():
        print(f"error: no notebooks folder {args.notebooks}", file=sys.stderr)
        return EXIT_USAGE
    ensure_kernel("nest-eval")
    command = lab_command(args, is_root=os.geteuid() == 0)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(command[0], command)
    return 0  # reached only where os.execv is replaced (a test)


def _notebooks(args: argparse.Namespace) -> int:
    from nest_eval.pipeline.notebooks import refresh

    paths = args.paths or sorted(str(p) for p in Path("notebooks").glob("*.ipynb"))
    for path in paths:
        print(f"executing {path}")
        refresh([path])
    return EXIT_OK


def _messages(args: argparse.Namespace) -> int:
    from importlib import resources

    from nest_eval.pipeline.narrative import source_block, update_source
    from nest_eval.pipeline.steps import load_pipeline

    pot = Path(str(resources.files("nest_eval.reference") / "locale" / "nest_eval.pot"))
    notebooks = sorted({step.notebook for step in load_pipeline(args.pipeline).steps})
    if args.check:
        current = source_block(notebooks) in pot.read_text(encoding="utf-8")
        print(f"{pot}: notebook narrative {'up to date' if current else 'OUT OF DATE'}")
        return EXIT_OK if current else EXIT_DATA
    changed = update_source(pot, notebooks)
    print(f"{pot}: notebook narrative of {len(notebooks)} notebook(s) "
          f"{'written' if changed else 'unchanged'}")  # fmt: skip
    return EXIT_OK


def _run_options(run: argparse.ArgumentParser) -> None:
    """Options of ``run``: each setting of the run configuration (None: not given)."""
    run.add_argument("--year", type=int, required=True, help="reporting year")
    run.add_argument("--data", help="raw-data folder (default data/raw)")
    run.add_argument("--out", help="published reports' folder (default reports)")
    run.add_argument("--processed", help="processed-data folder (default data/processed)")
    run.add_argument("--build", help="build state: results, logs, caches (default build)")
    run.add_argument(
        "--pipeline", default="pipelines/yearly.toml", help="pipeline file (steps and grid)"
    )
    run.add_argument("--rpb", nargs="+", metavar="NAME", help="only these RPBs' reports")
    run.add_argument("--jobs", type=int, help="notebooks run at once (default 2)")
    run.add_argument(
        "--force", action="store_true", default=None, help="rerun steps even if unchanged"
    )
    run.add_argument("--baseline-year", type=int, help="baseline year for every RPB and domain")
    run.add_argument(
        "--as-of",
        help="census date YYYY-MM-DD of every 'at a date' figure; rows dated after it are left "
        "out (default: the last day of the reporting year)",
    )
    run.add_argument(
        "--financial",
        action="store_true",
        default=None,
        help="April–March reporting years for dated rows",
    )
    run.add_argument("--sd", choices=SD_CHOICES, help="SD of the reliable change index")
    run.add_argument("--threshold", type=int, help="disclosure-control threshold (default 10)")
    run.add_argument("--shorthand", choices=SHORTHANDS, help="how a suppressed cell is written")
    run.add_argument(
        "--protection",
        type=int,
        help="fewest values each suppressed count must still be able to take (default 5)",
    )
    run.add_argument(
        "--suppress-zeros",
        action="store_true",
        default=None,
        help="suppress zero counts below Wales level as well as small ones",
    )
    run.add_argument(
        "--rounding",
        type=int,
        choices=ROUNDING_BASES,
        help="also round published counts to this base",
    )
    run.add_argument(
        "--reference-config",
        metavar="FILE",
        help="TOML overrides of the reference data (measures figures, codings, locale, dates)",
    )
    run.add_argument(
        "--language",
        nargs="+",
        choices=LANGUAGES,
        help="languages published (default: en cy, English and Welsh, each page linking to "
        "its twin)",
    )
    run.add_argument(
        "--max-quarantined",
        type=float,
        metavar="SHARE",
        help="largest share of a dataset's rows that may be quarantined (default 0.05)",
    )
    run.add_argument(
        "--accept-quarantine",
        action="store_true",
        default=None,
        help="publish although data is left out (quarantined, absent); every report says so",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nest-eval",
        description="Reproducible evaluation workbench for the NYTH/NEST framework.",
    )
    parser.add_argument("--version", action="version", version=f"nest-eval {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    sub = parser.add_subparsers(dest="command", required=True)

    def data_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("directory", help="raw-data folder (CSV and .xlsx files)")
        p.add_argument("--strict", action="store_true", help="treat quarantined rows as an error")
        p.add_argument(
            "--examples", type=int, default=3, help="problems shown per rule (default 3)"
        )
        p.add_argument(
            "--reference-config",
            metavar="FILE",
            help="TOML overrides of the reference data (measures figures, codings, locale, dates)",
        )

    validate = sub.add_parser("validate", help="check a raw-data folder; writes nothing")
    data_options(validate)
    ingest = sub.add_parser("ingest", help="validate and write processed data")
    data_options(ingest)
    ingest.add_argument(
        "--out", default="data/processed", help="processed-data folder (default data/processed)"
    )
    demo = sub.add_parser("demo-data", help="write synthetic demo data with its truth file")
    demo.add_argument("directory", help="folder to write to")
    demo.add_argument("--seed", type=int, default=2024, help="random seed (default 2024)")
    demo.add_argument(
        "--scale",
        type=_scale,
        default="default",
        metavar="{default,wales,small-rpb,random,N}",
        help="data volume: small-rpb holds Powys to 3-12 people per group and year; random "
        "draws mixed sizes from --seed; a number N is N times wales (10: about 1,000,000 "
        "children; 1 is wales)",
    )
    dictionary = sub.add_parser("data-dictionary", help="print the data dictionary")
    dictionary.add_argument("--out", help="write to this file instead of printing")
    template = sub.add_parser(
        "template",
        help="write the Excel templates RPBs fill in, one per dataset",
        description="Write <dataset>.xlsx for each dataset: the contract's columns as the header "
        "row (required ones bold), drop-down lists of the accepted values, number and date "
        "checks, and notes in English and Welsh. A filled template is read by validate and "
        "ingest like any raw file.",
    )
    template.add_argument("directory", help="folder to write to (created if missing)")
    template.add_argument(
        "--dataset",
        nargs="+",
        choices=DATASET_NAMES,
        metavar="NAME",
        help=f"only these datasets: {', '.join(DATASET_NAMES)} (default all)",
    )
    template.add_argument(
        "--force", action="store_true", help="replace existing files (default: refuse)"
    )

    _run_options(sub.add_parser("run", help="the yearly pipeline: reports for one year"))
    lab = sub.add_parser("lab", help="open JupyterLab on the notebooks")
    lab.add_argument("notebooks", nargs="?", default="notebooks", help="folder to open")
    lab.add_argument("--port", type=int, help="port to serve on (default JupyterLab's, 8888)")
    lab.add_argument("--ip", help="address to listen on, e.g. 0.0.0.0 (default localhost)")
    lab.add_argument("--no-browser", action="store_true", help="do not open a browser")
    lab.set_defaults(jupyter=[])  # options after `--`, passed to JupyterLab (see main)
    notebooks = sub.add_parser("notebooks", help="re-execute the committed notebooks in place")
    notebooks.add_argument("paths", nargs="*", help="notebooks (default: notebooks/*.ipynb)")
    messages = sub.add_parser(
        "messages",
        help="write the notebooks' markdown into the English message source (.pot)",
        description="Each markdown cell of the notebooks the pipeline publishes, keyed by its "
        "text:<name> tag, becomes "
        "the message notebook.<stem>.<name> of nest_eval.pot, for a translator; `make "
        "messages` then merges it into the Welsh catalogue.",
    )
    messages.add_argument(
        "--pipeline",
        default="pipelines/yearly.toml",
        help="pipeline file whose notebooks are published (default pipelines/yearly.toml)",
    )
    messages.add_argument(
        "--check", action="store_true", help="only check that the .pot is up to date"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    given = list(sys.argv[1:] if argv is None else argv)
    passed_on: list[str] = []
    if "lab" in given and "--" in given[given.index("lab") :]:
        split = given.index("--", given.index("lab"))
        given, passed_on = given[:split], given[split + 1 :]
    args = _parser().parse_args(given)
    if passed_on:
        args.jupyter = passed_on
    try:
        if args.command == "validate":
            return _validate(args, write_to=None)
        if args.command == "ingest":
            return _validate(args, write_to=args.out)
        if args.command == "demo-data":
            return _demo_data(args)
        if args.command == "data-dictionary":
            return _data_dictionary(args)
        if args.command == "template":
            return _template(args)
        if args.command == "run":
            return _run(args)
        if args.command == "lab":
            return _lab(args)
        if args.command == "notebooks":
            return _notebooks(args)
        if args.command == "messages":
            return _messages(args)
    except (OSError, ValueError) as exc:
        # Configuration and file-system problems: a message, not a traceback.
        print(f"error: {exc}", file=sys.stderr)
        if args.debug:
            traceback.print_exc()
        return EXIT_DATA
    except Exception as exc:  # a defect in the workbench, not bad data
        print(f"internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        if args.debug:
            traceback.print_exc()
        else:
            print("Run again with --debug for details, and report it.", file=sys.stderr)
        return EXIT_INTERNAL
    return EXIT_USAGE  # pragma: no cover - argparse requires a command


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
