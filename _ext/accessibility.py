"""A local Sphinx extension for what the theme and its extensions write inaccessibly (WCAG 2.1 AA).

The book's templates (``_templates/``) and CSS (``_static/accessibility.css``) fix what they
can; this extension fixes the HTML that Python code writes:

- exercise and solution titles become headings (``role="heading"`` with the level below their
  section's), so that a screen reader lists them and jumps to them;
- the expander of a collapsible entry of the sidebar (an icon-only ``<summary>``) gets a name,
  "Pages in API reference";
- a hidden code cell's "Show code cell source" toggle is named by that text, not by
  myst-nb's "Toggle hidden content" (WCAG 2.5.3, label in name);
- bibliography entries are list items of their list, instead of docutils's deprecated
  ``doc-biblioentry`` role, which ARIA no longer counts as a list item.

``_static/accessibility.js`` names the solution toggles that sphinx-togglebutton adds in the
browser. The tests run axe-core on every page (tests/test_accessibility.py).
"""

from docutils import nodes
from myst_nb.sphinx_ import HideCodeCellNode
from sphinx_exercise.nodes import exercise_enumerable_node, exercise_node, solution_node


class exercise_heading(nodes.title):
    """The title of an exercise or a solution, whose text is written as a heading."""


def _visit_exercise_heading(self, node):
    # The translator's own title (<p class="admonition-title">, then the exercise's number),
    # with everything after the opening tag inside a heading one level below the section's
    # own; sphinx-togglebutton later appends its button to the <p>, outside the heading.
    start = len(self.body)
    self.visit_title(node)
    level = min(6, self.section_level + self.initial_header_level)
    self.body.insert(start + 1, f'<span role="heading" aria-level="{level}">')


def _depart_exercise_heading(self, node):
    self.body.append("</span>")
    self.depart_title(node)


def _titles_as_headings(app, doctree, docname):
    if app.builder.format != "html":
        return
    kinds = (exercise_node, exercise_enumerable_node, solution_node)
    for node in doctree.findall(lambda n: isinstance(n, kinds)):
        title = node.children[0] if node.children else None
        if type(title) is nodes.title:
            node.replace(title, exercise_heading(title.rawsource, "", *title.children))


def _visit_hidden_cell(self, node):
    """myst-nb's visit_HideCellInput, without the aria-label that hides the visible text."""
    classes = " ".join(node["classes"])
    self.body.append(f'<details class="admonition hide {classes}">\n<summary>\n')
    for which, prompt in (("collapsed", "prompt_show"), ("expanded", "prompt_hide")):
        text = self.encode(node[prompt])
        self.body.append(f'<p class="{which} admonition-title">{text}</p>\n')
    self.body.append("</summary>\n")


def _depart_hidden_cell(self, node):
    self.body.append("</details>\n")


def _visit_citation(self, node):
    """docutils's visit_citation, with each entry a list item of the list around them."""
    if not isinstance(node.previous_sibling(), type(node)):
        self.body.append('<div role="list" class="citation-list">\n')
    self.body.append(self.starttag(node, "div", classes=[node.tagname], role="listitem"))


def _depart_citation(self, node):
    self.body.append("</div>\n")
    if not isinstance(node.next_node(descend=False, siblings=True), type(node)):
        self.body.append("</div>\n")


def _name_sidebar_expanders(app, pagename, templatename, context, doctree):
    """Wrap the theme's generate_toctree_html so that each icon-only <summary> has a name."""
    generate = context.get("generate_toctree_html")
    if generate is None or getattr(generate, "names_expanders", False):
        return

    def generate_toctree_html(kind, *args, **kwargs):
        soup = generate(kind, *args, **kwargs)
        if kind == "sidebar":
            for summary in soup.select("li.has-children > details > summary"):
                if summary.get_text(strip=True):
                    continue  # a part caption, which names it
                link = summary.find_parent("li").find("a", recursive=False)
                title = link.get_text(" ", strip=True) if link else "this entry"
                summary["aria-label"] = f"Pages in {title}"
        return soup

    generate_toctree_html.names_expanders = True
    context["generate_toctree_html"] = generate_toctree_html


def setup(app):
    heading = (_visit_exercise_heading, _depart_exercise_heading)
    app.add_node(exercise_heading, html=heading, singlehtml=heading)
    app.connect("doctree-resolved", _titles_as_headings)
    # After the themes' own handlers, which put generate_toctree_html in the context.
    app.connect("html-page-context", _name_sidebar_expanders, priority=900)
    hidden = (_visit_hidden_cell, _depart_hidden_cell)
    app.add_node(HideCodeCellNode, override=True, html=hidden, singlehtml=hidden)
    citation = (_visit_citation, _depart_citation)
    app.add_node(nodes.citation, override=True, html=citation, singlehtml=citation)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
