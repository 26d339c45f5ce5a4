"""Typical mistakes and correct answers in other forms for assignments/03_map_em.ipynb (read by
tests/test_assignments.py)."""

MISTAKES = [
    {
        "question": "q1",
        "cell": "def beta_map(x, a, b):",
        "answer": "def beta_map(x, a, b):\n    return float(np.mean(x))   # the MLE\n",
        "score": 0.0,
        "says": ["the posterior's mode lies strictly between them"],
        "never_says": ["k + a - 1", "n + a + b - 2"],
    },
    {
        "question": "q1",
        "cell": "def beta_map(x, a, b):",
        "answer": (
            "def beta_map(x, a, b):\n"
            "    x = np.asarray(x)\n"
            "    return float((x.sum() + a) / (x.size + a + b))   # the posterior mean\n"
        ),
        "score": 0.5,
        "says": ["posterior mean", "mode"],
        "never_says": ["k + a - 1", "n + a + b - 2"],
    },
    {
        "question": "q1",
        "cell": "def beta_map(x, a, b):",
        "answer": (
            "def beta_map(x, a, b):\n"
            "    x = np.asarray(x)\n"
            "    return float((x.sum() + b - 1) / (x.size + a + b - 2))\n"
        ),
        "score": 0.5,
        "says": ["a and b play each other's parts"],
        "never_says": ["k + a - 1", "n + a + b - 2"],
    },
    {
        "question": "q2",
        "cell": "def e_step(x, weights, means, variances):",
        "answer": (
            "def e_step(x, weights, means, variances):\n"
            "    dens = stats.norm.pdf(np.asarray(x)[:, None], means, np.sqrt(variances))\n"
            "    return dens / dens.sum(axis=1, keepdims=True)   # no weights\n"
        ),
        "score": 0.5,
        "says": ["ignore the mixture weights"],
        "never_says": ["pi_j N(x_i", "logsumexp(log_num"],
    },
    {
        "question": "q2",
        "cell": "def e_step(x, weights, means, variances):",
        "answer": (
            "def e_step(x, weights, means, variances):\n"
            "    dens = np.asarray(weights) * stats.norm.pdf(np.asarray(x)[:, None], means,\n"
            "                                                np.sqrt(variances))\n"
            "    return dens / dens.sum(axis=1, keepdims=True)   # underflows far away\n"
        ),
        "score": 1.75,
        "says": ["0/0 is NaN", "logsumexp"],
        "never_says": ["pi_j N(x_i"],
    },
    {
        "question": "q2",
        "cell": "def e_step(x, weights, means, variances):",
        "answer": (
            "def e_step(x, weights, means, variances):\n"
            "    x = np.asarray(x, dtype=float)[:, None]\n"
            "    log_num = np.log(weights) + stats.norm.logpdf(x, means, variances)\n"
            "    return np.exp(log_num - special.logsumexp(log_num, axis=1, keepdims=True))\n"
        ),
        "score": 1.25,
        "says": ["used as standard deviations"],
        "never_says": ["pi_j N(x_i"],
    },
    {
        "question": "q3",
        "cell": "def m_step(x, resp):",
        "answer": (
            "def m_step(x, resp):\n"
            "    nk = resp.sum(axis=0)\n"
            "    means = np.array([x.mean(), x.mean()])   # not weighted\n"
            "    variances = np.sum(resp * (x[:, None] - means) ** 2, axis=0) / nk\n"
            "    return nk / x.size, means, variances\n"
        ),
        "score": 0.5,
        "says": ["plain average of all the data"],
        "never_says": ["sum_i r_ij x_i / N_j"],
    },
    {
        "question": "q3",
        "cell": "def m_step(x, resp):",
        "answer": (
            "def m_step(x, resp):\n"
            "    nk = resp.sum(axis=0)\n"
            "    means = resp.T @ x / nk\n"
            "    variances = np.sum(resp * (x[:, None] - means) ** 2, axis=0) / x.size\n"
            "    return nk / x.size, means, variances\n"
        ),
        "score": 0.5,
        "says": ["divide the weighted sums of squares by n"],
        "never_says": [],
    },
    {
        "question": "q3",
        "cell": "def m_step(x, resp):",
        "answer": (
            "def m_step(x, resp):\n"
            "    nk = resp.sum(axis=0)\n"
            "    means = resp.T @ x / nk\n"
            "    variances = np.sum(resp * (x[:, None] - x.mean()) ** 2, axis=0) / nk\n"
            "    return nk / x.size, means, variances\n"
        ),
        "score": 0.5,
        "says": ["from the overall mean"],
        "never_says": [],
    },
    {
        "question": "q4",
        "cell": "def mixture_loglik(x, weights, means, variances):",
        "answer": (
            "def mixture_loglik(x, weights, means, variances):\n"
            "    dens = np.asarray(weights) * stats.norm.pdf(np.asarray(x)[:, None], means,\n"
            "                                                np.sqrt(variances))\n"
            "    return float(np.log(dens.sum(axis=1)).sum())   # log(0) far away\n"
        ),
        "score": 0.5,
        "says": ["log(0) is -inf", "logsumexp"],
        "never_says": [],
    },
    {
        "question": "q4",
        "cell": "def mixture_loglik(x, weights, means, variances):",
        "answer": (
            "def mixture_loglik(x, weights, means, variances):\n"
            "    x = np.asarray(x, dtype=float)[:, None]\n"
            "    log_dens = stats.norm.logpdf(x, means, np.sqrt(variances))\n"
            "    return float((np.asarray(weights) * log_dens).sum())\n"
        ),
        "score": 0.5,
        "says": ["inside the logarithm"],
        "never_says": [],
    },
    {
        "question": "q5",
        "cell": "def run_em(x, weights, means, variances, n_iter):",
        "answer": (
            "def run_em(x, weights, means, variances, n_iter):\n"
            "    logliks = []\n"
            "    resp = e_step(x, weights, means, variances)   # once, before the loop\n"
            "    for _ in range(n_iter):\n"
            "        weights, means, variances = m_step(x, resp)\n"
            "        logliks.append(mixture_loglik(x, weights, means, variances))\n"
            "    return weights, means, variances, logliks\n"
        ),
        "score": 1.0,
        "says": ["the log-likelihood never changes", "from the current parameters"],
        "never_says": [],
    },
    {
        "question": "q5",
        "cell": "def run_em(x, weights, means, variances, n_iter):",
        "answer": (
            "def run_em(x, weights, means, variances, n_iter):\n"
            "    logliks = []\n"
            "    for _ in range(n_iter):\n"
            "        logliks.append(mixture_loglik(x, weights, means, variances))  # before\n"
            "        resp = e_step(x, weights, means, variances)\n"
            "        weights, means, variances = m_step(x, resp)\n"
            "    return weights, means, variances, logliks\n"
        ),
        "score": 3.0,
        "says": ["record it after"],
        "never_says": [],
    },
    {
        "question": "q5",
        "cell": "def run_em(x, weights, means, variances, n_iter):",
        "answer": (
            "def run_em(x, weights, means, variances, n_iter):\n"
            "    logliks = []\n"
            "    w, m, v = weights, means, variances\n"
            "    for _ in range(n_iter):\n"
            "        resp = e_step(x, w, m, v)\n"
            "        w, m, v = m_step(x, resp)\n"
            "        logliks.append(mixture_loglik(x, w, m, v))\n"
            "    return weights, means, variances, logliks   # the starting values\n"
        ),
        "score": 0.5,
        "says": ["returned the starting values"],
        "never_says": [],
    },
]

ALTERNATIVES = [
    {  # a sympy number
        "cell": "def beta_map(x, a, b):",
        "answer": (
            "import sympy\n\n\n"
            "def beta_map(x, a, b):\n"
            "    k, n = int(np.sum(x)), len(x)\n"
            "    return (k + sympy.nsimplify(a) - 1) / (n + sympy.nsimplify(a + b) - 2)\n"
        ),
    },
    {  # a list of lists
        "cell": "def e_step(x, weights, means, variances):",
        "answer": (
            "def e_step(x, weights, means, variances):\n"
            "    rows = []\n"
            "    for xi in np.asarray(x, dtype=float):\n"
            "        logs = [np.log(w) + stats.norm.logpdf(xi, m, np.sqrt(v))\n"
            "                for w, m, v in zip(weights, means, variances)]\n"
            "        rows.append([float(np.exp(l - special.logsumexp(logs))) for l in logs])\n"
            "    return rows\n"
        ),
    },
    {  # a (3, 2) array of weights, means and variances
        "cell": "def m_step(x, resp):",
        "answer": (
            "def m_step(x, resp):\n"
            "    x = np.asarray(x, dtype=float)\n"
            "    resp = np.asarray(resp, dtype=float)\n"
            "    nk = resp.sum(axis=0)\n"
            "    means = resp.T @ x / nk\n"
            "    variances = np.sum(resp * (x[:, None] - means) ** 2, axis=0) / nk\n"
            "    return np.vstack([nk / x.size, means, variances])\n"
        ),
    },
    {  # a 0-d array
        "cell": "def mixture_loglik(x, weights, means, variances):",
        "answer": (
            "def mixture_loglik(x, weights, means, variances):\n"
            "    x = np.asarray(x, dtype=float)[:, None]\n"
            "    log_num = np.log(weights) + stats.norm.logpdf(x, means, np.sqrt(variances))\n"
            "    return np.array(special.logsumexp(log_num, axis=1).sum())\n"
        ),
    },
    {  # a list, with the log-likelihoods as an array
        "cell": "def run_em(x, weights, means, variances, n_iter):",
        "answer": (
            "def run_em(x, weights, means, variances, n_iter):\n"
            "    params = (weights, means, variances)\n"
            "    logliks = np.empty(n_iter)\n"
            "    for i in range(n_iter):\n"
            "        params = m_step(x, e_step(x, *params))\n"
            "        logliks[i] = mixture_loglik(x, *params)\n"
            "    return [*params, logliks]\n"
        ),
    },
]
