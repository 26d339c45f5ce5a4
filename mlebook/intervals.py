"""Confidence intervals from the likelihood: Wald intervals, and the ends of likelihood intervals.

* :func:`wald_interval`: ``estimate +- z * se``, from the normal approximation;
* :func:`interval_end`: one end of a likelihood (or profile-likelihood) interval, where the
  log-likelihood falls a given amount below its maximum.

Examples
--------
>>> wald_interval(0.73, 0.0444, 0.95).round(4)
array([0.643, 0.817])
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import optimize, stats

from . import validation as v

__all__ = ["wald_interval", "interval_end"]


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
    ``step``, until ``excess`` turns negative, then find the crossing with Brent's method. If
    the walk reaches the parameter space's ``bound`` first, the value just inside it (``margin``
    away, relative) decides: still positive means the interval runs to the boundary.

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
    inside = estimate
    for _ in range(200):
        trial = estimate + direction * step
        if np.isfinite(bound) and (trial - bound) * direction >= 0:
            near = bound - direction * margin * max(1.0, abs(bound))
            if (near - estimate) * direction <= 0 or excess(near) >= 0:  # the boundary is the end
                return float(bound)
            return float(
                optimize.brentq(
                    excess, min(inside, near), max(inside, near), xtol=1e-13, rtol=1e-13
                )
            )
        if excess(trial) < 0:
            return float(
                optimize.brentq(
                    excess, min(inside, trial), max(inside, trial), xtol=1e-13, rtol=1e-13
                )
            )
        inside = trial
        step *= 2
    raise RuntimeError("the likelihood never fell below the cut-off; is the parameter identified?")
