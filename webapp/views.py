"""Pages and the JSON API. Views validate parameters and render; the searching is `indexer.search`'s."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for
from markupsafe import Markup

from indexer.analysis import fold
from indexer.query import parse_query
from indexer.search import InvalidParameter, SearchIndex, SearchRequest, SearchResponse
from indexer.snippets import mark_text
from indexer.store import IndexerError
from webapp.feed import atom_feed, opensearch_description

bp = Blueprint("views", __name__)

FACET_LABELS = {"year": "Năm", "department": "Đơn vị", "category": "Chuyên mục", "site": "Trang nguồn"}


def _index() -> SearchIndex:
    return current_app.extensions["tracuu_index"]


def _request_from_args(per_page: int | None = None) -> SearchRequest:
    params: dict[str, Any] = dict(request.args)
    if per_page is not None and "per_page" not in params:
        params["per_page"] = per_page
    return SearchRequest.from_params(params)


def _error_page(status: int, title: str, message: str) -> tuple[str, int]:
    return render_template("error.html", title=title, message=message), status


@bp.route("/")
def search() -> Any:
    try:
        search_request = _request_from_args(current_app.config["TRACUU_PER_PAGE"])
    except InvalidParameter as exc:
        return _error_page(400, "Tham số không hợp lệ", str(exc))
    try:
        response = _index().search(search_request) if _has_search(search_request) else None
    except IndexerError as exc:
        return _error_page(503, "Chưa có chỉ mục", f"Chưa thể tìm kiếm: {exc}")
    return render_template("search.html", req=search_request, res=response, labels=FACET_LABELS,
                           chart=_year_chart(response), pages=_pages(response))


def _has_search(req: SearchRequest) -> bool:
    return bool(req.q.strip() or req.filters() or req.date_from or req.date_to)


def _pages(res: SearchResponse | None) -> dict[str, Any]:
    if res is None or res.total == 0:
        return {}
    last = max(1, -(-res.total // res.per_page))
    window = range(max(1, res.page - 3), min(last, res.page + 3) + 1)
    return {"last": last, "window": list(window), "prev": res.page - 1 if res.page > 1 else None,
            "next": res.page + 1 if res.page < last else None}


def _year_chart(res: SearchResponse | None) -> list[dict[str, Any]]:
    """Bars for the timeline: every year between the first and last with a match, oldest first."""
    if res is None or not res.facets.get("year"):
        return []
    counts = {int(f.value): f.count for f in res.facets["year"] if f.value.isdigit()}
    if not counts:
        return []
    top = max(counts.values())
    return [{"year": y, "count": counts.get(y, 0), "height": round(100 * counts.get(y, 0) / top)}
            for y in range(min(counts), max(counts) + 1)]


@bp.route("/api/search")
def api_search() -> Any:
    try:
        search_request = _request_from_args()
    except InvalidParameter as exc:
        return jsonify({"error": str(exc), "parameter": exc.name}), 400
    try:
        response = _index().search(search_request)
    except IndexerError as exc:
        return jsonify({"error": str(exc)}), 503
    return jsonify(response.to_json())


@bp.route("/article")
def article() -> Any:
    article_id = request.args.get("id", "")
    found = _index().article(article_id) if article_id else None
    if found is None:
        return _error_page(404, "Không tìm thấy bài viết", "Bài viết này không có trong kho lưu trữ.")
    terms = {fold(s) for s in parse_query(request.args.get("q", "")).all_syllables()}
    paragraphs = [Markup(mark_text(p, terms)) for p in found.body.split("\n") if p.strip()]
    try:
        related = _index().more_like_this(article_id)
    except IndexerError:
        related = []
    return render_template("article.html", article=found, paragraphs=paragraphs,
                           title_html=Markup(mark_text(found.title, terms)), related=related,
                           q=request.args.get("q", ""))


@bp.route("/feed")
def feed() -> Any:
    try:
        params = dict(request.args)
        params.update(sort="newest", page="1", per_page=params.get("per_page", "20"))
        search_request = SearchRequest.from_params(params)
        response = _index().search(search_request)
    except InvalidParameter as exc:
        return _error_page(400, "Tham số không hợp lệ", str(exc))
    except IndexerError as exc:
        return _error_page(503, "Chưa có chỉ mục", str(exc))
    xml = atom_feed(response, search_request, base_url=request.host_url,
                    self_url=request.url, article_url=lambda i: url_for("views.article", id=i, _external=True))
    return Response(xml, mimetype="application/atom+xml")


@bp.route("/opensearch.xml")
def opensearch() -> Any:
    xml = opensearch_description(search_url=url_for("views.search", _external=True),
                                 feed_url=url_for("views.feed", _external=True),
                                 api_url=url_for("views.api_search", _external=True))
    return Response(xml, mimetype="application/opensearchdescription+xml")


@bp.app_errorhandler(404)
def not_found(_exc: Exception) -> Any:
    if request.path.startswith("/api/"):
        return jsonify({"error": "Không có địa chỉ này."}), 404
    return _error_page(404, "Không tìm thấy trang", "Địa chỉ này không có trên tracuu.")


@bp.app_errorhandler(500)
def server_error(_exc: Exception) -> Any:
    if request.path.startswith("/api/"):
        return jsonify({"error": "Lỗi máy chủ; vui lòng thử lại."}), 500
    return _error_page(500, "Lỗi máy chủ", "Đã có lỗi xảy ra; vui lòng thử lại.")
