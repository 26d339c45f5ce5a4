"""The benchmarks' one timer: paired, rotating measurements on one thread, and the load check.

Every benchmark script imports this module before numpy, so that importing it limits every
BLAS and OpenMP library to one thread (through the environment, which also reaches the
processes the benchmarks start, and through threadpoolctl, which also reaches a library
that ignores the environment). The timings then compare algorithms, not how each library
spreads its work over the cores.

:func:`measure` times several implementations of the same task ("sides": mlebook and its
peers) in turns, ``repeat`` rounds, rotating which side goes first in each round, so that no
side always runs on a cache warmed by another or always first after a pause. A fast function
is called several times per timing (about ``budget`` seconds' worth), garbage collection
paused, as :mod:`timeit` does (and run before each round). :func:`ratio` then gives, for
mlebook against one peer, the median of the per-round ratios of their times and the
interquartile range of those ratios (``ratio_low``, ``ratio_high``): a spread that contains 1
means the two cannot be told apart on this machine.

:func:`load_check` reads the load average before a run: a run that starts with more than
``MAX_LOAD_PER_CORE`` runnable processes per core is not published unless forced.

    python benchmarks/timing.py      # the machine's load and the thread limits
"""

from __future__ import annotations

import os

#: The environment variables that limit the threads of the BLAS and OpenMP libraries.
THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "BLIS_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
)
for _variable in THREAD_VARIABLES:  # before numpy is imported, here or by the caller
    os.environ[_variable] = "1"

import contextlib  # noqa: E402
import gc  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402

import numpy as np  # noqa: E402
from threadpoolctl import threadpool_info, threadpool_limits  # noqa: E402

#: A run whose 1-minute load average at the start exceeds this, per core, is not published
#: unless forced: the other work would take turns with the measured code.
MAX_LOAD_PER_CORE = 0.5


_inside = False


@contextlib.contextmanager
def one_thread():
    """A context in which every thread pool threadpoolctl knows (BLAS, OpenMP) has one thread.

    Entering it looks up every loaded library, which takes a noticeable fraction of a second:
    inside it already (a whole task of ``run.py`` is), it does nothing more.
    """
    global _inside
    if _inside:
        yield
        return
    with threadpool_limits(limits=1):
        _inside = True
        try:
            yield
        finally:
            _inside = False


def thread_pools() -> list[dict]:
    """The thread pools loaded in this process, with their thread counts (threadpoolctl)."""
    with one_thread():
        return [
            {key: pool.get(key) for key in ("user_api", "internal_api", "version", "num_threads")}
            for pool in threadpool_info()
        ]


def load() -> float | None:
    """The 1-minute load average, per core (None where the system does not report it)."""
    if not hasattr(os, "getloadavg"):
        return None
    return round(os.getloadavg()[0] / (os.cpu_count() or 1), 2)


def load_check(force: bool) -> tuple[bool, str]:
    """Whether a run may start (and be published), and a sentence saying why.

    It may when the load per core is at most :data:`MAX_LOAD_PER_CORE` (or unknown), or when
    ``force`` is true; the sentence then says that the run was forced.
    """
    per_core = load()
    if per_core is None:
        return True, "the load average is not available on this system"
    quiet = per_core <= MAX_LOAD_PER_CORE
    sentence = (
        f"load {per_core:.2f} per core at the start "
        f"({'at most' if quiet else 'above'} {MAX_LOAD_PER_CORE} per core)"
    )
    if quiet:
        return True, sentence
    if force:
        return True, sentence + ": forced (--force), the timings are not those of a quiet machine"
    return False, (
        sentence + ": the machine is busy, so the timings would measure the other work too. "
        "Wait for a quiet machine, or pass --force to run anyway (the results then say so)"
    )


def _seconds(fn: Callable[[], object], number: int) -> tuple[float, object]:
    """Seconds per call of ``fn`` over ``number`` calls, garbage collection paused (as
    :mod:`timeit` does), and what the last call returned."""
    gc.disable()
    try:
        start = time.perf_counter()
        for _ in range(number):
            value = fn()
        return (time.perf_counter() - start) / number, value
    finally:
        gc.enable()


def once(fn: Callable[[], object]) -> tuple[float, object]:
    """One call of ``fn``, timed on the same clock: for a measurement that is a whole process
    (a chapter, a build, a fit in a fresh process), whose caller pairs and repeats it."""
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def measure(
    sides: dict[str, Callable[[], object]], repeat: int, budget: float = 0.05
) -> tuple[dict[str, list[float]], dict[str, object]]:
    """Time every side ``repeat`` times, in rounds that rotate which side goes first.

    Parameters
    ----------
    sides : dict
        Name to function of no arguments; the first is conventionally ``"mlebook"``.
    repeat : int
        The number of rounds; each round times every side once.
    budget : float
        With ``budget > 0`` each side is first called once untimed (a warm-up, which also
        measures it), and then called ``budget / that time`` times per timing (at least
        once). With ``budget = 0`` there is no warm-up and each timing is one call: for
        slow functions, or ones whose first call is like the others (imports done).

    Returns
    -------
    times : dict
        Name to the list of ``repeat`` timings (seconds per call), in round order.
    values : dict
        Name to what its last call returned (the answer compared).
    """
    names = list(sides)
    with one_thread():
        numbers = dict.fromkeys(names, 1)
        if budget > 0:
            numbers = {
                name: max(1, int(budget / max(_seconds(sides[name], 1)[0], 1e-7))) for name in names
            }
        times, values = {name: [] for name in names}, {}
        for round_ in range(repeat):
            gc.collect()  # each round starts without the previous one's garbage
            for name in rotation(names, round_):
                seconds, values[name] = _seconds(sides[name], numbers[name])
                times[name].append(seconds)
    return times, values


def rotation(names: list[str], round_: int) -> list[str]:
    """The order of ``names`` in round ``round_`` (0, 1, ...): each round starts one later."""
    shift = round_ % len(names)
    return names[shift:] + names[:shift]


def ratio(times: dict[str, list[float]], ours: str, theirs: str) -> dict:
    """``ours`` against ``theirs``: the median seconds of each, the median of the per-round
    ratios of their times and its interquartile range (``ratio_low``, ``ratio_high``)."""
    a, b = np.asarray(times[ours]), np.asarray(times[theirs])
    rounds = a / b
    low, middle, high = np.percentile(rounds, [25, 50, 75])
    return {
        "mlebook_s": float(np.median(a)),
        "reference_s": float(np.median(b)),
        "ratio": float(middle),
        "ratio_low": float(low),
        "ratio_high": float(high),
        "repeat": int(a.size),
    }


def paired(ours: list[float], theirs: list[float]) -> dict:
    """:func:`ratio` of timings taken elsewhere (in fresh processes), in round order."""
    return ratio({"ours": ours, "theirs": theirs}, "ours", "theirs")


if __name__ == "__main__":
    ok, why = load_check(force=False)
    print(why)
    print(thread_pools())
