"""The losses of mlebook.losses against scipy.stats log-densities, scipy.optimize and each other."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import optimize, special, stats

from mlebook import losses
from mlebook.models import Bernoulli, Categorical, Poisson

probabilities = st.floats(0.0, 1.0)


def dirichlet_rows(rng, n, k):
    return rng.dirichlet(np.ones(k), size=n)


# ----------------------------------------------------------------------------- binary
def test_binary_cross_entropy_is_the_bernoulli_nll(rng):
    y = rng.integers(0, 2, 50)
    p = rng.uniform(0.01, 0.99, 50)
    per = -stats.bernoulli.logpmf(y, p)
    np.testing.assert_allclose(losses.binary_cross_entropy(y, p, reduction="none"), per, rtol=1e-12)
    assert losses.binary_cross_entropy(y, p) == pytest.approx(per.mean(), rel=1e-12)
    assert losses.binary_cross_entropy(y, p, reduction="sum") == pytest.approx(per.sum(), rel=1e-12)
    # One probability for every flip: minus the model's log-likelihood.
    assert losses.binary_cross_entropy(y, np.full(50, 0.3), reduction="sum") == pytest.approx(
        -Bernoulli().loglik(0.3, y), rel=1e-12
    )


def test_binary_cross_entropy_from_logits_equals_from_probabilities(rng):
    y = rng.integers(0, 2, 40)
    z = rng.normal(scale=3, size=40)
    np.testing.assert_allclose(
        losses.binary_cross_entropy(y, z, from_logits=True, reduction="none"),
        losses.binary_cross_entropy(y, special.expit(z), reduction="none"),
        rtol=1e-10,
    )


def test_binary_cross_entropy_from_logits_stays_exact_where_probabilities_round_to_one():
    z = np.array([40.0, 800.0, -800.0])
    y = np.array([0, 0, 1])
    # sigmoid(40) is 1.0 in floating point, so the probability route says +inf; the logit
    # route gives the exact loss -log(1 - sigmoid(z)) = z + log(1 + exp(-z)) for y = 0.
    np.testing.assert_allclose(
        losses.binary_cross_entropy(y, z, from_logits=True, reduction="none"),
        [40.0 + np.log1p(np.exp(-40.0)), 800.0, 800.0],
        rtol=1e-14,
    )
    assert losses.binary_cross_entropy(y[:1], special.expit(z[:1])) == np.inf


def test_binary_cross_entropy_at_probabilities_zero_and_one():
    y = np.array([1, 0, 1, 0])
    p = np.array([1.0, 0.0, 0.0, 1.0])
    per = losses.binary_cross_entropy(y, p, reduction="none")
    np.testing.assert_array_equal(per, [0.0, 0.0, np.inf, np.inf])
    assert not np.signbit(per[:2]).any()  # +0.0, not -0.0
    assert losses.binary_cross_entropy(y[:2], p[:2]) == 0.0


@given(y=st.integers(0, 1), p=probabilities)
def test_binary_cross_entropy_is_never_nan_and_never_negative(y, p):
    value = losses.binary_cross_entropy([y], [p])
    assert not np.isnan(value) and value >= 0
    assert np.isfinite(value) == (0 < p < 1 or p == y)


# ----------------------------------------------------------------------------- categorical
def test_cross_entropy_with_labels_is_the_categorical_nll(rng):
    n, k = 30, 4
    q = dirichlet_rows(rng, n, k)
    y = rng.integers(0, k, n)
    onehot = np.eye(k)[y]
    per = -stats.multinomial.logpmf(onehot, 1, q)
    np.testing.assert_allclose(losses.cross_entropy(y, q, reduction="none"), per, rtol=1e-10)
    assert losses.cross_entropy(onehot, q) == pytest.approx(per.mean(), rel=1e-10)
    p = np.array([0.1, 0.2, 0.3, 0.4])
    assert losses.cross_entropy(y, np.tile(p, (n, 1)), reduction="sum") == pytest.approx(
        -Categorical(k=k).loglik(p, y), rel=1e-12
    )


def test_cross_entropy_from_logits_equals_softmax_probabilities(rng):
    z = rng.normal(scale=4, size=(25, 3))
    y = rng.integers(0, 3, 25)
    np.testing.assert_allclose(
        losses.cross_entropy(y, z, from_logits=True, reduction="none"),
        losses.cross_entropy(y, special.softmax(z, axis=1), reduction="none"),
        rtol=1e-10,
    )
    soft = dirichlet_rows(rng, 25, 3)
    assert losses.cross_entropy(soft, z, from_logits=True) == pytest.approx(
        losses.cross_entropy(soft, special.softmax(z, axis=1)), rel=1e-10
    )
    # Huge logits: finite and exact, where exp(z) would overflow.
    assert losses.cross_entropy([0], [[1000.0, 0.0, -1000.0]], from_logits=True) == 0.0
    assert losses.cross_entropy([1], [[1000.0, 0.0, -1000.0]], from_logits=True) == pytest.approx(
        1000.0
    )


def test_cross_entropy_at_probabilities_zero_and_one():
    q = np.array([[1.0, 0.0, 0.0], [0.5, 0.5, 0.0], [0.5, 0.5, 0.0]])
    per = losses.cross_entropy([0, 1, 2], q, reduction="none")
    np.testing.assert_allclose(per, [0.0, np.log(2), np.inf])
    assert not np.isnan(per).any() and not np.signbit(per[0])


@given(st.integers(0, 10_000))
def test_cross_entropy_is_entropy_plus_kl(seed):
    rng = np.random.default_rng(seed)
    k = int(rng.integers(2, 6))
    p, q = rng.dirichlet(np.ones(k)), rng.dirichlet(np.ones(k))
    p[rng.integers(k)] = 0.0  # a zero in p exercises 0 log 0 = 0
    p /= p.sum()
    assert losses.cross_entropy(p, q) == pytest.approx(
        losses.entropy(p) + losses.kl_divergence(p, q), rel=1e-10
    )
    assert losses.kl_divergence(p, q) >= 0
    assert losses.kl_divergence(p, p) == pytest.approx(0.0, abs=1e-15)


def test_entropy_and_kl_against_scipy(rng):
    p, q = dirichlet_rows(rng, 6, 5), dirichlet_rows(rng, 6, 5)
    np.testing.assert_allclose(
        losses.entropy(p, reduction="none"), stats.entropy(p, axis=1), rtol=1e-12
    )
    np.testing.assert_allclose(
        losses.kl_divergence(p, q, reduction="none"), stats.entropy(p, q, axis=1), rtol=1e-12
    )
    np.testing.assert_allclose(
        losses.cross_entropy(p, q, reduction="none"),
        stats.entropy(p, axis=1) + stats.entropy(p, q, axis=1),
        rtol=1e-12,
    )
    assert losses.entropy([0.25] * 4) == pytest.approx(np.log(4))
    assert losses.entropy([0.0, 1.0, 0.0]) == 0.0
    assert losses.kl_divergence([0.5, 0.5, 0.0], [0.5, 0.25, 0.25]) == pytest.approx(
        0.5 * np.log(2)
    )
    assert losses.kl_divergence([0.5, 0.5], [1.0, 0.0]) == np.inf


def test_minimizing_cross_entropy_to_the_empirical_distribution_gives_the_mle(rng):
    y = rng.choice(3, size=200, p=[0.2, 0.5, 0.3])
    empirical = np.bincount(y, minlength=3) / y.size
    mean_nll = lambda z: losses.cross_entropy(empirical, np.r_[0.0, z], from_logits=True)
    res = optimize.minimize(mean_nll, np.zeros(2), method="BFGS", options={"gtol": 1e-10})
    np.testing.assert_allclose(
        special.softmax(np.r_[0.0, res.x]), Categorical(k=3).mle(y), atol=1e-6
    )
    # ... where the mean NLL equals the entropy of the data, and the KL divergence is 0.
    assert res.fun == pytest.approx(losses.entropy(empirical), rel=1e-9)


# ----------------------------------------------------------------------------- regression losses
def test_mse_and_the_gaussian_nll(rng):
    y, mean = rng.normal(size=40), rng.normal(size=40)
    assert losses.mse(y, mean) == pytest.approx(np.mean((y - mean) ** 2), rel=1e-14)
    for s2 in (0.3, 2.0):
        ref = -stats.norm.logpdf(y, mean, np.sqrt(s2))
        np.testing.assert_allclose(
            losses.gaussian_nll(y, mean, s2, reduction="none"), ref, rtol=1e-12
        )
        affine = 0.5 * np.log(2 * np.pi * s2) + losses.mse(y, mean) / (2 * s2)
        assert losses.gaussian_nll(y, mean, s2) == pytest.approx(affine, rel=1e-12)
    s2 = rng.uniform(0.5, 2, 40)
    assert losses.gaussian_nll(y, mean, s2, reduction="sum") == pytest.approx(
        -stats.norm.logpdf(y, mean, np.sqrt(s2)).sum(), rel=1e-12
    )


def test_poisson_nll_is_the_poisson_nll(rng):
    rate = rng.uniform(0.5, 6, 50)
    y = rng.poisson(rate)
    ref = -stats.poisson.logpmf(y, rate)
    np.testing.assert_allclose(losses.poisson_nll(y, rate, reduction="none"), ref, rtol=1e-12)
    np.testing.assert_allclose(
        losses.poisson_nll(y, np.log(rate), from_log=True, reduction="none"), ref, rtol=1e-10
    )
    assert losses.poisson_nll(y, rate, full=False) == pytest.approx(
        ref.mean() - special.gammaln(y + 1).mean()
    )
    assert losses.poisson_nll(y, np.full(50, 3.0), reduction="sum") == pytest.approx(
        -Poisson().loglik(3.0, y)
    )


def test_poisson_nll_at_rate_zero_and_at_huge_log_rates():
    per = losses.poisson_nll([0, 0, 3], [0.0, 1.0, 0.0], reduction="none")
    np.testing.assert_allclose(per, [0.0, 1.0, np.inf])
    assert losses.poisson_nll([2], [800.0], from_log=True) == np.inf  # no overflow warning


def test_reductions_agree(rng):
    y, p = rng.integers(0, 2, 7), rng.uniform(0.1, 0.9, 7)
    per = losses.binary_cross_entropy(y, p, reduction="none")
    assert per.shape == (7,)
    assert losses.binary_cross_entropy(y, p, reduction="sum") == pytest.approx(per.sum())
    assert losses.binary_cross_entropy(y, p) == pytest.approx(per.mean())
    assert isinstance(losses.mse([1.0], [2.0]), float)


def test_softmax_and_log_softmax_are_stable():
    z = np.array([[1000.0, 1000.0, -1000.0], [0.0, 1.0, 2.0]])
    np.testing.assert_allclose(losses.softmax(z)[0], [0.5, 0.5, 0.0])
    np.testing.assert_allclose(
        losses.log_softmax(z)[0], [-np.log(2), -np.log(2), -2000.0 - np.log(2)]
    )
    np.testing.assert_allclose(
        np.exp(losses.log_softmax(z[1])), np.exp(z[1]) / np.exp(z[1]).sum(), rtol=1e-14
    )


# ----------------------------------------------------------------------------- bad input
def test_bad_inputs():
    with pytest.raises(ValueError, match="reduction must be one of"):
        losses.mse([1.0], [1.0], reduction="average")
    with pytest.raises(ValueError, match="y has 2 values but p has 3"):
        losses.binary_cross_entropy([0, 1], [0.5, 0.5, 0.5])
    with pytest.raises(ValueError, match=r"p must contain probabilities in \[0, 1\]; found 1.5"):
        losses.binary_cross_entropy([0, 1], [0.5, 1.5])
    with pytest.raises(ValueError, match=r"y must contain probabilities in \[0, 1\]; found 2"):
        losses.binary_cross_entropy([0, 2], [0.5, 0.5])
    with pytest.raises(ValueError, match="p contains NaN"):
        losses.binary_cross_entropy([0, 1], [0.5, np.nan])
    with pytest.raises(ValueError, match="p contains infinite"):
        losses.binary_cross_entropy([0, 1], [0.5, np.inf], from_logits=True)
    with pytest.raises(TypeError, match="y must be numeric"):
        losses.binary_cross_entropy("01", [0.5, 0.5])
    with pytest.raises(ValueError, match="y is empty"):
        losses.mse([], [])
    with pytest.raises(ValueError, match=r"row 1 of q must sum to 1, got 0\.9"):
        losses.cross_entropy([0, 1], [[0.5, 0.5], [0.5, 0.4]])
    with pytest.raises(ValueError, match="q must sum to 1"):
        losses.cross_entropy([0.5, 0.5], [0.5, 0.6])
    with pytest.raises(
        ValueError, match=r"target must contain only integer labels 0\.\.2; found 3"
    ):
        losses.cross_entropy([0, 3], np.full((2, 3), 1 / 3))
    with pytest.raises(
        ValueError, match=r"target must contain only integer labels 0\.\.2; found 0\.5"
    ):
        losses.cross_entropy([0, 0.5], np.full((2, 3), 1 / 3))
    with pytest.raises(ValueError, match="target has 3 labels but the predictions have 2 rows"):
        losses.cross_entropy([0, 1, 2], np.full((2, 3), 1 / 3))
    with pytest.raises(
        ValueError, match=r"target has shape \(2, 2\) but the predictions have shape \(2, 3\)"
    ):
        losses.cross_entropy(np.full((2, 2), 0.5), np.full((2, 3), 1 / 3))
    with pytest.raises(
        ValueError, match=r"target has shape \(2,\) but the predictions have shape \(3,\)"
    ):
        losses.cross_entropy([0.5, 0.5], [0.2, 0.3, 0.5])
    with pytest.raises(ValueError, match="q must be a vector or a matrix"):
        losses.cross_entropy([1.0], 1.0)
    with pytest.raises(ValueError, match="q must contain probabilities"):
        losses.kl_divergence([0.5, 0.5], [-0.5, 1.5])
    with pytest.raises(ValueError, match="p has shape"):
        losses.kl_divergence([0.5, 0.5], [0.2, 0.3, 0.5])
    with pytest.raises(ValueError, match="rate must be non-negative; found -1"):
        losses.poisson_nll([1, 2], [1.0, -1.0])
    with pytest.raises(ValueError, match=r"y must contain only non-negative integers; found 1\.5"):
        losses.poisson_nll([1.5, 2], [1.0, 1.0])
    with pytest.raises(ValueError, match="sigma2 must lie in"):
        losses.gaussian_nll([1.0], [1.0], 0.0)
    with pytest.raises(ValueError, match="sigma2 must contain only positive"):
        losses.gaussian_nll([1.0, 2.0], [1.0, 1.0], [1.0, -1.0])
    with pytest.raises(ValueError, match="z must have at least one dimension"):
        losses.softmax(3.0)
