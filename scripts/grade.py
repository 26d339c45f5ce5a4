"""Grade a folder of submitted notebooks (`make grade`): a thin entry point to
:mod:`coursekit.grade`, which documents the options, the sandbox and the CSV.

Usage:
  python scripts/grade.py SUBMISSIONS [--assignment NAME | --autograder ZIP] [--out CSV]
                          [--jobs N] [--timeout SECONDS] [--memory GB]
"""

from __future__ import annotations

import sys

from coursekit.grade import (  # noqa: F401  (re-exported for the tests and older callers)
    DEFAULT_MEMORY_GB,
    DEFAULT_TIMEOUT,
    assignment_name_of_notebook,
    assignment_name_of_zip,
    find_autograder,
    grade,
    grade_one,
    main,
    sandbox_available,
    submissions_in,
)

if __name__ == "__main__":
    sys.exit(main())
