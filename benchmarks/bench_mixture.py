"""Benchmark: mlebook's GaussianMixture against scikit-learn's, from the same start.

Run with `.venv/bin/python benchmarks/bench_mixture.py` (about a minute). For n = 10^3, 10^4,
10^5 samples in d = 2, 5, 10 dimensions from k = 3 overlapping Gaussians, both estimators
start from the same parameters (a k-means++ start drawn by mlebook, handed to scikit-learn
as weights_init / means_init / precisions_init) and stop at the same tolerance on the change
of the mean log-likelihood. The table gives the fit time of each (the fastest of a few runs,
alternating the two, which is the least disturbed by other work on the machine), the
iterations each ran, the ratio of the times per iteration (below 1: mlebook is faster) and
the difference of the final total log-likelihoods (mlebook minus scikit-learn). Timings depend
on the machine and are never asserted in the tests.

scikit-learn counts one more iteration at the same tolerance: it compares the log-likelihood
computed before each M-step, mlebook the one after, so scikit-learn's last M-step is the
one after which mlebook has already stopped.
"""

from __future__ import annotations

import timeit

import numpy as np
from sklearn.mixture import GaussianMixture as SkGaussianMixture

from mlebook.mixture import GaussianMixture

TOL = 1e-6          # the same stopping rule for both; tight enough for tens of iterations
REPEAT = 5


def overlapping_data(n: int, d: int, rng: np.random.Generator) -> np.ndarray:
    """n points from three Gaussians whose means are 2 standard deviations apart."""
    centres = rng.normal(scale=1.5, size=(3, d))
    labels = rng.choice(3, size=n, p=[0.5, 0.3, 0.2])
    return centres[labels] + rng.standard_normal((n, d))


def fastest_times(*fns) -> list[float]:
    """The fastest of REPEAT runs of each function, the functions taking turns."""
    times = [[] for _ in fns]
    for _ in range(REPEAT):
        for fn, t in zip(fns, times):
            t.append(timeit.timeit(fn, number=1))
    return [min(t) for t in times]


def main() -> None:
    rng = np.random.default_rng(2026)
    print(f"same start, tol = {TOL:g} on the mean log-likelihood, k = 3 components")
    print(f"{'n':>8}{'d':>4}{'mlebook':>11}{'iters':>7}{'sklearn':>11}{'iters':>7}"
          f"{'ratio/iter':>12}{'loglik diff':>14}")
    for n in (1_000, 10_000, 100_000):
        for d in (2, 5, 10):
            X = overlapping_data(n, d, rng)
            start = GaussianMixture(3, random_state=int(rng.integers(1_000)), max_iter=1)
            w0, m0, c0, _ = start._start(X, np.random.default_rng(0), start.reg_covar, 0.0)

            ours = GaussianMixture(3, tol=TOL, max_iter=100_000, weights_init=w0, means_init=m0,
                                   covariances_init=c0)
            theirs = SkGaussianMixture(3, tol=TOL, max_iter=100_000, weights_init=w0, means_init=m0,
                                       precisions_init=np.linalg.inv(c0),
                                       init_params="random_from_data", random_state=0)
            t_ours, t_theirs = fastest_times(lambda: ours.fit(X), lambda: theirs.fit(X))
            gap = ours.loglik_ - theirs.score(X) * n
            ratio = (t_ours / ours.n_iter_) / (t_theirs / theirs.n_iter_)
            print(f"{n:>8}{d:>4}{t_ours * 1e3:>9.1f}ms{ours.n_iter_:>7}{t_theirs * 1e3:>9.1f}ms"
                  f"{theirs.n_iter_:>7}{ratio:>12.2f}{gap:>14.2e}")


if __name__ == "__main__":
    main()
