"""Benchmarks of mlebook's core against the scipy routes a reader would otherwise use.

The book's benchmark, with targets, is ``benchmarks/run.py`` (``make bench``); this script adds
the other models and the routine work around a fit. Run it with
`.venv/bin/python benchmarks/bench_core.py`. For each task it prints the median time of
mlebook, of the reference, and the median of their per-round ratios (below 1: mlebook is
faster), timed by ``benchmarks/timing.py`` (one thread, rotating rounds). Timings depend on the
machine and are never asserted in the tests.

* log-likelihood of 10^6 observations: ``model.loglik`` against summing ``scipy.stats`` logpdf;
* closed-form MLE: ``model.mle`` against ``scipy.stats.<dist>.fit`` (closed forms there too);
* numerical MLE with standard errors: ``mlebook.fit`` against ``scipy.optimize.minimize``
  (L-BFGS-B with bounds) on the scipy log-density, which gives no standard errors.
"""

from __future__ import annotations

# isort: off
import timing  # first: it limits every BLAS to one thread before numpy is imported

# isort: on
import formats
import numpy as np
from scipy import optimize, stats

from mlebook import fit
from mlebook.models import Bernoulli, Categorical, Exponential, Gaussian, Poisson


def compare(task: str, ours, reference=None) -> None:
    """Time mlebook (and the reference, if any) in rotating rounds and print one line."""
    sides = {"mlebook": ours} | ({"reference": reference} if reference else {})
    times, _ = timing.measure(sides, repeat=5, budget=0.1)
    if reference is None:
        print(f"{task:<48}{formats.seconds(float(np.median(times['mlebook']))):>12}")
        return
    r = timing.ratio(times, "mlebook", "reference")
    print(
        f"{task:<48}{formats.seconds(r['mlebook_s']):>12}{formats.seconds(r['reference_s']):>12}"
        f"{formats.ratio(r):>20}"
    )


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
    print(f"{'task':<48}{'mlebook':>12}{'reference':>12}{'ratio (IQR)':>20}")
    for name, model, params, logpdf, _, _, _ in cases:
        x = model.sample(params, 1_000_000, rng)
        compare(
            f"{name}: loglik, n = 10^6",
            lambda: model.loglik(params, x),
            lambda: logpdf(x, params).sum(),
        )
    for name, model, params, _, closed, _, _ in cases:
        x = model.sample(params, 100_000, rng)
        compare(
            f"{name}: closed-form MLE, n = 10^5",
            lambda: model.mle(x),
            closed and (lambda: closed(x)),
        )
    for name, model, params, logpdf, _, bounds, start in cases:
        x = model.sample(params, 10_000, rng)
        generic = None
        if bounds is not None:
            nll = lambda t: -logpdf(x, t[0] if len(t) == 1 else t).sum()
            generic = lambda: optimize.minimize(nll, start, method="L-BFGS-B", bounds=bounds)
        compare(f"{name}: numerical MLE + SEs, n = 10^4", lambda: fit(model, x), generic)


if __name__ == "__main__":
    main()
