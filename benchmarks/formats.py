"""How benchmark results are written, in one place: the printed table of ``benchmarks/run.py``,
the README's table (``scripts/report_benchmarks.py``) and the appendix page
(``appendix/performance.ipynb``) all format with these functions.

* :func:`seconds`: ``0.42 ms``, ``42 ms``, ``4.2 s``;
* :func:`scientific`: a difference as ``3.3e-14``, exactly 0 as ``0``;
* :func:`ratio`: a row's median ratio with its interquartile range, ``0.75 (0.71–0.80)``, and
  ``≈ 1 (0.93–1.08)`` when the range contains 1 (the two sides cannot be told apart);
* :func:`load`: the machine's load at the start of a run, and whether it was forced;
* :func:`growth`: the exponent of the observed growth with ``n``, ``n^0.98``.

A value that does not exist (a chapter has no reference) is a dash.
"""

from __future__ import annotations

import math

DASH = "–"


def seconds(value: float | None) -> str:
    """A duration: milliseconds with two decimals below 0.1 s, whole ones below 1 s, else
    seconds with one decimal."""
    if value is None:
        return DASH
    if value < 0.1:
        return f"{value * 1e3:.2f} ms"
    return f"{value * 1e3:.0f} ms" if value < 1 else f"{value:.1f} s"


def scientific(value: float | None, digits: int = 1) -> str:
    """A difference in scientific notation; exactly 0 as ``0``."""
    if value is None:
        return DASH
    return "0" if value == 0 else f"{value:.{digits}e}"


def contains_one(row: dict) -> bool:
    """Whether the interquartile range of the row's ratio contains 1."""
    low, high = row.get("ratio_low"), row.get("ratio_high")
    return low is not None and high is not None and low <= 1.0 <= high


def ratio(row: dict, spread: bool = True) -> str:
    """The median ratio, with its interquartile range when ``spread``; ``≈ 1`` when that
    range contains 1."""
    value = row.get("ratio")
    if value is None:
        return DASH
    middle = "≈ 1" if contains_one(row) else f"{value:.2f}"
    low, high = row.get("ratio_low"), row.get("ratio_high")
    if not spread or low is None or high is None:
        return middle
    return f"{middle} ({low:.2f}–{high:.2f})"


def load(machine: dict, rows: list[dict] | None = None) -> str:
    """The load per core at the start of the run (and, given the rows, the range of the loads
    at which their tasks started: rows kept from an earlier run have their own), and whether
    the run was forced past the limit."""
    per_core = machine.get("load_per_core_at_start")
    if per_core is None:
        return "load average not recorded"
    text = f"load {per_core:.2f} per core at the start"
    loads = sorted({r["load"] for r in rows or () if r.get("load") is not None})
    if len(loads) > 1:
        text += f", {loads[0]:.2f} to {loads[-1]:.2f} when the tasks started"
    if machine.get("forced"):
        text += f" (above the limit of {machine.get('max_load_per_core', 0.5)}: forced)"
    return text


def growth(exponent: float | None) -> str:
    """The observed growth ``n^exponent``."""
    if exponent is None or not math.isfinite(exponent):
        return DASH
    return f"n^{exponent:.2f}"
