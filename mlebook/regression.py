"""Regression models fitted by maximum likelihood, or by MAP with a prior on the coefficients.

* :class:`LinearRegression`: Gaussian noise. The MLE of the coefficients is least squares
  and the MLE of the noise variance is ``RSS / n``. With ``prior="gaussian"`` it is ridge
  regression.
* :class:`LogisticRegression`: Bernoulli outcomes with a logistic link, fitted by Newton's
  method (iteratively reweighted least squares). With ``prior="gaussian"`` it is L2-penalized
  logistic regression, with ``prior="laplace"`` L1-penalized, solved by coordinate descent so
  that coefficients come out exactly zero.
* :class:`SoftmaxRegression`: categorical outcomes with a softmax link (multinomial logistic
  regression), fitted by Newton's method on the cross-entropy, class 0 as the reference.
  With ``prior="gaussian"`` it is L2-penalized.

Newton's method is :func:`mlebook.optim.newton`, the book's one Newton engine, given the
negative log-posterior, its gradient and its Hessian. ``prior_scale`` is always the scale
of the prior distribution in scipy.stats' sense: the standard deviation of a Gaussian prior,
the ``b`` of a Laplace prior.

The estimators are scikit-learn estimators (``get_params``/``set_params``, so ``clone``,
``Pipeline`` and ``GridSearchCV`` work; ``fit`` returns ``self``; fitted attributes end in
``_``) and carry what statsmodels users expect, in the words of
:class:`~mlebook.fitting.FitResult`: ``params_`` with the intercept first, ``loglik_``,
``cov_`` and standard errors ``se_`` from the observed information, ``nobs_``,
``converged_``, ``n_iter_``, and Wald intervals from ``conf_int()``.

Examples
--------
>>> import numpy as np
>>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
>>> LinearRegression().fit(X, [1.0, 3.5, 5.0, 7.0]).coef_.round(6)
array([1.95])
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy import linalg, optimize, special
from scipy.special import expit, log_expit
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin

from . import chunked, optim
from . import validation as v
from .covariance import inverse_information
from .intervals import wald_interval, wald_table

__all__ = [
    "LinearRegression",
    "LogisticRegression",
    "SoftmaxRegression",
    "SeparationError",
    "logistic_problem",
]

PRIORS = (None, "gaussian", "laplace")

#: A fitted linear predictor this large (probabilities within e^-30 of 0 or 1) makes a fit
#: suspicious of separation, and the linear program is run to decide.
SUSPICIOUS_ETA = 30.0


class SeparationError(ValueError):
    """The classes are separated by a hyperplane, so the logistic MLE does not exist."""


# --------------------------------------------------------------------------- shared helpers
def _design(X: np.ndarray, fit_intercept: bool) -> np.ndarray:
    """The design matrix: a column of ones (when fitting an intercept) before the features."""
    return np.column_stack([np.ones(X.shape[0]), X]) if fit_intercept else X


def _check_prior(prior, prior_scale, allowed) -> float | None:
    if prior not in allowed:
        raise ValueError(f"prior must be one of {allowed}, got {prior!r}")
    if prior is None:
        if prior_scale is not None:
            raise ValueError(
                "prior_scale is only meaningful with a prior; pass prior='gaussian' or 'laplace'"
            )
        return None
    if prior_scale is None:
        raise ValueError(f"prior_scale is required with prior={prior!r}")
    return v.check_positive(prior_scale, "prior_scale")


def _check_identified(D, remedy: str, gram: np.ndarray | None = None) -> None:
    """Without a prior the coefficients are identified only if the design has full column rank.

    ``gram`` is ``D'D`` when the caller has it already (a logistic fit's Hessian at zero is
    ``D'D / 4``); then ``D`` may be a function that builds the design, called only in the rare
    case the quick check below cannot decide.
    """
    if gram is not None or D.shape[0] >= D.shape[1]:
        # The rank comes from an SVD of D, which costs more than a Newton iteration. The
        # eigenvalues of the small matrix D'D are the squared singular values, computed to
        # within about n * eps of the largest: when the smallest is clearly positive (D's
        # condition number is below 1e4), the rank is surely full and the SVD can be skipped.
        squared = np.linalg.eigvalsh(D.T @ D if gram is None else gram)
        if squared[0] > 1e-8 * squared[-1]:
            return
    D = D() if callable(D) else D
    rank = np.linalg.matrix_rank(D)
    if rank < D.shape[1]:
        raise _not_identified(f"has rank {rank} below its {D.shape[1]} columns", remedy)


def _not_identified(what: str, remedy: str) -> ValueError:
    return ValueError(
        f"the design matrix (X, after the intercept column when fit_intercept=True) {what}: a "
        f"column is a linear combination of the others (or there are fewer rows than columns), "
        f"so the coefficients are not identified; drop collinear features or use {remedy}"
    )


def _separated(A: np.ndarray) -> bool:
    """Is there a direction ``b != 0`` with ``A b >= 0`` (every row of ``A`` a sample's margin)?

    A linear program (Konis, 2007): maximize ``sum_i (A b)_i`` subject to ``A b >= 0`` and
    ``-1 <= b <= 1``. The optimum is positive exactly when some direction makes every margin
    non-negative and some positive: the classes are (quasi-)completely separated, and the
    log-likelihood increases forever along ``b``, so the MLE does not exist.
    """
    res = optimize.linprog(
        -A.sum(axis=0),
        A_ub=-A,
        b_ub=np.zeros(A.shape[0]),
        bounds=[(-1, 1)] * A.shape[1],
        method="highs",
    )
    return bool(res.status == 0 and -res.fun > 1e-7 * max(1.0, np.abs(A).sum()))


class _Regression:
    """Shared plumbing: input checks, the intercept, intervals.

    The concrete estimators list it first among their bases, then scikit-learn's mixin, then
    ``BaseEstimator`` (scikit-learn's required order: mixins before ``BaseEstimator``).
    """

    def _check_xy(self, X, y, support: str):
        self._remember_feature_names(X)
        X = v.as_matrix(X, "X")
        y = v.as_data(y, support, name="y")
        if y.size != X.shape[0]:
            raise ValueError(f"X has {X.shape[0]} rows but y has {y.size} values")
        return X, y

    def _remember_feature_names(self, X) -> None:
        """scikit-learn's ``feature_names_in_``: the column names of a DataFrame ``X`` when they
        are all strings (the summary's row names); none otherwise."""
        names = v.feature_names(X)
        if names is not None:
            self.feature_names_in_ = np.asarray(names, dtype=object)
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_

    def _check_fitted(self):
        if not hasattr(self, "params_"):
            raise ValueError(f"this {type(self).__name__} is not fitted yet: call fit(X, y) first")

    def _check_X(self, X):
        self._check_fitted()
        X = v.as_matrix(X, "X")
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} features but the model was fitted with {self.n_features_in_}"
            )
        return X

    def _store(self, params: np.ndarray, n_features: int):
        self.params_ = params
        if self.fit_intercept:
            self.intercept_, self.coef_ = float(params[0]), params[1:]
        else:
            self.intercept_, self.coef_ = 0.0, params
        self.n_features_in_ = n_features

    def conf_int(self, level: float = 0.95) -> np.ndarray:
        """Wald intervals ``params_ +- z * se_`` (:func:`~mlebook.intervals.wald_interval`).

        Parameters
        ----------
        level : float
            The nominal coverage, strictly between 0 and 1.

        Returns
        -------
        numpy.ndarray of shape ``params_.shape + (2,)``
            The lower end, then the upper; one row per parameter, intercept first.
        """
        self._check_fitted()
        return wald_interval(self.params_, self.se_, level)

    def summary(self) -> str:
        """The coefficient table in statsmodels' columns, then the fit's statistics.

        One row per coefficient, named ``intercept``, then after the columns of ``X`` (their
        names for a DataFrame, ``feature_names_in_``; else ``x0``, ``x1``, ...); for
        :class:`SoftmaxRegression`, one block per non-reference class
        (``class 1: intercept``, ...): the estimate, its standard error ``se_``, the Wald
        statistic ``z = estimate / se`` and its two-sided normal p-value for the null
        ``coefficient = 0``, and the 95% Wald interval (:func:`~mlebook.intervals.wald_table`).
        Below the table: the log-likelihood, AIC ``2 k - 2 loglik_`` with ``k`` the number of
        estimated parameters, and the number of observations. For
        :class:`LinearRegression`, ``k`` counts the noise variance ``sigma2_`` as well as the
        coefficients (statsmodels' OLS counts only the coefficients). A fit with a prior is a
        MAP estimate, not a maximum-likelihood one: its log-likelihood is reported, at the
        MAP estimate, but AIC is not (NaN), since the prior's shrinkage leaves fewer than
        ``k`` effective parameters.

        Returns
        -------
        str
            The table, for ``print``.

        Raises
        ------
        ValueError
            When the estimator is not fitted yet.

        Examples
        --------
        >>> X = np.array([[0.0], [1.0], [2.0], [3.0], [4.0]])
        >>> model = LinearRegression().fit(X, [1.0, 3.5, 5.0, 7.0, 8.5])
        >>> print(model.summary())
                      estimate    std err          z      P>|z|     [0.025     0.975]
        intercept       1.3000     0.1817      7.156      0.000     0.9440     1.6560
        x0              1.8500     0.0742     24.945      0.000     1.7046     1.9954
        log-likelihood 0.1564, AIC 5.6873, observations 5
        maximum likelihood; noise variance sigma2_ 0.0550, counted in AIC; converged: True
        """
        self._check_fitted()
        names, params, se = self._table_rows()
        table = wald_table(names, params, se)
        if self.prior is None:
            method = "maximum likelihood"
            aic = 2.0 * self._n_estimated() - 2.0 * self.loglik_
        else:
            method = f"MAP with a {self.prior} prior (prior_scale {self.prior_scale:g}): no AIC"
            aic = float("nan")
        return "\n".join(
            [
                str(table),
                f"log-likelihood {self.loglik_:.4f}, AIC {aic:.4f}, observations {self.nobs_}",
                f"{method}; {self._noise()}converged: {self.converged_}",
            ]
        )

    def _coefficient_names(self, n_rows: int) -> list[str]:
        """``intercept`` (when the fitted parameters have one more row than features), then
        the columns of ``X``: their names when ``X`` was a DataFrame (``feature_names_in_``),
        else ``x0``, ``x1``, ..."""
        names = getattr(self, "feature_names_in_", None)
        features = (
            list(names) if names is not None else [f"x{j}" for j in range(self.n_features_in_)]
        )
        return ["intercept", *features] if n_rows > self.n_features_in_ else features

    def _table_rows(self) -> tuple[list[str], np.ndarray, np.ndarray]:
        """The summary's rows: names, estimates and standard errors."""
        return self._coefficient_names(self.params_.size), self.params_, self.se_

    def _n_estimated(self) -> int:
        """The number of estimated parameters, the ``k`` of AIC."""
        return self.params_.size

    def _noise(self) -> str:
        """What the summary's last line says about a noise parameter (nothing here)."""
        return ""


class _NewtonRegression(_Regression):
    """Shared settings of the regressions fitted by Newton's method (logistic, softmax)."""

    #: The priors this model accepts.
    priors: tuple = (None, "gaussian")

    def __init__(
        self,
        *,
        prior: str | None = None,
        prior_scale: float | None = None,
        fit_intercept: bool = True,
        tol: float = 1e-10,
        max_iter: int = 100,
    ):
        self.prior = prior
        self.prior_scale = prior_scale
        self.fit_intercept = fit_intercept
        self.tol = tol
        self.max_iter = max_iter

    def _check_settings(self) -> float | None:
        """Validate the constructor's arguments; return the prior scale (None without a prior)."""
        scale = _check_prior(self.prior, self.prior_scale, self.priors)
        v.check_bool(self.fit_intercept, "fit_intercept")
        v.check_positive(self.tol, "tol")
        v.check_positive_int(self.max_iter, "max_iter")
        return scale

    def _newton(self, fun, grad, hess, start) -> optim.Trace | None:
        """Minimize the negative log-posterior ``fun`` with :func:`mlebook.optim.newton`.

        Returns None when the Hessian stops being positive definite: the weights of the
        observations (``p (1 - p)`` for two classes) have underflowed to zero, as they do
        when the classes are separated and the coefficients run off.
        """
        try:
            return optim.newton(grad, hess, start, fun=fun, tol=self.tol, max_iter=self.max_iter)
        except optim.NotPositiveDefiniteError:
            return None

    def _singular(self) -> ValueError:
        return ValueError(
            f"{type(self).__name__}: the Hessian of the negative log-posterior stopped being "
            "positive definite during Newton's method (fitted probabilities of 0 or 1 to working "
            "precision); standardize the features, or use prior='gaussian'"
        )

    def _warn_if_not_converged(self, trace: optim.Trace) -> None:
        if not trace.converged:
            v.warn(
                f"{type(self).__name__} did not converge in max_iter={self.max_iter} iterations "
                f"({trace.message})"
            )


# --------------------------------------------------------------------------- linear
class LinearRegression(_Regression, RegressorMixin, BaseEstimator):
    """Linear regression ``y = b0 + X b + e`` with Gaussian noise ``e ~ N(0, sigma2)``.

    Parameters
    ----------
    prior : None or "gaussian"
        ``None``: maximum likelihood. ``"gaussian"``: MAP under the conjugate prior
        ``b_j | sigma2 ~ N(0, (prior_scale * sigma)^2)`` on every coefficient (not the
        intercept) and a flat prior on ``b0`` and ``sigma2``. The MAP coefficients are ridge
        regression's, minimizing ``RSS + ||b||^2 / prior_scale^2`` (scikit-learn's ``Ridge``
        with ``alpha = 1 / prior_scale**2``).
    prior_scale : float
        The prior standard deviation of each coefficient, in units of the noise standard
        deviation ``sigma``.
    fit_intercept : bool
        Whether to include an (unpenalized) intercept ``b0``.

    Attributes
    ----------
    params_ : ndarray
        Intercept (if fitted) then coefficients.
    coef_, intercept_ : ndarray, float
    sigma2_ : float
        Noise variance: the MLE ``RSS / n``, or with the prior its MAP
        ``(RSS + ||b||^2 / prior_scale^2) / (n + p)``.
    loglik_ : float
        Gaussian log-likelihood at ``(params_, sigma2_)``.
    cov_, se_ : ndarray
        ``sigma2_ * (X'X + Lambda)^-1`` (``Lambda = 0`` without a prior), the inverse observed
        information for the coefficients, and its square-root diagonal. These use the MLE of
        the variance (dividing by ``n``); statsmodels' OLS divides by ``n - p`` instead.
    rss_ : float
        Residual sum of squares.
    nobs_, n_features_in_ : int
    feature_names_in_ : ndarray of str
        The column names, when ``X`` was a DataFrame with string column names (the
        summary's row names).
    converged_, n_iter_ : bool, int
        Always True and 0: the estimate is in closed form.

    Raises
    ------
    ValueError
        From ``fit`` when the fit is exact (``RSS = 0`` up to rounding error, for example with
        as many coefficients as observations): the variance estimate is then 0, the
        log-likelihood is unbounded and the MLE does not exist.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(50, 2))
    >>> y = 1.0 + X @ [2.0, -1.0] + rng.normal(size=50)
    >>> model = LinearRegression().fit(X, y)
    >>> model.params_.round(2)
    array([ 1.03,  2.18, -1.  ])
    >>> model.conf_int().shape
    (3, 2)
    """

    def __init__(
        self,
        *,
        prior: str | None = None,
        prior_scale: float | None = None,
        fit_intercept: bool = True,
    ):
        self.prior = prior
        self.prior_scale = prior_scale
        self.fit_intercept = fit_intercept

    def fit(self, X: ArrayLike, y: ArrayLike) -> LinearRegression:
        """Fit by least squares (maximum likelihood) or ridge (MAP).

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
        y : array_like of shape (n_samples,)

        Returns
        -------
        LinearRegression
            ``self``, fitted.
        """
        scale = _check_prior(self.prior, self.prior_scale, (None, "gaussian"))
        v.check_bool(self.fit_intercept, "fit_intercept")
        X, y = self._check_xy(X, y, "real")
        D = _design(X, self.fit_intercept)
        n, k = D.shape
        penalty = np.zeros(k)
        if scale is not None:
            penalty[int(self.fit_intercept) :] = 1.0 / scale**2
        else:
            _check_identified(D, "prior='gaussian'")
        factor = linalg.cho_factor(D.T @ D + np.diag(penalty))
        params = linalg.cho_solve(factor, D.T @ y)
        resid = y - D @ params
        self.rss_ = float(resid @ resid)
        b = params[int(self.fit_intercept) :]
        if scale is None:
            self.sigma2_ = self.rss_ / n
        else:
            self.sigma2_ = (self.rss_ + b @ b / scale**2) / (n + b.size)
        # An exact fit (residuals at rounding-error level) leaves no noise to estimate.
        if self.sigma2_ == 0 or (scale is None and self.rss_ <= 1e-20 * float(y @ y)):
            raise ValueError(
                "the model fits y exactly (the residual sum of squares is 0 up to rounding), so "
                "the estimate of the noise variance is 0 and the log-likelihood is unbounded: the "
                "maximum-likelihood estimate does not exist. Use more observations than "
                "coefficients, or a prior"
            )
        self._store(params, X.shape[1])
        self.cov_ = self.sigma2_ * linalg.cho_solve(factor, np.eye(k))
        self.se_ = np.sqrt(np.diag(self.cov_))
        self.loglik_ = float(
            -0.5 * n * np.log(2 * np.pi * self.sigma2_) - self.rss_ / (2 * self.sigma2_)
        )
        self.nobs_, self.converged_, self.n_iter_ = n, True, 0
        return self

    def predict(self, X: ArrayLike) -> np.ndarray:
        """The fitted mean ``b0 + X b``, one value per row of ``X``."""
        X = self._check_X(X)
        return self.intercept_ + X @ self.coef_

    def _n_estimated(self) -> int:
        return self.params_.size + 1  # the coefficients and the noise variance

    def _noise(self) -> str:
        return f"noise variance sigma2_ {self.sigma2_:.4f}, counted in AIC; "


# --------------------------------------------------------------------------- logistic
def _remember_last(f):
    """``f``, recomputed only when its argument changes: Newton's method evaluates an
    objective, its gradient and its Hessian at the same points, which share their costly part."""
    last_x, last_value = None, None

    def remembered(x):
        nonlocal last_x, last_value
        if last_x is None or not np.array_equal(x, last_x):
            last_x, last_value = x.copy(), f(x)
        return last_value

    return remembered


def logistic_problem(design: ArrayLike, y: ArrayLike, precision: ArrayLike | None = None):
    """The negative log-likelihood of a logistic regression, with its gradient and Hessian.

    These are what :class:`LogisticRegression` minimizes (with a Gaussian prior's precisions
    added), as functions of the coefficients ``b``: ``fun(b)``, ``grad(b)`` (so the score is
    ``-grad(b)``) and ``hess(b) = X'WX + diag(precision)`` (the observed information, which
    for the logistic link is also the expected one).

    Parameters
    ----------
    design : array_like of shape (n, k)
        The design matrix, with a column of ones for an intercept if there is one.
    y : array_like of shape (n,)
        The outcomes, 0 or 1.
    precision : array_like of shape (k,), optional
        Prior precisions of the coefficients (0 for none); default: all 0, the likelihood.

    Returns
    -------
    tuple of callable
        ``(fun, grad, hess)``.

    Examples
    --------
    >>> fun, grad, hess = logistic_problem([[1.0, 0.0], [1.0, 1.0]], [0, 1])
    >>> round(float(fun(np.zeros(2))), 6)  # 2 log 2
    1.386294
    """
    D = v.as_matrix(design, "design")
    y = v.as_data(y, "binary", name="y")
    if y.size != D.shape[0]:
        raise ValueError(f"design has {D.shape[0]} rows but y has {y.size} values")
    if precision is None:
        precision = np.zeros(D.shape[1])
    else:
        precision = v.as_vector(precision, D.shape[1], "precision")
        if np.any(precision < 0):
            raise ValueError("precision must be non-negative")
    terms = _LogisticTerms(D, y, precision, intercept=False)
    return terms.fun, terms.grad, terms.hess


#: When Newton's last step changed no linear predictor by more than this, the Hessian at the
#: point before it gives the standard errors, to a factor within ``exp(+-SAME_WEIGHTS / 2)``
#: (:meth:`_LogisticTerms.information`).
SAME_WEIGHTS = 1e-10

#: The weighted cross-product ``D' W D`` is accumulated over blocks of rows of about this many
#: numbers (2 MB), so that each block of ``sqrt(W) X`` is written and read while in the cache.
_GRAM_BLOCK = 2**18


def _weighted_gram(X: np.ndarray, w: np.ndarray, intercept: bool) -> np.ndarray:
    """``D' diag(w) D`` for weights ``w >= 0`` and the design ``D``: ``X`` after a column of ones
    when ``intercept``.

    The block of ``X`` is the symmetric rank-k update ``A'A`` by ``A = sqrt(w) X`` (NumPy hands
    ``A.T @ A`` to BLAS ``syrk``: half the multiplications of a general matrix product), block
    of rows by block of rows, so that neither ``D`` nor ``W X`` is ever formed whole; the
    intercept's row is ``sum(w)`` and ``sqrt(w)' A``.
    """
    n, m = X.shape
    rows = int(np.clip(_GRAM_BLOCK // m, 256, n))
    root = np.sqrt(w)
    buffer = np.empty((rows, m))
    gram, edge = np.zeros((m, m)), np.zeros(m)
    for start in range(0, n, rows):
        stop = min(start + rows, n)
        block, r = buffer[: stop - start], root[start:stop]
        np.multiply(X[start:stop], r[:, None], out=block)
        gram += block.T @ block
        if intercept:
            edge += r @ block
    if not intercept:
        return gram
    out = np.empty((m + 1, m + 1))
    out[0, 0], out[0, 1:], out[1:, 0], out[1:, 1:] = w.sum(), edge, edge, gram
    return out


class _LogisticTerms:
    """The negative log-posterior of a logistic regression, its gradient and its Hessian.

    ``X`` holds the features and ``intercept`` says whether a column of ones comes first in the
    design ``D``; the column is never stored. An observation's likelihood is ``sigmoid(eta)``
    when ``y = 1`` and ``sigmoid(-eta)`` when ``y = 0``: in one formula ``sigmoid((2y - 1) eta)``,
    one ``log_expit`` each. A Gaussian prior with precisions ``P`` adds ``b'Pb / 2``. The
    Hessian ``D'WD + P``, with weights ``w_i = p_i (1 - p_i)``, is the observed information plus
    the prior's curvature (:func:`_weighted_gram`).

    Newton's method asks for the value, gradient and Hessian at the same points, so the linear
    predictor, the probabilities and the Hessian of the last point are remembered (and those
    of the point before, for :meth:`information`).
    """

    def __init__(self, X: np.ndarray, y: np.ndarray, precision: np.ndarray, intercept: bool):
        self.X, self.y, self.precision, self.intercept = X, y, precision, intercept
        self.sign = 2 * y - 1
        self._at = self._before = None

    def _point(self, b: np.ndarray) -> dict:
        if self._at is None or not np.array_equal(b, self._at["b"]):
            eta = self.X @ b[1:] if self.intercept else self.X @ b
            if self.intercept:
                eta += b[0]
            self._before, self._at = self._at, {"b": b.copy(), "eta": eta}
        return self._at

    def eta(self, b: np.ndarray) -> np.ndarray:
        """The linear predictor ``D b``."""
        return self._point(b)["eta"]

    def prob(self, b: np.ndarray) -> np.ndarray:
        point = self._point(b)
        if "p" not in point:
            point["p"] = expit(point["eta"])
        return point["p"]

    def loglik(self, b: np.ndarray) -> float:
        """The log-likelihood, without the prior."""
        return float(np.sum(log_expit(self.sign * self.eta(b))))

    def fun(self, b: np.ndarray) -> float:
        return -self.loglik(b) + 0.5 * self.precision @ b**2

    def grad(self, b: np.ndarray) -> np.ndarray:
        residual = self.prob(b) - self.y
        slope = self.X.T @ residual
        if self.intercept:
            slope = np.concatenate([[residual.sum()], slope])
        return slope + self.precision * b

    def hess(self, b: np.ndarray) -> np.ndarray:
        point = self._point(b)
        if "H" not in point:
            p = self.prob(b)
            point["H"] = _weighted_gram(self.X, p * (1 - p), self.intercept)
            point["H"][np.diag_indices_from(point["H"])] += self.precision
        return point["H"].copy()

    def information(self, b: np.ndarray) -> np.ndarray:
        """The Hessian at ``b`` (the estimate), or the one already computed at the point before
        when the step from there changed no linear predictor by more than ``SAME_WEIGHTS``.

        Each weight ``w = p (1 - p)`` then changed by a factor within ``exp(+-SAME_WEIGHTS)``
        (``d log w / d eta = 1 - 2p`` lies in ``(-1, 1)``), so the Hessian ``D'WD + P`` did too,
        in the order of positive semi-definite matrices, and every standard error by a factor
        within ``exp(+-SAME_WEIGHTS / 2)``. Newton's last step is often that small, and then
        one pass over the data is saved.
        """
        last = self._at
        point = self._point(b)
        before = self._before if point is last else last
        if (
            "H" not in point
            and before is not None
            and "H" in before
            and np.max(np.abs(point["eta"] - before["eta"])) <= SAME_WEIGHTS
        ):
            point["H"] = before["H"]
        return self.hess(b)


class LogisticRegression(_NewtonRegression, ClassifierMixin, BaseEstimator):
    """Logistic regression: ``P(y = 1 | x) = sigmoid(b0 + x'b)``, by maximum likelihood or MAP.

    Parameters
    ----------
    prior : None, "gaussian" or "laplace"
        ``None``: maximum likelihood, by Newton's method (IRLS). ``"gaussian"``: MAP with
        independent ``N(0, prior_scale^2)`` priors on the coefficients: the L2 penalty
        ``||b||^2 / (2 prior_scale^2)``, the same fit as scikit-learn's L2 model with
        ``C = prior_scale**2``. ``"laplace"``: MAP with independent Laplace priors of scale
        ``prior_scale``: the L1 penalty ``||b||_1 / prior_scale``, scikit-learn's L1 model
        with ``C = prior_scale``, solved by coordinate descent, which gives exact zeros.
        The intercept is never penalized.
    prior_scale : float
        The scale of the prior on each coefficient: its standard deviation for a Gaussian
        prior, its ``b`` (mean absolute value) for a Laplace prior.
    fit_intercept : bool
        Whether to include an intercept.
    tol : float
        Convergence tolerance on the objective (the negative log-posterior, summed over the
        observations). Newton's method stops when one more step would lower it by less than
        ``tol`` (half the Newton decrement), and takes that last step; coordinate descent
        (Laplace) when it changes by less than ``tol``, relative.
    max_iter : int
        Most Newton (outer) iterations.

    Attributes
    ----------
    classes_ : ndarray
        The labels, ``[0, 1]``.
    params_ : ndarray
        Intercept first, then the coefficients (statsmodels' order).
    coef_, intercept_ : ndarray, float
    se_, cov_ : ndarray
        From the inverse of the observed information (the Hessian of the negative log-likelihood,
        plus the prior's curvature for a Gaussian prior). NaN for a Laplace prior, whose
        penalty has no curvature at zero. When Newton's last step changed no linear predictor
        by more than ``SAME_WEIGHTS`` (1e-10), the Hessian of the iterate before it is used,
        which changes every standard error by a factor within ``exp(+-5e-11)``.
    loglik_ : float
        The log-likelihood (without the prior) at the estimate.
    nobs_, n_features_in_ : int
    feature_names_in_ : ndarray of str
        The column names, when ``X`` was a DataFrame with string column names (the
        summary's row names).
    n_iter_ : int
    converged_ : bool

    Raises
    ------
    SeparationError
        From ``fit`` without a prior, when a hyperplane separates the classes (completely
        or quasi-completely): the likelihood then increases forever as the coefficients grow
        and the MLE does not exist.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> X = rng.normal(size=(200, 1))
    >>> y = rng.random(200) < 1 / (1 + np.exp(-(0.5 + 2 * X[:, 0])))
    >>> LogisticRegression().fit(X, y).params_.round(2)
    array([0.57, 1.74])
    >>> LogisticRegression(prior="gaussian", prior_scale=0.5).fit(X, y).params_.round(2)
    array([0.51, 1.39])
    """

    priors = PRIORS

    def fit(self, X: ArrayLike, y: ArrayLike) -> LogisticRegression:
        """Fit by Newton's method (MLE, Gaussian prior) or coordinate descent (Laplace prior).

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
        y : array_like of shape (n_samples,)
            The outcomes, 0 or 1 (booleans too).

        Returns
        -------
        LogisticRegression
            ``self``, fitted.
        """
        scale = self._check_settings()
        if chunked.is_dask_array(X) or chunked.is_dask_array(y):
            return self._fit_chunked(X, y, scale)
        X, y = self._check_xy(X, y, "binary")
        n, k = X.shape[0], X.shape[1] + int(self.fit_intercept)
        penalized = np.ones(k)
        penalized[0] = 0.0 if self.fit_intercept else 1.0

        if self.prior == "laplace":
            D = _design(X, self.fit_intercept)
            trace = self._coordinate_descent(D, y, penalized / scale)
            self.loglik_ = float(np.sum(log_expit((2 * y - 1) * (D @ trace.x))))
            cov = np.full((k, k), np.nan)
        else:
            precision = penalized / scale**2 if scale is not None else np.zeros(k)
            terms = _LogisticTerms(X, y, precision, self.fit_intercept)
            start = np.zeros(k)
            if scale is None:  # the Hessian at 0 is D'D / 4: the rank check, and Newton's first
                _check_identified(
                    lambda: _design(X, self.fit_intercept), "a prior", 4.0 * terms.hess(start)
                )
            trace = self._newton(terms.fun, terms.grad, terms.hess, start)
            if scale is None and (
                trace is None
                or not trace.converged
                or np.max(np.abs(terms.eta(trace.x))) >= SUSPICIOUS_ETA
            ):
                self._check_separation(_design(X, self.fit_intercept), y)
            if trace is None:
                raise self._singular()
            cov = inverse_information(terms.information(trace.x))
            self.loglik_ = terms.loglik(trace.x)

        self._store(trace.x, X.shape[1])
        self.classes_ = np.array([0, 1])
        self.cov_ = cov
        self.se_ = np.sqrt(np.diag(cov))
        self.nobs_, self.n_iter_, self.converged_ = n, trace.n_iter, trace.converged
        self._warn_if_not_converged(trace)
        return self

    def _fit_chunked(self, X, y, scale: float | None) -> LogisticRegression:
        """Newton's method on data in chunks (Dask arrays): the negative log-likelihood, its
        gradient and its Hessian are sums over observations, so each is a sum over row
        blocks of the in-memory formulas (:func:`logistic_problem`), and one pass over the
        chunks gives all three at a point, hence one Newton step. The first pass also runs
        the input checks; the last gives the observed information at the estimate."""
        if not chunked.is_dask_array(X):
            raise TypeError(
                "y is a Dask array but X is not: pass X as a Dask array too (or both in memory)"
            )
        if self.prior == "laplace":
            raise ValueError(
                "prior='laplace' is fitted by coordinate descent, which needs the data in "
                "memory; on Dask arrays use prior=None or prior='gaussian'"
            )
        self._remember_feature_names(X)
        X = chunked.as_matrix(X, "X")
        y = chunked.as_rows(y, X, "binary", name="y")
        n, k = X.values.shape[0], X.values.shape[1] + int(self.fit_intercept)
        penalized = np.ones(k)
        penalized[0] = 0.0 if self.fit_intercept else 1.0
        precision = penalized / scale**2 if scale is not None else np.zeros(k)
        sums = _ChunkedLogistic(X, y, k, self.fit_intercept)
        start = np.zeros(k)
        sums.seed(start)  # the first pass: the checks, with the terms at 0
        if scale is None:
            gram = 4.0 * sums.hess(start)  # at b = 0 every weight p(1 - p) is 1/4
            squared = np.linalg.eigvalsh(gram)
            if not squared[0] > 1e-12 * squared[-1]:
                raise _not_identified(
                    f"is singular to working precision (the smallest eigenvalue of D'D is "
                    f"{squared[0] / squared[-1]:.2g} of the largest)",
                    "a prior",
                )

        def fun(b):
            return sums.fun(b) + 0.5 * precision @ b**2

        def grad(b):
            return sums.grad(b) + precision * b

        def hess(b):
            return sums.hess(b) + np.diag(precision)

        trace = self._newton(fun, grad, hess, start)
        if scale is None and (
            trace is None or not trace.converged or sums.max_eta(trace.x) >= SUSPICIOUS_ETA
        ):
            raise SeparationError(
                "Newton's method on the chunked data ran towards fitted probabilities of 0 or 1 "
                "(|linear predictor| >= 30, or no convergence): the classes look separated by a "
                "hyperplane, and then the maximum-likelihood estimate does not exist. Deciding "
                "it for sure takes a linear program over all the rows, in memory; or use "
                "prior='gaussian', which keeps the coefficients finite"
            )
        if trace is None:
            raise self._singular()
        self._store(trace.x, k - int(self.fit_intercept))
        self.classes_ = np.array([0, 1])
        self.loglik_ = -float(sums.fun(trace.x))
        self.cov_ = inverse_information(hess(trace.x))
        self.se_ = np.sqrt(np.diag(self.cov_))
        self.nobs_, self.n_iter_, self.converged_ = n, trace.n_iter, trace.converged
        self._warn_if_not_converged(trace)
        return self

    def decision_function(self, X: ArrayLike) -> np.ndarray:
        """The linear predictor ``b0 + X b`` (the log-odds of class 1), one value per row of
        ``X``."""
        X = self._check_X(X)
        return self.intercept_ + X @ self.coef_

    def predict_proba(self, X: ArrayLike) -> np.ndarray:
        """Probabilities of class 0 and class 1, one row per row of ``X`` (scikit-learn's
        layout)."""
        p1 = expit(self.decision_function(X))
        return np.column_stack([1 - p1, p1])

    def predict(self, X: ArrayLike) -> np.ndarray:
        """The more probable class, 0 or 1, of each row of ``X``."""
        return (self.decision_function(X) > 0).astype(int)

    # ------------------------------------------------------------------ solvers
    def _coordinate_descent(self, D, y, l1) -> optim.Trace:
        """Proximal Newton for NLL + sum(l1 * |b|): a weighted least-squares model of the NLL,
        minimized by cyclic coordinate descent with soft thresholding, then step halving."""
        k = D.shape[1]
        params = np.zeros(k)
        nll = _LogisticTerms(D, y, np.zeros(k), intercept=False).fun

        def objective(b):
            return nll(b) + l1 @ np.abs(b)

        obj, path = objective(params), [params]
        for it in range(1, self.max_iter + 1):
            eta = D @ params
            p = expit(eta)
            w = np.maximum(p * (1 - p), 1e-12)
            z = eta + (y - p) / w  # working response of IRLS
            col_sq = (D**2 * w[:, None]).sum(axis=0)
            new = params.copy()
            resid = z - D @ new
            for _ in range(1000):  # inner coordinate descent on the quadratic model
                biggest = 0.0
                for j in range(k):
                    old = new[j]
                    if col_sq[j] == 0:
                        continue  # an all-zero feature stays at zero
                    rho = D[:, j] @ (w * resid) + col_sq[j] * old
                    new[j] = np.sign(rho) * max(abs(rho) - l1[j], 0.0) / col_sq[j]
                    if new[j] != old:
                        resid -= D[:, j] * (new[j] - old)
                        biggest = max(biggest, abs(new[j] - old))
                if biggest < 1e-12:
                    break
            halved = optim.halve_step(objective, params, new - params, obj)
            if halved is None:  # no decrease possible in floating point: at the optimum
                return optim.Trace(
                    x=params,
                    path=np.array(path),
                    converged=True,
                    n_iter=it - 1,
                    message="no fraction of the step lowers the objective",
                )
            change = obj - halved[1]
            params, obj = halved
            path.append(params)
            if change < self.tol * max(1.0, abs(obj)):
                return optim.Trace(
                    x=params,
                    path=np.array(path),
                    converged=True,
                    n_iter=it,
                    message="the objective changed by less than tol, relative",
                )
        return optim.Trace(
            x=params,
            path=np.array(path),
            converged=False,
            n_iter=self.max_iter,
            message=f"max_iter = {self.max_iter} steps taken",
        )

    def _check_separation(self, D, y):
        """Raise SeparationError if a hyperplane separates the classes (a linear program)."""
        if _separated(D * (2 * y - 1)[:, None]):
            raise SeparationError(
                "the classes are separated by a hyperplane in X "
                "(perfect or quasi-complete separation): "
                "the log-likelihood keeps increasing as the coefficients grow, "
                "so the maximum-likelihood estimate does not exist. "
                "Use a prior, which keeps them finite: "
                "LogisticRegression(prior='gaussian', prior_scale=...)"
            )


def _logistic_block(X: np.ndarray, y: np.ndarray, b: np.ndarray, intercept: bool) -> np.ndarray:
    """One row block's share of the chunked logistic fit at ``b``, packed in one vector: the
    negative log-likelihood, its gradient, its Hessian (row by row), and the largest
    ``|linear predictor|``."""
    terms = _LogisticTerms(X, y, np.zeros(b.size), intercept)
    return np.concatenate(
        [[terms.fun(b)], terms.grad(b), terms.hess(b).ravel(), [np.max(np.abs(terms.eta(b)))]]
    )


def _add_blocks(parts: list[np.ndarray]) -> np.ndarray:
    """The blocks' shares added, except the largest |linear predictor|, which is a maximum."""
    total = np.sum(parts, axis=0)
    total[-1] = np.max([part[-1] for part in parts])
    return total


class _ChunkedLogistic:
    """The logistic negative log-likelihood, gradient and Hessian of data in row blocks, at the
    last point asked for: each new point is one pass over the chunks (one ``dask.compute``)."""

    def __init__(self, X: chunked.Chunked, y: chunked.Chunked, k: int, intercept: bool):
        self.X, self.y, self.k, self.intercept = X, y, k, intercept
        self.point, self.values = None, None
        self.blocks = self._blocks(X.values, y.values)

    @staticmethod
    def _blocks(X, y) -> list:
        pairs = zip(X.to_delayed().ravel(), y.to_delayed().ravel(), strict=True)
        return list(pairs)

    def _graph(self, b, blocks):
        from dask import delayed

        shares = [delayed(_logistic_block)(Xb, yb, b, self.intercept) for Xb, yb in blocks]
        return delayed(_add_blocks)(shares)

    def seed(self, b: np.ndarray) -> None:
        """The first pass: the checks of the data, with the terms at ``b`` (from the safe
        values, so that bad ones raise no warnings before the checks report them)."""
        graph = self._graph(b, self._blocks(self.X.safe, self.y.safe))
        self.point, self.values = b.copy(), chunked.compute(graph, self.X, self.y)

    def _at(self, b: np.ndarray) -> np.ndarray:
        if self.point is None or not np.array_equal(b, self.point):
            self.point, self.values = b.copy(), chunked.compute(self._graph(b, self.blocks))
        return self.values

    def fun(self, b):
        return self._at(b)[0]

    def grad(self, b):
        return self._at(b)[1 : 1 + self.k]

    def hess(self, b):
        return self._at(b)[1 + self.k : 1 + self.k + self.k**2].reshape(self.k, self.k)

    def max_eta(self, b):
        return self._at(b)[-1]


# --------------------------------------------------------------------------- softmax
def _softmax_hessian(D: np.ndarray, P: np.ndarray, precision: np.ndarray) -> np.ndarray:
    """Hessian of the penalized NLL in the class-by-class order: block ``(i, j)`` is
    ``D' diag(p_i (delta_ij - p_j)) D`` for classes ``i, j = 1..k-1``, plus the prior's
    precisions."""
    m, c = D.shape[1], P.shape[1] - 1
    H = np.empty((m * c, m * c))
    for i in range(c):
        for j in range(i, c):
            w = P[:, i + 1] * ((i == j) - P[:, j + 1])
            block = (D * w[:, None]).T @ D
            H[i * m : (i + 1) * m, j * m : (j + 1) * m] = block
            H[j * m : (j + 1) * m, i * m : (i + 1) * m] = block.T
    H[np.diag_indices_from(H)] += precision.T.ravel()
    return H


def _softmax_problem(D: np.ndarray, onehot: np.ndarray, precision: np.ndarray):
    """The summed cross-entropy plus the Gaussian prior's penalty, its gradient and Hessian.

    They act on the free parameters flattened class by class, ``theta = W.T.ravel()`` for
    ``W`` of shape ``(m, k - 1)``: all of class 1's (intercept first), then class 2's, ...
    """
    m, c = D.shape[1], onehot.shape[1] - 1

    def unflatten(theta):
        return theta.reshape(c, m).T

    logits = _remember_last(lambda theta: D @ unflatten(theta))  # eta_1..eta_{k-1}
    probabilities = _remember_last(
        lambda theta: special.softmax(
            np.column_stack([np.zeros(D.shape[0]), logits(theta)]), axis=1
        )
    )

    def fun(theta):
        W, eta = unflatten(theta), logits(theta)
        top = np.maximum(eta.max(axis=1), 0.0)  # log-sum-exp, class 0 contributing exp(0)
        lse = top + np.log(np.exp(-top) + np.exp(eta - top[:, None]).sum(axis=1))
        return float(lse.sum() - np.sum(onehot[:, 1:] * eta) + 0.5 * np.sum(precision * W**2))

    def grad(theta):
        W = unflatten(theta)
        return (D.T @ (probabilities(theta)[:, 1:] - onehot[:, 1:]) + precision * W).T.ravel()

    def hess(theta):
        return _softmax_hessian(D, probabilities(theta), precision)

    return fun, grad, hess, unflatten


def _softmax_separation_margins(D: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """The margins ``x_i'(b_{y_i} - b_j)`` as rows of a matrix acting on the free coefficients
    (class 0's fixed at 0), one row per sample ``i`` and competing class ``j != y_i``."""
    n, m = D.shape
    rows = []
    for r in range(1, k):  # every competing class j = y_i + r (mod k)
        other = (labels + r) % k
        A = np.zeros((n, k, m))
        A[np.arange(n), labels] += D
        A[np.arange(n), other] -= D
        rows.append(A[:, 1:, :].reshape(n, (k - 1) * m))
    return np.vstack(rows)


class SoftmaxRegression(_NewtonRegression, ClassifierMixin, BaseEstimator):
    """Multinomial logistic (softmax) regression, fitted by minimizing the cross-entropy.

    For classes ``0, ..., k-1`` the model is ``P(y = j | x) = softmax(eta)_j`` with one linear
    predictor per class, ``eta_j = b0_j + x'b_j``. Adding the same vector to every class's
    coefficients does not change the probabilities, so the parameters are identified only
    after fixing one class: this class uses the **reference-class parametrization**, with
    class 0's intercept and coefficients fixed at zero (as statsmodels' ``MNLogit`` does).
    Then ``eta_j`` is the log-odds of class ``j`` against class 0. The maximum-likelihood
    estimate minimizes the summed cross-entropy (the negative log-likelihood); it is found by
    Newton's method with step halving (:func:`mlebook.optim.newton`), using the analytic
    gradient and Hessian.

    With two classes this is exactly :class:`LogisticRegression` (class 1 against class 0).

    Parameters
    ----------
    prior : None or "gaussian"
        ``None``: maximum likelihood. ``"gaussian"``: MAP with independent
        ``N(0, prior_scale^2)`` priors on the coefficients of classes ``1..k-1`` (the L2
        penalty ``||B||^2 / (2 prior_scale^2)``; intercepts are not penalized). In the
        reference-class parametrization this shrinks every class towards class 0, so it is
        not the same fit as scikit-learn's L2 penalty, which acts on a symmetric
        parametrization.
    prior_scale : float
        The prior standard deviation of each coefficient.
    fit_intercept : bool
        Whether to include an intercept for each class.
    tol : float
        Convergence tolerance on half the Newton decrement (the predicted gain of one more
        Newton step in the log-likelihood); that last step is then taken.
    max_iter : int
        Most Newton iterations.

    Attributes
    ----------
    classes_ : ndarray
        The labels ``0..k-1``.
    params_ : ndarray of shape (n_features + 1, k - 1)
        One column per non-reference class ``1..k-1``, the intercept in the first row
        (statsmodels' ``MNLogit.params`` layout). Without an intercept the first row is absent.
    coef_ : ndarray of shape (k, n_features)
        Coefficients of every class, row 0 (the reference) all zeros (scikit-learn's layout).
    intercept_ : ndarray of shape (k,)
        Intercepts of every class, the first 0.
    se_ : ndarray of the shape of ``params_``
        Standard errors from the inverse observed information (plus the prior's curvature).
    cov_ : ndarray
        Covariance of the free parameters, ordered class by class: all of class 1's parameters
        (intercept first), then class 2's, and so on (the order of ``params_.T.ravel()``).
    loglik_ : float
        The log-likelihood (without the prior) at the estimate: ``-n`` times the mean
        cross-entropy.
    nobs_, n_features_in_ : int
    feature_names_in_ : ndarray of str
        The column names, when ``X`` was a DataFrame with string column names (the
        summary's row names).
    n_iter_ : int
    converged_ : bool

    Raises
    ------
    SeparationError
        From ``fit`` without a prior, when hyperplanes separate the classes (completely or
        quasi-completely): then the log-likelihood increases forever along some direction
        of the coefficients and the MLE does not exist.

    Examples
    --------
    >>> rng = np.random.default_rng(2)
    >>> X = rng.normal(size=(300, 2))
    >>> eta = np.column_stack([np.zeros(300), 1 + 2 * X[:, 0], -1 + 2 * X[:, 1]])
    >>> p = np.exp(eta) / np.exp(eta).sum(axis=1, keepdims=True)
    >>> y = (rng.random(300)[:, None] > p.cumsum(axis=1)).sum(axis=1)
    >>> model = SoftmaxRegression().fit(X, y)
    >>> model.params_.round(1)
    array([[ 1. , -0.4],
           [ 2.1,  0.4],
           [ 0.2,  2.1]])
    >>> model.predict_proba(X[:2]).sum(axis=1)
    array([1., 1.])
    """

    def fit(self, X: ArrayLike, y: ArrayLike) -> SoftmaxRegression:
        """Fit by Newton's method on the cross-entropy (MLE) or its penalized form (MAP).

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
        y : array_like of shape (n_samples,)
            Class labels ``0..k-1``, every one present.

        Returns
        -------
        SoftmaxRegression
            ``self``, fitted.
        """
        scale = self._check_settings()
        X, y = self._check_xy(X, y, "count")
        labels = y.astype(np.intp)
        k = int(labels.max()) + 1
        if k < 2:
            raise ValueError("y contains a single class (0): at least two classes are needed")
        counts = np.bincount(labels, minlength=k)
        if np.any(counts == 0):
            missing = int(np.argmin(counts))
            raise ValueError(
                f"y must contain every label 0..{k - 1} (class labels are 0..k-1), but class "
                f"{missing} never occurs; relabel the classes 0..k-1"
            )
        D = _design(X, self.fit_intercept)
        n, m = D.shape
        if scale is None:
            _check_identified(D, "a prior")
        onehot = np.zeros((n, k))
        onehot[np.arange(n), labels] = 1.0
        precision = np.ones((m, k - 1))
        if self.fit_intercept:
            precision[0] = 0.0
        precision = precision / scale**2 if scale is not None else np.zeros((m, k - 1))

        fun, grad, hess, unflatten = _softmax_problem(D, onehot, precision)
        trace = self._newton(fun, grad, hess, np.zeros(m * (k - 1)))
        if scale is None and (
            trace is None
            or not trace.converged
            or np.max(np.abs(D @ unflatten(trace.x))) >= SUSPICIOUS_ETA
        ):
            self._check_separation(D, labels, k)
        if trace is None:
            raise self._singular()

        W = unflatten(trace.x)
        self.classes_ = np.arange(k)
        self.params_ = W
        full = np.column_stack([np.zeros(m), W])  # (m, k): class 0 is the reference
        if self.fit_intercept:
            self.intercept_, self.coef_ = full[0].copy(), full[1:].T.copy()
        else:
            self.intercept_, self.coef_ = np.zeros(k), full.T.copy()
        logp = special.log_softmax(D @ full, axis=1)
        self.loglik_ = float(logp[np.arange(n), labels].sum())
        self.cov_ = inverse_information(hess(trace.x))
        self.se_ = np.sqrt(np.diag(self.cov_)).reshape(k - 1, m).T
        self.n_features_in_ = X.shape[1]
        self.nobs_, self.n_iter_, self.converged_ = n, trace.n_iter, trace.converged
        self._warn_if_not_converged(trace)
        return self

    def decision_function(self, X: ArrayLike) -> np.ndarray:
        """The linear predictors ``eta`` (logits), one row per row of ``X``, one column per class
        (column 0 all zeros)."""
        X = self._check_X(X)
        return self.intercept_ + X @ self.coef_.T

    def predict_proba(self, X: ArrayLike) -> np.ndarray:
        """Class probabilities ``softmax(eta)``, one row per row of ``X``, one column per class."""
        return special.softmax(self.decision_function(X), axis=1)

    def predict(self, X: ArrayLike) -> np.ndarray:
        """The most probable class of each row of ``X``."""
        return np.argmax(self.decision_function(X), axis=1)

    def _table_rows(self) -> tuple[list[str], np.ndarray, np.ndarray]:
        """One block of rows per non-reference class, in the order of ``cov_``."""
        m, c = self.params_.shape
        names = [
            f"class {cls}: {name}" for cls in range(1, c + 1) for name in self._coefficient_names(m)
        ]
        return names, self.params_.T.ravel(), self.se_.T.ravel()

    def _check_separation(self, D, labels, k):
        """Raise SeparationError if there is a nonzero ``B`` (class 0's coefficients fixed at 0)
        with ``x_i'(b_{y_i} - b_j) >= 0`` for every sample ``i`` and every class ``j``: along it
        no sample's log-probability ever decreases, so the MLE does not exist."""
        if _separated(_softmax_separation_margins(D, labels, k)):
            raise SeparationError(
                "the classes are separated by hyperplanes in X "
                "(perfect or quasi-complete separation): "
                "the log-likelihood keeps increasing as the coefficients grow, "
                "so the maximum-likelihood estimate does not exist. "
                "Use a prior, which keeps them finite: "
                "SoftmaxRegression(prior='gaussian', prior_scale=...)"
            )
