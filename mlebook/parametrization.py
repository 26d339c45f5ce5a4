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

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy.special import expit, logit, softmax

from . import validation as v

__all__ = ["Box", "Simplex", "SpaceCore"]


@dataclass(frozen=True)
class SpaceCore:
    """A parameter space's maps without input checks, for the inner loop of an optimizer.

    Each attribute is the method of the same name on :class:`Box` or :class:`Simplex`, for
    a vector ``u`` (or ``theta``) of the right length that the caller vouches for.
    """

    constrain: Callable[[np.ndarray], np.ndarray]
    unconstrain: Callable[[np.ndarray], np.ndarray]
    dtheta_du: Callable[[np.ndarray], np.ndarray]
    to_params: Callable[[np.ndarray], np.ndarray]
    #: ``curvature(u, g)``: the second-derivative term of the chain rule,
    #: ``sum_j g_j d2 theta_j / du du'``, so that the Hessian of ``f(constrain(u))`` is
    #: ``J' H J + curvature(u, g)`` with ``g``, ``H`` the gradient and Hessian of ``f`` in
    #: ``theta``.
    curvature: Callable[[np.ndarray, np.ndarray], np.ndarray]


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
            raise TypeError(
                f"bounds must be a sequence of (low, high) pairs, got {type(bounds).__name__}"
            )
        lows, highs = [], []
        for i, pair in enumerate(bounds):
            try:
                low, high = pair
            except (TypeError, ValueError):
                raise ValueError(f"bounds[{i}] must be a pair (low, high), got {pair!r}") from None
            low = -np.inf if low is None else v.check_real(low, f"bounds[{i}]", finite=False)
            high = np.inf if high is None else v.check_real(high, f"bounds[{i}]", finite=False)
            if np.isnan(low) or np.isnan(high):
                raise ValueError(
                    f"bounds[{i}] contains NaN; use None or an infinity for an open end"
                )
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
        self._all_lower = bool(self._lower_only.all())  # the common case (scales, rates): no masks

    # theta <-> u
    def constrain(self, u):
        """The point ``theta`` of the space at the unconstrained coordinates ``u``."""
        return self._constrain(v.as_vector(u, self.n_free, "u"))

    def unconstrain(self, theta):
        """The unconstrained coordinates ``u`` of a point ``theta`` inside the space."""
        if not self.contains(theta):
            raise ValueError(
                "theta must lie inside the parameter space (strictly between the bounds), "
                f"got {theta}"
            )
        return self._unconstrain(v.as_vector(theta, self.n_free, "theta"))

    def dtheta_du(self, u):
        """Jacobian of ``constrain`` at ``u`` (diagonal here)."""
        return np.diag(self._dtheta_du_diagonal(v.as_vector(u, self.n_free, "u")))

    @cached_property
    def core(self) -> SpaceCore:
        """The same maps without input checks (see :class:`SpaceCore`)."""
        return SpaceCore(
            constrain=self._constrain,
            unconstrain=self._unconstrain,
            dtheta_du=lambda u: np.diag(self._dtheta_du_diagonal(u)),
            to_params=lambda theta: theta,
            curvature=self._curvature,
        )

    def _constrain(self, u):
        if self._all_lower:
            return self.low + np.exp(u)
        theta = u.copy()
        lo, hi, both = self._lower_only, self._upper_only, self._both
        theta[lo] = self.low[lo] + np.exp(u[lo])
        theta[hi] = self.high[hi] - np.exp(u[hi])
        theta[both] = self.low[both] + (self.high[both] - self.low[both]) * expit(u[both])
        return theta

    def _unconstrain(self, theta):
        u = theta.copy()
        lo, hi, both = self._lower_only, self._upper_only, self._both
        with np.errstate(divide="ignore"):
            u[lo] = np.log(theta[lo] - self.low[lo])
            u[hi] = np.log(self.high[hi] - theta[hi])
            u[both] = logit((theta[both] - self.low[both]) / (self.high[both] - self.low[both]))
        return u

    def _curvature(self, u, g):
        if self._all_lower:
            return np.diag(g * np.exp(u))
        second = np.zeros_like(u)
        lo, hi, both = self._lower_only, self._upper_only, self._both
        second[lo] = np.exp(u[lo])
        second[hi] = -np.exp(u[hi])
        s = expit(u[both])
        second[both] = (self.high[both] - self.low[both]) * s * (1 - s) * (1 - 2 * s)
        return np.diag(g * second)

    def _dtheta_du_diagonal(self, u):
        if self._all_lower:
            return np.exp(u)
        d = np.ones_like(u)
        lo, hi, both = self._lower_only, self._upper_only, self._both
        d[lo] = np.exp(u[lo])
        d[hi] = -np.exp(u[hi])
        s = expit(u[both])
        d[both] = (self.high[both] - self.low[both]) * s * (1 - s)
        return d

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
        return list(zip(self.low, self.high, strict=True))

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
        """The free probabilities ``theta`` at the log-odds ``u``."""
        return self._constrain(v.as_vector(u, self.n_free, "u"))

    def unconstrain(self, theta):
        """The log-odds ``u`` (against the last category) of free probabilities ``theta``."""
        if not self.contains(theta):
            raise ValueError(
                f"theta must lie inside the parameter space (positive, summing to less than 1), "
                f"got {theta}"
            )
        return self._unconstrain(v.as_vector(theta, self.n_free, "theta"))

    def dtheta_du(self, u):
        """Jacobian of ``constrain`` at ``u``."""
        return self._dtheta_du(v.as_vector(u, self.n_free, "u"))

    @cached_property
    def core(self) -> SpaceCore:
        """The same maps without input checks (see :class:`SpaceCore`)."""
        return SpaceCore(
            constrain=self._constrain,
            unconstrain=self._unconstrain,
            dtheta_du=self._dtheta_du,
            to_params=lambda theta: np.append(theta, 1.0 - theta.sum()),
            curvature=self._curvature,
        )

    @staticmethod
    def _constrain(u):
        return softmax(np.append(u, 0.0))[:-1]

    @staticmethod
    def _unconstrain(theta):
        return np.log(theta) - np.log1p(-theta.sum())

    def _dtheta_du(self, u):
        theta = self._constrain(u)
        return np.diag(theta) - np.outer(theta, theta)

    def _curvature(self, u, g):
        # d J_jm / du_l = delta_jm J_jl - J_jl theta_m - theta_j J_ml, contracted with g over j.
        theta = self._constrain(u)
        J = np.diag(theta) - np.outer(theta, theta)
        return np.diag(g) @ J - np.outer(theta, J @ g) - (g @ theta) * J

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
