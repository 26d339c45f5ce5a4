"""The MyST directives of a markdown text, found by markdown-it-py with MyST's own plugins.

A directive is a fenced block, with backticks, tildes or colons (MyST's ``colon_fence``) of any
length, whose info string starts with ``{name}``. The parser is the one MyST itself uses, with
the block-level extensions the book enables, so a fence counts exactly when the book's build
sees a directive there: a code block that *shows* directive syntax (as the instructor guide
does) holds no directive, and neither does a math block.

For the student edition, a text is split (:func:`split`) into its solution directives (the
gated ``{solution-start}`` / ``{solution-end}`` markers of sphinx-exercise and the plain
``{solution}`` directive) and the text between them, line by line, so that what is removed is
exactly the lines of those directives; :func:`append_directive` puts the placeholder inside an
exercise's directive.

Jupyter, Colab and GitHub render plain Markdown, not MyST: :func:`to_markdown` turns a text's
directives and roles into Markdown that reads as the site does, with the numbers the site gives
(:class:`Numbering` numbers a book's exercises, theorems, equations and figures as Sphinx does).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

__all__ = [
    "SOLUTION_KINDS",
    "Directive",
    "Piece",
    "Target",
    "Numbering",
    "directives",
    "labels_defined",
    "split",
    "append_directive",
    "heading_level",
    "to_markdown",
]

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


@functools.lru_cache(maxsize=8192)
def _tokens(text: str) -> tuple:
    """The tokens of a text (cached: a text is parsed for its directives, its labels and its
    rendering, and a book has a few thousand texts; the tokens are only read)."""
    return tuple(_parser().parse(text))


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
    def label_option(self) -> str:
        """Its own ``label`` (or ``name``) option, or "" if it has none."""
        return next((m.group(1) for m in map(_LABEL.match, self.options) if m), "")

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


def _directive(token, lines: list[str]) -> Directive | None:
    """The directive a fence token opens, or None if it is a plain code block."""
    m = _INFO.match(token.info.strip())
    if token.type not in ("fence", "colon_fence") or not token.map or not m:
        return None
    start, end = token.map
    closed = end - start >= 2 and _closes(lines[end - 1], token.markup)
    options, body = _split_options(lines[start + 1 : end - 1 if closed else end])
    return Directive(m.group("name"), m.group("arg"), start, end, closed, options, body)


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
    found = (_directive(token, lines) for token in _tokens(text))
    return [d for d in found if d is not None]


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
    found = {t.content for t in _tokens(text) if t.type == "myst_target"}
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


def append_directive(text: str, parent: str, label: str, child: str, body: list[str]) -> str | None:
    """Append a directive to the body of another, the one with a given name and label.

    Parameters
    ----------
    text : str
        MyST markdown.
    parent : str
        The name of the directive to append to (``exercise``).
    label : str
        Its ``label`` option.
    child : str
        The first line of the appended directive after its fence: ``{container} a-class``.
    body : list of str
        The appended directive's body.

    Returns
    -------
    str or None
        The text with the directive appended as the last block of the parent's body (fenced
        with colons inside a backtick fence and with backticks inside a colon fence, so that
        its fence cannot close the parent's), or None if the text has no such parent.
    """
    lines = text.split("\n")
    for d in directives(text):
        if d.name != parent or d.label_option != label:
            continue
        opening = lines[d.start]
        indent = opening[: len(opening) - len(opening.lstrip())]
        fence = "```" if opening.lstrip().startswith(":") else ":::"
        block = ["", f"{fence}{child}", *body, fence]
        at = d.end - 1 if d.closed else d.end
        return "\n".join(
            lines[:at] + [indent + line if line else line for line in block] + lines[at:]
        )
    return None


# --------------------------------------------------------------------------- plain Markdown
#: How a reference names a numbered target of each kind (sphinx-proof's: "Theorem 2").
KIND_NAMES = {"exercise": "Exercise", "figure": "Fig.", "table": "Table", "equation": "Eq."}
#: sphinx-proof's numbered directives (``{prf:theorem}``, ...), each kind numbered on its own.
PROOF_KINDS = frozenset(
    {"axiom", "theorem", "lemma", "algorithm", "definition", "remark", "conjecture"}
    | {"corollary", "criterion", "example", "property", "observation", "proposition"}
    | {"assumption", "notation"}
)
#: Admonitions, rendered as a paragraph that opens with their name in bold.
ADMONITIONS = {
    "note": "Note",
    "tip": "Tip",
    "hint": "Hint",
    "important": "Important",
    "warning": "Warning",
    "caution": "Caution",
    "attention": "Attention",
    "danger": "Danger",
    "error": "Error",
    "seealso": "See also",
}
#: Directives whose body is not markdown: code, rendered as a code block.
CODE_DIRECTIVES = frozenset({"code", "code-block", "sourcecode", "code-cell"})
#: Directives with nothing to show outside the site.
DROPPED = frozenset(
    {"tableofcontents", "bibliography", "solution", "solution-start", "solution-end"}
)
_ROLE = re.compile(r"(?<!`)\{(?P<role>[\w:.+-]+)\}`(?P<body>[^`]*)`")
_EXPLICIT = re.compile(r"^(?P<title>.*?)\s*<(?P<target>[^<>]+)>$", flags=re.S)
_ANCHOR_LINK = re.compile(r"\[(?P<text>[^\]]+)\]\(#[^)\s]+\)")
_DOLLAR_LABEL = re.compile(r"\$\$\s*\((?P<label>[^()\s]+)\)\s*$")
_PARAGRAPH_START = re.compile(r"^\s*(?:[-*+>#|]|\d+[.)]\s|\$\$|```|~~~|:::|\\begin|!\[)")
#: The blocks :func:`to_markdown` renders on their own (all other text is rendered inline).
_BLOCKS = frozenset({"fence", "colon_fence", "myst_target", "math_block_label"})
_ENVIRONMENT = re.compile(r"\\begin\{(?:align|equation|gather|multline|flalign|alignat)\*?\}")


@dataclass
class Target:
    """What a label names, as the book's site shows it.

    Attributes
    ----------
    kind : str
        ``exercise``, ``equation``, ``figure``, ``table``, a kind of :data:`PROOF_KINDS`,
        ``section`` or ``document``.
    number : int or None
        Its number on the site (None for a section, a document or an unnumbered target).
    title : str
        Its title: an exercise's or a theorem's, a figure's caption, a section's heading.
    """

    kind: str
    number: int | None
    title: str = ""

    @property
    def name(self) -> str:
        """How a reference shows it: "Exercise 9", "Theorem 2", "(7)"; or its title."""
        if self.number is None:
            return self.title
        if self.kind == "equation":
            return f"({self.number})"
        return f"{KIND_NAMES.get(self.kind, self.kind.capitalize())} {self.number}"


class Numbering:
    """The labels of a book and what they name, numbered as the book's build numbers them.

    Feed it the pages in reading order: :meth:`scan` for each markdown text (a page, or a
    notebook's markdown cell), :meth:`figure` for each figure a notebook's code cell makes;
    :attr:`targets` then maps every label to its :class:`Target`. As in the book's build
    (``numfig`` without section numbers), each kind is numbered in one sequence through the
    whole book, in reading order and, within a page, in the order of the text, a directive
    before the directives inside it: exercises, each kind of sphinx-proof directive,
    equations (labelled ``{math}`` directives, ``$$ ... $$ (label)`` blocks and ``amsmath``
    environments that are not starred), figures and tables.

    Attributes
    ----------
    targets : dict of str to Target
        Every label seen so far (and every page, by its document name).
    """

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.targets: dict[str, Target] = {}

    def add(self, kind: str, label: str, title: str = "", numbered: bool = True) -> None:
        """Number the next target of a kind; an empty ``label`` is counted, not recorded."""
        number = None
        if numbered:
            number = self.counts[kind] = self.counts.get(kind, 0) + 1
        if label:
            self.targets[label] = Target(kind, number, title)

    def figure(self, label: str, caption: str = "") -> None:
        """Count a figure, such as a code cell's (its ``mystnb.figure`` metadata)."""
        self.add("figure", label, caption)

    def scan(self, text: str, docname: str = "") -> None:
        """Number the targets of a markdown text; its first heading titles ``docname``."""
        lines = text.split("\n")
        tokens = _tokens(text)
        pending: list[str] = []
        for i, token in enumerate(tokens):
            if token.type == "myst_target":
                pending.append(token.content)
            elif token.type == "heading_open":
                title = tokens[i + 1].content
                for label in pending:
                    self.targets[label] = Target("section", None, title)
                if docname and docname not in self.targets:
                    self.targets[docname] = Target("document", None, title)
                pending = []
            elif token.type == "math_block_label":
                self.add("equation", token.info)
            elif token.type == "amsmath" and token.meta.get("numbered") != "*":
                self.add("equation", "")
            elif (directive := _directive(token, lines)) is not None:
                self._directive(directive)

    def _directive(self, d: Directive) -> None:
        name, label, title = d.name, d.label_option, d.arg.strip()
        numbered = not any(option.strip().startswith(":nonumber:") for option in d.options)
        if name == "exercise":
            self.add("exercise", label, title, numbered)
        elif name.startswith("prf:") and name[4:] in PROOF_KINDS:
            self.add(name[4:], label, title, numbered)
        elif name == "math":
            if label:
                self.add("equation", label)
            return
        elif name == "figure":
            self.add("figure", label, "\n".join(d.body).strip())
        elif name in ("table", "list-table", "csv-table") and label:
            self.add("table", label, title)
        if name not in CODE_DIRECTIVES:
            self.scan("\n".join(d.body))


def heading_level(text: str, level: int = 0) -> int:
    """The level of the last heading of a markdown text (``level`` if it has none)."""
    for token in _tokens(text):
        if token.type == "heading_open":
            level = int(token.tag[1])
    return level


def _lead(header: str, body: list[str]) -> list[str]:
    """A bold header before a body: on the body's first line when that opens a paragraph."""
    i = next((i for i, line in enumerate(body) if line.strip()), None)
    if i is None:
        return [header]
    if _PARAGRAPH_START.match(body[i]):
        return [header, "", *body[i:]]
    return [f"{header} {body[i].lstrip()}", *body[i + 1 :]]


def _math(body: list[str], target: Target | None) -> list[str]:
    lines = [line for line in body if line.strip()]  # a blank line would end the paragraph
    if target is not None and target.number and not _ENVIRONMENT.search("\n".join(lines)):
        lines.append(f"\\tag{{{target.number}}}")
    return ["$$", *lines, "$$"]


class _Renderer:
    """MyST markdown to the Markdown Jupyter renders (see :func:`to_markdown`)."""

    def __init__(self, targets, cite, containers):
        self.targets, self.cite, self.containers = targets, cite, containers

    def role(self, m: re.Match) -> str:
        role, body = m.group("role"), m.group("body")
        explicit = _EXPLICIT.match(body)
        title = explicit.group("title").strip() if explicit else ""
        target = explicit.group("target").strip() if explicit else body.strip()
        if role == "math":
            return f"${body}$"
        if role.startswith("cite"):
            keys = [key.strip() for key in body.split(",") if key.strip()]
            return self.cite(role, keys) if self.cite else ", ".join(keys)
        if role.startswith("py:"):
            if title:
                return f"`{title}`"
            name = target.lstrip(".")
            if name.startswith("~"):
                name = name[1:].rsplit(".", 1)[-1]
            return f"`{name}()`" if role in ("py:func", "py:meth") else f"`{name}`"
        found = self.targets.get(target)
        if role == "doc" and found is None:
            found = self.targets.get(target.lstrip("/").removesuffix(".md"))
        if role == "eq":
            return found.name if found is not None and found.number else f"({target})"
        if role == "numref" and found is not None and title:
            number = str(found.number or "")
            return (
                title.replace("%s", number)
                .replace("{number}", number)
                .replace("{name}", found.title)
            )
        if title:
            return title
        if role in ("ref", "numref", "prf:ref", "doc") and found is not None:
            return found.name or target
        return target

    def inline(self, text: str) -> str:
        text = _ROLE.sub(self.role, text)
        return _ANCHOR_LINK.sub(lambda m: m.group("text"), text)

    def directive(self, d: Directive, level: int) -> list[str]:
        name, arg = d.name, self.inline(d.arg.strip())
        found = self.targets.get(d.label_option)
        body = self.render("\n".join(d.body), level).strip("\n").split("\n")
        if name in DROPPED:
            return []
        if name == "exercise":
            number = f" {found.number}" if found is not None and found.number else ""
            header = f"Exercise{number}" + (f" ({arg})" if arg else "")
            return ["#" * min(level + 1, 6) + " " + header, "", *body]
        if name.startswith("prf:"):
            kind = name[4:]
            if kind == "proof":
                return _lead("*Proof.*", body)
            header = KIND_NAMES.get(kind, kind.capitalize())
            if found is not None and found.number:
                header = found.name
            return _lead(f"**{header} ({arg}).**" if arg else f"**{header}.**", body)
        if name in ADMONITIONS or name == "admonition":
            return _lead(f"**{arg or ADMONITIONS.get(name, name)}.**", body)
        if name == "math":
            return _math(d.body, found)
        if name in CODE_DIRECTIVES:
            return [f"```{d.arg.strip()}", *d.body, "```"]
        if name in ("figure", "image"):
            alt = next((o.split(":", 2)[2].strip() for o in d.options if ":alt:" in o), "")
            image = [f"![{alt}]({d.arg.strip()})"]
            if name == "image" or not "".join(body).strip():
                return image
            caption = f"**{found.name}.**" if found is not None and found.number else ""
            return [*image, "", *_lead(caption, body)] if caption else [*image, "", *body]
        if name == "container" and d.arg.strip() in self.containers:
            return self.containers[d.arg.strip()].split("\n")
        return body

    def render(self, text: str, level: int) -> str:
        lines = text.split("\n")
        tokens = _tokens(text)
        out: list[str] = []
        plain: list[str] = []  # the lines since the last block rendered on its own
        i = 0

        def flush():
            if plain:
                out.extend(self.inline("\n".join(plain)).split("\n"))
                plain.clear()

        for token in tokens:
            if token.type == "heading_open":
                level = int(token.tag[1])
            if not token.map or token.type not in _BLOCKS:
                continue
            start, end = token.map
            if start < i:
                continue
            plain.extend(lines[i:start])
            flush()
            block = lines[start:end]
            indent = block[0][: len(block[0]) - len(block[0].lstrip())] if block else ""
            d = _directive(token, lines)
            if token.type == "myst_target":
                rendered = []
            elif token.type == "math_block_label":
                found = self.targets.get(token.info)
                tag = f"\\tag{{{found.number}}} $$" if found and found.number else "$$"
                rendered = [*block[:-1], _DOLLAR_LABEL.sub("", block[-1]) + tag]
            elif d is None:
                rendered = block  # a code block: shown as it is
            else:
                rendered = [indent + line if line else line for line in self.directive(d, level)]
            out.extend(rendered)
            i = end
        plain.extend(lines[i:])
        flush()
        return "\n".join(out)


def to_markdown(
    text: str,
    targets: dict[str, Target],
    cite=None,
    containers: dict[str, str] | None = None,
    level: int = 0,
) -> str:
    """MyST markdown as the Markdown that Jupyter, Colab and GitHub render.

    Parameters
    ----------
    text : str
        MyST markdown: a notebook's markdown cell, say.
    targets : dict of str to Target
        What every label of the book names (:class:`Numbering`).
    cite : callable, optional
        ``cite(role, keys)``: the text of a citation role (``cite:t``, ``cite:p``) of
        bibliography keys; without it, the keys.
    containers : dict of str to str, optional
        Markdown to show instead of a ``{container}`` directive of a given class.
    level : int
        The level of the section the text starts in (an exercise's heading is one deeper).

    Returns
    -------
    str
        The text with its directives rendered as Markdown: an exercise as a heading
        "Exercise 9 (title)" with its number on the site, then its body; a theorem, a
        definition or an admonition as a paragraph opening with "**Theorem 2 (title).**";
        a labelled equation as ``$$ ... \\tag{7} $$``; a figure as an image and its caption;
        code as a code block. Roles become text: a reference its target's name or title
        ("Exercise 9", "(7)", a section's heading), a citation the authors and year, an API
        name inline code, a glossary term its word. ``(label)=`` targets are left out.
    """
    return _Renderer(targets, cite, containers or {}).render(text, level)
