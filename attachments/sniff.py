"""What kind of file an attachment is, from its bytes alone.

Agency portals name files carelessly: a scanned PDF saved as "QD-1234.doc", an HTML error page served as
"baocao.xlsx", a DOCX renamed ".doc". The extension and the Content-Type header are hints at best, so the kind
comes from the bytes: the PDF header, the names inside an OLE2 compound file (Word 97 and Excel 97), the entries
of a ZIP package (DOCX, XLSX, ODT). Nothing here raises: a file that is none of these, or too damaged to tell,
is None.
"""

from __future__ import annotations

import io
import struct
import zipfile

KINDS = ("pdf", "doc", "docx", "odt", "xls", "xlsx")

CFB_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
# Acrobat accepts the header anywhere in the first kilobyte (some generators put junk before it), so do we.
PDF_HEADER_WINDOW = 1024

_ENDOFCHAIN = 0xFFFFFFFE
_NOSTREAM = 0xFFFFFFFF
_MAX_SECTOR = 0xFFFFFFFA  # sector numbers above this are markers (free, end of chain, FAT, DIFAT)


def sniff(data: bytes) -> str | None:
    """One of KINDS, or None for anything else (HTML, images, truncated or unreadable containers)."""
    if b"%PDF-" in data[:PDF_HEADER_WINDOW]:
        return "pdf"
    if data.startswith(CFB_SIGNATURE):
        return _sniff_cfb(data)
    if data.startswith(ZIP_SIGNATURE):
        return _sniff_zip(data)
    return None


def _sniff_cfb(data: bytes) -> str | None:
    names = cfb_root_names(data)
    if names is None:
        return None
    # Only the root storage counts: a spreadsheet with an embedded Word object has a WordDocument stream too,
    # one level down.
    lowered = {name.lower() for name in names}
    if "worddocument" in lowered:
        return "doc"
    if "workbook" in lowered or "book" in lowered:  # Book: Excel 5/95 (BIFF5)
        return "xls"
    return None


def _sniff_zip(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size > 200:  # the real entry is ~40 bytes; never inflate a large one here
                    return None
                with archive.open(info) as entry:
                    return "odt" if entry.read(200).strip() == ODT_MIMETYPE else None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError,
            RuntimeError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return None


def cfb_root_names(data: bytes) -> set[str] | None:
    """The names of the streams and storages at the root of an OLE2 compound file, or None if unreadable.

    A minimal reader of [MS-CFB]: the header, the FAT sectors it lists (109 in the header, the rest through
    the DIFAT chain), and the directory chain; then the red-black tree under the root entry. Every chain is
    followed with a visited set, so a looping or truncated file ends the walk instead of hanging it.
    """
    try:
        return _cfb_root_names(data)
    except (struct.error, UnicodeDecodeError, IndexError):
        return None


def _cfb_root_names(data: bytes) -> set[str] | None:
    if len(data) < 512 or not data.startswith(CFB_SIGNATURE):
        return None
    shift = struct.unpack_from("<H", data, 0x1E)[0]
    if shift not in (9, 12):  # 512-byte sectors (version 3) or 4096 (version 4)
        return None
    size = 1 << shift
    per_sector = size // 4
    sectors_in_file = len(data) // size  # an upper bound on any sane count below

    def sector(number: int) -> bytes | None:
        start = (number + 1) * size
        chunk = data[start:start + size]
        return chunk if len(chunk) == size else None

    fat_count, first_dir = struct.unpack_from("<II", data, 0x2C)
    first_difat, difat_count = struct.unpack_from("<II", data, 0x44)
    fat_sectors = [n for n in struct.unpack_from("<109I", data, 0x4C) if n <= _MAX_SECTOR]
    seen: set[int] = set()
    number = first_difat
    while number <= _MAX_SECTOR and number not in seen and len(seen) < min(difat_count, sectors_in_file):
        seen.add(number)
        chunk = sector(number)
        if chunk is None:
            break
        entries = struct.unpack_from(f"<{per_sector}I", chunk)
        fat_sectors.extend(n for n in entries[:-1] if n <= _MAX_SECTOR)
        number = entries[-1]
    fat_sectors = fat_sectors[:min(fat_count, sectors_in_file)]

    def next_sector(number: int) -> int:
        index, offset = divmod(number, per_sector)
        chunk = sector(fat_sectors[index]) if index < len(fat_sectors) else None
        return _ENDOFCHAIN if chunk is None else struct.unpack_from("<I", chunk, offset * 4)[0]

    directory = bytearray()
    seen = set()
    number = first_dir
    while number <= _MAX_SECTOR and number not in seen:
        seen.add(number)
        chunk = sector(number)
        if chunk is None:
            break
        directory += chunk
        number = next_sector(number)
    entries = [bytes(directory[i:i + 128]) for i in range(0, len(directory) - 127, 128)]
    if not entries or entries[0][66] != 5:  # entry 0 must be the root storage
        return None

    names: set[str] = set()
    stack = [struct.unpack_from("<I", entries[0], 76)[0]]  # the root's child
    visited: set[int] = set()
    while stack:
        index = stack.pop()
        if index == _NOSTREAM or index >= len(entries) or index in visited:
            continue
        visited.add(index)
        entry = entries[index]
        length = struct.unpack_from("<H", entry, 64)[0]
        if 2 <= length <= 64 and entry[66] in (1, 2):  # a storage or a stream
            names.add(entry[:length - 2].decode("utf-16-le"))
        stack.extend(struct.unpack_from("<II", entry, 68))  # left and right siblings
    return names
