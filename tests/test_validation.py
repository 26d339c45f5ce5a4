"""Every kind of bad input raises a clear error naming the argument."""

import numpy as np
import pytest

from mlebook import fit
from mlebook.models import Bernoulli, Categorical, Exponential, Gamma, Gaussian, Poisson
from mlebook.optim import gradient_descent
from mlebook.validation import as_data, as_matrix, check_rng

MODELS = [
    (Bernoulli(), 0.5),
    (Gaussian(), (0.0, 1.0)),
    (Poisson(), 1.0),
    (Exponential(), 1.0),
    (Categorical(k=3), [0.2, 0.3, 0.5]),
    (Gamma(), (2.0, 1.0)),
]
IDS = ["bernoulli", "gaussian", "poisson", "exponential", "categorical", "gamma"]


@pytest.mark.parametrize("model, params", MODELS, ids=IDS)
@pytest.mark.parametrize(
    "bad, message",
    [
        ([], "x is empty"),
        ([0.0, np.nan], "x contains NaN"),
        ([0.0, np.inf], "x contains infinite"),
        ([[0, 1], [1, 0]], "x must be one-dimensional"),
        ("0101", "x must be numeric"),
        (["a", "b"], "x must be an array of real numbers"),
    ],
)
def test_bad_data_for_every_method(model, params, bad, message):
    for call in (
        lambda: model.loglik(params, bad),
        lambda: model.mle(bad),
        lambda: model.score(params, bad),
        lambda: model.logpdf(params, bad),
        lambda: model.observed_information(params, bad),
        lambda: fit(model, bad),
    ):
        with pytest.raises((ValueError, TypeError), match=message):
            call()


@pytest.mark.parametrize(
    "model, params, bad, message",
    [
        (Bernoulli(), 0.5, [0, 2], "only 0 or 1; found 2"),
        (Bernoulli(), 0.5, [0.5], "only 0 or 1"),
        (Poisson(), 1.0, [1, -1], "only non-negative integers; found -1"),
        (Poisson(), 1.0, [1.5], "only non-negative integers; found 1.5"),
        (Exponential(), 1.0, [1.0, -0.1], "only non-negative numbers"),
        (Categorical(k=3), [0.2, 0.3, 0.5], [0, 3], "only integer labels 0..2; found 3"),
        (Categorical(k=3), [0.2, 0.3, 0.5], [0, 1.5], "integer labels"),
        (Gamma(), (2.0, 1.0), [1.0, 0.0], "only positive numbers; found 0"),
    ],
)
def test_data_outside_the_support(model, params, bad, message):
    with pytest.raises(ValueError, match=message):
        model.loglik(params, bad)
    with pytest.raises(ValueError, match=message):
        model.mle(bad)


@pytest.mark.parametrize(
    "model, bad, message",
    [
        (Bernoulli(), 1.5, "p must lie in"),
        (Bernoulli(), -0.1, "p must lie in"),
        (Bernoulli(), np.nan, "p must be finite"),
        (Bernoulli(), "0.5", "p must be a real number"),
        (Bernoulli(), [0.2, 0.3], "p must be a single number"),
        (Gaussian(), (0.0, -1.0), "sigma2 must lie in"),
        (Gaussian(), (0.0, 0.0), "sigma2 must lie in"),
        (Gaussian(), (np.inf, 1.0), "mu must be finite"),
        (Gaussian(), 1.0, r"params must be a pair \(mu, sigma2\)"),
        (Poisson(), -2.0, "lam must lie in"),
        (Exponential(), 0.0, "rate must lie in"),
        (
            Categorical(k=3),
            [0.5, 0.6, -0.1],
            "p must have (non-negative|strictly positive) entries",
        ),
        (Categorical(k=3), [0.5, 0.6, 0.1], "p must sum to 1"),
        (Categorical(k=3), [0.5, 0.5], "p must be a vector of 3 probabilities"),
        (Gamma(), (0.0, 1.0), "shape must lie in"),
        (Gamma(), (2.0, -1.0), "scale must lie in"),
        (Gamma(), 2.0, r"params must be a pair \(shape, scale\)"),
    ],
)
def test_parameters_outside_the_space(model, bad, message):
    with pytest.raises((ValueError, TypeError), match=message):
        model.loglik(bad, [0, 1])
    with pytest.raises((ValueError, TypeError), match=message):
        model.fisher_information(bad)
    with pytest.raises((ValueError, TypeError), match=message):
        model.sample(bad, 3, 0)


@pytest.mark.parametrize(
    "model, boundary", [(Bernoulli(), 0.0), (Poisson(), 0.0), (Categorical(k=2), [1.0, 0.0])]
)
def test_score_and_information_need_an_interior_point(model, boundary):
    """The likelihood is defined on the boundary, its derivatives are not."""
    model.loglik(boundary, [0, 0])
    with pytest.raises(ValueError):
        model.score(boundary, [0, 0])
    with pytest.raises(ValueError):
        model.fisher_information(boundary)


def test_bad_sampling_arguments():
    with pytest.raises(TypeError, match=r"rng must be a numpy\.random\.Generator or an int seed"):
        Bernoulli().sample(0.5, 3, rng=np.random.RandomState(0))
    with pytest.raises(TypeError, match="rng must be"):
        check_rng(None)
    with pytest.raises(ValueError, match="size must be at least 0"):
        Bernoulli().sample(0.5, -1, 0)
    with pytest.raises(TypeError, match="size must be an integer"):
        Bernoulli().sample(0.5, 2.5, 0)
    assert Gaussian().sample((0, 1), (2, 3), 0).shape == (2, 3)


def test_bad_model_construction():
    with pytest.raises(ValueError, match="k must be at least 2"):
        Categorical(k=1)
    with pytest.raises(TypeError, match="k must be an integer"):
        Categorical(k=2.5)


def test_bad_fit_arguments():
    x = [0, 1, 1]
    with pytest.raises(ValueError, match="x is required"):
        fit(Bernoulli())
    with pytest.raises(ValueError, match="start is required"):
        fit(lambda t: t[0] ** 2)
    with pytest.raises(
        TypeError, match="must be an mlebook model or a negative log-likelihood function"
    ):
        fit("bernoulli", x)
    with pytest.raises(ValueError, match="bounds has 1 pairs but start has 2"):
        fit(lambda t: t @ t, start=[1.0, 1.0], bounds=[(0, None)])
    with pytest.raises(ValueError, match=r"bounds\[0\] must have low < high"):
        fit(lambda t: t @ t, start=[1.0], bounds=[(1, 0)])
    with pytest.raises(ValueError, match="start must lie inside the parameter space"):
        fit(lambda t: t @ t, start=[-1.0], bounds=[(0, None)])
    with pytest.raises(ValueError, match="not finite at start"):
        fit(lambda t: np.inf, start=[1.0])
    with pytest.raises(ValueError, match="x is only for models"):
        fit(lambda t: t @ t, x, start=[1.0])
    res = fit(Bernoulli(), x)
    with pytest.raises(ValueError, match="method must be 'wald' or 'profile'"):
        res.conf_int(method="bootstrap")
    with pytest.raises(ValueError, match="level must lie in"):
        res.conf_int(level=1.5)
    with pytest.raises(ValueError, match="j must be below 1"):
        res.profile_loglik(3, 0.5)
    with pytest.raises(ValueError, match="value must lie in"):
        res.profile_loglik(0, 1.5)


def test_bad_gradient_descent_arguments():
    with pytest.raises(ValueError, match="step must lie in"):
        gradient_descent(lambda t: t, [1.0], step=-1)
    with pytest.raises(ValueError, match="grad returned shape"):
        gradient_descent(lambda t: np.ones(3), [1.0], step=0.1)
    with pytest.raises(ValueError, match="diverged"):
        gradient_descent(lambda t: -t, [1.0], step=1e200)


def test_as_data_and_as_matrix_accept_good_input():
    np.testing.assert_array_equal(as_data(True), [1.0])
    np.testing.assert_array_equal(as_data(np.array([1, 2], dtype=np.int32), "count"), [1.0, 2.0])
    assert as_matrix([1.0, 2.0, 3.0]).shape == (3, 1)
    with pytest.raises(ValueError, match="X must be two-dimensional"):
        as_matrix(np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match="support must be one of"):
        as_data([1], support="integers")
