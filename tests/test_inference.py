"""The likelihood-ratio, Wald and score tests against their closed forms, scipy's fits and
statsmodels."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats
from scipy.special import expit

from mlebook.inference import HypothesisTest, lr_test, score_test, wald_test
from mlebook.models import Bernoulli, Categorical, Gamma, Gaussian, Poisson
from mlebook.regression import LogisticRegression


def _chi2(statistic, df=1):
    return stats.chi2.sf(statistic, df)


@pytest.mark.parametrize("k, n, p0", [(73, 100, 0.5), (3, 40, 0.2), (180, 200, 0.85)])
def test_the_coin_has_closed_forms(k, n, p0):
    flips = np.r_[np.ones(k), np.zeros(n - k)]
    p = k / n
    lr = 2 * (k * np.log(p / p0) + (n - k) * np.log((1 - p) / (1 - p0)))
    wald = (p - p0) ** 2 / (p * (1 - p) / n)
    score = (p - p0) ** 2 / (p0 * (1 - p0) / n)
    for test, expected in ((lr_test, lr), (wald_test, wald), (score_test, score)):
        res = test(Bernoulli(), flips, {"p": p0})
        assert isinstance(res, HypothesisTest) and res.df == 1
        assert res.statistic == pytest.approx(expected, rel=1e-8)
        assert res.pvalue == pytest.approx(_chi2(expected), rel=1e-6)
    assert str(lr_test(Bernoulli(), flips, {"p": p0})).startswith(
        f"likelihood ratio test of p = {p0:g}:"
    )


def test_a_gaussian_mean_with_its_variance_as_a_nuisance_parameter(rng):
    x = rng.normal(0.3, 2.0, size=40)
    mu0, n = 0.0, x.size
    s2, s2_null = x.var(), np.mean((x - mu0) ** 2)  # the unrestricted and restricted MLEs
    assert lr_test(Gaussian(), x, {"mu": mu0}).statistic == pytest.approx(
        n * np.log(s2_null / s2), rel=1e-7
    )
    assert wald_test(Gaussian(), x, {"mu": mu0}).statistic == pytest.approx(
        n * (x.mean() - mu0) ** 2 / s2, rel=1e-6
    )
    assert score_test(Gaussian(), x, {"mu": mu0}).statistic == pytest.approx(
        n * (x.mean() - mu0) ** 2 / s2_null, rel=1e-6
    )
    # The t-test's statistic is a monotone function of all three.
    t = stats.ttest_1samp(x, mu0).statistic
    assert lr_test(Gaussian(), x, {"mu": mu0}).statistic == pytest.approx(
        n * np.log1p(t**2 / (n - 1)), rel=1e-7
    )


def test_gamma_shape_one_against_scipys_exponential_and_gamma_fits(rng):
    x = rng.gamma(1.6, 2.0, size=300)
    shape, _, scale = stats.gamma.fit(x, floc=0)
    full = stats.gamma.logpdf(x, shape, scale=scale).sum()
    exponential = stats.expon.logpdf(x, scale=x.mean()).sum()
    res = lr_test(Gamma(), x, {"shape": 1.0})
    assert res.statistic == pytest.approx(2 * (full - exponential), rel=1e-7)
    assert res.pvalue < 1e-6  # the data have shape 1.6
    both = lr_test(Gamma(), x, {"shape": 1.0, "scale": 2.0})
    assert both.df == 2
    assert both.statistic == pytest.approx(
        2 * (full - stats.expon.logpdf(x, scale=2.0).sum()), rel=1e-7
    )


def test_the_three_tests_agree_on_a_large_sample_under_the_null(rng):
    x = rng.poisson(3.0, size=200_000)
    values = [t(Poisson(), x, {"lam": 3.0}).statistic for t in (lr_test, wald_test, score_test)]
    assert max(values) - min(values) < 0.02 * max(1.0, max(values))


def test_each_test_holds_its_level_under_the_null():
    rng = np.random.default_rng(7)
    rejections = np.zeros(3)
    for _ in range(400):
        x = rng.poisson(2.0, size=150)
        rejections += [
            t(Poisson(), x, {"lam": 2.0}).pvalue < 0.05 for t in (lr_test, wald_test, score_test)
        ]
    rate = rejections / 400
    assert np.all(np.abs(rate - 0.05) < 3 * np.sqrt(0.05 * 0.95 / 400) + 0.01), rate


def test_a_sandwich_wald_test_uses_the_robust_variance(rng):
    x = rng.negative_binomial(2, 0.4, size=500)  # overdispersed
    lam = x.mean()
    robust = wald_test(Poisson(), x, {"lam": 3.0}, cov="sandwich").statistic
    assert robust == pytest.approx((lam - 3.0) ** 2 / (np.mean((x - lam) ** 2) / x.size), rel=1e-6)
    model_based = wald_test(Poisson(), x, {"lam": 3.0}).statistic
    assert model_based == pytest.approx((lam - 3.0) ** 2 / (lam / x.size), rel=1e-6)


def test_a_categorical_null_fixing_every_probability_has_k_minus_1_degrees_of_freedom(rng):
    x = rng.choice(3, size=600, p=[0.2, 0.3, 0.5])
    null = {"p0": 0.25, "p1": 0.25, "p2": 0.5}
    counts = np.bincount(x, minlength=3)
    expected = np.array(list(null.values())) * x.size
    g2 = 2 * np.sum(counts * np.log(counts / expected))  # the G-test
    pearson = stats.chisquare(counts, expected).statistic  # Pearson's chi-squared is the score test
    res = lr_test(Categorical(k=3), x, null)
    assert res.df == 2 and res.statistic == pytest.approx(g2, rel=1e-7)
    assert score_test(Categorical(k=3), x, null).statistic == pytest.approx(pearson, rel=1e-7)
    assert wald_test(Categorical(k=3), x, null).df == 2


# --------------------------------------------------------------------------- logistic regression
@pytest.fixture(scope="module")
def logistic_data():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(400, 3))
    y = (rng.random(400) < expit(0.3 + X @ [1.0, -0.5, 0.0])).astype(float)
    return X, y


def test_logistic_wald_and_lr_tests_match_statsmodels(logistic_data):
    X, y = logistic_data
    design = sm.add_constant(X)
    full = sm.Logit(y, design).fit(disp=0)
    for j in (1, 2, 3):
        name = f"x{j - 1}"
        wald = wald_test(LogisticRegression(), (X, y), {name: 0.0})
        assert wald.statistic == pytest.approx((full.params[j] / full.bse[j]) ** 2, rel=1e-6)
        assert wald.pvalue == pytest.approx(full.pvalues[j], rel=1e-5)
        dropped = sm.Logit(y, np.delete(design, j, axis=1)).fit(disp=0)
        lr = lr_test(LogisticRegression(), (X, y), {name: 0.0})
        assert lr.statistic == pytest.approx(2 * (full.llf - dropped.llf), rel=1e-6, abs=1e-8)
    every_slope = lr_test(LogisticRegression(), (X, y), {"x0": 0.0, "x1": 0.0, "x2": 0.0})
    assert every_slope.df == 3 and every_slope.statistic == pytest.approx(full.llr, rel=1e-6)
    joint = wald_test(LogisticRegression(), (X, y), {"x1": 0.0, "x2": 0.0})
    reference = full.wald_test(np.eye(4)[[2, 3]], scalar=True)
    assert joint.statistic == pytest.approx(float(reference.statistic), rel=1e-6)


def test_logistic_score_test_at_a_nonzero_null_uses_statsmodels_restricted_fit(logistic_data):
    X, y = logistic_data
    design = sm.add_constant(X)
    # H0: the coefficient of x0 is 0.8; statsmodels fits the rest with that term as an offset.
    restricted = sm.Logit(y, np.delete(design, 1, axis=1), offset=0.8 * X[:, 0]).fit(
        disp=0, tol=1e-12
    )
    p = expit(np.delete(design, 1, axis=1) @ restricted.params + 0.8 * X[:, 0])
    U = design.T @ (y - p)
    information = (design * (p * (1 - p))[:, None]).T @ design
    res = score_test(LogisticRegression(), (X, y), {"x0": 0.8})
    assert res.statistic == pytest.approx(U @ np.linalg.solve(information, U), rel=1e-5)
    lr = lr_test(LogisticRegression(), (X, y), {"x0": 0.8})
    full = sm.Logit(y, design).fit(disp=0)
    assert lr.statistic == pytest.approx(2 * (full.llf - restricted.llf), rel=1e-6)


def test_a_dataframe_names_the_logistic_parameters_as_its_columns():
    data = sm.datasets.spector.load_pandas()
    named = lr_test(LogisticRegression(), (data.exog, data.endog), {"PSI": 0.0})
    plain = lr_test(
        LogisticRegression(), (data.exog.to_numpy(), data.endog.to_numpy()), {"x2": 0.0}
    )
    assert named.statistic == pytest.approx(plain.statistic, rel=1e-12)
    reference = sm.Logit(data.endog, sm.add_constant(data.exog)).fit(disp=0)
    restricted = sm.Logit(data.endog, sm.add_constant(data.exog[["GPA", "TUCE"]])).fit(disp=0)
    assert named.statistic == pytest.approx(2 * (reference.llf - restricted.llf), rel=1e-6)
    with pytest.raises(ValueError, match="'x2' is not a parameter"):
        lr_test(LogisticRegression(), (data.exog, data.endog), {"x2": 0.0})
