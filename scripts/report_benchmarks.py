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
JSON = ROOT / "benchmarks" / "results" / "benchmarks.json"
README = ROOT / "README.md"
START, END = "<!-- benchmarks:start -->", "<!-- benchmarks:end -->"


class MarkersMissing(ValueError):
    """The README has no (or a malformed) benchmarks section."""


def fmt_seconds(s: float | None) -> str:
    if s is None:
        return "–"
    if s < 0.1:
        return f"{s * 1e3:.2f} ms"
    return f"{s * 1e3:.0f} ms" if s < 1 else f"{s:.1f} s"


def fmt_number(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def fmt_diff(value: float | None) -> str:
    return "–" if value is None else "0" if value == 0 else f"{value:.1e}"


def render(results: dict) -> str:
    """The Markdown for the README.

    A sentence on the machine, the table, the slowest chapter, the figure.
    """
    m = results["machine"]
    rows = results["rows"]
    lines = [
        f"Measured {m['date'][:10]} on {m['cpu']} ({m['cpu_count']} CPUs), "
        f"Python {m['python']}, numpy {m['numpy']}, scipy {m['scipy']}, "
        f"statsmodels {m['statsmodels']}, scikit-learn {m['scikit-learn']}; BLAS on one "
        "thread; each time is the median of several runs, alternating mlebook and the "
        "reference on the same data. "
        "Ratio: mlebook's time over the reference's (below 1, mlebook is faster). "
        "Agreement: the largest absolute difference between the estimates, and the difference "
        "of the log-likelihoods relative to the reference's.",
        "",
        "| Task | Compared with | mlebook | Reference | Ratio | Target "
        "| Largest parameter difference "
        "| Log-likelihood difference (relative) | Met |",
        "|---|---|--:|--:|--:|---|--:|--:|:-:|",
    ]
    for r in rows:
        ratio = fmt_number(r.get("ratio"))
        if r.get("ratio_of"):
            ratio += f" ({r['ratio_of']})"
        reference = r.get("reference") or "–"
        details = r.get("details") or {}
        if "ratio_to_previous" in details:  # a second reference: the package's previous version
            reference += (
                f"; {details['previous']}: {fmt_seconds(details['previous_s'])}, "
                f"ratio {details['ratio_to_previous']:.2f}"
            )
        if "peak_above_idle_MB" in details:  # out of core: the memory it took
            reference += (
                f"; peak memory above the idle cluster (mlebook / reference): "
                f"{details['peak_above_idle_MB']} MB, for {details['data_MB']} MB of data"
            )
        cells = [
            r["title"],
            reference,
            fmt_seconds(r["mlebook_s"]),
            fmt_seconds(r.get("reference_s")),
            ratio,
            r.get("target") or "–",
            fmt_diff(r.get("param_diff")),
            fmt_diff(r.get("loglik_rel_diff")),
            "yes" if r["met"] else "**no**",
        ]
        lines.append("| " + " | ".join(cells) + " |")
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
        "![Bar charts of the time ratios against their targets "
        "and of each chapter's execution time]"
        "(benchmarks/results/benchmarks.png)",
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
