"""Generic extraction on small pages written for these tests: dates, titles, bodies, departments, lists."""

from __future__ import annotations

from datetime import date

import pytest

from crawl.dates import find_dates
from crawl.departments import department_from_line, normalize_department
from crawl.extract import extract_article, extract_list
from crawl.profiles import SiteProfile

URL = "https://khuyencong.example.gov.vn/vi/news/tin-tuc/hoi-nghi-tong-ket-12.html"
TODAY = date.today().strftime("%d/%m/%Y")


def page(dateline: str, *, title: str = "Hội nghị tổng kết phong trào thi đua năm 2018", signature: str = "Phòng HC-TH",
         extra_head: str = "", after_body: str = "") -> str:
    return f"""<html><head><title>{title} - Trung tâm Khuyến công</title>{extra_head}</head><body>
<div class="header"><span>Hôm nay: Thứ ba, {TODAY}</span><h1>Trung tâm Khuyến công</h1></div>
<ul class="menu"><li><a href="/vi/">Trang chủ</a></li><li><a href="/vi/news/">Tin tức sự kiện</a></li></ul>
<div class="content"><h2 class="title">{title}</h2><div class="meta">{dateline}</div>
<div class="bodytext"><p>Sáng ngày 18/01/2019 Trung tâm Khuyến công đã tổ chức Hội nghị tổng kết phong trào thi đua.</p>
<p>Tham dự Hội nghị có đại diện lãnh đạo Sở và toàn thể cán bộ, viên chức của Trung tâm.</p>
<p>{signature}</p></div>{after_body}</div>
<div class="sidebar"><h3>Tin mới</h3><p>Bài khác 25/12/2018</p></div>
<div class="box-related"><h3>Tin liên quan</h3>
<ul><li><a href="/vi/news/a-1.html">Tin cũ</a> (15/01/2019)</li></ul></div>
<div class="footer">Lượt truy cập: 12345 — Cập nhật lúc 10:00 {TODAY}</div></body></html>"""


@pytest.mark.parametrize(("dateline", "expected"), [
    ("Thứ sáu - 18/01/2019 08:30", "2019-01-18T08:30:00+07:00"),
    ("Thứ Sáu, 18/01/2019 08:30", "2019-01-18T08:30:00+07:00"),
    ("Thứ 6 - 18/01/2019", "2019-01-18"),
    ("Ngày đăng 18/01/2019 | 08:30 AM", "2019-01-18T08:30:00+07:00"),
    ("08:39 AM 18/01/2019", "2019-01-18T08:39:00+07:00"),
    ("ngày 18 tháng 01 năm 2019", "2019-01-18"),
    ("18-01-2019", "2019-01-18"),
    ("Đăng lúc 2019-01-18T08:30:00+07:00", "2019-01-18T08:30:00+07:00"),
], ids=["nukeviet", "comma", "thu-6", "liferay", "time-first", "words", "dashes", "iso"])
def test_date_formats_near_the_title(dateline: str, expected: str) -> None:
    article = extract_article(page(dateline), URL)
    assert article.published == expected
    assert article.date_source in ("text", "time")


def test_never_the_header_today_or_related_or_modified_date() -> None:
    article = extract_article(page("Cập nhật: 20/02/2019 | Đăng ngày 18/01/2019 08:30"), URL)
    assert article.published == "2019-01-18T08:30:00+07:00"
    no_date = extract_article(page(""), URL)
    # only the body's own "Sáng ngày 18/01/2019": never today's header, the sidebar or related list
    assert no_date.published == "2019-01-18"


def test_meta_published_wins_over_text_and_modified_is_ignored() -> None:
    head = ('<meta property="article:modified_time" content="2019-03-01T10:00:00+07:00">'
            '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2019-01-18T08:30:00+07:00",'
            ' "dateModified": "2019-03-01T10:00:00+07:00"}</script>')
    article = extract_article(page("", extra_head=head), URL)
    assert (article.published, article.date_source) == ("2019-01-18T08:30:00+07:00", "meta")


def test_list_date_settles_a_disagreement() -> None:
    article = extract_article(page(""), URL, list_date="2019-01-17")
    assert (article.published, article.date_source) == ("2019-01-17", "list")


def test_title_from_heading_not_title_tag_and_body_without_furniture() -> None:
    article = extract_article(page("Thứ sáu - 18/01/2019 08:30"), URL)
    assert article.title == "Hội nghị tổng kết phong trào thi đua năm 2018"
    assert article.body.split("\n\n") == [
        "Sáng ngày 18/01/2019 Trung tâm Khuyến công đã tổ chức Hội nghị tổng kết phong trào thi đua.",
        "Tham dự Hội nghị có đại diện lãnh đạo Sở và toàn thể cán bộ, viên chức của Trung tâm.",
        "Phòng HC-TH",
    ]
    assert article.extracted_by == "generic"


@pytest.mark.parametrize(("signature", "department"), [
    ("Phòng HC-TH", "Phòng HC-TH"),
    ("PHÒNG HC-TH", "Phòng HC-TH"),
    ("TT Khuyến công", "Trung tâm Khuyến công"),
    ("Thu Hà - Phòng QLTM", "Phòng QLTM"),
    ("Nguồn tin: Văn phòng Sở", "Văn phòng Sở"),
    ("PHÒNG HÀNH CHÍNH - TỔNG HỢP", "Phòng Hành chính - Tổng hợp"),
])
def test_department_from_the_signature_line(signature: str, department: str) -> None:
    article = extract_article(page("18/01/2019", signature=signature), URL)
    assert (article.department, article.department_raw) == (department, signature)


def test_department_aliases_and_section_default() -> None:
    profile = SiteProfile(
        id="kc", name="KC", start_urls=(URL,), allowed_hosts=("khuyencong.example.gov.vn",),
        section_departments=(("/vi/news/tin-tuc/", "Văn phòng Trung tâm"),),
        department_aliases=(("phòng hc-th", "Hành chính - Tổng hợp"), ("thu hà-phòng qltm", "Quản lý Thương mại")),
    )
    assert extract_article(page("18/01/2019"), URL, profile).department == "Hành chính - Tổng hợp"
    assert extract_article(page("18/01/2019", signature="Thu Hà - Phòng QLTM"), URL, profile).department == \
        "Quản lý Thương mại"
    unsigned = extract_article(page("18/01/2019", signature="Hội nghị kết thúc lúc 11 giờ cùng ngày."), URL, profile)
    assert (unsigned.department, unsigned.department_raw) == ("Văn phòng Trung tâm", None)


def test_sentences_are_not_signatures() -> None:
    assert department_from_line("Tham dự Hội nghị có ông Hà Lê Thanh Chung") is None
    assert department_from_line("Tác giả: Nguyễn Văn An") is None
    assert normalize_department("TRUNG TÂM KHUYẾN CÔNG") == "Trung tâm Khuyến công"


def test_attachments_with_their_text() -> None:
    files = '<p>Tải về: <a href="/uploads/ke-hoach-12.pdf">Kế hoạch số 12/KH-TTKC</a> ' \
            '<a href="/uploads/bieu-mau.docx">Biểu mẫu đăng ký</a> <a href="/vi/news/">Tin tức</a></p>'
    article = extract_article(page("18/01/2019", after_body=files), URL)
    assert article.attachments == [
        {"url": "https://khuyencong.example.gov.vn/uploads/ke-hoach-12.pdf", "title": "Kế hoạch số 12/KH-TTKC"},
        {"url": "https://khuyencong.example.gov.vn/uploads/bieu-mau.docx", "title": "Biểu mẫu đăng ký"},
    ]


def test_canonical_url_same_host_only_and_tracking_dropped() -> None:
    same = '<link rel="canonical" href="/vi/news/tin-tuc/hoi-nghi-tong-ket-12.html">'
    other = '<link rel="canonical" href="https://aggregator.example.com/copy/12">'
    assert extract_article(page("", extra_head=same), URL + "?utm_source=zalo#top").url == URL
    assert extract_article(page("", extra_head=other), URL + "?utm_source=zalo&id=3").url == URL + "?id=3"


def test_table_layout_page_keeps_the_text_not_the_menu() -> None:
    menu = "".join(f'<tr><td><a href="/m{i}.html">Mục menu số {i} của cổng</a></td></tr>' for i in range(15))
    html = f"""<html><head><title>Thông báo lịch tiếp công dân</title></head><body><table>
<tr><td width="200"><table>{menu}</table></td>
<td><font size="4"><b>Thông báo lịch tiếp công dân</b></font><br>Ngày 05/03/2018<br><br>
Lãnh đạo Sở tiếp công dân vào sáng thứ Năm hằng tuần tại trụ sở cơ quan, số 18 đường Trần Hưng Đạo.<br>
Công dân mang theo giấy tờ tùy thân và hồ sơ liên quan đến nội dung kiến nghị.<br>Văn phòng Sở</td></tr>
</table></body></html>"""
    article = extract_article(html, "http://so.example.gov.vn/tb.asp?id=7")
    assert article.published == "2018-03-05"
    assert "Mục menu" not in article.body and "Công dân mang theo" in article.body
    assert article.department == "Văn phòng Sở"


def test_profile_selectors_come_first_and_fall_back_when_empty() -> None:
    profile = SiteProfile(id="kc", name="KC", start_urls=(URL,), allowed_hosts=("khuyencong.example.gov.vn",),
                          title=".content h2", date=".meta", date_format="%d.%m.%Y", body=".bodytext")
    article = extract_article(page("18.01.2019"), URL, profile)
    assert (article.title, article.published, article.extracted_by) == (
        "Hội nghị tổng kết phong trào thi đua năm 2018", "2019-01-18T00:00:00+07:00", "profile")
    broken = SiteProfile(id="kc", name="KC", start_urls=(URL,), allowed_hosts=(), body=".nothing-here")
    assert extract_article(page("18/01/2019"), URL, broken).extracted_by == "generic"


def test_find_dates_rejects_impossible_dates() -> None:
    assert find_dates("31/02/2019 và 18/13/2019") == []


# -- list pages -------------------------------------------------------------------------------------
LIST = """<html><body><div class="header"><span>{today}</span></div>
<ul class="nav"><li><a href="/vi/news/hoat-dong-khuyen-cong/">Hoạt động khuyến công tỉnh nhà</a></li></ul>
<div class="list">
<div class="item"><h3>
<a href="/vi/news/tin-tuc/thong-bao-lich-hop-giao-ban-21.html">Thông báo lịch họp giao ban tháng 3</a></h3>
<span>05/03/2019 | 09:15 AM</span><a href="/vi/news/tin-tuc/thong-bao-lich-hop-giao-ban-21.html">Xem tiếp</a></div>
<div class="item"><h3>
<a href="/vi/news/tin-tuc/ke-hoach-20.html?utm_source=fb">Kế hoạch (từ ngày 01 đến 15/4/2020) triển khai</a></h3>
<span>01/03/2019</span></div>
<div class="item"><h3><a href="/uploads/quyet-dinh-so-5.pdf">Quyết định số 5 về khen thưởng năm 2018</a></h3></div>
</div>
<div class="pages"><a href="/vi/news/page-1">1</a> <a href="/vi/news/page-2">2</a> <a href="/vi/news/page-3">3</a></div>
</body></html>"""


def test_list_items_dates_and_next_page() -> None:
    listing = extract_list(LIST.format(today=TODAY), "https://kc.example.gov.vn/vi/news/")
    assert [(i.url, i.title, i.date) for i in listing.items] == [
        ("https://kc.example.gov.vn/vi/news/tin-tuc/thong-bao-lich-hop-giao-ban-21.html",
         "Thông báo lịch họp giao ban tháng 3", "2019-03-05T09:15:00+07:00"),
        ("https://kc.example.gov.vn/vi/news/tin-tuc/ke-hoach-20.html",
         "Kế hoạch (từ ngày 01 đến 15/4/2020) triển khai", "2019-03-01"),
    ]
    assert listing.next_url == "https://kc.example.gov.vn/vi/news/page-2"
    second = extract_list(LIST.format(today=TODAY), "https://kc.example.gov.vn/vi/news/page-2")
    assert second.next_url == "https://kc.example.gov.vn/vi/news/page-3"


def test_list_profile_selectors() -> None:
    profile = SiteProfile(id="kc", name="KC", start_urls=("https://kc.example.gov.vn/vi/news/",),
                          allowed_hosts=("kc.example.gov.vn",), list_item="div.item", list_link="h3 a",
                          list_date="span", next_page=".pages a:last-child")
    listing = extract_list(LIST.format(today=TODAY), "https://kc.example.gov.vn/vi/news/", profile)
    assert [i.date for i in listing.items] == ["2019-03-05T09:15:00+07:00", "2019-03-01", None]
    assert listing.next_url == "https://kc.example.gov.vn/vi/news/page-3"
