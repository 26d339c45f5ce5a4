"""mlebook: the helper package of the Maximum Likelihood Estimation textbook.

Every chapter imports it. The modules, one concept each:

* :mod:`mlebook.models`: distributions with one interface (log-likelihood, MLE, score,
  Fisher information, sampling, sympy form);
* :mod:`mlebook.fitting`: numerical maximum likelihood, standard errors, Wald and profile
  intervals (:func:`fit` is re-exported here);
* :mod:`mlebook.symbolic`: sympy derivations of log-likelihoods, MLEs and information;
* :mod:`mlebook.optim`: gradient descent (and later Newton's method) written out for
  teaching, recording their paths;
* :mod:`mlebook.validation`: the input checks every public function shares;
* :mod:`mlebook.plotting`: the book's figure helpers (imported on demand, since it loads
  matplotlib).
"""

from . import fitting, models, optim, symbolic, validation
from .fitting import FitResult, fit

__all__ = ["fit", "FitResult", "fitting", "models", "optim", "symbolic", "validation"]
__version__ = "0.1.0"
