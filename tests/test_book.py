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
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.book


def toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [entry["file"] for entry in part["chapters"]]
    return files


@pytest.fixture(scope="session")
def build(tmp_path_factory):
    """Build the whole book once into a scratch folder, as `make book` does."""
    out = tmp_path_factory.mktemp("book")
    cmd = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(ROOT), "--path-output", str(out),
           "--builder", "html", "--warningiserror", "--nitpick", "--keep-going"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    return proc, out / "_build" / "html"


@pytest.fixture(scope="session")
def site(build):
    proc, html = build
    if proc.returncode != 0:
        pytest.fail(f"the book did not build:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return html


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
    chapters = [f for f in toc_files() if f.startswith("chapters/")]
    for name in chapters:
        assert (site / "_sources" / f"{name}.ipynb").exists(), name


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
            pytest.fail("no Chromium found, and MLEBOOK_REQUIRE_BROWSER=1 requires one (install Debian's chromium)")
        pytest.skip("no Chromium on this machine; install it to run the site tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic"])
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


def open_page(browser, url):
    page = browser.new_page()
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url, wait_until="load")
    page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
    page.evaluate("() => MathJax.startup.promise")
    return page, requests, errors


@pytest.mark.parametrize("name", [f for f in toc_files() if f.startswith("chapters/")])
def test_chapter_renders_in_a_browser(browser, server, name):
    page, requests, errors = open_page(browser, f"{server}/{name}.html")
    try:
        # Equations are typeset by the bundled MathJax, with no TeX errors left on the page.
        assert page.locator("mjx-container").count() >= 10
        assert page.locator("mjx-merror").count() == 0
        prose = page.evaluate("""() => {
            const a = document.querySelector('article').cloneNode(true);
            a.querySelectorAll('pre, code, script').forEach(e => e.remove());
            return a.textContent; }""")
        assert "\\frac" not in prose and "\\hat" not in prose and "$$" not in prose
        # Every figure has loaded and carries alt text.
        images = page.evaluate("() => Array.from(document.querySelectorAll('article img'))"
                               ".map(i => ({alt: i.alt, w: i.naturalWidth}))")
        assert images, "a chapter has at least one figure"
        for image in images:
            assert image["w"] > 0, "an image failed to load"
            assert len(image["alt"]) > 20, f"an image lacks alt text: {image}"
        # At least three exercises, each solution folded until its title is clicked.
        assert page.locator("div.exercise").count() >= 3
        solutions = page.locator("div.solution.dropdown")
        assert solutions.count() >= 3
        first = solutions.first
        body = first.locator("section").first
        assert not body.is_visible()
        first.locator("button.toggle-button").click()
        body.wait_for(state="visible")
        # Nothing is fetched from anywhere but the site itself.
        foreign = [u for u in requests if not u.startswith(server) and not u.startswith("data:")]
        assert not foreign, foreign
        assert not errors, errors
    finally:
        page.close()


def test_front_page_links_every_chapter(browser, server):
    page, requests, _ = open_page(browser, f"{server}/intro.html")
    try:
        links = page.evaluate("() => Array.from(document.querySelectorAll('article a')).map(a => a.getAttribute('href'))")
        for name in [f for f in toc_files() if f.startswith("chapters/")]:
            assert any(h and h.split("#")[0].endswith(f"{name}.html") for h in links), name
        assert all(u.startswith(server) for u in requests)
    finally:
        page.close()
