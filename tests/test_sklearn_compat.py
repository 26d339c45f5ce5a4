"""mlebook's estimators are scikit-learn estimators: get_params/set_params, clone, Pipeline,
GridSearchCV and cross-validation, each checked against numbers computed independently
(statsmodels, scikit-learn's own models, folds and metrics done by hand)."""

import numpy as np
import pytest
import statsmodels.api as sm
from scipy.special import expit, softmax
from sklearn.base import clone, is_classifier, is_regressor
from sklearn.linear_model import LogisticRegression as SkLogistic
from sklearn.linear_model import Ridge
from sklearn.metrics import log_loss
from sklearn.mixture import GaussianMixture as SkGaussianMixture
from sklearn.model_selection import (
    GridSearchCV,
    KFold,
    StratifiedKFold,
    cross_val_score,
)
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import (
    check_get_params_invariance,
    check_no_attributes_set_in_init,
    check_parameters_default_constructible,
    check_set_params,
)

from mlebook.mixture import GaussianMixture
from mlebook.regression import LinearRegression, LogisticRegression, SoftmaxRegression

# Every estimator with non-default settings, and the names of its constructor's arguments.
ESTIMATORS = {
    "LinearRegression": (
        LinearRegression(prior="gaussian", prior_scale=0.8),
        {"prior", "prior_scale", "fit_intercept"},
    ),
    "LogisticRegression": (
        LogisticRegression(prior="gaussian", prior_scale=0.5, tol=1e-12),
        {"prior", "prior_scale", "fit_intercept", "tol", "max_iter"},
    ),
    "SoftmaxRegression": (
        SoftmaxRegression(prior="gaussian", prior_scale=2.0, max_iter=50),
        {"prior", "prior_scale", "fit_intercept", "tol", "max_iter"},
    ),
    "GaussianMixture": (
        GaussianMixture(n_components=3, n_init=2, rng=7),
        {
            "n_components",
            "tol",
            "convergence",
            "max_iter",
            "reg_covar",
            "n_init",
            "init_params",
            "rng",
            "weights_init",
            "means_init",
            "covariances_init",
        },
    ),
}


@pytest.fixture(scope="module")
def data():
    """Features on different scales, and a real, a binary and a three-class outcome."""
    rng = np.random.default_rng(2024)
    X = rng.normal(size=(240, 3)) * [1.0, 5.0, 0.2] + [0.0, 10.0, -1.0]
    Z = (X - X.mean(axis=0)) / X.std(axis=0)
    y_real = 1.0 + Z @ [1.0, -0.5, 0.25] + rng.normal(size=240)
    y_binary = (rng.random(240) < expit(0.3 + Z @ [1.0, -1.0, 0.5])).astype(float)
    eta = np.column_stack([np.zeros(240), Z @ [1.0, 0.5, 0.0], Z @ [-0.5, 1.0, 1.0]])
    y_labels = (rng.random(240)[:, None] > softmax(eta, axis=1).cumsum(axis=1)).sum(axis=1)
    return X, {
        "LinearRegression": y_real,
        "LogisticRegression": y_binary,
        "SoftmaxRegression": y_labels,
        "GaussianMixture": None,
    }


def fitted_arrays(est):
    """The fitted numbers of an estimator, to compare two fits."""
    names = (
        ("weights_", "means_", "covariances_", "loglik_")
        if isinstance(est, GaussianMixture)
        else ("params_", "se_", "loglik_")
    )
    return [np.asarray(getattr(est, name)) for name in names]


# --------------------------------------------------------------------------- the protocol
@pytest.mark.parametrize("name", ESTIMATORS)
def test_get_params_are_the_constructor_arguments_and_clone_refits_identically(name, data):
    est, params = ESTIMATORS[name]
    X, ys = data
    assert set(est.get_params()) == params
    default = type(est)()
    assert set(default.get_params()) == params
    fitted = clone(est).fit(X, ys[name])
    copy = clone(fitted)  # the settings, not the fit
    assert copy.get_params() == est.get_params()
    assert not hasattr(copy, "n_features_in_") and fitted.n_features_in_ == 3
    for a, b in zip(fitted_arrays(fitted), fitted_arrays(copy.fit(X, ys[name])), strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name", ESTIMATORS)
def test_set_params_equals_constructing_with_them(name, data):
    est, _ = ESTIMATORS[name]
    X, ys = data
    changed = {
        "LinearRegression": {"prior_scale": 2.5},
        "LogisticRegression": {"prior_scale": 3.0},
        "SoftmaxRegression": {"prior": None, "prior_scale": None},
        "GaussianMixture": {"n_components": 2, "rng": 3},
    }[name]
    via_set = type(est)(**est.get_params()).set_params(**changed)
    direct = type(est)(**(est.get_params() | changed))
    assert via_set.get_params() == direct.get_params()
    for a, b in zip(
        fitted_arrays(via_set.fit(X, ys[name])), fitted_arrays(direct.fit(X, ys[name])), strict=True
    ):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="Invalid parameter 'C'"):
        type(est)().set_params(C=1.0)


@pytest.mark.parametrize("name", ESTIMATORS)
def test_constructor_arguments_are_keyword_only_and_stored_unchanged(name):
    est, _ = ESTIMATORS[name]
    with pytest.raises(TypeError, match="positional argument"):
        type(est)(2)
    odd = (
        {"prior_scale": "not checked until fit"}
        if name != "GaussianMixture"
        else {"tol": "not checked until fit"}
    )
    assert type(est)(**odd).get_params()[next(iter(odd))] == "not checked until fit"


@pytest.mark.parametrize("name", ESTIMATORS)
def test_scikit_learn_estimator_checks(name):
    est, _ = ESTIMATORS[name]
    for check in (
        check_no_attributes_set_in_init,
        check_get_params_invariance,
        check_set_params,
        check_parameters_default_constructible,
    ):
        check(name, est)


def test_estimator_types_and_repr():
    assert is_classifier(LogisticRegression()) and is_classifier(SoftmaxRegression())
    assert is_regressor(LinearRegression()) and not is_classifier(GaussianMixture())
    assert (
        repr(LogisticRegression(prior="gaussian", prior_scale=0.5))
        == "LogisticRegression(prior='gaussian', prior_scale=0.5)"
    )
    assert repr(GaussianMixture(n_components=2, rng=3)) == "GaussianMixture(n_components=2, rng=3)"


def test_classes_and_scores_follow_scikit_learn(data):
    X, ys = data
    logit = LogisticRegression().fit(X, ys["LogisticRegression"])
    np.testing.assert_array_equal(logit.classes_, [0, 1])
    assert logit.score(X, ys["LogisticRegression"]) == np.mean(
        logit.predict(X) == ys["LogisticRegression"]
    )
    soft = SoftmaxRegression().fit(X, ys["SoftmaxRegression"])
    np.testing.assert_array_equal(soft.classes_, [0, 1, 2])
    linear = LinearRegression().fit(X, ys["LinearRegression"])
    resid = ys["LinearRegression"] - linear.predict(X)
    centred = ys["LinearRegression"] - ys["LinearRegression"].mean()
    assert linear.score(X, ys["LinearRegression"]) == pytest.approx(
        1 - resid @ resid / (centred @ centred), rel=1e-12
    )


# --------------------------------------------------------------------------- composition
def test_pipeline_with_a_scaler_equals_fitting_the_scaled_data(data):
    X, ys = data
    y = ys["LogisticRegression"]
    pipe = Pipeline([("scale", StandardScaler()), ("logit", LogisticRegression())]).fit(X, y)
    Z = StandardScaler().fit_transform(X)
    ours = LogisticRegression().fit(Z, y)
    np.testing.assert_allclose(pipe.named_steps["logit"].params_, ours.params_, rtol=1e-13)
    ref = sm.Logit(y, sm.add_constant(Z)).fit(disp=0, tol=1e-12)
    np.testing.assert_allclose(pipe.named_steps["logit"].params_, ref.params, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(pipe.named_steps["logit"].se_, ref.bse, rtol=1e-8)
    np.testing.assert_allclose(
        pipe.predict_proba(X)[:, 1], ref.predict(sm.add_constant(Z)), rtol=1e-8
    )


def test_grid_search_over_the_prior_scale_equals_the_cross_validated_log_loss_by_hand(data):
    X, ys = data
    y = ys["LogisticRegression"]
    scales = [0.02, 0.1, 0.5, 3.0]
    search = GridSearchCV(
        LogisticRegression(prior="gaussian"), {"prior_scale": scales}, scoring="neg_log_loss"
    ).fit(X, y)
    # By hand: the same folds (5 stratified, in order, as GridSearchCV uses for a classifier)
    # and the log loss of each held-out fold; once with mlebook, once with scikit-learn's own
    # L2 logistic regression with C = prior_scale^2, the same fit by an independent solver.
    folds = list(StratifiedKFold(n_splits=5).split(X, y))
    ours, theirs = [], []
    for s in scales:
        ours.append(
            np.mean(
                [
                    -log_loss(
                        y[test],
                        LogisticRegression(prior="gaussian", prior_scale=s)
                        .fit(X[train], y[train])
                        .predict_proba(X[test])[:, 1],
                    )
                    for train, test in folds
                ]
            )
        )
        theirs.append(
            np.mean(
                [
                    -log_loss(
                        y[test],
                        SkLogistic(C=s**2, tol=1e-12, max_iter=10_000)
                        .fit(X[train], y[train])
                        .predict_proba(X[test])[:, 1],
                    )
                    for train, test in folds
                ]
            )
        )
    np.testing.assert_allclose(search.cv_results_["mean_test_score"], ours, rtol=1e-12)
    np.testing.assert_allclose(ours, theirs, atol=1e-7)
    assert search.best_score_ == pytest.approx(max(ours), rel=1e-12)
    assert search.best_params_ == {"prior_scale": scales[int(np.argmax(ours))]}
    assert (
        0 < int(np.argmax(ours)) < len(scales) - 1
    )  # an interior optimum: the grid is informative


def test_cross_validated_ridge_equals_scikit_learn_ridge(data):
    X, ys = data
    y = ys["LinearRegression"]
    s = 0.3  # penalty ||b||^2 / s^2: alpha = 1 / s^2
    ours = cross_val_score(LinearRegression(prior="gaussian", prior_scale=s), X, y, cv=KFold(4))
    ref = cross_val_score(Ridge(alpha=1 / s**2), X, y, cv=KFold(4))
    np.testing.assert_allclose(ours, ref, rtol=1e-10)


def test_cross_validated_softmax_log_loss_by_hand(data):
    X, ys = data
    y = ys["SoftmaxRegression"]
    scores = cross_val_score(
        SoftmaxRegression(), X, y, scoring="neg_log_loss", cv=StratifiedKFold(3)
    )
    by_hand = []
    for train, test in StratifiedKFold(3).split(X, y):
        D_train, D_test = sm.add_constant(X[train]), sm.add_constant(X[test])
        W = (
            sm.MNLogit(y[train], D_train)
            .fit(disp=0, method="newton", tol=1e-12, maxiter=100)
            .params
        )
        proba = softmax(np.column_stack([np.zeros(len(test)), D_test @ W]), axis=1)
        by_hand.append(-log_loss(y[test], proba))
    np.testing.assert_allclose(scores, by_hand, rtol=1e-8)


def test_grid_search_over_mixture_components_uses_the_mean_log_likelihood(data):
    X, _ = data
    X2 = X[:, :2]
    search = GridSearchCV(GaussianMixture(rng=0), {"n_components": [1, 2]}, cv=KFold(3)).fit(X2)
    by_hand = [
        np.mean(
            [
                GaussianMixture(n_components=k, rng=0).fit(X2[train]).score(X2[test])
                for train, test in KFold(3).split(X2)
            ]
        )
        for k in (1, 2)
    ]
    np.testing.assert_allclose(search.cv_results_["mean_test_score"], by_hand, rtol=1e-12)
    # With one component the MLE is the sample mean and covariance; scikit-learn agrees.
    one = GaussianMixture(n_components=1, reg_covar=0.0).fit(X2)
    ref = SkGaussianMixture(n_components=1, reg_covar=0.0).fit(X2)
    assert one.score(X2) == pytest.approx(ref.score(X2), rel=1e-12)
