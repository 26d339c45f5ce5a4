"""Invariants that must hold for any data: checked with hypothesis."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.special import expit, gammaln, log_expit, log_softmax

from mlebook import fit
from mlebook.models import Bernoulli, Categorical, Exponential, Gamma, Gaussian, Poisson

binary = arrays(np.int64, st.integers(1, 60), elements=st.integers(0, 1))
counts = arrays(np.int64, st.integers(1, 60), elements=st.integers(0, 30))
reals = arrays(np.float64, st.integers(2, 60), elements=st.floats(-1e3, 1e3, allow_nan=False))
waits = arrays(np.float64, st.integers(1, 60), elements=st.floats(1e-3, 1e3))
labels = arrays(np.int64, st.integers(1, 60), elements=st.integers(0, 3))
labels3 = arrays(np.int64, st.integers(1, 60), elements=st.integers(0, 2))
positives = arrays(np.float64, st.integers(2, 60), elements=st.floats(1e-2, 1e2))


@given(binary, st.floats(0.01, 0.99), st.randoms(use_true_random=False))
def test_bernoulli_loglik_is_permutation_invariant(x, p, random):
    y = x.copy()
    random.shuffle(y)
    assert np.isclose(Bernoulli().loglik(p, x), Bernoulli().loglik(p, y), rtol=1e-12, atol=1e-12)


@given(reals, st.randoms(use_true_random=False))
def test_gaussian_loglik_is_permutation_invariant(x, random):
    y = list(x)
    random.shuffle(y)
    assert np.isclose(
        Gaussian().loglik((1.0, 2.0), x), Gaussian().loglik((1.0, 2.0), y), rtol=1e-12
    )


@given(binary, st.floats(-0.2, 0.2))
def test_bernoulli_mle_maximizes_the_loglik(x, d):
    p_hat = Bernoulli().mle(x)
    q = min(max(p_hat + d, 0.0), 1.0)
    assert Bernoulli().loglik(q, x) <= Bernoulli().loglik(p_hat, x) + 1e-12


@given(counts, st.floats(0.5, 2.0))
def test_poisson_mle_maximizes_the_loglik(x, factor):
    lam_hat = Poisson().mle(x)
    assume(lam_hat > 0)
    assert Poisson().loglik(lam_hat * factor, x) <= Poisson().loglik(lam_hat, x) + 1e-9 * (
        1 + abs(Poisson().loglik(lam_hat, x))
    )


@given(waits, st.floats(0.5, 2.0))
def test_exponential_mle_maximizes_the_loglik(x, factor):
    r = Exponential().mle(x)
    assert Exponential().loglik(r * factor, x) <= Exponential().loglik(r, x) + 1e-9 * (
        1 + abs(Exponential().loglik(r, x))
    )


@given(reals, st.floats(-5, 5), st.floats(0.5, 2.0))
def test_gaussian_mle_maximizes_the_loglik(x, dmu, factor):
    mu, s2 = Gaussian().mle(x)
    assume(s2 > 1e-6)
    best = Gaussian().loglik((mu, s2), x)
    assert Gaussian().loglik((mu + dmu, s2 * factor), x) <= best + 1e-9 * (1 + abs(best))


@given(labels, st.lists(st.floats(0.05, 1.0), min_size=4, max_size=4))
def test_categorical_mle_maximizes_the_loglik(x, weights):
    model = Categorical(k=4)
    other = np.array(weights) / np.sum(weights)
    assert model.loglik(other, x) <= model.loglik(model.mle(x), x) + 1e-9


@given(counts, counts, st.floats(0.1, 20))
def test_loglik_adds_over_independent_samples(x, y, lam):
    joint = Poisson().loglik(lam, np.concatenate([x, y]))
    assert np.isclose(joint, Poisson().loglik(lam, x) + Poisson().loglik(lam, y), rtol=1e-12)


@given(reals, st.floats(-100, 100), st.floats(0.1, 10))
def test_gaussian_mle_is_equivariant(x, shift, scale):
    """Shifting and scaling the data shifts and scales the estimates the same way."""
    mu, s2 = Gaussian().mle(x)
    mu2, s22 = Gaussian().mle(scale * x + shift)
    assert np.isclose(mu2, scale * mu + shift, rtol=1e-9, atol=1e-6)
    assert np.isclose(s22, scale**2 * s2, rtol=1e-6, atol=1e-6)


@given(binary)
def test_bernoulli_score_vanishes_at_an_interior_mle(x):
    p_hat = Bernoulli().mle(x)
    assume(0 < p_hat < 1)
    assert abs(Bernoulli().score(p_hat, x)) < 1e-8 * x.size


# ---------------------------------------------------------------------------- all six models
# name: (model, a strategy for its samples)
SAMPLES = {
    "bernoulli": (Bernoulli(), binary),
    "gaussian": (Gaussian(), reals),
    "poisson": (Poisson(), counts),
    "exponential": (Exponential(), waits),
    "categorical": (Categorical(k=3), labels3),
    "gamma": (Gamma(), positives),
}


def _estimable(model, x):
    """Skip samples whose MLE does not exist, or sits where the comparison is meaningless."""
    if isinstance(model, Gaussian):
        assume(x.var() > 1e-6 * (1 + x.mean() ** 2))
    if isinstance(model, Gamma):
        assume(
            np.log(x.mean()) - np.log(x).mean() > 1e-3
        )  # all equal: no MLE; nearly equal: shape > 500


def _perturbed(model, estimate, d):
    """A point of the parameter space near the estimate, moved by the perturbation ``d``."""
    if isinstance(model, Bernoulli):
        return float(np.clip(estimate + d[0] / 5, 0.0, 1.0))
    if isinstance(model, Gaussian):
        return estimate[0] + d[0] * np.sqrt(estimate[1]), estimate[1] * np.exp(d[1])
    if isinstance(model, Categorical):
        with np.errstate(divide="ignore"):  # an empty class keeps probability 0
            return np.exp(log_softmax(np.log(estimate) + d[:3]))
    return estimate * np.exp(
        d[: model.n_params]
    )  # positive parameters: Poisson, Exponential, Gamma


@pytest.mark.parametrize("name", SAMPLES)
@given(data=st.data())
def test_the_mle_is_invariant_under_permutations_of_the_data(name, data):
    model, strategy = SAMPLES[name]
    x = data.draw(strategy)
    _estimable(model, x)
    y = x[data.draw(st.permutations(range(x.size)))]
    estimate = model.mle(x)
    np.testing.assert_allclose(model.mle(y), estimate, rtol=1e-9, atol=1e-12)
    assert np.isclose(model.loglik(estimate, y), model.loglik(estimate, x), rtol=1e-12, atol=1e-9)


@pytest.mark.parametrize("name", SAMPLES)
@given(data=st.data())
def test_no_perturbation_of_the_mle_does_better(name, data):
    model, strategy = SAMPLES[name]
    x = data.draw(strategy)
    _estimable(model, x)
    estimate = model.mle(x)
    d = np.array(data.draw(st.lists(st.floats(-1.0, 1.0), min_size=4, max_size=4)))
    best = model.loglik(estimate, x)
    assert model.loglik(_perturbed(model, estimate, d), x) <= best + 1e-9 * (1 + abs(best))


@given(waits, st.floats(1e-3, 1e3))
def test_exponential_rate_scales_inversely_with_the_data(x, c):
    assert np.isclose(Exponential().mle(c * x), Exponential().mle(x) / c, rtol=1e-12)


@given(positives, st.floats(1e-3, 1e3))
def test_gamma_scale_follows_the_data_and_the_shape_does_not(x, c):
    _estimable(Gamma(), x)
    shape, scale = Gamma().mle(x)
    shape_c, scale_c = Gamma().mle(c * x)
    assert np.isclose(shape_c, shape, rtol=1e-9)
    assert np.isclose(scale_c, c * scale, rtol=1e-9)


# (The Gaussian's equivariance under shifts and rescaling is test_gaussian_mle_is_equivariant.)


# Plain negative log-likelihoods, written out here independently of mlebook, in unconstrained
# coordinates u; the map from u to the model's parameters; a neutral start that is not the answer.
def _gaussian_nll(x, u):
    return 0.5 * x.size * (np.log(2 * np.pi) + u[1]) + np.sum((x - u[0]) ** 2) * np.exp(-u[1]) / 2


def _gamma_nll(x, u):
    shape, scale = np.exp(u)
    return -np.sum((shape - 1) * np.log(x) - x / scale) + x.size * (
        gammaln(shape) + shape * np.log(scale)
    )


NUMERICAL = {
    "bernoulli": (
        lambda x, u: -(x.sum() * log_expit(u[0]) + (x.size - x.sum()) * log_expit(-u[0])),
        lambda u: expit(u[0]),
        lambda x: [0.0],
    ),
    "gaussian": (
        _gaussian_nll,
        lambda u: [u[0], np.exp(u[1])],
        lambda x: [np.median(x), np.log(np.mean(np.abs(x - np.median(x))) ** 2 + 1e-3)],
    ),
    "poisson": (
        lambda x, u: -(x.sum() * u[0] - x.size * np.exp(u[0]) - gammaln(x + 1).sum()),
        lambda u: np.exp(u[0]),
        lambda x: [0.0],
    ),
    "exponential": (
        lambda x, u: -(x.size * u[0] - np.exp(u[0]) * x.sum()),
        lambda u: np.exp(u[0]),
        lambda x: [0.0],
    ),
    "categorical": (
        lambda x, u: -log_softmax(np.append(u, 0.0))[x.astype(int)].sum(),
        lambda u: np.exp(log_softmax(np.append(u, 0.0))),
        lambda x: np.zeros(2),
    ),
    "gamma": (_gamma_nll, lambda u: np.exp(u), lambda x: [0.0, np.log(x.mean())]),
}


def _quiet(negloglik, x):
    """The objective of ``u``; far from the optimum it overflows to inf, as it should."""

    def f(u):
        with np.errstate(over="ignore", invalid="ignore"):
            return negloglik(x, u)

    return f


def _interior(name, estimate):
    estimate = np.atleast_1d(estimate)
    if name == "bernoulli":
        return bool(0 < estimate[0] < 1)
    return name == "gaussian" or bool(np.all(estimate > 0))


@pytest.mark.parametrize("name", SAMPLES)
@settings(max_examples=20)  # each example is a numerical fit with a numerical Hessian
@given(data=st.data())
def test_closed_form_equals_the_numerical_maximum(name, data):
    """The closed form (Newton's method for the Gamma shape) against mlebook.fit maximizing a
    plain log-likelihood function, from a start that is not the answer."""
    model, strategy = SAMPLES[name]
    x = data.draw(strategy)
    _estimable(model, x)
    if isinstance(model, Categorical):  # every class seen, so the estimate is inside the simplex
        x = np.concatenate([np.arange(3), x])
    estimate = model.mle(x)
    assume(_interior(name, estimate))
    negloglik, to_params, start = NUMERICAL[name]
    res = fit(_quiet(negloglik, x), start=start(x))
    assert res.converged
    numerical = np.asarray(to_params(res.params), dtype=float)
    best = model.loglik(estimate, x)
    assert -negloglik(x, res.params) <= best + 1e-9 * (
        1 + abs(best)
    )  # no optimizer beats the closed form
    assert np.isclose(-negloglik(x, res.params), best, rtol=1e-10, atol=1e-8)
    # The estimates agree to a small fraction of a standard error, 1 / sqrt(information),
    # in every free coordinate (the first k - 1 probabilities of the categorical).
    information = np.atleast_2d(model.observed_information(estimate, x))
    se = np.sqrt(np.diag(np.linalg.inv(information)))
    gap = (np.atleast_1d(numerical) - np.atleast_1d(estimate))[: se.size]
    assert np.all(np.abs(gap) <= 1e-3 * se)
