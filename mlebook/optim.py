"""Iterative optimizers written out in full, for teaching: each records the path it took.

:func:`mlebook.fit <mlebook.fitting.fit>` uses scipy's quasi-Newton method for real work. The optimizers here are
the textbook ones, short enough to read, and they keep every iterate so a chapter can plot
how they approach the maximum-likelihood estimate:

* :func:`gradient_descent`: fixed steps down the gradient (linear convergence);
* :func:`newton`: steps to the minimum of the local quadratic model, using the Hessian
  (quadratic convergence near the minimum), optionally with step halving;
* :func:`bfgs`: scipy's BFGS quasi-Newton method, which builds up a Hessian approximation
  from gradients, with its iterates recorded.

All three minimize (for maximum likelihood, the negative log-likelihood) and return a
:class:`Trace`.

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
from scipy import linalg, optimize

from . import validation as v

__all__ = ["Trace", "gradient_descent", "newton", "bfgs"]


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
    grad = v.check_callable(grad, "grad")
    x = v.as_data(start, name="start").copy()
    step = v.check_positive(step, "step")
    max_iter = v.check_positive_int(max_iter, "max_iter")
    tol = v.check_positive(tol, "tol")
    path = [x.copy()]
    converged = False
    for _ in range(max_iter):
        g = np.atleast_1d(v.as_array(grad(x), "grad(x)"))
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


def _gradient_at(grad, x, it):
    g = np.atleast_1d(v.as_array(grad(x), "grad(x)"))
    if g.shape != x.shape:
        raise ValueError(f"grad returned shape {g.shape}, expected {x.shape}")
    if not np.all(np.isfinite(g)):
        raise ValueError(f"grad is not finite at iterate {it} (x = {x}); start where the function is defined")
    return g


def newton(grad: Callable[[np.ndarray], np.ndarray], hess: Callable[[np.ndarray], np.ndarray], start, *,
           fun: Callable[[np.ndarray], float] | None = None, max_iter: int = 100, tol: float = 1e-10) -> Trace:
    """Minimize a function by Newton's method, ``x <- x - H(x)^-1 grad(x)``.

    Each step jumps to the minimum of the quadratic that matches the function's value,
    gradient and Hessian at the current iterate. Near a minimum with a positive definite
    Hessian the error is roughly squared at every step (quadratic convergence); far from it
    the full step can overshoot, which ``fun`` guards against.

    Parameters
    ----------
    grad : callable
        The gradient of the function to minimize.
    hess : callable
        Its Hessian, a symmetric ``(d, d)`` matrix; it must be positive definite at every
        iterate (the function is locally convex there).
    start : array_like
        The first iterate.
    fun : callable, optional
        The function itself. When given, each step is halved until ``fun`` does not increase
        (damped Newton); without it every step is the full Newton step.
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
        If ``grad`` or ``hess`` return the wrong shape or non-finite values, if the Hessian
        is not positive definite at an iterate (the Newton step need not go downhill there),
        or if the iterates become non-finite.

    Examples
    --------
    >>> trace = newton(lambda t: np.exp(t) - 2.0, lambda t: np.exp(t)[:, None], start=[0.0])
    >>> round(float(np.exp(trace.x[0])), 12), trace.n_iter
    (2.0, 5)
    """
    grad, hess = v.check_callable(grad, "grad"), v.check_callable(hess, "hess")
    x = v.as_data(start, name="start").copy()
    max_iter = v.check_positive_int(max_iter, "max_iter")
    tol = v.check_positive(tol, "tol")
    if fun is not None and not callable(fun):
        raise TypeError(f"fun must be callable or None, got {type(fun).__name__}")
    path = [x.copy()]
    converged = False
    value = None if fun is None else v.check_real(fun(x), "fun(x)", finite=False)
    for it in range(max_iter + 1):
        g = _gradient_at(grad, x, it)
        if np.linalg.norm(g) < tol:
            converged = True
            break
        if it == max_iter:
            break
        H = np.atleast_2d(v.as_array(hess(x), "hess(x)"))
        if H.shape != (x.size, x.size):
            raise ValueError(f"hess returned shape {H.shape}, expected {(x.size, x.size)}")
        if not np.all(np.isfinite(H)):
            raise ValueError(f"hess is not finite at iterate {it} (x = {x})")
        try:
            step = linalg.cho_solve(linalg.cho_factor((H + H.T) / 2), g)
        except linalg.LinAlgError:
            raise ValueError(f"hess is not positive definite at iterate {it} (x = {x}): the function is not "
                             "locally convex there and the Newton step need not go downhill; start closer to "
                             "the minimum, or use gradient_descent or bfgs") from None
        t = 1.0
        candidate = x - step
        if fun is not None:
            while True:
                with np.errstate(over="ignore", invalid="ignore"):
                    finite = np.all(np.isfinite(candidate))
                    new_value = v.check_real(fun(candidate), "fun(x)", finite=False) if finite else np.inf
                if np.isfinite(new_value) and new_value <= value:
                    break
                t /= 2
                if t < 1e-12:  # no decrease possible in floating point: stop here
                    return Trace(x=x, path=np.array(path), converged=bool(np.linalg.norm(g) < tol),
                                 n_iter=len(path) - 1)
                candidate = x - t * step
            value = new_value
        if not np.all(np.isfinite(candidate)):
            raise ValueError(f"Newton's method diverged at iterate {it}; pass fun= to damp the steps "
                             "or start closer to the minimum")
        x = candidate
        path.append(x.copy())
    return Trace(x=x, path=np.array(path), converged=converged, n_iter=len(path) - 1)


def bfgs(fun: Callable[[np.ndarray], float], grad: Callable[[np.ndarray], np.ndarray], start, *,
         max_iter: int = 1000, tol: float = 1e-8) -> Trace:
    """Minimize a function with scipy's BFGS quasi-Newton method, recording every iterate.

    BFGS needs only gradients: it builds an approximation of the inverse Hessian from the
    changes in the gradient along its steps, and converges superlinearly near the minimum.
    This is :func:`scipy.optimize.minimize` with ``method="BFGS"`` and a callback that keeps
    the iterates; :func:`mlebook.fit <mlebook.fitting.fit>` uses the same method.

    Parameters
    ----------
    fun, grad : callable
        The function to minimize and its gradient.
    start : array_like
        The first iterate.
    max_iter : int
        The most iterations.
    tol : float
        Converged when the gradient's Euclidean norm at the last iterate is below ``tol``
        (scipy is asked to stop when its largest component is). The line search cannot
        resolve changes of ``fun`` below its rounding error, so much smaller tolerances are
        often out of reach (scipy then stops with "precision loss").

    Returns
    -------
    Trace

    Examples
    --------
    >>> trace = bfgs(lambda t: (t[0] - 1.0) ** 2 + 3 * t[1] ** 2,
    ...              lambda t: np.array([2 * (t[0] - 1.0), 6 * t[1]]), start=[0.0, 1.0])
    >>> np.round(trace.x, 8) + 0.0, trace.converged
    (array([1., 0.]), True)
    """
    fun, grad = v.check_callable(fun, "fun"), v.check_callable(grad, "grad")
    x0 = v.as_data(start, name="start").copy()
    max_iter = v.check_positive_int(max_iter, "max_iter")
    tol = v.check_positive(tol, "tol")
    if not np.isfinite(v.check_real(fun(x0), "fun(x)", finite=False)):
        raise ValueError("fun is not finite at start")
    _gradient_at(grad, x0, 0)
    path = [x0.copy()]

    def record(intermediate_result):
        path.append(np.array(intermediate_result.x, dtype=float))

    res = optimize.minimize(fun, x0, jac=grad, method="BFGS", callback=record,
                            options={"gtol": tol / np.sqrt(x0.size), "maxiter": max_iter})
    x = np.asarray(res.x, dtype=float)
    if not np.array_equal(path[-1], x):
        path.append(x.copy())
    converged = bool(np.linalg.norm(_gradient_at(grad, x, len(path) - 1)) < tol)
    return Trace(x=x, path=np.array(path), converged=converged, n_iter=len(path) - 1)
