"""The student edition (`make student`) contains no exercise solution at all, and reads well.

The stripping is tested on small examples of every form a solution can take. Then the whole
student edition is built, and every file of it (pages, search index, `_sources`, the
downloadable notebooks, the student notebooks) is searched for the text of every solution in
the book, collected from the sources listed in `_toc.yml`, and for the solution markers. To
show that this search can fail, the same checker is run on the full edition (the book build
shared with tests/test_book.py), where it must find every solution of every chapter.

On the built student site each exercise's box ends with the placeholder that says where to
work; the student notebooks are plain Markdown whose exercises, theorems, equations, figures
and citations carry the numbers and words the site shows (the built pages are the reference).
The instructor guide's syllabus is checked against the table of contents, the assignments and
the book's exercises, and the set-up page against the repository.
"""

from __future__ import annotations

import html
import html.parser
import re
from pathlib import Path

import nbformat
import pytest
import yaml
from accessibility import check_accessibility
from browser import open_page, serve

from coursekit import fences, leaks, stage, strip, toc

ROOT = Path(__file__).resolve().parents[1]


def md(text):
    return nbformat.v4.new_markdown_cell(text)


def code(text, outputs=()):
    cell = nbformat.v4.new_code_cell(text)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=t) for t in outputs]
    return cell


def notebook(*cells):
    return nbformat.v4.new_notebook(cells=list(cells))


EXERCISE = "````{exercise} Title %s\n:label: ex-%s\n\nDo something %s.\n````"
START = "```{solution-start} ex-%s\n:class: dropdown\n```"
END = "```{solution-end}\n```"


# --------------------------------------------------------------------------- stripping, in small
def test_gated_solutions_whose_markers_share_cells_with_other_text():
    # As the chapters are written: the exercise and the solution-start share a cell, and the
    # end of one solution shares a cell with the next exercise and its solution-start.
    nb = notebook(
        md("## Exercises\n\n" + EXERCISE % ("A", "a", "first") + "\n\n" + START % "a"),
        code("secret_alpha = 41 + 1\nprint(secret_alpha)", outputs=["42 secret output\n"]),
        md(
            "The hidden explanation of alpha.\n\n"
            + END
            + "\n\n"
            + EXERCISE % ("B", "b", "second")
            + "\n\n"
            + START % "b"
        ),
        md("Only words in the second solution, no code at all."),
        md(END + "\n\nText after the exercises."),
    )
    stripped, solutions = strip.strip_notebook(nb, "toy.ipynb")
    sources = [c.source for c in stripped.cells]
    kinds = [c.cell_type for c in stripped.cells]
    assert [s.label for s in solutions] == ["ex-a", "ex-b"]
    assert solutions[0].has_code and not solutions[1].has_code
    assert any("42 secret output" in chunk for chunk in solutions[0].chunks)
    text = "\n".join(sources)
    for secret in (
        "secret_alpha",
        "hidden explanation",
        "Only words",
        "solution-start",
        "solution-end",
    ):
        assert secret not in text
    # The placeholder is the last block of each exercise's box; an empty code cell to type in
    # follows where the solution was, whether or not the solution had code.
    assert kinds == ["markdown", "code", "markdown", "code", "markdown"]
    for source, title in ((sources[0], "Title A"), (sources[2], "Title B")):
        (exercise,) = [d for d in fences.directives(source) if d.name == "exercise"]
        assert exercise.arg.strip() == title
        (box,) = fences.directives("\n".join(exercise.body))
        assert (box.name, box.arg.strip()) == ("container", strip.ANSWER_CLASS)
        assert box.body == [f"{strip.PLACEHOLDER} {strip.WHERE_TO_WORK}"]
    assert sources[0].startswith("## Exercises") and source.count(strip.PLACEHOLDER) == 1
    for i in (1, 3):
        assert sources[i] == "" and stripped.cells[i].metadata["tags"] == ["remove-cell"]
    assert sources[4] == "Text after the exercises."
    assert len({c.id for c in stripped.cells}) == len(stripped.cells)
    nbformat.validate(stripped)


@pytest.mark.parametrize("fence", ["```", "````", ":::", "::::"])
def test_plain_solution_directives_with_any_fence(fence):
    page = (
        f"# A page\n\n{EXERCISE % ('C', 'c', 'third')}\n\n"
        f"{fence}{{solution}} ex-c\n:label: sol-c\n:class: dropdown\n\n"
        "The plain answer is forty-two.\n\n"
        + ("````python\nprint('inner code')\n````\n\n" if fence == "::::" else "")
        + f"{fence}\n\nSee {{ref}}`the answer <sol-c>` and {{ref}}`sol-c`, "
        "and {ref}`ex-c`.\n"
    )
    text, solutions = strip.strip_markdown_page(page, "page.md")
    assert [s.label for s in solutions] == ["ex-c"] and solutions[0].labels == {"sol-c"}
    assert "forty-two" not in text and "inner code" not in text and "{solution}" not in text
    assert strip.PLACEHOLDER in text and "{exercise} Title C" in text
    rewritten = strip.rewrite_references(text, solutions[0].labels)
    assert (
        "sol-c" not in rewritten
        and "See the answer and a solution in the full edition" in rewritten
    )
    assert "{ref}`ex-c`" in rewritten  # references to exercises are kept


def test_a_plain_solution_inside_a_notebook_markdown_cell():
    nb = notebook(md("Intro.\n\n:::{solution} ex-d\nSecret words of d.\n:::\n\nOutro."))
    stripped, solutions = strip.strip_notebook(nb, "toy.ipynb")
    assert solutions[0].label == "ex-d" and "Secret words of d." in solutions[0].chunks[0]
    assert stripped.cells[0].source == f"Intro.\n\n\n{strip.PLACEHOLDER}\n\n\nOutro."


def test_a_solution_between_horizontal_rules_is_found():
    # (a cell that opens with a rule has no front matter to hide the solution in)
    nb = notebook(md("---\n\n:::{solution} ex-r\nSecret words of r.\n:::\n\n---"))
    stripped, solutions = strip.strip_notebook(nb, "toy.ipynb")
    assert [s.label for s in solutions] == ["ex-r"]
    assert stripped.cells[0].source == f"---\n\n\n{strip.PLACEHOLDER}\n\n\n---"


def test_code_blocks_that_show_the_syntax_are_not_solutions():
    page = (
        "# Guide\n\n`````markdown\n```{solution-start} ex-x\n:class: dropdown\n```\n"
        "text\n```{solution-end}\n```\n`````\n"
    )
    text, solutions = strip.strip_markdown_page(page, "guide.md")
    assert solutions == [] and text == page


def test_gated_solutions_in_a_markdown_page():
    page = (
        f"{EXERCISE % ('E', 'e', 'fifth')}\n\n{START % 'e'}\n\n(eq-secret)=\n"
        "Secret derivation.\n\n```{code-cell} ipython3\nx = 1\n```\n\n"
        f"{END}\n\nAfter.\n"
    )
    text, solutions = strip.strip_markdown_page(page, "page.md")
    assert "Secret derivation" not in text and "x = 1" not in text and "After." in text
    assert solutions[0].labels == {"eq-secret"} and solutions[0].has_code


def test_labels_defined_by_a_solution_figure_are_removed_from_references():
    cell = code("plot()")
    cell.metadata["mystnb"] = {"figure": {"name": "fig-secret", "caption": "c"}}
    nb = notebook(
        md(EXERCISE % ("F", "f", "sixth") + "\n\n" + START % "f"),
        cell,
        md(END),
        md("As {numref}`fig-secret` shows."),
    )
    _, solutions = strip.strip_notebook(nb, "toy.ipynb")
    assert "fig-secret" in solutions[0].labels
    assert (
        strip.rewrite_references("As {numref}`fig-secret` shows.", solutions[0].labels)
        == "As a solution in the full edition shows."
    )


@pytest.mark.parametrize("fence", ["```", "````", ":::", "::::"])
def test_the_placeholder_is_the_last_block_of_its_exercise_whatever_the_fence(fence):
    page = (
        f"# Page\n\n{fence}{{exercise}} T\n:label: ex-t\n\nDo it.\n{fence}\n\n"
        f"{START % 't'}\n\nThe secret.\n\n{END}\n\nAfter the exercise.\n"
    )
    text, solutions = strip.strip_markdown_page(page, "page.md")
    assert [s.label for s in solutions] == ["ex-t"] and "secret" not in text
    # MyST's own parser sees one exercise, whose body ends with the placeholder's box, and the
    # text after it outside: the box's fence cannot close the exercise's.
    (exercise,) = fences.directives(text)
    assert exercise.name == "exercise" and exercise.closed
    (box,) = fences.directives("\n".join(exercise.body))
    assert box.arg.strip() == strip.ANSWER_CLASS and strip.PLACEHOLDER in box.body[0]
    assert "After the exercise." in text.split("\n")[exercise.end :]
    assert text.count(strip.PLACEHOLDER) == 1


BOOK = [
    (
        "a",
        "(sec-a)=\n# Chapter A\n\n```{math}\n:label: eq-a\na = 1\n```\n\n"
        "````{prf:theorem} Big\n:label: thm-big\n\nThe statement.\n\n$$\ny = 2\n$$ (eq-b)\n"
        "````\n\n````{prf:definition}\n:label: def-d\n\n- a list\n````\n\n"
        "````{exercise} First $x$\n:label: ex-first\n\nUse {eq}`eq-a`.\n\n"
        f":::{{container}} {strip.ANSWER_CLASS}\nSite words.\n:::\n````\n",
    ),
    (
        "b",
        "# Chapter B\n\n## Exercises\n\n"
        "See {ref}`sec-a`, {numref}`ex-first`, {numref}`Exercise %s <ex-first>`,\n"
        "{prf:ref}`thm-big`, {ref}`the theorem <thm-big>`, {term}`MLE`, {term}`fits <MLE>`,\n"
        "{py:func}`~mlebook.fitting.fit`, {py:class}`mlebook.models.Gaussian`,\n"
        "{cite:t}`k1,k2` {cite:p}`k1`, [there](#sec-a), {eq}`eq-b` and {doc}`a`.\n\n"
        "```{note}\nA note.\n```\n\n````{exercise} Second\n:label: ex-second\n\nBody.\n````\n\n"
        "`````markdown\n````{exercise} Shown, not an exercise\n````\n`````\n",
    ),
]


def test_myst_becomes_markdown_that_jupyter_renders_numbered_as_the_site():
    numbering = fences.Numbering()
    for docname, text in BOOK:
        numbering.scan(text, docname)
    targets = numbering.targets
    assert {k: (t.kind, t.number) for k, t in targets.items() if t.number} == {
        "eq-a": ("equation", 1),
        "thm-big": ("theorem", 1),
        "eq-b": ("equation", 2),  # inside the theorem, after it
        "def-d": ("definition", 1),
        "ex-first": ("exercise", 1),
        "ex-second": ("exercise", 2),
    }
    assert targets["sec-a"].title == targets["a"].title == "Chapter A"

    def cite(role, keys):
        return f"<{role} {'+'.join(keys)}>"

    a = fences.to_markdown(BOOK[0][1], targets, cite, {strip.ANSWER_CLASS: "Notebook words."})
    assert a.split("\n") == [
        "# Chapter A",
        "",
        "$$",
        "a = 1",
        "\\tag{1}",
        "$$",
        "",
        "**Theorem 1 (Big).** The statement.",
        "",
        "$$",
        "y = 2",
        "\\tag{2} $$",
        "",
        "**Definition 1.**",
        "",
        "- a list",
        "",
        "## Exercise 1 (First $x$)",  # one level below its section
        "",
        "Use (1).",
        "",
        "Notebook words.",
        "",
    ]
    b = fences.to_markdown(BOOK[1][1], targets, cite)
    assert (
        "See Chapter A, Exercise 1, Exercise 1,\nTheorem 1, the theorem, MLE, fits,\n"
        "`fit()`, `mlebook.models.Gaussian`,\n<cite:t k1+k2> <cite:p k1>, there, (2) and "
        "Chapter A."
    ) in b
    assert "**Note.** A note." in b and "### Exercise 2 (Second)\n\nBody." in b
    # A code block that shows the syntax is left as it is.
    assert "````{exercise} Shown, not an exercise\n````" in b


@pytest.mark.parametrize(
    "cells, message",
    [
        ([md(START % "g"), code("x = 1")], "has no solution-end"),
        ([md(END)], "solution-end without a solution-start"),
        ([md(START % "g"), md(START % "h")], "inside the solution"),
        ([md("```{solution} ex-i\nnever closed")], "unclosed"),
    ],
)
def test_unbalanced_markers_are_errors_naming_the_page(cells, message):
    with pytest.raises(ValueError, match=message):
        strip.strip_notebook(notebook(*cells), "chapters/bad.ipynb")


def test_the_leak_checker_compares_words_not_markup(tmp_path):
    sol = strip.Solution(
        "x.ipynb", "ex-a", chunks=["The posterior mode is (k + a - 1) / (n + a + b - 2)."]
    )
    (tmp_path / "page.html").write_text(
        '<p>The <em>posterior</em> mode is <span class="math">\\((k + a - 1) / (n + a + b - 2)'
        "\\)</span>.</p>"
    )
    (tmp_path / "clean.html").write_text("<p>The posterior mode is left to you.</p>")
    found = leaks.find_leaks([tmp_path], [sol], allowed=set())
    assert [leak.path.name for leak in found] == ["page.html"]


def test_a_table_of_contents_loses_pages_with_what_is_under_them_and_emptied_parts(tmp_path):
    site = toc.load()
    documents = toc.documents(site)
    assert documents[0] == "intro" and sorted(documents) == sorted(site)
    pruned = toc.without(site, stage.INSTRUCTOR_ONLY)
    assert toc.documents(pruned) == [d for d in documents if d not in stage.INSTRUCTOR_ONLY]
    # Leaving out every top-level page but the API index keeps its sections, drops the
    # emptied parts, and survives a round trip through a written _toc.yml.
    others = [d for d in site.root.child_files() if d != "api/index"]
    small = toc.without(site, others)
    toc.write(small, tmp_path / "_toc.yml")
    assert toc.documents(toc.load(tmp_path)) == toc.documents(small)
    assert toc.documents(small) == ["intro", "api/index", *site["api/index"].child_files()]
    assert len(small.root.subtrees) == 1 and toc.documents(site) == documents


# --------------------------------------------------------------------------- the real book
def test_every_page_in_the_toc_is_found_and_every_solution_collected():
    pages = toc.book_pages()
    assert pages[0].stem == "intro" and any(p.suffix == ".ipynb" for p in pages)
    solutions = stage.collect_solutions()
    chapters = [p for p in pages if p.parent.name == "chapters"]
    # Every solution of every chapter is found: as many as the chapter has solution directives.
    assert solutions and chapters
    for chapter in chapters:
        text = chapter.read_text()
        starts = text.count("{solution-start}") + len(re.findall(r"[`:]{3,}\{solution\}", text))
        found = [s for s in solutions if s.source == chapter.relative_to(ROOT).as_posix()]
        assert len(found) == starts, chapter.name


originals: dict[Path, object] = {}


@pytest.fixture(scope="session")
def student(shared):
    """The student edition, built as `make student` builds it, once per run (see conftest.py)."""

    def make(out):
        # The chapters as they were when the edition was made (they may change while tests run).
        chapters = {
            p: nbformat.read(p, as_version=4) for p in toc.book_pages() if p.suffix == ".ipynb"
        }
        staged, solutions = stage.stage(out)
        notebooks = stage.write_notebooks(out, staged)
        stage.write_branch(out)
        proc = stage.build(out)
        return (out, staged, solutions, notebooks, proc), chapters

    edition, chapters = shared("student", make)
    originals.update(chapters)
    return edition


def _built(student):
    out, _staged, _solutions, _notebooks, proc = student
    if proc.returncode != 0:
        pytest.fail(
            f"the student edition did not build:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        )
    return out


@pytest.mark.book
def test_the_student_edition_builds_with_warnings_as_errors(student):
    out = _built(student)
    log = student[4].stdout + student[4].stderr
    assert not re.findall(r".*(?:WARNING|ERROR): .*", log)
    for entry in toc.documents(toc.load()):
        built = (out / "html" / f"{entry}.html").exists()
        assert built == (entry not in stage.INSTRUCTOR_ONLY), entry
    index = (out / "html" / "intro.html").read_text()
    assert "(student edition)" in index and "student edition" in index


@pytest.mark.book
def test_nothing_of_any_solution_leaks_into_the_student_edition(student):
    out = _built(student)
    _, staged, _, _, _ = student
    solutions = [
        s for s in stage.collect_solutions() if Path(s.source).stem not in stage.INSTRUCTOR_ONLY
    ]
    allowed = leaks.kept_ngrams(staged)
    assert solutions
    # Every solution of some length has words of its own to look for.
    for sol in solutions:
        if len(leaks.tokens(" ".join(sol.chunks))) >= 3 * leaks.NGRAM:
            assert leaks.distinctive_ngrams(sol, allowed), sol.label
    folders = [out / "html", out / "notebooks", out / "branch"]
    assert (out / "html" / "searchindex.js").exists()
    assert list((out / "html" / "_sources").rglob("*.ipynb"))
    found = leaks.find_leaks(folders, solutions, allowed)
    assert not found, "\n".join(f"{leak.path.relative_to(out)}: {leak.what}" for leak in found[:30])


@pytest.mark.book
def test_student_notebooks_have_placeholders_and_keep_the_main_texts_outputs(student):
    _built(student)
    _, _staged, solutions, notebooks, _ = student
    assert sorted(p.name for p in notebooks) == sorted(p.name for p in originals)
    for original_path, original in originals.items():
        stripped = nbformat.read(next(p for p in notebooks if p.name == original_path.name), 4)
        rel = original_path.relative_to(ROOT).as_posix()
        n_solutions = sum(1 for s in solutions if s.source == rel)
        # Each exercise's cell ends with the placeholder, and an empty code cell follows it.
        answer = f"{strip.PLACEHOLDER} {strip.IN_THE_NOTEBOOK}"
        ends = [i for i, c in enumerate(stripped.cells) if c.source.endswith(answer)]
        assert len(ends) == sum(c.source.count(strip.PLACEHOLDER) for c in stripped.cells)
        assert len(ends) == n_solutions
        for i in ends:
            after = stripped.cells[i + 1]
            assert (after.cell_type, after.source, after.outputs) == ("code", "", [])
        empty_code = [c for c in stripped.cells if c.cell_type == "code" and not c.source]
        assert len(empty_code) == n_solutions
        # Every code cell of the main text is there, with the outputs the full edition stores.
        kept = {c.id: c for c in stripped.cells if c.cell_type == "code" and c.source}
        for cell in original.cells:
            if cell.cell_type == "code" and cell.id in kept:
                assert kept[cell.id].outputs == cell.outputs
        # and the page shows every figure of the main text.
        images = sum(
            1 for c in kept.values() for o in c.outputs if "image/png" in o.get("data", {})
        )
        page = (student[0] / "html" / rel.replace(".ipynb", ".html")).read_text()
        assert page.count("<img") >= images
        assert page.count(strip.PLACEHOLDER.strip("*")) == n_solutions


class _Boxes(html.parser.HTMLParser):
    """Each piece of a page's text, with where it is: the exercise box it is in (the box's id,
    or None), whether it is in the box's title, and whether in an answer placeholder."""

    VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link"})
    VOID |= {"meta", "source", "track", "wbr"}

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.stack, self.pieces = [], []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            attrs = dict(attrs)
            self.stack.append((tag, set((attrs.get("class") or "").split()), attrs.get("id")))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        box = next((i for t, c, i in reversed(self.stack) if t == "div" and "exercise" in c), None)
        classes = set().union(*(c for _, c, _ in self.stack))
        self.pieces.append(
            (box, "admonition-title" in classes, strip.ANSWER_CLASS in classes, data)
        )

    def exercises(self) -> dict[str, str]:
        """Each exercise box's title ("Exercise 9 (Known mean)"), by its id, in order."""
        titles: dict[str, str] = {}
        for box, title, _, data in self.pieces:
            if box is not None:
                titles[box] = titles.get(box, "") + (data if title else "")
        return {box: " ".join(t.split()) for box, t in titles.items()}

    def placeholders(self) -> dict[str | None, str]:
        found: dict[str | None, str] = {}
        for box, _, placeholder, data in self.pieces:
            if placeholder:
                found[box] = found.get(box, "") + data
        return found


def _pages(student):
    out = _built(student)
    for path in originals:
        rel = path.relative_to(ROOT).as_posix()
        html_page = (out / "html" / rel.replace(".ipynb", ".html")).read_text()
        yield rel, html_page, nbformat.read(out / "notebooks" / path.name, as_version=4)


@pytest.mark.book
def test_the_placeholder_is_inside_each_exercise_box_on_the_site(student):
    """On the built pages the placeholder is a box inside the exercise's box, one for every
    removed solution, saying where to work; no "Your answer here" stands outside a box."""
    _, _, solutions, _, _ = student
    expected = leaks.tokens(f"{strip.PLACEHOLDER} {strip.WHERE_TO_WORK}")
    for rel, page, _ in _pages(student):
        boxes = _Boxes(page)
        placeholders = boxes.placeholders()
        assert set(placeholders) == {s.label for s in solutions if s.source == rel}, rel
        assert set(placeholders) <= set(boxes.exercises()), rel
        for box, text in placeholders.items():
            assert leaks.tokens(text) == expected, (rel, box)
        outside = [d for b, _, _, d in boxes.pieces if b is None and "Your answer" in d]
        assert not outside, rel


@pytest.mark.book
def test_the_student_notebooks_are_markdown_numbered_as_the_site(student):
    """Jupyter and Colab do not render MyST: in the student notebooks (those of
    OUT/notebooks, the site's download button and the student branch), no directive or role is
    left, every exercise is a heading with the number and title its box has on the site, and
    the theorems, definitions, equations, figures and citations read as the site shows them."""
    out = _built(student)
    exercises = 0
    raw = re.compile(
        r"[`:]{3,}\{[\w:-]+\}|\{[\w:.-]+\}`|^\([^)\s]+\)=\s*$|\$\$[ \t]*\([^)\s]+\)[ \t]*$", re.M
    )
    for rel, page, nb in _pages(student):
        text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
        assert not raw.findall(text), (rel, raw.findall(text)[:5])
        on_site = list(_Boxes(page).exercises().values())
        headings = re.findall(r"^#{2,6} (Exercise \d+.*)$", text, flags=re.M)
        assert [leaks.tokens(h) for h in headings] == [leaks.tokens(t) for t in on_site], rel
        exercises += len(headings)
        for kind in ("Theorem", "Definition", "Fig."):
            numbers = re.findall(rf'caption-number">{re.escape(kind)} (\d+) ', page)
            assert set(re.findall(rf"\*\*{re.escape(kind)} (\d+)[ .]", text)) == set(numbers)
        equations = re.findall(r'<span class="eqno">\((\d+)\)', page)
        assert sorted(re.findall(r"\\tag\{(\d+)\}", text), key=int) == equations, rel
        for cited in re.findall(r'<span class="bibtex-citation"[^>]*>(.*?)</span>', page):
            assert html.unescape(re.sub(r"<[^>]+>", "", cited)) in text, rel
    assert exercises == sum(1 for s in student[2] if s.source.startswith("chapters/"))
    # The download button serves the same notebooks, and so does the student branch.
    for path in originals:
        rel = path.relative_to(ROOT)
        mine = (out / "notebooks" / path.name).read_bytes()
        assert (out / "html" / "_sources" / rel).read_bytes() == mine, rel
        assert (out / "branch" / rel).read_bytes() == mine, rel


@pytest.mark.book
def test_the_leak_check_finds_the_solutions_of_a_full_edition(site, tmp_path):
    # The same check run on the full edition, the book as tests/test_book.py builds it (the
    # build is shared, see conftest.py), with the text the student edition keeps allowed: it
    # must find every solution of every chapter in the chapter's page and in its downloadable
    # notebook, and the solution markers.
    allowed = leaks.kept_ngrams(stage.stage(tmp_path / "stripped")[0])
    solutions = [
        s for s in stage.collect_solutions() if Path(s.source).stem not in stage.INSTRUCTOR_ONLY
    ]
    reported = leaks.find_leaks([site], solutions, allowed)
    chapters = [p for p in toc.book_pages() if p.suffix == ".ipynb"]
    assert chapters and solutions
    for chapter in chapters:
        rel = chapter.relative_to(ROOT).as_posix()
        entry = rel.removesuffix(".ipynb")
        own = {s.label for s in solutions if s.source == rel}
        for path in (site / f"{entry}.html", site / "_sources" / f"{entry}.ipynb"):
            found = {
                m.group(1)
                for leak in reported
                if leak.path == path
                for m in [re.search(r"solution of (\S+):", leak.what)]
                if m
            }
            # (a page may also contain word sequences of another chapter's solution)
            assert own <= found, f"{path.relative_to(site)}: not found {sorted(own - found)}"
    markers = {leak.what for leak in reported if leak.what.startswith("the marker")}
    assert {"the marker 'Solution to'", "the marker 'class=\"solution'"} <= markers


@pytest.mark.book
def test_the_set_up_page_is_in_both_editions_and_linked_from_the_front_page(student, site):
    out = _built(student)
    for html_dir in (out / "html", site):
        page = (html_dir / "student_setup.html").read_text()
        assert "Running the chapters and working the exercises" in page
        assert 'href="student_setup.html"' in (html_dir / "intro.html").read_text()


def _section(text: str, label: str) -> str:
    """The section of a MyST page that the target ``(label)=`` opens, up to the next heading
    of the same level or higher."""
    lines = text[text.index(f"({label})=") :].split("\n")[1:]
    level = len(lines[0]) - len(lines[0].lstrip("#"))
    end = next(
        (i for i, line in enumerate(lines[1:], 1) if re.match(rf"^#{{1,{level}}} ", line)),
        len(lines),
    )
    return "\n".join(lines[:end])


def test_the_syllabus_names_every_chapter_assignment_and_exercise_as_the_book_does():
    """The instructor guide's syllabus has weeks 1 to 13, every chapter of the table of
    contents, every assignment of assignments/ (out and due), and the book's exercises under
    their numbers and titles; its learning objectives name every chapter by its title."""
    guide = (ROOT / "instructor_guide.md").read_text()
    syllabus = _section(guide, "syllabus")
    rows = [line.split("|")[1:-1] for line in syllabus.split("\n") if re.match(r"^\| \d", line)]
    assert [int(row[0]) for row in rows] == list(range(1, 14))
    chapters = [d for d in toc.documents(toc.load()) if d.startswith("chapters/")]
    assert len(chapters) == 14
    for chapter in chapters:
        assert f"]({chapter}.ipynb)" in syllabus, chapter
    assignments = sorted(p.stem for p in (ROOT / "assignments").glob("*.ipynb"))
    assert assignments
    for name in assignments:
        assert f"`{name}` out" in syllabus and f"`{name}` due" in syllabus, name
    numbering = fences.Numbering()
    for page in toc.book_pages():
        if page.suffix == ".ipynb":
            for cell in nbformat.read(page, as_version=4).cells:
                if cell.cell_type == "markdown":
                    numbering.scan(cell.source, page.relative_to(ROOT).with_suffix("").as_posix())
    titles = {t.number: t.title for t in numbering.targets.values() if t.kind == "exercise"}
    assigned = re.findall(r"Ex\. (\d+) \(([^)]*)\)", syllabus)
    assert len(assigned) >= 2 * len(chapters)
    for number, title in assigned:
        assert titles[int(number)] == title, number
    # Learning objectives: 3 to 5 for each chapter, under its title.
    objectives = _section(guide, "course-plan")
    for chapter in chapters:
        block = re.search(
            rf"\*\*Chapter \d+, \[([^\]]+)\]\({re.escape(chapter)}\.ipynb\)\.\*\*\n\n"
            r"((?:- .*\n(?:  .*\n)*)+)",
            objectives,
        )
        assert block, chapter
        assert numbering.targets[chapter].title.startswith(block.group(1)), chapter
        assert 3 <= block.group(2).count("\n- ") + 1 <= 5, chapter


def test_the_commands_of_the_set_up_page_are_those_of_this_repository():
    page = (ROOT / "student_setup.md").read_text()
    targets = set(re.findall(r"^([\w-]+):", (ROOT / "Makefile").read_text(), flags=re.M))
    for target in re.findall(r"`make (\w+)`", page):
        assert target in targets, target
    for name in set(re.findall(r"[\w/.-]+\.(?:txt|ipynb)\b", page)):
        assert (ROOT / name).exists() or (ROOT / "chapters" / name).exists(), name
    assert "student-setup" in fences.labels_defined(page)


# --------------------------------------------------------------------------- links
REPOSITORY = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]


@pytest.mark.book
def test_every_link_of_the_student_edition_stays_in_the_student_edition(student):
    """Every link and button of the student site that leads into the repository (directly, or
    through Binder or Colab) opens a file of the student branch, which holds no solution
    (test_nothing_of_any_solution_leaks_into_the_student_edition searches it)."""
    out = _built(student)
    html = out / "html"
    found = leaks.find_link_leaks(html, out / "branch", REPOSITORY, stage.STUDENT_BRANCH)
    assert not found, [f"{leak.path.relative_to(html)}: {leak.what}" for leak in found[:10]]
    page = (html / "chapters" / "03_gaussian.html").read_text()
    slug = REPOSITORY.removeprefix("https://github.com/")
    binder = f"https://mybinder.org/v2/gh/{slug}/student?urlpath=lab/tree/chapters/03_gaussian"
    assert binder in page
    assert f"colab.research.google.com/github/{slug}/blob/student/chapters/03_" in page
    assert f'href="{REPOSITORY}"' not in page, "a repository button opens the full edition"
    # The branch installs the readers' package alone, and carries what Binder builds from.
    branch = out / "branch"
    assert (branch / "requirements.txt").read_text() == (ROOT / "requirements.txt").read_text()
    assert 'packages = ["mlebook"]' in (branch / "pyproject.toml").read_text()
    assert (branch / "mlebook" / "__init__.py").exists() and not (branch / "coursekit").exists()


def test_the_link_check_finds_links_to_the_full_edition(site, tmp_path):
    """Run on the full edition's site, whose buttons open the default branch, the same check
    reports every chapter: so it can fail."""
    found = leaks.find_link_leaks(site, tmp_path, REPOSITORY, stage.STUDENT_BRANCH)
    pages = {leak.path.relative_to(site).as_posix() for leak in found}
    chapters = {f"{d}.html" for d in toc.documents(toc.load()) if d.startswith("chapters/")}
    assert chapters and chapters <= pages
    assert all("full edition" in leak.what for leak in found)
    # A link to a file the branch lacks is reported too.
    slug = REPOSITORY.removeprefix("https://github.com/")
    (tmp_path / "index.html").write_text(
        f'<a href="{REPOSITORY}/blob/student/chapters/99_missing.ipynb">x</a>'
        f'<a href="https://mybinder.org/v2/gh/{slug}/student?urlpath=lab/tree/x.ipynb">y</a>'
    )
    lacking = leaks.find_link_leaks(tmp_path, tmp_path / "branch", REPOSITORY, "student")
    assert len(lacking) == 2 and all("lacks" in leak.what for leak in lacking)


# --------------------------------------------------------------------------- accessibility
STUDENT_PAGES = [d for d in toc.documents(toc.load()) if d not in stage.INSTRUCTOR_ONLY]


@pytest.fixture(scope="session")
def student_server(student):
    """The student edition's site served over HTTP on a local port: its URL."""
    with serve(_built(student) / "html") as url:
        yield url


@pytest.mark.slow  # 36 pages of axe-core: in make test-slow, not in make test
@pytest.mark.parametrize("name", STUDENT_PAGES)
def test_the_student_edition_passes_axe(browser, student_server, name):
    """axe-core finds no WCAG 2.1 A or AA failure on any page of the student edition, in light
    and dark mode (as on the full edition's pages, tests/test_book.py)."""
    page = open_page(browser, f"{student_server}/{name}.html")
    try:
        check_accessibility(page, name)
    finally:
        page.close()
