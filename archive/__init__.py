"""The archive: every article tracuu knows, in one SQLite file — the source of truth.

The crawler and `tracuu import` write it; the indexers read it (an index can always be rebuilt from
it) and the web app reads article pages from it. It imports nothing else of tracuu.
"""

from archive.db import (
    OCR_PENDING,
    PAGE_BREAK,
    VIETNAM_TZ,
    Archive,
    ArchiveError,
    Article,
    FetchInfo,
    ImportStats,
    attachment_pages,
    export_archive,
    import_archive,
    normalize_attachment,
    normalize_published,
    now_iso,
)
from archive.files import FileStore, content_hash

__all__ = [
    "OCR_PENDING", "PAGE_BREAK", "VIETNAM_TZ", "Archive", "ArchiveError", "Article", "FetchInfo", "FileStore",
    "ImportStats", "attachment_pages", "content_hash", "export_archive", "import_archive", "normalize_attachment",
    "normalize_published", "now_iso",
]
