"""HTML of the demo portal, in the shape of a NukeViet 4 news module.

The pages carry the traps real agency portals have: today's date in the header, dated "Tin liên quan"
and "Tin mới" lists around the article, a " - Sở Công Thương ..." title suffix, a sticky notice on every
list page, share and external links, an /admin/ link. Extraction code must see through all of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from html import escape
from urllib.parse import quote

from tracuu.demosite.content import (
    ADDRESS,
    CATEGORIES,
    CENTER_NAME,
    EMAIL,
    FAX,
    PHONE,
    SITE_NAME,
    DemoArticle,
    vietnamese_weekday,
)

TITLE_SUFFIX = " - " + SITE_NAME

STYLE_CSS = """body{font-family:Arial,Helvetica,sans-serif;margin:0;background:#f3f3f3;color:#222}
#header{background:#0b5394;color:#fff;padding:12px 20px}#header .site-name{font-size:22px;font-weight:bold}
#header .current-time{float:right;font-size:13px}#menu-site-default ul{list-style:none;margin:0;padding:0;
background:#073763}#menu-site-default li{display:inline-block}#menu-site-default a{color:#fff;display:block;
padding:8px 12px;text-decoration:none}.wraper{display:flex;gap:16px;padding:16px}.main{flex:3}
.sidebar{flex:1}.panel{background:#fff;padding:12px;margin-bottom:12px}.date{color:#888;font-size:12px}
.pinned{border-left:4px solid #c00}#footer{background:#073763;color:#ddd;padding:12px 20px;font-size:13px}
#footer a{color:#fff}.generate_page a,.generate_page strong{margin:0 4px}
"""

_EXTERNAL_LINKS = [
    ("Bộ Công Thương", "https://moit.gov.vn/"),
    ("Cổng thông tin điện tử Chính phủ", "https://chinhphu.vn/"),
]


def e(text: object) -> str:
    return escape(str(text), quote=True)


def day_text(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def article_date_line(article: DemoArticle) -> str:
    """'Thứ sáu - 18/01/2019 08:30', the NukeViet article date line."""
    published = article.published
    return f"{vietnamese_weekday(published.date())} - {published.strftime('%d/%m/%Y %H:%M')}"


def today_line(today: date) -> str:
    """'Thứ Sáu, 27/11/2026', the header clock every page shows."""
    return f"{vietnamese_weekday(today, title_case=True)}, {day_text(today)}"


def view_count(article_id: int) -> int:
    """A plausible, fixed hit counter."""
    return 87 + (article_id * 7919) % 2903


def list_url(category_slug: str | None, page: int = 1) -> str:
    base = f"/vi/news/{category_slug}/" if category_slug else "/vi/news/"
    return base if page <= 1 else f"{base}page-{page}"


def _layout(title: str, main: str, sidebar: str, *, today: date, canonical: str | None = None,
            head_extra: str = "") -> str:
    menu = "".join(f'<li><a href="{list_url(slug)}" title="{e(name)}">{e(name)}</a></li>'
                   for slug, name in CATEGORIES.items())
    canonical_link = f'<link rel="canonical" href="{e(canonical)}">\n' if canonical else ""
    return f"""<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)}</title>
<meta name="generator" content="NukeViet v4.4">
{canonical_link}{head_extra}<link rel="stylesheet" href="/themes/default/css/style.css">
</head>
<body>
<div id="header">
<div class="current-time">{e(today_line(today))}</div>
<div class="site-name"><a href="/" style="color:#fff;text-decoration:none">{e(SITE_NAME.upper())}</a></div>
<div class="site-description">{e(CENTER_NAME)}</div>
</div>
<nav id="menu-site-default"><ul>
<li><a href="/" title="Trang chủ">Trang chủ</a></li><li><a href="/vi/news/" title="Tin tức">Tin tức</a></li>{menu}
</ul></nav>
<div class="wraper">
<div class="main">
{main}
</div>
<div class="sidebar">
{sidebar}
</div>
</div>
<div id="footer">
<p><strong>{e(SITE_NAME.upper())}</strong></p>
<p>Địa chỉ: {e(ADDRESS)}</p>
<p>Điện thoại: {e(PHONE)} - Fax: {e(FAX)} - Email: <a href="mailto:{e(EMAIL)}">{e(EMAIL)}</a></p>
<p>Chịu trách nhiệm chính: Giám đốc Sở Nguyễn Văn Thành</p>
<p>© Bản quyền thuộc {e(SITE_NAME)}. Ghi rõ nguồn khi phát hành lại thông tin từ website này.</p>
<p class="demo-note">Trang mô phỏng dùng cho bản trình diễn tracuu: tên tỉnh, tên người và số liệu đều là
hư cấu.</p>
<p><a href="/sitemap.xml">Sơ đồ trang</a> | <a href="/admin/">Quản trị</a></p>
</div>
</body>
</html>
"""


def _sidebar(newest: Iterable[DemoArticle], notices: Iterable[DemoArticle]) -> str:
    new_items = "".join(f'<li><a href="{e(a.path)}">{e(a.title)}</a></li>' for a in newest)
    notice_items = "".join(
        f'<li><a href="{e(a.path)}">{e(a.title)}</a> <span class="date">{day_text(a.published)}</span></li>'
        for a in notices
    )
    links = "".join(f'<li><a href="{e(url)}" target="_blank" rel="noopener">{e(name)}</a></li>'
                    for name, url in _EXTERNAL_LINKS)
    blocks = [f'<div class="panel block-news-new"><h2>Tin mới</h2><ul>{new_items}</ul></div>'] if new_items else []
    blocks.append(f'<div class="panel block-notices"><h2>Thông báo</h2><ul>{notice_items}</ul></div>')
    blocks.append(f'<div class="panel block-links"><h2>Liên kết website</h2><ul>{links}</ul></div>')
    return "\n".join(blocks)


def _item(article: DemoArticle, *, pinned: bool = False) -> str:
    label = '<span class="label">Tin nổi bật</span> ' if pinned else ""
    return (
        f'<div class="item{" pinned" if pinned else ""}">{label}'
        f'<h3><a href="{e(article.path)}" title="{e(article.title)}">{e(article.title)}</a></h3>'
        f'<span class="date">{day_text(article.published)}</span> '
        f'<span class="cat">{e(article.category)}</span>'
        f'<p class="summary">{e(article.summary)}</p></div>'
    )


def render_home(articles: list[DemoArticle], *, today: date, base_url: str) -> str:
    """Home: the five newest posts (absolute links, with dates) and three per category."""
    newest = "".join(
        f'<li><a href="{e(base_url + a.path)}">{e(a.title)}</a> <span class="date">({day_text(a.published)})'
        f"</span></li>" for a in articles[:5]
    )
    blocks = []
    for slug, name in CATEGORIES.items():
        items = [a for a in articles if a.category_slug == slug][:3]
        links = "".join(f'<li><a href="{e(a.path)}">{e(a.title)}</a></li>' for a in items)
        blocks.append(f'<div class="panel cat-block"><h2><a href="{list_url(slug)}">{e(name)}</a></h2>'
                      f"<ul>{links}</ul></div>")
    main = (f'<div class="panel block-news-new"><h2>Tin mới</h2><ul class="news-new">{newest}</ul></div>\n'
            + "\n".join(blocks))
    notices = [a for a in articles if a.category_slug == "thong-bao"][:3]
    return _layout(f"{SITE_NAME} - Cổng thông tin điện tử", main, _sidebar([], notices), today=today,
                   canonical=base_url + "/")


def _pagination(category_slug: str | None, page: int, pages: int) -> str:
    if pages <= 1:
        return ""
    parts = []
    if page > 1:
        parts.append(f'<a href="{list_url(category_slug, page - 1)}" rel="prev">« Trang trước</a>')
    for number in range(1, pages + 1):
        if number == page:
            parts.append(f'<strong class="active">{number}</strong>')
        else:
            parts.append(f'<a href="{list_url(category_slug, number)}">{number}</a>')
    if page < pages:
        parts.append(f'<a href="{list_url(category_slug, page + 1)}" rel="next" title="Trang sau">Trang sau »</a>')
    return '<div class="generate_page">' + " ".join(parts) + "</div>"


def render_list(items: list[DemoArticle], *, pinned: list[DemoArticle], category_slug: str | None, page: int,
                pages: int, newest: list[DemoArticle], notices: list[DemoArticle], today: date,
                base_url: str) -> str:
    """One list page: sticky notice(s) first, then this page's items, then page links."""
    name = CATEGORIES[category_slug] if category_slug else "Tin tức"
    crumbs = '<a href="/">Trang chủ</a> » <a href="/vi/news/">Tin tức</a>'
    if category_slug:
        crumbs += f' » <a href="{list_url(category_slug)}">{e(name)}</a>'
    pinned_html = "".join(_item(a, pinned=True) for a in pinned)
    main = (
        f'<div class="breadcrumbs">{crumbs}</div>\n<h1 class="cat-title">{e(name)}</h1>\n'
        f'<div class="news-pinned">{pinned_html}</div>\n'
        f'<div class="news-list">\n' + "\n".join(_item(a) for a in items) + "\n</div>\n"
        + _pagination(category_slug, page, pages)
    )
    title = name + (f" - Trang {page}" if page > 1 else "") + TITLE_SUFFIX
    return _layout(title, main, _sidebar(newest, notices), today=today,
                   canonical=base_url + list_url(category_slug, page))


def render_article(article: DemoArticle, *, related: list[DemoArticle], newest: list[DemoArticle],
                   notices: list[DemoArticle], today: date, base_url: str) -> str:
    """An article page: heading, date line, body with the signature last, attachments, boilerplate."""
    url = base_url + article.path
    category_url = list_url(article.category_slug)
    body = "\n".join(f"<p>{e(p)}</p>" for p in article.paragraphs)
    body += f'\n<p style="text-align:right"><strong>{e(article.signature)}</strong></p>'
    attachments = "".join(
        f'<p>Tải về: <a href="/uploads/{e(a["file"])}" title="{e(a["title"])}">{e(a["title"])}</a></p>'
        for a in article.attachments
    )
    if attachments:
        attachments = f'<div class="news-attachments">{attachments}</div>\n'

    related_items = "".join(
        f'<li><a href="{e(a.path)}">{e(a.title)}</a> <em>({day_text(a.published)})</em></li>' for a in related
    )
    share = "https://www.facebook.com/sharer/sharer.php?u=" + quote(url, safe="")
    main = f"""<div class="breadcrumbs"><a href="/">Trang chủ</a> » <a href="/vi/news/">Tin tức</a> » \
<a href="{category_url}">{e(article.category)}</a></div>
<div class="panel news-detail">
<h1 class="title">{e(article.title)}</h1>
<div class="meta"><span class="h5">{e(article_date_line(article))}</span></div>
<div id="news-bodyhtml" class="bodytext">
{body}
</div>
{attachments}<div class="news-info"><span class="hitcount">Lượt xem: {view_count(article.id)}</span></div>
<div class="news-share">Chia sẻ: <a href="{e(share)}" rel="nofollow noopener" target="_blank">Facebook</a></div>
</div>
<div class="panel news-related"><h2>Tin liên quan</h2><ul class="related">{related_items}</ul></div>"""
    head = (f'<meta property="og:type" content="article">\n<meta property="og:title" content="{e(article.title)}">\n'
            f'<meta property="og:url" content="{e(url)}">\n')
    return _layout(article.title + TITLE_SUFFIX, main, _sidebar(newest, notices), today=today, canonical=url,
                   head_extra=head)


def render_error(status: int, message: str, *, today: date) -> str:
    main = (f'<div class="panel error"><h1>Lỗi {status}</h1><p>{e(message)}</p>'
            '<p><a href="/">Về trang chủ</a></p></div>')
    return _layout(f"Lỗi {status}{TITLE_SUFFIX}", main, "", today=today)


def render_admin() -> str:
    """The admin login page: exists, is linked from the footer, and robots.txt forbids it."""
    return """<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>Đăng nhập quản trị</title>
<meta name="robots" content="noindex, nofollow"></head>
<body><h1>Đăng nhập khu vực quản trị</h1>
<form method="post" action="/admin/index.php"><p>Tên đăng nhập: <input name="nv_login"></p>
<p>Mật khẩu: <input type="password" name="nv_password"></p><p><button>Đăng nhập</button></p></form>
</body></html>
"""


def render_sitemap(articles: Iterable[DemoArticle], base_url: str) -> str:
    """Every article URL with its last change as a W3C datetime in Vietnam time."""
    urls = "".join(
        f"<url><loc>{e(base_url + a.path)}</loc>"
        f"<lastmod>{a.last_modified.strftime('%Y-%m-%dT%H:%M:%S')}+07:00</lastmod></url>\n"
        for a in articles
    )
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}</urlset>\n')
