"""Where the index lives on disk: generations, the atomic swap, versions and the writer lock.

Layout under the data dir:
    index -> index-20261127T001500-1234   (a symlink: readers follow it when they open)
    index-20261127T001500-1234/          (a Whoosh index, tracuu.json with the versions, and
                                          .tracuu-generation: tracuu made this directory)
    index.lock                            (flock: one index job at a time, indexer/locking.py)

Index jobs delete only generations they made: a directory whose marker names the directory itself.
A copy (`cp -r data/index-… data/index-backup`) carries the marker under another name and is kept,
like anything else a user puts beside the index.

`open_dir` unpickles the schema, so an index directory writable by others is refused.
"""

from __future__ import annotations

import gc
import json
import os
import pickle
import shutil
import stat
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index

from indexer.analysis.text import ANALYSIS_VERSION
from indexer.errors import IndexFormatError, IndexMissingError, IndexUnsafeError
from indexer.whoosh_engine.schema import SCHEMA_VERSION, build_schema

VERSION_FILE = "tracuu.json"
MARKER_FILE = ".tracuu-generation"


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
    """The generation the `index` link points at, or None when there is no complete index.

    Complete means Whoosh wrote a table of contents (it does so last); it is not opened here, so an
    index this tracuu cannot read is still found, and reported by `open_generation`.
    """
    if not index_path.exists():
        return None
    real = Path(os.path.realpath(index_path))
    return real if real.is_dir() and any(real.glob("_MAIN_*.toc")) else None


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
    return open_generation(directory)


def open_generation(directory: Path) -> whoosh_index.Index:
    """Open one generation; an index this tracuu cannot read raises IndexFormatError, not a traceback."""
    check_safe(directory)
    try:
        return whoosh_index.open_dir(str(directory))
    except (ImportError, AttributeError, EOFError, pickle.UnpicklingError, ValueError, TypeError) as exc:
        # Whoosh leaves the table of contents open when its schema fails to unpickle: drop the
        # traceback that holds it, so it closes here rather than warning wherever it is collected
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            exc.__traceback__ = None
            gc.collect()
        raise IndexFormatError(
            f"The index in '{directory}' cannot be read by this version of tracuu "
            f"({type(exc).__name__}: {exc}). Run 'tracuu index' to rebuild it from the archive."
        ) from exc


def new_generation(index_path: Path) -> Path:
    """A fresh, empty Whoosh index beside the current one, private to this user and marked as ours."""
    stamp = time.strftime("%Y%m%dT%H%M%S")
    directory = index_path.parent / f"{index_path.name}-{stamp}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    directory.mkdir(mode=0o700, parents=True)
    mark_generation(directory)  # first: a rebuild killed from here on leaves a directory we may delete
    whoosh_index.create_in(str(directory), build_schema())
    return directory


def mark_generation(directory: Path) -> None:
    """Record that tracuu made `directory`: the marker names it, so a copy under another name is not ours."""
    (directory / MARKER_FILE).write_text(json.dumps({"generation": directory.name}))


def is_our_generation(directory: Path) -> bool:
    """Whether tracuu made this very directory (see the module docstring)."""
    try:
        return json.loads((directory / MARKER_FILE).read_text())["generation"] == directory.name
    except (OSError, ValueError, KeyError, TypeError):
        return False


def swap_in(index_path: Path, directory: Path) -> None:
    """Point `index` at `directory` in one rename, then remove older generations."""
    previous = current_dir(index_path)
    if previous is not None and previous.parent == index_path.parent and not is_our_generation(previous):
        # the generation our own link served (made by a release before markers): ours to replace
        mark_generation(previous)
    tmp_link = index_path.parent / f".{index_path.name}.link-{os.getpid()}"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    tmp_link.symlink_to(directory.name)
    if index_path.exists() and not index_path.is_symlink():
        # an index from before generations: a rename cannot replace a directory, so it becomes an
        # ordinary (marked) old generation, removed by the next job like any other
        aside = index_path.parent / f"{index_path.name}-before-generations-{os.getpid()}"
        os.rename(index_path, aside)
        mark_generation(aside)
        previous = aside
    os.replace(tmp_link, index_path)
    # The previous generation stays until the next index job: a query running right now may still
    # open one of its (uncompounded) column files.
    remove_stale_generations(index_path, keep=previous)


def remove_stale_generations(index_path: Path, keep: Path | None = None) -> None:
    """Delete generations this tracuu made that nothing uses: replaced ones, and half-built ones left
    by a killed rebuild. Anything without our marker stays, whatever its name.

    Callers hold `writer_lock`, so no other process is building one. Open readers keep their
    files (POSIX unlink), so a running web app is not disturbed.
    """
    # compare real paths: with a relative data dir ("./data", the default) paths come out relative
    wanted = {current_dir(index_path), Path(os.path.realpath(keep)) if keep else None}
    for path in index_path.parent.iterdir():
        if (path.is_dir() and not path.is_symlink() and is_our_generation(path)
                and Path(os.path.realpath(path)) not in wanted):
            shutil.rmtree(path, ignore_errors=True)
