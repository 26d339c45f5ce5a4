"""Benchmarks of mlebook's regression fits against statsmodels and scikit-learn.

The book's benchmark, with targets, is ``benchmarks/run.py`` (``make bench``); this script adds
softmax regression, scikit-learn's solver and other data sizes. Run it with
`.venv/bin/python benchmarks/bench_regression.py`. For each data size it prints the median
time of each fit and its ratio to mlebook's (above 1: mlebook is faster). Timings depend on
the machine and are never asserted in the tests.

* logistic regression by maximum likelihood: ``LogisticRegression().fit`` (Newton / IRLS, with
  standard errors) against statsmodels ``Logit(...).fit(disp=0)`` (Newton, with standard
  errors) and scikit-learn's ``LogisticRegression(C=np.inf)`` (L-BFGS, no penalty, no
  standard errors);
* softmax regression with three classes: ``SoftmaxRegression().fit`` (Newton, with standard
  errors) against scikit-learn (L-BFGS, multinomial, no penalty) and statsmodels ``MNLogit``.

Each reference runs at its default tolerance except scikit-learn, whose tolerance is
tightened to 1e-8 so that it reaches the same optimum (the largest coefficient difference
from mlebook is printed as ``max |diff|``). BLAS is limited to one thread, so that the
timings compare the algorithms rather than how each library uses the cores.
"""

from __future__ import annotations

import timeit

import numpy as np
import statsmodels.api as sm
from scipy.special import expit, softmax
from sklearn.linear_model import LogisticRegression as SkLogistic
from threadpoolctl import threadpool_limits

from mlebook.regression import LogisticRegression, SoftmaxRegression


def median_time(fn, repeat=3):
    number = max(1, int(0.2 / max(timeit.timeit(fn, number=1), 1e-7)))
    return float(np.median(timeit.repeat(fn, number=number, repeat=repeat)) / number)


def header():
    print(
        f"{'task':<34}{'mlebook':>10}{'statsmodels':>13}{'sklearn':>10}{'sm/ml':>8}{'sk/ml':>8}"
        f"{'max |diff|':>12}"
    )


def row(task, t_ml, t_sm, t_sk, diff):
    print(
        f"{task:<34}{t_ml * 1e3:>8.1f}ms{t_sm * 1e3:>11.1f}ms{t_sk * 1e3:>8.1f}ms"
        f"{t_sm / t_ml:>8.2f}{t_sk / t_ml:>8.2f}{diff:>12.1e}"
    )


def logistic(n, p, rng):
    X = rng.normal(size=(n, p))
    y = (rng.random(n) < expit(0.2 + X @ rng.normal(scale=0.3, size=p))).astype(float)
    D = sm.add_constant(X)
    ours = LogisticRegression().fit(X, y)
    sk = SkLogistic(C=np.inf, tol=1e-8, max_iter=10_000).fit(X, y)
    diff = np.max(np.abs(ours.params_ - np.r_[sk.intercept_, sk.coef_[0]]))
    row(
        f"logistic n={n:>6} p={p:>2}",
        median_time(lambda: LogisticRegression().fit(X, y)),
        median_time(lambda: sm.Logit(y, D).fit(disp=0)),
        median_time(lambda: SkLogistic(C=np.inf, tol=1e-8, max_iter=10_000).fit(X, y)),
        diff,
    )


def multinomial(n, p, rng, k=3):
    X = rng.normal(size=(n, p))
    eta = np.column_stack([np.zeros(n), 0.2 + X @ rng.normal(scale=0.3, size=(p, k - 1))])
    y = (rng.random(n)[:, None] > softmax(eta, axis=1).cumsum(axis=1)).sum(axis=1)
    D = sm.add_constant(X)
    ours = SoftmaxRegression().fit(X, y)
    sk = SkLogistic(C=np.inf, tol=1e-8, max_iter=10_000).fit(X, y)
    diff = np.max(np.abs(ours.coef_ - (sk.coef_ - sk.coef_[0])))
    row(
        f"softmax k=3 n={n:>6} p={p:>2}",
        median_time(lambda: SoftmaxRegression().fit(X, y)),
        median_time(lambda: sm.MNLogit(y, D).fit(disp=0)),
        median_time(lambda: SkLogistic(C=np.inf, tol=1e-8, max_iter=10_000).fit(X, y)),
        diff,
    )


def main():
    rng = np.random.default_rng(0)
    header()
    with threadpool_limits(limits=1):
        run(rng)


def run(rng):
    for fit in (logistic, multinomial):
        for n in (10_000, 100_000):
            for p in (5, 20):
                fit(n, p, rng)


if __name__ == "__main__":
    main()
