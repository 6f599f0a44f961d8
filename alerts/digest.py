"""What newly matches each subscription, and the digests that say so, once per article and subscription.

"Newly" without keeping every match: a subscription remembers the newest publication day it has seen
(`newest`) and the ids it has seen down to a horizon GRACE_DAYS below that day. A run searches newest first,
page by page, and stops at the horizon: whatever it meets there that it has not seen is new. The grace lets in
posts crawled late or dated earlier than one already seen (same day, date without a time); older posts that
arrive now (a new site's back catalogue) are not news and are not sent. Undated articles sort last and are
never sent. At confirmation the walk records the baseline: what matches then is seen, never sent.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from alerts.config import AlertsConfig
from alerts.errors import MailError, SendBusy
from alerts.mail import Mailer, digest_message
from alerts.search import newest_request
from alerts.store import SeenRow, Store, Subscription
from alerts.tokens import new_token, token_hash
from archive import VIETNAM_TZ
from indexer.engine import SearchEngine, SearchHit

try:
    import fcntl
except ImportError:  # not Unix: runs are not guarded against each other
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger("tracuu.alerts")

DIGEST_CAP = 50   # articles listed in one digest; more are counted, with a link to the search
WALK_CAP = 1000   # matches one run looks at per subscription (newest first); a busier search loses the rest
GRACE_DAYS = 14   # how much older than the newest seen day a new post may be and still be sent
PAGE = 100


@dataclass
class Found:
    """A walk's outcome: the unseen matches (newest first), and the newest day met (capped at today)."""

    new: list[SearchHit]
    newest: str | None
    horizon: str | None


@dataclass
class Planned:
    subscription: Subscription
    hits: list[SearchHit]   # listed in the digest
    more: int               # new past DIGEST_CAP: counted, not listed
    baseline: bool          # a baseline to record, nothing to send


@dataclass
class Report:
    digests: int = 0
    articles: int = 0
    baselines: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    planned: list[Planned] = field(default_factory=list)


def today() -> date:
    return datetime.now(VIETNAM_TZ).date()


def _horizon(newest: str | None, on: date) -> str | None:
    if newest is None:
        return None
    return (min(date.fromisoformat(newest), on) - timedelta(days=GRACE_DAYS)).isoformat()


def find_new(engine: SearchEngine, params: dict[str, str], seen: set[str], newest: str | None, on: date) -> Found:
    """Walk the search newest first down to the horizon (from `newest`, or from the first match when there
    is none yet) and collect what `seen` lacks. An answer the engine had to bend (a spelling correction, a
    partial match, a query of punctuation) matches nothing: those are not the search the person asked for."""
    horizon = _horizon(newest, on)
    top = newest
    new: list[SearchHit] = []
    walked, page = 0, 1
    while walked < WALK_CAP:
        response = engine.search(newest_request(params, page, PAGE))
        if response.notice or response.error:
            break
        for hit in response.results:
            day = (hit.published or "")[:10]
            if horizon is None and day:
                horizon = _horizon(day, on)
            if not day or (horizon is not None and day < horizon) or walked >= WALK_CAP:
                return Found(new, _capped(top, on), horizon)
            walked += 1
            top = max(top or day, day)
            if hit.id not in seen:
                new.append(hit)
        if len(response.results) < PAGE:
            break
        page += 1
    return Found(new, _capped(top, on), horizon)


def _capped(day: str | None, on: date) -> str | None:
    """A post dated in the future must not move the horizon past today's posts."""
    return min(day, on.isoformat()) if day else None


def record_baseline(store: Store, engine: SearchEngine, sub: Subscription, now: datetime) -> int:
    """What matches now is seen: it will never be sent. Returns how many matches that is."""
    on = today()
    found = find_new(engine, sub.params, set(), None, on)
    _keep_baseline(store, sub, found, now, on)
    return len(found.new)


def _keep_baseline(store: Store, sub: Subscription, found: Found, now: datetime, on: date) -> None:
    with store.transaction():
        store.record_seen(sub.id, [_row(h, "baseline") for h in found.new], now)
        store.advance(sub.id, found.newest, _horizon(found.newest, on))


@contextmanager
def sending(config: AlertsConfig) -> Iterator[None]:
    """One run at a time (the index hook and a cron job could meet): two would send the same digest twice."""
    if fcntl is None:
        yield
        return
    config.lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(config.lock_path, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SendBusy("Another 'tracuu alerts send' (or index job) is sending digests now; "
                           "this run sent nothing.") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def send_digests(config: AlertsConfig, engine: SearchEngine, *, dry_run: bool = False,
                 now: datetime | None = None) -> Report:
    """Find and send every active subscription's digest. A dry run plans and reports, and changes nothing:
    no message, no record, no baseline. A failed message records nothing, so its articles come back next run;
    when the server itself fails, the run stops there (the rest would fail too)."""
    now = now or datetime.now(UTC)
    on = today()
    report = Report()
    with sending(config), Store(config.db_path) as store, Mailer(config) as mailer:
        for sub in store.active():
            seen = set(store.seen(sub.id))
            found = find_new(engine, sub.params, seen, sub.newest, on)
            if not sub.baselined:  # confirmed while the web app could not search: the baseline is now
                report.planned.append(Planned(sub, found.new, 0, baseline=True))
                if not dry_run:
                    _keep_baseline(store, sub, found, now, on)
                    report.baselines += 1
                continue
            listed, rest = found.new[:DIGEST_CAP], found.new[DIGEST_CAP:]
            if listed:
                report.planned.append(Planned(sub, listed, len(rest), baseline=False))
            if dry_run:
                continue
            if not listed:
                with store.transaction():
                    store.advance(sub.id, found.newest, _horizon(found.newest, on))
                continue
            token = new_token()
            try:
                mailer.send(digest_message(config, sub.address, sub.params, listed, len(rest), token))
            except MailError as exc:
                report.failed += 1
                report.errors.append(str(exc))
                log.error("digest #%d not sent (its articles are retried next run): %s", sub.id, exc)
                if exc.fatal:
                    break
                continue
            with store.transaction():
                store.add_token(sub.id, token_hash(token), "unsubscribe", now)
                store.record_seen(sub.id, [_row(h, "sent") for h in listed] + [_row(h, "skipped") for h in rest], now)
                store.advance(sub.id, found.newest, _horizon(found.newest, on), sent=now)
            report.digests += 1
            report.articles += len(listed)
    return report


def _row(hit: SearchHit, how: str) -> SeenRow:
    return SeenRow(hit.id, (hit.published or "")[:10], how)
