"""Conjugate priors and the MAP estimates they give, in closed form.

With a conjugate prior the posterior is in the prior's family, and its mode (the MAP
estimate) reads like the MLE computed on the data plus some imaginary "pseudo-observations"
contributed by the prior:

* :func:`beta_bernoulli_map`, :func:`beta_bernoulli_mean`: a coin with a ``Beta(a, b)``
  prior on ``p``. The MAP is ``(k + a - 1) / (n + a + b - 2)``: the prior adds ``a - 1``
  heads and ``b - 1`` tails. The posterior mean adds ``a`` heads and ``b`` tails.
* :func:`gaussian_mean_map`: a Gaussian mean with known variance ``sigma2`` and a
  ``N(m, tau2)`` prior: a precision-weighted average of the sample mean and ``m``.
* :func:`gaussian_variance_map`: a Gaussian variance with an inverse-gamma ``(alpha, beta)``
  prior (and a flat prior on the mean when it is unknown). It stays positive even for a
  single observation, where the MLE of the variance is 0.

Each takes the data as :mod:`mlebook.models` does, validates it, and returns a float.

Examples
--------
>>> import numpy as np
>>> three_heads = np.ones(3)
>>> beta_bernoulli_map(three_heads, a=1, b=1)  # a flat prior: the MLE, 3 / 3
1.0
>>> beta_bernoulli_map(three_heads, a=2, b=2)  # one extra head and one extra tail
0.8
"""

from __future__ import annotations

import numpy as np

from . import validation as v

__all__ = [
    "beta_bernoulli_map",
    "beta_bernoulli_mean",
    "gaussian_mean_map",
    "gaussian_variance_map",
]


def _beta_shapes(a, b) -> tuple[float, float]:
    return v.check_positive(a, "a"), v.check_positive(b, "b")


def beta_bernoulli_map(x, a: float = 1.0, b: float = 1.0) -> float:
    """MAP estimate of a coin's ``p`` under a ``Beta(a, b)`` prior:
    ``(k + a - 1) / (n + a + b - 2)``.

    Parameters
    ----------
    x : array_like of 0 and 1
        The flips; ``k`` is the number of ones and ``n`` the number of flips.
    a, b : float
        The prior's shapes, at least 1, so that the posterior ``Beta(k + a, n - k + b)`` has
        its mode in ``[0, 1]`` (with ``a = b = 1``, a flat prior, the MAP is the MLE ``k / n``).

    Raises
    ------
    ValueError
        If ``a`` or ``b`` is below 1 (the posterior density can then be unbounded at 0 or 1,
        and has no mode).

    Examples
    --------
    >>> beta_bernoulli_map([1, 1, 0, 1], a=3, b=3)  # (3 + 2) / (4 + 4)
    0.625
    """
    x = v.as_data(x, "binary")
    a, b = _beta_shapes(a, b)
    if a < 1 or b < 1:
        raise ValueError(
            f"a and b must be at least 1 for the posterior to have a mode, got a={a:g}, b={b:g}"
        )
    k, n = x.sum(), x.size
    return float((k + a - 1) / (n + a + b - 2))


def beta_bernoulli_mean(x, a: float = 1.0, b: float = 1.0) -> float:
    """Posterior mean of a coin's ``p`` under a ``Beta(a, b)`` prior: ``(k + a) / (n + a + b)``.

    Examples
    --------
    >>> beta_bernoulli_mean([1, 1, 1], a=1, b=1)  # Laplace's rule of succession: 4 / 5
    0.8
    """
    x = v.as_data(x, "binary")
    a, b = _beta_shapes(a, b)
    return float((x.sum() + a) / (x.size + a + b))


def gaussian_mean_map(x, sigma2: float, prior_mean: float = 0.0, prior_var: float = 1.0) -> float:
    """MAP (also the posterior mean) of a Gaussian mean with known variance and a normal prior.

    With ``x_i ~ N(mu, sigma2)`` and ``mu ~ N(m, tau2)``, the posterior of ``mu`` is normal
    with mean ``(n xbar / sigma2 + m / tau2) / (n / sigma2 + 1 / tau2)``: the weight on the
    sample mean is ``n tau2 / (n tau2 + sigma2)``, which tends to 1 as ``n`` grows.

    Examples
    --------
    >>> gaussian_mean_map([2.0, 4.0], sigma2=1.0, prior_mean=0.0, prior_var=0.5)
    1.5
    """
    x = v.as_data(x)
    sigma2 = v.check_positive(sigma2, "sigma2")
    m = v.check_real(prior_mean, "prior_mean")
    tau2 = v.check_positive(prior_var, "prior_var")
    n = x.size
    return float((x.sum() / sigma2 + m / tau2) / (n / sigma2 + 1 / tau2))


def gaussian_variance_map(x, alpha: float, beta: float, mu: float | None = None) -> float:
    """MAP of a Gaussian variance under an inverse-gamma prior ``IG(alpha, beta)``.

    The prior density is proportional to ``s2^(-alpha - 1) exp(-beta / s2)``. With
    ``S = sum_i (x_i - c)^2`` the MAP is

        (S / 2 + beta) / (n / 2 + alpha + 1),

    where ``c = mu`` when the mean is known, and ``c = xbar`` when ``mu`` is None: then the
    mean has a flat prior and this is the joint posterior mode of ``(mu, s2)``, at
    ``mu = xbar``. For one observation ``S = 0``: the MLE of the variance is 0, the MAP is
    ``beta / (alpha + 3/2)``.

    Examples
    --------
    >>> gaussian_variance_map([3.0], alpha=1.0, beta=1.0)
    0.4
    """
    x = v.as_data(x)
    alpha = v.check_positive(alpha, "alpha")
    beta = v.check_positive(beta, "beta")
    centre = x.mean() if mu is None else v.check_real(mu, "mu")
    S = float(np.sum((x - centre) ** 2))
    return (S / 2 + beta) / (x.size / 2 + alpha + 1)
