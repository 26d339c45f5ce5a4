"""The book builds with warnings as errors, and the built site works in a real headless browser.

The browser tests drive the system Chromium with Playwright. Without a Chromium they are
skipped, unless MLEBOOK_REQUIRE_BROWSER=1 (as in CI), when its absence is a failure.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import pytest
import yaml

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
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "launch_cell.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


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
def find_chromium() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if candidate and shutil.which(candidate):
            return shutil.which(candidate)
    return None


@pytest.fixture(scope="session")
def browser():
    path = find_chromium()
    if path is None:
        if os.environ.get("MLEBOOK_REQUIRE_BROWSER") == "1":
            pytest.fail(
                "no Chromium found, and MLEBOOK_REQUIRE_BROWSER=1 requires one "
                "(install Debian's chromium)"
            )
        pytest.skip(
            "no Chromium on this machine: install one (Debian: apt-get install chromium) or set "
            "CHROMIUM=/path/to/chrome to run the site tests"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=path,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield b
        b.close()


@pytest.fixture(scope="session")
def server(site):
    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


# Console messages that are not the book's own problems. Keep this list short, and say why.
CONSOLE_ALLOW = [
    # Chromium logs a 404 for /favicon.ico when a page is opened before its <link rel="icon">
    # is parsed; the book's favicon is _static/favicon.svg, which the link tests check.
    re.compile(r"Failed to load resource.*favicon\.ico"),
]


def open_page(browser, url):
    """Open `url` and wait for MathJax to finish; record requests, failures and console errors."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.requests, page.problems = [], []
    page.on("request", lambda r: page.requests.append(r.url))
    page.on("pageerror", lambda e: page.problems.append(f"page error: {e}"))
    page.on(
        "console",
        lambda m: (
            m.type == "error"
            and not any(a.search(m.text) for a in CONSOLE_ALLOW)
            and page.problems.append(f"console error: {m.text}")
        ),
    )
    page.on(
        "response", lambda r: r.status >= 400 and page.problems.append(f"HTTP {r.status}: {r.url}")
    )
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == 200, (
        f"{url}: HTTP {response and response.status}"
    )
    if page.evaluate("() => Boolean(window.MathJax && MathJax.startup)"):
        page.evaluate("() => MathJax.startup.promise")
    return page


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


@pytest.mark.parametrize("name", [f for f in toc_files() if f not in CHAPTERS])
def test_page_works_in_a_browser(browser, server, anchors, name):
    """Every page: HTTP 200, no script or console errors, math typeset, images with alt text,
    no request leaving the site, and every internal link (and its fragment) resolving. (The
    chapters are checked the same way by test_chapter_works_and_reads_well_in_a_browser.)"""
    page = open_page(browser, f"{server}/{name}.html")
    try:
        check_page_works(page, server, anchors, name)
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
