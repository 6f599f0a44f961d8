"""The demo portal's articles: a fictional provincial "Sở Công Thương" and its "Trung tâm Khuyến công".

Everything here is invented (the province "Bắc Sơn", people, figures, document numbers) but written the
way such agencies publish, so the crawler, the Vietnamese analysis and the search UI can be exercised
end to end without touching a real site. The data is fixed: tests may rely on every value.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

VIETNAM_TZ = timezone(timedelta(hours=7))

SITE_NAME = "Sở Công Thương tỉnh Bắc Sơn"
CENTER_NAME = "Trung tâm Khuyến công tỉnh Bắc Sơn"
ADDRESS = "Số 18 đường Trần Hưng Đạo, phường Quang Trung, thành phố Bắc Sơn, tỉnh Bắc Sơn"
PHONE = "0204.3822.456"
FAX = "0204.3822.457"
EMAIL = "vanthu.sct@bacson.gov.vn"

# Category slug -> name, in menu order. Slugs are what list and article URLs carry.
CATEGORIES: dict[str, str] = {
    "tin-hoat-dong": "Tin hoạt động",
    "khuyen-cong": "Khuyến công",
    "xuc-tien-thuong-mai": "Xúc tiến thương mại",
    "van-ban-chi-dao": "Văn bản chỉ đạo",
    "thong-bao": "Thông báo",
}

# Every spelling a department goes by -> its canonical display name. Holds the raw signature lines used
# in ARTICLES ("Thu Hà - Phòng QLTM") and the unit names a signature parser pulls out of them
# ("Phòng QLTM", "Trung tâm Khuyến công" for "TT Khuyến công"), so either maps to one facet value.
DEPARTMENT_ALIASES: dict[str, str] = {
    "Phòng HC-TH": "Hành chính - Tổng hợp",
    "P. HC-TH": "Hành chính - Tổng hợp",
    "Phòng Hành chính - Tổng hợp": "Hành chính - Tổng hợp",
    "PHÒNG QLCN": "Quản lý Công nghiệp",
    "Phòng QLCN": "Quản lý Công nghiệp",
    "Hoàng Long - Phòng QLCN": "Quản lý Công nghiệp",
    "Phòng QLTM": "Quản lý Thương mại",
    "Thu Hà - Phòng QLTM": "Quản lý Thương mại",
    "Phòng Quản lý Thương mại": "Quản lý Thương mại",
    "Phòng QLNL": "Quản lý Năng lượng",
    "Minh Đức - Phòng QLNL": "Quản lý Năng lượng",
    "Phòng KH-TC": "Kế hoạch - Tài chính",
    "TT Khuyến công": "Trung tâm Khuyến công",
    "Trung tâm Khuyến công": "Trung tâm Khuyến công",
    "Thanh tra Sở": "Thanh tra Sở",
    "THANH TRA SỞ": "Thanh tra Sở",
}

# Canonical department names, in the order a facet list would show them.
DEPARTMENTS: list[str] = list(dict.fromkeys(DEPARTMENT_ALIASES.values()))

_WEEKDAYS = ["Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật"]


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def vietnamese_weekday(day: date, *, title_case: bool = False) -> str:
    """'Thứ sáu' as article date lines write it, or 'Thứ Sáu' as portal headers do."""
    name = _WEEKDAYS[day.weekday()]
    return name.title() if title_case else name


def fold_ascii(text: str) -> str:
    """Drop Vietnamese diacritics ('đ' included), keeping everything else."""
    text = nfc(text).replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def slugify(text: str) -> str:
    """The accent-free URL alias NukeViet builds from a title: 'Hội nghị ...' -> 'hoi-nghi-...'."""
    return re.sub(r"[^a-z0-9]+", "-", fold_ascii(text).lower()).strip("-") or "bai-viet"


def canonical_department(name: str) -> str:
    """A signature spelling or canonical name -> the canonical name (unknown names pass through)."""
    name = nfc(name).strip()
    return DEPARTMENT_ALIASES.get(name, name)


def first_sentence(text: str, limit: int = 240) -> str:
    """What list pages show under a title: the first sentence, cut at a word when very long."""
    match = re.search(r"(?<=[.!?…])\s+(?=[A-ZÀ-ỸĐ“\"(])", text)
    sentence = text[: match.start()] if match else text
    if len(sentence) > limit:
        sentence = sentence[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return sentence


@dataclass
class DemoArticle:
    """One post of the portal. Times are naive Vietnam time, as the site shows them."""

    id: int
    slug: str
    category_slug: str
    title: str
    published: datetime
    paragraphs: list[str]
    signature: str
    department: str
    attachments: list[dict[str, str]] = field(default_factory=list)  # {"file": path under /uploads/, "title"}
    pinned: bool = False
    modified: datetime | None = None  # set by DemoSite.edit_article; None = never edited

    @property
    def category(self) -> str:
        return CATEGORIES[self.category_slug]

    @property
    def path(self) -> str:
        """The canonical URL path of the article page."""
        return f"/vi/news/{self.category_slug}/{self.slug}-{self.id}.html"

    @property
    def attachment_paths(self) -> list[str]:
        """URL paths of the attached files, in page order."""
        return ["/uploads/" + a["file"] for a in self.attachments]

    @property
    def last_modified(self) -> datetime:
        return self.modified or self.published

    @property
    def summary(self) -> str:
        return first_sentence(self.paragraphs[0]) if self.paragraphs else ""

    @property
    def etag(self) -> str:
        """A strong validator that changes whenever what the article page says about it changes."""
        payload = json.dumps([self.id, self.category_slug, self.title, self.paragraphs, self.signature,
                              self.attachments, self.last_modified.isoformat()], ensure_ascii=False)
        return '"' + hashlib.sha1(payload.encode("utf-8")).hexdigest()[:20] + '"'

    def copy(self) -> DemoArticle:
        return copy.deepcopy(self)


def make_article(
    title: str,
    paragraphs: list[str],
    *,
    id: int,
    department: str | None = None,
    signature: str | None = None,
    category_slug: str = "tin-hoat-dong",
    published: datetime | None = None,
    attachments: list[dict[str, str]] | None = None,
    pinned: bool = False,
    slug: str | None = None,
) -> DemoArticle:
    """Build a consistent DemoArticle: NFC text, slug from the title, department from the signature.

    Give a department (canonical name or any alias), a signature, or both; with only a department, the
    first signature spelling of that department is used.
    """
    if category_slug not in CATEGORIES:
        raise ValueError(f"unknown category {category_slug!r}; use one of {', '.join(CATEGORIES)}")
    if not paragraphs:
        raise ValueError("an article needs at least one paragraph")
    if signature is None:
        canonical = canonical_department(department or DEPARTMENTS[0])
        signature = next((s for s, c in DEPARTMENT_ALIASES.items() if c == canonical), canonical)
    signature = nfc(signature).strip()
    dept = canonical_department(department) if department else canonical_department(signature)
    if published is None:
        published = datetime.now(VIETNAM_TZ).replace(tzinfo=None, second=0, microsecond=0)
    elif published.tzinfo is not None:
        published = published.astimezone(VIETNAM_TZ).replace(tzinfo=None)
    title = nfc(title).strip()
    return DemoArticle(
        id=id,
        slug=slug or slugify(title),
        category_slug=category_slug,
        title=title,
        published=published,
        paragraphs=[nfc(p).strip() for p in paragraphs],
        signature=signature,
        department=dept,
        attachments=[{"file": a["file"], "title": nfc(a["title"])} for a in attachments or []],
        pinned=pinned,
    )


def _entry(
    id: int,
    published: str,
    category_slug: str,
    signature: str,
    title: str,
    body: str,
    *,
    attachments: Sequence[tuple[str, str]] = (),
    pinned: bool = False,
) -> DemoArticle:
    """One article of the source text below: paragraphs are blank-line separated, lines re-joined."""
    paragraphs = [" ".join(line.strip() for line in block.splitlines() if line.strip())
                  for block in re.split(r"\n\s*\n", body.strip())]
    return make_article(
        title, paragraphs, id=id, signature=signature, category_slug=category_slug,
        published=datetime.strptime(published, "%Y-%m-%d %H:%M"),
        attachments=[{"file": f"news/{f}", "title": t} for f, t in attachments], pinned=pinned,
    )


_SOURCE: list[DemoArticle] = [
    _entry(
        112, "2018-01-12 09:15", "tin-hoat-dong", "Phòng HC-TH",
        "Sở Công Thương triển khai nhiệm vụ công tác năm 2018",
        """
        Sáng ngày 12/01/2018, Sở Công Thương tỉnh Bắc Sơn tổ chức Hội nghị triển khai nhiệm vụ công tác năm
        2018. Đến dự có ông Phạm Đức Toàn, Phó Chủ tịch Ủy ban nhân dân tỉnh; đại diện lãnh đạo các sở, ban,
        ngành liên quan; lãnh đạo Phòng Kinh tế và Hạ tầng các huyện, thị xã, thành phố cùng toàn thể cán
        bộ, công chức, viên chức, người lao động của Sở.

        Báo cáo tại hội nghị cho biết, năm 2017 giá trị sản xuất công nghiệp trên địa bàn tỉnh (theo giá so
        sánh 2010) ước đạt 21.450 tỷ đồng, tăng 11,2% so với năm 2016; tổng mức bán lẻ hàng hóa và doanh thu
        dịch vụ tiêu dùng đạt 18.760 tỷ đồng, tăng 10,5%; kim ngạch xuất khẩu đạt 412 triệu USD, vượt 3% kế
        hoạch. Công tác quản lý nhà nước về điện lực, an toàn thực phẩm, kinh doanh xăng dầu tiếp tục được
        tăng cường.

        Bên cạnh kết quả đạt được, hội nghị cũng thẳng thắn chỉ ra một số hạn chế như: tiến độ đầu tư hạ
        tầng một số cụm công nghiệp còn chậm; sản phẩm công nghiệp nông thôn chưa đa dạng, sức cạnh tranh
        thấp; công tác xúc tiến thương mại ở một số địa phương chưa thực sự hiệu quả.

        Phát biểu chỉ đạo, Phó Chủ tịch Ủy ban nhân dân tỉnh Phạm Đức Toàn đề nghị ngành Công Thương tập
        trung tháo gỡ khó khăn cho doanh nghiệp, đẩy nhanh tiến độ các dự án trọng điểm, nâng cao chất lượng
        công tác tham mưu và cải cách hành chính; phấn đấu năm 2018 giá trị sản xuất công nghiệp tăng từ 11%
        trở lên.

        Dịp này, Giám đốc Sở và thủ trưởng các phòng, đơn vị trực thuộc đã ký giao ước thi đua năm 2018.
        """,
    ),
    _entry(
        118, "2018-03-05 14:00", "khuyen-cong", "TT Khuyến công",
        "Phê duyệt kế hoạch khuyến công địa phương năm 2018",
        """
        Ngày 26/02/2018, Ủy ban nhân dân tỉnh Bắc Sơn ban hành Quyết định số 412/QĐ-UBND phê duyệt kế hoạch
        và kinh phí khuyến công địa phương năm 2018 với tổng kinh phí 3,2 tỷ đồng, trong đó ngân sách tỉnh
        hỗ trợ 2,15 tỷ đồng, phần còn lại là vốn đối ứng của các cơ sở công nghiệp nông thôn.

        Theo kế hoạch, năm 2018 sẽ triển khai 14 đề án, tập trung vào các nội dung: hỗ trợ xây dựng 6 mô
        hình trình diễn kỹ thuật và ứng dụng máy móc thiết bị tiên tiến trong chế biến nông sản, sản xuất
        vật liệu xây dựng; tổ chức 4 lớp đào tạo nghề, truyền nghề mây tre đan và thêu ren cho khoảng 140
        lao động nông thôn; hỗ trợ tổ chức bình chọn sản phẩm công nghiệp nông thôn tiêu biểu cấp tỉnh; tham
        gia hội chợ triển lãm khu vực phía Bắc.

        Trung tâm Khuyến công được giao chủ trì, phối hợp với Ủy ban nhân dân các huyện, thị xã, thành phố
        hướng dẫn các cơ sở lập hồ sơ, tổ chức thực hiện và nghiệm thu các đề án theo đúng quy định tại Nghị
        định số 45/2012/NĐ-CP của Chính phủ về khuyến công.

        Các tổ chức, cá nhân có nhu cầu tham gia đề án khuyến công năm 2018 liên hệ Trung tâm Khuyến công,
        số 18 đường Trần Hưng Đạo, thành phố Bắc Sơn để được hướng dẫn cụ thể về điều kiện, mức hỗ trợ và hồ
        sơ đề nghị.
        """,
    ),
    _entry(
        121, "2018-04-20 10:30", "thong-bao", "Thanh tra Sở",
        "Thông báo lịch tiếp công dân quý II năm 2018",
        """
        Thực hiện Luật Tiếp công dân năm 2013 và Quy chế tiếp công dân của Sở Công Thương, Thanh tra Sở
        thông báo lịch tiếp công dân định kỳ của Giám đốc Sở trong quý II năm 2018 như sau:

        Thời gian: ngày 10 và ngày 25 hằng tháng (nếu trùng ngày nghỉ thì chuyển sang ngày làm việc tiếp
        theo), buổi sáng từ 7 giờ 30 đến 11 giờ 30. Địa điểm: Phòng tiếp công dân, tầng 1, trụ sở Sở Công
        Thương, số 18 đường Trần Hưng Đạo, thành phố Bắc Sơn.

        Công dân đến trình bày khiếu nại, tố cáo, kiến nghị, phản ánh cần mang theo giấy tờ tùy thân và các
        tài liệu liên quan. Chi tiết xem tại tệp đính kèm.
        """,
        attachments=[
            ("2018_04/lich-tiep-cong-dan-quy-ii-2018.pdf", "Lịch tiếp công dân quý II năm 2018"),
        ],
    ),
    _entry(
        127, "2018-06-14 15:45", "tin-hoat-dong", "PHÒNG QLCN",
        "Kiểm tra an toàn vật liệu nổ công nghiệp tại các mỏ đá",
        """
        Từ ngày 04/6 đến ngày 12/6/2018, Đoàn kiểm tra liên ngành do Sở Công Thương chủ trì, phối hợp với
        Công an tỉnh và Sở Tài nguyên và Môi trường đã kiểm tra công tác bảo quản, sử dụng vật liệu nổ công
        nghiệp tại 9 đơn vị khai thác đá làm vật liệu xây dựng trên địa bàn các huyện Yên Hà, Lâm Thượng và
        Thạch Lộc.

        Qua kiểm tra, phần lớn các đơn vị đã có giấy phép sử dụng vật liệu nổ công nghiệp còn hiệu lực; kho
        chứa được xây dựng cơ bản đúng quy chuẩn, có nội quy, phương án phòng cháy chữa cháy và sổ sách theo
        dõi xuất, nhập. Đội ngũ chỉ huy nổ mìn, thợ mìn đã được huấn luyện và cấp chứng chỉ theo quy định.

        Tuy nhiên, đoàn cũng phát hiện 3 đơn vị chưa cập nhật đầy đủ hộ chiếu nổ mìn, 2 đơn vị chưa lắp đặt
        hệ thống camera giám sát kho theo quy định, một đơn vị để hàng rào bảo vệ kho bị hư hỏng nhưng chưa
        kịp thời sửa chữa.

        Kết thúc đợt kiểm tra, đoàn yêu cầu các đơn vị khắc phục ngay các tồn tại trước ngày 30/7/2018 và
        báo cáo kết quả bằng văn bản về Sở Công Thương. Trường hợp tái phạm sẽ bị xử lý nghiêm theo Nghị
        định số 71/2015/NĐ-CP và kiến nghị cơ quan có thẩm quyền đình chỉ việc sử dụng vật liệu nổ công
        nghiệp.
        """,
    ),
    _entry(
        133, "2018-08-22 08:00", "khuyen-cong", "TT Khuyến công",
        "Nghiệm thu mô hình trình diễn máy sấy chè tại Hợp tác xã chè Tân Mỹ",
        """
        Ngày 21/8/2018, Trung tâm Khuyến công phối hợp với Phòng Kinh tế và Hạ tầng huyện Đồng Xuân tổ chức
        nghiệm thu đề án xây dựng mô hình trình diễn kỹ thuật sấy chè bằng máy sấy băng tải tại Hợp tác xã
        chè Tân Mỹ, xã Tân Mỹ, huyện Đồng Xuân.

        Đề án được hỗ trợ từ nguồn kinh phí khuyến công địa phương năm 2018 với số tiền 240 triệu đồng; tổng
        vốn đầu tư của hợp tác xã là 780 triệu đồng. Dây chuyền gồm máy vò chè, máy sấy băng tải công suất
        150 kg chè búp tươi mỗi giờ và hệ thống phân loại sản phẩm.

        Theo đánh giá của hội đồng nghiệm thu, sau gần ba tháng vận hành, thiết bị hoạt động ổn định, năng
        suất tăng gấp 3 lần so với sao chè thủ công bằng tôn quay; độ ẩm và màu nước chè đồng đều hơn; chi
        phí nhân công giảm khoảng 40%. Nhờ chất lượng ổn định, sản phẩm chè xanh Tân Mỹ đã được một số cửa
        hàng đặc sản tại thành phố Bắc Sơn và Hà Nội đặt hàng thường xuyên.

        Hội đồng thống nhất nghiệm thu đề án và đề nghị Trung tâm Khuyến công tiếp tục hỗ trợ hợp tác xã xây
        dựng nhãn hiệu, thiết kế bao bì, tham gia các hội chợ để mở rộng thị trường. Mô hình sẽ được giới
        thiệu để các cơ sở chế biến chè khác trong tỉnh đến tham quan, học tập.
        """,
    ),
    _entry(
        139, "2018-10-09 16:20", "xuc-tien-thuong-mai", "Thu Hà - Phòng QLTM",
        "Doanh nghiệp tỉnh Bắc Sơn tham gia Hội chợ thương mại vùng Tây Bắc năm 2018",
        """
        Từ ngày 03 đến ngày 07/10/2018, thực hiện Chương trình xúc tiến thương mại năm 2018, Sở Công Thương
        đã tổ chức cho 12 doanh nghiệp, hợp tác xã của tỉnh tham gia Hội chợ thương mại vùng Tây Bắc năm
        2018 với 15 gian hàng tiêu chuẩn.

        Các sản phẩm được giới thiệu tại hội chợ gồm: chè xanh Tân Mỹ, miến dong Đồng Xuân, mật ong rừng Lâm
        Thượng, gốm Thạch Lộc, sản phẩm mây tre đan xuất khẩu Phú Bình và một số loại nông sản chế biến.
        Gian hàng của tỉnh được thiết kế theo không gian chung, có khu vực giới thiệu tiềm năng du lịch và
        thu hút đầu tư.

        Trong 5 ngày diễn ra hội chợ, các gian hàng của tỉnh đã thu hút đông đảo khách tham quan, mua sắm;
        doanh thu bán hàng trực tiếp đạt hơn 620 triệu đồng. Đặc biệt, có 7 biên bản ghi nhớ hợp tác được ký
        kết giữa doanh nghiệp của tỉnh với các nhà phân phối tại Lào Cai, Yên Bái và Hà Nội, tập trung vào
        các mặt hàng chè và miến dong.

        Theo đại diện Phòng Quản lý Thương mại, thông qua hội chợ, các doanh nghiệp có điều kiện tìm hiểu
        nhu cầu thị trường, học hỏi kinh nghiệm trưng bày, đóng gói sản phẩm. Thời gian tới, Sở sẽ tiếp tục
        hỗ trợ doanh nghiệp hoàn thiện mẫu mã, truy xuất nguồn gốc để đáp ứng yêu cầu của các kênh phân phối
        hiện đại.
        """,
    ),
    _entry(
        144, "2018-12-03 09:00", "van-ban-chi-dao", "Phòng QLTM",
        "Triển khai Kế hoạch 56/KH-SCT bảo đảm cung ứng hàng hóa dịp Tết Kỷ Hợi 2019",
        """
        Ngày 30/11/2018, Sở Công Thương ban hành Kế hoạch 56/KH-SCT về bảo đảm cân đối cung cầu, bình ổn thị
        trường hàng hóa cuối năm 2018 và dịp Tết Nguyên đán Kỷ Hợi 2019 trên địa bàn tỉnh.

        Mục tiêu của kế hoạch là bảo đảm nguồn cung đầy đủ các mặt hàng thiết yếu như lương thực, thực phẩm,
        xăng dầu, khí hóa lỏng, vật tư nông nghiệp với chất lượng bảo đảm, giá cả hợp lý; không để xảy ra
        tình trạng khan hiếm hàng, sốt giá cục bộ, nhất là tại các xã vùng sâu, vùng xa.

        Sở Công Thương đề nghị các doanh nghiệp phân phối lớn trên địa bàn chủ động dự trữ hàng hóa với tổng
        giá trị tăng từ 15 đến 20% so với cùng kỳ, tổ chức các điểm bán hàng bình ổn giá và các chuyến hàng
        Việt về nông thôn. Các đơn vị kinh doanh xăng dầu bảo đảm hoạt động liên tục, không tự ý đóng cửa
        hoặc hạn chế lượng bán.

        Ủy ban nhân dân các huyện, thị xã, thành phố được đề nghị chỉ đạo các lực lượng chức năng tăng cường
        kiểm tra, kiểm soát thị trường, xử lý nghiêm các hành vi đầu cơ, găm hàng, buôn lậu, gian lận thương
        mại và kinh doanh hàng giả, hàng kém chất lượng. Trước ngày 25 hằng tháng, các địa phương báo cáo
        tình hình thị trường về Sở Công Thương để tổng hợp, báo cáo Ủy ban nhân dân tỉnh và Bộ Công Thương.
        """,
        attachments=[
            ("2018_12/56-kh-sct.pdf", "Kế hoạch số 56/KH-SCT ngày 30/11/2018"),
        ],
    ),
    _entry(
        245, "2019-01-18 08:30", "tin-hoat-dong", "Phòng HC-TH",
        "Hội nghị tổng kết phong trào thi đua năm 2018",
        """
        Sáng ngày 18/01/2019, Trung tâm Khuyến công tỉnh Bắc Sơn tổ chức Hội nghị tổng kết phong trào thi
        đua năm 2018 và phát động thi đua năm 2019. Tham dự hội nghị có bà Trần Thị Mai Lan, Phó Giám đốc Sở
        Công Thương; đại diện Công đoàn cơ sở Sở Công Thương, lãnh đạo các phòng chuyên môn của Sở cùng toàn
        thể viên chức, người lao động của Trung tâm.

        Năm 2018, bám sát chủ đề “Đoàn kết, kỷ cương, sáng tạo, hiệu quả”, Trung tâm đã cụ thể hóa phong
        trào thi đua thành các chỉ tiêu gắn với nhiệm vụ chuyên môn của từng phòng. Nhờ đó, Trung tâm hoàn
        thành 14/14 đề án khuyến công địa phương và 2 đề án khuyến công quốc gia, giải ngân 100% kinh phí
        được giao; hỗ trợ 6 cơ sở ứng dụng máy móc thiết bị tiên tiến, đào tạo nghề cho 150 lao động nông
        thôn và đưa 18 sản phẩm tham gia bình chọn sản phẩm công nghiệp nông thôn tiêu biểu cấp tỉnh.

        Bên cạnh nhiệm vụ chuyên môn, các phong trào “Viên chức thi đua thực hiện văn hóa công sở”, “Giỏi
        việc nước, đảm việc nhà” được viên chức, người lao động hưởng ứng tích cực. Công tác cải cách hành
        chính có nhiều chuyển biến; 100% văn bản đi, đến được xử lý trên phần mềm quản lý văn bản và điều
        hành.

        Hội nghị cũng chỉ ra một số tồn tại: phong trào thi đua ở một số thời điểm còn mang tính hình thức;
        việc phát hiện, nhân rộng điển hình tiên tiến chưa kịp thời; công tác tư vấn phát triển công nghiệp
        chưa tương xứng với tiềm năng.

        Phát biểu tại hội nghị, Phó Giám đốc Sở Trần Thị Mai Lan ghi nhận những nỗ lực của tập thể Trung tâm
        và đề nghị năm 2019 Trung tâm đổi mới nội dung, hình thức thi đua; tập trung hỗ trợ các cơ sở xây
        dựng sản phẩm chủ lực gắn với Chương trình mỗi xã một sản phẩm (OCOP); đẩy mạnh ứng dụng công nghệ
        thông tin trong quản lý các đề án khuyến công.

        Tại hội nghị, Giám đốc Trung tâm Lê Quang Hưng đã trao giấy khen cho 2 tập thể và 9 cá nhân có thành
        tích xuất sắc trong phong trào thi đua năm 2018. Các phòng chuyên môn đã ký giao ước thi đua năm
        2019 với quyết tâm hoàn thành vượt mức các chỉ tiêu được giao.
        """,
    ),
    _entry(
        249, "2019-03-08 09:30", "tin-hoat-dong", "P. HC-TH",
        "Sở Công Thương gặp mặt nữ cán bộ nhân kỷ niệm Ngày Quốc tế Phụ nữ 8/3",
        """
        Chiều ngày 07/3/2019, Công đoàn cơ sở Sở Công Thương phối hợp với Ban Vì sự tiến bộ của phụ nữ của
        Sở tổ chức gặp mặt nữ cán bộ, công chức, viên chức, người lao động nhân kỷ niệm 109 năm Ngày Quốc tế
        Phụ nữ 8/3 và 1979 năm khởi nghĩa Hai Bà Trưng.

        Phát biểu tại buổi gặp mặt, ông Nguyễn Văn Thành, Giám đốc Sở Công Thương, gửi lời chúc sức khỏe,
        hạnh phúc tới toàn thể chị em; đánh giá cao vai trò của lực lượng nữ, hiện chiếm gần 45% tổng số cán
        bộ, công chức, viên chức của Sở. Nhiều chị em đang giữ vị trí lãnh đạo phòng, đơn vị, luôn hoàn
        thành tốt nhiệm vụ được giao, đồng thời chăm lo chu đáo cho gia đình.

        Năm 2018, phong trào “Giỏi việc nước, đảm việc nhà” tiếp tục được duy trì; 21 chị được công nhận
        danh hiệu phụ nữ “Giỏi việc nước, đảm việc nhà”, 3 chị được Giám đốc Sở tặng giấy khen vì có thành
        tích xuất sắc trong công tác.

        Dịp này, Công đoàn cơ sở đã tổ chức các hoạt động giao lưu văn nghệ, thi cắm hoa nghệ thuật giữa các
        phòng, đơn vị, tạo không khí vui tươi, gắn kết; đồng thời thăm hỏi, tặng quà 5 nữ đoàn viên có hoàn
        cảnh khó khăn.
        """,
    ),
    _entry(
        256, "2019-04-11 15:00", "khuyen-cong", "TT Khuyến công",
        "Khai giảng lớp đào tạo nghề mây tre đan cho lao động nông thôn tại thị xã Phú Bình",
        """
        Ngày 10/4/2019, tại xã Phú Lâm, thị xã Phú Bình, Trung tâm Khuyến công phối hợp với Công ty TNHH Mây
        tre đan Phú Bình khai giảng lớp đào tạo nghề mây tre đan xuất khẩu cho 35 học viên là lao động nông
        thôn, trong đó có 6 người khuyết tật.

        Lớp học được hỗ trợ từ nguồn kinh phí khuyến công địa phương năm 2019 và kéo dài trong 3 tháng. Học
        viên được các nghệ nhân, thợ lành nghề của công ty trực tiếp hướng dẫn kỹ thuật xử lý nguyên liệu,
        vót nan, đan lát và hoàn thiện sản phẩm theo mẫu mã của đơn hàng xuất khẩu; được hỗ trợ tiền ăn, tài
        liệu học tập và nguyên liệu thực hành.

        Theo cam kết, sau khi kết thúc khóa học, 100% học viên đạt yêu cầu sẽ được công ty nhận vào làm việc
        tại xưởng hoặc giao nguyên liệu làm tại nhà, với thu nhập dự kiến từ 3,5 đến 4,5 triệu đồng mỗi
        tháng. Đối với học viên là người khuyết tật, việc làm tại nhà giúp các em có thu nhập ổn định, tự
        tin hòa nhập cộng đồng.

        Phát biểu khai giảng, đại diện Trung tâm Khuyến công đề nghị học viên chấp hành nghiêm nội quy,
        chuyên cần học tập; đơn vị đào tạo bố trí giáo viên có kinh nghiệm, bảo đảm chất lượng đầu ra để
        nghề truyền thống tiếp tục được gìn giữ và phát triển.
        """,
    ),
    _entry(
        259, "2019-05-06 08:00", "thong-bao", "Phòng Hành chính - Tổng hợp",
        "Thông báo số điện thoại đường dây nóng của Sở Công Thương",
        """
        Nhằm tiếp nhận kịp thời phản ánh, kiến nghị của tổ chức, cá nhân về thủ tục hành chính, hành vi
        nhũng nhiễu, gây phiền hà của cán bộ, công chức và các vấn đề thuộc lĩnh vực quản lý của ngành Công
        Thương, Sở Công Thương tỉnh Bắc Sơn thông báo số điện thoại đường dây nóng như sau:

        Giám đốc Sở: 0204.3822.450. Trưởng phòng Hành chính - Tổng hợp: 0204.3822.456. Chánh Thanh tra Sở:
        0204.3822.459. Thư điện tử: vanthu.sct@bacson.gov.vn.

        Tổ chức, cá nhân khi phản ánh cần cung cấp rõ họ tên, địa chỉ, số điện thoại liên hệ và nội dung
        phản ánh. Sở Công Thương không tiếp nhận các phản ánh nặc danh, mạo danh hoặc không thuộc thẩm quyền
        giải quyết. Thông báo này thay thế các thông báo trước đây về đường dây nóng của Sở.
        """,
        attachments=[
            ("2019_05/duong-day-nong-so-cong-thuong.pdf", "Thông báo số 95/TB-SCT về đường dây nóng"),
        ],
        pinned=True,
    ),
    _entry(
        262, "2019-06-17 14:30", "van-ban-chi-dao", "PHÒNG QLCN",
        "Phê duyệt Phương án phát triển cụm công nghiệp tỉnh Bắc Sơn đến năm 2025",
        """
        Ngày 12/6/2019, Ủy ban nhân dân tỉnh ban hành Quyết định số 1234/QĐ-UBND phê duyệt Phương án phát
        triển cụm công nghiệp tỉnh Bắc Sơn đến năm 2025, định hướng đến năm 2030. Theo đó, đến năm 2025 toàn
        tỉnh có 24 cụm công nghiệp với tổng diện tích khoảng 1.150 ha, phân bố tại 9/9 huyện, thị xã, thành
        phố.

        Phương án xác định ưu tiên thu hút các dự án chế biến nông, lâm sản, sản xuất vật liệu xây dựng
        không nung, cơ khí, may mặc, điện tử và các ngành nghề tiểu thủ công nghiệp truyền thống; hạn chế
        các dự án có nguy cơ gây ô nhiễm môi trường cao. Các cụm công nghiệp phải được đầu tư đồng bộ hạ
        tầng kỹ thuật, trong đó có hệ thống thu gom, xử lý nước thải tập trung.

        Sở Công Thương được giao chủ trì, phối hợp với các sở, ngành và Ủy ban nhân dân cấp huyện công bố
        phương án; hướng dẫn thủ tục thành lập, mở rộng cụm công nghiệp và lựa chọn chủ đầu tư xây dựng hạ
        tầng theo Nghị định số 68/2017/NĐ-CP của Chính phủ; định kỳ hằng năm đánh giá tình hình thực hiện,
        báo cáo Ủy ban nhân dân tỉnh.

        Toàn văn Quyết định được đăng tải kèm theo tin này.
        """,
        attachments=[
            ("2019_06/1234-qd-ubnd.pdf", "Quyết định số 1234/QĐ-UBND ngày 12/6/2019"),
        ],
    ),
    _entry(
        268, "2019-08-20 16:00", "tin-hoat-dong", "Thanh tra Sở",
        "Tập huấn nghiệp vụ tiếp công dân, giải quyết khiếu nại, tố cáo năm 2019",
        """
        Ngày 20/8/2019, Thanh tra Sở Công Thương tổ chức lớp tập huấn nghiệp vụ tiếp công dân, giải quyết
        khiếu nại, tố cáo cho hơn 60 cán bộ, công chức làm công tác thanh tra, pháp chế của Sở, các đơn vị
        trực thuộc và Phòng Kinh tế và Hạ tầng các huyện.

        Tại lớp tập huấn, báo cáo viên là lãnh đạo Thanh tra tỉnh đã giới thiệu những điểm mới của Luật Tố
        cáo năm 2018; quy trình tiếp công dân, xử lý đơn thư; kỹ năng đối thoại với người khiếu nại và
        phương pháp vận động, hoà giải ngay từ cơ sở để hạn chế phát sinh khiếu nại vượt cấp, kéo dài.

        Các học viên cũng được trao đổi, thảo luận về những tình huống thường gặp trong thực tế như tranh
        chấp về bồi thường khi xây dựng công trình điện, phản ánh về chất lượng xăng dầu, hàng hóa, hay thắc
        mắc về hóa đơn tiền điện tăng cao trong các tháng nắng nóng.

        Kết thúc lớp tập huấn, Chánh Thanh tra Sở Đỗ Minh Tuấn đề nghị các đơn vị quán triệt nội dung đã
        được tập huấn, bố trí cán bộ có năng lực, phẩm chất làm công tác tiếp công dân; giải quyết dứt điểm
        các vụ việc ngay từ khi mới phát sinh, không để hình thành điểm nóng.
        """,
    ),
    _entry(
        274, "2019-09-27 10:15", "xuc-tien-thuong-mai", "Phòng QLTM",
        "Hội chợ Công Thương tỉnh Bắc Sơn năm 2019 thu hút gần 200 gian hàng",
        """
        Tối ngày 26/9/2019, tại Quảng trường trung tâm thành phố Bắc Sơn, Sở Công Thương khai mạc Hội chợ
        Công Thương tỉnh Bắc Sơn năm 2019. Hội chợ diễn ra từ ngày 26/9 đến ngày 02/10/2019 với gần 200 gian
        hàng của hơn 120 doanh nghiệp, hợp tác xã đến từ 15 tỉnh, thành phố trong cả nước.

        Các gian hàng trưng bày, giới thiệu đa dạng sản phẩm: máy móc nông nghiệp, hàng tiêu dùng, thủ công
        mỹ nghệ, đồ gỗ, đặc sản vùng miền và các sản phẩm công nghiệp nông thôn tiêu biểu. Khu vực dành
        riêng cho sản phẩm của tỉnh có 48 gian hàng, trong đó nhiều sản phẩm đã đạt chứng nhận OCOP 3 sao, 4
        sao.

        Trong khuôn khổ hội chợ còn diễn ra hội nghị kết nối giao thương giữa doanh nghiệp sản xuất với hệ
        thống siêu thị, các chương trình biểu diễn văn nghệ, trò chơi dân gian phục vụ nhân dân.

        Ban tổ chức yêu cầu các đơn vị tham gia cam kết không kinh doanh hàng giả, hàng nhập lậu, hàng không
        rõ nguồn gốc; niêm yết giá và bán đúng giá niêm yết. Lực lượng quản lý thị trường bố trí tổ công tác
        thường trực tại hội chợ để kiểm tra, xử lý vi phạm.
        """,
    ),
    _entry(
        281, "2019-11-14 14:00", "khuyen-cong", "Trung tâm Khuyến công",
        "Bình chọn 24 sản phẩm công nghiệp nông thôn tiêu biểu cấp tỉnh năm 2019",
        """
        Từ ngày 11 đến ngày 13/11/2019, Hội đồng bình chọn sản phẩm công nghiệp nông thôn tiêu biểu cấp tỉnh
        đã tổ chức đánh giá 41 sản phẩm của 33 cơ sở công nghiệp nông thôn đăng ký tham gia. Đây là năm có
        số lượng sản phẩm tham gia nhiều nhất từ trước đến nay.

        Các sản phẩm được chấm điểm theo bốn nhóm tiêu chí: khả năng phát triển sản xuất, thị trường; tính
        văn hóa, thẩm mỹ; hiệu quả kinh tế - xã hội và tác động đến môi trường; chất lượng, tính năng sử
        dụng. Kết quả có 24 sản phẩm đạt từ 70 điểm trở lên, được đề nghị công nhận là sản phẩm công nghiệp
        nông thôn tiêu biểu cấp tỉnh năm 2019.

        Nhóm thủ công mỹ nghệ có 9 sản phẩm, nổi bật là bình gốm men rạn Thạch Lộc, bộ khay mây đan Phú
        Bình; nhóm chế biến nông sản, thực phẩm có 12 sản phẩm như chè xanh Tân Mỹ, miến dong Đồng Xuân, mật
        ong rừng Lâm Thượng; nhóm dụng cụ, máy móc cơ khí có 3 sản phẩm.

        Các sản phẩm được công nhận sẽ được cấp giấy chứng nhận, hỗ trợ kinh phí theo quy định và được lựa
        chọn tham gia bình chọn sản phẩm công nghiệp nông thôn tiêu biểu cấp khu vực phía Bắc năm 2020.
        """,
        attachments=[
            ("2019_11/Ket-qua-binh-chon-2019.xlsx", "Kết quả chấm điểm bình chọn sản phẩm năm 2019"),
        ],
    ),
    _entry(
        305, "2020-02-10 09:00", "van-ban-chi-dao", "Phòng QLTM",
        "Hướng dẫn phòng, chống dịch COVID-19 tại chợ, siêu thị, trung tâm thương mại",
        """
        Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh và Bộ Công Thương về phòng, chống dịch bệnh viêm đường hô
        hấp cấp do chủng mới của vi rút Corona (COVID-19) gây ra, ngày 07/02/2020 Sở Công Thương ban hành
        Công văn số 215/SCT-QLTM hướng dẫn các biện pháp phòng, chống dịch tại chợ, siêu thị, trung tâm
        thương mại trên địa bàn tỉnh.

        Theo đó, các ban quản lý chợ, doanh nghiệp kinh doanh siêu thị, trung tâm thương mại phải bố trí nơi
        rửa tay với xà phòng hoặc dung dịch sát khuẩn tại lối ra vào; thường xuyên vệ sinh, khử khuẩn khu
        vực quầy hàng, xe đẩy, giỏ hàng; yêu cầu người bán hàng đeo khẩu trang trong suốt thời gian làm
        việc; khuyến khích khách hàng thanh toán không dùng tiền mặt.

        Các đơn vị kinh doanh cần chủ động xây dựng kế hoạch dự trữ hàng hóa thiết yếu, nhất là lương thực,
        thực phẩm, khẩu trang, nước sát khuẩn; không đầu cơ, găm hàng, tăng giá bất hợp lý. Trường hợp phát
        hiện người có biểu hiện sốt, ho, khó thở phải thông báo ngay cho cơ sở y tế gần nhất.

        Sở Công Thương đề nghị Ủy ban nhân dân các huyện, thị xã, thành phố chỉ đạo phòng chuyên môn phối
        hợp kiểm tra việc thực hiện tại các chợ trên địa bàn và báo cáo kết quả về Sở trước ngày 20/02/2020.
        """,
        attachments=[
            ("2020_02/215-sct-qltm.pdf", "Công văn số 215/SCT-QLTM ngày 07/02/2020"),
        ],
    ),
    _entry(
        311, "2020-03-26 15:30", "thong-bao", "Thanh tra Sở",
        "Thông báo tạm dừng tiếp công dân trực tiếp tại trụ sở Sở Công Thương",
        """
        Thực hiện chỉ đạo của Uỷ ban nhân dân tỉnh về các biện pháp cấp bách phòng, chống dịch COVID-19, Sở
        Công Thương thông báo tạm dừng tiếp công dân trực tiếp tại trụ sở Sở kể từ ngày 27/3/2020 cho đến
        khi có thông báo mới.

        Trong thời gian này, tổ chức, cá nhân có nhu cầu khiếu nại, tố cáo, kiến nghị, phản ánh gửi đơn qua
        đường bưu chính về địa chỉ: Sở Công Thương tỉnh Bắc Sơn, số 18 đường Trần Hưng Đạo, thành phố Bắc
        Sơn; hoặc qua thư điện tử vanthu.sct@bacson.gov.vn; hoặc qua số điện thoại đường dây nóng
        0204.3822.459 trong giờ hành chính.

        Sở Công Thương mong nhận được sự thông cảm, chia sẻ của người dân và doanh nghiệp. Thông báo chi
        tiết xem tệp đính kèm.
        """,
        attachments=[
            ("2020_03/tam-dung-tiep-cong-dan.pdf", "Thông báo tạm dừng tiếp công dân trực tiếp"),
        ],
    ),
    _entry(
        318, "2020-05-19 08:30", "tin-hoat-dong", "Phòng QLNL",
        "Kiểm tra an toàn đập, hồ chứa thủy điện trước mùa mưa lũ năm 2020",
        """
        Từ ngày 12 đến ngày 15/5/2020, Đoàn kiểm tra của Sở Công Thương do Phó Giám đốc Sở Trần Thị Mai Lan
        làm trưởng đoàn đã kiểm tra công tác bảo đảm an toàn đập, hồ chứa và phương án phòng, chống thiên
        tai tại 6 nhà máy thủy điện vừa và nhỏ trên địa bàn huyện Lâm Thượng và huyện Yên Hà.

        Qua kiểm tra cho thấy, các chủ đập đã lập quy trình vận hành hồ chứa, phương án ứng phó thiên tai và
        phương án ứng phó với tình huống khẩn cấp trình cấp có thẩm quyền phê duyệt; lắp đặt hệ thống cảnh
        báo, loa phát thanh ở hạ du; thực hiện quan trắc khí tượng thủy văn theo quy định.

        Bên cạnh đó, vẫn còn một số tồn tại cần khắc phục như: hệ thống thông tin liên lạc giữa nhà máy với
        chính quyền địa phương vùng hạ du chưa được diễn tập định kỳ; biển báo nguy hiểm tại một số vị trí
        bị mờ, hư hỏng; việc phối hợp vận hành điều tiết nước với các hồ chứa thủy lợi ở hạ du chưa chặt
        chẽ.

        Trưởng đoàn kiểm tra yêu cầu các chủ đập khẩn trương khắc phục tồn tại trước ngày 15/6/2020; bố trí
        lực lượng trực 24/24 giờ trong mùa mưa lũ; tuyệt đối không để xảy ra sự cố mất an toàn đập, ảnh
        hưởng đến tính mạng, tài sản của nhân dân vùng hạ du.
        """,
    ),
    _entry(
        321, "2020-06-05 10:00", "khuyen-cong", "TT Khuyến công",
        "Ban hành kế hoạch hỗ trợ phát triển làng nghề truyền thống năm 2020",
        """
        Trung tâm Khuyến công tỉnh Bắc Sơn vừa ban hành Kế hoạch số 38/KH-TTKC về hỗ trợ phát triển làng
        nghề truyền thống năm 2020, với mục tiêu bảo tồn các nghề truyền thống gắn với phát triển du lịch
        nông thôn, nâng cao thu nhập và tạo việc làm ổn định cho lao động tại chỗ.

        Theo kế hoạch, năm 2020 Trung tâm tập trung hỗ trợ ba làng nghề có nhiều hộ tham gia sản xuất, sản
        phẩm có thị trường tiêu thụ ổn định. Nội dung hỗ trợ gồm ứng dụng máy móc thiết bị giảm lao động thủ
        công, giảm ô nhiễm môi trường; thiết kế mẫu mã, xây dựng nhãn hiệu tập thể; đào tạo, truyền nghề cho
        lao động trẻ và đưa sản phẩm tham gia hội chợ làng nghề khu vực phía Bắc.

        Tổng kinh phí thực hiện kế hoạch là 950 triệu đồng từ nguồn kinh phí khuyến công địa phương năm 2020,
        phần còn lại do các cơ sở đối ứng. Ủy ban nhân dân các huyện, thị xã có làng nghề được hỗ trợ phối
        hợp hướng dẫn các hộ lập hồ sơ và giám sát quá trình thực hiện.

        Nội dung chi tiết từng làng nghề, đơn vị thực hiện, thời gian và mức kinh phí xem tại kế hoạch đính
        kèm. Các cơ sở có nhu cầu liên hệ Phòng Nghiệp vụ khuyến công để được hướng dẫn.
        """,
        attachments=[
            ("2020_06/Ke-hoach-2020.docx", "Kế hoạch số 38/KH-TTKC hỗ trợ phát triển làng nghề năm 2020"),
        ],
    ),
    _entry(
        324, "2020-06-30 10:00", "khuyen-cong", "TT Khuyến công",
        "Hỗ trợ cơ sở chế biến thuỷ sản ứng dụng thiết bị cấp đông nhanh",
        """
        Từ nguồn kinh phí khuyến công địa phương năm 2020, Trung tâm Khuyến công đã hỗ trợ Hợp tác xã thuỷ
        sản Hồ Yên, huyện Yên Hà xây dựng mô hình trình diễn kỹ thuật ứng dụng thiết bị cấp đông nhanh trong
        bảo quản, chế biến cá lồng.

        Hợp tác xã hiện có 42 thành viên, nuôi cá lồng trên lòng hồ với sản lượng khoảng 350 tấn mỗi năm,
        chủ yếu là cá lăng, cá trắm và cá rô phi. Trước đây, sản phẩm chủ yếu bán tươi cho thương lái nên
        giá cả bấp bênh, nhiều thời điểm ùn ứ, nhất là trong thời gian giãn cách xã hội do dịch COVID-19.

        Tổng vốn đầu tư của mô hình là 1,1 tỷ đồng, trong đó kinh phí khuyến công hỗ trợ 300 triệu đồng để
        mua tủ cấp đông nhanh, máy hút chân không và thiết bị đóng gói. Sau khi đưa vào sử dụng, hợp tác xã
        đã sản xuất các sản phẩm cá lăng phi lê, chả cá, cá trắm một nắng đóng gói, bảo quản được từ 3 đến 6
        tháng; giá trị sản phẩm tăng từ 20 đến 30%.

        Ông Lê Quang Hưng, Giám đốc Trung tâm Khuyến công cho biết, mô hình phù hợp với định hướng phát
        triển sản phẩm thuỷ sản đặc trưng của địa phương. Trung tâm sẽ tiếp tục hỗ trợ hợp tác xã hoàn thiện
        hồ sơ đánh giá, phân hạng sản phẩm OCOP trong năm 2020.
        """,
    ),
    _entry(
        331, "2020-08-12 14:15", "xuc-tien-thuong-mai", "Thu Hà - Phòng QLTM",
        "Đưa sản phẩm OCOP của tỉnh lên sàn thương mại điện tử",
        """
        Nhằm hỗ trợ doanh nghiệp, hợp tác xã duy trì tiêu thụ sản phẩm trong bối cảnh dịch COVID-19, Sở Công
        Thương phối hợp với Cục Thương mại điện tử và Kinh tế số (Bộ Công Thương) tổ chức chương trình đưa
        sản phẩm OCOP của tỉnh Bắc Sơn lên các sàn thương mại điện tử.

        Trong tháng 7 và tháng 8/2020, Sở đã tổ chức 3 lớp tập huấn cho hơn 90 học viên là chủ cơ sở, cán bộ
        hợp tác xã về kỹ năng chụp ảnh sản phẩm, viết nội dung giới thiệu, quản lý gian hàng trực tuyến,
        đóng gói và giao vận. Sau tập huấn, 38 sản phẩm của 21 đơn vị đã mở gian hàng trên các sàn thương
        mại điện tử trong nước.

        Bước đầu, nhiều đơn vị đã có đơn hàng từ các tỉnh phía Nam. Hợp tác xã chè Tân Mỹ cho biết, sau một
        tháng mở gian hàng đã bán được gần 400 kg chè các loại, chiếm khoảng 15% sản lượng tiêu thụ trong
        tháng.

        Thời gian tới, Sở Công Thương sẽ tiếp tục hướng dẫn các đơn vị chuẩn hóa thông tin sản phẩm, mã
        vạch, tem truy xuất nguồn gốc; đồng thời phối hợp tổ chức các phiên bán hàng trực tuyến giới thiệu
        đặc sản của tỉnh.
        """,
    ),
    _entry(
        337, "2020-09-24 09:30", "tin-hoat-dong", "Phòng HC-TH",
        "Sở Công Thương sơ kết công tác 9 tháng đầu năm 2020",
        """
        Ngày 23/9/2020, Sở Công Thương tổ chức hội nghị sơ kết công tác 9 tháng đầu năm, triển khai nhiệm vụ
        3 tháng cuối năm 2020. Giám đốc Sở Nguyễn Văn Thành chủ trì hội nghị.

        Mặc dù chịu ảnh hưởng nặng nề của dịch COVID-19, giá trị sản xuất công nghiệp 9 tháng ước đạt 19.870
        tỷ đồng, tăng 6,8% so với cùng kỳ; tổng mức bán lẻ hàng hóa và doanh thu dịch vụ tiêu dùng đạt
        14.320 tỷ đồng, tăng 2,1%; kim ngạch xuất khẩu đạt 318 triệu USD, giảm 4,5% so với cùng kỳ do một số
        thị trường truyền thống bị gián đoạn.

        Sở đã kịp thời tham mưu cho Ủy ban nhân dân tỉnh nhiều giải pháp hỗ trợ doanh nghiệp như: kết nối
        tiêu thụ nông sản, bảo đảm cung ứng hàng hóa thiết yếu trong thời gian giãn cách xã hội, triển khai
        giảm giá điện, giảm tiền điện cho khách hàng theo chỉ đạo của Chính phủ. Công tác cải cách hành
        chính được đẩy mạnh, 100% thủ tục hành chính của Sở được cung cấp trực tuyến mức độ 3, 4.

        Kết luận hội nghị, Giám đốc Sở yêu cầu các phòng, đơn vị tập trung hoàn thành các chỉ tiêu kế hoạch
        năm 2020; đẩy nhanh tiến độ các dự án điện, cụm công nghiệp; chủ động xây dựng phương án bảo đảm
        cung ứng hàng hóa dịp cuối năm.
        """,
    ),
    _entry(
        343, "2020-11-05 16:45", "van-ban-chi-dao", "Phòng Quản lý Thương mại",
        "Tăng cường quản lý hoạt động kinh doanh xăng dầu cuối năm 2020",
        """
        Ngày 04/11/2020, Ủy ban nhân dân tỉnh ban hành Công văn số 2145/UBND-KT về việc tăng cường công tác
        quản lý nhà nước đối với hoạt động kinh doanh xăng dầu trên địa bàn tỉnh.

        Theo đó, Ủy ban nhân dân tỉnh giao Sở Công Thương chủ trì, phối hợp với Cục Quản lý thị trường tỉnh,
        Công an tỉnh, Sở Khoa học và Công nghệ tổ chức kiểm tra điều kiện kinh doanh, chất lượng, đo lường
        xăng dầu tại các cửa hàng bán lẻ; kiên quyết xử lý các trường hợp kinh doanh khi giấy chứng nhận đủ
        điều kiện đã hết hiệu lực, gian lận về số lượng, chất lượng.

        Các thương nhân đầu mối, thương nhân phân phối có trách nhiệm bảo đảm nguồn cung cho hệ thống phân
        phối; cửa hàng bán lẻ phải niêm yết giá đúng quy định, bán hàng liên tục trong thời gian đã đăng ký,
        không được tự ý ngừng bán hàng. Trường hợp tạm ngừng kinh doanh phải báo cáo Sở Công Thương và có lý
        do chính đáng.

        Ủy ban nhân dân các huyện, thị xã, thành phố rà soát mạng lưới cửa hàng xăng dầu, tạo điều kiện cho
        các dự án cửa hàng xăng dầu tại khu vực nông thôn, vùng sâu, vùng xa; báo cáo kết quả thực hiện về
        Sở Công Thương trước ngày 15/12/2020.
        """,
    ),
    _entry(
        349, "2020-12-18 08:00", "thong-bao", "TT Khuyến công",
        "Thông báo danh mục đề án khuyến công địa phương năm 2021",
        """
        Căn cứ Quyết định số 3021/QĐ-UBND ngày 15/12/2020 của Ủy ban nhân dân tỉnh về việc phê duyệt kế
        hoạch khuyến công địa phương năm 2021, Trung tâm Khuyến công thông báo danh mục 16 đề án được hỗ trợ
        với tổng kinh phí 3,6 tỷ đồng.

        Các cơ sở công nghiệp nông thôn có tên trong danh mục hoàn thiện hồ sơ theo mẫu đính kèm, gửi về
        Trung tâm Khuyến công trước ngày 31/01/2021 để ký hợp đồng thực hiện đề án.

        Mọi chi tiết xin liên hệ Phòng Nghiệp vụ khuyến công, Trung tâm Khuyến công, điện thoại
        0204.3822.468.
        """,
        attachments=[
            ("2020_12/danh-muc-de-an-khuyen-cong-2021.pdf", "Danh mục đề án khuyến công địa phương năm 2021"),
            ("2020_12/mau-ho-so-de-an-khuyen-cong.docx", "Mẫu hồ sơ đề án khuyến công"),
        ],
    ),
    _entry(
        402, "2021-01-22 09:00", "tin-hoat-dong", "Phòng HC-TH",
        "Ngành Công Thương triển khai nhiệm vụ năm 2021",
        """
        Ngày 21/01/2021, Sở Công Thương tỉnh Bắc Sơn tổ chức hội nghị triển khai nhiệm vụ năm 2021. Dự và
        chỉ đạo hội nghị có ông Phạm Đức Toàn, Phó Chủ tịch Thường trực Ủy ban nhân dân tỉnh; đại diện lãnh
        đạo các sở, ngành, địa phương và các doanh nghiệp tiêu biểu trên địa bàn.

        Năm 2020, dù chịu tác động của dịch COVID-19, giá trị sản xuất công nghiệp toàn tỉnh vẫn đạt 27.150
        tỷ đồng, tăng 7,2% so với năm 2019; tổng mức bán lẻ hàng hóa và doanh thu dịch vụ tiêu dùng đạt
        19.640 tỷ đồng, tăng 3,4%. Có thêm 2 cụm công nghiệp được thành lập, 3 dự án thủy điện nhỏ hoàn
        thành đưa vào vận hành, 100% số xã đạt tiêu chí về điện nông thôn mới.

        Năm 2021, ngành Công Thương phấn đấu giá trị sản xuất công nghiệp tăng 10%, tổng mức bán lẻ hàng hóa
        tăng 9%, kim ngạch xuất khẩu đạt 450 triệu USD. Để hoàn thành mục tiêu, Sở xác định các nhiệm vụ
        trọng tâm: thu hút đầu tư vào các cụm công nghiệp; phát triển hạ tầng thương mại nông thôn; thúc đẩy
        thương mại điện tử; nâng cao hiệu quả công tác khuyến công và xúc tiến thương mại.

        Phát biểu chỉ đạo, Phó Chủ tịch Thường trực Ủy ban nhân dân tỉnh đề nghị ngành tiếp tục thực hiện
        mục tiêu kép vừa phòng, chống dịch, vừa phát triển kinh tế; đồng hành, tháo gỡ khó khăn cho doanh
        nghiệp; chú trọng cải thiện chỉ số năng lực cạnh tranh cấp tỉnh (PCI) ở những chỉ số thành phần do
        ngành phụ trách.
        """,
        attachments=[
            ("2021_01/Bao-cao-tong-ket-2020.doc", "Báo cáo kết quả thực hiện nhiệm vụ năm 2020"),
        ],
    ),
    _entry(
        409, "2021-03-16 14:00", "khuyen-cong", "Trung tâm Khuyến công",
        "Tập huấn nâng cao năng lực quản lý cho cơ sở công nghiệp nông thôn năm 2021",
        """
        Trong hai ngày 15 và 16/3/2021, Trung tâm Khuyến công tổ chức lớp tập huấn nâng cao năng lực quản lý
        cho 70 học viên là chủ cơ sở, cán bộ quản lý của các doanh nghiệp nhỏ và vừa, hợp tác xã, tổ hợp tác
        sản xuất công nghiệp nông thôn trên địa bàn tỉnh.

        Các học viên được giảng viên đến từ các trường đại học khối kinh tế truyền đạt các chuyên đề: quản
        trị doanh nghiệp nhỏ trong bối cảnh chuyển đổi số; xây dựng kế hoạch kinh doanh; quản lý tài chính,
        chi phí và giá thành; các chính sách hỗ trợ của Nhà nước đối với cơ sở công nghiệp nông thôn theo
        Nghị định số 45/2012/NĐ-CP và Nghị định số 17/2018/NĐ-CP.

        Lớp tập huấn được tổ chức theo hình thức kết hợp lý thuyết với trao đổi tình huống thực tế, giúp học
        viên giải đáp nhiều vướng mắc trong quá trình sản xuất, kinh doanh, đặc biệt là việc tiếp cận nguồn
        vốn tín dụng ưu đãi và thủ tục đề nghị hỗ trợ từ kinh phí khuyến công.

        Để bảo đảm công tác phòng, chống dịch COVID-19, ban tổ chức bố trí lớp học tại hội trường rộng, giãn
        cách chỗ ngồi, yêu cầu học viên đeo khẩu trang, khai báo y tế và sát khuẩn tay trước khi vào lớp.
        """,
    ),
    _entry(
        412, "2021-04-08 15:30", "van-ban-chi-dao", "TT Khuyến công",
        "Phê duyệt danh sách cơ sở được hỗ trợ kinh phí khuyến công địa phương năm 2021",
        """
        Ngày 02/4/2021, Ủy ban nhân dân tỉnh Bắc Sơn ban hành Quyết định số 1568/QĐ-UBND phê duyệt danh sách
        16 cơ sở công nghiệp nông thôn được hỗ trợ kinh phí khuyến công địa phương năm 2021, với tổng kinh
        phí hỗ trợ 3,6 tỷ đồng từ nguồn ngân sách tỉnh.

        Các cơ sở được hỗ trợ thuộc nhiều lĩnh vực: chế biến nông sản, thực phẩm; thủ công mỹ nghệ; chế biến
        gỗ; dệt thổ cẩm. Nội dung hỗ trợ chủ yếu là ứng dụng máy móc thiết bị tiên tiến vào sản xuất, đào
        tạo nghề cho lao động nông thôn, tư vấn sản xuất sạch hơn và tham gia hội chợ, triển lãm.

        Sở Công Thương được giao chỉ đạo Trung tâm Khuyến công ký hợp đồng thực hiện đề án với từng cơ sở,
        hướng dẫn, kiểm tra, nghiệm thu và thanh quyết toán kinh phí theo quy định; Sở Tài chính bố trí kinh
        phí theo kế hoạch đã được phê duyệt.

        Các cơ sở có tên trong danh sách liên hệ Trung tâm Khuyến công trước ngày 20/4/2021 để hoàn thiện hồ
        sơ, ký hợp đồng. Danh sách cụ thể từng cơ sở, địa chỉ, nội dung và mức hỗ trợ xem tại quyết định
        đính kèm.
        """,
        attachments=[
            ("2021_04/QD-1568-UBND.pdf", "Quyết định số 1568/QĐ-UBND ngày 02/4/2021"),
        ],
    ),
    _entry(
        415, "2021-05-12 10:30", "van-ban-chi-dao", "Minh Đức - Phòng QLNL",
        "Triển khai Kế hoạch sử dụng năng lượng tiết kiệm và hiệu quả giai đoạn 2021–2025",
        """
        Ngày 07/5/2021, Ủy ban nhân dân tỉnh ban hành Kế hoạch số 78/KH-UBND thực hiện Chương trình quốc gia
        về sử dụng năng lượng tiết kiệm và hiệu quả giai đoạn 2019–2030 trên địa bàn tỉnh Bắc Sơn, giai đoạn
        2021–2025.

        Mục tiêu của kế hoạch là đạt mức tiết kiệm năng lượng từ 5 đến 7% tổng mức tiêu thụ năng lượng toàn
        tỉnh giai đoạn 2021–2025; 100% cơ sở sử dụng năng lượng trọng điểm thực hiện kiểm toán năng lượng
        định kỳ và xây dựng mô hình quản lý năng lượng; 100% cơ quan, đơn vị sử dụng ngân sách nhà nước thực
        hiện các giải pháp tiết kiệm điện.

        Sở Công Thương được giao làm cơ quan thường trực, có trách nhiệm hướng dẫn, kiểm tra việc thực hiện;
        tổ chức tuyên truyền, phổ biến các mô hình sử dụng năng lượng hiệu quả trong sản xuất công nghiệp,
        chiếu sáng công cộng, tòa nhà văn phòng và hộ gia đình; định kỳ tổng hợp, báo cáo Ủy ban nhân dân
        tỉnh và Bộ Công Thương.

        Các sở, ban, ngành, Ủy ban nhân dân cấp huyện căn cứ nhiệm vụ được giao xây dựng kế hoạch cụ thể của
        đơn vị mình, gửi về Sở Công Thương trước ngày 30/6/2021.
        """,
        attachments=[
            ("2021_05/78-kh-ubnd.pdf", "Kế hoạch số 78/KH-UBND ngày 07/5/2021"),
        ],
    ),
    _entry(
        421, "2021-07-08 15:00", "thong-bao", "Phòng HC-TH",
        "Thông báo tuyển dụng viên chức Trung tâm Khuyến công năm 2021",
        """
        Căn cứ kế hoạch tuyển dụng viên chức năm 2021 đã được Ủy ban nhân dân tỉnh phê duyệt, Sở Công Thương
        thông báo tuyển dụng 03 viên chức làm việc tại Trung tâm Khuyến công, gồm 02 chỉ tiêu chuyên viên tư
        vấn phát triển công nghiệp và 01 chỉ tiêu kế toán viên.

        Thời gian nhận phiếu đăng ký dự tuyển từ ngày 12/7/2021 đến hết ngày 11/8/2021 (trong giờ hành
        chính) tại Phòng Hành chính - Tổng hợp, Sở Công Thương. Người đăng ký dự tuyển nộp phiếu theo mẫu
        đính kèm.

        Chi tiết về tiêu chuẩn, điều kiện, hình thức và nội dung thi tuyển xem tại thông báo đính kèm.
        """,
        attachments=[
            ("2021_07/thong-bao-tuyen-dung-2021.pdf", "Thông báo tuyển dụng viên chức năm 2021"),
            ("2021_07/phieu-dang-ky-du-tuyen.docx", "Phiếu đăng ký dự tuyển"),
        ],
    ),
    _entry(
        428, "2021-08-26 09:45", "xuc-tien-thuong-mai", "Phòng QLTM",
        "Kết nối tiêu thụ nông sản cho bà con nông dân trong thời gian giãn cách xã hội",
        """
        Trước diễn biến phức tạp của dịch COVID-19, nhiều tỉnh, thành phố thực hiện giãn cách xã hội, việc
        tiêu thụ nông sản của tỉnh gặp nhiều khó khăn. Từ đầu tháng 8/2021, Sở Công Thương đã thành lập tổ
        công tác hỗ trợ kết nối tiêu thụ nông sản, tiếp nhận thông tin về sản lượng, thời vụ từ các địa
        phương.

        Đến nay, Sở đã kết nối để các siêu thị, doanh nghiệp phân phối tại Hà Nội, Hải Phòng, Quảng Ninh thu
        mua hơn 1.200 tấn nông sản các loại, gồm bưởi, na, chuối, rau củ và 85 tấn cá lồng. Các doanh nghiệp
        cũng hỗ trợ bà con giới thiệu sản phẩm trên sàn thương mại điện tử và mạng xã hội.

        Để bảo đảm lưu thông hàng hóa, Sở phối hợp với Sở Giao thông vận tải cấp giấy nhận diện phương tiện
        vận chuyển hàng hóa thiết yếu (luồng xanh) cho 146 phương tiện; hướng dẫn các cơ sở thu mua thực
        hiện nghiêm quy định phòng dịch tại điểm tập kết.

        Bà Nguyễn Thu Hà, Phó Trưởng phòng Quản lý Thương mại cho biết, trong tháng 9/2021 khi bưởi vào vụ
        thu hoạch chính, Sở sẽ tiếp tục phối hợp với các tỉnh, thành phố tổ chức tuần lễ giới thiệu, tiêu
        thụ nông sản của tỉnh.
        """,
    ),
    _entry(
        433, "2021-10-14 08:30", "tin-hoat-dong", "THANH TRA SỞ",
        "Thanh tra việc chấp hành pháp luật về an toàn thực phẩm tại các cơ sở sản xuất",
        """
        Thực hiện Quyết định số 168/QĐ-SCT ngày 20/9/2021 của Giám đốc Sở Công Thương, Đoàn thanh tra chuyên
        ngành của Sở đã tiến hành thanh tra việc chấp hành pháp luật về an toàn thực phẩm tại 12 cơ sở sản
        xuất rượu, bia, nước giải khát, bánh kẹo thuộc phạm vi quản lý của ngành Công Thương.

        Kết quả thanh tra cho thấy, đa số cơ sở đã có giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm
        còn hiệu lực, thực hiện tự công bố sản phẩm và kiểm nghiệm định kỳ theo quy định. Tuy nhiên, vẫn còn
        4 cơ sở vi phạm như: không bảo đảm điều kiện vệ sinh tại khu vực sản xuất; người trực tiếp sản xuất
        chưa được khám sức khỏe định kỳ; ghi nhãn hàng hóa chưa đầy đủ nội dung bắt buộc.

        Đoàn thanh tra đã lập biên bản vi phạm hành chính, tham mưu Giám đốc Sở ban hành quyết định xử phạt
        với tổng số tiền 42,5 triệu đồng; đồng thời yêu cầu các cơ sở khắc phục ngay các tồn tại và báo cáo
        kết quả bằng văn bản.

        Trong thời gian tới, Thanh tra Sở tiếp tục tăng cường hậu kiểm, tập trung vào các cơ sở sản xuất
        thực phẩm phục vụ dịp Tết Nguyên đán, kiên quyết xử lý nghiêm các trường hợp vi phạm.
        """,
    ),
    _entry(
        436, "2021-11-02 14:00", "thong-bao", "Phòng QLTM",
        "Mời họp góp ý phương án cải tạo chợ trung tâm thành phố Bắc Sơn",
        """
        Sở Công Thương tổ chức cuộc họp góp ý phương án cải tạo chợ trung tâm thành phố Bắc Sơn vào 08 giờ
        00 ngày 09/11/2021 tại phòng họp tầng 3 trụ sở Sở, số 18 đường Trần Hưng Đạo, thành phố Bắc Sơn.

        Thành phần gồm đại diện Ủy ban nhân dân thành phố Bắc Sơn, Ban quản lý chợ trung tâm và đại diện
        các hộ kinh doanh tại chợ. Đề nghị các đại biểu nghiên cứu dự thảo phương án và tham dự đúng thành
        phần, đúng giờ.

        Giấy mời bản chụp có chữ ký đính kèm.
        """,
        attachments=[
            ("2021_11/Giay-moi-hop-scan.pdf", "Giấy mời họp số 645/GM-SCT"),
        ],
    ),
    _entry(
        440, "2021-12-07 14:30", "khuyen-cong", "TT Khuyến công",
        "Nghiệm thu đề án khuyến công quốc gia tại Công ty cổ phần Gốm Thạch Lộc",
        """
        Ngày 06/12/2021, Hội đồng nghiệm thu gồm đại diện Cục Công Thương địa phương (Bộ Công Thương), Sở
        Công Thương và Trung tâm Khuyến công đã nghiệm thu đề án khuyến công quốc gia “Xây dựng mô hình
        trình diễn kỹ thuật sản xuất gốm mỹ nghệ bằng lò nung khí hóa lỏng” tại Công ty cổ phần Gốm Thạch
        Lộc, huyện Thạch Lộc.

        Đề án có tổng kinh phí 2,4 tỷ đồng, trong đó kinh phí khuyến công quốc gia hỗ trợ 600 triệu đồng.
        Công ty đã đầu tư 2 lò nung con thoi sử dụng khí hóa lỏng dung tích 3 m³ cùng hệ thống điều khiển
        nhiệt độ tự động, thay thế hoàn toàn lò nung bằng than truyền thống.

        Kết quả vận hành cho thấy, tỷ lệ sản phẩm đạt chất lượng tăng từ 75% lên 93%, thời gian một mẻ nung
        giảm từ 36 giờ xuống còn 14 giờ; khí thải, bụi than được loại bỏ, môi trường làm việc của người lao
        động được cải thiện rõ rệt. Men gốm có màu sắc ổn định, đáp ứng yêu cầu của các đơn hàng xuất khẩu
        sang Nhật Bản và châu Âu.

        Hội đồng đánh giá đề án đạt mục tiêu, đúng tiến độ và thống nhất nghiệm thu. Đây là mô hình tiêu
        biểu để các cơ sở sản xuất gốm trong làng nghề học tập, chuyển đổi công nghệ, góp phần giảm ô nhiễm
        môi trường.
        """,
    ),
    _entry(
        503, "2022-01-14 09:00", "tin-hoat-dong", "Phòng HC-TH",
        "Sở Công Thương tổ chức Hội nghị cán bộ, công chức, viên chức năm 2022",
        """
        Chiều ngày 13/01/2022, Sở Công Thương tổ chức Hội nghị cán bộ, công chức, viên chức năm 2022 theo
        hình thức trực tiếp kết hợp trực tuyến, bảo đảm các biện pháp phòng, chống dịch COVID-19.

        Hội nghị đã nghe báo cáo kết quả thực hiện nhiệm vụ chính trị năm 2021, báo cáo công khai tài chính,
        báo cáo hoạt động của Ban Thanh tra nhân dân và kết quả thực hiện quy chế dân chủ ở cơ sở. Năm 2021,
        tập thể Sở hoàn thành tốt nhiệm vụ; 100% cán bộ, công chức, viên chức được đánh giá hoàn thành nhiệm
        vụ trở lên, trong đó 24% hoàn thành xuất sắc nhiệm vụ.

        Tại hội nghị, nhiều ý kiến thẳng thắn đã được nêu, tập trung vào việc bố trí vị trí việc làm, chế độ
        làm thêm giờ trong thời gian phòng, chống dịch, việc trang bị thiết bị phục vụ họp trực tuyến và ứng
        dụng chữ ký số trong xử lý văn bản. Lãnh đạo Sở đã trực tiếp giải đáp và tiếp thu các kiến nghị.

        Hội nghị đã bầu Ban Thanh tra nhân dân nhiệm kỳ 2022–2023 gồm 3 thành viên; thông qua quy chế chi
        tiêu nội bộ năm 2022 và nghị quyết hội nghị. Thủ trưởng cơ quan và Chủ tịch Công đoàn cơ sở đã ký
        kết giao ước thi đua năm 2022.
        """,
    ),
    _entry(
        509, "2022-02-28 15:00", "van-ban-chi-dao", "Phòng QLTM",
        "Kế hoạch phát triển thương mại điện tử tỉnh Bắc Sơn giai đoạn 2022–2025",
        """
        Ngày 24/02/2022, Ủy ban nhân dân tỉnh ban hành Quyết định số 387/QĐ-UBND phê duyệt Kế hoạch phát
        triển thương mại điện tử tỉnh Bắc Sơn giai đoạn 2022–2025.

        Kế hoạch đặt mục tiêu đến năm 2025 có 50% dân số trong độ tuổi lao động tham gia mua sắm trực tuyến;
        80% doanh nghiệp trên địa bàn có trang thông tin điện tử hoặc tham gia các sàn thương mại điện tử;
        100% sản phẩm OCOP được giới thiệu, bán trên các nền tảng số; 70% giao dịch thanh toán tại các siêu
        thị, trung tâm thương mại thực hiện không dùng tiền mặt.

        Các nhiệm vụ chủ yếu gồm: hoàn thiện môi trường pháp lý và nâng cao nhận thức về thương mại điện tử;
        đào tạo nguồn nhân lực cho doanh nghiệp, hợp tác xã; hỗ trợ xây dựng gian hàng trực tuyến; phát
        triển hạ tầng logistics phục vụ giao nhận; tăng cường kiểm tra, xử lý vi phạm trong hoạt động thương
        mại điện tử, bảo vệ quyền lợi người tiêu dùng.

        Kinh phí dự kiến thực hiện kế hoạch là 6,8 tỷ đồng từ ngân sách tỉnh, nguồn xã hội hóa và các chương
        trình hỗ trợ của Bộ Công Thương. Sở Công Thương là cơ quan đầu mối, chủ trì theo dõi, đôn đốc các
        đơn vị triển khai thực hiện.
        """,
        attachments=[
            ("2022_02/387-qd-ubnd.pdf", "Quyết định số 387/QĐ-UBND ngày 24/02/2022"),
        ],
    ),
    _entry(
        516, "2022-04-21 10:00", "xuc-tien-thuong-mai", "Thu Hà - Phòng QLTM",
        "Tuần hàng sản phẩm OCOP và đặc sản tỉnh Bắc Sơn tại Hà Nội",
        """
        Từ ngày 15 đến ngày 19/4/2022, Sở Công Thương phối hợp với Sở Công Thương Hà Nội tổ chức Tuần hàng
        sản phẩm OCOP và đặc sản tỉnh Bắc Sơn tại một trung tâm thương mại ở quận Cầu Giấy, thành phố Hà
        Nội.

        Tuần hàng có 45 gian hàng của 38 doanh nghiệp, hợp tác xã, giới thiệu hơn 200 sản phẩm tiêu biểu,
        trong đó có 52 sản phẩm đạt chứng nhận OCOP từ 3 sao trở lên. Nhiều sản phẩm lần đầu được giới thiệu
        tới người tiêu dùng Thủ đô như trà hoa vàng, rượu men lá, cá lăng một nắng Hồ Yên, khay mây đan phủ
        sơn ta.

        Sau 5 ngày, tuần hàng đón khoảng 15.000 lượt khách tham quan, mua sắm, tổng doanh thu đạt 1,8 tỷ
        đồng. Bên lề sự kiện, 14 thỏa thuận hợp tác đã được ký kết giữa các đơn vị sản xuất của tỉnh với các
        hệ thống phân phối, cửa hàng nông sản sạch tại Hà Nội.

        Đây là hoạt động nằm trong Chương trình xúc tiến thương mại năm 2022, góp phần quảng bá hình ảnh,
        sản phẩm của tỉnh, hỗ trợ doanh nghiệp phục hồi sản xuất, kinh doanh sau đại dịch.
        """,
    ),
    _entry(
        522, "2022-06-09 14:00", "tin-hoat-dong", "Hoàng Long - Phòng QLCN",
        "Kiểm tra công tác an toàn hóa chất tại các doanh nghiệp trong khu công nghiệp",
        """
        Từ ngày 31/5 đến ngày 08/6/2022, Đoàn kiểm tra của Sở Công Thương đã kiểm tra việc chấp hành các quy
        định pháp luật về hóa chất tại 10 doanh nghiệp sản xuất, kinh doanh, sử dụng hóa chất trong Khu công
        nghiệp Phú Bình và Cụm công nghiệp Yên Hà.

        Nội dung kiểm tra gồm: giấy chứng nhận đủ điều kiện sản xuất, kinh doanh hóa chất có điều kiện; kế
        hoạch, biện pháp phòng ngừa, ứng phó sự cố hóa chất; việc khai báo hóa chất, lập phiếu an toàn hóa
        chất; huấn luyện an toàn hóa chất cho người lao động; điều kiện kho chứa, ghi nhãn và phân loại hóa
        chất.

        Qua kiểm tra, các doanh nghiệp cơ bản chấp hành quy định, đã xây dựng và được phê duyệt kế hoạch
        phòng ngừa, ứng phó sự cố hóa chất. Tuy nhiên, 3 doanh nghiệp chưa tổ chức huấn luyện định kỳ cho
        người lao động, 2 doanh nghiệp chưa báo cáo tình hình hoạt động hóa chất năm 2021 theo quy định tại
        Nghị định số 113/2017/NĐ-CP.

        Đoàn kiểm tra đã hướng dẫn các doanh nghiệp thực hiện đúng quy định của Luật Hóa chất và yêu cầu
        khắc phục các tồn tại trong thời hạn 30 ngày. Sở Công Thương sẽ tổ chức kiểm tra lại việc khắc phục
        trong quý III năm 2022.
        """,
    ),
    _entry(
        529, "2022-07-27 09:30", "thong-bao", "Phòng QLTM",
        "Thông báo mời doanh nghiệp tham gia Hội chợ Công Thương khu vực đồng bằng sông Hồng năm 2022",
        """
        Thực hiện Chương trình xúc tiến thương mại năm 2022, Sở Công Thương thông báo mời các doanh nghiệp,
        hợp tác xã, cơ sở sản xuất trên địa bàn tỉnh đăng ký tham gia Hội chợ Công Thương khu vực đồng bằng
        sông Hồng năm 2022, dự kiến tổ chức từ ngày 22 đến ngày 26/9/2022.

        Đơn vị tham gia được hỗ trợ 100% chi phí thuê gian hàng tiêu chuẩn (3 m x 3 m) và 50% chi phí vận
        chuyển sản phẩm. Ưu tiên các sản phẩm OCOP, sản phẩm công nghiệp nông thôn tiêu biểu và sản phẩm có
        nhãn hiệu được bảo hộ.

        Phiếu đăng ký (theo mẫu đính kèm) gửi về Phòng Quản lý Thương mại, Sở Công Thương trước ngày
        20/8/2022.
        """,
        attachments=[
            ("2022_07/phieu-dang-ky-hoi-cho-2022.docx", "Phiếu đăng ký tham gia hội chợ"),
        ],
    ),
    _entry(
        532, "2022-08-10 16:30", "thong-bao", "Phòng KH-TC",
        "Công khai quyết toán ngân sách năm 2021 của Sở Công Thương",
        """
        Căn cứ Thông tư số 61/2017/TT-BTC ngày 15/6/2017 của Bộ Tài chính hướng dẫn về công khai ngân sách
        đối với các đơn vị dự toán ngân sách, Sở Công Thương công khai số liệu quyết toán ngân sách năm 2021
        đã được cơ quan tài chính thẩm định.

        Tổng kinh phí được giao năm 2021 là 18,62 tỷ đồng; tổng kinh phí quyết toán là 18,15 tỷ đồng, trong
        đó chi quản lý hành chính 9,84 tỷ đồng, chi sự nghiệp kinh tế 7,96 tỷ đồng, chi khác 0,35 tỷ đồng.
        Kinh phí không sử dụng hết được nộp trả ngân sách theo quy định.

        Biểu mẫu công khai chi tiết xem tại tệp đính kèm.
        """,
        attachments=[
            ("2022_08/cong-khai-quyet-toan-2021.pdf", "Biểu công khai quyết toán ngân sách năm 2021"),
        ],
    ),
    _entry(
        535, "2022-09-15 08:00", "khuyen-cong", "Phòng QLNL",
        "Hội thảo giải pháp tiết kiệm năng lượng cho cơ sở công nghiệp nông thôn",
        """
        Ngày 14/9/2022, Sở Công Thương phối hợp với Trung tâm Khuyến công tổ chức hội thảo “Giải pháp sử
        dụng năng lượng tiết kiệm và hiệu quả cho cơ sở công nghiệp nông thôn” với sự tham gia của gần 100
        đại biểu là đại diện các doanh nghiệp, hợp tác xã, làng nghề trên địa bàn tỉnh.

        Tại hội thảo, các chuyên gia đã giới thiệu các giải pháp tiết kiệm năng lượng phù hợp với quy mô sản
        xuất nhỏ như: thay thế động cơ cũ bằng động cơ hiệu suất cao, lắp biến tần cho máy bơm, quạt gió; sử
        dụng lò hơi đốt sinh khối thay cho lò đốt than; lắp đặt hệ thống điện mặt trời mái nhà cho nhà
        xưởng; thu hồi nhiệt thải trong các công đoạn sấy.

        Đại diện Công ty TNHH Chế biến nông sản Đồng Xuân chia sẻ, sau khi đầu tư biến tần và hệ thống chiếu
        sáng LED, chi phí điện năng của công ty giảm gần 18%, thời gian hoàn vốn chưa đến hai năm. Nhiều cơ
        sở khác cũng mong muốn được tư vấn, hỗ trợ kiểm toán năng lượng để xác định giải pháp đầu tư phù
        hợp.

        Phát biểu kết luận, lãnh đạo Sở Công Thương cho biết, kinh phí khuyến công năm 2023 sẽ ưu tiên hỗ
        trợ các đề án ứng dụng giải pháp sản xuất sạch hơn và tiết kiệm năng lượng; đề nghị các cơ sở chủ
        động đăng ký để được hướng dẫn lập đề án.
        """,
    ),
    _entry(
        541, "2022-11-02 16:00", "tin-hoat-dong", "P. HC-TH",
        "Đối thoại với doanh nghiệp về thủ tục hành chính lĩnh vực Công Thương năm 2022",
        """
        Ngày 01/11/2022, Sở Công Thương tổ chức hội nghị đối thoại với doanh nghiệp năm 2022 nhằm lắng nghe,
        tháo gỡ khó khăn, vướng mắc trong thực hiện thủ tục hành chính thuộc lĩnh vực Công Thương. Tham dự
        có gần 80 đại biểu là đại diện các doanh nghiệp, hiệp hội doanh nghiệp và các sở, ngành liên quan.

        Tại hội nghị, các doanh nghiệp đã nêu nhiều kiến nghị như: thời gian cấp giấy phép bán lẻ rượu, giấy
        chứng nhận đủ điều kiện kinh doanh khí còn kéo dài; việc đấu nối điện mặt trời mái nhà; thủ tục thuê
        đất trong cụm công nghiệp; nhu cầu được hỗ trợ tham gia hội chợ, triển lãm ở nước ngoài.

        Lãnh đạo Sở và đại diện các sở, ngành đã trả lời trực tiếp 17 ý kiến; đối với những nội dung vượt
        thẩm quyền, Sở sẽ tổng hợp, báo cáo Ủy ban nhân dân tỉnh và kiến nghị Bộ Công Thương xem xét, giải
        quyết. Hiện nay, 100% thủ tục hành chính của Sở được tiếp nhận và trả kết quả qua Trung tâm Phục vụ
        hành chính công tỉnh, thời gian giải quyết bình quân giảm 30% so với quy định.

        Giám đốc Sở Nguyễn Văn Thành khẳng định, Sở Công Thương luôn đồng hành cùng doanh nghiệp; đề nghị
        doanh nghiệp tiếp tục phản ánh qua đường dây nóng, cổng dịch vụ công trực tuyến để Sở kịp thời xử
        lý, không để doanh nghiệp phải đi lại nhiều lần.
        """,
    ),
    _entry(
        548, "2022-12-20 09:15", "khuyen-cong", "TT Khuyến công",
        "Công tác khuyến công giai đoạn 2018–2022: nhiều đề án mang lại hiệu quả thiết thực",
        """
        Giai đoạn 2018–2022, hoạt động khuyến công trên địa bàn tỉnh Bắc Sơn đã được triển khai đồng bộ, bám
        sát nhu cầu thực tế của các cơ sở công nghiệp nông thôn. Tổng kinh phí khuyến công được bố trí trong
        5 năm đạt gần 17 tỷ đồng, trong đó kinh phí khuyến công quốc gia 3,1 tỷ đồng, kinh phí khuyến công
        địa phương 13,8 tỷ đồng.

        Từ nguồn kinh phí này, Trung tâm Khuyến công đã hỗ trợ xây dựng 28 mô hình trình diễn kỹ thuật, hỗ
        trợ 61 cơ sở ứng dụng máy móc thiết bị tiên tiến; đào tạo nghề, truyền nghề cho hơn 1.300 lao động;
        tổ chức 5 kỳ bình chọn sản phẩm công nghiệp nông thôn tiêu biểu cấp tỉnh với 106 sản phẩm được công
        nhận.

        Các đề án khuyến công đã góp phần thay đổi phương thức sản xuất, nâng cao năng suất, chất lượng sản
        phẩm và thu nhập cho người lao động. Nhiều cơ sở từ quy mô hộ gia đình đã phát triển thành doanh
        nghiệp, hợp tác xã, có sản phẩm xuất khẩu như mây tre đan Phú Bình, gốm Thạch Lộc.

        Bên cạnh kết quả đạt được, công tác khuyến công vẫn còn khó khăn như kinh phí hỗ trợ còn hạn chế so
        với nhu cầu, đội ngũ cán bộ làm công tác khuyến công cấp huyện chủ yếu kiêm nhiệm. Giai đoạn
        2023–2025, Trung tâm sẽ tập trung hỗ trợ các cơ sở đổi mới công nghệ, sản xuất sạch hơn, phát triển
        sản phẩm OCOP và chuyển đổi số.
        """,
    ),
]

# Newest first, as the portal lists them.
ARTICLES: list[DemoArticle] = sorted(_SOURCE, key=lambda a: (a.published, a.id), reverse=True)
del _SOURCE

# The one article a search for "hội nghị tổng kết" must find (no other article contains the phrase).
SUMMARY_MEETING_ID = 245


def get_article(article_id: int) -> DemoArticle:
    """A fresh copy of one bundled article (copies, so callers cannot change the shared data)."""
    for article in ARTICLES:
        if article.id == article_id:
            return article.copy()
    raise KeyError(article_id)


def copy_articles() -> list[DemoArticle]:
    """Fresh copies of every bundled article, newest first."""
    return [a.copy() for a in ARTICLES]
