"""The leak check: no word of any solution, and no solution marker, in the student edition.

The text of every solution, collected from the original sources, is cut into sequences of
:data:`NGRAM` consecutive words; those that the student edition rightly keeps (its own pages,
the source of mlebook that the API reference shows) are set aside, and every file of the built
edition is searched for the rest, for the images that solutions output, and for the
:data:`MARKERS` of solutions. A leak is an error.
"""

from __future__ import annotations

import base64
import hashlib
import html
import html.parser
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from coursekit.paths import ROOT
from coursekit.stage import STUDENT_NOTE
from coursekit.strip import IN_THE_NOTEBOOK, PLACEHOLDER, WHERE_TO_WORK, Solution, cell_outputs

__all__ = [
    "MARKERS",
    "NGRAM",
    "Leak",
    "tokens",
    "ngrams",
    "readable_text",
    "kept_ngrams",
    "distinctive_ngrams",
    "find_leaks",
]

#: Strings that betray a solution (or its machinery) in a built site.
MARKERS = ("solution-start", "solution-end", "{solution}", 'class="solution', "Solution to")
#: Length of the word sequences compared by the leak check.
NGRAM = 6


@dataclass
class Leak:
    """A leak: the file, and what of a solution it contains."""

    path: Path
    what: str


def tokens(text: str) -> list[str]:
    """The words and numbers of a text, lower-cased: what survives any markup around them.

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    list of str
        Its runs of letters, digits and underscores, in order.
    """
    return re.findall(r"[a-z0-9_]+", text.lower())


def ngrams(words: list[str], n: int = NGRAM) -> set[tuple[str, ...]]:
    """The sequences of ``n`` consecutive words of ``words``.

    Parameters
    ----------
    words : list of str
        Words, as :func:`tokens` gives them.
    n : int
        The length of the sequences.

    Returns
    -------
    set of tuple of str
        The distinct sequences.
    """
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


class _TextExtractor(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)


def readable_text(path: Path) -> str:
    """A file's text as a reader (or a search engine) would see it.

    Parameters
    ----------
    path : Path
        Any file.

    Returns
    -------
    str
        Its raw text, followed for HTML by its visible text, and for a notebook by the
        sources and outputs of its cells; for a PDF, the text ``pdftotext`` extracts.
    """
    if path.suffix == ".pdf":
        from coursekit.pdf import pdf_text

        # NFKC turns the math fonts' letters (U+1D44E, ...) into plain ones, so that a formula
        # stays words, as in the sources, rather than vanishing from between them.
        return unicodedata.normalize("NFKC", pdf_text(path))
    text = path.read_bytes().decode("utf-8", errors="ignore")
    if path.suffix in (".html", ".htm"):
        parser = _TextExtractor()
        parser.feed(text)
        return text + "\n" + html.unescape("\n".join(parser.parts))
    if path.suffix == ".ipynb":
        try:
            nb = json.loads(text)
            parts = []
            for cell in nb.get("cells", []):
                src = cell.get("source", "")
                parts.append(src if isinstance(src, str) else "".join(src))
                parts += cell_outputs(cell)[0]
            return text + "\n" + "\n".join(parts)
        except (ValueError, AttributeError):
            return text
    return text


def kept_ngrams(pages: list[Path], root: Path = ROOT) -> set[tuple[str, ...]]:
    """Word sequences of the student edition's own sources (which may rightly appear).

    Parameters
    ----------
    pages : list of Path
        The student edition's staged pages.
    root : Path
        The book's root: the source of its ``mlebook`` package, which the API reference shows
        in full, is kept too.

    Returns
    -------
    set of tuple of str
        The sequences of :data:`NGRAM` words of those texts, and of the placeholder (as the
        site and the student notebooks word it) and the front page's note.
    """
    found = set()
    for kept in (PLACEHOLDER, WHERE_TO_WORK, IN_THE_NOTEBOOK, STUDENT_NOTE):
        found |= ngrams(tokens(f"{PLACEHOLDER} {kept}"))
    package = sorted((root / "mlebook").glob("*.py"))
    for page in [*pages, *package]:
        found |= ngrams(tokens(readable_text(page)))
    return found


def distinctive_ngrams(solution: Solution, allowed: set) -> set[tuple[str, ...]]:
    """The word sequences of a solution that the student edition does not otherwise contain.

    Parameters
    ----------
    solution : Solution
        A solution.
    allowed : set
        The sequences the edition keeps (:func:`kept_ngrams`).

    Returns
    -------
    set of tuple of str
        The solution's sequences of :data:`NGRAM` words, less ``allowed``.
    """
    found = set()
    for chunk in solution.chunks:
        found |= ngrams(tokens(chunk))
    return found - allowed


def find_leaks(folders: list[Path], solutions: list[Solution], allowed: set) -> list[Leak]:
    """Search every file under ``folders`` for the solutions and for the solution markers.

    A solution is found in a file when any sequence of :data:`NGRAM` consecutive words of the
    solution (its markdown text, its code or its printed output), that does not also occur in
    the text the edition keeps (``allowed``), occurs in the file's text; HTML is compared by
    its visible text and notebooks by their cells, so markup and syntax highlighting hide
    nothing. The images that solutions output are compared byte for byte, and as base64 text.

    Parameters
    ----------
    folders : list of Path
        The folders to search, recursively.
    solutions : list of Solution
        The solutions, collected from the original sources.
    allowed : set
        The word sequences the edition keeps (:func:`kept_ngrams`).

    Returns
    -------
    list of Leak
        Every find, file by file.
    """
    wanted = {}
    for sol in solutions:
        for gram in distinctive_ngrams(sol, allowed):
            wanted.setdefault(gram, sol)
    image_hashes = {hashlib.sha256(img).hexdigest(): sol for sol in solutions for img in sol.images}
    image_b64 = {
        base64.b64encode(img).decode()[64:192]: sol for sol in solutions for img in sol.images
    }
    leaks = []
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            if digest in image_hashes:
                sol = image_hashes[digest]
                leaks.append(Leak(path, f"an image output by the solution of {sol.label}"))
                continue
            text = readable_text(path)
            for marker in MARKERS:
                if marker in text:
                    leaks.append(Leak(path, f"the marker {marker!r}"))
            for b64, sol in image_b64.items():
                if b64 in text:
                    leaks.append(Leak(path, f"an image output by the solution of {sol.label}"))
            hits = {}
            for gram in ngrams(tokens(text)) & wanted.keys():
                hits.setdefault(wanted[gram].label, " ".join(gram))
            for label, sample in sorted(hits.items()):
                leaks.append(Leak(path, f"text of the solution of {label}: '{sample}'"))
    return leaks


class _Links(html.parser.HTMLParser):
    """The targets of a page's links and embedded resources (href, src)."""

    def __init__(self):
        super().__init__()
        self.targets = []

    def handle_starttag(self, tag, attrs):
        self.targets += [v for k, v in attrs if k in ("href", "src") and v]


def find_link_leaks(site: Path, branch: Path, repository: str, branch_name: str) -> list[Leak]:
    """Follow every link of a student site out to the repository, and report those that reach
    anything but the student branch's files.

    A link into the repository, directly (``github.com/OWNER/REPO/...``) or through Binder or
    Colab, must name the student branch and a file that exists on it (``branch``, whose files
    :func:`find_leaks` checks like the site's); a link to the repository's home page, to
    another branch, or to a file the branch lacks reaches the full edition and its solutions.
    Links within the site reach its own files, which :func:`find_leaks` reads.

    Parameters
    ----------
    site : Path
        The student site's HTML folder.
    branch : Path
        The student branch's files (see :func:`coursekit.stage.write_branch`).
    repository : str
        The repository's URL, ``https://github.com/OWNER/REPO``.
    branch_name : str
        The student branch's name.

    Returns
    -------
    list of Leak
        One per page and link that leaves the student edition.
    """
    slug = repository.rstrip("/").removeprefix("https://github.com/")
    routes = [
        re.compile(rf"^https://github\.com/{re.escape(slug)}(?:/(?:blob|tree)/([^/]+)/([^?#]*))?"),
        re.compile(
            rf"^https://mybinder\.org/v2/gh/{re.escape(slug)}/([^/?]+)\?urlpath=lab/tree/(.*)"
        ),
        re.compile(
            rf"^https://colab\.research\.google\.com/github/{re.escape(slug)}/blob/([^/]+)/(.*)"
        ),
    ]
    found = []
    for page in sorted(site.rglob("*.html")):
        parser = _Links()
        parser.feed(page.read_text(errors="ignore"))
        for url in sorted(set(parser.targets)):
            url = html.unescape(url)
            match = next((m for r in routes if (m := r.match(url))), None)
            if match is None:
                continue
            ref, path = match.group(1), (match.group(2) or "").split("?")[0].split("#")[0]
            if ref != branch_name:
                found.append(Leak(page, f"a link to the full edition: {url}"))
            elif not (branch / path).exists():
                found.append(Leak(page, f"a link to a file the student branch lacks: {url}"))
    return found
