"""Typical mistakes and correct answers in other forms for assignments/01_likelihood_mle.ipynb
(read by tests/test_assignments.py)."""

MISTAKES = [
    {
        "question": "q1",
        "cell": "def bernoulli_loglik(p, x):",
        "answer": (
            "def bernoulli_loglik(p, x):\n"
            "    x = np.asarray(x, dtype=float)\n"
            "    return float(np.sum(x * np.log(1 - p) + (1 - x) * np.log(p)))\n"
        ),
        "score": 0.5,
        "says": ["heads and tails are swapped"],
        "never_says": ["log(1 - p)", "log p +"],
    },
    {
        "question": "q1",
        "cell": "def bernoulli_loglik(p, x):",
        "answer": (
            "def bernoulli_loglik(p, x):\n"
            "    x = np.asarray(x, dtype=float)\n"
            "    return float(np.log(np.prod(p**x * (1 - p) ** (1 - x))))   # underflows\n"
        ),
        "score": 1.25,
        "says": ["underflows to 0.0", "Add the logarithms"],
        "never_says": ["x log p"],
    },
    {
        "question": "q1",
        "cell": "def bernoulli_loglik(p, x):",
        "answer": (
            "def bernoulli_loglik(p, x):\n"
            "    x = np.asarray(x, dtype=float)\n"
            "    return float(np.mean(x * np.log(p) + (1 - x) * np.log1p(-p)))\n"
        ),
        "score": 0.5,
        "says": ["average log-probability of one flip"],
        "never_says": ["log(1 - p)"],
    },
    {
        "question": "q1",
        "cell": "def bernoulli_loglik(p, x):",
        "answer": (
            "def bernoulli_loglik(p, x):\n"
            "    return float(np.sum(np.asarray(x) * np.log(p)))   # the tails are missing\n"
        ),
        "score": 0.5,
        "says": ["only the heads contribute"],
        "never_says": ["log(1 - p)"],
    },
    {
        "question": "q2",
        "cell": "def bernoulli_mle(x):",
        "answer": "def bernoulli_mle(x):\n    return float(np.mean(1 - np.asarray(x)))\n",
        "score": 0.5,
        "says": ["fraction of tails"],
        "never_says": ["k/n", "k / n", "mean"],
    },
    {
        "question": "q2",
        "cell": "def bernoulli_mle(x):",
        "answer": (
            "def bernoulli_mle(x):\n"
            "    grid = np.linspace(0.01, 0.99, 99)\n"
            "    return float(grid[np.argmax([bernoulli_loglik(p, x) for p in grid])])\n"
        ),
        "score": 0.5,
        "says": ["instead of searching a grid"],
        "never_says": ["k/n", "k / n", "mean"],
    },
    {
        "question": "q2",
        "cell": "def bernoulli_mle(x):",
        "answer": (
            "def bernoulli_mle(x):\n"
            "    x = np.asarray(x)\n"
            "    return float(x.sum() / (x.size - x.sum()))\n"
        ),
        "score": 0.0,
        "says": ["odds"],
        "never_says": ["k/n", "k / n", "mean"],
    },
    {
        "question": "q3",
        "cell": "def gaussian_mle(x):",
        "answer": (
            "def gaussian_mle(x):\n"
            "    x = np.asarray(x, dtype=float)\n"
            "    return float(x.mean()), float(x.var(ddof=1))   # divides by n - 1\n"
        ),
        "score": 1.5,
        "says": ["unbiased variance", "does not maximize the likelihood"],
        "never_says": ["divides by n =", "/ n", "MLE divides by n"],
    },
    {
        "question": "q3",
        "cell": "def gaussian_mle(x):",
        "answer": (
            "def gaussian_mle(x):\n"
            "    x = np.asarray(x, dtype=float)\n"
            "    return float(x.mean()), float(x.std())   # the standard deviation\n"
        ),
        "score": 1.5,
        "says": ["this is the standard deviation"],
        "never_says": ["/ n"],
    },
    {
        "question": "q3",
        "cell": "def gaussian_mle(x):",
        "answer": (
            "def gaussian_mle(x):\n"
            "    x = np.asarray(x, dtype=float)\n"
            "    return float(np.mean((x - x.mean()) ** 2)), float(x.mean())\n"
        ),
        "score": 0.5,
        "says": ["the pair is in the wrong order"],
        "never_says": ["/ n"],
    },
    {
        "question": "q3",
        "cell": "def gaussian_mle(x):",
        "answer": (
            "def gaussian_mle(x):\n"
            "    x = np.asarray(x, dtype=float)\n"
            "    return float(x.mean()), float(np.mean(x**2))\n"
        ),
        "score": 1.5,
        "says": ["from the mean, not from 0"],
        "never_says": ["/ n"],
    },
    {
        "question": "q4",
        "cell": "def likelihood_interval(x, c):",
        "answer": (
            "def likelihood_interval(x, c):\n"
            "    p_hat = bernoulli_mle(x)\n"
            "    top = bernoulli_loglik(p_hat, x)\n\n"
            "    def excess(p):   # the cutoff on the log scale, as it stands\n"
            "        return bernoulli_loglik(p, x) - top + c\n\n"
            "    return (optimize.brentq(excess, 1e-12, p_hat),\n"
            "            optimize.brentq(excess, p_hat, 1 - 1e-12))\n"
        ),
        "score": 0.5,
        "says": ["not their logarithms' difference"],
        "never_says": ["log(c)", "log c"],
    },
    {
        "question": "q4",
        "cell": "def likelihood_interval(x, c):",
        "answer": (
            "def likelihood_interval(x, c):\n"
            "    p_hat = bernoulli_mle(x)\n"
            "    top = bernoulli_loglik(p_hat, x)\n\n"
            "    def ratio(p):   # L(p) / L(p_hat) - c: underflows for many flips\n"
            "        return np.exp(bernoulli_loglik(p, x)) / np.exp(top) - c\n\n"
            "    return (optimize.brentq(ratio, 1e-12, p_hat),\n"
            "            optimize.brentq(ratio, p_hat, 1 - 1e-12))\n"
        ),
        "score": 2.25,
        "says": ["underflow to 0.0", "work with log-likelihoods"],
        "never_says": ["log(c)", "log c"],
    },
    {
        "question": "q4",
        "cell": "def likelihood_interval(x, c):",
        "answer": (
            "def likelihood_interval(x, c):\n"
            "    p_hat = bernoulli_mle(x)\n"
            "    top = bernoulli_loglik(p_hat, x)\n\n"
            "    def excess(p):\n"
            "        return bernoulli_loglik(p, x) - top - np.log(c)\n\n"
            "    half = p_hat - optimize.brentq(excess, 1e-12, p_hat)\n"
            "    return p_hat - half, p_hat + half   # symmetric about p_hat\n"
        ),
        "score": 0.5,
        "says": ["symmetric about the MLE"],
        "never_says": ["log(c)", "log c"],
    },
]

ALTERNATIVES = [
    {  # a 0-d array
        "cell": "def bernoulli_loglik(p, x):",
        "answer": (
            "def bernoulli_loglik(p, x):\n"
            "    x = np.asarray(x, dtype=float)\n"
            "    return np.array(np.sum(x * np.log(p) + (1 - x) * np.log1p(-p)))\n"
        ),
    },
    {  # an exact sympy number
        "cell": "def bernoulli_mle(x):",
        "answer": (
            "import sympy\n\n\n"
            "def bernoulli_mle(x):\n"
            "    return sympy.Rational(int(np.sum(x)), len(x))\n"
        ),
    },
    {  # an array for the pair, NumPy scalars inside
        "cell": "def gaussian_mle(x):",
        "answer": (
            "def gaussian_mle(x):\n"
            "    x = np.asarray(x, dtype=float)\n"
            "    return np.array([x.mean(), np.mean((x - x.mean()) ** 2)])\n"
        ),
    },
    {  # a list of NumPy floats, the ends found by scipy's root_scalar
        "cell": "def likelihood_interval(x, c):",
        "answer": (
            "def likelihood_interval(x, c):\n"
            "    p_hat = bernoulli_mle(x)\n"
            "    f = lambda p: bernoulli_loglik(p, x) - bernoulli_loglik(p_hat, x) - np.log(c)\n"
            "    ends = [optimize.root_scalar(f, bracket=b, xtol=1e-14).root\n"
            "            for b in ((1e-12, p_hat), (p_hat, 1 - 1e-12))]\n"
            "    return [np.float64(e) for e in ends]\n"
        ),
    },
]
