"""OCR of scanned pages: real tesseract and pdftoppm on pages drawn by tests/scans.py, with known text.

Pages are drawn at 100-150 dpi to keep this file to a few seconds on two cores; bench/attachments.py measures
300 dpi. Thresholds have room for other tesseract builds: measured here, clean 0.1 %, degraded ~1 %.
"""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
import types
import unicodedata
from pathlib import Path

import pytest

from attachments.ocr import available, cer, levenshtein, ocr_image, ocr_page, tidy_text

OCR_MISSING = available()
needs_ocr = pytest.mark.skipif(OCR_MISSING is not None, reason=f"OCR tools missing: {OCR_MISSING}")


def test_the_drawn_text_has_every_tone_mark_and_vietnamese_letter(scans: types.ModuleType) -> None:
    text = scans.render_page(dpi=72).text
    marks = {"\u0301": "sắc", "\u0300": "huyền", "\u0309": "hỏi", "\u0303": "ngã", "\u0323": "nặng"}
    decomposed = unicodedata.normalize("NFD", text)
    assert [name for mark, name in marks.items() if mark not in decomposed] == []
    letters = "ăâêôơưđ"
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in marks))
    assert [c for c in letters + letters.upper() if c not in base] == []
    assert len(text.splitlines()) >= 15


@needs_ocr
def test_a_clean_scanned_pdf_reads_almost_exactly(scans: types.ModuleType) -> None:
    page = scans.render_page(dpi=100)
    result = ocr_page(page.pdf(), 1, timeout=60)  # rendered at the scan's own 100 dpi
    assert result.error is None
    assert cer(page.text, result.text) <= 0.02
    words = " ".join(result.text.split())  # phrases run across line breaks
    assert "hội nghị tổng kết phong trào thi đua" in words
    assert "1234/QĐ-UBND" in words and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in words
    assert result.text == unicodedata.normalize("NFC", result.text)
    assert result.confidence is not None and result.confidence > 80
    assert 0 < result.seconds < 60


@needs_ocr
def test_a_skewed_blurred_speckled_scan_still_reads_well(scans: types.ModuleType) -> None:
    page = scans.degrade(scans.render_page(dpi=150), rotate=1.5)
    result = ocr_page(page.pdf(), 1, timeout=60)
    assert result.error is None
    assert cer(page.text, result.text) <= 0.05
    assert "1234" in result.text and "hội nghị" in result.text


@needs_ocr
def test_an_upside_down_scanned_image_is_turned_and_read(scans: types.ModuleType) -> None:
    page = scans.degrade(scans.render_page(scans.BODY[:4], dpi=100), rotate=180, blur=0, noise=0)
    as_is = ocr_image(page.png(), timeout=60, orientation="as-is")
    assert cer(page.text, as_is.text) > 0.5  # gibberish without orientation detection

    result = ocr_image(page.png(), timeout=60)
    assert result.error is None
    assert cer(page.text, result.text) <= 0.02


@needs_ocr
def test_a_page_past_the_end_is_an_error_not_an_exception(scans: types.ModuleType) -> None:
    pdf = scans.scanned_pdf(scans.render_page(dpi=72), scans.render_page(dpi=72))
    result = ocr_page(pdf, 3, timeout=60)
    assert result.text == ""
    assert result.error is not None and result.error.startswith("page:") and "3" in result.error
    assert ocr_page(pdf, 0, timeout=60).error.startswith("page:")
    assert ocr_image(scans.render_page(dpi=72).png(), timeout=60).error is None
    assert ocr_page(scans.render_page(dpi=72).png(), 2, timeout=60).error.startswith("page:")


@needs_ocr
@pytest.mark.parametrize("kind, timeout", [("pdf", 0.05), ("png", 0.3)])  # pdftoppm, then tesseract killed
def test_a_timeout_kills_the_tool_and_leaves_nothing_behind(scans: types.ModuleType, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch, kind: str,
                                                            timeout: float) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # the work directory, and the tools' arguments, in here
    page = scans.render_page(dpi=300)  # tesseract needs ~1 s on it: well past 0.3 s on any machine
    result = ocr_page(page.pdf() if kind == "pdf" else page.png(), 1, timeout=timeout)
    assert result.error is not None and result.error.startswith("timeout")
    assert result.text == ""
    assert result.seconds < timeout + 0.5  # did not wait for the tool to finish
    assert list(tmp_path.iterdir()) == []
    assert [cmd for cmd in _command_lines() if str(tmp_path) in cmd] == []


def _command_lines() -> list[str]:
    """The command line of every process on this machine (ours and others: the caller filters)."""
    lines = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            lines.append(proc.joinpath("cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
        except OSError:
            pass  # ended while we looked
    return lines


@needs_ocr
def test_a_text_file_is_refused_not_read_as_a_list_of_images(scans: types.ModuleType, tmp_path: Path) -> None:
    # tesseract takes a text file for a list of image paths: an attachment must not make it read this disk.
    secret = tmp_path / "secret.png"
    secret.write_bytes(scans.render_page(dpi=72).png())
    result = ocr_image(f"{secret}\n".encode(), timeout=60)
    assert result.text == ""
    assert result.error is not None and result.error.startswith("input:")
    assert ocr_image(secret.read_bytes()[:300], timeout=60).error.startswith("input:")  # a cut-off PNG
    assert ocr_page(b"%PDF-1.4 broken", 1, timeout=60).error.startswith("input:")
    assert ocr_page(tmp_path / "absent.pdf", 1, timeout=60).error.startswith("input:")


@needs_ocr
def test_a_memory_cap_too_small_fails_the_page_with_an_error(scans: types.ModuleType) -> None:
    result = ocr_image(scans.render_page(dpi=72).png(), timeout=60, memory_mb=40)
    assert result.text == ""
    assert result.error is not None and result.error.startswith("failed: tesseract")


@needs_ocr
def test_ocr_works_inside_a_process_whose_memory_is_already_capped(scans: types.ModuleType, tmp_path: Path) -> None:
    # attachments.sandbox caps its child's address space; the tools' own cap must then fit under it, not fail.
    image = tmp_path / "page.png"
    image.write_bytes(scans.render_page(scans.BODY[:2], dpi=100).png())
    script = (
        "import resource, sys\n"
        "from pathlib import Path\n"
        "from attachments.ocr import ocr_image\n"
        "resource.setrlimit(resource.RLIMIT_AS, (700 << 20, 700 << 20))\n"
        "result = ocr_image(Path(sys.argv[1]), timeout=60, memory_mb=4096)\n"
        "print(result.error or result.text)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(image)], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == 0, done.stderr
    assert "1234/QĐ-UBND" in done.stdout


def test_missing_tools_are_named_with_the_debian_packages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory: no pdftoppm, no tesseract
    reason = available()
    assert reason is not None and "tesseract-ocr-vie" in reason and "poppler-utils" in reason
    result = ocr_page(b"%PDF-1.4", 1, timeout=10)
    assert result.error is not None and result.error.startswith("missing: pdftoppm")


def test_tidy_text_joins_a_hyphen_split_and_drops_blank_lines() -> None:
    raw = unicodedata.normalize("NFD", "Số: 1234/QĐ-\nUBND\n\n   \nHội nghị - tổng kết -\n- Phòng HC-TH \f")
    assert tidy_text(raw) == "Số: 1234/QĐ-UBND\nHội nghị - tổng kết -\n- Phòng HC-TH"


def test_cer_counts_character_edits_on_normalised_text() -> None:
    assert cer("hội nghị", "hội nghị") == 0.0
    assert cer("hội nghị", "hoi nghi") == 2 / 8  # two tone marks lost
    assert cer("hội  nghị\ntổng kết", unicodedata.normalize("NFD", "hội nghị tổng kết ")) == 0.0
    assert cer("abcd", "") == 1.0
    assert cer("", "") == 0.0 and cer("", "x") == 1.0


def test_levenshtein_agrees_with_the_textbook_table() -> None:
    def table(a: str, b: str) -> int:
        row = list(range(len(b) + 1))
        for i, ca in enumerate(a, 1):
            previous, row[0] = row[0], i
            for j, cb in enumerate(b, 1):
                previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (ca != cb))
        return row[-1]

    rng = random.Random(15)
    for _ in range(500):
        a, b = ("".join(rng.choice("aăâđ ộ") for _ in range(rng.randrange(80))) for _ in range(2))
        assert levenshtein(a, b) == table(a, b), (a, b)
