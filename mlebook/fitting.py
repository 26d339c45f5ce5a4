"""Numerical maximum likelihood: maximize, then measure the curvature, then build intervals.

:func:`~mlebook.fitting.fit` accepts either a model from :mod:`mlebook.models` and its data, or any negative
log-likelihood function and a starting point. It returns a :class:`FitResult` carrying what
a statsmodels user expects: the estimates, the maximized log-likelihood, the covariance and
standard errors from the observed information, and confidence intervals, both Wald and
profile-likelihood.

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

import warnings
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np
from scipy import linalg, optimize, stats
from scipy.differentiate import hessian as _scipy_hessian
from scipy.differentiate import jacobian as _scipy_jacobian

from . import validation as v
from .models import Model
from .parametrization import Box

__all__ = ["fit", "FitResult", "numerical_hessian", "interval_end"]

#: A fit has converged when the log-likelihood could rise by less than this by one more
#: Newton step (half the Newton decrement, ``g' H^-1 g / 2``).
CONVERGENCE_GAIN = 1e-6


@dataclass
class _Problem:
    """A negative log-likelihood over the free coordinates ``theta`` of a parameter space."""

    nll: Callable[[np.ndarray], float]
    space: object  # Box or Simplex
    names: tuple[str, ...]
    grad: Callable[[np.ndarray], np.ndarray] | None = None
    hess: Callable[[np.ndarray], np.ndarray] | None = None

    def nll_u(self, u):
        if not np.all(np.isfinite(u)):  # the optimizer strayed off to infinity: no value there
            return np.inf
        # A search may probe coordinates where a parameter underflows to the edge of its space
        # (a scale of exactly 0): the log-likelihood is -inf there, which is an answer, not an error.
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            value = self.nll(self.space.constrain(u))
        return value if np.isfinite(value) else np.inf

    def grad_u(self, u):
        if not np.all(np.isfinite(u)):
            return np.full(np.shape(u), np.nan)
        theta = self.space.constrain(u)
        return self.space.dtheta_du(u).T @ self.grad(theta)


@dataclass
class FitResult:
    """The outcome of :func:`fit`.

    Attributes
    ----------
    params : numpy.ndarray
        The maximum-likelihood estimates, in the caller's parametrization.
    loglik : float
        The maximized log-likelihood.
    cov : numpy.ndarray
        Inverse of the observed information (the Hessian of the negative log-likelihood at
        the optimum); NaN where the optimum is on the boundary of the parameter space.
    se : numpy.ndarray
        Standard errors, ``sqrt(diag(cov))``.
    converged : bool
        Whether the optimizer stopped at a point where one more Newton step could raise the
        log-likelihood by less than ``1e-6``.
    names : tuple of str
        Parameter names.
    nobs : int or None
        Number of observations, when the fit was given data.
    n_iter : int
        Iterations used by the optimizer.
    message : str
        The optimizer's message.
    """

    params: np.ndarray
    loglik: float
    cov: np.ndarray
    se: np.ndarray
    converged: bool
    names: tuple[str, ...]
    nobs: int | None
    n_iter: int
    message: str
    _problem: _Problem = field(repr=False)
    _u_hat: np.ndarray = field(repr=False)

    def conf_int(self, level: float = 0.95, method: str = "wald") -> np.ndarray:
        """Confidence intervals for every parameter, one row ``(lower, upper)`` each.

        Parameters
        ----------
        level : float
            Coverage, strictly between 0 and 1.
        method : {"wald", "profile"}
            ``"wald"``: estimate +- z * se, from the observed information.
            ``"profile"``: the set of values whose profile log-likelihood (the other
            parameters re-maximized) lies within ``chi2(1).ppf(level) / 2`` of the maximum.
            Profile intervals respect the parameter space and are not symmetric.

        Returns
        -------
        numpy.ndarray of shape (n_params, 2)
        """
        level = v.check_level(level)
        if method == "wald":
            z = stats.norm.ppf(0.5 + level / 2)
            return np.column_stack([self.params - z * self.se, self.params + z * self.se])
        if method == "profile":
            drop = stats.chi2.ppf(level, df=1) / 2
            return np.array([self._profile_interval(j, drop) for j in range(self.params.size)])
        raise ValueError(f"method must be 'wald' or 'profile', got {method!r}")

    def profile_loglik(self, j: int, value: float) -> float:
        """The profile log-likelihood of parameter ``j`` at ``value``: the maximum of the
        log-likelihood over the other parameters with parameter ``j`` held at ``value``."""
        j = v.check_positive_int(j, "j", minimum=0)
        if j >= self.params.size:
            raise ValueError(f"j must be below {self.params.size}, got {j}")
        low, high = self._problem.space.params_bounds[j]
        value = v.check_in_interval(value, "value", low, high)
        return _Profile(self, j).loglik(value)

    def summary(self) -> str:
        """A small table: estimate, standard error, 95% Wald interval."""
        ci = self.conf_int()
        width = max(len(n) for n in self.names) + 2
        lines = [f"{'':<{width}}{'estimate':>12}{'std err':>12}{'[0.025':>12}{'0.975]':>12}"]
        for name, p, s, (lo, hi) in zip(self.names, self.params, self.se, ci):
            lines.append(f"{name:<{width}}{p:>12.6g}{s:>12.4g}{lo:>12.6g}{hi:>12.6g}")
        lines.append(f"log-likelihood {self.loglik:.6f}, converged: {self.converged}")
        return "\n".join(lines)

    def _profile_interval(self, j: int, drop: float) -> tuple[float, float]:
        return _Profile(self, j).interval(drop)


class _Profile:
    """Profile likelihood of one parameter: the others re-maximized at every trial value."""

    def __init__(self, result: FitResult, j: int):
        self.result = result
        self.problem = result._problem
        self.space = self.problem.space
        self.j = j
        self.u_last = result._u_hat.copy()

    def loglik(self, value: float) -> float:
        space, j = self.space, self.j
        if space.n_free == 1:
            # One free coordinate: the value pins it down (params are affine in theta).
            offset = space.to_params(np.zeros(1))[j]
            slope = space.params_jacobian[j, 0]
            return -self.problem.nll(np.array([(value - offset) / slope]))
        constraint = {"type": "eq", "fun": lambda u: space.to_params(space.constrain(u))[j] - value}
        res = optimize.minimize(self.problem.nll_u, self.u_last, method="SLSQP",
                                constraints=[constraint], options={"ftol": 1e-13, "maxiter": 500})
        if abs(constraint["fun"](res.x)) > 1e-7 or not np.isfinite(res.fun):
            raise RuntimeError(f"the profile likelihood of {self.problem.names[j]} could not be "
                               f"maximized at {value:g}: {res.message}")
        self.u_last = res.x
        return -float(res.fun)

    def interval(self, drop: float) -> tuple[float, float]:
        r = self.result
        target = r.loglik - drop
        estimate = r.params[self.j]
        low, high = self.space.params_bounds[self.j]
        step = r.se[self.j] if np.isfinite(r.se[self.j]) and r.se[self.j] > 0 else None
        ends = []
        for direction, bound in ((-1, low), (1, high)):
            self.u_last = r._u_hat.copy()
            ends.append(self._end(estimate, direction, bound, target, step))
        return ends[0], ends[1]

    def _end(self, estimate, direction, bound, target, step):
        return interval_end(lambda t: self.loglik(t) - target, estimate, direction, bound, step)


def interval_end(excess: Callable[[float], float], estimate: float, direction: int, bound: float,
                 step: float | None = None, margin: float = 1e-9) -> float:
    """One end of a likelihood interval: where ``excess`` crosses zero on one side of the estimate.

    ``excess(t)`` is the (profile) log-likelihood at ``t`` minus the cut-off, positive at the
    estimate. Walk outward from ``estimate`` in the ``direction`` (-1 or +1), doubling the
    ``step``, until ``excess`` turns negative, then find the crossing with Brent's method. If
    the walk reaches the parameter space's ``bound`` first, the value just inside it (``margin``
    away, relative) decides: still positive means the interval runs to the boundary.
    """
    excess = v.check_callable(excess, "excess")
    estimate = v.check_real(estimate, "estimate")
    if direction not in (-1, 1):
        raise ValueError(f"direction must be -1 or 1, got {direction!r}")
    bound = v.check_real(bound, "bound", finite=False)
    if np.isnan(bound):
        raise ValueError("bound must be a number or an infinity, got nan")
    if (bound - estimate) * direction < 0:
        raise ValueError(f"bound must lie on the side of the estimate that direction points to: got bound {bound:g}, "
                         f"estimate {estimate:g}, direction {direction}")
    margin = v.check_positive(margin, "margin")
    if step is not None:
        step = v.check_positive(step, "step")
    else:
        step = 0.1 * (abs(estimate) + 1) if not np.isfinite(bound) else 0.1 * abs(bound - estimate)
    inside = estimate
    for _ in range(200):
        trial = estimate + direction * step
        if np.isfinite(bound) and (trial - bound) * direction >= 0:
            near = bound - direction * margin * max(1.0, abs(bound))
            if (near - estimate) * direction <= 0 or excess(near) >= 0:  # the boundary is the end
                return float(bound)
            return float(optimize.brentq(excess, min(inside, near), max(inside, near), xtol=1e-13, rtol=1e-13))
        if excess(trial) < 0:
            return float(optimize.brentq(excess, min(inside, trial), max(inside, trial), xtol=1e-13, rtol=1e-13))
        inside = trial
        step *= 2
    raise RuntimeError("the likelihood never fell below the cut-off; is the parameter identified?")


def numerical_hessian(f: Callable[[np.ndarray], float], x: Sequence[float], scale: Sequence[float]) -> np.ndarray:
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

    # The stencil reaches twice the initial step, so 0.5 keeps it within `scale`.
    res = _scipy_hessian(_scaled(f, x, scale), np.zeros_like(x), initial_step=0.5)
    H = res.ddf / np.outer(scale, scale)
    return (H + H.T) / 2


def _numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, scale: np.ndarray) -> np.ndarray:
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
        H = numerical_hessian(f, x, steps)
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
    """``z -> f(x + scale * z)``, vectorized over trailing axes of ``z`` as scipy.differentiate wants."""
    def g(z):
        flat = z.reshape(x.size, -1)
        out = np.array([f(x + scale * flat[:, i]) for i in range(flat.shape[1])])
        return out.reshape(z.shape[1:])
    return g


def _model_problem(model: Model, data: np.ndarray) -> _Problem:
    space = model.parametrization()

    def params(theta):
        return model._params_from_vector(space.to_params(theta))

    return _Problem(
        nll=lambda theta: -model._loglik(params(theta), data),
        space=space,
        names=model.param_names,
        grad=lambda theta: -np.atleast_1d(model._score(params(theta), data)),
        hess=lambda theta: np.atleast_2d(model._observed_information(params(theta), data)),
    )


def fit(model_or_negloglik, x=None, *, start=None, bounds=None, names=None) -> FitResult:
    """Maximum likelihood by numerical optimization.

    Two forms:

    * ``fit(model, x, start=None)``: a model from :mod:`mlebook.models` and its data. The
      default start is neutral (for example ``p = 0.5``), never the closed-form answer, so
      agreement with ``model.mle(x)`` is a real check.
    * ``fit(negloglik, start=..., bounds=None, names=None)``: any function of a parameter
      vector returning the negative log-likelihood. ``bounds`` is a sequence of
      ``(low, high)`` pairs (``None`` for an open end) describing the parameter space.

    The optimizer (BFGS) works in unconstrained coordinates (logs, logits), so it never
    leaves the parameter space. The covariance is the inverse of the Hessian of the
    negative log-likelihood at the optimum, in the caller's parametrization: analytic for
    models, by adaptive finite differences for functions.

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
    """
    if isinstance(model_or_negloglik, Model):
        model = model_or_negloglik
        if x is None:
            raise ValueError("x is required when fitting a model: fit(model, x)")
        if bounds is not None or names is not None:
            raise ValueError("bounds and names come from the model; do not pass them with a model")
        data = model._check_data(x)
        model._check_estimable(data)
        problem, nobs = _model_problem(model, data), data.size
        start_params = model._default_start(data) if start is None else start
        start_theta = problem.space.to_theta(model.params_vector(model._check_params(start_params)))
    elif callable(model_or_negloglik):
        if x is not None:
            raise ValueError("x is only for models; a negative log-likelihood function closes over its data")
        if start is None:
            raise ValueError("start is required when fitting a function: fit(negloglik, start=[...])")
        start_theta = v.as_data(start, name="start")
        space = Box(bounds) if bounds is not None else Box([(None, None)] * start_theta.size)
        if space.n_free != start_theta.size:
            raise ValueError(f"bounds has {space.n_free} pairs but start has {start_theta.size} values")
        if names is None:
            names = tuple(f"theta{i}" for i in range(start_theta.size))
        elif not isinstance(names, (list, tuple)) or not all(isinstance(name, str) for name in names):
            raise TypeError(f"names must be a sequence of strings, one per parameter, got {names!r}")
        elif len(names) != start_theta.size:
            raise ValueError(f"names has {len(names)} entries but start has {start_theta.size} values")

        def nll(theta):  # the caller's function, checked to return one number (inf is allowed)
            return v.check_real(model_or_negloglik(theta), "negloglik(theta)", finite=False)

        problem = _Problem(nll=nll, space=space, names=tuple(names))
        nobs = None
    else:
        raise TypeError("the first argument must be an mlebook model or a negative log-likelihood "
                        f"function, got {type(model_or_negloglik).__name__}")

    space = problem.space
    if not space.contains(start_theta):
        raise ValueError(f"start must lie inside the parameter space, got {start_theta}")
    if not np.isfinite(problem.nll(start_theta)):
        raise ValueError("the negative log-likelihood is not finite at start")

    u0 = space.unconstrain(start_theta)
    res = optimize.minimize(problem.nll_u, u0, method="BFGS",
                            jac=problem.grad_u if problem.grad is not None else None,
                            options={"gtol": 1e-9, "maxiter": 2000})
    u_hat = res.x
    theta_hat = space.constrain(u_hat)
    params = space.to_params(theta_hat)
    loglik = -problem.nll(theta_hat)

    room = space.room(theta_hat)
    on_boundary = bool(np.any(room <= 1e-8 * np.maximum(1.0, np.abs(theta_hat))))
    m = space.n_free
    if on_boundary:
        where = ", ".join(f"{name} = {value:.3g}" for name, value in zip(problem.names, params))
        warnings.warn(
            f"the maximum lies on the boundary of the parameter space ({where}): the standard errors "
            "are NaN there and Wald intervals are unusable (the textbook Wald interval collapses to "
            "the single point estimate); use conf_int(method='profile')", RuntimeWarning, stacklevel=2)
        cov_theta = np.full((m, m), np.nan)
    elif problem.hess is not None:
        cov_theta = _inverse_information(problem.hess(theta_hat))
    else:
        # Finite-difference steps: within the room to the boundary, and on the scale of the
        # optimizer's own estimate of the standard errors.
        J = space.dtheta_du(u_hat)
        guess = np.sqrt(np.abs(np.diag(J @ np.atleast_2d(res.hess_inv) @ J.T)))
        guess = np.where(np.isfinite(guess) & (guess > 0), guess, 0.1 * (np.abs(theta_hat) + 1))
        steps = np.minimum(0.4 * room, 2 * guess)
        H, steps = _hessian_with_checked_steps(problem.nll, theta_hat, steps, room)
        cov_theta = _inverse_information(H)

    if problem.grad is not None:
        g = problem.grad(theta_hat)
    elif on_boundary:  # room on one side only: a forward difference
        g = optimize.approx_fprime(theta_hat, problem.nll, 1e-8 * np.minimum(np.abs(theta_hat) + 1e-3, room))
    else:  # central differences, as accurate as the Hessian (a forward difference's rounding
        # error can make a converged fit look unconverged when a coordinate is near 0)
        g = _numerical_gradient(problem.nll, theta_hat, steps)
    if np.all(np.isfinite(cov_theta)):
        # Converged when one more Newton step could not raise the log-likelihood noticeably.
        converged = bool(0.5 * g @ cov_theta @ g < CONVERGENCE_GAIN)
    else:
        converged = bool(res.success) or bool(np.linalg.norm(g) < 1e-6 * max(1.0, abs(loglik)))

    P = space.params_jacobian
    cov = P @ cov_theta @ P.T
    with np.errstate(invalid="ignore"):
        se = np.sqrt(np.diag(cov))
    if not converged:
        warnings.warn(f"the optimizer did not converge ({res.message}); check the start and the model",
                      RuntimeWarning, stacklevel=2)
    return FitResult(params=params, loglik=float(loglik), cov=cov, se=se, converged=converged,
                     names=problem.names, nobs=nobs, n_iter=int(res.nit), message=str(res.message),
                     _problem=problem, _u_hat=u_hat)


def _inverse_information(H: np.ndarray) -> np.ndarray:
    """Inverse of the observed information via Cholesky; NaN unless clearly positive definite."""
    eigenvalues = np.linalg.eigvalsh(H)
    if not np.all(np.isfinite(H)) or eigenvalues[0] <= 1e-10 * abs(eigenvalues[-1]):
        warnings.warn("the Hessian of the negative log-likelihood is not positive definite at the "
                      "optimum: this is not a strict local maximum, or the parameters are not "
                      "identified; standard errors are NaN", RuntimeWarning, stacklevel=3)
        return np.full_like(H, np.nan)
    return linalg.cho_solve(linalg.cho_factor(H), np.eye(len(H)))
