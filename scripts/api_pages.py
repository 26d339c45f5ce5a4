"""Write the API reference pages from the package itself: ``api/index.md`` and ``api/<module>.md``.

The index lists every name in each module's ``__all__`` under the first line of the module's
docstring, so the reference cannot drift from the code. Run after adding or removing a public
name; ``--check`` (run by the tests) fails when a page is out of date.

    .venv/bin/python scripts/api_pages.py [--check]
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: The modules, in the order the reference presents them (and _toc.yml lists their pages).
MODULES = [
    "models",
    "fitting",
    "covariance",
    "intervals",
    "inference",
    "symbolic",
    "asymptotics",
    "regression",
    "losses",
    "priors",
    "mixture",
    "optim",
    "parametrization",
    "validation",
    "chunked",
    "plotting",
]

#: Extra autodoc options of a module page: the regressions document what they inherit from
#: their private base class (``coef_``, ``se_``, ``conf_int``), but not what Exception and
#: scikit-learn's base classes give (``get_params``, ``set_params``: see scikit-learn).
OPTIONS = {
    "regression": (
        "   :inherited-members: BaseException, ClassifierMixin, RegressorMixin, BaseEstimator\n"
        "   :exclude-members: set_score_request, set_fit_request\n"
    )
}

INTRO = """(api)=
# API reference

The helper package `mlebook` is imported by every chapter and is meant to be read next to
them: each function below links to its source. This reference is generated from the
docstrings (numpydoc style) when the book is built, so it always describes the code the
chapters ran. Install the package with `pip install -e .` from the book's repository, or run
any chapter, whose first cell installs it when it is missing.

```{eval-rst}
.. automodule:: mlebook
   :no-members:
```
"""


def _summary(module) -> str:
    return inspect.getdoc(module).split("\n\n")[0].replace("\n", " ")


def pages() -> dict[Path, str]:
    """Every page's path and text."""
    out = {}
    sections = [INTRO]
    for name in MODULES:
        module = importlib.import_module(f"mlebook.{name}")
        names = "\n".join(f"   {n}" for n in module.__all__)
        sections.append(
            f"## {{mod}}`mlebook.{name}`\n\n{_summary(module)}\n\n```{{eval-rst}}\n"
            f".. currentmodule:: mlebook.{name}\n\n"
            f".. autosummary::\n   :nosignatures:\n\n{names}\n```\n"
        )
        out[ROOT / "api" / f"{name}.md"] = (
            f"(api-{name})=\n# `mlebook.{name}`\n\n```{{eval-rst}}\n"
            f".. automodule:: mlebook.{name}\n   :members:\n   :show-inheritance:\n"
            f"{OPTIONS.get(name, '')}```\n"
        )
    out[ROOT / "api" / "index.md"] = "\n".join(sections)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check", action="store_true", help="fail when a page differs from what would be written"
    )
    args = parser.parse_args(argv)
    stale = [
        path for path, text in pages().items() if not path.exists() or path.read_text() != text
    ]
    if args.check:
        for path in stale:
            print(f"{path.relative_to(ROOT)} is out of date: run scripts/api_pages.py")
        return 1 if stale else 0
    for path in stale:
        path.write_text(pages()[path])
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
