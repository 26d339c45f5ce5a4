"""The book as one PDF: what ``make pdf`` runs, and what ``make student`` runs for its PDF.

:func:`build` runs Jupyter Book's LaTeX builder (xelatex through latexmk) on a book's sources
with the outputs stored in the notebooks (the notebooks are not executed again: nbval checks
them), then :func:`problems` reads the LaTeX log and the PDF's text. A reference or citation
left unresolved, printed as "??", or a character missing from the fonts fails the build.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from coursekit.paths import ROOT

__all__ = ["PdfBuild", "build", "problems", "pdf_text"]

# What xelatex writes to its log for a glyph no loaded font has.
MISSING_GLYPH = re.compile(r"^Missing character: There is no .*$", re.MULTILINE)
# LaTeX's and hyperref's unresolved references and citations, as the last run logged them.
UNDEFINED = re.compile(
    r"^(?:LaTeX|Package \w+) Warning: (?:Reference|Citation|Hyper reference) `([^']*)'"
    r" .*?undefined",
    re.MULTILINE,
)
# TeX breaks the lines of its log after 79 characters.
WRAPPED = re.compile(r"^(.{79})\n", re.MULTILINE)


@dataclass
class PdfBuild:
    """One PDF build: the process, the PDF it wrote (or None), and what is wrong with it."""

    process: subprocess.CompletedProcess
    pdf: Path | None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the PDF was written and has no problem."""
        return self.process.returncode == 0 and self.pdf is not None and not self.problems


def pdf_text(pdf: Path) -> str:
    """The text of ``pdf``, as ``pdftotext`` (poppler-utils) extracts it in reading order."""
    if shutil.which("pdftotext") is None:
        raise RuntimeError("pdftotext is missing: install Debian's poppler-utils")
    proc = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    return proc.stdout


def problems(log: str, text: str) -> list[str]:
    """What is wrong with a PDF, from its LaTeX ``log`` and its extracted ``text``.

    Parameters
    ----------
    log : str
        The log of the last xelatex run.
    text : str
        The PDF's text (:func:`pdf_text`).

    Returns
    -------
    list of str
        One line per problem: each missing glyph, each unresolved reference or citation, and
        each place where "??" was printed. Empty when there is none.
    """
    log = WRAPPED.sub(r"\1", log)
    found = [f"missing glyph: {m}" for m in sorted(set(MISSING_GLYPH.findall(log)))]
    found += [f"unresolved reference: {label}" for label in sorted(set(UNDEFINED.findall(log)))]
    for line in text.splitlines():
        if "??" in line:
            found.append(f'"??" printed in: {line.strip()[:120]}')
    return found


def _config(book: Path, out: Path) -> Path:
    """The book's ``_config.yml`` with execution off and its extension folders made absolute."""
    config = yaml.safe_load((book / "_config.yml").read_text())
    config.setdefault("execute", {})["execute_notebooks"] = "off"
    sphinx = config.setdefault("sphinx", {})
    extensions = sphinx.get("local_extensions") or {}
    sphinx["local_extensions"] = {k: str((book / v).resolve()) for k, v in extensions.items()}
    path = out / "_config.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
    return path


def build(book: Path = ROOT, out: Path | None = None) -> PdfBuild:
    """Build ``book`` as a PDF into ``out/_build/latex`` and check it.

    Parameters
    ----------
    book : Path
        The book's root (its ``_config.yml`` and ``_toc.yml``).
    out : Path, optional
        The output folder (default ``book/_build/pdf``); the PDF is
        ``out/_build/latex/<latex_documents.targetname>.pdf``.

    Returns
    -------
    PdfBuild
    """
    book = Path(book).resolve()
    out = Path(out).resolve() if out is not None else book / "_build" / "pdf"
    out.mkdir(parents=True, exist_ok=True)
    config = _config(book, out)
    target = yaml.safe_load(config.read_text())["latex"]["latex_documents"]["targetname"]
    jb = Path(sys.executable).parent / "jupyter-book"
    cmd = [str(jb), "build", str(book), "--builder", "pdflatex", "--config", str(config)]
    cmd += ["--path-output", str(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    latex = out / "_build" / "latex"
    pdf = latex / Path(target).with_suffix(".pdf")
    if proc.returncode != 0 or not pdf.exists():
        return PdfBuild(proc, None, ["the LaTeX build failed; see its output"])
    log = (latex / Path(target).with_suffix(".log")).read_text(errors="replace")
    return PdfBuild(proc, pdf, problems(log, pdf_text(pdf)))


def main(argv: list[str] | None = None) -> int:
    """``make pdf``: build the full edition; the PDF is ``_build/pdf/NAME.pdf``."""
    result = build()
    if result.pdf is None:
        print(result.process.stdout[-5000:], result.process.stderr[-5000:], sep="\n")
    for problem in result.problems:
        print(problem, file=sys.stderr)
    if not result.ok:
        print("the PDF edition did not build cleanly", file=sys.stderr)
        return 1
    final = ROOT / "_build" / "pdf" / result.pdf.name
    shutil.copy2(result.pdf, final)
    print(f"wrote {final.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
