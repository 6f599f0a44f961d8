"""Subscriptions, their link tokens, what each was sent, and rate-limit counters: one SQLite file in the data
dir. Web workers and the indexer share it: WAL (readers never wait for the writer), short write transactions
that take the lock up front (BEGIN IMMEDIATE), and a busy timeout instead of errors when two meet."""

from __future__ import annotations

import hmac
import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS subscriptions (
    id          INTEGER PRIMARY KEY,
    address     TEXT NOT NULL,
    address_key TEXT NOT NULL,           -- alerts.address.address_key: duplicates and limits count by it
    search      TEXT NOT NULL,           -- alerts.search.canonical: the results page's URL parameters
    state       TEXT NOT NULL CHECK (state IN ('pending', 'active', 'unsubscribed')),
    created     TEXT NOT NULL,           -- times: UTC, ISO 8601
    confirmed   TEXT,
    ended       TEXT,
    last_sent   TEXT,
    newest      TEXT,                    -- newest publication day seen (ISO date): alerts.digest counts from it
    baselined   INTEGER NOT NULL DEFAULT 0,
    UNIQUE (address_key, search)
);
CREATE TABLE IF NOT EXISTS tokens (
    hash         TEXT PRIMARY KEY,       -- sha256 of the token: the token itself is only in the message
    subscription INTEGER NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
    purpose      TEXT NOT NULL CHECK (purpose IN ('confirm', 'unsubscribe')),
    created      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS tokens_subscription ON tokens(subscription);
CREATE TABLE IF NOT EXISTS seen (
    subscription INTEGER NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
    article      TEXT NOT NULL,
    day          TEXT NOT NULL,          -- its publication day: rows older than the digest's horizon are dropped
    how          TEXT NOT NULL CHECK (how IN ('baseline', 'sent', 'skipped')),
    at           TEXT NOT NULL,
    PRIMARY KEY (subscription, article)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS requests (
    key TEXT NOT NULL,                   -- sha256 of 'ip:…' or 'to:…': counted, never read back
    at  REAL NOT NULL                    -- Unix time
);
CREATE INDEX IF NOT EXISTS requests_key ON requests(key, at);
CREATE INDEX IF NOT EXISTS requests_at ON requests(at);
"""

LIVE = ("pending", "active")


@dataclass
class Subscription:
    id: int
    address: str
    params: dict[str, str]
    state: str
    created: str
    confirmed: str | None
    ended: str | None
    last_sent: str | None
    newest: str | None
    baselined: bool


@dataclass
class SeenRow:
    article: str
    day: str
    how: str


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


class Store:
    """One connection; open one per request or job (opening costs well under a millisecond)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(path, timeout=10.0, isolation_level=None)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("PRAGMA foreign_keys=ON")
        self.conn.executescript(SCHEMA)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Takes the write lock at once, so a read-then-write (a rate-limit count) cannot race another worker."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # -- reading -------------------------------------------------------------------------------------
    def get(self, sub_id: int) -> Subscription | None:
        row = self.conn.execute("SELECT * FROM subscriptions WHERE id = ?", (sub_id,)).fetchone()
        return _subscription(row) if row else None

    def find(self, key: str, search: str) -> Subscription | None:
        row = self.conn.execute("SELECT * FROM subscriptions WHERE address_key = ? AND search = ?",
                                (key, search)).fetchone()
        return _subscription(row) if row else None

    def all(self) -> list[Subscription]:
        return [_subscription(r) for r in self.conn.execute("SELECT * FROM subscriptions ORDER BY id")]

    def active(self) -> list[Subscription]:
        rows = self.conn.execute("SELECT * FROM subscriptions WHERE state = 'active' ORDER BY id")
        return [_subscription(r) for r in rows]

    def live_count(self, key: str) -> int:
        return self.conn.execute("SELECT count(*) FROM subscriptions WHERE address_key = ? AND state IN (?, ?)",
                                 (key, *LIVE)).fetchone()[0]

    def by_token(self, digest: str, purpose: str) -> tuple[Subscription, str] | None:
        """The subscription a token hash opens, and when the token was made."""
        row = self.conn.execute("SELECT s.*, t.hash AS token_hash, t.created AS token_created FROM tokens t "
                                "JOIN subscriptions s ON s.id = t.subscription WHERE t.hash = ? AND t.purpose = ?",
                                (digest, purpose)).fetchone()
        # the lookup is by an index; the comparison that decides is constant-time all the same
        if row is None or not hmac.compare_digest(row["token_hash"], digest):
            return None
        return _subscription(row), row["token_created"]

    def seen(self, sub_id: int) -> dict[str, SeenRow]:
        rows = self.conn.execute("SELECT article, day, how FROM seen WHERE subscription = ?", (sub_id,))
        return {r["article"]: SeenRow(r["article"], r["day"], r["how"]) for r in rows}

    def tokens(self, sub_id: int) -> list[dict[str, str]]:
        rows = self.conn.execute("SELECT hash, purpose, created FROM tokens WHERE subscription = ? ORDER BY created",
                                 (sub_id,))
        return [dict(r) for r in rows]

    # -- writing (callers hold a transaction) --------------------------------------------------------
    def insert(self, address: str, key: str, search: str, now: datetime) -> int:
        cur = self.conn.execute("INSERT INTO subscriptions (address, address_key, search, state, created) "
                                "VALUES (?, ?, ?, 'pending', ?)", (address, key, search, iso(now)))
        return int(cur.lastrowid or 0)

    def restart(self, sub_id: int, address: str, now: datetime) -> None:
        """An unsubscribed search asked for again: pending anew, counting from a fresh baseline."""
        self.conn.execute("UPDATE subscriptions SET state = 'pending', address = ?, created = ?, confirmed = NULL, "
                          "ended = NULL, newest = NULL, baselined = 0 WHERE id = ?", (address, iso(now), sub_id))
        self.conn.execute("DELETE FROM seen WHERE subscription = ?", (sub_id,))
        self.conn.execute("DELETE FROM tokens WHERE subscription = ?", (sub_id,))

    def add_token(self, sub_id: int, digest: str, purpose: str, now: datetime) -> None:
        self.conn.execute("INSERT INTO tokens (hash, subscription, purpose, created) VALUES (?, ?, ?, ?)",
                          (digest, sub_id, purpose, iso(now)))

    def set_state(self, sub_id: int, state: str, now: datetime) -> None:
        column = "confirmed" if state == "active" else "ended"
        self.conn.execute(f"UPDATE subscriptions SET state = ?, {column} = ? WHERE id = ?", (state, iso(now), sub_id))

    def record_seen(self, sub_id: int, rows: Iterable[SeenRow], now: datetime) -> None:
        self.conn.executemany("INSERT OR IGNORE INTO seen (subscription, article, day, how, at) VALUES (?, ?, ?, ?, ?)",
                              [(sub_id, r.article, r.day, r.how, iso(now)) for r in rows])

    def advance(self, sub_id: int, newest: str | None, horizon: str | None, *, sent: datetime | None = None) -> None:
        """After a run: the newest day seen, the baseline done, and the rows below the next horizon dropped
        (the next run stops before reaching them, so they can never matter again)."""
        self.conn.execute("UPDATE subscriptions SET newest = ?, baselined = 1, last_sent = coalesce(?, last_sent) "
                          "WHERE id = ?", (newest, iso(sent) if sent else None, sub_id))
        if horizon:
            self.conn.execute("DELETE FROM seen WHERE subscription = ? AND day < ?", (sub_id, horizon))

    def prune(self, pending_before: datetime) -> tuple[int, int]:
        """Drop what is no longer a subscription: unconfirmed ones made before `pending_before`, and every
        unsubscribed one (its tokens and sent list go with it)."""
        pending = self.conn.execute("DELETE FROM subscriptions WHERE state = 'pending' AND created < ?",
                                    (iso(pending_before),)).rowcount
        ended = self.conn.execute("DELETE FROM subscriptions WHERE state = 'unsubscribed'").rowcount
        return pending, ended

    def add_request(self, key: str, at: float) -> None:
        self.conn.execute("INSERT INTO requests (key, at) VALUES (?, ?)", (key, at))

    def request_count(self, key: str, since: float) -> int:
        return self.conn.execute("SELECT count(*) FROM requests WHERE key = ? AND at >= ?", (key, since)).fetchone()[0]

    def forget_requests(self, before: float) -> None:
        self.conn.execute("DELETE FROM requests WHERE at < ?", (before,))

    # -- export and import ---------------------------------------------------------------------------
    def dump(self, sub: Subscription) -> dict[str, Any]:
        """One subscription whole: its seen list and token hashes too, so links keep working after an import
        and nothing is sent twice."""
        return {"address": sub.address, "search": sub.params, "state": sub.state, "created": sub.created,
                "confirmed": sub.confirmed, "ended": sub.ended, "last_sent": sub.last_sent, "newest": sub.newest,
                "baselined": sub.baselined,
                "seen": [[r.article, r.day, r.how] for r in self.seen(sub.id).values()],
                "tokens": self.tokens(sub.id)}

    def load(self, record: dict[str, Any], key: str, search: str) -> bool:
        """Add a dumped subscription; False when the address already has that search."""
        if self.find(key, search) is not None:
            return False
        cur = self.conn.execute(
            "INSERT INTO subscriptions (address, address_key, search, state, created, confirmed, ended, last_sent, "
            "newest, baselined) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (record["address"], key, search, record["state"], record["created"], record.get("confirmed"),
             record.get("ended"), record.get("last_sent"), record.get("newest"), int(bool(record.get("baselined")))))
        sub_id = cur.lastrowid
        self.conn.executemany("INSERT OR IGNORE INTO seen (subscription, article, day, how, at) "
                              "VALUES (?, ?, ?, ?, ?)",
                              [(sub_id, a, d, h, record["created"]) for a, d, h in record.get("seen") or []])
        self.conn.executemany("INSERT OR IGNORE INTO tokens (hash, subscription, purpose, created) VALUES (?, ?, ?, ?)",
                              [(t["hash"], sub_id, t["purpose"], t["created"]) for t in record.get("tokens") or []])
        return True


def _subscription(row: sqlite3.Row) -> Subscription:
    return Subscription(id=row["id"], address=row["address"], params=json.loads(row["search"]), state=row["state"],
                        created=row["created"], confirmed=row["confirmed"], ended=row["ended"],
                        last_sent=row["last_sent"], newest=row["newest"], baselined=bool(row["baselined"]))
