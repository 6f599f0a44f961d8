"""Attached files kept by content: `files/ab/<sha256>` under the data dir, one copy however many posts link it.

The archive's attachment entries name a file by its "hash"; the crawler writes here, OCR and the web app's
"archived copy" read from here. Content addressing makes a re-crawl of an unchanged file a no-op, and a
write is a rename of a complete temporary file, so a reader never sees half a file.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

_HASH = re.compile(r"^[0-9a-f]{64}$")


def content_hash(data: bytes) -> str:
    """The name a file is kept under: SHA-256 of its bytes, in hex."""
    return hashlib.sha256(data).hexdigest()


class FileStore:
    """Files by SHA-256 under `root` (created on the first write)."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    def path(self, digest: str) -> Path | None:
        """Where the file of `digest` is or would be; None for anything that is not a SHA-256 in hex,
        so a hash taken from a URL can never name a path outside the store."""
        if not _HASH.match(digest or ""):
            return None
        return self.root / digest[:2] / digest

    def has(self, digest: str) -> bool:
        path = self.path(digest)
        return path is not None and path.is_file()

    def put(self, data: bytes) -> str:
        """Keep `data`; returns its hash. Writing bytes already kept changes nothing."""
        digest = content_hash(data)
        path = self.path(digest)
        assert path is not None
        if path.is_file():
            return digest
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".part-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return digest

    def read(self, digest: str) -> bytes | None:
        """The bytes of `digest`, or None when the store does not have them."""
        path = self.path(digest)
        if path is None or not path.is_file():
            return None
        return path.read_bytes()
