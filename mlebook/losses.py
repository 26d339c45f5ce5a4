"""The loss functions of machine learning, written as the negative log-likelihoods they are.

Each loss is the negative log-likelihood (NLL) of one observation under a probability model,
averaged over the observations like the losses of machine-learning libraries:

* :func:`mse`: Gaussian with mean ``yhat`` and a fixed variance; the Gaussian NLL is an
  increasing affine function of it (see :func:`gaussian_nll`), so both have one minimizer;
* :func:`binary_cross_entropy`: Bernoulli with ``P(y = 1) = p``; exactly the NLL;
* :func:`cross_entropy`: categorical with class probabilities ``q``; exactly the NLL;
* :func:`poisson_nll`: Poisson with mean ``rate``; exactly the NLL (``full=True``), the
  Poisson regression loss;

and :func:`entropy`, :func:`kl_divergence` and :func:`cross_entropy` of probability
distributions satisfy ``cross_entropy(p, q) = entropy(p) + kl_divergence(p, q)``.

Conventions shared by every function here:

* **Reduction.** Each loss is computed per sample (per row, for distributions) and then
  reduced: ``reduction="mean"`` (the default, as in machine-learning libraries) averages over
  the samples, ``"sum"`` adds them up (the total NLL, ``-loglik``), and ``"none"`` returns the
  per-sample array. ``"mean"`` and ``"sum"`` return a ``float``.
* **Probabilities or logits.** Predictions are probabilities (or a rate for the Poisson) by
  default. With ``from_logits=True`` the classification losses take log-odds (binary) or
  unnormalized log-probabilities (categorical) instead and are computed in log space with
  :func:`scipy.special.log_expit` and :func:`scipy.special.log_softmax`; ``poisson_nll`` takes
  the log-rate with ``from_log=True``. Logits are the numerically better input.
* **Boundaries.** Probabilities of exactly 0 and 1 are allowed. The convention
  ``0 log 0 = 0`` is used throughout (:func:`scipy.special.xlogy`, :func:`scipy.special.entr`,
  :func:`scipy.special.rel_entr`), so a sure prediction that is right costs 0, and a
  prediction of probability 0 for what happened costs ``+inf``, which is the correct value
  (never NaN).
* **Validation.** Shapes must match; probabilities must lie in [0, 1] and rows of a
  distribution must sum to 1 (to within ``1e-6``); labels must be valid; nothing may be NaN
  or infinite. Violations raise ``ValueError`` (``TypeError`` for non-numeric input) naming
  the argument.

Examples
--------
>>> round(binary_cross_entropy([1, 0, 1], [0.9, 0.2, 1.0]), 4)
0.1095
>>> cross_entropy([2, 0], [[0.1, 0.2, 0.7], [0.5, 0.5, 0.0]], reduction="none").round(4)
array([0.3567, 0.6931])
>>> binary_cross_entropy([1], [0.0])
inf
"""

from __future__ import annotations

import numpy as np
from scipy import special

from . import validation as v

__all__ = [
    "binary_cross_entropy",
    "cross_entropy",
    "entropy",
    "kl_divergence",
    "mse",
    "gaussian_nll",
    "poisson_nll",
    "softmax",
    "log_softmax",
]

#: Reductions accepted by every loss.
REDUCTIONS = ("mean", "sum", "none")

#: How far from 1 a row of probabilities may sum before it is rejected.
ROW_SUM_ATOL = 1e-6


# --------------------------------------------------------------------------- helpers
def _reduce(per_sample: np.ndarray, reduction: str):
    if reduction == "mean":
        return float(per_sample.mean())
    if reduction == "sum":
        return float(per_sample.sum())
    return per_sample


def _check_reduction(reduction) -> str:
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")
    return reduction


def _check_same_length(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> None:
    if a.shape[0] != b.shape[0]:
        raise ValueError(
            f"{name_a} has {a.shape[0]} values but {name_b} has {b.shape[0]}: "
            "they must describe the same samples"
        )


def _unit_interval(x: np.ndarray, name: str) -> np.ndarray:
    if x.min() < 0 or x.max() > 1:
        bad = x[(x < 0) | (x > 1)][0]
        raise ValueError(f"{name} must contain probabilities in [0, 1]; found {bad:g}")
    return x


def _ndim(x, name: str) -> int:
    return v.as_array(x, name).ndim  # a TypeError for strings, None and other non-numbers


def _as_rows(q, name: str) -> tuple[np.ndarray, bool]:
    """A matrix with one row per sample, and whether the input was ONE distribution (1-D)."""
    ndim = _ndim(q, name)
    if ndim == 0:
        raise ValueError(
            f"{name} must be a vector or a matrix with one row per sample, got a scalar"
        )
    if ndim == 1:
        return v.as_data(q, name=name)[None, :], True
    return v.as_matrix(q, name), False


def _distribution_rows(p, name: str) -> tuple[np.ndarray, bool]:
    """Rows of probabilities: entries in [0, 1], each row summing to 1."""
    rows, single = _as_rows(p, name)
    _unit_interval(rows, name)
    sums = rows.sum(axis=1)
    worst = int(np.argmax(np.abs(sums - 1)))
    if abs(sums[worst] - 1) > ROW_SUM_ATOL:
        where = name if single else f"row {worst} of {name}"
        raise ValueError(f"{where} must sum to 1, got {sums[worst]:.12g}")
    return rows, single


def _target_rows(target, shape: tuple[int, int], single: bool, name: str) -> np.ndarray:
    """The target as rows of probabilities. It is given as integer labels (1-D, one per row
    of the predictions) or as distributions of the predictions' shape; when the predictions
    are ONE distribution, a 1-D target is a distribution too."""
    n, k = shape
    if _ndim(target, name) == 1 and not single:
        labels = v.as_data(target, "labels", k=k, name=name)
        if labels.size != n:
            raise ValueError(f"{name} has {labels.size} labels but the predictions have {n} rows")
        return np.eye(k)[labels.astype(np.intp)]
    rows, _ = _distribution_rows(target, name)
    if rows.shape != (n, k):
        want = (k,) if single else (n, k)
        raise ValueError(
            f"{name} has shape {np.shape(target)} but the predictions have shape {want}"
        )
    return rows


# --------------------------------------------------------------------------- losses
def binary_cross_entropy(y, p, *, from_logits: bool = False, reduction: str = "mean"):
    """Binary cross-entropy: the negative log-likelihood of Bernoulli outcomes.

    Per sample, ``-[y log p + (1 - y) log(1 - p)]``, which is ``-log P(y | p)`` for a label
    ``y`` in {0, 1}. Soft targets ``y`` in [0, 1] are allowed: the value is then the
    cross-entropy between the distributions Bernoulli(y) and Bernoulli(p).

    Parameters
    ----------
    y : array_like, shape (n,)
        Targets in [0, 1] (usually labels 0 or 1).
    p : array_like, shape (n,)
        Predicted probabilities ``P(y = 1)`` in [0, 1], or log-odds when ``from_logits``.
    from_logits : bool
        Whether ``p`` holds log-odds ``z`` (then ``p = sigmoid(z)``, computed in log space).
    reduction : {"mean", "sum", "none"}
        Average over samples, total (minus the log-likelihood), or the per-sample array.

    Returns
    -------
    float or numpy.ndarray
        Non-negative; ``+inf`` where a label has predicted probability 0.

    Examples
    --------
    >>> binary_cross_entropy([1, 0], [0.8, 0.0], reduction="none").round(4)
    array([0.2231, 0.    ])
    >>> round(binary_cross_entropy([1, 0], [2.0, -1.0], from_logits=True), 4)
    0.2201
    """
    reduction = _check_reduction(reduction)
    from_logits = v.check_bool(from_logits, "from_logits")
    y = _unit_interval(v.as_data(y, name="y"), "y")
    pred = v.as_data(p, name="p")
    _check_same_length(y, pred, "y", "p")
    if from_logits:
        per = 0.0 - (y * special.log_expit(pred) + (1 - y) * special.log_expit(-pred))
    else:
        _unit_interval(pred, "p")
        # 0.0 - (...) rather than -(...): a perfect prediction costs 0.0, not -0.0.
        per = 0.0 - (special.xlogy(y, pred) + special.xlog1py(1 - y, -pred))
    return _reduce(per, reduction)


def cross_entropy(target, q, *, from_logits: bool = False, reduction: str = "mean"):
    """Cross-entropy ``H(p, q) = -sum_j p_j log q_j``: the categorical negative log-likelihood.

    Parameters
    ----------
    target : array_like
        Either integer labels ``0..k-1``, one per row of ``q`` (shape ``(n,)``), or the
        target distributions, one per row of ``q`` (shape ``(n, k)``; one-hot rows are
        labels). When ``q`` is one distribution (shape ``(k,)``), ``target`` is one
        distribution too.
    q : array_like, shape (n, k) or (k,)
        Predicted probabilities (rows summing to 1), or unnormalized log-probabilities
        (logits) when ``from_logits``.
    from_logits : bool
        Whether ``q`` holds logits; then ``log q = log_softmax(logits)``.
    reduction : {"mean", "sum", "none"}
        Average over rows, total (minus the log-likelihood for labels), or one value per row.

    Returns
    -------
    float or numpy.ndarray
        ``+inf`` where the target puts mass on a class with predicted probability 0.

    Notes
    -----
    With labels, the per-sample value is ``-log q[i, y_i]``: the negative log-probability of
    the class that occurred, so the sum is exactly the negative log-likelihood of a
    categorical model. A 1-D ``target`` is read as labels when ``q`` has several rows and as
    a distribution when ``q`` is one distribution.

    Examples
    --------
    >>> round(cross_entropy([0.5, 0.5], [0.25, 0.75]), 4)
    0.837
    >>> round(cross_entropy([1, 0], [[0.0, 3.0], [1.0, 1.0]], from_logits=True), 4)
    0.3709
    """
    reduction = _check_reduction(reduction)
    if v.check_bool(from_logits, "from_logits"):
        logits, single = _as_rows(q, "q")
        logq = special.log_softmax(logits, axis=1)
        p = _target_rows(target, logq.shape, single, "target")
        # Logits are finite, so log q is finite and p * log q needs no 0 log 0 convention.
        per = 0.0 - (p * logq).sum(axis=1)
    else:
        rows, single = _distribution_rows(q, "q")
        p = _target_rows(target, rows.shape, single, "target")
        per = 0.0 - special.xlogy(p, rows).sum(axis=1)
    return _reduce(per, reduction)


def entropy(p, *, reduction: str = "mean"):
    """Shannon entropy ``H(p) = -sum_j p_j log p_j`` (in nats) of each row of ``p``.

    Parameters
    ----------
    p : array_like, shape (k,) or (n, k)
        One distribution, or one per row.
    reduction : {"mean", "sum", "none"}

    Examples
    --------
    >>> round(entropy([0.5, 0.5]), 6), round(float(np.log(2)), 6)
    (0.693147, 0.693147)
    >>> entropy([1.0, 0.0])
    0.0
    """
    reduction = _check_reduction(reduction)
    rows, _ = _distribution_rows(p, "p")
    return _reduce(special.entr(rows).sum(axis=1), reduction)


def kl_divergence(p, q, *, reduction: str = "mean"):
    """Kullback-Leibler divergence ``KL(p || q) = sum_j p_j log(p_j / q_j)`` of each row.

    Non-negative, zero exactly when ``p = q``, not symmetric, and ``+inf`` when ``q`` gives
    probability 0 to a class that ``p`` does not.

    Parameters
    ----------
    p, q : array_like, shape (k,) or (n, k)
        Distributions of the same shape.
    reduction : {"mean", "sum", "none"}

    Examples
    --------
    >>> round(kl_divergence([0.5, 0.5], [0.25, 0.75]), 4)
    0.1438
    >>> kl_divergence([0.5, 0.5], [1.0, 0.0])
    inf
    """
    reduction = _check_reduction(reduction)
    p_rows, _ = _distribution_rows(p, "p")
    q_rows, _ = _distribution_rows(q, "q")
    if p_rows.shape != q_rows.shape:
        raise ValueError(f"p has shape {np.shape(p)} but q has shape {np.shape(q)}")
    return _reduce(special.rel_entr(p_rows, q_rows).sum(axis=1), reduction)


def mse(y, yhat, *, reduction: str = "mean"):
    """Mean squared error: the squared residuals ``(y - yhat)^2``, averaged by default.

    It is the Gaussian negative log-likelihood with the variance held fixed, up to a
    constant and a scale (see :func:`gaussian_nll`), so it has the same minimizer.

    Examples
    --------
    >>> mse([1.0, 2.0, 4.0], [1.0, 3.0, 2.0])
    1.6666666666666667
    """
    reduction = _check_reduction(reduction)
    y = v.as_data(y, name="y")
    yhat = v.as_data(yhat, name="yhat")
    _check_same_length(y, yhat, "y", "yhat")
    return _reduce((y - yhat) ** 2, reduction)


def gaussian_nll(y, mean, sigma2, *, reduction: str = "mean"):
    """Gaussian negative log-likelihood ``log(2 pi sigma2) / 2 + (y - mean)^2 / (2 sigma2)``.

    Averaged over samples this is ``log(2 pi sigma2) / 2 + mse(y, mean) / (2 sigma2)``: for
    a fixed ``sigma2``, an increasing affine function of the mean squared error.

    Parameters
    ----------
    y, mean : array_like, shape (n,)
        Targets and predicted means.
    sigma2 : float or array_like of shape (n,)
        The noise variance, positive.

    Examples
    --------
    >>> round(gaussian_nll([0.0, 2.0], [0.0, 0.0], 1.0), 4)  # log(2 pi) / 2 + 4 / 4
    1.9189
    """
    reduction = _check_reduction(reduction)
    y = v.as_data(y, name="y")
    mean = v.as_data(mean, name="mean")
    _check_same_length(y, mean, "y", "mean")
    if np.ndim(sigma2) == 0:
        s2 = np.full(y.size, v.check_positive(sigma2, "sigma2"))
    else:
        s2 = v.as_data(sigma2, "positive", name="sigma2")
        _check_same_length(y, s2, "y", "sigma2")
    return _reduce(0.5 * np.log(2 * np.pi * s2) + (y - mean) ** 2 / (2 * s2), reduction)


def poisson_nll(y, rate, *, from_log: bool = False, full: bool = True, reduction: str = "mean"):
    """Poisson negative log-likelihood ``rate - y log(rate) + log(y!)``: the Poisson regression
    loss.

    Parameters
    ----------
    y : array_like, shape (n,)
        Observed counts (non-negative integers).
    rate : array_like, shape (n,)
        Predicted rates (means), non-negative; or log-rates when ``from_log``.
    from_log : bool
        Whether ``rate`` holds ``log(rate)``, the linear predictor of a Poisson regression
        (then the loss is ``exp(eta) - y * eta``, computed without taking a logarithm).
    full : bool
        Include ``log(y!)``, so that the value is exactly the negative log-likelihood. It
        does not depend on the parameters; ``full=False`` drops it, as ML libraries do.
    reduction : {"mean", "sum", "none"}

    Returns
    -------
    float or numpy.ndarray
        ``+inf`` where a positive count has predicted rate 0.

    Examples
    --------
    >>> round(poisson_nll([0, 2], [0.0, 2.0]), 4)  # (0 + 2 - 2 log 2 + log 2!) / 2
    0.6534
    """
    reduction = _check_reduction(reduction)
    from_log, full = v.check_bool(from_log, "from_log"), v.check_bool(full, "full")
    y = v.as_data(y, "count", name="y")
    r = v.as_data(rate, name="rate")
    _check_same_length(y, r, "y", "rate")
    if from_log:
        with np.errstate(over="ignore"):  # a log-rate above ~709 means an infinite loss
            per = np.exp(r) - y * r
    else:
        if r.min() < 0:
            raise ValueError(f"rate must be non-negative; found {r[r < 0][0]:g}")
        per = r - special.xlogy(y, r)
    if full:
        per = per + special.gammaln(y + 1)
    return _reduce(per, reduction)


# --------------------------------------------------------------------------- softmax
def softmax(z, axis: int = -1) -> np.ndarray:
    """``exp(z) / sum(exp(z))`` along ``axis``, without overflow (:func:`scipy.special.softmax`).

    Examples
    --------
    >>> softmax([1000.0, 1000.0])
    array([0.5, 0.5])
    """
    z = _finite_array(z, "z")
    return special.softmax(z, axis=_check_axis(axis, z.ndim))


def log_softmax(z, axis: int = -1) -> np.ndarray:
    """``z - logsumexp(z)`` along ``axis``: log-probabilities from logits, always finite.

    Examples
    --------
    >>> log_softmax([0.0, 1000.0]).round(4)
    array([-1000.,     0.])
    """
    z = _finite_array(z, "z")
    return special.log_softmax(z, axis=_check_axis(axis, z.ndim))


def _finite_array(z, name: str) -> np.ndarray:
    if _ndim(z, name) == 0:
        raise ValueError(f"{name} must have at least one dimension (a vector of logits)")
    return v.as_data(np.ravel(z), name=name).reshape(np.shape(z))


def _check_axis(axis, ndim: int) -> int:
    """An axis of an array with ``ndim`` dimensions; negative values count from the end."""
    if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"axis must be an integer, got {type(axis).__name__}")
    if not -ndim <= axis < ndim:
        raise ValueError(
            f"axis must be between {-ndim} and {ndim - 1} for z with {ndim} dimension(s), "
            f"got {axis}"
        )
    return int(axis)
