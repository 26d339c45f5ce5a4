"""Softmax (multinomial logistic) regression against statsmodels, scikit-learn and
scipy.optimize."""

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import optimize, special, stats
from sklearn.linear_model import LogisticRegression as SkLogistic

from mlebook import losses
from mlebook.regression import LogisticRegression, SeparationError, SoftmaxRegression

TRUE_W = np.array([[0.5, -0.5], [1.5, 0.0], [-1.0, 1.0]])  # (intercept + 2 features, classes 1..2)


def simulate(rng, n, W):
    X = rng.normal(size=(n, W.shape[0] - 1))
    eta = np.column_stack([np.zeros(n), sm.add_constant(X) @ W])
    u = rng.random(n)[:, None]
    y = (u > special.softmax(eta, axis=1).cumsum(axis=1)).sum(axis=1)
    return X, y


@pytest.fixture
def data(rng):
    return simulate(rng, 400, TRUE_W)


def generic_nll(D, y, k):
    """The categorical NLL written independently: scipy.stats log-pmf of one-hot rows."""
    onehot = np.eye(k)[y]

    def nll(theta):
        W = theta.reshape(k - 1, D.shape[1]).T
        q = special.softmax(np.column_stack([np.zeros(len(y)), D @ W]), axis=1)
        return -stats.multinomial.logpmf(onehot, 1, q).sum()

    return nll


def test_mle_equals_statsmodels_mnlogit(data):
    X, y = data
    ours = SoftmaxRegression().fit(X, y)
    ref = sm.MNLogit(y, sm.add_constant(X)).fit(disp=0, method="bfgs", maxiter=10_000, gtol=1e-10)
    np.testing.assert_allclose(ours.params_, ref.params, atol=1e-6)
    np.testing.assert_allclose(ours.se_, ref.bse, atol=1e-6)
    np.testing.assert_allclose(ours.cov_, ref.cov_params(), atol=1e-6)
    assert ours.loglik_ == pytest.approx(ref.llf, abs=1e-8)
    assert ours.converged_ and ours.nobs_ == ref.nobs == 400


def test_mle_equals_a_generic_optimizer(data):
    X, y = data
    D = sm.add_constant(X)
    res = optimize.minimize(
        generic_nll(D, y, 3), np.zeros(6), method="BFGS", options={"gtol": 1e-8}
    )
    ours = SoftmaxRegression().fit(X, y)
    np.testing.assert_allclose(ours.params_, res.x.reshape(2, 3).T, atol=1e-5)
    assert ours.loglik_ == pytest.approx(-res.fun, abs=1e-8)
    # The log-likelihood is minus n times the mean cross-entropy of the fitted probabilities.
    assert ours.loglik_ == pytest.approx(
        -len(y) * losses.cross_entropy(y, ours.predict_proba(X)), rel=1e-12
    )


def test_probabilities_equal_sklearn_multinomial_without_penalty(data):
    X, y = data
    ours = SoftmaxRegression().fit(X, y)
    ref = SkLogistic(C=np.inf, tol=1e-12, max_iter=10_000).fit(X, y)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-5)
    # scikit-learn's symmetric parametrization differs by one vector per feature: the
    # differences from class 0 are the same.
    np.testing.assert_allclose(ours.coef_, ref.coef_ - ref.coef_[0], atol=1e-4)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_ - ref.intercept_[0], atol=1e-4)
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))


def test_layouts(data):
    X, y = data
    model = SoftmaxRegression().fit(X, y)
    assert model.params_.shape == (3, 2) and model.se_.shape == (3, 2)
    assert model.coef_.shape == (3, 2) and model.intercept_.shape == (3,)
    np.testing.assert_array_equal(model.coef_[0], 0.0)
    assert model.intercept_[0] == 0.0
    np.testing.assert_array_equal(model.coef_[1:], model.params_[1:].T)
    np.testing.assert_array_equal(model.intercept_[1:], model.params_[0])
    np.testing.assert_array_equal(model.classes_, [0, 1, 2])
    proba = model.predict_proba(X[:5])
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_allclose(
        np.log(proba[:, 2] / proba[:, 0]), model.decision_function(X[:5])[:, 2]
    )
    ci = model.conf_int(0.9)
    z = stats.norm.ppf(0.95)
    np.testing.assert_allclose(ci[..., 0], model.params_ - z * model.se_)
    np.testing.assert_allclose(ci[..., 1], model.params_ + z * model.se_)


def test_without_intercept_equals_statsmodels(data):
    X, y = data
    ours = SoftmaxRegression(fit_intercept=False).fit(X, y)
    ref = sm.MNLogit(y, X).fit(disp=0, method="bfgs", maxiter=10_000, gtol=1e-10)
    np.testing.assert_allclose(ours.params_, ref.params, atol=1e-6)
    np.testing.assert_array_equal(ours.intercept_, 0.0)


def test_two_classes_is_logistic_regression(rng):
    X = rng.normal(size=(150, 2))
    y = (rng.random(150) < special.expit(0.2 + X @ [1.0, -2.0])).astype(int)
    soft = SoftmaxRegression().fit(X, y)
    logit = LogisticRegression().fit(X, y)
    np.testing.assert_allclose(soft.params_[:, 0], logit.params_, atol=1e-8)
    np.testing.assert_allclose(soft.se_[:, 0], logit.se_, atol=1e-8)
    assert soft.loglik_ == pytest.approx(logit.loglik_, abs=1e-9)


def test_gaussian_prior_equals_a_generic_optimizer_of_the_log_posterior(data):
    X, y = data
    D = sm.add_constant(X)
    s = 0.45  # the prior standard deviation of every coefficient
    nll = generic_nll(D, y, 3)

    def neg_post(theta):
        W = theta.reshape(2, 3).T
        return nll(theta) - stats.norm(0.0, s).logpdf(W[1:]).sum()

    res = optimize.minimize(neg_post, np.zeros(6), method="BFGS", options={"gtol": 1e-8})
    ours = SoftmaxRegression(prior="gaussian", prior_scale=s).fit(X, y)
    np.testing.assert_allclose(ours.params_, res.x.reshape(2, 3).T, atol=1e-5)
    # The prior shrinks the coefficients as a whole (not necessarily each one).
    assert np.sum(ours.params_[1:] ** 2) < np.sum(SoftmaxRegression().fit(X, y).params_[1:] ** 2)


def test_complete_separation_is_reported():
    x = np.array([-3.0, -2.5, -2.0, -0.5, 0.0, 0.5, 2.0, 2.5, 3.0])[:, None]
    y = np.array([0, 0, 0, 1, 1, 1, 2, 2, 2])
    with pytest.raises(SeparationError, match=r"separat.*does not exist.*prior"):
        SoftmaxRegression().fit(x, y)
    model = SoftmaxRegression(prior="gaussian", prior_scale=1.0).fit(x, y)
    assert np.all(np.isfinite(model.params_)) and model.converged_
    np.testing.assert_array_equal(model.predict(x), y)


def test_one_class_separated_from_the_rest_is_reported(rng):
    # Classes 1 and 2 overlap, but class 0 sits alone at negative x: quasi-complete separation.
    x = np.r_[rng.uniform(-3, -1, 10), rng.uniform(0, 3, 40)][:, None]
    y = np.r_[np.zeros(10, int), rng.integers(1, 3, 40)]
    with pytest.raises(SeparationError):
        SoftmaxRegression().fit(x, y)


def test_overlapping_classes_are_not_called_separated(data):
    """One Newton step does not converge, so the separation test (a linear program) runs: on
    overlapping classes it finds no separating direction, and only the non-convergence warns."""
    X, y = data
    with pytest.warns(RuntimeWarning, match="SoftmaxRegression did not converge in max_iter=1"):
        model = SoftmaxRegression(max_iter=1).fit(X, y)
    assert not model.converged_ and model.n_iter_ == 1


def test_bad_inputs(data):
    X, y = data
    with pytest.raises(ValueError, match="X has 400 rows but y has 399"):
        SoftmaxRegression().fit(X, y[:-1])
    with pytest.raises(ValueError, match=r"y must contain only non-negative integers; found 0\.5"):
        SoftmaxRegression().fit(X, np.where(y == 2, 0.5, y))
    with pytest.raises(ValueError, match="class 1 never occurs"):
        SoftmaxRegression().fit(X, np.where(y == 1, 0, y))
    with pytest.raises(ValueError, match="single class"):
        SoftmaxRegression().fit(X, np.zeros(400))
    with pytest.raises(ValueError, match="prior must be one of"):
        SoftmaxRegression(prior="laplace", prior_scale=1.0).fit(X, y)
    with pytest.raises(ValueError, match="prior_scale is required"):
        SoftmaxRegression(prior="gaussian").fit(X, y)
    with pytest.raises(ValueError, match="not identified"):
        SoftmaxRegression().fit(np.column_stack([X, X[:, 0] - X[:, 1]]), y)
    with pytest.raises(ValueError, match="not fitted yet"):
        SoftmaxRegression().predict_proba(X)
    with pytest.raises(ValueError, match="X has 1 features but the model was fitted with 2"):
        SoftmaxRegression().fit(X, y).predict(X[:, :1])
    with pytest.raises(ValueError, match="level must lie in"):
        SoftmaxRegression().fit(X, y).conf_int(level=1.5)
    with pytest.raises(ValueError, match="max_iter must be at least 1"):
        SoftmaxRegression(max_iter=0).fit(X, y)
