"""Every model against independent references: scipy.stats, scipy.optimize, numerical
derivatives."""

import numpy as np
import pytest
import sympy as sp
import sympy.stats as sps
from scipy import optimize, stats
from scipy.differentiate import hessian as scipy_hessian
from scipy.differentiate import jacobian as scipy_jacobian

from mlebook.models import Bernoulli, Categorical, Exponential, Gamma, Gaussian, Poisson


def _perturbed(model, params, scale=0.9):
    """A parameter value different from ``params`` but still in the space."""
    if isinstance(model, Categorical):
        q = np.asarray(params) * np.array([1.5, 1.0, 0.7])
        return q / q.sum()
    if isinstance(model, Gaussian):
        return (params[0] + 0.3, params[1] * 1.4)
    if isinstance(model, Gamma):
        return (params[0] * 1.3, params[1] * 0.8)
    return params * scale


def generic_mle(model, x):
    """Maximize model.loglik with a general-purpose scipy optimizer, independently of
    mlebook.fit."""
    x = np.asarray(x, dtype=float)
    if isinstance(model, Gaussian):
        nll = lambda t: -model.loglik((t[0], np.exp(t[1])), x)
        res = optimize.minimize(
            nll,
            [0.0, 0.0],
            method="Nelder-Mead",
            options={"xatol": 1e-11, "fatol": 1e-14, "maxiter": 20_000},
        )
        return np.array([res.x[0], np.exp(res.x[1])])
    if isinstance(model, Gamma):
        nll = lambda t: -model.loglik(np.exp(t), x)
        res = optimize.minimize(
            nll,
            [0.0, np.log(x.mean())],
            method="Nelder-Mead",
            options={"xatol": 1e-11, "fatol": 1e-14, "maxiter": 20_000},
        )
        return np.exp(res.x)
    if isinstance(model, Categorical):
        k = model.k
        res = optimize.minimize(
            lambda q: -model.loglik(q / q.sum(), x),
            np.full(k, 1 / k),
            method="SLSQP",
            bounds=[(1e-12, 1)] * k,
            constraints=[{"type": "eq", "fun": lambda q: q.sum() - 1}],
            options={"ftol": 1e-15, "maxiter": 1000},
        )
        return res.x
    upper = {Bernoulli: 1 - 1e-12}.get(
        type(model), 10 * (x.max() + 1) if isinstance(model, Poisson) else 100.0
    )
    res = optimize.minimize_scalar(
        lambda t: -model.loglik(t, x),
        bounds=(1e-12, upper),
        method="bounded",
        options={"xatol": 1e-12, "maxiter": 5000},
    )
    return res.x


def test_loglik_equals_sum_of_scipy_logpdf(case, rng):
    model, params, ref = case
    for size in (1, 7, 500):
        x = model.sample(params, size, rng)
        for p in (params, _perturbed(model, params)):
            expected = ref(x, p).sum()
            assert model.loglik(p, x) == pytest.approx(expected, rel=1e-10, abs=1e-10)
            np.testing.assert_allclose(model.logpdf(p, x), ref(x, p), rtol=1e-10, atol=1e-12)


def test_mle_equals_generic_optimizer(case, rng):
    model, params, _ = case
    for size in (5, 60, 1000):
        x = model.sample(params, size, rng)
        np.testing.assert_allclose(model.mle(x), generic_mle(model, x), rtol=1e-6, atol=1e-6)


def test_mle_is_a_stationary_point_where_defined(case, rng):
    model, params, _ = case
    x = model.sample(params, 300, rng)
    np.testing.assert_allclose(model.score(model.mle(x), x), 0.0, atol=1e-8)


def test_score_equals_numerical_gradient(case, rng):
    model, params, _ = case
    x = model.sample(params, 40, rng)
    theta = np.atleast_1d(np.asarray(params, dtype=float))
    if isinstance(model, Categorical):  # free coordinates: the last probability is 1 - sum
        f = lambda t: np.apply_along_axis(
            lambda u: model.loglik(np.append(u, 1 - u.sum()), x), 0, t
        )
        theta = theta[:-1]
    else:
        f = lambda t: np.apply_along_axis(
            lambda u: model.loglik(model.params_from_vector(u), x), 0, t
        )
    grad = scipy_jacobian(f, theta, initial_step=0.01).df
    np.testing.assert_allclose(np.atleast_1d(model.score(params, x)), grad, rtol=1e-7, atol=1e-7)


def test_observed_information_equals_numerical_hessian(case, rng):
    model, params, _ = case
    x = model.sample(params, 40, rng)
    theta = np.atleast_1d(np.asarray(params, dtype=float))
    if isinstance(model, Categorical):
        f = lambda t: np.apply_along_axis(
            lambda u: model.loglik(np.append(u, 1 - u.sum()), x), 0, t
        )
        theta = theta[:-1]
    else:
        f = lambda t: np.apply_along_axis(
            lambda u: model.loglik(model.params_from_vector(u), x), 0, t
        )
    H = scipy_hessian(f, theta, initial_step=0.01).ddf
    np.testing.assert_allclose(
        np.atleast_2d(model.observed_information(params, x)),
        -H,
        rtol=1e-6,
        atol=1e-6 * np.abs(H).max(),
    )


def test_fisher_information_is_the_variance_of_the_score(case, rng):
    """I(theta) = Var[score of one observation], estimated from 40,000 simulated observations.
    (Each observation's score is a row of ``score_obs``, which tests/test_protocol.py checks
    against numerical derivatives of that observation's log-density.)"""
    model, params, _ = case
    draws = model.sample(params, 40_000, rng)
    scores = np.asarray(model.score_obs(params, draws), dtype=float).reshape(draws.shape[0], -1)
    assert np.allclose(
        scores.mean(axis=0), 0.0, atol=5 * scores.std(axis=0).max() / np.sqrt(draws.size)
    )
    simulated = np.atleast_2d(np.cov(scores, rowvar=False))
    expected = np.atleast_2d(model.fisher_information(params))
    np.testing.assert_allclose(simulated, expected, rtol=0.05, atol=0.05 * np.abs(expected).max())


def test_fisher_information_is_the_expected_observed_information(case, rng):
    model, params, _ = case
    x = model.sample(params, 200_000, rng)
    per_obs = np.atleast_2d(model.observed_information(params, x)) / x.size
    np.testing.assert_allclose(
        per_obs, np.atleast_2d(model.fisher_information(params)), rtol=0.02, atol=0.01
    )


def test_one_parameter_models_return_plain_floats(rng):
    x = [1, 0, 1]
    for model, p in ((Bernoulli(), 0.4), (Poisson(), 2.0), (Exponential(), 1.5)):
        assert type(model.mle(x)) is float
        assert type(model.fisher_information(p)) is float
        assert type(model.score(p, x)) is float
        assert type(model.loglik(p, x)) is float


def test_no_underflow_with_a_million_observations(case, rng):
    # (tests/test_extremes.py goes to ten million for the Poisson and the Gaussian)
    model, params, ref = case
    x = model.sample(params, 1_000_000, rng)
    ll = model.loglik(params, x)
    assert np.isfinite(ll)
    # The naive product of likelihoods is 0.0; the log-likelihood matches scipy's sum of logs.
    assert np.prod(np.exp(ref(x[:100_000], params))) == 0.0
    assert ll == pytest.approx(ref(x, params).sum(), rel=1e-9)


def test_samples_have_the_right_moments(case, rng):
    model, params, _ = case
    x = model.sample(params, 200_000, rng)
    if isinstance(model, Categorical):
        freq = np.bincount(x, minlength=3) / x.size
        np.testing.assert_allclose(freq, params, atol=0.005)
        return
    dist = {
        Bernoulli: lambda: stats.bernoulli(params),
        Gaussian: lambda: stats.norm(params[0], np.sqrt(params[1])),
        Poisson: lambda: stats.poisson(params),
        Exponential: lambda: stats.expon(scale=1 / params),
        Gamma: lambda: stats.gamma(params[0], scale=params[1]),
    }[type(model)]()
    assert abs(x.mean() - dist.mean()) < 5 * dist.std() / np.sqrt(x.size)
    assert x.var() == pytest.approx(dist.var(), rel=0.02)


def test_sampling_is_reproducible_with_a_seed(case):
    model, params, _ = case
    np.testing.assert_array_equal(
        model.sample(params, 10, 7), model.sample(params, 10, np.random.default_rng(7))
    )


def test_symbolic_density_matches_the_numeric_one(case, rng):
    """exp(logpdf_sym) is the density of the sympy.stats variable, and equals model.logpdf."""
    model, params, _ = case
    d = model.logpdf_sym()
    theta = np.atleast_1d(np.asarray(params, dtype=float))
    free = dict(zip(d.params, theta[: len(d.params)], strict=True))
    discrete = model.support in ("binary", "count", "labels")
    for value in np.unique(model.sample(params, 20, rng))[:5]:
        value = int(value) if discrete else float(value)
        symbolic_value = float(d.logpdf.subs(d.x, value).subs(free))
        assert symbolic_value == pytest.approx(float(model.logpdf(params, [value])[0]), rel=1e-12)
        mass = sps.P(sp.Eq(d.rv, value)) if discrete else sps.density(d.rv)(value)
        assert float(sp.log(mass).subs(free)) == pytest.approx(symbolic_value, rel=1e-10)


def test_exponential_mle_does_not_exist_for_all_zero_data():
    with pytest.raises(ValueError, match="does not exist"):
        Exponential().mle([0.0, 0.0])


def test_boundary_estimates_and_their_likelihood():
    """A coin that never lands heads: p_hat = 0 and the likelihood there is 1 (log 0)."""
    assert Bernoulli().mle([0, 0, 0]) == 0.0
    assert Bernoulli().loglik(0.0, [0, 0, 0]) == 0.0
    assert Bernoulli().loglik(0.0, [0, 1]) == -np.inf
    assert Poisson().loglik(0.0, [0, 0]) == 0.0
    np.testing.assert_allclose(Categorical(k=3).mle([0, 0, 2]), [2 / 3, 0, 1 / 3])
    assert Categorical(k=3).loglik([2 / 3, 0, 1 / 3], [0, 0, 2]) == pytest.approx(
        2 * np.log(2 / 3) + np.log(1 / 3)
    )
