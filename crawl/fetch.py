"""Polite HTTP fetching: robots.txt, one request at a time per host with a delay, retries, size and type caps.

Every request the crawler makes goes through `Fetcher.get`, so no code path can skip the rules.
"""

from __future__ import annotations

import codecs
import logging
import random
import re
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import charset_normalizer
import httpx
from protego import Protego

from crawl.urls import absolute_url, host_allowed, host_of

log = logging.getLogger(__name__)

HTML_TYPES = ("text/html", "application/xhtml+xml")
XML_TYPES = ("text/xml", "application/xml", "text/plain", "application/x-gzip")
RETRY_STATUSES = {500, 502, 503, 504}
MAX_REDIRECTS = 5
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE)


@dataclass
class FetchResult:
    """One URL's outcome. ``error`` says why there is no usable body (refused, failed, skipped)."""

    url: str
    final_url: str
    status: int = 0
    content_type: str | None = None
    content: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None
    skipped: bool = False  # refused by a rule (robots, host, type, size), not a failure of the site
    requests: int = 0
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error is None and self.status == 200

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    def text(self, encoding: str | None = None) -> str:
        """The body decoded (see `decode_html`)."""
        return decode_html(self.content, self.content_type, encoding)


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None


def _header_charset(content_type: str | None) -> str | None:
    match = re.search(r"charset\s*=\s*[\"']?([^\s;\"']+)", content_type or "", re.IGNORECASE)
    return match.group(1) if match else None


def decode_html(content: bytes, content_type: str | None = None, override: str | None = None) -> str:
    """Decode page bytes and NFC-normalise them.

    Order: the profile's override, the HTTP header, a BOM, the page's <meta>, detection, then UTF-8
    with replacement. A declared encoding that cannot decode the bytes is skipped, since agency servers
    often send a default charset header for pages written in another one.
    """
    candidates: list[str | None] = [override, _header_charset(content_type)]
    if content.startswith(codecs.BOM_UTF8):
        candidates.insert(1, "utf-8-sig")
    meta = _META_CHARSET.search(content[:4096])
    candidates.append(meta.group(1).decode("ascii", "ignore") if meta else None)
    for name in candidates:
        codec = _codec(name)
        if codec is None:
            continue
        if codec in ("latin-1", "iso8859-1", "cp1252") and name != override:
            continue  # a server default; Vietnamese cannot be written in these, so look further
        try:
            text = content.decode(codec)
            break
        except UnicodeDecodeError:
            log.debug("declared encoding %s does not decode the page; trying the next", name)
    else:
        best = charset_normalizer.from_bytes(content).best()
        text = str(best) if best is not None else content.decode("utf-8", errors="replace")
    return unicodedata.normalize("NFC", text)


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header: a number or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _type_ok(content_type: str | None, accept: tuple[str, ...] | None) -> bool:
    if accept is None or not content_type:
        return True
    mime = content_type.split(";")[0].strip().lower()
    return mime in accept


# Stand-ins for a robots.txt that could not be used: absent (4xx) allows everything; unreachable
# (5xx, network error, over the size cap) forbids everything for this run, as RFC 9309 asks.
_ALLOW_ALL = ""
_DISALLOW_ALL = "User-agent: *\nDisallow: /\n"


def product_token(user_agent: str) -> str:
    """The name robots.txt groups are matched against: "tracuu" of "tracuu/0.1 (+https://...)".

    Matching the whole header would let a group for a word in our contact URL apply to us.
    """
    return re.split(r"[/\s]", user_agent.strip(), maxsplit=1)[0]


class Fetcher:
    """Fetch URLs one at a time, waiting per host, obeying robots.txt, with retries and caps.

    The delay for a host is the largest of: the global minimum, the site profile's delay, and the
    robots.txt Crawl-delay. A 429/503 doubles it for the rest of the run (scrapy's AutoThrottle idea).
    """

    def __init__(self, user_agent: str, *, min_delay: float = 1.0, timeout: float = 20.0,
                 max_bytes: int = 5_000_000, retries: int = 2, backoff: float = 1.0,
                 max_retry_after: float = 300.0, jitter: float = 0.2,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep,
                 transport: httpx.BaseTransport | None = None) -> None:
        if not user_agent.strip():
            raise ValueError("a User-Agent is required (name the project and a contact)")
        self.user_agent = user_agent
        self.min_delay = max(0.0, min_delay)
        self.max_bytes = max_bytes
        self.retries = retries
        self.backoff = backoff
        self.max_retry_after = max_retry_after
        self.jitter = jitter
        # injectable so tests can check waits exactly without waiting; clock must be monotonic
        self.clock = clock
        self.sleep = sleep
        self.robots_agent = product_token(user_agent)
        self.requests = 0
        self._client = httpx.Client(headers={"User-Agent": user_agent}, timeout=timeout,
                                    follow_redirects=False, transport=transport)
        self._host_delay: dict[str, float] = {}
        self._next_ok: dict[str, float] = {}  # host -> monotonic time of the earliest next request
        self._robots: dict[str, Protego] = {}

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- politeness ---------------------------------------------------------------------------
    def set_delay(self, host: str, delay: float | None) -> None:
        """A site's own delay: it may lengthen the global minimum, never shorten it."""
        self._host_delay[host] = max(self.min_delay, delay or 0.0, self._host_delay.get(host, 0.0))

    def delay_for(self, host: str) -> float:
        return max(self.min_delay, self._host_delay.get(host, 0.0))

    def _wait_turn(self, host: str) -> None:
        wait = self._next_ok.get(host, 0.0) - self.clock()
        if wait > 0:
            self.sleep(wait)

    def _done(self, host: str, extra_wait: float = 0.0) -> None:
        delay = self.delay_for(host)
        delay += random.uniform(0, self.jitter * delay) if delay else 0.0
        self._next_ok[host] = self.clock() + max(delay, extra_wait)

    def robots(self, url: str) -> Protego:
        """The parsed robots.txt of the URL's origin, fetched once per run.

        Protego follows Google's reading (RFC 9309): `*` and `$` in paths, the longest matching rule
        wins with Allow winning a tie, and a fractional Crawl-delay.
        """
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        parser = self._robots.get(origin)
        if parser is not None:
            return parser
        result = self._get(origin + "/robots.txt", accept=None, allowed_hosts=None, follow=True)
        if result.ok:
            parser = Protego.parse(result.text())
        elif 400 <= result.status < 500:
            parser = Protego.parse(_ALLOW_ALL)
        else:
            log.warning("robots.txt of %s unreachable (%s); not crawling it this run", origin,
                        result.error or result.status)
            parser = Protego.parse(_DISALLOW_ALL)
        crawl_delay = parser.crawl_delay(self.robots_agent)
        if crawl_delay:
            host = host_of(url)
            self._host_delay[host] = max(self._host_delay.get(host, 0.0), float(crawl_delay))
            self._done(host)  # the robots.txt request itself already counts
            log.info("%s asks for a Crawl-delay of %s s", origin, crawl_delay)
        self._robots[origin] = parser
        return parser

    def allowed(self, url: str) -> bool:
        return self.robots(url).can_fetch(url, self.robots_agent)

    def sitemaps(self, url: str) -> list[str]:
        """Sitemap URLs announced in the origin's robots.txt."""
        return list(self.robots(url).sitemaps)

    # -- fetching -----------------------------------------------------------------------------
    def get(self, url: str, *, allowed_hosts: tuple[str, ...] | None = None, etag: str | None = None,
            last_modified: str | None = None, accept: tuple[str, ...] | None = HTML_TYPES,
            max_bytes: int | None = None) -> FetchResult:
        """Fetch one URL under every rule; conditional when etag/last_modified are given.

        `max_bytes` replaces the Fetcher's cap for this call (attached files have a cap of their own).
        """
        if allowed_hosts is not None and not host_allowed(url, allowed_hosts):
            return FetchResult(url, url, error=f"host {host_of(url)} is not in allowed_hosts", skipped=True)
        if not self.allowed(url):
            log.debug("disallowed by robots.txt: %s", url)
            return FetchResult(url, url, error="disallowed by robots.txt", skipped=True)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return self._get(url, accept=accept, allowed_hosts=allowed_hosts, follow=True, headers=headers,
                         max_bytes=max_bytes)

    def _get(self, url: str, *, accept: tuple[str, ...] | None, allowed_hosts: tuple[str, ...] | None,
             follow: bool, headers: dict[str, str] | None = None, max_bytes: int | None = None) -> FetchResult:
        """Follow redirects by hand so each hop is checked against the hosts and robots.txt."""
        current = url
        total = 0
        for _hop in range(MAX_REDIRECTS + 1):
            result = self._attempts(current, accept=accept, headers=headers or {}, max_bytes=max_bytes)
            total += result.requests
            result.url, result.requests = url, total
            if result.status not in (301, 302, 303, 307, 308) or not follow:
                return result
            target = absolute_url(result.headers.get("location", ""), current)
            if target is None:
                result.error = "redirect without a usable Location"
                return result
            if allowed_hosts is not None and not host_allowed(target, allowed_hosts):
                log.warning("refused redirect from %s to %s (host not allowed)", current, target)
                result.error, result.skipped = f"redirect to {target} leaves the allowed hosts", True
                return result
            if allowed_hosts is not None and not self.allowed(target):
                result.error, result.skipped = f"redirect to {target} is disallowed by robots.txt", True
                return result
            current = target
        result.error = f"more than {MAX_REDIRECTS} redirects"
        return result

    def _attempts(self, url: str, *, accept: tuple[str, ...] | None, headers: dict[str, str],
                  max_bytes: int | None = None) -> FetchResult:
        """One logical request: retries for 5xx and timeouts, Retry-After on 429/503."""
        host = host_of(url)
        result = FetchResult(url, url)
        for attempt in range(self.retries + 1):
            self._wait_turn(host)
            result = self._once(url, accept=accept, headers=headers, max_bytes=max_bytes)
            result.requests = attempt + 1
            retry_after = _retry_after(result.headers.get("retry-after"))
            retryable = result.status in RETRY_STATUSES or result.status == 429 or (
                result.status == 0 and not result.skipped)
            if not retryable or attempt == self.retries:
                self._done(host)
                break
            if result.status in (429, 503):
                # Back off for the rest of the run too, not just for this URL.
                self._host_delay[host] = min(60.0, max(self.delay_for(host) * 2, 1.0))
            if retry_after is not None and retry_after > self.max_retry_after:
                self._done(host, extra_wait=retry_after)
                result.error = f"HTTP {result.status} with Retry-After {retry_after:.0f} s; giving up on this URL"
                break
            wait = retry_after if retry_after is not None else self.backoff * 2 ** attempt
            log.info("HTTP %s for %s; retrying in %.1f s", result.status or result.error, url, wait)
            self._done(host, extra_wait=wait)
        if result.error is None and result.status >= 400:
            result.error = f"HTTP {result.status}"
        return result

    def _once(self, url: str, *, accept: tuple[str, ...] | None, headers: dict[str, str],
              max_bytes: int | None = None) -> FetchResult:
        cap = self.max_bytes if max_bytes is None else max_bytes
        self.requests += 1
        result = FetchResult(url, url)
        try:
            with self._client.stream("GET", url, headers=headers) as resp:
                result.status = resp.status_code
                result.headers = {k.lower(): v for k, v in resp.headers.items()}
                result.content_type = resp.headers.get("content-type")
                result.etag = resp.headers.get("etag")
                result.last_modified = resp.headers.get("last-modified")
                if resp.status_code != 200:
                    return result
                if not _type_ok(result.content_type, accept):
                    mime = (result.content_type or "").split(";")[0]
                    result.error, result.skipped = f"not HTML ({mime})", True
                    return result
                length = resp.headers.get("content-length", "")
                if length.isdigit() and int(length) > cap:
                    result.error, result.skipped = f"too large ({length} bytes > {cap})", True
                    return result
                body = bytearray()
                for chunk in resp.iter_bytes():
                    body += chunk
                    if len(body) > cap:
                        result.error, result.skipped = f"too large (over {cap} bytes)", True
                        return result
                result.content = bytes(body)
        except httpx.TimeoutException:
            result.error = "timed out"
        except httpx.HTTPError as exc:
            result.error = f"{type(exc).__name__}: {exc}"
        return result


def fetch_one(url: str, user_agent: str, *, timeout: float = 20.0, max_bytes: int = 5_000_000, min_delay: float = 1.0,
              allowed_hosts: tuple[str, ...] | None = None) -> FetchResult:
    """Fetch a single page politely (robots.txt, User-Agent, caps): what `tracuu extract URL` uses."""
    hosts = allowed_hosts if allowed_hosts is not None else (host_of(url),)
    with Fetcher(user_agent, min_delay=min_delay, timeout=timeout, max_bytes=max_bytes) as fetcher:
        return fetcher.get(url, allowed_hosts=hosts)
