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

import sys

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from cycler import cycler

from . import validation as v
from .models import Model

__all__ = ["use_book_style", "plot_likelihood", "mark_value"]

#: The colours of the book's cycle, ``C0`` to ``C4``: the Okabe-Ito palette, which readers
#: with any common colour-vision deficiency tell apart, without its light colours (orange,
#: sky blue, yellow), so that every line and marker has at least the 3:1 contrast against the
#: white figure that WCAG 2.1 asks of graphics (success criterion 1.4.11). Contrast ratios
#: by the WCAG relative-luminance formula: blue 5.19, vermillion 3.87, bluish green 3.42,
#: reddish purple 3.06, black 21.
BOOK_COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000")

#: The line style that goes with each colour of the cycle, so that lines drawn with the
#: default cycle differ in more than colour (on a grey-scale printout, to a colour-blind
#: reader).
BOOK_LINESTYLES = ("-", "--", "-.", ":", (0, (6, 1.5, 1, 1.5, 1, 1.5)))

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
    "axes.prop_cycle": cycler(color=BOOK_COLORS) + cycler(linestyle=BOOK_LINESTYLES),
    "grid.alpha": 0.3,
    "legend.frameon": False,
    "lines.linewidth": 2,
    "figure.constrained_layout.use": True,
    # The PDF edition: fonts embedded as TrueType, so its text is text (searchable, copyable).
    "pdf.fonttype": 42,
}

#: What the inline backend hands to ``print_figure`` for every format: the default tight
#: bounding box, and no creation date in a PDF, so that the same figure gives the same bytes
#: (a PNG ignores the ``None`` entry).
_PRINT_KWARGS = {"bbox_inches": "tight", "metadata": {"CreationDate": None}}


def use_book_style() -> None:
    """Apply the book's matplotlib settings to every later figure.

    Sizes, fonts and grid; a colour cycle of Okabe-Ito colours that keep 3:1 contrast against
    the white background, paired with line styles (``C0`` solid, ``C1`` dashed, ``C2``
    dash-dotted, ``C3`` dotted, ``C4`` dash-dot-dotted); and, in IPython or Jupyter, every
    figure shown is stored as PNG (for the site) and as PDF (vector graphics, which the PDF
    edition prints), the PDF without a creation date so it is the same on every run.
    """
    mpl.rcParams.update(BOOK_STYLE)
    _store_figures_as_png_and_pdf()


def _ipython_shell():
    """The running IPython shell, or None (IPython is never imported here)."""
    ipython = sys.modules.get("IPython")
    return None if ipython is None else ipython.get_ipython()


def _store_figures_as_png_and_pdf() -> None:
    shell = _ipython_shell()
    if shell is None or not hasattr(shell, "display_formatter"):
        return
    from IPython.core.pylabtools import select_figure_formats

    formats = {"png", "pdf"}
    kwargs = _PRINT_KWARGS
    try:
        from matplotlib_inline.config import InlineBackend
    except ImportError:  # pragma: no cover - IPython without the inline backend
        pass
    else:
        # The inline backend's own settings too: it selects its formats from them when it is
        # loaded, which may come after this call, and would otherwise drop the PDF.
        inline = InlineBackend.instance(parent=shell)
        kwargs = inline.print_figure_kwargs | _PRINT_KWARGS
        inline.print_figure_kwargs = kwargs
        inline.figure_formats = formats
    select_figure_formats(shell, formats, **kwargs)


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
