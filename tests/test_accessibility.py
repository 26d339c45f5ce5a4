"""Accessibility (WCAG 2.1 AA): the keyboard path to the exercises, and the checks themselves.

axe-core runs on every page of the full edition (here) and of the student edition
(tests/test_student_edition.py), in light and dark mode; the helpers are in accessibility.py.
At 5 to 9 s a chapter (pages of ~12,000 elements, mostly MathJax's), the two page-by-page runs
are in `make test-slow`, which CI runs after `make test`; the checks of the checks and the
keyboard path are in `make test`.
"""

from __future__ import annotations

import re

import pytest
from accessibility import check_accessibility, describe, press, run_axe, tab_until
from browser import open_page
from test_book import toc_files

pytestmark = pytest.mark.book

CHAPTER_1 = "chapters/01_likelihood"


@pytest.mark.slow
@pytest.mark.parametrize("name", toc_files())
def test_every_page_of_the_book_passes_axe(browser, server, name):
    """axe-core finds no WCAG 2.1 A or AA failure on any page of the table of contents, in
    light mode and in dark mode, with every solution opened."""
    page = open_page(browser, f"{server}/{name}.html")
    try:
        check_accessibility(page, name)
    finally:
        page.close()


FIRST_TOGGLE = "e => e === document.querySelector('div.solution button.toggle-button')"


def test_axe_finds_what_it_should_and_says_where(browser):
    """The check can fail: on a page with an unnamed icon button, a button whose name hides
    its visible label, a list holding a link, and grey text on white, it names each rule and
    element."""
    page = browser.new_page()
    try:
        page.set_content(
            '<html lang="en"><head><title>Broken</title></head><body><main><h1>Broken</h1>'
            '<button id="icon"><svg width="10" height="10"></svg></button>'
            '<button id="mode" aria-label="Color mode">Light</button>'
            '<div role="list" id="refs"><a href="#x">back</a></div>'
            '<p id="grey" style="color: #999; background: #fff">grey text</p></main></body></html>'
        )
        violations = {v["id"]: v for v in run_axe(page)}
        assert {
            "button-name",
            "label-content-name-mismatch",
            "aria-required-children",
            "color-contrast",
        } <= set(violations)
        with pytest.raises(AssertionError) as failure:
            check_accessibility(page, "broken")
        report = str(failure.value)
        for rule, selector in [
            ("button-name", "#icon"),
            ("label-content-name-mismatch", "#mode"),
            ("aria-required-children", "#refs"),
            ("color-contrast", "#grey"),
        ]:
            assert re.search(rf"broken \[light\] {rule} .*\n\s+{selector}\b", report), rule
    finally:
        page.close()


def test_the_keyboard_reaches_and_opens_the_first_solution_of_chapter_1(browser, server):
    """From the top of chapter 1: Tab shows the skip links, "Skip to the exercises" leads to
    them, and the first solution's toggle, named after what it reveals, is a few Tab presses
    further (under 30 presses in all); Enter opens it. "Skip to main content" leads to the main
    text. Equations are not tab stops; exercise and solution titles are headings."""
    page = open_page(browser, f"{server}/{CHAPTER_1}.html")
    try:
        assert press(page, "Tab")["text"] == "Skip to main content"
        assert press(page, "Tab")["text"] == "Skip to the exercises"
        page.keyboard.press("Enter")
        presses, seen = tab_until(page, FIRST_TOGGLE, limit=30 - 3)
        presses += 3
        toggle = page.locator("div.solution button.toggle-button").first
        name = toggle.get_attribute("aria-label")
        assert name.startswith("Show solution to Exercise 1 ("), name
        assert presses < 30, (presses, seen)
        body = page.locator("div.solution").first.locator("section").first
        assert not body.is_visible()
        page.keyboard.press("Enter")
        body.wait_for(state="visible")
        assert toggle.get_attribute("aria-expanded") == "true"
        assert toggle.get_attribute("aria-label") == name.replace("Show", "Hide", 1)

        # Titles of exercises and solutions are headings, one level below "Exercises" (h2).
        exercise = page.get_by_role("heading", name=re.compile(r"^Exercise 1 \(")).first
        solution = page.get_by_role("heading", name=re.compile(r"^Solution to Exercise 1 \("))
        for heading in (exercise, solution.first):
            assert heading.get_attribute("aria-level") == "3"
        # No equation is a tab stop, unless it is wider than the column and scrolls.
        stops = page.evaluate(
            "() => Array.from(document.querySelectorAll('mjx-container'))"
            ".filter(m => m.tabIndex >= 0 && m.scrollWidth <= m.clientWidth + 13).length"
        )
        assert stops == 0, f"{stops} equations are tab stops"

        # "Skip to main content" leads past the navigation to the page's main part.
        page.reload(wait_until="load")
        press(page, "Tab")
        page.keyboard.press("Enter")
        first = press(page, "Tab")
        assert page.evaluate("() => Boolean(document.activeElement.closest('main'))"), first
        assert not page.problems, page.problems
    finally:
        page.close()


def test_a_formula_that_scrolls_is_a_tab_stop_so_that_the_keyboard_can_scroll_it(browser, server):
    """At a phone's width some formulas are wider than the column and scroll sideways in their
    box: each is then a tab stop (WCAG 2.1.1), as axe-core requires of a region that scrolls."""
    page = open_page(browser, f"{server}/{CHAPTER_1}.html")
    try:
        page.set_viewport_size({"width": 390, "height": 844})
        page.wait_for_timeout(500)  # the theme and accessibility.js look again 300 ms after
        stops = page.evaluate(
            "() => Array.from(document.querySelectorAll('span.math, mjx-container'))"
            ".filter(m => m.tabIndex === 0).length"
        )
        assert stops >= 1, "no formula scrolls at 390 px: this test no longer tests anything"
        violations = run_axe(page, "article", rules=["scrollable-region-focusable"])
        assert not violations, describe(violations)
    finally:
        page.close()
