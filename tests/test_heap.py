"""tracuu/heap.py: a worker's freed heap goes back to the system."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tracuu import heap

glibc = pytest.mark.skipif(heap._libc() is None, reason="malloc_trim and mallopt are glibc's")

# Fragments the heap the way cache evictions do: 100 MB in 1 KB blocks (malloc's, not Python's small-object
# allocator), nine in ten freed between survivors, so free() alone cannot shrink the heap from its top.
FRAGMENT = """
from tracuu import heap
def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 >> 20
blocks = [bytearray(1024) for _ in range(100_000)]
kept = blocks[::10]
del blocks
before = rss()
trimmed = heap.trim()
print(before, rss(), trimmed)
"""


@glibc
def test_trim_returns_the_pages_freed_between_live_blocks() -> None:
    out = subprocess.run([sys.executable, "-c", FRAGMENT], capture_output=True, text=True, check=True).stdout
    before, after, trimmed = out.split()
    assert trimmed == "True"
    assert int(before) - int(after) >= 30, out  # ~50 of the ~90 MB freed: a page with a survivor stays


@glibc
def test_limit_arenas_is_accepted() -> None:
    assert heap.limit_arenas(heap.ARENAS) is True


def test_the_trimmer_trims_once_every_n_requests(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    monkeypatch.setattr(heap, "trim", lambda: calls.append(1) or True)
    trimmer = heap.Trimmer(every=3)
    for _ in range(10):
        trimmer.tick()
    assert len(calls) == 3
