"""Hinted filters: which words of a query are offered as a year, department, category or site filter."""

from __future__ import annotations

import pytest

from indexer.engine.hints import Hint, HintTable, apply_hint, hints

HCTH = "Phòng Hành chính - Tổng hợp"
KTTV = "Phòng Kỹ thuật - Tư vấn"
KNOWN = {
    "year": ["2020", "2019", "2018", "1900"],
    "department": [HCTH, KTTV, "Phòng Kỹ thuật", "Sở Tài chính", "Trung tâm Khuyến công", "Phòng",
                   "Quản lý Công nghiệp"],
    "category": ["Tin tức", "Tin tức - Sự kiện", "Thông báo", "Văn hoá - Thể thao", "Trang", "Sức khỏe", "Sức khoẻ",
                 "Game", "Luật", "Giáo dục", "Phòng chống tham nhũng"],
    "site": ["dantri.com.vn", "hcm"],
}
# as crawl/profiles.py builds them: fold_department of the canonical name and of each other spelling
ALIASES = [("phòng hành chính-tổng hợp", HCTH), ("hc-th", HCTH), ("phòng hc-th", HCTH), ("văn phòng", HCTH),
           ("phòng tc-kh", "Phòng Tài chính - Kế hoạch"), ("phòng qlcn", "Quản lý Công nghiệp")]


def found(query: str, anywhere: bool = False, **active: str) -> list[tuple[str, str, tuple[str, ...]]]:
    table = HintTable.of(KNOWN, ALIASES)
    return [(h.parameter, h.value, h.words) for h in table.hints(query, active, anywhere=anywhere)]


# -- years -------------------------------------------------------------------------------------------

def test_a_known_year_is_offered_with_its_label() -> None:
    [hint] = hints("hội nghị tổng kết 2018", KNOWN, ALIASES)
    assert hint == Hint("year", "2018", "Lọc theo năm 2018", ("2018",))
    assert hint.as_json() == {"parameter": "year", "value": "2018", "label": "Lọc theo năm 2018"}


@pytest.mark.parametrize("query", ["hội nghị năm 2018", "hoi nghi nam 2018", "hội nghị NĂM 2018"])
def test_the_word_nam_before_a_year_goes_with_it(query: str) -> None:
    assert found(query) == [("year", "2018", tuple(query.split()[2:]))]


@pytest.mark.parametrize("query", ["hội nghị 2017", "hội nghị 1900", "hội nghị 20180", "nghị định 15/2018/NĐ-CP",
                                   "hội nghị 2018-2019"])
def test_an_unknown_year_or_a_year_inside_a_code_is_not_offered(query: str) -> None:
    assert found(query) == []


def test_nam_of_a_place_name_is_not_the_word_for_year() -> None:
    # "Nam" carries no marks, but the query does: a word typed with diacritics reads as typed
    assert found("Hà Nam 2020") == [("year", "2020", ("2020",))]


# -- departments -------------------------------------------------------------------------------------

@pytest.mark.parametrize("query, words", [
    ("hội nghị hành chính tổng hợp", ("hành", "chính", "tổng", "hợp")),
    ("hội nghị Hành chính - Tổng hợp", ("Hành", "chính", "-", "Tổng", "hợp")),
    ("hội nghị phòng hành chính - tổng hợp", ("phòng", "hành", "chính", "-", "tổng", "hợp")),
    ("hoi nghi phong hanh chinh tong hop", ("phong", "hanh", "chinh", "tong", "hop")),
    ("hội nghị HC-TH", ("HC-TH",)),
    ("hội nghị hc th", ("hc", "th")),
    ("hội nghị Phòng HC-TH", ("Phòng", "HC-TH")),
    ("lịch họp văn phòng", ("văn", "phòng")),
])
def test_a_department_by_its_name_or_an_alias(query: str, words: tuple[str, ...]) -> None:
    assert found(query) == [("department", HCTH, words)]


def test_a_leading_generic_word_goes_with_the_value() -> None:
    assert found("tuyển dụng sở tài chính") == [("department", "Sở Tài chính", ("sở", "tài", "chính"))]
    assert found("tập huấn trung tâm khuyến công") == [
        ("department", "Trung tâm Khuyến công", ("trung", "tâm", "khuyến", "công"))]
    assert found("tập huấn khuyến công") == [("department", "Trung tâm Khuyến công", ("khuyến", "công"))]


def test_a_generic_word_leads_its_own_kind_of_value_only() -> None:
    assert found("sở giáo dục tuyển sinh") == []  # a department's name, not the category "Giáo dục"
    assert found("tuyển sinh chuyên mục giáo dục") == [("category", "Giáo dục", ("chuyên", "mục", "giáo", "dục"))]
    # "phòng" of "phòng chống" is no office: the category is not typed without it
    assert found("tuyên truyền chống tham nhũng") == []
    assert found("tuyên truyền phòng chống tham nhũng") == [
        ("category", "Phòng chống tham nhũng", ("phòng", "chống", "tham", "nhũng"))]


def test_a_word_typed_with_other_marks_is_not_the_generic_word() -> None:
    # "số" folds like "sở", but whoever typed its marks meant a number
    assert found("công khai số tài chính") == [("department", "Sở Tài chính", ("tài", "chính"))]


def test_the_longest_value_wins() -> None:
    assert found("phòng kỹ thuật tư vấn tuyển dụng") == [("department", KTTV, ("phòng", "kỹ", "thuật", "tư", "vấn"))]
    assert found("phòng kỹ thuật tuyển dụng") == [("department", "Phòng Kỹ thuật", ("phòng", "kỹ", "thuật"))]
    assert found("tin tức sự kiện hội nghị") == [("category", "Tin tức - Sự kiện", ("tin", "tức", "sự", "kiện"))]


def test_an_alias_of_a_department_the_index_lacks_is_not_offered() -> None:
    assert found("dự toán phòng TC-KH") == []


def test_a_generic_word_alone_never_hints() -> None:
    assert found("trang chủ phòng họp") == []


def test_a_value_of_one_syllable_hints_only_after_a_generic_word() -> None:
    # "luật" or "game" alone is far more often what is searched for than a filter
    assert found("luật đất đai sửa đổi") == []
    assert found("game online cấm trẻ em") == []
    assert found("mục game online") == [("category", "Game", ("mục", "game"))]
    assert found("kế hoạch QLCN 2019") == [("year", "2019", ("2019",))]
    assert found("kế hoạch phòng QLCN 2019") == [
        ("department", "Quản lý Công nghiệp", ("phòng", "QLCN")), ("year", "2019", ("2019",))]


# -- categories and sites ----------------------------------------------------------------------------

@pytest.mark.parametrize("query", ["giải bóng đá văn hoá thể thao", "giải bóng đá văn hóa thể thao",
                                   "giai bong da van hoa the thao", "giải bóng đá chuyên mục văn hóa thể thao"])
def test_a_category_in_either_tone_convention_or_without_marks(query: str) -> None:
    assert [(h.parameter, h.value, h.label) for h in hints(query, KNOWN)] == [
        ("category", "Văn hoá - Thể thao", "Chuyên mục: Văn hoá - Thể thao")]


def test_values_folding_alike_offer_the_first_listed() -> None:
    assert found("tiêm chủng sức khoẻ") == [("category", "Sức khỏe", ("sức", "khoẻ"))]


def test_a_site_by_its_host_or_its_short_name() -> None:
    assert found("bão số 9 dantri.com.vn") == [("site", "dantri.com.vn", ("dantri.com.vn",))]
    assert [(h.value, h.label, h.words) for h in hints("bão số 9 trang dantri", KNOWN)] == [
        ("dantri.com.vn", "Trang: dantri.com.vn", ("trang", "dantri"))]


def test_part_of_a_word_never_hints() -> None:
    assert found("ngập lụt TP.HCM") == []


# -- what never hints --------------------------------------------------------------------------------

@pytest.mark.parametrize("query", ['"hội nghị 2018"', 'hội nghị -2018', 'hội nghị -"tin tức"', "hội nghị title:2018",
                                   'hội nghị "HC-TH"'])
def test_quoted_excluded_and_title_words_never_hint(query: str) -> None:
    assert found(query) == []


def test_no_hint_for_a_filter_already_set() -> None:
    query = "hội nghị phòng HC-TH 2018"
    assert [h.parameter for h in hints(query, KNOWN, ALIASES)] == ["department", "year"]
    assert [h.parameter for h in hints(query, KNOWN, ALIASES, {"year": "2019"})] == ["department"]
    assert [h.parameter for h in hints(query, KNOWN, ALIASES, {"department": KTTV, "year": ""})] == ["year"]


def test_only_words_at_an_end_of_the_query_or_next_to_such_hint() -> None:
    # inside the query, the words belong to what is searched for
    assert found("bảo hiểm thông báo nghỉ việc") == []
    assert found("luật đất đai 2018 sửa đổi") == []
    assert found("luật đất đai 2018 sửa đổi", anywhere=True) == [("year", "2018", ("2018",))]
    # a chain of filters reaches an end: the department leads to the year
    assert found("hội nghị phòng HC-TH năm 2018") == [("department", HCTH, ("phòng", "HC-TH")),
                                                      ("year", "2018", ("năm", "2018"))]
    # an end of the plain words: a phrase or an exclusion is what is searched for too
    assert found('"tổng kết" 2018 -"thi đua"') == [("year", "2018", ("2018",))]
    assert found('2018 "tổng kết" hội nghị') == [("year", "2018", ("2018",))]


def test_at_most_one_hint_per_parameter_in_query_order() -> None:
    assert found("thông báo 2019 tin tức hội nghị 2018") == [
        ("category", "Thông báo", ("thông", "báo")), ("year", "2019", ("2019",))]


@pytest.mark.parametrize("query", ["2018", "năm 2018", "phòng HC-TH", "  tin tức ", "2018 -hội"])
def test_no_hint_that_would_leave_nothing_to_search(query: str) -> None:
    assert found(query) == []


def test_hints_never_add_up_to_the_whole_query() -> None:
    # each alone would leave a word, both together nothing: the first is offered
    assert found("thông báo 2018") == [("category", "Thông báo", ("thông", "báo"))]
    assert found('2018 "tin tức"') == [("year", "2018", ("2018",))]


# -- applying a hint ---------------------------------------------------------------------------------

def test_applying_every_hint_leaves_the_other_words() -> None:
    query = "hội nghị tổng kết phòng HC-TH  năm 2018"
    department, year = hints(query, KNOWN, ALIASES)
    once = apply_hint(query, department)
    assert once == "hội nghị tổng kết năm 2018"
    assert hints(once, KNOWN, ALIASES, {"department": department.value}) == [year]
    assert apply_hint(once, year) == "hội nghị tổng kết"
    assert apply_hint(apply_hint(query, year), department) == "hội nghị tổng kết"


def test_applying_leaves_phrases_and_exclusions_as_typed() -> None:
    query = '"tổng kết"  năm 2018 -"thi  đua" title:2018'
    [year] = hints(query, KNOWN)
    assert apply_hint(query, year) == '"tổng kết" -"thi  đua" title:2018'
    query = 'năm 2018 "tổng kết"'
    assert apply_hint(query, hints(query, KNOWN)[0]) == '"tổng kết"'


def test_applying_a_hint_whose_words_are_gone_changes_nothing() -> None:
    hint = hints("hội nghị 2018", KNOWN)[0]
    assert apply_hint("hội nghị tổng kết", hint) == "hội nghị tổng kết"
    assert apply_hint('hội nghị "2018"', hint) == 'hội nghị "2018"'


def test_the_table_answers_as_the_function() -> None:
    table = HintTable.of(KNOWN, ALIASES)
    for query in ("hội nghị phòng HC-TH 2018", "tin tức sự kiện 2019", "bão dantri"):
        assert table.hints(query) == hints(query, KNOWN, ALIASES)
    assert table.hints("hội nghị phòng HC-TH 2018", {"department": HCTH}) == hints(
        "hội nghị phòng HC-TH 2018", KNOWN, ALIASES, {"department": HCTH})
