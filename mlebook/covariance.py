"""Covariance matrices of maximum-likelihood estimates, from the information they carry.

Three estimates of the covariance of an MLE are in common use, and they agree when the model
is correctly specified and the sample is large:

* the inverse of the observed information ``H`` (minus the Hessian of the log-likelihood at
  the estimate), or of the expected (Fisher) information ``n I(theta_hat)``;
* the inverse of the outer product of the per-observation scores, ``J = sum_i s_i s_i'``
  (the "OPG" or BHHH estimate);
* the sandwich ``H^-1 J H^-1`` (Huber, White), which stays valid when the model is wrong.

Examples
--------
>>> import numpy as np
>>> inverse_information(np.array([[4.0, 0.0], [0.0, 0.25]]))
array([[0.25, 0.  ],
       [0.  , 4.  ]])
"""

from __future__ import annotations

import numpy as np
from scipy import linalg

from . import validation as v

__all__ = ["is_positive_definite", "inverse_information", "outer_product", "sandwich"]


def _square(matrix, name: str) -> np.ndarray:
    arr = np.atleast_2d(v.as_array(matrix, name))
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1] or arr.size == 0:
        raise ValueError(f"{name} must be a square matrix, got shape {np.shape(matrix)}")
    return arr


def inverse_information(information) -> np.ndarray:
    """The inverse of an information matrix, by its Cholesky factor.

    Parameters
    ----------
    information : array_like of shape (p, p)
        A symmetric information matrix (observed or expected).

    Returns
    -------
    numpy.ndarray of shape (p, p)
        Its inverse; all NaN, with a ``RuntimeWarning``, when the matrix is not finite or not
        clearly positive definite: then the estimate is not a strict local maximum, or the
        parameters are not identified, and no standard error is meaningful. "Clearly" is
        judged on the unit-diagonal form ``S^-1 H S^-1`` with ``S = diag(sqrt(H_jj))``
        (smallest eigenvalue above ``1e-10`` times the largest), which does not change with
        the units of the parameters: a parameter measured in millimetres instead of
        kilometres changes ``H`` by a factor 1e12 in its row and column, not the verdict.

    Examples
    --------
    >>> inverse_information([[2.0]])
    array([[0.5]])
    """
    H = _square(information, "information")
    if not _clearly_positive_definite(H):
        return _not_positive_definite(H)
    scale = np.sqrt(np.diag(H))
    outer = np.outer(scale, scale)
    return linalg.cho_solve(linalg.cho_factor((H + H.T) / 2 / outer), np.eye(len(H))) / outer


def is_positive_definite(information) -> bool:
    """Whether an information matrix is finite and clearly positive definite.

    The test of :func:`inverse_information`: the smallest eigenvalue of the unit-diagonal
    form ``S^-1 H S^-1`` (``S = diag(sqrt(H_jj))``) is above ``1e-10`` times the largest.

    Examples
    --------
    >>> (
    ...     is_positive_definite([[1.0, 0.0], [0.0, 1e-12]]),
    ...     is_positive_definite([[1.0, 1.0], [1.0, 1.0]]),
    ... )
    (True, False)
    """
    return _clearly_positive_definite(_square(information, "information"))


def _clearly_positive_definite(H: np.ndarray) -> bool:
    if not np.all(np.isfinite(H)):
        return False
    diagonal = np.diag(H)
    if not np.all(diagonal > 0):  # a zero or negative curvature along a coordinate
        return False
    scale = np.sqrt(diagonal)
    eigenvalues = np.linalg.eigvalsh((H + H.T) / 2 / np.outer(scale, scale))
    return bool(eigenvalues[0] > 1e-10 * abs(eigenvalues[-1]))


def _not_positive_definite(H: np.ndarray) -> np.ndarray:
    v.warn(
        "the information matrix is not positive definite at the estimate: this is not a strict "
        "local maximum, or the parameters are not identified; standard errors are NaN"
    )
    return np.full(H.shape, np.nan)


def outer_product(scores) -> np.ndarray:
    """The outer product of the per-observation scores, ``J = S' S = sum_i s_i s_i'``.

    Parameters
    ----------
    scores : array_like of shape (n, p)
        One row per observation: the gradient of its log-likelihood at the estimate.

    Returns
    -------
    numpy.ndarray of shape (p, p)

    Examples
    --------
    >>> outer_product([[1.0], [-2.0]])
    array([[5.]])
    """
    S = v.as_array(scores, "scores")
    if S.ndim == 1:
        S = S[:, None]
    if S.ndim != 2 or S.shape[0] == 0:
        raise ValueError(
            f"scores must have shape (n, p), one row per observation, got {np.shape(scores)}"
        )
    if not np.all(np.isfinite(S)):
        raise ValueError("scores contains NaN or infinite values")
    return S.T @ S


def sandwich(information, outer) -> np.ndarray:
    """The sandwich covariance ``H^-1 J H^-1``.

    Parameters
    ----------
    information : array_like of shape (p, p)
        The observed information ``H`` (the "bread").
    outer : array_like of shape (p, p)
        The outer product of the scores ``J`` (the "meat"), from :func:`outer_product`.

    Returns
    -------
    numpy.ndarray of shape (p, p)
        NaN (with a warning) when ``H`` is not positive definite.

    Examples
    --------
    >>> sandwich([[2.0]], [[3.0]])  # 3 / 2**2
    array([[0.75]])
    """
    bread = inverse_information(information)
    meat = _square(outer, "outer")
    if meat.shape != bread.shape:
        raise ValueError(
            f"information and outer must have the same shape, got {bread.shape} and {meat.shape}"
        )
    out = bread @ meat @ bread
    return (out + out.T) / 2
