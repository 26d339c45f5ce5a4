"""Benchmarks: mlebook against the fastest library a reader would otherwise use, in one table.

Run with ``make bench`` (this script, then the README's table and the appendix page) or
``.venv/bin/python benchmarks/run.py``. Options:

* ``--quick``: small sizes and one or two rounds, a smoke run of some 20 s that checks every
  agreement (``tests/test_benchmarks.py`` runs it with ``--no-book``); its results go to a
  temporary folder unless ``--output`` is given;
* ``--only TASK`` (repeatable): run only these tasks; the rows of the other tasks are kept
  from the existing results file;
* ``--no-book``: skip the chapter notebooks, the book build and the grading;
* ``--force``: run even when the machine is busy (see below); the results then say so;
* ``--output PATH``: the JSON file to write (default ``benchmarks/results/benchmarks.json``;
  the figures go next to it, as ``.png`` and ``-scaling.png``).

It prints the table and writes it as JSON (with the machine it ran on) and as two figures.
``scripts/report_benchmarks.py`` renders the JSON into README.md, and the appendix page
``appendix/performance.ipynb`` shows it in the book.

How the timings are taken
-------------------------
``benchmarks/timing.py`` is the one timer. Every BLAS and OpenMP library runs on one thread
(through the environment and threadpoolctl), so that the timings compare algorithms, not how
each library spreads its work over the cores. mlebook and its peers fit the same seeded data
in the same process, in rounds that rotate which side goes first. A row gives the median time
of each side and the median of the per-round ratios of mlebook's time to the peer's (below 1:
mlebook is faster), with the interquartile range of those ratios (``ratio_low`` to
``ratio_high``); a ratio whose range contains 1 is shown as "≈ 1", a tie. A run refuses to
start when the 1-minute load average exceeds 0.5 per core, unless forced (``--force``, which
the results record); the load at the start of the run and of each task is recorded, and the
README shows it. A quick run is never published, so it does not check the load.

The tasks, their peers and their targets
----------------------------------------
Each peer is named with its settings, and each row says what each side computes.

gaussian
    ``Gaussian().mle`` against ``scipy.stats.norm.fit``, n = 10^6: ratio <= 1.5 and
    identical estimates.
gamma
    ``Gamma().mle`` against ``scipy.stats.gamma.fit(x, floc=0)``, at n = 10^3, 10^5 (the row)
    and 10^7: ratio <= 2, and the log-likelihood at mlebook's estimate not lower than at
    scipy's by more than 1e-9 relative.
gamma_fit
    ``fit(Gamma(), x)``, the numerical fit with standard errors, n = 1000, against
    ``scipy.stats.gamma.fit(x, floc=0)`` (estimates only: no target on time) and against the
    same call in mlebook 0.1.0 (from the git history): at least 25% faster than 0.1.0.
logistic
    ``LogisticRegression().fit`` (Newton, Cholesky solves, standard errors, a rank check)
    against statsmodels ``Logit`` as users call it (it checks the design's rank by a QR
    decomposition) and with ``check_rank=False``, scikit-learn's ``newton-cholesky`` and
    ``lbfgs`` solvers with ``C=np.inf`` (no penalty) and ``tol=1e-8`` (scikit-learn's
    default, 1e-4, stops 3e-6 short of the maximum), at n in {10^4, 10^5, 10^6} and d in
    {5, 20, 100}; the rows are n = 10^5, d = 20. statsmodels gets the design with its column
    of ones ready-made (untimed); mlebook and scikit-learn add the intercept themselves.
    Targets: ratio <= 1 against the Newton solvers, coefficients within 1e-8 (and the
    standard errors within 1e-8 relative, statsmodels'); L-BFGS, which needs no Hessian and
    gives no standard errors, within 1e-6, no time target.
mixture
    ``GaussianMixture(tol=1e-6, convergence="scikit-learn")`` against scikit-learn's
    ``GaussianMixture(tol=1e-6)``, full covariances, from the same starting values, the same
    reg_covar and stopping rule: k = 3 in 2-D (n = 10^5), and k = 10 in 10-D (n = 20,000).
    Targets: the same number of iterations, time per iteration ratio <= 1, final
    log-likelihoods within 1e-8 relative.
profile
    The 95% profile-likelihood intervals of both Gamma parameters,
    ``fit(Gamma(), x).conf_int(method="profile")``, against the same algorithm written with
    scipy (the MLE from ``scipy.stats.gamma.fit``, then each end by walking out from the
    estimate in steps of its standard error, doubling, and ``brentq`` on the crossing, each
    profile point maximized by ``minimize_scalar`` on a log scale, the log-likelihood from the
    sufficient statistics), and against that version with the closed-form conditional MLE of
    the scale given the shape (``mean(x) / shape``), at n in {10^3 (the rows), 10^5, 10^7}.
    mlebook reads the sample once, into its sufficient statistics, and takes each profile
    point from the model's conditional MLE: the scale given the shape in closed form, the
    shape given the scale by Newton's method on ``digamma(shape) = mean(log x) - log(scale)``.
    Targets: endpoints within 1e-9 (they lie between 1 and 3); ratio <= 1 against both.
dask_logistic
    Out of core: ``LogisticRegression().fit(X, y)`` on Dask arrays read from npy stacks on
    disk, n = 10^7, d = 10 (880 MB with y), chunks of 125,000 rows, against dask-ml's
    ``LogisticRegression(solver="newton", tol=1e-10)`` on the same ``LocalCluster`` (2 worker
    processes, one thread each). Each fit runs in a fresh process (``bench_dask.py``),
    3 rounds that alternate which goes first. Targets: ratio <= 1, coefficients within
    1e-8, peak memory of the process tree above the idle cluster's under half the data's.
dask_gaussian
    ``Gaussian().mle(x)`` on 10^8 values generated chunk by chunk, on 2 workers against 1,
    each in a fresh process; the estimate against NumPy's in memory (1e-12 relative).

With ``--quick`` the out-of-core tasks run small data in this process on Dask's threads,
without a cluster: they check agreement, not time or memory.

chapters
    Each chapter notebook executed top to bottom in a fresh kernel (nbclient), from a copy
    in a temporary folder. Target: under 10 s each; 15 s for chapter 14, which starts a Dask
    cluster and compiles JAX functions.
grading
    ``make grade`` on 8 copies of an assignment's solution, 1 job and then 2
    (``bench_grading.py``): speed-up at least 1.5 on two cores, the same CSV.
build
    ``jupyter-book build`` of a copy of the project from the stored outputs. No target.

Timings depend on the machine and on what else runs on it; they are never asserted in the
tests. The agreement checks are.
"""

from __future__ import annotations

# isort: off
import timing  # first: it limits every BLAS to one thread before numpy is imported

# isort: on
import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import formats
import numpy as np
import scipy

# every thread pool (OpenBLAS, OpenMP) loaded before the first task enters timing.one_thread
import sklearn.linear_model
import sklearn.mixture  # noqa: F401
import statsmodels.api  # noqa: F401
from scipy import optimize, special, stats
from scipy.special import expit, log_expit

import mlebook
from mlebook import fit
from mlebook.mixture import GaussianMixture
from mlebook.models import Gamma, Gaussian
from mlebook.regression import LogisticRegression

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


@dataclass(frozen=True)
class Peer:
    """A side of a comparison: its name in the table, its settings as called, what it computes."""

    label: str
    settings: str
    computes: str


def now() -> str:
    return datetime.datetime.now().astimezone().isoformat(timespec="seconds")


def relative(a: float, b: float) -> float:
    """``(a - b) / |b|``: a difference of log-likelihoods relative to the reference's."""
    return float((a - b) / abs(b))


def library_row(times: dict, peer_key: str, peer: Peer, ours: str, **fields) -> dict:
    """A table row: mlebook against one peer, from the timings of a :func:`timing.measure`."""
    return {
        "kind": "library",
        "reference": peer.label,
        "settings": peer.settings,
        "computes": {"mlebook": ours, "reference": peer.computes},
        **timing.ratio(times, "mlebook", peer_key),
        **fields,
    }


def scaling_row(task: str, title: str, times: dict, size: dict, **fields) -> dict:
    """One size of a scaling study: every side's median time and mlebook's ratio to each."""
    peers = [name for name in times if name != "mlebook"]
    ratios = {}
    for name in peers:
        r = timing.ratio(times, "mlebook", name)
        ratios[name] = {key: r[key] for key in ("ratio", "ratio_low", "ratio_high")}
    return {
        "task": task,
        "kind": "scaling",
        "title": title,
        **size,
        "seconds": {name: float(np.median(t)) for name, t in times.items()},
        "ratios": ratios,
        "repeat": len(times["mlebook"]),
        **fields,
    }


def growth_row(task: str, scaling: list[dict], group: dict | None = None) -> dict:
    """The observed growth with n: the least-squares slope of log(time) against log(n) of each
    side over the scaling rows of one group (one d for logistic regression)."""
    ns = np.log([r["n"] for r in scaling])
    seconds = {
        name: np.log([r["seconds"][name] for r in scaling]) for name in scaling[0]["seconds"]
    }
    return {
        "task": task,
        "kind": "growth",
        **(group or {}),
        "n": [r["n"] for r in scaling],
        "exponents": {name: float(np.polyfit(ns, t, 1)[0]) for name, t in seconds.items()},
        # between the two largest sizes, where a cost that grows with n dominates
        "exponents_largest": {
            name: float((t[-1] - t[-2]) / (ns[-1] - ns[-2])) for name, t in seconds.items()
        },
    }


# --------------------------------------------------------------------------- Gaussian
def task_gaussian(quick: bool) -> list[dict]:
    n = 10**5 if quick else 10**6
    x = Gaussian().sample((1.0, 4.0), n, np.random.default_rng(SEED))
    times, values = timing.measure(
        {"mlebook": lambda: Gaussian().mle(x), "scipy": lambda: stats.norm.fit(x)},
        repeat=2 if quick else 15,
        budget=0.0 if quick else 0.05,
    )
    mu, sigma2 = values["mlebook"]
    ours, theirs = np.array([mu, np.sqrt(sigma2)]), np.array(values["scipy"])
    param_diff = float(np.max(np.abs(ours - theirs)))
    ll = [stats.norm.logpdf(x, m, s).sum() for m, s in (ours, theirs)]
    peer = Peer(
        "scipy.stats.norm", "norm.fit(x)", "mean and root mean squared deviation, two passes"
    )
    row = library_row(
        times,
        "scipy",
        peer,
        "mean and mean squared deviation, two passes",
        title=f"Gaussian MLE, n = {n:,}",
        target="ratio <= 1.5, identical estimates",
        max_ratio=1.5,
        param_diff=param_diff,
        loglik_rel_diff=relative(*ll),
    )
    row["met"] = bool(row["ratio"] <= 1.5 and param_diff == 0.0)
    return [row]


# --------------------------------------------------------------------------- Gamma MLE
GAMMA_PEER = Peer(
    "scipy.stats.gamma",
    "gamma.fit(x, floc=0)",
    "the same equation in the digamma function, by a bracketing root finder",
)


def task_gamma(quick: bool) -> list[dict]:
    sizes = (10**3, 10**4) if quick else (10**3, 10**5, 10**7)
    headline = sizes[1]
    rows, scaling = [], []
    for n in sizes:
        x = Gamma().sample((2.5, 1.5), n, np.random.default_rng(SEED))
        times, values = timing.measure(
            {"mlebook": lambda: Gamma().mle(x), "scipy": lambda: stats.gamma.fit(x, floc=0)},
            repeat=2 if quick else (15 if n <= 10**5 else 5),
            budget=0.05 if n <= 10**5 and not quick else 0.0,
        )
        ours = values["mlebook"]
        shape, _, scale = values["scipy"]
        ll = [stats.gamma.logpdf(x, a, scale=s).sum() for a, s in (ours, (shape, scale))]
        rel = relative(*ll)
        param_diff = float(np.max(np.abs(ours - [shape, scale])))
        scaling.append(
            scaling_row(
                "gamma",
                f"Gamma MLE, n = {n:,}",
                times,
                {"n": n},
                param_diff={"scipy": param_diff},
                loglik_rel_diff={"scipy": rel},
            )
        )
        if n == headline:
            row = library_row(
                times,
                "scipy",
                GAMMA_PEER,
                "Newton's method on log(k) - digamma(k) = log(mean x) - mean(log x), from "
                "Minka's approximation; scale = mean / shape",
                title=f"Gamma MLE, n = {n:,}",
                target="ratio <= 2, log-likelihood >= scipy's - 1e-9 rel.",
                max_ratio=2.0,
                param_diff=param_diff,
                loglik_rel_diff=rel,
            )
            row["met"] = bool(row["ratio"] <= 2.0 and rel >= -1e-9)
            rows.append(row)
    return rows + scaling + [growth_row("gamma", scaling)]


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


def task_gamma_fit(quick: bool) -> list[dict]:
    n = 1000
    x = Gamma().sample((2.5, 1.5), n, np.random.default_rng(SEED))
    sides = {"mlebook": lambda: fit(Gamma(), x), "scipy": lambda: stats.gamma.fit(x, floc=0)}
    old = previous_mlebook()
    if old is not None:
        sides["previous"] = lambda: old.fit(old.models.Gamma(), x)
    times, values = timing.measure(sides, repeat=2 if quick else 15, budget=0.0 if quick else 0.05)
    ours = values["mlebook"].params
    shape, _, scale = values["scipy"]
    ll = [stats.gamma.logpdf(x, a, scale=s).sum() for a, s in (ours, (shape, scale))]
    rel = relative(*ll)
    computes = (
        "the sufficient statistics (n, sum x, sum log x) in one pass, then Newton's method in "
        "log coordinates from a neutral start, then standard errors from the observed "
        "information"
    )
    title = f"fit(Gamma(), x), n = {n:,}"
    scipy_row = library_row(
        times,
        "scipy",
        Peer("scipy.stats.gamma", "gamma.fit(x, floc=0)", "the estimates only, no standard errors"),
        computes,
        title=title,
        target="log-likelihood >= scipy's - 1e-9 rel. (no time target: scipy gives no SEs)",
        max_ratio=None,
        param_diff=float(np.max(np.abs(ours - [shape, scale]))),
        loglik_rel_diff=rel,
    )
    scipy_row["met"] = bool(rel >= -1e-9)
    rows = [scipy_row]
    version = f"mlebook {PREVIOUS[0]}"
    if old is not None:
        previous = library_row(
            times,
            "previous",
            Peer(version, "fit(Gamma(), x), from the git history", "the same fit, as it was"),
            computes,
            title=title,
            target=f"ratio <= 0.75 (25% faster than {version})",
            max_ratio=0.75,
            param_diff=float(np.max(np.abs(ours - values["previous"].params))),
            loglik_rel_diff=None,
        )
        previous["met"] = bool(previous["ratio"] <= 0.75)
        rows.append(previous)
    else:  # without git the target cannot be checked, and the table says so
        rows.append(
            {
                "kind": "library",
                "title": title,
                "reference": version,
                "settings": "unavailable: no git history",
                "computes": {"mlebook": computes, "reference": "–"},
                "mlebook_s": float(np.median(times["mlebook"])),
                "reference_s": None,
                "ratio": None,
                "ratio_low": None,
                "ratio_high": None,
                "target": f"ratio <= 0.75 (25% faster than {version})",
                "max_ratio": 0.75,
                "param_diff": None,
                "loglik_rel_diff": None,
                "met": False,
            }
        )
    return rows


# --------------------------------------------------------------------------- logistic
LOGISTIC_OURS = (
    "Newton, Cholesky solves, X'WX by a symmetric rank-k update; SEs; rank check (from the "
    "first Hessian); separation check when the fit looks separated"
)
LOGISTIC_PEERS = {
    "statsmodels": Peer(
        "statsmodels Logit",
        "Logit(y, design).fit(disp=0), then .bse and .llf (defaults: check_rank=True, "
        "Newton, tol=1e-8)",
        "Newton; SEs; rank check by a QR decomposition of the design",
    ),
    "statsmodels_no_rank": Peer(
        "statsmodels Logit, check_rank=False",
        "Logit(y, design, check_rank=False).fit(disp=0), then .bse and .llf",
        "Newton; SEs; no rank check",
    ),
    "sklearn_newton": Peer(
        "scikit-learn newton-cholesky",
        "LogisticRegression(solver='newton-cholesky', C=np.inf, tol=1e-8)",
        "Newton, Cholesky solves; no SEs, no rank check",
    ),
    "sklearn_lbfgs": Peer(
        "scikit-learn lbfgs",
        "LogisticRegression(solver='lbfgs', C=np.inf, tol=1e-8, max_iter=10000)",
        "L-BFGS (gradients only); no SEs, no rank check",
    ),
}
#: The coefficients must agree this closely with each peer (L-BFGS stops on the gradient).
LOGISTIC_AGREEMENT = {
    "statsmodels": 1e-8,
    "statsmodels_no_rank": 1e-8,
    "sklearn_newton": 1e-8,
    "sklearn_lbfgs": 1e-6,
}


def logistic_data(n: int, d: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(SEED)
    X = rng.normal(size=(n, d))
    y = (rng.random(n) < expit(0.2 + X @ rng.normal(scale=0.3, size=d))).astype(float)
    return X, y


def logistic_loglik(X: np.ndarray, y: np.ndarray, params: np.ndarray) -> float:
    """The log-likelihood at ``params`` (intercept first), the same formula for every side."""
    return float(np.sum(log_expit((2 * y - 1) * (X @ params[1:] + params[0]))))


def logistic_sides(X: np.ndarray, y: np.ndarray) -> dict[str, Callable]:
    import statsmodels.api as sm
    from sklearn.linear_model import LogisticRegression as SkLogistic

    design = sm.add_constant(X, has_constant="add")

    def statsmodels(check_rank: bool):
        def fit_():
            result = sm.Logit(y, design, check_rank=check_rank).fit(disp=0)
            return result.params, result.bse, result.llf

        return fit_

    def sklearn(solver: str, **options):
        def fit_():
            model = SkLogistic(solver=solver, C=np.inf, tol=1e-8, **options).fit(X, y)
            return np.r_[model.intercept_, model.coef_[0]], None, None

        return fit_

    return {
        "mlebook": lambda: LogisticRegression().fit(X, y),
        "statsmodels": statsmodels(True),
        "statsmodels_no_rank": statsmodels(False),
        "sklearn_newton": sklearn("newton-cholesky"),
        "sklearn_lbfgs": sklearn("lbfgs", max_iter=10_000),
    }


def logistic_agreement(X, y, values: dict) -> dict:
    """Per peer: the largest coefficient difference, the largest relative difference of the
    standard errors (statsmodels), and of the log-likelihoods (at each side's estimate)."""
    ours = values["mlebook"]
    out = {"param_diff": {}, "se_rel_diff": {}, "loglik_rel_diff": {}}
    for name in LOGISTIC_PEERS:
        params, se, _ = values[name]
        out["param_diff"][name] = float(np.max(np.abs(ours.params_ - params)))
        out["se_rel_diff"][name] = None if se is None else float(np.max(np.abs(ours.se_ / se - 1)))
        out["loglik_rel_diff"][name] = relative(ours.loglik_, logistic_loglik(X, y, params))
    return out


def logistic_repeat(n: int, d: int, quick: bool) -> tuple[int, float]:
    """Rounds and budget: fewer rounds, without a warm-up, for the largest problems."""
    if quick:
        return (2, 0.0) if (n, d) == (10**4, 20) else (1, 0.0)
    if n * d <= 2 * 10**6:
        return 11, 0.05
    if n < 10**6:
        return 5, 0.0
    return (3 if d <= 5 else 2), 0.0  # n = 10^6: a round takes 5 to 60 s


def task_logistic(quick: bool) -> list[dict]:
    # Quick: not below n = 5000, where scikit-learn's tol (on the mean, not the sum, of the
    # gradient) stops it as much as 3e-8 away from the maximum.
    ns = (5000, 10**4) if quick else (10**4, 10**5, 10**6)
    ds = (5, 20) if quick else (5, 20, 100)
    headline = (10**4 if quick else 10**5, 20)
    rows, scaling = [], {d: [] for d in ds}
    for n in ns:
        for d in ds:
            X, y = logistic_data(n, d)
            repeat, budget = logistic_repeat(n, d, quick)
            times, values = timing.measure(logistic_sides(X, y), repeat=repeat, budget=budget)
            agree = logistic_agreement(X, y, values)
            title = f"logistic regression, n = {n:,}, d = {d}"
            scaling[d].append(scaling_row("logistic", title, times, {"n": n, "d": d}, **agree))
            print(f"  n = {n:,}, d = {d}: {timing.ratio(times, 'mlebook', 'sklearn_newton')}")
            ours = values["mlebook"]
            for name, peer in LOGISTIC_PEERS.items() if (n, d) == headline else ():
                param_diff, se_rel = agree["param_diff"][name], agree["se_rel_diff"][name]
                newton = name != "sklearn_lbfgs"
                agreement = LOGISTIC_AGREEMENT[name]
                target = f"coef. within {formats.scientific(agreement, 0).replace('e-0', 'e-')}"
                if se_rel is not None:
                    target += ", SEs within 1e-8 rel."
                target = f"ratio <= 1, {target}" if newton else f"{target}; no time target"
                row = library_row(
                    times,
                    name,
                    peer,
                    LOGISTIC_OURS,
                    title=title,
                    target=target,
                    max_ratio=1.0 if newton else None,
                    param_diff=param_diff,
                    loglik_rel_diff=agree["loglik_rel_diff"][name],
                    details={
                        "se_rel_diff": se_rel,
                        "iterations": ours.n_iter_,
                    },
                )
                row["met"] = bool(
                    (not newton or row["ratio"] <= 1.0)
                    and param_diff <= agreement
                    and (se_rel is None or se_rel <= 1e-8)
                )
                rows.append(row)
            del X, y, times, values  # before the next, larger data
    growth = [growth_row("logistic", scaling[d], {"d": d}) for d in ds]
    return rows + [r for d in ds for r in scaling[d]] + growth


# --------------------------------------------------------------------------- mixtures
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


def many_components(n: int, k: int, d: int, rng: np.random.Generator) -> np.ndarray:
    """n points in d dimensions from k Gaussians with random means, covariances and weights."""
    means = rng.normal(scale=2.0, size=(k, d))
    factors = rng.normal(size=(k, d, d)) / np.sqrt(d)
    covariances = factors @ factors.transpose(0, 2, 1) + 0.5 * np.eye(d)
    labels = rng.choice(k, size=n, p=rng.dirichlet(np.full(k, 5.0)))
    noise = np.einsum(
        "nij,nj->ni", np.linalg.cholesky(covariances)[labels], rng.standard_normal((n, d))
    )
    return means[labels] + noise


def mixture_row(X: np.ndarray, k: int, rng: np.random.Generator, quick: bool, title: str) -> dict:
    from sklearn.mixture import GaussianMixture as SkGaussianMixture

    n = X.shape[0]
    tol, reg = 1e-6, 1e-6
    # One start for both: equal weights, k data points as means, the data's covariance.
    w0 = np.full(k, 1 / k)
    m0 = X[rng.choice(n, size=k, replace=False)]
    c0 = np.repeat(np.cov(X, rowvar=False, bias=True)[None], k, axis=0)

    def ours():
        return GaussianMixture(
            n_components=k,
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
            k,
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

    ours(), theirs()  # warm-up
    times, values = timing.measure(
        {"mlebook": ours, "sklearn": theirs}, repeat=1 if quick else 5, budget=0.0
    )
    a, b = values["mlebook"], values["sklearn"]
    # The same number of iterations: the ratio of times is that of times per iteration.
    per_iteration = b.n_iter_ / a.n_iter_
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
    row = library_row(
        times,
        "sklearn",
        Peer(
            "scikit-learn GaussianMixture",
            f"n_components={k}, covariance_type='full', tol=1e-6, reg_covar=1e-6, the same "
            "start (weights_init, means_init, precisions_init)",
            "EM; the densities through each component's Cholesky factor",
        ),
        "EM; every component's density in one matrix product, responsibilities and "
        "log-likelihood from one log-sum-exp; scikit-learn's stopping rule",
        title=title,
        target="ratio per iteration <= 1, same iterations, log-lik. within 1e-8 rel.",
        max_ratio=1.0,
        ratio_of="time per iteration",
        param_diff=param_diff,
        loglik_rel_diff=rel,
        details={
            "iterations": f"{a.n_iter_} / {b.n_iter_}",
            "ms_per_iteration": [
                1e3 * float(np.median(times["mlebook"])) / a.n_iter_,
                1e3 * float(np.median(times["sklearn"])) / b.n_iter_,
            ],
        },
    )
    for key in ("ratio", "ratio_low", "ratio_high"):
        row[key] *= per_iteration
    row["met"] = bool(row["ratio"] <= 1.0 and a.n_iter_ == b.n_iter_ and abs(rel) <= 1e-8)
    return row


def task_mixture(quick: bool) -> list[dict]:
    n, n10 = (3000, 2000) if quick else (10**5, 20_000)
    rng = np.random.default_rng(SEED)
    three = mixture_row(
        overlapping_mixture(n, rng), 3, rng, quick, f"Gaussian mixture, k = 3, n = {n:,}, 2-D"
    )
    rng = np.random.default_rng(SEED)
    ten = mixture_row(
        many_components(n10, 10, 10, rng),
        10,
        rng,
        quick,
        f"Gaussian mixture, k = 10, n = {n10:,}, 10-D",
    )
    return [three, ten]


# --------------------------------------------------------------------------- profile likelihood
def gamma_profile_intervals(x: np.ndarray, closed_form: bool, level: float = 0.95) -> np.ndarray:
    """The profile-likelihood intervals of the Gamma shape and scale, written with scipy.

    mlebook's algorithm: the MLE (``scipy.stats.gamma.fit``) and its standard errors (the
    observed information in closed form); each end by walking out from the estimate in steps
    of the standard error, doubling, until the profile log-likelihood falls below the cut-off
    ``max - chi2(1).ppf(level) / 2``, then ``brentq`` between the last two points. Each profile
    point maximizes over the other parameter with ``minimize_scalar`` (Brent) on a log scale,
    from the last maximizer; the log-likelihood comes from the sufficient statistics. With
    ``closed_form`` the scale given the shape is ``mean(x) / shape``, so the shape's profile
    needs no maximization.
    """
    n, total, total_log = x.size, x.sum(), np.log(x).sum()
    mean = total / n

    def loglik(shape, scale):
        return (
            (shape - 1) * total_log
            - total / scale
            - n * (special.gammaln(shape) + shape * np.log(scale))
        )

    def maximize(f, guess):
        """The maximum over t > 0 of f(t) and where it is, searching over log(t)."""
        u = np.log(guess)
        res = optimize.minimize_scalar(
            lambda v: -f(np.exp(v)), bracket=(u - 0.01, u + 0.01), options={"xtol": 1e-10}
        )
        return -res.fun, float(np.exp(res.x))

    shape, _, scale = stats.gamma.fit(x, floc=0)
    info = n * np.array([[special.polygamma(1, shape), 1 / scale], [1 / scale, shape / scale**2]])
    se = np.sqrt(np.diag(np.linalg.inv(info)))
    cut = loglik(shape, scale) - stats.chi2.ppf(level, df=1) / 2
    out = []
    for j, estimate in enumerate((shape, scale)):
        other = [scale, shape][j]
        for direction in (-1, 1):
            warm = [other]

            def profile(t, warm=warm, j=j):
                if j == 0 and closed_form:
                    return loglik(t, mean / t)
                f = (lambda s: loglik(t, s)) if j == 0 else (lambda a: loglik(a, t))
                value, warm[0] = maximize(f, warm[0])
                return value

            inside, step = estimate, se[j]
            while True:
                trial = estimate + direction * step
                if trial <= 0:  # not below the boundary: halfway to it
                    trial = inside / 2
                if profile(trial) < cut:
                    break
                inside, step = trial, 2 * step
            low, high = sorted((inside, trial))
            out.append(
                optimize.brentq(lambda t: profile(t) - cut, low, high, xtol=1e-13, rtol=1e-13)
            )
    return np.array(out).reshape(2, 2)


PROFILE_OURS = (
    "the sufficient statistics (n, sum x, sum log x) in one pass; the MLE by Newton's method "
    "from them, SEs; each end: walk out in SE steps, doubling, then brentq (from the walk's "
    "two values); each profile point from the conditional MLE (scale = mean(x) / shape given "
    "the shape; the shape given the scale by Newton's method on the digamma equation), the "
    "log-likelihood from the sufficient statistics"
)
PROFILE_PEERS = {
    "scipy": Peer(
        "scipy, the same algorithm",
        "gamma.fit(floc=0); minimize_scalar (Brent, log scale, xtol=1e-10) for each profile "
        "point; brentq (xtol=1e-13, rtol=1e-13)",
        "the same walk and brentq; the log-likelihood from the sufficient statistics",
    ),
    "scipy_closed_form": Peer(
        "scipy, with the closed-form conditional MLE",
        "the same, with scale = mean(x) / shape given the shape",
        "the same; the shape's profile in closed form, the scale's by minimize_scalar",
    ),
}


def task_profile(quick: bool) -> list[dict]:
    sizes = (200, 10**4) if quick else (10**3, 10**5, 10**7)
    rows, scaling = [], []
    for n in sizes:
        x = Gamma().sample((2.5, 1.5), n, np.random.default_rng(SEED))
        repeat = 1 if quick else {10**3: 11, 10**5: 5}.get(n, 2)
        times, values = timing.measure(
            {
                "mlebook": lambda: fit(Gamma(), x).conf_int(method="profile"),
                "scipy": lambda: gamma_profile_intervals(x, closed_form=False),
                "scipy_closed_form": lambda: gamma_profile_intervals(x, closed_form=True),
            },
            repeat=repeat,
            budget=0.05 if n <= 10**3 and not quick else 0.0,
        )
        diffs = {
            name: float(np.max(np.abs(values["mlebook"] - values[name]))) for name in PROFILE_PEERS
        }
        title = f"profile-likelihood 95% intervals, Gamma, n = {n:,}"
        scaling.append(scaling_row("profile", title, times, {"n": n}, param_diff=diffs))
        if n != sizes[0]:
            continue
        for name, peer in PROFILE_PEERS.items():
            row = library_row(
                times,
                name,
                peer,
                PROFILE_OURS,
                title=title,
                target="ratio <= 1, endpoints within 1e-9",
                max_ratio=1.0,
                param_diff=diffs[name],
                loglik_rel_diff=None,
                details={"intervals": values["mlebook"].tolist()},
            )
            row["met"] = bool(row["ratio"] <= 1.0 and diffs[name] <= 1e-9)
            rows.append(row)
    return rows + scaling + [growth_row("profile", scaling)]


# --------------------------------------------------------------------------- out of core
def run_fresh(*args: str, quick: bool = False) -> dict:
    """One out-of-core measurement in a fresh process (``benchmarks/bench_dask.py``); quick:
    in this process, on Dask's threads, without a cluster (agreement only)."""
    script = ROOT / "benchmarks" / "bench_dask.py"
    if quick:
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


def fresh_rounds(sides: dict[str, tuple], repeat: int, quick: bool) -> dict[str, list[dict]]:
    """Each side (arguments of :func:`run_fresh`) ``repeat`` times, rotating who goes first."""
    results = {name: [] for name in sides}
    for round_ in range(repeat):
        for name in timing.rotation(list(sides), round_):
            results[name].append(run_fresh(*sides[name], quick=quick))
    return results


def task_dask_logistic(quick: bool) -> list[dict]:
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
        results = fresh_rounds(
            {
                "mlebook": ("logistic", folder, "mlebook", "2"),
                "dask-ml": ("logistic", folder, "dask-ml", "2"),
            },
            repeat,
            quick,
        )
    ours, theirs = results["mlebook"], results["dask-ml"]
    param_diff = float(np.max(np.abs(np.subtract(ours[0]["params"], theirs[0]["params"]))))
    data = ours[0]["data_bytes"]
    extra = max(r["peak_bytes"] - r["idle_bytes"] for r in ours)
    extra_theirs = max(r["peak_bytes"] - r["idle_bytes"] for r in theirs)
    memory_met = quick or extra < data / 2
    row = {
        "kind": "library",
        "reference": "dask-ml LogisticRegression",
        "settings": "solver='newton', tol=1e-10, max_iter=100, on the same LocalCluster "
        "(2 worker processes, one thread each)",
        "computes": {
            "mlebook": "Newton, one pass over the chunks per step (value, gradient, Hessian); "
            "input checks; SEs",
            "reference": "Newton (gradient and Hessian per pass); no SEs",
        },
        **timing.paired([r["seconds"] for r in ours], [r["seconds"] for r in theirs]),
        "title": f"out-of-core logistic regression, n = {n:,}, d = {d}",
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
    }
    row["met"] = bool(row["ratio"] <= 1.0 and param_diff <= 1e-8 and memory_met)
    return [row]


def task_dask_gaussian(quick: bool) -> list[dict]:
    import dask
    import dask.array as da

    n = 10**6 if quick else 10**8
    chunk = 10**5 if quick else 5 * 10**6
    repeat = 1 if quick else 3
    results = fresh_rounds(
        {
            "two": ("gaussian", str(n), str(chunk), "2"),
            "one": ("gaussian", str(n), str(chunk), "1"),
        },
        repeat,
        quick,
    )
    two, one = results["two"], results["one"]
    with dask.config.set(scheduler="threads"):  # the same values, in memory
        x = da.random.default_rng(20260301).normal(3.0, 2.0, size=n, chunks=chunk).compute()
    exact = np.array([x.mean(), x.var()])
    param_diff = float(np.max(np.abs(np.array(two[0]["params"]) / exact - 1)))
    workers_diff = float(np.max(np.abs(np.subtract(two[0]["params"], one[0]["params"]))))
    row = {
        "kind": "library",
        "reference": "mlebook on 1 worker",
        "settings": "the same computation on a LocalCluster of 1 worker process",
        "computes": {
            "mlebook": "per-chunk sums combined, 2 workers",
            "reference": "the same, 1 worker",
        },
        **timing.paired([r["seconds"] for r in two], [r["seconds"] for r in one]),
        "title": f"chunked Gaussian MLE, n = {n:,}, 2 workers vs 1",
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
    }
    row["met"] = bool(param_diff <= 1e-12)
    return [row]


# --------------------------------------------------------------------------- the book
def task_grading(quick: bool) -> list[dict]:
    import bench_grading

    result = bench_grading.measure(quick)
    return [
        {
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
    ]


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

            def execute(client=client):
                try:
                    client.execute()
                except Exception as exc:  # a failing chapter is reported in the table
                    return f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1][:200]}"
                return None

            seconds, error = timing.once(execute)
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


def task_build(quick: bool) -> list[dict]:
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
        seconds, proc = timing.once(lambda: subprocess.run(cmd, capture_output=True, text=True))
    error = (
        None if proc.returncode == 0 else (proc.stdout + proc.stderr).strip().splitlines()[-1][:300]
    )
    if error:
        print((proc.stdout + proc.stderr)[-3000:], file=sys.stderr)
    return [
        {
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
    ]


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
        "load_average_at_start": loads(),
        "load_per_core_at_start": timing.load(),
        "max_load_per_core": timing.MAX_LOAD_PER_CORE,
    }


def loads() -> list[float] | None:
    """The 1-, 5- and 15-minute load averages."""
    if not hasattr(os, "getloadavg"):
        return None
    return [round(v, 2) for v in os.getloadavg()]


def print_table(rows: list[dict]) -> None:
    header = (
        f"{'task':<46}{'against':<34}{'mlebook':>10}{'peer':>10}{'ratio (IQR)':>22}"
        f"{'max |dparam|':>13}  met"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        if r["kind"] in ("scaling", "growth"):
            continue
        against = (r.get("reference") or "")[:33]
        print(
            f"{r['title'][:45]:<46}{against:<34}{formats.seconds(r['mlebook_s']):>10}"
            f"{formats.seconds(r.get('reference_s')):>10}{formats.ratio(r):>22}"
            f"{formats.scientific(r.get('param_diff')):>13}  {'yes' if r['met'] else 'NO'}"
        )
    for r in rows:
        if r.get("error"):
            print(f"{r['title']}: {r['error']}")
    for r in rows:
        if r["kind"] == "growth":
            which = f"{r['task']}" + (f", d = {r['d']}" if "d" in r else "")
            slopes = ", ".join(f"{k} {formats.growth(v)}" for k, v in r["exponents"].items())
            print(f"growth ({which}): {slopes}")


#: Shorter words for the figure's row labels.
SHORT = {
    "profile-likelihood 95% intervals": "profile intervals",
    "with the closed-form conditional MLE": "closed-form scale",
    "out-of-core logistic regression": "out-of-core logistic",
    "LogisticRegression": "",
}


def row_label(r: dict) -> str:
    """A short label of a library row: its task and its peer."""
    label = r["title"].split(", n = ")[0]
    if r.get("ratio_of"):
        label += " (per iteration)"
    label += f" vs {r.get('reference') or ''}"
    for long, short in SHORT.items():
        label = label.replace(long, short)
    return label.strip()


def draw_figure(rows: list[dict], path: Path) -> None:
    """Horizontal bars: the time ratios with their interquartile ranges and targets, and the
    chapters' execution times."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, NullFormatter

    from mlebook.plotting import use_book_style

    use_book_style()
    library = [r for r in rows if r["kind"] == "library" and r.get("ratio") is not None]
    chapters = [r for r in rows if r["kind"] == "chapter"]
    build = [r for r in rows if r["kind"] == "build"]
    panels = [p for p in (library, chapters) if p]
    if not panels:  # a run of the book's tasks only: nothing to draw
        return
    heights = [len(p) + 1 for p in panels]
    fig, axes = plt.subplots(
        len(panels),
        1,
        figsize=(9, 0.3 * sum(heights) + 1.8),
        gridspec_kw={"height_ratios": heights},
        squeeze=False,
    )
    axes = axes[:, 0]
    if library:
        ax = axes[0]
        y = np.arange(len(library))[::-1]
        ratios = np.array([r["ratio"] for r in library])
        low = np.array([r.get("ratio_low", r["ratio"]) for r in library])
        high = np.array([r.get("ratio_high", r["ratio"]) for r in library])
        colours = ["C0" if r["met"] else "C3" for r in library]
        ax.barh(y, ratios, color=colours, height=0.6)
        ax.errorbar(
            ratios, y, xerr=[ratios - low, high - ratios], fmt="none", ecolor="0.15", capsize=2
        )
        for yi, top, r in zip(y, high, library, strict=True):
            if r.get("max_ratio") is not None:
                ax.plot([r["max_ratio"]] * 2, [yi - 0.4, yi + 0.4], color="0.15", linewidth=2.5)
            ax.text(top, yi, f"  {formats.ratio(r, spread=False)}", va="center", fontsize=8)
        ax.axvline(1.0, color="0.5", linewidth=1, linestyle=":")
        ax.set_xscale("log")
        lo = min(0.2, 0.5 * float(low.min()))
        hi = max(3.0, 3 * float(high.max()))
        ax.set_xlim(lo, hi)
        ax.set_xticks(
            [t for t in (0.01, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 100, 1000) if lo <= t <= hi]
        )
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_yticks(y, [row_label(r) for r in library], fontsize=8)
        ax.set_xlabel("mlebook's time / the peer's (log scale; error bar: IQR of the rounds)")
        ax.set_title("mlebook against each peer (tick: target; red: missed)", loc="right")
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


#: The sides of each scaling study, in the figure's order, with their legend labels.
SIDE_LABELS = {
    "mlebook": "mlebook",
    "statsmodels": "statsmodels Logit",
    "statsmodels_no_rank": "statsmodels Logit, check_rank=False",
    "sklearn_newton": "scikit-learn newton-cholesky",
    "sklearn_lbfgs": "scikit-learn lbfgs",
    "scipy": "scipy",
    "scipy_closed_form": "scipy, closed-form scale given shape",
}


def draw_scaling_figure(rows: list[dict], path: Path) -> None:
    """Time against n, log-log, one line per library: logistic regression for each d, the
    Gamma MLE and the profile intervals."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from mlebook.plotting import use_book_style

    use_book_style()
    scaling = [r for r in rows if r["kind"] == "scaling"]
    groups = []
    for d in sorted({r["d"] for r in scaling if r["task"] == "logistic"}):
        groups.append((f"logistic regression, d = {d}", [r for r in scaling if r.get("d") == d]))
    groups.append(("Gamma MLE", [r for r in scaling if r["task"] == "gamma"]))
    groups.append(
        ("Gamma profile-likelihood intervals", [r for r in scaling if r["task"] == "profile"])
    )
    groups = [(title, group) for title, group in groups if group]
    if not groups:
        return
    columns = 3
    lines = -(-len(groups) // columns)
    fig, axes = plt.subplots(lines, columns, figsize=(12, 3.6 * lines), squeeze=False)
    for ax, (title, group) in zip(axes.ravel(), groups, strict=False):
        group = sorted(group, key=lambda r: r["n"])
        ns = [r["n"] for r in group]
        for index, side in enumerate(group[0]["seconds"]):
            ax.plot(
                ns,
                [r["seconds"][side] for r in group],
                marker="os^vD<>"[index % 7],
                label=SIDE_LABELS.get(side, side),
                color=f"C{index}",
            )
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("n (observations)")
        ax.set_ylabel("seconds (median)")
        ax.set_title(title)
        ax.legend(fontsize=7)
    for ax in axes.ravel()[len(groups) :]:
        ax.set_visible(False)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110, metadata={"Software": None})
    plt.close(fig)


def scaling_path(output: Path) -> Path:
    """Where the scaling figure goes, next to the JSON."""
    return output.with_name(output.stem + "-scaling.png")


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
    kinds = {
        "library": 0,
        "course": 0,
        "build": 0,
        "chapter": 0,
        "failed": 0,
        "scaling": 1,
        "growth": 2,
    }

    def key(r):
        task = order["chapters"] if r["kind"] == "chapter" else order[r["task"]]
        return (kinds[r["kind"]], task)

    return sorted(kept + new_rows, key=key)  # stable: a task's rows stay in their order


def run_task(task: str, quick: bool) -> list[dict]:
    """The rows of one task; a task that fails gives one row saying how, and the run goes on."""
    try:
        return globals()[f"task_{task}"](quick)
    except Exception as exc:
        traceback.print_exc()
        message = f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1][:300]}"
        return [
            {
                "kind": "failed",
                "title": f"{task} (failed)",
                "mlebook_s": None,
                "reference": None,
                "reference_s": None,
                "ratio": None,
                "target": "",
                "error": message,
                "met": False,
            }
        ]


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
        "--no-book",
        action="store_true",
        help="skip the chapter notebooks, the book build and the grading",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help=f"run even when the load exceeds {timing.MAX_LOAD_PER_CORE} per core",
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
    allowed, why = timing.load_check(args.force)
    if not args.quick and not allowed:
        print(f"benchmarks/run.py: not started: {why}", file=sys.stderr)
        return 3
    machine["forced"] = bool(
        not args.quick
        and machine["load_per_core_at_start"] is not None
        and machine["load_per_core_at_start"] > timing.MAX_LOAD_PER_CORE
    )
    print(
        f"{machine['date']}: {machine['cpu']}, {machine['cpu_count']} CPUs; {why}; "
        f"BLAS on one thread{'; quick sizes' if args.quick else ''}",
        flush=True,
    )

    rows = []
    for task in tasks:
        print(f"{task} ...", flush=True)
        load, measured = timing.load(), now()
        with timing.one_thread():  # the whole task, so that its measurements enter it once
            seconds, results = timing.once(lambda task=task: run_task(task, args.quick))
        for r in results:
            r.setdefault("task", task)
            r["measured"], r["load"] = measured, load
        rows += results
        print(f"{task}: done in {seconds:.0f} s", flush=True)

    rows = merge(output, rows, args.quick)
    print()
    print_table(rows)
    chapters = [r for r in rows if r["kind"] == "chapter"]
    if chapters:
        slowest = max(chapters, key=lambda r: r["mlebook_s"])
        print(f"slowest chapter: {slowest['title']} ({slowest['mlebook_s']:.1f} s)")

    machine["load_average_at_end"] = loads()
    machine["thread_pools"] = timing.thread_pools()
    output.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "machine": machine,
        "settings": {"quick": args.quick, "tasks_run": tasks, "force": args.force},
        "rows": rows,
    }
    output.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n")
    draw_figure(rows, output.with_suffix(".png"))
    draw_scaling_figure(rows, scaling_path(output))
    figures = [f for f in (output.with_suffix(".png"), scaling_path(output)) if f.exists()]
    print(f"\nwrote {', '.join(str(f) for f in [output, *figures])}")
    if output == DEFAULT_OUTPUT:
        print(
            "then: .venv/bin/python scripts/report_benchmarks.py (README) and "
            ".venv/bin/python scripts/execute_notebooks.py appendix/performance.ipynb"
        )
    missed = [
        f"{r['title']} vs {r.get('reference')}"
        for r in rows
        if r["kind"] not in ("scaling", "growth") and not r["met"]
    ]
    print("every target met" if not missed else f"targets missed: {'; '.join(missed)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
