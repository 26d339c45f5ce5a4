"""Gaussian mixtures fitted by maximum likelihood with the EM algorithm.

A mixture of ``k`` Gaussians in ``d`` dimensions has the density

    p(x) = sum_j  w_j N(x | mu_j, Sigma_j),

with weights ``w_j > 0`` summing to one. Its log-likelihood has a sum inside the logarithm,
which is computed here with a log-sum-exp so that it stays finite for points far from every
component. The module gives the pieces of the EM algorithm as plain functions, so that a
chapter can run EM by hand and read each step:

* :func:`component_logpdf`: ``log N(x_i | mu_j, Sigma_j)`` for every sample and component;
* :func:`loglik`: the total log-likelihood of a sample;
* :func:`e_step`: the responsibilities ``r_ij = P(z_i = j | x_i)`` and the log-likelihood;
* :func:`m_step`: the weighted maximum-likelihood estimates given the responsibilities;
* :func:`lower_bound`: the bound ``sum_ij r_ij log(w_j N(x_i | mu_j, Sigma_j) / r_ij)`` that EM
  raises at every step;

and :class:`GaussianMixture`, the estimator that runs EM to convergence with restarts. Every
density is evaluated through the Cholesky factor of its covariance, never an inverse.

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> X = np.r_[rng.normal(-3, 1, size=(200, 1)), rng.normal(3, 1, size=(200, 1))]
>>> gm = GaussianMixture(n_components=2, rng=0).fit(X)
>>> np.sort(gm.means_[:, 0]).round(1)
array([-3. ,  2.9])
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import logsumexp
from sklearn.base import BaseEstimator, DensityMixin

from . import validation as v

__all__ = [
    "GaussianMixture",
    "SingularityError",
    "component_logpdf",
    "loglik",
    "e_step",
    "m_step",
    "lower_bound",
]

INIT_METHODS = ("k-means++", "random")
CONVERGENCE_RULES = ("gain", "scikit-learn")
LOG_2PI = np.log(2 * np.pi)
#: Added to each component's total responsibility before dividing by it, so that an empty
#: component gives finite numbers instead of 0 / 0 (the same guard scikit-learn uses).
EMPTY_GUARD = 10 * np.finfo(float).eps


class SingularityError(ValueError):
    """A component's covariance is singular: the component has collapsed onto too few points.

    The likelihood of a Gaussian mixture is unbounded: put one component's mean on a data
    point and let its covariance shrink, and that point's density grows without limit. EM can
    walk into this singularity. ``reg_covar > 0`` keeps every covariance away from it.
    """


# --------------------------------------------------------------------------- input checks
def _check_params(weights, means, covariances, n_features: int | None = None):
    """Validate mixture parameters; return them as float arrays and the Cholesky factors."""
    means = np.asarray(v.as_matrix(means, "means"))
    k, d = means.shape
    if n_features is not None and d != n_features:
        raise ValueError(f"means has {d} columns but X has {n_features} features")
    weights = v.check_probability_vector(weights, k, "weights", closed=False, atol=1e-8)
    covariances = v.as_array(covariances, "covariances")
    if covariances.shape != (k, d, d):
        raise ValueError(
            f"covariances must have shape (n_components, n_features, n_features) = "
            f"{(k, d, d)}, got {covariances.shape}"
        )
    v.check_finite(covariances, "covariances")
    if not np.allclose(covariances, np.swapaxes(covariances, 1, 2), rtol=1e-10, atol=1e-12):
        raise ValueError("covariances must be symmetric matrices")
    return (
        weights / weights.sum(),
        means,
        covariances,
        _cholesky(covariances, floor=0.0, what="covariances"),
    )


def _cholesky(covariances: np.ndarray, floor: float, what: str) -> np.ndarray:
    """Lower Cholesky factors of a stack of covariances, or a SingularityError saying which.

    ``floor`` is the smallest conditional variance (squared diagonal of the factor) accepted:
    below it a matrix is singular to within rounding.
    """
    try:
        chol = np.linalg.cholesky(covariances)
    except np.linalg.LinAlgError:
        chol = None
    if chol is not None:
        smallest = np.min(np.diagonal(chol, axis1=1, axis2=2) ** 2, axis=1)
        bad = np.flatnonzero(~(smallest > floor))
        if bad.size == 0:
            return chol
    else:
        bad = [j for j, c in enumerate(covariances) if np.any(np.linalg.eigvalsh(c) <= floor)]
        bad = bad or [0]
    j = int(bad[0])
    smallest_eig = float(np.linalg.eigvalsh(covariances[j])[0])
    if what == "covariances":
        raise SingularityError(
            f"covariances[{j}] is not positive definite (smallest eigenvalue {smallest_eig:.3g})"
        )
    raise SingularityError(
        f"{what}: the covariance of component {j} (counting from 0) became singular "
        f"(smallest eigenvalue {smallest_eig:.3g}). "
        "The component has collapsed onto too few points, where the "
        "likelihood is unbounded: it grows without limit as the variance shrinks. Use "
        "reg_covar > 0 (the default is 1e-6), fewer components, or another start."
    )


def _check_resp(resp, n_samples: int, name: str = "resp") -> np.ndarray:
    resp = v.as_matrix(resp, name)
    if resp.shape[0] != n_samples:
        raise ValueError(f"{name} has {resp.shape[0]} rows but X has {n_samples} samples")
    if resp.min() < 0 or not np.allclose(resp.sum(axis=1), 1.0, atol=1e-8):
        raise ValueError(
            f"{name} must have non-negative rows that sum to 1 (one probability "
            "vector over the components per sample)"
        )
    return resp


# --------------------------------------------------------------------------- the pieces of EM
def _log_gaussian(X: np.ndarray, means: np.ndarray, chol: np.ndarray) -> np.ndarray:
    """``log N(x_i | mu_j, L_j L_j')`` for all i, j, from the Cholesky factors ``L_j``.

    With ``y = L^{-1}(x - mu)`` the quadratic form is ``|y|^2`` and the log-determinant is
    ``2 sum log diag L``. The small inverses ``L_j^{-1}`` (d by d) are solved for first, and
    all components are done in one matrix product: column block ``j`` of ``X A`` is
    ``X L_j^{-T}``, so the data are read once.
    """
    d = X.shape[1]
    k = means.shape[0]
    inv = np.linalg.solve(chol, np.broadcast_to(np.eye(d), chol.shape))  # L_j^{-1}, (k, d, d)
    y = X @ inv.transpose(2, 0, 1).reshape(d, k * d)  # (n, k d)
    y -= np.einsum("jab,jb->ja", inv, means).reshape(-1)  # minus L_j^{-1} mu_j
    y *= y
    out = y @ np.kron(np.eye(k), np.ones((d, 1)))  # sum each block: |y_ij|^2
    out += 2 * np.log(np.diagonal(chol, axis1=1, axis2=2)).sum(axis=1) + d * LOG_2PI
    out *= -0.5
    return out


def _weighted_log_densities(X, weights, means, chol):
    """``log w_j + log N(x_i | mu_j, Sigma_j)``, and ``log p(x_i)`` by log-sum-exp over ``j``."""
    joint = _log_gaussian(X, means, chol)
    joint += np.log(weights)
    return joint, logsumexp(joint, axis=1)


def _posterior(X, weights, means, chol):
    """The E-step's two results at once: responsibilities and ``log p(x_i)``.

    This is the log-sum-exp written out: subtract each row's largest term, exponentiate
    (every value is now at most 1, so nothing overflows and the largest term is exactly 1,
    so the sum cannot underflow), sum, and add the largest term back after the log. The
    exponentials are then reused for the responsibilities. ``scipy.special.logsumexp``
    computes the same ``log p(x_i)`` but, being general, costs several times more than the
    rest of an EM iteration together (see ``benchmarks/run.py``).
    """
    joint = _log_gaussian(X, means, chol)
    joint += np.log(weights)
    top = joint.max(axis=1, keepdims=True)
    joint -= top
    resp = np.exp(joint, out=joint)
    total = resp.sum(axis=1)
    resp /= total[:, None]
    return resp, top[:, 0] + np.log(total)


def _m_step(X: np.ndarray, resp: np.ndarray, reg_covar: float):
    """Weighted MLEs: ``N_j = sum_i r_ij``, ``w_j = N_j / n``, weighted means and covariances."""
    d = X.shape[1]
    totals = resp.sum(axis=0) + EMPTY_GUARD
    weights = totals / totals.sum()
    means = (resp.T @ X) / totals[:, None]
    covariances = np.empty((means.shape[0], d, d))
    for j in range(means.shape[0]):
        centred = X - means[j]
        covariances[j] = (resp[:, j, None] * centred).T @ centred / totals[j]
        covariances[j].flat[:: d + 1] += reg_covar
    return weights, means, covariances


def component_logpdf(X, means, covariances) -> np.ndarray:
    """Log-density of every sample under every component, ``log N(x_i | mu_j, Sigma_j)``.

    Parameters
    ----------
    X : array_like of shape (n_samples, n_features)
        The data (a 1-D array is one feature).
    means : array_like of shape (n_components, n_features)
    covariances : array_like of shape (n_components, n_features, n_features)
        Symmetric positive definite matrices.

    Returns
    -------
    ndarray of shape (n_samples, n_components)

    Examples
    --------
    >>> component_logpdf([[0.0]], [[0.0]], [[[1.0]]]).round(4)
    array([[-0.9189]])
    """
    X = v.as_matrix(X, "X")
    k = v.as_matrix(means, "means").shape[0]
    _, means, covariances, chol = _check_params(np.full(k, 1 / k), means, covariances, X.shape[1])
    return _log_gaussian(X, means, chol)


def loglik(X, weights, means, covariances) -> float:
    """Total log-likelihood ``sum_i log sum_j w_j N(x_i | mu_j, Sigma_j)`` of the sample ``X``.

    The inner sum is a log-sum-exp, so far-away points do not underflow to ``log 0``.

    Examples
    --------
    >>> round(loglik([[0.0], [1.0]], [0.5, 0.5], [[0.0], [1.0]], [[[1.0]], [[1.0]]]), 4)
    -2.276
    """
    X = v.as_matrix(X, "X")
    weights, means, _, chol = _check_params(weights, means, covariances, X.shape[1])
    return float(_weighted_log_densities(X, weights, means, chol)[1].sum())


def e_step(X, weights, means, covariances) -> tuple[np.ndarray, float]:
    """The E-step: responsibilities ``r_ij = w_j N(x_i | j) / sum_l w_l N(x_i | l)``.

    Returns
    -------
    resp : ndarray of shape (n_samples, n_components)
        The posterior probability that sample ``i`` came from component ``j``; rows sum to 1.
    loglik : float
        The total log-likelihood at the given parameters (the normalizers of the rows).

    Examples
    --------
    >>> resp, ll = e_step([[0.0]], [0.5, 0.5], [[0.0], [2.0]], [[[1.0]], [[1.0]]])
    >>> resp.round(4)
    array([[0.8808, 0.1192]])
    """
    X = v.as_matrix(X, "X")
    weights, means, _, chol = _check_params(weights, means, covariances, X.shape[1])
    resp, log_norm = _posterior(X, weights, means, chol)
    return resp, float(log_norm.sum())


def m_step(X, resp, reg_covar: float = 0.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The M-step: each component's weighted maximum-likelihood estimates.

    With ``N_j = sum_i r_ij``: ``w_j = N_j / n``, ``mu_j = sum_i r_ij x_i / N_j`` and
    ``Sigma_j = sum_i r_ij (x_i - mu_j)(x_i - mu_j)' / N_j``, plus ``reg_covar`` on the diagonal.

    Returns
    -------
    weights : ndarray of shape (n_components,)
    means : ndarray of shape (n_components, n_features)
    covariances : ndarray of shape (n_components, n_features, n_features)

    Examples
    --------
    >>> w, mu, cov = m_step([[0.0], [2.0]], [[1.0, 0.0], [0.5, 0.5]])
    >>> w, mu.ravel().round(4), cov.ravel().round(4)
    (array([0.75, 0.25]), array([0.6667, 2.    ]), array([0.8889, 0.    ]))
    """
    X = v.as_matrix(X, "X")
    resp = _check_resp(resp, X.shape[0])
    reg_covar = v.check_positive(reg_covar, "reg_covar", allow_zero=True)
    return _m_step(X, resp, reg_covar)


def lower_bound(X, resp, weights, means, covariances) -> float:
    """The EM lower bound ``sum_ij r_ij [log w_j + log N(x_i | mu_j, Sigma_j) - log r_ij]``.

    By Jensen's inequality it is at most :func:`loglik` for any responsibilities, with
    equality when ``resp`` is the E-step's posterior at the same parameters.

    Examples
    --------
    >>> X, w, mu, cov = [[0.0], [1.0]], [0.5, 0.5], [[0.0], [1.0]], [[[1.0]], [[1.0]]]
    >>> resp, ll = e_step(X, w, mu, cov)
    >>> bool(np.isclose(lower_bound(X, resp, w, mu, cov), ll))
    True
    """
    X = v.as_matrix(X, "X")
    resp = _check_resp(resp, X.shape[0])
    weights, means, _, chol = _check_params(weights, means, covariances, X.shape[1])
    if resp.shape[1] != means.shape[0]:
        raise ValueError(
            f"resp has {resp.shape[1]} columns but there are {means.shape[0]} components"
        )
    joint = _log_gaussian(X, means, chol) + np.log(weights)
    safe = np.where(resp > 0, resp, 1.0)
    return float(np.sum(np.where(resp > 0, resp * (joint - np.log(safe)), 0.0)))


# --------------------------------------------------------------------------- the estimator
class GaussianMixture(DensityMixin, BaseEstimator):
    """A mixture of Gaussians with full covariances, fitted by the EM algorithm.

    A scikit-learn estimator (``get_params``/``set_params``, so ``clone``, ``Pipeline`` and
    ``GridSearchCV`` work); every argument is keyword-only.

    Parameters
    ----------
    n_components : int
        Number of components ``k``.
    tol : float
        EM stops when one iteration raises the *mean* log-likelihood per sample by less than
        ``tol``. The default ``1e-10`` is small enough that the fit reaches the optimum to the
        precision anything in the book prints: EM converges linearly, so when the gain per
        step is ``g`` and each gain is a fraction ``r`` of the previous one, the remaining gap
        is about ``g r / (1 - r)``, under ``1e-7`` per sample even for slow, overlapping
        components (``r = 0.999``). Yet it stays far above rounding error in the mean
        (about ``1e-16`` relative). scikit-learn's default ``1e-3`` stops visibly short when
        components overlap.
    convergence : {"gain", "scikit-learn"}
        Which iteration's gain is compared with ``tol``. ``"gain"``: the one just run, so EM
        stops after the first M-step that raises the mean log-likelihood by less than ``tol``.
        ``"scikit-learn"``: the one before, which is scikit-learn's rule (it computes the
        log-likelihood in the E-step, at the parameters from before the M-step), so EM runs
        one more iteration. With the same ``tol``, ``reg_covar`` and starting values, this
        repeats scikit-learn's ``GaussianMixture`` iteration for iteration, ``n_iter_``
        included.
    max_iter : int
        The most EM iterations per start.
    reg_covar : float
        Added to the diagonal of every covariance at every M-step (as in scikit-learn),
        keeping each component away from the singularity where it collapses onto a point.
        With ``reg_covar = 0`` a collapse raises :class:`SingularityError`.
    n_init : int
        Number of starts; the fit with the highest final log-likelihood is kept.
    init_params : {"k-means++", "random"}
        How a start is drawn. ``"k-means++"``: means are data points chosen by k-means++
        seeding (the first uniformly, each next one with probability proportional to the
        squared distance to the nearest mean already chosen); every covariance is the
        covariance of the whole data set (plus ``reg_covar``); the weights are equal.
        ``"random"``: each sample's responsibilities are drawn uniformly on the simplex
        (a flat Dirichlet), followed by one M-step.
    rng : int or numpy.random.Generator
        The randomness of the starts: an int seed (the default 0) makes every fit repeatable;
        a ``numpy.random.Generator`` is drawn from, and so advanced, by every fit. Restarts
        draw one after another from the same generator.
    weights_init, means_init, covariances_init : array_like, optional
        Starting values replacing the corresponding drawn ones (shapes ``(k,)``,
        ``(k, d)``, ``(k, d, d)``), e.g. to start two implementations at the same point.
        They require ``n_init = 1``.

    Attributes
    ----------
    weights_ : ndarray of shape (k,)
    means_ : ndarray of shape (k, d)
    covariances_ : ndarray of shape (k, d, d)
    params_ : tuple
        ``(weights_, means_, covariances_)``, in the order :func:`loglik` and :func:`e_step`
        take them. (EM gives no information matrix, so there are no ``cov_`` and ``se_``.)
    loglik_ : float
        The total log-likelihood of the training data at the fitted parameters.
    nobs_, n_features_in_ : int
        The numbers of samples and features of the training data.
    loglik_trace_ : ndarray, one entry per iteration
        The total log-likelihood after every iteration (after each M-step) of the kept start;
        EM never lets it decrease.
    initial_loglik_ : float
        The total log-likelihood at the kept start, before the first iteration.
    restart_logliks_ : ndarray of shape (n_init,)
        The final total log-likelihood of every start, in the order they were run.
    converged_ : bool
    n_iter_ : int
        The EM iterations of the kept start.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> X = np.r_[rng.normal(0, 1, size=(150, 2)), rng.normal(4, 1, size=(150, 2))]
    >>> gm = GaussianMixture(n_components=2, rng=0).fit(X)
    >>> bool(np.all(np.diff(gm.loglik_trace_) >= -1e-9)), gm.converged_
    (True, True)
    >>> gm.loglik_ == loglik(X, *gm.params_)
    True
    >>> round(gm.score(X), 4) == round(gm.loglik_ / len(X), 4)
    True
    """

    def __init__(
        self,
        *,
        n_components: int = 1,
        tol: float = 1e-10,
        convergence: str = "gain",
        max_iter: int = 10_000,
        reg_covar: float = 1e-6,
        n_init: int = 1,
        init_params: str = "k-means++",
        rng: int | np.random.Generator = 0,
        weights_init: ArrayLike | None = None,
        means_init: ArrayLike | None = None,
        covariances_init: ArrayLike | None = None,
    ):
        self.n_components = n_components
        self.tol = tol
        self.convergence = convergence
        self.max_iter = max_iter
        self.reg_covar = reg_covar
        self.n_init = n_init
        self.init_params = init_params
        self.rng = rng
        self.weights_init = weights_init
        self.means_init = means_init
        self.covariances_init = covariances_init

    # ------------------------------------------------------------------ fitting
    def fit(self, X: ArrayLike, y: None = None) -> GaussianMixture:
        """Fit by EM from ``n_init`` starts, keeping the best.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
            The data (a 1-D array is one feature).
        y : None
            Ignored: there for scikit-learn's ``Pipeline``.

        Returns
        -------
        GaussianMixture
            ``self``, fitted.

        Raises
        ------
        ValueError
            For bad data or settings (non-finite or empty ``X``, ``n_components`` outside
            ``1..n_samples``, starting values of the wrong shape).
        SingularityError
            When ``reg_covar = 0`` and a component's covariance becomes singular.
        """
        X = v.as_matrix(X, "X")
        n, d = X.shape
        k = v.check_positive_int(self.n_components, "n_components")
        if k > n:
            raise ValueError(
                f"n_components={k} is larger than the number of samples {n}: "
                "each component needs data"
            )
        tol = v.check_positive(self.tol, "tol", allow_zero=True)
        if self.convergence not in CONVERGENCE_RULES:
            raise ValueError(
                f"convergence must be one of {CONVERGENCE_RULES}, got {self.convergence!r}"
            )
        max_iter = v.check_positive_int(self.max_iter, "max_iter")
        reg = v.check_positive(self.reg_covar, "reg_covar", allow_zero=True)
        n_init = v.check_positive_int(self.n_init, "n_init")
        if self.init_params not in INIT_METHODS:
            raise ValueError(f"init_params must be one of {INIT_METHODS}, got {self.init_params!r}")
        given = self._check_init(k, d, n_init)
        rng = v.check_rng(self.rng, "rng")
        # Below this, a variance is rounding noise at the scale of the data.
        floor = (
            10 * np.finfo(float).eps * max(float(np.max(np.var(X, axis=0))), np.finfo(float).tiny)
        )

        best = None
        finals = []
        for _ in range(n_init):
            start = self._start(X, k, rng, reg, floor, given)
            run = self._em(X, *start, reg=reg, tol=tol, max_iter=max_iter, floor=floor)
            finals.append(run["loglik"])
            if best is None or run["loglik"] > best["loglik"]:
                best = run
        (self.weights_, self.means_, self.covariances_) = best["params"]
        self.params_ = best["params"]
        self._chol = best["chol"]
        self.loglik_ = best["loglik"]
        self.loglik_trace_ = np.array(best["trace"])
        self.initial_loglik_ = best["initial"]
        self.restart_logliks_ = np.array(finals)
        self.converged_ = best["converged"]
        self.n_iter_ = len(best["trace"])
        self.nobs_, self.n_features_in_ = n, d
        if not self.converged_:
            v.warn(
                f"GaussianMixture did not converge in max_iter={max_iter} iterations "
                f"(tol={tol:g}); increase max_iter"
            )
        return self

    def _check_init(self, k: int, d: int, n_init: int) -> dict:
        """The given starting values, checked once: a dict with the ones that are not None."""
        given = {
            name: value
            for name, value in (
                ("weights", self.weights_init),
                ("means", self.means_init),
                ("covariances", self.covariances_init),
            )
            if value is not None
        }
        if not given:
            return given
        if n_init > 1:
            raise ValueError(
                "n_init > 1 draws new starting values, which would replace the given "
                "weights_init/means_init/covariances_init; use n_init=1 with them"
            )
        # Stand-ins for the values not given, only to check the given ones against each other.
        means = v.as_matrix(given["means"], "means_init") if "means" in given else np.zeros((k, d))
        if means.shape[0] != k:
            raise ValueError(f"means_init must have n_components={k} rows")
        try:
            weights, means, covariances, _ = _check_params(
                given.get("weights", np.full(k, 1.0 / k)),
                means,
                given.get("covariances", np.broadcast_to(np.eye(d), (k, d, d))),
                d,
            )
        except SingularityError:
            raise
        except ValueError as exc:
            raise ValueError(f"bad starting values: {exc}") from None
        checked = {"weights": weights, "means": means, "covariances": covariances}
        return {name: checked[name] for name in given}

    def _start(self, X, k, rng, reg, floor, given):
        """Starting weights, means and Cholesky-factored covariances for one run of EM."""
        n, d = X.shape
        if self.init_params == "random":
            resp = rng.dirichlet(np.ones(k), size=n)
            weights, means, covariances = _m_step(X, resp, reg)
        else:
            weights = np.full(k, 1.0 / k)
            means = X[_kmeans_plusplus(X, k, rng)]
            data_cov = np.atleast_2d(np.cov(X, rowvar=False, bias=True)) + reg * np.eye(d)
            covariances = np.repeat(data_cov[None], k, axis=0)
        weights = given.get("weights", weights)
        means = given.get("means", means)
        covariances = given.get("covariances", covariances)
        chol = _cholesky(
            covariances,
            floor,
            "the starting covariances (the data may have no spread in some direction)",
        )
        return weights, means, covariances, chol

    def _em(self, X, weights, means, covariances, chol, *, reg, tol, max_iter, floor):
        """Run EM from one start: alternate E- and M-steps until the mean gain is below tol."""
        n = X.shape[0]
        resp, log_norm = _posterior(X, weights, means, chol)  # E-step
        current = float(log_norm.sum())
        initial, trace, converged = current, [], False
        gain = np.inf  # no iteration run yet
        for it in range(1, max_iter + 1):
            previous_gain = gain
            weights, means, covariances = _m_step(X, resp, reg)  # M-step
            chol = _cholesky(covariances, floor, f"EM iteration {it}")
            resp, log_norm = _posterior(X, weights, means, chol)  # E-step
            new = float(log_norm.sum())
            trace.append(new)
            gain, current = (new - current) / n, new
            tested = previous_gain if self.convergence == "scikit-learn" else gain
            if abs(tested) < tol:
                converged = True
                break
        return {
            "params": (weights, means, covariances),
            "chol": chol,
            "loglik": current,
            "trace": trace,
            "initial": initial,
            "converged": converged,
        }

    # ------------------------------------------------------------------ using the fit
    def _check_X(self, X) -> np.ndarray:
        if not hasattr(self, "weights_"):
            raise ValueError("this GaussianMixture is not fitted yet: call fit(X) first")
        X = v.as_matrix(X, "X")
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} features but the model was fitted with {self.n_features_in_}"
            )
        return X

    def score_samples(self, X: ArrayLike) -> np.ndarray:
        """The log-density ``log p(x_i)`` of each sample (row of ``X``) under the fitted mixture."""
        X = self._check_X(X)
        return _weighted_log_densities(X, self.weights_, self.means_, self._chol)[1]

    def score(self, X: ArrayLike, y: None = None) -> float:
        """The mean log-likelihood per sample of ``X``.

        This is scikit-learn's ``score``; ``y`` is ignored.
        """
        return float(np.mean(self.score_samples(X)))

    def predict_proba(self, X: ArrayLike) -> np.ndarray:
        """Responsibilities: the posterior probability of each component (column) for each
        sample (row)."""
        X = self._check_X(X)
        return _posterior(X, self.weights_, self.means_, self._chol)[0]

    def predict(self, X: ArrayLike) -> np.ndarray:
        """The most probable component of each sample."""
        return np.argmax(self.predict_proba(X), axis=1)

    def sample(
        self, n_samples: int, rng: int | np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray]:
        """Draw ``n_samples`` points from the fitted mixture.

        Parameters
        ----------
        n_samples : int
            How many points, at least 1.
        rng : int or numpy.random.Generator
            The randomness: a generator, or an int seed for a new one.

        Returns
        -------
        X : ndarray of shape (n_samples, n_features)
        labels : ndarray of shape (n_samples,)
            The component each point was drawn from.
        """
        if not hasattr(self, "weights_"):
            raise ValueError("this GaussianMixture is not fitted yet: call fit(X) first")
        n_samples = v.check_positive_int(n_samples, "n_samples")
        rng = v.check_rng(rng)
        labels = rng.choice(self.weights_.size, size=n_samples, p=self.weights_)
        z = rng.standard_normal((n_samples, self.n_features_in_))
        X = self.means_[labels] + np.einsum("nij,nj->ni", self._chol[labels], z)
        return X, labels


def _kmeans_plusplus(X: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """Indices of ``k`` rows chosen by k-means++ seeding (Arthur and Vassilvitskii, 2007)."""
    n = X.shape[0]
    chosen = [int(rng.integers(n))]
    dist2 = np.sum((X - X[chosen[0]]) ** 2, axis=1)
    for _ in range(1, k):
        total = dist2.sum()
        nxt = int(rng.choice(n, p=dist2 / total)) if total > 0 else int(rng.integers(n))
        chosen.append(nxt)
        dist2 = np.minimum(dist2, np.sum((X - X[nxt]) ** 2, axis=1))
    return np.array(chosen)
