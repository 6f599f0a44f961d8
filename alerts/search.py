"""A subscription's search: the results page's URL parameters, kept as they are so that parameters the
search learns later carry over; validated by the engine's own SearchRequest."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from indexer.engine import LABELS, SearchRequest

DROPPED = ("page", "per_page")  # where one is in the results, not what is searched
MAX_PARAMS = 20
MAX_VALUE = 500
UNSHOWN = ("q", "sort")  # the query is quoted first; the order of results does not change what matches


class InvalidSearch(ValueError):
    """Search parameters we will not store (too many, too long); the message is Vietnamese."""


def stored_search(args: Mapping[str, Any]) -> dict[str, str]:
    """The parameters to keep: every non-empty one but the page; raises InvalidSearch, or the engine's
    InvalidParameter for a value the search itself refuses."""
    params = {str(k): str(v).strip() for k, v in args.items() if k not in DROPPED and str(v).strip()}
    if len(params) > MAX_PARAMS or any(len(k) > 50 or len(v) > MAX_VALUE for k, v in params.items()):
        raise InvalidSearch("Tìm kiếm này quá dài để nhận thư; hãy rút gọn từ khóa hoặc bộ lọc.")
    SearchRequest.from_params(params)
    return dict(sorted(params.items()))


def canonical(params: Mapping[str, str]) -> str:
    """One spelling per search, so one address cannot hold the same search twice."""
    return json.dumps(dict(sorted(params.items())), ensure_ascii=False, separators=(",", ":"))


def newest_request(params: Mapping[str, str], page: int, per_page: int) -> SearchRequest:
    return SearchRequest.from_params({**params, "sort": "newest", "page": page, "per_page": per_page})


def describe(params: Mapping[str, str], limit: int = 120) -> str:
    """'«hội nghị» · Năm: 2019 · Đơn vị: Thanh tra', for subjects, pages and `tracuu alerts list`."""
    parts = [f"«{params['q']}»"] if params.get("q", "").strip() else []
    parts += [f"{LABELS.get(k, k)}: {v}" for k, v in params.items() if k not in UNSHOWN]
    text = " · ".join(parts) or "mọi bài viết"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def results_path(params: Mapping[str, str]) -> str:
    """The results page of the search, newest first: the relative URL, for the site and for messages."""
    return "/?" + urlencode({**params, "sort": "newest"})
