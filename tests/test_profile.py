"""Profile-likelihood intervals from the sufficient statistics and the conditional MLEs.

The references are independent of mlebook: the log-likelihood is ``scipy.stats``'s log-density
summed over the sample, each profile point maximizes it over the other parameter with
``scipy.optimize.minimize_scalar``, each end is a ``brentq`` root, and the conditional MLEs are
``scipy.stats.gamma.fit`` and ``scipy.stats.norm.fit`` with one parameter held fixed.
"""

import numpy as np
import pytest
from scipy import optimize, stats
from scipy.special import digamma

from mlebook import fit
from mlebook.models import Categorical, Gamma, Gaussian


# ----------------------------------------------------------------------------- the references
def _gamma_loglik(x):
    return lambda shape, scale: stats.gamma.logpdf(x, shape, scale=scale).sum()


def _gaussian_loglik(x):
    return lambda mu, s2: stats.norm.logpdf(x, mu, np.sqrt(s2)).sum()


def _maximum_over(f, guess, positive):
    """The maximum of a function of one variable, by Brent's method (on a log scale for a
    positive variable), from a bracket around ``guess``."""
    if positive:
        u = np.log(guess)
        res = optimize.minimize_scalar(
            lambda v: -f(np.exp(v)), bracket=(u - 0.05, u + 0.05), tol=1e-12
        )
    else:
        res = optimize.minimize_scalar(lambda v: -f(v), bracket=(guess - 0.05, guess), tol=1e-12)
    return -res.fun


def _reference_intervals(loglik, estimates, positive, level):
    """Each parameter's profile interval: brentq on the profile minus the cut-off, from a
    bracket that runs from the estimate out to where the profile is below the cut-off."""
    cut = loglik(*estimates) - stats.chi2.ppf(level, 1) / 2
    ends = []
    for j, estimate in enumerate(estimates):
        other = estimates[1 - j]

        def profile(t, j=j, other=other):
            f = (lambda s: loglik(t, s)) if j == 0 else (lambda s: loglik(s, t))
            return _maximum_over(f, other, positive[1 - j])

        for direction in (-1, 1):
            width = 0.5 * abs(estimate) if positive[j] else 1.0
            far = estimate + direction * width
            while profile(far) > cut:  # the end lies further out (a positive one, above 0)
                toward_zero = positive[j] and direction < 0
                width = (width + estimate) / 2 if toward_zero else 2 * width
                far = estimate + direction * width
            ends.append(
                optimize.brentq(
                    lambda t, profile=profile: profile(t) - cut,
                    *sorted((estimate, far)),
                    xtol=1e-14,
                    rtol=1e-14,
                )
            )
    return np.array(ends).reshape(2, 2)


@pytest.mark.parametrize("n", [150, 2000])
@pytest.mark.parametrize("level", [0.9, 0.99])
def test_gamma_profile_intervals_equal_the_scipy_reference(n, level):
    x = np.random.default_rng(n).gamma(2.5, 1.5, size=n)
    shape, _, scale = stats.gamma.fit(x, floc=0)
    expected = _reference_intervals(_gamma_loglik(x), (shape, scale), (True, True), level)
    got = fit(Gamma(), x).conf_int(level=level, method="profile")
    np.testing.assert_allclose(got, expected, rtol=1e-9)


@pytest.mark.parametrize("n", [150, 2000])
@pytest.mark.parametrize("level", [0.9, 0.99])
def test_gaussian_profile_intervals_equal_the_scipy_reference(n, level):
    x = np.random.default_rng(n).normal(3.0, 2.0, size=n)
    mu, sd = stats.norm.fit(x)
    expected = _reference_intervals(_gaussian_loglik(x), (mu, sd**2), (False, True), level)
    got = fit(Gaussian(), x).conf_int(level=level, method="profile")
    np.testing.assert_allclose(got, expected, rtol=1e-9)


# ----------------------------------------------------------------------------- conditional MLEs
@pytest.fixture
def gamma_sample():
    return np.random.default_rng(7).gamma(2.5, 1.5, size=500)


def _conditional(model, x, params, held):
    core = model.core
    return core.conditional_mle_from(
        np.asarray(params, float), frozenset(held), *core.statistics(x)
    )


@pytest.mark.parametrize("shape", [0.3, 2.0, 9.0])
def test_gamma_scale_given_the_shape_is_scipys(gamma_sample, shape):
    _, _, scale = stats.gamma.fit(gamma_sample, f0=shape, floc=0)
    got = _conditional(Gamma(), gamma_sample, [shape, 1.0], {0})
    np.testing.assert_allclose(got, [shape, scale], rtol=1e-14)


@pytest.mark.parametrize("scale", [0.01, 0.4, 1.5, 80.0])
def test_gamma_shape_given_the_scale_is_scipys(gamma_sample, scale):
    shape, _, _ = stats.gamma.fit(gamma_sample, fscale=scale, floc=0)
    got = _conditional(Gamma(), gamma_sample, [1.0, scale], {1})
    np.testing.assert_allclose(got, [shape, scale], rtol=1e-12)


@pytest.mark.parametrize("y", [-40.0, -5.0, -2.3, -2.2, 0.0, 0.7, 3.0, 30.0])
def test_the_shape_given_the_scale_solves_the_digamma_equation(gamma_sample, y):
    """digamma(shape) = mean(log x) - log(scale) = y, for shapes from about 0.025 to 1e13
    (both of the starting approximations, and far out)."""
    scale = np.exp(np.log(gamma_sample).mean() - y)
    shape, _ = _conditional(Gamma(), gamma_sample, [1.0, scale], {1})
    assert digamma(shape) == pytest.approx(y, rel=1e-13, abs=1e-13)


def test_gaussian_conditional_mles_are_scipys():
    x = np.random.default_rng(3).normal(-1.0, 3.0, size=300)
    mu, s2 = 0.5, 4.0
    _, scale = stats.norm.fit(x, floc=mu)
    np.testing.assert_allclose(_conditional(Gaussian(), x, [mu, 1.0], {0}), [mu, scale**2])
    loc, _ = stats.norm.fit(x, fscale=np.sqrt(s2))
    np.testing.assert_allclose(_conditional(Gaussian(), x, [0.0, s2], {1}), [loc, s2])


# ----------------------------------------------------------------------------- which path
class _CountingGamma(Gamma):
    """Gamma, counting the passes over the data and the calls of its shortcuts."""

    def __init__(self, shortcut: bool = True):
        self.shortcut = shortcut
        self.calls = {"statistics": 0, "conditional": 0, "score": 0, "logpdf": 0}

    def _statistics(self, x):
        self.calls["statistics"] += 1
        return super()._statistics(x)

    def _logpdf(self, params, x):
        self.calls["logpdf"] += 1
        return super()._logpdf(params, x)

    def _score_from(self, params, *statistics):
        self.calls["score"] += 1
        return super()._score_from(params, *statistics)

    def _conditional_mle_from(self, params, held, *statistics):
        self.calls["conditional"] += 1
        if not self.shortcut:  # a model without the shortcut
            return None
        return super()._conditional_mle_from(params, held, *statistics)


def test_profile_intervals_come_from_the_statistics_and_the_conditional_mle(gamma_sample):
    model = _CountingGamma()
    res = fit(model, gamma_sample)
    assert model.calls["statistics"] == 1 and model.calls["logpdf"] == 0  # one pass, in fit
    model.calls.update(dict.fromkeys(model.calls, 0))
    fast = res.conf_int(method="profile")
    assert model.calls["statistics"] == model.calls["logpdf"] == 0  # no pass over the data
    assert model.calls["conditional"] >= 16  # every profile point, no numerical search
    assert model.calls["score"] == 0
    # Without the shortcut each profile point is maximized numerically (Newton's method,
    # which needs the score), and the intervals are the same.
    generic = _CountingGamma(shortcut=False)
    slow = fit(generic, gamma_sample).conf_int(method="profile")
    assert generic.calls["score"] > 0
    np.testing.assert_allclose(slow, fast, rtol=1e-9)


def test_profile_loglik_is_the_profile_the_intervals_use(gamma_sample):
    res = fit(Gamma(), gamma_sample)
    level = 0.95
    cut = res.loglik - stats.chi2.ppf(level, 1) / 2
    ends = res.conf_int(level=level, method="profile")
    loglik = _gamma_loglik(gamma_sample)
    for j in range(2):
        for end in ends[j]:
            assert res.profile_loglik(j, end) == pytest.approx(cut, abs=1e-9)
        value = 1.1 * res.params[j]
        other = res.params[1 - j]
        f = (lambda s, t=value: loglik(t, s)) if j == 0 else (lambda s, t=value: loglik(s, t))
        assert res.profile_loglik(j, value) == pytest.approx(
            _maximum_over(f, other, True), rel=1e-12
        )


class _GaussianReadingData(Gaussian):
    """A Gaussian without sufficient statistics: every evaluation reads the data."""

    def _statistics(self, x):
        return None

    def _loglik(self, params, x):
        return self._logpdf(params, x).sum()

    def _score(self, params, x):
        return self._score_obs(params, x).sum(axis=0)

    def _observed_information(self, params, x):
        mu, s2 = params
        r = x - mu
        off = r.sum() / s2**2
        return np.array([[x.size / s2, off], [off, -x.size / (2 * s2**2) + (r**2).sum() / s2**3]])


def test_a_model_without_statistics_is_fitted_and_profiled_from_the_data():
    x = np.random.default_rng(11).normal(3.0, 2.0, size=120)
    res = fit(_GaussianReadingData(), x)
    ref = fit(Gaussian(), x)
    np.testing.assert_allclose(res.params, ref.params, rtol=1e-9)
    np.testing.assert_allclose(res.cov, ref.cov, rtol=1e-7, atol=1e-12)  # 0 off the diagonal
    np.testing.assert_allclose(
        res.conf_int(method="profile"), ref.conf_int(method="profile"), rtol=1e-9
    )


def test_categorical_conditional_mle_matches_the_numerical_profile():
    x = Categorical(k=4).sample([0.1, 0.2, 0.3, 0.4], 200, np.random.default_rng(5))

    class NoShortcut(Categorical):
        def _conditional_mle_from(self, params, held, *statistics):
            return None

    fast = fit(Categorical(k=4), x).conf_int(method="profile")
    slow = fit(NoShortcut(k=4), x).conf_int(method="profile")
    np.testing.assert_allclose(fast, slow, rtol=1e-8)


def test_fixed_parameters_stay_fixed_in_the_profile(gamma_sample):
    """With the shape fixed, the scale's profile is the one-parameter likelihood in the
    scale: its ends have a log-likelihood chi2(1)/2 below the fixed fit's maximum."""
    res = fit(Gamma(), gamma_sample, fixed={"shape": 2.0})
    cut = res.loglik - stats.chi2.ppf(0.95, 1) / 2
    (shape_low, shape_high), (low, high) = res.conf_int(method="profile")
    assert shape_low == shape_high == 2.0
    for end in (low, high):
        assert _gamma_loglik(gamma_sample)(2.0, end) == pytest.approx(cut, abs=1e-8)


def test_a_plain_function_is_profiled_numerically(gamma_sample):
    """A negative log-likelihood function has no statistics: each profile point is a
    numerical maximization, and the intervals are the model's."""
    x = gamma_sample[:150]

    def negloglik(theta):
        return -stats.gamma.logpdf(x, theta[0], scale=theta[1]).sum()

    res = fit(negloglik, start=[1.0, 1.0], bounds=[(0, None), (0, None)])
    expected = fit(Gamma(), x).conf_int(method="profile")
    np.testing.assert_allclose(res.conf_int(method="profile"), expected, rtol=1e-7)
