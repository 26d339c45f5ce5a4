"""Grade a folder of submitted notebooks, safely and in parallel (`make grade`).

Usage:
  python -m coursekit.grade SUBMISSIONS [--assignment NAME | --autograder ZIP] [--out CSV]
                            [--jobs N] [--timeout SECONDS] [--memory GB]

SUBMISSIONS is a folder of submitted notebooks (`.ipynb`, or the `.zip` files that otter's
export produces), searched recursively; each file is one student, named by its path inside the
folder without the suffix. The autograder is `--autograder ZIP`, or the zip that `make
assignments` wrote for `--assignment NAME` (dist/assignments/NAME/autograder/), or, when
neither is given, the one whose assignment name matches the notebooks' metadata.

A submission is untrusted code. Each one is graded in its own child process
(``python -m coursekit.grade --one``), which

* runs inside a bubblewrap sandbox when ``bwrap`` works on this machine: a read-only view of
  the system and of the Python environment, a fresh private writable folder, no network, and
  no view of the repository, of the other submissions, of the grades or of $HOME (see
  :func:`sandbox_command`). Without bubblewrap, grading still works, but a warning is printed
  and the CSV gets a note beside it (``NAME.csv.txt``) saying that submissions were not
  isolated;
* has a memory cap (``RLIMIT_AS``, for the child and the notebook's kernel) and a wall-clock
  timeout, after which its whole process tree is killed; it then scores 0 with an ``error``
  that says why;
* executes the notebook in a fresh kernel (with otter's seeding of ``SEED``; the student
  notebook's ``otter.Notebook`` gets a stand-in that does nothing, since the grader runs the
  tests itself), then runs the
  public and hidden tests of the autograder zip, with otter's own test-file classes, *outside*
  the student's kernel: a test receives, for each name it asks for, a plain value copied out
  of the kernel (numbers, strings, tuples, lists, numeric arrays, exact types only) or, for a
  function, a stand-in that sends its arguments into the kernel, calls the student's
  function there and copies its result out the same way. Whatever the submission patches in
  its kernel (``numpy.isclose``, ``math.isclose``, builtins, objects equal to everything),
  the comparisons run in the grader's own process with the real numpy, and an object that is
  not a plain value arrives as an opaque stand-in equal to nothing.

Submissions are graded side by side (``--jobs``, default: the number of cores); the CSV lists
them in the order of their paths whatever the number of jobs. Columns: student, total,
possible, percent, one per question, error. Next to it, ``NAME-feedback/`` gets one text file
per submission with every test's result and message (hidden tests included).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import warnings
import zipfile
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "dist" / "assignments"

#: Defaults of `make grade`: seconds of wall-clock time and GB of address space per
#: submission. The book's assignments grade in under 10 s each and use well under 1 GB.
DEFAULT_TIMEOUT = 300.0
DEFAULT_MEMORY_GB = 4.0

BWRAP = "/usr/bin/bwrap"
#: Where the private folder appears inside the sandbox.
SANDBOX_DIR = "/tmp/grading"
NOT_ISOLATED = (
    "WARNING: bubblewrap (bwrap) is not available or does not work here: submissions were "
    "graded WITHOUT isolation (they could read and write the instructor's files and use the "
    "network). Install it (Debian: apt-get install bubblewrap)."
)


# --------------------------------------------------------------------------- finding things
def submissions_in(folder: Path) -> list[Path]:
    found = [
        p
        for p in sorted(folder.rglob("*"))
        if p.suffix in (".ipynb", ".zip") and p.is_file() and ".ipynb_checkpoints" not in p.parts
    ]
    if not found:
        raise FileNotFoundError(f"no .ipynb or .zip submissions in {folder}")
    return found


def assignment_name_of_zip(ag_zip: Path) -> str | None:
    with zipfile.ZipFile(ag_zip) as zf:
        config = json.loads(zf.read("otter_config.json"))
    return config.get("assignment_name")


def assignment_name_of_notebook(path: Path) -> str | None:
    try:
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as zf:
                names = [n for n in zf.namelist() if n.endswith(".ipynb")]
                nb = json.loads(zf.read(names[0])) if names else {}
        else:
            nb = json.loads(path.read_text())
        return nb.get("metadata", {}).get("otter", {}).get("assignment_name")
    except (ValueError, KeyError, IndexError, zipfile.BadZipFile, UnicodeDecodeError):
        return None


def find_autograder(name: str | None, subs: list[Path], dist: Path = DIST) -> Path:
    zips = sorted(dist.glob("*/autograder/*-autograder_*.zip"))
    if name:
        chosen = [z for z in zips if z.parts[-3] == name]
        if not chosen:
            raise FileNotFoundError(f"no autograder for {name!r} in {dist}: run `make assignments`")
        return chosen[-1]
    names = {assignment_name_of_notebook(s) for s in subs} - {None}
    if len(names) != 1:
        raise ValueError(
            "cannot tell which assignment the submissions are for "
            f"(names found: {sorted(names)}); pass --assignment or --autograder"
        )
    (wanted,) = names
    chosen = [z for z in zips if assignment_name_of_zip(z) == wanted]
    if not chosen:
        raise FileNotFoundError(
            f"no autograder for the assignment {wanted!r} in {dist}: run `make assignments`"
        )
    return chosen[-1]


# --------------------------------------------------------------------------- the sandbox
def _readonly_roots() -> list[Path]:
    """What the child needs to see read-only even when it lies in a masked folder: the
    virtualenv, the Python installation it was made from, and the packages installed in
    editable mode from the repository (mlebook, coursekit)."""
    import mlebook

    paths = {
        Path(sys.prefix),
        Path(sys.base_prefix),
        Path(os.path.realpath(sys.executable)).parents[1],
        Path(mlebook.__file__).resolve().parent,
        Path(__file__).resolve().parent,
    }
    return sorted(paths, key=lambda p: len(p.parts))


def sandbox_command(private: Path, hidden: list[Path]) -> list[str]:
    """The bwrap prefix that runs a command with `private` as its only writable folder
    (at SANDBOX_DIR), the folders in `hidden` (and $HOME, /tmp, the repository) replaced by
    empty ones, everything else read-only, no network (only a loopback of its own), its own
    process, IPC and host-name namespaces, no capabilities, and death with its parent."""
    masks = {Path(tempfile.gettempdir()), Path.home(), ROOT, *hidden}
    masks = {Path(os.path.realpath(m)) for m in masks if Path(m).exists()}
    cmd = [BWRAP, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
    for mask in sorted(masks, key=lambda p: len(p.parts)):
        cmd += ["--tmpfs", str(mask)]
    for keep in _readonly_roots():
        if any(keep.is_relative_to(m) for m in masks):
            cmd += ["--ro-bind", str(keep), str(keep)]
    cmd += ["--bind", str(private), SANDBOX_DIR, "--chdir", SANDBOX_DIR]
    cmd += ["--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts"]
    cmd += ["--die-with-parent", "--new-session", "--cap-drop", "ALL"]
    return cmd


@lru_cache(maxsize=1)
def sandbox_available() -> bool:
    """Whether bubblewrap exists and can make a sandbox here (it needs user namespaces, or
    root)."""
    if not Path(BWRAP).exists():
        return False
    true = shutil.which("true")
    if true is None:
        return False
    with tempfile.TemporaryDirectory() as tmp:
        cmd = sandbox_command(Path(tmp), []) + [true]
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            return False
    return proc.returncode == 0


def _kill_tree(proc: subprocess.Popen) -> None:
    """Kill the child, its process group and every process descended from it."""
    pids = _descendants(proc.pid)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
    proc.wait()


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


# --------------------------------------------------------------------------- one submission
def grade_one(
    submission: Path,
    ag_zip: Path,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    memory_gb: float = DEFAULT_MEMORY_GB,
    sandbox: bool | None = None,
    hidden: list[Path] = (),
) -> tuple[dict, str, str]:
    """Grade one submission in a child process; returns (scores by question as
    (score, possible), feedback text, error or '')."""
    if sandbox is None:
        sandbox = sandbox_available()
    with tempfile.TemporaryDirectory(prefix="grading-") as tmp:
        private = Path(tmp)
        os.chmod(private, 0o700)
        sub_name = "submission" + submission.suffix
        shutil.copy(submission, private / sub_name)
        shutil.copy(ag_zip, private / "autograder.zip")
        where = Path(SANDBOX_DIR) if sandbox else private
        child = [
            sys.executable,
            "-m",
            "coursekit.grade",
            "--one",
            str(where / sub_name),
            "--autograder",
            str(where / "autograder.zip"),
            "--memory",
            str(memory_gb),
        ]
        masks = [submission.parent.resolve(), ag_zip.parent.resolve(), *hidden]
        cmd = (sandbox_command(private, masks) if sandbox else []) + child
        env = dict(os.environ)
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            env[var] = "1"  # a job per core: each kernel on one thread
        home = where / "home"
        (private / "home").mkdir()
        env.update(HOME=str(home), TMPDIR=str(home), JUPYTER_RUNTIME_DIR=str(home / "rt"))
        env.update(MPLBACKEND="Agg", PYDEVD_DISABLE_FILE_VALIDATION="1")
        env.pop("PYTHONPATH", None)
        read, write = os.pipe()
        cmd += ["--result-fd", str(write)]
        start = time.monotonic()
        proc = subprocess.Popen(
            cmd,
            cwd=where if not sandbox else None,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            pass_fds=(write,),
            start_new_session=True,
        )
        os.close(write)
        chunks: list[bytes] = []
        reader = _start_reader(read, chunks)
        try:
            _, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_tree(proc)
            reader.join(5)
            error = f"timed out after {timeout:g} s (its processes were killed)"
            return {}, f"could not be graded: {error}", error
        finally:
            _kill_leftovers(proc)
        reader.join(30)
        elapsed = time.monotonic() - start
        raw = b"".join(chunks)
        try:
            result = json.loads(raw.decode())
        except (ValueError, UnicodeDecodeError):
            tail = stderr.decode(errors="replace").strip().splitlines()[-3:]
            error = (
                "the grading process ended without a result (exit status "
                f"{proc.returncode} after {elapsed:.0f} s)"
                + (": " + " | ".join(tail) if tail else "")
            )
            return {}, f"could not be graded: {error}", error
        scores = {q: (float(s), float(p)) for q, (s, p) in result["scores"].items()}
        return scores, result["feedback"], result["error"]


def _start_reader(fd: int, chunks: list[bytes]):
    import threading

    def run():
        with os.fdopen(fd, "rb") as f:
            while block := f.read(65536):
                chunks.append(block)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def _kill_leftovers(proc: subprocess.Popen) -> None:
    """After the child has ended: kill whatever it left running (a kernel that outlived it)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


# --------------------------------------------------------------------------- the class
def grade(
    folder: Path,
    ag_zip: Path,
    out_csv: Path,
    *,
    jobs: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    memory_gb: float = DEFAULT_MEMORY_GB,
    sandbox: bool | None = None,
) -> list[dict]:
    """Grade every submission in ``folder``; write and return the rows of the CSV."""
    subs = submissions_in(folder)
    if sandbox is None:
        sandbox = sandbox_available()
    note = out_csv.with_name(out_csv.name + ".txt")
    if not sandbox:
        print(NOT_ISOLATED, file=sys.stderr, flush=True)
    feedback_dir = out_csv.with_name(out_csv.stem + "-feedback")
    feedback_dir.mkdir(parents=True, exist_ok=True)
    jobs = max(1, jobs or os.cpu_count() or 1)
    hidden = [folder.resolve(), out_csv.parent.resolve()]

    def one(sub: Path):
        student = sub.relative_to(folder).with_suffix("").as_posix()
        print(f"grading {student}", flush=True)
        try:
            return student, grade_one(
                sub, ag_zip, timeout=timeout, memory_gb=memory_gb, sandbox=sandbox, hidden=hidden
            )
        except Exception as exc:  # e.g. the file vanished: one student's error, not the class's
            error = f"{type(exc).__name__}: {exc}"
            return student, ({}, f"could not be graded: {error}", error)

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        graded = list(pool.map(one, subs))  # in the order of `subs`, whatever finishes first

    rows, questions = [], []
    for student, (scores, feedback, error) in graded:
        questions += [q for q in scores if q not in questions]
        row = {"student": student, "error": error}
        if error:
            scores = {q: (0.0, p) for q, (_, p) in scores.items()}
        row.update({q: s for q, (s, _) in scores.items()})
        row["total"] = sum(s for s, _ in scores.values())
        row["_possible"] = sum(p for _, p in scores.values())
        rows.append(row)
        (feedback_dir / (student.replace("/", "__") + ".txt")).write_text(feedback + "\n")
    # Every row is out of the same total: the one of the submissions that could be graded.
    possible = max((r["_possible"] for r in rows), default=0.0)
    out_csv.parent.mkdir(parents=True, exist_ok=True)
    columns = ["student", "total", "possible", "percent"] + questions + ["error"]
    with out_csv.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            row.pop("_possible")
            row["possible"] = possible
            row["percent"] = round(100 * row["total"] / possible, 2) if possible else 0.0
            for q in questions:
                row.setdefault(q, 0.0)
            writer.writerow(row)
    if sandbox:
        note.unlink(missing_ok=True)
    else:
        note.write_text(NOT_ISOLATED + "\n")
    return rows


# --------------------------------------------------------------------------- the child
def _child(submission: Path, ag_zip: Path, memory_gb: float, result_fd: int) -> int:
    """Grade one submission in this process (inside the sandbox) and write the result as
    JSON to `result_fd`, a pipe the kernel does not inherit."""
    os.set_inheritable(result_fd, False)
    import ctypes
    import resource

    # Orphans of the submission (a process it started in the background) become this
    # process's children, so that it can kill them at the end (the sandbox's process
    # namespace does the same; this covers grading without it).
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER

    cap = int(memory_gb * 2**30)
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    with warnings.catch_warnings():
        # Deprecations inside otter 7.0 and the widget packages it imports are about their
        # code, not the submission.
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.filterwarnings("ignore", message="The inplace keyword in DataFrame.drop")
        try:
            scores, feedback, error = grade_here(submission, ag_zip, memory_gb)
        except MemoryError:
            scores, feedback = {}, ""
            error = f"ran out of memory: the grading needed more than the cap of {memory_gb:g} GB"
        except Exception as exc:  # a broken file must not stop the other students' grading
            scores, feedback, error = {}, "", f"{type(exc).__name__}: {exc}"
    if error and not feedback:
        feedback = f"could not be graded: {error}"
    data = json.dumps({"scores": scores, "feedback": feedback, "error": error}).encode()
    with os.fdopen(result_fd, "wb") as f:
        f.write(data)
    for pid in _descendants(os.getpid()):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
    return 0


# --------------------------------------------------------------------------- inside the child
#: Runs in the student's kernel after the notebook: answers the grader's requests for a
#: global's value or for a call of a student's function, as JSON of plain values after a
#: marker line. Whatever the submission has patched, what comes out is data, decoded strictly
#: by the grader (`_decode`), never an object of the submission's making.
KERNEL_HELPER = r"""
def __coursekit_rpc__(request):
    import json as _json
    import numpy as _np

    _plain_scalars = (_np.float64, _np.float32, _np.int64, _np.int32, _np.bool_)

    def enc(v, top=False):
        t = type(v)
        if v is None or t in (bool, int, float, str):
            return v
        if t in (tuple, list):
            return {"t": t.__name__, "v": [enc(x) for x in v]}
        if t is dict and all(type(k) is str for k in v):
            return {"t": "dict", "v": {k: enc(x) for k, x in v.items()}}
        if t is _np.ndarray and v.dtype.kind in "biuf":
            return {"t": "array", "dtype": v.dtype.str, "shape": list(v.shape),
                    "v": v.ravel().tolist()}
        if t in _plain_scalars:
            return {"t": "scalar", "dtype": v.dtype.str, "v": v.item()}
        if t is _np.random.Generator and type(v.bit_generator) is _np.random.PCG64:
            return {"t": "rng", "state": v.bit_generator.state}
        if top and callable(v):
            return {"t": "function"}
        try:
            text = repr(v)[:200]
        except BaseException:
            text = "?"
        return {"t": "object", "type": getattr(t, "__name__", "?"), "repr": text}

    def dec(v):
        if not isinstance(v, dict):
            return v
        t = v["t"]
        if t in ("tuple", "list"):
            items = [dec(x) for x in v["v"]]
            return tuple(items) if t == "tuple" else items
        if t == "dict":
            return {k: dec(x) for k, x in v["v"].items()}
        if t == "array":
            return _np.array(v["v"], dtype=_np.dtype(v["dtype"])).reshape(v["shape"])
        if t == "scalar":
            return _np.dtype(v["dtype"]).type(v["v"])
        if t == "rng":
            g = _np.random.Generator(_np.random.PCG64())
            g.bit_generator.state = v["state"]
            return g
        raise TypeError(f"cannot send {t}")

    req = _json.loads(request)
    ns = get_ipython().user_ns
    try:
        if req["op"] == "get":
            out = ({"value": enc(ns[req["name"]], top=True)} if req["name"] in ns
                   else {"missing": True})
        else:
            args = [dec(a) for a in req["args"]]
            kwargs = {k: dec(a) for k, a in req["kwargs"].items()}
            value = ns[req["name"]](*args, **kwargs)
            rngs = {str(i): a.bit_generator.state for i, a in enumerate(args)
                    if type(a) is _np.random.Generator}
            out = {"value": enc(value), "rngs": rngs}
    except MemoryError as exc:
        out = {"error": f"MemoryError: {exc}", "memory": True}
    except BaseException as exc:
        out = {"error": f"{type(exc).__name__}: {exc}"}
    print("\n@@coursekit@@" + _json.dumps(out))
"""
MARKER = "@@coursekit@@"

#: Runs in the kernel before the notebook: the student notebook's `grader = otter.Notebook()`
#: and `grader.check(...)` cells run the public tests for the student; while grading, the
#: grader runs every test itself, so they get a stand-in that does nothing (and the kernel
#: does not spend two seconds importing otter).
OTTER_STAND_IN = """\
import sys as _sys
import types as _types


class _OtterNotebook:
    def __init__(self, *args, **kwargs):
        pass

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


_sys.modules.setdefault("otter", _types.ModuleType("otter")).Notebook = _OtterNotebook
del _sys, _types
"""


class GradingAborted(BaseException):  # not an Exception: otter's tests must not catch it
    """The submission cannot be graded any further (its kernel died, ran out of memory, or
    stopped answering); it scores 0 with this message as its error."""


class Opaque:
    """What a test receives for an object of the submission that is not a plain value: it
    equals nothing but itself and is not a number, so every comparison with it fails."""

    def __init__(self, type_name: str, text: str):
        self.type_name, self.text = type_name, text

    def __repr__(self) -> str:
        return f"<a {self.type_name} object, not a plain value: {self.text}>"


def _decode(v):
    """A plain value from the kernel's JSON; anything unexpected becomes an Opaque."""
    import numpy as np

    if v is None or type(v) in (bool, int, float, str):
        return v
    if type(v) is not dict:
        return Opaque("?", repr(v)[:200])
    t = v.get("t")
    try:
        if t in ("tuple", "list"):
            items = [_decode(x) for x in v["v"]]
            return tuple(items) if t == "tuple" else items
        if t == "dict":
            return {str(k): _decode(x) for k, x in v["v"].items()}
        if t == "array":
            dtype = np.dtype(v["dtype"])
            if dtype.kind in "biuf":
                return np.array(v["v"], dtype=dtype).reshape(v["shape"])
        if t == "scalar":
            dtype = np.dtype(v["dtype"])
            if dtype.kind in "biuf":
                return dtype.type(v["v"])
        if t == "rng":
            g = np.random.Generator(np.random.PCG64())
            g.bit_generator.state = v["state"]
            return g
        if t == "object":
            return Opaque(str(v.get("type")), str(v.get("repr")))
    except (KeyError, TypeError, ValueError):
        pass
    return Opaque(str(t), "")


def _encode(v):
    """A test's argument for the kernel (the grader's own objects: trusted)."""
    import numpy as np

    if v is None or type(v) in (bool, int, float, str):
        return v
    if isinstance(v, (tuple, list)):
        return {"t": "tuple" if isinstance(v, tuple) else "list", "v": [_encode(x) for x in v]}
    if isinstance(v, dict):
        return {"t": "dict", "v": {str(k): _encode(x) for k, x in v.items()}}
    if isinstance(v, np.ndarray):
        return {"t": "array", "dtype": v.dtype.str, "shape": list(v.shape), "v": v.tolist()}
    if isinstance(v, np.generic):
        return {"t": "scalar", "dtype": v.dtype.str, "v": v.item()}
    if isinstance(v, np.random.Generator):
        return {"t": "rng", "state": v.bit_generator.state}
    if isinstance(v, (int, float)):
        return _encode(type(v).__mro__[1](v)) if type(v) is not bool else bool(v)
    raise TypeError(f"a test cannot pass a {type(v).__name__} to the submission")


class KernelDied(Exception):
    pass


class _Runner:
    """A kernel started with jupyter_client, running code and collecting its outputs (the
    stream text and the errors), with a check every half second that it is still alive."""

    def __init__(self, cwd: Path):
        from jupyter_client.manager import KernelManager

        self.km = KernelManager(kernel_name="python3")
        self.km.start_kernel(cwd=str(cwd))
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=300)

    def run(self, code: str) -> list[dict]:
        import queue

        msg_id = self.kc.execute(code, store_history=False, allow_stdin=False)
        outputs: list[dict] = []
        while True:
            try:
                msg = self.kc.get_iopub_msg(timeout=0.5)
            except queue.Empty:
                if not self.km.is_alive():
                    raise KernelDied from None
                continue
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream":
                outputs.append({"output_type": "stream", **content})
            elif kind == "error":
                outputs.append({"output_type": "error", **content})
            elif kind == "status" and content["execution_state"] == "idle":
                return outputs

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.kc.stop_channels()
            self.km.shutdown_kernel(now=True)


class _Kernel:
    """The student's kernel after the notebook ran, seen through plain values only."""

    def __init__(self, runner: _Runner, memory_gb: float):
        self.runner, self.memory_gb, self.cache = runner, memory_gb, {}
        self.call(KERNEL_HELPER)

    def call(self, code: str) -> list[dict]:
        try:
            return self.runner.run(code)
        except KernelDied:
            raise GradingAborted("the kernel died while the tests ran") from None

    def request(self, req: dict):
        outputs = self.call(f"__coursekit_rpc__({json.dumps(json.dumps(req))})")
        text = "".join(o.get("text", "") for o in outputs if o.get("name") == "stdout")
        lines = [line for line in text.splitlines() if line.startswith(MARKER)]
        if not lines and _out_of_memory(outputs):
            raise GradingAborted(self.memory_error("while the tests ran"))
        if not lines:
            raise GradingAborted("the kernel stopped answering the grader's requests")
        out = json.loads(lines[-1][len(MARKER) :])
        if out.get("memory"):
            raise GradingAborted(self.memory_error(out["error"]))
        return out

    def memory_error(self, detail: str) -> str:
        return (
            f"ran out of memory: the submission tried to use more than the cap of "
            f"{self.memory_gb:g} GB ({detail})"
        )

    def get(self, name: str):
        if name not in self.cache:
            out = self.request({"op": "get", "name": name})
            if out.get("missing"):
                value = None
            elif out["value"] == {"t": "function"}:
                value = _Function(self, name)
            else:
                value = _decode(out["value"])
            self.cache[name] = value
        return self.cache[name]


def _out_of_memory(outputs) -> bool:
    """Whether a cell failed for want of memory (a MemoryError, or a library that could not
    be loaded or allocate under the cap)."""
    signs = ("MemoryError", "Cannot allocate memory", "failed to map segment")
    for out in outputs:
        if out.get("output_type") == "error":
            text = f"{out.get('ename')}: {out.get('evalue')}"
            if any(sign in text for sign in signs):
                return True
    return False


class StudentError(Exception):
    """An exception raised by the student's function, with its type and message."""


class _Function:
    """Stands in for a function of the submission: calls it in the kernel with copies of its
    arguments and returns a plain copy of its result."""

    def __init__(self, kernel: _Kernel, name: str):
        self.kernel, self.name = kernel, name

    def __repr__(self) -> str:
        return f"<the submission's function {self.name}>"

    def __call__(self, *args, **kwargs):
        req = {
            "op": "call",
            "name": self.name,
            "args": [_encode(a) for a in args],
            "kwargs": {k: _encode(a) for k, a in kwargs.items()},
        }
        out = self.kernel.request(req)
        if "error" in out:
            raise StudentError(f"{self.name} raised {out['error']}")
        for i, state in out.get("rngs", {}).items():
            args[int(i)].bit_generator.state = state  # the draws the function made
        return _decode(out["value"])


class _Namespace(dict):
    """The environment otter's tests take their arguments from (``env.get(name)``)."""

    def __init__(self, kernel: _Kernel):
        super().__init__()
        self.kernel = kernel

    def get(self, name, default=None):
        value = self.kernel.get(name)
        return default if value is None else value

    def __getitem__(self, name):
        return self.kernel.get(name)

    def __contains__(self, name):
        return self.kernel.get(name) is not None


def _otter_test_files():
    """otter's test-file classes (the scoring and the feedback of `otter run`), imported
    without the rest of otter, which takes seconds to import (nbformat's validator, the
    exporters) and is not needed here."""
    import importlib.util
    import types

    if "otter" not in sys.modules:
        location = importlib.util.find_spec("otter").submodule_search_locations[0]
        for name, path in (("otter", location), ("otter.test_files", f"{location}/test_files")):
            package = types.ModuleType(name)
            package.__path__ = [path]
            sys.modules[name] = package
    from otter.test_files.exception_test import ExceptionTestFile, test_case

    sys.modules["otter.test_files"].test_case = test_case  # what the test files import
    return ExceptionTestFile


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def grade_here(submission: Path, ag_zip: Path, memory_gb: float) -> tuple[dict, str, str]:
    """Execute the submission in a kernel and run the autograder's tests against it, the
    tests in this process; returns (scores by question, feedback, error or '')."""
    exception_test_file = _otter_test_files()
    work = submission.parent / "work"
    work.mkdir()
    with zipfile.ZipFile(ag_zip) as zf:
        config = json.loads(zf.read("otter_config.json"))
        tests = {
            n: zf.read(n).decode()
            for n in sorted(zf.namelist())
            if n.startswith("tests/") and n.endswith(".py")
        }
        for name in zf.namelist():  # the support files (mlebook) go next to the notebook
            if name.startswith("files/") and not name.endswith("/"):
                target = work / name[len("files/") :]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(zf.read(name))
    ag_zip.unlink()  # the kernel gets no copy of the hidden tests
    if submission.suffix == ".zip":
        with zipfile.ZipFile(submission) as zf:
            notebooks = [n for n in zf.namelist() if n.endswith(".ipynb")]
            if len(notebooks) != 1:
                raise ValueError(f"expected one notebook in the zip, found {len(notebooks)}")
            nb = json.loads(zf.read(notebooks[0]).decode())
    else:
        nb = json.loads(submission.read_text())
    submission.unlink()
    if not isinstance(nb, dict) or nb.get("nbformat") != 4:
        raise ValueError("not a notebook of format version 4")
    wanted = config.get("assignment_name")
    got = nb.get("metadata", {}).get("otter", {}).get("assignment_name")
    if wanted and got != wanted:
        raise ValueError(f"received a submission for assignment {got!r}; this is {wanted!r}")

    # Otter's preparation of a notebook for grading: drop the cells tagged otter_ignore, and
    # set the seed variable at the top of every code cell.
    seed, seed_var = config.get("seed"), config.get("seed_variable")
    cells = []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        if "otter_ignore" in cell.get("metadata", {}).get("tags", []):
            continue
        source = _source(cell)
        if seed is not None and seed_var and not source.startswith("%%"):
            source = f"{seed_var} = {seed}\n{source}"
        cells.append(source)

    runner = _Runner(work)
    try:
        runner.run(OTTER_STAND_IN)
        for index, source in enumerate(cells, start=1):
            try:
                outputs = runner.run(source)
            except KernelDied:
                return {}, "", f"the kernel died while running the notebook (code cell {index})"
            if _out_of_memory(outputs):
                error = (
                    f"ran out of memory: the submission tried to use more than the cap "
                    f"of {memory_gb:g} GB (a MemoryError in code cell {index})"
                )
                return {}, "", error
        try:
            kernel = _Kernel(runner, memory_gb)
            env = _Namespace(kernel)
            files = []
            for path, source in tests.items():
                test_file = exception_test_file.from_string(source, path=path)
                test_file.run(env)
                files.append(test_file)
        except GradingAborted as exc:
            return {}, "", str(exc)
    finally:
        runner.close()
    scores = {tf.name: (float(tf.score), float(tf.possible)) for tf in files}
    return scores, "\n\n".join(tf.summary() for tf in files), ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("submissions", type=Path, help="folder of submitted notebooks")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--assignment", help="assignment name, e.g. 01_likelihood_mle")
    which.add_argument("--autograder", type=Path, help="path to an autograder zip")
    parser.add_argument("--out", type=Path, help="CSV to write (default: dist/grades/NAME.csv)")
    parser.add_argument("--jobs", type=int, default=0, help="submissions graded at once")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds")
    parser.add_argument("--memory", type=float, default=DEFAULT_MEMORY_GB, help="GB")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--result-fd", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        return _child(args.submissions, args.autograder, args.memory, args.result_fd)

    subs = submissions_in(args.submissions)
    ag_zip = args.autograder or find_autograder(args.assignment, subs)
    name = ag_zip.name.split("-autograder_")[0]
    out = args.out or ROOT / "dist" / "grades" / f"{name}.csv"
    jobs = args.jobs or os.cpu_count() or 1
    isolated = "sandboxed (bubblewrap)" if sandbox_available() else "NOT isolated"
    print(
        f"grading {len(subs)} submissions against {ag_zip}: {jobs} at a time, "
        f"{args.timeout:g} s and {args.memory:g} GB each, {isolated}"
    )
    rows = grade(
        args.submissions, ag_zip, out, jobs=jobs, timeout=args.timeout, memory_gb=args.memory
    )
    failed = [r["student"] for r in rows if r["error"]]
    print(
        f"wrote {out} ({len(rows)} submissions"
        + (f"; could not grade {', '.join(failed)})" if failed else ")")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
