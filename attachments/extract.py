"""The text of an attachment, page by page: PDF text layers, Word, OpenDocument and Excel files.

`extract(data)` never raises on a bad file. A crawler fetches thousands of attachments from portals that serve
truncated downloads, password-protected PDFs and HTML error pages under ".pdf" names; each of those comes back as
an `Extracted` whose `error` says why, with whatever text could still be read, so one bad file neither stops a
crawl nor loses the good pages before it. Hostile files that hang or exhaust a parser are the sandbox's job
(`attachments.sandbox.extract_safely` runs this module in a child with limits).

The kind comes from the bytes (`attachments.sniff`), never from the file name. Tools, by kind:

| kind | tool | pages |
|---|---|---|
| pdf | pypdfium2, pypdf when pdfium cannot open the file | one per page; see `scanned_pages` |
| docx | python-docx, paragraphs and tables in document order | one |
| odt | the ODF XML read here (zipfile + ElementTree) | one |
| doc | antiword, then catdoc, then LibreOffice, whichever are installed (Debian packages) | one |
| xls, xlsx | python-calamine | one per sheet: cells separated by tabs, rows by lines |

A PDF page with (almost) no text layer but an image is a scan: its number goes to `scanned_pages` for the OCR
step, which this module does not run. All text is NFC. Table cells are separated by tabs and rows by lines in
every kind.

pdfium is not thread-safe: extract in one thread per process (the sandbox runs each file in its own process).
"""

from __future__ import annotations

import io
import json
import re
import shutil
import struct
import sys
import tempfile
import time
import unicodedata
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from attachments.processes import Outcome, exit_status, run_limited
from attachments.sniff import CFB_SIGNATURE, KINDS, cfb_root_names, sniff

MAX_BYTES = 50 * 1024 * 1024  # larger attachments are refused before any parsing
MAX_PAGES = 1000  # PDF pages read; the rest are counted in page_count but not read
MAX_CHARS = 5_000_000  # text kept per file: a 200 000-row spreadsheet is data, not something to search in full
MAX_UNZIPPED = 200 * 1024 * 1024  # what a DOCX, XLSX or ODT may inflate to, all entries together
MAX_RATIO = 200  # compression ratio of one entry above which it is a bomb (real XML compresses 5-50 times)
RATIO_FLOOR = 1024 * 1024  # small entries may compress as well as they like
MAX_ZIP_ENTRIES = 10_000
CONVERTER_TIMEOUT = 60.0  # seconds for antiword, catdoc or LibreOffice on one DOC
CONVERTER_MEMORY_MB = 1024  # address space; LibreOffice converts a DOC within 512 MB
DOC_CONVERTERS = ("antiword", "catdoc", "soffice")  # tried in this order, those installed
SCAN_LETTERS = 20  # a PDF page with fewer letters than this in its text layer (and an image) is a scan

# C0 controls but tab and newline, DEL, byte-order marks (LibreOffice starts its text with one), non-characters
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufeff\ufffe\uffff]")


@dataclass
class Extracted:
    """What was read from one file, and why not everything was.

    `pages` holds the text of each PDF page or spreadsheet sheet, or the whole text of a word-processor file as one
    entry. `page_count` is how many pages or sheets the file has, read or not: past `max_pages` or `max_chars`,
    `truncated` is True and `pages` is shorter. `scanned_pages` are 1-based PDF page numbers whose text should come
    from OCR. `error` is None, or "reason" or "reason: detail" with reason one of empty, too large, unknown type,
    encrypted, corrupt, truncated, zip bomb, no converter, timeout, out of memory, crashed; `pages` may still hold
    what was read before the damage (a truncated PDF's first pages).
    """

    kind: str | None
    pages: list[str] = field(default_factory=list)
    method: str = ""  # text-layer, document, converter or spreadsheet; "" when nothing was read
    tool: str = ""  # the library or program that read it: pypdfium2, pypdf, python-docx, odf-xml, antiword, ...
    page_count: int = 0
    scanned_pages: list[int] = field(default_factory=list)
    truncated: bool = False
    error: str | None = None
    seconds: float = 0.0

    @property
    def text(self) -> str:
        """All pages, separated by blank lines."""
        return "\n\n".join(page for page in self.pages if page)

    @property
    def reason(self) -> str | None:
        """The error's reason without its detail ("corrupt" for "corrupt: pdfium: data format error")."""
        return None if self.error is None else self.error.split(":", 1)[0]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Extracted:
        return cls(**{name: data[name] for name in cls.__dataclass_fields__ if name in data})


def extract(data: bytes, kind: str | None = None, *, max_pages: int = MAX_PAGES, max_bytes: int = MAX_BYTES,
            max_chars: int = MAX_CHARS, max_unzipped: int = MAX_UNZIPPED, converter_timeout: float = CONVERTER_TIMEOUT,
            converter_memory_mb: int = CONVERTER_MEMORY_MB,
            doc_converters: Sequence[str] = DOC_CONVERTERS) -> Extracted:
    """Read the text of `data`; never raises for a bad file (see `Extracted.error`).

    `kind` is for a caller that already called `sniff(data)`; None sniffs here. A kind from a file name or a
    Content-Type header must not be passed: it is what the bytes say that counts. `doc_converters` names the
    outside programs a DOC may be given to, in order (a crawler short of time can leave out LibreOffice).
    """
    started = time.monotonic()
    result = _extract(data, kind, max_pages=max_pages, max_bytes=max_bytes, max_chars=max_chars,
                      max_unzipped=max_unzipped, converter_timeout=converter_timeout,
                      converter_memory_mb=converter_memory_mb, doc_converters=doc_converters)
    result.seconds = round(time.monotonic() - started, 6)
    return result


def _extract(data: bytes, kind: str | None, *, max_pages: int, max_bytes: int, max_chars: int, max_unzipped: int,
             converter_timeout: float, converter_memory_mb: int, doc_converters: Sequence[str]) -> Extracted:
    if not data:
        return Extracted(kind, error="empty")
    if len(data) > max_bytes:
        return Extracted(kind, error=f"too large: {len(data)} bytes, the cap is {max_bytes}")
    kind = kind or sniff(data)
    if kind not in KINDS:
        return Extracted(None, error=_unknown(data))
    if kind in ("docx", "xlsx", "odt"):
        problem = check_zip(data, max_unzipped)
        if problem:
            return Extracted(kind, error=problem)
    try:
        if kind == "pdf":
            return _pdf(data, max_pages, max_chars)
        if kind == "docx":
            return _docx(data, max_chars)
        if kind == "odt":
            return _odt(data, max_chars)
        if kind == "doc":
            return _doc(data, max_chars, converter_timeout, converter_memory_mb, doc_converters)
        return _spreadsheet(data, kind, max_chars)
    except MemoryError:
        return Extracted(kind, error="out of memory")
    except RecursionError:
        return Extracted(kind, error="corrupt: nested too deeply")
    except Exception as exc:  # noqa: BLE001 - parsers raise anything on hostile input; a bad file is a result
        return Extracted(kind, error=f"corrupt: {_describe(exc)}")


def _unknown(data: bytes) -> str:
    """Why a file is not one of KINDS, with a hint for the cases a crawler meets."""
    if data.startswith(CFB_SIGNATURE):
        names = cfb_root_names(data)
        if names is None:
            return "unknown type: a truncated or damaged OLE2 file"
        if "EncryptedPackage" in names:  # Office 2007+ encryption wraps the whole ZIP package in OLE2
            return "encrypted: a password-protected Office 2007+ file"
        return "unknown type: an OLE2 file that is neither Word nor Excel"
    if data.startswith(b"PK\x03\x04"):
        return "unknown type: a ZIP file that is not DOCX, XLSX or ODT (or is damaged)"
    head = data[:1024].lower()
    if b"<html" in head or b"<!doctype html" in head:
        return "unknown type: an HTML page"
    return "unknown type"


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text[:200]}" if text else type(exc).__name__


def clean(text: str) -> str:
    """NFC, Unix line ends, no control characters but tabs and newlines, no trailing blanks."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [line.rstrip() for line in unicodedata.normalize("NFC", text).split("\n")]
    return "\n".join(lines).strip("\n")


class _Budget:
    """Counts the characters kept so far against `max_chars`, so big files stop early instead of at the end."""

    def __init__(self, max_chars: int) -> None:
        self.left = max_chars
        self.exhausted = False

    def take(self, text: str) -> str:
        if len(text) > self.left:
            text, self.exhausted = text[:max(self.left, 0)], True
        self.left -= len(text)
        return text


# PDF


def _pdf(data: bytes, max_pages: int, max_chars: int) -> Extracted:
    # Acrobat reads a file whose %%EOF is missing, and so do both libraries, often recovering the first pages:
    # keep them, but say the file is truncated so the crawler can fetch it again.
    truncated = b"%%EOF" not in data[-2048:]
    attempts = [("pdfium", _pdf_pdfium, data)]
    repaired = _repair_truncated(data) if truncated else None
    if repaired is not None:
        attempts.append(("pdfium, repaired", _pdf_pdfium, repaired))
    attempts.append(("pypdf", _pdf_pypdf, data))
    failures = []
    for label, parse, candidate in attempts:
        try:
            result = parse(candidate, max_pages, max_chars)
            break
        except Exception as exc:  # noqa: BLE001 - any failure of one parser: try the next
            failures.append(f"{label}: {_describe(exc)}")
    else:
        hint = "no %%EOF, cut short? " if truncated else ""
        return Extracted("pdf", error=f"corrupt: {hint}{'; '.join(failures)}")
    if truncated and result.error is None:
        result.error = "truncated: no %%EOF at the end, read what was there"
    return result


_OBJECT_HEAD = re.compile(rb"(\d{1,10})\s+(\d{1,5})\s+obj\b")


def _repair_truncated(data: bytes) -> bytes | None:
    """A cut-off PDF made readable: its complete objects and a new trailer pointing at its catalog.

    A download cut short loses the cross-reference table and the trailer at the end, and both parsers give up
    without them. pdfium rebuilds the table by scanning objects when a trailer names the root, so the pages
    whose objects arrived can still be read. None when no catalog arrived (then nothing can be read).
    """
    end = data.rfind(b"endobj")
    at = data.rfind(b"/Catalog", 0, max(end, 0))
    if end < 0 or at < 0:
        return None
    heads = list(_OBJECT_HEAD.finditer(data, max(0, at - 2000), at))
    if not heads:
        return None
    number, generation = heads[-1].groups()
    return data[:end + 6] + b"\ntrailer\n<< /Root %s %s R >>\n%%%%EOF\n" % (number, generation)


def _pdf_pdfium(data: bytes, max_pages: int, max_chars: int) -> Extracted:
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if exc.err_code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            return Extracted("pdf", method="text-layer", tool="pypdfium2", error="encrypted: the PDF needs a password")
        raise
    result = Extracted("pdf", method="text-layer", tool="pypdfium2")
    budget = _Budget(max_chars)
    try:
        result.page_count = len(document)
        for index in range(min(result.page_count, max_pages)):
            if budget.exhausted:
                break
            page = document[index]
            try:
                textpage = page.get_textpage()
                text = clean(textpage.get_text_range())
                textpage.close()
                if _letters(text) < SCAN_LETTERS and _has_image(page, pdfium_c.FPDF_PAGEOBJ_IMAGE):
                    result.scanned_pages.append(index + 1)
            finally:
                page.close()
            result.pages.append(budget.take(text))
    finally:
        document.close()
    result.truncated = len(result.pages) < result.page_count or budget.exhausted
    return result


def _has_image(page: Any, image_type: int) -> bool:
    """Whether the page draws an image, in form XObjects too: a blank page has nothing for OCR to read."""
    return next(iter(page.get_objects(filter=[image_type])), None) is not None


def _pdf_pypdf(data: bytes, max_pages: int, max_chars: int) -> Extracted:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    result = Extracted("pdf", method="text-layer", tool="pypdf")
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")  # an owner password alone (printing, copying rights) still reads
        except Exception:  # noqa: BLE001 - e.g. AES without a crypto library
            opened = 0
        if not opened:
            result.error = "encrypted: the PDF needs a password"
            return result
    budget = _Budget(max_chars)
    result.page_count = len(reader.pages)
    for index in range(min(result.page_count, max_pages)):
        if budget.exhausted:
            break
        page = reader.pages[index]
        text = clean(page.extract_text() or "")
        # pypdf cannot cheaply tell a blank page from a scan, so every page without text goes to OCR
        if _letters(text) < SCAN_LETTERS:
            result.scanned_pages.append(index + 1)
        result.pages.append(budget.take(text))
    result.truncated = len(result.pages) < result.page_count or budget.exhausted
    return result


def _letters(text: str) -> int:
    return sum(1 for char in text if char.isalpha())


# ZIP packages: DOCX, XLSX, ODT


def check_zip(data: bytes, max_unzipped: int = MAX_UNZIPPED) -> str | None:
    """None when a ZIP package is safe to hand to a parser, else an error ("zip bomb: ...", "corrupt: ...").

    The declared sizes are checked first (total, entry count, ratio), then every entry is really inflated,
    counting bytes, without keeping them: a forged header that declares 1 KB for 1 GB of data is caught here,
    whatever the parser after us trusts.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        return f"corrupt: {_describe(exc)}"
    if len(infos) > MAX_ZIP_ENTRIES:
        return f"zip bomb: {len(infos)} entries"
    declared = sum(info.file_size for info in infos)
    if declared > max_unzipped:
        return f"zip bomb: declares {declared} bytes uncompressed, the cap is {max_unzipped}"
    for info in infos:
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            return f"zip bomb: {info.filename} compresses {info.file_size // max(info.compress_size, 1)} times"
        if info.flag_bits & 0x1:
            return "encrypted: a password-protected ZIP entry"
    inflated = 0
    for info in infos:
        try:
            size = _inflated_size(data, info, max_unzipped - inflated)
        except (zlib.error, ValueError, struct.error) as exc:
            return f"corrupt: {info.filename}: {_describe(exc)}"
        if size > info.file_size:
            return f"zip bomb: {info.filename} inflates beyond the {info.file_size} bytes it declares"
        inflated += size
        if inflated > max_unzipped:
            return f"zip bomb: inflates beyond {max_unzipped} bytes"
    return None


def _inflated_size(data: bytes, info: zipfile.ZipInfo, limit: int) -> int:
    """How many bytes an entry's compressed data really inflates to, stopping just past `limit`."""
    offset = info.header_offset
    if data[offset:offset + 4] != b"PK\x03\x04":
        raise ValueError("no local header where the directory says")
    name_length, extra_length = struct.unpack_from("<HH", data, offset + 26)
    start = offset + 30 + name_length + extra_length
    raw = memoryview(data)[start:start + info.compress_size]
    if len(raw) < info.compress_size:
        raise ValueError("entry cut short")
    if info.compress_type == zipfile.ZIP_STORED:
        return len(raw)
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise ValueError(f"compression method {info.compress_type}")
    inflater = zlib.decompressobj(-15)
    total, pending = 0, bytes(raw)
    while True:
        chunk = inflater.decompress(pending, 1 << 20)
        total += len(chunk)
        pending = inflater.unconsumed_tail
        if total > limit or inflater.eof or (not chunk and not pending):
            return total


def _docx(data: bytes, max_chars: int) -> Extracted:
    import docx
    from docx.table import Table

    document = docx.Document(io.BytesIO(data))
    lines: list[str] = []
    for block in document.iter_inner_content():
        lines.extend(_docx_table(block) if isinstance(block, Table) else [block.text])
    return _one_page("docx", "document", "python-docx", lines, max_chars)


def _docx_table(table: Any) -> list[str]:
    rows = []
    for row in table.rows:
        cells, previous = [], None
        for cell in row.cells:
            if cell._tc is previous:  # a merged cell is returned once per grid column it spans
                continue
            previous = cell._tc
            cells.append(" ".join(cell.text.split()))
        rows.append("\t".join(cells).rstrip("\t"))
    return rows


def _one_page(kind: str, method: str, tool: str, lines: list[str], max_chars: int) -> Extracted:
    text = clean("\n".join(lines))
    budget = _Budget(max_chars)
    text = budget.take(text)
    return Extracted(kind, [text], method=method, tool=tool, page_count=1, truncated=budget.exhausted)


_ODF = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
}


def _odf(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{_ODF[prefix]}}}{local}"


_P, _H, _S, _TAB, _BREAK = (_odf(n) for n in ("text:p", "text:h", "text:s", "text:tab", "text:line-break"))
_NOTE_CITATION, _TRACKED = _odf("text:note-citation"), _odf("text:tracked-changes")
_TABLE, _ROW, _CELL = _odf("table:table"), _odf("table:table-row"), _odf("table:table-cell")
_ROW_GROUPS = {_odf(n) for n in ("table:table-header-rows", "table:table-rows", "table:table-row-group")}
_SKIPPED = {_TRACKED, _odf("text:sequence-decls"), _odf("text:variable-decls"), _odf("table:table-columns"),
            _odf("table:table-column"), _odf("office:forms")}


def _odt(data: bytes, max_chars: int) -> Extracted:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        if "META-INF/manifest.xml" in names and b"encryption-data" in archive.read("META-INF/manifest.xml"):
            return Extracted("odt", error="encrypted: a password-protected OpenDocument file")
        content = archive.read("content.xml")
    # ODF never uses a DTD; refusing one rules out entity expansion bombs (billion laughs) in any expat.
    if b"<!DOCTYPE" in content or b"<!ENTITY" in content:
        return Extracted("odt", error="corrupt: content.xml declares a DTD")
    root = ElementTree.fromstring(content)
    body = root.find(f"{_odf('office:body')}/{_odf('office:text')}")
    lines: list[str] = []
    if body is not None:
        _odf_blocks(body, lines)
    return _one_page("odt", "document", "odf-xml", lines, max_chars)


def _odf_blocks(element: ElementTree.Element, lines: list[str]) -> None:
    """Paragraphs, headings and table rows in document order; lists, sections and frames are walked through."""
    for child in element:
        if child.tag in (_P, _H):
            lines.append(_odf_inline(child))
        elif child.tag == _TABLE:
            lines.extend(_odf_rows(child))
        elif child.tag not in _SKIPPED:
            _odf_blocks(child, lines)


def _odf_rows(table: ElementTree.Element) -> list[str]:
    rows = []
    for child in table:
        if child.tag in _ROW_GROUPS:
            rows.extend(_odf_rows(child))
        elif child.tag == _ROW:
            # covered cells (the rest of a merged cell) are skipped; repeated empty cells are not expanded
            cells = []
            for cell in child:
                if cell.tag == _CELL:
                    inner: list[str] = []
                    _odf_blocks(cell, inner)
                    cells.append(" ".join(" ".join(inner).split()))
            rows.append("\t".join(cells).rstrip("\t"))
    return rows


def _odf_inline(element: ElementTree.Element) -> str:
    parts = [element.text or ""]
    for child in element:
        if child.tag == _S:
            parts.append(" " * min(int(child.get(_odf("text:c"), "1") or 1), 100))
        elif child.tag == _TAB:
            parts.append("\t")
        elif child.tag == _BREAK:
            parts.append("\n")
        elif child.tag in (_P, _H):  # a footnote's or a frame's paragraphs inside this one
            parts.append(" " + _odf_inline(child) + " ")
        elif child.tag != _NOTE_CITATION and child.tag not in _SKIPPED:
            parts.append(_odf_inline(child))
        parts.append(child.tail or "")
    return "".join(parts)


# Legacy Word (DOC): outside converters


def _doc(data: bytes, max_chars: int, timeout: float, memory_mb: int, allowed: Sequence[str]) -> Extracted:
    with tempfile.TemporaryDirectory(prefix="tracuu-doc-") as work:
        source = Path(work) / "input.doc"
        source.write_bytes(data)
        failures: list[str] = []
        empty_by = ""  # a converter that succeeded but found no text: an empty document, unless another finds some
        for tool, command, output in _doc_converters(source, Path(work)):
            if tool not in allowed or shutil.which(command[0]) is None:
                continue
            ran = run_limited(command, timeout=timeout, memory_mb=memory_mb, cwd=work)
            status, stdout = _status(ran), ran.stdout
            if status == "ok" and output is not None:
                stdout = output.read_bytes() if output.exists() else b""
            text = stdout.decode("utf-8", errors="replace")
            if status == "ok" and text.strip():
                lines = [_pipe_row(line) for line in text.splitlines()] if tool == "antiword" else text.splitlines()
                return _one_page("doc", "converter", tool, lines, max_chars)
            if status == "ok":
                empty_by = empty_by or tool
            message = ran.stderr_lines[-1][:200] if ran.stderr_lines else ""
            failures.append(f"{tool}: {status if status != 'ok' else 'no text'}" + (f" ({message})" if message else ""))
    if empty_by:
        return _one_page("doc", "converter", empty_by, [], max_chars)
    if not failures:
        return Extracted("doc", error="no converter: install Debian's antiword (or catdoc, or LibreOffice)")
    reason = ("encrypted" if any("encrypted" in failure.lower() for failure in failures)
              else "timeout" if all(": timeout" in failure for failure in failures) else "corrupt")
    return Extracted("doc", error=f"{reason}: " + "; ".join(failures))


def _doc_converters(source: Path, work: Path) -> list[tuple[str, list[str], Path | None]]:
    """(tool, command, output file or None for stdout), in the order tried.

    antiword is fast (~1 ms) and keeps table cells; it refuses a document whose text stream is under 4 KB
    (short files written by LibreOffice), which catdoc reads. LibreOffice reads nearly anything but takes a
    second to start, so it comes last.
    """
    profile = (work / "profile").as_uri()  # a private profile: no lock shared with a running LibreOffice
    return [
        ("antiword", ["antiword", "-w", "0", "-m", "UTF-8.txt", str(source)], None),
        ("catdoc", ["catdoc", "-w", "-d", "utf-8", str(source)], None),
        ("soffice", ["soffice", "--headless", "--norestore", "--nologo", "--nolockcheck",
                     f"-env:UserInstallation={profile}", "--convert-to", "txt:Text (encoded):UTF8",
                     "--outdir", str(work / "out"), str(source)], work / "out" / "input.txt"),
    ]


_PIPE_ROW = re.compile(r"^\|(.*)\|\s*$")


def _pipe_row(line: str) -> str:
    """antiword draws a table row as "|cell   |cell   |"; tracuu writes every table row as tab-separated cells."""
    match = _PIPE_ROW.match(line)
    return "\t".join(cell.strip() for cell in match.group(1).split("|")) if match else line


def _status(ran: Outcome) -> str:
    """"ok", "timeout" or "failed: why": how a converter's run is listed in `Extracted.error`."""
    if ran.start_error is not None:
        return f"failed: {_describe(ran.start_error)}"
    if ran.timed_out:
        return "timeout"
    if ran.returncode:
        return f"failed: {exit_status(ran.returncode)}"
    return "ok"


# Spreadsheets


def _spreadsheet(data: bytes, kind: str, max_chars: int) -> Extracted:
    from python_calamine import CalamineWorkbook, PasswordError

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except PasswordError:
        return Extracted(kind, error="encrypted: the workbook needs a password")
    result = Extracted(kind, method="spreadsheet", tool="calamine")
    budget = _Budget(max_chars)
    try:
        names = workbook.sheet_names
        result.page_count = len(names)
        for name in names:
            if budget.exhausted:
                break
            rows: list[str] = []
            for row in workbook.get_sheet_by_name(name).iter_rows():
                line = "\t".join(_cell(value) for value in row).rstrip("\t")
                if line:
                    rows.append(budget.take(line + "\n"))
                if budget.exhausted:
                    break
            result.pages.append(clean("".join(rows)))
    finally:
        workbook.close()
    result.truncated = len(result.pages) < result.page_count or budget.exhausted
    return result


def _cell(value: object) -> str:
    """A cell as a person reads it: 2018 not 2018.0, dates in ISO form, no line breaks inside."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | clock):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return " ".join(str(value).split())


def main(argv: list[str] | None = None) -> int:
    """`python -m attachments.extract FILE [FILE ...]`: each file's Extracted as one JSON line (for a person)."""
    paths = sys.argv[1:] if argv is None else argv
    if not paths:
        print(main.__doc__, file=sys.stderr)
        return 2
    for path in paths:
        print(json.dumps({"file": path, **extract(Path(path).read_bytes()).to_dict()}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
