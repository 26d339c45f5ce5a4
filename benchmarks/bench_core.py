"""Benchmarks of mlebook's core against the scipy routes a reader would otherwise use.

The book's benchmark, with targets, is ``benchmarks/run.py`` (``make bench``); this script adds
the other models and the routine work around a fit. Run it with
`.venv/bin/python benchmarks/bench_core.py`. For each task it prints the median time of
mlebook, of the reference, and their ratio (below 1: mlebook is faster). Timings depend on
the machine and are never asserted in the tests.

* log-likelihood of 10^6 observations: ``model.loglik`` against summing ``scipy.stats`` logpdf;
* closed-form MLE: ``model.mle`` against ``scipy.stats.<dist>.fit`` (closed forms there too);
* numerical MLE with standard errors: ``mlebook.fit`` against ``scipy.optimize.minimize``
  (L-BFGS-B with bounds) on the scipy log-density, which gives no standard errors.
"""

from __future__ import annotations

import timeit

import numpy as np
from scipy import optimize, stats

from mlebook import fit
from mlebook.models import Bernoulli, Categorical, Exponential, Gaussian, Poisson


def median_time(fn, repeat=5):
    number = max(1, int(0.1 / max(timeit.timeit(fn, number=1), 1e-7)))
    return float(np.median(timeit.repeat(fn, number=number, repeat=repeat)) / number)


def row(task, t_ml, t_ref):
    ratio = f"{t_ml / t_ref:>8.2f}" if t_ref else ""
    ref = f"{t_ref * 1e3:>10.3f}ms" if t_ref else f"{'':>12}"
    print(f"{task:<42}{t_ml * 1e3:>10.3f}ms{ref}{ratio}")


def main():
    rng = np.random.default_rng(0)
    onehot = lambda x, k: np.eye(k)[x.astype(int)]
    # name, model, params, scipy logpdf(x, params), scipy closed-form fit, bounds, start
    cases = [
        (
            "Bernoulli",
            Bernoulli(),
            0.3,
            lambda x, p: stats.bernoulli.logpmf(x, p),
            None,
            [(1e-9, 1 - 1e-9)],
            [0.5],
        ),
        (
            "Gaussian",
            Gaussian(),
            (1.0, 2.0),
            lambda x, t: stats.norm.logpdf(x, t[0], np.sqrt(t[1])),
            lambda x: stats.norm.fit(x),
            [(None, None), (1e-9, None)],
            [0.0, 1.0],
        ),
        (
            "Poisson",
            Poisson(),
            3.0,
            lambda x, lam: stats.poisson.logpmf(x, lam),
            None,
            [(1e-9, None)],
            [1.0],
        ),
        (
            "Exponential",
            Exponential(),
            2.0,
            lambda x, r: stats.expon.logpdf(x, scale=1 / r),
            lambda x: stats.expon.fit(x, floc=0),
            [(1e-9, None)],
            [1.0],
        ),
        (
            "Categorical(5)",
            Categorical(k=5),
            np.full(5, 0.2),
            lambda x, p: stats.multinomial.logpmf(onehot(x, 5), 1, p),
            None,
            None,
            None,
        ),
    ]
    print(f"{'task':<42}{'mlebook':>12}{'reference':>12}{'ratio':>8}")
    for name, model, params, logpdf, _, _, _ in cases:
        x = model.sample(params, 1_000_000, rng)
        row(
            f"{name}: loglik, n = 10^6",
            median_time(lambda: model.loglik(params, x)),
            median_time(lambda: logpdf(x, params).sum(), repeat=3),
        )
    for name, model, params, _, closed, _, _ in cases:
        x = model.sample(params, 100_000, rng)
        row(
            f"{name}: closed-form MLE, n = 10^5",
            median_time(lambda: model.mle(x)),
            median_time(lambda: closed(x)) if closed else None,
        )
    for name, model, params, logpdf, _, bounds, start in cases:
        x = model.sample(params, 10_000, rng)
        generic = None
        if bounds is not None:
            nll = lambda t: -logpdf(x, t[0] if len(t) == 1 else t).sum()
            generic = median_time(
                lambda: optimize.minimize(nll, start, method="L-BFGS-B", bounds=bounds)
            )
        row(f"{name}: numerical MLE + SEs, n = 10^4", median_time(lambda: fit(model, x)), generic)


if __name__ == "__main__":
    main()
