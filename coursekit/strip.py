"""Remove the exercise solutions from a notebook or a markdown page.

Two forms of solution are recognized (see :mod:`coursekit.fences`), in notebooks' markdown cells
and in ``.md`` pages:

- the gated form of sphinx-exercise: a ``{solution-start} LABEL`` directive, then any number of
  markdown text and code cells, then a ``{solution-end}`` directive. The markers may sit at the
  start, the middle or the end of a markdown cell;
- a plain ``{solution} LABEL`` directive, whose body is the solution.

Each removed solution leaves a placeholder: the paragraph "**Your answer here.**", which says
where to work the exercise (:data:`WHERE_TO_WORK`), becomes the last block of the exercise's
own box (a ``{container}`` of class :data:`ANSWER_CLASS` appended to the exercise directive),
and in a notebook an empty code cell follows where the solution was (tagged ``remove-cell``, so
the site shows only the sentence while the downloaded notebook has a cell to type in). A
solution whose exercise is not on the page leaves the paragraph where it was instead.
References from the remaining text to labels defined inside a solution (its own ``:label:``,
equations, figures, ``(target)=``) are rewritten to plain text (:func:`rewrite_references`),
so the nitpicky build has nothing dangling.
"""

from __future__ import annotations

import base64
import copy
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from coursekit import fences
from coursekit.paths import ROOT

__all__ = [
    "PLACEHOLDER",
    "ANSWER_CLASS",
    "WHERE_TO_WORK",
    "IN_THE_NOTEBOOK",
    "Solution",
    "strip_page",
    "strip_notebook",
    "strip_markdown_page",
    "rewrite_references",
    "cell_outputs",
]

PLACEHOLDER = "**Your answer here.**"
#: The class of the placeholder's box inside the exercise's (styled by _static/student.css).
ANSWER_CLASS = "answer-placeholder"
#: What the placeholder says on the site and in the PDF, after :data:`PLACEHOLDER`.
WHERE_TO_WORK = (
    "Work this exercise in the chapter's notebook, in the empty cell below the exercise: "
    "download the notebook with the download button at the top of the chapter's page, or open "
    "it in Binder or Colab with the rocket button."
)
#: What it says in the student notebooks instead, right above that empty cell.
IN_THE_NOTEBOOK = (
    "Write it in the empty cell below, and add cells as you need: code cells for "
    "computations, Markdown cells for words and mathematics."
)

_ROLE = re.compile(r"\{(?P<role>ref|numref|eq|prf:ref|doc)\}`(?P<body>[^`]+)`")
_MD_LINK = re.compile(r"\[(?P<text>[^\]]+)\]\(#(?P<label>[^)\s]+)\)")
_TEXT_MIMES = ("text/plain", "text/markdown", "text/latex", "text/html", "image/svg+xml")


@dataclass
class Solution:
    """One removed solution: where it was, what it said, and what it defined.

    Attributes
    ----------
    source : str
        The page, relative to the book's root.
    label : str
        The exercise it solves (or its own label).
    chunks : list of str
        Its markdown text, its code and its printed outputs.
    images : list of bytes
        The decoded images of its outputs.
    labels : set of str
        The labels defined inside it.
    has_code : bool
        Whether it contains code.
    """

    source: str
    label: str
    chunks: list[str] = field(default_factory=list)
    images: list[bytes] = field(default_factory=list)
    labels: set[str] = field(default_factory=set)
    has_code: bool = False

    def add_text(self, text: str) -> None:
        """Add a chunk of the solution's text, unless it is blank."""
        if text.strip():
            self.chunks.append(text)


def cell_outputs(cell: dict) -> tuple[list[str], list[bytes]]:
    """What a notebook cell's outputs show.

    Parameters
    ----------
    cell : dict
        A notebook cell (an ``nbformat`` node or its JSON).

    Returns
    -------
    texts : list of str
        Its streams and its plain, markdown, LaTeX, HTML and SVG outputs.
    images : list of bytes
        Its raster images, decoded.
    """
    texts, images = [], []
    for out in cell.get("outputs", []):
        if "text" in out:
            texts.append(out["text"] if isinstance(out["text"], str) else "".join(out["text"]))
        for mime, data in out.get("data", {}).items():
            payload = data if isinstance(data, str) else "".join(data)
            if mime.startswith("image/") and mime != "image/svg+xml":
                images.append(base64.b64decode(payload))
            elif mime in _TEXT_MIMES:
                texts.append(payload)
    return texts, images


def _cell_labels(cell) -> set[str]:
    meta = cell.get("metadata", {})
    found = set()
    for key in ("figure", "image"):
        name = meta.get("mystnb", {}).get(key, {}).get("name")
        if name:
            found.add(name)
    if meta.get("name"):
        found.add(meta["name"])
    return found | fences.labels_defined(cell.get("source", ""))


def _trim(lines: list[str]) -> list[str]:
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return lines


def _new_cell(nb, kind: str, source: str, tags=()):
    cell = (nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell)(
        source
    )
    if tags:
        cell.metadata["tags"] = list(tags)
    if (nb.nbformat, nb.nbformat_minor) < (4, 5):
        cell.pop("id", None)
    return cell


def _placeholder_cells(nb, attached: bool) -> list:
    """The cells a solution leaves: an empty code cell, after the placeholder unless the
    exercise's box holds it."""
    cells = [] if attached else [_new_cell(nb, "markdown", PLACEHOLDER)]
    return cells + [_new_cell(nb, "code", "", tags=["remove-cell"])]


def _attach(text: str, label: str) -> str | None:
    """The text with the placeholder appended to the exercise ``label``, or None if the text
    does not hold that exercise."""
    body = [f"{PLACEHOLDER} {WHERE_TO_WORK}"]
    return fences.append_directive(text, "exercise", label, f"{{container}} {ANSWER_CLASS}", body)


def _attach_to_lines(lines: list[str], label: str) -> bool:
    """Append the placeholder to the exercise ``label`` in ``lines``; whether it was found."""
    new = _attach("\n".join(lines), label)
    if new is not None:
        lines[:] = new.split("\n")
    return new is not None


def _attach_to_cells(kept: list[str], cells: list, label: str) -> bool:
    """Append the placeholder to the exercise ``label``, in the lines of the current cell so
    far or in an earlier markdown cell; whether it was found."""
    if _attach_to_lines(kept, label):
        return True
    for cell in reversed(cells):
        if cell.cell_type == "markdown" and (new := _attach(cell.source, label)) is not None:
            cell.source = new
            return True
    return False


def strip_notebook(
    nb: nbformat.NotebookNode, source: str = ""
) -> tuple[nbformat.NotebookNode, list[Solution]]:
    """A copy of a notebook without its solutions, and the solutions removed.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The notebook (left unchanged).
    source : str
        Its path relative to the book's root, for the solutions and the error messages.

    Returns
    -------
    notebook : nbformat.NotebookNode
        The copy, with a placeholder where each solution was.
    solutions : list of Solution
        The solutions removed, in order.

    Raises
    ------
    ValueError
        If the solution markers are unbalanced (the message names the page).
    """
    nb = copy.deepcopy(nb)
    cells, solutions = [], []
    current: Solution | None = None
    attached = False

    for cell in nb.cells:
        if cell.cell_type != "markdown":
            if current is None:
                cells.append(cell)
                continue
            current.has_code = current.has_code or cell.cell_type == "code"
            current.add_text(cell.source)
            texts, images = cell_outputs(cell)
            for t in texts:
                current.add_text(t)
            current.images += images
            current.labels |= _cell_labels(cell)
            continue

        kept: list[str] = []
        in_solution_text: list[str] = []

        def flush(cell=cell):
            nonlocal kept
            text = "\n".join(_trim(kept))
            if text.strip():
                new = copy.deepcopy(cell)
                new.source = text
                if "id" in new and any(c.get("id") == new["id"] for c in cells):
                    new["id"] = nbformat.v4.new_markdown_cell()["id"]  # a second piece
                cells.append(new)
            kept = []

        for piece in fences.split(cell.source):
            directive = piece.directive
            if piece.kind == "text":
                (kept if current is None else in_solution_text).extend(piece.lines)
            elif piece.kind == "start":
                if current is not None:
                    raise ValueError(
                        f"{source}: solution-start {directive.label!r} inside the solution "
                        f"of {current.label!r} (missing solution-end?)"
                    )
                current = Solution(source, directive.label, labels=directive.labels)
                in_solution_text = []
                attached = _attach_to_cells(kept, cells, directive.label)
            elif piece.kind == "end":
                if current is None:
                    raise ValueError(f"{source}: solution-end without a solution-start")
                region = "\n".join(in_solution_text)
                current.add_text(region)
                current.labels |= fences.labels_defined(region)
                solutions.append(current)
                flush()
                cells.extend(_placeholder_cells(nb, attached))
                current, in_solution_text = None, []
            else:  # a plain {solution} directive
                if current is not None:
                    raise ValueError(
                        f"{source}: a solution directive inside the solution of {current.label!r}"
                    )
                sol = Solution(source, directive.label, labels=directive.labels)
                sol.add_text("\n".join(directive.body))
                solutions.append(sol)
                if not _attach_to_cells(kept, cells, directive.label):
                    kept.extend(["", PLACEHOLDER, ""])
        if current is not None:
            region = "\n".join(in_solution_text)
            current.add_text(region)
            current.labels |= fences.labels_defined(region)
        flush()

    if current is not None:
        raise ValueError(f"{source}: the solution of {current.label!r} has no solution-end")
    nb.cells = cells
    return nb, solutions


def strip_markdown_page(text: str, source: str = "") -> tuple[str, list[Solution]]:
    """A markdown page without its solutions (both forms), and the solutions removed.

    Parameters
    ----------
    text : str
        The page's MyST markdown.
    source : str
        Its path relative to the book's root, for the solutions and the error messages.

    Returns
    -------
    text : str
        The page, with a placeholder in each exercise whose solution was removed (or where
        the solution was, if its exercise is not on the page) and, in a MyST notebook, an
        empty code cell where the solution was.
    solutions : list of Solution
        The solutions removed, in order.

    Raises
    ------
    ValueError
        If the solution markers are unbalanced (the message names the page).
    """
    out: list[str] = []
    solutions: list[Solution] = []
    current: Solution | None = None
    region: list[str] = []
    attached = False
    myst_notebook = text.startswith("---") and "kernelspec" in text.split("\n---", 1)[0]
    for piece in fences.split(text):
        directive = piece.directive
        if piece.kind == "text":
            (out if current is None else region).extend(piece.lines)
        elif piece.kind == "start":
            if current is not None:
                raise ValueError(
                    f"{source}: solution-start inside the solution of {current.label!r}"
                )
            current = Solution(source, directive.label, labels=directive.labels)
            region = []
            attached = _attach_to_lines(out, directive.label)
        elif piece.kind == "end":
            if current is None:
                raise ValueError(f"{source}: solution-end without a solution-start")
            region_text = "\n".join(region)
            current.has_code = any(d.name == "code-cell" for d in fences.directives(region_text))
            current.add_text(region_text)
            current.labels |= fences.labels_defined(region_text)
            solutions.append(current)
            if not attached:
                out.extend(["", PLACEHOLDER, ""])
            if myst_notebook:
                out.extend(["", "```{code-cell} ipython3", ":tags: [remove-cell]", "", "```", ""])
            current = None
        else:
            if current is not None:
                raise ValueError(f"{source}: a solution directive inside a solution")
            sol = Solution(source, directive.label, labels=directive.labels)
            sol.add_text("\n".join(directive.body))
            solutions.append(sol)
            if not _attach_to_lines(out, directive.label):
                out.extend(["", PLACEHOLDER, ""])
    if current is not None:
        raise ValueError(f"{source}: the solution of {current.label!r} has no solution-end")
    return "\n".join(out), solutions


def strip_page(path: Path, root: Path = ROOT) -> tuple[nbformat.NotebookNode | str, list[Solution]]:
    """Strip one page of the book, a notebook or a markdown page.

    Parameters
    ----------
    path : Path
        The page.
    root : Path
        The book's root, which the solutions' ``source`` is relative to.

    Returns
    -------
    content : nbformat.NotebookNode or str
        The stripped notebook, or the stripped markdown text.
    solutions : list of Solution
        The solutions removed.
    """
    rel = path.relative_to(root).as_posix()
    if path.suffix == ".ipynb":
        return strip_notebook(nbformat.read(path, as_version=4), rel)
    return strip_markdown_page(path.read_text(), rel)


def rewrite_references(text: str, removed: set[str]) -> str:
    """Turn references to labels that only existed inside solutions into plain text.

    Parameters
    ----------
    text : str
        MyST markdown.
    removed : set of str
        The labels defined inside the removed solutions.

    Returns
    -------
    str
        The text, where a role (``{ref}``, ``{numref}``, ``{eq}``, ``{prf:ref}``, ``{doc}``)
        or a ``[text](#label)`` link to a removed label is replaced by its title, or by
        "a solution in the full edition".
    """
    if not removed:
        return text

    def role(m):
        body = m.group("body")
        explicit = re.match(r"^(?P<title>.*?)\s*<(?P<label>[^<>]+)>$", body, flags=re.S)
        label = explicit.group("label") if explicit else body
        if label.strip() not in removed:
            return m.group(0)
        if explicit and explicit.group("title").strip():
            return explicit.group("title").strip()
        return "a solution in the full edition"

    text = _ROLE.sub(role, text)
    return _MD_LINK.sub(
        lambda m: m.group("text") if m.group("label") in removed else m.group(0), text
    )
