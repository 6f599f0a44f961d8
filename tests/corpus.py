"""A small corpus of our own for ranking tests: short agency posts written for these tests."""

from __future__ import annotations

from archive import Article


def _a(n: int, title: str, body: str, published: str, department: str, category: str = "Tin hoạt động",
       site: str = "sct") -> Article:
    return Article(id=f"t{n}", url=f"http://sct.test/tin/{n}.html", title=title, body=body, published=published,
                   department=department, category=category, site=site)


ARTICLES = [
    _a(1, "Hội nghị tổng kết công tác thi đua khen thưởng năm 2018",
       "Sáng 18/01/2019, Trung tâm Khuyến công tổ chức hội nghị tổng kết công tác thi đua năm 2018.\n"
       "Hội nghị đánh giá kết quả thực hiện các đề án khuyến công và đề ra phương hướng năm 2019.\n"
       "Phòng HC-TH", "2019-01-18T08:30:00", "Hành chính - Tổng hợp"),
    _a(2, "Hội thảo kết nối cung cầu hàng hóa",
       "Sở Công Thương phối hợp tổ chức hội thảo kết nối cung cầu; tổng kim ngạch ký kết đạt 12 tỷ đồng.\n"
       "Các doanh nghiệp đã trao đổi về hòa nhập thị trường.\nPhòng QLTM", "2019-05-10", "Quản lý thương mại"),
    _a(3, "Tập huấn hòa giải tranh chấp thương mại",
       "Lớp tập huấn về hoà giải tranh chấp cho cán bộ quản lý thị trường diễn ra trong hai ngày.\n"
       "Thanh tra Sở", "2020-03-02", "Thanh tra"),
    _a(4, "Kiểm tra an toàn hồ chứa nước thủy lợi",
       "Đoàn kiểm tra đã làm việc tại hồ Phú Ninh về an toàn đập, công tác thuỷ lợi mùa mưa bão.\n"
       "Phòng QLCN", "2020-09-15", "Quản lý công nghiệp"),
    _a(5, "Hỗ trợ hộ kinh doanh nông thôn",
       "Chương trình hỗ trợ hộ kinh doanh và hộ gia đình ở nông thôn tiếp cận vốn khuyến công.\n"
       "TT Khuyến công", "2021-04-20", "Trung tâm Khuyến công", "Khuyến công"),
    _a(6, "Săn bắt hổ trái phép bị xử lý",
       "Cơ quan chức năng xử lý vụ vận chuyển hổ trái phép; tang vật đã được bàn giao.\nThanh tra Sở",
       "2021-06-01", "Thanh tra"),
    _a(7, "Quyết định công bố thủ tục hành chính",
       "Quyết định số 1234/QĐ-UBND ngày 05/03/2021 công bố thủ tục hành chính theo Luật 15/2003/QH11.\n"
       "Văn phòng Sở", "2021-03-05", "Văn phòng", "Văn bản chỉ đạo"),
    _a(8, "Hội nghị sơ kết 6 tháng đầu năm 2021",
       "Hội nghị sơ kết đánh giá tình hình sản xuất công nghiệp sáu tháng đầu năm.\nPhòng KH-TC",
       "2021-07-12", "Kế hoạch - Tài chính"),
    _a(9, "Thông báo lịch tiếp công dân tháng 8",
       "Lãnh đạo Sở tiếp công dân vào thứ năm hằng tuần tại trụ sở.\nVăn phòng Sở", "2021-08-01", "Văn phòng",
       "Thông báo"),
    _a(10, "Đoàn công tác khảo sát cụm công nghiệp Điện Nam",
        "Đoàn công tác của Sở đã khảo sát hạ tầng cụm công nghiệp Điện Nam - Điện Ngọc.\nPhòng QLCN",
        "2022-02-14", "Quản lý công nghiệp"),
    _a(11, "Khen thưởng tập thể có thành tích trong phong trào thi đua",
        "Giám đốc Sở trao bằng khen cho các tập thể có thành tích xuất sắc trong phong trào thi đua.\nPhòng HC-TH",
        "2022-01-10", "Hành chính - Tổng hợp"),
    _a(12, "Cảnh báo <script>alert(1)</script> giả mạo",
        "Bài viết có thẻ <script>alert('x')</script> và <b>đậm</b> phải hiện ra như chữ.\nVăn phòng Sở",
        "2022-03-01", "Văn phòng"),
]


def _r(n: int, title: str, body: str, published: str = "2021-05-01") -> Article:
    return Article(id=f"r{n}", url=f"http://ubnd.test/tin/{n}.html", title=title, body=body, published=published,
                   department="Văn phòng", category="Tin hoạt động", site="ubnd")


# Pairs written so that one article should win a query for one reason only (see tests/test_relevance.py).
RANKING_ARTICLES = [
    # a whole word (hòa_bình) against the same syllables scattered
    _r(1, "Lễ kỷ niệm ngày giải phóng", "Cựu chiến binh ôn lại những năm tháng hòa bình lập lại ở quê hương."),
    _r(2, "Tập huấn ở cơ sở", "Các hòa giải viên bình chọn tổ hòa giải tiêu biểu; buổi học diễn ra bình thường."),
    # the title against one mention in a long body
    _r(3, "Kiểm tra an toàn thực phẩm dịp Tết", "Đoàn liên ngành làm việc tại các chợ đầu mối."),
    _r(4, "Báo cáo công tác quý I",
       "Trong quý I, Văn phòng tổng hợp số liệu, lập kế hoạch, theo dõi công văn đến và đi, "
       "tổ chức các cuộc họp giao ban, cập nhật hồ sơ lưu trữ, phối hợp kiểm tra an toàn thực phẩm "
       "cùng các phòng chuyên môn, hoàn thiện báo cáo tài chính và chuẩn bị hội nghị sơ kết."),
    # a name the segmenter joins only when cased: "Hồ_Chí_Minh" against a lake and a will
    _r(5, "Đoàn công tác làm việc tại Thành phố Hồ Chí Minh", "Đoàn trao đổi kinh nghiệm chuyển đổi số."),
    _r(6, "Cải tạo hồ điều hòa", "Dự án nạo vét hồ; ý chí quyết tâm minh bạch nguồn vốn được nhấn mạnh."),
    # syllables inside a long name must still be found
    _r(7, "Ủy ban nhân dân tỉnh ban hành kế hoạch", "Kế hoạch phòng chống thiên tai năm 2021."),
    # a typo the archive can correct from its own words
    _r(8, "Phong trào thi đua yêu nước", "Phát động phong trào thi đua yêu nước năm 2021 trong toàn cơ quan."),
]


def _f(n: int, title: str, body: str, files: list[tuple[str, str, list[str]]],
       published: str = "2020-06-01") -> Article:
    """An article whose attached files (url's name, type, text per page) were fetched and read."""
    attachments = [{"url": f"http://sct.test/uploads/{name}", "title": name, "type": kind, "text": "\f".join(pages),
                    "pages": len(pages), "method": "text-layer", "size": 1000, "hash": f"{n:064x}"}
                   for name, kind, pages in files]
    return Article(id=f"f{n}", url=f"http://sct.test/tin/f{n}.html", title=title, body=body, published=published,
                   department="Văn phòng", category="Văn bản", site="sct", attachments=attachments)


# Posts that are covers for their files: words found only in an attachment, on a given page.
ATTACHMENT_ARTICLES = [
    _f(1, "Quyết định phê duyệt danh sách", "Xem quyết định trong tệp đính kèm.",
       [("QD-1234-UBND.pdf", "pdf", ["Căn cứ Luật Tổ chức chính quyền địa phương.",
                                      "Phê duyệt danh sách hộ nghèo xã Quỳnh Lưu được hỗ trợ xây nhà chống lũ.",
                                      "Nơi nhận: như trên."])]),
    _f(2, "Kế hoạch năm 2020", "Kế hoạch chi tiết trong tệp đính kèm.",
       [("Ke-hoach.docx", "docx", ["Tổ chức tập huấn ứng dụng máy gặt đập liên hợp cho nông dân."]),
        ("Ket-qua.xlsx", "xlsx", ["STT | Họ và tên | Điểm", "1 | Nguyễn Thị Hồng Nhung | 9,5"])]),
    # the same rare words in a post's body: it must rank above the post that has them only in a file
    _f(3, "Tập huấn máy gặt đập liên hợp", "Nông dân được tập huấn sử dụng máy gặt đập liên hợp.", []),
]
