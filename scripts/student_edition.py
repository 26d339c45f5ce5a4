"""Build the student edition: the same book with every exercise solution removed (`make student`).

Usage: python scripts/student_edition.py [--out _build/student] [--no-build] [--no-check]

What it does, in order:

1. Stages a copy of the book's sources into OUT/src: every page listed in `_toc.yml` (except the
   instructor-only pages), `_config.yml`, `_ext/`, the bibliography files, `_static/` and the
   non-source files (images, data) next to the pages.
2. Strips every solution from the staged pages. Two forms are recognized, in notebooks' markdown
   cells and in `.md` pages, with backtick or colon fences of any length:
   - the gated form of sphinx-exercise: a ``{solution-start} LABEL`` directive, then any number
     of markdown text and code cells, then a ``{solution-end}`` directive. The markers may sit at
     the start, the middle or the end of a markdown cell;
   - a plain ``{solution} LABEL`` directive, whose body is the solution.
   Each removed solution leaves a placeholder where it was: a markdown cell "**Your answer
   here.**", followed by an empty code cell if the solution contained code (that cell is tagged
   `remove-cell`, so the site shows only the sentence while the downloaded notebook has a cell
   to type in). References from the remaining text to labels defined inside a solution (its own
   `:label:`, equations, figures, `(target)=`) are rewritten to plain text, so the nitpicky build
   has nothing dangling.
3. Writes the stripped chapter notebooks to OUT/notebooks for distribution.
4. Builds the site from OUT/src into OUT/html with warnings as errors. Notebooks are NOT
   re-executed: every remaining cell keeps the output stored in the full edition (which nbval
   checks), and the main text never depends on a solution, so nothing in the main text loses
   its output. The site title says it is the student edition, and the front page says that
   the solutions are left out.
5. Checks the result for leaks (see `find_leaks`): the text of every solution, collected from
   the original sources, and the solution markers must appear in no file of OUT/html or
   OUT/notebooks. A leak is an error.

The functions are imported by tests/test_student_edition.py.
"""

from __future__ import annotations

import argparse
import base64
import copy
import hashlib
import html
import html.parser
import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
PLACEHOLDER = "**Your answer here.**"
#: Pages written for instructors only; they are left out of the student edition.
INSTRUCTOR_ONLY = ("instructor_guide",)
#: Strings that betray a solution (or its machinery) in a built site.
MARKERS = ("solution-start", "solution-end", "{solution}", 'class="solution', "Solution to")
#: Length of the word sequences compared by the leak check.
NGRAM = 6
SOURCE_SUFFIXES = (".ipynb", ".md")

_DIRECTIVE = re.compile(
    r"^(?P<indent>[ \t]{0,3})(?P<fence>`{3,}|:{3,}|~{3,})\s*"
    r"(?:\{(?P<name>[\w:-]+)\})?(?P<arg>.*)$"
)
_LABEL_OPTION = re.compile(r"^\s*:(?:label|name):\s*(\S+)\s*$")
_YAML_LABEL = re.compile(r"^\s*:?(?:label|name):\s*(\S+)\s*$")
_TARGET = re.compile(r"^\s*\((?P<label>[^()\s]+)\)=\s*$")
_ROLE = re.compile(r"\{(?P<role>ref|numref|eq|prf:ref|doc)\}`(?P<body>[^`]+)`")
_MD_LINK = re.compile(r"\[(?P<text>[^\]]+)\]\(#(?P<label>[^)\s]+)\)")


# --------------------------------------------------------------------------- data
@dataclass
class Solution:
    """One removed solution: where it was, what it said, and what it defined."""

    source: str  # page, relative to the book's root
    label: str  # the exercise it solves (or its own label)
    chunks: list[str] = field(default_factory=list)  # markdown text, code, printed outputs
    images: list[bytes] = field(default_factory=list)  # decoded images of its outputs
    labels: set[str] = field(default_factory=set)  # labels defined inside it
    has_code: bool = False

    def add_text(self, text: str) -> None:
        if text.strip():
            self.chunks.append(text)


@dataclass
class Event:
    """A piece of a markdown text: a plain line, or a solution directive."""

    kind: str  # "text", "start", "end" or "solution"
    lines: list[str]  # the raw lines of the piece
    label: str = ""
    body: list[str] = field(default_factory=list)  # body of a plain {solution} directive
    options: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- markdown
def _closes(line: str, fence: str) -> bool:
    stripped = line.strip()
    return len(stripped) >= len(fence) and set(stripped) == {fence[0]}


def _split_options(lines: list[str]) -> tuple[list[str], list[str]]:
    """Split a directive's content lines into its leading options and its body."""
    options, i = [], 0
    if lines and lines[0].strip() == "---":  # YAML block of options
        for j in range(1, len(lines)):
            if lines[j].strip() == "---":
                return lines[1:j], lines[j + 1 :]
    while i < len(lines) and re.match(r"^\s*:[\w-]+:", lines[i]):
        options.append(lines[i])
        i += 1
    return options, lines[i:]


def parse_markdown(text: str) -> list[Event]:
    """Split markdown into plain lines and solution directives.

    Fenced blocks that are not solutions (code blocks, other directives) are passed through
    as plain text without looking inside, so a code block that *shows* the directive syntax
    (as the instructor guide does) is not mistaken for a solution.
    """
    lines = text.split("\n")
    events: list[Event] = []
    i = 0
    while i < len(lines):
        m = _DIRECTIVE.match(lines[i])
        if not m:
            events.append(Event("text", [lines[i]]))
            i += 1
            continue
        fence, name = m.group("fence"), m.group("name")
        j = i + 1
        while j < len(lines) and not _closes(lines[j], fence):
            j += 1
        if j == len(lines) and name in ("solution-start", "solution-end", "solution"):
            raise ValueError(f"unclosed {{{name}}} directive: {lines[i]!r}")
        block = lines[i : j + 1]
        content = lines[i + 1 : j]
        if name in ("solution-start", "solution-end", "solution"):
            options, body = _split_options(content)
            kind = {"solution-start": "start", "solution-end": "end"}.get(name, "solution")
            label = (m.group("arg").split() or [""])[0]
            events.append(Event(kind, block, label=label, body=body, options=options))
        else:
            events.extend(Event("text", [line]) for line in block)
        i = j + 1
    return events


def labels_defined(lines: list[str], options: list[str] = ()) -> set[str]:
    """Labels that a piece of MyST text defines: `:label:`/`:name:` options (also in a
    directive's YAML options block) and `(x)=` targets."""
    found = set()
    for line in options:
        m = _YAML_LABEL.match(line)
        if m:
            found.add(m.group(1))
    for line in lines:
        for regex in (_LABEL_OPTION, _TARGET):
            m = regex.match(line)
            if m:
                found.add(m.group(1))
    return found


def _trim(lines: list[str]) -> list[str]:
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return lines


# --------------------------------------------------------------------------- notebooks
def _output_text_and_images(cell) -> tuple[list[str], list[bytes]]:
    texts, images = [], []
    for out in cell.get("outputs", []):
        if "text" in out:
            texts.append(out["text"] if isinstance(out["text"], str) else "".join(out["text"]))
        for mime, data in out.get("data", {}).items():
            payload = data if isinstance(data, str) else "".join(data)
            if mime.startswith("image/") and mime != "image/svg+xml":
                images.append(base64.b64decode(payload))
            elif mime in (
                "text/plain",
                "text/markdown",
                "text/latex",
                "text/html",
                "image/svg+xml",
            ):
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
    found |= labels_defined(cell.get("source", "").split("\n"))
    return found


def _new_cell(nb, kind: str, source: str, tags=()):
    cell = (nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell)(
        source
    )
    if tags:
        cell.metadata["tags"] = list(tags)
    if (nb.nbformat, nb.nbformat_minor) < (4, 5):
        cell.pop("id", None)
    return cell


def _placeholder_cells(nb, has_code: bool) -> list:
    cells = [_new_cell(nb, "markdown", PLACEHOLDER)]
    if has_code:
        cells.append(_new_cell(nb, "code", "", tags=["remove-cell"]))
    return cells


def strip_notebook(nb, source: str = "") -> tuple[object, list[Solution]]:
    """Return a copy of the notebook without its solutions, and the solutions removed."""
    nb = copy.deepcopy(nb)
    cells, solutions = [], []
    current: Solution | None = None

    for cell in nb.cells:
        if cell.cell_type != "markdown":
            if current is None:
                cells.append(cell)
                continue
            current.has_code = current.has_code or cell.cell_type == "code"
            current.add_text(cell.source)
            texts, images = _output_text_and_images(cell)
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

        for ev in parse_markdown(cell.source):
            if ev.kind == "text":
                (kept if current is None else in_solution_text).extend(ev.lines)
            elif ev.kind == "start":
                if current is not None:
                    raise ValueError(
                        f"{source}: solution-start {ev.label!r} inside the solution "
                        f"of {current.label!r} (missing solution-end?)"
                    )
                current = Solution(source, ev.label, labels=labels_defined([], ev.options))
                in_solution_text = []
            elif ev.kind == "end":
                if current is None:
                    raise ValueError(f"{source}: solution-end without a solution-start")
                current.add_text("\n".join(in_solution_text))
                current.labels |= labels_defined(in_solution_text)
                solutions.append(current)
                flush()
                cells.extend(_placeholder_cells(nb, current.has_code))
                current, in_solution_text = None, []
            else:  # a plain {solution} directive
                if current is not None:
                    raise ValueError(
                        f"{source}: a solution directive inside the solution of {current.label!r}"
                    )
                sol = Solution(source, ev.label, labels=labels_defined(ev.body, ev.options))
                sol.add_text("\n".join(ev.body))
                solutions.append(sol)
                kept.extend(["", PLACEHOLDER, ""])
        if current is not None:
            current.add_text("\n".join(in_solution_text))
            current.labels |= labels_defined(in_solution_text)
        flush()

    if current is not None:
        raise ValueError(f"{source}: the solution of {current.label!r} has no solution-end")
    nb.cells = cells
    return nb, solutions


def strip_markdown_page(text: str, source: str = "") -> tuple[str, list[Solution]]:
    """Return a markdown page without its solutions (both forms), and the solutions removed."""
    out: list[str] = []
    solutions: list[Solution] = []
    current: Solution | None = None
    region: list[str] = []
    myst_notebook = text.startswith("---") and "kernelspec" in text.split("\n---", 1)[0]
    for ev in parse_markdown(text):
        if ev.kind == "text":
            (out if current is None else region).extend(ev.lines)
        elif ev.kind == "start":
            if current is not None:
                raise ValueError(
                    f"{source}: solution-start inside the solution of {current.label!r}"
                )
            current = Solution(source, ev.label, labels=labels_defined([], ev.options))
            region = []
        elif ev.kind == "end":
            if current is None:
                raise ValueError(f"{source}: solution-end without a solution-start")
            current.has_code = any(
                re.match(r"^\s*(`{3,}|:{3,})\{code-cell\}", line) for line in region
            )
            current.add_text("\n".join(region))
            current.labels |= labels_defined(region)
            solutions.append(current)
            out.extend(["", PLACEHOLDER, ""])
            if current.has_code and myst_notebook:
                out.extend(["```{code-cell} ipython3", ":tags: [remove-cell]", "", "```", ""])
            current = None
        else:
            if current is not None:
                raise ValueError(f"{source}: a solution directive inside a solution")
            sol = Solution(source, ev.label, labels=labels_defined(ev.body, ev.options))
            sol.add_text("\n".join(ev.body))
            solutions.append(sol)
            out.extend(["", PLACEHOLDER, ""])
    if current is not None:
        raise ValueError(f"{source}: the solution of {current.label!r} has no solution-end")
    return "\n".join(out), solutions


def rewrite_references(text: str, removed: set[str]) -> str:
    """Turn references to labels that only existed inside solutions into plain text."""
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


# --------------------------------------------------------------------------- the book
def toc_entries(toc: dict) -> list[str]:
    """Every `file` of a jupyter-book table of contents, root first, in reading order."""
    files = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    walk(toc.get("sections"))
    return files


def resolve_page(root: Path, entry: str) -> Path:
    for suffix in ("", ".ipynb", ".md"):
        path = root / f"{entry}{suffix}"
        if path.is_file():
            return path
    raise FileNotFoundError(f"_toc.yml lists {entry!r}, but no such page exists")


def book_pages(root: Path = ROOT) -> list[Path]:
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    return [resolve_page(root, e) for e in toc_entries(toc)]


def strip_page(path: Path, root: Path = ROOT) -> tuple[object, list[Solution]]:
    """Strip one page; returns (notebook or text, solutions)."""
    rel = path.relative_to(root).as_posix()
    if path.suffix == ".ipynb":
        return strip_notebook(nbformat.read(path, as_version=4), rel)
    return strip_markdown_page(path.read_text(), rel)


def collect_solutions(root: Path = ROOT) -> list[Solution]:
    """Every solution of every page listed in the table of contents, from the sources."""
    solutions = []
    for path in book_pages(root):
        solutions += strip_page(path, root)[1]
    return solutions


def _without_instructor_pages(toc: dict) -> dict:
    toc = copy.deepcopy(toc)

    def keep(entry):
        return entry.get("file") not in INSTRUCTOR_ONLY

    def walk(entries):
        if entries is None:
            return None
        kept = [e for e in entries if keep(e)]
        for e in kept:
            for key in ("sections", "chapters"):
                if key in e:
                    e[key] = walk(e[key])
        return kept

    for part in toc.get("parts", []):
        part["chapters"] = walk(part.get("chapters"))
    toc["parts"] = [p for p in toc.get("parts", []) if p.get("chapters")]
    for key in ("chapters", "sections"):
        if key in toc:
            toc[key] = walk(toc[key])
    return toc


STUDENT_NOTE = """
```{note}
This is the **student edition** of the book. Every chapter and every exercise is here, but
the solutions are not: where a solution would be, you will find *Your answer here*. The
chapter notebooks you download from this site are the same, ready for your own answers.
```
"""


def stage(
    out: Path, root: Path = ROOT, keep_solutions: bool = False, pages: list[str] | None = None
) -> tuple[list[Path], list[Solution]]:
    """Copy the book's sources into out/src, stripped. Returns (staged pages, solutions).

    ``pages`` restricts the table of contents to the given entries (the root page is always
    kept); ``keep_solutions`` stages the sources unchanged (used to show that the leak check
    finds solutions when they are there).
    """
    src = out / "src"
    if src.exists():
        shutil.rmtree(src)
    src.mkdir(parents=True)

    config = yaml.safe_load((root / "_config.yml").read_text())
    config["title"] = f"{config.get('title', 'The book')} (student edition)"
    config.setdefault("execute", {})["execute_notebooks"] = "off"
    (src / "_config.yml").write_text(
        "# Generated by scripts/student_edition.py from the book's _config.yml.\n"
        + yaml.safe_dump(config, sort_keys=False, allow_unicode=True)
    )

    toc = _without_instructor_pages(yaml.safe_load((root / "_toc.yml").read_text()))
    if pages is not None:
        wanted = set(pages)

        def walk(entries):
            return [e for e in entries or [] if e.get("file") in wanted]

        for part in toc.get("parts", []):
            part["chapters"] = walk(part.get("chapters"))
        toc["parts"] = [p for p in toc.get("parts", []) if p.get("chapters")]
    (src / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False))

    # What the configuration needs besides the pages.
    extras = set(config.get("bibtex_bibfiles", []))
    for ext_dir in (config.get("sphinx", {}).get("local_extensions") or {}).values():
        extras.add(ext_dir)
    for key in ("logo", "favicon"):
        value = config.get(key) or config.get("html", {}).get(key)
        if value:
            extras.add(value)
    extras.add("_static")
    extras.add("benchmarks/results")  # what the appendix on performance reads
    for extra in sorted(extras):
        path = root / extra
        if path.is_dir():
            shutil.copytree(path, src / extra, ignore=shutil.ignore_patterns("__pycache__"))
        elif path.is_file():
            (src / extra).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, src / extra)

    # The pages, stripped; and the non-source files beside them (figures, data).
    staged, solutions, stripped = [], [], {}
    for entry in toc_entries(toc):
        path = resolve_page(root, entry)
        target = src / path.relative_to(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        siblings = path.parent.iterdir() if path.parent != root else []
        for sibling in siblings:  # figures and data next to a chapter (not the repository root)
            if (
                sibling.is_file()
                and not sibling.name.startswith(".")
                and sibling.suffix not in SOURCE_SUFFIXES + (".py", ".pyc")
                and not (target.parent / sibling.name).exists()
            ):
                shutil.copy2(sibling, target.parent / sibling.name)
        if keep_solutions:
            shutil.copy2(path, target)
        else:
            content, sols = strip_page(path, root)
            stripped[target] = content
            solutions += sols
        staged.append(target)

    removed = set().union(*(s.labels for s in solutions)) if solutions else set()
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


def _add_student_note(text: str) -> str:
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.startswith("# "):
            return "\n".join(lines[: i + 1] + STUDENT_NOTE.split("\n") + lines[i + 1 :])
    return STUDENT_NOTE + "\n" + text


def build(out: Path, strict: bool = True) -> subprocess.CompletedProcess:
    """Build the staged sources in out/src into out/html (``strict``: warnings are errors)."""
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
    return proc


def write_notebooks(out: Path, staged: list[Path]) -> list[Path]:
    """Copy the stripped chapter notebooks to out/notebooks, for students to download."""
    folder = out / "notebooks"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    written = []
    for page in staged:
        if page.suffix == ".ipynb":
            written.append(Path(shutil.copy2(page, folder / page.name)))
    return written


# --------------------------------------------------------------------------- the leak check
def tokens(text: str) -> list[str]:
    """The words and numbers of a text, lower-cased: what survives any markup around them."""
    return re.findall(r"[a-z0-9_]+", text.lower())


def ngrams(words: list[str], n: int = NGRAM) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


class _TextExtractor(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)


def readable_text(path: Path) -> str:
    """A file's text as a reader (or a search engine) would see it."""
    raw = path.read_bytes()
    text = raw.decode("utf-8", errors="ignore")
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
                parts += _output_text_and_images(cell)[0]
            return text + "\n" + "\n".join(parts)
        except (ValueError, AttributeError):
            return text
    return text


def kept_ngrams(pages: list[Path]) -> set[tuple[str, ...]]:
    """Word sequences of the student edition's own sources (which may rightly appear).

    These are its pages and the source of mlebook, which the API reference shows in full.
    """
    found = ngrams(tokens(PLACEHOLDER + " " + STUDENT_NOTE))
    package = sorted((Path(__file__).resolve().parents[1] / "mlebook").glob("*.py"))
    for page in [*pages, *package]:
        found |= ngrams(tokens(readable_text(page)))
    return found


def distinctive_ngrams(solution: Solution, allowed: set) -> set[tuple[str, ...]]:
    found = set()
    for chunk in solution.chunks:
        found |= ngrams(tokens(chunk))
    return found - allowed


@dataclass
class Leak:
    path: Path
    what: str


def find_leaks(folders: list[Path], solutions: list[Solution], allowed: set) -> list[Leak]:
    """Search every file under ``folders`` for the solutions and for the solution markers.

    A solution is found in a file when any sequence of NGRAM consecutive words of the solution
    (its markdown text, its code or its printed output), that does not also occur in the text
    the edition keeps (``allowed``), occurs in the file's text; HTML is compared by its visible
    text and notebooks by their cells, so markup and syntax highlighting hide nothing. The
    images that solutions output are compared byte for byte, and as base64 text.
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
            raw = path.read_bytes()
            if hashlib.sha256(raw).hexdigest() in image_hashes:
                sol = image_hashes[hashlib.sha256(raw).hexdigest()]
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


# --------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "_build" / "student",
        help="output folder (default: _build/student)",
    )
    parser.add_argument("--no-build", action="store_true", help="stage and strip only")
    parser.add_argument("--no-check", action="store_true", help="skip the leak check")
    args = parser.parse_args(argv)
    out = args.out.resolve()

    staged, solutions = stage(out)
    notebooks = write_notebooks(out, staged)
    print(f"staged {len(staged)} pages into {out / 'src'}, removing {len(solutions)} solutions")
    print(f"wrote {len(notebooks)} student notebooks into {out / 'notebooks'}")
    if args.no_build:
        return 0
    proc = build(out)
    if proc.returncode != 0:
        print(proc.stdout[-5000:], proc.stderr[-5000:], sep="\n", file=sys.stderr)
        print("the student edition did not build", file=sys.stderr)
        return 1
    print(f"built the student site into {out / 'html'}")
    if args.no_check:
        return 0
    originals = [s for s in collect_solutions(ROOT) if Path(s.source).stem not in INSTRUCTOR_ONLY]
    allowed = kept_ngrams(staged)
    leaks = find_leaks([out / "html", out / "notebooks"], originals, allowed)
    checkable = sum(1 for s in originals if distinctive_ngrams(s, allowed))
    for leak in leaks:
        print(f"LEAK: {leak.path.relative_to(out)}: {leak.what}", file=sys.stderr)
    print(
        f"leak check: {checkable} of {len(originals)} solutions have text of their own to look "
        f"for; {len(leaks)} leaks"
    )
    return 1 if leaks else 0


if __name__ == "__main__":
    sys.exit(main())
