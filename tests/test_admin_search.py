"""Administrative Vietnamese end to end, through the JSON API and the pages of a real index: abbreviations
("ubnd tinh" finds both forms), filters the query's words name (offered, never applied), the days events
take place on ("Diễn ra", event_from/event_to) and the people named (the "Người" facet and filter)."""

from __future__ import annotations

from collections.abc import Iterator
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from archive import Article
from indexer.backend import EngineConfig
from tests.test_webapp import build_site
from webapp import create_app

HCTH = "Phòng Hành chính - Tổng hợp"
ALIASES = (("HC-TH", HCTH),)  # as a site profile's [departments.aliases] table gives them


def agency_articles() -> list[Article]:
    """Posts in the way a provincial department writes them (written for these tests)."""
    def post(id: str, title: str, body: str, published: str, department: str) -> Article:
        return Article(id=id, title=title, body=body, published=published, department=department,
                       url=f"https://sct.example.gov.vn/tin/{id}.html", site="sct.example.gov.vn",
                       category="Tin hoạt động")

    return [
        post("ub1", "UBND tỉnh họp phiên thường kỳ tháng 1",
             "Sáng ngày 18/01/2019, UBND tỉnh tổ chức phiên họp thường kỳ tháng 1. Ông Hà Lê Thanh Chung – "
             "Phó Giám đốc Sở Công Thương báo cáo tình hình sản xuất công nghiệp.\nPhòng HC-TH",
             "2019-01-20T09:00:00+07:00", HCTH),
        post("ub2", "Ủy ban nhân dân tỉnh ban hành kế hoạch cải cách hành chính",
             "Ngày 5 tháng 3 năm 2020, Ủy ban nhân dân tỉnh họp triển khai kế hoạch cải cách hành chính giai "
             "đoạn mới, giao các sở thực hiện.", "2020-03-06", "Phòng Kế hoạch - Tài chính"),
        post("hn2018", "Hội nghị tổng kết phong trào thi đua năm 2018",
             "Chiều 16/5, Sở tổ chức hội nghị tổng kết phong trào thi đua. Bà Nguyễn Thị Mai, Trưởng phòng "
             "Hành chính - Tổng hợp chủ trì hội nghị.", "2018-05-17", HCTH),
        post("hn2019", "Hội nghị tổng kết công tác năm 2019",
             "Ngày 27/12/2019, Sở tổ chức hội nghị tổng kết công tác năm. Đồng chí Hà Lê Thanh Chung, Phó Giám "
             "đốc Sở phát biểu chỉ đạo.", "2019-12-28", "Phòng Quản lý công nghiệp"),
        post("hn2018b", "Hội nghị sơ kết công tác quản lý thị trường năm 2018",
             "Hội nghị sơ kết công tác quản lý thị trường sáu tháng đầu năm.", "2018-07-02",
             "Phòng Quản lý thương mại"),
        post("hn2019b", "Hội nghị rút kinh nghiệm công tác thi đua năm 2018",
             "Đầu năm mới, Sở rút kinh nghiệm công tác thi đua năm trước.", "2019-01-05",
             "Phòng Quản lý thương mại"),
        post("kc1", "Trung tâm Khuyến công tập huấn cho doanh nghiệp",
             "Trung tâm Khuyến công tổ chức lớp tập huấn nâng cao năng lực quản lý cho doanh nghiệp nông thôn.",
             "2021-04-10", "Trung tâm Khuyến công"),
    ]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    index_path, _archive = build_site(tmp_path_factory.mktemp("agency"), agency_articles())
    return index_path.parent


@pytest.fixture(scope="module")
def app(site: Path) -> Iterator[Flask]:
    app = create_app(EngineConfig(site), department_aliases=ALIASES)
    app.config.update(TESTING=True)
    yield app
    app.extensions["tracuu_index"].close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def api(client: FlaskClient, **params: str) -> dict:
    response = client.get("/api/search", query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def ids(data: dict) -> list[str]:
    return [r["id"] for r in data["results"]]


def params(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(unescape(url)).query).items()}


# -- abbreviations ----------------------------------------------------------------------------------
def test_an_abbreviation_finds_both_forms_the_typed_one_first(client: FlaskClient) -> None:
    short = ids(api(client, q="ubnd tinh"))
    assert {"ub1", "ub2"} <= set(short) and short.index("ub1") < short.index("ub2")
    full = ids(api(client, q="ủy ban nhân dân tỉnh"))
    assert {"ub1", "ub2"} <= set(full) and full.index("ub2") < full.index("ub1")


def test_a_deployment_adds_abbreviations_through_its_file(site: Path, tmp_path: Path) -> None:
    assert "kc1" not in ids(api(create_app(EngineConfig(site)).test_client(), q="ttkc"))
    table = tmp_path / "ours.tsv"
    table.write_text("# this province's own\nTTKC\tTrung tâm Khuyến công\tours\n", encoding="utf-8")
    ours = create_app(EngineConfig(site, abbreviations_file=str(table)))
    assert ids(api(ours.test_client(), q="ttkc")) == ["kc1"]


def test_a_broken_abbreviations_file_is_named(site: Path, tmp_path: Path) -> None:
    from indexer.engine import IndexerError

    table = tmp_path / "broken.tsv"
    table.write_text("TTKC without a tab\n", encoding="utf-8")
    with pytest.raises(IndexerError, match="broken.tsv"):
        create_app(EngineConfig(site, abbreviations_file=str(table)))


# -- hinted filters ---------------------------------------------------------------------------------
def test_words_that_name_filters_are_offered_not_applied(client: FlaskClient) -> None:
    data = api(client, q="hội nghị phòng HC-TH 2018")
    hints = {h["parameter"]: h for h in data["hints"]}
    assert set(hints) == {"department", "year"}
    assert hints["department"]["value"] == HCTH and hints["year"]["value"] == "2018"
    assert hints["year"]["label"] and hints["department"]["label"].endswith("Hành chính - Tổng hợp")
    # nothing filtered silently: a post of 2019 about 2018 is still found when "2018" hints the year
    plain = api(client, q="hội nghị 2018")
    assert [h["value"] for h in plain["hints"]] == ["2018"] and "hn2019b" in ids(plain)
    # a client applies a hint with its query: the words it names leave the search
    department = hints["department"]
    assert "HC-TH" not in department["query"] and "hội nghị" in department["query"]
    narrowed = api(client, q=department["query"], department=department["value"], year="2018")
    assert ids(narrowed) == ["hn2018"]


def test_a_filter_already_set_is_not_offered_again(client: FlaskClient) -> None:
    data = api(client, q="hội nghị phòng HC-TH 2018", year="2018")
    assert [h["parameter"] for h in data["hints"]] == ["department"]
    assert api(client, q="hội nghị tổng kết")["hints"] == []


def test_the_page_offers_hints_as_links_that_apply_them(client: FlaskClient) -> None:
    html = client.get("/", query_string={"q": "hội nghị phòng HC-TH 2018"}).get_data(as_text=True)
    from bs4 import BeautifulSoup

    chips = BeautifulSoup(html, "html.parser").select(".hints a.chip")
    assert len(chips) == 2 and all(chip.get_text().endswith("?") for chip in chips)
    department = next(params(c["href"]) for c in chips if "department" in params(c["href"]))
    assert department["department"] == HCTH and department["q"] == "hội nghị 2018"
    filtered = client.get("/api/search", query_string=department).get_json()
    assert ids(filtered) == ["hn2018"]


# -- event dates ------------------------------------------------------------------------------------
def test_event_dates_are_in_the_api_and_filter_searches(client: FlaskClient) -> None:
    hits = {r["id"]: r for r in api(client, q="", per_page="20")["results"]}
    assert hits["ub1"]["event_dates"] == ["2019-01-18"]
    assert hits["ub2"]["event_dates"] == ["2020-03-05"]
    assert hits["hn2018"]["event_dates"] == ["2018-05-16"]  # "Chiều 16/5" in a post of 17/05/2018
    assert hits["kc1"]["event_dates"] == []
    assert ids(api(client, event_from="2019-01-18", event_to="2019-01-18")) == ["ub1"]
    assert set(ids(api(client, event_from="2019-01-01", event_to="2019-12-31"))) == {"ub1", "hn2019"}
    assert set(ids(api(client, event_from="2019-06-01"))) == {"hn2019", "ub2"}
    assert set(ids(api(client, event_to="2018-12-31"))) == {"hn2018"}
    # the publication date is another filter: the meeting of 27/12/2019 was posted on the 28th
    assert ids(api(client, event_from="2019-12-28", event_to="2019-12-31")) == []


@pytest.mark.parametrize(("query", "parameter"), [
    ({"event_from": "18/01/2019"}, "event_from"),
    ({"event_to": "2019-02-30"}, "event_to"),
    ({"event_from": "2020-01-01", "event_to": "2019-01-01"}, "event_from"),
])
def test_bad_event_dates_are_explained(client: FlaskClient, query: dict[str, str], parameter: str) -> None:
    response = client.get("/api/search", query_string=query)
    assert response.status_code == 400 and response.get_json()["parameter"] == parameter
    page = client.get("/", query_string=query)
    assert page.status_code == 400 and "ngày" in page.get_data(as_text=True)


def test_results_and_the_article_page_say_when_it_took_place(client: FlaskClient) -> None:
    html = client.get("/", query_string={"q": "phiên họp thường kỳ"}).get_data(as_text=True)
    assert "Diễn ra: 18/01/2019" in html
    article = client.get("/article", query_string={"id": "ub1"}).get_data(as_text=True)
    assert "Diễn ra" in article and "18/01/2019" in article
    assert "event_from=2019-01-18" in unescape(article)


# -- people -----------------------------------------------------------------------------------------
def test_people_are_a_facet_and_a_filter_with_their_titles(client: FlaskClient) -> None:
    data = api(client, q="")
    people = {f["value"]: f["count"] for f in data["facets"]["person"]}
    assert people["Hà Lê Thanh Chung"] == 2 and people["Nguyễn Thị Mai"] == 1
    chung = api(client, person="Hà Lê Thanh Chung")
    assert set(ids(chung)) == {"ub1", "hn2019"}
    for hit in chung["results"]:
        assert {"name": "Hà Lê Thanh Chung", "title": "Phó Giám đốc"} in hit["people"]
    # the facet counts the search's matches only
    assert {f["value"] for f in api(client, q="thi đua")["facets"]["person"]} == {"Nguyễn Thị Mai"}


def test_the_page_lists_people_and_filters_by_one(client: FlaskClient) -> None:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(client.get("/", query_string={"q": "tổng kết"}).get_data(as_text=True), "html.parser")
    facet = soup.select_one(".facet-person")
    assert facet is not None and facet.h2.get_text() == "Người"
    link = next(a for a in facet.select("a") if a.get_text() == "Hà Lê Thanh Chung")
    page = client.get(unescape(link["href"])).get_data(as_text=True)
    chosen = BeautifulSoup(page, "html.parser")
    assert "Người: Hà Lê Thanh Chung" in chosen.select_one(".chips").get_text(" ", strip=True)
    assert [a.get_text() for a in chosen.select(".hits h2 a")] == ["Hội nghị tổng kết công tác năm 2019"]
    assert "(Phó Giám đốc)" in chosen.select_one(".hits .people").get_text()


@pytest.mark.parametrize("q", ["", "hội nghị", "giám đốc"])
def test_people_counted_over_their_pairs_equal_the_bitset_counts(app: Flask, q: str) -> None:
    from indexer.engine.query import parse_query
    from indexer.engine.response import ordered_facets
    from indexer.whoosh_engine.reader.queries import build_query
    from indexer.whoosh_engine.reader.search import _match

    searcher, view, _scorer = app.extensions["tracuu_index"]._generation()
    bits = _match(searcher, view, build_query(parse_query(q))) if q else view.live
    by_and = {v: (bits & view.term_bits("person", v)).bit_count() for v in view.facet_pairs("person")[0]}
    counted = view.token_facet_counts("person", bits)
    assert any(by_and.values())
    # the same counts, in the order (and with the labels) every back end lists them in
    assert counted == [(fv.value, fv.count) for fv in ordered_facets({"person": by_and})["person"]]


def test_people_facet_follows_commits_that_add_people_and_delete_the_last_article_naming_one(data_dir: Path) -> None:
    """The pairs are composed from each segment's, and a generation takes the kept segments' from the last: the
    counts after two more commits (a new segment naming someone new, a replaced article that alone named Nguyễn
    Thị Mai) are each person's live documents, as the term bitsets count them."""
    from dataclasses import replace

    from archive import Archive
    from indexer.engine.response import facet_label, ordered_facets
    from indexer.whoosh_engine.writer.build import update_index
    from tests.conftest import index_articles

    first = agency_articles()
    index = index_articles(data_dir, first)
    try:
        before = index._generation()[1]
        assert ("Nguyễn Thị Mai", 1) in before.token_facet_counts("person", before.live)
        mai = next(a for a in first if a.id == "hn2018")
        newcomer = replace(first[-1], id="kc2", url="https://sct.example.gov.vn/tin/kc2.html",
                           body="Ông Trần Văn Bình, Giám đốc Trung tâm Khuyến công, khai giảng lớp tập huấn.")
        with Archive(data_dir / "archive.sqlite3") as archive:
            archive.upsert(newcomer)
            update_index(archive, data_dir / "index", data_dir / "segments.sqlite3", workers=1)
            archive.upsert(replace(mai, body="Chiều 16/5, Sở tổ chức hội nghị tổng kết phong trào thi đua."))
            update_index(archive, data_dir / "index", data_dir / "segments.sqlite3", workers=1)
        searcher, view, _scorer = index._generation()
        assert len(view.leaves) == 3 and view.n > view.live.bit_count()  # three segments, a deletion
        terms = [t.decode("utf-8") for t in searcher.reader().lexicon("person")]
        for bits in (view.live, view.term_bits("body_f", "chuc")):
            by_term = {t: (bits & view.term_bits("person", t)).bit_count() for t in terms}
            assert view.token_facet_counts("person", bits) == [
                (fv.value, fv.count) for fv in ordered_facets({"person": by_term})["person"]]
        counted = dict(view.token_facet_counts("person", view.live))
        assert counted["Trần Văn Bình"] == 1 and counted["Hà Lê Thanh Chung"] == 2
        # still a term of the first segment, whose only document naming her is deleted
        assert "Nguyễn Thị Mai" not in counted and "Nguyễn Thị Mai" in map(facet_label("person"), terms)
    finally:
        index.close()
