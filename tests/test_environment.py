"""Checks that the pins the reports depend on are exact, complete and installed by both routes."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements.lock"
ENV = ROOT / "environment.yml"
PYPROJECT = ROOT / "pyproject.toml"

EXACT_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([0-9][A-Za-z0-9.+!_-]*)$")
REQUIREMENT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*")


def canonical(name: str) -> str:
    """PEP 503 normalised project name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def direct_dependencies() -> set[str]:
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    specs = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    names = set()
    for spec in specs:
        match = REQUIREMENT_NAME.match(spec.strip())
        assert match is not None, spec
        names.add(canonical(match.group(0)))
    return names


def lock_pins() -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        match = EXACT_PIN.match(text)
        assert match is not None, f"not an exact pin: {text!r}"
        name = canonical(match.group(1))
        assert name not in pins, f"{name} is pinned twice"
        pins[name] = match.group(2)
    return pins


def test_the_lock_pins_the_full_transitive_set_exactly():
    assert len(lock_pins()) > 50


def test_direct_dependencies_are_locked():
    direct = direct_dependencies()
    assert {"numpy", "pandas", "pytest", "nbval", "ruff", "babel", "import-linter"} <= direct
    assert direct - set(lock_pins()) == set()


def test_conda_installs_the_same_lock_and_the_project():
    text = ENV.read_text(encoding="utf-8")
    pip_entries = re.findall(r"^ {6}- (.+)$", text, flags=re.MULTILINE)
    assert pip_entries == ["-r requirements.lock", "-e ."]
    assert "\n  - python=3.11\n" in text
    assert "\n  - conda-forge\n" in text


def test_the_installed_environment_is_the_lock():
    # the test suite runs in the environment `make` built from the lock: check it did
    drift = {}
    for name, version in lock_pins().items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = "missing"
        if installed != version:
            drift[name] = (version, installed)
    assert drift == {}


def test_ci_runs_the_readme_test_command_and_hooks_are_valid():
    import subprocess
    import sys

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    workflow = (ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8")
    assert "push:" in workflow and "pull_request:" in workflow and "run: .ci/run" in workflow
    bin_dir = Path(sys.executable).parent
    checked = subprocess.run(
        [str(bin_dir / "pre-commit"), "validate-config", str(ROOT / ".pre-commit-config.yaml")],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    hooks = (ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    assert "ruff check" in hooks and "lint-imports" in hooks
