"""The teaching optimizers and the figure helpers."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from mlebook.models import Bernoulli, Gaussian, Poisson
from mlebook.optim import gradient_descent
from mlebook.plotting import mark_value, plot_likelihood, use_book_style


def test_gradient_descent_solves_a_least_squares_problem(rng):
    A = rng.normal(size=(30, 3))
    b = rng.normal(size=30)
    grad = lambda w: A.T @ (A @ w - b) / len(b)
    step = 1.0 / np.linalg.eigvalsh(A.T @ A / len(b)).max()
    trace = gradient_descent(grad, np.zeros(3), step=step, tol=1e-12)
    assert trace.converged
    np.testing.assert_allclose(trace.x, np.linalg.lstsq(A, b, rcond=None)[0], atol=1e-9)
    assert trace.path.shape == (trace.n_iter + 1, 3)
    np.testing.assert_array_equal(trace.path[0], np.zeros(3))


def test_gradient_descent_on_a_poisson_log_rate_reaches_the_mean(rng):
    x = rng.poisson(3.0, size=200)
    trace = gradient_descent(lambda g: np.exp(g) - x.mean(), [0.0], step=0.2)
    assert np.exp(trace.x[0]) == pytest.approx(x.mean(), rel=1e-9)


def test_gradient_descent_reports_non_convergence():
    trace = gradient_descent(lambda t: 2 * t, [1.0], step=1e-6, max_iter=5)
    assert not trace.converged and trace.n_iter == 5


def test_plot_likelihood_peaks_at_the_mle():
    use_book_style()
    x = np.r_[np.ones(7), np.zeros(3)]
    grid = np.linspace(0.01, 0.99, 99)
    for kind in ("likelihood", "loglik", "relative"):
        ax = plot_likelihood(Bernoulli(), x, grid, kind=kind)
        xs, ys = ax.lines[0].get_data()
        assert xs[np.argmax(ys)] == pytest.approx(0.7)
        if kind == "relative":
            assert ys.max() == pytest.approx(1.0)
        if kind == "likelihood":
            assert ys.max() == pytest.approx(0.7**7 * 0.3**3)
        plt.close("all")


def test_mark_value_draws_a_vertical_line():
    _, ax = plt.subplots()
    mark_value(ax, 0.3, label="estimate")
    xs, _ = ax.lines[0].get_data()
    assert list(xs) == [0.3, 0.3]
    plt.close("all")


def test_plotting_rejects_bad_input():
    with pytest.raises(ValueError, match="one-parameter model"):
        plot_likelihood(Gaussian(), [1.0, 2.0], [0.5])
    with pytest.raises(ValueError, match="kind must be one of"):
        plot_likelihood(Poisson(), [1, 2], [1.0], kind="density")
    with pytest.raises(TypeError, match="model must be an mlebook model"):
        plot_likelihood("poisson", [1, 2], [1.0])
    with pytest.raises(ValueError, match="grid contains NaN"):
        plot_likelihood(Poisson(), [1, 2], [1.0, np.nan])
