"""Linear and logistic regression against statsmodels, scikit-learn and scipy.optimize."""

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import optimize, stats
from scipy.special import expit, logit
from sklearn.linear_model import LogisticRegression as SkLogistic
from sklearn.linear_model import Ridge

from mlebook import optim, regression
from mlebook.regression import LinearRegression, LogisticRegression, SeparationError


@pytest.fixture
def logistic_data(rng):
    X = rng.normal(size=(400, 3))
    y = (rng.random(400) < expit(0.3 + X @ [1.0, -0.5, 0.0])).astype(float)
    return X, y


@pytest.fixture
def linear_data(rng):
    X = rng.normal(size=(120, 3))
    y = 1.0 + X @ [2.0, 0.0, -1.0] + rng.normal(scale=1.5, size=120)
    return X, y


def test_logistic_mle_equals_statsmodels_logit(logistic_data):
    X, y = logistic_data
    ours = LogisticRegression().fit(X, y)
    ref = sm.Logit(y, sm.add_constant(X)).fit(disp=0, method="newton", tol=1e-12)
    np.testing.assert_allclose(ours.params_, ref.params, atol=1e-6)
    np.testing.assert_allclose(ours.se_, ref.bse, atol=1e-6)
    np.testing.assert_allclose(ours.conf_int(), ref.conf_int(), atol=1e-6)
    assert ours.loglik_ == pytest.approx(ref.llf, abs=1e-8)
    assert ours.intercept_ == ours.params_[0] and np.array_equal(ours.coef_, ours.params_[1:])
    assert ours.converged_ and ours.nobs_ == ref.nobs == 400
    np.testing.assert_allclose(ours.cov_, ref.cov_params(), atol=1e-8)


def test_logistic_without_intercept_equals_statsmodels(logistic_data):
    X, y = logistic_data
    ours = LogisticRegression(fit_intercept=False).fit(X, y)
    ref = sm.Logit(y, X).fit(disp=0, tol=1e-12)
    np.testing.assert_allclose(ours.coef_, ref.params, atol=1e-6)
    assert ours.intercept_ == 0.0


def test_predictions(logistic_data):
    X, y = logistic_data
    model = LogisticRegression().fit(X, y)
    proba = model.predict_proba(X[:5])
    np.testing.assert_allclose(
        proba[:, 1], expit(model.intercept_ + X[:5] @ model.coef_), rtol=1e-12
    )
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(model.predict(X[:5]), (proba[:, 1] > 0.5).astype(int))


@pytest.mark.parametrize("s", [0.2, 1.0, 4.5])
def test_gaussian_prior_equals_sklearn_l2_with_C_equal_to_the_prior_scale_squared(logistic_data, s):
    """prior_scale is the prior's standard deviation: the L2 penalty is ||b||^2 / (2 s^2)."""
    X, y = logistic_data
    ours = LogisticRegression(prior="gaussian", prior_scale=s).fit(X, y)
    ref = SkLogistic(C=s**2, tol=1e-12, max_iter=10_000).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_[0], atol=1e-6)
    assert ours.intercept_ == pytest.approx(ref.intercept_[0], abs=1e-6)
    # The standard errors come from the observed information plus the prior's curvature 1 / s^2.
    D = sm.add_constant(X)
    p = expit(D @ ours.params_)
    information = (D * (p * (1 - p))[:, None]).T @ D + np.diag([0.0, *np.full(3, 1 / s**2)])
    np.testing.assert_allclose(ours.cov_, np.linalg.inv(information), rtol=1e-8)


def test_gaussian_prior_equals_a_generic_optimizer_of_the_log_posterior(logistic_data):
    X, y = logistic_data
    s = 0.5
    D = sm.add_constant(X)
    # minus the log-likelihood, minus the log-density of independent N(0, s^2) priors (scipy.stats)
    neg_post = lambda b: (
        -np.sum(y * np.log(expit(D @ b)) + (1 - y) * np.log(expit(-(D @ b))))
        - stats.norm(0.0, s).logpdf(b[1:]).sum()
    )
    ref = optimize.minimize(neg_post, np.zeros(4), method="BFGS", options={"gtol": 1e-10}).x
    ours = LogisticRegression(prior="gaussian", prior_scale=s).fit(X, y)
    np.testing.assert_allclose(ours.params_, ref, atol=1e-6)
    assert np.all(np.abs(ours.coef_) < np.abs(LogisticRegression().fit(X, y).coef_) + 1e-12)


@pytest.mark.parametrize("b", [0.02, 0.1, 1.0])
def test_laplace_prior_equals_sklearn_l1_with_C_equal_to_the_prior_scale(logistic_data, b):
    X, y = logistic_data
    ours = LogisticRegression(prior="laplace", prior_scale=b).fit(X, y)
    ref = SkLogistic(l1_ratio=1.0, C=b, solver="saga", tol=1e-12, max_iter=200_000).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_[0], atol=1e-5)
    # Exact zeros, not small numbers, wherever the reference has zeros.
    np.testing.assert_array_equal(ours.coef_ == 0, ref.coef_[0] == 0)


def test_laplace_prior_gives_exact_zeros_and_the_null_model_for_a_tiny_scale(logistic_data):
    X, y = logistic_data
    tiny = LogisticRegression(prior="laplace", prior_scale=1e-3).fit(X, y)
    assert np.all(tiny.coef_ == 0.0)
    assert tiny.intercept_ == pytest.approx(logit(y.mean()), abs=1e-8)
    sparse = LogisticRegression(prior="laplace", prior_scale=0.05).fit(X, y)
    assert np.sum(sparse.coef_ == 0.0) >= 1  # the irrelevant third feature
    assert np.all(np.isnan(sparse.se_))


def test_complete_separation_is_reported():
    x = np.array([-3.0, -2.0, -1.0, 1.0, 2.0, 3.0])[:, None]
    y = np.array([0, 0, 0, 1, 1, 1])
    with pytest.raises(SeparationError, match=r"separat.*does not exist.*prior"):
        LogisticRegression().fit(x, y)
    model = LogisticRegression(prior="gaussian", prior_scale=1.0).fit(x, y)
    assert np.all(np.isfinite(model.params_)) and model.converged_


def test_quasi_complete_separation_is_reported():
    x = np.array([-3.0, -2.0, -1.0, 0.0, 0.0, 1.0, 2.0, 3.0])[:, None]
    y = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    with pytest.raises(SeparationError):
        LogisticRegression().fit(x, y)


def test_overlapping_classes_with_an_extreme_point_are_not_called_separated(rng):
    x = np.r_[rng.normal(size=60), 40.0][:, None]
    y = np.r_[(rng.random(60) < 0.5).astype(float), 1.0]
    model = LogisticRegression().fit(x, y)
    assert model.converged_


def test_linear_mle_equals_least_squares_and_statsmodels(linear_data):
    X, y = linear_data
    n, k = X.shape[0], X.shape[1] + 1
    ours = LinearRegression().fit(X, y)
    ref = sm.OLS(y, sm.add_constant(X)).fit()
    np.testing.assert_allclose(ours.params_, ref.params, rtol=1e-10)
    np.testing.assert_allclose(
        ours.params_, np.linalg.lstsq(sm.add_constant(X), y, rcond=None)[0], rtol=1e-10
    )
    assert ours.sigma2_ == pytest.approx(ref.ssr / n, rel=1e-12)
    assert ours.loglik_ == pytest.approx(ref.llf, rel=1e-12)
    assert ours.nobs_ == ref.nobs == n
    # statsmodels divides by n - k; the observed information uses the MLE, which divides by n.
    np.testing.assert_allclose(ours.se_, ref.bse * np.sqrt((n - k) / n), rtol=1e-10)
    np.testing.assert_allclose(ours.predict(X[:4]), ref.predict(sm.add_constant(X)[:4]), rtol=1e-10)


def test_linear_mle_maximizes_the_gaussian_likelihood(linear_data):
    X, y = linear_data
    D = sm.add_constant(X)
    nll = lambda t: (
        0.5 * len(y) * np.log(2 * np.pi)
        + 0.5 * len(y) * t[-1]
        + np.sum((y - D @ t[:-1]) ** 2) / (2 * np.exp(t[-1]))
    )
    ref = optimize.minimize(nll, np.zeros(5), method="BFGS", options={"gtol": 1e-9}).x
    ours = LinearRegression().fit(X, y)
    np.testing.assert_allclose(ours.params_, ref[:-1], atol=1e-5)
    assert ours.sigma2_ == pytest.approx(np.exp(ref[-1]), rel=1e-5)


@pytest.mark.parametrize("s", [0.1, 0.7, 3.0])
def test_gaussian_prior_on_a_linear_model_is_ridge(linear_data, s):
    """prior_scale is the prior standard deviation in units of sigma: Ridge with alpha = 1 / s^2."""
    X, y = linear_data
    ours = LinearRegression(prior="gaussian", prior_scale=s).fit(X, y)
    ref = Ridge(alpha=1.0 / s**2, tol=1e-12).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-8, atol=1e-10)
    assert ours.intercept_ == pytest.approx(ref.intercept_, rel=1e-8)
    # The MAP of (b0, b, sigma2) maximizes the log-likelihood plus the log-density of the
    # N(0, (s sigma)^2) priors on b (a flat prior on b0 and sigma2), written with scipy.stats.
    D = sm.add_constant(X)

    def neg_post(t):
        sd = np.exp(t[-1] / 2)
        return -(
            stats.norm(D @ t[:-1], sd).logpdf(y).sum()
            + stats.norm(0.0, s * sd).logpdf(t[1:-1]).sum()
        )

    start = np.r_[ref.intercept_, ref.coef_, np.log(np.var(y - ref.predict(X)))]
    post = optimize.minimize(neg_post, start, method="BFGS", options={"gtol": 1e-9}).x
    assert ours.sigma2_ == pytest.approx(np.exp(post[-1]), rel=1e-5)
    np.testing.assert_allclose(ours.params_, post[:-1], atol=1e-5)


def test_bad_inputs(logistic_data):
    X, y = logistic_data
    with pytest.raises(ValueError, match="X has 400 rows but y has 399"):
        LogisticRegression().fit(X, y[:-1])
    with pytest.raises(ValueError, match="y must contain only 0 or 1"):
        LogisticRegression().fit(X, y + 1)
    with pytest.raises(ValueError, match="prior must be one of"):
        LogisticRegression(prior="cauchy", prior_scale=1.0).fit(X, y)
    with pytest.raises(ValueError, match="prior_scale is required"):
        LogisticRegression(prior="gaussian").fit(X, y)
    with pytest.raises(ValueError, match="prior_scale is only meaningful with a prior"):
        LogisticRegression(prior_scale=1.0).fit(X, y)
    with pytest.raises(ValueError, match="prior_scale must lie in"):
        LogisticRegression(prior="laplace", prior_scale=-1.0).fit(X, y)
    with pytest.raises(ValueError, match="prior must be one of"):
        LinearRegression(prior="laplace", prior_scale=1.0).fit(X, y)
    with pytest.raises(ValueError, match="not fitted yet"):
        LogisticRegression().predict(X)
    with pytest.raises(ValueError, match="X has 2 features but the model was fitted with 3"):
        LogisticRegression().fit(X, y).predict(X[:, :2])
    with pytest.raises(ValueError, match="X contains NaN"):
        LinearRegression().fit(np.where(X > 2, np.nan, X), y)
    with pytest.raises(ValueError, match="not identified"):
        LinearRegression().fit(np.column_stack([X, X[:, 0]]), y)
    with pytest.raises(ValueError, match="not identified"):
        LogisticRegression().fit(np.column_stack([X, 2 * X[:, 1]]), y)
    with pytest.raises(ValueError, match="level must lie in"):
        LinearRegression().fit(X, y).conf_int(level=2)


def test_an_exact_fit_has_no_maximum_likelihood_estimate():
    """RSS = 0: the likelihood grows without bound as sigma2 -> 0."""
    with pytest.raises(ValueError, match="fits y exactly"):
        LinearRegression().fit([[1.0], [2.0]], [30.0, 34.0])


def test_the_last_newton_step_lands_on_the_optimum(rng):
    """Newton stops when one more step would gain less than tol, and takes that step: with
    quadratic convergence the estimate is then exact to rounding error, not merely to tol.
    (On these 150 points, stopping before that step leaves errors of about 1e-6.)"""
    X = rng.normal(size=(150, 2))
    y = (rng.random(150) < expit(0.2 + X @ [1.0, -2.0])).astype(float)
    ours = LogisticRegression().fit(X, y)
    ref = sm.Logit(y, sm.add_constant(X)).fit(disp=0, tol=1e-14, maxiter=100)
    np.testing.assert_allclose(ours.params_, ref.params, rtol=0, atol=1e-10)
    np.testing.assert_allclose(ours.se_, ref.bse, rtol=1e-10)
    assert ours.loglik_ == pytest.approx(ref.llf, rel=1e-13)


def test_an_ill_conditioned_design_of_full_rank_is_identified(logistic_data):
    """Columns on scales 1e6 apart: too ill-conditioned for the quick rank check, so the SVD
    decides, and the design has full rank; rescaling the columns rescales the coefficients."""
    X, y = logistic_data
    scale = np.array([1.0, 1e-3, 1e3])
    scaled = LogisticRegression().fit(X * scale, y)
    plain = LogisticRegression().fit(X, y)
    np.testing.assert_allclose(scaled.coef_ * scale, plain.coef_, rtol=1e-7, atol=1e-10)
    # and the standard errors: the information is positive definite, however ill-conditioned
    np.testing.assert_allclose(scaled.se_[1:] * scale, plain.se_[1:], rtol=1e-7)
    ref = sm.Logit(y, sm.add_constant(X * scale)).fit(disp=0, tol=1e-12)
    np.testing.assert_allclose(scaled.se_, ref.bse, rtol=1e-6)


@pytest.mark.parametrize("intercept", [True, False])
def test_the_weighted_cross_product_by_blocks_equals_the_direct_one(rng, monkeypatch, intercept):
    """D'WD by a symmetric rank-k update of sqrt(w) X, block by block (blocks of 256 rows here,
    the last one short), without forming D: the direct product to rounding error."""
    monkeypatch.setattr(regression, "_GRAM_BLOCK", 256 * 4)
    X, w = rng.normal(size=(1000, 4)), rng.random(1000) / 4
    D = np.column_stack([np.ones(1000), X]) if intercept else X
    gram = regression._weighted_gram(X, w, intercept)
    np.testing.assert_allclose(gram, (D * w[:, None]).T @ D, rtol=1e-13, atol=1e-13)
    assert np.array_equal(gram, gram.T)


def test_the_standard_errors_are_those_of_the_information_at_the_estimate(rng):
    """When Newton's last step moved no linear predictor by more than SAME_WEIGHTS, the
    Hessian of the iterate before it stands in: every weight p(1 - p), hence the information
    and each variance, is then within a factor exp(+-SAME_WEIGHTS) of its value at the
    estimate. Either way the standard errors are those of the exact information there."""
    reused = 0
    for n, d in [(3000, 3), (20_000, 5), (400, 8)]:
        X = rng.normal(size=(n, d))
        y = (rng.random(n) < expit(0.2 + X @ rng.normal(scale=0.5, size=d))).astype(float)
        model = LogisticRegression().fit(X, y)
        terms = regression._LogisticTerms(X, y, np.zeros(d + 1), intercept=True)
        exact = np.sqrt(np.diag(np.linalg.inv(terms.hess(model.params_))))
        np.testing.assert_allclose(model.se_, exact, rtol=1e-10)
        # was the Hessian before the last step used? (then the last step was that small)
        trace = optim.newton(terms.grad, terms.hess, np.zeros(d + 1), fun=terms.fun)
        step = X @ (trace.path[-1] - trace.path[-2])[1:] + (trace.path[-1] - trace.path[-2])[0]
        reused += bool(np.max(np.abs(step)) <= regression.SAME_WEIGHTS)
    assert reused >= 1  # the shortcut is exercised


def test_the_rank_check_comes_from_the_first_hessian():
    """Without a prior, the Hessian at zero is D'D / 4, whose eigenvalues decide the rank
    when D is well conditioned; the design is built (for the SVD) only when they cannot."""
    X = np.column_stack([np.arange(10.0), 2 * np.arange(10.0)])  # collinear columns
    y = np.r_[np.zeros(5), np.ones(5)]
    y[[2, 7]] = y[[7, 2]]
    with pytest.raises(ValueError, match="rank 2 below its 3 columns"):
        LogisticRegression().fit(X, y)
    built = []
    regression._check_identified(
        lambda: built.append(1), "a prior", np.diag([4.0, 2.0, 1.0])
    )  # well conditioned: decided without the design
    assert built == []
