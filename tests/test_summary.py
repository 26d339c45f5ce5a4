"""The coefficient tables of ``summary()`` against statsmodels and closed forms.

The numbers are read back from the printed text and compared, to the precision printed, with
statsmodels' results (``Logit``, ``OLS``, ``MNLogit``) or with the closed forms of the MLE and
its standard error; :func:`mlebook.intervals.wald_table`'s numbers are compared more tightly.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats

from mlebook import fit
from mlebook.intervals import wald_interval, wald_table
from mlebook.models import Gamma, Gaussian, Poisson
from mlebook.regression import LinearRegression, LogisticRegression, SoftmaxRegression

# What the table prints: estimates, standard errors and interval ends to 4 decimals, z and the
# p-value to 3; half a unit in the last place, plus room for the two fits' tolerances.
TOL = {"estimate": 6e-5, "se": 6e-5, "z": 6e-4, "p": 6e-4, "lower": 6e-5, "upper": 6e-5}
COLUMNS = ("estimate", "se", "z", "p", "lower", "upper")


def parse(text: str) -> tuple[dict[str, dict], str]:
    """The rows of a summary's table, by parameter name, and the footer (the lines after it).

    A fixed parameter's row reads ``estimate se fixed lower upper``: its z and p are None.
    """
    lines = text.splitlines()
    assert lines[0].split() == ["estimate", "std", "err", "z", "P>|z|", "[0.025", "0.975]"]
    rows, end = {}, 1
    for line in lines[1:]:
        tokens = line.split()
        fixed = "fixed" in tokens
        n_cells = 5 if fixed else 6
        try:
            cells = [None if t == "fixed" else float(t) for t in tokens[-n_cells:]]
        except ValueError:  # the footer begins
            break
        if fixed:
            cells = [cells[0], cells[1], None, None, cells[3], cells[4]]
        rows[" ".join(tokens[:-n_cells])] = dict(zip(COLUMNS, cells, strict=True))
        end += 1
    return rows, "\n".join(lines[end:])


def footer_number(footer: str, label: str) -> float:
    match = re.search(rf"{label} (-?[0-9.]+|nan|n/a)\b", footer)
    assert match, f"{label!r} not in the footer {footer!r}"
    return float("nan") if match.group(1) in ("nan", "n/a") else float(match.group(1))


def assert_rows(rows: dict, names, reference: dict) -> None:
    """Every column of every row against ``reference[column][j]``, to the printed precision."""
    assert list(rows) == list(names)
    for j, name in enumerate(names):
        for column in COLUMNS:
            np.testing.assert_allclose(
                rows[name][column],
                reference[column][j],
                rtol=0,
                atol=TOL[column],
                err_msg=f"{name}: {column}",
            )


# --------------------------------------------------------------------------- the table function
def test_wald_table_is_the_wald_test_and_interval():
    est, se = np.array([0.5, -1.2, 3.0]), np.array([0.25, 0.4, 2.0])
    table = wald_table(["a", "b", "c"], est, se, level=0.9)
    z = est / se
    np.testing.assert_allclose(table.statistic, z, rtol=1e-15)
    np.testing.assert_allclose(table.pvalue, 2 * stats.norm.sf(np.abs(z)), rtol=1e-14)
    # z^2 is the one-parameter Wald statistic, chi-squared(1): the same p-value.
    np.testing.assert_allclose(table.pvalue, stats.chi2.sf(z**2, df=1), rtol=1e-10)
    np.testing.assert_allclose(table.interval, wald_interval(est, se, 0.9), rtol=1e-15)
    assert table.names == ("a", "b", "c") and table.level == 0.9
    header = str(table).splitlines()[0].split()
    assert header[-2:] == ["[0.05", "0.95]"]


def test_wald_table_marks_a_zero_standard_error_fixed_and_a_nan_one_untested():
    table = wald_table(["held", "edge", "free"], [2.0, 1.0, 3.0], [0.0, np.nan, 1.5])
    assert np.isnan(table.statistic[:2]).all() and np.isnan(table.pvalue[:2]).all()
    assert table.statistic[2] == 2.0
    lines = str(table).splitlines()
    assert lines[1].split() == ["held", "2.0000", "0.0000", "fixed", "2.0000", "2.0000"]
    assert lines[2].split() == ["edge", "1.0000", "nan", "nan", "nan", "nan", "nan"]


def test_wald_table_prints_very_large_and_small_numbers_in_significant_digits():
    line = str(wald_table(["x"], [123456.789], [1.234e-6])).splitlines()[1]
    assert line.split()[1:3] == ["1.235e+05", "1.234e-06"]


# --------------------------------------------------------------------------- regressions
@pytest.fixture
def logistic_data(rng):
    n = 300
    X = rng.normal(size=(n, 3))
    eta = 0.3 + 1.2 * X[:, 0] - 0.5 * X[:, 1]  # the third feature has no effect
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float)
    return X, y


def test_logistic_summary_matches_statsmodels_logit(logistic_data):
    X, y = logistic_data
    model = LogisticRegression().fit(X, y)
    ref = sm.Logit(y, sm.add_constant(X)).fit(disp=0)
    ci = ref.conf_int()
    reference = {
        "estimate": ref.params,
        "se": ref.bse,
        "z": ref.tvalues,
        "p": ref.pvalues,
        "lower": ci[:, 0],
        "upper": ci[:, 1],
    }
    rows, footer = parse(model.summary())
    assert_rows(rows, ["intercept", "x0", "x1", "x2"], reference)
    assert 0.01 < ref.pvalues[3] < 0.99  # a p-value the table shows to its 3 decimals
    assert footer_number(footer, "log-likelihood") == pytest.approx(ref.llf, abs=6e-5)
    assert footer_number(footer, "AIC") == pytest.approx(ref.aic, abs=6e-5)
    assert footer_number(footer, "observations") == ref.nobs
    assert "maximum likelihood" in footer and "converged: True" in footer


def test_logistic_table_numbers_match_statsmodels_to_the_fit_tolerance(logistic_data):
    X, y = logistic_data
    model = LogisticRegression().fit(X, y)
    ref = sm.Logit(y, sm.add_constant(X)).fit(disp=0, method="newton", tol=1e-12)
    table = wald_table(["intercept", "x0", "x1", "x2"], model.params_, model.se_)
    np.testing.assert_allclose(table.estimate, ref.params, rtol=1e-7)
    np.testing.assert_allclose(table.se, ref.bse, rtol=1e-7)
    np.testing.assert_allclose(table.statistic, ref.tvalues, rtol=1e-7)
    np.testing.assert_allclose(table.pvalue, ref.pvalues, rtol=1e-6)
    np.testing.assert_allclose(table.interval, ref.conf_int(), rtol=1e-7)


def test_logistic_without_intercept_names_only_the_features(logistic_data):
    X, y = logistic_data
    rows, _ = parse(LogisticRegression(fit_intercept=False).fit(X, y).summary())
    ref = sm.Logit(y, X).fit(disp=0)
    np.testing.assert_allclose([r["estimate"] for r in rows.values()], ref.params, atol=6e-5)
    assert list(rows) == ["x0", "x1", "x2"]


def test_linear_summary_matches_statsmodels_ols_with_the_mle_of_the_variance(rng):
    n = 40
    X = rng.normal(size=(n, 2))
    y = 1.0 + 0.8 * X[:, 0] + 0.1 * X[:, 1] + rng.normal(size=n)
    model = LinearRegression().fit(X, y)
    ref = sm.OLS(y, sm.add_constant(X)).fit()
    k = ref.params.size
    # mlebook divides the residual sum of squares by n (the MLE), statsmodels by n - k.
    se = ref.bse * np.sqrt((n - k) / n)
    z = ref.params / se
    reference = {
        "estimate": ref.params,
        "se": se,
        "z": z,
        "p": 2 * stats.norm.sf(np.abs(z)),
        "lower": ref.params - stats.norm.ppf(0.975) * se,
        "upper": ref.params + stats.norm.ppf(0.975) * se,
    }
    rows, footer = parse(model.summary())
    assert_rows(rows, ["intercept", "x0", "x1"], reference)
    assert 0.01 < reference["p"][2] < 0.99
    # statsmodels' log-likelihood uses RSS / n too; its AIC counts the coefficients only,
    # mlebook's the noise variance as well.
    assert footer_number(footer, "log-likelihood") == pytest.approx(ref.llf, abs=6e-5)
    assert footer_number(footer, "AIC") == pytest.approx(ref.aic + 2, abs=6e-5)
    assert footer_number(footer, "observations") == n
    assert footer_number(footer, "sigma2_") == pytest.approx(ref.ssr / n, abs=6e-5)


def test_softmax_summary_has_a_block_per_class_matching_statsmodels_mnlogit(rng):
    n = 300
    X = rng.normal(size=(n, 2))
    eta = np.column_stack([np.zeros(n), 1 + 2 * X[:, 0], -1 + 2 * X[:, 1]])
    p = np.exp(eta) / np.exp(eta).sum(axis=1, keepdims=True)
    y = (rng.random(n)[:, None] > p.cumsum(axis=1)).sum(axis=1)
    model = SoftmaxRegression().fit(X, y)
    ref = sm.MNLogit(y, sm.add_constant(X)).fit(disp=0, method="newton")
    ci = np.asarray(ref.conf_int()).reshape(-1, 2)  # (class, row, end): class by class
    reference = {
        "estimate": ref.params.T.ravel(),
        "se": ref.bse.T.ravel(),
        "z": ref.tvalues.T.ravel(),
        "p": ref.pvalues.T.ravel(),
        "lower": ci[:, 0],
        "upper": ci[:, 1],
    }
    names = [f"class {c}: {name}" for c in (1, 2) for name in ("intercept", "x0", "x1")]
    rows, footer = parse(model.summary())
    assert_rows(rows, names, reference)
    assert footer_number(footer, "log-likelihood") == pytest.approx(ref.llf, abs=6e-5)
    assert footer_number(footer, "AIC") == pytest.approx(ref.aic, abs=6e-5)
    assert footer_number(footer, "observations") == n


def test_a_map_fit_reports_no_aic(logistic_data):
    X, y = logistic_data
    model = LogisticRegression(prior="gaussian", prior_scale=0.5).fit(X, y)
    rows, footer = parse(model.summary())
    np.testing.assert_allclose([r["estimate"] for r in rows.values()], model.params_, atol=6e-5)
    assert np.isnan(footer_number(footer, "AIC"))
    assert "MAP with a gaussian prior" in footer
    assert footer_number(footer, "log-likelihood") == pytest.approx(model.loglik_, abs=6e-5)


@pytest.mark.parametrize("cls", [LinearRegression, LogisticRegression, SoftmaxRegression])
def test_summary_before_fit_says_so(cls):
    with pytest.raises(ValueError, match="not fitted yet"):
        cls().summary()


# --------------------------------------------------------------------------- FitResult
def test_poisson_summary_matches_the_closed_form(rng):
    x = rng.poisson(3.0, size=80)
    n, lam = x.size, x.mean()
    se = np.sqrt(lam / n)  # the inverse observed information at the MLE, n / lam
    z = lam / se
    half = stats.norm.ppf(0.975) * se
    reference = {
        "estimate": [lam],
        "se": [se],
        "z": [z],
        "p": [2 * stats.norm.sf(z)],
        "lower": [lam - half],
        "upper": [lam + half],
    }
    rows, footer = parse(fit(Poisson(), x).summary())
    assert_rows(rows, ["lam"], reference)
    loglik = stats.poisson.logpmf(x, lam).sum()
    assert footer_number(footer, "log-likelihood") == pytest.approx(loglik, abs=6e-5)
    assert footer_number(footer, "AIC") == pytest.approx(2 - 2 * loglik, abs=6e-5)
    assert footer_number(footer, "BIC") == pytest.approx(np.log(n) - 2 * loglik, abs=6e-5)
    assert footer_number(footer, "observations") == n
    assert "covariance: observed; converged: True" in footer


def test_gaussian_summary_matches_the_closed_form(rng):
    x = rng.normal(0.1, 2.0, size=60)
    n, mu, sigma2 = x.size, x.mean(), x.var()
    se = np.array([np.sqrt(sigma2 / n), sigma2 * np.sqrt(2 / n)])
    est = np.array([mu, sigma2])
    z = est / se
    half = stats.norm.ppf(0.975) * se
    reference = {
        "estimate": est,
        "se": se,
        "z": z,
        "p": 2 * stats.norm.sf(np.abs(z)),
        "lower": est - half,
        "upper": est + half,
    }
    rows, footer = parse(fit(Gaussian(), x).summary())
    assert_rows(rows, ["mu", "sigma2"], reference)
    assert 0.01 < reference["p"][0] < 0.99
    loglik = stats.norm.logpdf(x, mu, np.sqrt(sigma2)).sum()
    assert footer_number(footer, "AIC") == pytest.approx(4 - 2 * loglik, abs=6e-5)
    assert footer_number(footer, "BIC") == pytest.approx(2 * np.log(n) - 2 * loglik, abs=6e-5)


def test_sandwich_summary_reports_its_covariance(rng):
    x = rng.normal(size=50)
    res = fit(Gaussian(), x, cov="sandwich")
    rows, footer = parse(res.summary())
    np.testing.assert_allclose([r["se"] for r in rows.values()], res.se, atol=6e-5)
    assert "covariance: sandwich" in footer


def test_a_fixed_parameter_shows_fixed_and_the_others_their_tests(rng):
    x = rng.gamma(2.0, 1.5, size=100)
    res = fit(Gamma(), x, fixed={"shape": 2.0})
    rows, footer = parse(res.summary())
    assert rows["shape"] == {
        "estimate": 2.0,
        "se": 0.0,
        "z": None,
        "p": None,
        "lower": 2.0,
        "upper": 2.0,
    }
    # With the shape known, the MLE of the scale is mean / shape, with se scale / sqrt(n shape).
    scale = x.mean() / 2.0
    se = scale / np.sqrt(x.size * 2.0)
    assert rows["scale"]["estimate"] == pytest.approx(scale, abs=6e-5)
    assert rows["scale"]["se"] == pytest.approx(se, abs=6e-5)
    assert rows["scale"]["z"] == pytest.approx(scale / se, abs=6e-4)
    # One free parameter: AIC counts 1.
    assert footer_number(footer, "AIC") == pytest.approx(2 - 2 * res.loglik, abs=6e-5)


def test_a_function_fit_without_nobs_has_no_bic():
    res = fit(lambda t: (t[0] - 1.0) ** 2 / 2 + (t[1] + 2.0) ** 2, start=[0.0, 0.0])
    rows, footer = parse(res.summary())
    assert list(rows) == ["theta0", "theta1"]
    assert rows["theta1"]["se"] == pytest.approx(np.sqrt(0.5), abs=6e-5)
    assert np.isnan(footer_number(footer, "BIC"))
    assert "observations n/a" in footer


def test_a_dataframe_names_the_rows_and_statsmodels_agrees():
    data = sm.datasets.spector.load_pandas()
    X, y = data.exog, data.endog
    model = LogisticRegression().fit(X, y)
    assert list(model.feature_names_in_) == ["GPA", "TUCE", "PSI"]
    rows = {line.split()[0]: line.split()[1:3] for line in model.summary().splitlines()[1:5]}
    reference = sm.Logit(y, sm.add_constant(X)).fit(disp=0)
    for name in ["GPA", "TUCE", "PSI"]:
        estimate, se = map(float, rows[name])
        assert estimate == pytest.approx(reference.params[name], abs=1e-4)
        assert se == pytest.approx(reference.bse[name], abs=1e-4)
    # refitting on an array forgets the names
    assert not hasattr(model.fit(X.to_numpy(), y.to_numpy()), "feature_names_in_")
    assert "x0" in model.summary()
