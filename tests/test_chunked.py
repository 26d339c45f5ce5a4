"""Maximum likelihood on Dask arrays: the same numbers as in memory, by chunked reductions.

Each estimate from a Dask array is compared with the estimate from the same values in
memory (to 1e-12 for the closed forms, 1e-8 for the logistic coefficients and standard
errors) and with an independent implementation (dask-ml's Newton solver). While mlebook
works, a Dask array refuses to become a NumPy array (``__array__`` raises), so any
materialization of the whole array fails the test; and the number of passes over the
chunks (``dask.compute`` calls) is counted.
"""

from __future__ import annotations

import dask
import dask.array as da
import numpy as np
import pytest
from dask_ml.linear_model import LogisticRegression as DaskMLLogistic

from mlebook import chunked
from mlebook.models import Bernoulli, Categorical, Exponential, Gamma, Gaussian, Poisson
from mlebook.regression import LogisticRegression, SeparationError

RNG = np.random.default_rng(20261201)
SAMPLES = {
    "Bernoulli": (Bernoulli(), RNG.binomial(1, 0.3, 5003)),
    "Poisson": (Poisson(), RNG.poisson(4.2, 5003)),
    "Exponential": (Exponential(), RNG.exponential(2.5, 5003)),
    "Gaussian": (Gaussian(), RNG.normal(1e3, 0.5, 5003)),  # a large mean: a stable variance
    "Gamma": (Gamma(), RNG.gamma(1.7, 3.0, 5003)),
    "Categorical": (Categorical(k=4), RNG.integers(0, 4, 5003)),
}


@pytest.fixture
def no_materialization(monkeypatch):
    """A Dask array that becomes one NumPy array (``np.asarray``) raises, and passes over the
    data are counted."""

    def refuse(self, *args, **kwargs):
        raise AssertionError("the whole Dask array was turned into a NumPy array")

    monkeypatch.setattr(da.Array, "__array__", refuse)
    passes = []
    original = dask.compute

    def counted(*args, **kwargs):
        passes.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(dask, "compute", counted)
    return passes


@pytest.mark.parametrize("name", SAMPLES)
@pytest.mark.parametrize("chunks", [1000, 4999, 5003])
def test_closed_form_mle_on_chunks_equals_in_memory(name, chunks, no_materialization):
    model, x = SAMPLES[name]
    expected = np.atleast_1d(model.mle(x))
    got = np.atleast_1d(model.mle(da.from_array(x, chunks=chunks)))
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=0)
    assert len(no_materialization) == 1  # checks and statistics in one pass


def test_gaussian_variance_on_chunks_against_scipy():
    x = SAMPLES["Gaussian"][1]
    mu, sigma2 = Gaussian().mle(da.from_array(x, chunks=701))
    # scipy.stats.norm.fit is the MLE (mean and root-mean-square deviation), in memory
    from scipy import stats

    loc, scale = stats.norm.fit(x)
    np.testing.assert_allclose([mu, sigma2], [loc, scale**2], rtol=1e-12)


def test_mle_of_chunks_too_large_to_list_is_lazy_until_computed():
    # 4 million values generated chunk by chunk; mlebook sees only the graph
    x = da.random.default_rng(3).poisson(2.0, size=4_000_000, chunks=500_000)
    lam = Poisson().mle(x)
    assert abs(lam - float(x.mean().compute())) < 1e-12 * lam


# ------------------------------------------------------------------ logistic regression
def _logistic_data(n=6000, seed=7):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3)) * [1.0, 2.0, 0.5]
    eta = 0.4 + X @ np.array([0.8, -0.3, 1.5])
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float)
    return X, y


@pytest.mark.parametrize("row_chunks", [1000, 2500, 6000])
def test_logistic_on_chunks_equals_in_memory(row_chunks, no_materialization):
    X, y = _logistic_data()
    memory = LogisticRegression().fit(X, y)
    chunks = LogisticRegression().fit(
        da.from_array(X, chunks=(row_chunks, 2)), da.from_array(y, chunks=1500)
    )
    np.testing.assert_allclose(chunks.params_, memory.params_, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(chunks.se_, memory.se_, rtol=1e-8)
    assert chunks.loglik_ == pytest.approx(memory.loglik_, rel=1e-12)
    assert chunks.nobs_ == memory.nobs_ == 6000 and chunks.converged_
    # one pass to check the data and start, one per Newton iterate, one at the estimate
    assert len(no_materialization) <= chunks.n_iter_ + 2


def test_logistic_on_chunks_with_a_gaussian_prior_and_no_intercept():
    X, y = _logistic_data(seed=8)
    for settings in [
        {"prior": "gaussian", "prior_scale": 0.3},
        {"fit_intercept": False},
    ]:
        memory = LogisticRegression(**settings).fit(X, y)
        chunks = LogisticRegression(**settings).fit(da.from_array(X, chunks=(1700, 3)), y)
        np.testing.assert_allclose(chunks.params_, memory.params_, rtol=1e-8, atol=1e-12)
        np.testing.assert_allclose(chunks.se_, memory.se_, rtol=1e-8)


def test_logistic_on_chunks_agrees_with_dask_ml_newton():
    X, y = _logistic_data(seed=9)
    Xd, yd = da.from_array(X, chunks=(2000, 3)), da.from_array(y, chunks=2000)
    ours = LogisticRegression().fit(Xd, yd)
    theirs = DaskMLLogistic(solver="newton", max_iter=100, tol=1e-12).fit(Xd, yd)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-6)
    assert ours.intercept_ == pytest.approx(float(theirs.intercept_), rel=1e-6)


def test_separated_chunks_raise_separation_error():
    X, _ = _logistic_data(seed=10)
    y = (X[:, 0] > 0).astype(float)
    with pytest.raises(SeparationError, match="separated"):
        LogisticRegression().fit(da.from_array(X, chunks=(1000, 3)), y)


# ------------------------------------------------------------------ bad input in chunks
def _with(values, position, value):
    out = np.array(values, dtype=float)
    out[position] = value
    return out


@pytest.mark.parametrize(
    ("model", "x", "match"),
    [
        (Poisson(), _with(np.ones(100), 97, np.nan), r"x contains NaN \(1 value"),
        (Exponential(), _with(np.ones(100), 3, np.inf), r"x contains infinite values"),
        (Poisson(), _with(np.ones(100), 98, 2.5), r"non-negative integers; found 2\.5"),
        (Bernoulli(), _with(np.ones(100), 99, 3), r"only 0 or 1; found 3 \(1 value"),
        (Gamma(), _with(np.ones(100), 50, 0.0), r"only positive numbers; found 0"),
        (Categorical(k=3), _with(np.ones(100), 90, 3), r"integer labels 0\.\.2; found 3"),
        (Exponential(), np.zeros(100), r"every observation is 0"),
        (Gamma(), np.full(100, 2.0), r"every observation is the same"),
    ],
)
def test_bad_values_in_a_late_chunk_are_reported(model, x, match, no_materialization):
    with pytest.raises(ValueError, match=match):
        model.mle(da.from_array(x, chunks=10))
    assert len(no_materialization) == 1


def test_bad_shapes_and_types_are_reported_before_any_pass(no_materialization):
    with pytest.raises(ValueError, match="x must be one-dimensional"):
        Poisson().mle(da.ones((3, 4), chunks=2))
    with pytest.raises(ValueError, match="x is empty"):
        Poisson().mle(da.ones(0, chunks=2))
    with pytest.raises(TypeError, match="x must be an array of real numbers"):
        Poisson().mle(da.from_array(np.array(["a", "b"]), chunks=1))
    with pytest.raises(ValueError, match="axis must be None"):
        Poisson().mle(da.ones(4, chunks=2), axis=0)
    unknown = da.ones(10, chunks=5)
    unknown = unknown[unknown > 0]  # chunk sizes unknown until computed
    with pytest.raises(ValueError, match="unknown size"):
        Poisson().mle(unknown)
    assert not no_materialization


def test_bad_logistic_input_in_chunks(no_materialization):
    X, y = _logistic_data(n=600)
    Xd = da.from_array(X, chunks=(100, 3))
    with pytest.raises(ValueError, match=r"X contains NaN"):
        LogisticRegression().fit(da.from_array(_with(X, (555, 1), np.nan), chunks=(100, 3)), y)
    with pytest.raises(ValueError, match=r"y must contain only 0 or 1; found 2"):
        LogisticRegression().fit(Xd, _with(y, 590, 2))
    with pytest.raises(ValueError, match="X has 600 rows but y has 599 values"):
        LogisticRegression().fit(Xd, y[:-1])
    with pytest.raises(ValueError, match="not identified"):
        LogisticRegression().fit(da.from_array(np.column_stack([X, 2 * X[:, 0]])), y)
    with pytest.raises(ValueError, match="prior='laplace'"):
        LogisticRegression(prior="laplace", prior_scale=1.0).fit(Xd, y)
    with pytest.raises(TypeError, match="y is a Dask array but X is not"):
        LogisticRegression().fit(X, da.from_array(y))


def test_is_dask_array_does_not_import_dask():
    import subprocess
    import sys

    code = (
        "import sys, numpy as np\n"
        "from mlebook import chunked, models\n"
        "models.Poisson().mle(np.ones(3))\n"
        "assert not chunked.is_dask_array(np.ones(3))\n"
        "assert 'dask' not in sys.modules, 'mlebook imported dask'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_compute_runs_statistics_and_checks_in_one_graph():
    sample = chunked.as_data(da.from_array(np.arange(10.0), chunks=3), "count")
    assert chunked.compute({"total": sample.safe.sum()}, sample) == {"total": 45.0}
    with pytest.raises(TypeError, match="checked must be Chunked data"):
        chunked.compute({}, np.arange(3))
