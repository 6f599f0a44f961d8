"""The one facade the CLI and the web app use: the back end is a setting, a wrong one a clear error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive import Archive, Article
from indexer.backend import EngineConfig, UnknownBackendError, open_search, update_index
from indexer.engine import IndexMissingError, SearchEngine, SearchRequest
from tracuu.cli import cli
from tracuu.settings import SettingsError, load_settings


def test_an_unknown_backend_is_refused_by_name_from_every_source(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="'backend': 'elastic' is not a search back end.*whoosh"):
        load_settings(environ={"TRACUU_BACKEND": "elastic"})
    config = tmp_path / "tracuu.toml"
    config.write_text('backend = "solr"\n')
    with pytest.raises(SettingsError, match="'solr'"):
        load_settings(config_file=config, environ={})
    with pytest.raises(UnknownBackendError, match="this tracuu knows: whoosh"):
        EngineConfig(tmp_path, "elastic")


def test_the_cli_says_so_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACUU_BACKEND", "elastic")
    result = CliRunner().invoke(cli, ["--data-dir", str(tmp_path), "search", "hoi nghi"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "'elastic' is not a search back end" in result.stderr


def test_the_facade_indexes_and_searches_the_configured_data_dir(tmp_path: Path) -> None:
    config = load_settings({"data_dir": tmp_path / "d"}, environ={"TRACUU_BACKEND": "whoosh"}).engine
    engine = open_search(config)
    assert isinstance(engine, SearchEngine)
    with pytest.raises(IndexMissingError, match="Run 'tracuu index' first"):
        engine.search(SearchRequest(q="hội nghị"))
    with Archive(config.archive_path) as archive:
        archive.upsert(Article(id="a1", url="http://sct.test/a1", title="Hội nghị tổng kết",
                               body="Hội nghị tổng kết năm 2019.", published="2020-01-05"))
        stats = update_index(archive, config, workers=1)
    assert stats.added == 1 and stats.rebuilt and config.index_path.is_symlink()
    found = engine.search(SearchRequest(q="hoi nghi"))  # the same engine follows the new index
    assert [h.id for h in found.results] == ["a1"]
    assert json.loads(json.dumps(found.to_json()))["total"] == 1
    engine.close()
