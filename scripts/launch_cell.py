"""Keep the install cell at the top of every chapter in step with the repository URL.

Usage: python scripts/launch_cell.py [--check]

A chapter opened from its Colab launch button runs in a fresh environment without mlebook. So
the first cell of every chapter installs mlebook from the book's repository, but only when it
is not already importable (locally, on Binder and in the tests it is, and the cell does
nothing); when pip fails (offline, or a fork whose URL was not set) it stops with a message
that says so. The cell carries the ``remove-cell`` tag, so the built pages never show it.

The repository URL is set in one place, ``repository.url`` in ``_config.yml``; this script
writes it into the cell of every notebook in ``chapters/``. With ``--check`` it changes
nothing and exits with an error when a chapter's cell is missing or out of date (the tests run
it that way).
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
TAG = "remove-cell"
MARKER = "# Install mlebook when this notebook runs where it is missing"


def repository_url() -> str:
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    url = config["repository"]["url"].rstrip("/")
    if not url.startswith("https://github.com/"):
        raise SystemExit(f"_config.yml: repository.url must be a GitHub URL, not {url!r}")
    return url


#: Chapters that need one of mlebook's optional extras (pyproject.toml), and the modules whose
#: absence says the extra is missing.
EXTRAS = {"14_scale": ("scale", ("dask_ml", "distributed", "jax", "optax"))}


def cell_source(url: str, chapter: str = "") -> str:
    """The cell of ``chapter`` (a notebook's stem), as ruff formats it (tests/test_lint.py
    checks the chapters)."""
    extra, modules = EXTRAS.get(chapter, ("", ()))
    if not extra:
        condition = 'importlib.util.find_spec("mlebook") is None'
        requirement = "mlebook"
    else:
        names = ", ".join(f'"{m}"' for m in ("mlebook", *modules))
        condition = f"any(\n    importlib.util.find_spec(m) is None\n    for m in ({names})\n)"
        requirement = f"mlebook[{extra}]"
    return (
        f"{MARKER} (Colab).\n"
        "import importlib.util\n"
        "import subprocess\n"
        "import sys\n"
        "\n"
        f"if {condition}:\n"
        f'    url = "{url}"\n'
        '    pip = [sys.executable, "-m", "pip", "install", "--quiet"]\n'
        "    try:\n"
        f'        subprocess.run([*pip, f"{requirement} @ git+{{url}}"], check=True)\n'
        "    except subprocess.CalledProcessError:\n"
        "        raise RuntimeError(\n"
        f'            f"could not install {requirement} from {{url}}. It needs a "\n'
        '            "network connection; in a fork, set repository.url in "\n'
        '            "_config.yml and run scripts/launch_cell.py. Or install "\n'
        '            "it from a copy of the book: pip install ./"\n'
        "        ) from None"
    )


def sync(path: Path, url: str, check: bool) -> bool:
    """Make the first cell of `path` the install cell; return whether it was already right."""
    nb = nbformat.read(path, as_version=4)
    first = nb.cells[0] if nb.cells else None
    has_cell = first is not None and first.cell_type == "code" and first.source.startswith(MARKER)
    source = cell_source(url, path.stem)
    right = has_cell and first.source == source and TAG in first.metadata.get("tags", [])
    if right or check:
        return right
    if not has_cell:
        first = nbformat.v4.new_code_cell()
        nb.cells.insert(0, first)
    first.source = source
    first.metadata["tags"] = [TAG]
    first.outputs = []
    nbformat.write(nb, path)
    return False


def main(argv: list[str]) -> int:
    check = "--check" in argv
    url = repository_url()
    stale = [p for p in sorted((ROOT / "chapters").glob("*.ipynb")) if not sync(p, url, check)]
    for path in stale:
        print(f"{path.relative_to(ROOT)}: install cell {'out of date' if check else 'updated'}")
    if stale and not check:
        print("re-execute the updated chapters: make execute")
    return 1 if (check and stale) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
