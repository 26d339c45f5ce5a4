"""mlebook.fit: estimates, standard errors and intervals against independent calculations."""

import warnings

import numpy as np
import pytest
from scipy import optimize, stats

from mlebook import fit
from mlebook.fitting import numerical_hessian
from mlebook.models import Bernoulli, Categorical, Exponential, Gaussian, Poisson

Q95 = stats.chi2.ppf(0.95, df=1)  # 3.8415


@pytest.fixture
def coin():
    return np.r_[np.ones(73), np.zeros(27)]


def test_fit_agrees_with_the_closed_form(case, rng):
    model, params, _ = case
    for size in (8, 200):
        x = model.sample(params, size, rng)
        res = fit(model, x)
        assert res.converged
        np.testing.assert_allclose(res.params, np.atleast_1d(model.mle(x)), rtol=1e-6, atol=1e-7)
        assert res.loglik == pytest.approx(model.loglik(model.mle(x), x), abs=1e-9)
        assert res.nobs == size


def test_standard_error_of_a_proportion_is_sqrt_p_q_over_n(coin):
    res = fit(Bernoulli(), coin)
    assert res.se[0] == pytest.approx(np.sqrt(0.73 * 0.27 / 100), rel=1e-6)
    z = stats.norm.ppf(0.975)
    np.testing.assert_allclose(
        res.conf_int(), [[0.73 - z * res.se[0], 0.73 + z * res.se[0]]], rtol=1e-7
    )


def test_gaussian_standard_errors_match_the_inverse_information(rng):
    x = rng.normal(10.0, 3.0, size=150)
    _mu, s2 = Gaussian().mle(x)
    res = fit(Gaussian(), x)
    # Observed information at the MLE is diag(n / s2, n / (2 s2^2)).
    np.testing.assert_allclose(
        res.se, [np.sqrt(s2 / x.size), np.sqrt(2 * s2**2 / x.size)], rtol=1e-6
    )
    assert res.cov[0, 1] == pytest.approx(0.0, abs=1e-8)


def test_a_function_fit_uses_a_numerical_hessian_that_matches_the_analytic_one(rng):
    x = rng.normal(-2.0, 0.5, size=80)
    nll = lambda t: -Gaussian().loglik((t[0], t[1]), x)
    res = fit(nll, start=[0.0, 1.0], bounds=[(None, None), (0, None)], names=("mu", "sigma2"))
    mu, s2 = Gaussian().mle(x)
    np.testing.assert_allclose(res.params, [mu, s2], rtol=1e-6)
    np.testing.assert_allclose(
        res.se, [np.sqrt(s2 / x.size), np.sqrt(2 * s2**2 / x.size)], rtol=1e-5
    )
    assert res.names == ("mu", "sigma2")
    assert res.nobs is None


def test_categorical_covariance_is_the_multinomial_one(rng):
    x = Categorical(k=4).sample([0.1, 0.2, 0.3, 0.4], 500, rng)
    res = fit(Categorical(k=4), x)
    p = res.params
    np.testing.assert_allclose(
        res.cov, (np.diag(p) - np.outer(p, p)) / x.size, rtol=1e-6, atol=1e-12
    )


def _independent_profile_end(loglik, estimate, lower, upper, level=0.95):
    """Where a one-parameter log-likelihood falls chi2(1)/2 below its maximum: plain brentq."""
    cut = loglik(estimate) - stats.chi2.ppf(level, 1) / 2
    return (
        optimize.brentq(lambda t: loglik(t) - cut, lower, estimate, xtol=1e-14),
        optimize.brentq(lambda t: loglik(t) - cut, estimate, upper, xtol=1e-14),
    )


def test_profile_interval_for_73_heads_in_100(coin):
    res = fit(Bernoulli(), coin)
    ll = lambda p: 73 * np.log(p) + 27 * np.log1p(-p)
    expected = _independent_profile_end(ll, 0.73, 1e-9, 1 - 1e-9)
    np.testing.assert_allclose(res.conf_int(method="profile")[0], expected, rtol=1e-8)
    # The profile interval is not symmetric about the estimate, unlike the Wald one.
    lo, hi = res.conf_int(method="profile")[0]
    assert 0.73 - lo > hi - 0.73


def test_profile_interval_for_a_gaussian_mean_has_a_closed_form(rng):
    """Profiling out sigma2: l_p(mu) = -n/2 log(s2_hat + (xbar - mu)^2) + const, so the ends are
    xbar +- s_hat * sqrt(exp(q / n) - 1)."""
    x = rng.normal(5.0, 2.0, size=30)
    n, xbar, s2 = x.size, x.mean(), x.var()
    half = np.sqrt(s2 * (np.exp(Q95 / n) - 1))
    res = fit(Gaussian(), x)
    np.testing.assert_allclose(
        res.conf_int(method="profile")[0], [xbar - half, xbar + half], rtol=1e-9
    )
    # sigma2 is profiled over mu, whose maximizer does not depend on sigma2.
    ll = lambda v: Gaussian().loglik((xbar, v), x)
    np.testing.assert_allclose(
        res.conf_int(method="profile")[1],
        _independent_profile_end(ll, s2, 1e-3, 50 * s2),
        rtol=1e-9,
    )


def test_profile_loglik_reoptimizes_the_other_parameters(rng):
    x = rng.normal(0.0, 1.0, size=25)
    res = fit(Gaussian(), x)
    mu = 0.4
    assert res.profile_loglik(0, mu) == pytest.approx(
        Gaussian().loglik((mu, np.mean((x - mu) ** 2)), x), rel=1e-9
    )


def test_profile_interval_of_one_category_is_the_binomial_one(rng):
    """Profiling a categorical probability over the others gives the likelihood of
    'class j or not'."""
    x = Categorical(k=3).sample([0.15, 0.35, 0.5], 120, rng)
    res = fit(Categorical(k=3), x)
    prof = res.conf_int(method="profile")
    for j in range(3):
        nj, n = np.sum(x == j), x.size
        ll = lambda p, nj=nj, n=n: nj * np.log(p) + (n - nj) * np.log1p(-p)
        np.testing.assert_allclose(
            prof[j], _independent_profile_end(ll, nj / n, 1e-9, 1 - 1e-9), rtol=1e-9
        )


def test_estimate_on_the_boundary_warns_and_the_profile_interval_reaches_it():
    x = np.zeros(20)
    with pytest.warns(RuntimeWarning, match="boundary"):
        res = fit(Bernoulli(), x)
    assert res.params[0] < 1e-6
    assert np.isnan(res.se[0])
    lo, hi = res.conf_int(method="profile")[0]
    assert lo == 0.0
    # 20 log(1 - p) = -q/2  =>  p = 1 - exp(-q / 40)
    assert hi == pytest.approx(1 - np.exp(-Q95 / 40), rel=1e-7)


def test_profile_and_wald_agree_for_a_large_sample(rng):
    x = rng.poisson(6.0, size=20_000)
    res = fit(Poisson(), x)
    np.testing.assert_allclose(
        res.conf_int(method="profile"), res.conf_int(method="wald"), rtol=1e-3
    )


def test_levels_change_the_width(coin):
    res = fit(Bernoulli(), coin)
    w = lambda level, m: np.diff(res.conf_int(level, m)[0])[0]
    for method in ("wald", "profile"):
        assert w(0.5, method) < w(0.9, method) < w(0.99, method)


def test_exponential_fit_in_a_rate_not_a_scale(rng):
    x = rng.exponential(scale=0.25, size=400)
    res = fit(Exponential(), x)
    assert res.params[0] == pytest.approx(1 / x.mean(), rel=1e-6)
    assert res.se[0] == pytest.approx(res.params[0] / np.sqrt(x.size), rel=1e-6)


def test_user_start_is_used_and_checked(coin):
    res = fit(Bernoulli(), coin, start=0.9)
    assert res.params[0] == pytest.approx(0.73, abs=1e-7)
    with pytest.raises(ValueError, match="p must lie in"):
        fit(Bernoulli(), coin, start=1.5)


def test_unidentified_parameters_are_reported():
    """Only theta0 + theta1 is identified: the Hessian is singular, so no standard errors."""
    with pytest.warns(RuntimeWarning, match="not positive definite"):
        res = fit(lambda t: (t[0] + t[1] - 1.0) ** 2, start=[0.3, 0.1])
    assert res.params.sum() == pytest.approx(1.0, abs=1e-6)
    assert np.all(np.isnan(res.se))


def test_numerical_hessian_matches_a_known_one():
    f = lambda z: np.exp(z[0]) * z[1] ** 3 + np.sin(z[0] * z[1])
    z = np.array([0.3, 1.2])
    a, b = z
    expected = np.array(
        [
            [
                np.exp(a) * b**3 - b**2 * np.sin(a * b),
                3 * np.exp(a) * b**2 + np.cos(a * b) - a * b * np.sin(a * b),
            ],
            [
                3 * np.exp(a) * b**2 + np.cos(a * b) - a * b * np.sin(a * b),
                6 * np.exp(a) * b - a**2 * np.sin(a * b),
            ],
        ]
    )
    np.testing.assert_allclose(numerical_hessian(f, z, [0.1, 0.1]), expected, rtol=1e-8)


def test_summary_lists_every_parameter(rng):
    text = fit(Gaussian(), rng.normal(size=20)).summary()
    assert "mu" in text and "sigma2" in text and "log-likelihood" in text


def test_no_warnings_on_an_ordinary_fit(rng):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit(Gaussian(), rng.normal(size=50)).conf_int(method="profile")


def test_profile_search_probing_the_edge_of_the_space_raises_no_warning():
    """The profile search may try a Gamma scale that underflows to 0; that is -inf, not an error."""
    from mlebook.models import Gamma

    x = Gamma().sample((2.5, 1.5), 1000, rng=np.random.default_rng(1))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        intervals = fit(Gamma(), x).conf_int(method="profile")
    shape, scale = Gamma().mle(x)
    assert intervals[0, 0] < shape < intervals[0, 1] and intervals[1, 0] < scale < intervals[1, 1]
