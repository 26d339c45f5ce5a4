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

All follow scikit-learn's conventions (``fit`` returns ``self``; fitted attributes end in
``_``) and carry what statsmodels users expect: ``params_`` with the intercept first,
standard errors ``se_`` from the observed information, ``loglik_`` and ``conf_int()``.

Examples
--------
>>> import numpy as np
>>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
>>> LinearRegression().fit(X, [1.0, 3.5, 5.0, 7.0]).coef_.round(6)
array([1.95])
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy import linalg, optimize, special, stats
from scipy.special import expit, log_expit

from . import validation as v

__all__ = ["LinearRegression", "LogisticRegression", "SoftmaxRegression", "SeparationError"]

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


def _check_identified(D: np.ndarray, remedy: str) -> None:
    """Without a prior the coefficients are identified only if the design has full column rank."""
    n, k = D.shape
    if n >= k:
        # The rank comes from an SVD of D, which costs more than a Newton iteration. The
        # eigenvalues of the small matrix D'D are the squared singular values, computed to
        # within about n * eps of the largest: when the smallest is clearly positive (D's
        # condition number is below 1e4), the rank is surely full and the SVD can be skipped.
        squared = np.linalg.eigvalsh(D.T @ D)
        if squared[0] > 1e-8 * squared[-1]:
            return
    rank = np.linalg.matrix_rank(D)
    if rank < k:
        raise ValueError(f"the design matrix (X, after the intercept column when fit_intercept=True) has rank "
                         f"{rank} below its {k} columns: a column is a linear combination of the others (or there "
                         f"are fewer rows than columns), so the coefficients are not identified; drop collinear "
                         f"features or use {remedy}")


def _inverse(information: np.ndarray) -> np.ndarray:
    """Covariance as the inverse of a positive-definite information matrix, via Cholesky."""
    return linalg.cho_solve(linalg.cho_factor(information), np.eye(information.shape[0]))


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


class _NewtonRegression(_Regression):
    """Shared settings of the regressions fitted iteratively (logistic, softmax)."""

    #: The priors this model accepts.
    priors: tuple = (None, "gaussian")

    def __init__(self, prior: str | None = None, prior_scale: float | None = None, fit_intercept: bool = True,
                 tol: float = 1e-10, max_iter: int = 100):
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

    @staticmethod
    def _halve_step(objective, current, step, obj):
        """Halve a Newton step until the objective (to minimize) does not increase.

        Returns the new point and its objective, or None when no step down to ``1e-10`` of
        the full one decreases it: in floating point, ``current`` is then the optimum.
        """
        t = 1.0
        while t >= 1e-10:
            candidate = current + t * step
            new_obj = objective(candidate)
            if new_obj <= obj:
                return candidate, new_obj
            t /= 2
        return None

    def _warn_if_not_converged(self, converged: bool) -> None:
        if not converged:
            warnings.warn(f"{type(self).__name__} did not converge in {self.max_iter} iterations", RuntimeWarning,
                          stacklevel=3)


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
    """

    def __init__(self, fit_intercept: bool = True, prior: str | None = None, prior_scale: float | None = None):
        self.fit_intercept = fit_intercept
        self.prior = prior
        self.prior_scale = prior_scale

    def fit(self, X, y) -> "LinearRegression":
        """Fit by least squares (maximum likelihood) or ridge (MAP); returns ``self``."""
        scale = _check_prior(self.prior, self.prior_scale, (None, "gaussian"))
        v.check_bool(self.fit_intercept, "fit_intercept")
        X, y = self._check_xy(X, y, "real")
        D = _design(X, self.fit_intercept)
        n, k = D.shape
        penalty = np.zeros(k)
        if scale is not None:
            penalty[int(self.fit_intercept):] = 1.0 / scale
        else:
            _check_identified(D, "prior='gaussian'")
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
        # An exact fit (residuals at rounding-error level) leaves no noise to estimate.
        if self.sigma2_ == 0 or (scale is None and self.rss_ <= 1e-20 * float(y @ y)):
            raise ValueError("the model fits y exactly (the residual sum of squares is 0 up to rounding), so the "
                             "estimate of the noise variance is 0 and the log-likelihood is unbounded: the "
                             "maximum-likelihood estimate does not exist. Use more observations than coefficients, "
                             "or a prior")
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


class LogisticRegression(_NewtonRegression):
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
        Convergence tolerance on the objective. Newton's method stops when one more step
        would improve it by less than ``tol`` (half the Newton decrement), and takes that
        last step; coordinate descent (Laplace) when it changes by less than ``tol``,
        relative.
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
    array([0.57, 1.74])
    """

    priors = PRIORS

    # ------------------------------------------------------------------ public
    def fit(self, X, y) -> "LogisticRegression":
        """Fit by Newton's method (MLE, Gaussian prior) or coordinate descent (Laplace); returns ``self``."""
        scale = self._check_settings()
        X, y = self._check_xy(X, y, "binary")
        D = _design(X, self.fit_intercept)
        n, k = D.shape
        penalized = np.ones(k, dtype=bool)
        penalized[0] = not self.fit_intercept
        if scale is None:
            _check_identified(D, "a prior")

        if self.prior == "laplace":
            params, n_iter, converged = self._coordinate_descent(D, y, penalized / scale)
        else:
            precision = penalized / scale if scale is not None else np.zeros(k)
            params, n_iter, converged, info = self._newton(D, y, precision)
            if scale is None:
                self._check_separation(D, y, params, converged)

        self._store(params)
        eta = D @ params
        self.loglik_ = float(np.sum(log_expit((2 * y - 1) * eta)))
        self.n_iter_, self.converged_ = n_iter, converged
        if self.prior == "laplace":
            self.cov_ = np.full((k, k), np.nan)
        else:
            self.cov_ = _inverse(info)
        self.se_ = np.sqrt(np.diag(self.cov_))
        self.n_obs_ = n
        self._warn_if_not_converged(converged)
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
        """Negative log-likelihood plus the Gaussian prior's penalty.

        An observation's likelihood is ``sigmoid(eta)`` when ``y = 1`` and ``sigmoid(-eta)``
        when ``y = 0``: in one formula ``sigmoid((2y - 1) eta)``, one ``log_expit`` each.
        """
        eta = D @ params
        return -np.sum(log_expit((2 * y - 1) * eta)) + 0.5 * np.sum(precision * params**2)

    @staticmethod
    def _information(D, p, precision):
        """The Hessian of the objective, ``X'WX + P`` with weights ``w_i = p_i (1 - p_i)``:
        the observed information plus the prior's curvature."""
        return (D * (p * (1 - p))[:, None]).T @ D + np.diag(precision)

    def _newton(self, D, y, precision):
        """Newton's method with step halving: each step solves (X'WX + P) d = X'(y - p) - P b.

        Returns the estimate, the iterations used, whether they converged, and the Hessian
        ``X'WX + P`` at the estimate, which ``fit`` inverts for the standard errors.
        """
        params = np.zeros(D.shape[1])
        obj = self._objective(D, y, params, precision)
        for it in range(1, self.max_iter + 1):
            p = expit(D @ params)
            grad = D.T @ (y - p) - precision * params          # gradient of the log posterior
            hess = self._information(D, p, precision)
            try:
                step = linalg.cho_solve(linalg.cho_factor(hess), grad)
            except linalg.LinAlgError:                           # weights underflowed: separation
                return params, it, False, hess
            decrement = grad @ step
            if decrement / 2 < self.tol:
                # Converged. The step is already computed, so take it: near the optimum each
                # Newton step squares the error, so only rounding error is left. The Hessian is
                # then recomputed at the estimate, for the standard errors.
                params = params + step
                return params, it, True, self._information(D, expit(D @ params), precision)
            halved = self._halve_step(lambda b: self._objective(D, y, b, precision), params, step, obj)
            if halved is None:  # no decrease possible in floating point: we are at the optimum
                return params, it, bool(decrement / 2 < 1e-6 * max(1.0, abs(obj))), hess
            params, obj = halved
        return params, self.max_iter, False, self._information(D, expit(D @ params), precision)

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


class SoftmaxRegression(_NewtonRegression):
    """Multinomial logistic (softmax) regression, fitted by minimizing the cross-entropy.

    For classes ``0, ..., k-1`` the model is ``P(y = j | x) = softmax(eta)_j`` with one linear
    predictor per class, ``eta_j = b0_j + x'b_j``. Adding the same vector to every class's
    coefficients does not change the probabilities, so the parameters are identified only
    after fixing one class: this class uses the **reference-class parametrization**, with
    class 0's intercept and coefficients fixed at zero (as statsmodels' ``MNLogit`` does).
    Then ``eta_j`` is the log-odds of class ``j`` against class 0. The maximum-likelihood
    estimate minimizes the summed cross-entropy (the negative log-likelihood); it is found by
    Newton's method with step halving, using the analytic gradient and Hessian.

    With two classes this is exactly :class:`LogisticRegression` (class 1 against class 0).

    Parameters
    ----------
    prior : None or "gaussian"
        ``None``: maximum likelihood. ``"gaussian"``: MAP with independent ``N(0, prior_scale)``
        priors on the coefficients of classes ``1..k-1`` (the L2 penalty
        ``||B||^2 / (2 prior_scale)``; intercepts are not penalized). In the reference-class
        parametrization this shrinks every class towards class 0, so it is not the same fit as
        scikit-learn's L2 penalty, which acts on a symmetric parametrization.
    prior_scale : float
        The prior variance of each coefficient.
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

    # ------------------------------------------------------------------ public
    def fit(self, X, y) -> "SoftmaxRegression":
        """Fit by Newton's method on the cross-entropy (MLE) or its penalized form (MAP); returns ``self``."""
        scale = self._check_settings()
        X = v.as_matrix(X, "X")
        y = v.as_data(y, "count", name="y")
        if y.size != X.shape[0]:
            raise ValueError(f"X has {X.shape[0]} rows but y has {y.size} values")
        labels = y.astype(np.intp)
        k = int(labels.max()) + 1
        if k < 2:
            raise ValueError("y contains a single class (0): at least two classes are needed")
        counts = np.bincount(labels, minlength=k)
        if np.any(counts == 0):
            missing = int(np.argmin(counts))
            raise ValueError(f"y must contain every label 0..{k - 1} (class labels are 0..k-1), but class "
                             f"{missing} never occurs; relabel the classes 0..k-1")
        D = _design(X, self.fit_intercept)
        n, m = D.shape
        if scale is None:
            _check_identified(D, "a prior")
        onehot = np.zeros((n, k))
        onehot[np.arange(n), labels] = 1.0
        precision = np.ones((m, k - 1))
        if self.fit_intercept:
            precision[0] = 0.0
        precision = precision / scale if scale is not None else np.zeros((m, k - 1))

        W, n_iter, converged = self._newton(D, onehot, precision)
        if scale is None:
            self._check_separation(D, labels, W, converged, k)

        self.classes_ = np.arange(k)
        self.params_ = W
        full = np.column_stack([np.zeros(m), W])             # (m, k): class 0 is the reference
        if self.fit_intercept:
            self.intercept_, self.coef_ = full[0].copy(), full[1:].T.copy()
        else:
            self.intercept_, self.coef_ = np.zeros(k), full.T.copy()
        logp = special.log_softmax(D @ full, axis=1)
        self.loglik_ = float(logp[np.arange(n), labels].sum())
        info = self._hessian(D, np.exp(logp), precision)
        self.cov_ = _inverse(info)
        self.se_ = np.sqrt(np.diag(self.cov_)).reshape(k - 1, m).T
        self.n_iter_, self.converged_, self.n_obs_ = n_iter, converged, n
        self._warn_if_not_converged(converged)
        return self

    def decision_function(self, X) -> np.ndarray:
        """The linear predictors ``eta`` (logits), one column per class, column 0 all zeros."""
        X = self._check_X(X)
        return self.intercept_ + X @ self.coef_.T

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities ``softmax(eta)``, one row per sample, one column per class."""
        return special.softmax(self.decision_function(X), axis=1)

    def predict(self, X) -> np.ndarray:
        """The most probable class of each sample."""
        return np.argmax(self.decision_function(X), axis=1)

    def conf_int(self, level: float = 0.95) -> np.ndarray:
        """Wald intervals ``params_ +- z * se_``: shape ``params_.shape + (2,)``, lower then upper."""
        self._check_fitted()
        level = v.check_level(level)
        z = stats.norm.ppf(0.5 + level / 2)
        return np.stack([self.params_ - z * self.se_, self.params_ + z * self.se_], axis=-1)

    def _check_X(self, X):
        self._check_fitted()
        X = v.as_matrix(X, "X")
        if X.shape[1] != self.coef_.shape[1]:
            raise ValueError(f"X has {X.shape[1]} features but the model was fitted with {self.coef_.shape[1]}")
        return X

    # ------------------------------------------------------------------ solver
    @staticmethod
    def _objective(D, onehot, W, precision):
        """Summed cross-entropy (the negative log-likelihood) plus the Gaussian prior's penalty."""
        eta = D @ W
        # log-sum-exp over the k classes, class 0 contributing exp(0)
        top = np.maximum(eta.max(axis=1), 0.0)
        lse = top + np.log(np.exp(-top) + np.exp(eta - top[:, None]).sum(axis=1))
        return float(lse.sum() - np.sum(onehot[:, 1:] * eta) + 0.5 * np.sum(precision * W**2))

    @staticmethod
    def _probabilities(D, W):
        return special.softmax(np.column_stack([np.zeros(D.shape[0]), D @ W]), axis=1)

    @staticmethod
    def _hessian(D, P, precision):
        """Hessian of the penalized NLL in the class-by-class order: block (j, l) is
        ``D' diag(p_j (delta_jl - p_l)) D`` for classes j, l = 1..k-1."""
        m, c = D.shape[1], P.shape[1] - 1
        H = np.empty((m * c, m * c))
        for j in range(c):
            for l in range(j, c):
                w = P[:, j + 1] * ((j == l) - P[:, l + 1])
                block = (D * w[:, None]).T @ D
                H[j * m:(j + 1) * m, l * m:(l + 1) * m] = block
                H[l * m:(l + 1) * m, j * m:(j + 1) * m] = block.T
        H[np.diag_indices_from(H)] += precision.T.ravel()
        return H

    def _newton(self, D, onehot, precision):
        """Newton's method with step halving on the penalized NLL."""
        m, c = D.shape[1], onehot.shape[1] - 1
        W = np.zeros((m, c))
        obj = self._objective(D, onehot, W, precision)
        for it in range(1, self.max_iter + 1):
            P = self._probabilities(D, W)
            grad = D.T @ (onehot[:, 1:] - P[:, 1:]) - precision * W     # gradient of the log posterior
            g = grad.T.ravel()
            try:
                step = linalg.cho_solve(linalg.cho_factor(self._hessian(D, P, precision)), g)
            except linalg.LinAlgError:                                  # curvature vanished: separation
                return W, it, False
            decrement = g @ step
            step = step.reshape(c, m).T
            if decrement / 2 < self.tol:
                return W + step, it, True     # converged: take the computed step, squaring the error
            halved = self._halve_step(lambda w: self._objective(D, onehot, w, precision), W, step, obj)
            if halved is None:  # no decrease possible in floating point: we are at the optimum
                return W, it, bool(decrement / 2 < 1e-6 * max(1.0, abs(obj)))
            W, obj = halved
        return W, self.max_iter, False

    @staticmethod
    def _separated(D, labels, k) -> bool:
        """Is there a nonzero B (class 0's coefficients fixed at 0) with
        ``x_i'(b_{y_i} - b_j) >= 0`` for every sample i and every class j?

        Along such a direction no sample's log-probability ever decreases, so the MLE does not
        exist (complete or quasi-complete separation). As for two classes, a linear program
        decides it: maximize the sum of those margins within the box ``-1 <= B <= 1``.
        """
        n, m = D.shape
        rows = []
        for r in range(1, k):                         # every competing class j = y_i + r (mod k)
            other = (labels + r) % k
            A = np.zeros((n, k, m))
            A[np.arange(n), labels] += D
            A[np.arange(n), other] -= D
            rows.append(A[:, 1:, :].reshape(n, (k - 1) * m))
        A = np.vstack(rows)
        res = optimize.linprog(-A.sum(axis=0), A_ub=-A, b_ub=np.zeros(A.shape[0]),
                               bounds=[(-1, 1)] * A.shape[1], method="highs")
        return bool(res.status == 0 and -res.fun > 1e-7 * max(1.0, np.abs(A).sum()))

    def _check_separation(self, D, labels, W, converged, k):
        eta = D @ W
        if converged and np.max(np.abs(eta)) < 30:
            return
        if self._separated(D, labels, k):
            raise SeparationError(
                "the classes are separated by hyperplanes in X (perfect or quasi-complete separation): "
                "the log-likelihood keeps increasing as the coefficients grow, so the maximum-likelihood "
                "estimate does not exist. Use a prior, which keeps them finite: "
                "SoftmaxRegression(prior='gaussian', prior_scale=...)")
