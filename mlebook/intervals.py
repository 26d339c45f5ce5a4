"""Confidence intervals from the likelihood: Wald intervals, and the ends of likelihood intervals.

* :func:`wald_interval`: ``estimate +- z * se``, from the normal approximation;
* :func:`wald_table`: the coefficient table of a ``summary()``: each estimate with its
  standard error, Wald statistic, p-value and Wald interval (a :class:`WaldTable`);
* :func:`interval_end`: one end of a likelihood (or profile-likelihood) interval, where the
  log-likelihood falls a given amount below its maximum.

Examples
--------
>>> wald_interval(0.73, 0.0444, 0.95).round(4)
array([0.643, 0.817])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import optimize, stats

from . import validation as v

__all__ = ["wald_interval", "wald_table", "WaldTable", "interval_end"]


def wald_interval(estimate, se, level: float = 0.95) -> np.ndarray:
    """Wald intervals ``estimate +- z * se`` with ``z`` the normal quantile for ``level``.

    Parameters
    ----------
    estimate, se : float or array_like
        Estimates and their standard errors, of the same shape (NaN standard errors give NaN
        ends).
    level : float
        The nominal coverage, strictly between 0 and 1.

    Returns
    -------
    numpy.ndarray
        Shape ``estimate.shape + (2,)``: the lower end, then the upper.

    Examples
    --------
    >>> wald_interval([1.0, 2.0], [0.5, 0.1], level=0.9).round(4)
    array([[0.1776, 1.8224],
           [1.8355, 2.1645]])
    """
    level = v.check_level(level)
    est = v.as_array(estimate, "estimate")
    se = v.as_array(se, "se")
    if est.shape != se.shape:
        raise ValueError(
            f"estimate and se must have the same shape, got {est.shape} and {se.shape}"
        )
    if np.any(se < 0):
        raise ValueError("se must be non-negative")
    return _wald(est, se, level)


def _wald(est: np.ndarray, se: np.ndarray, level: float) -> np.ndarray:
    z = stats.norm.ppf(0.5 + level / 2)
    return np.stack([est - z * se, est + z * se], axis=-1)


@dataclass(frozen=True)
class WaldTable:
    """The coefficient table built by :func:`wald_table`; ``str()`` formats it, one row per
    parameter, in statsmodels' columns.

    Attributes
    ----------
    names : tuple of str
        The parameters' names.
    estimate, se : numpy.ndarray
        The estimates and their standard errors.
    statistic : numpy.ndarray
        The Wald statistics ``estimate / se`` (``z``), NaN where ``se`` is 0 (a fixed
        parameter) or NaN.
    pvalue : numpy.ndarray
        Two-sided normal p-values ``2 P(Z > |z|)`` of the null ``parameter = 0``, NaN where
        ``statistic`` is.
    interval : numpy.ndarray of shape (n_params, 2)
        The Wald intervals ``estimate +- z_level * se`` (:func:`wald_interval`).
    level : float
        The intervals' nominal coverage.
    """

    names: tuple[str, ...]
    estimate: np.ndarray
    se: np.ndarray
    statistic: np.ndarray
    pvalue: np.ndarray
    interval: np.ndarray
    level: float

    def __str__(self) -> str:
        width = max(len(name) for name in self.names) + 2
        tail = (1 - self.level) / 2
        ends = (f"[{tail:.6g}", f"{1 - tail:.6g}]")
        columns = ("estimate", "std err", "z", "P>|z|", *ends)
        lines = ["".join([f"{'':<{width}}", *(f"{c:>11}" for c in columns)])]
        for j, name in enumerate(self.names):
            if self.se[j] == 0:
                tests = [f"{'fixed':>11}", f"{'':>11}"]
            else:
                tests = [f"{_fmt(self.statistic[j], 3):>11}", f"{self.pvalue[j]:>11.3f}"]
            cells = [
                f"{_fmt(self.estimate[j]):>11}",
                f"{_fmt(self.se[j]):>11}",
                *tests,
                *(f"{_fmt(end):>11}" for end in self.interval[j]),
            ]
            lines.append("".join([f"{name:<{width}}", *cells]))
        return "\n".join(lines)


def _fmt(x: float, digits: int = 4) -> str:
    """A number in a table cell, as statsmodels prints it: fixed point with ``digits``
    decimals, or ``digits`` significant digits when it is very large or very small."""
    if np.isfinite(x) and x != 0 and not 1e-4 <= abs(x) < 1e4:
        return f"{x:.{digits}g}"
    return f"{x:.{digits}f}"


def wald_table(
    names: Sequence[str], estimate: ArrayLike, se: ArrayLike, level: float = 0.95
) -> WaldTable:
    """The coefficient table of a ``summary()``: estimates, standard errors, Wald tests and
    Wald intervals, statsmodels' columns.

    For each parameter the Wald statistic ``z = estimate / se`` is approximately standard
    normal when the parameter is 0, so its two-sided p-value is ``2 P(Z > |z|)``
    (``scipy.stats.norm``); the interval is ``estimate +- z_level * se``. A standard error of
    0 marks a parameter held fixed: it has no test, and the table prints "fixed" there.

    Parameters
    ----------
    names : sequence of str
        The parameters' names, one per estimate.
    estimate, se : array_like
        The estimates and their standard errors, one-dimensional and of the same length
        (NaN standard errors, as at a boundary, give NaN tests and intervals).
    level : float
        The intervals' nominal coverage, strictly between 0 and 1.

    Returns
    -------
    WaldTable
        The numbers; ``print`` it for the formatted table.

    Examples
    --------
    >>> table = wald_table(["intercept", "x0"], [0.5, -1.2], [0.25, 0.4])
    >>> table.statistic, table.pvalue.round(4)
    (array([ 2., -3.]), array([0.0455, 0.0027]))
    >>> print(table)
                  estimate    std err          z      P>|z|     [0.025     0.975]
    intercept       0.5000     0.2500      2.000      0.046     0.0100     0.9900
    x0             -1.2000     0.4000     -3.000      0.003    -1.9840    -0.4160
    """
    if isinstance(names, str) or not isinstance(names, Sequence):
        raise TypeError(f"names must be a sequence of strings, got {type(names).__name__}")
    if not all(isinstance(name, str) for name in names):
        raise TypeError(f"names must be a sequence of strings, got {list(names)!r}")
    level = v.check_level(level)
    est = v.as_array(estimate, "estimate")
    se = v.as_array(se, "se")
    if est.ndim != 1 or est.size == 0:
        raise ValueError(f"estimate must be one-dimensional and not empty, got shape {est.shape}")
    if est.shape != se.shape:
        raise ValueError(
            f"estimate and se must have the same shape, got {est.shape} and {se.shape}"
        )
    if len(names) != est.size:
        raise ValueError(f"names has {len(names)} entries but estimate has {est.size} values")
    if np.any(se < 0):
        raise ValueError("se must be non-negative")
    tested = se > 0  # False for a fixed parameter (se 0) and for NaN
    z = np.full(est.shape, np.nan)
    z[tested] = est[tested] / se[tested]
    pvalue = 2 * stats.norm.sf(np.abs(z))
    return WaldTable(tuple(names), est, se, z, pvalue, _wald(est, se, level), level)


def interval_end(
    excess: Callable[[float], float],
    estimate: float,
    direction: int,
    bound: float,
    step: float | None = None,
    margin: float = 1e-9,
) -> float:
    """One end of a likelihood interval: where ``excess`` crosses zero on one side of the estimate.

    ``excess(t)`` is the (profile) log-likelihood at ``t`` minus the cut-off, positive at the
    estimate. Walk outward from ``estimate`` in the ``direction`` (-1 or +1), doubling the
    ``step``, until ``excess`` turns negative, then find the crossing with Brent's method, which
    starts from the values the walk found at the two ends of the bracket (each point is
    evaluated once). If the walk reaches the parameter space's ``bound`` first, the value just
    inside it (``margin`` away, relative) decides: still positive means the interval runs to
    the boundary.

    Examples
    --------
    >>> round(interval_end(lambda t: 2.0 - t**2 / 2, 0.0, 1, np.inf, step=0.5), 10)
    2.0
    """
    excess = v.check_callable(excess, "excess")
    estimate = v.check_real(estimate, "estimate")
    if direction not in (-1, 1):
        raise ValueError(f"direction must be -1 or 1, got {direction!r}")
    bound = v.check_real(bound, "bound", finite=False)
    if np.isnan(bound):
        raise ValueError("bound must be a number or an infinity, got nan")
    if (bound - estimate) * direction < 0:
        raise ValueError(
            "bound must lie on the side of the estimate that direction points to: "
            f"got bound {bound:g}, estimate {estimate:g}, direction {direction}"
        )
    margin = v.check_positive(margin, "margin")
    if step is not None:
        step = v.check_positive(step, "step")
    else:
        step = 0.1 * (abs(estimate) + 1) if not np.isfinite(bound) else 0.1 * abs(bound - estimate)
    known: dict[float, float] = {}  # the walk's values, which Brent's method starts from

    def f(t: float) -> float:
        if t not in known:
            known[t] = excess(t)
        return known[t]

    inside = estimate
    for _ in range(200):
        trial = estimate + direction * step
        if np.isfinite(bound) and (trial - bound) * direction >= 0:
            near = bound - direction * margin * max(1.0, abs(bound))
            if (near - estimate) * direction <= 0 or f(near) >= 0:  # the boundary is the end
                return float(bound)
            return float(
                optimize.brentq(f, min(inside, near), max(inside, near), xtol=1e-13, rtol=1e-13)
            )
        if f(trial) < 0:
            return float(
                optimize.brentq(f, min(inside, trial), max(inside, trial), xtol=1e-13, rtol=1e-13)
            )
        inside = trial
        step *= 2
    raise RuntimeError("the likelihood never fell below the cut-off; is the parameter identified?")
