"""Where the book is: the root of its sources, which every job of the course kit reads."""

from __future__ import annotations

from pathlib import Path

__all__ = ["ROOT"]

#: The root of the book's sources (``_toc.yml``, ``_config.yml``, ``assignments/``, ``mlebook/``).
ROOT = Path(__file__).resolve().parents[1]
