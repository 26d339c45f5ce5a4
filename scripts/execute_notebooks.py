"""Re-execute notebooks in place, top to bottom, each in a fresh kernel (`make execute`).

Usage: python scripts/execute_notebooks.py [NOTEBOOK ...]
(default: chapters/*.ipynb, appendix/*.ipynb)

Timing metadata is not recorded, so a re-run changes a notebook's file only where its outputs
change. A notebook whose execution raises, or whose outputs contain a warning printed to
stderr, is reported and the script exits with an error.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]


def execute(path: Path) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    client = NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    nbformat.write(nb, path)
    return [
        f"{path.name}: a cell writes to stderr: {''.join(o.get('text', ''))[:200]!r}"
        for cell in nb.cells
        if cell.cell_type == "code"
        for o in cell.outputs
        if o.get("name") == "stderr"
    ]


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or [
        p for folder in ("chapters", "appendix") for p in sorted((ROOT / folder).glob("*.ipynb"))
    ]
    problems = []
    for path in paths:
        print(f"executing {path}", flush=True)
        problems += execute(path)
    for p in problems:
        print("PROBLEM:", p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
