"""Conjugate MAP estimates against numerical maximization of scipy.stats log-posteriors."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import integrate, optimize, stats

from mlebook.models import Bernoulli, Gaussian
from mlebook.priors import (
    beta_bernoulli_map,
    beta_bernoulli_mean,
    gaussian_mean_map,
    gaussian_variance_map,
)


def argmax(f, bounds):
    return optimize.minimize_scalar(
        lambda t: -f(t), bounds=bounds, method="bounded", options={"xatol": 1e-12}
    ).x


@pytest.mark.parametrize("a, b", [(1, 1), (2, 2), (5, 1.5), (1, 4)])
def test_beta_bernoulli_map_maximizes_the_log_posterior(rng, a, b):
    x = (rng.random(30) < 0.3).astype(float)
    log_post = lambda p: stats.bernoulli.logpmf(x, p).sum() + stats.beta.logpdf(p, a, b)
    assert beta_bernoulli_map(x, a, b) == pytest.approx(
        argmax(log_post, (1e-9, 1 - 1e-9)), abs=1e-7
    )
    # and it is the mode of the conjugate posterior Beta(k + a, n - k + b)
    k, n = x.sum(), x.size
    assert beta_bernoulli_map(x, a, b) == pytest.approx(
        argmax(lambda p: stats.beta.logpdf(p, k + a, n - k + b), (1e-9, 1 - 1e-9)), abs=1e-7
    )


def test_a_flat_prior_gives_the_mle(rng):
    x = (rng.random(40) < 0.7).astype(float)
    assert beta_bernoulli_map(x, 1, 1) == pytest.approx(Bernoulli().mle(x), rel=1e-15)
    assert beta_bernoulli_map(np.ones(3), 1, 1) == 1.0
    assert beta_bernoulli_map(np.ones(3), 2, 2) == pytest.approx(0.8)


@pytest.mark.parametrize("a, b", [(1, 1), (0.5, 0.5), (3, 7)])
def test_beta_bernoulli_mean_is_the_posterior_mean(rng, a, b):
    x = (rng.random(12) < 0.4).astype(float)
    k, n = x.sum(), x.size
    unnorm = lambda p: np.exp(stats.bernoulli.logpmf(x, p).sum() + stats.beta.logpdf(p, a, b))
    z = integrate.quad(unnorm, 0, 1, epsabs=0, epsrel=1e-12)[0]
    mean = integrate.quad(lambda p: p * unnorm(p), 0, 1, epsabs=0, epsrel=1e-12)[0] / z
    assert beta_bernoulli_mean(x, a, b) == pytest.approx(mean, rel=1e-8)
    assert beta_bernoulli_mean(x, a, b) == pytest.approx(
        stats.beta(k + a, n - k + b).mean(), rel=1e-12
    )


def test_gaussian_mean_map_maximizes_the_log_posterior(rng):
    x = rng.normal(3.0, 2.0, size=15)
    log_post = lambda mu: (
        stats.norm.logpdf(x, mu, 2.0).sum() + stats.norm.logpdf(mu, -1.0, np.sqrt(0.5))
    )
    assert gaussian_mean_map(x, 4.0, -1.0, 0.5) == pytest.approx(
        argmax(log_post, (-20, 20)), abs=1e-7
    )


@given(st.integers(1, 5000), st.floats(0.01, 100))
def test_gaussian_mean_map_moves_from_the_prior_to_the_sample_mean(n, tau2):
    x = np.full(n, 2.0)
    est = gaussian_mean_map(x, sigma2=1.0, prior_mean=0.0, prior_var=tau2)
    assert est == pytest.approx(2.0 * n * tau2 / (n * tau2 + 1.0), rel=1e-12)
    assert 0.0 < est < 2.0


def test_gaussian_variance_map_with_a_known_mean(rng):
    x = rng.normal(1.0, 1.5, size=10)
    log_post = lambda s2: (
        stats.norm.logpdf(x, 1.0, np.sqrt(s2)).sum() + stats.invgamma.logpdf(s2, 2.0, scale=3.0)
    )
    assert gaussian_variance_map(x, 2.0, 3.0, mu=1.0) == pytest.approx(
        argmax(log_post, (1e-6, 50)), abs=1e-7
    )


def test_gaussian_variance_map_is_the_joint_mode_with_an_unknown_mean(rng):
    x = rng.normal(1.0, 1.5, size=10)

    def neg_log_post(t):
        mu, s2 = t[0], np.exp(t[1])
        return -(
            stats.norm.logpdf(x, mu, np.sqrt(s2)).sum() + stats.invgamma.logpdf(s2, 2.0, scale=3.0)
        )

    res = optimize.minimize(
        neg_log_post,
        [0.0, 0.0],
        method="Nelder-Mead",
        options={"xatol": 1e-10, "fatol": 1e-13, "maxiter": 5000},
    )
    assert res.x[0] == pytest.approx(x.mean(), abs=1e-6)
    assert gaussian_variance_map(x, 2.0, 3.0) == pytest.approx(np.exp(res.x[1]), rel=1e-6)


def test_one_observation_variance_mle_is_zero_but_the_map_is_not():
    x = np.array([4.2])
    assert Gaussian().mle(x)[1] == 0.0
    assert gaussian_variance_map(x, alpha=1.0, beta=1.0) == pytest.approx(1.0 / 2.5)


def test_bad_inputs():
    with pytest.raises(ValueError, match="a and b must be at least 1"):
        beta_bernoulli_map([1, 0], a=0.5, b=2)
    with pytest.raises(ValueError, match="b must lie in"):
        beta_bernoulli_mean([1, 0], a=1, b=0)
    with pytest.raises(ValueError, match="x must contain only 0 or 1"):
        beta_bernoulli_map([1, 2])
    with pytest.raises(ValueError, match="x is empty"):
        beta_bernoulli_mean([])
    with pytest.raises(ValueError, match="sigma2 must lie in"):
        gaussian_mean_map([1.0], sigma2=0.0)
    with pytest.raises(ValueError, match="prior_var must lie in"):
        gaussian_mean_map([1.0], sigma2=1.0, prior_var=-1.0)
    with pytest.raises(ValueError, match="alpha must lie in"):
        gaussian_variance_map([1.0], alpha=0.0, beta=1.0)
    with pytest.raises(ValueError, match="x contains NaN"):
        gaussian_variance_map([1.0, np.nan], alpha=1.0, beta=1.0)
    with pytest.raises(TypeError, match="mu must be a real number"):
        gaussian_variance_map([1.0], alpha=1.0, beta=1.0, mu="0")
