"""Benchmarks of mlebook's softmax regression against statsmodels and scikit-learn.

The book's benchmark, with targets, is ``benchmarks/run.py`` (``make bench``), whose logistic
task compares ``LogisticRegression`` with statsmodels (as called, and without its rank check)
and scikit-learn (newton-cholesky and lbfgs) at nine data sizes; this script adds softmax
regression with three classes: ``SoftmaxRegression().fit`` (Newton, with standard errors)
against statsmodels ``MNLogit`` (Newton, with standard errors) and scikit-learn's
``LogisticRegression(C=np.inf, tol=1e-8)`` (L-BFGS, multinomial, no penalty, no standard
errors; its tolerance tightened so that it reaches the same optimum: the largest coefficient
difference from mlebook is printed). Run it with `.venv/bin/python benchmarks/bench_regression.py`.

Each size is timed by ``benchmarks/timing.py`` (one thread, rounds that rotate which library
goes first): the median time of each fit and mlebook's ratio to each (below 1: mlebook is
faster), with its interquartile range. Timings depend on the machine and are never asserted
in the tests.
"""

from __future__ import annotations

# isort: off
import timing  # first: it limits every BLAS to one thread before numpy is imported

# isort: on
import formats
import numpy as np
import statsmodels.api as sm
from scipy.special import softmax
from sklearn.linear_model import LogisticRegression as SkLogistic

from mlebook.regression import SoftmaxRegression


def multinomial(n: int, p: int, rng: np.random.Generator, k: int = 3) -> None:
    X = rng.normal(size=(n, p))
    eta = np.column_stack([np.zeros(n), 0.2 + X @ rng.normal(scale=0.3, size=(p, k - 1))])
    y = (rng.random(n)[:, None] > softmax(eta, axis=1).cumsum(axis=1)).sum(axis=1)
    D = sm.add_constant(X)
    times, values = timing.measure(
        {
            "mlebook": lambda: SoftmaxRegression().fit(X, y),
            "statsmodels": lambda: sm.MNLogit(y, D).fit(disp=0),
            "sklearn": lambda: SkLogistic(C=np.inf, tol=1e-8, max_iter=10_000).fit(X, y),
        },
        repeat=5,
        budget=0.2,
    )
    sk = values["sklearn"]
    diff = np.max(np.abs(values["mlebook"].coef_ - (sk.coef_ - sk.coef_[0])))
    sm_ratio = timing.ratio(times, "mlebook", "statsmodels")
    sk_ratio = timing.ratio(times, "mlebook", "sklearn")
    print(
        f"{f'softmax k={k} n={n:>6} p={p:>2}':<28}{formats.seconds(sm_ratio['mlebook_s']):>10}"
        f"{formats.seconds(sm_ratio['reference_s']):>12}{formats.seconds(sk_ratio['reference_s']):>10}"
        f"{formats.ratio(sm_ratio):>20}{formats.ratio(sk_ratio):>20}{diff:>12.1e}"
    )


def main() -> None:
    rng = np.random.default_rng(0)
    print(
        f"{'task':<28}{'mlebook':>10}{'statsmodels':>12}{'sklearn':>10}{'ratio to sm':>20}"
        f"{'ratio to sk':>20}{'max |diff|':>12}"
    )
    for n in (10_000, 100_000):
        for p in (5, 20):
            multinomial(n, p, rng)


if __name__ == "__main__":
    main()
