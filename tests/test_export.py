"""Exports (/export.csv, /export.jsonl): every match of a search, in its order, streamed, over a real Whoosh index."""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Generator, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup
from flask import Response
from flask.testing import FlaskClient

from archive import VIETNAM_TZ, Archive, Article
from indexer.backend import EngineConfig
from indexer.whoosh_engine.writer.build import update_index
from webapp import create_app, export

DEPARTMENTS = ("Văn phòng Sở", "Thanh tra Sở", "Phòng Quản lý thương mại", "Trung tâm Khuyến công")
KINDS = ("Hội nghị", "Hội thảo", "Tập huấn", "Kiểm tra")
TOPICS = ("an toàn thực phẩm", "chuyển đổi số", "xúc tiến thương mại", "khuyến công", "cải cách hành chính")
# titles a spreadsheet row must survive: delimiters, quotes, line breaks
AWKWARD = {
    "e003": 'Hội nghị "Chuyển đổi số", năm 2021; ý kiến, góp ý',
    "e007": "Thông báo kết luận\nHội nghị giao ban, tháng 3",
    "e011": 'Hội nghị ""đối thoại"" doanh nghiệp,\r\nlần 2',
}
FORMULA = {"e015": '=HYPERLINK("http://x.test";"Hội nghị bấm vào đây")', "e019": "-Hội nghị 1+1"}
MATCHING = "hội nghị"


def _article(n: int) -> Article:
    """Every fifth post does not mention the meeting; the rest mention it more or less (scores differ)."""
    article_id = f"e{n:03d}"
    kind, topic = KINDS[n % len(KINDS)], TOPICS[n % len(TOPICS)]
    title = AWKWARD.get(article_id) or FORMULA.get(article_id) or f"{kind} về {topic} (đợt {n})"
    meeting = " ".join(["Hội nghị triển khai nhiệm vụ."] * (1 + n % 3)) if n % 5 != 4 else "Đoàn công tác làm việc."
    body = (f"Ngày {n % 28 + 1}, {DEPARTMENTS[n % 4]} tổ chức {kind.lower()} về {topic}. {meeting}\n"
            f"Các đơn vị đã trao đổi kinh nghiệm và thống nhất kế hoạch năm tới. Bài số {n}.")
    published = (date(2019, 1, 3) + timedelta(days=7 * n)).isoformat()
    return Article(id=article_id, url=f"http://sct.test/tin/{n}.html", title=title, body=body, published=published,
                   department=DEPARTMENTS[n % 4], category="Tin hoạt động" if n % 2 else "Văn bản chỉ đạo",
                   site="sct")


ARTICLES = [_article(n) for n in range(250)]


def _build(data: Path, articles: list[Article]) -> None:
    with Archive(data / "archive.sqlite3") as archive:
        for article in articles:
            archive.upsert(article, commit=False)
        archive.commit()
        update_index(archive, data / "index", data / "segments.sqlite3", workers=1)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    data = tmp_path_factory.mktemp("export")
    _build(data, ARTICLES)
    app = create_app(EngineConfig(data))
    yield app.test_client()
    app.extensions["tracuu_index"].close()


def api_hits(client: FlaskClient, params: dict[str, str]) -> list[dict[str, Any]]:
    """Every hit of the search as the API pages them out."""
    hits: list[dict[str, Any]] = []
    for page in range(1, 100):
        response = client.get("/api/search", query_string={**params, "per_page": 100, "page": page})
        assert response.status_code == 200
        results = response.get_json()["results"]
        if not results:
            return hits
        hits.extend(results)
    raise AssertionError("the API never ran out of pages")


def csv_rows(body: bytes) -> list[dict[str, str]]:
    assert body.startswith(b"\xef\xbb\xbf"), "no BOM: Excel would misread the Vietnamese"
    return list(csv.DictReader(io.StringIO(body[3:].decode("utf-8"), newline="")))


def jsonl_hits(body: bytes) -> list[dict[str, Any]]:
    return [json.loads(line) for line in body.decode("utf-8").splitlines()]


SEARCHES = [
    {"q": MATCHING},
    {"q": MATCHING, "sort": "newest"},
    {"q": MATCHING, "year": "2021"},
    {"q": MATCHING, "department": "Thanh tra Sở", "sort": "newest"},
    {"q": "", "sort": "newest", "category": "Văn bản chỉ đạo"},
    {},
]


@pytest.mark.parametrize("params", SEARCHES, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()) or "all")
def test_csv_has_every_hit_of_the_api_in_its_order(client: FlaskClient, params: dict[str, str]) -> None:
    response = client.get("/export.csv", query_string=params)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = csv_rows(response.data)
    hits = api_hits(client, params)
    assert hits, "the search should find something"
    assert [r["id"] for r in rows] == [h["id"] for h in hits]
    assert list(rows[0]) == list(export.CSV_COLUMNS)
    for row, hit in zip(rows, hits, strict=True):
        if hit["id"] in FORMULA:  # see test_a_cell_a_spreadsheet_would_run_as_a_formula_stays_text
            row["title"] = row["title"].removeprefix("'")
        assert {k: row[k] for k in ("title", "published", "department", "category", "site", "url")} == {
            k: hit[k] or "" for k in ("title", "published", "department", "category", "site", "url")}
        assert "<mark>" not in row["snippet"]
        assert row["snippet"] == html.unescape(hit["snippet"].replace("<mark>", "").replace("</mark>", ""))
    assert response.headers["X-Tracuu-Total"] == str(len(hits))
    assert response.headers["X-Tracuu-Truncated"] == "0"


def test_the_big_searches_span_several_pages(client: FlaskClient) -> None:
    """The order tests above only prove paging if a search has more matches than one engine page."""
    assert len(api_hits(client, {"q": MATCHING})) > 2 * 100
    assert len(api_hits(client, {})) == len(ARTICLES)


@pytest.mark.parametrize("sort", ["relevance", "newest"])
def test_jsonl_lines_are_the_api_hits(client: FlaskClient, sort: str) -> None:
    response = client.get("/export.jsonl", query_string={"q": MATCHING, "sort": sort})
    assert response.status_code == 200
    assert response.data.endswith(b"\n")
    assert jsonl_hits(response.data) == api_hits(client, {"q": MATCHING, "sort": sort})
    text = response.data.decode("utf-8")
    assert "Hội nghị" in text and "\\u" not in text


def test_titles_with_delimiters_quotes_and_line_breaks_round_trip(client: FlaskClient) -> None:
    by_id = {r["id"]: r for r in csv_rows(client.get("/export.csv", query_string={"q": MATCHING}).data)}
    articles = {a.id: a for a in ARTICLES}
    for article_id in AWKWARD:
        assert by_id[article_id]["title"] == articles[article_id].title
    by_id_json = {h["id"]: h for h in jsonl_hits(client.get("/export.jsonl", query_string={"q": MATCHING}).data)}
    assert {i: by_id_json[i]["title"] for i in AWKWARD} == {i: articles[i].title for i in AWKWARD}


def test_a_cell_a_spreadsheet_would_run_as_a_formula_stays_text(client: FlaskClient) -> None:
    by_id = {r["id"]: r for r in csv_rows(client.get("/export.csv", query_string={"q": MATCHING}).data)}
    assert {i: by_id[i]["title"] for i in FORMULA} == {i: "'" + title for i, title in FORMULA.items()}
    by_id_json = {h["id"]: h for h in jsonl_hits(client.get("/export.jsonl", query_string={"q": MATCHING}).data)}
    assert {i: by_id_json[i]["title"] for i in FORMULA} == FORMULA


@pytest.mark.parametrize("cap", [30, 130])
@pytest.mark.parametrize("route", ["/export.csv", "/export.jsonl"])
def test_the_cap_cuts_the_list_and_says_so(client: FlaskClient, monkeypatch: pytest.MonkeyPatch, cap: int,
                                           route: str) -> None:
    monkeypatch.setattr(export, "EXPORT_CAP", cap)
    hits = api_hits(client, {"q": MATCHING, "sort": "newest"})
    assert len(hits) > cap
    response = client.get(route, query_string={"q": MATCHING, "sort": "newest"})
    assert response.status_code == 200
    ids = [r["id"] for r in (csv_rows(response.data) if route.endswith("csv") else jsonl_hits(response.data))]
    assert ids == [h["id"] for h in hits[:cap]]
    assert response.headers["X-Tracuu-Truncated"] == "1"
    assert response.headers["X-Tracuu-Total"] == str(len(hits))


@pytest.mark.parametrize("route", ["/export.csv", "/export.jsonl"])
def test_the_file_is_streamed_not_built_whole(client: FlaskClient, route: str) -> None:
    response = dispatch(client, route, {"q": MATCHING})  # the view's own response: the test client's always streams
    assert response.status_code == 200
    assert response.is_streamed
    assert isinstance(response.response, Generator)
    chunks = list(response.response)
    assert len(chunks) > 2  # a chunk per engine page, not one body


def dispatch(client: FlaskClient, route: str, params: dict[str, str]) -> Response:
    app = client.application
    with app.test_request_context(route, query_string=params):
        return app.full_dispatch_request()


def test_the_download_is_named_after_the_query_and_the_day(client: FlaskClient) -> None:
    response = client.get("/export.csv", query_string={"q": 'Hội nghị "đối thoại"/2021'})
    disposition = response.headers["Content-Disposition"]
    stamp = datetime.now(VIETNAM_TZ).strftime("%Y%m%d")
    assert disposition.startswith("attachment;")
    assert f'filename="tracuu-hoi-nghi-doi-thoai-2021-{stamp}.csv"' in disposition
    encoded = disposition.split("filename*=UTF-8''", 1)[1]
    assert unquote(encoded) == f"tracuu-hội-nghị-đối-thoại-2021-{stamp}.csv"
    assert disposition.isascii()
    everything = client.get("/export.jsonl").headers["Content-Disposition"]
    assert f'filename="tracuu-{stamp}.jsonl"' in everything


@pytest.mark.parametrize("route", ["/export.csv", "/export.jsonl"])
@pytest.mark.parametrize(("params", "parameter"), [
    ({"q": MATCHING, "year": "20x1"}, "year"),
    ({"q": MATCHING, "sort": "cu-nhat"}, "sort"),
    ({"q": MATCHING, "from": "2022-01-01", "to": "2021-01-01"}, "from"),
    ({"q": MATCHING, "filetype": "exe"}, "filetype"),
])
def test_a_bad_parameter_is_a_400_api_error(client: FlaskClient, route: str, params: dict[str, str],
                                            parameter: str) -> None:
    response = client.get(route, query_string=params)
    assert response.status_code == 400
    body = response.get_json()
    assert body["parameter"] == parameter
    assert body["error"] == client.get("/api/search", query_string=params).get_json()["error"]


@pytest.mark.parametrize("route", ["/export.csv", "/export.jsonl"])
def test_no_index_is_a_503_before_anything_is_streamed(tmp_path: Path, route: str) -> None:
    response = dispatch(create_app(EngineConfig(tmp_path)).test_client(), route, {"q": MATCHING})
    assert response.status_code == 503
    assert not response.is_streamed  # the status is decided before the body starts
    assert "tracuu index" in response.get_json()["error"]


def test_the_results_page_links_to_exports_of_the_same_search(client: FlaskClient) -> None:
    params = {"q": MATCHING, "sort": "newest", "year": "2021", "per_page": "20", "page": "2"}
    page = BeautifulSoup(client.get("/", query_string=params).get_data(as_text=True), "html.parser")
    links = {a.get_text(): a["href"] for a in page.select("p.sort a.export")}
    assert set(links) == {"CSV", "JSON Lines"}
    expected = [h["id"] for h in api_hits(client, {"q": MATCHING, "sort": "newest", "year": "2021"})]
    assert [r["id"] for r in csv_rows(client.get(links["CSV"]).data)] == expected
    assert [h["id"] for h in jsonl_hits(client.get(links["JSON Lines"]).data)] == expected


def test_an_article_pushed_across_a_page_by_a_commit_is_sent_once(tmp_path: Path) -> None:
    """A commit between two pages moves the list down a place; the export skips the id it already sent."""
    _build(tmp_path, ARTICLES[:150])
    app = create_app(EngineConfig(tmp_path))
    engine = app.extensions["tracuu_index"]
    real_search = engine.search
    newer = Article(id="e999", url="http://sct.test/tin/999.html", title="Hội nghị mới nhất",
                    body="Hội nghị vừa được tổ chức.", published="2030-01-01", department=DEPARTMENTS[0], site="sct")

    def search_with_a_commit(request: Any) -> Any:
        if request.page == 2:
            _build(tmp_path, [newer])  # lands first in the newest order: page 1's last row becomes page 2's first
        return real_search(request)

    try:
        before = [h["id"] for h in api_hits(app.test_client(), {"sort": "newest"})]
        engine.search = search_with_a_commit
        ids = [r["id"] for r in csv_rows(app.test_client().get("/export.csv", query_string={"sort": "newest"}).data)]
    finally:
        engine.close()
    assert len(before) == 150
    assert ids == before  # nothing twice; the new article came after the export's first page was read
