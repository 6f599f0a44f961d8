"""The search site through Flask's test client over a real Whoosh index: pages, API, feed, errors, escaping."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree as ET

import pytest
from flask import Flask
from flask.testing import FlaskClient

from archive import Archive, Article
from indexer.backend import EngineConfig
from indexer.whoosh_engine.writer.build import update_index
from tests.corpus import ARTICLES
from webapp import create_app

ATOM = "{http://www.w3.org/2005/Atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"
TOPICS = ("tổng kết công tác thi đua", "sơ kết sáu tháng", "triển khai nhiệm vụ", "giao ban báo chí",
          "đối thoại doanh nghiệp", "tập huấn chuyển đổi số")
DEPARTMENTS = ("Văn phòng", "Thanh tra", "Kế hoạch - Tài chính")


def site_articles() -> list[Article]:
    """tests/corpus.py plus meetings over four years and three departments (enough to paginate),
    and an article whose links are hostile."""
    out = list(ARTICLES)
    n = 100
    for year in (2019, 2020, 2021, 2022):
        for d, dept in enumerate(DEPARTMENTS):
            # 2021 + "Văn phòng" gets seven meetings: a filtered search still has several pages
            for k in range(7 if (year, dept) == (2021, "Văn phòng") else 2):
                n += 1
                topic = TOPICS[(n + d) % len(TOPICS)]
                out.append(Article(
                    id=f"m{n}", url=f"https://vp.example.gov.vn/tin/{n}.html", site="vp.example.gov.vn",
                    title=f"Hội nghị {topic} đợt {k + 1}", published=f"{year}-{1 + k:02d}-{10 + d:02d}",
                    department=dept, category="Tin hoạt động",
                    body=f"Chiều {10 + d}/{1 + k}/{year}, {dept} tổ chức hội nghị {topic}.\n"
                         f"Hội nghị thống nhất các nhiệm vụ trọng tâm của năm {year + 1}.",
                ))
    out.append(Article(
        id="x1", url="javascript:alert(1)", title="Thông báo lịch trực", body="Lịch trực tết của Văn phòng.",
        published="2022-12-30", department="Văn phòng", site="vp.example.gov.vn",
        attachments=[{"url": "https://vp.example.gov.vn/files/lich-truc.pdf", "title": "Lịch trực (PDF)"},
                     {"url": "javascript:alert(2)", "title": "Tệp độc hại"}],
    ))
    return out


def build_site(directory: Path, articles: list[Article] | None = None) -> tuple[Path, Path]:
    """Archive and index the site's articles under `directory`; returns (index, archive) paths."""
    archive_path, index_path = directory / "archive.sqlite3", directory / "index"
    with Archive(archive_path) as archive:
        for article in articles if articles is not None else site_articles():
            archive.upsert(article, commit=False)
        archive.commit()
        update_index(archive, index_path, directory / "segments.sqlite3", workers=1)
    return index_path, archive_path


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    index_path, archive_path = build_site(tmp_path_factory.mktemp("site"))
    app = create_app(EngineConfig(index_path.parent), per_page=3)
    yield app
    app.extensions["tracuu_index"].close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def page(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


def links(html: str, css_class: str) -> list[str]:
    """hrefs inside elements of a class (enough HTML parsing for our own templates)."""
    from bs4 import BeautifulSoup

    return [a["href"] for el in BeautifulSoup(html, "html.parser").select(f".{css_class}") for a in el.select("a")]


def text(html: str) -> str:
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "html.parser").get_text()


def params(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


# -- the search page ----------------------------------------------------------------------------------
def test_accentless_query_finds_marked_results_with_metadata(client: FlaskClient) -> None:
    html = page(client, "/?q=hoi+nghi+tong+ket")
    assert 'value="hoi nghi tong ket"' in html and "autofocus" in html
    assert re.search(r"<strong>\d+</strong> kết quả cho «hoi nghi tong ket»", html)
    assert "<mark>Hội</mark> <mark>nghị</mark> <mark>tổng</mark> <mark>kết</mark>" in html
    assert "18/01/2019" in html or "/2019<" in html  # dates as dd/mm/yyyy
    assert re.search(r">\d\d/\d\d/\d{4}</time>", html)
    assert "vp.example.gov.vn" in html and "Văn phòng" in html


def test_facet_links_narrow_and_chips_remove_filters(client: FlaskClient) -> None:
    html = page(client, "/?q=hoi+nghi")
    total = int(re.search(r"<strong>([\d.]+)</strong> kết quả", html).group(1).replace(".", ""))
    year_link = next(h for h in links(html, "facet-year") if params(h).get("year") == "2021")
    assert params(year_link) == {"q": "hoi nghi", "year": "2021"}
    narrowed = page(client, year_link)
    narrowed_total = int(re.search(r"<strong>([\d.]+)</strong> kết quả", narrowed).group(1))
    assert 0 < narrowed_total < total
    assert "Năm: 2021" in narrowed  # the chip
    dept_link = next(h for h in links(narrowed, "facet-department") if "Văn phòng" in params(h).values())
    both = page(client, dept_link)
    assert "Năm: 2021" in both and "Đơn vị: Văn phòng" in both
    chips = links(both, "chips")
    assert any(params(c) == {"q": "hoi nghi", "department": "Văn phòng"} for c in chips)  # removes the year
    assert any(params(c) == {"q": "hoi nghi"} for c in chips)  # "Bỏ mọi bộ lọc"


def test_a_long_facet_lists_its_commonest_values_and_says_how_many_it_leaves_out(
        client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from webapp import views

    monkeypatch.setattr(views, "FACET_SHOWN", 1)
    monkeypatch.setattr(views, "FACET_LISTED", 3)
    years = client.get("/api/search?q=hoi+nghi").get_json()["facets"]["year"]
    assert len(years) > 3  # the API keeps every value
    html = page(client, "/?q=hoi+nghi")
    listed = [params(h)["year"] for h in links(html, "facet-year")]
    assert listed == [y["value"] for y in years[:3]]
    assert "Xem thêm 2</summary>" in html
    assert f"và {len(years) - 3} giá trị khác" in text(html)


def test_pagination_keeps_every_filter(client: FlaskClient) -> None:
    url = "/?q=hoi+nghi&year=2021&department=V%C4%83n+ph%C3%B2ng&sort=newest&from=2021-01-01&to=2021-12-31"
    html = page(client, url)
    nav = links(html, "pagination")
    assert nav, "seven meetings at three per page must paginate"
    for href in nav:
        p = params(href)
        assert p["q"] == "hoi nghi" and p["year"] == "2021" and p["department"] == "Văn phòng"
        assert p["sort"] == "newest" and p["from"] == "2021-01-01" and p["to"] == "2021-12-31"
    second = page(client, next(h for h in nav if params(h).get("page") == "2"))
    assert 'aria-current="page">2<' in second


def test_year_chart_is_server_side_svg_linking_to_years(client: FlaskClient) -> None:
    html = page(client, "/?q=hoi+nghi")
    chart = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    years = {params(unescape(h))["year"] for h in re.findall(r'<a href="([^"]+)"', chart)}
    assert {"2019", "2020", "2021", "2022"} <= years
    assert "<script" not in chart and "http" not in chart  # drawn here, nothing loaded from outside


def test_sort_newest_orders_by_date(client: FlaskClient) -> None:
    data = client.get("/api/search?q=hoi+nghi&sort=newest&per_page=50").get_json()
    dates = [r["published"][:10] for r in data["results"]]
    assert dates == sorted(dates, reverse=True)


def test_did_you_mean_and_helpful_empty_page(client: FlaskClient) -> None:
    html = page(client, "/?q=h%C3%B4i+ngh%E1%BB%8B+t%E1%BB%95ng+k%E1%BA%BFt")  # "hôi nghị tổng kết"
    assert "Có phải bạn muốn tìm" in html and "hội nghị tổng kết" in html
    empty = page(client, "/?q=qwxyzzy&year=2020")
    assert "Không tìm thấy bài nào" in empty and "bỏ các bộ lọc" in empty and "không dấu" in empty


def test_home_page_lists_newest_posts(client: FlaskClient) -> None:
    html = page(client, "/")
    assert "Bài mới nhất" in html and "Thông báo lịch trực" in html  # the newest article (2022-12-30)


# -- the article page ---------------------------------------------------------------------------------
def test_article_page_marks_words_and_links_back_to_the_search(client: FlaskClient) -> None:
    html = page(client, "/?q=hoi+nghi+tong+ket&year=2019")
    href = links(html, "hits")[0]
    assert params(href)["q"] == "hoi nghi tong ket" and params(href)["year"] == "2019"
    article = page(client, href)
    assert "<mark>Hội</mark> <mark>nghị</mark>" in article
    back = links(article, "back")[0]
    assert params(back) == {"q": "hoi nghi tong ket", "year": "2019"}
    assert "Bản gốc" in article and "Bài liên quan" in article


def test_article_attachments_and_hostile_links(client: FlaskClient) -> None:
    html = page(client, "/article?id=x1")
    assert 'href="https://vp.example.gov.vn/files/lich-truc.pdf"' in html
    assert "Tệp độc hại" in html and 'href="javascript' not in html  # listed, but not as a link
    assert "Bản gốc" not in html  # the article's own javascript: URL is no link to an original
    listing = page(client, "/?q=lich+truc")
    assert "Thông báo lịch trực" in text(listing) and 'href="javascript' not in listing


def test_script_article_is_shown_as_text_everywhere(client: FlaskClient) -> None:
    from bs4 import BeautifulSoup

    for url in ("/?q=canh+bao+gia+mao", "/article?id=t12&q=script", "/article?id=t12", "/?q=script+dam"):
        soup = BeautifulSoup(page(client, url), "html.parser")
        # the only scripts are the site's own files: nothing of an article can run
        assert all(tag.get("src", "").startswith("/static/") and not tag.string for tag in soup.find_all("script"))
        assert soup.find_all("b") == []
        assert "<script>alert(" in soup.get_text() and "<b>đậm</b>" in soup.get_text()
    data = client.get("/api/search?q=canh+bao").get_json()
    hit = next(r for r in data["results"] if r["id"] == "t12")
    assert "<script>" in hit["title"]  # JSON carries the data; the snippet is escaped HTML
    assert "<script>" not in hit["snippet"]
    feed = client.get("/feed?q=canh+bao").get_data(as_text=True)
    assert "<script>" not in feed  # escaped by ElementTree


# -- the JSON API -------------------------------------------------------------------------------------
def test_api_shape(client: FlaskClient) -> None:
    data = client.get("/api/search?q=hoi+nghi&year=2021&per_page=2").get_json()
    assert set(data) == {"query", "total", "page", "per_page", "results", "facets", "suggestion", "error", "hints"}
    assert data["query"] == "hoi nghi" and data["page"] == 1 and data["per_page"] == 2
    assert len(data["results"]) == 2 and data["total"] > 2
    assert set(data["results"][0]) == {"id", "url", "title", "published", "department", "category", "site",
                                       "snippet", "score", "attachment_matches", "event_dates", "people"}
    assert data["results"][0]["attachment_matches"] == []
    assert set(data["facets"]) == {"year", "department", "category", "site", "person"}
    assert data["facets"]["year"] == [{"value": "2021", "count": data["total"]}]


@pytest.mark.parametrize("query, parameter", [
    ("year=abc", "year"), ("page=999999", "page"), ("per_page=0", "per_page"), ("sort=best", "sort"),
    ("from=2020-13-01", "from"), ("from=2021-05-01&to=2021-01-01", "from"), ("page=-1", "page"),
])
def test_api_invalid_parameter_is_400_with_one_error_shape(client: FlaskClient, query: str, parameter: str) -> None:
    response = client.get(f"/api/search?q=hoi&{query}")
    assert response.status_code == 400
    assert response.get_json().keys() == {"error", "parameter"}
    assert response.get_json()["parameter"] == parameter


# -- error pages --------------------------------------------------------------------------------------
@pytest.mark.parametrize("url, status, words", [
    ("/?q=hoi&page=999999", 400, "Tham số 'page' phải nằm trong khoảng"),
    ("/?q=hoi&year=abc", 400, "Năm không hợp lệ"),
    ("/?q=hoi&year=20199", 400, "Năm không hợp lệ"),
    ("/?q=hoi&from=2021-05-01&to=2021-01-01", 400, "Ngày bắt đầu"),
    ("/feed?year=1x", 400, "Năm không hợp lệ"),
    ("/article?id=khong-co", 404, "Không tìm thấy bài viết"),
    ("/article", 404, "Không tìm thấy bài viết"),
    ("/khong-co-trang-nay", 404, "Không tìm thấy trang"),
])
def test_error_pages_are_vietnamese(client: FlaskClient, url: str, status: int, words: str) -> None:
    html = page(client, url, status)
    assert words in unescape(html) and '<html lang="vi">' in html and 'name="q"' in html  # the box to search again


def test_wrong_method_and_api_404_answer_in_kind(client: FlaskClient) -> None:
    response = client.post("/?q=hoi")
    assert response.status_code == 405 and "GET" in response.headers["Allow"]
    assert "chỉ nhận yêu cầu GET" in response.get_data(as_text=True)
    api = client.get("/api/khong-co")
    assert api.status_code == 404 and api.get_json().keys() == {"error", "parameter"}


def test_unknown_parameters_are_ignored(client: FlaskClient) -> None:
    def without_timing(html: str) -> str:
        return re.sub(r'"elapsed">[^<]*<', "", html)

    assert without_timing(page(client, "/?q=hoi+nghi&utm_source=zalo&fbclid=x")) == without_timing(
        page(client, "/?q=hoi+nghi"))
    assert client.get("/api/search?q=hoi&foo=bar").status_code == 200


def test_missing_index_is_503_not_500(tmp_path: Path) -> None:
    app = create_app(EngineConfig(tmp_path))
    client = app.test_client()
    assert "tracuu index" in page(client, "/?q=hoi", 503)
    assert client.get("/api/search?q=hoi").status_code == 503
    assert client.get("/").status_code == 503


HOSTILE = [
    "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "'", '"', '""', '"""', "\\", "%", "%00",
    "\x00", "\x01\x0b\x0c", "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
    "title:", "title:\"", "-", "--", "-\"", "*", "?", "(", ")", "AND OR NOT", "a" * 5000,
    " ".join(["hội"] * 300), "../../etc/passwd", "{{7*7}}", "${jndi:x}", "ﷺ", "🙂" * 50, "\u202e", "x\ny",
    "9" * 40, "2019-99-99", "-1", "0", "nan", "1e309", " ",
]
ROUTES = ["/", "/api/search", "/feed", "/article"]
FIELDS = ["q", "year", "department", "category", "site", "from", "to", "sort", "page", "per_page", "id", "zzz"]
# every hostile value goes into q; the other parameters get the ones that could break parsing
FOR_FILTERS = ["<script>alert(1)</script>", "'", '"', "\x00", "\x01\x0b\x0c", "%", "a" * 5000, "-1", "0",
               "9" * 40, "1e309", "nan", "2019-99-99", " ", "\u202e"]


def test_never_a_500_on_hostile_input(client: FlaskClient) -> None:
    failures = []
    for route in ROUTES:
        for name in FIELDS:
            for value in HOSTILE if name == "q" else FOR_FILTERS:
                response = client.get(route, query_string={name: value, **({"q": "lịch trực"} if name != "q" else {})})
                if response.status_code >= 500 or response.status_code not in (200, 400, 404):
                    failures.append((route, name, value[:20], response.status_code))
                if route == "/api/search":
                    assert response.is_json  # JSON carries the text as data; nothing to escape
                    continue
                body = response.get_data(as_text=True)
                if "<script>alert" in body or "<img src=x" in body:
                    failures.append((route, name, value[:20], "unescaped"))
                if route == "/feed" and response.status_code == 200:
                    ET.fromstring(response.data)  # a feed reader must still parse it
    assert not failures, failures[:10]


def test_security_headers_on_every_response(client: FlaskClient) -> None:
    for url in ("/", "/?q=hoi", "/api/search?q=hoi", "/feed", "/opensearch.xml", "/article?id=t1", "/nope",
                "/static/style.css"):
        with client.get(url) as response:
            csp = response.headers["Content-Security-Policy"]
            assert "default-src 'self'" in csp and "script-src 'self'" in csp, url
            assert response.headers["X-Content-Type-Options"] == "nosniff"


# -- feed and OpenSearch ------------------------------------------------------------------------------
def test_feed_is_valid_atom_newest_first_with_filters(client: FlaskClient) -> None:
    response = client.get("/feed?q=hoi+nghi&department=Thanh+tra")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.data)
    assert root.tag == f"{ATOM}feed"
    assert "hoi nghi" in root.findtext(f"{ATOM}title") and "Thanh tra" in root.findtext(f"{ATOM}title")
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 8  # two meetings a year for four years
    published = [e.findtext(f"{ATOM}published") for e in entries]
    assert published == sorted(published, reverse=True)
    for entry in entries:
        assert entry.findtext(f"{ATOM}id") and entry.findtext(f"{ATOM}updated")
        assert entry.find(f"{ATOM}link[@rel='alternate']").get("href").startswith("http://localhost/article?")
        assert {c.get("term") for c in entry.findall(f"{ATOM}category")} >= {"Thanh tra"}
    alternate = root.find(f"{ATOM}link[@rel='alternate']").get("href")
    assert params(alternate) == {"q": "hoi nghi", "department": "Thanh tra"}


def test_feed_survives_characters_xml_forbids(client: FlaskClient) -> None:
    response = client.get("/feed", query_string={"q": "hội nghị\x00\x0c", "department": "Văn\x01 phòng"})
    assert response.status_code == 200
    ET.fromstring(response.data)


def test_opensearch_description_is_valid(client: FlaskClient) -> None:
    response = client.get("/opensearch.xml")
    assert response.mimetype == "application/opensearchdescription+xml"
    root = ET.fromstring(response.data)
    assert root.tag == f"{OPENSEARCH}OpenSearchDescription"
    assert root.findtext(f"{OPENSEARCH}ShortName") == "tracuu"
    templates = {u.get("type"): u.get("template") for u in root.findall(f"{OPENSEARCH}Url")}
    assert templates["text/html"] == "http://localhost/?q={searchTerms}"
    assert set(templates) == {"text/html", "application/atom+xml", "application/json"}
    assert 'rel="search" type="application/opensearchdescription+xml"' in page(client, "/")


def test_wsgi_entry_point_reads_the_settings(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    from tracuu.wsgi import create

    data_dir = Path(app.extensions["tracuu_index"].index_path).parent
    monkeypatch.setenv("TRACUU_DATA_DIR", str(data_dir))
    monkeypatch.setenv("TRACUU_PER_PAGE", "2")
    served = create()
    try:
        data = served.test_client().get("/api/search?q=hoi+nghi").get_json()
        assert data["total"] > 2 and served.config["TRACUU_PER_PAGE"] == 2
        assert page(served.test_client(), "/?q=hoi+nghi").count('class="result"') == 2
    finally:
        served.extensions["tracuu_index"].close()


def test_concurrent_clients_get_the_answers_one_client_gets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """8 clients at once against the real threaded server (as `tracuu serve` runs it): no 500, same results.

    The index is written uncompounded, as big indexes are: its postings are read from shared file
    handles, where concurrent searches used to corrupt each other's reads.
    """
    import threading
    from concurrent.futures import ThreadPoolExecutor

    import httpx
    from werkzeug.serving import make_server

    from indexer.whoosh_engine.writer import build

    monkeypatch.setattr(build, "SMALL_SEGMENT", 1)
    index_path, archive_path = build_site(tmp_path)
    app = create_app(EngineConfig(index_path.parent))

    queries = ["hoi nghi", "hội nghị tổng kết", "thi dua", '"giao ban"', "khuyen cong", "thanh tra"] * 8
    expected = {q: app.test_client().get("/api/search", query_string={"q": q, "per_page": 20}).get_json()
                for q in set(queries)}
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        def ask(q: str) -> tuple[str, int, dict]:
            r = httpx.get(f"http://127.0.0.1:{server.server_port}/api/search", params={"q": q, "per_page": 20})
            return q, r.status_code, r.json()

        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(ask, queries))
    finally:
        server.shutdown()
        thread.join()
        app.extensions["tracuu_index"].close()
    for q, status, data in answers:
        assert status == 200 and data == expected[q], q


@pytest.mark.parametrize("query", ["/?q=hội+nghị&year=2019&department=Văn+phòng&page=3",
                                   "/?department=Văn+phòng&q=a+%26+b", "/?q=hoi+nghi", "/?year=2020", "/"])
def test_facet_links_are_the_links_search_url_gives(app: Flask, query: str) -> None:
    """A results page builds ~100 facet links a facet in one pass: each the same URL as search_url's, in the
    same parameter order, the active value's link removing the filter, and the page reset."""
    from indexer.engine.response import FacetValue
    from webapp.filters import facet_links, search_url

    values = [FacetValue(v, 3) for v in ("Văn phòng", "Phòng Kế hoạch - Tài chính", "a&b=c", "", 2019)]
    with app.test_request_context(query):
        from flask import request

        for name in ("department", "year", "person"):
            active = request.args.get(name)
            links = facet_links(name, values, active)
            assert [fv for fv, _href, _on in links] == values
            assert [on for _fv, _href, on in links] == [active == fv.value for fv in values]
            assert [href for _fv, href, _on in links] == [
                search_url(**{name: None if active == fv.value else fv.value}) for fv in values]
