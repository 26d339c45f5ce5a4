"""The book's figure style: accessible colours, line styles with them, PNG and PDF output."""

import base64

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from IPython.core.formatters import DisplayFormatter
from IPython.core.pylabtools import print_figure
from matplotlib.colors import to_rgb
from matplotlib_inline.config import InlineBackend
from traitlets import Instance
from traitlets.config import Configurable

from mlebook import plotting
from mlebook.plotting import use_book_style

# Okabe & Ito (2008), "Color Universal Design": eight colours told apart with any common
# colour-vision deficiency.
OKABE_ITO = {
    "#000000": "black",
    "#E69F00": "orange",
    "#56B4E9": "sky blue",
    "#009E73": "bluish green",
    "#F0E442": "yellow",
    "#0072B2": "blue",
    "#D55E00": "vermillion",
    "#CC79A7": "reddish purple",
}


def contrast_ratio(color, background="white"):
    """WCAG 2.1 contrast ratio (L1 + 0.05) / (L2 + 0.05) of two colours' relative luminances."""

    def luminance(c):
        srgb = np.array(to_rgb(c))
        linear = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
        return linear @ [0.2126, 0.7152, 0.0722]

    light, dark = sorted([luminance(color), luminance(background)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_contrast_formula_matches_wcag_reference_values():
    assert contrast_ratio("black") == pytest.approx(21.0)
    assert contrast_ratio("white") == pytest.approx(1.0)
    assert contrast_ratio("#767676") == pytest.approx(4.54, abs=0.01)  # the 4.5:1 text grey
    assert contrast_ratio("#949494") == pytest.approx(3.03, abs=0.01)


def test_every_colour_of_the_book_cycle_has_3_to_1_contrast_against_the_figure():
    default = matplotlib.rcParamsDefault["axes.prop_cycle"].by_key()["color"]
    # matplotlib's own tab10 fails: orange 2.5:1, olive 2.0:1, cyan 2.3:1, pink 2.7:1
    assert min(contrast_ratio(c) for c in default) < 2.1
    use_book_style()
    rc = matplotlib.rcParams
    assert to_rgb(rc["figure.facecolor"]) == to_rgb(rc["axes.facecolor"]) == (1, 1, 1)
    colors = rc["axes.prop_cycle"].by_key()["color"]
    ratios = {c: contrast_ratio(c, rc["axes.facecolor"]) for c in colors}
    assert min(ratios.values()) >= 3.0, ratios
    # colour-blind safe: Okabe-Ito colours, distinct, and C0 to C3 are not black (black is
    # what the chapters draw reference lines in)
    assert {c.upper() for c in colors} <= set(OKABE_ITO)
    assert len(set(colors)) == len(colors) >= 5
    assert "#000000" not in colors[:4]


def test_series_drawn_with_the_default_cycle_differ_in_line_style_too():
    use_book_style()
    cycle = matplotlib.rcParams["axes.prop_cycle"]
    assert set(cycle.keys) == {"color", "linestyle"}
    _, ax = plt.subplots()
    lines = [ax.plot([0, 1], [k, k + 1])[0] for k in range(len(cycle))]
    styles = [(line.get_linestyle(), tuple(line._dash_pattern[1] or ())) for line in lines]
    assert len(set(styles)) == len(lines), styles
    assert len({line.get_color() for line in lines}) == len(lines)
    # C0 .. C4 in a chapter mean the same colours as the cycle's lines
    assert [to_rgb(f"C{k}") for k in range(len(lines))] == [
        to_rgb(line.get_color()) for line in lines
    ]
    plt.close("all")


class _Shell(Configurable):
    """The part of an IPython shell that displaying a figure uses."""

    display_formatter = Instance(DisplayFormatter, ())


@pytest.fixture
def ipython_shell(monkeypatch):
    shell = _Shell()
    monkeypatch.setattr(plotting, "_ipython_shell", lambda: shell)
    yield shell
    InlineBackend.clear_instance()


# matplotlib_inline's InlineBackend still names a trait observer the traitlets 4.0 way; the
# warning comes from its class, created here as a kernel creates it.
@pytest.mark.filterwarnings("ignore:InlineBackend._print_figure_kwargs_changed:DeprecationWarning")
def test_in_ipython_every_figure_is_stored_as_png_and_as_a_reproducible_pdf(ipython_shell):
    use_book_style()
    fig, ax = plt.subplots()
    ax.plot([0.0, 1.0], [1.0, 2.0], label=r"$\hat\theta$")
    ax.set_xlabel("sample size")
    data, _ = ipython_shell.display_formatter.format(fig)
    assert {"image/png", "application/pdf"} <= set(data)
    pdf = base64.b64decode(data["application/pdf"])
    assert pdf.startswith(b"%PDF")
    assert b"/FontFile2" in pdf and b"/Type3" not in pdf  # TrueType text, not glyph drawings
    assert b"CreationDate" not in pdf
    again = ipython_shell.display_formatter.formatters["application/pdf"](fig)
    assert again == data["application/pdf"]
    # the site's PNG is the one the inline backend made before: same size, same bytes
    assert data["image/png"] == print_figure(fig, "png", base64=True)
    # the inline backend keeps the two formats when it starts after use_book_style
    assert InlineBackend.instance().figure_formats == {"png", "pdf"}
    plt.close("all")


def test_outside_ipython_use_book_style_leaves_the_display_alone():
    from IPython.core.interactiveshell import InteractiveShell

    assert plotting._ipython_shell() is None  # pytest is no IPython kernel
    use_book_style()
    # no shell was started to register formatters on (set_matplotlib_formats would)
    assert not InteractiveShell.initialized()
    assert matplotlib.rcParams["pdf.fonttype"] == 42
