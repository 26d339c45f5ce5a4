"""Benchmarks: mlebook against the library a reader would otherwise use, in one table.

Run with ``make bench`` or ``.venv/bin/python benchmarks/run.py``. Options:

* ``--quick``: small data sizes and fewer repetitions, a smoke run of a few seconds (add
  ``--no-book``); its results go to a temporary folder unless ``--output`` is given;
* ``--only TASK`` (repeatable): run only these tasks; the rows of the other tasks are kept
  from the existing results file;
* ``--no-book``: skip the slow rows, the chapter notebooks and the book build;
* ``--output PATH``: the JSON file to write (default ``benchmarks/results/benchmarks.json``;
  the figure goes next to it, as ``.png``).

It prints one table and writes it as JSON (with the machine it ran on) and as a figure.
``scripts/report_benchmarks.py`` renders the JSON into README.md and the appendix page
``appendix/performance.ipynb`` shows it in the book.

How the timings are taken
-------------------------
BLAS runs on one thread (set below, before numpy is imported), so the timings compare
algorithms rather than how each library uses the cores. mlebook and the reference fit the
same seeded data in the same process. They run alternately, ``repeat`` times each (a fast
function is called several times per timing, to stay above the clock's resolution); the
table gives the median time of each and the median of the ratios of the back-to-back pairs
(below 1: mlebook is faster), which is robust to other work on the machine.

The tasks and their targets
---------------------------
gaussian
    ``Gaussian().mle`` against ``scipy.stats.norm.fit``, n = 10^6: ratio <= 1.5 and
    identical estimates (compared as mean and standard deviation, scipy's parameters).
gamma
    ``Gamma().mle`` against ``scipy.stats.gamma.fit(x, floc=0)``, n = 10^5: ratio <= 2, and
    the log-likelihood at mlebook's estimate not lower than at scipy's by more than 1e-9
    relative (both evaluated with ``scipy.stats.gamma.logpdf``).
logistic
    ``LogisticRegression().fit`` (Newton with a Cholesky solve, standard errors included)
    against statsmodels ``Logit(y, design).fit(disp=0)`` with ``bse`` and ``llf`` read,
    n = 10^5, d = 20: ratio <= 1, coefficients within 1e-8, standard errors within 1e-8
    relative. statsmodels gets the design with its constant column ready-made (untimed);
    mlebook adds the intercept itself, inside its time. Both run at their default
    tolerances, which are tight enough: statsmodels' Newton stops when no coefficient moved
    by more than 1e-8, and Newton's quadratic convergence makes the error after such a step
    of the order of its square; mlebook stops when one more Newton step could raise the
    log-likelihood by less than 1e-10. The agreement columns show the result.
mixture
    ``GaussianMixture(n_components=3, tol=1e-6, convergence="scikit-learn")`` against
    scikit-learn's ``GaussianMixture(n_components=3, tol=1e-6)``, full covariances,
    n = 10^5 points in 2-D from three overlapping components, from the same starting
    values (scikit-learn gets them as weights_init, means_init and precisions_init), the
    same reg_covar and a large max_iter. Both then stop by the same rule, scikit-learn's
    (the change of the mean log-likelihood per sample, computed in the E-step, below tol).
    Targets: the same number of iterations, time per iteration ratio <= 1, final
    log-likelihoods within 1e-8 relative.
gamma_fit
    ``fit(Gamma(), x)``, the numerical fit with standard errors, n = 1000, against
    ``scipy.stats.gamma.fit(x, floc=0)`` (estimates only) and against the same call in
    mlebook 0.1.0 (taken from the git history into a temporary folder, unavailable without
    it). Targets: at least 25% faster than 0.1.0 (ratio to it <= 0.75), and the
    log-likelihood not lower than scipy's by more than 1e-9 relative.
profile
    The 95% profile-likelihood intervals of both Gamma parameters,
    ``fit(Gamma(), x).conf_int(method="profile")``, n = 1000, against a brute-force search
    written here with scipy only (the log-likelihood from ``scipy.stats.gamma.logpdf``, the
    other parameter maximized by Brent's method on a log scale, the profile evaluated on a
    fine grid, each crossing of the cut-off refined by bisection): endpoints within 1e-6.
dask_logistic
    Out of core: ``LogisticRegression().fit(X, y)`` on Dask arrays read from npy stacks on
    disk (``dask.array.to_npy_stack``), n = 10^7, d = 10 (880 MB with y), chunks of 125,000
    rows, against dask-ml's ``LogisticRegression(solver="newton", tol=1e-10)`` (its Newton
    solver fits the unpenalized MLE; its default tol, 1e-4 on the change of the coefficients,
    is too loose to agree to 1e-8) on the same ``LocalCluster`` (2 worker processes, one
    thread each). Each fit runs in a fresh process (``benchmarks/bench_dask.py``), after a
    warm-up fit on one chunk; they alternate, 3 times each. mlebook's time includes its
    standard errors and input checks. Targets: ratio <= 1, coefficients within 1e-8, and
    the peak resident memory of the process tree above the idle cluster's under half the
    data's size, for mlebook (dask-ml's is reported).
dask_gaussian
    ``Gaussian().mle(x)`` on 10^8 values (800 MB) generated chunk by chunk inside the graph
    (chunks of 5 * 10^6), on a ``LocalCluster`` of 2 workers against 1 (the "reference"
    column), each in a fresh process, 3 times each; the estimate against NumPy's mean and
    variance of the same values in memory (to 1e-12 relative). No time target: the ratio
    shows what a second worker gives on this machine.

With ``--quick`` the two out-of-core tasks run small data in this process on Dask's
threads, without a cluster: they check agreement, not time or memory.
chapters
    Each chapter notebook executed top to bottom in a fresh kernel with nbclient, from a
    copy in a temporary folder (the committed notebooks are not touched); the time includes
    starting the kernel. Target: under 10 s each; 15 s for chapter 14, which starts a Dask
    cluster and compiles JAX functions.
grading
    ``make grade`` on 8 copies of an assignment's solution, each graded in its own sandboxed
    process (``coursekit.grade``), with one job and then with two
    (``benchmarks/bench_grading.py``): the speed-up, target at least 1.5 on two cores, and
    the two CSVs identical.
build
    ``jupyter-book build`` (the flags of ``make book``) of a copy of the project in a
    temporary folder, with execution turned off so that the pages are built from the
    outputs stored in the notebooks, as on a machine whose execution cache is up to date.
    No target.

Timings depend on the machine and on what else runs on it; they are never asserted in the
tests. The agreement checks are what the targets hold to.
"""

from __future__ import annotations

import os

# One thread for every BLAS numpy or scipy may load: this must happen before numpy is imported.
for _variable in (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "BLIS_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
):
    os.environ[_variable] = "1"

import argparse  # noqa: E402
import datetime  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import scipy  # noqa: E402
from scipy import optimize, stats  # noqa: E402
from scipy.special import expit  # noqa: E402

import mlebook  # noqa: E402
from mlebook import fit  # noqa: E402
from mlebook.mixture import GaussianMixture  # noqa: E402
from mlebook.models import Gamma, Gaussian  # noqa: E402
from mlebook.regression import LogisticRegression  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT = ROOT / "benchmarks" / "results" / "benchmarks.json"
LIBRARY_TASKS = (
    "gaussian",
    "gamma",
    "gamma_fit",
    "logistic",
    "mixture",
    "profile",
    "dask_logistic",
    "dask_gaussian",
)
#: The commit of mlebook 0.1.0, the previous version the ``gamma_fit`` task compares with.
PREVIOUS = ("0.1.0", "00804ee")
BOOK_TASKS = ("chapters", "build", "grading")
TASKS = LIBRARY_TASKS + BOOK_TASKS
CHAPTER_SECONDS = 10.0
#: Chapters allowed longer: chapter 14 starts a Dask cluster and compiles JAX functions.
CHAPTER_SECONDS_EXCEPTIONS = {"14_scale": 15.0}
SEED = 20260301


# --------------------------------------------------------------------------- timing
def _call(fn: Callable[[], object], number: int) -> float:
    """Seconds per call of ``fn``, over ``number`` calls, garbage collection paused (as timeit)."""
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        for _ in range(number):
            fn()
        return (time.perf_counter() - start) / number
    finally:
        gc.enable()


def compare(ours: Callable, reference: Callable, repeat: int, budget: float = 0.05) -> dict:
    """Time ``ours`` and ``reference`` alternately, ``repeat`` times each.

    A fast function is called several times per timing, about ``budget`` seconds' worth, as
    a first (warm-up) call measures; with ``budget=0`` each timing is one call and there is
    no warm-up, for slow functions whose caller has already run them once.
    Returns the median seconds per call of each and the median of the paired ratios.
    """
    numbers = [1, 1]
    if budget > 0:
        numbers = [max(1, int(budget / max(_call(fn, 1), 1e-7))) for fn in (ours, reference)]
    times = np.array(
        [[_call(ours, numbers[0]), _call(reference, numbers[1])] for _ in range(repeat)]
    )
    return {
        "mlebook_s": float(np.median(times[:, 0])),
        "reference_s": float(np.median(times[:, 1])),
        "ratio": float(np.median(times[:, 0] / times[:, 1])),
        "repeat": repeat,
    }


def now() -> str:
    return datetime.datetime.now().astimezone().isoformat(timespec="seconds")


def relative(a: float, b: float) -> float:
    """``(a - b) / |b|``: a difference of log-likelihoods relative to the reference's."""
    return float((a - b) / abs(b))


# --------------------------------------------------------------------------- library tasks
def task_gaussian(quick: bool) -> dict:
    n = 10**5 if quick else 10**6
    x = Gaussian().sample((1.0, 4.0), n, np.random.default_rng(SEED))
    timing = compare(
        lambda: Gaussian().mle(x), lambda: stats.norm.fit(x), repeat=2 if quick else 15
    )
    mu, sigma2 = Gaussian().mle(x)
    loc, scale = stats.norm.fit(x)
    ours, theirs = np.array([mu, np.sqrt(sigma2)]), np.array([loc, scale])
    param_diff = float(np.max(np.abs(ours - theirs)))
    ll = [stats.norm.logpdf(x, m, s).sum() for m, s in (ours, theirs)]
    return {
        **timing,
        "title": f"Gaussian MLE, n = {n:,}",
        "reference": "scipy.stats.norm.fit",
        "target": "ratio <= 1.5, identical estimates",
        "max_ratio": 1.5,
        "param_diff": param_diff,
        "loglik_rel_diff": relative(*ll),
        "met": bool(timing["ratio"] <= 1.5 and param_diff == 0.0),
    }


def task_gamma(quick: bool) -> dict:
    n = 10**4 if quick else 10**5
    x = Gamma().sample((2.5, 1.5), n, np.random.default_rng(SEED))
    timing = compare(
        lambda: Gamma().mle(x), lambda: stats.gamma.fit(x, floc=0), repeat=2 if quick else 15
    )
    ours = Gamma().mle(x)
    shape, _, scale = stats.gamma.fit(x, floc=0)
    theirs = np.array([shape, scale])
    ll = [stats.gamma.logpdf(x, a, scale=s).sum() for a, s in (ours, theirs)]
    rel = relative(*ll)
    return {
        **timing,
        "title": f"Gamma MLE, n = {n:,}",
        "reference": "scipy.stats.gamma.fit(floc=0)",
        "target": "ratio <= 2, log-likelihood >= scipy's - 1e-9 rel.",
        "max_ratio": 2.0,
        "param_diff": float(np.max(np.abs(ours - theirs))),
        "loglik_rel_diff": rel,
        "met": bool(timing["ratio"] <= 2.0 and rel >= -1e-9),
    }


def previous_mlebook():
    """mlebook 0.1.0 from the git history, imported as a package of another name.

    None without git.
    """
    import importlib
    import io
    import tarfile

    version, commit = PREVIOUS
    name = "mlebook_" + version.replace(".", "_")
    folder = Path(tempfile.mkdtemp(prefix="mlebook-previous-"))
    try:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", commit, "mlebook"], capture_output=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    (folder / "mlebook").rename(folder / name)
    sys.path.insert(0, str(folder))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(folder))


def task_gamma_fit(quick: bool) -> dict:
    n = 1000
    x = Gamma().sample((2.5, 1.5), n, np.random.default_rng(SEED))
    repeat = 2 if quick else 15
    timing = compare(lambda: fit(Gamma(), x), lambda: stats.gamma.fit(x, floc=0), repeat=repeat)
    ours = fit(Gamma(), x).params
    shape, _, scale = stats.gamma.fit(x, floc=0)
    ll = [stats.gamma.logpdf(x, a, scale=s).sum() for a, s in (ours, (shape, scale))]
    rel = relative(*ll)
    old = previous_mlebook()
    details = {"previous": f"mlebook {PREVIOUS[0]}"}
    if old is not None:
        before = compare(
            lambda: fit(Gamma(), x), lambda: old.fit(old.models.Gamma(), x), repeat=repeat
        )
        details |= {
            "previous_s": before["reference_s"],
            "ratio_to_previous": before["ratio"],
            "previous_param_diff": float(
                np.max(np.abs(ours - old.fit(old.models.Gamma(), x).params))
            ),
        }
    faster = old is not None and details["ratio_to_previous"] <= 0.75
    # The figure shows the comparison the target is about: with the previous version.
    figure = {
        "ratio": details.get("ratio_to_previous"),
        "max_ratio": 0.75,
        "against": details["previous"],
    }
    return {
        **timing,
        "title": f"fit(Gamma(), x), n = {n:,}",
        "reference": "scipy.stats.gamma.fit(floc=0), which gives no standard errors",
        "target": "ratio to mlebook 0.1.0 <= 0.75, log-likelihood >= scipy's - 1e-9 rel.",
        "max_ratio": None,
        "param_diff": float(np.max(np.abs(ours - [shape, scale]))),
        "loglik_rel_diff": rel,
        "details": details,
        "figure": figure,
        "met": bool(faster and rel >= -1e-9),
    }


def task_logistic(quick: bool) -> dict:
    import statsmodels.api as sm

    n, d = (10**4 if quick else 10**5), 20
    rng = np.random.default_rng(SEED)
    X = rng.normal(size=(n, d))
    y = (rng.random(n) < expit(0.2 + X @ rng.normal(scale=0.3, size=d))).astype(float)
    design = sm.add_constant(X)

    def reference():
        result = sm.Logit(y, design).fit(disp=0)
        return result, result.bse, result.llf

    timing = compare(lambda: LogisticRegression().fit(X, y), reference, repeat=2 if quick else 11)
    ours = LogisticRegression().fit(X, y)
    theirs, bse, llf = reference()
    param_diff = float(np.max(np.abs(ours.params_ - theirs.params)))
    se_rel = float(np.max(np.abs(ours.se_ / bse - 1)))
    return {
        **timing,
        "title": f"logistic regression, n = {n:,}, d = {d}",
        "reference": "statsmodels Logit().fit()",
        "target": "ratio <= 1, coef. within 1e-8, SEs within 1e-8 rel.",
        "max_ratio": 1.0,
        "param_diff": param_diff,
        "loglik_rel_diff": relative(ours.loglik_, llf),
        "details": {
            "se_rel_diff": se_rel,
            "iterations": f"{ours.n_iter_} / {theirs.mle_retvals['iterations']}",
        },
        "met": bool(timing["ratio"] <= 1.0 and param_diff <= 1e-8 and se_rel <= 1e-8),
    }


def overlapping_mixture(n: int, rng: np.random.Generator) -> np.ndarray:
    """n points in 2-D from three Gaussians about two standard deviations apart."""
    means = np.array([[0.0, 0.0], [2.0, 0.5], [0.5, 2.0]])
    covariances = np.array(
        [[[1.0, 0.3], [0.3, 1.0]], [[1.0, -0.2], [-0.2, 0.6]], [[0.5, 0.0], [0.0, 1.2]]]
    )
    labels = rng.choice(3, size=n, p=[0.5, 0.3, 0.2])
    noise = np.einsum(
        "nij,nj->ni", np.linalg.cholesky(covariances)[labels], rng.standard_normal((n, 2))
    )
    return means[labels] + noise


def task_mixture(quick: bool) -> dict:
    from sklearn.mixture import GaussianMixture as SkGaussianMixture

    n, tol, reg = (3000 if quick else 10**5), 1e-6, 1e-6
    rng = np.random.default_rng(SEED)
    X = overlapping_mixture(n, rng)
    # One start for both: equal weights, three data points as means, the data's covariance.
    w0 = np.full(3, 1 / 3)
    m0 = X[rng.choice(n, size=3, replace=False)]
    c0 = np.repeat(np.cov(X, rowvar=False, bias=True)[None], 3, axis=0)

    def ours():
        return GaussianMixture(
            n_components=3,
            tol=tol,
            convergence="scikit-learn",
            max_iter=100_000,
            reg_covar=reg,
            weights_init=w0,
            means_init=m0,
            covariances_init=c0,
        ).fit(X)

    def theirs():
        return SkGaussianMixture(
            3,
            covariance_type="full",
            tol=tol,
            max_iter=100_000,
            reg_covar=reg,
            weights_init=w0,
            means_init=m0,
            precisions_init=np.linalg.inv(c0),
            init_params="random_from_data",
            random_state=0,
        ).fit(X)

    a, b = ours(), theirs()  # the fits compared; also the warm-up
    timing = compare(ours, theirs, repeat=1 if quick else 5, budget=0.0)
    # The same number of iterations, so the ratio of total times is that of times per iteration.
    per_iteration = timing["ratio"] * b.n_iter_ / a.n_iter_
    ll_ours, ll_theirs = a.loglik_, b.score(X) * n
    param_diff = max(
        float(np.max(np.abs(p - q)))
        for p, q in (
            (a.weights_, b.weights_),
            (a.means_, b.means_),
            (a.covariances_, b.covariances_),
        )
    )
    rel = relative(ll_ours, ll_theirs)
    return {
        **timing,
        "ratio": float(per_iteration),
        "ratio_of": "time per iteration",
        "title": f"Gaussian mixture, k = 3, n = {n:,}, 2-D",
        "reference": "scikit-learn GaussianMixture",
        "target": "ratio per iteration <= 1, same iterations, log-lik. within 1e-8 rel.",
        "max_ratio": 1.0,
        "param_diff": param_diff,
        "loglik_rel_diff": rel,
        "details": {
            "iterations": f"{a.n_iter_} / {b.n_iter_}",
            "ms_per_iteration": [
                1e3 * timing["mlebook_s"] / a.n_iter_,
                1e3 * timing["reference_s"] / b.n_iter_,
            ],
        },
        "met": bool(per_iteration <= 1.0 and a.n_iter_ == b.n_iter_ and abs(rel) <= 1e-8),
    }


def gamma_profile_intervals(x: np.ndarray, level: float = 0.95) -> np.ndarray:
    """Profile-likelihood intervals of the Gamma shape and scale, by brute force with scipy.

    The log-likelihood is ``scipy.stats.gamma.logpdf`` summed. Holding one parameter fixed,
    the other is maximized by Brent's method over its logarithm. The maximum is found the
    same way, the profile is evaluated on a fine grid, and every crossing of the cut-off
    ``max - chi2(1).ppf(level) / 2`` is refined by bisection (Brent's root finder).
    """
    mean = x.mean()

    def loglik(shape, scale):
        return stats.gamma.logpdf(x, shape, scale=scale).sum()

    def maximize(f, guess):
        """Maximum over t > 0 of f(t), searching over log(t) from the guess."""
        res = optimize.minimize_scalar(
            lambda u: -f(np.exp(u)),
            bracket=(np.log(guess) - 0.1, np.log(guess) + 0.1),
            method="brent",
            options={"xtol": 1e-12},
        )
        return -res.fun, float(np.exp(res.x))

    profiles = [
        lambda a: maximize(lambda s: loglik(a, s), mean / a)[0],  # shape; scale maximized
        lambda s: maximize(lambda a: loglik(a, s), mean / s)[0],  # scale; shape maximized
    ]
    top, shape_hat = maximize(profiles[0], mean**2 / x.var())
    estimates = (shape_hat, mean / shape_hat)
    cut = top - stats.chi2.ppf(level, df=1) / 2
    intervals = []
    for profile, estimate in zip(profiles, estimates, strict=True):
        grid = estimate * np.exp(np.linspace(-1.0, 1.0, 401))
        excess = np.array([profile(t) for t in grid]) - cut
        inside = np.flatnonzero(excess > 0)
        if inside.size == 0 or inside[0] == 0 or inside[-1] == grid.size - 1:
            raise RuntimeError("the grid does not contain the whole interval; widen it")
        ends = [
            optimize.brentq(
                lambda t: profile(t) - cut, grid[i], grid[i + 1], xtol=1e-13, rtol=1e-14
            )
            for i in (inside[0] - 1, inside[-1])
        ]
        intervals.append(ends)
    return np.array(intervals)


def task_profile(quick: bool) -> dict:
    n = 200 if quick else 1000
    x = Gamma().sample((2.5, 1.5), n, np.random.default_rng(SEED))
    ours = fit(Gamma(), x).conf_int(method="profile")
    theirs = gamma_profile_intervals(x)  # the intervals compared; also the warm-up
    timing = compare(
        lambda: fit(Gamma(), x).conf_int(method="profile"),
        lambda: gamma_profile_intervals(x),
        repeat=1 if quick else 3,
        budget=0.0,
    )
    param_diff = float(np.max(np.abs(ours - theirs)))
    return {
        **timing,
        "title": f"profile-likelihood 95% intervals, Gamma, n = {n:,}",
        "reference": "brute-force grid and bisection (scipy)",
        "target": "endpoints within 1e-6",
        "max_ratio": None,
        "param_diff": param_diff,
        "loglik_rel_diff": None,
        "details": {"intervals": ours.tolist()},
        "met": bool(param_diff <= 1e-6),
    }


# --------------------------------------------------------------------------- the book
def run_fresh(*args: str, quick: bool = False) -> dict:
    """One out-of-core measurement in a fresh process (``benchmarks/bench_dask.py``); quick:
    in this process, on Dask's threads, without a cluster (agreement only)."""
    script = ROOT / "benchmarks" / "bench_dask.py"
    if quick:
        sys.path.insert(0, str(script.parent))
        import bench_dask

        kind, *rest = args
        if kind == "logistic":
            return bench_dask.logistic(rest[0], rest[1], 0)
        return bench_dask.gaussian(int(rest[0]), int(rest[1]), 0)
    proc = subprocess.run(
        [sys.executable, str(script), *args], capture_output=True, text=True, timeout=3600
    )
    if proc.returncode != 0:
        raise RuntimeError(f"bench_dask.py {' '.join(args)} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def paired(ours: list[dict], theirs: list[dict]) -> dict:
    """Median times and the median of the paired ratios, as :func:`compare` reports them."""
    a = np.array([r["seconds"] for r in ours])
    b = np.array([r["seconds"] for r in theirs])
    return {
        "mlebook_s": float(np.median(a)),
        "reference_s": float(np.median(b)),
        "ratio": float(np.median(a / b)),
        "repeat": len(a),
    }


def task_dask_logistic(quick: bool) -> dict:
    import dask
    import dask.array as da

    n, d = (20_000 if quick else 10**7), 10
    rows = 5_000 if quick else 125_000
    repeat = 1 if quick else 3
    with tempfile.TemporaryDirectory() as folder:
        with dask.config.set(scheduler="threads"):
            X = da.random.default_rng(SEED).normal(size=(n, d), chunks=(rows, d))
            da.to_npy_stack(f"{folder}/X", X)
            X = da.from_npy_stack(f"{folder}/X")
            beta = np.linspace(-0.5, 0.5, d)
            u = da.random.default_rng(SEED + 1).random(size=n, chunks=rows)
            da.to_npy_stack(f"{folder}/y", (u < expit(0.3 + X @ beta)).astype(float))
        ours, theirs = [], []
        for _ in range(repeat):
            ours.append(run_fresh("logistic", folder, "mlebook", "2", quick=quick))
            theirs.append(run_fresh("logistic", folder, "dask-ml", "2", quick=quick))
    timing = paired(ours, theirs)
    param_diff = float(np.max(np.abs(np.subtract(ours[0]["params"], theirs[0]["params"]))))
    data = ours[0]["data_bytes"]
    extra = max(r["peak_bytes"] - r["idle_bytes"] for r in ours)
    extra_theirs = max(r["peak_bytes"] - r["idle_bytes"] for r in theirs)
    memory_met = quick or extra < data / 2
    return {
        **timing,
        "title": f"out-of-core logistic regression, n = {n:,}, d = {d}",
        "reference": "dask-ml LogisticRegression(solver='newton')",
        "target": "ratio <= 1, coef. within 1e-8, peak memory < data / 2",
        "max_ratio": 1.0,
        "param_diff": param_diff,
        "loglik_rel_diff": None,
        "details": {
            "data_MB": round(data / 1e6),
            "peak_above_idle_MB": f"{extra / 1e6:.0f} / {extra_theirs / 1e6:.0f}",
            "peak_total_MB": (
                f"{max(r['peak_bytes'] for r in ours) / 1e6:.0f} / "
                f"{max(r['peak_bytes'] for r in theirs) / 1e6:.0f}"
            ),
            "newton_iterations": ours[0]["n_iter"],
            "workers": 2,
        },
        "met": bool(timing["ratio"] <= 1.0 and param_diff <= 1e-8 and memory_met),
    }


def task_dask_gaussian(quick: bool) -> dict:
    import dask
    import dask.array as da

    n = 10**6 if quick else 10**8
    chunk = 10**5 if quick else 5 * 10**6
    repeat = 1 if quick else 3
    two, one = [], []
    for _ in range(repeat):
        two.append(run_fresh("gaussian", str(n), str(chunk), "2", quick=quick))
        one.append(run_fresh("gaussian", str(n), str(chunk), "1", quick=quick))
    timing = paired(two, one)
    with dask.config.set(scheduler="threads"):  # the same values, in memory
        x = da.random.default_rng(20260301).normal(3.0, 2.0, size=n, chunks=chunk).compute()
    exact = np.array([x.mean(), x.var()])
    param_diff = float(np.max(np.abs(np.array(two[0]["params"]) / exact - 1)))
    workers_diff = float(np.max(np.abs(np.subtract(two[0]["params"], one[0]["params"]))))
    return {
        **timing,
        "title": f"chunked Gaussian MLE, n = {n:,}, 2 workers vs 1",
        "reference": "the same on 1 worker",
        "against": "1 worker",
        "target": "estimates within 1e-12 rel. of NumPy in memory",
        "max_ratio": None,
        "param_diff": param_diff,
        "loglik_rel_diff": None,
        "details": {
            "data_MB": round(8 * n / 1e6),
            "workers_param_diff": workers_diff,
            "peak_above_idle_MB": (
                f"{max(r['peak_bytes'] - r['idle_bytes'] for r in two) / 1e6:.0f} / "
                f"{max(r['peak_bytes'] - r['idle_bytes'] for r in one) / 1e6:.0f}"
            ),
        },
        "met": bool(param_diff <= 1e-12),
    }


def task_grading(quick: bool) -> dict:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import bench_grading

    result = bench_grading.measure(quick)
    return {
        "task": "grading",
        "kind": "course",
        "title": f"grading {result['submissions']} submissions, 2 jobs vs 1",
        "mlebook_s": result["parallel_s"],
        "reference": "the same with 1 job",
        "reference_s": result["serial_s"],
        "ratio": result["parallel_s"] / result["serial_s"],
        "target": "speed-up >= 1.5 on 2 cores, the same CSV",
        "max_ratio": 1 / 1.5,
        "param_diff": None,
        "loglik_rel_diff": None,
        "details": result,
        "met": bool(result["speedup"] >= 1.5 and result["same_csv"]),
    }


def task_chapters(quick: bool) -> list[dict]:
    """Execute every chapter notebook in a fresh kernel, from a copy in a temporary folder."""
    import nbformat
    from nbclient import NotebookClient

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "chapters"
        shutil.copytree(
            ROOT / "chapters", folder, ignore=shutil.ignore_patterns(".ipynb_checkpoints")
        )
        for path in sorted(folder.glob("*.ipynb")):
            nb = nbformat.read(path, as_version=4)
            client = NotebookClient(
                nb,
                timeout=600,
                kernel_name="python3",
                resources={"metadata": {"path": str(folder)}},
            )
            start = time.perf_counter()
            try:
                client.execute()
                error = None
            except Exception as exc:  # a failing chapter is reported in the table, not fatal
                error = f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1][:200]}"
            seconds = time.perf_counter() - start
            limit = CHAPTER_SECONDS_EXCEPTIONS.get(path.stem, CHAPTER_SECONDS)
            rows.append(
                {
                    "task": f"chapter:{path.stem}",
                    "kind": "chapter",
                    "title": f"chapter {path.stem}",
                    "mlebook_s": seconds,
                    "reference": None,
                    "reference_s": None,
                    "ratio": None,
                    "target": f"under {limit:g} s",
                    "max_seconds": limit,
                    "error": error,
                    "met": bool(error is None and seconds < limit),
                }
            )
            print(f"  {path.stem}: {seconds:.1f} s{'  ' + error if error else ''}", flush=True)
    return rows


def task_build(quick: bool) -> dict:
    """Build the book from the stored outputs, in a copy of the project in a temporary folder."""
    import yaml

    ignore = shutil.ignore_patterns(
        ".venv",
        "_build",
        ".git",
        "dist",
        "results",
        "__pycache__",
        "*.egg-info",
        ".pytest_cache",
        ".hypothesis",
        ".ipynb_checkpoints",
    )
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "book"
        shutil.copytree(ROOT, copy, ignore=ignore)
        config = yaml.safe_load((copy / "_config.yml").read_text())
        config.setdefault("execute", {})["execute_notebooks"] = "off"
        (copy / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
        cmd = [
            str(Path(sys.executable).parent / "jupyter-book"),
            "build",
            str(copy),
            "--builder",
            "html",
            "--warningiserror",
            "--nitpick",
            "--keep-going",
        ]
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        seconds = time.perf_counter() - start
    error = (
        None if proc.returncode == 0 else (proc.stdout + proc.stderr).strip().splitlines()[-1][:300]
    )
    if error:
        print((proc.stdout + proc.stderr)[-3000:], file=sys.stderr)
    return {
        "title": "book build (html) from the stored outputs",
        "kind": "build",
        "mlebook_s": seconds,
        "reference": None,
        "reference_s": None,
        "ratio": None,
        "target": "",
        "error": error,
        "met": error is None,
    }


# --------------------------------------------------------------------------- output
def machine_info() -> dict:
    import sklearn
    import statsmodels

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "date": now(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "statsmodels": statsmodels.__version__,
        "scikit-learn": sklearn.__version__,
        "mlebook": getattr(mlebook, "__version__", ""),
        "platform": platform.platform(),
        "cpu": cpu,
        "cpu_count": os.cpu_count(),
        "blas_threads": 1,
        "load_average_at_start": [round(v, 2) for v in os.getloadavg()]
        if hasattr(os, "getloadavg")
        else None,
    }


def fmt_seconds(s: float | None) -> str:
    if s is None:
        return "-"
    return f"{s * 1e3:.2f} ms" if s < 0.1 else f"{s * 1e3:.0f} ms" if s < 1 else f"{s:.1f} s"


def fmt_diff(v: float | None) -> str:
    return "-" if v is None else "0" if v == 0 else f"{v:.1e}"


def print_table(rows: list[dict]) -> None:
    header = (
        f"{'task':<52}{'mlebook':>11}{'reference':>11}{'ratio':>7}"
        f"{'max |dparam|':>14}{'dloglik rel':>13}  met"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        ratio = "-" if r.get("ratio") is None else f"{r['ratio']:.2f}"
        print(
            f"{r['title'][:51]:<52}{fmt_seconds(r['mlebook_s']):>11}{fmt_seconds(r.get('reference_s')):>11}"
            f"{ratio:>7}{fmt_diff(r.get('param_diff')):>14}{fmt_diff(r.get('loglik_rel_diff')):>13}"
            f"  {'yes' if r['met'] else 'NO'}"
        )
    for r in rows:
        if r.get("error"):
            print(f"{r['title']}: {r['error']}")


def draw_figure(rows: list[dict], path: Path) -> None:
    """Horizontal bars: the time ratios with their targets, and the chapters' execution times."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, NullFormatter

    from mlebook.plotting import use_book_style

    use_book_style()
    library = [r for r in rows if r["kind"] == "library"]
    chapters = [r for r in rows if r["kind"] == "chapter"]
    build = [r for r in rows if r["kind"] == "build"]
    panels = [p for p in (library, chapters) if p]
    heights = [len(p) + 1 for p in panels]
    fig, axes = plt.subplots(
        len(panels),
        1,
        figsize=(8, 0.3 * sum(heights) + 1.6),
        gridspec_kw={"height_ratios": heights},
        squeeze=False,
    )
    axes = axes[:, 0]
    if library:
        ax = axes[0]
        y = np.arange(len(library))[::-1]
        # A row may say which of its comparisons the figure shows (``figure``); else its ratio.
        shown = [r.get("figure") or r for r in library]
        ratios = [f["ratio"] for f in shown]
        colours = ["C0" if r["met"] else "C3" for r in library]
        ax.barh(y, ratios, color=colours, height=0.6)
        for yi, f in zip(y, shown, strict=True):
            if f.get("max_ratio") is not None:
                ax.plot([f["max_ratio"]] * 2, [yi - 0.4, yi + 0.4], color="0.15", linewidth=2.5)
            ax.text(f["ratio"], yi, f" {f['ratio']:.2f}", va="center", fontsize=9)
        ax.axvline(1.0, color="0.5", linewidth=1, linestyle=":")
        ax.set_xscale("log")
        targets = [f["max_ratio"] for f in shown if f.get("max_ratio")]
        low, high = (
            min(0.2, 0.5 * min(ratios)),
            max([3.0, 1.5 * max(ratios)] + [1.5 * t for t in targets]),
        )
        ax.set_xlim(low, high)
        ax.set_xticks(
            [t for t in (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20) if low <= t <= high]
        )
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_yticks(
            y,
            [
                r["title"].split(", n = ")[0]
                + (" (per iteration)" if r.get("ratio_of") else "")
                + (f" vs {f['against']}" if f.get("against") else "")
                for r, f in zip(library, shown, strict=True)
            ],
        )
        ax.set_xlabel("mlebook's time / the reference's time (log scale)")
        ax.set_title("mlebook against the reference library (black tick: target)")
    if chapters:
        ax = axes[-1]
        y = np.arange(len(chapters))[::-1]
        seconds = [r["mlebook_s"] for r in chapters]
        ax.barh(y, seconds, color=["C0" if r["met"] else "C3" for r in chapters], height=0.6)
        ax.axvline(CHAPTER_SECONDS, color="0.15", linewidth=2)
        for yi, r in zip(y, chapters, strict=True):  # a chapter allowed longer: its own tick
            if r.get("max_seconds", CHAPTER_SECONDS) != CHAPTER_SECONDS:
                ax.plot([r["max_seconds"]] * 2, [yi - 0.4, yi + 0.4], color="0.15", linewidth=2.5)
        ax.set_yticks(y, [r["title"].replace("chapter ", "") for r in chapters])
        ax.set_xlabel("seconds to execute in a fresh kernel (black line: target)")
        title = "chapter notebooks"
        if build and build[0]["met"]:
            title += f"; the book builds from them in {build[0]['mlebook_s']:.0f} s"
        ax.set_title(title)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120, metadata={"Software": None})
    plt.close(fig)


def merge(path: Path, new_rows: list[dict], quick: bool) -> list[dict]:
    """The rows of this run, plus the rows of tasks not run this time from the existing file."""
    kept = []
    if path.exists():
        old = json.loads(path.read_text())
        if old.get("settings", {}).get("quick") == quick:
            ran = {r["task"] for r in new_rows}
            ran_chapters = any(r["kind"] == "chapter" for r in new_rows)
            kept = [
                r
                for r in old["rows"]
                if r["task"] not in ran and not (ran_chapters and r["kind"] == "chapter")
            ]
    order = {t: i for i, t in enumerate(TASKS)}

    def key(r):
        return (order["chapters"] if r["kind"] == "chapter" else order[r["task"]], r["task"])

    return sorted(kept + new_rows, key=key)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="small sizes and few repetitions: a smoke run"
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=TASKS,
        metavar="TASK",
        help=f"run only this task (repeatable): {', '.join(TASKS)}",
    )
    parser.add_argument(
        "--no-book", action="store_true", help="skip the chapter notebooks and the book build"
    )
    parser.add_argument(
        "--output",
        type=Path,
        help="JSON file to write (default: benchmarks/results/benchmarks.json, "
        "or a temporary folder with --quick)",
    )
    args = parser.parse_args(argv)

    tasks = list(args.only or TASKS)
    if args.no_book:
        tasks = [t for t in tasks if t not in BOOK_TASKS]
    output = args.output or (
        Path(tempfile.gettempdir()) / "mlebook-benchmarks-quick" / "benchmarks.json"
        if args.quick
        else DEFAULT_OUTPUT
    )
    machine = machine_info()
    print(
        f"{machine['date']}: {machine['cpu']}, {machine['cpu_count']} CPUs, "
        f"load {machine['load_average_at_start']}; "
        f"BLAS on one thread{'; quick sizes' if args.quick else ''}",
        flush=True,
    )

    rows = []
    for task in tasks:
        print(f"{task} ...", flush=True)
        start = time.perf_counter()
        if task == "chapters":
            results = task_chapters(args.quick)
        else:
            results = [globals()[f"task_{task}"](args.quick)]
            results[0].setdefault("task", task)
            results[0].setdefault("kind", "library")
        for r in results:
            r["measured"] = now()
        rows += results
        print(f"{task}: done in {time.perf_counter() - start:.0f} s", flush=True)

    rows = merge(output, rows, args.quick)
    print()
    print_table(rows)
    chapters = [r for r in rows if r["kind"] == "chapter"]
    if chapters:
        slowest = max(chapters, key=lambda r: r["mlebook_s"])
        print(f"slowest chapter: {slowest['title']} ({slowest['mlebook_s']:.1f} s)")

    machine["load_average_at_end"] = (
        [round(v, 2) for v in os.getloadavg()] if hasattr(os, "getloadavg") else None
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "machine": machine,
        "settings": {"quick": args.quick, "tasks_run": tasks},
        "rows": rows,
    }
    output.write_text(json.dumps(document, indent=1) + "\n")
    draw_figure(rows, output.with_suffix(".png"))
    print(f"\nwrote {output} and {output.with_suffix('.png')}")
    if output == DEFAULT_OUTPUT:
        print(
            "then: .venv/bin/python scripts/report_benchmarks.py (README) and "
            ".venv/bin/python scripts/execute_notebooks.py appendix/performance.ipynb"
        )
    missed = [r["title"] for r in rows if not r["met"]]
    print("every target met" if not missed else f"targets missed: {'; '.join(missed)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
