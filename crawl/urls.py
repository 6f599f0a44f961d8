"""URL helpers: canonical forms so an article reached by two URLs is stored once."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

# Tracking parameters that never change what a page shows.
_TRACKING_PREFIXES = ("utm_",)
_TRACKING_NAMES = {"fbclid", "gclid", "zarsrc", "zaloid", "_ga"}

DOCUMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".ods", ".rtf",
                       ".zip", ".rar", ".7z")


def host_of(url: str) -> str:
    """The lower-cased host name (no port): what allowed_hosts and robots.txt are keyed on."""
    return (urlsplit(url).hostname or "").lower()


def clean_url(url: str) -> str:
    """Drop the fragment and tracking parameters, lower-case scheme and host, drop default ports."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    netloc = host if port is None or (scheme, port) in {("http", 80), ("https", 443)} else f"{host}:{port}"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not k.lower().startswith(_TRACKING_PREFIXES) and k.lower() not in _TRACKING_NAMES]
    path = parts.path or "/"
    return urlunsplit((scheme, netloc, path, urlencode(query, doseq=True), ""))


def absolute_url(href: str, base: str) -> str | None:
    """Resolve a link against its page; None for mailto:, javascript: and other non-web links."""
    href = (href or "").strip()
    if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
        return None
    url = urljoin(base, href)
    if urlsplit(url).scheme not in ("http", "https"):
        return None
    return clean_url(url)


def is_document_url(url: str) -> bool:
    """A link to a PDF/Office/archive file rather than a web page."""
    return urlsplit(url).path.lower().endswith(DOCUMENT_EXTENSIONS)


def host_allowed(url: str, allowed_hosts: tuple[str, ...]) -> bool:
    """True when the URL's host is allowed: the same name, its ``www.`` twin, or a subdomain."""
    host = host_of(url)
    bare = host.removeprefix("www.")
    for allowed in allowed_hosts:
        allowed = allowed.lower().removeprefix("www.")
        if bare == allowed or host.endswith("." + allowed):
            return True
    return False
