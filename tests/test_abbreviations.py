"""Administrative abbreviations: the table, matching either form, the plan, and search on a real index."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from archive import Article
from indexer.analysis.abbreviations import (
    Abbreviations,
    AbbreviationsError,
    builtin_abbreviations,
    load_abbreviations,
    parse_table,
)
from indexer.analysis.text import syllables
from indexer.engine import SearchRequest
from indexer.engine.plan import (
    ABBREVIATION_WEIGHT,
    ATTACHMENT_BOOST,
    MAX_EXPANSIONS,
    TITLE_BOOST,
    AllOf,
    AnyOf,
    Phrase,
    Ranked,
    Term,
    Without,
    plan_query,
)
from indexer.engine.query import parse_query
from indexer.whoosh_engine.reader.matching import docnums, match_bits
from indexer.whoosh_engine.reader.queries import build_query
from indexer.whoosh_engine.reader.ranking import compile_query, rank
from indexer.whoosh_engine.reader.search import SearchIndex
from tests.conftest import index_articles

UBND_FULL = ("uy", "ban", "nhan", "dan")


def others(text: str, table: Abbreviations | None = None) -> set[tuple[str, ...]]:
    return set((table or builtin_abbreviations()).others(syllables(text)))


def nodes(node: Any) -> Iterator[Any]:
    """Every node of a plan, depth first."""
    yield node
    for name in ("parts", "required", "optional", "base", "excluded"):
        child = getattr(node, name, None)
        if isinstance(child, tuple):
            for part in child:
                yield from nodes(part)
        elif child is not None:
            yield from nodes(child)


def required(plan: Any) -> Any:
    return plan.required if isinstance(plan, Ranked) else plan


def searched_words(plan: Any) -> set[tuple[str, ...]]:
    """The words of every Term and Phrase a plan holds, as tuples."""
    return {(n.text,) if isinstance(n, Term) else n.words for n in nodes(plan) if isinstance(n, Term | Phrase)}


# -- the table --------------------------------------------------------------------------------------------

def test_the_built_in_table_loads_once_and_knows_both_directions() -> None:
    assert load_abbreviations() is builtin_abbreviations() is load_abbreviations(())
    assert len(builtin_abbreviations()) >= 80
    assert others("UBND") == {UBND_FULL}
    assert others("Ủy ban nhân dân") == {("ubnd",)}


def test_case_marks_and_tone_conventions_do_not_matter() -> None:
    assert others("UBND") == others("Ubnd") == others("ubnd")
    assert others("ủy ban nhân dân") == others("uỷ ban nhân dân") == others("UY BAN NHAN DAN") == {("ubnd",)}
    assert others("HĐND") == others("hdnd") == {("hoi", "dong", "nhan", "dan")}


def test_the_spellings_of_one_entry_all_meet() -> None:
    full = ("thanh", "pho", "ho", "chi", "minh")
    assert others("TP.HCM") == others("TP HCM") and full in others("TP.HCM") and ("tphcm",) in others("TP.HCM")
    assert {("tp", "hcm"), full} <= others("TPHCM")
    assert {("tp", "hcm"), ("tphcm",)} <= others("Thành phố Hồ Chí Minh")
    # two full forms of one abbreviation: either leads to the abbreviation and to the other
    assert {("gd", "dt"), ("giao", "duc", "va", "dao", "tao")} <= others("Giáo dục - Đào tạo")


def test_a_short_abbreviation_expands_only_when_typed() -> None:
    assert others("QĐ") == {("quyet", "dinh")}
    assert others("quyết định") == set()  # "QĐ" bare in a text is too often part of something else
    assert others("thông tư") == set() and ("thong", "tu") in others("TT")


def test_extra_files_add_rows(tmp_path: Path) -> None:
    extra = tmp_path / "local.tsv"
    extra.write_text("# our own\nBQLDA\tBan quản lý dự án\tSở Xây dựng\n\nUBND\tỦy ban hành chính\tlịch sử\n",
                     encoding="utf-8")
    table = load_abbreviations([extra])
    assert others("BQLDA", table) == {("ban", "quan", "ly", "du", "an")}
    assert others("ban quản lý dự án", table) == {("bqlda",)}
    assert others("UBND", table) == {UBND_FULL, ("uy", "ban", "hanh", "chinh")}
    assert others("BQLDA") == set()  # the built-in table is left as it was


@pytest.mark.parametrize(("line", "why"), [
    ("UBND\tỦy ban nhân dân", "3 tab-separated fields"),
    ("UBND\tỦy ban nhân dân\t", "no source"),
    ("UBND\t--\tcq", "need letters"),
    ("Hà Nội\tha noi\tpt", "same once folded"),
])
def test_a_malformed_extra_file_names_its_file_and_line(tmp_path: Path, line: str, why: str) -> None:
    extra = tmp_path / "bad.tsv"
    extra.write_text(f"# comment\nCNTT\tCông nghệ thông tin\tpt\n{line}\n", encoding="utf-8")
    with pytest.raises(AbbreviationsError, match=why) as caught:
        load_abbreviations([extra])
    assert f"{extra}:3:" in str(caught.value)


def test_a_missing_extra_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(AbbreviationsError, match="nowhere.tsv"):
        load_abbreviations([tmp_path / "nowhere.tsv"])


def test_find_takes_typed_tokens_whole_and_the_longest_form_first() -> None:
    table = builtin_abbreviations()
    assert table.find([["tp", "hcm"]])[0].end == 1
    assert [(m.start, m.end) for m in table.find([["tp"], ["hcm"], ["ubnd"]])] == [(0, 2), (2, 3)]
    assert table.find([["qđ", "ubnd"]]) == []  # a code's parts are never taken apart
    matches = table.find([[s] for s in syllables("thành phố hồ chí minh")])
    assert [(m.start, m.end) for m in matches] == [(0, 5)]  # not "thành phố" (TP) alone


def test_parse_table_skips_comments_and_blank_lines() -> None:
    assert parse_table("# a\n\n  # b\nUBND\tỦy ban nhân dân\tcq\n", "x") == [(("ubnd",), UBND_FULL)]


# -- the plan ---------------------------------------------------------------------------------------------

def test_a_typed_abbreviation_also_requires_its_full_form_as_a_weaker_phrase() -> None:
    plan = plan_query(parse_query("ubnd tinh"))
    assert isinstance(plan, Ranked) and isinstance(plan.required, AllOf)
    first, second = plan.required.parts
    weight = ABBREVIATION_WEIGHT / 4  # four syllables for one typed
    assert first == AnyOf((
        AnyOf((Term("title_f", "ubnd", TITLE_BOOST), Term("body_f", "ubnd"), Term("att_f", "ubnd", ATTACHMENT_BOOST))),
        AnyOf((Phrase("title_f", UBND_FULL, weight * TITLE_BOOST), Phrase("body_f", UBND_FULL, weight),
               Phrase("att_f", UBND_FULL, weight * ATTACHMENT_BOOST))),
    ))
    assert second == required(plan_query(parse_query("tinh"))).parts[0]


def test_a_typed_full_form_also_matches_its_abbreviation() -> None:
    plan = plan_query(parse_query("uỷ ban nhân dân tỉnh"))
    run = plan.required.parts[0]
    assert isinstance(run, AnyOf) and isinstance(run.parts[0], AllOf) and len(run.parts[0].parts) == 4
    assert run.parts[1] == AnyOf((Term("title_f", "ubnd", ABBREVIATION_WEIGHT * TITLE_BOOST),
                                  Term("body_f", "ubnd", ABBREVIATION_WEIGHT),
                                  Term("att_f", "ubnd", ABBREVIATION_WEIGHT * ATTACHMENT_BOOST)))
    # the exact-diacritic and adjacency boosts of the words typed are still there
    assert Term("body_s", "ủy", 0.6) in plan.optional.parts
    assert any(isinstance(p, Phrase) and p.words == (*UBND_FULL, "tinh") for p in plan.optional.parts)


@pytest.mark.parametrize(("q", "never"), [
    ("1234/QĐ-UBND", {UBND_FULL, ("quyet", "dinh")}), ("15/2003/QĐ-UBND", {UBND_FULL, ("quyet", "dinh")}),
    ("QĐ-UBND", {UBND_FULL, ("quyet", "dinh")}), ('"ubnd" tỉnh', {UBND_FULL}), ('"ủy ban nhân dân"', {("ubnd",)}),
    ("tỉnh -ubnd", {UBND_FULL}),
])
def test_document_numbers_quoted_words_and_exclusions_are_never_expanded(q: str, never: set[tuple[str, ...]]) -> None:
    plan = plan_query(parse_query(q))
    assert plan == plan_query(parse_query(q), abbreviations=Abbreviations())
    assert not searched_words(plan) & never


def test_a_document_number_is_a_literal_clause() -> None:
    clauses = parse_query("1234/QĐ-UBND TP.HCM").clauses
    assert [(c.syllables[0], c.literal, c.joined) for c in clauses] == [
        ("1234", True, False), ("qđ", True, True), ("ubnd", True, True), ("tp", False, False), ("hcm", False, True)]


def test_title_prefix_expands_in_the_title_only() -> None:
    plan = plan_query(parse_query("title:ubnd"))
    fields = {n.field for n in nodes(required(plan)) if isinstance(n, Term | Phrase)}
    assert fields == {"title_f"} and UBND_FULL in searched_words(required(plan))


def test_without_a_table_the_plan_is_the_plain_one() -> None:
    plain = plan_query(parse_query("ubnd tinh"), abbreviations=Abbreviations())
    assert UBND_FULL not in searched_words(plain)
    assert isinstance(plan_query(parse_query("ubnd -x"), abbreviations=Abbreviations()), Without)


def test_the_plan_stays_small() -> None:
    plan = plan_query(parse_query(" ".join(["tphcm"] * 10)))
    alternatives = [n for n in nodes(required(plan)) if isinstance(n, Phrase | Term) and n.field == "body_f"
                    and n.boost < 1.0]
    assert 0 < len(alternatives) <= MAX_EXPANSIONS


# -- searching a real index -------------------------------------------------------------------------------

def _a(n: int, title: str, body: str) -> Article:
    return Article(id=f"a{n}", url=f"http://ubnd.test/tin/{n}.html", title=title, body=body,
                   published=f"2022-03-{n:02d}", department="Văn phòng", category="Tin hoạt động", site="ubnd")


ARTICLES = [
    _a(1, "UBND tỉnh ban hành kế hoạch chuyển đổi số năm 2022",
       "UBND tỉnh vừa ban hành Kế hoạch số 45/KH-UBND về chuyển đổi số, giao Sở TT&TT chủ trì thực hiện."),
    _a(2, "Ủy ban nhân dân tỉnh tổng kết công tác cải cách hành chính",
       "Sáng 10/3, Ủy ban nhân dân tỉnh tổ chức hội nghị tổng kết công tác cải cách hành chính năm 2021."),
    _a(3, "Công bố thủ tục hành chính lĩnh vực công thương",
       "Quyết định số 1234/QĐ-UBND ngày 05/3/2022 của UBND tỉnh công bố thủ tục hành chính mới."),
    _a(4, "Sửa đổi quy chế làm việc",
       "Quyết định số 1235/QĐ-UBND ngày 07/3/2022 của Uỷ ban nhân dân tỉnh sửa đổi quy chế làm việc."),
    _a(5, "Sở Công Thương tỉnh kiểm tra thị trường",
       "Đoàn kiểm tra liên ngành của tỉnh làm việc tại các chợ đầu mối trong dịp cuối năm."),
    _a(6, "Doanh nghiệp TP.HCM tham gia hội chợ hàng Việt",
       "Hơn 200 doanh nghiệp TP.HCM mang sản phẩm tới hội chợ hàng Việt năm nay."),
    _a(7, "Đoàn công tác tỉnh thăm Thành phố Hồ Chí Minh",
       "Đoàn công tác của tỉnh làm việc với Thành phố Hồ Chí Minh về hợp tác thương mại."),
    _a(8, "Kết nối cung cầu với TPHCM",
       "Chương trình kết nối cung cầu hàng hóa giữa tỉnh và TPHCM diễn ra trong ba ngày."),
]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    idx = index_articles(tmp_path_factory.mktemp("abbreviations"), ARTICLES)
    yield idx
    idx.close()


def ids(index: SearchIndex, q: str) -> list[str]:
    return [h.id for h in index.search(SearchRequest(q=q, per_page=50)).results]


def test_an_abbreviation_finds_both_forms_typed_form_first(index: SearchIndex) -> None:
    found = ids(index, "ubnd tinh")
    assert {"a1", "a2", "a3", "a4"} <= set(found) and "a5" not in found
    assert max(found.index("a1"), found.index("a3")) < min(found.index("a2"), found.index("a4"))


def test_a_full_form_finds_both_forms_full_form_first(index: SearchIndex) -> None:
    for q in ("uy ban nhan dan tinh", "Uỷ ban nhân dân tỉnh", "ủy ban nhân dân tỉnh"):
        found = ids(index, q)
        assert {"a1", "a2", "a3", "a4"} <= set(found) and "a5" not in found, q
        assert max(found.index("a2"), found.index("a4")) < min(found.index("a1"), found.index("a3")), q


@pytest.mark.parametrize(("q", "typed"), [("TP.HCM", "a6"), ("tp hcm", "a6"), ("tphcm", "a8"),
                                          ("thành phố hồ chí minh", "a7")])
def test_every_spelling_of_ho_chi_minh_city_meets(index: SearchIndex, q: str, typed: str) -> None:
    found = ids(index, q)
    assert set(found) == {"a6", "a7", "a8"} and found[0] == typed


def test_a_document_number_finds_only_its_document(index: SearchIndex) -> None:
    assert ids(index, "1234/QĐ-UBND") == ["a3"]


def test_a_quoted_abbreviation_is_matched_as_typed(index: SearchIndex) -> None:
    found = set(ids(index, '"ubnd" tỉnh'))
    assert {"a1", "a3", "a4"} <= found and "a2" not in found  # a4: the UBND of its number 1235/QĐ-UBND


@pytest.mark.parametrize("q", ["ubnd tinh", "uy ban nhan dan tinh", "tp.hcm hội chợ", "sở thông tin và truyền thông"])
def test_bitsets_and_ranking_agree_with_whoosh(index: SearchIndex, q: str) -> None:
    """The nested alternatives are matched and scored by our bitsets as by Whoosh's own matchers."""
    searcher, view, scorer = index._generation()
    query = build_query(parse_query(q))
    bits = match_bits(view, query)
    assert docnums(bits) == sorted(searcher.docs_for_query(query))
    theirs = sorted(((h.score, h.docnum) for h in searcher.search(query, limit=None, terms=False)),
                    key=lambda sd: (-sd[0], sd[1]))[:5]
    ours = rank(scorer, compile_query(view, query), bits, 5)
    assert [d for _s, d in ours] == [d for _s, d in theirs]
    assert [s for s, _d in ours] == pytest.approx([s for s, _d in theirs], rel=1e-9)
