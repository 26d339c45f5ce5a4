"""Bad input across the whole public API of mlebook, in one table.

Every case calls one public function, method or constructor with one bad argument and states
the error it must raise: the exact type (``ValueError`` or ``TypeError``, or a documented
subclass such as ``SingularityError``) and a regex the message must match, which names the
argument and says what was wrong. Two more checks make sure the error is mlebook's own and
not a numpy or scipy failure that happens to have the right type:

* the innermost frame of the traceback lies inside the mlebook package, and
* the function the case is filed under (its ``target``) really was called.

:func:`test_every_public_callable_has_a_bad_input_case` walks the public API and fails when
a public callable has no case, apart from a short allow-list of things that take no input.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import re
import sys
import traceback
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
import sympy as sp

import mlebook
from mlebook import (
    asymptotics,
    covariance,
    fitting,
    inference,
    intervals,
    losses,
    mixture,
    optim,
    priors,
    regression,
    symbolic,
    validation,
)
from mlebook.mixture import GaussianMixture, SingularityError
from mlebook.models import (
    Bernoulli,
    Categorical,
    Exponential,
    Gamma,
    Gaussian,
    Parameter,
    Poisson,
    SymbolicDensity,
)
from mlebook.parametrization import Box, Simplex
from mlebook.plotting import mark_value, plot_likelihood
from mlebook.regression import LinearRegression, LogisticRegression, SoftmaxRegression

PACKAGE = str(Path(mlebook.__file__).parent)
NAN, INF = np.nan, np.inf
VE, TE = ValueError, TypeError

CASES: list = []


def case(target: str, label: str, call, error: type, match: str) -> None:
    """Register one case: ``call()`` must raise exactly ``error`` with a message matching ``match``.

    ``target`` is the public callable the case exercises, written from the package root
    (``"models.Bernoulli.loglik"``, ``"fitting.fit"``; a class stands for its constructor).
    """
    CASES.append(pytest.param(target, call, error, match, id=f"{target}-{label}"))


# ============================================================================ models
MODELS = {  # name: (model, good params, good data)
    "Bernoulli": (Bernoulli(), 0.3, [0, 1, 1]),
    "Gaussian": (Gaussian(), (0.0, 1.0), [0.5, -1.0, 2.0]),
    "Poisson": (Poisson(), 2.0, [0, 3, 1]),
    "Exponential": (Exponential(), 1.5, [0.5, 1.0, 2.0]),
    "Gamma": (Gamma(), (2.0, 1.0), [0.5, 1.0, 2.0]),
    "Categorical": (Categorical(k=3), [0.2, 0.3, 0.5], [0, 2, 1]),
}

# Bad samples, each otherwise inside every model's support (1 is a valid observation for all).
BAD_DATA = [
    ("str", "0101", TE, "{} must be numeric"),
    ("None", None, TE, "{} must be an array of real numbers"),
    ("dict", {"a": 1}, TE, "{} must be an array of real numbers"),
    ("complex", [1 + 1j], TE, "{} must be an array of real numbers"),
    ("ragged", [[1], [1, 1]], TE, "{} must be an array of numbers"),
    ("empty", [], VE, "{} is empty"),
    ("NaN", [1.0, NAN], VE, "{} contains NaN"),
    ("inf", [1.0, INF], VE, "{} contains infinite"),
    ("2-D", [[1, 1], [1, 1]], VE, "{} must be one-dimensional"),
]

OUT_OF_SUPPORT = {
    "Bernoulli": [
        ("2", [0, 2], "x must contain only 0 or 1; found 2"),
        ("half", [0.5], "only 0 or 1"),
    ],
    "Gaussian": [],
    "Poisson": [
        ("negative", [1, -1], "only non-negative integers; found -1"),
        ("fraction", [1.5], "found 1.5"),
    ],
    "Exponential": [("negative", [1.0, -0.1], "only non-negative numbers; found -0.1")],
    "Gamma": [("zero", [1.0, 0.0], "only positive numbers; found 0")],
    "Categorical": [
        ("label 3", [0, 3], r"only integer labels 0\.\.2; found 3"),
        ("fraction", [0, 1.5], "found 1.5"),
    ],
}

# Parameters outside the space, of the wrong type or the wrong length.
BAD_PARAMS = {
    "Bernoulli": [
        ("1.5", 1.5, VE, r"p must lie in"),
        ("negative", -0.1, VE, "p must lie in"),
        ("NaN", NAN, VE, "p must be finite"),
        ("inf", INF, VE, "p must be finite"),
        ("str", "0.5", TE, "p must be a real number"),
        ("None", None, TE, "p must be a real number"),
        ("dict", {}, TE, "p must be a real number"),
        ("vector", [0.2, 0.3], TE, "p must be a single number"),
        ("complex", 0.5j, TE, "p must be a real number"),
    ],
    "Gaussian": [
        ("negative variance", (0.0, -1.0), VE, "sigma2 must lie in"),
        ("zero variance", (0.0, 0.0), VE, "sigma2 must lie in"),
        ("NaN mean", (NAN, 1.0), VE, "mu must be finite"),
        ("inf variance", (0.0, INF), VE, "sigma2 must be finite"),
        ("scalar", 1.0, VE, r"params must be a pair \(mu, sigma2\)"),
        ("triple", (0.0, 1.0, 2.0), VE, r"params must be a pair \(mu, sigma2\)"),
        ("None", None, VE, r"params must be a pair \(mu, sigma2\)"),
        ("str", "ab", VE, r"params must be a pair \(mu, sigma2\)"),
        ("dict", {"mu": 0.0, "sigma2": 1.0}, VE, r"params must be a pair \(mu, sigma2\)"),
        ("str mean", ("0", 1.0), TE, "mu must be a real number"),
    ],
    "Poisson": [
        ("negative", -2.0, VE, "lam must lie in"),
        ("NaN", NAN, VE, "lam must be finite"),
        ("str", "2", TE, "lam must be a real number"),
        ("None", None, TE, "lam must be a real number"),
        ("vector", [1.0, 2.0], TE, "lam must be a single number"),
    ],
    "Exponential": [
        ("zero", 0.0, VE, "rate must lie in"),
        ("negative", -1.0, VE, "rate must lie in"),
        ("inf", INF, VE, "rate must be finite"),
        ("str", "1", TE, "rate must be a real number"),
        ("None", None, TE, "rate must be a real number"),
    ],
    "Gamma": [
        ("zero shape", (0.0, 1.0), VE, "shape must lie in"),
        ("negative scale", (2.0, -1.0), VE, "scale must lie in"),
        ("NaN scale", (2.0, NAN), VE, "scale must be finite"),
        ("scalar", 2.0, VE, r"params must be a pair \(shape, scale\)"),
        ("None", None, VE, r"params must be a pair \(shape, scale\)"),
        ("str", "ab", VE, r"params must be a pair \(shape, scale\)"),
    ],
    "Categorical": [
        ("negative", [0.5, 0.6, -0.1], VE, "p must have (non-negative|strictly positive) entries"),
        ("sum", [0.5, 0.6, 0.1], VE, "p must sum to 1"),
        ("short", [0.5, 0.5], VE, "p must be a vector of 3 probabilities"),
        ("scalar", 1.0, VE, "p must be a vector of 3 probabilities"),
        ("NaN", [NAN, 0.5, 0.5], VE, "p contains NaN"),
        ("str", "abc", TE, "p must be numeric"),
        ("None", None, TE, "p must be an array of real numbers"),
    ],
}

# The score and the information need an interior point; the likelihood is defined on the boundary.
BOUNDARY = {
    "Bernoulli": (0.0, "p must lie in"),
    "Poisson": (0.0, "lam must lie in"),
    "Categorical": ([1.0, 0.0, 0.0], "p must have strictly positive entries"),
}

for name, (model, params, data) in MODELS.items():
    t = f"models.{name}"
    data_calls = {
        "logpdf": lambda x, m=model, p=params: m.logpdf(p, x),
        "loglik": lambda x, m=model, p=params: m.loglik(p, x),
        "loglik_obs": lambda x, m=model, p=params: m.loglik_obs(p, x),
        "mle": lambda x, m=model: m.mle(x),
        "check_data": lambda x, m=model: m.check_data(x),
        "score": lambda x, m=model, p=params: m.score(p, x),
        "score_obs": lambda x, m=model, p=params: m.score_obs(p, x),
        "observed_information": lambda x, m=model, p=params: m.observed_information(p, x),
        "default_start": lambda x, m=model: m.default_start(x),
    }
    for method, call in data_calls.items():
        for label, bad, error, message in BAD_DATA:
            case(
                f"{t}.{method}",
                f"x {label}",
                functools.partial(call, bad),
                error,
                message.format("x"),
            )
        for label, bad, message in OUT_OF_SUPPORT[name]:
            case(f"{t}.{method}", f"x {label}", functools.partial(call, bad), VE, message)
    for label, bad, error, message in BAD_DATA:
        if bad is not None:  # fit(model, None) is fit(model) without data: "x is required", below
            case(
                "fitting.fit",
                f"{name} x {label}",
                functools.partial(fitting.fit, model, bad),
                error,
                message.format("x"),
            )
    for label, bad, message in OUT_OF_SUPPORT[name]:
        case(
            "fitting.fit",
            f"{name} x {label}",
            functools.partial(fitting.fit, model, bad),
            VE,
            message,
        )

    param_calls = {
        "logpdf": lambda p, m=model, x=data: m.logpdf(p, x),
        "loglik": lambda p, m=model, x=data: m.loglik(p, x),
        "loglik_obs": lambda p, m=model, x=data: m.loglik_obs(p, x),
        "check_params": lambda p, m=model: m.check_params(p),
        "score": lambda p, m=model, x=data: m.score(p, x),
        "score_obs": lambda p, m=model, x=data: m.score_obs(p, x),
        "observed_information": lambda p, m=model, x=data: m.observed_information(p, x),
        "fisher_information": lambda p, m=model: m.fisher_information(p),
        "sample": lambda p, m=model: m.sample(p, 3, 0),
        "params_vector": lambda p, m=model: m.params_vector(p),
    }
    for method, call in param_calls.items():
        for label, bad, error, message in BAD_PARAMS[name]:
            case(f"{t}.{method}", f"params {label}", functools.partial(call, bad), error, message)
    if name in BOUNDARY:
        bad, message = BOUNDARY[name]
        for method in (
            "score",
            "score_obs",
            "observed_information",
            "fisher_information",
            "check_params",
        ):
            case(
                f"{t}.{method}",
                "boundary",
                functools.partial(param_calls[method], bad),
                VE,
                message,
            )
    for label, kwargs, error, message in [
        ("negative size", {"size": -1}, VE, "size must be at least 0"),
        ("float size", {"size": 2.5}, TE, "size must be an integer"),
        ("str size", {"size": "3"}, TE, "size must be an integer"),
        ("tuple size with a negative", {"size": (2, -1)}, VE, "size must be at least 0"),
        ("rng None", {"rng": None}, TE, "rng must be a numpy.random.Generator or an int seed"),
        ("rng str", {"rng": "seed"}, TE, "rng must be a numpy.random.Generator"),
        (
            "rng RandomState",
            {"rng": np.random.RandomState(0)},
            TE,
            "rng must be a numpy.random.Generator",
        ),
        ("rng float", {"rng": 1.5}, TE, "rng must be a numpy.random.Generator"),
    ]:
        case(
            f"{t}.sample",
            label,
            functools.partial(model.sample, params, **({"size": 3, "rng": 0} | kwargs)),
            error,
            message,
        )
    n = model.n_params if name != "Categorical" else 3
    for label, bad, error, message in [
        ("too long", np.ones(n + 1), VE, f"vec must have {n} value"),
        ("str", "ab", TE, "vec must be numeric"),
        ("None", None, TE, "vec must be an array of real numbers"),
        ("NaN", np.full(n, NAN), VE, "vec contains NaN"),
        ("2-D", np.ones((n, 1)), VE, "vec must be one-dimensional"),
    ]:
        case(
            f"{t}.params_from_vector",
            label,
            functools.partial(model.params_from_vector, bad),
            error,
            message,
        )
    batch = np.array([data, data])
    for label, args, kwargs, error, message in [
        ("axis out of range", (batch,), {"axis": 2}, VE, "axis must be between -2 and 1"),
        ("axis float", (batch,), {"axis": 1.0}, TE, "axis must be an integer"),
        ("scalar", (1.0,), {"axis": 0}, VE, "x must have at least one dimension"),
        ("empty", (np.zeros((2, 0)),), {"axis": 1}, VE, "x is empty"),
        (
            "NaN",
            (np.where(np.eye(2, len(data)) > 0, NAN, batch),),
            {"axis": 1},
            VE,
            "x contains NaN",
        ),
        ("str", ("01",), {"axis": 0}, TE, "x must be numeric"),
    ]:
        case(
            f"{t}.mle",
            f"batch {label}",
            functools.partial(model.mle, *args, **kwargs),
            error,
            message,
        )
        if label != "axis float":
            case(
                f"{t}.check_samples",
                label,
                functools.partial(model.check_samples, *args, **kwargs),
                error,
                message,
            )
    for label, bad, message in OUT_OF_SUPPORT[name]:
        case(
            f"{t}.mle",
            f"batch x {label}",
            functools.partial(model.mle, [bad, bad], axis=1),
            VE,
            message,
        )

for label, k, error, message in [
    ("1", 1, VE, "k must be at least 2"),
    ("0", 0, VE, "k must be at least 2"),
    ("float", 2.5, TE, "k must be an integer"),
    ("str", "3", TE, "k must be an integer"),
    ("None", None, TE, "k must be an integer"),
    ("bool", True, TE, "k must be an integer"),
]:
    case("models.Categorical", f"k {label}", functools.partial(Categorical, k=k), error, message)

for label, args, error, message in [
    ("zero", (0.0,), VE, "statistic must be positive and finite"),
    ("negative", (-0.1,), VE, "statistic must be positive and finite"),
    ("NaN", (NAN,), VE, "statistic must be positive and finite"),
    ("inf", (INF,), VE, "statistic must be positive and finite"),
    ("array with a zero", ([0.1, 0.0],), VE, "statistic must be positive and finite"),
    ("str", ("0.1",), TE, "statistic must be numeric"),
    ("None", (None,), TE, "statistic must be an array of real numbers"),
    ("max_iter 0", (0.1, 0), VE, "max_iter must be at least 1"),
    ("max_iter float", (0.1, 2.5), TE, "max_iter must be an integer"),
]:
    case(
        "models.Gamma.solve_shape",
        label,
        functools.partial(Gamma.solve_shape, *args),
        error,
        message,
    )


# ============================================================================ fitting
def _nll(t):
    return float(np.sum((np.asarray(t) - 1.0) ** 2))


@functools.cache
def _fit_result():
    return fitting.fit(Bernoulli(), [0, 1, 1, 0, 1])


for label, args, kwargs, error, message in [
    (
        "not a model or function",
        ("bernoulli", [0, 1]),
        {},
        TE,
        "first argument must be an mlebook model or a negative log-likelihood function",
    ),
    ("model without x", (Bernoulli(),), {}, VE, "x is required when fitting a model"),
    (
        "model with bounds",
        (Bernoulli(), [0, 1]),
        {"bounds": [(0, 1)]},
        VE,
        "bounds, names and nobs come from the model",
    ),
    (
        "model with nobs",
        (Bernoulli(), [0, 1]),
        {"nobs": 2},
        VE,
        "bounds, names and nobs come from the model",
    ),
    ("cov unknown", (Bernoulli(), [0, 1]), {"cov": "robust"}, VE, "cov must be one of"),
    ("cov None", (Bernoulli(), [0, 1]), {"cov": None}, VE, "cov must be one of"),
    (
        "cov sandwich for a function",
        (_nll,),
        {"start": [0.0], "cov": "sandwich"},
        VE,
        "cov='sandwich' needs the per-observation scores",
    ),
    (
        "fixed not a mapping",
        (Gaussian(), [0.0, 1.0]),
        {"fixed": [1.0]},
        TE,
        "fixed must be a mapping",
    ),
    (
        "fixed unknown name",
        (Gaussian(), [0.0, 1.0]),
        {"fixed": {"sigma": 1.0}},
        VE,
        "fixed: unknown parameter 'sigma'",
    ),
    (
        "fixed NaN",
        (Gaussian(), [0.0, 1.0]),
        {"fixed": {"mu": NAN}},
        VE,
        r"fixed\['mu'\] must be finite",
    ),
    (
        "fixed str",
        (Gaussian(), [0.0, 1.0]),
        {"fixed": {"mu": "0"}},
        TE,
        r"fixed\['mu'\] must be a real number",
    ),
    (
        "fixed outside the space",
        (Gaussian(), [0.0, 1.0]),
        {"fixed": {"sigma2": -1.0}},
        VE,
        r"fixed\['sigma2'\] must lie inside the parameter space",
    ),
    (
        "fixed probabilities too large",
        (Categorical(k=3), [0, 1, 2]),
        {"fixed": {"p0": 0.6, "p1": 0.5}},
        VE,
        "fixed probabilities must sum to less than 1",
    ),
    (
        "fixed probabilities all, not summing to 1",
        (Categorical(k=2), [0, 1]),
        {"fixed": {"p0": 0.6, "p1": 0.6}},
        VE,
        "fixed probabilities must sum to 1",
    ),
    ("nobs zero", (_nll,), {"start": [0.0], "nobs": 0}, VE, "nobs must be at least 1"),
    ("nobs float", (_nll,), {"start": [0.0], "nobs": 2.5}, TE, "nobs must be an integer"),
    (
        "names repeated",
        (_nll,),
        {"start": [1.0, 1.0], "names": ["a", "a"]},
        VE,
        "names must be distinct",
    ),
    ("model start outside", (Bernoulli(), [0, 1]), {"start": 1.5}, VE, "p must lie in"),
    ("model start str", (Bernoulli(), [0, 1]), {"start": "0.5"}, TE, "p must be a real number"),
    (
        "model start wrong length",
        (Gaussian(), [0.0, 1.0]),
        {"start": [0.0]},
        VE,
        r"params must be a pair",
    ),
    ("function without start", (_nll,), {}, VE, "start is required when fitting a function"),
    ("function with x", (_nll, [1.0]), {"start": [0.0]}, VE, "x is only for models"),
    ("start NaN", (_nll,), {"start": [NAN]}, VE, "start contains NaN"),
    ("start inf", (_nll,), {"start": [INF]}, VE, "start contains infinite"),
    ("start str", (_nll,), {"start": "0"}, TE, "start must be numeric"),
    (
        "start None entries",
        (_nll,),
        {"start": [None]},
        TE,
        "start must be an array of real numbers",
    ),
    ("start empty", (_nll,), {"start": []}, VE, "start is empty"),
    ("start 2-D", (_nll,), {"start": [[0.0, 1.0]]}, VE, "start must be one-dimensional"),
    (
        "start outside bounds",
        (_nll,),
        {"start": [-1.0], "bounds": [(0, None)]},
        VE,
        "start must lie inside the parameter space",
    ),
    (
        "bounds too short",
        (_nll,),
        {"start": [1.0, 1.0], "bounds": [(0, None)]},
        VE,
        "bounds has 1 pairs but start has 2",
    ),
    (
        "bounds reversed",
        (_nll,),
        {"start": [1.0], "bounds": [(1, 0)]},
        VE,
        r"bounds\[0\] must have low < high",
    ),
    (
        "bounds not pairs",
        (_nll,),
        {"start": [1.0], "bounds": [1.0]},
        VE,
        r"bounds\[0\] must be a pair",
    ),
    (
        "bounds str entries",
        (_nll,),
        {"start": [1.0], "bounds": [("a", 2)]},
        TE,
        r"bounds\[0\] must be a real number",
    ),
    (
        "bounds NaN",
        (_nll,),
        {"start": [1.0], "bounds": [(NAN, 2)]},
        VE,
        r"bounds\[0\] contains NaN",
    ),
    (
        "bounds not a sequence",
        (_nll,),
        {"start": [1.0], "bounds": 5},
        TE,
        "bounds must be a sequence of",
    ),
    ("bounds empty", (_nll,), {"start": [1.0], "bounds": []}, VE, "bounds is empty"),
    (
        "names wrong length",
        (_nll,),
        {"start": [1.0, 1.0], "names": ["a"]},
        VE,
        "names has 1 entries but start has 2",
    ),
    (
        "names not a sequence",
        (_nll,),
        {"start": [1.0], "names": 5},
        TE,
        "names must be a sequence of strings",
    ),
    (
        "names a string",
        (_nll,),
        {"start": [1.0, 1.0], "names": "ab"},
        TE,
        "names must be a sequence of strings",
    ),
    (
        "names not strings",
        (_nll,),
        {"start": [1.0], "names": [1]},
        TE,
        "names must be a sequence of strings",
    ),
    (
        "function not finite at start",
        (lambda t: np.inf,),
        {"start": [1.0]},
        VE,
        "negative log-likelihood is not finite at start",
    ),
    (
        "function returns a str",
        (lambda t: "abc",),
        {"start": [1.0]},
        TE,
        r"negloglik\(theta\) must be a real number",
    ),
    (
        "function returns a vector",
        (lambda t: np.array([1.0, 2.0]),),
        {"start": [1.0]},
        TE,
        r"negloglik\(theta\) must be a single number",
    ),
]:
    case("fitting.fit", label, functools.partial(fitting.fit, *args, **kwargs), error, message)

for label, kwargs, error, message in [
    ("level 1.5", {"level": 1.5}, VE, "level must lie in"),
    ("level 0", {"level": 0}, VE, "level must lie in"),
    ("level NaN", {"level": NAN}, VE, "level must be finite"),
    ("level str", {"level": "0.95"}, TE, "level must be a real number"),
    ("method bootstrap", {"method": "bootstrap"}, VE, "method must be 'wald' or 'profile'"),
    ("method None", {"method": None}, VE, "method must be 'wald' or 'profile'"),
]:
    case(
        "fitting.FitResult.conf_int",
        label,
        lambda kw=kwargs: _fit_result().conf_int(**kw),
        error,
        message,
    )

for label, args, error, message in [
    ("j too large", (3, 0.5), VE, "j must be below 1"),
    ("j negative", (-1, 0.5), VE, "j must be at least 0"),
    ("j float", (0.5, 0.5), TE, "j must be an integer"),
    ("j None", (None, 0.5), TE, "j must be an integer"),
    ("j unknown name", ("q", 0.5), VE, "j: unknown parameter 'q'"),
    ("value outside", (0, 1.5), VE, "value must lie in"),
    ("value NaN", (0, NAN), VE, "value must be finite"),
    ("value str", (0, "0.5"), TE, "value must be a real number"),
]:
    case(
        "fitting.FitResult.profile_loglik",
        label,
        lambda a=args: _fit_result().profile_loglik(*a),
        error,
        message,
    )

for label, args, error, message in [
    ("f not callable", ("f", [1.0], [0.1]), TE, "f must be callable"),
    ("x str", (_nll, "1", [0.1]), TE, "x must be numeric"),
    ("x NaN", (_nll, [NAN], [0.1]), VE, "x contains NaN"),
    ("x empty", (_nll, [], []), VE, "x is empty"),
    ("x 2-D", (_nll, [[1.0, 2.0]], [0.1, 0.1]), VE, "x must be one-dimensional"),
    ("scale negative", (_nll, [1.0], [-0.1]), VE, "scale must contain only positive numbers"),
    ("scale zero", (_nll, [1.0], [0.0]), VE, "scale must contain only positive numbers"),
    ("scale inf", (_nll, [1.0], [INF]), VE, "scale contains infinite"),
    ("lengths differ", (_nll, [1.0, 2.0], [0.1]), VE, "x and scale must have the same length"),
]:
    case(
        "fitting.numerical_hessian",
        label,
        functools.partial(fitting.numerical_hessian, *args),
        error,
        message,
    )

for label, args, kwargs, error, message in [
    ("excess not callable", (1.0, 0.5, 1, 1.0), {}, TE, "excess must be callable"),
    ("estimate NaN", (lambda t: 1.0, NAN, 1, 1.0), {}, VE, "estimate must be finite"),
    ("estimate str", (lambda t: 1.0, "0.5", 1, 1.0), {}, TE, "estimate must be a real number"),
    ("direction 0", (lambda t: 1.0, 0.5, 0, 1.0), {}, VE, "direction must be -1 or 1"),
    ("direction 2", (lambda t: 1.0, 0.5, 2, 1.0), {}, VE, "direction must be -1 or 1"),
    (
        "bound NaN",
        (lambda t: 1.0, 0.5, 1, NAN),
        {},
        VE,
        "bound must be a number or an infinity, got nan",
    ),
    ("bound str", (lambda t: 1.0, 0.5, 1, "1"), {}, TE, "bound must be a real number"),
    (
        "bound behind the estimate",
        (lambda t: 1.0, 0.5, 1, 0.0),
        {},
        VE,
        "bound must lie on the side",
    ),
    ("step negative", (lambda t: 1.0, 0.5, 1, 1.0), {"step": -0.1}, VE, "step must lie in"),
    ("margin negative", (lambda t: 1.0, 0.5, 1, 1.0), {"margin": -1e-9}, VE, "margin must lie in"),
]:
    case(
        "intervals.interval_end",
        label,
        functools.partial(intervals.interval_end, *args, **kwargs),
        error,
        message,
    )

for label, args, error, message in [
    ("design 1-D empty", ([], [0]), VE, "design"),
    ("design str", ("X", [0]), TE, "design must be numeric"),
    ("y not binary", ([[1.0], [1.0]], [0, 2]), VE, "y must contain only 0 or 1"),
    ("lengths differ", ([[1.0], [1.0]], [0]), VE, "design has 2 rows but y has 1 values"),
    (
        "precision wrong length",
        ([[1.0], [1.0]], [0, 1], [1.0, 1.0]),
        VE,
        "precision must have 1 value",
    ),
    ("precision negative", ([[1.0], [1.0]], [0, 1], [-1.0]), VE, "precision must be non-negative"),
    ("precision NaN", ([[1.0], [1.0]], [0, 1], [NAN]), VE, "precision contains NaN"),
]:
    case(
        "regression.logistic_problem",
        label,
        functools.partial(regression.logistic_problem, *args),
        error,
        message,
    )

for test in ("lr_test", "wald_test", "score_test"):
    for label, args, error, message in [
        (
            "model not a model",
            ("bernoulli", [0, 1], {"p": 0.5}),
            TE,
            "model must be an mlebook model",
        ),
        ("null not a mapping", (Bernoulli(), [0, 1], 0.5), TE, "null must be a mapping"),
        ("null empty", (Bernoulli(), [0, 1], {}), VE, "null must fix at least one parameter"),
        (
            "null unknown name",
            (Bernoulli(), [0, 1], {"q": 0.5}),
            VE,
            "null: 'q' is not a parameter",
        ),
        (
            "null outside the space",
            (Bernoulli(), [0, 1], {"p": 1.5}),
            VE,
            r"null\['p'\] must lie inside the parameter space",
        ),
        ("null NaN", (Gaussian(), [0.0, 1.0], {"mu": NAN}), VE, r"null\['mu'\] must be finite"),
        (
            "x outside the support",
            (Bernoulli(), [0, 2], {"p": 0.5}),
            VE,
            "x must contain only 0 or 1",
        ),
        (
            "logistic with a prior",
            (
                LogisticRegression(prior="gaussian", prior_scale=1.0),
                ([[0.0], [1.0]], [0, 1]),
                {"x0": 0.0},
            ),
            VE,
            "the likelihood tests are for maximum likelihood",
        ),
        (
            "logistic x not a pair",
            (LogisticRegression(), [[0.0], [1.0], [2.0]], {"x0": 0.0}),
            TE,
            r"x must be the pair \(X, y\)",
        ),
        (
            "logistic y not binary",
            (LogisticRegression(), ([[0.0], [1.0]], [0, 2]), {"x0": 0.0}),
            VE,
            "y must contain only 0 or 1",
        ),
        (
            "logistic unknown coefficient",
            (LogisticRegression(), ([[0.0], [1.0]], [0, 1]), {"x1": 0.0}),
            VE,
            "null: 'x1' is not a parameter",
        ),
    ]:
        case(
            f"inference.{test}",
            label,
            functools.partial(getattr(inference, test), *args),
            error,
            message,
        )
case(
    "inference.wald_test",
    "cov unknown",
    functools.partial(inference.wald_test, Bernoulli(), [0, 1], {"p": 0.5}, cov="robust"),
    VE,
    "cov must be one of",
)
case(
    "inference.wald_test",
    "cov for a logistic regression",
    functools.partial(
        inference.wald_test,
        LogisticRegression(),
        ([[0.0], [1.0], [2.0]], [0, 1, 0]),
        {"x0": 0.0},
        cov="sandwich",
    ),
    VE,
    "cov: a LogisticRegression reports the observed",
)

for label, args, error, message in [
    ("level 1", (0.5, 0.1, 1.0), VE, "level must lie in"),
    ("level str", (0.5, 0.1, "0.95"), TE, "level must be a real number"),
    ("estimate str", ("0.5", 0.1), TE, "estimate must be numeric"),
    ("se None", (0.5, None), TE, "se must be an array of real numbers"),
    ("shapes differ", ([0.5, 0.6], [0.1]), VE, "estimate and se must have the same shape"),
    ("se negative", (0.5, -0.1), VE, "se must be non-negative"),
]:
    case(
        "intervals.wald_interval",
        label,
        functools.partial(intervals.wald_interval, *args),
        error,
        message,
    )

for label, args, error, message in [
    ("names str", ("ab", [0.5, 0.6], [0.1, 0.1]), TE, "names must be a sequence of strings"),
    ("names not str", ([0, 1], [0.5, 0.6], [0.1, 0.1]), TE, "names must be a sequence of strings"),
    ("names too few", (["a"], [0.5, 0.6], [0.1, 0.1]), VE, "names has 1 entries but estimate"),
    ("estimate str", (["a"], "0.5", [0.1]), TE, "estimate must be numeric"),
    ("estimate 2-D", (["a"], [[0.5]], [[0.1]]), VE, "estimate must be one-dimensional"),
    ("estimate empty", ([], [], []), VE, "estimate must be one-dimensional and not empty"),
    ("se None", (["a"], [0.5], None), TE, "se must be an array of real numbers"),
    ("shapes differ", (["a", "b"], [0.5, 0.6], [0.1]), VE, "estimate and se must have the same"),
    ("se negative", (["a"], [0.5], [-0.1]), VE, "se must be non-negative"),
    ("level 0", (["a"], [0.5], [0.1], 0.0), VE, "level must lie in"),
    ("level str", (["a"], [0.5], [0.1], "0.95"), TE, "level must be a real number"),
]:
    case(
        "intervals.wald_table",
        label,
        functools.partial(intervals.wald_table, *args),
        error,
        message,
    )

for label, args, error, message in [
    ("not square", ([[1.0, 0.0]],), VE, "information must be a square matrix"),
    ("str", ("1",), TE, "information must be numeric"),
    ("3-D", (np.ones((2, 2, 2)),), VE, "information must be a square matrix"),
]:
    case(
        "covariance.inverse_information",
        label,
        functools.partial(covariance.inverse_information, *args),
        error,
        message,
    )
    case(
        "covariance.is_positive_definite",
        label,
        functools.partial(covariance.is_positive_definite, *args),
        error,
        message,
    )
for label, args, error, message in [
    ("NaN", ([[1.0], [NAN]],), VE, "scores contains NaN"),
    ("3-D", (np.ones((2, 2, 2)),), VE, r"scores must have shape \(n, p\)"),
    ("empty", (np.ones((0, 2)),), VE, r"scores must have shape \(n, p\)"),
    ("str", ("1",), TE, "scores must be numeric"),
]:
    case(
        "covariance.outer_product",
        label,
        functools.partial(covariance.outer_product, *args),
        error,
        message,
    )
for label, args, error, message in [
    ("shapes differ", ([[2.0]], np.eye(2)), VE, "information and outer must have the same shape"),
    ("outer not square", ([[2.0]], [[1.0, 2.0]]), VE, "outer must be a square matrix"),
    ("information str", ("2", [[1.0]]), TE, "information must be numeric"),
]:
    case(
        "covariance.sandwich", label, functools.partial(covariance.sandwich, *args), error, message
    )

for label, args, kwargs, error, message in [
    ("name not a string", (1,), {}, TE, "name must be a string that is a Python identifier"),
    ("name with a space", ("a b",), {}, TE, "name must be a string that is a Python identifier"),
    ("low above high", ("a", 1.0, 0.0), {}, VE, "low must be below high"),
    ("low NaN", ("a", NAN), {}, VE, "low must be below high"),
    ("high str", ("a", 0.0, "1"), {}, TE, "high must be a real number"),
    ("closed str", ("a",), {"closed": "yes"}, TE, "closed must be True or False"),
]:
    case("models.Parameter", label, functools.partial(Parameter, *args, **kwargs), error, message)
for label, args, error, message in [
    ("outside", (2.0,), VE, "rate must lie in"),
    ("str", ("1",), TE, "rate must be a real number"),
    ("closed str", (1.0, "yes"), TE, "closed must be True or False"),
]:
    case(
        "models.Parameter.check",
        label,
        functools.partial(Parameter("rate", 0.0, 1.0).check, *args),
        error,
        message,
    )


# ============================================================================ symbolic
_density = Bernoulli().logpdf_sym()
_p = _density.params[0]
for target in ("loglik", "score", "hessian", "mle", "fisher_information"):
    fn = getattr(symbolic, target)
    for label, bad in [
        ("str", "bernoulli"),
        ("None", None),
        ("a model", Bernoulli()),
        ("an expression", _density.logpdf),
    ]:
        case(
            f"symbolic.{target}",
            f"density {label}",
            functools.partial(fn, bad),
            TE,
            "density must be a SymbolicDensity",
        )
case(
    "symbolic.loglik",
    "expand str",
    functools.partial(symbolic.loglik, _density, "yes"),
    TE,
    "expand must be True or False",
)
case(
    "symbolic.loglik",
    "expand None",
    functools.partial(symbolic.loglik, _density, None),
    TE,
    "expand must be True or False",
)
case(
    "symbolic.fisher_information",
    "density without rv",
    functools.partial(
        symbolic.fisher_information,
        SymbolicDensity(_density.logpdf, _density.x, _density.params, None),
    ),
    VE,
    "density.rv is needed",
)
for label, bad, error, message in [
    ("str", "x[i] + 1", TE, "term must be a sympy expression or a number"),
    ("None", None, TE, "term must be a sympy expression or a number"),
    ("list", [symbolic.x[symbolic.i]], TE, "term must be a sympy expression"),
    ("NaN", NAN, VE, "term must be finite"),
    ("sympy nan", sp.nan, VE, "term must be finite"),
]:
    case("symbolic.data_sum", label, functools.partial(symbolic.data_sum, bad), error, message)
_p_hat = symbolic.mle(_density)[_p]
for label, args, error, message in [
    ("data str", (_p_hat, "0101"), TE, "data must be numeric"),
    ("data None", (_p_hat, None), TE, "data must be an array of real numbers"),
    ("data empty", (_p_hat, []), VE, "data is empty"),
    ("data NaN", (_p_hat, [1.0, NAN]), VE, "data contains NaN"),
    ("data inf", (_p_hat, [1.0, INF]), VE, "data contains infinite"),
    ("data 2-D", (_p_hat, [[1.0, 0.0]]), VE, "data must be one-dimensional"),
    ("data column NaN", (_p_hat, {symbolic.x: [1.0, NAN]}), VE, r"data\[x\] contains NaN"),
    ("data key str", (_p_hat, {"x": [1.0]}), TE, "data keys must be sympy IndexedBase objects"),
    (
        "data columns differ",
        (_p_hat, {symbolic.x: [1.0], sp.IndexedBase("r"): [1.0, 2.0]}),
        VE,
        "data columns must have the same length",
    ),
    ("expr str", ("x + 1", [1.0]), TE, "expr must be a sympy expression or a number"),
    ("expr None", (None, [1.0]), TE, "expr must be a sympy expression or a number"),
    ("values not a mapping", (_density.logpdf, [1.0], [0.5]), TE, "values must be a mapping"),
    (
        "values NaN",
        (symbolic.loglik(_density), [1.0], {_p: NAN}),
        VE,
        r"values\[p\] must be finite",
    ),
    (
        "values str",
        (symbolic.loglik(_density), [1.0], {_p: "0.5"}),
        TE,
        r"values\[p\] must be a sympy expression or a number",
    ),
    (
        "values key str",
        (symbolic.loglik(_density), [1.0], {"p": 0.5}),
        TE,
        "values keys must be sympy symbols",
    ),
]:
    case("symbolic.evaluate", label, functools.partial(symbolic.evaluate, *args), error, message)


# ============================================================================ asymptotics
for label, args, kwargs, error, message in [
    ("model str", ("bernoulli", 0.3, 10, 5, 0), {}, TE, "model must be an mlebook model"),
    ("params outside", (Bernoulli(), 1.5, 10, 5, 0), {}, VE, "p must lie in"),
    ("n zero", (Bernoulli(), 0.3, 0, 5, 0), {}, VE, "n must be at least 1"),
    ("n float", (Bernoulli(), 0.3, 2.5, 5, 0), {}, TE, "n must be an integer"),
    ("n_sim zero", (Bernoulli(), 0.3, 10, 0, 0), {}, VE, "n_sim must be at least 1"),
    ("n_sim str", (Bernoulli(), 0.3, 10, "5", 0), {}, TE, "n_sim must be an integer"),
    ("rng None", (Bernoulli(), 0.3, 10, 5, None), {}, TE, "rng must be a numpy.random.Generator"),
    (
        "estimator str",
        (Bernoulli(), 0.3, 10, 5, 0),
        {"estimator": "mean"},
        TE,
        "estimator must be callable or None",
    ),
    (
        "estimator shape",
        (Bernoulli(), 0.3, 10, 5, 0),
        {"estimator": lambda s: s.mean()},
        VE,
        "estimator must return one estimate per sample",
    ),
]:
    case(
        "asymptotics.sampling_distribution",
        label,
        functools.partial(asymptotics.sampling_distribution, *args, **kwargs),
        error,
        message,
    )

for label, args, error, message in [
    ("estimates str", ("0.3", Bernoulli(), 0.3, 10), TE, "estimates must be numeric"),
    (
        "estimates None",
        (None, Bernoulli(), 0.3, 10),
        TE,
        "estimates must be an array of real numbers",
    ),
    ("estimates NaN", ([0.3, NAN], Bernoulli(), 0.3, 10), VE, "estimates contains NaN"),
    ("estimates empty", ([], Bernoulli(), 0.3, 10), VE, "estimates must have shape"),
    (
        "estimates wrong width",
        (np.ones((3, 3)), Gaussian(), (0.0, 1.0), 10),
        VE,
        r"estimates must have shape \(n_sim,\)",
    ),
    ("model str", ([0.3], "bernoulli", 0.3, 10), TE, "model must be an mlebook model"),
    ("params outside", ([0.3], Bernoulli(), 1.0, 10), VE, "p must lie in"),
    ("n zero", ([0.3], Bernoulli(), 0.3, 0), VE, "n must be at least 1"),
]:
    case(
        "asymptotics.standardized",
        label,
        functools.partial(asymptotics.standardized, *args),
        error,
        message,
    )

for fn in (asymptotics.wald_intervals, asymptotics.profile_intervals):
    target = f"asymptotics.{fn.__name__}"
    for label, args, error, message in [
        (
            "model two-parameter",
            (Gaussian(), [0.0, 1.0]),
            VE,
            "intervals here are for one-parameter models",
        ),
        ("model str", ("bernoulli", [0, 1]), TE, "model must be an mlebook model"),
        (
            "samples outside the support",
            (Bernoulli(), [0, 2]),
            VE,
            "samples must contain only 0 or 1",
        ),
        ("samples str", (Bernoulli(), "0101"), TE, "samples must be numeric"),
        ("samples None", (Bernoulli(), None), TE, "samples must be an array of real numbers"),
        ("samples ragged", (Bernoulli(), [[0, 1], [1]]), TE, "samples must be an array of numbers"),
        ("samples empty", (Bernoulli(), []), VE, "samples is empty"),
        ("samples NaN", (Bernoulli(), [[0.0, NAN]]), VE, "samples contains NaN"),
        ("samples 3-D", (Bernoulli(), np.zeros((2, 2, 2))), VE, "samples must be one sample"),
        ("level 1.5", (Bernoulli(), [0, 1], 1.5), VE, "level must lie in"),
        ("level str", (Bernoulli(), [0, 1], "high"), TE, "level must be a real number"),
    ]:
        case(target, label, functools.partial(fn, *args), error, message)

for label, args, kwargs, error, message in [
    (
        "interval unknown",
        ("bootstrap", Bernoulli(), 0.3, 10, 5, 0),
        {},
        VE,
        "interval must be 'wald', 'profile' or a function",
    ),
    (
        "interval int",
        (5, Bernoulli(), 0.3, 10, 5, 0),
        {},
        TE,
        "interval must be 'wald', 'profile' or a function",
    ),
    (
        "interval for two parameters",
        ("wald", Gaussian(), (0.0, 1.0), 10, 5, 0),
        {},
        VE,
        "one-parameter models",
    ),
    (
        "target missing",
        (lambda s, lev: np.zeros((len(s), 2)), Gaussian(), (0.0, 1.0), 10, 5, 0),
        {},
        VE,
        "target is required",
    ),
    (
        "target NaN",
        ("wald", Bernoulli(), 0.3, 10, 5, 0),
        {"target": NAN},
        VE,
        "target must be finite",
    ),
    (
        "interval returns wrong shape",
        (lambda s, lev: np.zeros(3), Bernoulli(), 0.3, 10, 5, 0),
        {},
        VE,
        "interval must return shape",
    ),
    ("params outside", ("wald", Bernoulli(), 1.5, 10, 5, 0), {}, VE, "p must lie in"),
    ("level 0", ("wald", Bernoulli(), 0.3, 10, 5, 0), {"level": 0.0}, VE, "level must lie in"),
    ("n zero", ("wald", Bernoulli(), 0.3, 0, 5, 0), {}, VE, "n must be at least 1"),
    ("n_sim negative", ("wald", Bernoulli(), 0.3, 10, -1, 0), {}, VE, "n_sim must be at least 1"),
    (
        "rng str",
        ("wald", Bernoulli(), 0.3, 10, 5, "seed"),
        {},
        TE,
        "rng must be a numpy.random.Generator",
    ),
]:
    case(
        "asymptotics.coverage",
        label,
        functools.partial(asymptotics.coverage, *args, **kwargs),
        error,
        message,
    )


# ============================================================================ losses
_Q = [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]]
for target, label, call, error, message in [
    (
        "binary_cross_entropy",
        "y str",
        lambda: losses.binary_cross_entropy("01", [0.5, 0.5]),
        TE,
        "y must be numeric",
    ),
    (
        "binary_cross_entropy",
        "y outside",
        lambda: losses.binary_cross_entropy([0, 2], [0.5, 0.5]),
        VE,
        r"y must contain probabilities in \[0, 1\]; found 2",
    ),
    (
        "binary_cross_entropy",
        "y NaN",
        lambda: losses.binary_cross_entropy([0, NAN], [0.5, 0.5]),
        VE,
        "y contains NaN",
    ),
    (
        "binary_cross_entropy",
        "y empty",
        lambda: losses.binary_cross_entropy([], []),
        VE,
        "y is empty",
    ),
    (
        "binary_cross_entropy",
        "p outside",
        lambda: losses.binary_cross_entropy([0, 1], [0.5, 1.5]),
        VE,
        r"p must contain probabilities in \[0, 1\]; found 1.5",
    ),
    (
        "binary_cross_entropy",
        "p None",
        lambda: losses.binary_cross_entropy([0, 1], None),
        TE,
        "p must be an array of real numbers",
    ),
    (
        "binary_cross_entropy",
        "p inf logits",
        lambda: losses.binary_cross_entropy([0, 1], [0, INF], from_logits=True),
        VE,
        "p contains infinite",
    ),
    (
        "binary_cross_entropy",
        "lengths differ",
        lambda: losses.binary_cross_entropy([0, 1], [0.5, 0.5, 0.5]),
        VE,
        "y has 2 values but p has 3",
    ),
    (
        "binary_cross_entropy",
        "p 2-D",
        lambda: losses.binary_cross_entropy([0, 1], [[0.5, 0.5]]),
        VE,
        "p must be one-dimensional",
    ),
    (
        "binary_cross_entropy",
        "reduction",
        lambda: losses.binary_cross_entropy([0, 1], [0.5, 0.5], reduction="avg"),
        VE,
        "reduction must be one of",
    ),
    (
        "binary_cross_entropy",
        "from_logits str",
        lambda: losses.binary_cross_entropy([0, 1], [0.5, 0.5], from_logits="no"),
        TE,
        "from_logits must be True or False",
    ),
    (
        "cross_entropy",
        "q rows",
        lambda: losses.cross_entropy([0, 1], [[0.5, 0.4], [0.5, 0.5]]),
        VE,
        "row 0 of q must sum to 1",
    ),
    (
        "cross_entropy",
        "q scalar",
        lambda: losses.cross_entropy([0], 0.5),
        VE,
        "q must be a vector or a matrix",
    ),
    ("cross_entropy", "q str", lambda: losses.cross_entropy([0], "abc"), TE, "q must be numeric"),
    (
        "cross_entropy",
        "q NaN",
        lambda: losses.cross_entropy([0, 1], [[NAN, 1.0], [0.5, 0.5]]),
        VE,
        "q contains NaN",
    ),
    ("cross_entropy", "q empty", lambda: losses.cross_entropy([], []), VE, "q is empty"),
    (
        "cross_entropy",
        "q 3-D",
        lambda: losses.cross_entropy([0], np.ones((1, 1, 1))),
        VE,
        "q must be two-dimensional",
    ),
    (
        "cross_entropy",
        "target label 3",
        lambda: losses.cross_entropy([0, 3], _Q),
        VE,
        r"target must contain only integer labels 0\.\.2; found 3",
    ),
    (
        "cross_entropy",
        "target length",
        lambda: losses.cross_entropy([0, 1, 2], _Q),
        VE,
        "target has 3 labels but the predictions have 2 rows",
    ),
    (
        "cross_entropy",
        "target shape",
        lambda: losses.cross_entropy([[1.0, 0.0], [0.0, 1.0]], _Q),
        VE,
        r"target has shape \(2, 2\)",
    ),
    (
        "cross_entropy",
        "target None",
        lambda: losses.cross_entropy(None, _Q),
        TE,
        "target must be an array of real numbers",
    ),
    (
        "cross_entropy",
        "from_logits str",
        lambda: losses.cross_entropy([0, 1], _Q, from_logits="yes"),
        TE,
        "from_logits must be True or False",
    ),
    (
        "cross_entropy",
        "reduction",
        lambda: losses.cross_entropy([0, 1], _Q, reduction=None),
        VE,
        "reduction must be one of",
    ),
    ("entropy", "p sum", lambda: losses.entropy([0.5, 0.6]), VE, "p must sum to 1"),
    (
        "entropy",
        "p negative",
        lambda: losses.entropy([1.5, -0.5]),
        VE,
        r"p must contain probabilities in \[0, 1\]",
    ),
    ("entropy", "p str", lambda: losses.entropy("ab"), TE, "p must be numeric"),
    ("entropy", "p NaN", lambda: losses.entropy([NAN, 1.0]), VE, "p contains NaN"),
    (
        "entropy",
        "reduction",
        lambda: losses.entropy([0.5, 0.5], reduction="max"),
        VE,
        "reduction must be one of",
    ),
    (
        "kl_divergence",
        "shapes",
        lambda: losses.kl_divergence([0.5, 0.5], [0.2, 0.3, 0.5]),
        VE,
        r"p has shape \(2,\) but q has shape \(3,\)",
    ),
    (
        "kl_divergence",
        "q NaN",
        lambda: losses.kl_divergence([0.5, 0.5], [NAN, 0.5]),
        VE,
        "q contains NaN",
    ),
    (
        "kl_divergence",
        "p None",
        lambda: losses.kl_divergence(None, [0.5, 0.5]),
        TE,
        "p must be an array of real numbers",
    ),
    (
        "kl_divergence",
        "q rows",
        lambda: losses.kl_divergence([0.5, 0.5], [0.5, 0.6]),
        VE,
        "q must sum to 1",
    ),
    (
        "mse",
        "lengths",
        lambda: losses.mse([1.0, 2.0], [1.0, 2.0, 3.0]),
        VE,
        "y has 2 values but yhat has 3",
    ),
    ("mse", "yhat NaN", lambda: losses.mse([1.0], [NAN]), VE, "yhat contains NaN"),
    ("mse", "y None", lambda: losses.mse(None, [1.0]), TE, "y must be an array of real numbers"),
    ("mse", "y 2-D", lambda: losses.mse([[1.0]], [1.0]), VE, "y must be one-dimensional"),
    (
        "gaussian_nll",
        "sigma2 zero",
        lambda: losses.gaussian_nll([0.0], [0.0], 0.0),
        VE,
        "sigma2 must lie in",
    ),
    (
        "gaussian_nll",
        "sigma2 NaN",
        lambda: losses.gaussian_nll([0.0], [0.0], NAN),
        VE,
        "sigma2 must be finite",
    ),
    (
        "gaussian_nll",
        "sigma2 str",
        lambda: losses.gaussian_nll([0.0], [0.0], "1"),
        TE,
        "sigma2 must be a real number",
    ),
    (
        "gaussian_nll",
        "sigma2 array negative",
        lambda: losses.gaussian_nll([0.0, 1.0], [0.0, 0.0], [1.0, -1.0]),
        VE,
        "sigma2 must contain only positive numbers",
    ),
    (
        "gaussian_nll",
        "sigma2 array length",
        lambda: losses.gaussian_nll([0.0, 1.0], [0.0, 0.0], [1.0, 1.0, 1.0]),
        VE,
        "y has 2 values but sigma2 has 3",
    ),
    (
        "gaussian_nll",
        "mean length",
        lambda: losses.gaussian_nll([0.0, 1.0], [0.0], 1.0),
        VE,
        "y has 2 values but mean has 1",
    ),
    (
        "gaussian_nll",
        "mean inf",
        lambda: losses.gaussian_nll([0.0], [INF], 1.0),
        VE,
        "mean contains infinite",
    ),
    (
        "poisson_nll",
        "y negative",
        lambda: losses.poisson_nll([-1], [1.0]),
        VE,
        "y must contain only non-negative integers",
    ),
    ("poisson_nll", "y fraction", lambda: losses.poisson_nll([1.5], [1.0]), VE, "found 1.5"),
    (
        "poisson_nll",
        "rate negative",
        lambda: losses.poisson_nll([1], [-1.0]),
        VE,
        "rate must be non-negative",
    ),
    ("poisson_nll", "rate NaN", lambda: losses.poisson_nll([1], [NAN]), VE, "rate contains NaN"),
    (
        "poisson_nll",
        "rate length",
        lambda: losses.poisson_nll([1, 2], [1.0]),
        VE,
        "y has 2 values but rate has 1",
    ),
    (
        "poisson_nll",
        "from_log str",
        lambda: losses.poisson_nll([1], [1.0], from_log="yes"),
        TE,
        "from_log must be True or False",
    ),
    (
        "poisson_nll",
        "full None",
        lambda: losses.poisson_nll([1], [1.0], full=None),
        TE,
        "full must be True or False",
    ),
    (
        "poisson_nll",
        "reduction",
        lambda: losses.poisson_nll([1], [1.0], reduction="total"),
        VE,
        "reduction must be one of",
    ),
    ("softmax", "z str", lambda: losses.softmax("abc"), TE, "z must be numeric"),
    ("softmax", "z scalar", lambda: losses.softmax(1.0), VE, "z must have at least one dimension"),
    ("softmax", "z NaN", lambda: losses.softmax([1.0, NAN]), VE, "z contains NaN"),
    ("softmax", "z empty", lambda: losses.softmax([]), VE, "z is empty"),
    ("softmax", "z None", lambda: losses.softmax(None), TE, "z must be an array of real numbers"),
    (
        "softmax",
        "axis out of range",
        lambda: losses.softmax([1.0, 2.0], axis=1),
        VE,
        "axis must be between -1 and 0",
    ),
    (
        "softmax",
        "axis str",
        lambda: losses.softmax([1.0, 2.0], axis="rows"),
        TE,
        "axis must be an integer",
    ),
    ("log_softmax", "z inf", lambda: losses.log_softmax([1.0, INF]), VE, "z contains infinite"),
    (
        "log_softmax",
        "z dict",
        lambda: losses.log_softmax({"a": 1.0}),
        TE,
        "z must be an array of real numbers",
    ),
    (
        "log_softmax",
        "z scalar",
        lambda: losses.log_softmax(0.0),
        VE,
        "z must have at least one dimension",
    ),
    (
        "log_softmax",
        "axis out of range",
        lambda: losses.log_softmax([[1.0, 2.0]], axis=-3),
        VE,
        "axis must be between -2 and 1",
    ),
    (
        "log_softmax",
        "axis float",
        lambda: losses.log_softmax([1.0, 2.0], axis=0.5),
        TE,
        "axis must be an integer",
    ),
]:
    case(f"losses.{target}", label, call, error, message)


# ============================================================================ priors
for target, label, call, error, message in [
    (
        "beta_bernoulli_map",
        "x outside",
        lambda: priors.beta_bernoulli_map([0, 2]),
        VE,
        "x must contain only 0 or 1",
    ),
    ("beta_bernoulli_map", "x empty", lambda: priors.beta_bernoulli_map([]), VE, "x is empty"),
    (
        "beta_bernoulli_map",
        "x str",
        lambda: priors.beta_bernoulli_map("0101"),
        TE,
        "x must be numeric",
    ),
    (
        "beta_bernoulli_map",
        "a below 1",
        lambda: priors.beta_bernoulli_map([0, 1], a=0.5),
        VE,
        "a and b must be at least 1",
    ),
    (
        "beta_bernoulli_map",
        "a negative",
        lambda: priors.beta_bernoulli_map([0, 1], a=-1.0),
        VE,
        "a must lie in",
    ),
    (
        "beta_bernoulli_map",
        "b NaN",
        lambda: priors.beta_bernoulli_map([0, 1], b=NAN),
        VE,
        "b must be finite",
    ),
    (
        "beta_bernoulli_map",
        "a str",
        lambda: priors.beta_bernoulli_map([0, 1], a="2"),
        TE,
        "a must be a real number",
    ),
    (
        "beta_bernoulli_mean",
        "a zero",
        lambda: priors.beta_bernoulli_mean([0, 1], a=0.0),
        VE,
        "a must lie in",
    ),
    (
        "beta_bernoulli_mean",
        "b negative",
        lambda: priors.beta_bernoulli_mean([0, 1], b=-1.0),
        VE,
        "b must lie in",
    ),
    (
        "beta_bernoulli_mean",
        "x NaN",
        lambda: priors.beta_bernoulli_mean([0, NAN]),
        VE,
        "x contains NaN",
    ),
    (
        "beta_bernoulli_mean",
        "x None",
        lambda: priors.beta_bernoulli_mean(None),
        TE,
        "x must be an array of real numbers",
    ),
    (
        "gaussian_mean_map",
        "sigma2 zero",
        lambda: priors.gaussian_mean_map([1.0], 0.0),
        VE,
        "sigma2 must lie in",
    ),
    (
        "gaussian_mean_map",
        "prior_var negative",
        lambda: priors.gaussian_mean_map([1.0], 1.0, prior_var=-1.0),
        VE,
        "prior_var must lie in",
    ),
    (
        "gaussian_mean_map",
        "prior_mean NaN",
        lambda: priors.gaussian_mean_map([1.0], 1.0, prior_mean=NAN),
        VE,
        "prior_mean must be finite",
    ),
    (
        "gaussian_mean_map",
        "x inf",
        lambda: priors.gaussian_mean_map([INF], 1.0),
        VE,
        "x contains infinite",
    ),
    (
        "gaussian_mean_map",
        "x dict",
        lambda: priors.gaussian_mean_map({}, 1.0),
        TE,
        "x must be an array of real numbers",
    ),
    (
        "gaussian_mean_map",
        "sigma2 None",
        lambda: priors.gaussian_mean_map([1.0], None),
        TE,
        "sigma2 must be a real number",
    ),
    (
        "gaussian_variance_map",
        "alpha zero",
        lambda: priors.gaussian_variance_map([1.0], 0.0, 1.0),
        VE,
        "alpha must lie in",
    ),
    (
        "gaussian_variance_map",
        "beta negative",
        lambda: priors.gaussian_variance_map([1.0], 1.0, -1.0),
        VE,
        "beta must lie in",
    ),
    (
        "gaussian_variance_map",
        "mu NaN",
        lambda: priors.gaussian_variance_map([1.0], 1.0, 1.0, mu=NAN),
        VE,
        "mu must be finite",
    ),
    (
        "gaussian_variance_map",
        "mu str",
        lambda: priors.gaussian_variance_map([1.0], 1.0, 1.0, mu="0"),
        TE,
        "mu must be a real number",
    ),
    (
        "gaussian_variance_map",
        "x empty",
        lambda: priors.gaussian_variance_map([], 1.0, 1.0),
        VE,
        "x is empty",
    ),
]:
    case(f"priors.{target}", label, call, error, message)


# ============================================================================ regression
_RNG = np.random.default_rng(0)
_X = _RNG.normal(size=(30, 2))
_Y_REAL = _X @ [1.0, -1.0] + _RNG.normal(size=30)
_Y_BINARY = (_X[:, 0] + _RNG.normal(size=30) > 0).astype(float)
_Y_LABELS = np.arange(30) % 3
_COLLINEAR = np.column_stack([_X, _X[:, 0] + 2 * _X[:, 1]])


@functools.cache
def _fitted(kind: str):
    if kind == "linear":
        return LinearRegression().fit(_X, _Y_REAL)
    if kind == "logistic":
        return LogisticRegression().fit(_X, _Y_BINARY)
    return SoftmaxRegression().fit(_X, _Y_LABELS)


REGRESSIONS = {
    "LinearRegression": (LinearRegression, _Y_REAL, "linear"),
    "LogisticRegression": (LogisticRegression, _Y_BINARY, "logistic"),
    "SoftmaxRegression": (SoftmaxRegression, _Y_LABELS, "softmax"),
}
for name, (cls, y, kind) in REGRESSIONS.items():
    t = f"regression.{name}"
    for label, X, yy, error, message in [
        ("X str", "abc", y, TE, "X must be numeric"),
        ("X None", None, y, TE, "X must be an array of real numbers"),
        ("X NaN", np.where(_X > 1.5, NAN, _X), y, VE, "X contains NaN"),
        ("X inf", np.where(_X > 1.5, INF, _X), y, VE, "X contains infinite"),
        ("X empty", np.empty((0, 2)), y[:0], VE, "X is empty"),
        ("X 3-D", _X[None], y, VE, "X must be two-dimensional"),
        ("y NaN", _X, np.where(np.arange(30) == 3, NAN, y), VE, "y contains NaN"),
        ("y str", _X, "abc", TE, "y must be numeric"),
        ("y 2-D", _X, y[:, None], VE, "y must be one-dimensional"),
        ("lengths differ", _X, y[:-1], VE, "X has 30 rows but y has 29 values"),
        (
            "duplicate column",
            np.column_stack([_X, _X[:, 0]]),
            y,
            VE,
            "design matrix .*rank 3 below its 4 columns.*not identified",
        ),
        (
            "linear combination",
            _COLLINEAR,
            y,
            VE,
            "design matrix .*rank 3 below its 4 columns.*not identified",
        ),
        (
            "fewer rows than columns",
            _X[:2],
            y[:2],
            VE,
            "design matrix .*rank 2 below its 3 columns",
        ),
    ]:
        case(f"{t}.fit", label, lambda c=cls, X=X, yy=yy: c().fit(X, yy), error, message)
    for label, kwargs, error, message in [
        ("prior unknown", {"prior": "cauchy", "prior_scale": 1.0}, VE, "prior must be one of"),
        (
            "prior_scale negative",
            {"prior": "gaussian", "prior_scale": -1.0},
            VE,
            "prior_scale must lie in",
        ),
        (
            "prior_scale zero",
            {"prior": "gaussian", "prior_scale": 0.0},
            VE,
            "prior_scale must lie in",
        ),
        (
            "prior_scale NaN",
            {"prior": "gaussian", "prior_scale": NAN},
            VE,
            "prior_scale must be finite",
        ),
        (
            "prior_scale str",
            {"prior": "gaussian", "prior_scale": "1"},
            TE,
            "prior_scale must be a real number",
        ),
        ("prior without prior_scale", {"prior": "gaussian"}, VE, "prior_scale is required"),
        (
            "prior_scale without prior",
            {"prior_scale": 1.0},
            VE,
            "prior_scale is only meaningful with a prior",
        ),
        ("fit_intercept str", {"fit_intercept": "yes"}, TE, "fit_intercept must be True or False"),
        ("fit_intercept None", {"fit_intercept": None}, TE, "fit_intercept must be True or False"),
    ]:
        case(t, label, lambda c=cls, kw=kwargs, yy=y: c(**kw).fit(_X, yy), error, message)
    if cls is not LinearRegression:
        for label, kwargs, error, message in [
            ("tol negative", {"tol": -1e-8}, VE, "tol must lie in"),
            ("tol zero", {"tol": 0.0}, VE, "tol must lie in"),
            ("tol NaN", {"tol": NAN}, VE, "tol must be finite"),
            ("tol str", {"tol": "1e-8"}, TE, "tol must be a real number"),
            ("max_iter zero", {"max_iter": 0}, VE, "max_iter must be at least 1"),
            ("max_iter float", {"max_iter": 10.5}, TE, "max_iter must be an integer"),
        ]:
            case(t, label, lambda c=cls, kw=kwargs, yy=y: c(**kw).fit(_X, yy), error, message)
    methods = ["predict", "conf_int"] + (
        ["predict_proba", "decision_function"] if cls is not LinearRegression else []
    )
    for method in methods:
        if method == "conf_int":
            for label, level, error, message in [
                ("1.5", 1.5, VE, "level must lie in"),
                ("NaN", NAN, VE, "level must be finite"),
                ("str", "0.95", TE, "level must be a real number"),
            ]:
                case(
                    f"{t}.conf_int",
                    f"level {label}",
                    lambda k=kind, lv=level: _fitted(k).conf_int(lv),
                    error,
                    message,
                )
            case(f"{t}.conf_int", "not fitted", lambda c=cls: c().conf_int(), VE, "not fitted yet")
            case(f"{t}.summary", "not fitted", lambda c=cls: c().summary(), VE, "not fitted yet")
            continue
        for label, X, error, message in [
            (
                "X wrong features",
                np.ones((2, 3)),
                VE,
                "X has 3 features but the model was fitted with 2",
            ),
            ("X NaN", [[0.0, NAN]], VE, "X contains NaN"),
            ("X str", "abc", TE, "X must be numeric"),
            ("X None", None, TE, "X must be an array of real numbers"),
            ("X empty", np.empty((0, 2)), VE, "X is empty"),
        ]:
            case(
                f"{t}.{method}",
                label,
                lambda k=kind, m=method, X=X: getattr(_fitted(k), m)(X),
                error,
                message,
            )
        case(
            f"{t}.{method}",
            "not fitted",
            lambda c=cls, m=method: getattr(c(), m)(_X),
            VE,
            "not fitted yet",
        )

for label, kwargs, y, error, message in [
    ("y outside", {}, np.r_[_Y_BINARY[:-1], 2.0], VE, "y must contain only 0 or 1; found 2"),
    ("y fraction", {}, np.r_[_Y_BINARY[:-1], 0.5], VE, "y must contain only 0 or 1; found 0.5"),
    ("laplace without prior_scale", {"prior": "laplace"}, _Y_BINARY, VE, "prior_scale is required"),
]:
    case(
        "regression.LogisticRegression.fit",
        label,
        lambda kw=kwargs, y=y: LogisticRegression(**kw).fit(_X, y),
        error,
        message,
    )
for label, kwargs, y, error, message in [
    (
        "y negative",
        {},
        np.r_[_Y_LABELS[:-1], -1],
        VE,
        "y must contain only non-negative integers; found -1",
    ),
    ("y fraction", {}, np.r_[_Y_LABELS[:-1], 1.5], VE, "found 1.5"),
    ("y single class", {}, np.zeros(30), VE, "y contains a single class"),
    (
        "y missing a class",
        {},
        np.where(_Y_LABELS == 1, 2, _Y_LABELS),
        VE,
        "y must contain every label 0..2",
    ),
    (
        "laplace prior",
        {"prior": "laplace", "prior_scale": 1.0},
        _Y_LABELS,
        VE,
        "prior must be one of",
    ),
]:
    case(
        "regression.SoftmaxRegression.fit",
        label,
        lambda kw=kwargs, y=y: SoftmaxRegression(**kw).fit(_X, y),
        error,
        message,
    )
case(
    "regression.LinearRegression",
    "laplace prior",
    lambda: LinearRegression(prior="laplace", prior_scale=1.0).fit(_X, _Y_REAL),
    VE,
    "prior must be one of",
)


# ============================================================================ mixture
_MX = np.r_[_RNG.normal(-2, 1, size=(20, 2)), _RNG.normal(2, 1, size=(20, 2))]
_W, _MU, _COV = (
    np.array([0.5, 0.5]),
    np.array([[-2.0, 0.0], [2.0, 0.0]]),
    np.array([np.eye(2), np.eye(2)]),
)
_RESP = np.full((40, 2), 0.5)


@functools.cache
def _fitted_mixture():
    return GaussianMixture(n_components=2, rng=0).fit(_MX)


for label, kwargs, X, error, message in [
    ("n_components zero", {"n_components": 0}, _MX, VE, "n_components must be at least 1"),
    ("n_components float", {"n_components": 2.5}, _MX, TE, "n_components must be an integer"),
    ("n_components str", {"n_components": "2"}, _MX, TE, "n_components must be an integer"),
    (
        "n_components above n",
        {"n_components": 5},
        _MX[:4],
        VE,
        "n_components=5 is larger than the number of samples 4",
    ),
    ("tol negative", {"tol": -1.0}, _MX, VE, r"tol must lie in \[0, inf\)"),
    ("tol NaN", {"tol": NAN}, _MX, VE, "tol must be finite"),
    ("tol str", {"tol": "1e-3"}, _MX, TE, "tol must be a real number"),
    ("max_iter zero", {"max_iter": 0}, _MX, VE, "max_iter must be at least 1"),
    ("max_iter float", {"max_iter": 2.5}, _MX, TE, "max_iter must be an integer"),
    ("reg_covar negative", {"reg_covar": -1e-6}, _MX, VE, "reg_covar must lie in"),
    ("reg_covar inf", {"reg_covar": INF}, _MX, VE, "reg_covar must be finite"),
    ("n_init zero", {"n_init": 0}, _MX, VE, "n_init must be at least 1"),
    ("n_init float", {"n_init": 1.5}, _MX, TE, "n_init must be an integer"),
    ("init_params unknown", {"init_params": "kmeans"}, _MX, VE, "init_params must be one of"),
    ("convergence unknown", {"convergence": "sklearn"}, _MX, VE, "convergence must be one of"),
    ("init_params None", {"init_params": None}, _MX, VE, "init_params must be one of"),
    ("rng str", {"rng": "seed"}, _MX, TE, "rng must be a numpy.random.Generator"),
    ("rng float", {"rng": 0.5}, _MX, TE, "rng must be a numpy.random.Generator"),
    (
        "rng RandomState",
        {"rng": np.random.RandomState(0)},
        _MX,
        TE,
        "rng must be a numpy.random.Generator",
    ),
    (
        "init values with n_init 2",
        {"n_init": 2, "means_init": _MU},
        _MX,
        VE,
        "n_init > 1 draws new starting values",
    ),
    (
        "weights_init length",
        {"weights_init": [1.0]},
        _MX,
        VE,
        "bad starting values: weights must be a vector of 2",
    ),
    (
        "weights_init sum",
        {"weights_init": [0.5, 0.6]},
        _MX,
        VE,
        "bad starting values: weights must sum to 1",
    ),
    (
        "weights_init NaN",
        {"weights_init": [NAN, 0.5]},
        _MX,
        VE,
        "bad starting values: weights contains NaN",
    ),
    (
        "means_init rows",
        {"means_init": np.zeros((3, 2))},
        _MX,
        VE,
        "means_init must have n_components=2 rows",
    ),
    (
        "means_init columns",
        {"means_init": np.zeros((2, 3))},
        _MX,
        VE,
        "bad starting values: means has 3 columns",
    ),
    ("means_init str", {"means_init": "abc"}, _MX, TE, "means_init must be numeric"),
    (
        "covariances_init shape",
        {"covariances_init": np.ones((2, 2))},
        _MX,
        VE,
        r"bad starting values: covariances must have shape",
    ),
    (
        "covariances_init asymmetric",
        {"covariances_init": [np.eye(2), [[1.0, 0.5], [0.0, 1.0]]]},
        _MX,
        VE,
        "bad starting values: covariances must be symmetric",
    ),
    (
        "covariances_init NaN",
        {"covariances_init": np.full((2, 2, 2), NAN)},
        _MX,
        VE,
        "bad starting values: covariances contains NaN",
    ),
    (
        "covariances_init not positive definite",
        {"covariances_init": [np.eye(2), [[1.0, 2.0], [2.0, 1.0]]]},
        _MX,
        SingularityError,
        r"covariances\[1\] is not positive definite",
    ),
]:
    case(
        "mixture.GaussianMixture",
        label,
        lambda kw=kwargs, X=X: GaussianMixture(**({"n_components": 2} | kw)).fit(X),
        error,
        message,
    )
for label, X, error, message in [
    ("X str", "abc", TE, "X must be numeric"),
    ("X None", None, TE, "X must be an array of real numbers"),
    ("X NaN", np.where(_MX > 2, NAN, _MX), VE, "X contains NaN"),
    ("X inf", np.where(_MX > 2, INF, _MX), VE, "X contains infinite"),
    ("X empty", np.empty((0, 2)), VE, "X is empty"),
    ("X 3-D", _MX[None], VE, "X must be two-dimensional"),
]:
    case(
        "mixture.GaussianMixture.fit",
        label,
        lambda X=X: GaussianMixture(n_components=2).fit(X),
        error,
        message,
    )
for method in ("predict", "predict_proba", "score", "score_samples"):
    for label, X, error, message in [
        (
            "X wrong features",
            np.ones((3, 3)),
            VE,
            "X has 3 features but the model was fitted with 2",
        ),
        ("X NaN", [[0.0, NAN]], VE, "X contains NaN"),
        ("X str", "abc", TE, "X must be numeric"),
        ("X None", None, TE, "X must be an array of real numbers"),
    ]:
        case(
            f"mixture.GaussianMixture.{method}",
            label,
            lambda m=method, X=X: getattr(_fitted_mixture(), m)(X),
            error,
            message,
        )
    case(
        f"mixture.GaussianMixture.{method}",
        "not fitted",
        lambda m=method: getattr(GaussianMixture(n_components=2), m)(_MX),
        VE,
        "not fitted yet",
    )
for label, args, error, message in [
    ("n_samples zero", (0, 0), VE, "n_samples must be at least 1"),
    ("n_samples float", (2.5, 0), TE, "n_samples must be an integer"),
    ("rng None", (5, None), TE, "rng must be a numpy.random.Generator"),
    ("rng str", (5, "seed"), TE, "rng must be"),
]:
    case(
        "mixture.GaussianMixture.sample",
        label,
        lambda a=args: _fitted_mixture().sample(*a),
        error,
        message,
    )
case(
    "mixture.GaussianMixture.sample",
    "not fitted",
    lambda: GaussianMixture(n_components=2).sample(5, 0),
    VE,
    "not fitted yet",
)

for label, args, error, message in [
    ("X NaN", ([[NAN, 0.0]], _MU, _COV), VE, "X contains NaN"),
    ("means str", (_MX, "abc", _COV), TE, "means must be numeric"),
    (
        "means columns",
        (_MX, np.zeros((2, 3)), _COV),
        VE,
        "means has 3 columns but X has 2 features",
    ),
    ("covariances shape", (_MX, _MU, np.eye(2)), VE, "covariances must have shape"),
    ("covariances NaN", (_MX, _MU, np.full((2, 2, 2), NAN)), VE, "covariances contains NaN"),
    ("covariances None", (_MX, _MU, None), TE, "covariances must be an array of real numbers"),
    (
        "covariances not positive definite",
        (_MX, _MU, [np.eye(2), -np.eye(2)]),
        SingularityError,
        r"covariances\[1\] is not positive definite",
    ),
]:
    case(
        "mixture.component_logpdf",
        label,
        functools.partial(mixture.component_logpdf, *args),
        error,
        message,
    )
for fn in (mixture.loglik, mixture.e_step):
    for label, args, error, message in [
        ("weights sum", (_MX, [0.5, 0.6], _MU, _COV), VE, "weights must sum to 1"),
        (
            "weights negative",
            (_MX, [1.5, -0.5], _MU, _COV),
            VE,
            "weights must have strictly positive entries",
        ),
        (
            "weights length",
            (_MX, [1.0], _MU, _COV),
            VE,
            "weights must be a vector of 2 probabilities",
        ),
        ("weights NaN", (_MX, [NAN, 0.5], _MU, _COV), VE, "weights contains NaN"),
        ("X str", ("abc", _W, _MU, _COV), TE, "X must be numeric"),
        (
            "covariances asymmetric",
            (_MX, _W, _MU, [np.eye(2), [[1.0, 0.5], [0.0, 1.0]]]),
            VE,
            "covariances must be symmetric",
        ),
    ]:
        case(f"mixture.{fn.__name__}", label, functools.partial(fn, *args), error, message)
for label, args, error, message in [
    ("resp rows", (_MX, np.ones((40, 2))), VE, "resp must have non-negative rows that sum to 1"),
    ("resp negative", (_MX, np.tile([1.5, -0.5], (40, 1))), VE, "resp must have non-negative rows"),
    ("resp length", (_MX, np.full((3, 2), 0.5)), VE, "resp has 3 rows but X has 40 samples"),
    ("resp str", (_MX, "abc"), TE, "resp must be numeric"),
    ("resp NaN", (_MX, np.full((40, 2), NAN)), VE, "resp contains NaN"),
    ("reg_covar negative", (_MX, _RESP, -1.0), VE, "reg_covar must lie in"),
    ("reg_covar str", (_MX, _RESP, "0"), TE, "reg_covar must be a real number"),
]:
    case("mixture.m_step", label, functools.partial(mixture.m_step, *args), error, message)
for label, args, error, message in [
    (
        "resp columns",
        (_MX, np.full((40, 3), 1 / 3), _W, _MU, _COV),
        VE,
        "resp has 3 columns but there are 2 components",
    ),
    ("resp rows", (_MX, np.ones((40, 2)), _W, _MU, _COV), VE, "resp must have non-negative rows"),
    ("weights sum", (_MX, _RESP, [0.5, 0.6], _MU, _COV), VE, "weights must sum to 1"),
    ("X None", (None, _RESP, _W, _MU, _COV), TE, "X must be an array of real numbers"),
]:
    case(
        "mixture.lower_bound", label, functools.partial(mixture.lower_bound, *args), error, message
    )


# ============================================================================ optim
def _grad(t):
    return 2 * (np.asarray(t) - 1.0)


def _hess(t):
    return 2 * np.eye(len(t))


for label, args, kwargs, error, message in [
    ("grad not callable", ("grad", [0.0], 0.1), {}, TE, "grad must be callable"),
    ("start str", (_grad, "0", 0.1), {}, TE, "start must be numeric"),
    ("start NaN", (_grad, [NAN], 0.1), {}, VE, "start contains NaN"),
    ("start empty", (_grad, [], 0.1), {}, VE, "start is empty"),
    ("start None", (_grad, None, 0.1), {}, TE, "start must be an array of real numbers"),
    ("step negative", (_grad, [0.0], -0.1), {}, VE, "step must lie in"),
    ("step zero", (_grad, [0.0], 0.0), {}, VE, "step must lie in"),
    ("step str", (_grad, [0.0], "0.1"), {}, TE, "step must be a real number"),
    ("max_iter zero", (_grad, [0.0], 0.1), {"max_iter": 0}, VE, "max_iter must be at least 1"),
    ("max_iter float", (_grad, [0.0], 0.1), {"max_iter": 1.5}, TE, "max_iter must be an integer"),
    ("tol negative", (_grad, [0.0], 0.1), {"tol": -1e-8}, VE, "tol must lie in"),
    ("tol NaN", (_grad, [0.0], 0.1), {"tol": NAN}, VE, "tol must be finite"),
    (
        "grad wrong shape",
        (lambda t: np.ones(3), [0.0], 0.1),
        {},
        VE,
        r"grad returned shape \(3,\), expected \(1,\)",
    ),
    ("grad returns str", (lambda t: "abc", [0.0], 0.1), {}, TE, r"grad\(x\) must be numeric"),
]:
    case(
        "optim.gradient_descent",
        label,
        functools.partial(optim.gradient_descent, *args, **kwargs),
        error,
        message,
    )
for label, args, kwargs, error, message in [
    ("grad not callable", (None, _hess, [0.0]), {}, TE, "grad must be callable"),
    ("hess not callable", (_grad, "hess", [0.0]), {}, TE, "hess must be callable"),
    ("fun not callable", (_grad, _hess, [0.0]), {"fun": "f"}, TE, "fun must be callable or None"),
    ("start None", (_grad, _hess, None), {}, TE, "start must be an array of real numbers"),
    ("start inf", (_grad, _hess, [INF]), {}, VE, "start contains infinite"),
    ("tol negative", (_grad, _hess, [0.0]), {"tol": -1.0}, VE, "tol must lie in"),
    ("max_iter zero", (_grad, _hess, [0.0]), {"max_iter": 0}, VE, "max_iter must be at least 1"),
    (
        "hess wrong shape",
        (_grad, lambda t: np.eye(2), [0.0]),
        {},
        VE,
        r"hess returned shape \(2, 2\), expected \(1, 1\)",
    ),
    (
        "hess not positive definite",
        (_grad, lambda t: -np.eye(1), [0.0]),
        {},
        optim.NotPositiveDefiniteError,
        "hess is not positive definite at iterate 0",
    ),
    (
        "hess singular",
        (_grad, lambda t: np.zeros((1, 1)), [0.0]),
        {},
        optim.NotPositiveDefiniteError,
        "hess is not positive definite at iterate 0",
    ),
    ("max_iter float", (_grad, _hess, [0.0]), {"max_iter": 2.5}, TE, "max_iter must be an integer"),
    ("tol str", (_grad, _hess, [0.0]), {"tol": "1e-8"}, TE, "tol must be a real number"),
    ("start 2-D", (_grad, _hess, [[0.0]]), {}, VE, "start must be one-dimensional"),
    ("hess returns str", (_grad, lambda t: "abc", [0.0]), {}, TE, r"hess\(x\) must be numeric"),
    (
        "grad NaN",
        (lambda t: np.full(1, NAN), _hess, [0.0]),
        {},
        VE,
        "grad is not finite at iterate 0",
    ),
    (
        "fun returns str",
        (_grad, _hess, [0.0]),
        {"fun": lambda t: "abc"},
        TE,
        r"fun\(x\) must be a real number",
    ),
]:
    case("optim.newton", label, functools.partial(optim.newton, *args, **kwargs), error, message)
for label, args, kwargs, error, message in [
    ("fun not callable", ("f", [0.0], [1.0]), {}, TE, "fun must be callable"),
    ("x str", (_nll, "0", [1.0]), {}, TE, "x must be numeric"),
    ("x NaN", (_nll, [NAN], [1.0]), {}, VE, "x contains NaN"),
    ("x empty", (_nll, [], []), {}, VE, "x is empty"),
    ("step inf", (_nll, [0.0], [INF]), {}, VE, "step contains infinite"),
    (
        "step wrong shape",
        (_nll, [0.0], [1.0, 1.0]),
        {},
        VE,
        r"step must have the shape of x, \(1,\), got \(2,\)",
    ),
    ("step None", (_nll, [0.0], None), {}, TE, "step must be an array of real numbers"),
    ("value str", (_nll, [0.0], [1.0]), {"value": "1"}, TE, "value must be a real number"),
    ("value NaN", (_nll, [0.0], [1.0]), {"value": NAN}, VE, "value must be a number"),
    ("fun returns str", (lambda t: "abc", [0.0], [1.0]), {}, TE, r"fun\(x\) must be a real number"),
]:
    case(
        "optim.halve_step",
        label,
        functools.partial(optim.halve_step, *args, **kwargs),
        error,
        message,
    )
for label, args, kwargs, error, message in [
    ("fun not callable", ("f", _grad, [0.0]), {}, TE, "fun must be callable"),
    ("grad not callable", (_nll, 1.0, [0.0]), {}, TE, "grad must be callable"),
    ("start inf", (_nll, _grad, [INF]), {}, VE, "start contains infinite"),
    ("start 2-D", (_nll, _grad, [[0.0]]), {}, VE, "start must be one-dimensional"),
    ("tol negative", (_nll, _grad, [0.0]), {"tol": -1.0}, VE, "tol must lie in"),
    ("max_iter zero", (_nll, _grad, [0.0]), {"max_iter": 0}, VE, "max_iter must be at least 1"),
    (
        "fun not finite at start",
        (lambda t: np.inf, _grad, [0.0]),
        {},
        VE,
        "fun is not finite at start",
    ),
    ("fun returns str", (lambda t: "abc", _grad, [0.0]), {}, TE, r"fun\(x\) must be a real number"),
    ("grad wrong shape", (_nll, lambda t: np.ones(2), [0.0]), {}, VE, "grad returned shape"),
]:
    case("optim.bfgs", label, functools.partial(optim.bfgs, *args, **kwargs), error, message)


# ============================================================================ parametrization
for label, bounds, error, message in [
    ("None", None, TE, "bounds must be a sequence of"),
    ("number", 5, TE, "bounds must be a sequence of"),
    ("empty", [], VE, "bounds is empty"),
    ("reversed", [(1, 0)], VE, r"bounds\[0\] must have low < high"),
    ("equal", [(0, 0)], VE, r"bounds\[0\] must have low < high"),
    ("not a pair", [(0, 1, 2)], VE, r"bounds\[0\] must be a pair"),
    ("str entries", [("a", "b")], TE, r"bounds\[0\] must be a real number"),
    ("NaN", [(0, NAN)], VE, r"bounds\[0\] contains NaN"),
]:
    case("parametrization.Box", label, functools.partial(Box, bounds), error, message)
for label, k, error, message in [
    ("1", 1, VE, "k must be at least 2"),
    ("float", 2.5, TE, "k must be an integer"),
    ("str", "3", TE, "k must be an integer"),
]:
    case("parametrization.Simplex", f"k {label}", functools.partial(Simplex, k), error, message)
_BOX, _SIMPLEX = Box([(0, 1), (0, None)]), Simplex(3)
for space, free, full, outside in [(_BOX, 2, 2, [0.5, -1.0]), (_SIMPLEX, 2, 3, [0.6, 0.6])]:
    t = f"parametrization.{type(space).__name__}"
    for method, arg, n in [
        ("constrain", "u", free),
        ("unconstrain", "theta", free),
        ("dtheta_du", "u", free),
        ("to_params", "theta", free),
        ("to_theta", "params", full),
        ("contains", "theta", free),
        ("room", "theta", free),
    ]:
        fn = getattr(space, method)
        for label, bad, error, message in [
            ("wrong length", np.full(n + 1, 0.1), VE, f"{arg} must have {n} values"),
            ("str", "ab", TE, f"{arg} must be numeric"),
            ("None", None, TE, f"{arg} must be an array of real numbers"),
            ("NaN", np.full(n, NAN), VE, f"{arg} contains NaN"),
            ("2-D", np.full((n, 1), 0.1), VE, f"{arg} must be one-dimensional"),
        ]:
            case(f"{t}.{method}", label, functools.partial(fn, bad), error, message)
    case(
        f"{t}.unconstrain",
        "outside the space",
        functools.partial(space.unconstrain, outside),
        VE,
        "theta must lie inside the parameter space",
    )


# ============================================================================ validation
for target, label, call, error, message in [
    (
        "outside_support",
        "support unknown",
        lambda: validation.outside_support(np.ones(2), "integers"),
        VE,
        "support must be one of",
    ),
    (
        "outside_support",
        "labels without k",
        lambda: validation.outside_support(np.ones(2), "labels"),
        VE,
        "k must be given",
    ),
    (
        "support_error",
        "support unknown",
        lambda: validation.support_error("x", "ints", None, 1.0, 1),
        VE,
        "support must be one of",
    ),
    (
        "as_data",
        "support unknown",
        lambda: validation.as_data([1], support="integers"),
        VE,
        "support must be one of",
    ),
    (
        "as_data",
        "support list",
        lambda: validation.as_data([1], support=["real"]),
        VE,
        "support must be one of",
    ),
    (
        "as_data",
        "labels without k",
        lambda: validation.as_data([1], support="labels"),
        VE,
        "k must be given",
    ),
    (
        "as_data",
        "k zero",
        lambda: validation.as_data([0], support="labels", k=0),
        VE,
        "k must be at least 1",
    ),
    (
        "as_data",
        "k str",
        lambda: validation.as_data([0], support="labels", k="3"),
        TE,
        "k must be an integer",
    ),
    (
        "as_data",
        "x NaN named",
        lambda: validation.as_data([NAN], name="waits"),
        VE,
        "waits contains NaN",
    ),
    (
        "as_data",
        "x outside",
        lambda: validation.as_data([-1], support="count", name="counts"),
        VE,
        "counts must contain only non-negative integers",
    ),
    (
        "as_matrix",
        "3-D",
        lambda: validation.as_matrix(np.zeros((2, 2, 2))),
        VE,
        "X must be two-dimensional",
    ),
    ("as_matrix", "str", lambda: validation.as_matrix("abc", "D"), TE, "D must be numeric"),
    (
        "as_matrix",
        "too few rows",
        lambda: validation.as_matrix([[1.0]], min_rows=2),
        VE,
        "X is empty or too small",
    ),
    (
        "as_matrix",
        "no columns",
        lambda: validation.as_matrix(np.empty((3, 0))),
        VE,
        "X is empty or too small",
    ),
    ("as_matrix", "NaN", lambda: validation.as_matrix([[NAN]]), VE, "X contains NaN"),
    (
        "as_array",
        "str",
        lambda: validation.as_array("abc", "covariances"),
        TE,
        "covariances must be numeric",
    ),
    (
        "as_array",
        "ragged",
        lambda: validation.as_array([[1.0], [1.0, 2.0]], "covariances"),
        TE,
        "covariances must be an array of numbers",
    ),
    (
        "as_array",
        "complex",
        lambda: validation.as_array([1j], "covariances"),
        TE,
        "covariances must be an array of real numbers",
    ),
    (
        "as_vector",
        "wrong length",
        lambda: validation.as_vector([1.0], 2, "theta"),
        VE,
        "theta must have 2 values, got 1",
    ),
    (
        "as_vector",
        "NaN",
        lambda: validation.as_vector([NAN, 1.0], 2, "theta"),
        VE,
        "theta contains NaN",
    ),
    (
        "as_vector",
        "str",
        lambda: validation.as_vector("ab", 2, "theta"),
        TE,
        "theta must be numeric",
    ),
    (
        "check_real",
        "None",
        lambda: validation.check_real(None, "mu"),
        TE,
        "mu must be a real number, got NoneType",
    ),
    (
        "check_real",
        "str",
        lambda: validation.check_real("1", "mu"),
        TE,
        "mu must be a real number, got str",
    ),
    (
        "check_real",
        "bool",
        lambda: validation.check_real(True, "mu"),
        TE,
        "mu must be a real number, got bool",
    ),
    (
        "check_real",
        "complex",
        lambda: validation.check_real(1j, "mu"),
        TE,
        "mu must be a real number",
    ),
    (
        "check_real",
        "vector",
        lambda: validation.check_real([1.0, 2.0], "mu"),
        TE,
        "mu must be a single number",
    ),
    ("check_real", "NaN", lambda: validation.check_real(NAN, "mu"), VE, "mu must be finite"),
    ("check_real", "inf", lambda: validation.check_real(-INF, "mu"), VE, "mu must be finite"),
    (
        "check_in_interval",
        "outside",
        lambda: validation.check_in_interval(2.0, "w", 0, 1, closed_high=True),
        VE,
        r"w must lie in \(0, 1\]",
    ),
    (
        "check_in_interval",
        "NaN",
        lambda: validation.check_in_interval(NAN, "w", 0, 1),
        VE,
        "w must be finite",
    ),
    (
        "check_probability",
        "1.5",
        lambda: validation.check_probability(1.5),
        VE,
        r"p must lie in \(0, 1\)",
    ),
    (
        "check_probability",
        "closed 1.5",
        lambda: validation.check_probability(1.5, "q", closed=True),
        VE,
        r"q must lie in \[0, 1\]",
    ),
    (
        "check_positive",
        "negative",
        lambda: validation.check_positive(-1.0, "rate"),
        VE,
        "rate must lie in",
    ),
    (
        "check_positive",
        "None",
        lambda: validation.check_positive(None, "rate"),
        TE,
        "rate must be a real number",
    ),
    (
        "check_probability_vector",
        "sum",
        lambda: validation.check_probability_vector([0.5, 0.6], 2),
        VE,
        "p must sum to 1",
    ),
    (
        "check_probability_vector",
        "zero entry open",
        lambda: validation.check_probability_vector([0.0, 1.0], 2, closed=False),
        VE,
        "p must have strictly positive entries",
    ),
    (
        "check_probability_vector",
        "length",
        lambda: validation.check_probability_vector([1.0], 2, "w"),
        VE,
        "w must be a vector of 2 probabilities",
    ),
    (
        "check_probability_vector",
        "str",
        lambda: validation.check_probability_vector("ab", 2),
        TE,
        "p must be numeric",
    ),
    (
        "check_positive_int",
        "zero",
        lambda: validation.check_positive_int(0, "n"),
        VE,
        "n must be at least 1",
    ),
    (
        "check_positive_int",
        "float",
        lambda: validation.check_positive_int(1.0, "n"),
        TE,
        "n must be an integer",
    ),
    (
        "check_positive_int",
        "bool",
        lambda: validation.check_positive_int(True, "n"),
        TE,
        "n must be an integer",
    ),
    (
        "check_positive_int",
        "None",
        lambda: validation.check_positive_int(None, "n"),
        TE,
        "n must be an integer",
    ),
    ("check_size", "negative", lambda: validation.check_size(-1), VE, "size must be at least 0"),
    ("check_size", "float", lambda: validation.check_size(2.5), TE, "size must be an integer"),
    ("check_size", "tuple", lambda: validation.check_size((2, "3")), TE, "size must be an integer"),
    ("check_size", "list", lambda: validation.check_size([2, 3]), TE, "size must be an integer"),
    (
        "check_rng",
        "None",
        lambda: validation.check_rng(None),
        TE,
        "rng must be a numpy.random.Generator",
    ),
    (
        "check_rng",
        "RandomState",
        lambda: validation.check_rng(np.random.RandomState(0), "seed"),
        TE,
        "seed must be a numpy.random.Generator",
    ),
    (
        "check_rng",
        "bool",
        lambda: validation.check_rng(True),
        TE,
        "rng must be a numpy.random.Generator",
    ),
    ("check_level", "1", lambda: validation.check_level(1.0), VE, "level must lie in"),
    (
        "check_level",
        "str",
        lambda: validation.check_level("95%"),
        TE,
        "level must be a real number",
    ),
    (
        "check_bool",
        "str",
        lambda: validation.check_bool("yes", "flag"),
        TE,
        "flag must be True or False, got str",
    ),
    (
        "check_bool",
        "int",
        lambda: validation.check_bool(1, "flag"),
        TE,
        "flag must be True or False, got int",
    ),
    (
        "check_callable",
        "str",
        lambda: validation.check_callable("f", "grad"),
        TE,
        "grad must be callable, got str",
    ),
    (
        "check_callable",
        "None",
        lambda: validation.check_callable(None, "grad"),
        TE,
        "grad must be callable, got NoneType",
    ),
    (
        "unpack_params",
        "scalar",
        lambda: validation.unpack_params(1.0, ("mu", "sigma2")),
        VE,
        r"params must be a pair",
    ),
    (
        "unpack_params",
        "triple",
        lambda: validation.unpack_params((1, 2, 3), ("mu", "sigma2")),
        VE,
        r"params must be a pair",
    ),
    (
        "unpack_params",
        "str",
        lambda: validation.unpack_params("ab", ("mu", "sigma2")),
        VE,
        r"params must be a pair",
    ),
    (
        "unpack_params",
        "dict",
        lambda: validation.unpack_params({"mu": 0, "sigma2": 1}, ("mu", "sigma2")),
        VE,
        r"params must be a pair",
    ),
    (
        "unpack_params",
        "None",
        lambda: validation.unpack_params(None, ("a", "b", "c")),
        VE,
        r"params must be a tuple \(a, b, c\)",
    ),
    (
        "check_finite",
        "NaN",
        lambda: validation.check_finite([1.0, NAN], "resp"),
        VE,
        "resp contains NaN",
    ),
    (
        "check_finite",
        "inf",
        lambda: validation.check_finite([INF], "resp"),
        VE,
        "resp contains infinite values",
    ),
    (
        "check_finite",
        "str",
        lambda: validation.check_finite("1", "resp"),
        TE,
        "resp must be numeric",
    ),
    (
        "as_samples",
        "scalar",
        lambda: validation.as_samples(1.0, axis=0),
        VE,
        "x must have at least one dimension",
    ),
    (
        "as_samples",
        "axis",
        lambda: validation.as_samples([[1.0]], axis=2),
        VE,
        "axis must be between -2 and 1",
    ),
    (
        "as_samples",
        "axis str",
        lambda: validation.as_samples([[1.0]], axis="1"),
        TE,
        "axis must be an integer",
    ),
    ("as_samples", "empty", lambda: validation.as_samples(np.zeros((3, 0))), VE, "x is empty"),
    (
        "as_samples",
        "support",
        lambda: validation.as_samples([[0, 2]], "binary"),
        VE,
        "x must contain only 0 or 1",
    ),
    (
        "as_samples",
        "support unknown",
        lambda: validation.as_samples([[0]], "bits"),
        VE,
        "support must be one of",
    ),
    ("warn", "message not a string", lambda: validation.warn(5), TE, "message must be a string"),
    (
        "warn",
        "category not a warning",
        lambda: validation.warn("m", ValueError),
        TE,
        "category must be a Warning subclass",
    ),
]:
    case(f"validation.{target}", label, call, error, message)


# ============================================================================ chunked
# Dask arrays: what the metadata shows is refused at once; what needs the values (NaN,
# the support) is refused by compute(), after one pass, with the NumPy path's messages.
import dask.array as da  # noqa: E402

from mlebook import chunked  # noqa: E402


def _dask(values, chunks=2):
    return da.from_array(np.asarray(values), chunks=chunks)


for target, label, call, error, message in [
    ("as_data", "numpy", lambda: chunked.as_data(np.ones(3)), TE, "x must be a Dask array"),
    (
        "as_data",
        "strings",
        lambda: chunked.as_data(_dask(np.array(["a", "b"]))),
        TE,
        "x must be an array of real numbers",
    ),
    ("as_data", "2-D", lambda: chunked.as_data(da.ones((2, 2))), VE, "must be one-dimensional"),
    ("as_data", "empty", lambda: chunked.as_data(da.ones(0)), VE, "x is empty"),
    ("as_data", "support", lambda: chunked.as_data(da.ones(2), "integers"), VE, "support must"),
    (
        "as_data",
        "unknown chunks",
        lambda: chunked.as_data(da.ones(4, chunks=2)[da.ones(4, chunks=2) > 0]),
        VE,
        "unknown size",
    ),
    ("as_matrix", "3-D", lambda: chunked.as_matrix(da.ones((2, 2, 2))), VE, "two-dimensional"),
    ("as_matrix", "empty", lambda: chunked.as_matrix(da.ones((0, 2))), VE, "X is empty"),
    ("as_matrix", "list", lambda: chunked.as_matrix([[1.0]]), TE, "X must be a Dask array"),
    (
        "as_rows",
        "length",
        lambda: chunked.as_rows(np.ones(3), chunked.as_matrix(da.ones((4, 2)))),
        VE,
        "X has 4 rows but y has 3 values",
    ),
    (
        "as_rows",
        "strings",
        lambda: chunked.as_rows("ab", chunked.as_matrix(da.ones((2, 2)))),
        TE,
        "y must be numeric",
    ),
    (
        "compute",
        "NaN late",
        lambda: chunked.compute({}, chunked.as_data(_dask([1.0, 2.0, 3.0, NAN]))),
        VE,
        r"x contains NaN \(1 value",
    ),
    (
        "compute",
        "outside support",
        lambda: chunked.compute({}, chunked.as_data(_dask([1.0, 2.0, 0.5]), "count")),
        VE,
        r"x must contain only non-negative integers; found 0\.5",
    ),
    ("compute", "not Chunked", lambda: chunked.compute({}, np.ones(2)), TE, "Chunked data"),
    (
        "models.Poisson.mle",
        "Dask NaN",
        lambda: Poisson().mle(_dask([1.0, INF])),
        VE,
        "x contains infinite values",
    ),
    (
        "models.Gaussian.mle",
        "Dask axis",
        lambda: Gaussian().mle(da.ones((2, 2)), axis=0),
        VE,
        "axis must be None for a Dask array",
    ),
    (
        "regression.LogisticRegression.fit",
        "Dask y not binary",
        lambda: LogisticRegression().fit(da.ones((4, 1), chunks=2), _dask([0.0, 1.0, 2.0, 1.0])),
        VE,
        "y must contain only 0 or 1; found 2",
    ),
]:
    case(target if "." in target else f"chunked.{target}", label, call, error, message)


# ============================================================================ plotting
@functools.cache
def _axes():
    return plt.figure().add_subplot()


_GRID = np.linspace(0.1, 0.9, 5)
for label, args, kwargs, error, message in [
    ("model str", ("bernoulli", [0, 1], _GRID), {}, TE, "model must be an mlebook model"),
    (
        "model two-parameter",
        (Gaussian(), [0.0, 1.0], _GRID),
        {},
        VE,
        "plot_likelihood needs a one-parameter model",
    ),
    ("kind unknown", (Bernoulli(), [0, 1], _GRID), {"kind": "log"}, VE, "kind must be one of"),
    ("x outside", (Bernoulli(), [0, 2], _GRID), {}, VE, "x must contain only 0 or 1"),
    ("x empty", (Bernoulli(), [], _GRID), {}, VE, "x is empty"),
    ("grid NaN", (Bernoulli(), [0, 1], [0.5, NAN]), {}, VE, "grid contains NaN"),
    ("grid str", (Bernoulli(), [0, 1], "0.5"), {}, TE, "grid must be numeric"),
    (
        "grid outside the space",
        (Bernoulli(), [0, 1], [0.5, 1.5]),
        {},
        VE,
        r"grid must lie in the parameter space.*1\.5",
    ),
    ("ax str", (Bernoulli(), [0, 1], _GRID), {"ax": "axes"}, TE, "ax must be a matplotlib Axes"),
]:
    case(
        "plotting.plot_likelihood",
        label,
        functools.partial(plot_likelihood, *args, **kwargs),
        error,
        message,
    )
for label, args, error, message in [
    ("ax None", (None, 0.5), TE, "ax must be a matplotlib Axes"),
    ("value NaN", ("axes", NAN), VE, "value must be finite"),
    ("value str", ("axes", "0.5"), TE, "value must be a real number"),
    ("value vector", ("axes", [0.1, 0.2]), TE, "value must be a single number"),
]:
    case(
        "plotting.mark_value",
        label,
        lambda a=args: mark_value(_axes() if a[0] == "axes" else a[0], *a[1:]),
        error,
        message,
    )


# ============================================================================ the tests
def _resolve(target: str):
    """The code object a case must enter, and the class of ``self`` there (None for functions)."""
    parts = target.split(".")
    owner, obj = None, importlib.import_module(f"mlebook.{parts[0]}")
    for part in parts[1:]:
        owner, obj = obj, getattr(obj, part)
    if inspect.isclass(obj):
        return obj.__init__.__code__, obj
    if inspect.isclass(owner) and not isinstance(
        inspect.getattr_static(owner, parts[-1]), staticmethod
    ):
        return obj.__code__, owner
    return obj.__code__, None


@pytest.mark.parametrize("target, call, error, match", CASES)
def test_bad_input_raises_a_clear_error(target, call, error, match):
    entered = set()

    def profile(frame, event, arg):
        if event == "call" and frame.f_code.co_filename.startswith(PACKAGE):
            owner = frame.f_locals.get("self")
            entered.add((frame.f_code, None if owner is None else type(owner)))
            entered.add((frame.f_code, None))

    raised, previous = None, sys.getprofile()
    sys.setprofile(profile)
    try:
        call()
    except Exception as exc:
        raised = exc
    finally:
        sys.setprofile(previous)
    assert raised is not None, f"{target} accepted the bad input without an error"
    assert type(raised) is error, (
        f"expected {error.__name__}, got {type(raised).__name__}: {raised}"
    )
    assert re.search(match, str(raised)), f"message {str(raised)!r} does not match {match!r}"
    innermost = traceback.extract_tb(raised.__traceback__)[-1]
    assert innermost.filename.startswith(PACKAGE), (
        f"raised outside mlebook, in {innermost.filename}:{innermost.lineno} ({innermost.name})"
    )
    assert _resolve(target) in entered, f"the case never called {target}"


# Public callables that take no input, so have no bad input. Each entry says why.
NO_INPUT = {
    "models.Bernoulli": "the constructor takes no arguments",
    "models.Gaussian": "the constructor takes no arguments",
    "models.Poisson": "the constructor takes no arguments",
    "models.Exponential": "the constructor takes no arguments",
    "models.Gamma": "the constructor takes no arguments",
    **{f"models.{m}.logpdf_sym": "takes no arguments" for m in MODELS},
    **{f"models.{m}.parametrization": "takes no arguments" for m in MODELS},
    **{f"models.{m}.symbols": "takes no arguments" for m in MODELS},
    "fitting.FitResult.summary": "takes no arguments",
    "plotting.use_book_style": "takes no arguments",
    # Records that mlebook builds and hands back; users read them, they do not construct them.
    "fitting.FitResult": "a result record built by fit(); its methods are checked",
    "asymptotics.Coverage": "a result record built by coverage()",
    "optim.Trace": "a result record built by the optimizers",
    "optim.NotPositiveDefiniteError": "an exception type",
    "models.SymbolicDensity": (
        "a record built by logpdf_sym(); the symbolic functions check what they are given"
    ),
    "models.ModelCore": "a record of a model's unchecked functions, built by Model.core",
    "parametrization.SpaceCore": (
        "a record of a space's unchecked maps, built by Box.core and Simplex.core"
    ),
    "symbolic.Estimates": "a record (a dict) built by symbolic.mle()",
    "inference.HypothesisTest": "a result record built by the three tests",
    "intervals.WaldTable": "a result record built by wald_table()",
    # Exceptions: their only argument is the message.
    "regression.SeparationError": "an exception type",
    "chunked.is_dask_array": "answers for any object (True or False)",
    "validation.feature_names": "answers for any object (the names, or None)",
    "chunked.Check": "a record built by as_data and as_matrix",
    "chunked.Chunked": "a record built by as_data, as_matrix and as_rows",
    "mixture.SingularityError": "an exception type",
}


def _public_callables():
    """Every public function, class (its constructor) and public method of mlebook's modules.

    Methods of abstract classes (``models.Model``) are checked on every concrete subclass,
    which inherits them, so only the concrete classes are listed.
    """
    modules = [
        getattr(mlebook, n) for n in mlebook.__all__ if inspect.ismodule(getattr(mlebook, n))
    ]
    modules += [
        importlib.import_module("mlebook.parametrization"),
        importlib.import_module("mlebook.plotting"),
    ]
    for module in modules:
        short = module.__name__.removeprefix("mlebook.")
        for name in getattr(module, "__all__", [n for n in vars(module) if not n.startswith("_")]):
            obj = getattr(module, name)
            if inspect.isfunction(obj):
                yield f"{short}.{name}"
            elif inspect.isclass(obj) and not inspect.isabstract(obj):
                yield f"{short}.{name}"
                for attr in dir(obj):
                    raw = inspect.getattr_static(obj, attr)
                    fn = raw.__func__ if isinstance(raw, (staticmethod, classmethod)) else raw
                    if (
                        not attr.startswith("_")
                        and inspect.isfunction(fn)
                        and fn.__module__.startswith("mlebook")
                    ):
                        yield f"{short}.{name}.{attr}"


def test_every_public_callable_has_a_bad_input_case():
    public = set(_public_callables())
    covered = {p.values[0] for p in CASES}
    assert (
        mlebook.fit is fitting.fit and mlebook.FitResult is fitting.FitResult
    )  # re-exports, checked there
    assert not covered - public, (
        f"cases filed under names that are not public: {sorted(covered - public)}"
    )
    assert not set(NO_INPUT) - public, f"stale allow-list entries: {sorted(set(NO_INPUT) - public)}"
    missing = sorted(public - covered - set(NO_INPUT))
    assert not missing, f"public callables without a bad-input case: {missing}"
    assert len(CASES) > 100
