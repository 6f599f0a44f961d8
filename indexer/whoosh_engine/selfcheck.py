"""Start-up check that the installed Whoosh has the internals this engine reaches into.

docs/internals.md lists each one and why. The reader falls back to Whoosh's public API where an
attribute is missing; the writer cannot, so a Whoosh that lacks them is refused with a clear message
before any index is touched.
"""

from __future__ import annotations

from functools import lru_cache

from indexer.errors import IndexerError

# (where, attribute): what writer/ calls or overrides on Whoosh 2.7.4's classes
WRITER_INTERNALS = (
    ("whoosh.writing.SegmentWriter", "_merge_segments"),
    ("whoosh.writing.SegmentWriter", "_finalize_segment"),
    ("whoosh.writing.SegmentWriter", "_close_segment"),
    ("whoosh.writing.SegmentWriter", "_commit_toc"),
    ("whoosh.writing.SegmentWriter", "_finish"),
    ("whoosh.writing.SegmentWriter", "_added"),
    ("whoosh.codec.whoosh3", "_lenfield"),
    ("whoosh.codec.whoosh3", "LENGTHS_COLUMN"),
    ("whoosh.codec.whoosh3", "W3TermInfo"),
    ("whoosh.codec.whoosh3", "WHOOSH3_HEADER_MAGIC"),
    ("whoosh.scoring.BM25F", "_field_B"),
)


class WhooshChangedError(IndexerError):
    """The installed Whoosh is not the one the engine was written for."""


def _resolve(dotted: str) -> object:
    import importlib

    module, _, name = dotted.rpartition(".")
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return importlib.import_module(dotted)


@lru_cache(maxsize=1)
def check_whoosh() -> None:
    """Raise WhooshChangedError naming what is missing; cached: runs once per process."""
    import whoosh

    missing = []
    for where, attribute in WRITER_INTERNALS:
        try:
            target = _resolve(where)
        except (ImportError, AttributeError):
            missing.append(where)
            continue
        if attribute == "_field_B":
            target = target()  # set in __init__
        elif attribute == "_added":
            continue  # an instance attribute, checked with the writer below
        if not hasattr(target, attribute):
            missing.append(f"{where}.{attribute}")
    if missing:
        version = ".".join(map(str, whoosh.versionstring().split(".")))
        raise WhooshChangedError(
            f"The installed Whoosh {version} lacks what tracuu's index writer uses: {', '.join(missing)}. "
            "Install the pinned version: pip install 'Whoosh==2.7.4'.")
