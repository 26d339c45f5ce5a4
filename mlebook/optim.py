"""Iterative optimizers written out in full, for teaching: each records the path it took.

:func:`mlebook.fit <mlebook.fitting.fit>` uses scipy's quasi-Newton method for real work. The
optimizers here are the textbook ones, short enough to read, and they keep every iterate so
a chapter can plot how they approach the maximum-likelihood estimate:

* :func:`gradient_descent`: fixed steps down the gradient (linear convergence);
* :func:`newton`: steps to the minimum of the local quadratic model, using the Hessian
  (quadratic convergence near the minimum), with step halving when the function is given.
  It is mlebook's one Newton engine: the logistic and softmax regressions of
  :mod:`mlebook.regression` call it too;
* :func:`halve_step`: the step halving of :func:`newton` on its own, for other descent
  methods;
* :func:`bfgs`: scipy's BFGS quasi-Newton method, which builds up a Hessian approximation
  from gradients, with its iterates recorded.

All of them minimize (for maximum likelihood, the negative log-likelihood) and the three
optimizers return a :class:`Trace`.

Examples
--------
>>> import numpy as np
>>> trace = gradient_descent(lambda t: 2 * (t - 3.0), start=[0.0], step=0.25)
>>> round(float(trace.x[0]), 6), trace.converged
(3.0, True)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import linalg, optimize

from . import validation as v

__all__ = ["Trace", "NotPositiveDefiniteError", "gradient_descent", "newton", "halve_step", "bfgs"]

#: Step halving tries the fractions 1, 1/2, ..., 2**-MAX_HALVINGS of a step (down to about 1e-12).
MAX_HALVINGS = 40

#: When no fraction of a Newton step lowers the function, the step is still taken (and the
#: method has converged) if the gain it predicts is below this, relative to the function's
#: value: the function cannot resolve such a gain in floating point.
FLAT = np.sqrt(np.finfo(float).eps)


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
        Whether the optimizer's stopping rule was met (see each optimizer's ``tol``).
    n_iter : int
        Number of steps taken.
    message : str
        Why the optimizer stopped.
    """

    x: np.ndarray
    path: np.ndarray
    converged: bool
    n_iter: int
    message: str = ""


class NotPositiveDefiniteError(ValueError):
    """The Hessian is not positive definite at an iterate of :func:`newton`.

    There the function is not locally convex (or, for a singular Hessian, is flat in some
    direction) and the Newton step need not go downhill. For a logistic regression this is
    how separated classes show up: the weights ``p (1 - p)`` underflow to zero.
    """


def gradient_descent(
    grad: Callable[[np.ndarray], np.ndarray],
    start,
    step: float,
    max_iter: int = 10_000,
    tol: float = 1e-10,
) -> Trace:
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

    Examples
    --------
    >>> trace = gradient_descent(lambda t: t - 1.0, start=[0.0], step=0.5, tol=1e-6)
    >>> round(float(trace.x[0]), 5), trace.n_iter
    (1.0, 20)
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
            raise ValueError(
                f"gradient descent diverged (step = {step:g} is too large for this function)"
            )
        path.append(x.copy())
    message = (
        "the gradient's norm is below tol" if converged else f"max_iter = {max_iter} steps taken"
    )
    return Trace(
        x=x, path=np.array(path), converged=converged, n_iter=len(path) - 1, message=message
    )


# --------------------------------------------------------------------------- Newton's method
def _gradient_at(grad, x, it):
    g = np.atleast_1d(v.as_array(grad(x), "grad(x)"))
    if g.shape != x.shape:
        raise ValueError(f"grad returned shape {g.shape}, expected {x.shape}")
    if not np.all(np.isfinite(g)):
        raise ValueError(
            f"grad is not finite at iterate {it} (x = {x}); start where the function is defined"
        )
    return g


def _hessian_at(hess, x, it):
    H = np.atleast_2d(v.as_array(hess(x), "hess(x)"))
    if H.shape != (x.size, x.size):
        raise ValueError(f"hess returned shape {H.shape}, expected {(x.size, x.size)}")
    if not np.all(np.isfinite(H)):
        raise ValueError(f"hess is not finite at iterate {it} (x = {x})")
    return H


def _value(fun, x) -> float:
    """``fun(x)`` as a float; outside the function's domain (NaN or an overflow), ``inf``."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        value = v.check_real(fun(x), "fun(x)", finite=False) if np.all(np.isfinite(x)) else np.inf
    return value if not np.isnan(value) else np.inf


def _halve_step(fun, x, step, value):
    """The first of ``x + step``, ``x + step / 2``, ``x + step / 4``, ... at which ``fun`` is at
    most ``value``, and ``fun`` there; None when none is, down to ``2**-MAX_HALVINGS`` of the
    step or until the step is too small to move ``x`` in floating point."""
    t = 1.0
    for _ in range(MAX_HALVINGS + 1):
        candidate = x + t * step
        if np.array_equal(candidate, x):
            return None
        new_value = _value(fun, candidate)
        if new_value <= value:
            return candidate, new_value
        t /= 2
    return None


def halve_step(
    fun: Callable[[np.ndarray], float], x, step, value: float | None = None
) -> tuple[np.ndarray, float] | None:
    """Halve a step until the function does not increase: the line search of :func:`newton`.

    Try ``x + step``, then ``x + step / 2``, ``x + step / 4``, and so on, and return the first
    point at which ``fun`` is no larger than at ``x``. If ``step`` points downhill (its inner
    product with the gradient is negative), small enough fractions of it always lower ``fun``,
    unless ``x`` is already a minimum to within rounding error.

    Parameters
    ----------
    fun : callable
        The function to minimize. A NaN or an overflow counts as ``inf`` (outside the
        function's domain), so a step that leaves the domain is halved.
    x : array_like
        The current point.
    step : array_like
        The full step, of the same shape as ``x`` (for Newton's method ``-H^-1 g``).
    value : float, optional
        ``fun(x)``, if already known.

    Returns
    -------
    tuple of (numpy.ndarray, float), or None
        The accepted point and ``fun`` there; None when no fraction of the step, down to
        ``2**-40`` of it or to the point where it no longer moves ``x``, gives a value at
        most ``fun(x)``.

    Examples
    --------
    >>> f = lambda t: float((t[0] - 1.0) ** 2)
    >>> halve_step(f, [0.0], [3.0])  # the full step overshoots to 3; half of it lands at 1.5
    (array([1.5]), 0.25)
    """
    fun = v.check_callable(fun, "fun")
    x = v.as_data(x, name="x")
    step = v.as_data(step, name="step")
    if step.shape != x.shape:
        raise ValueError(f"step must have the shape of x, {x.shape}, got {step.shape}")
    value = _value(fun, x) if value is None else v.check_real(value, "value", finite=False)
    if np.isnan(value):
        raise ValueError("value must be a number (fun(x)), got nan")
    return _halve_step(fun, x, step, value)


def newton(
    grad: Callable[[np.ndarray], np.ndarray],
    hess: Callable[[np.ndarray], np.ndarray],
    start,
    *,
    fun: Callable[[np.ndarray], float] | None = None,
    max_iter: int = 100,
    tol: float = 1e-10,
) -> Trace:
    """Minimize a function by Newton's method, ``x <- x - H(x)^-1 g(x)``, with step halving.

    Each step jumps to the minimum of the quadratic that matches the function's value,
    gradient ``g`` and Hessian ``H`` at the current iterate. Near a minimum with a positive
    definite Hessian the error is roughly squared at every step (quadratic convergence); far
    from it the full step can overshoot, which ``fun`` guards against. One iteration:

    1. solve ``H d = g`` through the Cholesky factor of ``H`` (which exists exactly when
       ``H`` is positive definite, so that ``-d`` points downhill);
    2. the *Newton decrement* ``g' H^-1 g = g' d`` measures the distance to the minimum in
       the local metric: the quadratic model predicts that the full step lowers the function
       by half of it. If that predicted gain is below ``tol``, take the step and stop;
    3. otherwise, with ``fun`` given, halve the step until ``fun`` does not increase
       (:func:`halve_step`); without it, take the full step.

    Parameters
    ----------
    grad : callable
        The gradient of the function to minimize.
    hess : callable
        Its Hessian, a symmetric ``(d, d)`` matrix; it must be positive definite at every
        iterate (the function is locally convex there). The expected information in place
        of the observed one gives Fisher scoring.
    start : array_like
        The first iterate.
    fun : callable, optional
        The function itself. When given, each step is halved until ``fun`` does not increase
        (damped Newton); without it every step is the full Newton step.
    max_iter : int
        The most steps to take.
    tol : float
        Stop when half the Newton decrement, ``g' H^-1 g / 2``, is below ``tol``: one more
        step would lower the function by less than ``tol`` (in the function's units; for a
        mean negative log-likelihood, per observation). That last step is taken, so near a
        minimum the error left is about the square of the one ``tol`` allows.

    Returns
    -------
    Trace
        ``converged`` is True when the decrement fell below ``tol``, or when no fraction of
        the step lowered ``fun`` although it predicted a gain within ``fun``'s rounding error
        (then the last step is taken too).

    Raises
    ------
    NotPositiveDefiniteError
        A ``ValueError``: the Hessian is not positive definite at an iterate (the Newton
        step need not go downhill there).
    ValueError
        If ``grad`` or ``hess`` return the wrong shape or non-finite values, or if the
        iterates become non-finite.

    Examples
    --------
    Minimize ``exp(t) - 2 t``, whose minimum is at ``t = log 2``:

    >>> trace = newton(lambda t: np.exp(t) - 2.0, lambda t: np.exp(t)[:, None], start=[0.0])
    >>> round(float(np.exp(trace.x[0])), 12), trace.n_iter, trace.converged
    (2.0, 5, True)
    """
    grad, hess = v.check_callable(grad, "grad"), v.check_callable(hess, "hess")
    x = v.as_data(start, name="start").copy()
    max_iter = v.check_positive_int(max_iter, "max_iter")
    tol = v.check_positive(tol, "tol")
    if fun is not None and not callable(fun):
        raise TypeError(f"fun must be callable or None, got {type(fun).__name__}")
    value = None if fun is None else _value(fun, x)
    path = [x.copy()]
    converged, message = False, f"max_iter = {max_iter} steps taken"
    for it in range(max_iter):
        g = _gradient_at(grad, x, it)
        H = _hessian_at(hess, x, it)
        try:  # 1. the Newton step, by Cholesky
            d = linalg.cho_solve(linalg.cho_factor((H + H.T) / 2), g)
        except linalg.LinAlgError:
            raise NotPositiveDefiniteError(
                f"hess is not positive definite at iterate {it} (x = {x}): the function is not "
                "locally convex there and the Newton step need not go downhill; start closer to "
                "the minimum, or use gradient_descent or bfgs"
            ) from None
        gain = g @ d / 2  # 2. half the Newton decrement
        if gain < tol:
            x, converged = x - d, True
            message = f"half the Newton decrement, {gain:.3g}, is below tol"
        elif fun is None:  # 3. the full step ...
            x = x - d
        else:  # ... or halved until fun does not increase
            halved = _halve_step(fun, x, -d, value)
            if halved is not None:
                x, value = halved
            elif np.isfinite(value) and gain <= FLAT * max(
                1.0, abs(value)
            ):  # too small for fun to see
                x, converged = x - d, True
                message = (
                    f"no fraction of the step lowers fun, which is flat to rounding error; half "
                    f"the Newton decrement is {gain:.3g}"
                )
            else:
                message = (
                    "no fraction of the Newton step lowers fun, yet the step predicts a gain of "
                    f"{gain:.3g}: do fun, grad and hess agree?"
                )
                break
        if not np.all(np.isfinite(x)):
            raise ValueError(
                f"Newton's method diverged at iterate {it}; pass fun= to damp the steps "
                "or start closer to the minimum"
            )
        path.append(x.copy())
        if converged:
            break
    return Trace(
        x=x, path=np.array(path), converged=converged, n_iter=len(path) - 1, message=message
    )


def bfgs(
    fun: Callable[[np.ndarray], float],
    grad: Callable[[np.ndarray], np.ndarray],
    start,
    *,
    max_iter: int = 1000,
    tol: float = 1e-8,
) -> Trace:
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
    >>> trace = bfgs(
    ...     lambda t: (t[0] - 1.0) ** 2 + 3 * t[1] ** 2,
    ...     lambda t: np.array([2 * (t[0] - 1.0), 6 * t[1]]),
    ...     start=[0.0, 1.0],
    ... )
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

    res = optimize.minimize(
        fun,
        x0,
        jac=grad,
        method="BFGS",
        callback=record,
        options={"gtol": tol / np.sqrt(x0.size), "maxiter": max_iter},
    )
    x = np.asarray(res.x, dtype=float)
    if not np.array_equal(path[-1], x):
        path.append(x.copy())
    converged = bool(np.linalg.norm(_gradient_at(grad, x, len(path) - 1)) < tol)
    return Trace(
        x=x,
        path=np.array(path),
        converged=converged,
        n_iter=len(path) - 1,
        message=str(res.message),
    )
