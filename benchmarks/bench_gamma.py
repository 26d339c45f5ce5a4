"""Benchmark of the Gamma MLE: ``mlebook.models.Gamma().mle`` against ``scipy.stats.gamma.fit``
with the location fixed at 0, the route a reader would otherwise use.

Run with `.venv/bin/python benchmarks/bench_gamma.py`. For n = 10^3 .. 10^6 it prints the
median time of each, their ratio (below 1: mlebook is faster), and the largest relative
difference between the two estimates. Both compute the same sufficient statistics and then
solve the equation ``log(shape) - digamma(shape) = log(mean) - mean(log x)``: mlebook by a few
Newton steps from Minka's approximation, scipy by a bracketing root finder. Timings depend on
the machine and are never asserted in the tests.
"""

from __future__ import annotations

import timeit

import numpy as np
from scipy import stats

from mlebook.models import Gamma


def median_time(fn, repeat=7):
    number = max(1, int(0.2 / max(timeit.timeit(fn, number=1), 1e-7)))
    return float(np.median(timeit.repeat(fn, number=number, repeat=repeat)) / number)


def main():
    rng = np.random.default_rng(0)
    model = Gamma()
    print(f"{'n':>9}{'mlebook':>12}{'scipy fit':>12}{'ratio':>8}{'max rel diff':>15}")
    for n in (10**3, 10**4, 10**5, 10**6):
        x = model.sample((2.5, 1.5), n, rng)
        ours = model.mle(x)
        a, _, scale = stats.gamma.fit(x, floc=0)
        diff = np.max(np.abs(ours / np.array([a, scale]) - 1))
        t_ml = median_time(lambda: model.mle(x))
        t_sp = median_time(lambda: stats.gamma.fit(x, floc=0))
        print(f"{n:>9}{t_ml * 1e3:>10.3f}ms{t_sp * 1e3:>10.3f}ms{t_ml / t_sp:>8.2f}{diff:>15.1e}")


if __name__ == "__main__":
    main()
