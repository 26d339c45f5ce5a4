"""The book's table of contents, read and rewritten with sphinx-external-toc.

``_toc.yml`` is parsed into a :class:`~sphinx_external_toc.api.SiteMap` (what Jupyter Book
itself does), walked in reading order (:func:`documents`), pruned (:func:`without`) and written
back (:func:`write`).
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterable
from pathlib import Path

import yaml
from sphinx_external_toc.api import SiteMap
from sphinx_external_toc.parsing import create_toc_dict, parse_toc_yaml

from coursekit.paths import ROOT

__all__ = ["load", "documents", "without", "write", "resolve_page", "book_pages"]


def load(root: Path = ROOT) -> SiteMap:
    """The table of contents of the book at ``root`` (its ``_toc.yml``).

    Parameters
    ----------
    root : Path
        The book's root.

    Returns
    -------
    SiteMap
        The parsed table of contents.
    """
    return parse_toc_yaml(root / "_toc.yml")


def documents(site: SiteMap) -> list[str]:
    """Every document of a table of contents, root first, in reading order.

    Parameters
    ----------
    site : SiteMap
        A table of contents.

    Returns
    -------
    list of str
        The documents' names (paths relative to the book's root, without suffix); each
        document comes before the documents under it, and after those of its predecessors.
    """

    def walk(docname: str) -> list[str]:
        found = [docname]
        for child in site[docname].child_files():
            found += walk(child)
        return found

    return walk(site.root.docname)


def without(site: SiteMap, docnames: Iterable[str]) -> SiteMap:
    """A copy of a table of contents without some documents and the documents under them.

    Parameters
    ----------
    site : SiteMap
        A table of contents (left unchanged).
    docnames : iterable of str
        The documents to leave out (not the root). A part (a captioned toctree) left with no
        document is left out too.

    Returns
    -------
    SiteMap
        The pruned copy.
    """
    site, drop = copy.deepcopy(site), set(docnames)
    for docname in list(site):
        doc = site[docname]
        trees = [
            dataclasses.replace(tree, items=[i for i in tree.items if str(i) not in drop])
            for tree in doc.subtrees
        ]
        doc.subtrees = [tree for tree in trees if tree.items]
    kept = set(documents(site))
    for docname in list(site):
        if docname not in kept:
            del site[docname]
    return site


def write(site: SiteMap, path: Path, header: str = "") -> None:
    """Write a table of contents as a ``_toc.yml``.

    Parameters
    ----------
    site : SiteMap
        The table of contents.
    path : Path
        The file to write.
    header : str
        Text written before the YAML (a comment).
    """
    path.write_text(header + yaml.safe_dump(create_toc_dict(site), sort_keys=False))


def resolve_page(root: Path, docname: str) -> Path:
    """The source file of a document: ``docname`` itself, or with ``.ipynb`` or ``.md``.

    Parameters
    ----------
    root : Path
        The book's root.
    docname : str
        A document of the table of contents.

    Returns
    -------
    Path
        The page's file.

    Raises
    ------
    FileNotFoundError
        If no such page exists.
    """
    for suffix in ("", ".ipynb", ".md"):
        path = root / f"{docname}{suffix}"
        if path.is_file():
            return path
    raise FileNotFoundError(f"_toc.yml lists {docname!r}, but no such page exists")


def book_pages(root: Path = ROOT) -> list[Path]:
    """The source file of every page of the book at ``root``, in reading order.

    Parameters
    ----------
    root : Path
        The book's root.

    Returns
    -------
    list of Path
        The pages listed in its ``_toc.yml``, root first.
    """
    return [resolve_page(root, docname) for docname in documents(load(root))]
