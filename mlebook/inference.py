"""Tests with the likelihood: likelihood-ratio, Wald and score tests of a null hypothesis.

A null hypothesis fixes some parameters, ``null = {"p": 0.5}``; the others are re-maximized
(nuisance parameters). The three classical tests measure the distance between the full and
the restricted fit in three ways, and under the null each statistic is approximately
chi-squared with ``df = len(null)`` degrees of freedom (Wilks' theorem for the first):

* :func:`lr_test`: twice the drop in the maximized log-likelihood,
  ``2 (l(theta_hat) - l(theta_tilde))``;
* :func:`wald_test`: the distance of the unrestricted estimate from the null, scaled by its
  covariance, ``(theta_hat - theta_0)' V^-1 (theta_hat - theta_0)``;
* :func:`score_test`: the slope of the log-likelihood at the restricted estimate, scaled by
  the Fisher information there, ``U' I^-1 U`` (Rao).

``model`` is an mlebook model with its data ``x``, or an unfitted
:class:`~mlebook.regression.LogisticRegression` with ``x = (X, y)``, whose parameters are
named ``"intercept"``, then after the columns of ``X``: their names when ``X`` is a DataFrame,
otherwise ``"x0"``, ``"x1"``, ...

Examples
--------
>>> import numpy as np
>>> from mlebook.models import Bernoulli
>>> flips = np.r_[np.ones(73), np.zeros(27)]
>>> print(lr_test(Bernoulli(), flips, {"p": 0.5}))
likelihood ratio test of p = 0.5: statistic 22, df 1, p-value 2.8e-06
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from scipy import stats

from . import validation as v
from .covariance import inverse_information
from .fitting import FitResult, fit
from .models import Model
from .parametrization import Simplex
from .regression import LogisticRegression, logistic_problem

__all__ = ["HypothesisTest", "lr_test", "wald_test", "score_test"]


@dataclass(frozen=True)
class HypothesisTest:
    """The outcome of :func:`lr_test`, :func:`wald_test` or :func:`score_test`.

    Attributes
    ----------
    statistic : float
        The test statistic, approximately chi-squared with ``df`` degrees of freedom under
        the null.
    df : int
        The number of parameters the null fixes (free coordinates: fixing all ``k``
        probabilities of a categorical model fixes ``k - 1``).
    pvalue : float
        The chi-squared upper tail beyond ``statistic``.
    method : str
        ``"likelihood ratio"``, ``"Wald"`` or ``"score"``.
    null : dict
        The null hypothesis, parameter names to values.
    """

    statistic: float
    df: int
    pvalue: float
    method: str
    null: dict

    def __str__(self) -> str:
        what = ", ".join(f"{name} = {value:g}" for name, value in self.null.items())
        return (
            f"{self.method} test of {what}: statistic {self.statistic:.3g}, df {self.df}, "
            f"p-value {self.pvalue:.2g}"
        )


def _result(statistic: float, df: int, method: str, null: dict) -> HypothesisTest:
    statistic = max(float(statistic), 0.0)  # rounding can leave -1e-13 where 0 is meant
    return HypothesisTest(statistic, df, float(stats.chi2.sf(statistic, df)), method, dict(null))


# --------------------------------------------------------------------------- the problem
class _Problem:
    """A model and its data, with the names, bounds and fits the three tests share."""

    def __init__(self, model, x, null):
        if isinstance(model, Model):
            self.model, self.x, self.logistic = model, x, None
            names, bounds = model.param_names, model.parametrization().params_bounds
            simplex = isinstance(model.parametrization(), Simplex)
        elif isinstance(model, LogisticRegression):
            self.model, self.logistic = model, _Logistic(model, x)
            names, bounds, simplex = (
                self.logistic.names,
                [(-np.inf, np.inf)] * len(self.logistic.names),
                False,
            )
        else:
            raise TypeError(
                "model must be an mlebook model or an mlebook.regression.LogisticRegression, "
                f"got {type(model).__name__}"
            )
        self.names = tuple(names)
        self.null = _check_null(null, self.names, bounds)
        self.df = len(self.null) - (1 if simplex and len(self.null) == len(self.names) else 0)
        self.index = [self.names.index(name) for name in self.null]
        self.values = np.array(list(self.null.values()))

    def full(self, cov: str = "observed"):
        if self.logistic is not None:
            return self.logistic.full()
        return fit(self.model, self.x, cov=cov)

    def restricted(self) -> FitResult:
        if self.logistic is not None:
            return self.logistic.restricted(self.null)
        return fit(self.model, self.x, fixed=self.null)


def _check_null(null, names: tuple[str, ...], bounds) -> dict:
    if not isinstance(null, Mapping):
        raise TypeError(
            f"null must be a mapping from parameter names to values, got {type(null).__name__}"
        )
    if not null:
        raise ValueError(f"null must fix at least one parameter; the parameters are {list(names)}")
    out = {}
    for name, value in null.items():
        if name not in names:
            raise ValueError(
                f"null: {name!r} is not a parameter of the model; the parameters are {list(names)}"
            )
        low, high = bounds[names.index(name)]
        out[name] = v.check_real(value, f"null[{name!r}]")
        if not low < out[name] < high:
            raise ValueError(
                f"null[{name!r}] must lie inside the parameter space ({low:g}, {high:g}), "
                f"got {out[name]:g}"
            )
    return out


class _Logistic:
    """Logistic regression with some coefficients held fixed, for the tests of coefficients."""

    def __init__(self, model: LogisticRegression, x):
        if model.prior is not None:
            raise ValueError(
                "model: the likelihood tests are for maximum likelihood; use "
                f"LogisticRegression() without a prior, got prior={model.prior!r}"
            )
        if not isinstance(x, (tuple, list)) or len(x) != 2:
            raise TypeError("x must be the pair (X, y) for a LogisticRegression")
        features = v.feature_names(x[0])
        X = v.as_matrix(x[0], "X")
        y = v.as_data(x[1], "binary", name="y")
        if y.size != X.shape[0]:
            raise ValueError(f"X has {X.shape[0]} rows but y has {y.size} values")
        intercept = v.check_bool(model.fit_intercept, "fit_intercept")
        self.template, self.X, self.y = model, X, y
        self.D = np.column_stack([np.ones(X.shape[0]), X]) if intercept else X
        if features is None:
            features = [f"x{j}" for j in range(X.shape[1])]
        self.names = (["intercept"] if intercept else []) + features

    def full(self) -> LogisticRegression:
        return LogisticRegression(**self.template.get_params()).fit(self.X, self.y)

    def restricted(self, null: dict) -> FitResult:
        start = self.full().params_.copy()
        for name, value in null.items():
            start[self.names.index(name)] = value
        negloglik = logistic_problem(self.D, self.y)[0]
        return fit(negloglik, start=start, names=self.names, fixed=null, nobs=self.y.size)

    def score_and_information(self, b: np.ndarray):
        _, grad, hess = logistic_problem(self.D, self.y)
        return -grad(b), hess(b)


# --------------------------------------------------------------------------- the tests
def lr_test(model, x, null: Mapping) -> HypothesisTest:
    """The likelihood-ratio test: ``2 (l(theta_hat) - l(theta_tilde))``.

    ``theta_hat`` maximizes the log-likelihood over the whole parameter space and
    ``theta_tilde`` over the null's (``fit(model, x, fixed=null)``). Under the null, with a
    regular model and the null's values inside the parameter space, the statistic is
    approximately chi-squared with ``df`` degrees of freedom (Wilks' theorem).

    Parameters
    ----------
    model : Model or LogisticRegression
        An mlebook model, or an unfitted ``LogisticRegression()`` (no prior).
    x : array_like or (X, y)
        The model's data; for a logistic regression the pair ``(X, y)``.
    null : dict
        Parameter names to their values under the null; the other parameters are
        re-maximized. A logistic regression's parameters are ``"intercept"`` and the
        columns of ``X`` (see above).

    Returns
    -------
    HypothesisTest

    Examples
    --------
    >>> from mlebook.models import Gaussian
    >>> x = [1.2, 0.4, 2.3, 1.9, 0.8]
    >>> round(lr_test(Gaussian(), x, {"mu": 0.0}).statistic, 4)  # n log(1 + xbar^2 / s^2)
    7.6174
    """
    problem = _Problem(model, x, null)
    full, restricted = problem.full(), problem.restricted()
    full_loglik = full.loglik_ if isinstance(full, LogisticRegression) else full.loglik
    return _result(
        2 * (full_loglik - restricted.loglik), problem.df, "likelihood ratio", problem.null
    )


def wald_test(model, x, null: Mapping, cov: str = "observed") -> HypothesisTest:
    """The Wald test: ``(theta_hat - theta_0)' V^-1 (theta_hat - theta_0)``.

    ``theta_hat`` is the unrestricted MLE of the parameters the null fixes, and ``V`` their
    covariance of the kind ``cov`` (as in :func:`mlebook.fit <mlebook.fitting.fit>`; the
    sandwich gives a test that stays valid when the model is misspecified). Only the
    unrestricted fit is needed.

    Parameters
    ----------
    model, x, null
        As for :func:`lr_test`.
    cov : {"observed", "expected", "opg", "sandwich"}
        The covariance of the estimates; a logistic regression uses the observed information.

    Returns
    -------
    HypothesisTest

    Examples
    --------
    >>> import numpy as np
    >>> from mlebook.models import Bernoulli
    >>> flips = np.r_[np.ones(73), np.zeros(27)]
    >>> wald = wald_test(Bernoulli(), flips, {"p": 0.5})
    >>> round(wald.statistic, 4)  # 0.23^2 / (0.73 * 0.27 / 100)
    26.8392
    """
    problem = _Problem(model, x, null)
    if problem.logistic is not None:
        if cov != "observed":
            raise ValueError(
                f"cov: a LogisticRegression reports the observed information only, got {cov!r}"
            )
        full = problem.full()
        params, covariance = full.params_, full.cov_
    else:
        result = problem.full(cov)
        params, covariance = result.params, result.cov
    index = problem.index[: problem.df]  # all k probabilities of a categorical: the last is implied
    difference = params[index] - problem.values[: problem.df]
    V = covariance[np.ix_(index, index)]
    return _result(difference @ np.linalg.solve(V, difference), problem.df, "Wald", problem.null)


def score_test(model, x, null: Mapping) -> HypothesisTest:
    """Rao's score test: ``U' I^-1 U`` at the restricted MLE ``theta_tilde``.

    ``U`` is the score (the gradient of the log-likelihood) of the whole sample and ``I`` the
    Fisher (expected) information of the sample, ``n`` times that of one observation, both
    at ``theta_tilde``, as Rao defined the test; for a logistic regression, whose
    observations are not identically distributed, ``I = X' W X``. Only the restricted fit is
    needed; the score of the re-maximized nuisance parameters is zero there.

    Parameters
    ----------
    model, x, null
        As for :func:`lr_test`.

    Returns
    -------
    HypothesisTest

    Examples
    --------
    >>> import numpy as np
    >>> from mlebook.models import Bernoulli
    >>> flips = np.r_[np.ones(73), np.zeros(27)]
    >>> round(score_test(Bernoulli(), flips, {"p": 0.5}).statistic, 4)  # (73 - 50)^2 / 25
    21.16
    """
    problem = _Problem(model, x, null)
    restricted = problem.restricted()
    if problem.logistic is not None:
        U, information = problem.logistic.score_and_information(restricted.params)
    else:
        m, data = problem.model, problem.model.check_data(x)
        U = np.atleast_1d(
            m.score(restricted.params if m.n_params > 1 else restricted.params[0], data)
        )
        one = m.fisher_information(restricted.params if m.n_params > 1 else restricted.params[0])
        information = data.size * np.atleast_2d(one)
    statistic = U @ inverse_information(information) @ U
    return _result(statistic, problem.df, "score", problem.null)
