/* What the book adds in the browser for accessibility (WCAG 2.1 AA); Jupyter Book adds every
 * .js file of _static/ to each page, after the extensions' own scripts. */
(() => {
  /* The toggles that sphinx-togglebutton adds to folded admonitions (the solutions), which it
   * names "Toggle hidden content" one and all. Each is named here after what it reveals,
   * beginning with the hint it shows ("Show" or "Hide": togglebutton_hint in _config.yml), so
   * that the name contains the visible label (WCAG 2.5.3): "Show solution to Exercise 2 (The
   * sequence or the count)", then "Hide ..." once it is open. */
  const name = (button) => {
    const title = button.closest(".admonition-title");
    const heading = title && title.querySelector('[role="heading"]');
    const text = (heading || title || button).textContent.replace(/\s+/g, " ").trim();
    const what = text.charAt(0).toLowerCase() + text.slice(1);
    button.setAttribute("aria-label", `${button.dataset.toggleHint} ${what}`);
  };
  const nameToggles = () => {
    document.querySelectorAll(".admonition.toggle button.toggle-button").forEach((button) => {
      name(button);
      new MutationObserver(() => name(button)).observe(button, {
        attributes: true,
        attributeFilter: ["data-toggle-hint"],
      });
    });
  };

  /* Equations are not tab stops (MathJax's inTabOrder: false in _config.yml), except one
   * wider than its box that scrolls sideways (a display equation; on a phone, a formula in the
   * text too, _static/reading.css): like the theme's code blocks, it is then a tab stop, so
   * that a keyboard can scroll it (WCAG 2.1.1). Hidden by more than an italic letter's overhang
   * (13 px, as axe-core counts); again whenever the page is resized (after the theme's 300 ms,
   * as for its code blocks) or a formula's box changes size (a solution opened). */
  const MATH = 'mjx-container[display="true"], span.math';
  const tabStopIfScrolls = (math) => {
    const scrolls =
      math.scrollWidth > math.clientWidth + 13 &&
      ["auto", "scroll"].includes(getComputedStyle(math).overflowX);
    if (scrolls) {
      math.tabIndex = 0;
    } else {
      math.removeAttribute("tabindex");
    }
  };
  const checkAll = () => document.querySelectorAll(MATH).forEach(tabStopIfScrolls);
  const watchMath = () => {
    const resized = new ResizeObserver((entries) => {
      entries.forEach((entry) => tabStopIfScrolls(entry.target));
    });
    document.querySelectorAll(MATH).forEach((math) => resized.observe(math));
    let timer = null;
    window.addEventListener("resize", () => {
      clearTimeout(timer);
      timer = setTimeout(checkAll, 300);
    });
  };
  // MathJax (loaded with defer) has started by the load event; it typesets after that.
  window.addEventListener("load", () => {
    if (window.MathJax && MathJax.startup) MathJax.startup.promise.then(watchMath);
  });

  // sphinx-togglebutton adds its buttons when the document is parsed; this runs after it.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", nameToggles);
  } else {
    nameToggles();
  }
})();

/* Code and printed output that scrolls sideways is a tab stop, so that a keyboard can scroll it
 * (WCAG 2.1.1). The theme does this for the blocks that scroll when the page loads, but a block
 * inside a folded solution has no width then, and scrolls only once the solution is opened:
 * each block is watched, and made a tab stop whenever its box changes and it scrolls. */
document.addEventListener("DOMContentLoaded", () => {
  const tabStopIfScrolls = (pre) => {
    if (pre.scrollWidth > pre.clientWidth) pre.tabIndex = 0;
  };
  const resized = new ResizeObserver((entries) => {
    entries.forEach((entry) => tabStopIfScrolls(entry.target));
  });
  document.querySelectorAll("article pre").forEach((pre) => resized.observe(pre));
});
