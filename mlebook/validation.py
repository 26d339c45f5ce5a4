"""Input checks shared by every public function in :mod:`mlebook`.

Each check either returns a clean value (a float, or a float ``ndarray``) or raises an error
whose message names the argument and says what was wrong, so a mistake is reported where it
was made rather than as a cryptic numpy failure further down.

>>> from mlebook.validation import as_data
>>> as_data([0, 1, 1], support="binary")
array([0., 1., 1.])
"""

from __future__ import annotations

import inspect
import numbers
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "as_array",
    "as_data",
    "as_samples",
    "as_matrix",
    "as_vector",
    "check_finite",
    "outside_support",
    "support_error",
    "check_positive",
    "check_probability",
    "check_probability_vector",
    "check_real",
    "check_in_interval",
    "check_rng",
    "check_size",
    "check_level",
    "check_positive_int",
    "check_bool",
    "check_callable",
    "unpack_params",
    "feature_names",
    "warn",
]

SUPPORTS = {
    "real": "real numbers",
    "binary": "0 or 1",
    "count": "non-negative integers",
    "nonnegative": "non-negative numbers",
    "positive": "positive numbers",
    "labels": "integer labels 0..k-1",
}


def as_array(value: Any, name: str) -> np.ndarray:
    """Convert to a float array of any shape, turning numpy's conversion failures into a TypeError.

    Unlike :func:`as_data` it checks nothing else (shape, finiteness, support): for values
    whose checks depend on the caller, such as a covariance stack or a user function's output.
    """
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be numeric, got a string")
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError) as exc:  # ragged nested lists, odd objects
        raise TypeError(f"{name} must be an array of numbers ({exc})") from None
    if not (
        arr.dtype == bool
        or np.issubdtype(arr.dtype, np.integer)
        or np.issubdtype(arr.dtype, np.floating)
    ):
        raise TypeError(f"{name} must be an array of real numbers, got dtype {arr.dtype}")
    return np.asarray(arr, dtype=float)  # no copy when it is already float64


def check_finite(value: Any, name: str) -> np.ndarray:
    """Return ``value`` as a float array (of any shape) after checking it has no NaN or infinity.

    >>> check_finite([1, 2], "x")
    array([1., 2.])
    """
    arr = as_array(value, name)
    if np.isfinite(arr).all():  # one pass in the common case; find out which only on failure
        return arr
    if np.isnan(arr).any():
        raise ValueError(f"{name} contains NaN")
    raise ValueError(f"{name} contains infinite values")


def as_data(x: Any, support: str = "real", *, k: int | None = None, name: str = "x") -> np.ndarray:
    """Check a one-dimensional sample of i.i.d. observations and return it as floats.

    Parameters
    ----------
    x : array_like
        The observations. Scalars are treated as a sample of size one.
    support : {"real", "binary", "count", "nonnegative", "positive", "labels"}
        The set every observation must lie in.
    k : int, optional
        Number of classes, required when ``support="labels"``.
    name : str
        The argument's name, used in error messages.

    Returns
    -------
    numpy.ndarray
        A 1-D float array.

    Raises
    ------
    TypeError
        If ``x`` is not numeric.
    ValueError
        If ``x`` is empty, not one-dimensional, contains NaN or inf, or has a value outside
        the support.

    Examples
    --------
    >>> as_data([3, 0, 2], support="count")
    array([3., 0., 2.])
    """
    k = _check_support(support, k)
    arr = as_array(x, name)
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} is empty: at least one observation is needed")
    return _in_support(arr, support, k, name)


def as_samples(
    x: Any, support: str = "real", *, k: int | None = None, axis: int = -1, name: str = "x"
) -> np.ndarray:
    """Check an array of several i.i.d. samples, one along ``axis`` for every other index.

    The batched counterpart of :func:`as_data`: ``x[..., j]`` (for ``axis=-1``) are the
    observations of one sample. Every sample must have at least one observation.

    Parameters
    ----------
    x : array_like
        The samples, at least one-dimensional.
    support, k, name
        As for :func:`as_data`.
    axis : int
        The axis along which the observations of each sample lie.

    Returns
    -------
    numpy.ndarray
        A float array of the same shape as ``x``.

    Examples
    --------
    >>> as_samples([[0, 1], [1, 1]], support="binary", axis=1).shape
    (2, 2)
    """
    k = _check_support(support, k)
    arr = as_array(x, name)
    if arr.ndim == 0:
        raise ValueError(f"{name} must have at least one dimension, got a scalar")
    if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, (numbers.Integral, np.integer)):
        raise TypeError(f"axis must be an integer, got {type(axis).__name__}")
    if not -arr.ndim <= axis < arr.ndim:
        raise ValueError(
            f"axis must be between {-arr.ndim} and {arr.ndim - 1} for {name} of shape {arr.shape}, "
            f"got {axis}"
        )
    if arr.size == 0:
        raise ValueError(
            f"{name} is empty: every sample needs at least one observation, got shape {arr.shape}"
        )
    return _in_support(arr, support, k, name)


def _check_support(support: Any, k: Any) -> int | None:
    if not isinstance(support, str) or support not in SUPPORTS:
        raise ValueError(f"support must be one of {sorted(SUPPORTS)}, got {support!r}")
    if support == "labels":
        if k is None:
            raise ValueError("k must be given when support='labels'")
        return check_positive_int(k, "k")
    return k


def _in_support(arr: np.ndarray, support: str, k: int | None, name: str) -> np.ndarray:
    """``arr`` itself, after checking it is finite and inside the support."""
    check_finite(arr, name)
    if not _inside(arr, support, k):
        bad = outside_support(arr, support, k)
        raise support_error(name, support, k, arr.flat[np.argmax(bad)], int(bad.sum()))
    return arr


def _inside(arr: np.ndarray, support: str, k: int | None) -> bool:
    """Fast check (reductions, no temporary masks) that every value lies in the support."""
    if support == "real":
        return True
    if support == "nonnegative":
        return arr.min() >= 0
    if support == "positive":
        return arr.min() > 0
    if support == "binary":
        return arr.min() >= 0 and arr.max() <= 1 and bool(np.all(arr == np.round(arr)))
    if support == "count":
        return arr.min() >= 0 and bool(np.all(arr == np.round(arr)))
    return arr.min() >= 0 and arr.max() <= k - 1 and bool(np.all(arr == np.round(arr)))


def outside_support(arr: Any, support: str, k: int | None = None):
    """Mask of the values of ``arr`` outside ``support``: True where a value is not allowed.

    Written with array operations only, so that ``arr`` may be a NumPy array or a Dask array
    (whose mask is then lazy, and is reduced chunk by chunk; see :mod:`mlebook.chunked`).

    Parameters
    ----------
    arr : numpy.ndarray or dask.array.Array
        Finite float values.
    support : {"real", "binary", "count", "nonnegative", "positive", "labels"}
        The set every value must lie in.
    k : int, optional
        Number of classes, required when ``support="labels"``.

    Returns
    -------
    array of bool
        Of the shape of ``arr``.

    Examples
    --------
    >>> outside_support(np.array([0.0, 2.5, -1.0]), "count")
    array([False,  True,  True])
    """
    k = _check_support(support, k)
    if support == "real":
        return arr != arr  # all False for finite values, of the right shape and kind
    non_integer = arr != np.round(arr)
    if support == "nonnegative":
        return arr < 0
    if support == "positive":
        return arr <= 0
    if support == "binary":
        return (arr != 0) & (arr != 1)
    if support == "count":
        return (arr < 0) | non_integer
    return (arr < 0) | (arr > k - 1) | non_integer


def support_error(name: str, support: str, k: int | None, example: float, count: int) -> ValueError:
    """The error for data outside their support: it names the argument, the set its values
    must lie in, one offending value and how many there are.

    Examples
    --------
    >>> support_error("x", "binary", None, 2.0, 3)
    ValueError('x must contain only 0 or 1; found 2 (3 value(s) outside the support)')
    """
    k = _check_support(support, k)
    wanted = SUPPORTS[support].replace("k-1", str(k - 1)) if k else SUPPORTS[support]
    return ValueError(
        f"{name} must contain only {wanted}; found {float(example):g} "
        f"({int(count)} value(s) outside the support)"
    )


def as_matrix(X: Any, name: str = "X", *, min_rows: int = 1) -> np.ndarray:
    """Check a design or data matrix: 2-D (a 1-D input becomes one column), finite, non-empty.

    Examples
    --------
    >>> as_matrix([1.0, 2.0]).shape
    (2, 1)
    """
    arr = as_array(X, name)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise ValueError(
            f"{name} must be two-dimensional (n_samples, n_features), got shape {arr.shape}"
        )
    if arr.shape[0] < min_rows or arr.shape[1] == 0:
        raise ValueError(
            f"{name} is empty or too small: got shape {arr.shape}, need at least {min_rows} row(s)"
        )
    check_finite(arr, name)
    return arr


def feature_names(X: Any) -> list[str] | None:
    """The column names of a table ``X`` (a pandas DataFrame) when every one is a string, as
    scikit-learn's ``feature_names_in_``; None for anything else (an array, a list).

    Examples
    --------
    >>> import pandas as pd
    >>> feature_names(pd.DataFrame({"GPA": [3.1], "PSI": [1]}))
    ['GPA', 'PSI']
    >>> feature_names(np.zeros((2, 2))) is None
    True
    """
    columns = getattr(X, "columns", None)
    if columns is None or len(columns) == 0 or not all(isinstance(c, str) for c in columns):
        return None
    return list(columns)


def as_vector(x: Any, size: int, name: str) -> np.ndarray:
    """A vector of exactly ``size`` finite numbers (a parameter vector, say), as floats.

    >>> as_vector([0.5, 2], 2, "theta")
    array([0.5, 2. ])
    """
    arr = as_data(x, name=name)
    if arr.size != size:
        raise ValueError(f"{name} must have {size} value{'s' if size != 1 else ''}, got {arr.size}")
    return arr


def unpack_params(params: Any, names: tuple[str, ...]) -> tuple:
    """Split a parameter sequence into its named entries, checking there are as many as names.

    >>> unpack_params((0.0, 1.0), ("mu", "sigma2"))
    (0.0, 1.0)
    """
    try:
        # A string or a dict is iterable, but its characters or keys are not the parameters.
        values = () if isinstance(params, (str, bytes, Mapping)) else tuple(params)
    except TypeError:
        values = ()
    if len(values) != len(names):
        raise ValueError(
            f"params must be a {'pair' if len(names) == 2 else 'tuple'} "
            f"({', '.join(names)}), got {params!r}"
        )
    return values


def check_real(value: Any, name: str, *, finite: bool = True) -> float:
    """Return ``value`` as a finite float (or any float, infinities and NaN too, unless ``finite``).

    >>> check_real(2, "mu")
    2.0
    """
    if isinstance(value, (bool, np.bool_, str, bytes)) or value is None:
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}") from None
    if arr.ndim != 0:
        if arr.size != 1:
            raise TypeError(f"{name} must be a single number, got an array of shape {arr.shape}")
        arr = arr.reshape(())
    val = float(arr)
    if finite and not np.isfinite(val):
        raise ValueError(f"{name} must be finite, got {val}")
    return val


def check_in_interval(
    value: Any,
    name: str,
    low: float,
    high: float,
    *,
    closed_low: bool = False,
    closed_high: bool = False,
) -> float:
    """Return ``value`` as a float after checking it lies in the stated interval.

    >>> check_in_interval(0.5, "p", 0, 1)
    0.5
    """
    val = check_real(value, name)
    above = val >= low if closed_low else val > low
    below = val <= high if closed_high else val < high
    if not (above and below):
        left = "[" if closed_low else "("
        right = "]" if closed_high else ")"
        raise ValueError(f"{name} must lie in {left}{low:g}, {high:g}{right}, got {val:g}")
    return val


def check_probability(value: Any, name: str = "p", *, closed: bool = False) -> float:
    """A probability: in (0, 1), or in [0, 1] when ``closed``.

    >>> check_probability(0.73)
    0.73
    """
    return check_in_interval(value, name, 0.0, 1.0, closed_low=closed, closed_high=closed)


def check_positive(value: Any, name: str, *, allow_zero: bool = False) -> float:
    """A positive number (or non-negative when ``allow_zero``).

    >>> check_positive(2.5, "rate")
    2.5
    """
    return check_in_interval(value, name, 0.0, np.inf, closed_low=allow_zero)


def check_probability_vector(
    p: Any, k: int, name: str = "p", *, closed: bool = True, atol: float = 1e-9
) -> np.ndarray:
    """A probability vector of length ``k``: non-negative (positive unless ``closed``), summing
    to 1.

    >>> check_probability_vector([0.2, 0.8], 2)
    array([0.2, 0.8])
    """
    arr = as_array(p, name)
    if arr.ndim != 1 or arr.size != k:
        raise ValueError(f"{name} must be a vector of {k} probabilities, got shape {arr.shape}")
    check_finite(arr, name)
    if closed and (arr < 0).any():
        raise ValueError(f"{name} must have non-negative entries, got {arr}")
    if not closed and (arr <= 0).any():
        raise ValueError(f"{name} must have strictly positive entries here, got {arr}")
    if abs(arr.sum() - 1.0) > atol:
        raise ValueError(f"{name} must sum to 1, got sum {arr.sum():.12g}")
    return arr


def check_positive_int(value: Any, name: str, *, minimum: int = 1) -> int:
    """An integer no smaller than ``minimum``.

    >>> check_positive_int(3, "k")
    3
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Integral, np.integer)):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


def check_bool(value: Any, name: str) -> bool:
    """A flag: ``True`` or ``False`` (numpy's booleans too), not a truthy stand-in like ``"no"``.

    >>> check_bool(np.True_, "fit_intercept")
    True
    """
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {type(value).__name__}")
    return bool(value)


def check_callable(value: Any, name: str) -> Any:
    """A function (anything callable), returned unchanged.

    >>> check_callable(abs, "grad")(-2)
    2
    """
    if not callable(value):
        raise TypeError(f"{name} must be callable, got {type(value).__name__}")
    return value


def check_size(size: Any, name: str = "size") -> int | tuple[int, ...]:
    """A sample size for drawing random variates: a non-negative int or a tuple of them.

    >>> check_size(5)
    5
    """
    if isinstance(size, tuple):
        return tuple(check_positive_int(s, name, minimum=0) for s in size)
    return check_positive_int(size, name, minimum=0)


def check_rng(rng: Any, name: str = "rng") -> np.random.Generator:
    """A ``numpy.random.Generator``; an int seed is turned into one.

    The global numpy random state is never used: pass a seeded generator to get repeatable draws.

    >>> bool(check_rng(0).integers(10) == check_rng(0).integers(10))
    True
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, (numbers.Integral, np.integer)) and not isinstance(rng, bool):
        return np.random.default_rng(int(rng))
    raise TypeError(
        f"{name} must be a numpy.random.Generator or an int seed, got {type(rng).__name__}; "
        "use np.random.default_rng(seed)"
    )


def check_level(level: Any, name: str = "level") -> float:
    """A confidence level strictly between 0 and 1.

    >>> check_level(0.95)
    0.95
    """
    return check_in_interval(level, name, 0.0, 1.0)


_PACKAGE = str(Path(__file__).resolve().parent)


def warn(message: str, category: type[Warning] = RuntimeWarning) -> None:
    """Issue a warning attributed to the reader's code: the first caller outside mlebook.

    Functions call one another inside the package, so a fixed ``stacklevel`` would point at
    whichever mlebook function happened to call; this walks up to the first frame outside it.

    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn("the fit did not converge")
    >>> str(caught[0].message)
    'the fit did not converge'
    """
    if not isinstance(message, str):
        raise TypeError(f"message must be a string, got {type(message).__name__}")
    if not (isinstance(category, type) and issubclass(category, Warning)):
        raise TypeError(f"category must be a Warning subclass, got {category!r}")
    level, frame = 1, inspect.currentframe().f_back
    while frame is not None and str(Path(frame.f_code.co_filename).resolve()).startswith(_PACKAGE):
        level, frame = level + 1, frame.f_back
    warnings.warn(message, category, stacklevel=level + 1)
