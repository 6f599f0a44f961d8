"""Attachment bytes for the demo portal: tiny but well-formed PDF and DOCX files, built on demand.

Real, parseable files (not just a magic number) so that anything downstream that opens attachments
sees what it would see on a real site. Output is deterministic: same title, same bytes.
"""

from __future__ import annotations

import io
import zipfile
from html import escape

from tracuu.demosite.content import fold_ascii

PDF_TYPE = "application/pdf"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

CONTENT_TYPES = {".pdf": PDF_TYPE, ".docx": DOCX_TYPE}


def content_type(file_name: str) -> str:
    for suffix, mime in CONTENT_TYPES.items():
        if file_name.lower().endswith(suffix):
            return mime
    return "application/octet-stream"


def _pdf_string(text: str) -> str:
    """A PDF literal string; Helvetica has no Vietnamese glyphs, so the text is folded to ASCII."""
    ascii_text = fold_ascii(text).encode("ascii", "replace").decode("ascii")
    return "(" + ascii_text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def pdf_bytes(lines: list[str]) -> bytes:
    """A one-page PDF 1.4 showing the given lines, with a correct xref table."""
    text_ops = " T* ".join(f"{_pdf_string(line)} Tj" for line in lines)
    stream = f"BT /F1 12 Tf 16 TL 72 770 Td {text_ops} ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref_at = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref_at}\n%%EOF\n".encode()
    return bytes(out)


_DOCX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="word/document.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
        "</Relationships>"
    ),
}


def docx_bytes(lines: list[str]) -> bytes:
    """A minimal Word document (one paragraph per line); Vietnamese text kept as is."""
    paragraphs = "".join(f"<w:p><w:r><w:t>{escape(line)}</w:t></w:r></w:p>" for line in lines)
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{paragraphs}</w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in [*_DOCX_PARTS.items(), ("word/document.xml", document)]:
            info = zipfile.ZipInfo(name, date_time=(2019, 1, 1, 0, 0, 0))  # fixed: same bytes every time
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()


def attachment_bytes(file_name: str, lines: list[str]) -> bytes:
    """The file served at /uploads/<file_name>, by extension."""
    if file_name.lower().endswith(".docx"):
        return docx_bytes(lines)
    return pdf_bytes(lines)
