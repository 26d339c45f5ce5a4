"""mlebook: the helper package of the Maximum Likelihood Estimation textbook.

Every chapter imports it, and its source is meant to be read next to the chapters. The
modules, one concept each:

* :mod:`mlebook.models`: distributions with one interface (log-likelihood, MLE, score,
  observed and Fisher information, sampling, sympy form): Bernoulli, Gaussian, Poisson,
  Exponential, Categorical, Gamma;
* :mod:`mlebook.fitting`: numerical maximum likelihood with parameters free or fixed, four
  kinds of covariance (observed, expected, outer product of scores, sandwich), AIC and BIC,
  Wald and profile-likelihood intervals (:func:`~mlebook.fitting.fit` is re-exported);
* :mod:`mlebook.covariance`: covariances from information matrices (inverse, sandwich);
* :mod:`mlebook.intervals`: Wald intervals and the ends of likelihood intervals;
* :mod:`mlebook.inference`: likelihood-ratio, Wald and score tests;
* :mod:`mlebook.symbolic`: sympy derivations of log-likelihoods, scores, MLEs and information;
* :mod:`mlebook.asymptotics`: sampling distributions, vectorized intervals and coverage;
* :mod:`mlebook.regression`: linear, logistic and softmax regression by maximum likelihood or
  MAP (Gaussian and Laplace priors);
* :mod:`mlebook.losses`: the losses of machine learning as negative log-likelihoods;
* :mod:`mlebook.priors`: conjugate MAP estimates;
* :mod:`mlebook.mixture`: Gaussian mixtures fitted by EM;
* :mod:`mlebook.optim`: gradient descent, Newton's method and BFGS written out for teaching,
  recording their paths;
* :mod:`mlebook.parametrization`: the unconstrained coordinates numerical fitting searches;
* :mod:`mlebook.validation`: the input checks every public function shares;
* :mod:`mlebook.chunked`: data larger than memory, as Dask arrays: checks and sufficient
  statistics in one pass over the chunks;
* :mod:`mlebook.plotting`: the book's figure helpers (imported on demand, since it loads
  matplotlib).
"""

from . import (
    asymptotics,
    chunked,
    covariance,
    fitting,
    inference,
    intervals,
    losses,
    mixture,
    models,
    optim,
    priors,
    regression,
    symbolic,
    validation,
)
from .fitting import FitResult, fit

__all__ = [
    "fit",
    "FitResult",
    "asymptotics",
    "chunked",
    "covariance",
    "fitting",
    "inference",
    "intervals",
    "losses",
    "mixture",
    "models",
    "optim",
    "priors",
    "regression",
    "symbolic",
    "validation",
]
__version__ = "0.2.0"
