"""The archive and its JSON Lines import/export."""

from __future__ import annotations

import io
import json
import unicodedata
from dataclasses import replace
from pathlib import Path

import pytest

from archive import Archive, ArchiveError, Article, attachment_pages, export_archive, import_archive


def test_upsert_reports_new_updated_unchanged(tmp_path: Path) -> None:
    with Archive(tmp_path / "a.sqlite3") as archive:
        art = Article(id="u1", url="http://x/1", title="Hội nghị", body="Nội dung", published="2019-01-18")
        assert archive.upsert(art) == "new"
        assert archive.upsert(art) == "unchanged"
        art.body = "Nội dung mới"
        assert archive.upsert(art) == "updated"
        assert archive.get("u1").body == "Nội dung mới"
        assert archive.count() == 1


def test_text_is_stored_nfc_and_times_carry_vietnam_offset(tmp_path: Path) -> None:
    decomposed = unicodedata.normalize("NFD", "Hội nghị tổng kết")
    with Archive(tmp_path / "a.sqlite3") as archive:
        archive.upsert(Article(id="x", title=decomposed, body=decomposed, published="2019-01-18T08:30:00"))
        got = archive.get("x")
    assert got.title == unicodedata.normalize("NFC", decomposed)
    assert got.published == "2019-01-18T08:30:00+07:00"


def test_import_skips_bad_lines_and_loads_the_rest(tmp_path: Path) -> None:
    lines = [
        json.dumps({"url": "http://a/1", "title": "Một", "body": "Bài một", "published": "2019-01-18"}),
        "{not json",
        json.dumps({"url": "http://a/2", "title": "Hai"}),  # no body
        json.dumps({"url": "http://a/3", "body": "Bài ba", "published": "18/01/2019"}),  # not ISO
        json.dumps({"id": "k4", "body": "Bài bốn", "attachments": ["http://a/4.pdf"], "note": "giữ"}),
    ]
    with Archive(tmp_path / "a.sqlite3") as archive:
        stats = import_archive(archive, io.StringIO("\n".join(lines)))
        assert (stats.new, [n for n, _ in stats.errors]) == (2, [2, 3, 4])
        assert "body" in stats.errors[1][1] and "published" in stats.errors[2][1]
        exported = [json.loads(line) for line in export_archive(archive)]
    by_id = {r["id"]: r for r in exported}
    assert by_id["http://a/1"]["title"] == "Một"
    assert by_id["k4"]["attachments"] == [{"url": "http://a/4.pdf", "title": ""}]
    assert by_id["k4"]["note"] == "giữ"  # other keys are kept


def test_export_then_import_round_trips(tmp_path: Path) -> None:
    with Archive(tmp_path / "a.sqlite3") as first:
        first.upsert(Article(id="a", url="http://a", title="Tiêu đề", body="Thân", department="Phòng HC-TH",
                             category="Tin", site="demo", published="2020-02-03"))
        dump = "\n".join(export_archive(first))
    with Archive(tmp_path / "b.sqlite3") as second:
        stats = import_archive(second, io.StringIO(dump))
        assert stats.new == 1 and not stats.errors
        assert second.get("a").department == "Phòng HC-TH"


def test_from_record_rejects_wrong_types() -> None:
    with pytest.raises(ArchiveError, match="title"):
        Article.from_record({"url": "u", "body": "b", "title": 5})
    with pytest.raises(ArchiveError, match="attachments"):
        Article.from_record({"url": "u", "body": "b", "attachments": "x"})


def test_attachments_carry_their_metadata_and_text_page_by_page(tmp_path: Path) -> None:
    """The import format's attachments may hold what was read from the file; export gives it back, page
    breaks included, and a file read again with other text changes the article's content hash."""
    decomposed = unicodedata.normalize("NFD", "Quyết định 1234/QĐ-UBND về hội nghị")
    record = {"id": "a1", "url": "http://sct.example/a1", "title": "Thông báo", "body": "Xem tệp đính kèm.",
              "attachments": ["http://sct.example/files/ds.xlsx",
                              {"url": "http://sct.example/files/qd.pdf", "title": "QĐ 1234", "type": "pdf",
                               "size": 48213, "hash": "ab" * 32, "pages": 2, "ocr_pending": [2],
                               "text": f"{decomposed}\fTrang hai", "note": "kept as it came"}]}
    lines = [json.dumps(record, ensure_ascii=False)]
    with Archive(tmp_path / "a.sqlite3") as archive:
        assert import_archive(archive, lines).new == 1
        (plain, pdf) = archive.get("a1").attachments
        assert plain == {"url": "http://sct.example/files/ds.xlsx", "title": ""}
        assert attachment_pages(pdf) == ["Quyết định 1234/QĐ-UBND về hội nghị", "Trang hai"]
        assert pdf["method"] == "import" and pdf["ocr_pending"] == [2] and pdf["note"] == "kept as it came"
        exported = [json.loads(line) for line in export_archive(archive)]
    assert exported[0]["attachments"][1]["text"] == "Quyết định 1234/QĐ-UBND về hội nghị\fTrang hai"
    with Archive(tmp_path / "b.sqlite3") as again:
        import_archive(again, [json.dumps(exported[0], ensure_ascii=False)])
        assert again.get("a1") == Article.from_record(exported[0])
        before = again.hashes()["a1"]
        read = dict(pdf, text=pdf["text"] + " và kết luận", ocr_pending=[])
        assert again.upsert(replace(again.get("a1"), attachments=[plain, read])) == "updated"
        assert again.hashes()["a1"] != before


@pytest.mark.parametrize("bad, message", [
    ({"url": "http://x/f.pdf", "size": "48 KB"}, "'size' must be int"),
    ({"url": "http://x/f.pdf", "size": True}, "'size' must be int"),
    ({"url": "http://x/f.pdf", "text": ["trang 1"]}, "'text' must be str"),
    ({"title": "no url"}, "object with 'url'"),
])
def test_a_malformed_attachment_is_refused_by_name(bad: dict[str, object], message: str) -> None:
    with pytest.raises(ArchiveError, match=message):
        Article.from_record({"id": "a", "body": "x", "attachments": [bad]})


def test_a_read_only_archive_reads_beside_a_writer_and_writes_nothing(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "archive.sqlite3"
    with Archive(path) as writer:
        writer.upsert(Article(id="a", body="Hội nghị tổng kết"))
        writer.conn.execute("BEGIN IMMEDIATE")  # a crawl or an import in the middle of its transaction
        writer.conn.execute("UPDATE articles SET title = 'đang sửa' WHERE id = 'a'")
        with Archive(path, readonly=True) as reader:
            assert reader.get("a").body == "Hội nghị tổng kết" and reader.get("a").title == ""
            with pytest.raises(sqlite3.OperationalError, match="readonly"):
                reader.upsert(Article(id="b", body="x"))
        writer.conn.commit()
    with pytest.raises(ArchiveError, match="no such file"):
        Archive(tmp_path / "missing.sqlite3", readonly=True)
    assert not (tmp_path / "missing.sqlite3").exists()


def test_what_every_index_run_reads_comes_from_small_indexes_also_in_an_older_archive(tmp_path: Path) -> None:
    """`tracuu index` reads every id's content hash and looks for scans waiting for OCR on every run: from
    the articles' rows, bodies and all, that is ~0.6 s at 100 000 articles; from the two indexes ~0.07 s."""
    from crawl.ocr_queue import pending_work

    body = "Hội nghị tổng kết phong trào thi đua năm 2018. " * 400  # rows that spill onto overflow pages
    scan = {"url": "http://sct.example/files/scan.pdf", "hash": "ab" * 32, "pages": 2, "ocr_pending": [2],
            "text": "Trang một\f"}
    lines = [json.dumps({"id": f"a{n}", "url": f"http://sct.example/{n}.html", "title": f"Tin {n}", "body": body,
                         "published": f"2019-01-{n + 1:02d}", "attachments": [scan] if n == 3 else []},
                        ensure_ascii=False) for n in range(5)]
    path = tmp_path / "a.sqlite3"
    with Archive(path) as archive:
        import_archive(archive, lines)
        archive.conn.execute("DROP INDEX articles_hash")  # as an archive written before these indexes
        archive.conn.execute("DROP INDEX articles_ocr_pending")
    with Archive(path) as archive:
        plans: list[str] = []  # how SQLite reads the table for each query run

        def explain(sql: str) -> None:
            if sql.lstrip().upper().startswith("SELECT"):
                plans.append(archive.conn.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall()[0][-1])

        archive.conn.set_trace_callback(explain)
        hashes = archive.hashes()
        pending = pending_work(archive)
        archive.conn.set_trace_callback(None)
        assert sorted(hashes) == [f"a{n}" for n in range(5)] and hashes["a3"] == archive.get("a3").content_hash
        assert pending == [("a3", 1)]
    assert plans == ["SCAN articles USING COVERING INDEX articles_hash",
                     "SCAN articles USING INDEX articles_ocr_pending"]
