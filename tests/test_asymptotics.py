"""mlebook.asymptotics: simulated sampling distributions, intervals and coverage, against
closed forms, exact distributions (scipy.stats), mlebook.fit and exact coverage probabilities."""

import warnings

import numpy as np
import pytest
from scipy import stats

from mlebook import fit
from mlebook.asymptotics import (
    Coverage,
    coverage,
    profile_intervals,
    sampling_distribution,
    standardized,
    wald_intervals,
)
from mlebook.models import Bernoulli, Exponential, Gaussian, Poisson

Z95 = stats.norm.ppf(0.975)


def test_the_vectorized_mle_equals_model_mle_row_by_row(case):
    """The same draws (one block, so the same generator calls) through the per-row MLE."""
    model, params, _ = case
    est = sampling_distribution(model, params, n=30, n_sim=40, rng=3)
    samples = model.sample(params, (40, 30), np.random.default_rng(3))
    expected = np.array([model.mle(row) for row in samples])
    np.testing.assert_allclose(est, expected, rtol=1e-12)


def test_sampling_variance_of_the_exponential_rate_matches_its_exact_distribution():
    """The rate MLE is n / S with S ~ Gamma(n, 1 / rate), so it is n times an inverse gamma."""
    n, rate = 20, 2.0
    est = sampling_distribution(Exponential(), rate, n=n, n_sim=20_000, rng=5)
    exact = stats.invgamma(n, scale=n * rate)
    assert est.mean() == pytest.approx(exact.mean(), rel=0.01)
    assert est.var() == pytest.approx(exact.var(), rel=0.04)


def test_a_custom_estimator_works_along_rows_and_blocks_are_seamless():
    # n * n_sim = 4 million numbers: several blocks.
    med = sampling_distribution(
        Gaussian(), (1.0, 4.0), n=1000, n_sim=4000, rng=2, estimator=lambda s: np.median(s, axis=1)
    )
    assert med.shape == (4000,)
    # Asymptotic variance of the median: pi sigma^2 / (2 n).
    assert med.var() == pytest.approx(np.pi * 4.0 / (2 * 1000), rel=0.08)
    assert med.mean() == pytest.approx(1.0, abs=4 * np.sqrt(np.pi * 4.0 / 2000 / 4000))


def test_standardized_is_the_explicit_formula_and_near_standard_normal(rng):
    model, lam, n = Poisson(), 3.0, 400
    est = sampling_distribution(model, lam, n=n, n_sim=5000, rng=rng)
    z = standardized(est, model, lam, n)
    np.testing.assert_allclose(z, np.sqrt(n / lam) * (est - lam), rtol=1e-12)
    assert abs(z.mean()) < 0.06 and z.std() == pytest.approx(1.0, abs=0.04)


def test_standardized_uses_the_inverse_information_for_several_parameters(rng):
    model, params, n = Gaussian(), (0.0, 2.0), 200
    est = sampling_distribution(model, params, n=n, n_sim=3000, rng=rng)
    z = standardized(est, model, params, n)
    np.testing.assert_allclose(z[:, 0], est[:, 0] / np.sqrt(2.0 / n), rtol=1e-12)
    np.testing.assert_allclose(z[:, 1], (est[:, 1] - 2.0) / np.sqrt(2 * 2.0**2 / n), rtol=1e-12)


def test_wald_intervals_are_the_textbook_ones_and_fit_agrees(rng):
    samples = Bernoulli().sample(0.3, (50, 25), rng)
    ci = wald_intervals(Bernoulli(), samples)
    p = samples.mean(axis=1)
    half = Z95 * np.sqrt(p * (1 - p) / 25)
    np.testing.assert_allclose(ci, np.column_stack([p - half, p + half]), rtol=1e-12, atol=1e-15)
    for row in samples[:3]:
        if 0 < row.mean() < 1:
            np.testing.assert_allclose(
                wald_intervals(Bernoulli(), row), fit(Bernoulli(), row).conf_int()[0], rtol=1e-6
            )


def test_wald_interval_collapses_on_the_boundary():
    np.testing.assert_array_equal(wald_intervals(Bernoulli(), np.zeros(12)), [0.0, 0.0])
    np.testing.assert_array_equal(wald_intervals(Poisson(), np.zeros(5)), [0.0, 0.0])


@pytest.mark.parametrize(
    "model, params", [(Bernoulli(), 0.2), (Poisson(), 1.5), (Exponential(), 0.5)]
)
def test_profile_intervals_agree_with_fit(model, params, rng):
    samples = model.sample(params, (4, 15), rng)
    ci = profile_intervals(model, samples, level=0.9)
    for row, expected_row in zip(samples, ci, strict=True):
        with warnings.catch_warnings():
            # an estimate on the boundary is expected
            warnings.simplefilter("ignore", RuntimeWarning)
            ref = fit(model, row).conf_int(level=0.9, method="profile")[0]
        np.testing.assert_allclose(expected_row, ref, rtol=1e-6, atol=1e-9)


def test_profile_interval_on_the_boundary_has_a_closed_form():
    """All zeros: n log(1 - p) = -q / 2, so the upper end is 1 - exp(-q / (2n))."""
    q = stats.chi2.ppf(0.95, 1)
    np.testing.assert_allclose(
        profile_intervals(Bernoulli(), np.zeros(10)), [0.0, 1 - np.exp(-q / 20)], rtol=1e-10
    )
    np.testing.assert_allclose(
        profile_intervals(Poisson(), np.zeros(10)), [0.0, q / 20], rtol=1e-10
    )
    with pytest.warns(RuntimeWarning, match="boundary"):
        ref = fit(Bernoulli(), np.zeros(10)).conf_int(method="profile")[0]
    np.testing.assert_allclose(profile_intervals(Bernoulli(), np.zeros(10)), ref, rtol=1e-7)


def exact_binomial_coverage(intervals, n, p):
    """P(p in interval) = sum over k of P(K = k) [p in the interval from k heads], exactly."""
    rows = (np.arange(n)[None, :] < np.arange(n + 1)[:, None]).astype(float)  # row k has k ones
    ci = intervals(Bernoulli(), rows)
    covers = (ci[:, 0] <= p) & (p <= ci[:, 1])
    return float(stats.binom.pmf(np.arange(n + 1), n, p) @ covers)


@pytest.mark.parametrize(
    "method, intervals", [("wald", wald_intervals), ("profile", profile_intervals)]
)
@pytest.mark.parametrize("n, p", [(10, 0.2), (30, 0.1), (25, 0.5)])
def test_bernoulli_coverage_matches_the_exact_binomial_sum(method, intervals, n, p):
    res = coverage(method, Bernoulli(), p, n=n, n_sim=20_000, rng=11)
    exact = exact_binomial_coverage(intervals, n, p)
    assert abs(res.estimate - exact) < 4 * np.sqrt(exact * (1 - exact) / res.n_sim)
    assert res.se == pytest.approx(np.sqrt(res.estimate * (1 - res.estimate) / 20_000))


def test_wald_degenerate_fraction_is_the_probability_of_all_tails_or_all_heads():
    res = coverage("wald", Bernoulli(), 0.2, n=10, n_sim=20_000, rng=4)
    exact = 0.8**10 + 0.2**10
    assert abs(res.degenerate - exact) < 4 * np.sqrt(exact * (1 - exact) / 20_000)
    # A zero-width interval at p_hat = 0 lies below the truth: it is counted in `below`.
    assert res.below >= res.degenerate - 0.2**10 - 4 * np.sqrt(exact / 20_000)
    assert res.estimate + res.below + res.above == pytest.approx(1.0)


def test_coverage_of_the_known_variance_gaussian_interval_is_exactly_the_level():
    """xbar +- z sigma / sqrt(n) covers mu with probability exactly `level`, for every n."""
    sigma2 = 2.5

    def known_variance(samples, level):
        z = stats.norm.ppf(0.5 + level / 2)
        half = z * np.sqrt(sigma2 / samples.shape[1])
        return samples.mean(axis=1)[:, None] + np.array([-half, half])

    for level in (0.8, 0.95):
        res = coverage(
            known_variance,
            Gaussian(),
            (1.0, sigma2),
            n=5,
            n_sim=20_000,
            rng=8,
            level=level,
            target=1.0,
        )
        assert isinstance(res, Coverage)
        assert abs(res.estimate - level) < 4 * np.sqrt(level * (1 - level) / 20_000)
        assert res.mean_width == pytest.approx(
            2 * stats.norm.ppf(0.5 + level / 2) * np.sqrt(sigma2 / 5)
        )


def test_exact_pivot_interval_for_an_exponential_rate():
    """rate * sum(x) ~ Gamma(n, 1), so [g_lo / S, g_hi / S] covers the rate with probability
    level."""
    n = 8

    def pivot(samples, level):
        g = stats.gamma(n).ppf([0.5 - level / 2, 0.5 + level / 2])
        return g[None, :] / samples.sum(axis=1)[:, None]

    res = coverage(pivot, Exponential(), 3.0, n=n, n_sim=20_000, rng=9)
    assert abs(res.estimate - 0.95) < 4 * np.sqrt(0.95 * 0.05 / 20_000)
    assert abs(res.below - res.above) < 0.01  # equal tails


def test_coverage_str_reports_the_monte_carlo_error():
    res = coverage("profile", Bernoulli(), 0.5, n=20, n_sim=500, rng=1)
    assert str(res).startswith(f"coverage {res.estimate:.4f} (MC s.e. {res.se:.4f}), nominal 0.95")


def test_bad_arguments():
    with pytest.raises(TypeError, match="model must be an mlebook model"):
        sampling_distribution("bernoulli", 0.5, 10, 10, 0)
    with pytest.raises(ValueError, match="n must be at least 1"):
        sampling_distribution(Bernoulli(), 0.5, 0, 10, 0)
    with pytest.raises(ValueError, match="n_sim must be at least 1"):
        coverage("wald", Bernoulli(), 0.5, 10, 0, 0)
    with pytest.raises(TypeError, match="rng must be"):
        sampling_distribution(Bernoulli(), 0.5, 10, 10, None)
    with pytest.raises(ValueError, match="p must lie in"):
        sampling_distribution(Bernoulli(), 1.5, 10, 10, 0)
    with pytest.raises(ValueError, match="one estimate per sample"):
        sampling_distribution(Bernoulli(), 0.5, 10, 10, 0, estimator=lambda s: s.mean())
    with pytest.raises(TypeError, match="estimator must be callable"):
        sampling_distribution(Bernoulli(), 0.5, 10, 10, 0, estimator="median")
    with pytest.raises(ValueError, match="estimates must have shape"):
        standardized(np.zeros((5, 3)), Gaussian(), (0.0, 1.0), 10)
    with pytest.raises(ValueError, match="estimates contains NaN"):
        standardized([0.1, np.nan], Bernoulli(), 0.5, 10)
    with pytest.raises(ValueError, match="one-parameter models"):
        wald_intervals(Gaussian(), np.zeros((2, 3)))
    with pytest.raises(ValueError, match="one-parameter models"):
        coverage("profile", Gaussian(), (0.0, 1.0), 10, 10, 0, target=0.0)
    with pytest.raises(ValueError, match="target is required"):
        coverage(lambda s, lev: np.zeros((s.shape[0], 2)), Gaussian(), (0.0, 1.0), 10, 10, 0)
    with pytest.raises(ValueError, match="interval must be 'wald', 'profile' or a function"):
        coverage("bootstrap", Bernoulli(), 0.5, 10, 10, 0)
    with pytest.raises(TypeError, match="interval must be 'wald', 'profile' or a function"):
        coverage(3, Bernoulli(), 0.5, 10, 10, 0)
    with pytest.raises(ValueError, match=r"interval must return shape \(10, 2\)"):
        coverage(lambda s, lev: np.zeros(3), Bernoulli(), 0.5, 4, 10, 0)
    with pytest.raises(ValueError, match="level must lie in"):
        profile_intervals(Bernoulli(), [0, 1], level=1.0)
    with pytest.raises(ValueError, match="only 0 or 1"):
        wald_intervals(Bernoulli(), [[0, 2]])
    with pytest.raises(ValueError, match="samples must be one sample"):
        wald_intervals(Bernoulli(), np.zeros((2, 2, 2)))
