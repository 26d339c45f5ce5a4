"""Parameter spaces and the maps that let an unconstrained optimizer search them.

A model's parameters live in a constrained set: a probability in (0, 1), a variance in
(0, inf), a probability vector on the simplex. Numerical maximum likelihood searches an
unconstrained vector ``u`` instead and maps it into the space, so the optimizer can never
step outside it. By invariance (chapter 6) the maximizer is the same point whichever
coordinates are used; standard errors, however, are computed in the caller's coordinates.

Three vectors appear here:

``params``
    what the caller sees (for the categorical model, all ``k`` probabilities);
``theta``
    the free coordinates: ``params`` without redundant entries (the first ``k - 1``
    probabilities); Hessians and covariances are taken with respect to ``theta``;
``u``
    unconstrained coordinates, ``theta = constrain(u)``, which the optimizer moves.

``params`` is an affine function of ``theta`` (``params = offset + jacobian @ theta``), so a
covariance of ``theta`` maps exactly to one of ``params``.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit, logit, softmax

from . import validation as v

__all__ = ["Box", "Simplex"]


class Box:
    """A product of intervals, one per coordinate, each open at a finite end.

    Unbounded coordinates are left alone; a coordinate bounded on one side goes through
    ``exp``, and one bounded on both sides through the logistic function.

    Parameters
    ----------
    bounds : sequence of (low, high)
        ``None`` or ``+-inf`` for an open end.

    Examples
    --------
    >>> box = Box([(None, None), (0, None)])
    >>> box.constrain(box.unconstrain([1.5, 2.0]))
    array([1.5, 2. ])
    """

    def __init__(self, bounds):
        if isinstance(bounds, (str, bytes)) or not hasattr(bounds, "__iter__"):
            raise TypeError(f"bounds must be a sequence of (low, high) pairs, got {type(bounds).__name__}")
        lows, highs = [], []
        for i, pair in enumerate(bounds):
            try:
                low, high = pair
            except (TypeError, ValueError):
                raise ValueError(f"bounds[{i}] must be a pair (low, high), got {pair!r}") from None
            low = -np.inf if low is None else v.check_real(low, f"bounds[{i}]", finite=False)
            high = np.inf if high is None else v.check_real(high, f"bounds[{i}]", finite=False)
            if np.isnan(low) or np.isnan(high):
                raise ValueError(f"bounds[{i}] contains NaN; use None or an infinity for an open end")
            if not low < high:
                raise ValueError(f"bounds[{i}] must have low < high, got ({low}, {high})")
            lows.append(low)
            highs.append(high)
        if not lows:
            raise ValueError("bounds is empty: give one (low, high) pair per parameter")
        self.low = np.array(lows)
        self.high = np.array(highs)
        self.n_free = len(lows)
        self.n_params = self.n_free
        self._lower_only = np.isfinite(self.low) & ~np.isfinite(self.high)
        self._upper_only = ~np.isfinite(self.low) & np.isfinite(self.high)
        self._both = np.isfinite(self.low) & np.isfinite(self.high)

    # theta <-> u
    def constrain(self, u):
        u = v.as_vector(u, self.n_free, "u")
        theta = u.copy()
        theta[self._lower_only] = self.low[self._lower_only] + np.exp(u[self._lower_only])
        theta[self._upper_only] = self.high[self._upper_only] - np.exp(u[self._upper_only])
        width = self.high[self._both] - self.low[self._both]
        theta[self._both] = self.low[self._both] + width * expit(u[self._both])
        return theta

    def unconstrain(self, theta):
        if not self.contains(theta):
            raise ValueError(f"theta must lie inside the parameter space (strictly between the bounds), got {theta}")
        theta = v.as_vector(theta, self.n_free, "theta")
        u = theta.copy()
        with np.errstate(divide="ignore"):
            u[self._lower_only] = np.log(theta[self._lower_only] - self.low[self._lower_only])
            u[self._upper_only] = np.log(self.high[self._upper_only] - theta[self._upper_only])
            width = self.high[self._both] - self.low[self._both]
            u[self._both] = logit((theta[self._both] - self.low[self._both]) / width)
        return u

    def dtheta_du(self, u):
        """Jacobian of ``constrain`` at ``u`` (diagonal here)."""
        u = v.as_vector(u, self.n_free, "u")
        d = np.ones_like(u)
        d[self._lower_only] = np.exp(u[self._lower_only])
        d[self._upper_only] = -np.exp(u[self._upper_only])
        width = self.high[self._both] - self.low[self._both]
        s = expit(u[self._both])
        d[self._both] = width * s * (1 - s)
        return np.diag(d)

    # theta <-> params
    def to_params(self, theta):
        return v.as_vector(theta, self.n_free, "theta").copy()

    def to_theta(self, params):
        return v.as_vector(params, self.n_params, "params").copy()

    @property
    def params_jacobian(self):
        return np.eye(self.n_free)

    @property
    def params_bounds(self):
        return list(zip(self.low, self.high))

    def contains(self, theta):
        theta = v.as_vector(theta, self.n_free, "theta")
        return bool(np.all((theta > self.low) & (theta < self.high)))

    def room(self, theta):
        """How far each coordinate may move (alone or together with another) and stay inside."""
        theta = v.as_vector(theta, self.n_free, "theta")
        return np.minimum(theta - self.low, self.high - theta)


class Simplex:
    """Probability vectors of length ``k`` with every entry positive.

    The free coordinates are the first ``k - 1`` probabilities; ``u`` are log-odds against
    the last category (the softmax with the last logit fixed at 0).

    Examples
    --------
    >>> s = Simplex(3)
    >>> s.to_params(s.constrain(s.unconstrain([0.2, 0.3])))
    array([0.2, 0.3, 0.5])
    """

    def __init__(self, k: int):
        self.k = v.check_positive_int(k, "k", minimum=2)
        self.n_free = self.k - 1
        self.n_params = self.k

    def constrain(self, u):
        return softmax(np.append(v.as_vector(u, self.n_free, "u"), 0.0))[:-1]

    def unconstrain(self, theta):
        if not self.contains(theta):
            raise ValueError(f"theta must lie inside the parameter space (positive, summing to less than 1), "
                             f"got {theta}")
        theta = v.as_vector(theta, self.n_free, "theta")
        return np.log(theta) - np.log1p(-theta.sum())

    def dtheta_du(self, u):
        theta = self.constrain(u)
        return np.diag(theta) - np.outer(theta, theta)

    def to_params(self, theta):
        theta = v.as_vector(theta, self.n_free, "theta")
        return np.append(theta, 1.0 - theta.sum())

    def to_theta(self, params):
        return v.as_vector(params, self.k, "params")[:-1].copy()

    @property
    def params_jacobian(self):
        return np.vstack([np.eye(self.n_free), -np.ones((1, self.n_free))])

    @property
    def params_bounds(self):
        return [(0.0, 1.0)] * self.k

    def contains(self, theta):
        theta = v.as_vector(theta, self.n_free, "theta")
        return bool(np.all(theta > 0) and theta.sum() < 1)

    def room(self, theta):
        # A mixed second difference moves two coordinates at once, so the last probability
        # must absorb twice the step.
        theta = v.as_vector(theta, self.n_free, "theta")
        return np.minimum(theta, (1.0 - theta.sum()) / 2.0)
