"""Typical mistakes and correct answers in other forms for assignments/04_tests_sandwich.ipynb
(read by tests/test_assignments.py)."""

MISTAKES = [
    {
        "question": "q1",
        "cell": "def lr_statistic(x, lam0):",
        "answer": (
            "def lr_statistic(x, lam0):\n"
            "    x = np.asarray(x, dtype=float)\n"
            "    # l(lambda_hat) - l(lambda_0), without the factor 2\n"
            "    return float(stats.poisson.logpmf(x, x.mean()).sum()\n"
            "                 - stats.poisson.logpmf(x, lam0).sum())\n"
        ),
        "score": 0.5,
        "says": ["half the likelihood-ratio statistic", "the factor 2 is missing"],
        "never_says": ["2(l(lambda_hat) - l(lambda_0))", "2 * (", "2[l"],
    },
    {
        "question": "q1",
        "cell": "def lr_statistic(x, lam0):",
        "answer": (
            "def lr_statistic(x, lam0):\n"
            "    x = np.asarray(x, dtype=float)\n"
            "    lam_hat = x.mean()   # the -lambda terms dropped\n"
            "    return float(2 * np.sum(x * np.log(lam_hat) - x * np.log(lam0)))\n"
        ),
        "score": 0.0,
        "says": ["the -lambda terms of the log-probabilities are missing"],
        "never_says": ["2(l(lambda_hat) - l(lambda_0))"],
    },
    {
        "question": "q1",
        "cell": "def lr_statistic(x, lam0):",
        "answer": (
            "def lr_statistic(x, lam0):\n"
            "    x = np.asarray(x, dtype=float)\n"
            "    ratio = (np.prod(stats.poisson.pmf(x, x.mean()))\n"
            "             / np.prod(stats.poisson.pmf(x, lam0)))   # underflows\n"
            "    return float(2 * np.log(ratio))\n"
        ),
        "score": 1.75,
        "says": ["underflows to 0.0", "use the log-likelihood"],
        "never_says": ["2(l(lambda_hat) - l(lambda_0))"],
    },
    {
        "question": "q2",
        "cell": "def lr_pvalue(x, lam0):",
        "answer": (
            "def lr_pvalue(x, lam0):\n"
            "    return float(stats.chi2.cdf(lr_statistic(x, lam0), df=1))   # lower tail\n"
        ),
        "score": 0.0,
        "says": ["smaller the p-value"],
        "never_says": ["chi2.sf", "1 degree of freedom", "df=1"],
    },
    {
        "question": "q2",
        "cell": "def lr_pvalue(x, lam0):",
        "answer": (
            "def lr_pvalue(x, lam0):\n"
            "    return float(stats.chi2.sf(lr_statistic(x, lam0), df=len(x) - 1))\n"
        ),
        "score": 0.5,
        "says": ["degrees of freedom; count the parameters that H0 fixes"],
        "never_says": ["1 degree of freedom", "df=1", "one parameter"],
    },
    {
        "question": "q2",
        "cell": "def lr_pvalue(x, lam0):",
        "answer": (
            "def lr_pvalue(x, lam0):\n"
            "    return float(stats.chi2.sf(lr_statistic(x, lam0), df=1) / 2)\n"
        ),
        "score": 0.5,
        "says": ["half the p-value"],
        "never_says": ["df=1", "1 degree of freedom"],
    },
    {
        "question": "q3",
        "cell": "def null_rejection_rate(lam0, n, n_sim, rng):",
        "answer": (
            "def null_rejection_rate(lam0, n, n_sim, rng):\n"
            "    critical = stats.chi2.ppf(0.05, df=1)   # the lower 5% point\n"
            "    samples = rng.poisson(lam0, size=(n_sim, n))\n"
            "    return float(np.mean([lr_statistic(s, lam0) > critical for s in samples]))\n"
        ),
        "score": 1.0,
        "says": ["lower 5% point"],
        "never_says": ["3.84", "0.95", "95%"],
    },
    {
        "question": "q3",
        "cell": "def null_rejection_rate(lam0, n, n_sim, rng):",
        "answer": (
            "def null_rejection_rate(lam0, n, n_sim, rng):\n"
            "    samples = rng.poisson(lam0, size=(n_sim, n))\n"
            "    return float(np.mean([lr_statistic(s, lam0) > 1.96 for s in samples]))\n"
        ),
        "score": 1.0,
        "says": ["quantile of the standard normal"],
        "never_says": ["3.84", "0.95", "95%"],
    },
    {
        "question": "q3",
        "cell": "def null_rejection_rate(lam0, n, n_sim, rng):",
        "answer": (
            "def null_rejection_rate(lam0, n, n_sim, rng):\n"
            "    critical = stats.chi2.ppf(0.95, df=1)\n"
            "    samples = rng.poisson(counts.mean(), size=(n_sim, n))   # the data's rate\n"
            "    return float(np.mean([lr_statistic(s, lam0) > critical for s in samples]))\n"
        ),
        "score": 1.0,
        "says": ["were the data drawn from", "the power of the test, not its size"],
        "never_says": ["3.84"],
    },
    {
        "question": "q3",
        "cell": "def null_rejection_rate(lam0, n, n_sim, rng):",
        "answer": (
            "def null_rejection_rate(lam0, n, n_sim, rng):\n"
            "    critical = stats.chi2.ppf(0.95, df=1)\n"
            "    samples = np.random.poisson(lam0, size=(n_sim, n))   # the global generator\n"
            "    return float(np.mean([lr_statistic(s, lam0) > critical for s in samples]))\n"
        ),
        "score": 2.0,
        "says": ["the generator rng was not used"],
        "never_says": ["3.84"],
    },
    {
        "question": "q4",
        "cell": "def sandwich_se(x):",
        "answer": (
            "def sandwich_se(x):\n"
            "    x = np.asarray(x, dtype=float)\n"
            "    return float(np.std(x, ddof=1) / np.sqrt(x.size))   # n - 1\n"
        ),
        "score": 1.5,
        "says": ["divided the sum of squared deviations by n - 1"],
        "never_says": ["sqrt(mean((x - mean)^2) / n)"],
    },
    {
        "question": "q4",
        "cell": "def sandwich_se(x):",
        "answer": (
            "def sandwich_se(x):\n"
            "    x = np.asarray(x, dtype=float)\n"
            "    return float(np.sqrt(x.mean() / x.size))   # the model-based one\n"
        ),
        "score": 1.0,
        "says": ["should be the larger of the two"],
        "never_says": [],
    },
    {
        "question": "q4",
        "cell": "def model_se(x):",
        "answer": (
            "def model_se(x):\n"
            "    x = np.asarray(x, dtype=float)\n"
            "    return float(x.mean() / x.size)   # the variance\n"
        ),
        "score": 2.0,
        "says": ["the standard error is its square root"],
        "never_says": ["sqrt(lambda_hat/n)", "sqrt(lambda_hat / n)"],
    },
]

ALTERNATIVES = [
    {  # a 0-d array, from scipy's log-pmf
        "cell": "def lr_statistic(x, lam0):",
        "answer": (
            "def lr_statistic(x, lam0):\n"
            "    x = np.asarray(x)\n"
            "    return np.array(2 * (stats.poisson.logpmf(x, x.mean()).sum()\n"
            "                         - stats.poisson.logpmf(x, lam0).sum()))\n"
        ),
    },
    {  # from the normal distribution of the signed root of W, a NumPy float
        "cell": "def lr_pvalue(x, lam0):",
        "answer": (
            "def lr_pvalue(x, lam0):\n"
            "    return 2 * stats.norm.sf(np.sqrt(lr_statistic(x, lam0)))\n"
        ),
    },
    {  # p-values against 0.05, one data set at a time
        "cell": "def null_rejection_rate(lam0, n, n_sim, rng):",
        "answer": (
            "def null_rejection_rate(lam0, n, n_sim, rng):\n"
            "    rejected = 0\n"
            "    for _ in range(n_sim):\n"
            "        rejected += lr_pvalue(rng.poisson(lam0, size=n), lam0) < 0.05\n"
            "    return np.float64(rejected / n_sim)\n"
        ),
    },
    {  # H^-1 J H^-1 from the scores, a 0-d array
        "cell": "def sandwich_se(x):",
        "answer": (
            "def sandwich_se(x):\n"
            "    x = np.asarray(x, dtype=float)\n"
            "    lam = x.mean()\n"
            "    h = np.sum(x) / lam**2\n"
            "    j = np.sum((x / lam - 1) ** 2)\n"
            "    return np.sqrt(np.array(j / h**2))\n"
        ),
    },
]
