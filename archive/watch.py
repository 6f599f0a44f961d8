"""Noticing that the archive changed, for a job that stays running (`tracuu index --watch`).

A job started every few seconds by cron pays its start-up each time (at 100 000 articles ~2.5 s of CPU for
a 5-article update: imports, models, self-checks), taken from the searches beside it; one that stays up pays
it once and then asks SQLite, without reading a row, whether anyone committed since it last looked.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from archive.db import Archive


def watch(path: Path, every: float, stop: threading.Event, run: Callable[[], bool], *, longest: float = 60.0,
          retrying: Callable[[float], None] | None = None) -> int:
    """Call `run` now, then again whenever another connection has committed to the archive at `path` since
    the last call began (checked every `every` seconds), until `stop` is set; returns how many calls there
    were. A `run` that returns False (it could not finish: the index was locked, a cluster down) is called
    again, changed or not, after `every` seconds, then twice as long after each failure in a row up to
    `longest` (a cause that lasts is neither hammered nor logged every few seconds); `retrying` is told each
    wait. A commit made while `run` works is seen at the next check, so nothing committed is left unindexed;
    the job's own writes (OCR results) cost one more call that finds nothing.
    """
    calls = 0
    backoff = every
    with Archive(path) as archive:
        due, seen = True, 0
        while True:
            wait = every
            if due:
                seen = archive.data_version()  # read before the run: what others commit during it is news
                calls += 1
                if run():
                    due, backoff = False, every
                else:
                    wait, backoff = backoff, min(max(every, longest), backoff * 2)
                    if retrying is not None:
                        retrying(wait)
            if stop.wait(wait):
                return calls
            due = due or archive.data_version() != seen
