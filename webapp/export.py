"""Every result of a search as a download: CSV for spreadsheets, JSON Lines for programs (docs/export.md).

The rows come through the engine contract alone: the search is asked again page by page (MAX_PER_PAGE rows a
page) and the file is streamed as the pages arrive, so a long export never sits whole in memory.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime
from html import unescape
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response

from archive import VIETNAM_TZ
from indexer.engine import (
    MAX_PAGE,
    MAX_PER_PAGE,
    IndexerError,
    InvalidParameter,
    SearchRequest,
    SearchResponse,
)
from webapp.views import api_error, engine, request_from_args, unavailable

bp = Blueprint("export", __name__)

# Rows one export sends at most: enough for any reading of an archive, and the engine ranks the first
# `start + page` matches again for every page, so the cost grows faster than the rows.
EXPORT_CAP = 10_000
CSV_COLUMNS = ("id", "title", "published", "department", "category", "site", "url", "snippet")
SLUG_CHARS = 60  # the query's part of a file name

Hit = dict[str, Any]  # one result in the JSON API's shape


@bp.app_context_processor
def export_cap() -> dict[str, int]:
    """The cap, for the results page's download links to mention."""
    return {"export_cap": EXPORT_CAP}


@bp.route("/export.csv", endpoint="csv")
def csv_export() -> Any:
    return _export("csv", "text/csv; charset=utf-8", _csv_chunks)


@bp.route("/export.jsonl", endpoint="jsonl")
def jsonl_export() -> Any:
    return _export("jsonl", "application/x-ndjson; charset=utf-8", _jsonl_chunks)


def _export(extension: str, mimetype: str, render: Callable[[Iterator[list[Hit]]], Iterator[bytes]]) -> Any:
    """Validate and run the first page before anything is sent: once streaming starts the status is 200
    whatever happens, so a bad parameter (400) or a missing index (503) must show up here."""
    try:
        search_request = replace(request_from_args(), page=1, per_page=MAX_PER_PAGE)
    except InvalidParameter as exc:
        return api_error(400, str(exc), exc.name)
    index = engine()
    try:
        first = index.search(search_request)
    except IndexerError as exc:
        return api_error(503, unavailable(exc))
    cap = EXPORT_CAP
    response = Response(render(_pages(index.search, search_request, first, cap)), mimetype=mimetype)
    response.headers["Content-Disposition"] = _disposition(search_request.q, extension)
    response.headers["X-Tracuu-Total"] = str(first.total)
    response.headers["X-Tracuu-Truncated"] = "1" if first.total > cap else "0"
    response.headers["Cache-Control"] = "no-store"  # a snapshot of an index that keeps changing
    return response


def _pages(search: Callable[[SearchRequest], SearchResponse], first_request: SearchRequest,
           first: SearchResponse, cap: int) -> Iterator[list[Hit]]:
    """The hits page after page, in the search's order, at most `cap` of them.

    The index may take a commit between two pages: an added article pushes later ones down a place, so an
    article already sent can come again on the next page. Ids already sent are skipped (that set is bounded by
    `cap`, the only memory that grows). An article deleted meanwhile pulls later ones up, and the one that moves
    across a page boundary is missed: a page-wise contract cannot see it, and the export is a snapshot anyway.
    Paging stops at an empty page (past the end), at the last page the total allows, at MAX_PAGE, or at the cap.
    """
    sent: set[str] = set()
    response, page = first, 1
    while True:
        fresh = [hit for hit in response.to_json()["results"] if hit["id"] not in sent][:cap - len(sent)]
        sent.update(hit["id"] for hit in fresh)
        if fresh:
            yield fresh
        if not response.results or page * MAX_PER_PAGE >= response.total or len(sent) >= cap or page >= MAX_PAGE:
            return
        page += 1
        response = search(replace(first_request, page=page))


def _jsonl_chunks(pages: Iterator[list[Hit]]) -> Iterator[bytes]:
    """One JSON object a line, the API's hit as it is; Vietnamese stays readable (not \\u-escaped)."""
    for hits in pages:
        yield "".join(json.dumps(hit, ensure_ascii=False) + "\n" for hit in hits).encode("utf-8")


def _csv_chunks(pages: Iterator[list[Hit]]) -> Iterator[bytes]:
    """The header, then a chunk a page. The BOM is for Excel, which otherwise reads UTF-8 as a legacy code page."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    yield ("\ufeff" + buffer.getvalue()).encode("utf-8")
    for hits in pages:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows([_csv_row(hit) for hit in hits])
        yield buffer.getvalue().encode("utf-8")


def _csv_row(hit: Hit) -> list[str]:
    row = {**hit, "snippet": _plain(hit.get("snippet") or "")}
    return [_cell("" if row.get(column) is None else str(row[column])) for column in CSV_COLUMNS]


def _cell(text: str) -> str:
    """A crawled text as a spreadsheet cell that stays text: Excel and LibreOffice run a cell starting with
    = + - @ (or a tab or CR before one) as a formula, so such a cell gets a leading apostrophe (OWASP's
    advice on CSV injection); the JSON Lines export keeps the text as it is."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _plain(snippet: str) -> str:
    """The snippet as text: it is escaped HTML whose only tags are our <mark>s (indexer.engine.snippets)."""
    return unescape(re.sub(r"</?mark>", "", snippet))


def _disposition(q: str, extension: str) -> str:
    """`tracuu-<query>-YYYYMMDD.<ext>`: the query in Vietnamese (RFC 5987) and without diacritics for
    browsers that only read the plain `filename`."""
    stamp = datetime.now(VIETNAM_TZ).strftime("%Y%m%d")
    words = _slug(q)
    name = "-".join(part for part in ("tracuu", words, stamp) if part) + f".{extension}"
    return f"attachment; filename=\"{_ascii(name)}\"; filename*=UTF-8''{quote(name, safe='')}"


def _slug(text: str) -> str:
    """Lower-case words joined by hyphens; everything else (quotes, slashes, operators) dropped."""
    words = re.findall(r"[^\W_]+", unicodedata.normalize("NFC", text).lower())
    return "-".join(words)[:SLUG_CHARS].strip("-")


def _ascii(name: str) -> str:
    folded = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    return re.sub(r"-{2,}", "-", re.sub(r"[^A-Za-z0-9.-]+", "-", plain))
