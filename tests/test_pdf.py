"""The PDF editions: the whole book (``make pdf``) and the student edition (``make student``).

Each is built once per run with TeX, which takes a few minutes, so these tests are not part of
``make test``: ``make test-slow`` runs them, and CI runs it after ``make test``. Without TeX
they are skipped, unless MLEBOOK_REQUIRE_TEX=1 (as in CI), when its absence is a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest
import yaml

from coursekit import leaks, pdf, stage

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))
from pdf_edition import pdf_name  # noqa: E402

pytestmark = pytest.mark.slow
TEX_PROGRAMS = ("xelatex", "latexmk", "pdftotext")


def _require_tex():
    missing = [p for p in TEX_PROGRAMS if shutil.which(p) is None]
    if not missing:
        return
    message = (
        f"{', '.join(missing)} not found: install TeX Live and poppler-utils as README.md says"
    )
    if os.environ.get("MLEBOOK_REQUIRE_TEX") == "1":
        pytest.fail(f"{message}; MLEBOOK_REQUIRE_TEX=1 requires them")
    pytest.skip(message)


@pytest.fixture(scope="session")
def full(shared):
    """The whole book as a PDF, built as ``make pdf`` builds it: (PdfBuild, its text)."""
    _require_tex()

    def make(out):
        result = pdf.build(ROOT, out)
        return result, pdf.pdf_text(result.pdf) if result.pdf else ""

    return shared("pdf-full", make)


@pytest.fixture(scope="session")
def student(shared):
    """The student edition's PDF, built as ``make student`` builds it: (PdfBuild, staged)."""
    _require_tex()

    def make(out):
        staged, _solutions = stage.stage(out)
        return pdf.build(out / "src", out / "pdf"), staged

    return shared("pdf-student", make)


def _built(result):
    if result.pdf is None:
        tail = result.process.stdout[-4000:] + result.process.stderr[-4000:]
        pytest.fail(f"the PDF did not build:\n{tail}")
    return result.pdf


def chapter_notebooks() -> list[Path]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = []
    for part in toc["parts"]:
        files += [ROOT / f"{c['file']}.ipynb" for c in part["chapters"]]
    return [f for f in files if f.exists()]


def title(notebook: Path) -> str:
    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type == "markdown":
            for line in cell.source.split("\n"):
                if line.startswith("# "):
                    return line[2:].strip()
    raise AssertionError(f"{notebook.name} has no title")


def figure_outputs(notebook: Path) -> list[dict]:
    """The figures a notebook's cells output (each figure's data, by MIME type)."""
    return [
        output["data"]
        for cell in nbformat.read(notebook, as_version=4).cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if "image/png" in output.get("data", {})
    ]


def embedded_figures(path: Path) -> tuple[int, int]:
    """(raster images, vector drawings) that the PDF's pages place, each counted once."""
    from pypdf import PdfReader

    images, forms = set(), set()
    for page in PdfReader(path).pages:
        xobjects = (page.get("/Resources") or {}).get("/XObject") or {}
        for ref in xobjects.values():
            kind = ref.get_object().get("/Subtype")
            key = getattr(ref, "idnum", id(ref))
            (images if kind == "/Image" else forms if kind == "/Form" else set()).add(key)
    return len(images), len(forms)


def normal(text: str) -> str:
    """Lower case, with hyphenation at line ends undone and runs of white space made one."""
    return re.sub(r"\s+", " ", re.sub(r"-\n", "", text)).lower()


def test_the_full_edition_builds_without_unresolved_references_or_missing_glyphs(full):
    result, _text = full
    _built(result)
    assert result.process.returncode == 0
    assert result.problems == [], "\n".join(result.problems)


def test_the_pdf_has_a_title_page_contents_every_chapter_and_the_bibliography(full):
    result, text = full
    _built(result)
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    pages = text.split("\f")
    assert normal(config["title"]) in normal(pages[0]), "no title page"
    contents = normal("\n".join(pages[1:8]))
    assert "contents" in contents
    body = normal(text)
    for notebook in chapter_notebooks():
        name = normal(title(notebook))
        assert name in contents, f"{notebook.name}: {name!r} is not in the table of contents"
        assert body.count(name) >= 2, f"{notebook.name}: no chapter titled {name!r}"
    # The bibliography, with the entries the chapters cite.
    assert "bibliography" in contents
    for author in ("robbins", "casella", "dempster", "wilks"):
        assert author in body, f"no bibliography entry by {author}"


def test_equations_theorems_definitions_exercises_and_solutions_are_numbered(full):
    result, text = full
    _built(result)
    body = normal(text)
    for numbered in ("(1.1)", "(2.1)", "(12.1)", "fig. 1.1", "definition 1 ", "theorem 1 "):
        assert numbered in body, numbered
    exercises = len(re.findall(r"exercise \d+ \(", body))
    solutions = len(re.findall(r"solution to exercise \d+", body))
    assert exercises >= 3 * len(chapter_notebooks()), exercises
    assert solutions >= 40, "the full edition carries the solutions"


def test_every_figure_is_embedded_as_vector_graphics_where_the_notebook_has_one(full):
    result, _text = full
    path = _built(result)
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    notebooks = [ROOT / f"{c['file']}.ipynb" for part in toc["parts"] for c in part["chapters"]]
    figures = [f for nb in notebooks if nb.exists() for f in figure_outputs(nb)]
    vector = sum("application/pdf" in f for f in figures)
    images, forms = embedded_figures(path)
    assert images + forms == len(figures), (images, forms, len(figures))
    assert forms == vector, f"{vector} figures have a PDF version, {forms} are drawn as vectors"


def test_the_site_links_the_pdf_by_the_name_the_build_gives_it(full):
    result, _text = full
    path = _built(result)
    target = yaml.safe_load((ROOT / "_config.yml").read_text())["latex"]["latex_documents"]
    config = SimpleNamespace(latex_documents=[("intro", target["targetname"])])
    assert pdf_name(config) == path.name == "mlebook.pdf"


def test_the_student_pdf_builds_and_holds_no_solution(student, full):
    result, staged = student
    path = _built(result)
    assert result.problems == [], "\n".join(result.problems)
    assert path.name == "mlebook-student.pdf"
    originals = [
        s for s in stage.collect_solutions(ROOT) if Path(s.source).stem not in stage.INSTRUCTOR_ONLY
    ]
    allowed = leaks.kept_ngrams(staged, ROOT)
    folder = path.parent / "only-the-pdf"
    folder.mkdir(exist_ok=True)
    shutil.copy2(path, folder / path.name)
    found = leaks.find_leaks([folder], originals, allowed)
    assert not found, [leak.what for leak in found][:10]
    assert "your answer here" in normal(pdf.pdf_text(path))
    # The same check finds the solutions in the full edition's PDF, so it can fail.
    full_result, _ = full
    other = full_result.pdf.parent / "only-the-pdf"
    other.mkdir(exist_ok=True)
    shutil.copy2(full_result.pdf, other / full_result.pdf.name)
    in_full = {leak.what.split(":")[0] for leak in leaks.find_leaks([other], originals, allowed)}
    checkable = [s for s in originals if leaks.distinctive_ngrams(s, allowed)]
    assert len(in_full) >= 0.9 * len(checkable), (len(in_full), len(checkable))


def test_problems_are_found_in_a_log_and_a_text():
    log = (
        "Missing character: There is no \u2a01 in font lmroman10-regular!\n"
        "LaTeX Warning: Reference `chapters/09_map:ex-ch9-gaussian-mean' on page 208 undefined"
        " on input line 14549.\n"
        "Package natbib Warning: Citation `nobody2026' on page 3 undefined on input line 7.\n"
    )
    found = pdf.problems(log, "a line\nsee equation (??) of chapter 2\n")
    assert any(p.startswith("missing glyph") for p in found)
    assert "unresolved reference: chapters/09_map:ex-ch9-gaussian-mean" in found
    assert "unresolved reference: nobody2026" in found
    assert any("equation (??)" in p for p in found)
    assert pdf.problems("all fine", "no question marks") == []
