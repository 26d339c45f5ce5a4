"""The chapters' prose speaks mathematics, not the book's machinery: the phrases a rigor pass
removed (narrating the code, the cells, the package's tests or the stored outputs) stay out."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))

#: Each phrase, and why it does not belong in a chapter's text.
MACHINERY = {
    r"the code uses the book's helper package": "the front page says it once",
    r"the cell (asserts|checks|verifies)": "the code is the evidence; say what it shows",
    r"the assertion\b|\(asserted\)": "state the result, not the assertion",
    r"the package's tests": "the chapter's own evidence is what the reader sees",
    r"stored outputs?": "a remark about how the notebook is kept, not about mathematics",
}


def _markdown(path: Path) -> str:
    cells = json.loads(path.read_text())["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def test_the_phrases_are_found_where_they_occur():
    text = "Every change is non-negative (the cell asserts it, and so do the package's tests)."
    found = [p for p in MACHINERY if re.search(p, text, flags=re.IGNORECASE)]
    assert found == [r"the cell (asserts|checks|verifies)", r"the package's tests"]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_no_chapter_narrates_the_machinery(path):
    text = _markdown(path)
    found = {
        m.group(0): why
        for pattern, why in MACHINERY.items()
        for m in re.finditer(pattern, text, flags=re.IGNORECASE)
    }
    assert not found, found
