"""Shared fixtures: the models with example parameters and their scipy.stats references."""

import numpy as np
import pytest
from hypothesis import settings
from scipy import stats

from mlebook.models import Bernoulli, Categorical, Exponential, Gamma, Gaussian, Poisson

settings.register_profile("book", deadline=None, max_examples=60, derandomize=True)
settings.load_profile("book")


def _categorical_logpmf(x, p):
    onehot = np.eye(len(p))[np.asarray(x, dtype=int)]
    return stats.multinomial.logpmf(onehot, 1, p)


# (id, model, true parameters, scipy log-density of each observation)
CASES = [
    ("bernoulli", Bernoulli(), 0.3, lambda x, p: stats.bernoulli.logpmf(x, p)),
    ("gaussian", Gaussian(), (1.5, 4.0), lambda x, t: stats.norm.logpdf(x, t[0], np.sqrt(t[1]))),
    ("poisson", Poisson(), 3.5, lambda x, lam: stats.poisson.logpmf(x, lam)),
    ("exponential", Exponential(), 2.0, lambda x, r: stats.expon.logpdf(x, scale=1 / r)),
    ("categorical", Categorical(3), (0.2, 0.3, 0.5), _categorical_logpmf),
    ("gamma", Gamma(), (2.5, 1.5), lambda x, t: stats.gamma.logpdf(x, t[0], scale=t[1])),
]


@pytest.fixture(params=CASES, ids=[c[0] for c in CASES])
def case(request):
    """One model, its true parameters and its scipy reference."""
    return request.param[1:]


@pytest.fixture
def rng():
    return np.random.default_rng(12345)
