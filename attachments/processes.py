"""Outside programs run on untrusted files: a deadline, capped memory, no core dumps, and never an exception.

The DOC converters (antiword, catdoc, LibreOffice) and the OCR tools (pdftoppm, pdfimages, tesseract) are large
C and C++ programs fed whatever a portal serves. A crafted file can make one loop forever, allocate until the
machine swaps, crash, or write without end. `run_limited` turns each of those into an `Outcome`, which the
caller words as its own error: a hostile file costs one file's or one page's error, never the crawl or the
indexer.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

STDERR_TAIL = 4096  # bytes of a stderr file read back: the cause is in the last lines, the file may hold 40 MB


@dataclass(frozen=True)
class Outcome:
    """How one run ended.

    `start_error` is why the program never started (FileNotFoundError: not installed). `timed_out` means it was
    killed at the deadline, and what it wrote is dropped. Otherwise `returncode` is its exit status, negative
    for the signal that killed it. `stdout` and `stderr` are what it wrote to pipes; b"" for stdout sent to a
    file, the last STDERR_TAIL bytes of a stderr file.
    """

    returncode: int | None = None
    stdout: bytes = b""
    stderr: bytes = b""
    timed_out: bool = False
    start_error: OSError | subprocess.SubprocessError | None = None

    @property
    def stderr_lines(self) -> list[str]:
        """stderr's non-empty lines, stripped: the cause of a failure is in the last one to three."""
        text = self.stderr.decode("utf-8", errors="replace")
        return [line.strip() for line in text.splitlines() if line.strip()]


def run_limited(command: Sequence[str], *, timeout: float, memory_mb: int, file_mb: int | None = None,
                niceness: int = 0, cwd: str | Path | None = None, env: Mapping[str, str] | None = None,
                stdin: bytes | None = None, stdout: Path | None = None, stderr: Path | None = None) -> Outcome:
    """Run `command` until it ends or `timeout` seconds pass; never raises, whatever the program does.

    The child gets an address-space cap of `memory_mb`, no core dumps, and its own process group, killed whole
    at the deadline (LibreOffice starts helpers that would outlive a plain kill) and on KeyboardInterrupt (the
    group is out of reach of the terminal's Ctrl-C). The caps are kept within the caller's own hard limits: a
    caller already capped (attachments.sandbox's child) may lower a limit but not raise it, and a child asking
    more would fail to start.

    Options: `file_mb` caps the size of any file it writes (a huge page rendered as an image would fill the
    disk); `niceness` lowers its CPU priority; `stdin` is fed to it (else it reads nothing); `stdout` and
    `stderr` name files to write to instead of pipes read into memory, for output that may be huge (tesseract
    out of memory writes 40 MB of errors). `env` None gives a minimal environment: PATH, HOME (`cwd`, else the
    temporary directory) and a UTF-8 locale, without which antiword's UTF-8 output map does not load.
    """
    caps = {resource.RLIMIT_AS: _capped(resource.RLIMIT_AS, memory_mb * 1024 * 1024)}
    if file_mb is not None:
        caps[resource.RLIMIT_FSIZE] = _capped(resource.RLIMIT_FSIZE, file_mb * 1024 * 1024)

    # Runs in the child between fork and exec. Python warns that preexec_fn may deadlock when the parent has
    # threads (a lock held by another thread stays held in the child); this one only makes system calls
    # through modules already imported, taking no lock.
    def apply_limits() -> None:
        if niceness:
            os.nice(niceness)
        for kind, cap in caps.items():
            resource.setrlimit(kind, (cap, cap))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crash on a hostile file leaves no core dump

    if env is None:
        home = str(cwd) if cwd is not None else tempfile.gettempdir()
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home, "LC_ALL": "C.UTF-8"}
    with ExitStack() as files:
        try:
            out = files.enter_context(stdout.open("wb")) if stdout is not None else subprocess.PIPE
            err = files.enter_context(stderr.open("wb")) if stderr is not None else subprocess.PIPE
            process = subprocess.Popen(list(command), stdin=subprocess.DEVNULL if stdin is None else subprocess.PIPE,
                                       stdout=out, stderr=err, cwd=cwd, env=env, start_new_session=True,
                                       preexec_fn=apply_limits)  # noqa: PLW1509
        except (OSError, subprocess.SubprocessError) as exc:  # not installed, cannot fork, a limit refused
            return Outcome(start_error=exc)
        try:
            written, errors = process.communicate(stdin, timeout=timeout)
        except subprocess.TimeoutExpired:
            stop(process)
            return Outcome(process.returncode, timed_out=True)
        except BaseException:  # KeyboardInterrupt, or a signal handler's exception: leave no orphan either way
            stop(process)
            raise
    if stderr is not None:
        errors = _tail(stderr)
    return Outcome(process.returncode, written or b"", errors or b"")


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the process group a child leads (it was started with start_new_session), reap it, close its pipes.

    The pipes are closed rather than read to the end: a helper that left the group could hold them open forever.
    """
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()
    for pipe in (process.stdin, process.stdout, process.stderr):
        if pipe is not None:
            pipe.close()


def exit_status(returncode: int) -> str:
    """A child's exit status in words: "exit 3", "killed by SIGSEGV"."""
    if returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exit {returncode}"


def _capped(kind: int, wanted: int) -> int:
    _, hard = resource.getrlimit(kind)
    return wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)


def _tail(path: Path) -> bytes:
    """The last STDERR_TAIL bytes of a file (b"" if it cannot be read: the run's outcome matters more)."""
    try:
        with path.open("rb") as handle:
            handle.seek(max(0, path.stat().st_size - STDERR_TAIL))
            return handle.read()
    except OSError:
        return b""
