"""Keeping a long-lived worker's heap close to what it holds (glibc only; a no-op elsewhere).

A search worker's caches evict and refill all day: arrays and bitsets of many sizes come and go. glibc's malloc
keeps freed memory for reuse and gives each thread its own arenas (up to 8 per core), so a threaded worker's
resident size grows well past what its caches weigh. Measured at 100 000 articles (docs/performance.md): one
`malloc_trim` after 1 000 searches returned 54 MB of 595 in 5 ms, and two arenas instead of the default saved
~140 MB over 2 workers at the same throughput.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache
from itertools import count
from typing import Any

M_ARENA_MAX = -8  # mallopt's parameter number, from glibc's malloc.h
ARENAS = 2
TRIM_EVERY = 50  # requests between two trims: ~5 ms each, and the pages given back are faulted in again:
# ~6-8% of a search's CPU for ~50 MB less resident per worker (docs/performance.md, "The heap")


@cache
def _libc() -> Any:
    """glibc's handle, or None on another C library (musl, macOS): there is nothing to tune there."""
    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        libc = ctypes.CDLL(name)
        libc.gnu_get_libc_version  # noqa: B018 (present in glibc only)
        return libc
    except (OSError, AttributeError):
        return None


def limit_arenas(arenas: int = ARENAS) -> bool:
    """Fewer malloc arenas for this process, before its threads start; True when glibc took it."""
    libc = _libc()
    return bool(libc is not None and libc.mallopt(M_ARENA_MAX, arenas))


def trim() -> bool:
    """Give the free pages of every arena back to the system; True when some were."""
    libc = _libc()
    return bool(libc is not None and libc.malloc_trim(0))


class Trimmer:
    """Calls `trim` once every `every` calls of `tick` (from any thread)."""

    def __init__(self, every: int = TRIM_EVERY) -> None:
        self.every = every
        self._ticks = count(1)  # next() on it is one C call: atomic under the GIL, no lock needed

    def tick(self) -> None:
        if next(self._ticks) % self.every == 0:
            trim()
