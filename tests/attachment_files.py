"""Real attachment files made on the spot, with Vietnamese text: PDF, DOCX, ODT, XLSX, XLS, DOC, and broken ones.

Every sample line together uses all five tone marks and ă â ê ô ơ ư đ in both cases, so a tool that drops or
decomposes a diacritic fails a test. PDFs are drawn by reportlab with DejaVu Sans (Debian's fonts-dejavu-core),
DOCX by python-docx, XLSX by openpyxl, XLS by xlwt, ODT zipped here by hand, DOC converted from DOCX by
LibreOffice (the only writer of Word 97 files on Debian: AbiWord's "doc" is RTF). reportlab, Pillow, openpyxl
and xlwt are test-only dependencies.
"""

from __future__ import annotations

import io
import os
import random
import shutil
import signal
import struct
import subprocess
import tempfile
import time
import zipfile
import zlib
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from tests import scans

TITLE = ("Quyết định số 1234/QĐ-UBND về việc phê duyệt kế hoạch tổ chức hội nghị tổng kết phong trào thi đua "
         "năm 2018")
LINES = [
    TITLE,
    "Ủy ban nhân dân tỉnh Quảng Ngãi giao Sở Công Thương, Phòng HC-TH chủ trì thực hiện.",
    "ĂN Ở ÂN CẦN, ÊM ẤM, ÔN HÒA, ƠN NGHĨA, ƯU TIÊN, ĐOÀN KẾT.",
    "Kỹ năng, lễ hội, ngã ba, mỹ thuật: trường học đạt chuẩn ở huyện Đức Phổ.",
]
TABLE = [
    ["STT", "Đơn vị", "Nội dung"],
    ["1", "Văn phòng Sở", "Tổng hợp, báo cáo kết quả"],
    ["2", "Phòng Kế hoạch – Tài chính", "Dự toán kinh phí năm 2019"],
]
SHEETS = {
    "Kế hoạch": [["Hạng mục", "Số lượng", "Ngày"], ["Hội nghị tổng kết", 2018, date(2018, 12, 25)],
                 ["Khen thưởng cá nhân", 12.5, "Ưu tiên"]],
    "Tổng hợp": [["Đơn vị", "Ghi chú"], ["Ủy ban nhân dân", "ĂÂÊÔƠƯĐ ăâêôơưđ"]],
}
HTML_ERROR_PAGE = ("<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\"><title>Lỗi 404</title></head>"
                   "<body><h1>Không tìm thấy trang</h1><p>Tệp đính kèm đã bị xóa.</p></body></html>").encode()

FONT_NAME = "DejaVuSans"


def font_path() -> Path | None:
    """DejaVu Sans, which has every Vietnamese glyph (found as the scan generator finds its fonts)."""
    return scans.font_path("sans")


def _register_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        path = font_path()
        if path is None:
            raise FileNotFoundError("DejaVuSans.ttf not found: install Debian's fonts-dejavu-core")
        pdfmetrics.registerFont(TTFont(FONT_NAME, str(path)))


def page_marker(number: int, total: int) -> str:
    return f"Trang {number}/{total}"


def text_pdf(pages: int = 3, lines: Sequence[str] = LINES) -> bytes:
    """A PDF with a text layer: each page starts with "Trang N/TOTAL", then the sample lines."""
    return mixed_pdf(["text"] * pages, lines)


def mixed_pdf(kinds: Sequence[str], lines: Sequence[str] = LINES) -> bytes:
    """One page per kind: "text" (a text layer), "scan" (only an image of text: what a scanner makes) or "blank"."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    _register_font()
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, pageCompression=1)
    width, height = A4
    scan = None
    for number, kind in enumerate(kinds, start=1):
        if kind == "text":
            pdf.setFont(FONT_NAME, 10)
            pdf.drawString(50, height - 50, page_marker(number, len(kinds)))
            for row, line in enumerate(lines):
                pdf.drawString(50, height - 80 - 16 * row, line)
        elif kind == "scan":
            scan = scan or ImageReader(io.BytesIO(scan_png(lines)))
            pdf.drawImage(scan, 0, 0, width=width, height=height)
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def scan_png(lines: Sequence[str] = LINES, *, dpi: int = 100) -> bytes:
    """An A4 page as a grayscale picture of the lines, like a scanner's output (readable by OCR at 300 dpi)."""
    from PIL import Image, ImageDraw, ImageFont

    size = (round(8.27 * dpi), round(11.69 * dpi))
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    path = font_path()
    font = ImageFont.truetype(str(path), round(dpi / 8)) if path else ImageFont.load_default()
    for row, line in enumerate(lines):
        draw.text((dpi // 2, dpi // 2 + row * dpi // 4), line, fill=0, font=font)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def encrypted_pdf(user_password: str = "mật-khẩu", owner_password: str = "chủ") -> bytes:
    """The sample PDF encrypted with RC4-128 (pypdf writes it without a crypto library); user_password "" is a
    file anyone may open whose owner only restricts printing or copying."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(text_pdf(2))).pages:
        writer.add_page(page)
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def truncated(data: bytes, fraction: float = 0.5) -> bytes:
    """The first part of a file, like a download cut off."""
    return data[:int(len(data) * fraction)]


def garbage_pdf(size: int = 4096) -> bytes:
    """A PDF header followed by random bytes (seeded: the same bytes every run)."""
    return b"%PDF-1.7\n" + random.Random(1234).randbytes(size)


def docx_file(lines: Sequence[str] = LINES, table: Sequence[Sequence[str]] = TABLE, *, after: str = "Nơi nhận: "
              "Như Điều 3; Lưu: VT.") -> bytes:
    """A DOCX: a heading, the lines, a table whose first row's last two cells are merged, and a closing line."""
    import docx

    document = docx.Document()
    document.add_heading(lines[0], level=1)
    for line in lines[1:]:
        document.add_paragraph(line)
    grid = document.add_table(rows=len(table) + 1, cols=len(table[0]))
    for r, row in enumerate(table):
        for c, value in enumerate(row):
            grid.cell(r, c).text = value
    merged = grid.cell(len(table), 1).merge(grid.cell(len(table), 2))
    grid.cell(len(table), 0).text = "3"
    merged.text = "Ô gộp: Ban Thi đua – Khen thưởng"
    document.add_paragraph(after)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


_ODF_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
           'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"')


def odt_file(lines: Sequence[str] = LINES, table: Sequence[Sequence[str]] = TABLE) -> bytes:
    """An ODT zipped by hand: a heading, paragraphs with spans and runs of spaces, a list and a table with a
    header row, as LibreOffice writes them (the mimetype entry first and stored)."""
    def cells(row: Sequence[str]) -> str:
        return "".join(f'<table:table-cell office:value-type="string"><text:p>{escape(v)}</text:p>'
                       "</table:table-cell>" for v in row)

    head, *rest = table
    body = (
        f'<text:h text:outline-level="1">{escape(lines[0])}</text:h>'
        f'<text:p>{escape(lines[1])}</text:p>'
        f'<text:p><text:span>{escape(lines[2])}</text:span></text:p>'
        f'<text:list><text:list-item><text:p>{escape(lines[3])}</text:p></text:list-item></text:list>'
        '<text:p>Điều<text:s text:c="3"/>1.<text:tab/>Hiệu lực<text:line-break/>kể từ ngày ký.</text:p>'
        '<table:table table:name="Bảng1"><table:table-column table:number-columns-repeated="3"/>'
        f"<table:table-header-rows><table:table-row>{cells(head)}</table:table-row></table:table-header-rows>"
        + "".join(f"<table:table-row>{cells(row)}</table:table-row>" for row in rest)
        + "</table:table><text:p>Nơi nhận: Như Điều 3; Lưu: VT.</text:p>"
    )
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODF_NS} office:version="1.3">'
               f"<office:body><office:text>{body}</office:text></office:body></office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
                '<manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.text"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                "</manifest:manifest>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text",
                         compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", manifest)
    return out.getvalue()


def xlsx_file(sheets: dict[str, list[list[Any]]] = SHEETS) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xls_file(sheets: dict[str, list[list[Any]]] = SHEETS) -> bytes:
    """An Excel 97 (BIFF8) workbook; dates get a date format, as Excel stores them (numbers with a format)."""
    import xlwt

    workbook = xlwt.Workbook(encoding="utf-8")
    dated = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for name, rows in sheets.items():
        sheet = workbook.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, date):
                    sheet.write(r, c, value, dated)
                else:
                    sheet.write(r, c, value)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def libreoffice() -> str | None:
    """The soffice command, or None when LibreOffice is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


DOC_MISSING = ("writing a Word 97 .doc needs LibreOffice (Debian's libreoffice-writer-nogui, ~260 MB): no "
               "permissive Python library writes .doc, and AbiWord's .doc export is RTF")


def doc_files(*documents: bytes, timeout: float = 120) -> list[bytes]:
    """Word 97 files converted from these DOCX files by LibreOffice, in one run (it takes a second to start)."""
    office = libreoffice()
    if office is None:
        raise FileNotFoundError(DOC_MISSING)
    with tempfile.TemporaryDirectory(prefix="tracuu-test-doc-") as work:
        sources = []
        for index, document in enumerate(documents):
            source = Path(work) / f"file{index}.docx"
            source.write_bytes(document)
            sources.append(str(source))
        profile = (Path(work) / "profile").as_uri()
        subprocess.run([office, "--headless", "--norestore", "--nologo", f"-env:UserInstallation={profile}",
                        "--convert-to", "doc:MS Word 97", "--outdir", str(Path(work) / "out"), *sources],
                       capture_output=True, timeout=timeout, check=True)
        return [(Path(work) / "out" / f"file{index}.doc").read_bytes() for index in range(len(documents))]


def zip_bomb(size_mb: int = 16, name: str = "word/document.xml") -> bytes:
    """A "DOCX" whose document inflates to `size_mb` MB of zeros from ~1 KB a MB: a compression-ratio bomb."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with archive.open(name, "w") as entry:
            block = bytes(1 << 20)
            for _ in range(size_mb):
                entry.write(block)
    return out.getvalue()


def lying_zip(real_mb: int = 8) -> bytes:
    """A "DOCX" whose document declares 1 000 bytes but inflates to `real_mb` MB: a parser that trusts the
    declared size (or checks only the ratio) lets it through."""
    declared = 1000
    compressed = zlib.compressobj(9, zlib.DEFLATED, -15)
    raw = compressed.compress(bytes(real_mb << 20)) + compressed.flush()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", b"<w:document/>")
    data = bytearray(out.getvalue())
    # Replace the document's data with the big stream and forge its sizes (and CRC) in both headers.
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("word/document.xml")
    local = info.header_offset
    name_length, extra_length = struct.unpack_from("<HH", data, local + 26)
    start = local + 30 + name_length + extra_length
    tail = bytes(data[start + info.compress_size:])
    crc = zlib.crc32(bytes(declared))
    data = data[:start] + raw + tail
    struct.pack_into("<III", data, local + 14, crc, len(raw), declared)
    shift = len(raw) - info.compress_size
    directory = data.rfind(b"PK\x05\x06")
    central_offset = struct.unpack_from("<I", data, directory + 16)[0] + shift
    struct.pack_into("<I", data, directory + 16, central_offset)
    position = central_offset
    while data[position:position + 4] == b"PK\x01\x02":
        names, extras, comments = struct.unpack_from("<HHH", data, position + 28)
        entry_name = bytes(data[position + 46:position + 46 + names]).decode()
        if entry_name == "word/document.xml":
            struct.pack_into("<III", data, position + 16, crc, len(raw), declared)
        position += 46 + names + extras + comments
    return bytes(data)


def spin(data: bytes, **options: Any) -> dict[str, Any]:
    """A sandbox job that never ends: a parser caught in a loop."""
    deadline = time.monotonic() + 3600
    while time.monotonic() < deadline:
        pass
    return {}


def spin_with_helper(data: bytes, *, pid_file: str) -> dict[str, Any]:
    """A sandbox job that starts a helper program (as a converter would), writes its pid, then never ends."""
    helper = subprocess.Popen(["sleep", "600"])
    Path(pid_file).write_text(str(helper.pid))
    return spin(data)


def crash(data: bytes, **options: Any) -> dict[str, Any]:
    """A sandbox job that dies of a segmentation fault, as a C parser might on a crafted file."""
    os.kill(os.getpid(), signal.SIGSEGV)
    return {}


def hog(data: bytes, **options: Any) -> dict[str, Any]:
    """A sandbox job that allocates until it is stopped: a decompression or layout blow-up."""
    blocks = []
    for _ in range(1 << 14):
        blocks.append(bytearray(64 << 20))
    return {"blocks": len(blocks)}


def echo(data: bytes, **options: Any) -> dict[str, Any]:
    """A sandbox job that only answers: measures the child's start."""
    return {"size": len(data), **options}
