"""The out-of-core benchmarks, each run in a fresh process (``benchmarks/run.py`` calls this).

A fresh process per measurement, so that its peak resident memory is its own (the time is
taken by ``benchmarks/timing.py``, which also limits BLAS to one thread): it starts a
``dask.distributed.LocalCluster`` (worker processes, one thread each), warms the workers up
with a tiny fit of the same kind (imports, first-call costs), reads the idle memory of the
whole process tree (this process, the scheduler in it, and the workers), then times one fit
while a thread samples the tree's resident memory every 5 ms. It prints one JSON object.

    python benchmarks/bench_dask.py logistic DATA_DIR {mlebook,dask-ml} WORKERS
    python benchmarks/bench_dask.py gaussian N CHUNK WORKERS

``WORKERS = 0`` means no cluster (Dask's threads in the process): ``benchmarks/run.py
--quick`` calls the functions that way, in its own process, to check agreement quickly.

``DATA_DIR`` holds ``X`` and ``y`` as Dask npy stacks (``dask.array.to_npy_stack``), written
by ``benchmarks/run.py``; the Gaussian data are generated chunk by chunk inside the graph.
"""

from __future__ import annotations

# isort: off
import timing  # first: it limits every BLAS to one thread before numpy is imported

# isort: on
import contextlib
import json
import logging
import sys
import threading
import time

import numpy as np
import psutil


class PeakMemory:
    """The largest resident memory of this process and its children, sampled in a thread."""

    def __init__(self, interval: float = 0.005):
        self.interval, self.peak, self._stop = interval, 0, threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    @staticmethod
    def now() -> int:
        me = psutil.Process()
        total = 0
        for process in [me, *me.children(recursive=True)]:
            with contextlib.suppress(psutil.Error):  # a process that has just ended
                total += process.memory_info().rss
        return total

    def _watch(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self.now())
            time.sleep(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.now())


class _NoCluster:
    """Dask's threads in this process, for a quick run that checks agreement only."""

    def close(self):
        pass


def _cluster(workers: int):
    if workers == 0:
        return _NoCluster(), _NoCluster()
    from dask.distributed import Client, LocalCluster

    cluster = LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    return cluster, Client(cluster)


def _logistic_solver(name: str):
    if name == "mlebook":
        from mlebook.regression import LogisticRegression

        def fit(X, y):
            model = LogisticRegression().fit(X, y)
            return model.params_, model.n_iter_

    else:
        from dask_ml.linear_model import LogisticRegression

        def fit(X, y):
            # dask-ml's Newton solver fits the unpenalized MLE; it stops when no coefficient
            # moved by more than tol (its default, 1e-4, is too loose to agree to 1e-8)
            model = LogisticRegression(solver="newton", tol=1e-10, max_iter=100).fit(X, y)
            return np.r_[model.intercept_, model.coef_], None

    return fit


def logistic(folder: str, solver: str, workers: int) -> dict:
    import dask.array as da

    fit = _logistic_solver(solver)
    cluster, client = _cluster(workers)
    try:
        X = da.from_npy_stack(f"{folder}/X", mmap_mode=None)
        y = da.from_npy_stack(f"{folder}/y", mmap_mode=None)
        fit(X[: X.chunks[0][0]], y[: y.chunks[0][0]])  # warm-up: one chunk
        idle = PeakMemory.now()
        with PeakMemory() as memory:
            seconds, (params, n_iter) = timing.once(lambda: fit(X, y))
    finally:
        client.close()
        cluster.close()
    return {
        "seconds": seconds,
        "params": params.tolist(),
        "n_iter": n_iter,
        "idle_bytes": idle,
        "peak_bytes": memory.peak,
        "data_bytes": int(X.nbytes + y.nbytes),
    }


def gaussian(n: int, chunk: int, workers: int) -> dict:
    import dask.array as da

    from mlebook.models import Gaussian

    cluster, client = _cluster(workers)
    try:

        def data(size):
            return da.random.default_rng(20260301).normal(3.0, 2.0, size=size, chunks=chunk)

        Gaussian().mle(data(2 * chunk))  # warm-up
        idle = PeakMemory.now()
        with PeakMemory() as memory:
            seconds, estimate = timing.once(lambda: Gaussian().mle(data(n)))
    finally:
        client.close()
        cluster.close()
    return {
        "seconds": seconds,
        "params": estimate.tolist(),
        "idle_bytes": idle,
        "peak_bytes": memory.peak,
        "data_bytes": 8 * n,
    }


if __name__ == "__main__":
    kind, *args = sys.argv[1:]
    if kind == "logistic":
        result = logistic(args[0], args[1], int(args[2]))
    else:
        result = gaussian(int(args[0]), int(args[1]), int(args[2]))
    print(json.dumps(result))
