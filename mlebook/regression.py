"""Regression models fitted by maximum likelihood, or by MAP with a prior on the coefficients.

* :class:`LinearRegression`: Gaussian noise. The MLE of the coefficients is least squares
  and the MLE of the noise variance is ``RSS / n``. With ``prior="gaussian"`` it is ridge
  regression.
* :class:`LogisticRegression`: Bernoulli outcomes with a logistic link, fitted by Newton's
  method (iteratively reweighted least squares). With ``prior="gaussian"`` it is L2-penalized
  logistic regression, with ``prior="laplace"`` L1-penalized, solved by coordinate descent so
  that coefficients come out exactly zero.

Both follow scikit-learn's conventions (``fit`` returns ``self``; fitted attributes end in
``_``) and carry what statsmodels users expect: ``params_`` with the intercept first,
standard errors ``se_`` from the observed information, ``loglik_`` and ``conf_int()``.

Examples
--------
>>> import numpy as np
>>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
>>> LinearRegression().fit(X, [1.0, 3.0, 5.0, 7.0]).coef_.round(6)
array([2.])
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy import linalg, optimize, stats
from scipy.special import expit, log_expit

from . import validation as v

__all__ = ["LinearRegression", "LogisticRegression", "SeparationError"]

PRIORS = (None, "gaussian", "laplace")


class SeparationError(ValueError):
    """The classes are separated by a hyperplane, so the logistic MLE does not exist."""


def _design(X, fit_intercept: bool) -> np.ndarray:
    """The design matrix: a column of ones (when fitting an intercept) before the features."""
    return np.column_stack([np.ones(X.shape[0]), X]) if fit_intercept else X


def _check_prior(prior, prior_scale, allowed) -> float | None:
    if prior not in allowed:
        raise ValueError(f"prior must be one of {allowed}, got {prior!r}")
    if prior is None:
        if prior_scale is not None:
            raise ValueError("prior_scale is only meaningful with a prior; pass prior='gaussian' or 'laplace'")
        return None
    if prior_scale is None:
        raise ValueError(f"prior_scale is required with prior={prior!r}")
    return v.check_positive(prior_scale, "prior_scale")


class _Regression:
    """Shared plumbing: input checks, the intercept, intervals."""

    def _check_xy(self, X, y, support: str):
        X = v.as_matrix(X, "X")
        y = v.as_data(y, support, name="y")
        if y.size != X.shape[0]:
            raise ValueError(f"X has {X.shape[0]} rows but y has {y.size} values")
        return X, y

    def _check_fitted(self):
        if not hasattr(self, "params_"):
            raise ValueError(f"this {type(self).__name__} is not fitted yet: call fit(X, y) first")

    def _check_X(self, X):
        self._check_fitted()
        X = v.as_matrix(X, "X")
        if X.shape[1] != self.coef_.size:
            raise ValueError(f"X has {X.shape[1]} features but the model was fitted with {self.coef_.size}")
        return X

    def _store(self, params: np.ndarray):
        self.params_ = params
        if self.fit_intercept:
            self.intercept_, self.coef_ = float(params[0]), params[1:]
        else:
            self.intercept_, self.coef_ = 0.0, params

    def conf_int(self, level: float = 0.95) -> np.ndarray:
        """Wald intervals ``params_ +- z * se_``, one row per parameter, intercept first."""
        self._check_fitted()
        level = v.check_level(level)
        z = stats.norm.ppf(0.5 + level / 2)
        return np.column_stack([self.params_ - z * self.se_, self.params_ + z * self.se_])


class LinearRegression(_Regression):
    """Linear regression ``y = b0 + X b + e`` with Gaussian noise ``e ~ N(0, sigma2)``.

    Parameters
    ----------
    fit_intercept : bool
        Whether to include an (unpenalized) intercept ``b0``.
    prior : None or "gaussian"
        ``None``: maximum likelihood. ``"gaussian"``: MAP under the conjugate prior
        ``b_j | sigma2 ~ N(0, prior_scale * sigma2)`` on every coefficient (not the intercept)
        and a flat prior on ``b0`` and ``sigma2``. The MAP coefficients are ridge regression's,
        minimizing ``RSS + ||b||^2 / prior_scale``.
    prior_scale : float
        The prior variance of each coefficient, in units of the noise variance.

    Attributes
    ----------
    params_ : ndarray
        Intercept (if fitted) then coefficients.
    coef_, intercept_ : ndarray, float
    sigma2_ : float
        Noise variance: the MLE ``RSS / n``, or with the prior its MAP
        ``(RSS + ||b||^2 / prior_scale) / (n + p)``.
    loglik_ : float
        Gaussian log-likelihood at ``(params_, sigma2_)``.
    cov_, se_ : ndarray
        ``sigma2_ * (X'X + Lambda)^-1`` (``Lambda = 0`` without a prior), the inverse observed
        information for the coefficients, and its square-root diagonal. These use the MLE of
        the variance (dividing by ``n``); statsmodels' OLS divides by ``n - p`` instead.
    rss_ : float
        Residual sum of squares.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(50, 2))
    >>> y = 1.0 + X @ [2.0, -1.0] + rng.normal(size=50)
    >>> model = LinearRegression().fit(X, y)
    >>> model.params_.round(2)
    array([ 1.07,  2.11, -1.03])
    """

    def __init__(self, fit_intercept: bool = True, prior: str | None = None, prior_scale: float | None = None):
        self.fit_intercept = fit_intercept
        self.prior = prior
        self.prior_scale = prior_scale

    def fit(self, X, y) -> "LinearRegression":
        """Fit by least squares (maximum likelihood) or ridge (MAP); returns ``self``."""
        scale = _check_prior(self.prior, self.prior_scale, (None, "gaussian"))
        X, y = self._check_xy(X, y, "real")
        D = _design(X, self.fit_intercept)
        n, k = D.shape
        penalty = np.zeros(k)
        if scale is not None:
            penalty[int(self.fit_intercept):] = 1.0 / scale
        elif n < k or np.linalg.matrix_rank(D) < k:
            raise ValueError(f"X (with the intercept column) has rank below its {k} columns: the coefficients "
                             "are not identified; drop collinear features or use prior='gaussian'")
        gram = D.T @ D + np.diag(penalty)
        factor = linalg.cho_factor(gram)
        params = linalg.cho_solve(factor, D.T @ y)
        resid = y - D @ params
        self.rss_ = float(resid @ resid)
        b = params[int(self.fit_intercept):]
        if scale is None:
            self.sigma2_ = self.rss_ / n
        else:
            self.sigma2_ = (self.rss_ + b @ b / scale) / (n + b.size)
        self._store(params)
        self.cov_ = self.sigma2_ * linalg.cho_solve(factor, np.eye(k))
        self.se_ = np.sqrt(np.diag(self.cov_))
        self.loglik_ = float(-0.5 * n * np.log(2 * np.pi * self.sigma2_) - self.rss_ / (2 * self.sigma2_))
        self.n_obs_ = n
        return self

    def predict(self, X) -> np.ndarray:
        """The fitted mean ``b0 + X b``."""
        X = self._check_X(X)
        return self.intercept_ + X @ self.coef_


class LogisticRegression(_Regression):
    """Logistic regression: ``P(y = 1 | x) = sigmoid(b0 + x'b)``, by maximum likelihood or MAP.

    Parameters
    ----------
    prior : None, "gaussian" or "laplace"
        ``None``: maximum likelihood, by Newton's method (IRLS). ``"gaussian"``: MAP with
        independent ``N(0, prior_scale)`` priors on the coefficients (L2 penalty
        ``||b||^2 / (2 prior_scale)``; the same fit as scikit-learn's L2 model with
        ``C = prior_scale``). ``"laplace"``: MAP with independent Laplace priors of scale
        ``prior_scale`` (L1 penalty ``||b||_1 / prior_scale``; scikit-learn's L1 model with
        ``C = prior_scale``), solved by coordinate descent, which gives exact zeros.
        The intercept is never penalized.
    prior_scale : float
        The prior variance (Gaussian) or scale (Laplace) of each coefficient.
    fit_intercept : bool
        Whether to include an intercept.
    tol : float
        Convergence tolerance on the objective (Newton decrement, or change for Laplace).
    max_iter : int
        Most Newton (outer) iterations.

    Attributes
    ----------
    params_ : ndarray
        Intercept first, then the coefficients (statsmodels' order).
    coef_, intercept_ : ndarray, float
    se_, cov_ : ndarray
        From the inverse of the observed information (the Hessian of the negative log-likelihood,
        plus the prior's curvature for a Gaussian prior). NaN for a Laplace prior, whose
        penalty has no curvature at zero.
    loglik_ : float
        The log-likelihood (without the prior) at the estimate.
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
    array([0.33, 1.87])
    """

    def __init__(self, prior: str | None = None, prior_scale: float | None = None, fit_intercept: bool = True,
                 tol: float = 1e-10, max_iter: int = 100):
        self.prior = prior
        self.prior_scale = prior_scale
        self.fit_intercept = fit_intercept
        self.tol = tol
        self.max_iter = max_iter

    # ------------------------------------------------------------------ public
    def fit(self, X, y) -> "LogisticRegression":
        """Fit by Newton's method (MLE, Gaussian prior) or coordinate descent (Laplace); returns ``self``."""
        scale = _check_prior(self.prior, self.prior_scale, PRIORS)
        v.check_positive(self.tol, "tol")
        v.check_positive_int(self.max_iter, "max_iter")
        X, y = self._check_xy(X, y, "binary")
        D = _design(X, self.fit_intercept)
        n, k = D.shape
        penalized = np.ones(k, dtype=bool)
        penalized[0] = not self.fit_intercept
        if scale is None and (n < k or np.linalg.matrix_rank(D) < k):
            raise ValueError(f"X (with the intercept column) has rank below its {k} columns: the coefficients "
                             "are not identified; drop collinear features or use a prior")

        if self.prior == "laplace":
            params, n_iter, converged = self._coordinate_descent(D, y, penalized / scale)
        else:
            precision = penalized / scale if scale is not None else np.zeros(k)
            params, n_iter, converged = self._newton(D, y, precision)
            if scale is None:
                self._check_separation(D, y, params, converged)

        self._store(params)
        eta = D @ params
        self.loglik_ = float(np.sum(y * log_expit(eta) + (1 - y) * log_expit(-eta)))
        self.n_iter_, self.converged_ = n_iter, converged
        if self.prior == "laplace":
            self.cov_ = np.full((k, k), np.nan)
        else:
            p = expit(eta)
            info = (D * (p * (1 - p))[:, None]).T @ D + np.diag(precision)
            self.cov_ = linalg.cho_solve(linalg.cho_factor(info), np.eye(k))
        self.se_ = np.sqrt(np.diag(self.cov_))
        self.n_obs_ = n
        if not converged:
            warnings.warn(f"LogisticRegression did not converge in {self.max_iter} iterations", RuntimeWarning,
                          stacklevel=2)
        return self

    def decision_function(self, X) -> np.ndarray:
        """The linear predictor ``b0 + X b`` (the log-odds)."""
        X = self._check_X(X)
        return self.intercept_ + X @ self.coef_

    def predict_proba(self, X) -> np.ndarray:
        """Probabilities of class 0 and class 1, one row per sample (scikit-learn's layout)."""
        p1 = expit(self.decision_function(X))
        return np.column_stack([1 - p1, p1])

    def predict(self, X) -> np.ndarray:
        """The more probable class, 0 or 1."""
        return (self.decision_function(X) > 0).astype(int)

    # ------------------------------------------------------------------ solvers
    @staticmethod
    def _objective(D, y, params, precision):
        """Negative log-likelihood plus the Gaussian prior's penalty."""
        eta = D @ params
        return -np.sum(y * log_expit(eta) + (1 - y) * log_expit(-eta)) + 0.5 * np.sum(precision * params**2)

    def _newton(self, D, y, precision):
        """Newton's method with step halving: each step solves (X'WX + P) d = X'(y - p) - P b."""
        params = np.zeros(D.shape[1])
        obj = self._objective(D, y, params, precision)
        for it in range(1, self.max_iter + 1):
            p = expit(D @ params)
            grad = D.T @ (y - p) - precision * params          # gradient of the log posterior
            hess = (D * (p * (1 - p))[:, None]).T @ D + np.diag(precision)
            try:
                step = linalg.cho_solve(linalg.cho_factor(hess), grad)
            except linalg.LinAlgError:                           # weights underflowed: separation
                return params, it, False
            decrement = grad @ step
            if decrement / 2 < self.tol:
                return params, it, True
            t = 1.0
            while True:
                candidate = params + t * step
                new_obj = self._objective(D, y, candidate, precision)
                if new_obj <= obj:
                    break
                t /= 2
                if t < 1e-10:  # no decrease possible in floating point: we are at the optimum
                    return params, it, bool(decrement / 2 < 1e-6 * max(1.0, abs(obj)))
            params, obj = candidate, new_obj
        return params, self.max_iter, False

    def _coordinate_descent(self, D, y, l1):
        """Proximal Newton for NLL + sum(l1 * |b|): a weighted least-squares model of the NLL,
        minimized by cyclic coordinate descent with soft thresholding, then a line search."""
        k = D.shape[1]
        params = np.zeros(k)

        def objective(b):
            return self._objective(D, y, b, np.zeros(k)) + np.sum(l1 * np.abs(b))

        obj = objective(params)
        for it in range(1, self.max_iter + 1):
            eta = D @ params
            p = expit(eta)
            w = np.maximum(p * (1 - p), 1e-12)
            z = eta + (y - p) / w                  # working response of IRLS
            col_sq = (D**2 * w[:, None]).sum(axis=0)
            new = params.copy()
            resid = z - D @ new
            for _ in range(1000):                  # inner coordinate descent on the quadratic model
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
            direction = new - params
            t = 1.0
            while True:                            # backtracking keeps the objective decreasing
                candidate = params + t * direction
                new_obj = objective(candidate)
                if new_obj <= obj or t < 1e-10:
                    break
                t /= 2
            change = obj - new_obj
            params, obj = candidate, new_obj
            if 0 <= change < self.tol * max(1.0, abs(obj)):
                return params, it, True
        return params, self.max_iter, False

    @staticmethod
    def _separated(D, y) -> bool:
        """Is there a direction b != 0 with (2y - 1) x'b >= 0 for every sample?

        A linear program (Konis, 2007): maximize sum_i (2y_i - 1) x_i'b subject to those
        inequalities and -1 <= b <= 1. The optimum is positive exactly when the classes are
        (quasi-)completely separated, which is when the logistic MLE does not exist.
        """
        signed = D * (2 * y - 1)[:, None]
        res = optimize.linprog(-signed.sum(axis=0), A_ub=-signed, b_ub=np.zeros(len(y)),
                               bounds=[(-1, 1)] * D.shape[1], method="highs")
        return bool(res.status == 0 and -res.fun > 1e-7 * max(1.0, np.abs(signed).sum()))

    def _check_separation(self, D, y, params, converged):
        # Only run the linear program when the fit looks suspicious: not converged, or some
        # fitted probabilities indistinguishable from 0 or 1.
        eta = D @ params
        if converged and np.max(np.abs(eta)) < 30:
            return
        if self._separated(D, y):
            raise SeparationError(
                "the classes are separated by a hyperplane in X (perfect or quasi-complete separation): "
                "the log-likelihood keeps increasing as the coefficients grow, so the maximum-likelihood "
                "estimate does not exist. Use a prior, which keeps them finite: "
                "LogisticRegression(prior='gaussian', prior_scale=...)")
