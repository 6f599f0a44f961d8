"""The archive: one SQLite table of every article ever collected, the source of truth for the index.

Also owns JSON Lines import/export, since that format is the archive's own.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, TextIO

VIETNAM_TZ = timezone(timedelta(hours=7))

SCHEMA_VERSION = 1

# Articles that may have scanned pages waiting for OCR: a query must use this very condition for SQLite to
# answer it from the partial index `articles_ocr_pending`.
OCR_PENDING = "attachments LIKE '%\"ocr_pending\"%'"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id            TEXT PRIMARY KEY,
    url           TEXT,
    site          TEXT,
    title         TEXT NOT NULL DEFAULT '',
    published     TEXT,            -- ISO date, or datetime with its +07:00 offset
    department    TEXT,
    category      TEXT,
    body          TEXT NOT NULL,
    attachments   TEXT NOT NULL DEFAULT '[]',  -- JSON list of attachment entries (ATTACHMENT_KEYS)
    extra         TEXT NOT NULL DEFAULT '{}',  -- JSON object: other import keys, raw department line...
    content_hash  TEXT NOT NULL,   -- what the indexer compares to find changed articles
    first_seen    TEXT NOT NULL,
    last_fetched  TEXT NOT NULL,
    etag          TEXT,            -- for conditional re-fetches
    last_modified TEXT
);
CREATE INDEX IF NOT EXISTS articles_url ON articles(url);
-- every id with its content hash, which `tracuu index` reads on every run, without reading the bodies
CREATE INDEX IF NOT EXISTS articles_hash ON articles(id, content_hash);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
-- the articles with scanned pages waiting for OCR, found without reading every row
CREATE INDEX IF NOT EXISTS articles_ocr_pending ON articles(published, id) WHERE """ + OCR_PENDING + ";\n"

_COLUMNS = ("id", "url", "site", "title", "published", "department", "category", "body", "attachments", "extra")

# An attachment entry: the link ("url", "title") and, once fetched and read, what the file held. "text" is the
# extracted text, pages separated by form feeds ("\f", as pdftotext writes them), so export and import keep page
# numbers; "method" says how it was read (text-layer, ocr, converter, spreadsheet, import); "ocr_pending" lists
# the pages (from 1) still to read by OCR. Other keys are kept as they come.
ATTACHMENT_KEYS = {"url": str, "title": str, "type": str, "size": int, "hash": str, "text": str, "method": str,
                   "pages": int, "error": str, "ocr_pending": list}
PAGE_BREAK = "\f"
_KNOWN_KEYS = {"id", "url", "site", "title", "published", "department", "category", "body", "attachments"}


class ArchiveError(Exception):
    """A problem with the archive file or with a record offered to it."""


def nfc(text: str | None) -> str | None:
    """Vietnamese text is stored NFC: real pages mix NFD fragments that would never match."""
    return unicodedata.normalize("NFC", text) if text is not None else None


def now_iso() -> str:
    return datetime.now(VIETNAM_TZ).isoformat(timespec="seconds")


def normalize_published(value: Any) -> str | None:
    """Return an ISO date, or an ISO datetime carrying an offset (naive times are Vietnam time).

    Raises ValueError for anything that is not an ISO date or datetime.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        return value.isoformat()
    elif isinstance(value, str):
        text = value.strip()
        if len(text) == 10:
            return date.fromisoformat(text).isoformat()
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    else:
        raise ValueError(f"published must be an ISO date string, not {type(value).__name__}")
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=VIETNAM_TZ)
    return dt.astimezone(VIETNAM_TZ).isoformat(timespec="seconds")


@dataclass
class Article:
    """One archived article, in the names of the import format and the JSON API."""

    id: str
    body: str
    url: str | None = None
    title: str = ""
    published: str | None = None
    department: str | None = None
    category: str | None = None
    site: str | None = None
    attachments: list[dict[str, Any]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.title = nfc(self.title or "") or ""
        self.body = nfc(self.body) or ""
        self.department = nfc(self.department) or None
        self.category = nfc(self.category) or None
        self.published = normalize_published(self.published)

    @property
    def year(self) -> int | None:
        return int(self.published[:4]) if self.published else None

    @property
    def content_hash(self) -> str:
        """Hash of everything the index shows, so any visible change re-indexes the article."""
        payload = json.dumps(
            [self.url, self.title, self.published, self.department, self.category, self.site,
             self.body, self.attachments],
            ensure_ascii=False,
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]

    def to_record(self) -> dict[str, Any]:
        """The import/export format: known keys first, then the kept extra keys."""
        record: dict[str, Any] = {
            "id": self.id, "url": self.url, "title": self.title, "published": self.published,
            "department": self.department, "category": self.category, "site": self.site,
            "body": self.body, "attachments": self.attachments,
        }
        for key, value in self.extra.items():
            record.setdefault(key, value)
        return record

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Article:
        """Build from an import line; raises ArchiveError saying which field is wrong."""
        if not isinstance(record, dict):
            raise ArchiveError("line is not a JSON object")
        body = record.get("body")
        if not isinstance(body, str) or not body.strip():
            raise ArchiveError("missing 'body' (required, non-empty text)")
        art_id = record.get("id") or record.get("url")
        if not isinstance(art_id, str) or not art_id.strip():
            raise ArchiveError("missing 'id' and 'url' (one is required to identify the article)")
        for key in ("url", "title", "department", "category", "site"):
            if record.get(key) is not None and not isinstance(record[key], str):
                raise ArchiveError(f"'{key}' must be text, got {type(record[key]).__name__}")
        attachments = record.get("attachments") or []
        if not isinstance(attachments, list):
            raise ArchiveError("'attachments' must be a list")
        norm_att = [normalize_attachment(att) for att in attachments]
        try:
            published = normalize_published(record.get("published"))
        except (ValueError, TypeError) as exc:
            raise ArchiveError(f"'published' is not an ISO date or datetime: {record.get('published')!r}") from exc
        extra = {k: v for k, v in record.items() if k not in _KNOWN_KEYS}
        return cls(
            id=art_id.strip(), url=record.get("url"), title=record.get("title") or "", body=body,
            published=published, department=record.get("department"), category=record.get("category"),
            site=record.get("site"), attachments=norm_att, extra=extra,
        )


def normalize_attachment(att: Any) -> dict[str, Any]:
    """One attachment of an import line: a URL, or an object with "url" and any of ATTACHMENT_KEYS (checked
    for type; text NFC). Raises ArchiveError naming what is wrong."""
    if isinstance(att, str):
        return {"url": att, "title": ""}
    if not isinstance(att, dict) or not isinstance(att.get("url"), str):
        raise ArchiveError("each attachment must be a URL or an object with 'url'")
    out = {key: value for key, value in att.items() if value is not None}
    out["title"] = nfc(str(att.get("title") or "")) or ""
    for key, kind in ATTACHMENT_KEYS.items():
        value = out.get(key)
        if value is not None and (not isinstance(value, kind) or (kind is int and isinstance(value, bool))):
            raise ArchiveError(f"attachment '{key}' must be {kind.__name__}, got {type(value).__name__}")
    if "text" in out:
        out["text"] = nfc(out["text"])
        out.setdefault("method", "import")
    return out


def attachment_pages(att: dict[str, Any]) -> list[str]:
    """The text of an attachment page by page (page 1 first); empty when nothing was read."""
    text = att.get("text") or ""
    return text.split(PAGE_BREAK) if text else []


@dataclass
class FetchInfo:
    """What the crawler remembers about a URL it stored, for conditional GETs."""

    id: str
    content_hash: str
    etag: str | None
    last_modified: str | None
    last_fetched: str


@dataclass
class ImportStats:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


class Archive:
    """The SQLite archive. One connection per instance; use one instance per thread.

    `readonly`: for the web app's workers, which only read articles: no schema statements and no journal
    pragma (a reader must not take the write lock a crawl or an import holds), and a write is refused.
    """

    def __init__(self, path: Path | str, *, readonly: bool = False) -> None:
        self.path = Path(path)
        try:
            if readonly:
                if not self.path.is_file():
                    raise ArchiveError(f"Cannot open archive '{self.path}': no such file")
                self.conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.conn = sqlite3.connect(self.path, timeout=30)
                self.conn.execute("PRAGMA journal_mode=WAL")
                self.conn.execute("PRAGMA synchronous=NORMAL")
                self.conn.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise ArchiveError(f"Cannot open archive '{self.path}': {exc}") from exc
        self.conn.row_factory = sqlite3.Row

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing -----------------------------------------------------------------------------
    def upsert(self, article: Article, *, etag: str | None = None, last_modified: str | None = None,
               commit: bool = True) -> str:
        """Add or update one article; returns 'new', 'updated' or 'unchanged'.

        An unchanged article keeps its row (only fetch bookkeeping moves), so the indexer skips it.
        """
        new_hash = article.content_hash
        now = now_iso()
        row = self.conn.execute("SELECT content_hash FROM articles WHERE id = ?", (article.id,)).fetchone()
        values = (
            article.url, article.site, article.title, article.published, article.department,
            article.category, article.body, json.dumps(article.attachments, ensure_ascii=False),
            json.dumps(article.extra, ensure_ascii=False), new_hash,
        )
        if row is None:
            self.conn.execute(
                "INSERT INTO articles (url, site, title, published, department, category, body, attachments,"
                " extra, content_hash, id, first_seen, last_fetched, etag, last_modified)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (*values, article.id, now, now, etag, last_modified),
            )
            status = "new"
        elif row["content_hash"] != new_hash:
            self.conn.execute(
                "UPDATE articles SET url=?, site=?, title=?, published=?, department=?, category=?, body=?,"
                " attachments=?, extra=?, content_hash=?, last_fetched=?, etag=?, last_modified=? WHERE id=?",
                (*values, now, etag, last_modified, article.id),
            )
            status = "updated"
        else:
            self.touch(article.id, etag=etag, last_modified=last_modified, commit=False)
            status = "unchanged"
        if commit:
            self.conn.commit()
        return status

    def touch(self, article_id: str, *, etag: str | None = None, last_modified: str | None = None,
              commit: bool = True) -> None:
        """Record a fetch that found nothing new (a 304 or the same body)."""
        self.conn.execute(
            "UPDATE articles SET last_fetched=?, etag=COALESCE(?, etag),"
            " last_modified=COALESCE(?, last_modified) WHERE id=?",
            (now_iso(), etag, last_modified, article_id),
        )
        if commit:
            self.conn.commit()

    def replace_attachments(self, article_id: str, attachments: list[dict[str, Any]], *,
                            expected_hash: str) -> str | None:
        """Store new attachment entries (pages read by OCR) and the content hash they make; returns that hash.

        Unlike `upsert` it keeps etag, last_modified and last_fetched: this is no fetch, and losing them would
        make the next crawl download the post again. None, with nothing written, when the article is gone or no
        longer hashes to `expected_hash` (a crawl rewrote it since the caller read it).
        """
        self.conn.commit()  # this connection's own pending writes first: BEGIN needs no open transaction
        self.conn.execute("BEGIN IMMEDIATE")  # the check and the write in one transaction: no crawl slips between
        try:
            article = self.get(article_id)
            if article is None or article.content_hash != expected_hash:
                self.conn.rollback()
                return None
            article.attachments = attachments
            self.conn.execute("UPDATE articles SET attachments=?, content_hash=? WHERE id=?",
                              (json.dumps(attachments, ensure_ascii=False), article.content_hash, article_id))
            self.conn.commit()
        except BaseException:
            self.conn.rollback()
            raise
        return article.content_hash

    def delete(self, article_id: str) -> bool:
        cur = self.conn.execute("DELETE FROM articles WHERE id = ?", (article_id,))
        self.conn.commit()
        return cur.rowcount > 0

    def commit(self) -> None:
        self.conn.commit()

    # -- reading -----------------------------------------------------------------------------
    def _article(self, row: sqlite3.Row) -> Article:
        art = Article(
            id=row["id"], url=row["url"], site=row["site"], title=row["title"], body=row["body"],
            published=row["published"], department=row["department"], category=row["category"],
            attachments=json.loads(row["attachments"]), extra=json.loads(row["extra"]),
        )
        return art

    def get(self, article_id: str) -> Article | None:
        row = self.conn.execute(f"SELECT {', '.join(_COLUMNS)} FROM articles WHERE id = ?",
                                (article_id,)).fetchone()
        return self._article(row) if row else None

    def get_many(self, ids: Iterable[str]) -> dict[str, Article]:
        """Fetch several articles at once (the webapp's snippets), keyed by id."""
        ids = list(ids)
        out: dict[str, Article] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(
                f"SELECT {', '.join(_COLUMNS)} FROM articles WHERE id IN ({marks})", chunk
            ):
                out[row["id"]] = self._article(row)
        return out

    def iter_by_ids(self, ids: list[str], batch: int = 500) -> Iterator[Article]:
        """The articles of `ids` that exist, in that order, a batch in memory at a time (an import may
        change 100 000 of them)."""
        for start in range(0, len(ids), batch):
            chunk = ids[start:start + batch]
            found = self.get_many(chunk)
            yield from (found[i] for i in chunk if i in found)

    def fetch_info(self, url: str) -> FetchInfo | None:
        """Conditional-request data for a URL (matched on id first, then url)."""
        row = self.conn.execute(
            "SELECT id, content_hash, etag, last_modified, last_fetched FROM articles"
            " WHERE id = ? OR url = ? LIMIT 1", (url, url),
        ).fetchone()
        return FetchInfo(**dict(row)) if row else None

    def iter_articles(self, batch: int = 500) -> Iterator[Article]:
        cur = self.conn.execute(f"SELECT {', '.join(_COLUMNS)} FROM articles ORDER BY published, id")
        while rows := cur.fetchmany(batch):
            yield from (self._article(r) for r in rows)

    def hashes(self) -> dict[str, str]:
        """Every id with its content hash: what the indexer diffs against the index."""
        cursor = self.conn.cursor()
        cursor.row_factory = None  # plain tuples: 100 000 rows build a dict directly
        return dict(cursor.execute("SELECT id, content_hash FROM articles").fetchall())

    def count(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]

    def data_version(self) -> int:
        """A number that differs from this connection's last answer when another connection has committed to
        the archive since (SQLite's `PRAGMA data_version`): a change noticed without reading a row."""
        return self.conn.execute("PRAGMA data_version").fetchone()[0]


def import_archive(archive: Archive, lines: TextIO | Iterable[str]) -> ImportStats:
    """Load JSON Lines into the archive; a bad line is recorded with its number and skipped."""
    stats = ImportStats()
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            article = Article.from_record(record)
        except json.JSONDecodeError as exc:
            stats.errors.append((lineno, f"not valid JSON ({exc.msg} at column {exc.colno})"))
            continue
        except ArchiveError as exc:
            stats.errors.append((lineno, str(exc)))
            continue
        status = archive.upsert(article, commit=False)
        setattr(stats, status, getattr(stats, status) + 1)
        if lineno % 1000 == 0:
            archive.commit()
    archive.commit()
    return stats


def export_archive(archive: Archive) -> Iterator[str]:
    """Every article as one JSON line (no trailing newline), in the import format."""
    for article in archive.iter_articles():
        yield json.dumps(article.to_record(), ensure_ascii=False)
