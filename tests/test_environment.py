"""Checks that requirements.lock, environment.yml and pyproject.toml agree."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from nest_eval.lockfile import (
    compare_pins,
    environment_yml_text,
    main,
    read_environment_pins,
    read_lock,
)

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements.lock"
ENV = ROOT / "environment.yml"
PYPROJECT = ROOT / "pyproject.toml"

EXACT_PIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*==[0-9][A-Za-z0-9.+!_-]*$")
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


def lock_requirement_lines() -> list[str]:
    lines = []
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        text = line.split("#", 1)[0].strip()
        if text:
            lines.append(text)
    return lines


# -- the committed files -----------------------------------------------------


def test_lock_and_environment_pin_the_same_versions():
    lock = read_lock(LOCK)
    env = read_environment_pins(ENV)
    assert compare_pins(lock, env) == []
    assert lock == env
    assert list(lock) == list(env), "environment.yml must keep the lock's order"


def test_every_lock_line_is_an_exact_pin():
    lines = lock_requirement_lines()
    assert len(lines) > 50, "the lock should hold the full transitive set"
    bad = [line for line in lines if not EXACT_PIN.match(line)]
    assert bad == []
    names = [canonical(line.split("==")[0]) for line in lines]
    assert len(names) == len(set(names)), "a package is pinned twice"


def test_every_environment_pip_entry_is_an_exact_pin_or_the_project():
    text = ENV.read_text(encoding="utf-8")
    entries = re.findall(r"^ {6}- (.+)$", text, flags=re.MULTILINE)
    assert entries[-1] == "-e ."
    bad = [entry for entry in entries[:-1] if not EXACT_PIN.match(entry)]
    assert bad == []


def test_direct_dependencies_are_locked():
    direct = direct_dependencies()
    assert {"numpy", "pandas", "pytest", "nbval", "ruff"} <= direct
    locked = {canonical(name) for name in read_lock(LOCK)}
    assert direct - locked == set()


def test_environment_yml_is_exactly_what_make_lock_writes():
    expected = environment_yml_text(read_lock(LOCK))
    assert ENV.read_bytes() == expected.encode("utf-8")


def test_environment_yml_basics():
    text = ENV.read_text(encoding="utf-8")
    assert "\nname: nest-eval\n" in text
    assert "\n  - conda-forge\n" in text
    assert "\n  - python=3.11\n" in text
    assert "\n  - pip\n" in text


# -- the comparison catches tampering ----------------------------------------


def tamper_one_version(text: str, name: str) -> str:
    pattern = re.compile(rf"^(?P<lead> {{6}}- {re.escape(name)}==)(?P<version>\S+)$", re.MULTILINE)
    match = pattern.search(text)
    assert match is not None, name
    return pattern.sub(rf"\g<lead>{match['version']}.post999", text, count=1)


def test_changed_version_in_environment_is_detected(tmp_path):
    tampered = tmp_path / "environment.yml"
    tampered.write_text(tamper_one_version(ENV.read_text(encoding="utf-8"), "numpy"))

    lock = read_lock(LOCK)
    problems = compare_pins(lock, read_environment_pins(tampered))

    assert problems == [
        f"numpy: requirements.lock has {lock['numpy']}, environment.yml has {lock['numpy']}.post999"
    ]
    assert tampered.read_text() != environment_yml_text(lock)


def test_changed_version_in_lock_is_detected(tmp_path):
    lock_text = LOCK.read_text(encoding="utf-8")
    tampered = tmp_path / "requirements.lock"
    tampered.write_text(re.sub(r"^pandas==\S+$", "pandas==0.0.1", lock_text, flags=re.MULTILINE))

    problems = compare_pins(read_lock(tampered), read_environment_pins(ENV))

    assert len(problems) == 1
    assert problems[0].startswith("pandas: requirements.lock has 0.0.1, ")


def test_missing_and_extra_packages_are_detected():
    lock = {"numpy": "2.0.0", "pandas": "2.2.0"}
    env = {"numpy": "2.0.0", "scipy": "1.0.0"}
    assert compare_pins(lock, env) == [
        "pandas: in requirements.lock only",
        "scipy: in environment.yml only",
    ]


# -- parsing -----------------------------------------------------------------


def test_read_lock_skips_comments_and_rejects_loose_pins(tmp_path):
    good = tmp_path / "good.lock"
    good.write_text("# header\nsix==1.17.0\n    # via x\n\nwheel==0.45.1  # note\n")
    assert read_lock(good) == {"six": "1.17.0", "wheel": "0.45.1"}

    loose = tmp_path / "loose.lock"
    loose.write_text("six==1.17.0\nnumpy>=2\n")
    with pytest.raises(ValueError, match=r"loose\.lock:2: not an exact"):
        read_lock(loose)

    twice = tmp_path / "twice.lock"
    twice.write_text("six==1.17.0\nsix==1.16.0\n")
    with pytest.raises(ValueError, match="pinned twice"):
        read_lock(twice)


def test_read_environment_pins_round_trips_and_rejects_loose_pins(tmp_path):
    pins = {"Babel": "2.18.0", "six": "1.17.0"}
    env = tmp_path / "environment.yml"
    env.write_text(environment_yml_text(pins))
    assert read_environment_pins(env) == pins

    env.write_text(environment_yml_text(pins).replace("six==1.17.0", "six>=1.17"))
    with pytest.raises(ValueError, match="not an exact"):
        read_environment_pins(env)

    env.write_text("name: x\ndependencies:\n  - python=3.11\n")
    with pytest.raises(ValueError, match="no '  - pip:' section"):
        read_environment_pins(env)


def test_main_rewrites_and_checks(tmp_path):
    lock = tmp_path / "requirements.lock"
    lock.write_text("# Regenerate with: make lock\nsix==1.17.0\n")
    env = tmp_path / "environment.yml"
    args = ["--lock", str(lock), "--env", str(env)]

    assert main([*args, "--check"]) == 1
    assert main(args) == 0
    assert env.read_text() == environment_yml_text({"six": "1.17.0"})
    assert main([*args, "--check"]) == 0

    lock.write_text("six==1.16.0\n")
    assert main([*args, "--check"]) == 1
