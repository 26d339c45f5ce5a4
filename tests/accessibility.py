"""Accessibility checks on a page open in the browser: axe-core in light and dark mode, and
the keyboard.

axe-core is the npm package, at the version the Makefile names (AXE_CORE), which `make test`
installs into the virtual environment; MLEBOOK_AXE_JS=/path/to/axe.min.js runs another build.
"""

from __future__ import annotations

import os
import re
import sys
from functools import cache
from pathlib import Path

#: WCAG 2.0 and 2.1, levels A and AA: what the book must meet.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": AXE_TAGS},
    "resultTypes": ["violations"],
}
#: The oldest axe-core whose results the tests trust: 4.14 runs label-content-name-mismatch
#: with the wcag21a rules, and fetches the stylesheets a stylesheet @imports from the right place
#: (4.12 asks the server for /basic.css, a 404, and then judges css-orientation-lock without it).
AXE_MIN_VERSION = (4, 14)
#: Nothing is allowed: a rule may be listed here only with the reason beside it.
ALLOWED: dict[str, str] = {}
ROOT = Path(__file__).resolve().parents[1]


@cache
def axe_script() -> str:
    """The source of axe-core: MLEBOOK_AXE_JS if set, else the npm package the Makefile names."""
    path = os.environ.get("MLEBOOK_AXE_JS")
    if path:
        return Path(path).read_text(encoding="utf-8")
    version = re.search(r"^AXE_CORE := (\S+)", (ROOT / "Makefile").read_text(), re.M).group(1)
    folder = f"axe-core-{version}"
    script = Path(sys.prefix) / folder / "node_modules" / "axe-core" / "axe.min.js"
    assert script.exists(), (
        f"axe-core {version} is not installed in {sys.prefix}: `make test` installs it, or "
        f"`make .venv/{folder}/node_modules/axe-core/axe.min.js` (with Node.js's npm)"
    )
    return script.read_text(encoding="utf-8")


def run_axe(page, context: str | None = None, rules: list[str] | None = None) -> list[dict]:
    """The violations axe-core finds on `page`, of the WCAG 2.1 A and AA rules or of `rules`
    only, in the elements that the CSS selector `context` selects (by default the whole page)."""
    if not page.evaluate("() => Boolean(window.axe && window.axe.run)"):
        page.evaluate(axe_script())
        version = page.evaluate("() => axe.version")
        assert tuple(int(v) for v in version.split(".")[:2]) >= AXE_MIN_VERSION, version
    options = AXE_OPTIONS if rules is None else {**AXE_OPTIONS, "runOnly": rules}
    result = page.evaluate(
        "([context, options]) => axe.run(context || document, options)", [context, options]
    )
    return [v for v in result["violations"] if v["id"] not in ALLOWED]


def describe(violations: list[dict], where: str = "") -> str:
    """One line per failing rule, then one per failing element: its selector and its HTML."""
    lines = []
    for v in violations:
        lines.append(f"{where}{v['id']} ({v['impact']}, {v['helpUrl']}): {v['help']}")
        for node in v["nodes"]:
            selector = " ".join(str(t) for t in node["target"])
            html = " ".join(node["html"].split())[:160]
            message = node.get("failureSummary", "").replace("\n", " ")[:240]
            lines.append(f"    {selector}\n        {html}\n        {message}")
    return "\n".join(lines)


#: Switch the theme's colour mode with its own button (pydata-sphinx-theme cycles auto, dark,
#: light), so that the page goes through the same code as a reader's click.
_SET_MODE = """(mode) => {
    const root = document.documentElement;
    const button = document.querySelector('.theme-switch-button');
    for (let i = 0; i < 3 && root.dataset.mode !== mode; i++) {
        if (button) { button.click(); } else { root.dataset.mode = root.dataset.theme = mode; }
    }
    return [root.dataset.mode, root.dataset.theme];
}"""


def set_color_mode(page, mode: str) -> None:
    """Put the page in colour mode `mode`: "light", "dark" or "auto" (the reader's system's)."""
    got = page.evaluate(_SET_MODE, mode)
    assert got[0] == mode and (mode == "auto" or got[1] == mode), f"asked for {mode}, got {got}"


#: Prepare the page for axe, or put it back as it was (`undo`):
#: - no CSS transitions, so that colours are final as soon as the mode is switched;
#: - every folded solution open, so that what it reveals is checked too;
#: - in each highlighted code block, one token of each kind only. A chapter has thousands of
#:   tokens (6,000 on the longest), one element each, and axe-core measures the contrast of
#:   every one: several seconds a page. A token's colour is its kind's, on the block's
#:   background, so one token of each kind, in each kind of block, says the same. The blocks'
#:   text is put back as it was afterwards.
_PREPARE = """async (undo) => {
    const state = window.__axePrepared;
    if (undo) {
        if (!state) return 0;
        state.code.forEach(([pre, html]) => { pre.innerHTML = html; });
        state.opened.forEach(button => button.click());
        state.style.remove();
        delete window.__axePrepared;
        return 0;
    }
    const style = document.createElement('style');
    style.textContent = '*, *::before, *::after { transition: none !important; }';
    document.head.appendChild(style);
    const opened = Array.from(document.querySelectorAll(
        '.admonition.toggle.toggle-hidden > .admonition-title > button.toggle-button'));
    opened.forEach(button => button.click());
    const code = [], seen = new Set();
    document.querySelectorAll('div.highlight pre').forEach(pre => {
        code.push([pre, pre.innerHTML]);
        const box = pre.closest('.cell_output, .cell_input, .admonition, article');
        const where = box ? box.className : '';
        for (const token of Array.from(pre.querySelectorAll('span'))) {
            const kind = token.className + '|' + where;
            if (seen.has(kind)) { token.remove(); } else { seen.add(kind); }
        }
    });
    window.__axePrepared = {style, opened, code};
    // Two frames, for what watches the layout (the equations' tab stops, accessibility.js).
    await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
    return opened.length;
}"""

#: In dark mode, the rules whose outcome the colour mode can change: the colours (WCAG 1.4.3
#: contrast, 1.4.1 links told apart from the text around them), and image-alt for the images
#: shown in dark mode only (the theme's dark logo). The other rules look at names, roles and
#: structure, which the mode leaves alone: they run in light mode, on the whole page.
DARK_RULES = ["color-contrast", "link-in-text-block", "image-alt"]


def check_accessibility(page, name: str) -> None:
    """axe-core finds nothing on the open page `name`, in light mode and in dark mode, with its
    folded solutions open. The page is left as it was (mode, solutions, code)."""
    before = page.evaluate("() => document.documentElement.dataset.mode")
    page.evaluate(_PREPARE, False)
    try:
        set_color_mode(page, "light")
        light = describe(run_axe(page), f"{name} [light] ")
        set_color_mode(page, "dark")
        dark = describe(run_axe(page, rules=DARK_RULES), f"{name} [dark] ")
    finally:
        if before:  # (a page without the theme has no colour mode)
            set_color_mode(page, before)
        page.evaluate(_PREPARE, True)
    report = "\n".join(p for p in (light, dark) if p)
    assert not report, f"axe-core (WCAG 2.1 AA) finds on {name}:\n{report}"


FOCUSED = """() => {
    const e = document.activeElement;
    return {tag: e.tagName.toLowerCase(), text: (e.getAttribute('aria-label')
                || e.textContent || '').replace(/\\s+/g, ' ').trim().slice(0, 80)};
}"""


def press(page, key: str) -> dict:
    """Press `key` and say what has the focus then: its tag and its name (or text)."""
    page.keyboard.press(key)
    return page.evaluate(FOCUSED)


def tab_until(page, is_target: str, limit: int) -> tuple[int, list[dict]]:
    """Press Tab until `is_target` (JavaScript, given the focused element) is true.

    Returns the number of presses and what had the focus after each; fails after `limit`.
    """
    seen = []
    for presses in range(1, limit + 1):
        seen.append(press(page, "Tab"))
        if page.evaluate(f"() => ({is_target})(document.activeElement)"):
            return presses, seen
    raise AssertionError(
        f"not reached in {limit} Tab presses; the focus went to:\n"
        + "\n".join(f"  {s['tag']}: {s['text']}" for s in seen)
    )
