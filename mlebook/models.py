"""Parametric models with one interface, so every chapter can ask every model the same questions.

Each model answers:

* ``logpdf(params, x)``: log-density (or log-mass) of each observation;
* ``loglik(params, x)``: the total log-likelihood of an i.i.d. sample, computed in log space
  from sufficient statistics, so it stays finite for millions of observations;
* ``mle(x)``: the maximum-likelihood estimate: in closed form, except for the Gamma shape,
  which solves an equation in the digamma function by Newton's method;
* ``score(params, x)``: the gradient of ``loglik`` with respect to the parameters;
* ``observed_information(params, x)``: minus the Hessian of ``loglik``;
* ``fisher_information(params)``: the expected information of ONE observation;
* ``sample(params, size, rng)``: random draws, from a seeded ``numpy.random.Generator``;
* ``logpdf_sym()``: the log-density as a sympy expression, for derivations
  (see :mod:`mlebook.symbolic`).

Parameter conventions: Bernoulli ``p``; Gaussian ``(mu, sigma2)`` (the variance, not the
standard deviation); Poisson ``lam``; Exponential ``rate``; Gamma ``(shape, scale)``;
Categorical a probability vector of length ``k`` with data given as integer labels
``0..k-1``. One-parameter models take and return plain floats; the others take sequences
and return ``numpy`` arrays.

For the categorical model the score and the information are taken with respect to the free
coordinates ``p_0, ..., p_{k-2}`` (the last probability is ``1`` minus their sum).

Examples
--------
>>> import numpy as np
>>> from mlebook.models import Bernoulli
>>> x = np.r_[np.ones(73), np.zeros(27)]
>>> Bernoulli().mle(x)
0.73
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp
import sympy.stats as sps
from scipy.special import digamma, gammaln, polygamma, xlog1py, xlogy, zeta

from . import validation as v
from .parametrization import Box, Simplex

__all__ = [
    "Model",
    "SymbolicDensity",
    "Bernoulli",
    "Gaussian",
    "Poisson",
    "Exponential",
    "Gamma",
    "Categorical",
]


@dataclass(frozen=True)
class SymbolicDensity:
    """A model's log-density in sympy, with everything a derivation needs.

    Attributes
    ----------
    logpdf : sympy.Expr
        The log-density (log-mass) of one observation ``x``.
    x : sympy.Symbol
        The observation.
    params : tuple of sympy.Symbol
        The free parameters, in the model's order.
    rv : sympy.stats random symbol
        A random variable with density ``exp(logpdf)``, used to take expectations
        (for example of the score, or of the Hessian for the Fisher information).
    """

    logpdf: sp.Expr
    x: sp.Symbol
    params: tuple
    rv: Any


class Model(ABC):
    """Base class: validates inputs once, then calls the model's own ``_`` methods.

    A subclass states its parameter names, the support of its data, and the math; it never
    repeats input checks.
    """

    #: Names of the parameters, in order.
    param_names: tuple[str, ...] = ()
    #: Support of one observation, as understood by :func:`mlebook.validation.as_data`.
    support: str = "real"

    # ----------------------------------------------------------------- public interface
    def logpdf(self, params, x) -> np.ndarray:
        """Log-density (or log-mass) of each observation in ``x``."""
        return self._logpdf(self._check_params(params, closed=True), self._check_data(x))

    def loglik(self, params, x) -> float:
        """Total log-likelihood of the i.i.d. sample ``x`` at ``params``."""
        return float(self._loglik(self._check_params(params, closed=True), self._check_data(x)))

    def mle(self, x):
        """Closed-form maximum-likelihood estimate from the sample ``x``."""
        return self._mle(self._check_data(x))

    def score(self, params, x):
        """Gradient of the log-likelihood with respect to the parameters, at ``params``."""
        return self._scalar_or_array(self._score(self._check_params(params), self._check_data(x)))

    def observed_information(self, params, x):
        """Minus the Hessian of the log-likelihood of the whole sample, at ``params``."""
        info = self._observed_information(self._check_params(params), self._check_data(x))
        return self._scalar_or_array(info)

    def fisher_information(self, params):
        """Expected information of ONE observation: ``-E[d^2 log f(X) / d theta^2]``."""
        return self._scalar_or_array(self._fisher_information(self._check_params(params)))

    def sample(self, params, size, rng) -> np.ndarray:
        """Draw ``size`` i.i.d. observations using the generator ``rng`` (or an int seed)."""
        return self._sample(self._check_params(params, closed=True), v.check_size(size), v.check_rng(rng))

    @abstractmethod
    def logpdf_sym(self) -> SymbolicDensity:
        """The log-density as a sympy expression (see :class:`SymbolicDensity`)."""

    @property
    def n_params(self) -> int:
        return len(self.param_names)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    # ----------------------------------------------------------------- what subclasses give
    @abstractmethod
    def _check_params(self, params, closed: bool = False):
        """Return validated parameters; ``closed`` admits boundary points where the
        likelihood is still defined (``p = 0`` for a coin that never lands heads)."""

    def _check_data(self, x, name: str = "x") -> np.ndarray:
        return v.as_data(x, self.support, name=name)

    def _check_estimable(self, x) -> None:
        """Raise a ValueError when the likelihood of the (checked) sample ``x`` has no maximum
        because it increases without bound; :func:`mlebook.fitting.fit` asks before optimizing,
        so that it stops with a clear message instead of wandering off towards infinity."""

    def _logpdf(self, params, x):
        raise NotImplementedError

    def _loglik(self, params, x):
        return self._logpdf(params, x).sum()

    @abstractmethod
    def _mle(self, x): ...

    @abstractmethod
    def _score(self, params, x): ...

    @abstractmethod
    def _observed_information(self, params, x): ...

    @abstractmethod
    def _fisher_information(self, params): ...

    @abstractmethod
    def _sample(self, params, size, rng): ...

    # For numerical fitting (mlebook.fitting): the parameter space, and a neutral start that
    # does not peek at the closed-form answer.
    @abstractmethod
    def parametrization(self): ...

    def default_start(self, x) -> np.ndarray:
        """A neutral starting point for :func:`mlebook.fitting.fit` on the sample ``x``."""
        return self._default_start(self._check_data(x))

    @abstractmethod
    def _default_start(self, x) -> np.ndarray: ...

    def params_vector(self, params) -> np.ndarray:
        """Parameters as a flat float array (the fitting code's view)."""
        return np.atleast_1d(np.asarray(self._check_params(params, closed=True), dtype=float))

    def params_from_vector(self, vec):
        """Inverse of :meth:`Model.params_vector`: a float for one-parameter models."""
        return self._params_from_vector(v.as_vector(vec, self.n_params, "vec"))

    def _params_from_vector(self, vec):
        return float(vec[0]) if self.n_params == 1 else vec

    def _scalar_or_array(self, value):
        return float(value) if np.ndim(value) == 0 else np.asarray(value, dtype=float)


class _OneParameter(Model):
    """Shared plumbing of the scalar-parameter models."""

    _bounds: tuple[float, float] = (0.0, np.inf)

    def parametrization(self):
        return Box([self._bounds])


class Bernoulli(_OneParameter):
    """Bernoulli(p): one coin flip, ``x`` in {0, 1}, ``P(x = 1) = p``.

    Examples
    --------
    >>> m = Bernoulli()
    >>> round(m.loglik(0.5, [1, 0, 1]), 4)
    -2.0794
    >>> m.fisher_information(0.5)
    4.0
    """

    param_names = ("p",)
    support = "binary"
    _bounds = (0.0, 1.0)

    def _check_params(self, params, closed=False):
        return v.check_probability(params, "p", closed=closed)

    def _logpdf(self, p, x):
        return xlogy(x, p) + xlog1py(1 - x, -p)

    def _loglik(self, p, x):
        k, n = x.sum(), x.size
        return xlogy(k, p) + xlog1py(n - k, -p)

    def _mle(self, x):
        return float(x.mean())

    def _score(self, p, x):
        k, n = x.sum(), x.size
        return k / p - (n - k) / (1 - p)

    def _observed_information(self, p, x):
        k, n = x.sum(), x.size
        return k / p**2 + (n - k) / (1 - p) ** 2

    def _fisher_information(self, p):
        return 1.0 / (p * (1 - p))

    def _sample(self, p, size, rng):
        return rng.binomial(1, p, size=size)

    def _default_start(self, x):
        return np.array([0.5])

    def logpdf_sym(self):
        x = sp.Symbol("x", integer=True, nonnegative=True)
        p = sp.Symbol("p", positive=True)
        return SymbolicDensity(x * sp.log(p) + (1 - x) * sp.log(1 - p), x, (p,), sps.Bernoulli("X", p))


class Poisson(_OneParameter):
    """Poisson(lam): counts ``x`` in {0, 1, 2, ...} with mean ``lam``.

    Examples
    --------
    >>> Poisson().mle([2, 3, 4])
    3.0
    """

    param_names = ("lam",)
    support = "count"

    def _check_params(self, params, closed=False):
        return v.check_positive(params, "lam", allow_zero=closed)

    def _logpdf(self, lam, x):
        return xlogy(x, lam) - lam - gammaln(x + 1)

    def _loglik(self, lam, x):
        return xlogy(x.sum(), lam) - x.size * lam - gammaln(x + 1).sum()

    def _mle(self, x):
        return float(x.mean())

    def _score(self, lam, x):
        return x.sum() / lam - x.size

    def _observed_information(self, lam, x):
        return x.sum() / lam**2

    def _fisher_information(self, lam):
        return 1.0 / lam

    def _sample(self, lam, size, rng):
        return rng.poisson(lam, size=size)

    def _default_start(self, x):
        return np.array([1.0])

    def logpdf_sym(self):
        x = sp.Symbol("x", integer=True, nonnegative=True)
        lam = sp.Symbol("lambda", positive=True)
        return SymbolicDensity(x * sp.log(lam) - lam - sp.log(sp.factorial(x)), x, (lam,), sps.Poisson("X", lam))


class Exponential(_OneParameter):
    """Exponential(rate): waiting times ``x >= 0`` with density ``rate * exp(-rate * x)``.

    Examples
    --------
    >>> Exponential().mle([1.0, 3.0])
    0.5
    """

    param_names = ("rate",)
    support = "nonnegative"

    def _check_params(self, params, closed=False):
        return v.check_positive(params, "rate")

    def _logpdf(self, rate, x):
        return np.log(rate) - rate * x

    def _loglik(self, rate, x):
        return x.size * np.log(rate) - rate * x.sum()

    def _mle(self, x):
        total = x.sum()
        if total == 0:
            raise ValueError("x: every observation is 0, so the likelihood increases without bound "
                             "in the rate and the MLE does not exist")
        return float(x.size / total)

    def _check_estimable(self, x):
        self._mle(x)  # raises when every observation is 0

    def _score(self, rate, x):
        return x.size / rate - x.sum()

    def _observed_information(self, rate, x):
        return x.size / rate**2

    def _fisher_information(self, rate):
        return 1.0 / rate**2

    def _sample(self, rate, size, rng):
        return rng.exponential(1.0 / rate, size=size)

    def _default_start(self, x):
        return np.array([1.0])

    def logpdf_sym(self):
        x = sp.Symbol("x", nonnegative=True)
        rate = sp.Symbol("lambda", positive=True)
        return SymbolicDensity(sp.log(rate) - rate * x, x, (rate,), sps.Exponential("X", rate))


class Gaussian(Model):
    """Gaussian(mu, sigma2): the normal distribution with mean ``mu`` and VARIANCE ``sigma2``.

    With one observation, or several that are all equal, the likelihood increases without
    bound as ``sigma2`` shrinks to 0, so the MLE does not exist. :meth:`~Model.mle` then
    returns the boundary value ``sigma2 = 0`` (outside the model: ``loglik`` refuses it), and
    :func:`mlebook.fitting.fit` raises a ``ValueError`` saying so.

    Examples
    --------
    >>> Gaussian().mle([1.0, 2.0, 3.0])
    array([2.        , 0.66666667])
    """

    param_names = ("mu", "sigma2")
    support = "real"

    def _check_params(self, params, closed=False):
        mu, sigma2 = v.unpack_params(params, ("mu", "sigma2"))
        return v.check_real(mu, "mu"), v.check_positive(sigma2, "sigma2")

    def _logpdf(self, params, x):
        mu, s2 = params
        return -0.5 * np.log(2 * np.pi * s2) - (x - mu) ** 2 / (2 * s2)

    def _loglik(self, params, x):
        mu, s2 = params
        return -0.5 * x.size * np.log(2 * np.pi * s2) - ((x - mu) ** 2).sum() / (2 * s2)

    def _mle(self, x):
        mu = x.mean()
        return np.array([mu, ((x - mu) ** 2).mean()])

    def _check_estimable(self, x):
        if x.min() == x.max():
            raise ValueError("x: every observation is the same (always so with one observation), so the likelihood "
                             "increases without bound as sigma2 shrinks to 0 and the MLE does not exist; "
                             "mle(x) returns the boundary value sigma2 = 0, which is outside the model")

    def _score(self, params, x):
        mu, s2 = params
        r = x - mu
        return np.array([r.sum() / s2, -x.size / (2 * s2) + (r**2).sum() / (2 * s2**2)])

    def _observed_information(self, params, x):
        mu, s2 = params
        r = x - mu
        off = r.sum() / s2**2
        return np.array([[x.size / s2, off], [off, -x.size / (2 * s2**2) + (r**2).sum() / s2**3]])

    def _fisher_information(self, params):
        mu, s2 = params
        return np.diag([1.0 / s2, 1.0 / (2 * s2**2)])

    def _sample(self, params, size, rng):
        mu, s2 = params
        return rng.normal(mu, np.sqrt(s2), size=size)

    def parametrization(self):
        return Box([(None, None), (0.0, None)])

    def _default_start(self, x):
        # The median and a spread from the interquartile range: inside the space, on the
        # data's scale, and not the answer.
        q1, q3 = np.percentile(x, [25, 75])
        spread = (q3 - q1) / 1.349
        return np.array([np.median(x), spread**2 if spread > 0 else 1.0])

    def logpdf_sym(self):
        x = sp.Symbol("x", real=True)
        mu = sp.Symbol("mu", real=True)
        s2 = sp.Symbol("sigma2", positive=True)
        logpdf = -sp.log(2 * sp.pi * s2) / 2 - (x - mu) ** 2 / (2 * s2)
        return SymbolicDensity(logpdf, x, (mu, s2), sps.Normal("X", mu, sp.sqrt(s2)))


_EPS = float(np.finfo(float).eps)


def _gamma_shape_newton(s: float, max_iter: int) -> float:
    """:meth:`Gamma.solve_shape` for one statistic, in plain floats (no array overhead)."""
    shape = (3 - s + math.sqrt((s - 3) ** 2 + 24 * s)) / (12 * s)
    for _ in range(max_iter):
        f = math.log(shape) - float(digamma(shape)) - s
        new = shape - f / (1.0 / shape - float(zeta(2, shape)))   # the slope is negative everywhere
        if not new > 0:
            new = shape / 2
        # Converged: the step is negligible, or f is within its own rounding error.
        done = abs(new - shape) <= 1e-13 * new or abs(f) <= 16 * _EPS * (1 + abs(math.log(new)))
        shape = new
        if done:
            return shape
    raise RuntimeError(f"Newton's method for the Gamma shape did not converge in {max_iter} steps")


class Gamma(Model):
    """Gamma(shape, scale): positive data with density
    ``x**(shape - 1) * exp(-x / scale) / (Gamma(shape) * scale**shape)``.

    The mean is ``shape * scale`` and the variance ``shape * scale**2``; ``shape = 1`` is the
    exponential distribution with rate ``1 / scale``. The MLE of the scale given the shape is
    ``mean(x) / shape``; the shape then solves

    ``log(shape) - digamma(shape) = log(mean(x)) - mean(log(x))``,

    which has no closed form. :meth:`~Model.mle` solves it by Newton's method from Minka's (2002)
    approximation (see :meth:`solve_shape`).

    Examples
    --------
    >>> m = Gamma()
    >>> m.mle([1.0, 2.0, 4.0]).round(4)
    array([3.4012, 0.686 ])
    >>> m.fisher_information((2.0, 1.0)).round(4)
    array([[0.6449, 1.    ],
           [1.    , 2.    ]])
    """

    param_names = ("shape", "scale")
    support = "positive"

    def _check_params(self, params, closed=False):
        shape, scale = v.unpack_params(params, ("shape", "scale"))
        return v.check_positive(shape, "shape"), v.check_positive(scale, "scale")

    @staticmethod
    def _statistics(x):
        """The sufficient statistics: sample size, sum of the data, sum of their logs."""
        return x.size, x.sum(), np.log(x).sum()

    def _logpdf(self, params, x):
        shape, scale = params
        return (shape - 1) * np.log(x) - x / scale - gammaln(shape) - shape * np.log(scale)

    def _loglik(self, params, x):
        shape, scale = params
        n, total, total_log = self._statistics(x)
        return (shape - 1) * total_log - total / scale - n * (gammaln(shape) + shape * np.log(scale))

    @staticmethod
    def solve_shape(statistic, max_iter: int = 50):
        """Solve ``log(shape) - digamma(shape) = statistic`` for the shape, by Newton's method.

        The statistic of a sample is ``log(mean(x)) - mean(log(x))``, positive unless every
        observation is the same. The left side is positive, decreasing and convex in the
        shape, so from any start Newton's first step lands at or below the root and the
        iterates then increase to it monotonically. The start is Minka's approximation
        ``(3 - s + sqrt((s - 3)**2 + 24 s)) / (12 s)``, within about 1.5% of the root, so a
        few steps reach machine precision. A step that would leave ``(0, inf)`` is replaced
        by halving the current value.

        Parameters
        ----------
        statistic : float or array_like
            One or many positive values; arrays are solved elementwise, all at once.
        max_iter : int
            The most Newton steps.

        Returns
        -------
        float or numpy.ndarray
            The shape(s), of the same shape as ``statistic``.

        Raises
        ------
        ValueError
            If a statistic is not positive and finite.
        RuntimeError
            If Newton's method has not converged after ``max_iter`` steps.

        Examples
        --------
        >>> shape = Gamma.solve_shape(0.1)
        >>> round(shape, 6), bool(abs(np.log(shape) - digamma(shape) - 0.1) < 1e-14)
        (5.160876, True)
        """
        s = v.as_array(statistic, "statistic")
        if not np.all(np.isfinite(s)) or not np.all(s > 0):
            raise ValueError("statistic must be positive and finite: log(mean(x)) - mean(log(x)) is 0 only "
                             "when every observation is the same, and then the MLE of the shape does not exist")
        max_iter = v.check_positive_int(max_iter, "max_iter")
        if s.ndim == 0:
            return _gamma_shape_newton(float(s), max_iter)
        shape = (3 - s + np.sqrt((s - 3) ** 2 + 24 * s)) / (12 * s)
        for _ in range(max_iter):
            f = np.log(shape) - digamma(shape) - s
            new = shape - f / (1.0 / shape - zeta(2, shape))     # zeta(2, k) is trigamma(k)
            new = np.where(new > 0, new, shape / 2)
            done = (np.abs(new - shape) <= 1e-13 * new) | (np.abs(f) <= 16 * _EPS * (1 + np.abs(np.log(new))))
            shape = new
            if np.all(done):
                return shape
        raise RuntimeError(f"Newton's method for the Gamma shape did not converge in {max_iter} steps")

    def _mle(self, x):
        mean = float(x.mean())
        log_mean = math.log(mean)
        statistic = log_mean - float(np.log(x).mean())
        # The statistic is positive unless all observations are equal (Jensen's inequality);
        # below this size it is rounding error, and the shape would be meaningless.
        if not statistic > 64 * _EPS * (1 + abs(log_mean)):
            if x.min() == x.max():
                raise ValueError("x: every observation is the same, so the likelihood increases without bound "
                                 "as the shape grows and the MLE does not exist")
            raise ValueError("x: the observations are too close to one another for the Gamma shape to be "
                             "estimated in floating point (log(mean(x)) - mean(log(x)) is at rounding level)")
        shape = _gamma_shape_newton(statistic, 50)
        return np.array([shape, mean / shape])

    def _check_estimable(self, x):
        self._mle(x)  # raises when every observation is the same

    def _score(self, params, x):
        shape, scale = params
        n, total, total_log = self._statistics(x)
        return np.array([total_log - n * (digamma(shape) + np.log(scale)),
                         total / scale**2 - n * shape / scale])

    def _observed_information(self, params, x):
        shape, scale = params
        n, total, _ = self._statistics(x)
        off = n / scale
        return np.array([[n * polygamma(1, shape), off], [off, 2 * total / scale**3 - n * shape / scale**2]])

    def _fisher_information(self, params):
        shape, scale = params
        return np.array([[polygamma(1, shape), 1 / scale], [1 / scale, shape / scale**2]])

    def _sample(self, params, size, rng):
        shape, scale = params
        return rng.gamma(shape, scale, size=size)

    def parametrization(self):
        return Box([(0.0, None), (0.0, None)])

    def _default_start(self, x):
        # The exponential distribution (shape 1) with the data's mean: on the data's scale,
        # inside the space, and not the answer.
        return np.array([1.0, x.mean()])

    def logpdf_sym(self):
        x = sp.Symbol("x", positive=True)
        shape = sp.Symbol("k", positive=True)
        scale = sp.Symbol("s", positive=True)
        logpdf = (shape - 1) * sp.log(x) - x / scale - sp.loggamma(shape) - shape * sp.log(scale)
        return SymbolicDensity(logpdf, x, (shape, scale), sps.Gamma("X", shape, scale))


class Categorical(Model):
    """Categorical(p): one draw from ``k`` classes, data as integer labels ``0..k-1``.

    Parameters
    ----------
    k : int
        Number of classes, at least 2.

    Examples
    --------
    >>> Categorical(3).mle([0, 2, 2, 1])
    array([0.25, 0.25, 0.5 ])
    """

    support = "labels"

    def __init__(self, k: int):
        self.k = v.check_positive_int(k, "k", minimum=2)
        self.param_names = tuple(f"p{j}" for j in range(self.k))

    def __repr__(self) -> str:
        return f"Categorical(k={self.k})"

    def _check_data(self, x, name="x"):
        return v.as_data(x, "labels", k=self.k, name=name)

    def _check_params(self, params, closed=False):
        return v.check_probability_vector(params, self.k, "p", closed=closed)

    def _counts(self, x):
        return np.bincount(x.astype(np.intp), minlength=self.k).astype(float)

    def _logpdf(self, p, x):
        with np.errstate(divide="ignore"):
            return np.log(p)[x.astype(np.intp)]

    def _loglik(self, p, x):
        return xlogy(self._counts(x), p).sum()

    def _mle(self, x):
        return self._counts(x) / x.size

    def _score(self, p, x):
        n = self._counts(x)
        return n[:-1] / p[:-1] - n[-1] / p[-1]

    def _observed_information(self, p, x):
        n = self._counts(x)
        return np.diag(n[:-1] / p[:-1] ** 2) + n[-1] / p[-1] ** 2

    def _fisher_information(self, p):
        return np.diag(1.0 / p[:-1]) + 1.0 / p[-1]

    def _sample(self, p, size, rng):
        return rng.choice(self.k, size=size, p=p)

    def parametrization(self):
        return Simplex(self.k)

    def _default_start(self, x):
        return np.full(self.k, 1.0 / self.k)

    def _params_from_vector(self, vec):
        return vec

    def logpdf_sym(self):
        x = sp.Symbol("x", integer=True, nonnegative=True)
        free = sp.symbols(f"p0:{self.k - 1}", positive=True)
        probs = list(free) + [1 - sum(free)]
        logpdf = sum(sp.KroneckerDelta(x, j) * sp.log(probs[j]) for j in range(self.k))
        rv = sps.FiniteRV("X", {j: probs[j] for j in range(self.k)})
        return SymbolicDensity(logpdf, x, tuple(free), rv)
