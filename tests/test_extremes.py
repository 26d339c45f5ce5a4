"""Extreme data: estimates on the boundary, single observations, ten million observations,
values near the limits of float64, collapsing mixture components, separated classes and
collinear designs. Every number is checked against an independent reference: a closed form,
exact integer or rational arithmetic, mpmath, scipy.stats, statsmodels or scikit-learn."""

import math
import warnings
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats
from sklearn.linear_model import LogisticRegression as SkLogistic
from sklearn.linear_model import Ridge
from sklearn.mixture import GaussianMixture as SkGaussianMixture
from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

from mlebook import fit
from mlebook.asymptotics import profile_intervals, wald_intervals
from mlebook.mixture import GaussianMixture, SingularityError
from mlebook.models import Bernoulli, Categorical, Exponential, Gamma, Gaussian, Poisson
from mlebook.regression import (
    LinearRegression,
    LogisticRegression,
    SeparationError,
    SoftmaxRegression,
)

Q95 = stats.chi2.ppf(0.95, df=1)


# ============================================================================ the boundary
@pytest.mark.parametrize("n", [1, 10, 1000])
@pytest.mark.parametrize("value", [0, 1])
def test_bernoulli_all_equal_has_its_estimate_on_the_boundary(n, value):
    """All zeros (or all ones): p-hat = 0 (or 1), where the log-likelihood is exactly 0."""
    x = np.full(n, value)
    model = Bernoulli()
    assert model.mle(x) == value
    assert model.loglik(value, x) == 0.0 == stats.bernoulli.logpmf(x, value).sum()
    with pytest.raises(ValueError, match="p must lie in"):  # the derivatives do not exist there
        model.score(value, x)

    with pytest.warns(
        RuntimeWarning,
        match=r"boundary of the parameter space \(p = .*standard errors are NaN"
        r".*Wald intervals are unusable.*collapses.*method='profile'",
    ):
        res = fit(model, x)
    assert res.params[0] == pytest.approx(value, abs=1e-8)
    assert res.loglik == pytest.approx(0.0, abs=1e-8) and res.loglik <= 0.0
    assert np.isnan(res.se[0]) and np.all(np.isnan(res.conf_int()))
    # The textbook Wald interval p +- z sqrt(p (1 - p) / n) collapses to the single point p-hat.
    np.testing.assert_array_equal(wald_intervals(model, x), [value, value])


@pytest.mark.parametrize("n", [1, 10, 1000])
@pytest.mark.parametrize("value", [0, 1])
@pytest.mark.parametrize("level", [0.9, 0.95])
def test_bernoulli_profile_interval_on_the_boundary_has_a_closed_form(n, value, level):
    """All zeros: the interval is {p : n log(1 - p) >= -q / 2}, i.e. [0, 1 - exp(-q / (2n))];
    all ones is its mirror image, [exp(-q / (2n)), 1]."""
    q = stats.chi2.ppf(level, df=1)
    end = math.exp(-q / (2 * n))
    exact = [0.0, 1.0 - end] if value == 0 else [end, 1.0]
    x = np.full(n, value)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the boundary warning, checked above
        res = fit(Bernoulli(), x)
    np.testing.assert_allclose(
        res.conf_int(level=level, method="profile")[0], exact, rtol=0, atol=1e-6
    )
    np.testing.assert_allclose(
        profile_intervals(Bernoulli(), x, level=level), exact, rtol=1e-10, atol=1e-12
    )
    # The end really is where the log-likelihood has dropped by q / 2.
    inner = exact[1] if value == 0 else exact[0]
    assert Bernoulli().loglik(inner, x) == pytest.approx(-q / 2, rel=1e-9)


def test_poisson_all_zeros_and_an_empty_category_sit_on_the_boundary():
    x = np.zeros(25)
    assert (
        Poisson().mle(x) == 0.0
        and Poisson().loglik(0.0, x) == 0.0 == stats.poisson.logpmf(x, 0.0).sum()
    )
    # 25 lam = q / 2 at the upper end of the profile interval.
    np.testing.assert_allclose(profile_intervals(Poisson(), x), [0.0, Q95 / 50], rtol=1e-10)
    labels = np.array([0, 0, 2, 2, 2])
    np.testing.assert_array_equal(Categorical(k=3).mle(labels), [0.4, 0.0, 0.6])
    assert Categorical(k=3).loglik([0.4, 0.0, 0.6], labels) == pytest.approx(
        2 * math.log(0.4) + 3 * math.log(0.6)
    )
    with pytest.warns(RuntimeWarning, match="boundary.*Wald intervals are unusable"):
        res = fit(Categorical(k=3), labels)
    np.testing.assert_allclose(res.params, [0.4, 0.0, 0.6], atol=1e-7)


# ============================================================================ one observation
def test_gaussian_with_one_observation_has_no_mle():
    """The variance estimate is 0, outside the model; the likelihood grows without bound."""
    x = [2.5]
    np.testing.assert_array_equal(Gaussian().mle(x), [2.5, 0.0])  # documented: the boundary value
    with pytest.raises(ValueError, match="sigma2 must lie in"):
        Gaussian().loglik((2.5, 0.0), x)
    lls = [Gaussian().loglik((2.5, s2), x) for s2 in (1.0, 1e-4, 1e-8)]
    np.testing.assert_allclose(
        lls, [-0.5 * math.log(2 * math.pi * s2) for s2 in (1.0, 1e-4, 1e-8)], rtol=1e-14
    )
    assert lls[0] < lls[1] < lls[2]  # unbounded as sigma2 -> 0
    for sample in (x, [2.5] * 7):
        with pytest.raises(
            ValueError, match=r"every observation is the same.*sigma2 shrinks to 0.*does not exist"
        ):
            fit(Gaussian(), sample)


@pytest.mark.parametrize(
    "model, x, closed_form, scipy_loglik",
    [
        (Poisson(), [7], 7.0, lambda t: stats.poisson.logpmf(7, t)),
        (Poisson(), [0], 0.0, lambda t: stats.poisson.logpmf(0, t)),
        (Exponential(), [2.5], 0.4, lambda t: stats.expon.logpdf(2.5, scale=1 / t)),
        (Bernoulli(), [1], 1.0, lambda t: stats.bernoulli.logpmf(1, t)),
        (Bernoulli(), [0], 0.0, lambda t: stats.bernoulli.logpmf(0, t)),
    ],
    ids=["poisson", "poisson-zero", "exponential", "bernoulli-one", "bernoulli-zero"],
)
def test_one_observation_gives_the_closed_form(model, x, closed_form, scipy_loglik):
    estimate = model.mle(x)
    assert estimate == closed_form
    assert model.loglik(estimate, x) == pytest.approx(scipy_loglik(estimate), rel=1e-14, abs=1e-14)
    with warnings.catch_warnings():
        warnings.simplefilter(
            "ignore", RuntimeWarning
        )  # zero counts and coins: a boundary estimate
        res = fit(model, x)
    assert res.params[0] == pytest.approx(closed_form, rel=1e-6, abs=1e-8)


def test_one_observation_of_the_other_models():
    np.testing.assert_array_equal(Categorical(k=3).mle([2]), [0.0, 0.0, 1.0])
    with pytest.raises(ValueError, match=r"every observation is the same.*does not exist"):
        Gamma().mle([2.0])
    with pytest.raises(ValueError, match=r"every observation is the same.*does not exist"):
        fit(Gamma(), [2.0, 2.0])
    with pytest.raises(ValueError, match=r"every observation is 0.*does not exist"):
        fit(Exponential(), [0.0])


# ========================================================================= ten million observations
N_BIG = 10**7


def test_poisson_with_ten_million_observations():
    """Counts are integers, so sums are exact in int64 and the reference is exact."""
    counts = np.random.default_rng(11).poisson(3.7, size=N_BIG)
    total = int(counts.sum())
    lam_hat = Poisson().mle(counts)
    assert lam_hat == pytest.approx(total / N_BIG, rel=4e-16)
    # log-likelihood at lam = 3.7 from the value counts: sum over distinct k of m_k log P(k).
    multiplicity = np.bincount(counts)
    reference = math.fsum(
        int(m) * stats.poisson.logpmf(k, 3.7) for k, m in enumerate(multiplicity) if m
    )
    assert Poisson().loglik(3.7, counts) == pytest.approx(reference, rel=1e-12)
    assert Poisson().score(lam_hat, counts) == pytest.approx(0.0, abs=1e-6)


def test_gaussian_with_ten_million_observations():
    """Data on a grid of 2**-10 are exact floats with integer numerators k: their sums are exact
    in int64, and the MLE and the log-likelihood follow in exact rational arithmetic."""
    k = np.rint(np.random.default_rng(12).normal(3072.0, 2048.0, size=N_BIG)).astype(np.int64)
    x = k / 1024.0
    s1, s2 = int(k.sum()), int((k * k).sum())  # |k| < 2**15, so k*k and their sum fit in int64
    mean = Fraction(s1, 1024 * N_BIG)
    var = Fraction(s2, 1024**2 * N_BIG) - mean**2
    mu_hat, sigma2_hat = Gaussian().mle(x)
    assert mu_hat == pytest.approx(float(mean), rel=1e-14)
    assert sigma2_hat == pytest.approx(float(var), rel=1e-12)
    # At (mu, s2) = (3, 4): -n/2 log(2 pi s2) - sum (x - mu)^2 / (2 s2), the sum exact as a
    # fraction.
    squares = Fraction(s2, 1024**2) - 2 * 3 * Fraction(s1, 1024) + 9 * N_BIG
    reference = -N_BIG / 2 * math.log(2 * math.pi * 4.0) - float(squares / 8)
    assert Gaussian().loglik((3.0, 4.0), x) == pytest.approx(reference, rel=1e-12)


# ============================================================================ the limits of float64
@pytest.mark.parametrize("scale", [1e150, 1e-150])
def test_gaussian_at_extreme_scales(scale):
    z = np.random.default_rng(13).normal(3.0, 1.0, size=200)
    x = scale * z
    mu, s2 = Gaussian().mle(x)
    assert np.isfinite(mu) and np.isfinite(s2) and s2 > 0
    assert mu == pytest.approx(scale * z.mean(), rel=1e-13)
    assert s2 == pytest.approx(scale**2 * z.var(), rel=1e-12)
    loc, sd = stats.norm.fit(x)
    assert mu == pytest.approx(loc, rel=1e-12) and s2 == pytest.approx(sd**2, rel=1e-12)
    ll = Gaussian().loglik((mu, s2), x)
    reference = stats.norm.logpdf(x, mu, math.sqrt(s2)).sum()
    assert np.isfinite(reference) and ll == pytest.approx(reference, rel=1e-12)
    assert ll == pytest.approx(
        -x.size / 2 * (math.log(2 * math.pi * s2) + 1), rel=1e-12
    )  # at the MLE


@pytest.mark.parametrize("scale", [1e-300, 1e-307, 1e300])
def test_exponential_with_tiny_and_huge_waits(scale):
    e = np.random.default_rng(14).exponential(size=200)
    x = scale * e
    rate = Exponential().mle(x)
    assert np.isfinite(rate) and rate == pytest.approx(1 / (scale * e.mean()), rel=1e-13)
    assert 1 / rate == pytest.approx(stats.expon.fit(x, floc=0)[1], rel=1e-12)
    ll = Exponential().loglik(rate, x)
    reference = stats.expon.logpdf(x, scale=1 / rate).sum()
    assert np.isfinite(reference) and ll == pytest.approx(reference, rel=1e-12)


@pytest.mark.parametrize("scale", [1e-300, 1e300])
def test_gamma_at_extreme_scales(scale):
    """The shape does not depend on the scale of the data; the scale parameter follows it."""
    g = np.random.default_rng(15).gamma(2.5, 1.5, size=200)
    shape, theta = Gamma().mle(g)
    ref_shape, _, ref_scale = stats.gamma.fit(g, floc=0)
    assert shape == pytest.approx(ref_shape, rel=1e-5) and theta == pytest.approx(
        ref_scale, rel=1e-5
    )
    shape_x, theta_x = Gamma().mle(scale * g)
    assert shape_x == pytest.approx(shape, rel=1e-12)
    assert theta_x == pytest.approx(scale * theta, rel=1e-12)
    ll = Gamma().loglik((shape_x, theta_x), scale * g)
    reference = stats.gamma.logpdf(scale * g, shape_x, scale=theta_x).sum()
    assert np.isfinite(reference) and ll == pytest.approx(reference, rel=1e-11)


def _poisson_loglik_mpmath(counts, lam):
    with mpmath.workdps(60):
        return float(
            mpmath.fsum(
                int(k) * mpmath.log(lam) - lam - mpmath.loggamma(int(k) + 1) for k in counts
            )
        )


@pytest.mark.parametrize("mean", [1e6, 1e12, 1e15])
def test_poisson_with_huge_counts(mean):
    """Counts up to 1e15 (below 2**53, so exact floats): the MLE is the exact mean. The
    log-likelihood is a difference of terms of size S log(lam), so float64 pins it down only
    to about eps * S log(lam) (a few hundred at 1e15, scipy's logpmf no better); it stays
    finite, and within that rounding bound of a 60-digit mpmath reference."""
    counts = np.random.default_rng(16).poisson(mean, size=100)
    total = int(counts.sum())  # exact in int64
    lam = Poisson().mle(counts)
    assert lam == pytest.approx(total / counts.size, rel=2e-16)
    ll = Poisson().loglik(lam, counts)
    assert np.isfinite(ll) and np.isfinite(stats.poisson.logpmf(counts, lam).sum())
    reference = _poisson_loglik_mpmath(counts, mpmath.mpf(total) / counts.size)
    rounding = 8 * np.finfo(float).eps * (total * math.log(lam) + counts.size * lam)
    assert abs(ll - reference) <= rounding
    if mean <= 1e6:
        assert ll == pytest.approx(reference, rel=1e-9)


# ============================================================================ mixtures
def _collapsing_data(kind):
    rng = np.random.default_rng(17)
    if kind == "a single far point":
        return np.r_[rng.normal(size=(60, 2)), [[8.0, 8.0]]]
    if kind == "a duplicated point":
        return np.r_[rng.normal(size=(60, 2)), np.repeat([[8.0, 8.0]], 3, axis=0)]
    return np.r_[
        rng.normal(size=(60, 3)), [[8.0, 8.0, 8.0], [9.0, 8.5, 8.0]]
    ]  # 2 points in 3 dimensions


@pytest.mark.parametrize(
    "kind", ["a single far point", "a duplicated point", "fewer points than dimensions"]
)
def test_a_component_on_too_few_points(kind):
    """Component 1 starts on the outlying point(s): with reg_covar > 0 its covariance stays
    finite (reg_covar I where the points have no spread), with reg_covar = 0 it is singular."""
    X = _collapsing_data(kind)
    d = X.shape[1]
    start = {
        "weights_init": [0.5, 0.5],
        "means_init": np.r_[np.zeros((1, d)), X[-1:]],
        "covariances_init": np.array([np.eye(d), np.eye(d)]),
    }
    gm = GaussianMixture(n_components=2, reg_covar=1e-6, **start).fit(X)
    assert gm.converged_ and np.all(np.isfinite(gm.covariances_)) and np.isfinite(gm.loglik_)
    assert np.linalg.eigvalsh(gm.covariances_[1])[0] == pytest.approx(1e-6, rel=1e-6)
    dens = sum(
        gm.weights_[j] * stats.multivariate_normal(gm.means_[j], gm.covariances_[j]).pdf(X)
        for j in range(2)
    )
    assert gm.loglik_ == pytest.approx(np.log(dens).sum(), rel=1e-9)
    sk = SkGaussianMixture(
        2,
        reg_covar=1e-6,
        tol=1e-12,
        max_iter=10_000,
        weights_init=start["weights_init"],
        means_init=start["means_init"],
        precisions_init=np.linalg.inv(start["covariances_init"]),
    ).fit(X)
    np.testing.assert_allclose(gm.means_, sk.means_, atol=1e-8)
    np.testing.assert_allclose(gm.covariances_, sk.covariances_, atol=1e-8)
    np.testing.assert_allclose(gm.weights_, sk.weights_, atol=1e-10)
    with pytest.raises(
        SingularityError, match=r"component 1 \(counting from 0\) became singular.*reg_covar > 0"
    ):
        GaussianMixture(n_components=2, reg_covar=0.0, **start).fit(X)


# ============================================================================ separation
SEPARATED = {
    "complete": (np.array([[-2.0], [-1.0], [1.0], [2.0]]), np.array([0.0, 0.0, 1.0, 1.0])),
    "quasi-complete": (
        np.array([[-2.0], [-1.0], [0.0], [0.0], [1.0], [2.0]]),
        np.array([0.0, 0.0, 0.0, 1.0, 1.0, 1.0]),
    ),
}


@pytest.mark.parametrize("kind", SEPARATED)
def test_separation_raises_where_statsmodels_fails_to_converge(kind):
    X, y = SEPARATED[kind]
    with pytest.raises(SeparationError, match=r"separated by a hyperplane.*does not exist.*prior"):
        LogisticRegression().fit(X, y)
    # The log-likelihood keeps rising along the separating direction: no maximum exists.
    D = sm.add_constant(X)
    lls = [stats.bernoulli.logpmf(y, 1 / (1 + np.exp(-D @ [0.0, t]))).sum() for t in (1, 10, 100)]
    assert lls[0] < lls[1] < lls[2] <= 0
    # statsmodels warns instead (perfect separation, or no convergence), with a slope that has
    # run off.
    expected = PerfectSeparationWarning if kind == "complete" else ConvergenceWarning
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ref = sm.Logit(y, D).fit(disp=0)
    assert any(issubclass(w.category, expected) for w in caught)
    assert ref.params[1] > 10


@pytest.mark.parametrize("kind", SEPARATED)
def test_separated_classes_with_a_prior_have_finite_coefficients(kind):
    X, y = SEPARATED[kind]
    ours = LogisticRegression(prior="gaussian", prior_scale=1.0, tol=1e-14).fit(X, y)
    assert np.all(np.isfinite(ours.params_)) and np.all(np.isfinite(ours.se_))
    ref = SkLogistic(C=1.0, tol=1e-12, max_iter=10_000).fit(X, y)
    np.testing.assert_allclose(ours.params_, np.r_[ref.intercept_, ref.coef_.ravel()], atol=1e-6)
    lasso = LogisticRegression(prior="laplace", prior_scale=1.0).fit(X, y)
    assert np.all(np.isfinite(lasso.params_))


def test_separated_classes_in_softmax_regression():
    X = np.array([[-3.0], [-2.0], [0.0], [0.5], [2.0], [3.0]])
    y = np.array([0, 0, 1, 1, 2, 2])
    with pytest.raises(SeparationError, match="separated by hyperplanes"):
        SoftmaxRegression().fit(X, y)
    assert np.all(
        np.isfinite(SoftmaxRegression(prior="gaussian", prior_scale=1.0).fit(X, y).params_)
    )


# ============================================================================ collinear designs
def _design(kind):
    rng = np.random.default_rng(18)
    X = rng.normal(size=(60, 2))
    extra = {
        "duplicate column": X[:, 0],
        "linear combination": 2 * X[:, 0] - 0.5 * X[:, 1],
        "constant column": np.full(60, 3.0),
    }[kind]
    return X, np.column_stack([X, extra])


@pytest.mark.parametrize("kind", ["duplicate column", "linear combination", "constant column"])
@pytest.mark.parametrize("cls", [LinearRegression, LogisticRegression, SoftmaxRegression])
def test_collinear_designs_are_refused(cls, kind):
    X, D = _design(kind)
    eta = X @ [1.0, -1.0]
    y = {
        LinearRegression: eta,
        LogisticRegression: (eta > 0).astype(float),
        SoftmaxRegression: np.digitize(eta, [-0.5, 0.5]),
    }[cls]
    y = y + np.random.default_rng(19).normal(size=60) if cls is LinearRegression else y
    assert (
        np.linalg.matrix_rank(np.column_stack([np.ones(60), D])) == 3
    )  # the reference: rank 3 < 4
    with pytest.raises(
        ValueError, match=r"design matrix \(X.*rank 3 below its 4 columns.*not identified"
    ) as err:
        cls().fit(D, y)
    assert type(err.value) is ValueError
    if kind != "constant column":  # without an intercept a constant column is just a feature
        with pytest.raises(ValueError, match="rank 2 below its 3 columns"):
            cls(fit_intercept=False).fit(D, y)


def test_a_collinear_design_with_a_prior_is_ridge():
    """A Gaussian prior identifies the coefficients: duplicated columns share the weight equally."""
    X, D = _design("duplicate column")
    y = X @ [1.0, -1.0] + np.random.default_rng(20).normal(size=60)
    ours = LinearRegression(prior="gaussian", prior_scale=2.0).fit(D, y)  # penalty ||b||^2 / 2^2
    ref = Ridge(alpha=0.25).fit(D, y)
    np.testing.assert_allclose(
        ours.params_, np.r_[ref.intercept_, ref.coef_], rtol=1e-10, atol=1e-12
    )
    assert ours.coef_[0] == pytest.approx(ours.coef_[2], rel=1e-10)
