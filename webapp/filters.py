"""Template helpers: Vietnamese dates and numbers, URLs that keep every filter, safe outside links."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote_plus, urlencode, urlsplit

from flask import Flask, g, request, url_for

from indexer.engine import event_label

# The search's query parameters, in the order they appear in URLs (bookmarkable and shareable).
PARAMS = ("q", "year", "department", "category", "site", "person", "filetype", "from", "to", "event_from", "event_to",
          "sort", "per_page")

# every filter off: search_url(**NO_FILTERS) keeps the words and the sort
NO_FILTERS: dict[str, None] = {k: None for k in PARAMS if k not in ("q", "sort", "per_page")}


def vn_date(published: str | None) -> str:
    """'2019-01-18T08:30:00+07:00' → '18/01/2019'."""
    if not published or len(published) < 10:
        return ""
    return f"{published[8:10]}/{published[5:7]}/{published[0:4]}"


def vn_number(value: int) -> str:
    """12345 → '12.345': Vietnamese groups thousands with dots."""
    return f"{value:,}".replace(",", ".")


def vn_size(size: int) -> str:
    """1258291 → '1,2 MB': a file size as Vietnamese writes decimals (comma), one decimal below ten."""
    if size < 1024:
        return f"{size} byte"
    value, unit = size / 1024, "KB"
    if value >= 1024:
        value, unit = value / 1024, "MB"
    text = f"{value:.1f}".replace(".", ",").removesuffix(",0") if value < 10 else f"{value:.0f}"
    return f"{text} {unit}"


def safe_url(url: str | None) -> str | None:
    """The URL if it is http(s), else None: an archived `javascript:` link must never become a link."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


def _current_params() -> dict[str, str]:
    """This request's search parameters, read once: a page of facets builds a link for each of ~1 000 values."""
    params = g.get("tracuu_params")
    if params is None:
        params = g.tracuu_params = {k: v for k in PARAMS if (v := request.args.get(k, "").strip())}
    return params


def _endpoint_url(endpoint: str) -> str:
    """url_for(endpoint), once per request and endpoint (for the same reason)."""
    urls = g.setdefault("tracuu_urls", {})
    if endpoint not in urls:
        urls[endpoint] = url_for(endpoint)
    return urls[endpoint]


def search_params(**changes: Any) -> dict[str, str]:
    """The current search's parameters with some changed (None removes one)."""
    params = dict(_current_params())
    for key, value in changes.items():
        key = "from" if key == "from_" else key
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = str(value)
    return params


def search_url(endpoint: str = "views.search", **changes: Any) -> str:
    """The current search's URL with some parameters changed; the page resets unless given."""
    changes.setdefault("page", None)
    params = search_params(**changes)
    base = _endpoint_url(endpoint)
    return f"{base}?{_query_string(params)}" if params else base


def _query_string(params: dict[str, str]) -> str:
    """`urlencode(params)`, each key=value pair encoded once per request: a results page's links repeat the
    current search's pairs with one changed."""
    pairs = g.setdefault("tracuu_pairs", {})
    encoded = []
    for key, value in params.items():
        pair = pairs.get((key, value))
        if pair is None:
            pair = pairs[key, value] = f"{quote_plus(key)}={quote_plus(value)}"
        encoded.append(pair)
    return "&".join(encoded)


def facet_links(name: str, values: list[Any], active: str | None) -> list[tuple[Any, str, bool]]:
    """(facet value, link, whether it is the active filter) for each of `values`: what `search_url` gives with
    the facet set to the value (removed, for the active one), the current search's other pairs encoded once."""
    params = {k: v for k, v in _current_params().items() if k != "page"}
    keys = list(params)
    at = keys.index(name) if name in keys else len(keys)  # the facet keeps its place among the parameters
    before = _query_string({k: params[k] for k in keys[:at]})
    after = _query_string({k: params[k] for k in keys[at + 1:]})
    without = "&".join(part for part in (before, after) if part)
    base = _endpoint_url("views.search")
    key = quote_plus(name)
    links = []
    for fv in values:
        on = active == fv.value
        if on or fv.value in (None, ""):
            query = without
        else:
            query = "&".join(part for part in (before, f"{key}={quote_plus(str(fv.value))}", after) if part)
        links.append((fv, f"{base}?{query}" if query else base, on))
    return links


def article_url(article_id: str) -> str:
    """An article's page, carrying the search it was opened from (its words get marked, "back" restores it)."""
    params = {"id": article_id, **search_params(page=request.args.get("page"))}
    return f"{url_for('views.article')}?{urlencode(params)}"


def register(app: Flask) -> None:
    app.jinja_env.filters["vn_date"] = vn_date
    app.jinja_env.filters["vn_number"] = vn_number
    app.jinja_env.filters["vn_size"] = vn_size
    app.jinja_env.filters["safe_url"] = safe_url
    app.jinja_env.filters["event_label"] = event_label
    app.jinja_env.globals["search_url"] = search_url
    app.jinja_env.globals["facet_links"] = facet_links
    app.jinja_env.globals["no_filters"] = NO_FILTERS
    app.jinja_env.globals["article_url"] = article_url
