"""Iterative optimizers written out in full, for teaching: each records the path it took.

:func:`mlebook.fit` uses scipy's quasi-Newton method for real work. The optimizers here are
the textbook ones, short enough to read, and they keep every iterate so a chapter can plot
how they approach the maximum-likelihood estimate.

Examples
--------
>>> import numpy as np
>>> trace = gradient_descent(lambda t: 2 * (t - 3.0), start=[0.0], step=0.25)
>>> round(float(trace.x[0]), 6), trace.converged
(3.0, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from . import validation as v

__all__ = ["Trace", "gradient_descent"]


@dataclass
class Trace:
    """The result of an iterative optimizer.

    Attributes
    ----------
    x : numpy.ndarray
        The last iterate.
    path : numpy.ndarray of shape (n_iter + 1, n_params)
        Every iterate, the start first.
    converged : bool
        Whether the gradient's norm fell below the tolerance.
    n_iter : int
        Number of steps taken.
    """

    x: np.ndarray
    path: np.ndarray
    converged: bool
    n_iter: int


def gradient_descent(grad: Callable[[np.ndarray], np.ndarray], start, step: float,
                     max_iter: int = 10_000, tol: float = 1e-10) -> Trace:
    """Minimize a function by fixed-step gradient descent, ``x <- x - step * grad(x)``.

    Parameters
    ----------
    grad : callable
        The gradient of the function to minimize (for maximum likelihood, of the negative
        log-likelihood, usually averaged over the observations so that one step size suits
        any sample size).
    start : array_like
        The first iterate.
    step : float
        The step size (learning rate), positive.
    max_iter : int
        The most steps to take.
    tol : float
        Stop when the gradient's Euclidean norm is below ``tol``.

    Returns
    -------
    Trace

    Raises
    ------
    ValueError
        If the iterates become non-finite (the step is too large for this function).
    """
    x = v.as_data(start, name="start").copy()
    step = v.check_positive(step, "step")
    max_iter = v.check_positive_int(max_iter, "max_iter")
    tol = v.check_positive(tol, "tol")
    path = [x.copy()]
    converged = False
    for _ in range(max_iter):
        g = np.atleast_1d(np.asarray(grad(x), dtype=float))
        if g.shape != x.shape:
            raise ValueError(f"grad returned shape {g.shape}, expected {x.shape}")
        with np.errstate(over="ignore"):
            small = np.linalg.norm(g) < tol
        if small:
            converged = True
            break
        with np.errstate(over="ignore", invalid="ignore"):
            x = x - step * g
        if not np.all(np.isfinite(x)):
            raise ValueError(f"gradient descent diverged (step = {step:g} is too large for this function)")
        path.append(x.copy())
    return Trace(x=x, path=np.array(path), converged=converged, n_iter=len(path) - 1)
