"""Extraction in a child process with a deadline and a memory cap, so a hostile file costs one error, not a crawl.

PDF and Office parsers are large C, C++ and Rust libraries fed whatever a portal serves. A crafted file can loop
forever, allocate until the machine swaps, or crash the interpreter; none of that may reach the crawler. So
`extract_safely` runs `attachments.extract.extract` in a fresh `python -m attachments.sandbox` child that:

- caps its own address space (RLIMIT_AS) and CPU time (RLIMIT_CPU) before it reads a byte of the file, and
  writes no core dumps; outside converters it starts (antiword, LibreOffice) inherit the caps;
- leads its own process group, which is killed whole when the wall-time deadline passes;
- reads the file on standard input and writes the `Extracted` as JSON on standard output (a descriptor of its
  own: anything a library prints goes to standard error instead).

A fresh interpreter rather than a fork: the crawler's address space (threads, models, caches) would count
against the child's cap, and forking a threaded process can copy a held lock. The price is the interpreter's
start, ~85 ms a file (measured below).
"""

from __future__ import annotations

import importlib
import json
import math
import os
import resource
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from attachments.extract import Extracted
from attachments.processes import exit_status, stop

TIMEOUT = 60.0  # seconds of wall time per file
MEMORY_MB = 1024  # address space of the child; with every parser loaded it maps ~65 MB before the file
EXIT_OUT_OF_MEMORY = 75  # the child's exit status after a MemoryError
EXTRACT_JOB = "attachments.sandbox:extract_job"
# Where `python -m attachments.sandbox` finds the package (and a job's module): the directory holding it.
ROOT = Path(__file__).resolve().parents[1]
# What the child costs on top of the extraction: ~85 ms a file on a 2-core machine (interpreter start with the
# site packages ~25 ms, attachments.extract ~15 ms, pypdfium2 ~20 ms; a 3-page PDF takes 1.7 ms directly).

_MEMORY_SIGNS = ("MemoryError", "memory allocation of", "bad_alloc", "Out of memory", "out of memory",
                 "Cannot allocate memory")


@dataclass
class JobResult:
    """How a child job ended: `status` is ok, timeout, out of memory or crashed; `value` is its JSON answer."""

    status: str
    value: Any = None
    detail: str = ""
    seconds: float = 0.0

    @property
    def error(self) -> str | None:
        if self.status == "ok":
            return None
        return f"{self.status}: {self.detail}" if self.detail else self.status


def extract_safely(data: bytes, kind: str | None = None, *, timeout: float = TIMEOUT, memory_mb: int = MEMORY_MB,
                   **limits: Any) -> Extracted:
    """`extract(data, kind, **limits)` in a limited child; the error is "timeout", "out of memory" or "crashed"
    (with a detail) when the child did not finish. Never raises for a bad file."""
    outcome = run_job(EXTRACT_JOB, data, {"kind": kind, **limits}, timeout=timeout, memory_mb=memory_mb)
    if outcome.status == "ok":
        try:
            result = Extracted.from_dict(outcome.value)
        except (TypeError, AttributeError) as exc:
            result = Extracted(kind, error=f"crashed: bad answer from the child ({type(exc).__name__})")
    else:
        result = Extracted(kind, error=outcome.error)
    result.seconds = outcome.seconds
    return result


def extract_job(data: bytes, **options: Any) -> dict[str, Any]:
    """The job run in the child: extract, as a dict that JSON can carry."""
    from attachments.extract import extract

    return extract(data, **options).to_dict()


def run_job(target: str, data: bytes, options: dict[str, Any] | None = None, *, timeout: float = TIMEOUT,
            memory_mb: int = MEMORY_MB) -> JobResult:
    """Call `target` ("module:function", function(data, **options) -> JSON-able) in a limited child process.

    `timeout` is wall time, the child's process group is killed when it passes; CPU time is capped a second
    later as a second line. The OCR step can run its jobs here too.
    """
    started = time.monotonic()
    command = [sys.executable, "-m", "attachments.sandbox", target, json.dumps(options or {}), str(memory_mb),
               str(math.ceil(timeout) + 1)]
    try:
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   cwd=ROOT, start_new_session=True)
    except OSError as exc:
        return JobResult("crashed", detail=f"cannot start the child: {exc}")
    try:
        stdout, stderr = process.communicate(data, timeout=timeout)
    except subprocess.TimeoutExpired:
        stop(process)
        return JobResult("timeout", detail=f"over {timeout:g} s", seconds=time.monotonic() - started)
    seconds = time.monotonic() - started
    return _judge(process.returncode, stdout, stderr, seconds)


def _judge(returncode: int, stdout: bytes, stderr: bytes, seconds: float) -> JobResult:
    message = stderr.decode("utf-8", errors="replace")
    if returncode == EXIT_OUT_OF_MEMORY or any(sign in message for sign in _MEMORY_SIGNS):
        # Python raises MemoryError; Rust aborts with "memory allocation of N bytes failed"; C++ with bad_alloc
        return JobResult("out of memory", seconds=seconds)
    if returncode == -signal.SIGXCPU:  # the CPU cap: a spin that the wall clock had not yet caught
        return JobResult("timeout", detail="CPU time limit", seconds=seconds)
    if returncode != 0:
        last = [line for line in message.strip().splitlines() if line.strip()]
        detail = exit_status(returncode) + (f": {last[-1][:200]}" if last else "")
        return JobResult("crashed", detail=detail, seconds=seconds)
    try:
        return JobResult("ok", json.loads(stdout), seconds=seconds)
    except ValueError:
        return JobResult("crashed", detail="the child's answer is not JSON", seconds=seconds)


def _child(argv: list[str]) -> int:
    """`python -m attachments.sandbox TARGET OPTIONS_JSON MEMORY_MB CPU_SECONDS`, the file on standard input."""
    target, options, memory_mb, cpu_seconds = argv[0], json.loads(argv[1]), int(argv[2]), int(argv[3])
    cap = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    answer = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # what a library prints must not mix with the answer
    try:
        module, name = target.split(":")
        job = getattr(importlib.import_module(module), name)
        data = sys.stdin.buffer.read()
        value = job(data, **options)
        json.dump(value, answer, ensure_ascii=False)
        answer.flush()
    except MemoryError:
        os._exit(EXIT_OUT_OF_MEMORY)  # no cleanup that could allocate again
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1:]))
