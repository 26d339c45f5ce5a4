"""Parametric models with one public protocol, so every chapter can ask every model the same
questions.

Each model declares its parameters once (:class:`Parameter`: a name, the interval it lives
in, and the sympy symbol of the same name) and answers:

* ``loglik(params, x)``: the total log-likelihood of an i.i.d. sample, computed in log space
  from sufficient statistics, so it stays finite for millions of observations;
* ``loglik_obs(params, x)``: the log-likelihood of each observation, shape ``(n,)``
  (``logpdf`` is the same function under the name of a density);
* ``score(params, x)``: the gradient of ``loglik`` with respect to the parameters;
* ``score_obs(params, x)``: the score of each observation, shape ``(n, p)``;
* ``observed_information(params, x)``: minus the Hessian of ``loglik``;
* ``fisher_information(params)``: the expected information of ONE observation;
* ``mle(x, axis=None)``: the maximum-likelihood estimate of one sample, or of many at once
  along ``axis``: in closed form, except for the Gamma shape, which solves an equation in
  the digamma function by Newton's method;
* ``sample(params, size, rng)``: random draws, from a seeded ``numpy.random.Generator``;
* ``logpdf_sym()``: the log-density as a sympy expression, for derivations
  (see :mod:`mlebook.symbolic`), in symbols named as ``param_names``.

Every public method checks its input and raises a ``ValueError`` or ``TypeError`` naming
the argument. :attr:`Model.core` gives the same mathematics without the checks, for code
that has checked its input once and then calls the model many times (numerical fitting,
simulation).

Parameter conventions: Bernoulli ``p``; Gaussian ``(mu, sigma2)`` (the variance, not the
standard deviation); Poisson ``lam``; Exponential ``rate``; Gamma ``(shape, scale)``;
Categorical a probability vector ``(p0, ..., p{k-1})`` with data given as integer labels
``0..k-1``. One-parameter models take and return plain floats; the others take sequences
and return ``numpy`` arrays.

For the categorical model the score and the information are taken with respect to the free
coordinates ``p0, ..., p{k-2}`` (the last probability is ``1`` minus their sum).

Examples
--------
>>> import numpy as np
>>> from mlebook.models import Bernoulli
>>> x = np.r_[np.ones(73), np.zeros(27)]
>>> Bernoulli().mle(x)
0.73
>>> Bernoulli().score_obs(0.5, [1, 0]).ravel()
array([ 2., -2.])
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import sympy as sp
import sympy.stats as sps
from scipy.special import digamma, gammaln, xlog1py, xlogy, zeta

from . import chunked
from . import validation as v
from .parametrization import Box, Simplex

__all__ = [
    "Parameter",
    "Model",
    "ModelCore",
    "SymbolicDensity",
    "Bernoulli",
    "Gaussian",
    "Poisson",
    "Exponential",
    "Gamma",
    "Categorical",
]


@dataclass(frozen=True, init=False)
class Parameter:
    """One parameter of a model, declared once: its name, its interval, and its sympy symbol.

    Attributes
    ----------
    name : str
        The name used everywhere: in ``param_names``, in error messages, in ``fit(...,
        fixed={name: value})`` and as the name of the sympy symbol, so a symbolic result can
        be indexed by it.
    low, high : float
        The ends of the open interval the parameter lives in (``-inf``, ``inf`` for none).
    closed : bool
        Whether the finite ends are admitted where the likelihood is still defined there
        (``loglik``, ``logpdf``, ``sample``): ``p = 0`` for a coin that never lands heads.
        Scores, information and numerical fitting always need an interior point.

    Examples
    --------
    >>> Parameter("rate", 0.0).check(2)
    2.0
    >>> Parameter("rate", 0.0).symbol.is_positive
    True
    """

    name: str
    low: float = -np.inf
    high: float = np.inf
    closed: bool = False

    def __init__(self, name: str, low: float = -np.inf, high: float = np.inf, closed: bool = False):
        if not isinstance(name, str) or not name.isidentifier():
            raise TypeError(f"name must be a string that is a Python identifier, got {name!r}")
        low = v.check_real(low, "low", finite=False)
        high = v.check_real(high, "high", finite=False)
        if not low < high:  # also refuses NaN
            raise ValueError(f"low must be below high, got ({low}, {high})")
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "low", low)
        object.__setattr__(self, "high", high)
        object.__setattr__(self, "closed", v.check_bool(closed, "closed"))

    @property
    def symbol(self) -> sp.Symbol:
        """The parameter as a sympy symbol of the same name.

        The symbol is positive when ``low >= 0``, real otherwise.
        """
        if self.low >= 0:
            return sp.Symbol(self.name, positive=True)
        return sp.Symbol(self.name, real=True)

    @property
    def bounds(self) -> tuple[float | None, float | None]:
        """``(low, high)`` with ``None`` for an open end.

        This is the form :class:`~mlebook.parametrization.Box` takes.
        """
        return (
            self.low if np.isfinite(self.low) else None,
            self.high if np.isfinite(self.high) else None,
        )

    def check(self, value: Any, closed: bool = False) -> float:
        """``value`` as a float, after checking it lies in the parameter's interval
        (including the finite ends when both ``closed`` and the parameter admit them)."""
        at_ends = v.check_bool(closed, "closed") and self.closed
        return v.check_in_interval(
            value,
            self.name,
            self.low,
            self.high,
            closed_low=at_ends and bool(np.isfinite(self.low)),
            closed_high=at_ends and bool(np.isfinite(self.high)),
        )


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
        The free parameters, in the model's order, named as its ``param_names``.
    rv : sympy.stats random symbol
        A random variable with density ``exp(logpdf)``, used to take expectations
        (for example of the score, or of the Hessian for the Fisher information).
    """

    logpdf: sp.Expr
    x: sp.Symbol
    params: tuple
    rv: Any


@dataclass(frozen=True)
class ModelCore:
    """A model's mathematics without input checks, for code that checks its input once.

    Numerical fitting and simulation call a model thousands of times with data they have
    already checked (:meth:`Model.check_data`) and parameters that are inside the space by
    construction; re-checking at every call would cost more than the mathematics. Each
    attribute is the function of the same name on :class:`Model`, with two differences:
    nothing is checked, and results are returned as computed (not converted to ``float``).
    ``mle(x)`` takes the observations of each sample along the LAST axis.
    ``check_estimable(x, statistics=None)`` raises a ``ValueError`` when the likelihood of
    ``x`` has no maximum (it increases without bound), and returns nothing otherwise; given
    the sample's ``statistics``, it need not read ``x`` again unless it fails.

    The sufficient statistics let a caller read a sample once and then evaluate the
    likelihood anywhere without it: ``statistics(x)`` is a tuple of numbers (None for a
    model that has none), and ``loglik_from``, ``score_from`` and
    ``observed_information_from`` take ``(params, *statistics)`` in place of
    ``(params, x)``. ``conditional_mle_from(params, held, *statistics)`` maximizes the
    log-likelihood over the parameters whose indices are not in the set ``held``, the others
    staying at their values in the vector ``params`` (which also gives a start where the
    maximizer is iterative), and returns the whole parameter vector; None where the model
    has no such shortcut.
    """

    loglik: Callable
    loglik_obs: Callable
    score: Callable
    score_obs: Callable
    observed_information: Callable
    fisher_information: Callable
    mle: Callable
    check_estimable: Callable
    default_start: Callable
    statistics: Callable
    loglik_from: Callable
    score_from: Callable
    observed_information_from: Callable
    conditional_mle_from: Callable


class Model(ABC):
    """Base class: declares the protocol, validates inputs once, then calls the model's math.

    A subclass states its :class:`Parameter` s, the support of its data, and the
    mathematics (methods whose names start with ``_``, which receive checked input); it
    never repeats input checks.
    """

    #: The parameters, in order.
    parameters: tuple[Parameter, ...] = ()
    #: Support of one observation, as understood by :func:`mlebook.validation.as_data`.
    support: str = "real"

    # ----------------------------------------------------------------- the declaration
    @property
    def param_names(self) -> tuple[str, ...]:
        """Names of the parameters, in order."""
        return tuple(p.name for p in self.parameters)

    @property
    def n_params(self) -> int:
        """How many parameters there are (for the categorical model, all ``k`` probabilities)."""
        return len(self.parameters)

    @property
    def n_free(self) -> int:
        """How many free coordinates there are, the dimension of the parameter space (``k - 1`` for
        the categorical model), the size of the score and of the information matrix."""
        return self.n_params

    @property
    def free_names(self) -> tuple[str, ...]:
        """Names of the free coordinates (the first ``n_free`` parameters)."""
        return self.param_names[: self.n_free]

    def symbols(self) -> tuple[sp.Symbol, ...]:
        """The free coordinates as sympy symbols, named as :attr:`free_names`."""
        return tuple(p.symbol for p in self.parameters[: self.n_free])

    def parametrization(self) -> Box | Simplex:
        """The parameter space, for numerical fitting (:mod:`mlebook.parametrization`)."""
        return Box([p.bounds for p in self.parameters])

    def check_params(self, params, *, closed: bool = False):
        """Validated parameters: a float for one parameter, a float array otherwise.

        ``closed`` admits boundary points where the likelihood is still defined (see
        :class:`Parameter`). Raises a ``ValueError`` or ``TypeError`` naming the parameter.
        """
        if len(self.parameters) == 1:
            return self.parameters[0].check(params, closed)
        values = v.unpack_params(params, self.param_names)
        return np.array(
            [p.check(value, closed) for p, value in zip(self.parameters, values, strict=True)]
        )

    def check_data(self, x, name: str = "x") -> np.ndarray:
        """One sample, checked: one-dimensional, finite, non-empty, inside the support."""
        return v.as_data(x, self.support, name=name)

    def check_samples(self, x, axis: int = -1, name: str = "x") -> np.ndarray:
        """Several samples, checked as :meth:`check_data` checks one.

        The observations of each sample lie along ``axis``.
        """
        return v.as_samples(x, self.support, axis=axis, name=name)

    # ----------------------------------------------------------------- the protocol
    def loglik(self, params, x) -> float:
        """Total log-likelihood of the i.i.d. sample ``x`` at ``params``."""
        return float(self._loglik(self.check_params(params, closed=True), self.check_data(x)))

    def loglik_obs(self, params, x) -> np.ndarray:
        """Log-likelihood of each observation of ``x`` at ``params``, shape ``(n,)``.

        It sums to ``loglik``.
        """
        return self._logpdf(self.check_params(params, closed=True), self.check_data(x))

    def logpdf(self, params, x) -> np.ndarray:
        """Log-density (or log-mass) of each observation in ``x``.

        The same as :meth:`loglik_obs`.
        """
        return self.loglik_obs(params, x)

    def score(self, params, x):
        """Gradient of the log-likelihood with respect to the free parameters, at ``params``."""
        return self._scalar_or_array(self._score(self.check_params(params), self.check_data(x)))

    def score_obs(self, params, x) -> np.ndarray:
        """The score of each observation, shape ``(n, n_free)``; its rows sum to :meth:`score`."""
        return self._score_obs(self.check_params(params), self.check_data(x))

    def observed_information(self, params, x):
        """Minus the Hessian of the log-likelihood of the whole sample, at ``params``."""
        info = self._observed_information(self.check_params(params), self.check_data(x))
        return self._scalar_or_array(info)

    def fisher_information(self, params):
        """Expected information of ONE observation: ``-E[d^2 log f(X) / d theta^2]``."""
        return self._scalar_or_array(self._fisher_information(self.check_params(params)))

    def mle(self, x, axis: int | None = None):
        """Maximum-likelihood estimate from the sample ``x``, or from many samples at once.

        Parameters
        ----------
        x : array_like or dask.array.Array
            One sample (one-dimensional) when ``axis`` is None; otherwise an array whose
            entries along ``axis`` are the observations of one sample. A one-dimensional
            Dask array is one sample in chunks: the sufficient statistics are computed
            chunk by chunk, with the input checks, in one pass (:mod:`mlebook.chunked`).
        axis : int, optional
            The axis of the observations, to estimate from every sample at once (NumPy
            input only).

        Returns
        -------
        float or numpy.ndarray
            One sample: a float for a one-parameter model, an array of ``n_params`` values
            otherwise. Several: an array of the shape of ``x`` without ``axis``, with a last
            axis of ``n_params`` values for a model of several parameters.

        Raises
        ------
        ValueError
            If the MLE of a sample does not exist (see each model).
        """
        if chunked.is_dask_array(x):
            return self._scalar_or_array(self._mle_chunked(x, axis))
        if axis is None:
            return self._scalar_or_array(self._mle(self.check_data(x)))
        return self._mle(np.moveaxis(self.check_samples(x, axis), axis, -1))

    def _mle_chunked(self, x, axis):
        """The MLE of one sample held as a Dask array: the sufficient statistics as chunked
        reductions, computed with the input checks in one pass."""
        if axis is not None:
            raise ValueError("axis must be None for a Dask array, which is one sample")
        sample = chunked.as_data(x, self.support, k=getattr(self, "k", None))
        return self._mle_from(*chunked.compute(self._mle_statistics(sample.safe), sample))

    def sample(self, params, size, rng) -> np.ndarray:
        """Draw ``size`` i.i.d. observations using the generator ``rng`` (or an int seed)."""
        return self._sample(
            self.check_params(params, closed=True), v.check_size(size), v.check_rng(rng)
        )

    @abstractmethod
    def logpdf_sym(self) -> SymbolicDensity:
        """The log-density as a sympy expression, in the symbols of :meth:`Model.symbols`."""

    @cached_property
    def core(self) -> ModelCore:
        """The same mathematics without input checks (see :class:`ModelCore`)."""
        return ModelCore(
            loglik=self._loglik,
            loglik_obs=self._logpdf,
            score=self._score,
            score_obs=self._score_obs,
            observed_information=self._observed_information,
            fisher_information=self._fisher_information,
            mle=self._mle,
            check_estimable=self._check_estimable,
            default_start=self._default_start,
            statistics=self._statistics,
            loglik_from=self._loglik_from,
            score_from=self._score_from,
            observed_information_from=self._observed_information_from,
            conditional_mle_from=self._conditional_mle_from,
        )

    def default_start(self, x) -> np.ndarray:
        """A neutral starting point for :func:`mlebook.fitting.fit` on the sample ``x``:
        inside the space, on the data's scale, and not the closed-form answer."""
        return self._default_start(self.check_data(x))

    def params_vector(self, params) -> np.ndarray:
        """Parameters as a flat float array (the fitting code's view)."""
        return np.atleast_1d(np.asarray(self.check_params(params, closed=True), dtype=float))

    def params_from_vector(self, vec):
        """Inverse of :meth:`Model.params_vector`: a float for one-parameter models."""
        vec = v.as_vector(vec, self.n_params, "vec")
        return float(vec[0]) if self.n_params == 1 else vec

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    # ----------------------------------------------------------------- what subclasses give
    def _check_estimable(self, x, statistics=None) -> None:
        """Raise a ValueError when the likelihood of the (checked) sample ``x`` has no maximum
        because it increases without bound; :func:`mlebook.fitting.fit` asks before optimizing,
        so that it stops with a clear message instead of wandering off towards infinity.
        ``statistics``, when given, are ``_statistics(x)``, so a check that needs them does
        not read ``x`` again."""
        # Deliberately not abstract: for most models the MLE exists for every sample, and
        # only the models where it may not override this hook.
        return None

    @abstractmethod
    def _logpdf(self, params, x): ...

    # The likelihood through the sufficient statistics: a model states them once, and the
    # log-likelihood, the score and the observed information as functions of them; the data
    # versions below read the sample once and call those. A model without sufficient
    # statistics leaves ``_statistics`` returning None and overrides ``_loglik``, ``_score``
    # and ``_observed_information`` instead.
    def _statistics(self, x) -> tuple | None:
        """The sufficient statistics of one checked, one-dimensional sample, as a tuple of
        numbers (arrays for the categorical counts); None when the model has none."""
        return None

    def _loglik_from(self, params, *statistics):
        raise NotImplementedError(
            f"{type(self).__name__} has no sufficient statistics: it defines _statistics and "
            "the functions of them, or _loglik, _score and _observed_information of the data"
        )

    _score_from = _observed_information_from = _loglik_from

    def _conditional_mle_from(self, params, held, *statistics):
        """The maximizer of the log-likelihood over the parameters whose indices are not in the
        non-empty set ``held``, those in it staying at their values in ``params``: the whole
        parameter vector. None (the default) when the model has no shortcut, in closed form
        or by a one-dimensional solve, and the caller maximizes numerically."""
        return None

    def _loglik(self, params, x):
        return self._loglik_from(params, *(self._statistics(x) or ()))

    def _score(self, params, x):
        return self._score_from(params, *(self._statistics(x) or ()))

    def _observed_information(self, params, x):
        return self._observed_information_from(params, *(self._statistics(x) or ()))

    def _mle(self, x):
        return self._mle_from(*self._mle_statistics(x))

    @abstractmethod
    def _mle_statistics(self, x) -> tuple:
        """The statistics the MLE needs, reduced over the LAST axis of ``x``, written with array
        methods only, so that they are lazy chunked reductions when ``x`` is a Dask array."""

    @abstractmethod
    def _mle_from(self, *statistics):
        """The MLE (batched over the leading axes) from the computed :meth:`_mle_statistics`."""

    @abstractmethod
    def _score_obs(self, params, x): ...

    @abstractmethod
    def _fisher_information(self, params): ...

    @abstractmethod
    def _sample(self, params, size, rng): ...

    @abstractmethod
    def _default_start(self, x) -> np.ndarray: ...

    @staticmethod
    def _scalar_or_array(value):
        return float(value) if np.ndim(value) == 0 else np.asarray(value, dtype=float)


class Bernoulli(Model):
    """Bernoulli(p): one coin flip, ``x`` in {0, 1}, ``P(x = 1) = p``.

    Examples
    --------
    >>> m = Bernoulli()
    >>> round(m.loglik(0.5, [1, 0, 1]), 4)
    -2.0794
    >>> m.fisher_information(0.5)
    4.0
    >>> m.mle([[1, 1, 0, 1], [0, 0, 1, 0]], axis=1)
    array([0.75, 0.25])
    """

    parameters = (Parameter("p", 0.0, 1.0, closed=True),)
    support = "binary"

    def _logpdf(self, p, x):
        return xlogy(x, p) + xlog1py(1 - x, -p)

    def _statistics(self, x):
        return x.size, float(x.sum())  # the number of ones

    def _loglik_from(self, p, n, k):
        return xlogy(k, p) + xlog1py(n - k, -p)

    def _mle_statistics(self, x):
        return (x.mean(axis=-1),)

    def _mle_from(self, mean):
        return mean

    def _score_from(self, p, n, k):
        return k / p - (n - k) / (1 - p)

    def _score_obs(self, p, x):
        return (x / p - (1 - x) / (1 - p))[:, None]

    def _observed_information_from(self, p, n, k):
        return k / p**2 + (n - k) / (1 - p) ** 2

    def _fisher_information(self, p):
        return 1.0 / (p * (1 - p))

    def _sample(self, p, size, rng):
        return rng.binomial(1, p, size=size)

    def _default_start(self, x):
        return np.array([0.5])

    def logpdf_sym(self):
        x = sp.Symbol("x", integer=True, nonnegative=True)
        (p,) = self.symbols()
        return SymbolicDensity(
            x * sp.log(p) + (1 - x) * sp.log(1 - p), x, (p,), sps.Bernoulli("X", p)
        )


class Poisson(Model):
    """Poisson(lam): counts ``x`` in {0, 1, 2, ...} with mean ``lam``.

    Examples
    --------
    >>> Poisson().mle([2, 3, 4])
    3.0
    """

    parameters = (Parameter("lam", 0.0, closed=True),)
    support = "count"

    def _logpdf(self, lam, x):
        return xlogy(x, lam) - lam - gammaln(x + 1)

    def _statistics(self, x):
        return x.size, float(x.sum()), float(gammaln(x + 1).sum())  # the last: sum log(x!)

    def _loglik_from(self, lam, n, total, log_factorials):
        return xlogy(total, lam) - n * lam - log_factorials

    def _mle_statistics(self, x):
        return (x.mean(axis=-1),)

    def _mle_from(self, mean):
        return mean

    def _score_from(self, lam, n, total, _):
        return total / lam - n

    def _score_obs(self, lam, x):
        return (x / lam - 1.0)[:, None]

    def _observed_information_from(self, lam, n, total, _):
        return total / lam**2

    def _fisher_information(self, lam):
        return 1.0 / lam

    def _sample(self, lam, size, rng):
        return rng.poisson(lam, size=size)

    def _default_start(self, x):
        return np.array([1.0])

    def logpdf_sym(self):
        x = sp.Symbol("x", integer=True, nonnegative=True)
        (lam,) = self.symbols()
        return SymbolicDensity(
            x * sp.log(lam) - lam - sp.log(sp.factorial(x)), x, (lam,), sps.Poisson("X", lam)
        )


class Exponential(Model):
    """Exponential(rate): waiting times ``x >= 0`` with density ``rate * exp(-rate * x)``.

    When every observation is 0 the likelihood increases without bound in the rate and the
    MLE does not exist: :meth:`~Model.mle` raises a ``ValueError``.

    Examples
    --------
    >>> Exponential().mle([1.0, 3.0])
    0.5
    """

    parameters = (Parameter("rate", 0.0),)
    support = "nonnegative"

    def _logpdf(self, rate, x):
        return np.log(rate) - rate * x

    def _statistics(self, x):
        return x.size, float(x.sum())

    def _loglik_from(self, rate, n, total):
        return n * np.log(rate) - rate * total

    def _mle_statistics(self, x):
        return x.mean(axis=-1), x.ndim

    def _mle_from(self, mean, ndim):
        if np.any(mean == 0):
            which = "" if ndim == 1 else " of a sample"
            raise ValueError(
                f"x: every observation{which} is 0, so the likelihood increases without bound "
                "in the rate and the MLE does not exist"
            )
        return 1.0 / mean

    def _check_estimable(self, x, statistics=None):
        if statistics is None:
            self._mle(x)  # raises when every observation is 0
        elif statistics[1] == 0:
            self._mle_from(0.0, x.ndim)

    def _score_from(self, rate, n, total):
        return n / rate - total

    def _score_obs(self, rate, x):
        return (1.0 / rate - x)[:, None]

    def _observed_information_from(self, rate, n, total):
        return n / rate**2

    def _fisher_information(self, rate):
        return 1.0 / rate**2

    def _sample(self, rate, size, rng):
        return rng.exponential(1.0 / rate, size=size)

    def _default_start(self, x):
        return np.array([1.0])

    def logpdf_sym(self):
        x = sp.Symbol("x", nonnegative=True)
        (rate,) = self.symbols()
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

    parameters = (Parameter("mu"), Parameter("sigma2", 0.0))
    support = "real"

    def _logpdf(self, params, x):
        mu, s2 = params
        return -0.5 * np.log(2 * np.pi * s2) - (x - mu) ** 2 / (2 * s2)

    def _statistics(self, x):
        # The sum of squares about the mean, not about 0, so no digits cancel.
        mean = float(x.mean())
        return x.size, mean, float(((x - mean) ** 2).sum())

    def _loglik_from(self, params, n, mean, squares):
        mu, s2 = params
        return -0.5 * n * np.log(2 * np.pi * s2) - (squares + n * (mean - mu) ** 2) / (2 * s2)

    def _mle_statistics(self, x):
        # The variance by NumPy's two passes in memory; on chunks, Dask combines each chunk's
        # mean and sum of squared deviations (Chan et al.), one pass and just as accurate.
        return x.mean(axis=-1), x.var(axis=-1)

    def _mle_from(self, mean, var):
        return np.stack([mean, var], axis=-1)

    def _check_estimable(self, x, statistics=None):
        if x.min() == x.max():
            raise ValueError(
                "x: every observation is the same (always so with one observation), so the "
                "likelihood increases without bound as sigma2 shrinks to 0 and the MLE does "
                "not exist; mle(x) returns the boundary value sigma2 = 0, which is outside the "
                "model"
            )

    def _score_from(self, params, n, mean, squares):
        mu, s2 = params
        d = mean - mu
        return np.array([n * d / s2, -n / (2 * s2) + (squares + n * d**2) / (2 * s2**2)])

    def _score_obs(self, params, x):
        mu, s2 = params
        r = x - mu
        return np.column_stack([r / s2, -0.5 / s2 + r**2 / (2 * s2**2)])

    def _observed_information_from(self, params, n, mean, squares):
        mu, s2 = params
        d = mean - mu
        off = n * d / s2**2
        return np.array([[n / s2, off], [off, -n / (2 * s2**2) + (squares + n * d**2) / s2**3]])

    def _conditional_mle_from(self, params, held, n, mean, squares):
        # Given sigma2 the mean maximizes; given mu, the mean square about mu.
        mu, s2 = params
        if 0 not in held:
            mu = mean
        if 1 not in held:
            s2 = squares / n + (mean - mu) ** 2
        return np.array([mu, s2])

    def _fisher_information(self, params):
        _mu, s2 = params
        return np.diag([1.0 / s2, 1.0 / (2 * s2**2)])

    def _sample(self, params, size, rng):
        mu, s2 = params
        return rng.normal(mu, np.sqrt(s2), size=size)

    def _default_start(self, x):
        # The median and a spread from the interquartile range: inside the space, on the
        # data's scale, and not the answer.
        q1, q3 = np.percentile(x, [25, 75])
        spread = (q3 - q1) / 1.349
        return np.array([np.median(x), spread**2 if spread > 0 else 1.0])

    def logpdf_sym(self):
        x = sp.Symbol("x", real=True)
        mu, s2 = self.symbols()
        logpdf = -sp.log(2 * sp.pi * s2) / 2 - (x - mu) ** 2 / (2 * s2)
        return SymbolicDensity(logpdf, x, (mu, s2), sps.Normal("X", mu, sp.sqrt(s2)))


_EPS = float(np.finfo(float).eps)
#: Observations per block of a pass over the data that computes several sums at once.
_BLOCK = 1 << 15


def _gamma_shape_newton(s: float, max_iter: int) -> float:
    """:meth:`Gamma.solve_shape` for one statistic, in plain floats (no array overhead)."""
    shape = (3 - s + math.sqrt((s - 3) ** 2 + 24 * s)) / (12 * s)
    for _ in range(max_iter):
        f = math.log(shape) - float(digamma(shape)) - s
        new = shape - f / (1.0 / shape - float(zeta(2, shape)))  # the slope is negative everywhere
        if not new > 0:
            new = shape / 2
        # Converged: the step is negligible, or f is within its own rounding error.
        done = abs(new - shape) <= 1e-13 * new or abs(f) <= 16 * _EPS * (1 + abs(math.log(new)))
        shape = new
        if done:
            return shape
    raise RuntimeError(f"Newton's method for the Gamma shape did not converge in {max_iter} steps")


def _gamma_shape_newton_array(s: np.ndarray, max_iter: int) -> np.ndarray:
    """:meth:`Gamma.solve_shape` for an array of statistics, all at once."""
    shape = (3 - s + np.sqrt((s - 3) ** 2 + 24 * s)) / (12 * s)
    for _ in range(max_iter):
        f = np.log(shape) - digamma(shape) - s
        new = shape - f / (1.0 / shape - zeta(2, shape))  # zeta(2, k) is trigamma(k)
        new = np.where(new > 0, new, shape / 2)
        done = (np.abs(new - shape) <= 1e-13 * new) | (
            np.abs(f) <= 16 * _EPS * (1 + np.abs(np.log(new)))
        )
        shape = new
        if np.all(done):
            return shape
    raise RuntimeError(f"Newton's method for the Gamma shape did not converge in {max_iter} steps")


def _inverse_digamma(y: float, max_iter: int) -> float:
    """The ``a > 0`` with ``digamma(a) = y``, by Newton's method in ``u = log(a)``.

    In ``u`` the function ``digamma(exp(u)) - y`` is increasing and concave (``a *
    trigamma(a)`` decreases in ``a``), so from any start Newton's first step lands at or below
    the root, the iterates then increase to it, and none leaves the domain. The start is
    Minka's (2000) approximation, ``exp(y) + 1/2`` (``digamma(a)`` is close to ``log(a -
    1/2)``), or ``-1 / (y + euler_gamma)`` for ``y < -2.22`` (``digamma(a)`` close to ``-1/a -
    euler_gamma``), so a few steps reach machine precision: near the root each step leaves
    an error in ``u`` at most half the square of the step's size (the ratio of the second
    derivative to twice the first is below 1/2 in absolute value for every ``a``), so after
    a step of at most ``1e-8`` the error is at rounding level.
    """
    a = math.exp(y) + 0.5 if y >= -2.22 else -1.0 / (y + 0.5772156649015329)
    for _ in range(max_iter):
        step = (float(digamma(a)) - y) / (a * float(zeta(2, a)))  # zeta(2, a) is trigamma(a)
        a *= math.exp(-step)
        if abs(step) <= 1e-8:
            return a
    raise RuntimeError(
        f"Newton's method for digamma(a) = {y:g} did not converge in {max_iter} steps"
    )


class Gamma(Model):
    """Gamma(shape, scale): positive data with density
    ``x**(shape - 1) * exp(-x / scale) / (Gamma(shape) * scale**shape)``.

    The mean is ``shape * scale`` and the variance ``shape * scale**2``; ``shape = 1`` is the
    exponential distribution with rate ``1 / scale``. The MLE of the scale given the shape is
    ``mean(x) / shape``; the shape then solves

    ``log(shape) - digamma(shape) = log(mean(x)) - mean(log(x))``,

    which has no closed form. :meth:`~Model.mle` solves it by Newton's method from Minka's (2002)
    approximation (see :meth:`solve_shape`). When every observation is the same the
    likelihood increases without bound in the shape and the MLE does not exist. The MLE of
    the shape given the scale solves ``digamma(shape) = mean(log(x)) - log(scale)``, also by
    Newton's method; with the scale's, these give the profile likelihood of either parameter
    from the sufficient statistics ``n``, ``sum(x)`` and ``sum(log(x))``.

    Examples
    --------
    >>> m = Gamma()
    >>> m.mle([1.0, 2.0, 4.0]).round(4)
    array([3.4012, 0.686 ])
    >>> m.fisher_information((2.0, 1.0)).round(4)
    array([[0.6449, 1.    ],
           [1.    , 2.    ]])
    """

    parameters = (Parameter("shape", 0.0), Parameter("scale", 0.0))
    support = "positive"

    def _statistics(self, x):
        """The sufficient statistics: sample size, sum of the data, sum of their logs.

        One pass over the data, block by block, so that each block's logarithms are summed
        while they are still in the processor's cache: for large samples this is faster than
        summing ``x`` and then ``np.log(x)``, a temporary array as large as the data."""
        total = total_log = 0.0
        for start in range(0, x.size, _BLOCK):
            block = x[start : start + _BLOCK]
            total += float(block.sum())
            total_log += float(np.log(block).sum())
        return x.size, total, total_log

    def _logpdf(self, params, x):
        shape, scale = params
        return (shape - 1) * np.log(x) - x / scale - gammaln(shape) - shape * np.log(scale)

    def _loglik_from(self, params, n, total, total_log):
        shape, scale = params
        return (
            (shape - 1) * total_log - total / scale - n * (gammaln(shape) + shape * np.log(scale))
        )

    def _conditional_mle_from(self, params, held, n, total, total_log):
        shape, scale = params
        if 0 in held and 1 not in held:  # the scale given the shape, in closed form
            scale = total / n / shape
        elif 1 in held and 0 not in held:  # the shape given the scale
            shape = _inverse_digamma(total_log / n - math.log(scale), 100)
        elif not held:  # the MLE, from an equation of its own (see solve_shape)
            return None
        return np.array([shape, scale])

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
            raise ValueError(
                "statistic must be positive and finite: log(mean(x)) - mean(log(x)) is 0 only "
                "when every observation is the same, and then the MLE of the shape does not exist"
            )
        max_iter = v.check_positive_int(max_iter, "max_iter")
        if s.ndim == 0:
            return _gamma_shape_newton(float(s), max_iter)
        return _gamma_shape_newton_array(s, max_iter)

    def _mle(self, x):
        if x.ndim == 1:  # one sample: plain floats are faster than 0-d arrays
            mean = float(x.mean())
            log_mean = math.log(mean)
            statistic = log_mean - float(np.log(x).mean())
            if not statistic > 64 * _EPS * (1 + abs(log_mean)):
                self._check_statistic(
                    np.array(statistic), np.array(log_mean), x.min() == x.max(), x.ndim
                )
            shape = _gamma_shape_newton(statistic, 50)
            return np.array([shape, mean / shape])
        return self._mle_from(*self._mle_statistics(x))

    def _mle_statistics(self, x):
        lowest, highest = x.min(axis=-1), x.max(axis=-1)
        return x.mean(axis=-1), np.log(x).mean(axis=-1), lowest == highest, x.ndim

    def _mle_from(self, mean, mean_log, all_equal, ndim):
        log_mean = np.log(mean)
        statistic = log_mean - mean_log
        self._check_statistic(statistic, log_mean, all_equal, ndim)
        shape = _gamma_shape_newton_array(np.asarray(statistic, dtype=float), 50)
        return np.stack([shape, mean / shape], axis=-1)

    @staticmethod
    def _check_statistic(statistic, log_mean, all_equal, ndim):
        # The statistic is positive unless all observations are equal (Jensen's inequality);
        # below this size it is rounding error, and the shape would be meaningless.
        ok = statistic > 64 * _EPS * (1 + np.abs(log_mean))
        if np.all(ok):
            return
        which = "" if ndim == 1 else " of a sample"
        if np.any(all_equal):
            raise ValueError(
                f"x: every observation{which} is the same, so the likelihood increases without "
                "bound as the shape grows and the MLE does not exist"
            )
        raise ValueError(
            "x: the observations are too close to one another for the Gamma shape to be "
            "estimated in floating point (log(mean(x)) - mean(log(x)) is at rounding level)"
        )

    def _check_estimable(self, x, statistics=None):
        # The statistic of solve_shape must be positive: it is 0 when every observation is
        # the same (which is read from x only then, for the message).
        n, total, total_log = self._statistics(x) if statistics is None else statistics
        log_mean = math.log(total / n)
        statistic = log_mean - total_log / n
        if not statistic > 64 * _EPS * (1 + abs(log_mean)):
            self._check_statistic(
                np.array(statistic), np.array(log_mean), x.min() == x.max(), x.ndim
            )

    def _score_from(self, params, n, total, total_log):
        shape, scale = params
        return np.array(
            [total_log - n * (digamma(shape) + np.log(scale)), total / scale**2 - n * shape / scale]
        )

    def _score_obs(self, params, x):
        shape, scale = params
        return np.column_stack(
            [np.log(x) - digamma(shape) - np.log(scale), x / scale**2 - shape / scale]
        )

    def _observed_information_from(self, params, n, total, _):
        shape, scale = params
        off = n / scale
        return np.array(
            [[n * zeta(2, shape), off], [off, 2 * total / scale**3 - n * shape / scale**2]]
        )

    def _fisher_information(self, params):
        shape, scale = params
        return np.array([[zeta(2, shape), 1 / scale], [1 / scale, shape / scale**2]])

    def _sample(self, params, size, rng):
        shape, scale = params
        return rng.gamma(shape, scale, size=size)

    def _default_start(self, x):
        # The exponential distribution (shape 1) with the data's mean: on the data's scale,
        # inside the space, and not the answer.
        return np.array([1.0, x.mean()])

    def logpdf_sym(self):
        x = sp.Symbol("x", positive=True)
        shape, scale = self.symbols()
        logpdf = (shape - 1) * sp.log(x) - x / scale - sp.loggamma(shape) - shape * sp.log(scale)
        return SymbolicDensity(logpdf, x, (shape, scale), sps.Gamma("X", shape, scale))


class Categorical(Model):
    """Categorical(p): one draw from ``k`` classes, data as integer labels ``0..k-1``.

    The parameters are the ``k`` probabilities ``p0, ..., p{k-1}``, which sum to 1; the free
    coordinates (score, information, symbols) are the first ``k - 1``.

    Parameters
    ----------
    k : int
        Number of classes, at least 2.

    Examples
    --------
    >>> Categorical(k=3).mle([0, 2, 2, 1])
    array([0.25, 0.25, 0.5 ])
    """

    support = "labels"

    def __init__(self, *, k: int):
        self.k = v.check_positive_int(k, "k", minimum=2)
        self.parameters = tuple(Parameter(f"p{j}", 0.0, 1.0, closed=True) for j in range(self.k))

    def __repr__(self) -> str:
        return f"Categorical(k={self.k})"

    @property
    def n_free(self) -> int:
        return self.k - 1

    def parametrization(self) -> Simplex:
        return Simplex(self.k)

    def check_data(self, x, name: str = "x") -> np.ndarray:
        return v.as_data(x, "labels", k=self.k, name=name)

    def check_samples(self, x, axis: int = -1, name: str = "x") -> np.ndarray:
        return v.as_samples(x, "labels", k=self.k, axis=axis, name=name)

    def check_params(self, params, *, closed: bool = False):
        return v.check_probability_vector(params, self.k, "p", closed=closed)

    def _counts(self, x):
        return np.bincount(x.astype(np.intp), minlength=self.k).astype(float)

    def _onehot(self, x):
        return (x[..., None] == np.arange(self.k)).astype(float)

    def _logpdf(self, p, x):
        with np.errstate(divide="ignore"):
            return np.log(p)[x.astype(np.intp)]

    def _statistics(self, x):
        return (self._counts(x),)

    def _loglik_from(self, p, counts):
        return xlogy(counts, p).sum()

    def _conditional_mle_from(self, p, held, counts):
        # The probabilities not held share what the held ones leave, in proportion to their
        # counts (equally when none of them was seen).
        kept = np.array([j not in held for j in range(self.k)])
        p = p.copy()
        if not kept.any():
            return p
        rest = 1.0 - p[~kept].sum()
        seen = counts[kept].sum()
        p[kept] = rest * counts[kept] / seen if seen > 0 else rest / kept.sum()
        return p

    def _mle_statistics(self, x):
        if isinstance(x, np.ndarray) and x.ndim == 1:  # one sample in memory: count directly
            return (self._counts(x) / x.size,)
        return (self._onehot(x).mean(axis=-2),)

    def _mle_from(self, frequencies):
        return frequencies

    def _score_from(self, p, n):
        return n[:-1] / p[:-1] - n[-1] / p[-1]

    def _score_obs(self, p, x):
        onehot = self._onehot(x)
        return onehot[:, :-1] / p[:-1] - onehot[:, -1:] / p[-1]

    def _observed_information_from(self, p, n):
        return np.diag(n[:-1] / p[:-1] ** 2) + n[-1] / p[-1] ** 2

    def _fisher_information(self, p):
        return np.diag(1.0 / p[:-1]) + 1.0 / p[-1]

    def _sample(self, p, size, rng):
        return rng.choice(self.k, size=size, p=p)

    def _default_start(self, x):
        return np.full(self.k, 1.0 / self.k)

    def params_from_vector(self, vec):
        return v.as_vector(vec, self.n_params, "vec")

    def logpdf_sym(self):
        x = sp.Symbol("x", integer=True, nonnegative=True)
        free = self.symbols()
        probs = list(free) + [1 - sum(free)]
        logpdf = sum(sp.KroneckerDelta(x, j) * sp.log(probs[j]) for j in range(self.k))
        rv = sps.FiniteRV("X", {j: probs[j] for j in range(self.k)})
        return SymbolicDensity(logpdf, x, tuple(free), rv)
