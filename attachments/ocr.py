"""Scanned pages read by OCR: Tesseract with its Vietnamese model, on pages rendered by poppler's pdftoppm.

A scanned PDF has no text layer, so each page is rendered to a grayscale image and read by `tesseract -l vie`.
Both are outside programs fed untrusted files, so each runs as a child process with a deadline (killed with its
process group when it passes), a low CPU priority, one OpenMP thread and a cap on its address space: a hostile or
huge PDF costs one page's error, never the indexer. Errors come back in `PageText.error`, not as exceptions, so a
caller reading a hundred pages keeps the ninety-nine good ones.

Needs Debian's poppler-utils, tesseract-ocr and tesseract-ocr-vie; `available()` says what is missing.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from attachments.processes import exit_status, run_limited

# Page segmentation mode 3, tesseract's default: automatic layout, no orientation detection. Measured on the
# pages of tests/scans.py: equal to 6 (one uniform block) on clean pages and better on skewed, noisy ones
# (1.5 % against 2.3 % character errors at 200 dpi); 4 (one column) lost whole lines on those (18 %).
PSM = 3
# Mode 1 adds orientation and script detection (osd.traineddata, which Debian's tesseract-ocr depends on).
PSM_OSD = 1
# Mean word confidence below which an "auto" read is tried again with orientation detection. Upright pages,
# clean or degraded, scored 93-96; the same pages turned 90 or 180 degrees scored 44-45 (read as gibberish).
LOW_CONFIDENCE = 70.0

DPI = 300  # for pages that are not one scanned image (text drawn as outlines, several images)
NICENESS = 10  # below searches and crawls, yet not starved into timeouts beside the indexer's workers
# Address space per child. tesseract needs ~120 MB for an A4 page at 300 dpi with one thread (it fails below
# that) and ~160 MB at 600 dpi; pdftoppm ~40 MB. 1 GB leaves room for big pages and stops a bomb early.
MEMORY_MB = 1024

DEBIAN_PACKAGES = "poppler-utils tesseract-ocr tesseract-ocr-vie"  # pdftoppm, pdfimages; tesseract

RENDER_FAILURES = ("Out of memory", "Bogus memory allocation", "Internal Error")

Orientation = Literal["auto", "osd", "as-is"]

# Signatures of the image formats tesseract (leptonica) reads. Anything else is refused before tesseract sees it:
# given a text file, tesseract takes it for a list of image paths and reads those files from this machine's disk.
IMAGE_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"GIF87a", b"GIF89a", b"BM",
                    b"\x00\x00\x00\x0cjP  \r\n\x87\n", b"\xff\x4f\xff\x51")


@dataclass(frozen=True)
class PageText:
    """The text OCR read on one page, how long it took, and why it failed if it did.

    `text` is NFC, one line per printed line, without empty lines ("" on error). `seconds` is wall time, rendering
    included. `error` is None, or "kind: detail" where kind is one of timeout, page (no such page), missing (a tool
    is not installed), input (not a PDF or image the tools can read) or failed. `confidence` is tesseract's mean
    word confidence, 0-100 (None when no word was found): below ~70 the text is doubtful.
    """

    text: str
    seconds: float
    error: str | None = None
    confidence: float | None = None


def available() -> str | None:
    """None when pdftoppm, pdfimages, tesseract and its `vie` model are installed, else what is missing and how to
    install it (a reason for pytest.skip, or for a log line when an indexer skips scanned pages)."""
    missing = [tool for tool in ("pdftoppm", "pdfimages", "tesseract") if shutil.which(tool) is None]
    if missing:
        return f"{' and '.join(missing)} not found on PATH: install Debian's {DEBIAN_PACKAGES}"
    try:
        listed = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"tesseract --list-langs failed ({exc}): reinstall Debian's tesseract-ocr"
    # After a line naming the tessdata directory, one language a line (stdout in tesseract 5, stderr in some 4.x).
    if "vie" not in (listed.stdout + listed.stderr).split():
        return "tesseract has no Vietnamese model (vie.traineddata): install Debian's tesseract-ocr-vie"
    return None


def ocr_page(pdf: bytes | Path, page: int, *, dpi: int | None = None, timeout: float, psm: int = PSM,
             orientation: Orientation = "auto", memory_mb: int = MEMORY_MB) -> PageText:
    """Render page `page` (1-based) of a PDF with pdftoppm and read it with tesseract in Vietnamese.

    `dpi=None` renders a scanned page at the resolution it was scanned at (its image's, within 100-600) and any
    other page at 300 dpi: resampling a noisy 200 dpi scan to 300 took character errors from 1.5 % to 19 %.
    `pdf` may also be a scanned image (PNG, JPEG, TIFF, GIF, BMP, WebP, PNM, JPEG 2000), read as it is; it has
    only page 1. `timeout` bounds the whole page, rendering and OCR together. Skews up to ~3 degrees need nothing.
    `orientation`: "auto" reads the page as it lies and, if the words come out doubtful, again with orientation
    detection (pages scanned sideways or upside down), a second read on those pages only; "osd" detects the
    orientation of every page (0.2-0.3 s more a page, 15-25 %); "as-is" never does. An explicit `dpi` renders at
    that resolution.
    """
    started = time.monotonic()
    deadline = started + timeout

    def result(text: str = "", error: str | None = None, confidence: float | None = None) -> PageText:
        return PageText(text, time.monotonic() - started, error, confidence)

    if page < 1:
        return result(error=f"page: page numbers start at 1, not {page}")
    with tempfile.TemporaryDirectory(prefix="tracuu-ocr-") as tmp:
        work = Path(tmp)
        try:
            source = _source_file(pdf, work)
            with source.open("rb") as handle:
                head = handle.read(1024)
        except OSError as exc:
            return result(error=f"input: cannot read {pdf}: {exc}")
        if b"%PDF-" in head:  # readers accept up to 1 KB of junk before the signature, so scanners write it
            image, image_dpi, error = _render(source, page, dpi, work, deadline, memory_mb)
            if error is not None:
                return result(error=error)
        elif head.startswith(IMAGE_SIGNATURES) or _is_webp_or_pnm(head):
            if page != 1:
                return result(error=f"page: page {page} is past the end of an image (one page)")
            image, image_dpi = source, None  # tesseract reads the resolution the file records
        else:
            return result(error="input: neither a PDF nor an image (PNG, JPEG, TIFF, GIF, BMP, WebP, PNM, JPEG 2000)")
        read = _recognise(image, image_dpi, work, deadline, psm=psm, orientation=orientation, memory_mb=memory_mb)
    return result(read.text, read.error, read.confidence)


def ocr_image(image: bytes | Path, *, timeout: float, psm: int = PSM, orientation: Orientation = "auto",
              memory_mb: int = MEMORY_MB) -> PageText:
    """Read one scanned image (PNG, JPEG, TIFF...) with tesseract in Vietnamese: `ocr_page(image, 1, ...)`."""
    return ocr_page(image, 1, timeout=timeout, psm=psm, orientation=orientation, memory_mb=memory_mb)


def tidy_text(raw: str) -> str:
    """OCR output made indexable: NFC, a line broken after a hyphen joined up, blank lines and edge spaces gone.

    Vietnamese breaks lines between syllables, so a line ending in a hyphen glued to a letter or digit is a
    compound split at its hyphen ("1234/QĐ-" + "UBND"): the line break goes and the hyphen stays, as printed.
    Nothing is added, spelled differently or guessed.
    """
    text = unicodedata.normalize("NFC", raw).replace("\f", "\n")
    lines = [line.strip() for line in text.splitlines()]
    text = "\n".join(line for line in lines if line)
    return re.sub(r"(?<=\w)-\n(?=\w)", "-", text)


def cer(reference: str, hypothesis: str) -> float:
    """Character error rate: edits (insertions, deletions, substitutions) that turn reference into hypothesis,
    per reference character, on NFC text with each run of whitespace made one space (line breaks cost nothing).

    0.0 is perfect; it can pass 1.0 when the hypothesis is much longer. Both empty: 0.0; only reference empty: 1.0.
    """
    ref, hyp = (" ".join(unicodedata.normalize("NFC", s).split()) for s in (reference, hypothesis))
    if not ref:
        return 0.0 if not hyp else 1.0
    return levenshtein(ref, hyp) / len(ref)


def levenshtein(a: str, b: str) -> int:
    """Edit distance between two strings, bit-parallel (Myers 1999, Hyyrö 2001) on Python's big integers.

    A column of the edit table is a pair of bit vectors, so two pages (a few thousand characters each) compare
    in milliseconds where the textbook table takes seconds in Python.
    """
    if len(a) < len(b):
        a, b = b, a
    if not b:
        return len(a)
    positions: dict[str, int] = {}  # for each character of b, a bit at each position where it occurs
    for i, char in enumerate(b):
        positions[char] = positions.get(char, 0) | (1 << i)
    mask = (1 << len(b)) - 1
    last = 1 << (len(b) - 1)
    plus, minus, score = mask, 0, len(b)  # vertical differences +1 / -1 down the column, and its bottom cell
    for char in a:
        eq = positions.get(char, 0)
        xv = eq | minus
        xh = ((((eq & plus) + plus) & mask) ^ plus) | eq
        hplus = minus | (~(xh | plus) & mask)
        hminus = plus & xh
        if hplus & last:
            score += 1
        elif hminus & last:
            score -= 1
        hplus = ((hplus << 1) | 1) & mask  # the top row grows by one a column: a distance, not a search
        hminus = (hminus << 1) & mask
        plus = hminus | (~(xv | hplus) & mask)
        minus = hplus & xv
    return score


def _render(pdf: Path, page: int, dpi: int | None, work: Path, deadline: float,
            memory_mb: int) -> tuple[Path, int, str | None]:
    """Page `page` as a grayscale image in `work`, its resolution, and the error if pdftoppm failed."""
    image = work / "page.pgm"
    x_dpi = y_dpi = dpi or DPI
    if dpi is None:
        x_dpi, y_dpi = _scan_resolution(pdf, page, work, deadline, memory_mb) or (DPI, DPI)
    # Uncompressed grayscale (PGM): writing PNG took 90 % of pdftoppm's time (1.2 of 1.3 s at 300 dpi), and
    # tesseract reads PGM faster, with the same text.
    command = ["pdftoppm", "-f", str(page), "-l", str(page), "-rx", str(x_dpi), "-ry", str(y_dpi), "-gray",
               "-singlefile", str(pdf), str(image.with_suffix(""))]
    error, message = _run(command, deadline, memory_mb, work / "pdftoppm.log")
    if "Wrong page range" in message:
        error = f"page: page {page} is past the end of the PDF ({message})"
    elif error is not None and re.search(r"May not be a PDF|Couldn't (find trailer|read xref)", message):
        error = f"input: not a PDF pdftoppm can read ({message})"
    elif error is None and (not image.is_file() or any(sign in message for sign in RENDER_FAILURES)):
        # Out of memory (a huge page, a high dpi) pdftoppm says so, writes at most a header, and exits 0.
        error = (f"failed: pdftoppm could not render page {page} at {x_dpi} dpi under the {memory_mb} MB limit: "
                 f"{message}")
    return image, max(x_dpi, y_dpi), error


def _scan_resolution(pdf: Path, page: int, work: Path, deadline: float, memory_mb: int) -> tuple[int, int] | None:
    """The horizontal and vertical resolution of the scan on this page, if its biggest image looks like one.

    `pdfimages -list` (~10 ms) gives each image's size in pixels and in pixels per inch as placed on the page.
    An image of 5 by 5 inches or more is a scanned page, not a logo; its resolution is kept within 100-600 dpi.
    """
    listing = work / "images.txt"
    error, _ = _run(["pdfimages", "-f", str(page), "-l", str(page), "-list", str(pdf)], deadline, memory_mb,
                    work / "pdfimages.log", stdout=listing)
    if error is not None:
        return None
    best: tuple[int, int, int] | None = None  # pixels, x ppi, y ppi
    for row in listing.read_text(errors="replace").splitlines()[2:]:
        cells = row.split()
        # page num type width height color comp bpc enc interp object ID x-ppi y-ppi size ratio
        if len(cells) < 14 or cells[2] != "image" or not all(c.isdigit() for c in cells[3:5] + cells[12:14]):
            continue
        width, height, x_ppi, y_ppi = int(cells[3]), int(cells[4]), int(cells[12]), int(cells[13])
        page_sized = x_ppi > 0 and y_ppi > 0 and width / x_ppi >= 5 and height / y_ppi >= 5
        if page_sized and (best is None or width * height > best[0]):
            best = (width * height, x_ppi, y_ppi)
    if best is None:
        return None
    return min(max(best[1], 100), 600), min(max(best[2], 100), 600)


@dataclass(frozen=True)
class _Reading:
    text: str
    error: str | None
    confidence: float | None


def _recognise(image: Path, dpi: int | None, work: Path, deadline: float, *, psm: int, orientation: Orientation,
               memory_mb: int) -> _Reading:
    """tesseract on one image, and once more with orientation detection if "auto" and the words look wrong."""
    first = _tesseract(image, dpi, work / "read", deadline, PSM_OSD if orientation == "osd" else psm, memory_mb)
    if orientation != "auto" or first.error is not None or first.confidence is None:
        return first
    if first.confidence >= LOW_CONFIDENCE:
        return first
    # Upside down or sideways reads as gibberish with low confidence; a genuinely poor scan reads the same
    # again, so the better of the two is kept. Out of time, the first read stands.
    second = _tesseract(image, dpi, work / "osd", deadline, PSM_OSD, memory_mb)
    if second.error is None and second.confidence is not None and second.confidence > first.confidence:
        return second
    return first


def _tesseract(image: Path, dpi: int | None, out: Path, deadline: float, psm: int, memory_mb: int) -> _Reading:
    """One tesseract run writing the text (out.txt) and the words with their confidences (out.tsv)."""
    command = ["tesseract", str(image), str(out), "-l", "vie", "--psm", str(psm)]
    if dpi is not None:
        command += ["--dpi", str(dpi)]  # a PGM records no resolution; without it tesseract guesses and warns
    error, message = _run([*command, "txt", "tsv"], deadline, memory_mb, out.with_suffix(".log"))
    if error is not None:
        if "pixRead" in message or "cannot be read" in message:  # leptonica could not decode it
            error = f"input: tesseract cannot read the image ({message})"
        return _Reading("", error, None)
    try:
        text = out.with_suffix(".txt").read_text(encoding="utf-8", errors="replace")
        words = out.with_suffix(".tsv").read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        return _Reading("", f"failed: tesseract wrote no output: {exc}", None)
    return _Reading(tidy_text(text), None, _mean_confidence(words))


def _mean_confidence(tsv: str) -> float | None:
    """Mean confidence of the words in tesseract's TSV (level 5 rows; columns: ..., conf, text)."""
    scores = []
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) == 12 and cells[0] == "5" and cells[11].strip():
            scores.append(float(cells[10]))
    return sum(scores) / len(scores) if scores else None


def _source_file(data: bytes | Path, work: Path) -> Path:
    """The input as a file the tools can open: a path made absolute (a name may start with "-"), bytes written."""
    if isinstance(data, Path):
        if not data.is_file():
            raise FileNotFoundError(f"no such file: {data}")
        return data.absolute()
    path = work / "input"
    path.write_bytes(data)
    return path


def _is_webp_or_pnm(head: bytes) -> bool:
    webp = head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    pnm = len(head) > 2 and head[0:1] == b"P" and head[1:2] in b"123456" and head[2:3] in b" \t\r\n"
    return webp or pnm


def _run(command: list[str], deadline: float, memory_mb: int, log: Path,
         stdout: Path | None = None) -> tuple[str | None, str]:
    """Run one tool until it ends or the deadline passes (then its process group is killed); never raises.

    Returns the error ("kind: detail") or None, and the last lines the tool wrote to stderr. stderr goes to the
    file `log`, not a pipe: out of memory, tesseract writes a million lines of leptonica errors (40 MB). stdout
    goes to the file `stdout`, if given.
    """
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        return f"timeout: no time left to start {command[0]}", ""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}  # more threads only contend with each other on a busy machine
    # No file bigger than the address space either: a huge page would otherwise fill the disk as a PGM.
    ran = run_limited(command, timeout=remaining, memory_mb=memory_mb, file_mb=memory_mb, niceness=NICENESS,
                      env=env, stdout=stdout or Path(os.devnull), stderr=log)
    if isinstance(ran.start_error, FileNotFoundError):
        return f"missing: {command[0]} not found on PATH: install Debian's {DEBIAN_PACKAGES}", ""
    if ran.start_error is not None:  # cannot fork, or a limit refused
        return f"failed: cannot start {command[0]}: {ran.start_error}", ""
    if ran.timed_out:
        return f"timeout: {command[0]} still running at the deadline, killed", ""
    tail = ran.stderr_lines
    message = "; ".join(tail[-3:])  # the cause often comes a line or two before "Error during processing."
    if ran.returncode and ran.returncode < 0:
        return (f"failed: {command[0]} {exit_status(ran.returncode)} (over the {memory_mb} MB limit?): {message}",
                message)
    if ran.returncode:
        return f"failed: {command[0]} exited with {ran.returncode}: {message}", message
    # leptonica reports a failed allocation and carries on: tesseract then exits 0 with an empty page.
    starved = next((line for line in tail if "malloc fail" in line or line.startswith("Error in pix")), None)
    if starved is not None:
        return f"failed: {command[0]} ran out of memory under the {memory_mb} MB limit: {starved}", message
    return None, message
