"""The API reference pages are the ones scripts/api_pages.py writes from the package, and the
table of contents lists every one of them."""

import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_the_api_pages_are_up_to_date():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "api_pages.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_every_module_page_is_in_the_table_of_contents_in_order():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from api_pages import MODULES
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    api = next(
        entry for part in toc["parts"] for entry in part["chapters"] if entry["file"] == "api/index"
    )
    assert [s["file"] for s in api["sections"]] == [f"api/{m}" for m in MODULES]
