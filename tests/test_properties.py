"""Invariants that must hold for any data: checked with hypothesis."""

import numpy as np
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mlebook.models import Bernoulli, Categorical, Exponential, Gaussian, Poisson

binary = arrays(np.int64, st.integers(1, 60), elements=st.integers(0, 1))
counts = arrays(np.int64, st.integers(1, 60), elements=st.integers(0, 30))
reals = arrays(np.float64, st.integers(2, 60), elements=st.floats(-1e3, 1e3, allow_nan=False))
waits = arrays(np.float64, st.integers(1, 60), elements=st.floats(1e-3, 1e3))
labels = arrays(np.int64, st.integers(1, 60), elements=st.integers(0, 3))




@given(binary, st.floats(0.01, 0.99), st.randoms(use_true_random=False))
def test_bernoulli_loglik_is_permutation_invariant(x, p, random):
    y = x.copy()
    random.shuffle(y)
    assert np.isclose(Bernoulli().loglik(p, x), Bernoulli().loglik(p, y), rtol=1e-12, atol=1e-12)


@given(reals, st.randoms(use_true_random=False))
def test_gaussian_loglik_is_permutation_invariant(x, random):
    y = list(x)
    random.shuffle(y)
    assert np.isclose(Gaussian().loglik((1.0, 2.0), x), Gaussian().loglik((1.0, 2.0), y), rtol=1e-12)


@given(binary, st.floats(-0.2, 0.2))
def test_bernoulli_mle_maximizes_the_loglik(x, d):
    p_hat = Bernoulli().mle(x)
    q = min(max(p_hat + d, 0.0), 1.0)
    assert Bernoulli().loglik(q, x) <= Bernoulli().loglik(p_hat, x) + 1e-12


@given(counts, st.floats(0.5, 2.0))
def test_poisson_mle_maximizes_the_loglik(x, factor):
    lam_hat = Poisson().mle(x)
    assume(lam_hat > 0)
    assert Poisson().loglik(lam_hat * factor, x) <= Poisson().loglik(lam_hat, x) + 1e-9 * (1 + abs(Poisson().loglik(lam_hat, x)))


@given(waits, st.floats(0.5, 2.0))
def test_exponential_mle_maximizes_the_loglik(x, factor):
    r = Exponential().mle(x)
    assert Exponential().loglik(r * factor, x) <= Exponential().loglik(r, x) + 1e-9 * (1 + abs(Exponential().loglik(r, x)))


@given(reals, st.floats(-5, 5), st.floats(0.5, 2.0))
def test_gaussian_mle_maximizes_the_loglik(x, dmu, factor):
    mu, s2 = Gaussian().mle(x)
    assume(s2 > 1e-6)
    best = Gaussian().loglik((mu, s2), x)
    assert Gaussian().loglik((mu + dmu, s2 * factor), x) <= best + 1e-9 * (1 + abs(best))


@given(labels, st.lists(st.floats(0.05, 1.0), min_size=4, max_size=4))
def test_categorical_mle_maximizes_the_loglik(x, weights):
    model = Categorical(4)
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
