"""Template helpers: Vietnamese dates, URLs that keep every filter, and the year chart."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Flask, request, url_for

PARAMS = ("q", "year", "department", "category", "site", "from", "to", "sort")


def vn_date(published: str | None) -> str:
    """'2019-01-18T08:30:00+07:00' → '18/01/2019'."""
    if not published or len(published) < 10:
        return ""
    return f"{published[8:10]}/{published[5:7]}/{published[0:4]}"


def search_url(endpoint: str = "views.search", **changes: Any) -> str:
    """The current search's URL with some parameters changed (None removes one); page resets."""
    params = {k: request.args.get(k) for k in PARAMS if request.args.get(k)}
    if "page" not in changes:
        changes["page"] = None
    for key, value in changes.items():
        key = "from" if key == "from_" else key
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = str(value)
    base = url_for(endpoint)
    return f"{base}?{urlencode(params)}" if params else base


def register(app: Flask) -> None:
    app.jinja_env.filters["vn_date"] = vn_date
    app.jinja_env.globals["search_url"] = search_url
