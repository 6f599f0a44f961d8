"""Attachment text: how fast each extractor reads, and how well OCR reads generated scans.

What it measures (figures printed, exit 0):
1. Pages (or files) per second of each extractor of attachments/extract.py on files generated here with
   real Vietnamese text (tests/attachment_files.py): a 200-page text-layer PDF with pdfium and with the pypdf
   fallback, DOCX, ODT, XLSX, XLS and, when LibreOffice is there to write one, DOC through antiword/catdoc.
   In this process, on one core (`extract`), and through the sandbox (`extract_safely`: a child process with
   limits), so the cost of isolation shows apart.
2. OCR (attachments/ocr.py: pdftoppm, then Tesseract with Vietnamese data) of generated A4 decisions
   (tests/scans.py): clean at 300 dpi, and degraded (rotated 1.5°, blurred, specks) at 300 and 200 dpi;
   seconds per page and character error rate against the text drawn.
Goals: text-layer PDFs at >= 100 pages/s on one core; OCR CER <= 2 % clean, <= 5 % degraded.

Usage: python bench/attachments.py [--pages 200] [--repeat 5] [--ocr-pages 2]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def best_of(repeat: int, job: Callable[[], object]) -> float:
    """The fastest of `repeat` runs, in seconds: the least disturbed by whatever else the machine does."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        job()
        times.append(time.perf_counter() - started)
    return min(times)


def extractors(pages: int, repeat: int) -> None:
    from attachments import extract as ex
    from attachments.sandbox import extract_safely
    from tests import attachment_files as files

    missing = files.font_path() is None
    if missing:
        print("  (no DejaVu font: the PDF rows are skipped; install Debian's fonts-dejavu-core)")
    samples: list[tuple[str, bytes, int]] = []
    if not missing:
        samples.append(("pdf", files.text_pdf(pages), pages))
    samples += [("docx", files.docx_file(), 1), ("odt", files.odt_file(), 1), ("xlsx", files.xlsx_file(), 1),
                ("xls", files.xls_file(), 1)]
    if files.libreoffice():
        (doc,) = files.doc_files(files.docx_file())
        samples.append(("doc", doc, 1))
    else:
        print(f"  (no DOC row: {files.DOC_MISSING})")

    print(f"  {'file':<28}{'in process':>14}{'per page':>12}{'pages/s':>10}{'sandboxed':>14}")
    for kind, data, count in samples:
        result = ex.extract(data)
        assert result.error is None and result.text, (kind, result.error)
        seconds = best_of(repeat, lambda data=data: ex.extract(data))
        boxed = best_of(max(1, repeat // 2), lambda data=data: extract_safely(data))
        label = f"{kind} ({result.tool}, {count} page{'s' if count > 1 else ''})"
        print(f"  {label:<28}{seconds * 1000:>11.1f} ms{seconds * 1000 / count:>9.2f} ms"
              f"{count / seconds:>10.0f}{boxed * 1000:>11.0f} ms")
        if kind == "pdf":
            fallback = best_of(repeat, lambda data=data: ex._pdf_pypdf(data, ex.MAX_PAGES, ex.MAX_CHARS))
            print(f"  {'pdf (pypdf fallback)':<28}{fallback * 1000:>11.1f} ms{fallback * 1000 / count:>9.2f} ms"
                  f"{count / fallback:>10.0f}")
            rate = count / seconds
            print(f"  goal text-layer PDF >= 100 pages/s on one core: {'MET' if rate >= 100 else 'NOT met'} "
                  f"({rate:.0f} pages/s)")


def ocr(pages: int) -> None:
    from attachments.ocr import available, cer, ocr_page
    from tests.scans import degrade, fonts_missing, render_page

    reason = available() or fonts_missing()
    if reason:
        print(f"  OCR skipped: {reason}")
        return
    cases = [("clean, 300 dpi", lambda: render_page(dpi=300), 0.02),
             ("degraded, 300 dpi", lambda: degrade(render_page(dpi=300)), 0.05),
             ("degraded, 200 dpi", lambda: degrade(render_page(dpi=200)), 0.05)]
    print(f"  {'page':<22}{'CER':>8}{'s/page':>9}{'goal':>8}")
    for label, make, goal in cases:
        page = make()
        pdf = page.pdf()
        rates, times = [], []
        for _ in range(pages):
            result = ocr_page(pdf, 1, timeout=120)
            assert result.error is None, result.error
            rates.append(cer(page.text, result.text))
            times.append(result.seconds)
        rate = statistics.median(rates)
        verdict = "MET" if rate <= goal else "NOT met"
        print(f"  {label:<22}{rate * 100:>7.2f}%{statistics.median(times):>9.2f}{goal * 100:>7.0f}%  {verdict}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=200, help="pages of the text-layer PDF")
    parser.add_argument("--repeat", type=int, default=5, help="runs per extractor (the fastest is shown)")
    parser.add_argument("--ocr-pages", type=int, default=2, help="OCR runs per kind of page (the median is shown)")
    args = parser.parse_args()
    try:
        import PIL  # noqa: F401
        import reportlab  # noqa: F401
    except ImportError:
        print("attachments: the file generators need the test extras (pip install -e '.[test]'). Skipped.")
        return 0
    print("1. extractors (generated files, Vietnamese text)")
    extractors(args.pages, args.repeat)
    print("\n2. OCR of generated scans (pdftoppm + tesseract -l vie, one page at a time)")
    ocr(args.ocr_pages)
    return 0


if __name__ == "__main__":
    sys.exit(main())
