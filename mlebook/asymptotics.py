"""How estimators behave over repeated samples: sampling distributions, their normal limit,
and the coverage of confidence intervals, by simulation.

The asymptotic theory of maximum likelihood (chapter 6) makes statements about what happens
when the whole experiment is repeated: the estimate varies from sample to sample, its spread
shrinks like ``1 / sqrt(n I(theta))``, and an interval built from one sample covers the true
value in a stated fraction of repetitions. This module repeats the experiment:

* :func:`sampling_distribution`: draw ``n_sim`` samples of size ``n`` and estimate from each
  (the MLE by default, batched through ``model.mle(samples, axis=1)``);
* :func:`standardized`: ``sqrt(n I(theta)) (theta_hat - theta)``, which tends to ``N(0, 1)``;
* :func:`wald_intervals` and :func:`profile_intervals`: the two likelihood-based intervals of
  a one-parameter model, for many samples at once;
* :func:`~mlebook.asymptotics.coverage`: the fraction of samples whose interval covers the
  true value, with its Monte Carlo standard error (a :class:`Coverage`).

Samples are drawn as a matrix with one sample per row, so an estimator is a function of a
``(n_sim, n)`` array that works along ``axis=1``.

Examples
--------
>>> import numpy as np
>>> from mlebook.models import Bernoulli
>>> est = sampling_distribution(Bernoulli(), 0.3, n=50, n_sim=10_000, rng=1)
>>> est.shape, round(float(est.mean()), 2)
((10000,), 0.3)
>>> cov = coverage("profile", Bernoulli(), 0.3, n=50, n_sim=2000, rng=1)
>>> round(cov.estimate, 3), round(cov.se, 4)
(0.959, 0.0045)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
from scipy import stats

from . import validation as v
from .intervals import interval_end, wald_interval
from .models import Model

__all__ = [
    "sampling_distribution",
    "standardized",
    "wald_intervals",
    "profile_intervals",
    "coverage",
    "Coverage",
]

#: Samples are drawn in blocks of about this many numbers, so memory stays bounded.
_BLOCK = 2**20


# --------------------------------------------------------------------------- sampling
def _check_model(model) -> Model:
    if not isinstance(model, Model):
        raise TypeError(f"model must be an mlebook model, got {type(model).__name__}")
    return model


def _draw(model: Model, params, n: int, n_sim: int, rng) -> Iterator[np.ndarray]:
    """Yield blocks of samples, one sample of size ``n`` per row, ``n_sim`` rows in all."""
    rows = max(1, _BLOCK // n)
    done = 0
    while done < n_sim:
        m = min(rows, n_sim - done)
        yield model.sample(params, (m, n), rng).astype(float, copy=False)
        done += m


def _squeeze(estimates: np.ndarray) -> np.ndarray:
    return estimates[:, 0] if estimates.ndim == 2 and estimates.shape[1] == 1 else estimates


def sampling_distribution(
    model: Model,
    params,
    n: int,
    n_sim: int,
    rng,
    estimator: Callable[[np.ndarray], np.ndarray] | None = None,
) -> np.ndarray:
    """Simulate an estimator's sampling distribution: its value on ``n_sim`` independent samples.

    Parameters
    ----------
    model : Model
        The model the samples are drawn from.
    params
        The true parameters, in the model's convention.
    n : int
        The size of each sample.
    n_sim : int
        The number of samples (replications).
    rng : numpy.random.Generator or int
        The source of randomness; an int is used as a seed.
    estimator : callable, optional
        A function of a ``(m, n)`` array of samples, one per row, returning ``m`` estimates
        (an array of length ``m``, or ``(m, d)``). Write it along ``axis=1``, e.g.
        ``lambda s: np.median(s, axis=1)``. Default: the model's MLE, vectorized.

    Returns
    -------
    numpy.ndarray
        Shape ``(n_sim,)`` for a one-parameter estimate, ``(n_sim, d)`` otherwise.

    Examples
    --------
    >>> from mlebook.models import Poisson
    >>> rates = sampling_distribution(Poisson(), 4.0, n=100, n_sim=5000, rng=0)
    >>> round(float(rates.std() * np.sqrt(100)), 1)  # sqrt(1 / I) with I = 1 / lam
    2.0
    """
    model = _check_model(model)
    n = v.check_positive_int(n, "n")
    n_sim = v.check_positive_int(n_sim, "n_sim")
    rng = v.check_rng(rng)
    if estimator is not None and not callable(estimator):
        raise TypeError(f"estimator must be callable or None, got {type(estimator).__name__}")
    blocks = []
    for samples in _draw(model, params, n, n_sim, rng):
        if estimator is None:
            est = model.core.mle(samples)
        else:
            est = np.asarray(estimator(samples), dtype=float)
            if est.ndim == 0 or est.shape[0] != samples.shape[0] or est.ndim > 2:
                raise ValueError(
                    f"estimator must return one estimate per sample (per row): given "
                    f"{samples.shape[0]} samples it returned shape {est.shape}"
                )
        blocks.append(est.reshape(samples.shape[0], -1))
    return _squeeze(np.concatenate(blocks))


def standardized(estimates, model: Model, params, n: int) -> np.ndarray:
    """Standardize estimates by the asymptotic standard deviation ``1 / sqrt(n I(theta))``.

    For a one-parameter model this is ``sqrt(n I(theta)) (theta_hat - theta)``, which tends to
    ``N(0, 1)`` when the regularity conditions hold. For several parameters each free
    coordinate ``j`` is divided by ``sqrt([I(theta)^-1]_jj / n)``, so that each column tends to
    ``N(0, 1)`` (the columns are correlated when ``I(theta)^-1`` is not diagonal). For the
    categorical model the free coordinates are the first ``k - 1`` probabilities.

    Parameters
    ----------
    estimates : array_like
        Shape ``(n_sim,)`` or ``(n_sim, n_params)``, as from :func:`sampling_distribution`.
    model : Model
    params
        The true parameters.
    n : int
        The sample size each estimate came from.

    Returns
    -------
    numpy.ndarray
        Same number of rows as ``estimates``; one column per free coordinate (squeezed to
        1-D for one parameter).

    Examples
    --------
    >>> from mlebook.models import Poisson
    >>> standardized([3.2, 2.8], Poisson(), 3.0, n=75)  # sqrt(75 / 3) * (lam_hat - 3)
    array([ 1., -1.])
    """
    model = _check_model(model)
    n = v.check_positive_int(n, "n")
    est = v.as_array(estimates, "estimates")
    if est.ndim == 1 and model.n_params == 1:
        est = est[:, None]
    if est.ndim != 2 or est.shape[1] != model.n_params or est.shape[0] == 0:
        raise ValueError(
            f"estimates must have shape (n_sim,) or (n_sim, {model.n_params}) for {model!r}, "
            f"got {np.shape(estimates)}"
        )
    if not np.all(np.isfinite(est)):
        raise ValueError("estimates contains NaN or infinite values")
    space = model.parametrization()
    truth = space.to_theta(model.params_vector(model.check_params(params)))
    theta_hat = est[:, : model.n_free]  # the free coordinates come first
    info = np.atleast_2d(model.fisher_information(params))
    sd = np.sqrt(np.diag(np.linalg.inv(info)) / n)
    return _squeeze((theta_hat - truth) / sd)


# --------------------------------------------------------------------------- intervals
def _one_parameter(model) -> Model:
    model = _check_model(model)
    if model.n_params != 1:
        raise ValueError(
            f"intervals here are for one-parameter models, got {model!r} with {model.n_params} "
            "parameters; use mlebook.fit(model, x).conf_int(method=...) for one sample"
        )
    return model


def _distinct_samples(model: Model, samples) -> tuple[np.ndarray, np.ndarray, bool]:
    """Check the samples, and reduce them to the distinct ones up to order.

    An i.i.d. likelihood does not depend on the order of the observations, so neither do the
    intervals built from it: each distinct sorted row is handled once. For a Bernoulli
    sample of size ``n`` there are at most ``n + 1`` of them, whatever ``n_sim`` is.
    """
    arr = v.as_array(samples, "samples")
    single = arr.ndim == 1
    arr = np.atleast_2d(arr)
    if arr.ndim != 2 or arr.shape[0] == 0:
        raise ValueError(
            f"samples must be one sample (1-D) or one sample per row (2-D), got shape {arr.shape}"
        )
    model.check_samples(arr, axis=1, name="samples")  # every value in the model's support, finite
    distinct, inverse = np.unique(np.sort(arr, axis=1), axis=0, return_inverse=True)
    return distinct, inverse.ravel(), single


def _finish(intervals: np.ndarray, inverse: np.ndarray, single: bool) -> np.ndarray:
    out = intervals[inverse]
    return out[0] if single else out


def wald_intervals(model: Model, samples, level: float = 0.95) -> np.ndarray:
    """Wald intervals ``theta_hat +- z / sqrt(J(theta_hat))`` for every sample of a
    one-parameter model, with ``J`` the observed information of that sample.

    For the Bernoulli ``J(p_hat) = n / (p_hat (1 - p_hat))``, so the interval is the
    textbook ``p_hat +- z sqrt(p_hat (1 - p_hat) / n)``. When the estimate lies on the
    boundary of the parameter space (a Bernoulli sample of all 0s or all 1s, Poisson counts
    that are all 0) that formula's standard error is 0, and the interval collapses to the
    single point ``theta_hat``: a known failure of the Wald interval, kept here on purpose.
    (:func:`mlebook.fit <mlebook.fitting.fit>` reports NaN standard errors there instead.)

    Parameters
    ----------
    model : Model
        A one-parameter model.
    samples : array_like
        One sample (1-D) or one sample per row (2-D).
    level : float
        The nominal coverage, in (0, 1).

    Returns
    -------
    numpy.ndarray
        ``(lower, upper)`` for one sample; shape ``(n_samples, 2)`` for several.

    Examples
    --------
    >>> from mlebook.models import Bernoulli
    >>> wald_intervals(Bernoulli(), [[1, 0, 1, 1], [0, 0, 0, 0]]).round(4)
    array([[0.3257, 1.1743],
           [0.    , 0.    ]])
    """
    model = _one_parameter(model)
    level = v.check_level(level)
    distinct, inverse, single = _distinct_samples(model, samples)
    low, high = model.parametrization().params_bounds[0]
    estimates = model.core.mle(distinct)
    se = np.zeros_like(estimates)
    for r, (row, est) in enumerate(zip(distinct, estimates, strict=True)):
        if low < est < high:
            se[r] = 1.0 / np.sqrt(float(model.core.observed_information(est, row)))
    return _finish(wald_interval(estimates, se, level), inverse, single)


def profile_intervals(model: Model, samples, level: float = 0.95) -> np.ndarray:
    """Likelihood-ratio (profile) intervals for every sample of a one-parameter model.

    The interval is the set of parameter values whose log-likelihood lies within
    ``chi2(1).ppf(level) / 2`` of the maximum; each end is found by Brent's method. It stays
    inside the parameter space and need not be symmetric about the estimate; where the
    log-likelihood never falls that far before the boundary (an estimate on the boundary),
    the boundary is the end. With one parameter there is nothing to profile out, so this is
    the interval ``mlebook.fit(model, x).conf_int(method="profile")`` computes.

    Parameters
    ----------
    model : Model
        A one-parameter model.
    samples : array_like
        One sample (1-D) or one sample per row (2-D).
    level : float
        The nominal coverage, in (0, 1).

    Returns
    -------
    numpy.ndarray
        ``(lower, upper)`` for one sample; shape ``(n_samples, 2)`` for several.

    Examples
    --------
    >>> from mlebook.models import Bernoulli
    >>> profile_intervals(Bernoulli(), [0, 0, 0, 0]).round(4)  # 1 - exp(-3.8415 / 8)
    array([0.    , 0.3813])
    """
    model = _one_parameter(model)
    level = v.check_level(level)
    distinct, inverse, single = _distinct_samples(model, samples)
    drop = stats.chi2.ppf(level, df=1) / 2
    low, high = model.parametrization().params_bounds[0]
    estimates = model.core.mle(distinct)
    loglik = model.core.loglik
    out = np.empty((distinct.shape[0], 2))
    for r, (row, est) in enumerate(zip(distinct, estimates, strict=True)):
        cut = float(loglik(est, row)) - drop

        def excess(t, row=row, cut=cut):
            return float(loglik(t, row)) - cut

        step = 0.5 * max(abs(est), 1e-3)
        out[r] = [
            interval_end(excess, est, -1, low, step, margin=1e-12),
            interval_end(excess, est, 1, high, step, margin=1e-12),
        ]
    return _finish(out, inverse, single)


# --------------------------------------------------------------------------- coverage
@dataclass(frozen=True)
class Coverage:
    """The result of :func:`coverage`.

    Attributes
    ----------
    estimate : float
        Fraction of the simulated intervals that contain the true value.
    se : float
        Its Monte Carlo standard error, ``sqrt(estimate (1 - estimate) / n_sim)``.
    level : float
        The nominal coverage the intervals were built for.
    n, n_sim : int
        Sample size and number of simulated samples.
    below, above : float
        Fractions of intervals lying entirely below / entirely above the true value.
    mean_width : float
        Average width of the intervals.
    degenerate : float
        Fraction of intervals of zero width (a single point).
    """

    estimate: float
    se: float
    level: float
    n: int
    n_sim: int
    below: float
    above: float
    mean_width: float
    degenerate: float

    def __str__(self) -> str:
        return (
            f"coverage {self.estimate:.4f} (MC s.e. {self.se:.4f}), nominal {self.level:g}, "
            f"n = {self.n}, {self.n_sim} samples"
        )


_METHODS = {"wald": wald_intervals, "profile": profile_intervals}


def coverage(
    interval,
    model: Model,
    params,
    n: int,
    n_sim: int,
    rng,
    level: float = 0.95,
    target: float | None = None,
) -> Coverage:
    """Estimate by simulation how often an interval procedure covers the true value.

    Parameters
    ----------
    interval : {"wald", "profile"} or callable
        ``"wald"`` or ``"profile"`` for :func:`wald_intervals` / :func:`profile_intervals` of a
        one-parameter model; or a function ``interval(samples, level)`` taking a ``(m, n)``
        array (one sample per row) and returning an ``(m, 2)`` array of ``(lower, upper)``.
    model : Model
        The model the samples are drawn from.
    params
        The true parameters.
    n, n_sim : int
        Sample size and number of simulated samples.
    rng : numpy.random.Generator or int
    level : float
        The nominal coverage, passed to ``interval``.
    target : float, optional
        The true value the intervals are meant to cover. Defaults to the parameter of a
        one-parameter model; required otherwise (for example ``mu`` of a Gaussian).

    Returns
    -------
    Coverage
        An interval covers when ``lower <= target <= upper``; a NaN end counts as a miss.

    Examples
    --------
    >>> from mlebook.models import Gaussian
    >>> z = 1.959963984540054
    >>> known_variance = lambda s, level: (
    ...     s.mean(axis=1)[:, None] + np.array([-z, z]) / np.sqrt(s.shape[1])
    ... )
    >>> res = coverage(known_variance, Gaussian(), (0.0, 1.0), n=10, n_sim=4000, rng=0, target=0.0)
    >>> abs(res.estimate - 0.95) < 3 * res.se
    True
    """
    model = _check_model(model)
    level = v.check_level(level)
    n = v.check_positive_int(n, "n")
    n_sim = v.check_positive_int(n_sim, "n_sim")
    rng = v.check_rng(rng)
    if isinstance(interval, str):
        if interval not in _METHODS:
            raise ValueError(f"interval must be 'wald', 'profile' or a function, got {interval!r}")
        method = _METHODS[interval]
        _one_parameter(model)
        interval_fn = lambda s, lev: method(model, s, lev)
    elif callable(interval):
        interval_fn = interval
    else:
        raise TypeError(
            f"interval must be 'wald', 'profile' or a function, got {type(interval).__name__}"
        )
    if target is None:
        if model.n_params != 1:
            raise ValueError(
                f"target is required for {model!r}, which has several parameters: "
                "give the true value the intervals should cover"
            )
        target = params
    target = v.check_real(target, "target")

    ends = []
    for samples in _draw(model, params, n, n_sim, rng):
        out = np.asarray(interval_fn(samples, level), dtype=float)
        if out.shape != (samples.shape[0], 2):
            raise ValueError(
                f"interval must return shape ({samples.shape[0]}, 2) for {samples.shape[0]} "
                f"samples, got {out.shape}"
            )
        ends.append(out)
    ends = np.concatenate(ends)
    lower, upper = ends[:, 0], ends[:, 1]
    covered = (lower <= target) & (target <= upper)
    c = float(covered.mean())
    width = upper - lower
    return Coverage(
        estimate=c,
        se=float(np.sqrt(c * (1 - c) / n_sim)),
        level=level,
        n=n,
        n_sim=n_sim,
        below=float(np.mean(upper < target)),
        above=float(np.mean(lower > target)),
        mean_width=float(np.nanmean(width)) if np.any(np.isfinite(width)) else float("nan"),
        degenerate=float(np.mean(width == 0)),
    )
