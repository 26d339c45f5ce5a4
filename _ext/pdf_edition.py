"""The PDF edition (``make pdf``): links to it from the site, and repairs to its LaTeX.

The PDF is published beside the site's pages under the name LaTeX gives it
(``latex_documents``' target name with ``.pdf``: ``mlebook.pdf``, and ``mlebook-student.pdf`` in
the student edition). Each page's download menu offers it, and the role ``{pdf-edition}`text```
links to it from the text (on the front page); in the PDF itself the role is plain text.

sphinx-exercise labels an exercise ``exercise:LABEL`` in LaTeX and rewrites only the references
from the exercise's own page to that form. A reference from another chapter keeps Sphinx's form,
``DOCNAME:LABEL``, which no label defined, so it printed as "??". This extension puts a second
label of that form at each numbered exercise, carrying the number its title shows.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform


def pdf_name(config) -> str:
    """The PDF edition's file name: the LaTeX document's target name with ``.pdf``."""
    return str(PurePosixPath(config.latex_documents[0][1]).with_suffix(".pdf"))


def pdf_edition_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{pdf-edition}`the whole book as a PDF```: a link to the PDF from the page."""
    env = inliner.document.settings.env
    if env.app.builder.format != "html":
        return [nodes.inline(rawtext, text)], []
    up = "../" * env.docname.count("/")
    link = nodes.reference(rawtext, text, refuri=up + pdf_name(env.config))
    link["classes"].append("pdf-edition")
    return [link], []


def add_to_download_menu(app, pagename, templatename, context, doctree) -> None:
    """Offer the whole book's PDF in the page's download menu, after the page's own files."""
    for button in context.get("header_buttons", []):
        if button.get("label") == "download-buttons":
            button["buttons"].append(
                {
                    "type": "link",
                    "url": context["pathto"](pdf_name(app.config), 1),
                    "text": "book .pdf",
                    "icon": "fas fa-book",
                    "tooltip": "Download the whole book as a PDF",
                    "label": "download-book-pdf-button",
                }
            )


class ExerciseLabelsForOtherPages(SphinxPostTransform):
    """Label every numbered exercise as ``DOCNAME:LABEL`` too, numbered as in its title."""

    default_priority = 25  # after sphinx-exercise has numbered the titles (20, 21)
    formats = ("latex",)

    def run(self, **kwargs) -> None:
        from sphinx_exercise.nodes import exercise_enumerable_node
        from sphinx_exercise.utils import get_node_number

        for node in list(self.document.findall(exercise_enumerable_node)):
            number = get_node_number(self.app, node, "exercise")
            label = (
                r"\phantomsection"
                rf"\expandafter\def\csname @currentlabel\endcsname{{{number}}}"
                rf"\label{{\detokenize{{{node['docname']}:{node['label']}}}}}"
            )
            node.parent.insert(node.parent.index(node), nodes.raw("", label + "\n", format="latex"))


def setup(app: Sphinx) -> dict:
    app.add_post_transform(ExerciseLabelsForOtherPages)
    app.add_role("pdf-edition", pdf_edition_role)
    # after sphinx-book-theme has made the download menu (priority 501)
    app.connect("html-page-context", add_to_download_menu, priority=502)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
