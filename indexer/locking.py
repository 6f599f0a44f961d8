"""One index job at a time across processes, whatever the back end: an flock beside the index."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from indexer.errors import IndexLockedError

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
