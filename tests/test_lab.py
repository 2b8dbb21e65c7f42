"""`nest-eval lab` (`make lab`): JupyterLab on the notebooks, as root too, options passed on."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from nest_eval.cli import START_HERE, _parser, lab_command

ROOT = Path(__file__).resolve().parents[1]


def _args(*argv: str):
    return _parser().parse_args(["lab", *argv])


def test_as_root_jupyterlab_is_allowed_to_start_and_opens_on_start_here():
    command = lab_command(_args(str(ROOT / "notebooks")), is_root=True)
    assert "--allow-root" in command
    assert f"--LabApp.default_url=/lab/tree/{START_HERE}" in command
    assert f"--ServerApp.root_dir={ROOT / 'notebooks'}" in command
    assert "--allow-root" not in lab_command(_args(str(ROOT / "notebooks")), is_root=False)


def test_port_ip_no_browser_and_jupyter_options_are_passed_on():
    args = _args("notebooks", "--port", "8890", "--ip", "0.0.0.0", "--no-browser")
    args.jupyter = ["--ServerApp.token=x"]  # what main() passes on from after `--`
    command = lab_command(args, is_root=False)
    assert command[-4:] == ["--port=8890", "--ip=0.0.0.0", "--no-browser", "--ServerApp.token=x"]


def test_a_missing_folder_is_a_usage_error(tmp_path, capsys):
    from nest_eval.cli import main

    assert main(["lab", str(tmp_path / "nowhere"), "--", "--port=1"]) == 2
    assert "no notebooks folder" in capsys.readouterr().err


def test_main_passes_what_follows_the_double_dash_to_jupyterlab(monkeypatch):
    from nest_eval.cli import main

    calls = []
    monkeypatch.setattr(os, "execv", lambda path, command: calls.append((path, command)))
    assert main(["lab", str(ROOT / "notebooks"), "--port", "8890", "--", "--Foo.bar=1"]) == 0
    path, command = calls[0]
    assert path == command[0] == sys.executable
    assert command[-2:] == ["--port=8890", "--Foo.bar=1"]


def _running(argument: str) -> list[int]:
    """The processes whose command line holds ``argument``."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if argument.encode() in cmdline.read_bytes().split(b"\0"):
                found.append(int(cmdline.parent.name))
        except OSError:
            continue
    return found


def test_the_start_here_notebook_explains_the_workbench_and_walks_through_one_rpb():
    nb = nbformat.read(ROOT / "notebooks" / START_HERE, as_version=4)
    text = " ".join(" ".join(c.source.split()) for c in nb.cells if c.cell_type == "markdown")
    text = text.replace("**", "")
    for words in ("distance travelled", "quarantined", "disclosure", "make reports"):
        assert words in text
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    assert 'rpb = "Gwent"' in params.source
    shown = "\n".join(
        str(o.get("data", {}).get("text/plain", ""))
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
    )
    assert "Gwent: distance travelled" in shown


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(os.geteuid() != 0, reason="checks the start as root (CI runs as root)")
def test_make_lab_starts_as_root_and_serves_the_notebooks(tmp_path):
    port = _free_port()
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path), "JUPYTER_CONFIG_DIR": str(tmp_path)}
    process = subprocess.Popen(
        [sys.executable, "-m", "nest_eval.cli", "lab", str(ROOT / "notebooks"), "--port",
         str(port), "--ip", "127.0.0.1", "--no-browser", "--", "--IdentityProvider.token=t"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}/api/contents/{START_HERE}?content=0&token=t"
        for _ in range(120):
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    assert json.load(response)["name"] == START_HERE
                    return
            except OSError:
                assert process.poll() is None, process.stderr.read().decode()[-2000:]
                time.sleep(0.5)
        pytest.fail("JupyterLab did not answer within 60 s")
    finally:
        process.terminate()
        process.wait(timeout=30)
        assert _running(f"--port={port}") == []  # JupyterLab itself ended: nothing left behind
