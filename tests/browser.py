"""The real browser the site tests drive: the system Chromium through Playwright.

The `browser` and `server` fixtures (tests/conftest.py) use these; the site tests
(tests/test_book.py, tests/test_accessibility.py) and the student edition's
(tests/test_student_edition.py) open pages with :func:`open_page`.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import re
import shutil
import threading
from pathlib import Path


def find_chromium() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if candidate and shutil.which(candidate):
            return shutil.which(candidate)
    return None


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@contextlib.contextmanager
def serve(folder: Path):
    """Serve `folder` over HTTP on a free local port; yields the server's URL."""

    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(QuietHandler, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
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
