"""Newton's method and the recorded BFGS: answers against closed forms, scipy and statsmodels,
the quadratic convergence rate, and every documented error."""

from itertools import pairwise

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import optimize
from scipy.special import expit, log_expit

from mlebook.models import Gamma
from mlebook.optim import NotPositiveDefiniteError, bfgs, gradient_descent, halve_step, newton
from mlebook.regression import LogisticRegression


def gamma_problem(x):
    """Mean NLL of a Gamma sample in u = (log shape, log scale), with gradient and Hessian."""
    m, n = Gamma(), x.size

    def fun(u):
        return -m.loglik(np.exp(u), x) / n

    def grad(u):
        theta = np.exp(u)
        return -theta * m.score(theta, x) / n

    def hess(u):
        theta = np.exp(u)
        g = -m.score(theta, x) / n
        return np.outer(theta, theta) * m.observed_information(theta, x) / n + np.diag(theta * g)

    return fun, grad, hess


@pytest.fixture
def gamma_data(rng):
    return Gamma().sample((3.0, 2.0), 500, rng)


def test_newton_finds_the_gamma_mle(gamma_data):
    fun, grad, hess = gamma_problem(gamma_data)
    trace = newton(grad, hess, start=[0.0, np.log(gamma_data.mean())], fun=fun)
    assert trace.converged
    np.testing.assert_allclose(np.exp(trace.x), Gamma().mle(gamma_data), rtol=1e-9)
    assert trace.path.shape == (trace.n_iter + 1, 2)
    np.testing.assert_array_equal(trace.path[0], [0.0, np.log(gamma_data.mean())])
    assert trace.n_iter < 15


def test_bfgs_finds_the_gamma_mle_and_records_its_path(gamma_data):
    fun, grad, _ = gamma_problem(gamma_data)
    start = [0.0, np.log(gamma_data.mean())]
    trace = bfgs(fun, grad, start)
    assert trace.converged
    np.testing.assert_allclose(np.exp(trace.x), Gamma().mle(gamma_data), rtol=1e-8)
    np.testing.assert_array_equal(trace.path[0], start)
    np.testing.assert_array_equal(trace.path[-1], trace.x)
    # The same run as scipy's BFGS without the callback.
    ref = optimize.minimize(
        fun, start, jac=grad, method="BFGS", options={"gtol": 1e-8 / np.sqrt(2)}
    )
    np.testing.assert_allclose(trace.x, ref.x, rtol=1e-12)
    assert trace.n_iter == ref.nit


def test_newton_converges_quadratically():
    """For g(t) = exp(t) - 2 (the gradient of exp(t) - 2t), the error of Newton's method obeys
    e_next ~ g''/(2 g') e^2 = e^2 / 2 near the root log 2."""
    trace = newton(lambda t: np.exp(t) - 2.0, lambda t: np.exp(t)[:, None], start=[1.0], tol=1e-15)
    errors = np.abs(trace.path[:, 0] - np.log(2.0))
    ratios = errors[1:] / errors[:-1] ** 2
    usable = (errors[:-1] < 1e-2) & (errors[1:] > 1e-13)
    assert usable.sum() >= 1
    np.testing.assert_allclose(ratios[usable], 0.5, rtol=0.02)


def test_gradient_descent_converges_only_linearly_on_the_same_problem():
    trace = gradient_descent(lambda t: np.exp(t) - 2.0, start=[1.0], step=0.25)
    errors = np.abs(trace.path[:, 0] - np.log(2.0))
    late = errors[(errors < 1e-3) & (errors > 1e-9)]
    # Linear rate: the error shrinks by the factor |1 - step * g'(root)| = |1 - 0.25 * 2| = 0.5.
    np.testing.assert_allclose(late[1:] / late[:-1], 0.5, rtol=1e-2)


def test_newton_on_logistic_regression_matches_irls_and_statsmodels(rng):
    X = rng.normal(size=(300, 2))
    D = np.column_stack([np.ones(300), X])
    y = (rng.random(300) < expit(D @ [-0.5, 1.0, 2.0])).astype(float)
    nll = lambda b: -np.sum(y * log_expit(D @ b) + (1 - y) * log_expit(-(D @ b)))
    grad = lambda b: D.T @ (expit(D @ b) - y)
    hess = lambda b: (D * (expit(D @ b) * (1 - expit(D @ b)))[:, None]).T @ D
    trace = newton(grad, hess, start=np.zeros(3), fun=nll, tol=1e-9)
    assert trace.converged
    # IRLS stops on a Newton decrement below 1e-10, so it agrees to about 1e-6.
    np.testing.assert_allclose(trace.x, LogisticRegression().fit(X, y).params_, rtol=1e-6)
    np.testing.assert_allclose(trace.x, sm.Logit(y, D).fit(disp=0, tol=1e-12).params, rtol=1e-7)
    assert bfgs(nll, grad, np.zeros(3), tol=1e-7).converged


def test_damping_rescues_newton_from_a_bad_start():
    """f(t) = sqrt(1 + t^2): the full Newton step from |t| > 1 is t -> -t^3, which diverges."""
    fun = lambda t: float(np.sqrt(1 + t[0] ** 2))
    grad = lambda t: t / np.sqrt(1 + t**2)
    hess = lambda t: ((1 + t**2) ** -1.5)[:, None]
    # The iterates run off to about 1e128, where the Hessian underflows to 0.
    with pytest.raises(ValueError, match="not positive definite at iterate 6"):
        newton(grad, hess, start=[1.5])
    trace = newton(grad, hess, start=[1.5], fun=fun)
    assert trace.converged and abs(trace.x[0]) < 1e-10
    values = [fun(p) for p in trace.path]
    assert all(b <= a for a, b in pairwise(values))  # every accepted step goes downhill


def test_newton_reports_non_convergence():
    trace = newton(lambda t: np.exp(t) - 2.0, lambda t: np.exp(t)[:, None], start=[3.0], max_iter=2)
    assert not trace.converged and trace.n_iter == 2


def test_newton_and_bfgs_reject_bad_input():
    grad = lambda t: 2 * t
    hess = lambda t: 2 * np.eye(t.size)
    with pytest.raises(ValueError, match=r"hess returned shape \(1, 1\), expected \(2, 2\)"):
        newton(grad, lambda t: np.eye(1), start=[1.0, 1.0])
    with pytest.raises(ValueError, match="hess is not positive definite at iterate 0"):
        newton(lambda t: -2 * t, lambda t: -2 * np.eye(1), start=[1.0])
    with pytest.raises(ValueError, match="hess is not finite"):
        newton(grad, lambda t: np.full((1, 1), np.nan), start=[1.0])
    with pytest.raises(ValueError, match=r"grad returned shape \(3,\), expected \(1,\)"):
        newton(lambda t: np.ones(3), hess, start=[1.0])
    with pytest.raises(ValueError, match="grad is not finite at iterate 0"):
        newton(lambda t: np.full_like(t, np.nan), hess, start=[1.0])
    with pytest.raises(ValueError, match="start contains NaN"):
        newton(grad, hess, start=[np.nan])
    with pytest.raises(ValueError, match="max_iter must be at least 1"):
        newton(grad, hess, start=[1.0], max_iter=0)
    with pytest.raises(ValueError, match="tol must lie in"):
        newton(grad, hess, start=[1.0], tol=-1.0)
    with pytest.raises(TypeError, match="fun must be callable"):
        newton(grad, hess, start=[1.0], fun=3.0)
    with pytest.raises(ValueError, match="fun is not finite at start"):
        bfgs(lambda t: np.inf, grad, start=[1.0])
    with pytest.raises(ValueError, match="grad returned shape"):
        bfgs(lambda t: float(t @ t), lambda t: np.ones(2), start=[1.0])


# --------------------------------------------------------------------------- the stopping rule
def test_newton_stops_when_half_the_decrement_falls_below_tol_and_takes_that_step(gamma_data):
    """The decrement g' H^-1 g, computed here with numpy's solve: at or above 2 tol at every
    iterate but the last one, below it there; the last point is that iterate's Newton step."""
    fun, grad, hess = gamma_problem(gamma_data)
    tol = 1e-9
    trace = newton(grad, hess, start=[0.0, np.log(gamma_data.mean())], fun=fun, tol=tol)
    half = [grad(u) @ np.linalg.solve(hess(u), grad(u)) / 2 for u in trace.path[:-1]]
    assert all(h >= tol for h in half[:-1]) and half[-1] < tol
    last = trace.path[-2]
    np.testing.assert_allclose(trace.x, last - np.linalg.solve(hess(last), grad(last)), rtol=1e-14)
    assert trace.converged and "below tol" in trace.message
    np.testing.assert_allclose(np.exp(trace.x), Gamma().mle(gamma_data), rtol=1e-9)


def test_logistic_regression_runs_the_same_engine(rng):
    """LogisticRegression is optim.newton on the negative log-likelihood: from the same start
    with the same tol it takes the same steps to the same point."""
    X = rng.normal(size=(250, 2))
    D = np.column_stack([np.ones(250), X])
    y = (rng.random(250) < expit(D @ [0.3, -1.0, 0.5])).astype(float)
    nll = lambda b: -np.sum(log_expit((2 * y - 1) * (D @ b)))
    grad = lambda b: D.T @ (expit(D @ b) - y)
    hess = lambda b: (D * (expit(D @ b) * expit(-(D @ b)))[:, None]).T @ D
    trace = newton(grad, hess, np.zeros(3), fun=nll, tol=1e-10)
    model = LogisticRegression(tol=1e-10).fit(X, y)
    assert model.n_iter_ == trace.n_iter and model.converged_
    np.testing.assert_allclose(model.params_, trace.x, rtol=1e-12)
    np.testing.assert_allclose(
        model.params_, sm.Logit(y, D).fit(disp=0, tol=1e-12).params, rtol=1e-9
    )


def test_a_function_flat_to_rounding_error_counts_as_converged():
    """A bump of 1e-12 everywhere but the start (like rounding noise) defeats every halving;
    the predicted gain, 1e-14, is below what fun can resolve, so the step is taken anyway."""
    start = 1.0 + 1e-7
    fun = lambda t: float((t[0] - 1.0) ** 2) + 1e-12 * (t[0] != start)
    trace = newton(lambda t: 2 * (t - 1.0), lambda t: 2 * np.eye(1), [start], fun=fun, tol=1e-20)
    assert trace.converged and trace.x[0] == 1.0 and "flat to rounding error" in trace.message


def test_a_function_that_disagrees_with_its_gradient_stops_newton():
    # fun increases along the direction grad and hess point to: no step is accepted.
    trace = newton(
        lambda t: 2 * (t - 1.0), lambda t: 2 * np.eye(1), [0.0], fun=lambda t: float(t[0])
    )
    assert (
        not trace.converged and trace.n_iter == 0 and "do fun, grad and hess agree" in trace.message
    )


def test_halve_step_returns_the_first_fraction_that_does_not_increase_fun():
    fun = lambda t: float(np.sum((t - [1.0, -2.0]) ** 2) + np.sin(3 * t[0]))
    x, step = np.array([0.0, 0.0]), np.array([6.0, -10.0])
    point, value = halve_step(fun, x, step)
    # Brute force: the largest t = 2^-j with fun(x + t step) <= fun(x).
    t = next(2.0**-j for j in range(41) if fun(x + 2.0**-j * step) <= fun(x))
    np.testing.assert_array_equal(point, x + t * step)
    assert value == fun(point) <= fun(x) and t < 1
    # Along the gradient (uphill) no fraction of a step lowers fun.
    uphill = np.array([2 * (point[0] - 1) + 3 * np.cos(3 * point[0]), 2 * (point[1] + 2)])
    assert halve_step(fun, point, uphill) is None


def test_a_hessian_that_is_not_positive_definite_is_its_own_valueerror():
    with pytest.raises(
        NotPositiveDefiniteError, match="hess is not positive definite at iterate 0"
    ) as err:
        newton(lambda t: -2 * t, lambda t: -2 * np.eye(1), start=[1.0])
    assert isinstance(err.value, ValueError)
