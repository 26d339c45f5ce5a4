"""The code is ruff-clean and ruff-formatted: the package, the scripts, the tests, the benchmarks
and the notebooks (chapters and appendix), with the configuration in pyproject.toml and, for the
notebooks, chapters/ruff.toml and appendix/ruff.toml (the site's code column).

To fix what these report: `make format` (ruff's safe fixes, then the formatter), then review the
diff and re-run `make test`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def ruff(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True
    )


def test_ruff_covers_the_code_and_the_notebooks():
    proc = ruff("check", "--show-files", ".")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    files = {Path(line).resolve().relative_to(ROOT).as_posix() for line in proc.stdout.split()}
    wanted = {
        p.relative_to(ROOT).as_posix()
        for folder, pattern in [
            ("mlebook", "*.py"),
            ("scripts", "*.py"),
            ("tests", "*.py"),
            ("benchmarks", "*.py"),
            ("chapters", "*.ipynb"),
            ("appendix", "*.ipynb"),
        ]
        for p in (ROOT / folder).glob(pattern)
    }
    assert wanted - files == set(), "not checked by ruff"
    assert not [f for f in files if f.startswith(("assignments/", "_build/", ".venv/"))]


def test_the_notebooks_lines_fit_the_sites_code_column():
    # 74 characters, what a code cell shows at 1280 px without scrolling (see chapters/ruff.toml);
    # 100 for the rest.
    for path, width in [
        (next(ROOT.glob("chapters/*.ipynb")), 74),
        (next(ROOT.glob("appendix/*.ipynb")), 74),
        (ROOT / "mlebook" / "__init__.py", 100),
    ]:
        settings = ruff("check", "--show-settings", str(path)).stdout
        assert f"linter.line_length = {width}\n" in settings, path
        assert f"formatter.line_width = {width}\n" in settings, path


def test_ruff_check_finds_nothing():
    proc = ruff("check", "--no-fix", "--output-format", "concise", ".")
    assert proc.returncode == 0, f"ruff check:\n{proc.stdout[-20000:]}{proc.stderr}"


def test_ruff_format_would_change_nothing():
    proc = ruff("format", "--check", ".")
    assert proc.returncode == 0, f"ruff format --check:\n{proc.stdout[-20000:]}{proc.stderr}"
