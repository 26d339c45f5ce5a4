"""The sandbox a submission is graded in, and the killing of what it leaves running.

:func:`sandbox_command` is the bubblewrap (``bwrap``) prefix that runs the grading child of
:mod:`coursekit.grade` with a read-only view of the system and of the Python environment, a
fresh private writable folder, no network, and no view of the repository, of the other
submissions, of the grades or of ``$HOME``. :func:`sandbox_available` says whether bubblewrap
works on this machine (it needs user namespaces, or root); without it grading still works, but
unisolated, and says so (:data:`NOT_ISOLATED`).

:func:`kill_tree` kills a child with every process descended from it: a timed-out submission's
kernel, and whatever that kernel started in the background.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

from coursekit.paths import ROOT

BWRAP = "/usr/bin/bwrap"
#: Where the private folder appears inside the sandbox.
SANDBOX_DIR = "/tmp/grading"
NOT_ISOLATED = (
    "WARNING: bubblewrap (bwrap) is not available or does not work here: submissions were "
    "graded WITHOUT isolation (they could read and write the instructor's files and use the "
    "network). Install it (Debian: apt-get install bubblewrap)."
)


def _readonly_roots() -> list[Path]:
    """What the child needs to see read-only even when it lies in a masked folder: the
    virtualenv, the Python installation it was made from, and the packages installed in
    editable mode from the repository (mlebook, coursekit)."""
    import importlib.util

    mlebook = importlib.util.find_spec("mlebook")  # found, not imported (that takes seconds)
    paths = {
        Path(sys.prefix),
        Path(sys.base_prefix),
        Path(os.path.realpath(sys.executable)).parents[1],
        Path(mlebook.origin).resolve().parent,
        Path(__file__).resolve().parent,
    }
    return sorted(paths, key=lambda p: len(p.parts))


def sandbox_command(private: Path, hidden: list[Path]) -> list[str]:
    """The bwrap prefix that runs a command with `private` as its only writable folder
    (at SANDBOX_DIR), the folders in `hidden` (and $HOME, /tmp, the repository) replaced by
    empty ones and the files in `hidden` by empty files, everything else read-only, no network
    (only a loopback of its own), its own process, IPC and host-name namespaces, no
    capabilities, and death with its parent."""
    masks = {Path(tempfile.gettempdir()), Path.home(), ROOT, *hidden}
    masks = {Path(os.path.realpath(m)) for m in masks if Path(m).exists()}
    folders = {m for m in masks if m.is_dir()}
    cmd = [BWRAP, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
    for mask in sorted(folders, key=lambda p: len(p.parts)):
        cmd += ["--tmpfs", str(mask)]
    for keep in _readonly_roots():
        if any(keep.is_relative_to(m) for m in folders):
            cmd += ["--ro-bind", str(keep), str(keep)]
    for mask in sorted(masks - folders):
        if not any(mask.is_relative_to(m) for m in folders):
            cmd += ["--ro-bind", "/dev/null", str(mask)]
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


def kill_tree(proc: subprocess.Popen) -> None:
    """Kill the child, its process group and every process descended from it."""
    pids = descendants(proc.pid)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
    proc.wait()


def kill_leftovers(proc: subprocess.Popen) -> None:
    """After the child has ended: kill whatever it left running (a kernel that outlived it)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


def descendants(pid: int) -> list[int]:
    """The ids of every process descended from `pid` (children, grandchildren, ...)."""
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
