"""Gaussian mixtures by EM against scipy.stats densities, numpy's weighted moments and
scikit-learn."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats
from sklearn.mixture import GaussianMixture as SkGaussianMixture

from mlebook import mixture
from mlebook.mixture import GaussianMixture, SingularityError

MEANS = np.array([[0.0, 0.0], [2.0, 1.0], [0.5, 2.5]])
COVS = np.array([[[1.0, 0.3], [0.3, 0.8]], [[0.7, -0.2], [-0.2, 1.0]], [[0.9, 0.1], [0.1, 0.5]]])
WEIGHTS = np.array([0.4, 0.35, 0.25])


def overlapping(n, seed):
    """n points from three overlapping Gaussians in the plane."""
    rng = np.random.default_rng(seed)
    z = rng.choice(3, size=n, p=WEIGHTS)
    return MEANS[z] + np.einsum(
        "nij,nj->ni", np.linalg.cholesky(COVS)[z], rng.standard_normal((n, 2))
    )


@pytest.fixture(scope="module")
def X():
    return overlapping(400, 7)


def start_from(X, rows):
    """A start both implementations can take: data points as means, the data covariance."""
    k = len(rows)
    cov = np.cov(X, rowvar=False, bias=True)
    return np.full(k, 1 / k), X[rows].copy(), np.repeat(cov[None], k, axis=0)


def scipy_loglik(X, w, mu, cov):
    dens = sum(w[j] * stats.multivariate_normal(mu[j], cov[j]).pdf(X) for j in range(len(w)))
    return np.log(dens)


# --------------------------------------------------------------------------- the pieces
def test_loglik_and_component_densities_equal_scipy(X):
    np.testing.assert_allclose(
        mixture.component_logpdf(X, MEANS, COVS),
        np.column_stack(
            [stats.multivariate_normal(m, c).logpdf(X) for m, c in zip(MEANS, COVS, strict=True)]
        ),
        rtol=1e-12,
    )
    assert mixture.loglik(X, WEIGHTS, MEANS, COVS) == pytest.approx(
        scipy_loglik(X, WEIGHTS, MEANS, COVS).sum(), rel=1e-12
    )


def test_loglik_stays_finite_where_every_density_underflows():
    far = np.array([[60.0, 0.0]])  # density ~ exp(-1800): 0.0 in floating point
    with np.errstate(divide="ignore"):
        naive = np.log(
            sum(
                w * stats.multivariate_normal(m, c).pdf(far)
                for w, m, c in zip(WEIGHTS, MEANS, COVS, strict=True)
            )
        )
    assert naive == -np.inf
    ll = mixture.loglik(far, WEIGHTS, MEANS, COVS)
    logs = [
        np.log(w) + stats.multivariate_normal(m, c).logpdf(far)
        for w, m, c in zip(WEIGHTS, MEANS, COVS, strict=True)
    ]
    assert np.isfinite(ll) and ll == pytest.approx(np.logaddexp.reduce(logs), rel=1e-12)


def test_e_step_is_bayes_rule(X):
    resp, ll = mixture.e_step(X, WEIGHTS, MEANS, COVS)
    joint = np.column_stack(
        [
            w * stats.multivariate_normal(m, c).pdf(X)
            for w, m, c in zip(WEIGHTS, MEANS, COVS, strict=True)
        ]
    )
    np.testing.assert_allclose(resp, joint / joint.sum(axis=1, keepdims=True), rtol=1e-10)
    assert ll == pytest.approx(np.log(joint.sum(axis=1)).sum(), rel=1e-12)


def test_m_step_gives_weighted_means_and_covariances(X):
    resp = np.random.default_rng(0).dirichlet(np.ones(3), size=len(X))
    w, mu, cov = mixture.m_step(X, resp)
    np.testing.assert_allclose(w, resp.mean(axis=0), rtol=1e-12)
    for j in range(3):
        np.testing.assert_allclose(mu[j], np.average(X, axis=0, weights=resp[:, j]), rtol=1e-12)
        np.testing.assert_allclose(
            cov[j], np.cov(X, rowvar=False, aweights=resp[:, j], bias=True), rtol=1e-10
        )
    _, _, cov_reg = mixture.m_step(X, resp, reg_covar=0.5)
    np.testing.assert_allclose(
        cov_reg - cov, np.broadcast_to(0.5 * np.eye(2), cov.shape), atol=1e-12
    )


def test_the_lower_bound_argument(X):
    """Jensen: the bound is below the log-likelihood, touches it at the E-step, and EM climbs it."""
    w, mu, cov = start_from(X, [0, 1, 2])
    resp, ll = mixture.e_step(X, w, mu, cov)
    assert mixture.lower_bound(X, resp, w, mu, cov) == pytest.approx(ll, rel=1e-12)
    other = np.random.default_rng(1).dirichlet(np.ones(3), size=len(X))
    assert mixture.lower_bound(X, other, w, mu, cov) < ll
    w2, mu2, cov2 = mixture.m_step(X, resp)
    assert mixture.lower_bound(X, resp, w2, mu2, cov2) >= ll
    assert mixture.loglik(X, w2, mu2, cov2) >= mixture.lower_bound(X, resp, w2, mu2, cov2)


@given(st.integers(0, 10_000))
def test_e_step_invariants(seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(scale=3, size=(20, 2))
    w = rng.dirichlet(np.ones(3))
    A = rng.normal(size=(3, 2, 2))
    cov = A @ A.transpose(0, 2, 1) + 0.1 * np.eye(2)
    mu = rng.normal(size=(3, 2))
    resp, ll = mixture.e_step(X, w, mu, cov)
    np.testing.assert_allclose(resp.sum(axis=1), 1.0, rtol=1e-12)
    assert ll == pytest.approx(mixture.loglik(X, w, mu, cov), rel=1e-12)
    perm = rng.permutation(3)  # relabelling the components changes nothing but the column order
    resp_p, ll_p = mixture.e_step(X, w[perm], mu[perm], cov[perm])
    np.testing.assert_allclose(resp_p, resp[:, perm], atol=1e-12)
    assert ll_p == pytest.approx(ll, rel=1e-12)


# --------------------------------------------------------------------------- the estimator
@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
@pytest.mark.parametrize("init_params", ["k-means++", "random"])
def test_the_log_likelihood_never_decreases(seed, init_params):
    X = overlapping(300, 100 + seed)
    gm = GaussianMixture(n_components=3, rng=seed, init_params=init_params).fit(X)
    path = np.r_[gm.initial_loglik_, gm.loglik_trace_]
    assert np.all(np.diff(path) >= -1e-9), np.diff(path).min()
    assert gm.converged_ and gm.n_iter_ == gm.loglik_trace_.size
    assert gm.loglik_ == gm.loglik_trace_[-1]
    assert gm.loglik_ == pytest.approx(
        mixture.loglik(X, gm.weights_, gm.means_, gm.covariances_), rel=1e-12
    )
    assert (
        gm.params_[0] is gm.weights_
        and gm.params_[1] is gm.means_
        and gm.params_[2] is gm.covariances_
    )
    assert gm.nobs_ == 300 and gm.n_features_in_ == 2


def test_exact_em_without_regularization_is_monotone_too(X):
    gm = GaussianMixture(n_components=3, reg_covar=0.0, rng=3).fit(X)
    assert np.all(np.diff(np.r_[gm.initial_loglik_, gm.loglik_trace_]) >= -1e-9)


def test_equals_sklearn_from_the_same_start(X):
    w0, mu0, cov0 = start_from(X, [5, 50, 100])
    ours = GaussianMixture(
        n_components=3,
        weights_init=w0,
        means_init=mu0,
        covariances_init=cov0,
        tol=1e-13,
        max_iter=100_000,
    ).fit(X)
    ref = SkGaussianMixture(
        3,
        weights_init=w0,
        means_init=mu0,
        precisions_init=np.linalg.inv(cov0),
        init_params="random_from_data",
        tol=1e-13,
        max_iter=100_000,
    ).fit(X)
    assert ref.converged_ and ours.converged_
    assert ours.loglik_ == pytest.approx(ref.score(X) * len(X), abs=1e-6)
    assert ours.score(X) == pytest.approx(ref.score(X), abs=1e-9)
    np.testing.assert_allclose(ours.weights_, ref.weights_, atol=1e-5)
    np.testing.assert_allclose(ours.means_, ref.means_, atol=1e-5)
    np.testing.assert_allclose(ours.covariances_, ref.covariances_, atol=1e-5)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-5)
    np.testing.assert_allclose(ours.score_samples(X[:10]), ref.score_samples(X[:10]), atol=1e-7)


def test_the_default_tolerance_reaches_the_optimum(X):
    w0, mu0, cov0 = start_from(X, [5, 50, 100])
    kwargs = {"weights_init": w0, "means_init": mu0, "covariances_init": cov0}
    default = GaussianMixture(n_components=3, **kwargs).fit(X)
    tight = GaussianMixture(n_components=3, tol=1e-14, max_iter=100_000, **kwargs).fit(X)
    assert 0 <= tight.loglik_ - default.loglik_ < 1e-6


def test_restarts_keep_the_best(X):
    gm = GaussianMixture(n_components=3, n_init=4, rng=11).fit(X)
    assert gm.restart_logliks_.shape == (4,)
    assert gm.loglik_ == gm.restart_logliks_.max()


def test_a_duplicated_point_is_harmless_with_reg_covar():
    """Thirty copies of one point: a component sits on them, its covariance only reg_covar."""
    rng = np.random.default_rng(3)
    X = np.r_[
        rng.normal(0, 1, size=(200, 2)),
        rng.normal(5, 1, size=(200, 2)),
        np.tile([[10.0, -3.0]], (30, 1)),
    ]
    for seed in range(3):
        gm = GaussianMixture(n_components=3, rng=seed).fit(X)
        assert np.isfinite(gm.loglik_) and gm.converged_
        assert np.all(np.diff(np.r_[gm.initial_loglik_, gm.loglik_trace_]) >= -1e-9)
        on_point = np.argmin(np.linalg.norm(gm.means_ - [10.0, -3.0], axis=1))
        np.testing.assert_allclose(gm.covariances_[on_point], 1e-6 * np.eye(2), atol=1e-9)
        assert gm.weights_[on_point] == pytest.approx(30 / 430, abs=1e-6)
        with pytest.raises(
            SingularityError, match=r"component .* became singular.*collapsed.*reg_covar"
        ):
            GaussianMixture(n_components=3, reg_covar=0.0, rng=seed).fit(X)


def test_a_component_collapsing_onto_one_point_is_named():
    X = np.random.default_rng(0).normal(size=(100, 2))
    gm = GaussianMixture(
        n_components=2,
        reg_covar=0.0,
        weights_init=[0.9, 0.1],
        means_init=[[0.0, 0.0], X[0]],
        covariances_init=[np.eye(2), 1e-3 * np.eye(2)],
    )
    with pytest.raises(
        SingularityError, match=r"component 1 \(counting from 0\) became singular.*unbounded"
    ):
        gm.fit(X)
    regularized = GaussianMixture(
        n_components=2,
        reg_covar=1e-3,
        weights_init=[0.9, 0.1],
        means_init=[[0.0, 0.0], X[0]],
        covariances_init=[np.eye(2), 1e-3 * np.eye(2)],
    ).fit(X)
    assert np.isfinite(regularized.loglik_)
    assert np.linalg.eigvalsh(regularized.covariances_).min() >= 1e-3


def test_one_dimensional_data_and_scipy(X):
    x = X[:, 0]
    gm = GaussianMixture(n_components=2, rng=0).fit(x)
    assert gm.means_.shape == (2, 1) and gm.covariances_.shape == (2, 1, 1)
    ref = np.log(
        sum(
            w * stats.norm(m[0], np.sqrt(c[0, 0])).pdf(x)
            for w, m, c in zip(gm.weights_, gm.means_, gm.covariances_, strict=True)
        )
    )
    np.testing.assert_allclose(gm.score_samples(x), ref, rtol=1e-12)
    np.testing.assert_array_equal(gm.predict(x), np.argmax(gm.predict_proba(x), axis=1))


def test_rng_takes_a_seed_or_a_generator(X):
    by_seed = GaussianMixture(n_components=3, rng=5).fit(X)
    by_generator = GaussianMixture(n_components=3, rng=np.random.default_rng(5)).fit(X)
    np.testing.assert_array_equal(by_seed.means_, by_generator.means_)
    assert by_seed.loglik_ == by_generator.loglik_
    # the same seed twice: the same fit
    again = GaussianMixture(n_components=3, rng=5).fit(X)
    np.testing.assert_array_equal(again.means_, by_seed.means_)


def test_sampling_is_seeded_and_follows_the_fit(X):
    gm = GaussianMixture(n_components=3, rng=0).fit(X)
    a, la = gm.sample(20_000, np.random.default_rng(5))
    b, lb = gm.sample(20_000, 5)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(la, lb)
    np.testing.assert_allclose(np.bincount(la, minlength=3) / la.size, gm.weights_, atol=0.015)
    for j in range(3):
        np.testing.assert_allclose(a[la == j].mean(axis=0), gm.means_[j], atol=0.05)
        np.testing.assert_allclose(np.cov(a[la == j], rowvar=False), gm.covariances_[j], atol=0.06)


def test_bad_inputs(X):
    with pytest.raises(ValueError, match="n_components must be at least 1"):
        GaussianMixture(n_components=0).fit(X)
    with pytest.raises(TypeError, match="n_components must be an integer"):
        GaussianMixture(n_components=2.5).fit(X)
    with pytest.raises(ValueError, match="n_components=5 is larger than the number of samples 4"):
        GaussianMixture(n_components=5).fit(X[:4])
    with pytest.raises(ValueError, match="X contains NaN"):
        GaussianMixture(n_components=2).fit(np.where(X > 2, np.nan, X))
    with pytest.raises(ValueError, match="X contains infinite values"):
        GaussianMixture(n_components=2).fit(np.where(X > 2, np.inf, X))
    with pytest.raises(ValueError, match="X must be two-dimensional"):
        GaussianMixture(n_components=2).fit(X[None])
    with pytest.raises(ValueError, match="X is empty"):
        GaussianMixture(n_components=1).fit(np.empty((0, 2)))
    with pytest.raises(ValueError, match="tol must lie in"):
        GaussianMixture(n_components=2, tol=-1.0).fit(X)
    with pytest.raises(ValueError, match="reg_covar must lie in"):
        GaussianMixture(n_components=2, reg_covar=-1e-6).fit(X)
    with pytest.raises(ValueError, match="max_iter must be at least 1"):
        GaussianMixture(n_components=2, max_iter=0).fit(X)
    with pytest.raises(ValueError, match="init_params must be one of"):
        GaussianMixture(n_components=2, init_params="kmeans").fit(X)
    with pytest.raises(TypeError, match=r"rng must be a numpy\.random\.Generator or an int"):
        GaussianMixture(n_components=2, rng="seed").fit(X)
    with pytest.raises(TypeError, match="takes 1 positional argument"):
        GaussianMixture(2)  # every argument is keyword-only
    with pytest.raises(ValueError, match="n_init > 1 draws new starting values"):
        GaussianMixture(n_components=2, n_init=3, means_init=X[:2]).fit(X)
    with pytest.raises(ValueError, match="means_init must have n_components=2 rows"):
        GaussianMixture(n_components=2, means_init=X[:3]).fit(X)
    with pytest.raises(ValueError, match="means has 3 columns but X has 2 features"):
        GaussianMixture(n_components=2, means_init=np.zeros((2, 3))).fit(X)
    with pytest.raises(ValueError, match="weights must sum to 1"):
        GaussianMixture(n_components=2, weights_init=[0.5, 0.6]).fit(X)
    with pytest.raises(ValueError, match=r"covariances must have shape .* \(2, 2, 2\)"):
        GaussianMixture(n_components=2, covariances_init=np.ones((2, 2))).fit(X)
    with pytest.raises(SingularityError, match=r"covariances\[1\] is not positive definite"):
        GaussianMixture(n_components=2, covariances_init=[np.eye(2), [[1.0, 2.0], [2.0, 1.0]]]).fit(
            X
        )
    with pytest.raises(SingularityError, match=r"starting covariances.*no spread"):
        GaussianMixture(n_components=2, reg_covar=0.0).fit(
            np.column_stack([X[:, 0], np.ones(len(X))])
        )
    with pytest.raises(ValueError, match="not fitted yet"):
        GaussianMixture(n_components=2).predict(X)
    with pytest.raises(ValueError, match="not fitted yet"):
        GaussianMixture(n_components=2).sample(5, 0)
    fitted = GaussianMixture(n_components=2, rng=0).fit(X)
    with pytest.raises(ValueError, match="X has 1 features but the model was fitted with 2"):
        fitted.score(X[:, 0])
    with pytest.raises(ValueError, match="resp must have non-negative rows that sum to 1"):
        mixture.m_step(X, np.ones((len(X), 2)))
    with pytest.raises(ValueError, match="resp has 3 rows but X has 400 samples"):
        mixture.m_step(X, np.full((3, 2), 0.5))
    with pytest.raises(ValueError, match="covariances must be symmetric"):
        mixture.loglik(X, [1.0], [[0.0, 0.0]], [[[1.0, 0.5], [0.0, 1.0]]])


def test_the_scikit_learn_rule_repeats_scikit_learn_iteration_for_iteration(X):
    """scikit-learn tests the gain of the iteration before the one just run, so it runs one
    more iteration than the default rule; with convergence="scikit-learn" the fits coincide."""
    w0, mu0, cov0 = start_from(X, [5, 50, 100])
    for tol in (1e-3, 1e-6):
        ours = GaussianMixture(
            n_components=3,
            tol=tol,
            convergence="scikit-learn",
            weights_init=w0,
            means_init=mu0,
            covariances_init=cov0,
        ).fit(X)
        ref = SkGaussianMixture(
            3,
            tol=tol,
            weights_init=w0,
            means_init=mu0,
            precisions_init=np.linalg.inv(cov0),
            init_params="random_from_data",
        ).fit(X)
        assert ours.n_iter_ == ref.n_iter_
        assert ours.loglik_ == pytest.approx(ref.score(X) * len(X), rel=1e-12)
        np.testing.assert_allclose(ours.means_, ref.means_, atol=1e-9)
        np.testing.assert_allclose(ours.covariances_, ref.covariances_, atol=1e-9)
        default = GaussianMixture(
            n_components=3, tol=tol, weights_init=w0, means_init=mu0, covariances_init=cov0
        ).fit(X)
        assert default.n_iter_ == ref.n_iter_ - 1
    with pytest.raises(ValueError, match="convergence must be one of"):
        GaussianMixture(n_components=3, convergence="sklearn").fit(X)
