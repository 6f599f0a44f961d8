"""indexer.analysis.event_dates: each written form, the year from publication, ranges, what is not an
event date; then precision and recall on the labelled corpus sentences of bench/event_dates_labels.jsonl."""

from __future__ import annotations

import importlib.util
import unicodedata
from datetime import date, datetime
from pathlib import Path

import pytest

from indexer.analysis.event_dates import event_dates, format_event_date

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.mark.parametrize("sentence", [
    "Sáng ngày 18/01/2019, Trung tâm Khuyến công tổ chức Hội nghị tổng kết phong trào thi đua năm 2018.",
    "Ngày 18-01-2019, Sở Công Thương tổ chức hội nghị triển khai nhiệm vụ năm 2019.",
    "Hội nghị diễn ra ngày 18.01.2019 tại hội trường UBND tỉnh.",
    "Đoàn công tác làm việc tại huyện vào 18/1/2019 theo kế hoạch.",
    "Ngày 18 tháng 01 năm 2019, Đảng ủy khối tổ chức hội nghị sơ kết.",
    "Ngày 18 tháng 1, năm 2019, Ban Chỉ đạo họp phiên thứ nhất.",
])
def test_full_dates_in_every_form(sentence: str) -> None:
    assert event_dates(sentence, "2019-01-20") == [date(2019, 1, 18)]


@pytest.mark.parametrize("sentence", [
    "Sáng 16/5, Sở Nội vụ tổ chức hội nghị tập huấn công tác thi đua, khen thưởng.",
    "Trưa 16/5, đoàn công tác đã đến thăm và tặng quà các hộ nghèo.",
    "Chiều 16-5, UBND tỉnh họp bàn phương án phòng chống thiên tai.",
    "Tối 16/5, Tỉnh đoàn tổ chức chương trình giao lưu văn nghệ.",
    "Đêm 16/5, lực lượng chức năng đã kiểm tra 12 cơ sở kinh doanh.",
    "Hôm 16/5, Ban Quản lý dự án đã bàn giao mặt bằng cho nhà thầu.",
    "Ngày 16/5, Hội Nông dân huyện tổ chức lớp tập huấn kỹ thuật trồng lúa.",
    "Sáng nay (16/5), Hội đồng nhân dân tỉnh khai mạc kỳ họp thứ 12.",
    "Phiên họp hôm qua (16/5) đã thông qua ba nghị quyết quan trọng.",
    "Sáng thứ Hai (16/5), Ban Thường vụ Tỉnh ủy làm việc với Đảng ủy khối.",
    "Chủ nhật, 16/5, hơn 500 đoàn viên tham gia ra quân làm sạch môi trường.",
    "Vào lúc 8 giờ 30 phút ngày 16 tháng 5, Trung tâm tổ chức lễ khai giảng.",
    "Tổng thống Mỹ tối ngày 16/5 giờ địa phương đã có bài phát biểu trước Quốc hội.",
])
def test_a_yearless_date_after_a_part_of_the_day_or_ngay(sentence: str) -> None:
    assert event_dates(sentence, "2022-05-17") == [date(2022, 5, 16)]


def test_the_year_comes_from_publication_around_new_year() -> None:
    # A post of 10/01/2020 looking back at a meeting of late December, and one announcing January's.
    assert event_dates("Ngày 28/12, Sở Tài chính tổ chức hội nghị tổng kết năm.", "2020-01-10") == [date(2019, 12, 28)]
    assert event_dates("Sáng 5/1, Sở sẽ tổ chức hội nghị triển khai nhiệm vụ.", "2020-12-20") == [date(2021, 1, 5)]
    # More than about a month ahead of publication is read as the past year's.
    assert event_dates("Ngày 11/6, Hội đồng họp phiên cuối.", "2021-04-20") == [date(2020, 6, 11)]


@pytest.mark.parametrize("published", ["2019-03-02", "2019-03-02T08:30:00+07:00", date(2019, 3, 2),
                                       datetime(2019, 3, 2, 8, 30)])
def test_published_in_every_accepted_shape(published: str | date) -> None:
    assert event_dates("Chiều 1/3, Thanh tra tỉnh công bố kết luận thanh tra.", published) == [date(2019, 3, 1)]


def test_without_publication_only_dates_with_a_year_count() -> None:
    text = "Sáng 16/5, Sở họp giao ban; ngày 20/5/2019 Sở tổ chức hội nghị tổng kết."
    assert event_dates(text) == [date(2019, 5, 20)]
    assert event_dates(text, "not a date") == [date(2019, 5, 20)]


@pytest.mark.parametrize(("sentence", "expected"), [
    ("Lớp bồi dưỡng diễn ra từ ngày 15 đến 17/5/2019 tại Trường Chính trị tỉnh.", [(2019, 5, 15), (2019, 5, 17)]),
    ("Lớp bồi dưỡng diễn ra từ ngày 15 đến ngày 17/5/2019.", [(2019, 5, 15), (2019, 5, 17)]),
    ("Hội thao ngành Công Thương được tổ chức 15-17/5/2019.", [(2019, 5, 15), (2019, 5, 17)]),
    ("Đoàn kiểm tra làm việc tại huyện vào ngày 15 và 16/5.", [(2019, 5, 15), (2019, 5, 16)]),
    ("Hội chợ diễn ra trong 3 ngày (15-17/5) tại Quảng trường trung tâm.", [(2019, 5, 15), (2019, 5, 17)]),
    ("Đợt kiểm tra kéo dài từ ngày 15/5 đến ngày 17/5.", [(2019, 5, 15), (2019, 5, 17)]),
    ("Đợt tiêm chủng được tổ chức từ 15/5 đến 17/5 tại trạm y tế xã.", [(2019, 5, 15), (2019, 5, 17)]),
    ("Các đơn vị nộp hồ sơ ngày 22/5 và 23/5 tại bộ phận một cửa.", [(2019, 5, 22), (2019, 5, 23)]),
    ("Từ ngày 15 tháng 5 đến ngày 17 tháng 5 năm 2018, đoàn công tác làm việc tại tỉnh.",
     [(2018, 5, 15), (2018, 5, 17)]),
    # A range across the new year: the start takes the year before the end's.
    ("Chương trình diễn ra từ ngày 28/12 đến ngày 2/1/2020.", [(2019, 12, 28), (2020, 1, 2)]),
])
def test_ranges_and_lists_give_their_days(sentence: str, expected: list[tuple[int, int, int]]) -> None:
    assert event_dates(sentence, "2019-05-10") == [date(*d) for d in expected]


@pytest.mark.parametrize("sentence", [
    "Ngày 31/02/2020, Sở tổ chức hội nghị.",
    "Ngày 29/02/2019, Sở tổ chức hội nghị.",
    "Ngày 31 tháng 4 năm 2019, Sở tổ chức hội nghị.",
    "Sáng 32/5, Sở tổ chức hội nghị.",
    "Sáng 12/13, Sở tổ chức hội nghị.",
    "Ngày 15/8/1944, nhân dân trong vùng nổi dậy.",
    "Ngày 15/8/2022, Sở tổ chức hội nghị.",  # two years after publication
])
def test_impossible_days_and_years_are_left_out(sentence: str) -> None:
    assert event_dates(sentence, "2020-06-01") == []


def test_the_first_and_last_years_accepted() -> None:
    assert event_dates("Ngày 2/9/1945 và ngày 29/02/2020.", "2019-06-01") == [date(1945, 9, 2), date(2020, 2, 29)]
    assert event_dates("Sáng 29/2, Sở tổ chức hội nghị.", "2021-03-10") == [date(2020, 2, 29)]


@pytest.mark.parametrize("sentence", [
    "Luật Khiếu nại số 15/2003/QH11 quy định cụ thể về trình tự giải quyết.",
    "UBND tỉnh ban hành Quyết định 1234/QĐ-UBND về việc phê duyệt đề án.",
    "Thông tư 12/2020/TT-BTC hướng dẫn chế độ quản lý tài chính.",
    "Đến nay 3/4 số xã đã đạt chuẩn nông thôn mới.",
    "Trận chung kết kết thúc với tỷ số 2-1 nghiêng về đội chủ nhà.",
    "Mọi ý kiến xin liên hệ số điện thoại 0243.823.4567 hoặc 0912-345-678.",
    "Hệ thống được nâng cấp lên phiên bản 2.1.3 và Android 4.4 trở lên.",
    "Trong tháng 3/2020, toàn tỉnh có 12 doanh nghiệp thành lập mới.",
    "Giai đoạn 2016-2020, kim ngạch xuất khẩu tăng 10-15% mỗi năm.",
    "Chỉ tiêu 5/3 đã được giao cho các phòng chuyên môn.",
    "Bệnh nhân được hướng dẫn uống thuốc mỗi ngày 2-3 lần sau bữa ăn.",
    "Thuốc được dùng ngày 2-3 lần, mỗi lần một viên.",
    "Lễ hội đền Hùng diễn ra vào ngày 10/3 âm lịch hằng năm.",
    "Báo cáo gửi Bộ chậm nhất vào ngày 15 tháng 10 năm trước.",
    "Kỳ báo cáo tính từ ngày 01 tháng 01 đến hết ngày 31 tháng 12 của năm báo cáo.",
    "Nhân dịp lễ 30/4 và 1/5, công đoàn tặng quà cho người lao động.",
    "Phim '11 tháng 5 ngày' được phát sóng trên kênh VTV3.",
])
def test_numbers_that_are_not_event_dates(sentence: str) -> None:
    assert event_dates(sentence, "2020-06-01") == []


@pytest.mark.parametrize("sentence", [
    "Thực hiện Quyết định số 123/QĐ-UBND ngày 05/02/2020 của UBND tỉnh, Sở triển khai kế hoạch.",
    "Căn cứ Nghị định 15/2020/NĐ-CP của Chính phủ ngày 03 tháng 02 năm 2020, Sở hướng dẫn các đơn vị.",
    "Thực hiện Chỉ thị 16 ngày 31/3/2020 của Thủ tướng, tỉnh tạm dừng các hoạt động tập trung đông người.",
    "Quy chế được ban hành ngày 05/02/2020 và áp dụng cho toàn ngành.",
    "SỐ 103-SL/L.005 NGÀY 20-5-1957 ĐẢM BẢO QUYỀN TỰ DO THÂN THỂ",
    "Hà Nội, ngày 29 tháng 6 năm 2006",
])
def test_a_documents_issue_date_is_not_an_event(sentence: str) -> None:
    assert event_dates(sentence, "2020-06-01") == []


def test_an_event_beside_an_issue_date_is_kept() -> None:
    text = ("Thực hiện Kế hoạch số 12/KH-UBND ngày 10/01/2019 của UBND tỉnh, sáng ngày 18/01/2019 Trung tâm "
            "Khuyến công đã tổ chức Hội nghị tổng kết. Nghị quyết 08/2021/NQ-HĐND có hiệu lực từ ngày 15/10/2021.")
    assert event_dates(text, "2021-01-18") == [date(2019, 1, 18), date(2021, 10, 15)]
    # Placed elsewhere on its line, a place and a date is an ordinary dateline of an event.
    assert event_dates("Quảng Trị, ngày 28/4, UBND tỉnh họp bàn phòng chống dịch.", "2021-04-28") == [
        date(2021, 4, 28)]


def test_decomposed_unicode_and_capitals() -> None:
    text = "CHIỀU 16/5, Sở họp. Ngày 5 tháng 3, Hội đồng thẩm định hồ sơ."
    decomposed = unicodedata.normalize("NFD", text)
    assert decomposed != text
    assert event_dates(decomposed, "2020-05-20") == event_dates(text, "2020-05-20") == [
        date(2020, 3, 5), date(2020, 5, 16)]


def test_sorted_and_unique_across_a_whole_post() -> None:
    text = ("Ngày 20/5/2019, Sở tổng kết đợt thi đua.\n"
            "Trước đó, sáng 18/5, đoàn kiểm tra làm việc tại huyện; chiều 18-5, đoàn làm việc tại xã.\n"
            "Ngày 18 tháng 5 năm 2019 cũng là ngày khai mạc hội thao.")
    assert event_dates(text, "2019-05-21") == [date(2019, 5, 18), date(2019, 5, 20)]
    assert event_dates("", "2019-05-21") == []
    assert event_dates("Không có ngày tháng nào ở đây.", "2019-05-21") == []


@pytest.mark.parametrize("day", [date(2019, 1, 18), date(2020, 12, 5), date(1975, 4, 30), date(2021, 2, 28)])
def test_format_event_date_reads_back(day: date) -> None:
    assert event_dates(f"Diễn ra: {format_event_date(day)}", "2021-06-01") == [day]


def test_format_event_date_pads_day_and_month() -> None:
    assert format_event_date(date(2019, 1, 18)) == "18/01/2019"
    assert format_event_date(date(2020, 12, 5)) == "05/12/2020"


def _bench():  # noqa: ANN202 - the bench module, loaded from its file (bench/ is no package)
    spec = importlib.util.spec_from_file_location("bench_event_dates", ROOT / "bench" / "event_dates.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_labelled_corpus_sentences() -> None:
    if not (SHARED / "corpus" / "articles.jsonl").is_file():
        pytest.skip(f"../shared is absent: the labelled sentences are read from {SHARED / 'corpus'}")
    bench = _bench()
    labelled = bench.load_labels()
    assert len(labelled) >= 120
    precision, recall, _, errors = bench.score(labelled, event_dates)
    assert precision >= 0.9 and recall >= 0.85, "\n".join(errors)
