// Reading at every width: the site's own additions to the theme's scripts (Jupyter Book loads
// every .js file in _static/).
//
// The buttons that open the table of contents (left) and the page's contents (right): the theme
// draws two of each, one in the top bar it hides and one in the page header a reader sees, but
// wires only the first. A click on the visible one is passed to it, so that on a phone the
// sidebar opens (and on a laptop it folds away).
document.addEventListener("DOMContentLoaded", () => {
  for (const side of ["primary", "secondary"]) {
    const [wired, ...others] = document.querySelectorAll(`button.${side}-toggle`);
    for (const button of others) {
      button.addEventListener("click", (event) => {
        event.preventDefault();
        wired.click();
      });
    }
  }
});
