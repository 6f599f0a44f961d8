"""The crawl stage's exceptions.

    CrawlError            anything the crawl stage refuses or cannot do
    ├── ProfileError      a site profile file is missing, unreadable or wrong
    └── FetchError        a URL could not be fetched (robots, host, size, type, HTTP status)
"""

from __future__ import annotations


class CrawlError(Exception):
    """Base of the crawl stage's errors; the CLI turns it into a one-line message."""


class ProfileError(CrawlError):
    """A site profile that cannot be used; the message names the file, the key and the fix."""


class FetchError(CrawlError):
    """A fetch that failed for a reason worth telling the user (the message has the URL)."""
