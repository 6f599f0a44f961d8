"""An index made by release 0.1 (before indexer/ was split) keeps answering with today's code, until the next
`tracuu index` rebuilds it for today's fields.

tests/fixtures/release-0.1-data.tar.gz was written by 0.1's code (tests/fixtures/make_release_0_1.py):
an archive and a two-commit index whose pickled schema names `indexer.schema.TokenField`. An index
that cannot be read at all says so in one line and is rebuilt by the next `tracuu index`.
"""

from __future__ import annotations

import tarfile
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive import Archive, Article
from indexer.backend import EngineConfig, open_search, update_index
from indexer.engine import IndexFormatError, SearchRequest
from tests.corpus import ARTICLES
from tracuu.cli import cli
from webapp import create_app

FIXTURE = Path(__file__).parent / "fixtures" / "release-0.1-data.tar.gz"
QUERIES = ["hội nghị tổng kết", "hoi nghi", '"hội nghị"', "title:hội nghị", "thủy lợi", "khen thưởng -2021"]


def release_data(tmp_path: Path, name: str = "old") -> Path:
    with tarfile.open(FIXTURE) as tar:
        tar.extractall(tmp_path / name, filter="tar")
    return tmp_path / name / "data"


def answers(data: Path) -> list[object]:
    engine = open_search(EngineConfig(data))
    try:
        return [engine.search(SearchRequest(q=q, per_page=50)).to_json() for q in QUERIES]
    finally:
        engine.close()


def test_the_fixture_names_the_old_class_path(tmp_path: Path) -> None:
    data = release_data(tmp_path)
    toc = next(data.glob("index-*/_MAIN_*.toc")).read_bytes()
    assert b"indexer.schema" in toc and b"whoosh_engine" not in toc


def test_a_release_0_1_index_answers_as_one_built_today(tmp_path: Path) -> None:
    """Same articles, same two commits as the fixture (make_release_0_1.py): same totals, order and scores."""
    old = release_data(tmp_path)
    fresh = tmp_path / "fresh" / "data"
    fresh.mkdir(parents=True)
    changed = replace(ARTICLES[0], body=ARTICLES[0].body + " Hội nghị tổng kết được tổ chức lại.")
    with Archive(fresh / "archive.sqlite3") as archive:
        for batch in (ARTICLES[:6], [*ARTICLES[6:], changed]):
            for article in batch:
                archive.upsert(article, commit=False)
            archive.commit()
            update_index(archive, EngineConfig(fresh), workers=1)
    got = answers(old)
    assert got == answers(fresh)
    assert got[0]["total"] > 0 and got[0]["results"][0]["snippet"]


def test_a_release_0_1_index_is_rebuilt_once_for_today_s_fields(tmp_path: Path) -> None:
    """Schema 4 added the text of attached files: an older index answers (above) until `tracuu index`
    rebuilds it beside itself, once; later runs update the new one in place."""
    data = release_data(tmp_path)
    old_generation = Path(data / "index").resolve()
    result = CliRunner().invoke(cli, ["--data-dir", str(data), "index"])
    assert result.exit_code == 0, result.output
    assert "Rebuilt the index (index made by analysis v1/schema v3" in result.stderr
    generation = Path(data / "index").resolve()
    assert generation != old_generation
    new = Article(id="moi-1", url="http://sct.test/moi-1", title="Hội nghị sơ kết công tác khuyến công",
                  body="Hội nghị sơ kết công tác khuyến công sáu tháng đầu năm.", published="2022-07-01")
    with Archive(data / "archive.sqlite3") as archive:
        archive.upsert(new)
    result = CliRunner().invoke(cli, ["--data-dir", str(data), "index"])
    assert result.exit_code == 0 and "1 added" in result.stdout and "Rebuilt" not in result.stderr
    assert Path(data / "index").resolve() == generation
    found = open_search(EngineConfig(data)).search(SearchRequest(q="so ket khuyen cong"))
    assert found.results[0].id == "moi-1"
    assert found.total <= len(ARTICLES) + 1


def _break_class_path(data: Path) -> None:
    """What moving a pickled class without an alias does to an index: its schema no longer unpickles."""
    toc = next(data.glob("index-*/_MAIN_*.toc"))
    toc.write_bytes(toc.read_bytes().replace(b"indexer.schema", b"indexer.schemX"))


def test_an_unreadable_index_says_rebuild_in_one_line_and_index_rebuilds_it(tmp_path: Path) -> None:
    data = release_data(tmp_path)
    _break_class_path(data)
    with pytest.raises(IndexFormatError, match="Run 'tracuu index' to rebuild it"):
        open_search(EngineConfig(data)).search(SearchRequest(q="hoi nghi"))
    result = CliRunner().invoke(cli, ["--data-dir", str(data), "search", "hoi nghi"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "cannot be read by this version of tracuu" in result.stderr
    page = create_app(EngineConfig(data)).test_client().get("/?q=hoi+nghi")
    assert page.status_code == 503 and "dựng lại chỉ mục" in page.get_data(as_text=True)

    result = CliRunner().invoke(cli, ["--data-dir", str(data), "index"])
    assert result.exit_code == 0, result.output
    assert "Rebuilt the index (" in result.stderr  # its schema version is older still: that reason comes first
    assert answers(data)[0]["total"] > 0
