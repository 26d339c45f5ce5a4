"""The sympy derivations agree with the closed forms mlebook implements."""

import numpy as np
import pytest
import sympy as sp

from mlebook import symbolic
from mlebook.models import Bernoulli, Exponential, Gamma, Gaussian, Poisson


def test_symbolic_mle_equals_the_implemented_mle(case, rng):
    model, params, _ = case
    if isinstance(model, Gamma):
        pytest.skip(
            "the Gamma shape solves an equation in the digamma function, which has no closed "
            "form; tests/test_gamma.py checks its Newton solution instead"
        )
    d = model.logpdf_sym()
    solution = symbolic.mle(d)
    assert set(solution) == set(d.params)
    for size in (3, 50):
        x = model.sample(params, size, rng)
        derived = np.array([symbolic.evaluate(solution[p], x) for p in d.params])
        implemented = np.atleast_1d(model.mle(x))[: len(d.params)]  # categorical: free coordinates
        np.testing.assert_allclose(derived, implemented, rtol=1e-12)


def test_symbolic_fisher_information_equals_the_implemented_one(case):
    model, params, _ = case
    d = model.logpdf_sym()
    info = symbolic.fisher_information(d)
    # categorical: the free coordinates only, as d.params names them
    theta = np.atleast_1d(np.asarray(params, dtype=float))[: len(d.params)]
    values = dict(zip(d.params, theta, strict=True))
    derived = (
        np.array(sp.Matrix([info]).subs(values).evalf(), dtype=float)
        if not isinstance(info, sp.MatrixBase)
        else np.array(info.subs(values).evalf(), dtype=float)
    )
    np.testing.assert_allclose(
        np.atleast_2d(derived), np.atleast_2d(model.fisher_information(params)), rtol=1e-12
    )


def test_known_closed_forms():
    p = Bernoulli().logpdf_sym().params[0]
    assert (
        sp.simplify(symbolic.fisher_information(Bernoulli().logpdf_sym()) - 1 / (p * (1 - p))) == 0
    )
    lam = Poisson().logpdf_sym().params[0]
    assert sp.simplify(symbolic.fisher_information(Poisson().logpdf_sym()) - 1 / lam) == 0
    rate = Exponential().logpdf_sym().params[0]
    assert (
        sp.simplify(
            symbolic.mle(Exponential().logpdf_sym())[rate]
            - symbolic.n / sp.Sum(symbolic.x[symbolic.i], (symbolic.i, 1, symbolic.n))
        )
        == 0
    )


def test_the_score_is_the_derivative_of_the_loglikelihood(rng):
    d = Gaussian().logpdf_sym()
    mu, s2 = d.params
    x = rng.normal(1.0, 2.0, size=12)
    score = [symbolic.evaluate(s, x, {mu: 0.7, s2: 3.1}) for s in symbolic.score(d)]
    np.testing.assert_allclose(score, Gaussian().score((0.7, 3.1), x), rtol=1e-12)
    hess = symbolic.evaluate(symbolic.hessian(d), x, {mu: 0.7, s2: 3.1})
    np.testing.assert_allclose(-hess, Gaussian().observed_information((0.7, 3.1), x), rtol=1e-12)


def test_loglik_forms_agree(rng):
    d = Poisson().logpdf_sym()
    x = rng.poisson(2.0, size=9)
    lam = d.params[0]
    expanded = symbolic.evaluate(symbolic.loglik(d), x, {lam: 2.5})
    written = symbolic.evaluate(symbolic.loglik(d, expand=False), x, {lam: 2.5})
    assert expanded == pytest.approx(Poisson().loglik(2.5, x), rel=1e-12)
    assert written == pytest.approx(expanded, rel=1e-12)


def test_data_sum_pulls_parameters_out():
    t = sp.Symbol("t")
    s = symbolic.data_sum(t * symbolic.x[symbolic.i] ** 2 + 3 * t)
    assert (
        s
        == t * sp.Sum(symbolic.x[symbolic.i] ** 2, (symbolic.i, 1, symbolic.n)) + 3 * t * symbolic.n
    )


def test_evaluate_returns_an_expression_when_symbols_remain():
    d = Bernoulli().logpdf_sym()
    out = symbolic.evaluate(symbolic.loglik(d), [1, 0, 1])
    assert out.free_symbols == {d.params[0]}


def test_bad_inputs():
    with pytest.raises(TypeError, match="density must be a SymbolicDensity"):
        symbolic.mle(sp.Symbol("x"))
    with pytest.raises(ValueError, match="data is empty"):
        symbolic.evaluate(sp.Integer(1), [])
    with pytest.raises(ValueError, match="NaN"):
        symbolic.evaluate(sp.Integer(1), [1.0, np.nan])


def test_weighted_sums_give_the_weighted_mle(rng):
    """Responsibility-weighted Gaussian log-likelihood: the M-step of EM, derived and evaluated."""
    r = sp.IndexedBase("r")
    d = Gaussian().logpdf_sym()
    mu, s2 = d.params
    q = symbolic.data_sum(r[symbolic.i] * d.logpdf.subs(d.x, symbolic.x[symbolic.i]))
    sol = sp.solve([sp.diff(q, mu), sp.diff(q, s2)], [mu, s2], dict=True)[0]
    x, w = rng.normal(size=30), rng.random(30)
    data = {symbolic.x: x, r: w}
    mean = np.average(x, weights=w)
    assert symbolic.evaluate(sol[mu], data) == pytest.approx(mean, rel=1e-12)
    assert symbolic.evaluate(sol[s2], data) == pytest.approx(
        np.average((x - mean) ** 2, weights=w), rel=1e-10
    )
    with pytest.raises(ValueError, match="same length"):
        symbolic.evaluate(sol[mu], {symbolic.x: x, r: w[:-1]})
    with pytest.raises(TypeError, match="IndexedBase"):
        symbolic.evaluate(sol[mu], {"x": x})


def test_no_closed_form_is_a_clear_error():
    from mlebook.models import Gamma

    with pytest.raises(ValueError, match="cannot solve the score equations in closed form"):
        symbolic.mle(Gamma().logpdf_sym())
