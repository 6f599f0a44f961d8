"""Where the index lives on disk: generations, the atomic swap, versions and the writer lock.

Layout under the data dir:
    index -> index-20261127T001500-1234   (a symlink: readers follow it when they open)
    index-20261127T001500-1234/          (a Whoosh index + tracuu.json with the versions)
    index.lock                            (flock: one index job at a time across processes)

`open_dir` unpickles the schema, so an index directory writable by others is refused.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index

from indexer.analysis.text import ANALYSIS_VERSION
from indexer.engine.errors import IndexLockedError, IndexMissingError, IndexUnsafeError
from indexer.whoosh_engine.schema import SCHEMA_VERSION, build_schema

VERSION_FILE = "tracuu.json"


@dataclass(frozen=True)
class IndexVersion:
    analysis: int = ANALYSIS_VERSION
    schema: int = SCHEMA_VERSION

    @classmethod
    def read(cls, directory: Path) -> IndexVersion | None:
        try:
            data = json.loads((directory / VERSION_FILE).read_text())
            return cls(analysis=int(data["analysis_version"]), schema=int(data["schema_version"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def write(self, directory: Path) -> None:
        tmp = directory / (VERSION_FILE + ".tmp")
        tmp.write_text(json.dumps({"analysis_version": self.analysis, "schema_version": self.schema}))
        os.replace(tmp, directory / VERSION_FILE)


CURRENT_VERSION = IndexVersion()


def current_dir(index_path: Path) -> Path | None:
    """The generation the `index` link points at, or None when there is no complete index."""
    if not index_path.exists():
        return None
    real = Path(os.path.realpath(index_path))
    return real if real.is_dir() and whoosh_index.exists_in(str(real)) else None


def check_safe(directory: Path) -> None:
    """Refuse an index that others could have written: Whoosh unpickles what it finds there."""
    mode = directory.stat().st_mode
    if mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise IndexUnsafeError(
            f"Index directory '{directory}' is writable by other users; Whoosh unpickles files from it. "
            f"Run 'chmod go-w {directory}' or 'tracuu index --rebuild'."
        )


def open_current(index_path: Path) -> whoosh_index.Index:
    directory = current_dir(index_path)
    if directory is None:
        raise IndexMissingError(f"No index at '{index_path}'. Run 'tracuu index' first.")
    check_safe(directory)
    return whoosh_index.open_dir(str(directory))


def new_generation(index_path: Path) -> Path:
    """A fresh, empty Whoosh index beside the current one, private to this user."""
    stamp = time.strftime("%Y%m%dT%H%M%S")
    directory = index_path.parent / f"{index_path.name}-{stamp}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    directory.mkdir(mode=0o700, parents=True)
    whoosh_index.create_in(str(directory), build_schema())
    return directory


def swap_in(index_path: Path, directory: Path) -> None:
    """Point `index` at `directory` in one rename, then remove older generations."""
    previous = current_dir(index_path)
    tmp_link = index_path.parent / f".{index_path.name}.link-{os.getpid()}"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    tmp_link.symlink_to(directory.name)
    legacy = None
    if index_path.exists() and not index_path.is_symlink():
        # an index from before generations: a rename cannot replace a directory, so move it aside first
        legacy = index_path.parent / f".{index_path.name}.legacy-{os.getpid()}"
        os.rename(index_path, legacy)
    os.replace(tmp_link, index_path)
    if legacy is not None:
        shutil.rmtree(legacy, ignore_errors=True)
    # The previous generation stays until the next index job: a query running right now may still
    # open one of its (uncompounded) column files.
    remove_stale_generations(index_path, keep=previous)


def remove_stale_generations(index_path: Path, keep: Path | None = None) -> None:
    """Delete old generations and half-built ones left by a killed rebuild.

    Callers hold `writer_lock`, so no other process is building one. Open readers keep their
    files (POSIX unlink), so a running web app is not disturbed.
    """
    # compare real paths: with a relative data dir ("./data", the default) glob gives relative paths
    wanted = {current_dir(index_path), Path(os.path.realpath(keep)) if keep else None}
    for path in index_path.parent.glob(f"{index_path.name}-*"):
        if path.is_dir() and Path(os.path.realpath(path)) not in wanted:
            shutil.rmtree(path, ignore_errors=True)


# The lock's descriptor while this process holds it. A forked worker inherits it, and an flock lives
# as long as any copy is open: a worker outliving a killed parent would hold the lock for good.
_held_fds: set[int] = set()


def _close_inherited_locks() -> None:
    for fd in list(_held_fds):
        try:
            os.close(fd)
        except OSError:
            pass
    _held_fds.clear()


os.register_at_fork(after_in_child=_close_inherited_locks)


@contextmanager
def writer_lock(index_path: Path) -> Iterator[None]:
    """One index job at a time across processes.

    flock dies with its process (and forked workers drop their copy), so a job killed with
    SIGKILL leaves no stale lock: the file stays, the lock does not.
    """
    lock_path = index_path.parent / f"{index_path.name}.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "another process"
            raise IndexLockedError(
                f"Another index job (pid {holder}) is updating '{index_path}'. "
                "Wait for it to finish, then run the command again."
            ) from None
        _held_fds.add(fd)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        _held_fds.discard(fd)
        os.close(fd)  # releases the flock
