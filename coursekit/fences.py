"""The MyST directives of a markdown text, found by markdown-it-py with MyST's own plugins.

A directive is a fenced block, with backticks, tildes or colons (MyST's ``colon_fence``) of any
length, whose info string starts with ``{name}``. The parser is the one MyST itself uses, with
the block-level extensions the book enables, so a fence counts exactly when the book's build
sees a directive there: a code block that *shows* directive syntax (as the instructor guide
does) holds no directive, and neither does a math block.

For the student edition, a text is split (:func:`split`) into its solution directives (the
gated ``{solution-start}`` / ``{solution-end}`` markers of sphinx-exercise and the plain
``{solution}`` directive) and the text between them, line by line, so that what is removed is
exactly the lines of those directives.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

__all__ = ["SOLUTION_KINDS", "Directive", "Piece", "directives", "labels_defined", "split"]

#: The solution directives, and the kind of piece each one is in :func:`split`.
SOLUTION_KINDS = {"solution-start": "start", "solution-end": "end", "solution": "solution"}
#: MyST's block-level extensions that the book enables (``parse`` in ``_config.yml``).
EXTENSIONS = frozenset({"amsmath", "colon_fence", "deflist", "dollarmath"})

_INFO = re.compile(r"^\{(?P<name>[\w:-]+)\}(?P<arg>.*)$", flags=re.S)
_OPTION = re.compile(r"^\s*:[\w-]+:")
_LABEL = re.compile(r"^\s*:?(?:label|name):\s*(\S+)\s*$")


@functools.cache
def _parser() -> MarkdownIt:
    parser = create_md_parser(MdParserConfig(enable_extensions=set(EXTENSIONS)), RendererHTML)
    # A page's front matter holds no directive, and a notebook's markdown cell has none: a cell
    # that opens with a horizontal rule (---) must not turn into front matter up to the next.
    return parser.disable("front_matter")


@dataclass
class Directive:
    """One directive of a text: its name and argument, its lines, its options and its body.

    Attributes
    ----------
    name, arg : str
        The directive's name (``solution`` for ``{solution}``) and the rest of its first line.
    start, end : int
        The lines it spans in the text, ``start`` (its opening fence) included, ``end``
        excluded.
    closed : bool
        Whether a closing fence ends it (an unclosed fence runs to the end of the text).
    options, body : list of str
        Its content lines: the leading options (``:key: value`` lines or a ``---`` YAML block,
        without the ``---``) and the rest.
    """

    name: str
    arg: str
    start: int
    end: int
    closed: bool
    options: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        """The first word of the argument: for a solution, the label of its exercise."""
        return (self.arg.split() or [""])[0]

    @property
    def labels(self) -> set[str]:
        """The labels the directive defines: its ``label``/``name`` option, and its body's."""
        found = {m.group(1) for m in map(_LABEL.match, self.options) if m}
        return found | labels_defined("\n".join(self.body))


@dataclass
class Piece:
    """A run of lines of a text: plain text (``kind`` "text"), or a solution directive
    (``kind`` "start", "end" or "solution", see :data:`SOLUTION_KINDS`)."""

    kind: str
    lines: list[str]
    directive: Directive | None = None


def _closes(line: str, fence: str) -> bool:
    stripped = line.strip()
    return len(stripped) >= len(fence) and set(stripped) == {fence[0]}


def _split_options(lines: list[str]) -> tuple[list[str], list[str]]:
    """Split a directive's content lines into its leading options and its body."""
    if lines and lines[0].strip() == "---":  # a YAML block of options
        for j in range(1, len(lines)):
            if lines[j].strip() == "---":
                return lines[1:j], lines[j + 1 :]
    i = 0
    while i < len(lines) and _OPTION.match(lines[i]):
        i += 1
    return lines[:i], lines[i:]


def directives(text: str) -> list[Directive]:
    """The directives of a markdown text, in order (not those nested inside a directive).

    Parameters
    ----------
    text : str
        MyST markdown: a page, or a notebook's markdown cell.

    Returns
    -------
    list of Directive
        Every fenced block whose info string starts with ``{name}``, at any depth of the
        text's lists and quotes.
    """
    lines = text.split("\n")
    found = []
    for token in _parser().parse(text):
        m = _INFO.match(token.info.strip())
        if token.type not in ("fence", "colon_fence") or not token.map or not m:
            continue
        start, end = token.map
        closed = end - start >= 2 and _closes(lines[end - 1], token.markup)
        options, body = _split_options(lines[start + 1 : end - 1 if closed else end])
        found.append(Directive(m.group("name"), m.group("arg"), start, end, closed, options, body))
    return found


def labels_defined(text: str) -> set[str]:
    """The labels that a piece of MyST text defines.

    Parameters
    ----------
    text : str
        MyST markdown.

    Returns
    -------
    set of str
        Its ``(label)=`` targets and the ``label``/``name`` options of its directives, also
        of the directives nested inside them (an equation or a figure of a solution).
    """
    found = {t.content for t in _parser().parse(text) if t.type == "myst_target"}
    for directive in directives(text):
        found |= directive.labels
    return found


def split(text: str) -> list[Piece]:
    """Split a markdown text into its solution directives and the lines between them.

    Parameters
    ----------
    text : str
        MyST markdown.

    Returns
    -------
    list of Piece
        The pieces in order; joined, their lines are ``text.split("\\n")``.

    Raises
    ------
    ValueError
        If a solution directive has no closing fence.
    """
    lines = text.split("\n")
    pieces, i = [], 0
    for directive in directives(text):
        kind = SOLUTION_KINDS.get(directive.name)
        if kind is None:
            continue
        if not directive.closed:
            raise ValueError(f"unclosed {{{directive.name}}} directive: {lines[directive.start]!r}")
        if directive.start > i:
            pieces.append(Piece("text", lines[i : directive.start]))
        pieces.append(Piece(kind, lines[directive.start : directive.end], directive))
        i = directive.end
    if i < len(lines):
        pieces.append(Piece("text", lines[i:]))
    return pieces
