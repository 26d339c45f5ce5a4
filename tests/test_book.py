"""The book builds with warnings as errors, and the built site works in a real headless browser.

The browser tests drive the system Chromium with Playwright. Without a Chromium they are
skipped, unless MLEBOOK_REQUIRE_BROWSER=1 (as in CI), when its absence is a failure.
"""

from __future__ import annotations

import os
import re
import sys
import urllib.request
from pathlib import Path

import pytest
import yaml
from browser import open_page

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.book


def toc_files() -> list[str]:
    """Every page of the table of contents, in reading order (sections included)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())

    def walk(entries):
        for entry in entries:
            if "file" in entry:
                yield entry["file"]
            yield from walk(entry.get("sections", []))

    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += list(walk(part["chapters"]))
    return files


CHAPTERS = [f for f in toc_files() if f.startswith("chapters/")]
API_SAMPLE = ("api/index", "api/fitting")  # the API pages that make test opens in a browser


def test_every_notebook_is_in_the_toc_and_every_entry_exists():
    listed = toc_files()
    assert len(listed) == len(set(listed)), "a page is listed twice in _toc.yml"
    for name in listed:
        sources = [ROOT / f"{name}{ext}" for ext in (".md", ".ipynb")]
        assert sum(s.exists() for s in sources) == 1, (
            f"_toc.yml entry {name} has no single source file"
        )
    notebooks = {
        str(p.relative_to(ROOT).with_suffix(""))
        for folder in ("chapters", "appendix")
        for p in (ROOT / folder).glob("*.ipynb")
    }
    assert notebooks - set(listed) == set(), "notebooks missing from _toc.yml"
    pages = {str(p.relative_to(ROOT).with_suffix("")) for p in ROOT.glob("*.md")} | {
        str(p.relative_to(ROOT).with_suffix("")) for p in (ROOT / "api").glob("*.md")
    }
    assert pages - set(listed) - {"README"} == set(), "pages missing from _toc.yml"


def test_every_chapter_starts_with_the_install_cell_for_the_configured_repository():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import launch_cell
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    url = launch_cell.repository_url()
    stale = [
        path.name
        for path in sorted((ROOT / "chapters").glob("*.ipynb"))
        if not launch_cell.sync(path, url, check=True)
    ]
    assert not stale, f"install cell out of date (run scripts/launch_cell.py): {stale}"


# The book is built once per run by the `build` and `site` fixtures in conftest.py (shared
# with the student edition's tests, and across xdist workers).


def test_the_book_builds_with_warnings_as_errors(build):
    proc, html = build
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-4000:]
    assert "build succeeded" in log
    sphinx_problems = re.findall(r".*(?:WARNING|ERROR): .*", log)
    assert not sphinx_problems, sphinx_problems
    assert (html / "index.html").exists()


def test_every_page_in_the_table_of_contents_is_built(site):
    for name in toc_files():
        assert (site / f"{name}.html").exists(), name


def test_chapter_notebooks_are_downloadable(site):
    """The download button serves each chapter's notebook as it is in the repository (which
    tests/test_learner.py runs in JupyterLab as a learner who downloaded it would)."""
    chapters = [f for f in toc_files() if f.startswith("chapters/")]
    for name in chapters:
        served = site / "_sources" / f"{name}.ipynb"
        assert served.read_bytes() == (ROOT / f"{name}.ipynb").read_bytes(), name


def test_mathjax_is_bundled_not_fetched(site):
    page = (site / "chapters" / "01_likelihood.html").read_text()
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', page)
    assert any(s.endswith("_static/mathjax/tex-chtml.js") for s in scripts)
    assert not [s for s in scripts if s.startswith(("http:", "https:", "//"))]
    assert (site / "_static" / "mathjax" / "tex-chtml.js").exists()


# --------------------------------------------------------------------------- the browser
# The `browser` and `server` fixtures are in conftest.py, and open_page in browser.py (shared
# with tests/test_accessibility.py and the student edition's tests).

VISIBLE_PROSE = """() => {
    const a = document.querySelector('article').cloneNode(true);
    a.querySelectorAll('pre, code, script, mjx-container, .highlight').forEach(e => e.remove());
    return a.textContent; }"""


def page_targets(page) -> list[str]:
    """The absolute URLs of every link and image in the page's own content and navigation."""
    return page.evaluate("""() => [
        ...Array.from(document.querySelectorAll('a[href]')).map(a => a.href),
        ...Array.from(document.querySelectorAll('img[src]')).map(i => i.src)]""")


@pytest.fixture(scope="session")
def anchors(site):
    """The ids defined in every built page, to check links to a fragment."""
    ids = {}
    for path in site.rglob("*.html"):
        ids[path.relative_to(site).as_posix()] = set(
            re.findall(r'\sid="([^"]+)"', path.read_text())
        )
    return ids


#: The pages other than chapters. The API reference's module pages are made by one template
#: from the docstrings (scripts/api_pages.py): make test opens its index and one of them, make
#: test-slow every one.
PAGES = [
    pytest.param(
        f,
        id=f,
        marks=pytest.mark.slow if f.startswith("api/") and f not in API_SAMPLE else (),
    )
    for f in toc_files()
    if f not in CHAPTERS
]


@pytest.mark.parametrize("name", PAGES)
def test_page_works_in_a_browser(browser, server, anchors, name):
    """Every page: HTTP 200, no script or console errors, math typeset, images with alt text,
    no request leaving the site, and every internal link (and its fragment) resolving. (The
    chapters are checked the same way by test_chapter_works_and_reads_well_in_a_browser.)"""
    page = open_page(browser, f"{server}/{name}.html")
    try:
        check_page_works(page, server, anchors, name)
        check_layout(page, name)
    finally:
        page.close()


def check_page_works(page, server, anchors, name):
    """The checks of test_page_works_in_a_browser, on an open page."""
    # Math is typeset by the bundled MathJax: no TeX errors, no raw delimiters left as text.
    assert page.locator("mjx-merror").count() == 0
    prose = page.evaluate(VISIBLE_PROSE)
    for raw in ("$$", "\\(", "\\[", "\\frac", "\\hat", "\\theta"):
        assert raw not in prose, f"untypeset math {raw!r} on {name}"
    # Every image in the article has loaded and carries alt text.
    images = page.evaluate(
        "() => Array.from(document.querySelectorAll('article img'))"
        ".map(i => ({src: i.src, alt: i.alt, w: i.naturalWidth}))"
    )
    for image in images:
        assert image["w"] > 0, f"an image failed to load: {image['src']}"
        assert len(image["alt"].strip()) > 20, f"an image lacks alt text: {image}"
    # Internal links resolve to a built file, and a link to a fragment finds its target.
    broken = []
    for url in set(page_targets(page)):
        if not url.startswith(server + "/"):
            continue
        if url == f"{server}/{PDF_EDITION}":
            # The whole book's PDF, linked from the front page and every download menu: make pdf
            # builds it and make site publishes it beside the pages; make test builds neither
            # (tests/test_pdf.py checks the PDF and the name the links use).
            continue
        path, _, fragment = url[len(server) + 1 :].split("?")[0].partition("#")
        path = path + "index.html" if path == "" or path.endswith("/") else path
        if path in anchors:
            if fragment and fragment not in anchors[path]:
                broken.append(url)
        elif not exists_on_server(f"{server}/{path}"):
            broken.append(url)
    assert not broken, f"broken links on {name}: {sorted(broken)}"
    foreign = [u for u in page.requests if not u.startswith(server) and not u.startswith("data:")]
    assert not foreign, foreign
    assert not page.problems, page.problems


#: The PDF edition's file, as _ext/pdf_edition.py links it.
PDF_EDITION = (
    Path(
        yaml.safe_load((ROOT / "_config.yml").read_text())["latex"]["latex_documents"]["targetname"]
    )
    .with_suffix(".pdf")
    .name
)

#: Reading at every width: what overflows the column at 1280 px (code inputs, and code blocks of
#: the text; outputs may scroll in their box) and, at a phone's 390 px, what is wider than the
#: viewport without a box of its own that scrolls sideways, or is cut off by a box that does not
#: scroll, and equation numbers that cover their equation.
LAYOUT = """(phone) => {
    const vw = window.innerWidth, problems = [];
    const visible = e => e.offsetParent !== null && e.getClientRects().length > 0;
    const scrolls = e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX);
    const box = e => {
        for (let a = e; a && a !== document.body; a = a.parentElement) {
            if (scrolls(a) && a.getBoundingClientRect().right <= vw + 1) return a;
        }
        return null;
    };
    const say = (what, e) => problems.push(
        what + ': ' + (e.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 70));
    const code = Array.from(document.querySelectorAll('article pre'))
        .filter(p => visible(p) && !p.closest('.cell_output'));
    for (const p of code) {
        if (!phone && p.scrollWidth > p.clientWidth + 1) say('code scrolls sideways', p);
    }
    if (!phone) return problems;
    if (document.documentElement.scrollWidth > vw + 1) {
        problems.push('the page scrolls sideways: ' + document.documentElement.scrollWidth);
    }
    const parts = 'article span.math, article div.math mjx-container, article table, article pre';
    for (const e of Array.from(document.querySelectorAll(parts)).filter(visible)) {
        if (e.getBoundingClientRect().right > vw + 1 && !box(e)) say('wider than the phone', e);
        if (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'hidden'
            && !box(e)) say('cut off', e);
    }
    for (const eq of Array.from(document.querySelectorAll('article div.math')).filter(visible)) {
        const number = eq.querySelector('.eqno'), math = eq.querySelector('mjx-container');
        if (!number || !math) continue;
        const n = number.getBoundingClientRect(), m = math.getBoundingClientRect();
        if (n.left < m.right - 1 && m.left < n.right - 1) say('equation number covers', eq);
    }
    return problems;
}"""


def check_layout(page, name):
    """Code that fits the column at 1280 px; at 390 px, a page that does not scroll sideways,
    equations, tables and code that fit or scroll in their own box, and equation numbers beside
    their equations; with MLEBOOK_SCREENSHOTS=1, a phone-width screenshot too. (The API
    reference's docstring examples, written for a terminal's 100 columns, scroll in their box.)"""
    problems = [] if name.startswith("api/") else page.evaluate(LAYOUT, False)
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(50)  # one frame, for the theme's layout at the new width
    problems += page.evaluate(LAYOUT, True)
    if os.environ.get("MLEBOOK_SCREENSHOTS") == "1":
        shots = ROOT / "_build" / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / f"{Path(name).name}-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    assert not problems, f"{name}: {problems[:8]}"


def exists_on_server(url: str) -> bool:
    """Whether the test server serves `url` (for links to notebooks, images and sources)."""
    try:
        with urllib.request.urlopen(url) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_works_and_reads_well_in_a_browser(browser, server, anchors, name):
    """A chapter, opened once: everything test_page_works_in_a_browser checks of a page; then
    typeset equations, figures, folded solutions that open on click, launch buttons for
    Binder and Colab; and, with MLEBOOK_SCREENSHOTS=1, a full-page screenshot for a person
    to look at."""
    page = open_page(browser, f"{server}/{name}.html")
    try:
        check_page_works(page, server, anchors, name)
        assert page.locator("mjx-container").count() >= 10
        assert page.locator("article img").count() >= 1, "a chapter has at least one figure"
        uncaptioned = page.evaluate(
            "() => Array.from(document.querySelectorAll('article img'))"
            ".filter(i => !i.closest('figure')?.querySelector('figcaption'))"
            ".map(i => i.alt)"
        )
        assert not uncaptioned, f"figures without a caption: {uncaptioned}"
        # At least three exercises, each solution folded until its title is clicked.
        assert page.locator("div.exercise").count() >= 3
        solutions = page.locator("div.solution.dropdown")
        assert solutions.count() >= 3
        first = solutions.first
        body = first.locator("section").first
        assert not body.is_visible()
        first.locator("button.toggle-button").click()
        body.wait_for(state="visible")
        assert len(body.inner_text().strip()) > 20
        # Every solution open, so that the layout checks see their code too.
        for i in range(1, solutions.count()):
            solutions.nth(i).locator("button.toggle-button").click()
        solutions.last.locator("section").first.wait_for(state="visible")
        check_layout(page, name)
        # The install cell for Colab is in the notebook but not on the page.
        assert "find_spec" not in page.content()
        # Launch buttons point at this chapter's notebook in the configured repository.
        repo = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]
        slug = repo.removeprefix("https://github.com/")
        links = page.evaluate(
            "() => Array.from(document.querySelectorAll('a[href]')).map(a => a.href)"
        )
        assert f"https://mybinder.org/v2/gh/{slug}/main?urlpath=lab/tree/{name}.ipynb" in links
        assert f"https://colab.research.google.com/github/{slug}/blob/main/{name}.ipynb" in links
        assert repo in links
        if os.environ.get("MLEBOOK_SCREENSHOTS") == "1":  # 2 s a chapter: on request only
            shots = ROOT / "_build" / "screenshots"
            shots.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shots / f"{Path(name).name}.png"), full_page=True)
        assert not page.problems, page.problems
    finally:
        page.close()


def test_the_sidebar_and_the_launch_menu_work_on_a_phone(browser, server):
    """At 390 px the table of contents is folded away behind a button that opens it, and the
    launch menu opens on a tap and offers Binder and Colab."""
    page = open_page(browser, f"{server}/chapters/01_likelihood.html")
    try:
        page.set_viewport_size({"width": 390, "height": 844})
        link = "a[href$='02_log_likelihood.html']"
        # At the new width the theme folds the sidebar away (after its layout and transition).
        page.locator(f"#pst-primary-sidebar {link}").first.wait_for(state="hidden", timeout=5000)
        # The visible button (in the page's header) opens it, as a dialog over the page.
        page.locator("button.primary-toggle:visible").first.click()
        chapter_link = page.locator(f"dialog#pst-primary-sidebar-modal {link}").first
        chapter_link.wait_for(state="visible")
        chapter_link.click()
        page.wait_for_url("**/02_log_likelihood.html")
        page.set_viewport_size({"width": 390, "height": 844})
        launch = page.locator(".dropdown-launch-buttons button.dropdown-toggle")
        assert launch.is_visible()
        launch.click()
        binder = page.locator(".dropdown-launch-buttons a[href*='mybinder.org']")
        colab = page.locator(".dropdown-launch-buttons a[href*='colab.research.google.com']")
        binder.wait_for(state="visible")
        assert colab.is_visible()
        for link in (binder, colab):
            box = link.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390 + 1, box
        assert not page.problems, page.problems
    finally:
        page.close()


def test_front_page_links_every_chapter(browser, server):
    page = open_page(browser, f"{server}/intro.html")
    try:
        links = page.evaluate(
            "() => Array.from(document.querySelectorAll('article a'))"
            ".map(a => a.getAttribute('href'))"
        )
        for name in CHAPTERS:
            assert any(h and h.split("#")[0].endswith(f"{name}.html") for h in links), name
        # The book's own logo and favicon.
        assert page.locator("img.logo__image").first.evaluate("i => i.naturalWidth") > 0
        assert page.locator("link[rel=icon]").get_attribute("href").endswith("favicon.svg")
        assert not page.problems, page.problems
    finally:
        page.close()


def test_search_finds_the_likelihood_chapter(browser, server):
    page = open_page(browser, f"{server}/search.html?q=likelihood")
    try:
        # Sphinx lists results one by one, then writes its summary: wait for the summary.
        page.wait_for_function(
            "() => /found \\d+ page/i.test("
            "document.querySelector('#search-results .search-summary')?.textContent || '')",
            timeout=30000,
        )
        found = page.evaluate(
            "() => Array.from(document.querySelectorAll('#search-results ul.search li a'))"
            ".map(a => a.getAttribute('href'))"
        )
        assert any(
            h.split("?")[0].split("#")[0].endswith("chapters/01_likelihood.html") for h in found
        ), found
        assert not page.problems, page.problems
    finally:
        page.close()


def test_api_reference_documents_every_public_name(site):
    import importlib

    import mlebook

    index = (site / "api" / "index.html").read_text()
    for module in [m for m in mlebook.__all__ if m not in ("fit", "FitResult")] + [
        "plotting",
        "parametrization",
    ]:
        html = (site / "api" / f"{module}.html").read_text()
        for name in importlib.import_module(f"mlebook.{module}").__all__:
            if module == "symbolic" and name in ("i", "n", "x"):
                continue  # sympy symbols, described in the module docstring
            assert f'id="mlebook.{module}.{name}"' in html, (
                f"mlebook.{module}.{name} is not documented"
            )
            assert f'href="{module}.html#mlebook.{module}.{name}"' in index, (
                f"{name} is missing from api/index.md"
            )
