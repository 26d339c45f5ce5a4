"""The learner's path, as the README tells it: the commands it shows exist, a chapter downloaded
from the site runs in a real JupyterLab from this environment, and mlebook installed from its
wheel outside the repository runs a chapter on its own.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


# --------------------------------------------------------------------------- the README
def readme_commands() -> list[str]:
    """The lines of the README's shell blocks, without comments."""
    blocks = re.findall(r"```bash\n(.*?)```", (ROOT / "README.md").read_text(), flags=re.S)
    lines = [line.split("#")[0].strip() for block in blocks for line in block.splitlines()]
    return [line for line in lines if line]


def test_every_command_the_readme_shows_exists():
    commands = readme_commands()
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([\w./-]+):", makefile, flags=re.M))
    made = [word for line in commands for word in re.findall(r"^make ([\w./-]+)", line)]
    assert {"book", "test", "lab"} <= set(made)
    assert not set(made) - targets, f"README names make targets that do not exist: {made}"
    programs = [word for line in commands for word in re.findall(r"\.venv/bin/([\w-]+)", line)]
    assert "jupyter" in programs
    for program in programs:
        assert (BIN / program).exists(), f".venv/bin/{program} is not installed"
    for script in (word for line in commands for word in re.findall(r"scripts/\S+\.py", line)):
        assert (ROOT / script).exists(), script
    # `jupyter lab` is JupyterLab from this environment, and the notebooks' kernel, python3,
    # is this environment's Python
    import jupyterlab
    from jupyter_client.kernelspec import KernelSpecManager

    assert (BIN / "jupyter-lab").exists() and re.match(r"\d+\.\d+", jupyterlab.__version__)
    spec = KernelSpecManager().get_kernel_spec("python3")
    # the environment's own kernelspec, whose "python" jupyter_client runs as sys.executable
    assert Path(spec.resource_dir).is_relative_to(sys.prefix), spec.resource_dir
    assert spec.argv[0] in ("python", sys.executable), spec.argv


def test_the_install_cell_says_what_to_do_when_pip_fails(monkeypatch):
    """Offline, or in a fork whose URL was not set: a clear error, not pip's traceback."""
    import importlib.util

    source = nbformat.read(ROOT / "chapters" / "01_likelihood.ipynb", as_version=4).cells[0].source

    def failing_pip(cmd, check):
        raise subprocess.CalledProcessError(1, cmd)

    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    monkeypatch.setattr(subprocess, "run", failing_pip)
    with pytest.raises(RuntimeError, match=r"could not install mlebook from https://github\.com/"):
        exec(compile(source, "install-cell", "exec"), {})


# --------------------------------------------------------------------------- JupyterLab
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def jupyterlab(tmp_path):
    """A JupyterLab server of this environment, headless on 127.0.0.1 with a token, serving
    ``tmp_path``; its configuration and runtime files in ``tmp_path`` too."""
    port, token = free_port(), "learner-path-test"
    home = tmp_path / ".jupyter"
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
    }
    server = subprocess.Popen(
        [
            BIN / "jupyter",
            "lab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={tmp_path}",
            "--ServerApp.allow_root=True",
            "--LabApp.news_url=",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=1)
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(f"JupyterLab exited: {server.stdout.read().decode()[-2000:]}")
                time.sleep(0.1)
        else:
            pytest.fail("JupyterLab did not start within 30 s")
        yield base, token, tmp_path
    finally:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()


IDLE = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator[data-status='idle']"


def wait_for_idle_kernel(page, seconds: float = 90) -> None:
    """Wait until the notebook's kernel has started and is idle, so that the Kernel menu's
    commands are enabled. On a loaded machine JupyterLab may open the notebook before it knows
    the kernels and ask which one to use: the dialog's default, the notebook's own python3
    (this environment's only kernel), is accepted, as a learner would."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if page.locator(IDLE).count():
            return
        dialog = page.locator(".jp-Dialog")
        if dialog.count() and "Select Kernel" in dialog.inner_text():
            dialog.locator("button.jp-mod-accept").click()
        page.wait_for_timeout(250)
    pytest.fail(f"the kernel was not idle within {seconds:g} s")


def run_all_in_jupyterlab(browser, base: str, token: str, name: str) -> tuple[str, int]:
    """:func:`run_all_once`, tried a second time in a fresh page if the first run did not
    finish: driving a browser UI on a loaded machine can lose a click (the first failure's
    diagnosis is printed, and a second failure fails the test)."""
    try:
        return run_all_once(browser, base, token, name)
    except pytest.fail.Exception as first:
        print(f"first attempt failed, retrying: {first}")
        return run_all_once(browser, base, token, name)


def run_all_once(browser, base: str, token: str, name: str) -> tuple[str, int]:
    """Open notebook ``name`` in JupyterLab, restart the kernel and run every cell through the
    Kernel menu, wait until every code cell has run, and return the notebook's visible text.

    Fails if a cell shows an error (or anything on stderr), or if the page requests anything
    outside the server."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    foreign = []
    page.on("request", lambda r: r.url.startswith(base) or foreign.append(r.url))
    try:
        # a workspace of its own, reset: only this notebook is open
        page.goto(f"{base}/lab/workspaces/{Path(name).stem}/tree/{name}?reset&token={token}")
        page.wait_for_selector(".jp-Notebook .jp-CodeCell", timeout=60_000)
        dialog = page.locator(".jp-Dialog")
        for _attempt in range(3):
            wait_for_idle_kernel(page)
            page.get_by_role("menuitem", name="Kernel", exact=True).click()
            page.get_by_text("Restart Kernel and Run All Cells…").click()
            dialog.wait_for(timeout=30_000)
            restart = "Restart" in dialog.inner_text()
            dialog.locator("button.jp-mod-accept").click()  # a kernel choice: the default
            if restart:
                break
        else:
            pytest.fail("JupyterLab never offered to restart the kernel and run all cells")
        # every code cell with code shows an execution count (an empty cell, such as a
        # student's answer cell, is not run): the copies start without any, so these are the
        # run's, and [*] (queued or running) is not a count
        try:
            page.wait_for_function(
                """() => {
                    const cells = [...document.querySelectorAll(
                        '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell')];
                    const run = cells.filter(c => (c.querySelector('.cm-content')
                        ?.textContent ?? 'x').trim() !== '');
                    return run.length > 0 && run.every(c => /\\[\\d+\\]/.test(
                        c.querySelector('.jp-InputPrompt')?.textContent ?? ''));
                }""",
                timeout=180_000,
            )
        except Exception:
            state = page.evaluate(
                """() => [...document.querySelectorAll(
                    '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell')].map(c =>
                    (c.querySelector('.jp-InputPrompt')?.textContent ?? '?') + ' '
                    + (c.querySelector('.cm-content')?.textContent ?? '?').slice(0, 40))"""
            )
            status = page.locator(".jp-StatusBar-Component").all_inner_texts()
            page.screenshot(path=str(ROOT / "_build" / f"jupyterlab-{Path(name).stem}.png"))
            pytest.fail(f"{name}: not every cell ran; status {status}; cells {state}")
        errors = page.locator(
            '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
        )
        assert errors.count() == 0, errors.first.inner_text()
        assert not foreign, f"JupyterLab requested {foreign[:5]}"
        images = page.locator(".jp-OutputArea-output img").count()
        return page.locator(".jp-Notebook").inner_text(), images
    finally:
        page.close()


def without_outputs(source: Path, target: Path) -> None:
    nb = nbformat.read(source, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nbformat.write(nb, target)


@pytest.mark.slow  # make test-slow, which CI runs after make test
def test_a_downloaded_chapter_and_a_student_notebook_run_in_jupyterlab(jupyterlab, browser):
    """The learner's path: the notebook the site's download button serves (byte for byte the
    chapter's notebook: tests/test_book.py::test_chapter_notebooks_are_downloadable), and a student
    notebook (solutions stripped, as `make student` writes it), each run as a learner runs
    it: in JupyterLab, Kernel > Restart Kernel and Run All Cells. The downloaded chapter's
    hidden first cell finds mlebook installed and does nothing. (The browser is the session's
    Chromium, tests/conftest.py: one Playwright per worker.)"""
    from coursekit import stage, strip

    base, token, folder = jupyterlab
    downloaded = ROOT / "chapters" / "01_likelihood.ipynb"
    without_outputs(downloaded, folder / "01_likelihood.ipynb")
    # The student notebook exactly as `make student` hands it out: solutions removed, the
    # exercises in plain Markdown (coursekit.stage.student_notebooks).
    staged = folder / ".staged"
    _, removed = stage.stage(staged, pages=["chapters/02_log_likelihood"])
    assert removed, "the student notebook has its solutions removed"
    (student,) = [
        nb
        for path, nb in stage.student_notebooks(staged / "src").items()
        if path.name == "02_log_likelihood.ipynb"
    ]
    assert "```{exercise" not in json.dumps(student), "the exercises are plain Markdown"
    nbformat.write(student, folder / "student.ipynb")
    without_outputs(folder / "student.ipynb", folder / "student.ipynb")
    text, images = run_all_in_jupyterlab(browser, base, token, "01_likelihood.ipynb")
    assert "0.73" in text  # the MLE of 73 heads in 100 flips
    assert images >= 2  # the likelihood curves
    text, images = run_all_in_jupyterlab(browser, base, token, "student.ipynb")
    assert strip.PLACEHOLDER.strip("*") in text and images >= 1


# --------------------------------------------------------------------------- the wheel
@pytest.mark.slow  # make test-slow, which CI runs after make test
def test_the_wheel_runs_a_chapter_outside_the_repository(tmp_path):
    """mlebook built as a wheel and installed into a fresh virtual environment outside the
    repository runs a chapter with nbclient, with nothing of the repository on the path.

    The numerical packages (pinned in requirements.txt) come from this environment's
    site-packages through a path file, without its editable mlebook (whose finder lives in
    a .pth file there, which Python reads only in a site directory, not in a path-file
    entry): so the test needs no network, and only the wheel can provide mlebook."""
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    wheels, source = tmp_path / "wheels", tmp_path / "source"
    # built from a copy, since setuptools writes build/ and *.egg-info beside the sources
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "mlebook", "coursekit"):
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy
        copy(ROOT / name, source / name)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation"]
        + ["--wheel-dir", str(wheels), str(source)],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheels.glob(f"mlebook-{version}-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site_packages = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    ours = [p for p in sys.path if p.endswith("site-packages") and Path(p).is_dir()]
    (Path(site_packages) / "pinned.pth").write_text("\n".join(ours) + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target"]
        + [site_packages, str(wheel)],
        check=True,
        capture_output=True,
    )
    work = tmp_path / "learner"
    work.mkdir()
    shutil.copy(ROOT / "chapters" / "02_log_likelihood.ipynb", work)
    script = f"""
import sys, mlebook, nbformat
from nbclient import NotebookClient
assert mlebook.__version__ == {version!r}, mlebook.__version__
assert mlebook.__file__.startswith({site_packages!r}), mlebook.__file__
repo, venv = {str(ROOT)!r}, {str(ROOT / ".venv")!r}
outside = [p for p in sys.path if p.startswith(repo) and not p.startswith(venv)]
assert not outside, outside  # nothing of the repository but its pinned packages
nb = nbformat.read("02_log_likelihood.ipynb", as_version=4)
NotebookClient(nb, timeout=300, kernel_name="python3").execute()
errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
assert not errors, errors
print("ran", sum(c.cell_type == "code" for c in nb.cells), "cells")
"""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}:{env.get('PATH', '')}"
    env["JUPYTER_PATH"] = str(tmp_path / "jupyter")  # no kernelspec of this repository's venv
    proc = subprocess.run(
        [python, "-c", script], cwd=work, capture_output=True, text=True, env=env, timeout=600
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    assert proc.stdout.startswith("ran ")
