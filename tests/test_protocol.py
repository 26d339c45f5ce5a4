"""The model protocol: per-observation terms, batched MLEs, names shared with sympy, the kinds
of covariance, fixed parameters, AIC and BIC, and the rule that no module reaches into another's
private names."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats
from scipy.differentiate import hessian, jacobian
from scipy.special import polygamma

import mlebook
from mlebook import fit, symbolic
from mlebook.models import Bernoulli, Categorical, Exponential, Gamma, Gaussian, Poisson

ROOT = Path(__file__).resolve().parents[1]


def _free_to_params(model, free):
    """The full parameters from the free coordinates (the categorical model's last probability)."""
    free = np.asarray(free, dtype=float)
    if isinstance(model, Categorical):
        return np.append(free, 1.0 - free.sum())
    return free[0] if model.n_params == 1 else free


def _free(model, params):
    return np.atleast_1d(np.asarray(params, dtype=float))[: model.n_free]


# ----------------------------------------------------------------------------- per observation
def test_loglik_obs_sums_to_loglik_and_matches_scipy(case, rng):
    model, params, reference = case
    x = model.sample(params, 200, rng)
    terms = model.loglik_obs(params, x)
    assert terms.shape == (200,)
    assert terms.sum() == pytest.approx(model.loglik(params, x), rel=1e-12)
    np.testing.assert_allclose(terms, reference(x, params), rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(model.logpdf(params, x), terms)


def test_each_row_of_score_obs_is_the_numerical_gradient_of_that_observation(case, rng):
    model, params, _ = case
    x = model.sample(params, 30, rng)
    S = model.score_obs(params, x)
    assert S.shape == (30, model.n_free)

    def each(free):  # vectorized over trailing axes, as scipy.differentiate wants
        cols = free.reshape(model.n_free, -1).T
        out = np.array([model.loglik_obs(_free_to_params(model, c), x) for c in cols]).T
        return out.reshape((x.size,) + free.shape[1:])

    numerical = jacobian(each, _free(model, params), initial_step=1e-3).df
    np.testing.assert_allclose(S, numerical.reshape(30, model.n_free), rtol=1e-7, atol=1e-8)
    np.testing.assert_allclose(
        S.sum(axis=0), np.atleast_1d(model.score(params, x)), rtol=1e-10, atol=1e-10
    )


# ----------------------------------------------------------------------------- batched MLE
def test_batched_mle_equals_a_loop_over_the_samples(case, rng):
    model, params, _ = case
    samples = model.sample(params, (7, 40), rng)
    batch = model.mle(samples, axis=1)
    loop = np.array([model.mle(row) for row in samples])
    np.testing.assert_allclose(batch, loop, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(model.mle(samples.T, axis=0), loop, rtol=1e-12, atol=1e-15)
    cube = model.sample(params, (3, 4, 25), rng)
    flat = np.array([model.mle(row) for row in cube.reshape(12, 25)])
    np.testing.assert_allclose(
        model.mle(cube, axis=-1), flat.reshape((3, 4) + flat.shape[1:]), rtol=1e-12
    )


@pytest.mark.parametrize(
    "model, samples, message",
    [
        (Exponential(), [[0.0, 0.0], [1.0, 2.0]], "every observation of a sample is 0"),
        (Gamma(), [[2.0, 2.0], [1.0, 2.0]], "every observation of a sample is the same"),
    ],
)
def test_batched_mle_refuses_a_sample_whose_mle_does_not_exist(model, samples, message):
    with pytest.raises(ValueError, match=message):
        model.mle(samples, axis=1)
    with pytest.raises(ValueError, match=message.replace(" of a sample", "")):
        model.mle(samples[0])


# ----------------------------------------------------------------------------- one name, two sides
MODELS = [Bernoulli(), Gaussian(), Poisson(), Exponential(), Gamma(), Categorical(k=3)]


@pytest.mark.parametrize("model", MODELS, ids=repr)
def test_sympy_symbols_carry_the_parameter_names(model):
    d = model.logpdf_sym()
    assert tuple(str(s) for s in d.params) == model.free_names == model.param_names[: model.n_free]
    assert d.params == model.symbols()


@pytest.mark.parametrize("model", [Bernoulli(), Gaussian(), Poisson(), Exponential()], ids=repr)
def test_symbolic_mle_is_indexed_by_parameter_name_and_equals_the_closed_form(model, rng):
    solution = symbolic.mle(model.logpdf_sym())
    x = model.sample(model.mle(model.sample(_truth(model), 50, rng)), 60, rng)
    closed = np.atleast_1d(model.mle(x))
    for j, name in enumerate(model.param_names):
        assert symbolic.evaluate(solution[name], x) == pytest.approx(closed[j], rel=1e-12)
    with pytest.raises(KeyError, match="no parameter named 'nope'"):
        solution["nope"]


def _truth(model):
    return {"Bernoulli": 0.3, "Gaussian": (1.0, 2.0), "Poisson": 3.0, "Exponential": 2.0}[
        type(model).__name__
    ]


# ----------------------------------------------------------------------------- kinds of covariance
def test_poisson_sandwich_standard_error_has_its_closed_form_and_matches_statsmodels(rng):
    x = rng.negative_binomial(3, 0.4, size=400)  # overdispersed: the Poisson model is wrong
    res = fit(Poisson(), x, cov="sandwich")
    lam = x.mean()
    assert res.se[0] == pytest.approx(np.sqrt(np.mean((x - lam) ** 2) / x.size), rel=1e-6)
    # statsmodels' Poisson regression on a constant estimates log(lam); at the MLE the sandwich
    # transforms exactly by the Jacobian lam of lam = exp(b).
    sm_fit = sm.Poisson(x, np.ones(x.size)).fit(disp=0, cov_type="HC0")
    assert res.se[0] == pytest.approx(lam * sm_fit.bse[0], rel=1e-6)
    assert fit(Poisson(), x).se[0] == pytest.approx(np.sqrt(lam / x.size), rel=1e-6)


def test_poisson_opg_standard_error_has_its_closed_form(rng):
    x = rng.poisson(4.0, size=300)
    lam, s2 = x.mean(), np.mean((x - x.mean()) ** 2)
    assert fit(Poisson(), x, cov="opg").se[0] == pytest.approx(lam / np.sqrt(x.size * s2), rel=1e-6)


def test_gaussian_sandwich_uses_the_third_and_fourth_moments(rng):
    x = rng.exponential(2.0, size=500)  # skewed and heavy-tailed: the Gaussian model is wrong
    res = fit(Gaussian(), x, cov="sandwich")
    r = x - x.mean()
    s2, m3, m4, n = np.mean(r**2), np.mean(r**3), np.mean(r**4), x.size
    np.testing.assert_allclose(res.cov, [[s2 / n, m3 / n], [m3 / n, (m4 - s2**2) / n]], rtol=1e-5)
    ols = sm.OLS(x, np.ones(n)).fit(cov_type="HC0")  # the robust standard error of a mean
    assert res.se[0] == pytest.approx(ols.bse[0], rel=1e-6)


def test_expected_information_gives_the_textbook_gaussian_standard_errors(rng):
    x = rng.normal(1.0, 2.0, size=250)
    res = fit(Gaussian(), x, cov="expected")
    s2 = x.var()
    np.testing.assert_allclose(res.se, [np.sqrt(s2 / x.size), s2 * np.sqrt(2 / x.size)], rtol=1e-6)


@pytest.mark.parametrize("cov", ["observed", "expected", "opg", "sandwich"])
def test_every_covariance_agrees_with_an_independent_computation_for_the_gamma(cov, rng):
    x = rng.gamma(2.5, 1.5, size=400)
    res = fit(Gamma(), x, cov=cov)
    shape, _, scale = stats.gamma.fit(x, floc=0)
    theta = np.array([shape, scale])
    np.testing.assert_allclose(res.params, theta, rtol=1e-6)

    def per_obs(t):  # scipy's log-density of every observation, vectorized over trailing axes of t
        return np.moveaxis(stats.gamma.logpdf(x, t[0][..., None], scale=t[1][..., None]), -1, 0)

    S = jacobian(per_obs, theta, initial_step=1e-3).df  # (n, 2): each observation's score
    H = -hessian(lambda t: per_obs(t).sum(axis=0), theta, initial_step=1e-2).ddf
    fisher = x.size * np.array([[polygamma(1, shape), 1 / scale], [1 / scale, shape / scale**2]])
    J = S.T @ S
    Hinv = np.linalg.inv(H)
    expected = {
        "observed": Hinv,
        "expected": np.linalg.inv(fisher),
        "opg": np.linalg.inv(J),
        "sandwich": Hinv @ J @ Hinv,
    }[cov]
    # H is a numerical second derivative of a sum of 400 terms: good to about 1e-4.
    rtol = 1e-3 if cov in ("observed", "sandwich") else 1e-6
    np.testing.assert_allclose(res.cov, expected, rtol=rtol)
    assert res.cov_type == cov
    np.testing.assert_allclose(
        res.conf_int(method="wald")[:, 1] - res.params,
        stats.norm.ppf(0.975) * np.sqrt(np.diag(expected)),
        rtol=rtol,
    )


# ----------------------------------------------------------------------------- fixed parameters
@pytest.mark.parametrize("shape", [0.7, 2.0, 5.0])
def test_fixed_shape_matches_scipy(shape, rng):
    x = rng.gamma(2.0, 3.0, size=300)
    res = fit(Gamma(), x, fixed={"shape": shape})
    _, _, scale = stats.gamma.fit(x, f0=shape, floc=0)
    assert res.params[0] == shape
    assert res.params[1] == pytest.approx(scale, rel=1e-7)
    assert res.loglik == pytest.approx(stats.gamma.logpdf(x, shape, scale=scale).sum(), rel=1e-12)
    assert res.n_free == 1 and res.fixed == {"shape": shape}
    assert res.se[0] == 0 and res.se[1] > 0


def test_fixed_scale_matches_scipy(rng):
    x = rng.gamma(2.0, 3.0, size=300)
    res = fit(Gamma(), x, fixed={"scale": 2.5})
    shape, _, _ = stats.gamma.fit(x, fscale=2.5, floc=0)
    assert res.params[0] == pytest.approx(shape, rel=1e-6)


def test_fixed_gaussian_mean_gives_the_variance_about_it(rng):
    x = rng.normal(1.0, 2.0, size=100)
    res = fit(Gaussian(), x, fixed={"mu": 0.5})
    _, scale = stats.norm.fit(x, floc=0.5)
    assert res.params[1] == pytest.approx(scale**2, rel=1e-7)
    assert res.se[1] == pytest.approx(scale**2 * np.sqrt(2 / x.size), rel=1e-5)


def test_fixed_probability_rescales_the_others(rng):
    x = rng.choice(3, size=500, p=[0.2, 0.3, 0.5])
    res = fit(Categorical(k=3), x, fixed={"p0": 0.25})
    counts = np.bincount(x, minlength=3)
    rest = 0.75 * counts[1:] / counts[1:].sum()
    np.testing.assert_allclose(res.params, np.r_[0.25, rest], rtol=1e-6)
    assert res.n_free == 1
    assert res.se[0] == 0 and res.se[1] == pytest.approx(res.se[2], rel=1e-8)


def test_fixed_function_parameter_and_every_parameter_fixed():
    def nll(t):
        return (t[0] - 1.0) ** 2 + (t[1] - t[0]) ** 2

    res = fit(nll, start=[0.0, 0.0], fixed={"theta0": 3.0})
    assert res.params[1] == pytest.approx(3.0, abs=1e-6)
    both = fit(nll, start=[0.0, 0.0], fixed={"theta0": 2.0, "theta1": 1.0})
    assert both.loglik == -2.0 and both.n_free == 0 and both.aic == 4.0


def test_profile_likelihood_is_the_fixed_fit(rng):
    x = rng.gamma(2.0, 1.5, size=150)
    res = fit(Gamma(), x)
    for value in (1.5, 2.0, 2.6):
        assert res.profile_loglik("shape", value) == pytest.approx(
            fit(Gamma(), x, fixed={"shape": value}).loglik, rel=1e-10
        )
    low, high = res.conf_int(method="profile")[0]
    cut = res.loglik - stats.chi2.ppf(0.95, 1) / 2
    for end in (low, high):
        _, _, scale = stats.gamma.fit(x, f0=end, floc=0)
        assert stats.gamma.logpdf(x, end, scale=scale).sum() == pytest.approx(cut, abs=1e-7)
    fixed = fit(Gamma(), x, fixed={"shape": 2.0})
    np.testing.assert_array_equal(fixed.conf_int(method="profile")[0], [2.0, 2.0])


# ----------------------------------------------------------------------------- AIC and BIC
def test_aic_and_bic_match_statsmodels_for_a_poisson_mean(rng):
    x = rng.poisson(3.0, size=120)
    res = fit(Poisson(), x)
    ref = sm.Poisson(x, np.ones(x.size)).fit(disp=0)
    assert res.loglik == pytest.approx(ref.llf, rel=1e-10)
    assert res.aic == pytest.approx(ref.aic, rel=1e-10)
    assert res.bic == pytest.approx(ref.bic, rel=1e-10)


@pytest.mark.parametrize(
    "model, params, fixed, free",
    [
        (Gaussian(), (0.0, 1.0), None, 2),
        (Gaussian(), (0.0, 1.0), {"mu": 0.0}, 1),
        (Categorical(k=4), (0.1, 0.2, 0.3, 0.4), None, 3),
        (Gamma(), (2.0, 1.0), {"shape": 2.0}, 1),
    ],
)
def test_aic_and_bic_count_the_free_parameters(model, params, fixed, free, rng):
    x = model.sample(params, 80, rng)
    res = fit(model, x, fixed=fixed)
    assert res.n_free == free and res.nobs == 80 and res.model is model
    assert res.aic == pytest.approx(2 * free - 2 * res.loglik, rel=1e-14)
    assert res.bic == pytest.approx(free * np.log(80) - 2 * res.loglik, rel=1e-14)


def test_a_function_has_a_bic_only_when_told_the_number_of_observations():
    res = fit(lambda t: (t[0] - 1.0) ** 2 / 2, start=[0.0])
    assert np.isnan(res.bic) and res.model is None
    assert fit(lambda t: (t[0] - 1.0) ** 2 / 2, start=[0.0], nobs=10).bic == pytest.approx(
        np.log(10), abs=1e-10
    )


# ----------------------------------------------------------------------------- private names
def _private_uses(tree: ast.AST) -> list[str]:
    """``obj._name`` on anything but ``self``/``cls``, and ``from module import _name``."""
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ):
            owner = node.value
            if isinstance(owner, ast.Name) and owner.id in ("self", "cls"):
                continue
            found.append(f"line {node.lineno}: {ast.unparse(node)}")
        if isinstance(node, ast.ImportFrom):
            found += [
                f"line {node.lineno}: from {'.' * node.level}{node.module} import {a.name}"
                for a in node.names
                if a.name.startswith("_") and not a.name.startswith("__")
            ]
    return sorted(found, key=lambda f: int(f.split()[1].rstrip(":")))


def test_the_scan_finds_private_uses():
    assert _private_uses(
        ast.parse("model._loglik(p, x)\nfrom .fitting import _Problem\nself._ok()")
    ) == ["line 1: model._loglik", "line 2: from .fitting import _Problem"]


@pytest.mark.parametrize("path", sorted((ROOT / "mlebook").glob("*.py")), ids=lambda p: p.name)
def test_no_module_uses_another_module_or_objects_private_names(path):
    assert _private_uses(ast.parse(path.read_text())) == []


@pytest.mark.parametrize("path", sorted((ROOT / "chapters").glob("*.ipynb")), ids=lambda p: p.name)
def test_no_chapter_uses_private_names(path):
    cells = json.loads(path.read_text())["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    code = "\n".join(line for line in code.splitlines() if not line.lstrip().startswith(("%", "!")))
    assert _private_uses(ast.parse(code)) == []


def test_the_package_version():
    assert mlebook.__version__ == "0.2.0"
