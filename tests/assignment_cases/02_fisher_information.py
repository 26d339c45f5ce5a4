"""Typical mistakes and correct answers in other forms for
assignments/02_fisher_information.ipynb (read by tests/test_assignments.py)."""

MISTAKES = [
    {
        "question": "q1",
        "cell": "def fisher_information(lam):",
        "answer": "def fisher_information(lam):\n    return lam   # the variance of X\n",
        "score": 0.5,
        "says": ["variance of one count"],
        "never_says": ["1/lambda", "1 / lambda", "0.222", "1.25", "1/2"],
    },
    {
        "question": "q1",
        "cell": "def fisher_information(lam):",
        "answer": "def fisher_information(lam):\n    return 1 / lam**2   # x / lam^2 at x = 1\n",
        "score": 0.5,
        "says": ["at x = 1", "take its expectation"],
        "never_says": ["1/lambda", "1 / lambda", "E[X] = lambda"],
    },
    {
        "question": "q1",
        "cell": "def fisher_information(lam):",
        "answer": "def fisher_information(lam):\n    return -1 / lam\n",
        "score": 0.0,
        "says": ["positive"],
        "never_says": ["1/lambda", "1 / lambda"],
    },
    {
        "question": "q1",
        "cell": "def fisher_information(lam):",
        "answer": "def fisher_information(lam):\n    return counts.size / lam\n",
        "score": 0.5,
        "says": ["information of ONE count"],
        "never_says": ["1/lambda", "1 / lambda"],
    },
    {
        "question": "q2",
        "cell": "def observed_information(lam, x):",
        "answer": "def observed_information(lam, x):\n    return len(x) / lam   # n I(lambda)\n",
        "score": 0.5,
        "says": ["expected information"],
        "never_says": ["sum(x) / lambda^2", "lambda^2", "lambda**2"],
    },
    {
        "question": "q2",
        "cell": "def observed_information(lam, x):",
        "answer": "def observed_information(lam, x):\n    return -np.sum(x) / lam**2\n",
        "score": 0.0,
        "says": ["is concave"],
        "never_says": ["sum(x) / lambda^2", "lambda^2"],
    },
    {
        "question": "q2",
        "cell": "def observed_information(lam, x):",
        "answer": "def observed_information(lam, x):\n    return np.mean(x) / lam**2\n",
        "score": 0.5,
        "says": ["adds over its n counts"],
        "never_says": ["sum(x) / lambda^2", "lambda^2"],
    },
    {
        "question": "q3",
        "cell": "def standard_error(x):",
        "answer": (
            "def standard_error(x):\n"
            "    x = np.asarray(x, dtype=float)\n"
            "    return float(np.std(x, ddof=1) / np.sqrt(x.size))   # s / sqrt(n)\n"
        ),
        "score": 0.5,
        "says": ["spread of the data", "observed information of the Poisson model"],
        "never_says": ["sqrt(lambda_hat / n)", "lambda_hat / n"],
    },
    {
        "question": "q3",
        "cell": "def standard_error(x):",
        "answer": (
            "def standard_error(x):\n"
            "    x = np.asarray(x, dtype=float)\n"
            "    return float(np.sqrt(x.mean()))   # one count's\n"
        ),
        "score": 0.0,
        "says": ["from ONE count"],
        "never_says": ["sqrt(lambda_hat / n)", "lambda_hat / n"],
    },
    {
        "question": "q3",
        "cell": "def standard_error(x):",
        "answer": (
            "def standard_error(x):\n"
            "    x = np.asarray(x, dtype=float)\n"
            "    return float(1 / observed_information(x.mean(), x))   # the variance\n"
        ),
        "score": 0.5,
        "says": ["its square root"],
        "never_says": ["sqrt(lambda_hat / n)", "lambda_hat / n"],
    },
    {
        "question": "q4",
        "cell": "def wald_interval(estimate, se, level=0.95):",
        "answer": (
            "def wald_interval(estimate, se, level=0.95):\n"
            "    z = stats.norm.ppf(level)   # one-sided\n"
            "    return estimate - z * se, estimate + z * se\n"
        ),
        "score": 0.5,
        "says": ["splits it between the two tails"],
        "never_says": ["1.96", "1.960", "0.975", "1 - (1 - level) / 2"],
    },
    {
        "question": "q4",
        "cell": "def wald_interval(estimate, se, level=0.95):",
        "answer": (
            "def wald_interval(estimate, se, level=0.95):\n"
            "    return estimate - 1.96 * se, estimate + 1.96 * se\n"
        ),
        "score": 0.5,
        "says": ["does not change with the level"],
        "never_says": ["1.645", "2.576", "0.995"],
    },
    {
        "question": "q4",
        "cell": "def wald_interval(estimate, se, level=0.95):",
        "answer": (
            "def wald_interval(estimate, se, level=0.95):\n"
            "    return estimate - se, estimate + se\n"
        ),
        "score": 0.5,
        "says": ["multiply it by the normal quantile"],
        "never_says": ["1.96", "0.975"],
    },
    {
        "question": "q5",
        "cell": "def coverage(lam, n, n_reps, rng):",
        "answer": (
            "def coverage(lam, n, n_reps, rng):\n"
            "    hits = 0\n"
            "    for _ in range(n_reps):\n"
            "        x = rng.poisson(lam, size=n)\n"
            "        lower, upper = wald_interval(x.mean(), standard_error(x))\n"
            "        hits += lower <= x.mean() <= upper   # the estimate, not lam\n"
            "    return hits / n_reps\n"
        ),
        "score": 0.5,
        "says": ["contains its own centre, the estimate"],
        "never_says": ["0.94", "0.95", "0.87", "0.86"],
    },
    {
        "question": "q5",
        "cell": "def coverage(lam, n, n_reps, rng):",
        "answer": (
            "def coverage(lam, n, n_reps, rng):\n"
            "    hits = 0\n"
            "    for _ in range(n_reps):\n"
            "        x = rng.poisson(lam, size=n)\n"
            "        lower, upper = wald_interval(x.mean(), standard_error(x))\n"
            "        hits += lower <= lam <= upper\n"
            "    return hits   # a count\n"
        ),
        "score": 0.0,
        "says": ["not their number"],
        "never_says": ["0.94", "0.95"],
    },
    {
        "question": "q5",
        "cell": "def coverage(lam, n, n_reps, rng):",
        "answer": (
            "def coverage(lam, n, n_reps, rng):\n"
            "    hits = 0\n"
            "    for _ in range(n_reps):\n"
            "        x = np.random.poisson(lam, size=n)   # the global generator\n"
            "        lower, upper = wald_interval(x.mean(), standard_error(x))\n"
            "        hits += lower <= lam <= upper\n"
            "    return hits / n_reps\n"
        ),
        "score": 0.0,
        "says": ["the generator rng was not used"],
        "never_says": ["0.94", "0.95"],
    },
    {
        "question": "q5",
        "cell": "def coverage(lam, n, n_reps, rng):",
        "answer": (
            "def coverage(lam, n, n_reps, rng):\n"
            "    x = rng.poisson(lam, size=n_reps)   # one data set of n_reps counts\n"
            "    lower, upper = wald_interval(x.mean(), standard_error(x))\n"
            "    return float(lower <= lam <= upper)\n"
        ),
        "score": 0.5,
        "says": ["one interval per simulated data set"],
        "never_says": ["0.94", "0.95"],
    },
]

ALTERNATIVES = [
    {  # a sympy number
        "cell": "def fisher_information(lam):",
        "answer": (
            "import sympy\n\n\ndef fisher_information(lam):\n    return 1 / sympy.nsimplify(lam)\n"
        ),
    },
    {  # a 0-d array
        "cell": "def observed_information(lam, x):",
        "answer": ("def observed_information(lam, x):\n    return np.array(np.sum(x) / lam**2)\n"),
    },
    {  # from the expected information at the MLE, equal here; a NumPy scalar
        "cell": "def standard_error(x):",
        "answer": (
            "def standard_error(x):\n"
            "    return 1 / np.sqrt(len(x) * fisher_information(np.mean(x)))\n"
        ),
    },
    {  # an array for the pair, z from the interval of scipy's normal
        "cell": "def wald_interval(estimate, se, level=0.95):",
        "answer": (
            "def wald_interval(estimate, se, level=0.95):\n"
            "    return np.array(stats.norm.interval(level, loc=estimate, scale=se))\n"
        ),
    },
    {  # all the data sets drawn at once; a NumPy float
        "cell": "def coverage(lam, n, n_reps, rng):",
        "answer": (
            "def coverage(lam, n, n_reps, rng):\n"
            "    samples = rng.poisson(lam, size=(n_reps, n))\n"
            "    ends = np.array([wald_interval(x.mean(), standard_error(x)) for x in samples])\n"
            "    return np.mean((ends[:, 0] <= lam) & (lam <= ends[:, 1]))\n"
        ),
    },
]
