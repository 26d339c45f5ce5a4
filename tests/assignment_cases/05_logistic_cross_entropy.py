"""Typical mistakes and alternative correct answers of assignments/05_logistic_cross_entropy.

The first mistake listed for each question is independent of the first of every other
question: a submission carrying all of them scores each question's ``score``.

Each mistake replaces one answer cell (found by its line ``cell``) of the solution notebook;
the submission must then score ``score`` on ``question`` and full marks on every other
auto-graded question, with feedback that contains every phrase of ``says`` and none of
``never_says`` (the answer's values on the notebook's data and its formulas).
"""

# The answers on the notebook's data and the formulas, which no feedback may state.
ANSWER = [
    "0.6931",  # the cross-entropy at beta = 0, log 2
    "-4.445",  # beta_hat on the students' data
    "0.7348",
    "1.768",
    "0.7232",  # its standard errors
    "0.1166",
    "0.5100",
    "log(2)",
    "log_expit",
    "logaddexp",
    "log1p",
    "X.T @",
    "X'(y",
    "y - p",
    "p(1 - p)",
    "p * (1 - p)",
    "X'WX",
    "np.linalg.inv",
    "1.96",
    "1.959",
]

MISTAKES = [
    # ---------------------------------------------------------------- q1: the cross-entropy
    {
        "question": "q1",
        "cell": "def cross_entropy(beta, X, y):",
        "answer": (
            "def cross_entropy(beta, X, y):\n"
            "    p = special.expit(X @ beta)   # forms the probabilities\n"
            "    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))\n"
        ),
        "score": 1.5,
        "says": [
            "infinite or NaN where the log-odds are large",
            "without forming the probabilities",
        ],
        "never_says": ANSWER,
    },
    {
        "question": "q1",
        "cell": "def cross_entropy(beta, X, y):",
        "answer": (
            "def cross_entropy(beta, X, y):\n"
            "    p = np.clip(special.expit(X @ beta), 1e-12, 1 - 1e-12)\n"
            "    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))\n"
        ),
        "score": 1.5,
        "says": ["finite but wrong where the log-odds are large", "clipping the probabilities"],
        "never_says": ANSWER,
    },
    {
        "question": "q1",
        "cell": "def cross_entropy(beta, X, y):",
        "answer": (
            "def cross_entropy(beta, X, y):\n"
            "    eta = X @ beta\n"
            "    return float(-np.sum(y * special.log_expit(eta)\n"
            "                         + (1 - y) * special.log_expit(-eta)))   # a sum\n"
        ),
        "score": 0.0,
        "says": ["an average over the observations, not a sum", "the sum of the costs"],
        "never_says": ANSWER,
    },
    {
        "question": "q1",
        "cell": "def cross_entropy(beta, X, y):",
        "answer": (
            "def cross_entropy(beta, X, y):\n"
            "    eta = X @ beta   # the average log-likelihood, not its negative\n"
            "    return float(np.mean(y * special.log_expit(eta)\n"
            "                         + (1 - y) * special.log_expit(-eta)))\n"
        ),
        "score": 0.0,
        "says": ["is the sign reversed?", "the loss is its negative"],
        "never_says": ANSWER,
    },
    {
        "question": "q1",
        "cell": "def cross_entropy(beta, X, y):",
        "answer": (
            "def cross_entropy(beta, X, y):\n"
            "    eta = X @ beta   # the labels swapped\n"
            "    return float(-np.mean((1 - y) * special.log_expit(eta)\n"
            "                          + y * special.log_expit(-eta)))\n"
        ),
        "score": 0.0,
        "says": ["are the labels swapped", "the labels are swapped"],
        "never_says": ANSWER,
    },
    # ---------------------------------------------------------------- q2: the score
    {
        "question": "q2",
        "cell": "def score(beta, X, y):",
        "answer": (
            "def score(beta, X, y):\n"
            "    p = special.expit(X @ beta)\n"
            "    return X.T @ (p - y)   # the gradient of the loss\n"
        ),
        "score": 0.0,
        "says": ["the intercept's entry of the score should be positive", "points the other way"],
        "never_says": ANSWER,
    },
    {
        "question": "q2",
        "cell": "def score(beta, X, y):",
        "answer": (
            "def score(beta, X, y):\n"
            "    p = special.expit(X @ beta)\n"
            "    return X.T @ (y - p) / len(y)   # the average\n"
        ),
        "score": 0.5,
        "says": ["gradient of the average log-likelihood"],
        "never_says": ANSWER,
    },
    {
        "question": "q2",
        "cell": "def score(beta, X, y):",
        "answer": (
            "def score(beta, X, y):\n"
            "    return X.T @ (y - X @ beta)   # log-odds in place of probabilities\n"
        ),
        "score": 0.5,
        "says": ["you used the log-odds where the predicted probabilities belong"],
        "never_says": ANSWER,
    },
    {
        "question": "q2",
        "cell": "def score(beta, X, y):",
        "answer": (
            "def score(beta, X, y):\n"
            "    return y - special.expit(X @ beta)   # one entry per observation\n"
        ),
        "score": 0.0,
        "says": ["one entry per observation", "one entry per coefficient"],
        "never_says": ANSWER,
    },
    # ---------------------------------------------------------------- q3: Newton's method
    {
        "question": "q3",
        "cell": "def newton_step(beta, X, y):",
        "answer": (
            "def newton_step(beta, X, y):\n"
            "    p = special.expit(X @ beta)\n"
            "    information = X.T @ (p[:, None] * X)   # weights p\n"
            "    return beta + np.linalg.solve(information, X.T @ (y - p))\n"
            "\n"
            "\n"
            "def fit_logistic(X, y):\n"
            "    beta = np.zeros(X.shape[1])\n"
            "    for _ in range(50):\n"
            "        new = newton_step(beta, X, y)\n"
            "        if np.max(np.abs(new - beta)) < 1e-10:\n"
            "            return new\n"
            "        beta = new\n"
            "    return beta\n"
            "\n"
            "\n"
            "beta_hat = fit_logistic(X, y)\n"
        ),
        "score": 1.0,
        "says": [
            "the weights are not the curvature of each observation's log-likelihood",
            "Did the iteration converge within its 50 steps?",
        ],
        "never_says": ANSWER,
    },
    {
        "question": "q3",
        "cell": "def newton_step(beta, X, y):",
        "answer": (
            "def newton_step(beta, X, y):\n"
            "    p = special.expit(X @ beta)   # no weights: least squares\n"
            "    return beta + np.linalg.solve(X.T @ X, X.T @ (y - p))\n"
            "\n"
            "\n"
            "def fit_logistic(X, y):\n"
            "    beta = np.zeros(X.shape[1])\n"
            "    for _ in range(50):\n"
            "        new = newton_step(beta, X, y)\n"
            "        if np.max(np.abs(new - beta)) < 1e-10:\n"
            "            return new\n"
            "        beta = new\n"
            "    return beta\n"
            "\n"
            "\n"
            "beta_hat = fit_logistic(X, y)\n"
        ),
        "score": 1.0,
        "says": ["the observations are not weighted", "fit_logistic stopped"],
        "never_says": ANSWER,
    },
    {
        "question": "q3",
        "cell": "def newton_step(beta, X, y):",
        "answer": (
            "def newton_step(beta, X, y):\n"
            "    p = special.expit(X @ beta)\n"
            "    information = X.T @ ((p * (1 - p))[:, None] * X)\n"
            "    return beta - np.linalg.solve(information, X.T @ (y - p))   # downhill\n"
            "\n"
            "\n"
            "def fit_logistic(X, y):\n"
            "    beta = np.zeros(X.shape[1])\n"
            "    for _ in range(50):\n"
            "        new = newton_step(beta, X, y)\n"
            "        if np.max(np.abs(new - beta)) < 1e-10:\n"
            "            return new\n"
            "        beta = new\n"
            "    return beta\n"
            "\n"
            "\n"
            "beta_hat = fit_logistic(X, y)\n"
        ),
        "score": 0.0,
        "says": ["does the step go uphill?", "the step goes the wrong way"],
        "never_says": ANSWER,
    },
    {
        "question": "q3",
        "cell": "def newton_step(beta, X, y):",
        "answer": (
            "def newton_step(beta, X, y):\n"
            "    p = special.expit(X @ beta)\n"
            "    information = X.T @ ((p * (1 - p))[:, None] * X)\n"
            "    return beta + np.linalg.solve(information, X.T @ (y - p))\n"
            "\n"
            "\n"
            "def fit_logistic(X, y):\n"
            "    beta = np.zeros(X.shape[1])\n"
            "    for _ in range(3):   # a fixed, small number of steps\n"
            "        beta = newton_step(beta, X, y)\n"
            "    return beta\n"
            "\n"
            "\n"
            "beta_hat = fit_logistic(X, y)\n"
        ),
        "score": 2.0,
        "says": ["fit_logistic stopped"],
        "never_says": ANSWER,
    },
    # ---------------------------------------------------------------- q4: standard errors
    {
        "question": "q4",
        "cell": "def standard_errors(beta, X):",
        "answer": (
            "def standard_errors(beta, X):\n"
            "    p = special.expit(X @ beta)\n"
            "    information = X.T @ ((p * (1 - p))[:, None] * X)\n"
            "    return 1 / np.sqrt(np.diag(information))   # inverts the diagonal\n"
        ),
        "score": 0.5,
        "says": ["you inverted the diagonal entries of the information one by one"],
        "never_says": ANSWER,
    },
    {
        "question": "q4",
        "cell": "def standard_errors(beta, X):",
        "answer": (
            "def standard_errors(beta, X):\n"
            "    p = special.expit(X @ beta)\n"
            "    information = X.T @ ((p * (1 - p))[:, None] * X)\n"
            "    return np.diag(np.linalg.inv(information))   # variances\n"
        ),
        "score": 0.0,
        "says": ["each standard error should halve", "these are the variances"],
        "never_says": ANSWER,
    },
    {
        "question": "q4",
        "cell": "def standard_errors(beta, X):",
        "answer": (
            "def standard_errors(beta, X):\n"
            "    return np.sqrt(np.diag(np.linalg.inv(X.T @ X)))   # unweighted\n"
        ),
        "score": 0.5,
        "says": ["the observations are not weighted"],
        "never_says": ANSWER,
    },
    # ---------------------------------------------------------------- q5: the interval
    {
        "question": "q5",
        "cell": "def probability_interval(x0, beta, cov):",
        "answer": (
            "def probability_interval(x0, beta, cov):\n"
            "    x0 = np.asarray(x0, dtype=float)\n"
            "    eta = x0 @ beta\n"
            "    se = np.sqrt(np.sum(x0**2 * np.diag(cov)))   # no covariances\n"
            "    z = stats.norm.ppf(0.975)\n"
            "    return special.expit(eta - z * se), special.expit(eta + z * se)\n"
        ),
        "score": 0.5,
        "says": ["the variance of a linear combination has cross terms"],
        "never_says": ANSWER,
    },
    {
        "question": "q5",
        "cell": "def probability_interval(x0, beta, cov):",
        "answer": (
            "def probability_interval(x0, beta, cov):\n"
            "    x0 = np.asarray(x0, dtype=float)\n"
            "    p = special.expit(x0 @ beta)\n"
            "    se = p * (1 - p) * np.sqrt(x0 @ cov @ x0)   # the delta method for p\n"
            "    z = stats.norm.ppf(0.975)\n"
            "    return p - z * se, p + z * se\n"
        ),
        "score": 0.5,
        "says": ["built on the probability scale, by the delta method"],
        "never_says": ANSWER,
    },
    {
        "question": "q5",
        "cell": "def probability_interval(x0, beta, cov):",
        "answer": (
            "def probability_interval(x0, beta, cov):\n"
            "    x0 = np.asarray(x0, dtype=float)\n"
            "    eta = x0 @ beta\n"
            "    se = np.sqrt(x0 @ cov @ x0)\n"
            "    z = stats.norm.ppf(0.95)   # one-sided quantile\n"
            "    return special.expit(eta - z * se), special.expit(eta + z * se)\n"
        ),
        "score": 0.5,
        "says": ["this is a 90% interval"],
        "never_says": ANSWER,
    },
    {
        "question": "q5",
        "cell": "def probability_interval(x0, beta, cov):",
        "answer": (
            "def probability_interval(x0, beta, cov):\n"
            "    x0 = np.asarray(x0, dtype=float)\n"
            "    eta = x0 @ beta\n"
            "    se = np.sqrt(x0 @ cov @ x0)\n"
            "    z = stats.norm.ppf(0.975)\n"
            "    return eta - z * se, eta + z * se   # log-odds, not probabilities\n"
        ),
        "score": 0.0,
        "says": ["the interval should lie between zero and one", "on the log-odds scale"],
        "never_says": ANSWER,
    },
]

ALTERNATIVES = [
    {  # a 0-d array, from logaddexp
        "cell": "def cross_entropy(beta, X, y):",
        "answer": (
            "def cross_entropy(beta, X, y):\n"
            "    eta = X @ beta\n"
            "    return np.array(np.mean(np.logaddexp(0, eta) - y * eta))\n"
        ),
    },
    {  # a sympy number
        "cell": "def cross_entropy(beta, X, y):",
        "answer": (
            "import sympy\n"
            "\n"
            "\n"
            "def cross_entropy(beta, X, y):\n"
            "    eta = X @ beta\n"
            "    value = -np.mean(y * special.log_expit(eta) + (1 - y) * special.log_expit(-eta))\n"
            "    return sympy.Float(value, 30)\n"
        ),
    },
    {  # a list, and a column vector
        "cell": "def score(beta, X, y):",
        "answer": (
            "def score(beta, X, y):\n"
            "    residual = np.asarray(y) - special.expit(np.asarray(X) @ np.asarray(beta))\n"
            "    return list(np.asarray(X).T @ residual)\n"
        ),
    },
    {
        "cell": "def score(beta, X, y):",
        "answer": (
            "def score(beta, X, y):\n"
            "    residual = y - special.expit(X @ beta)\n"
            "    return (X.T @ residual).reshape(-1, 1)\n"
        ),
    },
    {  # Newton's step written with the score of question 2, a tuple, and lstsq
        "cell": "def newton_step(beta, X, y):",
        "answer": (
            "def newton_step(beta, X, y):\n"
            "    p = special.expit(X @ np.asarray(beta))\n"
            "    hessian = -(X.T * (p * (1 - p))) @ X\n"
            "    step = np.linalg.lstsq(-hessian, score(beta, X, y), rcond=None)[0]\n"
            "    return tuple(np.asarray(beta) + step)\n"
            "\n"
            "\n"
            "def fit_logistic(X, y):\n"
            "    beta = np.zeros(X.shape[1])\n"
            "    while True:\n"
            "        new = np.array(newton_step(beta, X, y))\n"
            "        if np.linalg.norm(new - beta) < 1e-10:\n"
            "            return list(new)\n"
            "        beta = new\n"
            "\n"
            "\n"
            "beta_hat = fit_logistic(X, y)\n"
        ),
    },
    {  # a list, from a Cholesky solve
        "cell": "def standard_errors(beta, X):",
        "answer": (
            "from scipy import linalg\n"
            "\n"
            "\n"
            "def standard_errors(beta, X):\n"
            "    p = special.expit(X @ beta)\n"
            "    info = (X * (p * (1 - p))[:, None]).T @ X\n"
            "    cov = linalg.cho_solve(linalg.cho_factor(info), np.eye(len(beta)))\n"
            "    return [float(np.sqrt(v)) for v in np.diag(cov)]\n"
        ),
    },
    {  # an array, with the quantile typed in to seven digits
        "cell": "def probability_interval(x0, beta, cov):",
        "answer": (
            "def probability_interval(x0, beta, cov):\n"
            "    x0 = np.array(x0)\n"
            "    eta, se = x0 @ beta, np.sqrt(x0 @ cov @ x0)\n"
            "    return special.expit(eta + np.array([-1.959964, 1.959964]) * se)\n"
        ),
    },
]
