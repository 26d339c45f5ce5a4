"""Render the benchmark results as a Markdown table and write it into README.md.

Usage: python scripts/report_benchmarks.py [--check] [--json PATH] [--readme PATH]

The table (from ``benchmarks/results/benchmarks.json``, written by ``benchmarks/run.py``)
replaces whatever stands between the lines ``<!-- benchmarks:start -->`` and
``<!-- benchmarks:end -->`` in the README. With ``--check`` nothing is written: the script
exits with status 1 if the README's section differs from what the JSON renders (stale
results in the README), and with status 2 if the markers are missing or the JSON does not
exist.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
import formats  # noqa: E402  (the formatters run.py and the appendix page use too)

JSON = ROOT / "benchmarks" / "results" / "benchmarks.json"
README = ROOT / "README.md"
START, END = "<!-- benchmarks:start -->", "<!-- benchmarks:end -->"


class MarkersMissing(ValueError):
    """The README has no (or a malformed) benchmarks section."""


#: The columns of the logistic-regression scaling table: each side's key and its heading.
LOGISTIC_SIDES = {
    "mlebook": "mlebook",
    "statsmodels": "statsmodels Logit",
    "statsmodels_no_rank": "statsmodels, check_rank=False",
    "sklearn_newton": "scikit-learn newton-cholesky",
    "sklearn_lbfgs": "scikit-learn lbfgs",
}
PROFILE_SIDES = {
    "mlebook": "mlebook",
    "scipy": "scipy, the same algorithm",
    "scipy_closed_form": "scipy, closed-form scale given shape",
}


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|")


def table(header: list[str], align: str, rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    return lines + ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]


def peer_cell(r: dict) -> str:
    """The peer, as called, and what the row adds about it (memory, the previous version)."""
    text = r.get("reference") or formats.DASH
    if r.get("settings"):
        text += f": `{r['settings']}`"
    details = r.get("details") or {}
    if "peak_above_idle_MB" in details:  # out of core: the memory it took
        text += (
            f"; peak memory above the idle cluster (mlebook / peer): "
            f"{details['peak_above_idle_MB']} MB, for {details['data_MB']} MB of data"
        )
    return text


def computes_cell(r: dict) -> str:
    computes = r.get("computes")
    if r.get("error"):
        return f"failed: {r['error']}"
    if not computes:
        return formats.DASH
    return f"mlebook: {computes['mlebook']}. Peer: {computes['reference']}"


def main_rows(rows: list[dict]) -> list[list[str]]:
    out = []
    for r in rows:
        if r["kind"] in ("scaling", "growth"):
            continue
        ratio = formats.ratio(r)
        if r.get("ratio_of"):
            ratio += f" ({r['ratio_of']})"
        out.append(
            [
                r["title"],
                peer_cell(r),
                computes_cell(r),
                formats.seconds(r["mlebook_s"]),
                formats.seconds(r.get("reference_s")),
                ratio,
                r.get("target") or formats.DASH,
                formats.scientific(r.get("param_diff")),
                formats.scientific(r.get("loglik_rel_diff")),
                formats.DASH if r.get("load") is None else f"{r['load']:.2f}",
                "yes" if r["met"] else "**no**",
            ]
        )
    return out


#: Peers that stop short of the maximum by design (no Hessian): their agreement has a column.
APPROXIMATE = {"sklearn_lbfgs": "scikit-learn lbfgs"}


def scaling_table(rows: list[dict], sides: dict[str, str], size: list[str]) -> list[str]:
    """One row per size: each side's median time, mlebook's ratio to each peer, and the largest
    difference of the estimates (the peers that stop short of the maximum on their own)."""
    peers = [name for name in sides if name != "mlebook"]
    apart = [name for name in peers if name in APPROXIMATE]
    header = [*size, *sides.values()]
    header += [f"ratio to {sides[name]}" for name in peers]
    header += ["largest parameter difference" + (", Newton peers" if apart else "")]
    header += [f"parameter difference, {APPROXIMATE[name]}" for name in apart]
    body = []
    for r in rows:
        diffs = r.get("param_diff") or {}
        exact = [v for name, v in diffs.items() if v is not None and name not in apart]
        body.append(
            [f"{r[key]:,}" for key in size]
            + [formats.seconds(r["seconds"].get(name)) for name in sides]
            + [formats.ratio(r["ratios"][name]) for name in peers]
            + [formats.scientific(max(exact) if exact else None)]
            + [formats.scientific(diffs.get(name)) for name in apart]
        )
    return table(header, ["--:"] * len(header), body)


def growth_sentence(rows: list[dict], sides: dict[str, str]) -> str:
    """Each side's observed growth, ``n^slope`` over all sizes and between the two largest, for
    each group (each d) of a study."""
    parts = []
    for r in rows:
        largest = r.get("exponents_largest", {})
        slopes = ", ".join(
            f"{label} {formats.growth(r['exponents'][name])}"
            + (f" ({formats.growth(largest[name])} at the largest n)" if name in largest else "")
            for name, label in sides.items()
            if name in r["exponents"]
        )
        parts.append(f"d = {r['d']}: {slopes}" if "d" in r else slopes)
    return "; ".join(parts)


def render(results: dict) -> str:
    """The Markdown for the README: how it was measured, the table, how the time grows with n,
    the slowest chapter, the figures."""
    m = results["machine"]
    rows = results["rows"]
    pools = ", ".join(
        f"{p['internal_api']} {p.get('version') or ''}".strip()
        + f" ({p['num_threads']} thread{'s' if p['num_threads'] != 1 else ''})"
        for p in m.get("thread_pools", [])
    )
    lines = [
        f"Measured {m['date'][:10]} on {m['cpu']} ({m['cpu_count']} CPUs), "
        f"Python {m['python']}, numpy {m['numpy']}, scipy {m['scipy']}, "
        f"statsmodels {m['statsmodels']}, scikit-learn {m['scikit-learn']}; "
        f"{formats.load(m, rows)}; BLAS and OpenMP on one thread"
        + (f" (threadpoolctl: {pools})" if pools else "")
        + ". mlebook and each peer fit the same seeded data in the same process, in rounds "
        "that rotate which side goes first. A time is the median over the rounds; the ratio is "
        "mlebook's time over the peer's (below 1, mlebook is faster), the median of the "
        'per-round ratios with their interquartile range in brackets, and "≈ 1" when that '
        "range contains 1. Agreement: the largest absolute difference between the estimates, "
        "and the difference of the log-likelihoods relative to the peer's (positive: mlebook's "
        "is higher). Load: the 1-minute load average per core when the task started.",
    ]
    if m.get("forced"):
        lines += [
            "",
            f"**This run was forced (`--force`) on a busy machine, above the limit of "
            f"{m.get('max_load_per_core', 0.5)} per core: its timings are not those of a quiet "
            "machine.**",
        ]
    lines += [
        "",
        *table(
            [
                "Task",
                "Peer, as called",
                "What each computes",
                "mlebook",
                "Peer",
                "Ratio (IQR)",
                "Target",
                "Largest parameter difference",
                "Log-likelihood difference (relative)",
                "Load",
                "Met",
            ],
            ["---", "---", "---", "--:", "--:", "--:", "---", "--:", "--:", "--:", ":-:"],
            main_rows(rows),
        ),
    ]
    scaling = [r for r in rows if r["kind"] == "scaling"]
    growth = {r["task"]: [] for r in rows if r["kind"] == "growth"}
    for r in rows:
        if r["kind"] == "growth":
            growth[r["task"]].append(r)
    studies = [
        ("logistic", "Logistic regression", LOGISTIC_SIDES, ["n", "d"]),
        ("gamma", "The Gamma MLE", {"mlebook": "mlebook", "scipy": "scipy"}, ["n"]),
        ("profile", "The Gamma profile-likelihood intervals", PROFILE_SIDES, ["n"]),
    ]
    for task, name, sides, size in studies:
        part = sorted(
            (r for r in scaling if r["task"] == task), key=lambda r: [r[k] for k in size[::-1]]
        )
        if not part:
            continue
        lines += ["", f"**{name}: how the time grows with n.**"]
        if growth.get(task):
            lines[-1] += (
                " Observed growth, the least-squares slope of log(time) against log(n) over all "
                "sizes (and between the two largest): " + growth_sentence(growth[task], sides) + "."
            )
        lines += ["", *scaling_table(part, sides, size)]
    chapters = [r for r in rows if r["kind"] == "chapter"]
    if chapters:
        slowest = max(chapters, key=lambda r: r["mlebook_s"])
        lines += [
            "",
            f"The slowest chapter to execute is {slowest['title'].removeprefix('chapter ')} "
            f"({slowest['mlebook_s']:.1f} s).",
        ]
    lines += [
        "",
        "![Bar charts of mlebook's time ratio to each peer, with interquartile ranges and "
        "targets, and of each chapter's execution time](benchmarks/results/benchmarks.png)",
    ]
    if scaling:
        lines += [
            "",
            "![Time against the number of observations, on log-log axes, one line per library: "
            "logistic regression for each number of features, the Gamma MLE and the Gamma "
            "profile-likelihood intervals](benchmarks/results/benchmarks-scaling.png)",
        ]
    return "\n".join(lines)


def replace_section(readme: str, table: str) -> str:
    """The README with the text between the markers replaced by ``table``."""
    if (
        readme.count(START) != 1
        or readme.count(END) != 1
        or readme.index(START) > readme.index(END)
    ):
        raise MarkersMissing(
            f"README.md must contain the lines {START} and {END}, once each and in this order, "
            "around the benchmarks section"
        )
    head, rest = readme.split(START)
    _, tail = rest.split(END)
    return f"{head}{START}\n{table}\n{END}{tail}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="do not write; fail if README.md is stale"
    )
    parser.add_argument(
        "--json", type=Path, default=JSON, help="the results (default: %(default)s)"
    )
    parser.add_argument(
        "--readme", type=Path, default=README, help="the file to update (default: %(default)s)"
    )
    args = parser.parse_args(argv)

    if not args.json.exists():
        print(
            f"{args.json} does not exist: run benchmarks/run.py (make bench) first", file=sys.stderr
        )
        return 2
    table = render(json.loads(args.json.read_text()))
    readme = args.readme.read_text()
    try:
        updated = replace_section(readme, table)
    except MarkersMissing as exc:
        print(f"{args.readme}: {exc}", file=sys.stderr)
        return 2
    if args.check:
        if updated != readme:
            print(
                f"{args.readme}: the benchmarks section differs from {args.json}; "
                "run python scripts/report_benchmarks.py to update it",
                file=sys.stderr,
            )
            return 1
        print(f"{args.readme}: the benchmarks section is up to date")
        return 0
    if updated != readme:
        args.readme.write_text(updated)
        print(f"updated the benchmarks section of {args.readme}")
    else:
        print(f"{args.readme}: the benchmarks section was already up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
