"""Connecting to OpenSearch: credentials from the URL, TLS verified, and one-line errors.

A cluster that is down, refuses our credentials or answers with an error becomes an IndexerError
naming the URL (without its password) and the cause, so the CLI prints one line and the web app a 503.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from indexer.errors import IndexerError


class OpenSearchUnavailableError(IndexerError):
    """The cluster could not be reached or refused the request."""


def public_url(url: str) -> str:
    """`url` (one node, or several separated by commas) without credentials, for messages and logs."""
    return ",".join(_public(u.strip()) for u in url.split(","))


def _public(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


POOL_SIZE = 32  # connections kept open per node


def connect(url: str, *, ca_file: str = "", timeout: float = 30.0) -> Any:
    """An opensearch-py client for `url`: "https://user:password@host:9200", or several nodes separated by
    commas (the client then moves to another node when one is down). Certificates are verified."""
    from opensearchpy import OpenSearch

    nodes = [urlsplit(u.strip()) for u in url.split(",") if u.strip()]
    if not nodes or any(n.scheme not in ("http", "https") or not n.hostname for n in nodes):
        raise OpenSearchUnavailableError(f"opensearch_url {public_url(url)!r} is not a list of http(s) URLs.")
    first = nodes[0]
    auth = (unquote(first.username), unquote(first.password or "")) if first.username else None
    # overloaded or restarting nodes answer 429/502/503/504: retried with the client's back-off, on
    # another node when there are several
    kwargs: dict[str, Any] = {"hosts": [_public(n.geturl()) for n in nodes], "http_auth": auth,
                              "timeout": timeout, "verify_certs": True, "ssl_show_warn": True, "max_retries": 3,
                              "retry_on_status": (429, 502, 503, 504), "retry_on_timeout": True,
                              # urllib3 keeps one connection per node unless told: threads serving searches
                              # at once would each open and close their own
                              "pool_maxsize": POOL_SIZE}
    if ca_file:
        kwargs["ca_certs"] = ca_file
    return OpenSearch(**kwargs)


@contextmanager
def errors(url: str) -> Iterator[None]:
    """Turn the client's transport errors into OpenSearchUnavailableError (one line, no traceback)."""
    from opensearchpy import exceptions

    try:
        yield
    except exceptions.ConnectionError as exc:
        raise OpenSearchUnavailableError(
            f"OpenSearch at {public_url(url)} is not reachable ({type(exc).__name__}). "
            "Start it (make opensearch) or set opensearch_url.") from None
    except exceptions.AuthenticationException:
        raise OpenSearchUnavailableError(
            f"OpenSearch at {public_url(url)} refused the credentials in opensearch_url.") from None
    except exceptions.TransportError as exc:
        raise OpenSearchUnavailableError(f"OpenSearch at {public_url(url)} answered {exc.status_code}: "
                                         f"{_reason(exc)}") from None


def _reason(exc: Any) -> str:
    info = getattr(exc, "info", None)
    if isinstance(info, dict):
        error = info.get("error")
        if isinstance(error, dict):
            return str(error.get("reason") or error.get("type"))
        return str(error)
    return str(exc.error)
