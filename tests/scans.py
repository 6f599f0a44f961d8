"""Scanned pages made here, for the OCR tests and bench/attachments.py: real Vietnamese, known ground truth.

A page of administrative prose (every tone mark, ă â ê ô ơ ư đ in both cases) is drawn with Pillow in a DejaVu
font onto an A4 sheet at a chosen resolution, optionally degraded the way office scanners degrade paper (a slight
rotation, blur, salt-and-pepper specks, 200 dpi), and saved as an image-only PDF: no text layer, so only OCR can
read it. Pillow is a test-only dependency; the fonts come from Debian's fonts-dejavu-core.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

# The usual two-column head of an official document: issuer and number on the left, the national motto on the
# right, one phrase per line. The ground truth reads it row by row ("ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI..."), as
# tesseract does when the columns are this close; column by column would be as right, and costs ~4 % CER.
HEADER_LEFT = ["ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NAM", "Số: 1234/QĐ-UBND"]
HEADER_RIGHT = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                "Quảng Nam, ngày 05 tháng 3 năm 2021"]
TITLE = ["QUYẾT ĐỊNH", "Về việc phê duyệt kế hoạch tổ chức hội nghị tổng kết phong trào thi đua năm 2018"]

# Administrative prose in the style of tests/corpus.py, one paragraph a line (long ones wrap on the page).
BODY = [
    "Quyết định số 1234/QĐ-UBND về việc phê duyệt kế hoạch tổ chức hội nghị tổng kết phong trào thi đua năm 2018.",
    "Sáng 18/01/2019, Trung tâm Khuyến công tổ chức hội nghị tổng kết công tác thi đua năm 2018.",
    "Hội nghị đánh giá kết quả thực hiện các đề án khuyến công và đề ra phương hướng năm 2019.",
    "Sở Công Thương phối hợp tổ chức hội thảo kết nối cung cầu; tổng kim ngạch ký kết đạt 12 tỷ đồng.",
    "Lớp tập huấn về hoà giải tranh chấp cho cán bộ quản lý thị trường diễn ra trong hai ngày.",
    "Đoàn kiểm tra đã làm việc tại hồ Phú Ninh về an toàn đập, công tác thuỷ lợi mùa mưa bão.",
    "Các đơn vị giữ gìn hồ sơ, sửa chữa trụ sở và hỗ trợ người dân theo hướng dẫn của Bộ Tư pháp.",
    "Kinh phí thực hiện được bố trí từ nguồn ngân sách tỉnh năm 2019 theo Nghị quyết số 25/NQ-HĐND.",
    "ĐĂNG KÝ THAM DỰ TRƯỚC NGÀY 15 THÁNG 01 NĂM 2019; ĐỀ NGHỊ CÁC ĐƠN VỊ CỬ ĐÚNG THÀNH PHẦN.",
    "Điều 3. Chánh Văn phòng, Giám đốc Sở Công Thương, Thủ trưởng các cơ quan liên quan căn cứ "
    "Quyết định thi hành. Quyết định có hiệu lực kể từ ngày ký.",
    "Nơi nhận: Như Điều 3; Lưu: VT, Phòng HC-TH.",
]

FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts"), Path("/usr/local/share/fonts"),
             Path.home() / ".local/share/fonts", Path.home() / ".fonts"]
FONT_FILES = {"serif": "DejaVuSerif.ttf", "serif-bold": "DejaVuSerif-Bold.ttf", "sans": "DejaVuSans.ttf",
              "sans-bold": "DejaVuSans-Bold.ttf"}

A4_INCHES = (8.27, 11.69)


def font_path(name: str = "serif") -> Path | None:
    """The DejaVu TTF for `name` (serif, serif-bold, sans, sans-bold), where Debian or a user put it; None if absent.

    Debian's fonts-dejavu-core puts it in /usr/share/fonts/truetype/dejavu/; other systems nest it elsewhere under a
    fonts directory, hence the recursive look.
    """
    filename = FONT_FILES[name]
    for directory in FONT_DIRS:
        if (directory / filename).is_file():
            return directory / filename
    for directory in FONT_DIRS:
        if directory.is_dir():
            found = next(directory.rglob(filename), None)
            if found is not None:
                return found
    return None


def fonts_missing() -> str | None:
    """None when the DejaVu fonts are there, else why not and what to install (a reason for pytest.skip)."""
    missing = [FONT_FILES[name] for name in FONT_FILES if font_path(name) is None]
    if missing:
        return f"fonts {', '.join(missing)} not found under {FONT_DIRS[1]}: install Debian's fonts-dejavu-core"
    return None


@dataclass(frozen=True)
class ScannedPage:
    """One page image and the text on it (lines joined by newlines, NFC as written above)."""

    image: Image.Image
    text: str
    dpi: int

    def png(self) -> bytes:
        """The page as a PNG that records its resolution (tesseract reads it from the pHYs chunk)."""
        buffer = io.BytesIO()
        self.image.save(buffer, format="PNG", dpi=(self.dpi, self.dpi))
        return buffer.getvalue()

    def pdf(self) -> bytes:
        """The page as an image-only PDF, the way scanners save it (a JPEG inside, no text layer)."""
        return scanned_pdf(self)


def scanned_pdf(*pages: ScannedPage) -> bytes:
    """An image-only PDF of these pages, each at its own resolution (page size = image size / dpi)."""
    first, *rest = pages
    buffer = io.BytesIO()
    # One resolution for the file: Pillow applies it to every page, so pages are rescaled to the first's dpi.
    others = [page.image.resize((round(page.image.width * first.dpi / page.dpi),
                                 round(page.image.height * first.dpi / page.dpi))) for page in rest]
    first.image.save(buffer, format="PDF", resolution=first.dpi, save_all=True, append_images=others)
    return buffer.getvalue()


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """Break a paragraph at spaces into lines no wider than `width` pixels (Vietnamese breaks between syllables)."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if line and font.getlength(candidate) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    if line:
        lines.append(line)
    return lines


def render_page(body: list[str] | None = None, *, dpi: int = 300, font: str = "serif", size_pt: float = 13,
                header: bool = True) -> ScannedPage:
    """An A4 page with an official header (unless `header=False`), the title and the body, at `dpi`.

    13 pt (the header 11 pt bold) with 1.5 line spacing and 2 cm margins, like a typed Vietnamese decision. The
    returned text is what is drawn, line by line as wrapped, in reading order (the header row by row, the title,
    the body).
    """
    missing = fonts_missing()
    if missing:
        raise FileNotFoundError(missing)
    body = BODY if body is None else body
    width, height = round(A4_INCHES[0] * dpi), round(A4_INCHES[1] * dpi)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    size = size_pt * dpi / 72
    regular = ImageFont.truetype(str(font_path(font)), round(size))
    bold = ImageFont.truetype(str(font_path(f"{font}-bold")), round(size))
    small_bold = ImageFont.truetype(str(font_path(f"{font}-bold")), round(size * 11 / 13))
    margin = round(dpi * 2 / 2.54)
    step = round(size * 1.5)
    drawn: list[str] = []

    def centred(lines: list[str], typeface: ImageFont.FreeTypeFont, left: int, right: int, top: int) -> int:
        for line in lines:
            x = left + (right - left - typeface.getlength(line)) / 2
            draw.text((x, top), line, font=typeface, fill=0)
            top += step
        return top

    y = margin
    if header:
        split = margin + round((width - 2 * margin) * 0.4)
        centred(HEADER_LEFT, small_bold, margin, split, y)
        y = centred(HEADER_RIGHT, small_bold, split, width - margin, y) + step
        drawn += [f"{left} {right}" for left, right in zip(HEADER_LEFT, HEADER_RIGHT, strict=True)]
    title = [TITLE[0], *_wrap(TITLE[1], bold, width - 2 * margin)]
    y = centred(title, bold, margin, width - margin, y) + step
    drawn += title
    for paragraph in body:
        for line in _wrap(paragraph, regular, width - 2 * margin):
            draw.text((margin, y), line, font=regular, fill=0)
            drawn.append(line)
            y += step
    if y > height - margin:
        raise ValueError(f"the text runs {y - (height - margin)} px past the bottom margin: give fewer lines")
    return ScannedPage(image=image, text="\n".join(drawn), dpi=dpi)


def degrade(page: ScannedPage, *, rotate: float = 1.5, blur: float = 0.8, noise: float = 0.004,
            seed: int = 15) -> ScannedPage:
    """The page as a cheap office scanner returns it: turned by `rotate` degrees (anticlockwise), blurred
    (Gaussian radius in pixels), and `noise` of its pixels flipped to black or white specks (salt and pepper).

    Deterministic for a seed, so test thresholds hold run after run. Render at 200 dpi for a low-resolution scan.
    """
    image = page.image
    if rotate:
        # A right angle turns the sheet (landscape stays whole); a skew crops the corners, as the scanner lid does.
        image = image.rotate(rotate, resample=Image.Resampling.BICUBIC, fillcolor=255, expand=rotate % 90 == 0)
    if blur:
        image = image.filter(ImageFilter.GaussianBlur(blur))
    if noise:
        rng = random.Random(seed)
        pixels = image.load()
        assert pixels is not None
        for _ in range(round(image.width * image.height * noise)):
            pixels[rng.randrange(image.width), rng.randrange(image.height)] = rng.choice((0, 255))
    return ScannedPage(image=image, text=page.text, dpi=page.dpi)
