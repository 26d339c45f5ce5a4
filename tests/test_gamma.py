"""The Gamma model: its Newton-solved MLE against scipy.stats and a generic optimizer.

The generic model tests (log-density against scipy.stats, score and information against
numerical derivatives, Fisher information against the variance of the score and against
sympy) run on the Gamma through ``CASES`` in conftest.py; this file tests what is special
about it: an MLE without a closed form.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import optimize, stats
from scipy.special import digamma

from mlebook.models import Exponential, Gamma


@pytest.mark.parametrize("shape", [0.2, 1.0, 3.0, 30.0, 1000.0])
@pytest.mark.parametrize("size", [5, 100, 10_000])
def test_mle_equals_scipy_gamma_fit_with_location_zero(shape, size, rng):
    x = Gamma().sample((shape, 2.0), size, rng)
    a, loc, scale = stats.gamma.fit(x, floc=0)
    assert loc == 0
    np.testing.assert_allclose(Gamma().mle(x), [a, scale], rtol=1e-8)


def test_mle_maximizes_the_profile_likelihood_found_by_a_generic_optimizer(rng):
    """Independently: maximize the log-likelihood over log(shape) with the scale profiled out
    (scale = mean / shape), by bounded Brent search."""
    for shape in (0.5, 4.0):
        x = Gamma().sample((shape, 0.3), 400, rng)
        profile = lambda u, x=x: -Gamma().loglik((np.exp(u), x.mean() / np.exp(u)), x)
        res = optimize.minimize_scalar(
            profile, bounds=(-8, 8), method="bounded", options={"xatol": 1e-12}
        )
        np.testing.assert_allclose(
            Gamma().mle(x), [np.exp(res.x), x.mean() / np.exp(res.x)], rtol=1e-7
        )


def test_mle_solves_the_score_equations(rng):
    x = Gamma().sample((2.5, 1.5), 300, rng)
    shape, scale = Gamma().mle(x)
    # d/dscale = 0  <=>  shape * scale = mean(x);
    # d/dshape = 0  <=>  digamma(shape) + log(scale) = mean(log x)
    assert shape * scale == pytest.approx(x.mean(), rel=1e-13)
    assert digamma(shape) + np.log(scale) == pytest.approx(np.log(x).mean(), rel=1e-12)
    np.testing.assert_allclose(Gamma().score((shape, scale), x), 0.0, atol=1e-9)


def test_shape_one_is_the_exponential_distribution(rng):
    x = Exponential().sample(0.7, 50, rng)
    assert Gamma().loglik((1.0, 1 / 0.7), x) == pytest.approx(
        Exponential().loglik(0.7, x), rel=1e-13
    )


@pytest.mark.parametrize("statistic", [1e-9, 1e-5, 0.01, 0.5, 1.0, 10.0, 300.0])
def test_solve_shape_solves_the_digamma_equation(statistic):
    shape = Gamma.solve_shape(statistic)
    # Compare with brentq on a bracket, and check the residual.
    ref = optimize.brentq(
        lambda k: np.log(k) - digamma(k) - statistic, 1e-300, 1e12, xtol=1e-300, rtol=1e-15
    )
    assert shape == pytest.approx(ref, rel=1e-9 if statistic > 1e-6 else 1e-5)
    assert type(shape) is float


def test_solve_shape_is_vectorized():
    s = np.array([[0.01, 0.1], [1.0, 5.0]])
    out = Gamma.solve_shape(s)
    assert out.shape == (2, 2)
    np.testing.assert_allclose(out, np.vectorize(Gamma.solve_shape)(s), rtol=1e-12)


@pytest.mark.parametrize("bad", [0.0, -1.0, np.nan, np.inf, [0.1, 0.0]])
def test_solve_shape_rejects_a_statistic_that_is_not_positive(bad):
    with pytest.raises(ValueError, match="statistic must be positive and finite"):
        Gamma.solve_shape(bad)


def test_solve_shape_reports_non_convergence():
    with pytest.raises(RuntimeError, match="did not converge in 1 steps"):
        Gamma.solve_shape(1e-3, max_iter=1)


@pytest.mark.parametrize("x", [[2.0, 2.0, 2.0], [5.0]])
def test_mle_does_not_exist_when_every_observation_is_the_same(x):
    with pytest.raises(ValueError, match="every observation is the same"):
        Gamma().mle(x)


def test_zero_is_outside_the_support():
    with pytest.raises(ValueError, match="only positive numbers; found 0"):
        Gamma().mle([1.0, 0.0, 2.0])


def test_expected_information_uses_the_trigamma_function():
    info = Gamma().fisher_information((2.0, 3.0))
    # trigamma(2) = pi^2 / 6 - 1
    np.testing.assert_allclose(info, [[np.pi**2 / 6 - 1, 1 / 3], [1 / 3, 2 / 9]], rtol=1e-14)


def test_observed_information_at_the_mle_is_n_times_the_expected_one(rng):
    """At the MLE the data enter the observed information only through the mean, which the
    MLE matches exactly, so observed = n * expected there (an exponential-family identity)."""
    x = Gamma().sample((3.0, 2.0), 200, rng)
    est = Gamma().mle(x)
    np.testing.assert_allclose(
        Gamma().observed_information(est, x), x.size * Gamma().fisher_information(est), rtol=1e-12
    )


positive = arrays(np.float64, st.integers(2, 40), elements=st.floats(1e-3, 1e3))


@given(positive, st.floats(1e-2, 1e2))
def test_mle_is_scale_equivariant(x, c):
    """Multiplying the data by c multiplies the scale estimate by c and leaves the shape."""
    if x.max() / x.min() < 1 + 1e-6:
        return  # (nearly) constant data: no MLE
    shape, scale = Gamma().mle(x)
    shape_c, scale_c = Gamma().mle(c * x)
    assert shape_c == pytest.approx(shape, rel=1e-6)
    assert scale_c == pytest.approx(c * scale, rel=1e-6)


def test_nearly_constant_data_are_reported_rather_than_given_a_meaningless_shape():
    with pytest.raises(ValueError, match="too close to one another"):
        Gamma().mle([1.0, 1.0 + 1e-15, 1.0])
