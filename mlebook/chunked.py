"""Data in chunks: maximum likelihood on Dask arrays, larger than memory.

Many maximum-likelihood computations are sums over observations: the sufficient statistics
of an exponential family (so its MLE), and the log-likelihood, gradient and Hessian of a
regression (so one Newton step). A sum can be taken chunk by chunk and the partial sums
added, which is what a Dask array does: it is a grid of NumPy chunks, and a reduction runs
on each chunk (on however many workers there are) before combining the small results. The
whole array is never in memory at once.

This module holds what the models and regressions share for such data: recognizing a Dask
array without importing Dask (:func:`is_dask_array`), checking one lazily
(:func:`as_data`, :func:`as_matrix`, :func:`as_rows`), and computing the statistics a
caller needs together with the checks, in one pass over the data (:func:`compute`).
Dask is imported only here, and only when a Dask array has been given.

``Model.mle`` of the closed-form models (:mod:`mlebook.models`) and
``LogisticRegression.fit`` (:mod:`mlebook.regression`) accept Dask arrays through it.

Examples
--------
>>> import dask.array as da
>>> x = da.from_array(np.array([1.0, 0.0, 1.0, 1.0]), chunks=2)
>>> sample = as_data(x, "binary")
>>> compute({"mean": sample.safe.mean()}, sample)
{'mean': np.float64(0.75)}
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import validation as v

__all__ = ["is_dask_array", "Check", "Chunked", "as_data", "as_matrix", "as_rows", "compute"]


def is_dask_array(x: Any) -> bool:
    """Whether ``x`` is a Dask array. Dask is not imported: if it is not loaded, ``x`` cannot be
    one.

    Examples
    --------
    >>> is_dask_array(np.zeros(3))
    False
    """
    module = sys.modules.get("dask.array")
    return module is not None and isinstance(x, module.Array)


@dataclass(frozen=True)
class Check:
    """A condition on chunked data, evaluated in the same pass as the statistics.

    Attributes
    ----------
    failures : dask.array.Array
        The number of values that break the condition (lazy, 0-d).
    example : dask.array.Array or None
        One of those values, for the message (lazy, 0-d; meaningless when there are none).
    error : callable
        ``error(count, example)`` returns the exception to raise.
    """

    failures: Any
    example: Any
    error: Any


@dataclass(frozen=True)
class Chunked:
    """Chunked data, checked as far as its metadata allows, with the checks still to run.

    Attributes
    ----------
    values : dask.array.Array
        The data as float64, lazily.
    checks : tuple of Check
        The conditions on the values, computed by :func:`compute`.
    safe : dask.array.Array
        The values with each one that fails a check replaced by a harmless one (1 for a
        sample, 0 for a matrix), for statistics computed in the same pass as the checks:
        they then raise no floating-point warnings (log 0, inf - inf) before the checks
        report the bad values and the statistics are discarded. Later passes, after the
        checks, read ``values``.
    """

    values: Any
    checks: tuple[Check, ...]
    safe: Any


def _dask_array(x: Any, name: str):
    """``x`` as a float64 Dask array, after what can be checked without computing: the kind of
    object, the dtype, and known chunk sizes."""
    if not is_dask_array(x):
        raise TypeError(f"{name} must be a Dask array, got {type(x).__name__}")
    if not (
        x.dtype == bool or np.issubdtype(x.dtype, np.integer) or np.issubdtype(x.dtype, np.floating)
    ):
        raise TypeError(f"{name} must be an array of real numbers, got dtype {x.dtype}")
    if any(math.isnan(size) for size in x.shape):
        raise ValueError(
            f"{name} has chunks of unknown size (shape {x.shape}); call "
            f"{name}.compute_chunk_sizes() first"
        )
    return x.astype(np.float64)


def _example(x, mask):
    """One value of ``x`` where ``mask`` is True (the smallest), lazily; NaN if there is none."""
    import dask.array as da

    return da.where(mask, x, np.inf).min()


def _finite_checks(x, name: str) -> tuple[Check, Check]:
    import dask.array as da

    return (
        Check(da.isnan(x).sum(), None, lambda n, _: _nonfinite(name, "NaN", n)),
        Check(da.isinf(x).sum(), None, lambda n, _: _nonfinite(name, "infinite", n)),
    )


def _nonfinite(name: str, what: str, count: int) -> ValueError:
    values = "NaN" if what == "NaN" else "infinite values"
    return ValueError(f"{name} contains {values} ({count} value(s))")


def as_data(x: Any, support: str = "real", *, k: int | None = None, name: str = "x") -> Chunked:
    """A one-dimensional sample in chunks, checked as :func:`mlebook.validation.as_data` checks
    one in memory: the dtype, the shape and the size at once; finiteness and the support
    lazily, as reductions that :func:`compute` runs in the same pass as the statistics.

    Parameters
    ----------
    x : dask.array.Array
        The observations.
    support : {"real", "binary", "count", "nonnegative", "positive", "labels"}
        The set every observation must lie in.
    k : int, optional
        Number of classes, required when ``support="labels"``.
    name : str
        The argument's name, used in error messages.

    Returns
    -------
    Chunked

    Raises
    ------
    TypeError
        If ``x`` is not a Dask array of numbers.
    ValueError
        If ``x`` is not one-dimensional, is empty, or has chunks of unknown size.

    Examples
    --------
    >>> import dask.array as da
    >>> sample = as_data(da.from_array(np.array([3.0, -1.0]), chunks=1), "count")
    >>> compute({}, sample)
    Traceback (most recent call last):
    ...
    ValueError: x must contain only non-negative integers; found -1 (1 value(s) outside the support)
    """
    v.outside_support(np.zeros(1), support, k)  # checks support and k
    x = _dask_array(x, name)
    if x.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {x.shape}")
    if x.size == 0:
        raise ValueError(f"{name} is empty: at least one observation is needed")
    import dask.array as da

    checks = _finite_checks(x, name)
    finite = da.isfinite(x)
    if support == "real":
        return Chunked(x, checks, da.where(finite, x, 1.0))
    bad = v.outside_support(da.where(finite, x, 1.0), support, k)
    checks += (
        Check(
            bad.sum(),
            _example(x, bad),
            lambda n, example: v.support_error(name, support, k, example, n),
        ),
    )
    return Chunked(x, checks, da.where(finite & ~bad, x, 1.0))  # 1 is in every support


def as_matrix(X: Any, name: str = "X") -> Chunked:
    """A design or data matrix in chunks: two-dimensional (a one-dimensional array becomes one
    column), non-empty, finite (lazily), and chunked by rows only, every chunk holding all
    the columns, so that a function of one row block sees whole observations.

    Examples
    --------
    >>> import dask.array as da
    >>> as_matrix(da.zeros((6, 2), chunks=(3, 1))).values.chunks
    ((3, 3), (2,))
    """
    X = _dask_array(X, name)
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2:
        raise ValueError(
            f"{name} must be two-dimensional (n_samples, n_features), got shape {X.shape}"
        )
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"{name} is empty: got shape {X.shape}")
    if len(X.chunks[1]) > 1:
        X = X.rechunk({1: -1})
    import dask.array as da

    return Chunked(X, _finite_checks(X, name), da.where(da.isfinite(X), X, 0.0))


def as_rows(y: Any, X: Chunked, support: str = "real", *, name: str = "y") -> Chunked:
    """The outcomes of the rows of the chunked matrix ``X``, checked as :func:`as_data` checks a
    sample and chunked as ``X``'s rows, so that row block ``i`` of both belong together.

    ``y`` may be a Dask array or in memory (it is then split into ``X``'s row blocks).

    Examples
    --------
    >>> import dask.array as da
    >>> X = as_matrix(da.zeros((6, 2), chunks=(4, 2)))
    >>> as_rows(np.ones(6), X, "binary").values.chunks
    ((4, 2),)
    """
    n = X.values.shape[0]
    if not is_dask_array(y):
        import dask.array as da

        y = v.as_array(y, name)
        if y.ndim == 1 and y.shape[0] != n:
            raise ValueError(f"X has {n} rows but {name} has {y.shape[0]} values")
        y = da.from_array(y, chunks=(X.values.chunks[0],) + y.shape[1:])
    sample = as_data(y, support, name=name)
    if sample.values.shape[0] != n:
        raise ValueError(f"X has {n} rows but {name} has {sample.values.shape[0]} values")
    if sample.values.chunks[0] != X.values.chunks[0]:
        rows = (X.values.chunks[0],)
        sample = Chunked(sample.values.rechunk(rows), sample.checks, sample.safe.rechunk(rows))
    return sample


def compute(statistics: Any, *checked: Chunked) -> Any:
    """Compute ``statistics`` (any structure of lazy Dask values) and the checks of the
    ``checked`` data in one pass, then raise the first failed check's error.

    Dask evaluates everything in one graph, so each chunk is read once for all of them,
    whichever scheduler is active (a ``dask.distributed`` client, if one is, otherwise
    threads).

    Returns
    -------
    The statistics, computed (NumPy values in the same structure).

    Raises
    ------
    ValueError
        The error of the first check that failed (non-finite values first, then the support),
        in the order the data were given.
    """
    import dask

    for data in checked:
        if not isinstance(data, Chunked):
            raise TypeError(
                f"checked must be Chunked data (from as_data, as_matrix or as_rows), got "
                f"{type(data).__name__}"
            )
    checks = [check for data in checked for check in data.checks]
    values, outcomes = dask.compute(statistics, [(c.failures, c.example) for c in checks])
    for check, (count, example) in zip(checks, outcomes, strict=True):
        if count:
            raise check.error(int(count), example)
    return values
