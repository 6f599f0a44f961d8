"""People named in agency posts (the "Người" facet): one test per rule, on sentences written for these
tests, and the labelled corpus sentences of bench/people_labels.jsonl against the goals."""

from __future__ import annotations

import importlib.util
import sys
import unicodedata
from pathlib import Path

import pytest

from indexer.analysis.people import Person, people, person_key

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def named(text: str) -> list[tuple[str, str | None]]:
    return [(p.name, p.title) for p in people(text)]


@pytest.mark.parametrize(("text", "expected"), [
    # an honorific, then a title after a dash or a comma
    ("Tham dự hội nghị có ông Hà Lê Thanh Chung – Phó Giám đốc phụ trách công tác khuyến công.",
     [("Hà Lê Thanh Chung", "Phó Giám đốc")]),
    ("Bà Trần Thị Bình, Trưởng phòng HC-TH báo cáo kết quả năm 2018.", [("Trần Thị Bình", "Trưởng phòng")]),
    ("Đồng chí Nguyễn Văn An, Chủ tịch UBND tỉnh phát biểu chỉ đạo.", [("Nguyễn Văn An", "Chủ tịch")]),
    ("Hội nghị do đ/c Phạm Thị Hoa chủ trì.", [("Phạm Thị Hoa", None)]),
    ("Ông Đỗ Văn Hùng (sinh năm 1970), Bí thư Đảng ủy xã, trình bày báo cáo.", [("Đỗ Văn Hùng", "Bí thư")]),
    # a title, the organisation and the place it heads, then the name
    ("Phó Chủ tịch UBND tỉnh Lê Văn Cường phát biểu tại hội nghị.", [("Lê Văn Cường", "Phó Chủ tịch")]),
    ("Giám đốc Sở Công Thương Quảng Nam Trần Văn Bình đề nghị các doanh nghiệp tham gia.",
     [("Trần Văn Bình", "Giám đốc")]),
    ("Thứ trưởng Bộ Lao động - Thương binh và Xã hội (LĐ-TB&XH) Nguyễn Văn Hồi dự buổi làm việc.",
     [("Nguyễn Văn Hồi", "Thứ trưởng")]),
    ("Chủ tịch Quốc hội Vương Đình Huệ gửi thư chúc mừng.", [("Vương Đình Huệ", "Chủ tịch")]),
    ("Bí thư Đoàn Thanh niên Nguyễn Văn Nam trao cờ.", [("Nguyễn Văn Nam", "Bí thư")]),
    # a title after a word that makes it an organ is nobody's title
    ("Thay mặt Đoàn ĐBQH tỉnh, đồng chí Phạm Hùng Thắng báo cáo kết quả tiếp xúc cử tri.",
     [("Phạm Hùng Thắng", None)]),
    ("Tổng thống Mỹ Joe Biden điện đàm với Thủ tướng Ấn Độ Narendra Modi.",
     [("Joe Biden", "Tổng thống"), ("Narendra Modi", "Thủ tướng")]),
    # a name at the start of a sentence, behind a comma and a title
    ("Lưu Văn Bình, Phó Bí thư Đảng ủy, Quyền Giám đốc Học viện phát biểu khai mạc.",
     [("Lưu Văn Bình", "Phó Bí thư")]),
    # degrees introduce a name but are no title
    ("PGS.TS Nguyễn Thanh Phong, Cục trưởng Cục An toàn thực phẩm cho biết.", [("Nguyễn Thanh Phong", "Cục trưởng")]),
    ("Tiến sĩ Dương Thị Thu Hương nhận định như vậy.", [("Dương Thị Thu Hương", None)]),
    # abbreviated titles and ranks
    ("HLV Park Hang Seo công bố danh sách đội tuyển.", [("Park Hang Seo", "Huấn luyện viên")]),
    ("Trung tá Nguyễn Văn Tùng - Đồn trưởng Đồn biên phòng cho biết.", [("Nguyễn Văn Tùng", "Trung tá")]),
])
def test_rules(text: str, expected: list[tuple[str, str | None]]) -> None:
    assert named(text) == expected


def test_several_people_in_order_of_appearance() -> None:
    text = ("Cùng dự có các đồng chí: Phó Chủ tịch Thường trực UBND tỉnh Lê Hồng Sơn, Giám đốc Sở Nội vụ "
            "Trần Thị Mai và ông Hoàng Văn Nam, Trưởng ban Thi đua - Khen thưởng.")
    assert named(text) == [("Lê Hồng Sơn", "Phó Chủ tịch"), ("Trần Thị Mai", "Giám đốc"),
                           ("Hoàng Văn Nam", "Trưởng ban")]


def test_one_entry_per_name_with_the_first_title_found() -> None:
    text = ("Ông Trịnh Văn Trầm phát biểu khai mạc. Sau đó, Giám đốc Trịnh Văn Trầm trao giấy khen; "
            "ông Trầm cảm ơn các phòng.")
    assert people(text) == [Person("Trịnh Văn Trầm", "Giám đốc")]


@pytest.mark.parametrize("text", [
    # organisations and places after a title are not people
    "Giám đốc Trung tâm Khuyến công chủ trì hội nghị.",
    "Chủ tịch UBND tỉnh Quảng Ninh đã ký quyết định.",
    "Bộ trưởng Bộ Công Thương yêu cầu các đơn vị báo cáo.",
    "Giám đốc Bệnh viện Bạch Mai cho biết bệnh viện đã đủ giường.",
    "Ban Giám đốc Hoàng Anh Gia Lai nhận thấy rủi ro.",
    "Thứ trưởng yêu cầu Đoàn Thanh tra làm việc khách quan.",
    # honorifics that are not before a name
    "Bà con ở tỉnh Bà Rịa - Vũng Tàu phấn khởi; anh em, chị em công nhân đều có mặt.",
    "Ông bà ta có câu: Uống nước nhớ nguồn.",
    "Khách đến núi Bà Đen rất đông.",
    # a given name alone, initials, an all-caps heading, capitals at a sentence start
    "Theo ông Minh, anh N.V.K đã được cách ly.",
    "ÔNG NGUYỄN VĂN AN PHÁT BIỂU TẠI HỘI NGHỊ",
    "Hội nghị Ban Chấp hành Đảng bộ Sở Công Thương diễn ra tại Hà Nội.",
])
def test_no_false_names(text: str) -> None:
    assert people(text) == []


def test_both_tone_conventions_meet() -> None:
    old, new = people("Ông Lê Văn Hoà, Uỷ viên Ban Thường vụ"), people("Ông Lê Văn Hòa, Ủy viên Ban Thường vụ")
    assert old == new
    assert old[0].title == "Ủy viên"
    assert person_key("Lê Văn Hoà") == person_key("Lê Văn Hòa")


def test_decomposed_input_gives_nfc_names() -> None:
    text = "Phó Giám đốc Sở Nguyễn Thị Thuỷ phát biểu."
    decomposed = people(unicodedata.normalize("NFD", text))
    assert decomposed == people(text)
    assert unicodedata.is_normalized("NFC", decomposed[0].name)


def test_person_key_folds_for_filtering() -> None:
    assert person_key("Hà Lê Thanh Chung") == "ha le thanh chung"
    assert person_key("ĐẶNG  Vũ Tuấn") == person_key("dang vu tuan") == "dang vu tuan"


def _bench() -> object:
    """bench/people.py as a module (it owns the sentence splitter the labels refer to)."""
    spec = importlib.util.spec_from_file_location("bench_people", ROOT / "bench" / "people.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_people"] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def test_labelled_corpus_sentences_meet_the_goals() -> None:
    if not (SHARED / "corpus" / "articles.jsonl").exists():
        pytest.skip(f"../shared is absent: the labelled sentences refer to {SHARED}/corpus/articles.jsonl")
    bench = _bench()
    labels = bench.read_labels()
    result = bench.score(labels, bench.read_corpus())
    assert result.changed == 0, "the sentence split or the corpus changed: relabel bench/people_labels.jsonl"
    assert len(labels) >= 150 and sum(not label.people for label in labels) >= 30
    assert result.precision >= bench.PRECISION_GOAL
    assert result.recall >= bench.RECALL_GOAL
