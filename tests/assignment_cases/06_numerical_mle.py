"""Typical mistakes and alternative correct answers of assignments/06_numerical_mle.

The first mistake listed for each question is independent of the first of every other
question: a submission carrying all of them scores each question's ``score``.

Each mistake replaces one answer cell (found by its line ``cell``) of the solution notebook;
the submission must then score ``score`` on ``question`` and full marks on every other
auto-graded question, with feedback that contains every phrase of ``says`` and none of
``never_says`` (the answer's values on the notebook's data and its formulas).
"""

# The answers on the notebook's data and the formulas, which no feedback may state.
ANSWER = [
    "1.540",  # theta_hat on the rainfall data: shape
    "5.872",  # and scale
    "0.1813",  # the standard errors of the shape, the scale and the mean
    "0.8153",
    "0.6652",
    "gammaln",
    "digamma(k)",
    "polygamma",
    "trigamma",
    "np.log(x).sum()",
    "/ s**2",
    "/ s**3",
    "n / s",
    "np.linalg.inv",
    "[s, k]",
    "(s, k)",
]

NEWTON = (
    "def newton_gamma(x, theta0, max_iter=100):\n"
    "    theta = np.asarray(theta0, dtype=float)\n"
    "    for _ in range(max_iter):\n"
    "        {step}\n"
    "        theta = theta + step\n"
    "        if np.max(np.abs(step)) < 1e-10:\n"
    "            break\n"
    "    return theta\n"
    "\n"
    "\n"
    "theta_hat = newton_gamma(x, start)\n"
)

MISTAKES = [
    # ------------------------------------------------------------ q1: the negative log-likelihood
    {
        "question": "q1",
        "cell": "def gamma_nll(u, x):",
        "answer": (
            "def gamma_nll(u, x):\n"
            "    k, s = np.exp(u)\n"
            "    loglik = np.sum((k - 1) * np.log(x) - x / s - np.log(special.gamma(k))\n"
            "                    - k * np.log(s))   # the gamma function overflows\n"
            "    return float(-loglik)\n"
        ),
        "score": 1.5,
        "says": ["overflows a float", "Compute its logarithm directly"],
        "never_says": ANSWER,
    },
    {
        "question": "q1",
        "cell": "def gamma_nll(u, x):",
        "answer": (
            "def gamma_nll(u, x):\n"
            "    k, s = np.exp(u)   # the log-likelihood, not its negative\n"
            "    return float(np.sum((k - 1) * np.log(x) - x / s - special.gammaln(k)\n"
            "                        - k * np.log(s)))\n"
        ),
        "score": 0.0,
        "says": ["the sign is reversed"],
        "never_says": ANSWER,
    },
    {
        "question": "q1",
        "cell": "def gamma_nll(u, x):",
        "answer": (
            "def gamma_nll(u, x):\n"
            "    k, s = np.exp(u)   # the average\n"
            "    return float(-np.mean((k - 1) * np.log(x) - x / s - special.gammaln(k)\n"
            "                          - k * np.log(s)))\n"
        ),
        "score": 0.0,
        "says": ["double the negative log-likelihood", "this is the average"],
        "never_says": ANSWER,
    },
    {
        "question": "q1",
        "cell": "def gamma_nll(u, x):",
        "answer": (
            "def gamma_nll(u, x):\n"
            "    k, rate = np.exp(u)   # s read as a rate\n"
            "    return float(-np.sum((k - 1) * np.log(x) - x * rate - special.gammaln(k)\n"
            "                         + k * np.log(rate)))\n"
        ),
        "score": 0.0,
        "says": ["you used s as a rate"],
        "never_says": ANSWER,
    },
    {
        "question": "q1",
        "cell": "def gamma_nll(u, x):",
        "answer": (
            "def gamma_nll(u, x):\n"
            "    k, s = u   # u read as the shape and scale themselves\n"
            "    return float(-np.sum((k - 1) * np.log(x) - x / s - special.gammaln(k)\n"
            "                         - k * np.log(s)))\n"
        ),
        "score": 0.0,
        "says": ["you used u itself as the shape and the scale"],
        "never_says": ANSWER,
    },
    {
        "question": "q1",
        "cell": "def gamma_nll(u, x):",
        "answer": (
            "def gamma_nll(u, x):\n"
            "    k, s = np.exp(u)   # the normalizing constant dropped\n"
            "    return float(-np.sum((k - 1) * np.log(x) - x / s - k * np.log(s)))\n"
        ),
        "score": 0.5,
        "says": ["the normalizing constant Gamma(k) is missing"],
        "never_says": ANSWER,
    },
    # ------------------------------------------------------------ q2: score and information
    {
        "question": "q2",
        "cell": "def gamma_score(theta, x):",
        "answer": (
            "def gamma_score(theta, x):\n"
            "    k, s = theta\n"
            "    n = len(x)   # log k where the derivative of log Gamma(k) belongs\n"
            "    return np.array([np.log(x).sum() - n * np.log(k) - n * np.log(s),\n"
            "                     x.sum() / s**2 - n * k / s])\n"
            "\n"
            "\n"
            "def gamma_information(theta, x):\n"
            "    k, s = theta\n"
            "    n = len(x)\n"
            "    return np.array([[n * special.polygamma(1, k), n / s],\n"
            "                     [n / s, 2 * x.sum() / s**3 - n * k / s**2]])\n"
        ),
        "score": 1.0,
        "says": ["the score should vanish there", "as if it were log k"],
        "never_says": ANSWER,
    },
    {
        "question": "q2",
        "cell": "def gamma_score(theta, x):",
        "answer": (
            "def gamma_score(theta, x):\n"
            "    k, s = theta\n"
            "    n = len(x)\n"
            "    return np.array([np.log(x).sum() - n * special.digamma(k) - n * np.log(s),\n"
            "                     x.sum() / s**2 - n * k / s])\n"
            "\n"
            "\n"
            "def gamma_information(theta, x):\n"
            "    k, s = theta\n"
            "    n = len(x)   # the Hessian, not its negative\n"
            "    return -np.array([[n * special.polygamma(1, k), n / s],\n"
            "                      [n / s, 2 * x.sum() / s**3 - n * k / s**2]])\n"
        ),
        "score": 1.0,
        "says": ["should be positive definite there", "this is the Hessian of the log-likelihood"],
        "never_says": ANSWER,
    },
    {
        "question": "q2",
        "cell": "def gamma_score(theta, x):",
        "answer": (
            "def gamma_score(theta, x):\n"
            "    k, s = theta\n"
            "    n = len(x)\n"
            "    return np.array([np.log(x).sum() - n * special.digamma(k) - n * np.log(s),\n"
            "                     x.sum() / s**2 - n * k / s])\n"
            "\n"
            "\n"
            "def gamma_information(theta, x):\n"
            "    k, s = theta\n"
            "    n = len(x)   # the expected information\n"
            "    return np.array([[n * special.polygamma(1, k), n / s],\n"
            "                     [n / s, n * k / s**2]])\n"
        ),
        "score": 2.0,
        "says": ["this is the expected (Fisher) information"],
        "never_says": ANSWER,
    },
    {
        "question": "q2",
        "cell": "def gamma_score(theta, x):",
        "answer": (
            "def gamma_score(theta, x):\n"
            "    k, s = theta\n"
            "    n = len(x)\n"
            "    return np.array([np.log(x).sum() - n * special.digamma(k) - n * np.log(s),\n"
            "                     x.sum() / s**2 - n * k / s])\n"
            "\n"
            "\n"
            "def gamma_information(theta, x):\n"
            "    k, s = theta\n"
            "    n = len(x)   # a factor 2 lost\n"
            "    return np.array([[n * special.polygamma(1, k), n / s],\n"
            "                     [n / s, x.sum() / s**3 - n * k / s**2]])\n"
        ),
        "score": 1.0,
        "says": ["the scale-scale entry lost a factor"],
        "never_says": ANSWER,
    },
    {
        "question": "q2",
        "cell": "def gamma_score(theta, x):",
        "answer": (
            "def gamma_score(theta, x):\n"
            "    k, s = theta\n"
            "    n = len(x)   # the gradient of the negative log-likelihood\n"
            "    return -np.array([np.log(x).sum() - n * special.digamma(k) - n * np.log(s),\n"
            "                      x.sum() / s**2 - n * k / s])\n"
            "\n"
            "\n"
            "def gamma_information(theta, x):\n"
            "    k, s = theta\n"
            "    n = len(x)\n"
            "    return np.array([[n * special.polygamma(1, k), n / s],\n"
            "                     [n / s, 2 * x.sum() / s**3 - n * k / s**2]])\n"
        ),
        "score": 2.0,
        "says": ["this is the gradient of the negative log-likelihood"],
        "never_says": ANSWER,
    },
    # ---------------------------------------------------------------- q3: Newton's method
    {
        "question": "q3",
        "cell": "def newton_gamma(x, theta0, max_iter=100):",
        "answer": (
            "def newton_gamma(x, theta0, max_iter=100):\n"
            "    theta = np.asarray(theta0, dtype=float)   # one step only\n"
            "    return theta + np.linalg.solve(gamma_information(theta, x),\n"
            "                                   gamma_score(theta, x))\n"
            "\n"
            "\n"
            "theta_hat = newton_gamma(x, start)\n"
        ),
        "score": 2.0,
        "says": ["newton_gamma stopped before the maximum"],
        "never_says": ANSWER,
    },
    {
        "question": "q3",
        "cell": "def newton_gamma(x, theta0, max_iter=100):",
        "answer": NEWTON.format(
            step="step = -np.linalg.solve(gamma_information(theta, x), gamma_score(theta, x))"
        ),
        "score": 0.0,
        "says": ["does the step go uphill?", "the step goes the wrong way"],
        "never_says": ANSWER,
    },
    {
        "question": "q3",
        "cell": "def newton_gamma(x, theta0, max_iter=100):",
        "answer": NEWTON.format(
            step="step = gamma_score(theta, x) / np.diag(gamma_information(theta, x))"
        ),
        "score": 2.0,
        "says": ["you divided each entry of the score by the matching diagonal entry"],
        "never_says": ANSWER,
    },
    {
        "question": "q3",
        "cell": "def newton_gamma(x, theta0, max_iter=100):",
        "answer": (
            "def newton_gamma(x, theta0, max_iter=100):\n"
            "    theta = np.asarray(theta0, dtype=float)   # max_iter ignored\n"
            "    while True:\n"
            "        step = np.linalg.solve(gamma_information(theta, x), gamma_score(theta, x))\n"
            "        theta = theta + step\n"
            "        if np.max(np.abs(step)) < 1e-10:\n"
            "            return theta\n"
            "\n"
            "\n"
            "theta_hat = newton_gamma(x, start)\n"
        ),
        "score": 2.0,
        "says": ["newton_gamma should stop after one step"],
        "never_says": ANSWER,
    },
    # ---------------------------------------------------------------- q4: standard errors
    {
        "question": "q4",
        "cell": "def gamma_standard_errors(theta, x):",
        "answer": (
            "def gamma_standard_errors(theta, x):\n"
            "    k, s = theta\n"
            "    info = gamma_information(theta, x)\n"
            "    se_k, se_s = 1 / np.sqrt(np.diag(info))   # the diagonal inverted\n"
            "    cov = np.linalg.inv(info)\n"
            "    g = np.array([s, k])\n"
            "    return se_k, se_s, np.sqrt(g @ cov @ g)\n"
        ),
        "score": 1.25,
        "says": ["you inverted the diagonal entries of the information one by one"],
        "never_says": ANSWER,
    },
    {
        "question": "q4",
        "cell": "def gamma_standard_errors(theta, x):",
        "answer": (
            "def gamma_standard_errors(theta, x):\n"
            "    k, s = theta\n"
            "    cov = np.linalg.inv(gamma_information(theta, x))\n"
            "    se_k, se_s = np.sqrt(np.diag(cov))\n"
            "    # the delta method without the covariance\n"
            "    return se_k, se_s, np.sqrt(s**2 * cov[0, 0] + k**2 * cov[1, 1])\n"
        ),
        "score": 1.25,
        "says": ["the covariance of the shape and scale estimates is left out"],
        "never_says": ANSWER,
    },
    {
        "question": "q4",
        "cell": "def gamma_standard_errors(theta, x):",
        "answer": (
            "def gamma_standard_errors(theta, x):\n"
            "    k, s = theta\n"
            "    cov = np.linalg.inv(gamma_information(theta, x))\n"
            "    g = np.array([s, k])   # variances, not standard errors\n"
            "    return cov[0, 0], cov[1, 1], g @ cov @ g\n"
        ),
        "score": 0.0,
        "says": [
            "each standard error should halve",
            "these are the variances",
            "this is the delta-method variance",
        ],
        "never_says": ANSWER,
    },
    # ---------------------------------------------------------------- q5: BFGS in logs
    {
        "question": "q5",
        "cell": "def fit_gamma_logs(x):",
        "answer": (
            "def fit_gamma_logs(x):\n"
            "    result = optimize.minimize(lambda u: gamma_nll(u, x),\n"
            "                               np.array([0.0, np.log(np.mean(x))]))\n"
            "    return result.x   # still in logarithms\n"
        ),
        "score": 0.0,
        "says": ["these look like the logarithms", "these are the logarithms of the shape"],
        "never_says": ANSWER,
    },
    {
        "question": "q5",
        "cell": "def fit_gamma_logs(x):",
        "answer": (
            "def fit_gamma_logs(x):\n"
            "    result = optimize.minimize(lambda u: -gamma_nll(u, x),   # the log-likelihood\n"
            "                               np.array([0.0, np.log(np.mean(x))]))\n"
            "    return np.exp(result.x)\n"
        ),
        "score": 0.0,
        "says": [
            "is the optimizer minimizing the negative log-likelihood?",
            "It should minimize the negative log-likelihood",
        ],
        "never_says": ANSWER,
    },
    {
        "question": "q5",
        "cell": "def fit_gamma_logs(x):",
        "answer": (
            "def fit_gamma_logs(x):\n"
            "    result = optimize.minimize(lambda u: gamma_nll(u, x),\n"
            "                               np.array([0.0, np.log(np.mean(x))]),\n"
            "                               options={'maxiter': 2})   # stopped early\n"
            "    return np.exp(result.x)\n"
        ),
        "score": 0.5,
        "says": ["does the optimizer converge?"],
        "never_says": ANSWER,
    },
]

ALTERNATIVES = [
    {  # a sympy number
        "cell": "def gamma_nll(u, x):",
        "answer": (
            "import sympy\n"
            "\n"
            "\n"
            "def gamma_nll(u, x):\n"
            "    k, s = np.exp(u)\n"
            "    n = len(x)\n"
            "    value = -((k - 1) * np.sum(np.log(x)) - np.sum(x) / s\n"
            "              - n * special.gammaln(k) - n * k * np.log(s))\n"
            "    return sympy.Float(value, 20)\n"
        ),
    },
    {  # a list, and a list of a list and a tuple
        "cell": "def gamma_score(theta, x):",
        "answer": (
            "def gamma_score(theta, x):\n"
            "    k, s = theta\n"
            "    n = len(x)\n"
            "    return [float(np.log(x).sum() - n * special.digamma(k) - n * np.log(s)),\n"
            "            float(x.sum() / s**2 - n * k / s)]\n"
            "\n"
            "\n"
            "def gamma_information(theta, x):\n"
            "    k, s = theta\n"
            "    n = len(x)\n"
            "    return [[n * special.polygamma(1, k), n / s],\n"
            "            (n / s, 2 * x.sum() / s**3 - n * k / s**2)]\n"
        ),
    },
    {  # a tuple, and a stopping rule on the norm of the step
        "cell": "def newton_gamma(x, theta0, max_iter=100):",
        "answer": (
            "def newton_gamma(x, theta0, max_iter=100):\n"
            "    k, s = theta0\n"
            "    for _ in range(max_iter):\n"
            "        info = np.array(gamma_information((k, s), x), dtype=float)\n"
            "        step = np.linalg.solve(info, np.array(gamma_score((k, s), x), dtype=float))\n"
            "        k, s = k + step[0], s + step[1]\n"
            "        if np.linalg.norm(step) < 1e-11:\n"
            "            break\n"
            "    return k, s\n"
            "\n"
            "\n"
            "theta_hat = list(newton_gamma(x, start))\n"
        ),
    },
    {  # an array, with a Cholesky solve
        "cell": "def gamma_standard_errors(theta, x):",
        "answer": (
            "from scipy import linalg\n"
            "\n"
            "\n"
            "def gamma_standard_errors(theta, x):\n"
            "    info = np.array(gamma_information(theta, x), dtype=float)\n"
            "    cov = linalg.cho_solve(linalg.cho_factor(info), np.eye(2))\n"
            "    g = np.array([theta[1], theta[0]])\n"
            "    return np.sqrt(np.r_[np.diag(cov), g @ cov @ g])\n"
        ),
    },
    {  # the objective of question 1, a tuple
        "cell": "def fit_gamma_logs(x):",
        "answer": (
            "def fit_gamma_logs(x):\n"
            "    result = optimize.minimize(gamma_nll, [0.0, np.log(np.mean(x))], args=(x,),\n"
            "                               method='L-BFGS-B')\n"
            "    return tuple(np.exp(result.x))\n"
        ),
    },
]
