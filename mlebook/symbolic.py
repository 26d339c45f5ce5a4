"""Symbolic derivations with sympy: from a log-density to the MLE and the Fisher information.

A chapter's derivation then reads like the math::

    d = Bernoulli().logpdf_sym()
    ell = loglik(d)  # sum over i = 1..n of log f(x_i; p)
    score(d)  # d ell / dp
    mle(d)  # {p: Sum(x[i], (i, 1, n)) / n}
    fisher_information(d)  # 1 / (p (1 - p))

Sums over the sample are kept as ``Sum(g(x[i]), (i, 1, n))`` with the parameters pulled out,
so that sympy can solve the score equations with each data sum treated as a known number.
:func:`evaluate` then puts real data into any such expression.

Examples
--------
>>> from mlebook.models import Poisson
>>> d = Poisson().logpdf_sym()
>>> mle(d)
{lam: Sum(x[i], (i, 1, n))/n}
>>> evaluate(mle(d)["lam"], [1, 2, 6])  # indexed by the model's parameter name
3.0
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping

import numpy as np
import sympy as sp
import sympy.stats as sps

from . import validation as v
from .models import SymbolicDensity

__all__ = [
    "i",
    "n",
    "x",
    "Estimates",
    "data_sum",
    "loglik",
    "score",
    "hessian",
    "mle",
    "fisher_information",
    "evaluate",
]

#: The index of an observation, ``i = 1, ..., n``.
i = sp.Symbol("i", integer=True, positive=True)
#: The sample size.
n = sp.Symbol("n", integer=True, positive=True)
#: The sample, whose ``x[i]`` is observation ``i``.
x = sp.IndexedBase("x")


def _check_density(density) -> SymbolicDensity:
    if not isinstance(density, SymbolicDensity):
        raise TypeError(
            "density must be a SymbolicDensity, as returned by model.logpdf_sym(), "
            f"got {type(density).__name__}"
        )
    return density


def _check_expr(expr, name: str):
    """A sympy expression (or Matrix), or a real number made into one; NaN is refused."""
    if isinstance(expr, (sp.Basic, sp.MatrixBase)):
        if expr.has(sp.nan):
            raise ValueError(f"{name} must be finite, got an expression containing nan")
        return expr
    if isinstance(expr, numbers.Real) and not isinstance(expr, bool):
        v.check_real(expr, name)
        return sp.sympify(expr)
    raise TypeError(f"{name} must be a sympy expression or a number, got {type(expr).__name__}")


def data_sum(term: sp.Expr) -> sp.Expr:
    """Sum ``term`` (written in ``x[i]``) over ``i = 1..n``, pulling out what does not depend
    on ``i``.

    Each additive piece ``c(theta) * g(x[i])`` becomes ``c(theta) * Sum(g(x[i]), (i, 1, n))``,
    and a piece free of the observation index becomes ``n * c(theta)``. Other per-observation
    data written with the same index, such as weights ``r[i]``, stay inside the sums.

    Examples
    --------
    >>> p = sp.Symbol("p")
    >>> data_sum(x[i] * sp.log(p) + 1)
    n + log(p)*Sum(x[i], (i, 1, n))
    >>> r, mu = sp.IndexedBase("r"), sp.Symbol("mu")
    >>> data_sum(r[i] * (x[i] - mu))
    -mu*Sum(r[i], (i, 1, n)) + Sum(r[i]*x[i], (i, 1, n))
    """
    total = sp.Integer(0)
    for piece in sp.Add.make_args(sp.expand(_check_expr(term, "term"))):
        coef, data_part = piece.as_independent(i, as_Add=False)
        total += coef * (n if data_part == 1 else sp.Sum(data_part, (i, 1, n)))
    return total


def loglik(density: SymbolicDensity, expand: bool = True) -> sp.Expr:
    """The log-likelihood of ``n`` i.i.d. observations ``x[1], ..., x[n]``.

    With ``expand=False`` it is returned as one ``Sum`` of the log-density, as written on the
    page; with ``expand=True`` the parameters are pulled out of the sums, ready to be solved.
    """
    d = _check_density(density)
    term = d.logpdf.subs(d.x, x[i])
    return data_sum(term) if v.check_bool(expand, "expand") else sp.Sum(term, (i, 1, n))


def score(density: SymbolicDensity) -> list[sp.Expr]:
    """The score: the derivative of the log-likelihood with respect to each parameter."""
    ell = loglik(density)
    return [sp.diff(ell, p) for p in density.params]


def hessian(density: SymbolicDensity) -> sp.Matrix:
    """Second derivatives of the log-likelihood of ``n`` observations."""
    ell = loglik(density)
    return sp.Matrix([[sp.diff(ell, a, b) for b in density.params] for a in density.params])


class Estimates(dict):
    """``{parameter symbol: estimate}``, which can also be indexed by a parameter's name.

    The symbols of :meth:`mlebook.models.Model.logpdf_sym` are named as the model's
    ``param_names``, so ``mle(d)["sigma2"]`` and ``mle(d)[d.params[1]]`` are the same.
    """

    def __getitem__(self, key):
        if isinstance(key, str):
            for symbol in self:
                if str(symbol) == key:
                    return dict.__getitem__(self, symbol)
            raise KeyError(
                f"no parameter named {key!r}; the parameters are {[str(s) for s in self]}"
            )
        return dict.__getitem__(self, key)


def mle(density: SymbolicDensity) -> Estimates:
    """Solve the score equations; return ``{parameter: estimate}`` as :class:`Estimates`.

    Raises
    ------
    ValueError
        If sympy finds no stationary point in the parameter space, or more than one, or
        cannot solve the score equations in closed form (the Gamma shape, for example).
    """
    d = _check_density(density)
    try:
        solutions = sp.solve(score(d), list(d.params), dict=True)
    except NotImplementedError:
        raise ValueError(
            "sympy cannot solve the score equations in closed form; "
            "maximize the likelihood numerically (mlebook.fit)"
        ) from None
    if len(solutions) != 1:
        raise ValueError(
            "expected one stationary point of the log-likelihood, "
            f"found {len(solutions)}: {solutions}"
        )
    return Estimates(solutions[0])


def fisher_information(density: SymbolicDensity):
    """Expected information of ONE observation, ``-E[d^2 log f(X) / d theta d theta']``.

    The expectation is taken with ``density.rv`` (a ``sympy.stats`` random variable).
    Returns an expression for a one-parameter model and a ``Matrix`` otherwise.
    """
    d = _check_density(density)
    if d.rv is None:
        raise ValueError(
            "density.rv is needed to take the expectation; give a sympy.stats random variable"
        )
    entries = [
        [sp.simplify(-sps.E(sp.diff(d.logpdf, a, b).subs(d.x, d.rv))) for b in d.params]
        for a in d.params
    ]
    return entries[0][0] if len(d.params) == 1 else sp.Matrix(entries)


def evaluate(expr, data, values: Mapping | None = None):
    """Put a data set (and optionally parameter values) into an expression from this module.

    Every ``Sum(g(x[i]), (i, 1, n))`` is replaced by the numeric sum of ``g`` over the data
    and ``n`` by the sample size; ``values`` maps remaining symbols to numbers.

    Parameters
    ----------
    expr : sympy expression or Matrix
    data : array_like or dict
        The sample ``x`` (1-D), or a dict mapping each ``IndexedBase`` in the sums (``x``,
        weights ``r``, ...) to a 1-D array, all of the same length.
    values : dict, optional
        Numbers for the remaining symbols (parameters).

    Returns
    -------
    float, or a numpy array for a ``Matrix``; a sympy expression if free symbols remain.

    Examples
    --------
    >>> r = sp.IndexedBase("r")
    >>> evaluate(data_sum(r[i] * x[i]) / sp.Sum(r[i], (i, 1, n)), {x: [1.0, 3.0], r: [1.0, 3.0]})
    2.5
    """
    expr = _check_expr(expr, "expr")
    if values is not None and not isinstance(values, Mapping):
        raise TypeError(
            f"values must be a mapping from symbols to numbers, got {type(values).__name__}"
        )
    for symbol, value in (values or {}).items():
        if not isinstance(symbol, sp.Basic):
            raise TypeError(f"values keys must be sympy symbols, got {symbol!r}")
        _check_expr(value, f"values[{symbol}]")
    columns = dict(data) if isinstance(data, Mapping) else {x: data}
    arrays, size = {}, None
    for base, column in columns.items():
        if not isinstance(base, sp.IndexedBase):
            raise TypeError(f"data keys must be sympy IndexedBase objects such as x, got {base!r}")
        arr = v.as_data(column, name=f"data[{base}]" if isinstance(data, Mapping) else "data")
        if size is not None and arr.size != size:
            raise ValueError(
                f"data columns must have the same length, got {size} and {arr.size} (for {base})"
            )
        arrays[base], size = arr, arr.size
    if values:
        expr = expr.subs(dict(values))
    dummies = {base: sp.Dummy(str(base)) for base in arrays}
    done = set()
    while True:  # innermost sums first: sympy may have nested one sum inside another
        sums = {}
        for s in expr.atoms(sp.Sum) - done:
            summand = s.function.subs({base[i]: d for base, d in dummies.items()}).rewrite(
                sp.Piecewise
            )
            if summand.free_symbols - set(dummies.values()):
                done.add(s)  # unknown parameters, or a sum not evaluated yet: leave it for now
                continue
            g = sp.lambdify(list(dummies.values()), summand, modules=["scipy", "numpy"])
            sums[s] = sp.Float(float(np.sum(np.broadcast_to(g(*arrays.values()), (size,)))), 17)
        if not sums:
            break
        expr, done = expr.xreplace(sums), set()
    out = expr.subs(n, size)
    if out.free_symbols:
        return out
    if isinstance(out, sp.MatrixBase):
        return np.array(out.evalf(17).tolist(), dtype=float)
    return float(out)
