"""The book's figure helpers: one look for every chapter, and the plots chapters share.

Examples
--------
>>> import numpy as np
>>> from mlebook.models import Bernoulli
>>> use_book_style()
>>> ax = plot_likelihood(Bernoulli(), [1, 1, 0], np.linspace(0.01, 0.99, 50))
>>> ax.get_xlabel()
'p'
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

from . import validation as v
from .models import Model

__all__ = ["use_book_style", "plot_likelihood", "mark_value"]

BOOK_STYLE = {
    "figure.figsize": (6.4, 3.6),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "font.size": 11,
    "axes.titlesize": 11,
    "axes.labelsize": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "legend.frameon": False,
    "lines.linewidth": 2,
    "figure.constrained_layout.use": True,
}


def use_book_style() -> None:
    """Apply the book's matplotlib settings (sizes, fonts, grid) to every later figure."""
    mpl.rcParams.update(BOOK_STYLE)


def plot_likelihood(model: Model, x, grid, *, kind: str = "likelihood", ax=None, **line_kw):
    """Plot a one-parameter model's likelihood of the data ``x`` over ``grid``.

    Parameters
    ----------
    model : Model
        A model with one parameter.
    x : array_like
        The data.
    grid : array_like
        Parameter values inside the parameter space.
    kind : {"likelihood", "loglik", "relative"}
        The likelihood itself, its logarithm, or the likelihood divided by its maximum on
        the grid (so data sets of different sizes can share an axis).
    ax : matplotlib Axes, optional
        Where to draw; a new figure if omitted.
    **line_kw
        Passed to ``Axes.plot`` (``label``, ``color``, ...).

    Returns
    -------
    matplotlib Axes
    """
    if not isinstance(model, Model):
        raise TypeError(f"model must be an mlebook model, got {type(model).__name__}")
    if model.n_params != 1:
        raise ValueError(
            f"plot_likelihood needs a one-parameter model, got {model!r} with {model.n_params}"
        )
    kinds = {
        "likelihood": "likelihood $L$",
        "loglik": r"log-likelihood $\ell$",
        "relative": r"$L / L_{\max}$",
    }
    if kind not in kinds:
        raise ValueError(f"kind must be one of {sorted(kinds)}, got {kind!r}")
    grid = v.as_data(grid, name="grid")
    data = model.check_data(x)
    low, high = model.parametrization().params_bounds[0]
    if grid.min() < low or grid.max() > high:
        bad = grid[(grid < low) | (grid > high)][0]
        raise ValueError(
            f"grid must lie in the parameter space [{low:g}, {high:g}] of {model!r}; found {bad:g}"
        )
    ax = _check_axes(ax, optional=True)
    ll = np.array([model.loglik(t, data) for t in grid])
    y = {"likelihood": np.exp(ll), "loglik": ll, "relative": np.exp(ll - ll.max())}[kind]
    if ax is None:
        _, ax = plt.subplots()
    ax.plot(grid, y, **line_kw)
    ax.set_xlabel(model.param_names[0])
    ax.set_ylabel(kinds[kind])
    return ax


def mark_value(ax, value: float, label: str | None = None, **line_kw):
    """Draw a dashed vertical line at ``value`` (an estimate, a true parameter)."""
    ax = _check_axes(ax)
    value = v.check_real(value, "value")
    style = {"color": "0.3", "linestyle": "--", "linewidth": 1.2} | line_kw
    ax.axvline(value, label=label, **style)
    return ax


def _check_axes(ax, optional: bool = False):
    if (ax is None and optional) or isinstance(ax, mpl.axes.Axes):
        return ax
    raise TypeError(
        f"ax must be a matplotlib Axes{' or None' if optional else ''}, got {type(ax).__name__}"
    )
