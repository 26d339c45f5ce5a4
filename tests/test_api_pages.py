"""The API reference pages are the ones scripts/api_pages.py writes from the package, and the
table of contents lists every one of them."""

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _api_pages():
    """scripts/api_pages.py, imported (in the test's own process: the package is loaded)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import api_pages
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    return api_pages


def test_the_api_pages_are_up_to_date():
    stale = [
        path.relative_to(ROOT).as_posix()
        for path, text in _api_pages().pages().items()
        if not path.exists() or path.read_text() != text
    ]
    assert not stale, f"out of date (run scripts/api_pages.py): {stale}"


def test_every_module_page_is_in_the_table_of_contents_in_order():
    MODULES = _api_pages().MODULES
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    api = next(
        entry for part in toc["parts"] for entry in part["chapters"] if entry["file"] == "api/index"
    )
    assert [s["file"] for s in api["sections"]] == [f"api/{m}" for m in MODULES]
