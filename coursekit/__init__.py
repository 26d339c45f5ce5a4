"""coursekit: the instructors' tooling of the course that goes with the book.

Not part of :mod:`mlebook`, which is the readers' package: this package turns the book and the
assignment masters into what a course hands out and collects, one module per job (the
student edition, otter-grader's assign, and grading). The scripts in ``scripts/`` and the
``make student``, ``make assignments`` and ``make grade`` targets are thin entry points to it.

The student edition (``make student``, :mod:`coursekit.student`):

- :mod:`coursekit.fences`: the MyST directives of a markdown text, found by markdown-it-py with
  MyST's plugins; the solution directives and the labels a text defines;
- :mod:`coursekit.strip`: a notebook or a markdown page without its solutions, and references to
  labels that only a solution defined rewritten to plain text;
- :mod:`coursekit.toc`: the table of contents (``_toc.yml``), read, walked, pruned and written
  with sphinx-external-toc;
- :mod:`coursekit.stage`: the student edition's sources staged, its notebooks written, its site
  built;
- :mod:`coursekit.leaks`: the check that no word of a solution reaches the student edition, and
  that no link of it leads to the full edition.

The PDF editions (``make pdf``, and the student PDF of ``make student``): :mod:`coursekit.pdf`,
Jupyter Book's LaTeX build and its checks.

The assignments (``make assignments``): :mod:`coursekit.assign`, otter-grader's assign on the
masters in ``assignments/``. Grading (``make grade``): :mod:`coursekit.grade` (the runs, the CSV
and the feedback), :mod:`coursekit.roster` (student IDs from a roster and the file names of LMS
downloads), :mod:`coursekit.sandbox` (bubblewrap, limits, killing), :mod:`coursekit.child` (what
runs inside the sandbox) and :mod:`coursekit.transport` (values copied out of the student's
kernel). :data:`coursekit.paths.ROOT` is the book's root, which all of them
read by default.
"""
