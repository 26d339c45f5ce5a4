"""Stage the student edition's sources (the book without its solutions) and build them.

:func:`stage` copies into ``OUT/src`` every page listed in ``_toc.yml`` except the
instructor-only pages, stripped of their solutions (:mod:`coursekit.strip`), with
``_config.yml``, ``_ext/``, the bibliography files, ``_static/`` and the non-source files
(images, data) next to the pages. :func:`build` builds the site into ``OUT/html`` with
warnings as errors.

The site needs the MyST directives of its sources; Jupyter, Colab and GitHub show them as raw
text. So the notebooks that students get, :func:`student_notebooks`, are the staged ones in
plain Markdown (:func:`coursekit.fences.to_markdown`): every exercise a heading with its number
on the site, theorems and definitions numbered, references and citations as text, each figure's
caption under it, and the works cited at the end. :func:`write_notebooks` writes them to
``OUT/notebooks`` for distribution, :func:`write_branch` puts them on the student branch (which
the launch buttons open), and :func:`build` serves them from the site's download button.

Notebooks are NOT re-executed: every remaining cell keeps the output stored
in the full edition (which nbval checks), and the main text never depends on a solution, so
nothing in the main text loses its output. The site title says it is the student edition, and
the front page says that the solutions are left out.
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import yaml

from coursekit import fences, toc
from coursekit.paths import ROOT
from coursekit.strip import (
    ANSWER_CLASS,
    IN_THE_NOTEBOOK,
    PLACEHOLDER,
    Solution,
    rewrite_references,
    strip_page,
)

__all__ = [
    "INSTRUCTOR_ONLY",
    "STUDENT_NOTE",
    "stage",
    "collect_solutions",
    "student_notebooks",
    "write_notebooks",
    "write_branch",
    "build",
]

#: Pages written for instructors only; they are left out of the student edition.
INSTRUCTOR_ONLY = ("instructor_guide",)
#: What the student edition's front page says, after its title.
STUDENT_NOTE = """
```{note}
This is the **student edition** of the book. Every chapter and every exercise is here, but
the solutions are not: each exercise ends with *Your answer here* and where to work it. The
chapter notebooks you download from this site are the same, ready for your own answers, and
so is {pdf-edition}`this edition's PDF`.
```
"""
SOURCE_SUFFIXES = (".ipynb", ".md")
#: The repository branch that holds the student edition's sources (write_branch), which its
#: launch buttons open.
STUDENT_BRANCH = "student"
#: What the student branch needs besides the staged pages, for Binder to build its environment
#: (requirements.txt installs the project, ``-e .``) and for a reader to run the chapters.
BRANCH_FILES = ("requirements.txt", "pyproject.toml", "runtime.txt", "mlebook")
BRANCH_README = """# Maximum Likelihood Estimation, executed: student edition

Every chapter of the book, with its exercises and without their solutions; generated from the
default branch by `make student` and published here by the book's workflow. Binder and Colab
open the chapters from this branch.
"""


def collect_solutions(root: Path = ROOT) -> list[Solution]:
    """Every solution of every page listed in the table of contents, from the sources.

    Parameters
    ----------
    root : Path
        The book's root.

    Returns
    -------
    list of Solution
        The solutions, page by page in reading order.
    """
    solutions = []
    for path in toc.book_pages(root):
        solutions += strip_page(path, root)[1]
    return solutions


def _add_student_note(text: str) -> str:
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.startswith("# "):
            return "\n".join(lines[: i + 1] + STUDENT_NOTE.split("\n") + lines[i + 1 :])
    return STUDENT_NOTE + "\n" + text


def _copy_config(src: Path, root: Path) -> dict:
    """Write the student edition's ``_config.yml``, and copy what it needs besides the pages."""
    config = yaml.safe_load((root / "_config.yml").read_text())
    config["title"] = f"{config.get('title', 'The book')} (student edition)"
    config.setdefault("execute", {})["execute_notebooks"] = "off"
    # Its launch buttons (Binder, Colab) open the student notebooks, which the workflow publishes
    # on the repository's branch STUDENT_BRANCH (write_branch); the repository button, which
    # opens the default branch and its solutions, is left out.
    config.setdefault("repository", {})["branch"] = STUDENT_BRANCH
    config.setdefault("html", {})["use_repository_button"] = False
    latex = config.get("latex", {}).get("latex_documents", {})
    if "targetname" in latex:  # the student PDF: mlebook-student.pdf
        latex["targetname"] = f"{Path(latex['targetname']).stem}-student.tex"
    (src / "_config.yml").write_text(
        "# Generated by scripts/student_edition.py from the book's _config.yml.\n"
        + yaml.safe_dump(config, sort_keys=False, allow_unicode=True)
    )
    extras = set(config.get("bibtex_bibfiles", []))
    for ext_dir in (config.get("sphinx", {}).get("local_extensions") or {}).values():
        extras.add(ext_dir)
    for key in ("logo", "favicon"):
        value = config.get(key) or config.get("html", {}).get(key)
        if value:
            extras.add(value)
    extras.add("_static")
    sphinx_config = config.get("sphinx", {}).get("config") or {}
    extras.update(sphinx_config.get("latex_additional_files", []))
    extras.update(sphinx_config.get("templates_path", []))
    extras.add("benchmarks/results")  # what the appendix on performance reads
    for extra in sorted(extras):
        path = root / extra
        if path.is_dir():
            shutil.copytree(path, src / extra, ignore=shutil.ignore_patterns("__pycache__"))
        elif path.is_file():
            (src / extra).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, src / extra)
    return config


def _copy_siblings(path: Path, target: Path, root: Path) -> None:
    """Copy the figures and data next to a page (not those of the repository's root)."""
    if path.parent == root:
        return
    for sibling in path.parent.iterdir():
        if (
            sibling.is_file()
            and not sibling.name.startswith(".")
            and sibling.suffix not in SOURCE_SUFFIXES + (".py", ".pyc")
            and not (target.parent / sibling.name).exists()
        ):
            shutil.copy2(sibling, target.parent / sibling.name)


def stage(
    out: Path, root: Path = ROOT, keep_solutions: bool = False, pages: list[str] | None = None
) -> tuple[list[Path], list[Solution]]:
    """Copy the book's sources into ``out/src``, stripped of their solutions.

    Parameters
    ----------
    out : Path
        The output folder; ``out/src`` is replaced.
    root : Path
        The book's root.
    keep_solutions : bool
        Stage the sources unchanged (to show that the leak check finds solutions when they
        are there).
    pages : list of str, optional
        Restrict the table of contents to these of its top-level entries (the root page is
        always kept).

    Returns
    -------
    staged : list of Path
        The staged pages, root first, in reading order.
    solutions : list of Solution
        The solutions removed.
    """
    src = out / "src"
    if src.exists():
        shutil.rmtree(src)
    src.mkdir(parents=True)
    _copy_config(src, root)

    site = toc.without(toc.load(root), INSTRUCTOR_ONLY)
    if pages is not None:
        site = toc.without(site, set(site.root.child_files()) - set(pages))
    toc.write(site, src / "_toc.yml")

    staged, solutions, stripped = [], [], {}
    for docname in toc.documents(site):
        path = toc.resolve_page(root, docname)
        target = src / path.relative_to(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        _copy_siblings(path, target, root)
        if keep_solutions:
            shutil.copy2(path, target)
        else:
            content, sols = strip_page(path, root)
            stripped[target] = content
            solutions += sols
        staged.append(target)

    removed = set().union(*(s.labels for s in solutions))
    for target, content in stripped.items():
        if target.suffix == ".ipynb":
            for cell in content.cells:
                if cell.cell_type == "markdown":
                    cell.source = rewrite_references(cell.source, removed)
            nbformat.write(content, target)
        else:
            text = rewrite_references(content, removed)
            if target == staged[0]:
                text = _add_student_note(text)
            target.write_text(text)
    return staged, solutions


def _without_front_matter(text: str) -> str:
    if text.startswith("---\n") and "\n---" in text[4:]:
        return text[4:].split("\n---", 1)[1]
    return text


def _figure(cell) -> dict:
    return cell.get("metadata", {}).get("mystnb", {}).get("figure", {}) or {}


def _citations(src: Path):
    """``cite(role, keys)``, the text of a citation as the site shows it (author and year), and
    ``references(keys)``, the works as a Markdown list; from the bibliography at ``src``."""
    from pybtex.backends.markdown import Backend as Markdown
    from pybtex.backends.plaintext import Backend as Plain
    from pybtex.database import BibliographyData, parse_file
    from pybtex.richtext import Text
    from pybtex.style.formatting.plain import Style

    config = yaml.safe_load((src / "_config.yml").read_text()) or {}
    entries = {}
    for name in config.get("bibtex_bibfiles", []):
        entries.update(parse_file(str(src / name)).entries)

    @functools.cache
    def authors(key: str) -> tuple[str, str]:
        entry = entries.get(key)
        if entry is None:
            return key, ""
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        names = [Text.from_latex(" ".join(p.prelast_names + p.last_names)) for p in people]
        names = [name.render(Plain()) for name in names]
        who = f"{names[0]} et al." if len(names) > 2 else " and ".join(names) or key
        return who, entry.fields.get("year", "")

    def cite(role: str, keys: list[str]) -> str:
        found = sorted(authors(key) for key in keys)  # in the site's order, by author and year
        if role in ("cite:t", "cite:ts"):
            return ", ".join(f"{who} [{year}]" if year else who for who, year in found)
        return "[" + ", ".join(f"{who}, {year}" if year else who for who, year in found) + "]"

    formatted = {}
    if entries:
        for entry in Style().format_bibliography(BibliographyData(entries)).entries:
            formatted[entry.key] = " ".join(entry.text.render(Markdown()).split("\n"))

    def references(keys: list[str]) -> list[str]:
        return [f"- {formatted[key]}" for key in dict.fromkeys(keys) if key in formatted]

    return cite, references


_CITE = re.compile(r"\{cite(?::\w+)?\}`([^`]*)`")


def student_notebooks(src: Path) -> dict[Path, nbformat.NotebookNode]:
    """The staged notebooks as students get them: in plain Markdown, with places to work.

    Parameters
    ----------
    src : Path
        The staged sources (``OUT/src``, see :func:`stage`).

    Returns
    -------
    dict of Path to nbformat.NotebookNode
        For each notebook of the table of contents (by its path relative to ``src``), the
        notebook whose markdown cells are plain Markdown (:func:`coursekit.fences.to_markdown`,
        numbered as the site numbers them), whose placeholders say to work in the empty cell
        below, with a markdown cell giving each figure's number and caption after the figure,
        and a last cell listing the works it cites. Code cells and their outputs are unchanged.
    """
    site = toc.load(src)
    numbering = fences.Numbering()
    notebooks = {}
    for docname in toc.documents(site):
        page = toc.resolve_page(src, docname)
        if page.suffix != ".ipynb":
            numbering.scan(_without_front_matter(page.read_text()), docname)
            continue
        nb = notebooks[page] = nbformat.read(page, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                numbering.scan(cell.source, docname)
            elif cell.cell_type == "code" and _figure(cell):
                numbering.figure(_figure(cell).get("name", ""), _figure(cell).get("caption", ""))
    cite, references = _citations(src)
    answer = {ANSWER_CLASS: f"{PLACEHOLDER} {IN_THE_NOTEBOOK}"}
    readable = {}
    for page, nb in notebooks.items():
        cells, level, cited = [], 0, []
        for cell in nb.cells:
            cells.append(cell)
            if cell.cell_type == "markdown":
                cited += [k.strip() for m in _CITE.finditer(cell.source) for k in m[1].split(",")]
                text = fences.to_markdown(cell.source, numbering.targets, cite, answer, level)
                level = fences.heading_level(cell.source, level)
                cell.source = text
            elif cell.cell_type == "code" and _figure(cell):
                figure = numbering.targets.get(_figure(cell).get("name", ""))
                caption = fences.to_markdown(
                    _figure(cell).get("caption", ""), numbering.targets, cite
                )
                name = f"**{figure.name}.** " if figure is not None and figure.number else ""
                cells.append(_markdown_cell(nb, name + caption, f"{cell.get('id', '')}-caption"))
        works = references([k for k in cited if k])
        if works:
            cells.append(_markdown_cell(nb, "\n".join(["## References", "", *works]), "references"))
        nb.cells = cells
        readable[page.relative_to(src)] = nb
    return readable


def _markdown_cell(nb, source: str, cell_id: str):
    """A new markdown cell, with an id that depends on its place only, so that the student
    notebooks are the same file each time they are written."""
    cell = nbformat.v4.new_markdown_cell(source)
    if (nb.nbformat, nb.nbformat_minor) < (4, 5):
        cell.pop("id", None)
    else:
        cell["id"] = cell_id.strip("-")[-64:]
    return cell


def write_notebooks(out: Path, staged: list[Path]) -> list[Path]:
    """Write the student notebooks (:func:`student_notebooks`) to ``out/notebooks``.

    Parameters
    ----------
    out : Path
        The output folder, with the staged sources in ``out/src``; ``out/notebooks`` is
        replaced.
    staged : list of Path
        The staged pages (see :func:`stage`).

    Returns
    -------
    list of Path
        The notebooks written, one for each staged notebook, under its own name.
    """
    folder = out / "notebooks"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    readable = student_notebooks(out / "src")
    written = []
    for page in staged:
        if page.suffix == ".ipynb":
            nbformat.write(readable[page.relative_to(out / "src")], folder / page.name)
            written.append(folder / page.name)
    return written


def write_branch(out: Path, root: Path = ROOT) -> Path:
    """Lay out the student branch in ``out/branch``: the staged sources and what runs them.

    Its notebooks are the student notebooks (:func:`student_notebooks`), which Binder and Colab
    open.

    Parameters
    ----------
    out : Path
        The output folder, with the staged sources in ``out/src`` (see :func:`stage`);
        ``out/branch`` is replaced.
    root : Path
        The book's root, whose package and requirements the branch carries.

    Returns
    -------
    Path
        ``out/branch``, the tree the workflow publishes as the branch :data:`STUDENT_BRANCH`.
    """
    branch = out / "branch"
    if branch.exists():
        shutil.rmtree(branch)
    shutil.copytree(out / "src", branch, ignore=shutil.ignore_patterns("_build", "__pycache__"))
    for rel, nb in student_notebooks(out / "src").items():
        nbformat.write(nb, branch / rel)
    for name in BRANCH_FILES:
        path = root / name
        if path.is_dir():
            shutil.copytree(path, branch / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif path.is_file():
            shutil.copy2(path, branch / name)
    (branch / "README.md").write_text(BRANCH_README)
    # The instructors' tooling stays on the default branch: the project installs mlebook alone.
    project = branch / "pyproject.toml"
    both, alone = 'packages = ["mlebook", "coursekit"]', 'packages = ["mlebook"]'
    text = project.read_text()
    if both not in text:
        raise ValueError(f"pyproject.toml: expected the line {both}")
    project.write_text(text.replace(both, alone))
    return branch


def build(out: Path, strict: bool = True) -> subprocess.CompletedProcess:
    """Build the staged sources in ``out/src`` into ``out/html`` with Jupyter Book.

    The notebooks that the pages' download button serves (``out/html/_sources``) are then
    replaced by the student notebooks (:func:`student_notebooks`).

    Parameters
    ----------
    out : Path
        The output folder; ``out/html`` is replaced when the build succeeds.
    strict : bool
        Treat warnings as errors and resolve every reference (``--warningiserror --nitpick``).

    Returns
    -------
    subprocess.CompletedProcess
        The build's process, with its output captured.
    """
    src = out / "src"
    jb = Path(sys.executable).parent / "jupyter-book"
    cmd = [str(jb), "build", str(src), "--builder", "html", "--keep-going"]
    if strict:
        cmd += ["--warningiserror", "--nitpick"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    html_dir = out / "html"
    if html_dir.exists():
        shutil.rmtree(html_dir)
    if proc.returncode == 0:
        shutil.move(str(src / "_build" / "html"), str(html_dir))
        # The download button serves the page's source: the student notebook instead.
        for rel, nb in student_notebooks(src).items():
            served = html_dir / "_sources" / rel
            if served.exists():
                nbformat.write(nb, served)
    return proc
