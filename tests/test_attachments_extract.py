"""Attachments: the kind comes from the bytes, every kind's Vietnamese text comes out whole (NFC, every diacritic),
PDF pages keep their numbers and scans are flagged for OCR, bad files come back with a reason instead of an
exception, and the sandbox stops a runaway child. All files are real ones, made by tests/attachment_files.py.
"""

from __future__ import annotations

import io
import os
import shutil
import time
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from attachments.extract import Extracted, check_zip, extract
from attachments.sandbox import extract_safely, run_job
from attachments.sniff import sniff
from tests import attachment_files as files

needs_font = pytest.mark.skipif(files.font_path() is None,
                                reason="DejaVuSans.ttf not found: install Debian's fonts-dejavu-core")


def assert_vietnamese(text: str, lines: list[str] = files.LINES) -> None:
    assert unicodedata.is_normalized("NFC", text)
    for line in lines:
        assert line in text, f"missing {line!r} in {text!r}"


def test_the_samples_use_every_tone_mark_and_vietnamese_letter_in_both_cases() -> None:
    tones = {"\u0301", "\u0300", "\u0309", "\u0303", "\u0323"}  # sắc, huyền, hỏi, ngã, nặng
    decomposed = unicodedata.normalize("NFD", "\n".join(files.LINES))
    assert tones <= set(decomposed)
    toneless = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in tones))
    for letter in "ăâêôơưđ":
        assert letter in toneless and letter.upper() in toneless, letter


# Sniffing: the bytes decide


@pytest.fixture(scope="module")
def samples() -> dict[str, bytes]:
    """One file of each kind; the PDF only where its font is installed."""
    made = {"docx": files.docx_file(), "odt": files.odt_file(), "xlsx": files.xlsx_file(), "xls": files.xls_file()}
    return made if files.font_path() is None else {"pdf": files.text_pdf(3), **made}


@pytest.fixture
def pdf(samples: dict[str, bytes]) -> bytes:
    if "pdf" not in samples:
        pytest.skip("DejaVuSans.ttf not found: install Debian's fonts-dejavu-core")
    return samples["pdf"]


def test_sniff_tells_each_kind_from_its_bytes(samples: dict[str, bytes]) -> None:
    for kind, data in samples.items():
        assert sniff(data) == kind


def test_a_pdf_named_doc_is_a_pdf_and_a_docx_named_xls_is_a_docx(tmp_path: Path, pdf: bytes,
                                                                  samples: dict[str, bytes]) -> None:
    (tmp_path / "QD-1234.doc").write_bytes(pdf)
    (tmp_path / "bao-cao.xls").write_bytes(samples["docx"])
    as_pdf = extract((tmp_path / "QD-1234.doc").read_bytes())
    as_docx = extract((tmp_path / "bao-cao.xls").read_bytes())
    assert (as_pdf.kind, as_pdf.tool, as_pdf.error) == ("pdf", "pypdfium2", None)
    assert (as_docx.kind, as_docx.tool, as_docx.error) == ("docx", "python-docx", None)


def test_sniff_says_none_for_anything_else(samples: dict[str, bytes]) -> None:
    png = files.scan_png(dpi=20)
    plain_text = "Quyết định số 1234/QĐ-UBND".encode()
    for data in (b"", files.HTML_ERROR_PAGE, png, plain_text, b"PK\x03\x04", files.truncated(samples["docx"]),
                 files.truncated(samples["xls"]), samples["xls"][:8], b"%PDF"):
        assert sniff(data) is None, data[:40]


# Every kind's text


def test_pdf_text_layer_page_by_page(pdf: bytes) -> None:
    result = extract(pdf)
    assert (result.kind, result.method, result.tool, result.error) == ("pdf", "text-layer", "pypdfium2", None)
    assert result.page_count == len(result.pages) == 3
    for number, page in enumerate(result.pages, start=1):
        assert page.startswith(files.page_marker(number, 3))
        assert_vietnamese(page)
    assert result.scanned_pages == [] and not result.truncated


@needs_font
def test_a_page_with_only_an_image_is_listed_for_ocr_and_a_blank_page_is_not() -> None:
    result = extract(files.mixed_pdf(["text", "scan", "blank", "text"]))
    assert result.error is None and result.page_count == 4
    assert result.scanned_pages == [2]
    assert result.pages[1] == result.pages[2] == ""
    assert result.pages[3].startswith(files.page_marker(4, 4))


@needs_font
def test_max_pages_reads_the_first_pages_and_counts_them_all() -> None:
    result = extract(files.text_pdf(5), max_pages=2)
    assert (len(result.pages), result.page_count, result.truncated) == (2, 5, True)
    assert result.pages[1].startswith(files.page_marker(2, 5))


def test_pypdf_the_fallback_reads_the_same_pages(pdf: bytes) -> None:
    from attachments.extract import _pdf_pypdf

    result = _pdf_pypdf(pdf, 10, 10**6)
    assert (result.tool, result.page_count, result.error) == ("pypdf", 3, None)
    for number, page in enumerate(result.pages, start=1):
        assert page.startswith(files.page_marker(number, 3))
        assert_vietnamese(page)


def test_docx_paragraphs_and_tables_in_document_order(samples: dict[str, bytes]) -> None:
    result = extract(samples["docx"])
    assert (result.kind, result.method, result.page_count, result.error) == ("docx", "document", 1, None)
    text = result.pages[0]
    assert_vietnamese(text)
    rows = ["\t".join(row) for row in files.TABLE] + ["3\tÔ gộp: Ban Thi đua – Khen thưởng"]  # merged cell once
    assert "\n".join(rows) in text
    assert text.index(files.LINES[-1]) < text.index(rows[0]) < text.index("Nơi nhận: Như Điều 3; Lưu: VT.")


def test_odt_headings_paragraphs_lists_spaces_and_tables(samples: dict[str, bytes]) -> None:
    result = extract(samples["odt"])
    assert (result.kind, result.tool, result.error) == ("odt", "odf-xml", None)
    text = result.pages[0]
    assert_vietnamese(text)
    assert "Điều   1.\tHiệu lực\nkể từ ngày ký." in text
    assert "\n".join("\t".join(row) for row in files.TABLE) in text
    assert text.endswith("Nơi nhận: Như Điều 3; Lưu: VT.")


@pytest.mark.parametrize("kind", ["xlsx", "xls"])
def test_spreadsheets_one_page_per_sheet_cells_by_tabs(kind: str, samples: dict[str, bytes]) -> None:
    result = extract(samples[kind])
    assert (result.kind, result.method, result.tool, result.error) == (kind, "spreadsheet", "calamine", None)
    assert result.page_count == len(result.pages) == 2
    assert result.pages == [
        "Hạng mục\tSố lượng\tNgày\nHội nghị tổng kết\t2018\t2018-12-25\nKhen thưởng cá nhân\t12.5\tƯu tiên",
        "Đơn vị\tGhi chú\nỦy ban nhân dân\tĂÂÊÔƠƯĐ ăâêôơưđ",
    ]


def test_max_chars_cuts_a_big_sheet() -> None:
    rows = [[f"Dòng {n}", "Hội nghị tổng kết"] for n in range(2000)]
    result = extract(files.xlsx_file({"Số liệu": rows}), max_chars=500)
    assert result.truncated and result.error is None
    assert len(result.pages[0]) <= 500 and result.pages[0].startswith("Dòng 0\tHội nghị tổng kết")


# Legacy Word: LibreOffice writes the files; antiword, catdoc or LibreOffice read them


@pytest.fixture(scope="module")
def docs() -> dict[str, bytes]:
    if files.libreoffice() is None:
        pytest.skip(files.DOC_MISSING)
    import docx

    short = docx.Document()  # a text stream under 4 KB, which antiword refuses
    short.add_paragraph(files.LINES[2])
    out = io.BytesIO()
    short.save(out)
    full, brief = files.doc_files(files.docx_file(), out.getvalue())
    return {"full": full, "short": brief}


def test_doc_through_antiword_keeps_diacritics_and_table_cells(docs: dict[str, bytes]) -> None:
    if shutil.which("antiword") is None:
        pytest.skip("antiword not installed (Debian's antiword)")
    assert sniff(docs["full"]) == "doc"
    result = extract(docs["full"])
    assert (result.kind, result.method, result.tool, result.error) == ("doc", "converter", "antiword", None)
    assert_vietnamese(result.pages[0])
    assert "\n".join("\t".join(row) for row in files.TABLE) in result.pages[0]


def test_a_short_doc_that_antiword_refuses_goes_to_the_next_converter(docs: dict[str, bytes]) -> None:
    installed = [tool for tool in ("catdoc", "soffice") if shutil.which(tool)]
    result = extract(docs["short"])
    assert (result.tool, result.error) == (installed[0], None)
    assert result.pages == [files.LINES[2]]
    if shutil.which("antiword"):
        refused = extract(docs["short"], doc_converters=["antiword"])
        assert refused.reason == "corrupt" and "too small" in refused.error


@pytest.mark.parametrize("tool", ["catdoc", "soffice"])
def test_each_fallback_converter_reads_a_doc(tool: str, docs: dict[str, bytes]) -> None:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} not installed")
    result = extract(docs["full"], doc_converters=[tool])
    assert (result.tool, result.error) == (tool, None)
    assert_vietnamese(result.pages[0])


def test_a_doc_without_any_converter_says_so(docs: dict[str, bytes]) -> None:
    result = extract(docs["full"], doc_converters=[])
    assert result.reason == "no converter" and result.pages == []


# Bad files: a reason each, never an exception


@needs_font
def test_an_encrypted_pdf_is_reported_and_an_owner_password_alone_does_not_stop_reading() -> None:
    locked = extract(files.encrypted_pdf())
    assert (locked.kind, locked.reason, locked.pages) == ("pdf", "encrypted", [])
    open_to_all = extract(files.encrypted_pdf(user_password=""))
    assert open_to_all.error is None and open_to_all.page_count == 2
    assert_vietnamese(open_to_all.pages[1])


@needs_font
def test_a_truncated_pdf_keeps_the_pages_that_arrived() -> None:
    pdf = files.text_pdf(6)
    nearly = extract(files.truncated(pdf, 0.97))  # the cross-reference table and trailer are lost
    assert nearly.reason == "truncated" and nearly.page_count == 6
    assert [page.split("\n")[0] for page in nearly.pages[:5]] == [files.page_marker(n, 6) for n in range(1, 6)]
    assert_vietnamese(nearly.pages[0])
    half = extract(files.truncated(pdf, 0.5))  # the catalog never arrived: nothing to read
    assert half.reason == "corrupt" and "cut short" in half.error and half.pages == []


@pytest.mark.parametrize(("name", "make", "kind", "reason", "detail"), [
    ("zero bytes", lambda: b"", None, "empty", ""),
    ("random bytes after a PDF header", files.garbage_pdf, "pdf", "corrupt", "pdfium"),
    ("an HTML error page", lambda: files.HTML_ERROR_PAGE, None, "unknown type", "HTML"),
    ("a 16 MB zip bomb named docx", files.zip_bomb, "docx", "zip bomb", "compresses"),
    ("a zip whose entry lies about its size", files.lying_zip, "docx", "zip bomb", "declares"),
    ("a cut-off DOCX", lambda: files.truncated(files.docx_file()), None, "unknown type", "ZIP"),
    ("a cut-off XLS", lambda: files.truncated(files.xls_file(), 0.3), None, "unknown type", "OLE2"),
])
def test_bad_files_come_back_with_a_reason(name: str, make: Callable[[], bytes], kind: str | None, reason: str,
                                          detail: str) -> None:
    result = extract(make())
    assert (result.kind, result.reason, result.pages) == (kind, reason, []), result.error
    assert detail in result.error


def test_size_caps_are_checked_before_parsing(samples: dict[str, bytes]) -> None:
    assert extract(samples["xlsx"], max_bytes=1000).reason == "too large"
    declared = extract(samples["docx"], max_unzipped=10_000)
    assert declared.reason == "zip bomb" and "declares" in declared.error
    assert check_zip(samples["docx"]) is None and check_zip(samples["xlsx"]) is None


def package(entries: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in entries.items():
            archive.writestr(name, text)
    return out.getvalue()


def test_broken_insides_of_a_valid_package_are_corrupt() -> None:
    workbook = extract(package({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook>không phải"}))
    assert (workbook.kind, workbook.reason) == ("xlsx", "corrupt")
    document = extract(package({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document"}))
    assert (document.kind, document.reason) == ("docx", "corrupt")
    laughs = '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "ha">]><office:document-content/>'
    entity = extract(package({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": laughs}))
    assert (entity.kind, entity.reason) == ("odt", "corrupt") and "DTD" in entity.error


# The sandbox


def test_the_sandbox_gives_the_same_answer_as_extract(pdf: bytes, samples: dict[str, bytes]) -> None:
    for data in (pdf, samples["xlsx"]):
        inside, direct = extract_safely(data, timeout=30), extract(data)
        assert (inside.kind, inside.pages, inside.tool, inside.error) == (direct.kind, direct.pages, direct.tool,
                                                                         direct.error)
    assert extract_safely(files.encrypted_pdf(), timeout=30).reason == "encrypted"


def test_the_sandbox_kills_a_runaway_and_its_helpers(tmp_path: Path) -> None:
    pid_file = tmp_path / "helper.pid"
    started = time.monotonic()
    outcome = run_job("tests.attachment_files:spin_with_helper", b"", {"pid_file": str(pid_file)}, timeout=1)
    assert outcome.status == "timeout" and outcome.error == "timeout: over 1 s"
    assert time.monotonic() - started < 5
    helper = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while _alive(helper) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(helper), "the helper outlived the sandbox's deadline"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is dead, waiting for init to reap it
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(")")[-1].split()[0] == "Z")


def test_the_sandbox_reports_memory_exhaustion_and_crashes() -> None:
    hog = run_job("tests.attachment_files:hog", b"", timeout=30, memory_mb=300)
    assert hog.status == "out of memory"
    crash = run_job("tests.attachment_files:crash", b"", timeout=30)
    assert crash.status == "crashed" and "SIGSEGV" in crash.detail


def test_extract_safely_turns_a_deadline_into_an_error(samples: dict[str, bytes]) -> None:
    result = extract_safely(samples["docx"], timeout=0.01)
    assert isinstance(result, Extracted)
    assert (result.reason, result.pages) == ("timeout", [])
