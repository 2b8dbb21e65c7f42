"""Keep ``environment.yml`` in step with ``requirements.lock``.

``requirements.lock`` holds the exact pins (``name==version``) of every
package the project installs, written by ``uv pip compile`` through
``make lock``. ``environment.yml`` gives conda users the same environment:
it is derived from the lock by this module and never edited by hand.

Run ``python -m nest_eval.lockfile`` from the repository root to rewrite
``environment.yml`` from ``requirements.lock``, or add ``--check`` to only
report whether the committed file is up to date.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

__all__ = [
    "ENV_NAME",
    "compare_pins",
    "environment_yml_text",
    "main",
    "read_environment_pins",
    "read_lock",
]

ENV_NAME = "nest-eval"
"""Name of the conda environment written to ``environment.yml``."""

_PIN = re.compile(
    r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[A-Za-z0-9][A-Za-z0-9.+!_-]*)$"
)
_ENV_ITEM = "      - "


def _parse_pin(text: str, where: str) -> tuple[str, str]:
    """Split one ``name==version`` requirement.

    Parameters
    ----------
    text : str
        The requirement, without comments or surrounding blanks.
    where : str
        Location used in the error message, e.g. ``"requirements.lock:12"``.

    Returns
    -------
    tuple of (str, str)
        The package name and its exact version.

    Raises
    ------
    ValueError
        If `text` is not an exact ``name==version`` pin.

    """
    match = _PIN.match(text)
    if match is None:
        raise ValueError(f"{where}: not an exact 'name==version' pin: {text!r}")
    return match["name"], match["version"]


def read_lock(path: str | Path) -> dict[str, str]:
    """Read the pins of a lock file written by ``uv pip compile``.

    Parameters
    ----------
    path : str or pathlib.Path
        Path of ``requirements.lock``.

    Returns
    -------
    dict of str to str
        Package name to pinned version, in file order.

    Raises
    ------
    ValueError
        If a requirement line is not an exact ``name==version`` pin, or a
        package is pinned twice.

    """
    pins: dict[str, str] = {}
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        name, version = _parse_pin(text, f"{path}:{number}")
        if name in pins:
            raise ValueError(f"{path}:{number}: {name} is pinned twice")
        pins[name] = version
    return pins


def read_environment_pins(path: str | Path) -> dict[str, str]:
    """Read the ``pip:`` pins of an ``environment.yml`` written by this module.

    Only the fixed layout produced by :func:`environment_yml_text` is
    understood: each pin is a line ``      - name==version`` after the
    ``  - pip:`` line. The editable install of the project (``-e .``) is
    skipped.

    Parameters
    ----------
    path : str or pathlib.Path
        Path of ``environment.yml``.

    Returns
    -------
    dict of str to str
        Package name to pinned version, in file order.

    Raises
    ------
    ValueError
        If the file has no ``pip:`` section, a pip entry is not an exact
        ``name==version`` pin, or a package is pinned twice.

    """
    pins: dict[str, str] = {}
    seen_pip = in_pip = False
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        if line == "  - pip:":
            seen_pip = in_pip = True
            continue
        if not in_pip or line == "      - -e .":
            continue
        if not line.startswith(_ENV_ITEM):
            in_pip = False
            continue
        name, version = _parse_pin(line.removeprefix(_ENV_ITEM), f"{path}:{number}")
        if name in pins:
            raise ValueError(f"{path}:{number}: {name} is pinned twice")
        pins[name] = version
    if not seen_pip:
        raise ValueError(f"{path}: no '  - pip:' section")
    return pins


def compare_pins(lock: Mapping[str, str], env: Mapping[str, str]) -> list[str]:
    """List the differences between two sets of pins.

    Parameters
    ----------
    lock : mapping of str to str
        Pins read from ``requirements.lock``.
    env : mapping of str to str
        Pins read from ``environment.yml``.

    Returns
    -------
    list of str
        One message per package that is missing on either side or pinned to
        different versions, sorted by package name; empty when they agree.

    Examples
    --------
    >>> compare_pins({"numpy": "2.0.0"}, {"numpy": "2.0.1"})
    ['numpy: requirements.lock has 2.0.0, environment.yml has 2.0.1']

    """
    problems = []
    for name in sorted(set(lock) | set(env)):
        if name not in env:
            problems.append(f"{name}: in requirements.lock only")
        elif name not in lock:
            problems.append(f"{name}: in environment.yml only")
        elif lock[name] != env[name]:
            problems.append(
                f"{name}: requirements.lock has {lock[name]}, environment.yml has {env[name]}"
            )
    return problems


def environment_yml_text(pins: Mapping[str, str]) -> str:
    """Render ``environment.yml`` for the given pins.

    Parameters
    ----------
    pins : mapping of str to str
        Package name to exact version, as returned by :func:`read_lock`.

    Returns
    -------
    str
        The full text of ``environment.yml``: conda-forge, Python 3.11 and
        pip, the pins sorted by name, then the project itself as ``-e .``.

    Examples
    --------
    >>> print(environment_yml_text({"six": "1.17.0"}), end="")
    # Conda environment with the same pins as requirements.lock.
    # Do not edit: run `make lock` to update both files.
    name: nest-eval
    channels:
      - conda-forge
    dependencies:
      - python=3.11
      - pip
      - pip:
          - six==1.17.0
          - -e .

    """
    lines = [
        "# Conda environment with the same pins as requirements.lock.",
        "# Do not edit: run `make lock` to update both files.",
        f"name: {ENV_NAME}",
        "channels:",
        "  - conda-forge",
        "dependencies:",
        "  - python=3.11",
        "  - pip",
        "  - pip:",
    ]
    lines += [f"      - {name}=={pins[name]}" for name in sorted(pins, key=str.lower)]
    lines.append("      - -e .")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Rewrite (or check) ``environment.yml`` from ``requirements.lock``.

    Parameters
    ----------
    argv : sequence of str, optional
        Command-line arguments; ``sys.argv[1:]`` when omitted.

    Returns
    -------
    int
        ``0`` on success; ``1`` when ``--check`` finds the file out of date.

    """
    parser = argparse.ArgumentParser(
        prog="python -m nest_eval.lockfile",
        description="Rewrite environment.yml from requirements.lock.",
    )
    parser.add_argument("--lock", type=Path, default=Path("requirements.lock"))
    parser.add_argument("--env", type=Path, default=Path("environment.yml"))
    parser.add_argument(
        "--check",
        action="store_true",
        help="do not write; exit 1 if environment.yml is out of date",
    )
    args = parser.parse_args(argv)

    text = environment_yml_text(read_lock(args.lock))
    if args.check:
        current = args.env.read_text(encoding="utf-8") if args.env.exists() else ""
        if current != text:
            print(f"{args.env} is out of date: run `make lock`", file=sys.stderr)
            return 1
        return 0
    args.env.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
