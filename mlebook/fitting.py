"""Numerical maximum likelihood: maximize, then measure the curvature, then build intervals.

:func:`~mlebook.fitting.fit` accepts either a model from :mod:`mlebook.models` and its
data, or any negative log-likelihood function and a starting point. It returns a
:class:`FitResult` carrying what a statsmodels user expects: the estimates, the maximized
log-likelihood, a covariance of the chosen kind and its standard errors, AIC and BIC, and
confidence intervals, both Wald and profile-likelihood. Parameters can be held fixed, which
is also how the profile likelihood is computed: the other parameters are re-maximized with
one held at each trial value.

Examples
--------
>>> import numpy as np
>>> from mlebook import fit
>>> from mlebook.models import Bernoulli
>>> res = fit(Bernoulli(), np.r_[np.ones(73), np.zeros(27)])
>>> print(f"{res.params[0]:.6f} {res.se[0]:.4f}")
0.730000 0.0444
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import optimize, special
from scipy.differentiate import hessian as _scipy_hessian
from scipy.differentiate import jacobian as _scipy_jacobian

from . import covariance, optim
from . import validation as v
from .intervals import interval_end, wald_interval, wald_table
from .models import Model
from .parametrization import Box, Simplex

__all__ = ["fit", "FitResult", "COVARIANCES", "numerical_hessian"]

#: A fit has converged when the log-likelihood could rise by less than this by one more
#: Newton step (half the Newton decrement, ``g' H^-1 g / 2``).
CONVERGENCE_GAIN = 1e-6

#: The kinds of covariance :func:`fit` can report, and what each is the inverse of.
COVARIANCES: dict[str, str] = {
    "observed": "the observed information H (minus the Hessian of the log-likelihood)",
    "expected": "the expected (Fisher) information n I(theta) at the estimate",
    "opg": "the outer product J of the per-observation scores",
    "sandwich": "H, on both sides of J: H^-1 J H^-1 (robust to a misspecified model)",
}


# --------------------------------------------------------------------------- the likelihood
@dataclass(frozen=True)
class _Likelihood:
    """A negative log-likelihood over the free coordinates ``theta`` of a parameter space,
    with whatever derivatives the caller can give (all with respect to ``theta``).

    A model with sufficient statistics reads its data once, into ``statistics``; the
    likelihood and its derivatives are then functions of those, and ``conditional_mle``
    maximizes over the parameters that are not held fixed without a numerical search
    (returning None where the model has no such shortcut).
    """

    nll: Callable[[np.ndarray], float]
    space: Box | Simplex
    names: tuple[str, ...]
    nobs: int | None = None
    grad: Callable[[np.ndarray], np.ndarray] | None = None  # of the nll
    hess: Callable[[np.ndarray], np.ndarray] | None = None  # of the nll: the observed information
    score_obs: Callable[[np.ndarray], np.ndarray] | None = (
        None  # (n, n_free), of the log-likelihood
    )
    fisher: Callable[[np.ndarray], np.ndarray] | None = None  # expected information of the sample
    statistics: tuple | None = None
    # (params, indices held) -> params, for a model: the maximum over the others
    conditional_mle: Callable[[np.ndarray, frozenset], np.ndarray | None] | None = None


def _model_likelihood(model: Model, data: np.ndarray) -> _Likelihood:
    """The likelihood of checked data, through the model's unchecked core: from the sufficient
    statistics, computed here once, when the model has them; from the data otherwise."""
    space, core, n = model.parametrization(), model.core, data.size
    to_params = space.core.to_params
    one = model.n_params == 1

    def params(theta):
        return theta[0] if one else to_params(theta)

    statistics = core.statistics(data)
    if statistics is None:  # every evaluation reads the data
        functions = (core.loglik, core.score, core.observed_information)
        loglik, score, information = ((lambda p, f=f: f(p, data)) for f in functions)
        conditional_mle = None
    else:
        functions = (core.loglik_from, core.score_from, core.observed_information_from)
        loglik, score, information = ((lambda p, f=f: f(p, *statistics)) for f in functions)
        k = model.n_params

        def conditional_mle(at: np.ndarray, held: frozenset) -> np.ndarray | None:
            if len(held) == k:  # nothing left to maximize over
                return at
            return core.conditional_mle_from(at, held, *statistics)

    return _Likelihood(
        nll=lambda theta: -loglik(params(theta)),
        space=space,
        names=model.param_names,
        nobs=n,
        grad=lambda theta: -np.atleast_1d(score(params(theta))),
        hess=lambda theta: np.atleast_2d(information(params(theta))),
        score_obs=lambda theta: core.score_obs(params(theta), data),
        fisher=lambda theta: n * np.atleast_2d(core.fisher_information(params(theta))),
        statistics=statistics,
        conditional_mle=conditional_mle,
    )


def _function_likelihood(negloglik, start, bounds, names, nobs) -> tuple[_Likelihood, np.ndarray]:
    start = v.as_data(start, name="start")
    space = Box(bounds) if bounds is not None else Box([(None, None)] * start.size)
    if space.n_free != start.size:
        raise ValueError(f"bounds has {space.n_free} pairs but start has {start.size} values")
    if names is None:
        names = tuple(f"theta{i}" for i in range(start.size))
    elif not isinstance(names, (list, tuple)) or not all(isinstance(name, str) for name in names):
        raise TypeError(f"names must be a sequence of strings, one per parameter, got {names!r}")
    elif len(names) != start.size:
        raise ValueError(f"names has {len(names)} entries but start has {start.size} values")
    elif len(set(names)) != len(names):
        raise ValueError(f"names must be distinct, got {names!r}")
    if nobs is not None:
        nobs = v.check_positive_int(nobs, "nobs")

    def nll(theta):  # the caller's function, checked to return one number (inf is allowed)
        return v.check_real(negloglik(theta), "negloglik(theta)", finite=False)

    return _Likelihood(nll=nll, space=space, names=tuple(names), nobs=nobs), start


# --------------------------------------------------------------------------- fixed parameters
class _Restriction:
    """The parameter space with some parameters held fixed: ``theta = offset + T @ q``.

    ``q`` are the free coordinates of the ``inner`` space that is left (a Box of the other
    parameters, or a smaller simplex for a probability vector; None when nothing is free).
    The map is affine, so derivatives with respect to ``q`` follow from those with respect
    to ``theta`` by ``T``, exactly.
    """

    def __init__(self, space: Box | Simplex, fixed: dict[int, float]):
        self.space = space
        self.fixed = fixed
        k = space.n_params
        self.identity = not fixed
        if self.identity:  # nothing held: the space itself, q = theta
            self.inner, self.kept, self.n_free = space, list(range(k)), space.n_free
            self.offset, self.T = np.zeros(space.n_free), np.eye(space.n_free)
            return
        kept = [j for j in range(k) if j not in fixed]
        a = np.zeros(k)
        for j, value in fixed.items():
            a[j] = value
        if isinstance(space, Simplex):
            rest = 1.0 - sum(fixed.values())
            self.inner = Simplex(len(kept)) if len(kept) >= 2 else None
            if len(kept) == 1:
                a[kept[0]] = rest
            scale = rest
        else:
            bounds = space.params_bounds
            self.inner = Box([bounds[j] for j in kept]) if kept else None
            scale = 1.0
        self.kept = kept
        B = np.zeros((k, len(kept)))
        B[kept, np.arange(len(kept))] = scale
        select = np.array([space.to_theta(row) for row in np.eye(k)]).T  # theta = select @ params
        if self.inner is None:
            self.offset, self.T = select @ a, np.zeros((space.n_free, 0))
        else:
            m = self.inner.n_free
            a_inner = self.inner.to_params(np.zeros(m))
            self.offset = select @ (a + B @ a_inner)
            self.T = select @ B @ self.inner.params_jacobian
        self.n_free = 0 if self.inner is None else self.inner.n_free

    def theta(self, q: np.ndarray) -> np.ndarray:
        return q if self.identity else self.offset + self.T @ q

    def project(self, g: np.ndarray) -> np.ndarray:
        """A gradient with respect to ``theta`` as one with respect to ``q`` (``T' g``)."""
        return g if self.identity else self.T.T @ g

    def start(self, params: np.ndarray) -> np.ndarray:
        """The inner coordinates of a start in the full parameters (fixed entries ignored)."""
        if self.inner is None:
            return np.zeros(0)
        kept = params[self.kept]
        if isinstance(self.inner, Simplex):
            kept = kept / kept.sum()
        return self.inner.to_theta(kept)


def _check_fixed(fixed, names: tuple[str, ...]) -> dict[int, float]:
    if fixed is None:
        return {}
    if not isinstance(fixed, Mapping):
        raise TypeError(
            f"fixed must be a mapping from parameter names to values, got {type(fixed).__name__}"
        )
    out = {}
    for name, value in fixed.items():
        if name not in names:
            raise ValueError(f"fixed: unknown parameter {name!r}; the parameters are {list(names)}")
        out[names.index(name)] = v.check_real(value, f"fixed[{name!r}]")
    return out


def _check_fixed_values(
    space: Box | Simplex, fixed: dict[int, float], names: tuple[str, ...]
) -> None:
    """Fixed values must lie inside the parameter space (strictly, so the rest has room)."""
    bounds = space.params_bounds
    for j, value in fixed.items():
        low, high = bounds[j]
        if not low < value < high:
            raise ValueError(
                f"fixed[{names[j]!r}] must lie inside the parameter space ({low:g}, {high:g}), "
                f"got {value:g}"
            )
    if isinstance(space, Simplex) and fixed:
        total = sum(fixed.values())
        if len(fixed) == space.n_params:
            if abs(total - 1.0) > 1e-9:
                raise ValueError(
                    f"fixed probabilities must sum to 1 when all are fixed, got {total:.12g}"
                )
        elif not total < 1.0:
            raise ValueError(
                f"fixed probabilities must sum to less than 1, leaving room for the others, "
                f"got {total:.12g}"
            )


# --------------------------------------------------------------------------- the optimizer
@dataclass(frozen=True)
class _Search:
    """The negative log-likelihood as a function of the unconstrained coordinates ``u``, with
    its gradient and Hessian when the likelihood has them."""

    nll: Callable[[np.ndarray], float]
    nll_and_grad: Callable[[np.ndarray], tuple[float, np.ndarray]] | None
    grad: Callable[[np.ndarray], np.ndarray] | None
    hess: Callable[[np.ndarray], np.ndarray] | None


def _search(lik: _Likelihood, r: _Restriction) -> _Search:
    core, theta_of, project = r.inner.core, r.theta, r.project

    def nll(u):
        if not np.all(np.isfinite(u)):  # the optimizer strayed off to infinity: no value there
            return np.inf
        # A search may probe coordinates where a parameter underflows to the edge of its space
        # (a scale of exactly 0): the log-likelihood is -inf there, which is an answer, not an
        # error.
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            value = lik.nll(theta_of(core.constrain(u)))
        return value if np.isfinite(value) else np.inf

    if lik.grad is None:
        return _Search(nll, None, None, None)

    def grad(u):
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            return core.dtheta_du(u).T @ project(lik.grad(theta_of(core.constrain(u))))

    def nll_and_grad(u):
        value = nll(u)
        return (value, grad(u)) if np.isfinite(value) else (np.inf, np.full(np.shape(u), np.nan))

    def hess(u):  # the chain rule, twice: J' H J plus the curvature of the map u -> q
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            theta, J = theta_of(core.constrain(u)), core.dtheta_du(u)
            H = lik.hess(theta) if r.identity else r.T.T @ lik.hess(theta) @ r.T
            return J.T @ H @ J + core.curvature(u, project(lik.grad(theta)))

    return _Search(nll, nll_and_grad, grad, hess)


@dataclass(frozen=True)
class _Optimum:
    q: np.ndarray
    u: np.ndarray
    nll: float
    n_iter: int
    message: str
    success: bool
    hess_inv: np.ndarray | None  # BFGS's estimate in u, for the first finite-difference steps


def _maximize(lik: _Likelihood, r: _Restriction, q0: np.ndarray) -> _Optimum:
    """Minimize the negative log-likelihood over ``q`` in unconstrained coordinates.

    With an analytic Hessian, Newton's method with step halving (:func:`mlebook.optim.newton`)
    takes a few steps; where it cannot (a Hessian that is not positive definite on the way,
    an estimate off at the boundary), and for plain functions, BFGS takes over.
    """
    search, core = _search(lik, r), r.inner.core
    u0 = core.unconstrain(q0)
    if search.hess is not None:
        try:
            trace = optim.newton(
                search.grad, search.hess, u0, fun=search.nll, tol=1e-10, max_iter=50
            )
        except ValueError:  # not locally convex, or the steps left the domain: BFGS instead
            trace = None
        if trace is not None and trace.converged:
            value = search.nll(trace.x)
            return _Optimum(
                core.constrain(trace.x), trace.x, value, trace.n_iter, trace.message, True, None
            )
    fun, jac = (search.nll_and_grad, True) if search.grad is not None else (search.nll, None)
    res = optimize.minimize(
        fun, u0, method="BFGS", jac=jac, options={"gtol": 1e-9, "maxiter": 2000}
    )
    return _Optimum(
        core.constrain(res.x),
        res.x,
        float(res.fun),
        int(res.nit),
        str(res.message),
        bool(res.success),
        np.atleast_2d(res.hess_inv),
    )


# --------------------------------------------------------------------------- curvature
def _curvature(lik: _Likelihood, r: _Restriction, q: np.ndarray, opt: _Optimum, on_boundary: bool):
    """The observed information ``H`` and the gradient of the nll, both with respect to ``q``.

    Analytic when the likelihood has derivatives (models); otherwise by adaptive central
    differences, with first steps from BFGS's inverse-Hessian estimate and the room left to
    the boundary.
    """
    theta = r.theta(q)
    if lik.hess is not None:
        return r.T.T @ lik.hess(theta) @ r.T, r.T.T @ lik.grad(theta)
    room = r.inner.room(q)

    def f(z):
        return lik.nll(r.theta(z))

    if on_boundary:  # room on one side only: no Hessian, and a forward difference for the gradient
        return None, optimize.approx_fprime(q, f, 1e-8 * np.minimum(np.abs(q) + 1e-3, room))
    J = r.inner.core.dtheta_du(opt.u)
    guess = np.sqrt(np.abs(np.diag(J @ opt.hess_inv @ J.T)))
    guess = np.where(np.isfinite(guess) & (guess > 0), guess, 0.1 * (np.abs(q) + 1))
    steps = np.minimum(0.4 * room, 2 * guess)
    H, steps = _hessian_with_checked_steps(f, q, steps, room)
    # Central differences, as accurate as the Hessian (a forward difference's rounding error
    # can make a converged fit look unconverged when a coordinate is near 0).
    return H, _numerical_gradient(f, q, steps)


def _covariance(
    kind: str, lik: _Likelihood, r: _Restriction, q: np.ndarray, H: np.ndarray
) -> np.ndarray:
    """The covariance of ``q`` of the chosen kind (``H`` is positive definite here)."""
    theta = r.theta(q)
    if kind == "observed":
        return covariance.inverse_information(H)
    if kind == "expected":
        return covariance.inverse_information(r.T.T @ lik.fisher(theta) @ r.T)
    outer = covariance.outer_product(lik.score_obs(theta) @ r.T)
    if kind == "opg":
        return covariance.inverse_information(outer)
    return covariance.sandwich(H, outer)


# --------------------------------------------------------------------------- the result
@dataclass
class FitResult:
    """The outcome of :func:`fit`.

    Attributes
    ----------
    params : numpy.ndarray
        The maximum-likelihood estimates, in the caller's parametrization (fixed parameters
        at their fixed values).
    loglik : float
        The maximized log-likelihood.
    cov : numpy.ndarray
        The covariance of the estimates, of the kind ``cov_type``; NaN where the optimum is on
        the boundary of the parameter space. Rows and columns of fixed parameters are 0.
    se : numpy.ndarray
        Standard errors, ``sqrt(diag(cov))``.
    cov_type : str
        ``"observed"``, ``"expected"``, ``"opg"`` or ``"sandwich"`` (see :data:`COVARIANCES`).
    converged : bool
        Whether the optimizer stopped at a point where one more Newton step could raise the
        log-likelihood by less than ``1e-6``.
    on_boundary : bool
        Whether the maximum lies on the boundary of the parameter space (a probability of 0
        or 1, say), where the standard errors are undefined.
    names : tuple of str
        Parameter names.
    fixed : dict
        The parameters held fixed, by name.
    n_free : int
        The number of free parameters: the dimension of the parameter space less the fixed
        parameters (``k - 1`` for ``k`` probabilities).
    nobs : int or None
        Number of observations: the size of the data for a model; as given for a function.
    n_iter : int
        Iterations used by the optimizer.
    message : str
        The optimizer's message.
    model : Model or None
        The model that was fitted, or None for a negative log-likelihood function.
    """

    params: np.ndarray
    loglik: float
    cov: np.ndarray
    se: np.ndarray
    cov_type: str
    converged: bool
    on_boundary: bool
    names: tuple[str, ...]
    fixed: dict
    n_free: int
    nobs: int | None
    n_iter: int
    message: str
    model: Model | None
    _likelihood: _Likelihood = field(repr=False)

    @property
    def aic(self) -> float:
        """Akaike's information criterion, ``2 k - 2 loglik`` with ``k = n_free``."""
        return 2.0 * self.n_free - 2.0 * self.loglik

    @property
    def bic(self) -> float:
        """The Bayesian information criterion, ``k log(nobs) - 2 loglik``; NaN without ``nobs``."""
        if self.nobs is None:
            return float("nan")
        return self.n_free * float(np.log(self.nobs)) - 2.0 * self.loglik

    def conf_int(self, level: float = 0.95, method: str = "wald") -> np.ndarray:
        """Confidence intervals for every parameter, one row ``(lower, upper)`` each.

        Parameters
        ----------
        level : float
            Coverage, strictly between 0 and 1.
        method : {"wald", "profile"}
            ``"wald"``: estimate +- z * se, with the standard errors of ``cov_type``.
            ``"profile"``: the set of values whose profile log-likelihood (the other
            parameters re-maximized) lies within ``chi2(1).ppf(level) / 2`` of the maximum.
            Profile intervals respect the parameter space and are not symmetric.
            A fixed parameter's interval is the single point of its value. Each end is
            found by walking out from the estimate in steps of its standard error, doubling,
            then by Brent's method (:func:`~mlebook.intervals.interval_end`). For a model
            with sufficient statistics the profile comes from them and from the model's
            conditional MLE (the Gaussian's and the Gamma scale's in closed form, the Gamma
            shape's by a one-dimensional Newton solve), without reading the data again;
            otherwise the other parameters are maximized numerically at each trial value.

        Returns
        -------
        numpy.ndarray of shape (n_params, 2)
        """
        level = v.check_level(level)
        if method == "wald":
            return wald_interval(self.params, self.se, level)
        if method == "profile":
            drop = special.gammaincinv(0.5, level)  # chi2(1).ppf(level) / 2, without the overhead
            return np.array([self._profile_interval(j, drop) for j in range(self.params.size)])
        raise ValueError(f"method must be 'wald' or 'profile', got {method!r}")

    def profile_loglik(self, j: int | str, value: float) -> float:
        """The profile log-likelihood of parameter ``j`` (an index or a name) at ``value``: the
        maximum of the log-likelihood over the other free parameters, with ``j`` held at
        ``value``."""
        j = self._index(j)
        low, high = self._likelihood.space.params_bounds[j]
        value = v.check_in_interval(value, "value", low, high)
        return self._profiler(j)(value, self.params)[0]

    def summary(self) -> str:
        """The coefficient table in statsmodels' columns, then the fit's statistics.

        One row per parameter: the estimate, its standard error (of ``cov_type``), the Wald
        statistic ``z = estimate / se`` and its two-sided normal p-value for the null
        ``parameter = 0``, and the 95% Wald interval (:func:`~mlebook.intervals.wald_table`).
        A parameter held fixed shows "fixed" instead of a test. Below the table: the
        log-likelihood, AIC, BIC, the number of observations, the covariance type and whether
        the optimizer converged.

        Returns
        -------
        str
            The table, for ``print``.

        Examples
        --------
        >>> from mlebook.models import Bernoulli
        >>> print(fit(Bernoulli(), np.r_[np.ones(73), np.zeros(27)]).summary())
              estimate    std err          z      P>|z|     [0.025     0.975]
        p       0.7300     0.0444     16.443      0.000     0.6430     0.8170
        log-likelihood -58.3259, AIC 118.6518, BIC 121.2569, observations 100
        covariance: observed; converged: True
        """
        table = wald_table(self.names, self.params, self.se)
        nobs = "n/a" if self.nobs is None else str(self.nobs)
        return "\n".join(
            [
                str(table),
                f"log-likelihood {self.loglik:.4f}, AIC {self.aic:.4f}, BIC {self.bic:.4f}, "
                f"observations {nobs}",
                f"covariance: {self.cov_type}; converged: {self.converged}",
            ]
        )

    # ------------------------------------------------------------------ the profile likelihood
    def _index(self, j) -> int:
        if isinstance(j, str):
            if j not in self.names:
                raise ValueError(
                    f"j: unknown parameter {j!r}; the parameters are {list(self.names)}"
                )
            return self.names.index(j)
        j = v.check_positive_int(j, "j", minimum=0)
        if j >= self.params.size:
            raise ValueError(f"j must be below {self.params.size}, got {j}")
        return j

    def _profiler(self, j: int) -> Callable[[float, np.ndarray], tuple[float, np.ndarray]]:
        """The profile log-likelihood of parameter ``j``: ``(value, start) -> (maximum,
        maximizer)``, with ``j`` held at ``value`` as well as the fixed parameters.

        A model's conditional MLE gives the maximizer from the sufficient statistics, without
        a search; otherwise the other parameters are maximized numerically, from ``start``.
        """
        lik = self._likelihood
        fixed = {self.names.index(name): value for name, value in self.fixed.items()}

        def numerical(value: float, start: np.ndarray) -> tuple[float, np.ndarray]:
            r = _Restriction(lik.space, fixed | {j: value})
            if r.n_free == 0:
                theta = r.theta(np.zeros(0))
            else:
                opt = _maximize(lik, r, r.start(start))
                if not np.isfinite(opt.nll):
                    raise RuntimeError(
                        f"the profile likelihood of {self.names[j]} could not be maximized at "
                        f"{value:g}: {opt.message}"
                    )
                theta = r.theta(opt.q)
            with np.errstate(divide="ignore", invalid="ignore"):
                return -float(lik.nll(theta)), lik.space.to_params(theta)

        if lik.conditional_mle is None:
            return numerical
        conditional_mle, nll, n_free = lik.conditional_mle, lik.nll, lik.space.n_free
        held = frozenset(fixed) | {j}

        def closed_form(value: float, start: np.ndarray) -> tuple[float, np.ndarray]:
            params = start.copy()
            params[j] = value
            best = conditional_mle(params, held)
            if best is None:  # the model has no shortcut for these parameters
                return numerical(value, start)
            return -float(nll(best[:n_free])), best  # theta: params without a redundant last

        return closed_form

    def _profile_interval(self, j: int, drop: float) -> tuple[float, float]:
        estimate = self.params[j]
        if self.names[j] in self.fixed:
            return estimate, estimate
        target = self.loglik - drop
        low, high = self._likelihood.space.params_bounds[j]
        step = self.se[j] if np.isfinite(self.se[j]) and self.se[j] > 0 else None
        profile = self._profiler(j)
        ends = []
        for direction, bound in ((-1, low), (1, high)):
            warm = [self.params]  # each trial starts from the last maximizer: a short search

            def excess(t, warm=warm):
                value, warm[0] = profile(t, warm[0])
                return value - target

            ends.append(interval_end(excess, estimate, direction, bound, step))
        return ends[0], ends[1]


# --------------------------------------------------------------------------- fit
def fit(
    model_or_negloglik,
    x=None,
    *,
    start=None,
    bounds=None,
    names=None,
    fixed=None,
    cov: str = "observed",
    nobs: int | None = None,
) -> FitResult:
    """Maximum likelihood by numerical optimization.

    Two forms: ``fit(model, x)`` for a model from :mod:`mlebook.models` and its data, and
    ``fit(negloglik, start=...)`` for any function of a parameter vector that returns the
    negative log-likelihood (closing over its data).

    The search runs in unconstrained coordinates (logs, logits, softmax), so it never leaves
    the parameter space: Newton's method with step halving (:func:`mlebook.optim.newton`)
    when the model gives its Hessian, BFGS for a plain function (or where Newton's method
    meets a Hessian that is not positive definite).

    Parameters
    ----------
    model_or_negloglik : Model or callable
        The model, or the negative log-likelihood ``negloglik(theta) -> float``.
    x : array_like, optional
        The data, for a model only (required then).
    start : array_like, optional
        Where the search starts, in the model's parametrization. For a model the default
        is neutral (for example ``p = 0.5``), never the closed-form answer, so agreement
        with ``model.mle(x)`` is a real check; for a function it is required.
    bounds : sequence of (low, high), optional
        For a function: the parameter space, one pair per parameter (``None`` for an open
        end); unbounded by default. A model declares its own.
    names : sequence of str, optional
        For a function: the parameters' names (default ``theta0``, ``theta1``, ...).
    fixed : dict, optional
        Parameters to hold at given values, by name (``{"shape": 2.0}``); the likelihood is
        maximized over the others. This is the constrained fit of a likelihood-ratio test,
        and the profile likelihood repeats it at each trial value.
    cov : {"observed", "expected", "opg", "sandwich"}
        The covariance to report (see :data:`COVARIANCES`), in the caller's
        parametrization: the inverse of the observed information (the default: analytic
        for models, by adaptive finite differences for functions), of the expected
        information, of the outer product of the per-observation scores, or the sandwich
        ``H^-1 J H^-1``, which stays valid when the model is misspecified. All but
        ``"observed"`` need a model. Wald intervals use it.
    nobs : int, optional
        For a function: the number of observations, needed only for the BIC.

    Returns
    -------
    FitResult

    Examples
    --------
    >>> import numpy as np
    >>> from mlebook import fit
    >>> res = fit(lambda t: (t[0] - 1.0) ** 2 / 2, start=[0.0])
    >>> print(f"{res.params[0]:.6f} {res.se[0]:.6f}")
    1.000000 1.000000
    >>> from mlebook.models import Gamma
    >>> x = np.random.default_rng(0).gamma(2.0, 1.5, size=200)
    >>> print(f"{fit(Gamma(), x, fixed={'shape': 2.0}).params[1]:.6f} {x.mean() / 2:.6f}")
    1.431922 1.431922
    """
    if not isinstance(cov, str) or cov not in COVARIANCES:
        raise ValueError(f"cov must be one of {list(COVARIANCES)}, got {cov!r}")
    model = model_or_negloglik if isinstance(model_or_negloglik, Model) else None
    if model is not None:
        if x is None:
            raise ValueError("x is required when fitting a model: fit(model, x)")
        if bounds is not None or names is not None or nobs is not None:
            raise ValueError(
                "bounds, names and nobs come from the model and its data; "
                "do not pass them with a model"
            )
        data = model.check_data(x)
        lik = _model_likelihood(model, data)
        model.core.check_estimable(data, lik.statistics)
        start_params = model.params_vector(
            model.check_params(model.core.default_start(data) if start is None else start)
        )
    elif callable(model_or_negloglik):
        if x is not None:
            raise ValueError(
                "x is only for models; a negative log-likelihood function closes over its data"
            )
        if start is None:
            raise ValueError(
                "start is required when fitting a function: fit(negloglik, start=[...])"
            )
        if cov != "observed":
            raise ValueError(
                f"cov={cov!r} needs the per-observation scores or the Fisher information, "
                "which only a model provides; a function gives cov='observed' (from its Hessian)"
            )
        lik, start_params = _function_likelihood(model_or_negloglik, start, bounds, names, nobs)
    else:
        raise TypeError(
            "the first argument must be an mlebook model or a negative log-likelihood "
            f"function, got {type(model_or_negloglik).__name__}"
        )

    held = _check_fixed(fixed, lik.names)
    _check_fixed_values(lik.space, held, lik.names)
    for j, value in held.items():
        start_params[j] = value
    if not held and not lik.space.contains(lik.space.to_theta(start_params)):
        raise ValueError(f"start must lie inside the parameter space, got {start_params}")
    r = _Restriction(lik.space, held)
    q0 = r.start(start_params)
    if r.inner is not None and not r.inner.contains(q0):
        raise ValueError(f"start must lie inside the parameter space, got {start_params}")
    if not np.isfinite(lik.nll(r.theta(q0))):
        raise ValueError("the negative log-likelihood is not finite at start")
    result = _fit_restricted(lik, r, q0, cov, model)
    if result.on_boundary:
        where = ", ".join(
            f"{name} = {value:.3g}" for name, value in zip(result.names, result.params, strict=True)
        )
        v.warn(
            f"the maximum lies on the boundary of the parameter space ({where}): "
            "the standard errors are NaN there and Wald intervals are unusable "
            "(the textbook Wald interval collapses to the single point estimate); "
            "use conf_int(method='profile')"
        )
    if not result.converged:
        v.warn(f"the optimizer did not converge ({result.message}); check the start and the model")
    return result


def _fit_restricted(
    lik: _Likelihood, r: _Restriction, q0: np.ndarray, cov: str, model
) -> FitResult:
    """Maximize over the free coordinates, then measure the curvature and the covariance."""
    names = lik.names
    fixed = {names[j]: value for j, value in r.fixed.items()}
    k = lik.space.n_params
    if r.n_free == 0:
        theta = r.theta(q0)
        return FitResult(
            params=lik.space.to_params(theta),
            loglik=-float(lik.nll(theta)),
            cov=np.zeros((k, k)),
            se=np.zeros(k),
            cov_type=cov,
            converged=True,
            on_boundary=False,
            names=names,
            fixed=fixed,
            n_free=0,
            nobs=lik.nobs,
            n_iter=0,
            message="every parameter is fixed",
            model=model,
            _likelihood=lik,
        )
    opt = _maximize(lik, r, q0)
    q = opt.q
    theta = r.theta(q)
    loglik = -float(lik.nll(theta))
    on_boundary = bool(np.any(r.inner.room(q) <= 1e-8 * np.maximum(1.0, np.abs(q))))
    m = r.n_free
    H, g = _curvature(lik, r, q, opt, on_boundary)
    if on_boundary:
        cov_q = np.full((m, m), np.nan)
        converged = opt.success or bool(np.linalg.norm(g) < 1e-6 * max(1.0, abs(loglik)))
    elif not covariance.is_positive_definite(H):
        cov_q = covariance.inverse_information(H)  # NaN, with a warning that says why
        converged = opt.success or bool(np.linalg.norm(g) < 1e-6 * max(1.0, abs(loglik)))
    else:
        # Converged when one more Newton step could not raise the log-likelihood noticeably.
        converged = bool(0.5 * g @ np.linalg.solve(H, g) < CONVERGENCE_GAIN)
        cov_q = _covariance(cov, lik, r, q, H)
    G = lik.space.params_jacobian @ r.T  # d params / d q
    cov_params = G @ cov_q @ G.T
    with np.errstate(invalid="ignore"):
        se = np.sqrt(np.diag(cov_params))
    return FitResult(
        params=lik.space.to_params(theta),
        loglik=loglik,
        cov=cov_params,
        se=se,
        cov_type=cov,
        converged=converged,
        on_boundary=on_boundary,
        names=names,
        fixed=fixed,
        n_free=m,
        nobs=lik.nobs,
        n_iter=opt.n_iter,
        message=opt.message,
        model=model,
        _likelihood=lik,
    )


# --------------------------------------------------------------------------- numerical derivatives
def numerical_hessian(
    f: Callable[[np.ndarray], float], x: Sequence[float], scale: Sequence[float]
) -> np.ndarray:
    """Hessian of a scalar function by adaptive central differences (``scipy.differentiate``).

    Parameters
    ----------
    f : callable
        ``f(x) -> float``.
    x : array_like
        The point.
    scale : array_like
        For each coordinate, a step that is safe to take (``f`` is finite within ``scale``
        of ``x``, also when two coordinates move at once) and on the scale on which ``f``
        changes. The differences start at this size and shrink.

    Examples
    --------
    >>> H = numerical_hessian(lambda z: z[0] ** 2 * z[1], [1.0, 2.0], [0.5, 0.5])
    >>> np.allclose(H, [[4.0, 2.0], [2.0, 0.0]], atol=1e-8)
    True
    """
    f = v.check_callable(f, "f")
    x = v.as_data(x, name="x")
    scale = v.as_data(scale, "positive", name="scale")
    if scale.size != x.size:
        raise ValueError(f"x and scale must have the same length, got {x.size} and {scale.size}")
    return _hessian(f, x, scale)


def _hessian(f, x: np.ndarray, scale: np.ndarray) -> np.ndarray:
    # The stencil reaches twice the initial step, so 0.5 keeps it within `scale`.
    res = _scipy_hessian(_scaled(f, x, scale), np.zeros_like(x), initial_step=0.5)
    H = res.ddf / np.outer(scale, scale)
    return (H + H.T) / 2


def _numerical_gradient(
    f: Callable[[np.ndarray], float], x: np.ndarray, scale: np.ndarray
) -> np.ndarray:
    """Gradient by adaptive central differences, with the steps of :func:`numerical_hessian`."""
    return _scipy_jacobian(_scaled(f, x, scale), np.zeros_like(x), initial_step=0.5).df / scale


def _hessian_with_checked_steps(f, x, steps, room, attempts: int = 4):
    """:func:`numerical_hessian` from first steps that may be badly off, corrected by what it finds.

    The first steps come from BFGS's inverse-Hessian estimate, which can be far off when BFGS
    stopped early. Steps that reach where ``f`` is not finite give a non-finite Hessian: they
    shrink. Steps far below the scale of the curvature, ``1 / sqrt(H_jj)``, drown in rounding
    error (which can even make ``H_jj <= 0``): they grow. Steps that are merely too large need
    nothing, since the adaptive differences shrink them. Returns the Hessian and its steps.
    """
    for _ in range(attempts):
        H = _hessian(f, x, steps)
        diagonal = np.diag(H)
        with np.errstate(divide="ignore", invalid="ignore"):
            wanted = np.where(diagonal > 0, 2 / np.sqrt(diagonal), 16 * steps)
        wanted = np.minimum(0.4 * room, wanted)
        off = ~np.all(np.isfinite(H), axis=1)
        wanted = np.where(off, steps / 16, wanted)
        redo = off | (wanted > 4 * steps)
        if not redo.any():
            break
        steps = np.where(redo, wanted, steps)
    return H, steps


def _scaled(f, x, scale):
    """``z -> f(x + scale * z)``, vectorized over trailing axes of ``z`` as
    scipy.differentiate wants."""

    def g(z):
        flat = z.reshape(x.size, -1)
        out = np.array([f(x + scale * flat[:, i]) for i in range(flat.shape[1])])
        return out.reshape(z.shape[1:])

    return g
