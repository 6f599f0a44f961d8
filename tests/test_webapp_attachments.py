"""The article page's attachments (type, size, pages, how read, why not, OCR waiting, snippets) and archived copies."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient

from archive import PAGE_BREAK, Archive, Article, FileStore
from indexer.backend import EngineConfig
from indexer.whoosh_engine.writer.build import update_index
from tracuu.demosite.files import docx_bytes, pdf_bytes
from webapp import create_app

SITE = "https://sct.bacson.test"
ARTICLE_ID = f"{SITE}/tin/phe-duyet-danh-sach-1568.html"
DECISION = pdf_bytes(["Quyet dinh so 1568/QD-UBND", "Danh sach co so duoc ho tro"])
PLAN = docx_bytes(["Kế hoạch hỗ trợ làng nghề năm 2020", "Làng nghề rèn Phúc Sen"])
DECISION_PAGES = [
    "Quyết định số 1568/QĐ-UBND phê duyệt danh sách cơ sở công nghiệp nông thôn được hỗ trợ.",
    "Phụ lục. Cơ sở sản xuất nón lá Thanh Hà, xã Thanh Hà: máy khâu vành nón, 180 triệu đồng.",
    "Nơi nhận: Như Điều 3; Lưu: VT.",
]
MISSING_HASH = "ab" * 32  # an entry whose file the store does not have (a backup restored without files/)


def attachments(store: FileStore) -> list[dict]:
    return [
        {"url": f"{SITE}/uploads/QD-1568-UBND.pdf", "title": "Quyết định số 1568/QĐ-UBND", "type": "pdf",
         "size": 1_258_291, "hash": store.put(DECISION), "text": PAGE_BREAK.join(DECISION_PAGES),
         "method": "text-layer", "pages": 3},
        {"url": f"{SITE}/uploads/Giay-moi-hop-scan.pdf", "title": "Giấy mời họp", "type": "pdf", "size": 231_000,
         "hash": MISSING_HASH, "text": PAGE_BREAK.join(["Giấy mời họp", ""]), "method": "text-layer+ocr",
         "pages": 2, "ocr_pending": [2]},
        {"url": f"{SITE}/uploads/K%E1%BA%BF-ho%E1%BA%A1ch.docx", "title": "", "type": "docx", "size": 2048,
         "hash": store.put(PLAN), "text": "Kế hoạch hỗ trợ làng nghề năm 2020. Làng nghề rèn Phúc Sen.",
         "method": "document", "pages": 1},
        {"url": f"{SITE}/uploads/bao-cao.doc", "title": "Báo cáo có mật khẩu", "type": "doc", "size": 30_720,
         "hash": store.put(b"\xd0\xcf\x11\xe0 not really a Word file"), "error": "encrypted"},
        {"url": f"{SITE}/uploads/hong.xlsx", "title": "Bảng tổng hợp", "error": "corrupt: zip: bad CRC-32"},
        {"url": f"{SITE}/uploads/lon.pdf", "title": "Hồ sơ quét", "size": 52_428_800,
         "error": "too large: 50 MB, over the 20 MB cap"},
    ]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    data = tmp_path_factory.mktemp("data")
    store = FileStore(EngineConfig(data).files_path)
    article = Article(id=ARTICLE_ID, url=ARTICLE_ID, site="sct.bacson.test", published="2021-04-08T15:30:00+07:00",
                      title="Phê duyệt danh sách cơ sở được hỗ trợ kinh phí khuyến công năm 2021",
                      body="Ủy ban nhân dân tỉnh ban hành quyết định phê duyệt danh sách 16 cơ sở.",
                      attachments=attachments(store))
    with Archive(data / "archive.sqlite3") as archive:
        archive.upsert(article)
        update_index(archive, data / "index", data / "segments.sqlite3", workers=1)
    app = create_app(EngineConfig(data))
    yield app
    app.extensions["tracuu_index"].close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def article_page(client: FlaskClient, **params: str) -> BeautifulSoup:
    response = client.get("/article", query_string={"id": ARTICLE_ID, **params})
    assert response.status_code == 200
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def items(soup: BeautifulSoup) -> list[BeautifulSoup]:
    return soup.select(".attachments li.attachment")


def squeeze(text: str) -> str:
    return " ".join(text.split())


def test_each_attachment_shows_type_size_pages_and_how_it_was_read(client: FlaskClient) -> None:
    decision, scan, plan, *_ = items(article_page(client))
    assert squeeze(decision.select_one(".att-title").get_text()) == "PDF Quyết định số 1568/QĐ-UBND"
    assert squeeze(decision.select_one(".att-facts").get_text()) == (
        "QD-1568-UBND.pdf · 1,2 MB · 3 trang · đọc bằng lớp chữ của tệp")
    assert "đọc bằng lớp chữ của tệp và nhận dạng ký tự (OCR)" in squeeze(scan.get_text())
    # a Word file's text is one block: no page count; its name comes from the URL, percent-decoded
    assert squeeze(plan.select_one(".att-facts").get_text()) == "Kế-hoạch.docx · 2 KB · đọc bằng nội dung văn bản"
    assert squeeze(plan.select_one(".att-title").get_text()) == "Word (.docx) Kế-hoạch.docx"


def test_original_and_archived_links_only_when_there_is_a_copy(client: FlaskClient) -> None:
    decision, scan, plan, report, broken, large = items(article_page(client))
    assert decision.select_one("a.att-original")["href"] == f"{SITE}/uploads/QD-1568-UBND.pdf"
    archived = decision.select_one("a.att-archived")
    assert archived.get_text() == "Bản lưu" and archived["href"].startswith("/tep/")
    assert scan.select_one("a.att-original") and scan.select_one("a.att-archived") is None  # not in the store
    assert plan.select_one("a.att-archived") and report.select_one("a.att-archived")
    assert broken.select_one("a.att-archived") is None and large.select_one("a.att-archived") is None


def test_failures_and_waiting_pages_are_said_in_plain_vietnamese(client: FlaskClient) -> None:
    decision, scan, _plan, report, broken, large = items(article_page(client))
    assert squeeze(scan.select_one(".att-pending").get_text()) == "Đang chờ nhận dạng ký tự (OCR): 1 trang"
    assert report.select_one(".att-error").get_text() == "Tệp có mật khẩu nên không đọc được nội dung."
    assert broken.select_one(".att-error").get_text() == "Tệp hỏng, không đọc được nội dung."
    assert large.select_one(".att-error").get_text() == "Tệp quá lớn nên không được tải về để đọc."
    assert "Excel (.xlsx)" in broken.get_text() and "50 MB" in large.get_text()  # type from the name, size known
    assert decision.select_one(".att-error") is None and decision.select_one(".att-pending") is None
    assert "CRC" not in broken.get_text()  # the technical detail stays in the archive


def test_the_archived_copy_downloads_with_its_bytes_type_and_name(client: FlaskClient) -> None:
    href = items(article_page(client))[0].select_one("a.att-archived")["href"]
    response = client.get(href)
    assert response.status_code == 200 and response.data == DECISION
    assert response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''QD-1568-UBND.pdf" in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert client.get(href, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304


def test_a_vietnamese_name_is_sent_encoded_and_fixed_to_what_the_bytes_are(client: FlaskClient) -> None:
    plan = items(article_page(client))[2].select_one("a.att-archived")["href"]
    disposition = client.get(plan).headers["Content-Disposition"]
    assert f"filename*=UTF-8''{quote('Kế-hoạch.docx', safe='')}" in disposition
    assert 'filename="Ke-hoach.docx"' in disposition  # for browsers without filename*
    digest = plan.split("/tep/", 1)[1].split("?", 1)[0]
    renamed = client.get(f"/tep/{digest}", query_string={"ten": "../../trang.html"})
    name = unquote(renamed.headers["Content-Disposition"].split("filename*=UTF-8''", 1)[1])
    assert name == "trang.html.docx"  # no path, and the extension its bytes have
    assert renamed.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    unnamed = client.get(f"/tep/{digest}")
    assert f"tep-{digest[:12]}.docx" in unnamed.headers["Content-Disposition"]


def test_an_unknown_file_is_an_octet_stream_download(client: FlaskClient) -> None:
    report = items(article_page(client))[3].select_one("a.att-archived")["href"]
    response = client.get(report)
    assert response.status_code == 200 and response.mimetype == "application/octet-stream"
    assert response.headers["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize("digest", [MISSING_HASH, "AB" * 32, "abc", "..%2F..%2Farchive.sqlite3", "0" * 65])
def test_a_bad_or_missing_hash_is_a_vietnamese_404_page(client: FlaskClient, digest: str) -> None:
    response = client.get(f"/tep/{digest}")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "Content-Disposition" not in response.headers
    assert "Không tìm thấy" in response.get_data(as_text=True)


def test_a_search_shows_the_marked_attachment_snippet_with_its_page(client: FlaskClient) -> None:
    decision = items(article_page(client, q="nón lá"))[0]
    match = decision.select_one(".att-match")
    assert match.select_one(".att-page").get_text() == "Trang 2:"
    assert "<mark>nón</mark> <mark>lá</mark>" in str(match)
    assert "Cơ sở sản xuất nón lá Thanh Hà" in match.get_text()
    accentless = items(article_page(client, q="non la"))[0].select_one(".att-match")
    assert accentless is not None and "Trang 2" in accentless.get_text()
    assert not article_page(client).select(".att-match")  # no search, no snippets
    assert not article_page(client, q="khuyến công").select(".att-match")  # words of the post itself


def test_a_hostile_snippet_stays_text(tmp_path: Path) -> None:
    hostile = Article(id="h1", url="https://sct.test/h1", title="Thông báo", body="Thông báo của Sở.",
                      attachments=[{"url": "https://sct.test/x.pdf", "title": "<b>x</b>", "type": "pdf",
                                    "text": "Giấy mời <script>alert(1)</script> họp", "pages": 1}])
    with Archive(tmp_path / "archive.sqlite3") as archive:
        archive.upsert(hostile)
        update_index(archive, tmp_path / "index", tmp_path / "segments.sqlite3", workers=1)
    app = create_app(EngineConfig(tmp_path))
    try:
        html = app.test_client().get("/article", query_string={"id": "h1", "q": "giấy mời"}).get_data(as_text=True)
    finally:
        app.extensions["tracuu_index"].close()
    assert "<script>alert" not in html and "&lt;script&gt;" in html and "<b>x</b>" not in html
    assert re.search(r"<mark>Giấy</mark> <mark>mời</mark>", html)
