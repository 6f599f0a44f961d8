"""The `tracuu` command line, run in-process through click: import, export, index, search, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.backend import EngineConfig
from tracuu.cli import cli
from webapp import create_app


def run(data_dir: Path, *args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--data-dir", str(data_dir), "-q", *args], input=input)
    return result.exit_code, result.stdout, result.stderr


def write_jsonl(path: Path, records: list[object]) -> Path:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records),
                    encoding="utf-8")
    return path


RECORDS = [
    {"url": "http://sct.test/1", "title": "Hội nghị tổng kết năm 2019", "body": "Hội nghị tổng kết công tác.",
     "published": "2020-01-10", "department": "Phòng HC-TH", "site": "sct"},
    {"url": "http://sct.test/2", "title": "Tập huấn khuyến công", "body": "Lớp tập huấn khuyến công.",
     "published": "2021-03-04", "department": "TT Khuyến công", "site": "sct"},
]


def test_import_reports_bad_lines_and_loads_the_rest(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", [RECORDS[0], "{oops", {"url": "x"}, RECORDS[1]])
    code, out, err = run(tmp_path / "d", "import", str(src))
    assert code == 0
    assert "2 new" in out and "2 skipped" in out
    assert ":2: skipped: not valid JSON" in err and ":3: skipped: missing 'body'" in err
    code, out, _ = run(tmp_path / "d", "export")
    assert [json.loads(line)["url"] for line in out.splitlines()] == ["http://sct.test/1", "http://sct.test/2"]


def test_index_then_search_json_is_the_api_response(tmp_path: Path) -> None:
    data = tmp_path / "d"
    run(data, "import", str(write_jsonl(tmp_path / "in.jsonl", RECORDS)))
    code, out, _ = run(data, "index")
    assert code == 0 and "2 added" in out
    code, out, _ = run(data, "index")
    assert "0 added" in out and "2 unchanged" in out
    code, out, _ = run(data, "search", "hoi nghi tong ket", "--json")
    assert code == 0
    cli_json = json.loads(out)
    app = create_app(EngineConfig(data))
    api_json = app.test_client().get("/api/search?q=hoi+nghi+tong+ket").get_json()
    assert cli_json == api_json
    assert cli_json["results"][0]["url"] == "http://sct.test/1"
    code, out, _ = run(data, "search", "khuyen cong", "--year", "2021")
    assert "1 kết quả" in out and "Tập huấn khuyến công" in out


def test_clear_errors_without_tracebacks(tmp_path: Path) -> None:
    code, _, err = run(tmp_path / "d", "search", "x")
    assert code == 1 and "Run 'tracuu index' first" in err and "Traceback" not in err
    code, _, err = run(tmp_path / "d", "search", "x", "--year", "abc")
    assert code == 2 and "Năm không hợp lệ" in err
    code, _, err = run(tmp_path / "d", "crawl", "--sites", str(tmp_path / "nope"))
    assert code == 2 and "No site profiles" in err


def test_data_dir_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACUU_DATA_DIR", str(tmp_path / "env"))
    result = CliRunner().invoke(cli, ["-q", "import", "-"], input=json.dumps(RECORDS[0]))
    assert result.exit_code == 0
    assert (tmp_path / "env" / "archive.sqlite3").is_file()
    monkeypatch.setenv("TRACUU_DATADIR", "x")
    result = CliRunner().invoke(cli, ["export"])
    assert result.exit_code == 1 and "TRACUU_DATA_DIR" in result.stderr  # a typo names the closest setting


def test_the_production_server_refuses_workers_without_threads(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACUU_SERVE_THREADS", "0")
    code, _, err = run(tmp_path / "d", "serve", "--workers", "2", "--port", "1")
    assert code == 2 and "'serve_threads': 0 is not a number of threads" in err


@pytest.mark.parametrize("command", ["crawl", "import", "export", "index", "reindex", "search", "serve", "demo",
                                     "extract", "ocr"])
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0 and "Example:" in result.stdout


def test_every_setting_is_in_the_readme() -> None:
    from tracuu.settings import describe

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    missing = [name for name, _default, _help in describe() if f"`{name}`" not in readme]
    assert not missing, f"settings missing from README.md: {missing}"


def test_relative_data_dir_keeps_its_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The default data dir is relative (./data): generations must be compared as real paths."""
    monkeypatch.chdir(tmp_path)
    write_jsonl(tmp_path / "in.jsonl", RECORDS)
    for args in (["import", "in.jsonl"], ["index"], ["index", "--rebuild"], ["index"]):
        result = CliRunner().invoke(cli, ["-q", *args])
        assert result.exit_code == 0, result.output
    result = CliRunner().invoke(cli, ["-q", "search", "khuyen cong", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["total"] == 1


def test_extract_a_live_page_and_fail_clearly_on_a_missing_one(tmp_path: Path) -> None:
    from tracuu.demosite import SUMMARY_MEETING_ID, DemoSite

    with DemoSite() as site:
        base = site.start()
        url = site.url_for(SUMMARY_MEETING_ID)
        code, out, _ = run(tmp_path, "extract", url, "--json")
        assert code == 0
        record = json.loads(out)
        assert record["title"] == "Hội nghị tổng kết phong trào thi đua năm 2018"
        assert record["published"].startswith("2019-01-18T08:30")
        code, _, err = run(tmp_path, "extract", f"{base}/vi/news/khong-co-bai-nay-999999.html")
        assert code == 1 and "Could not fetch" in err and "404" in err


def test_demo_refuses_to_delete_a_data_dir_it_did_not_make(tmp_path: Path) -> None:
    own = tmp_path / "demo"
    own.mkdir()
    (own / "ghi-chu.txt").write_text("dữ liệu của tôi", encoding="utf-8")
    code, _, err = run(tmp_path, "demo", "--port", "0")
    assert code == 1 and "Traceback" not in err
    assert f"'{own}' already exists and was not made by 'tracuu demo'" in err and "--data-dir" in err
    assert (own / "ghi-chu.txt").read_text(encoding="utf-8") == "dữ liệu của tôi"
    assert sorted(p.name for p in own.iterdir()) == ["ghi-chu.txt"]  # not even marked as the demo's


def test_demo_resets_only_the_data_of_an_earlier_demo_run(tmp_path: Path) -> None:
    from tracuu.demo import MARKER, prepare_data_dir

    said: list[str] = []
    demo = tmp_path / "demo"
    prepare_data_dir(demo, said.append)
    assert said == [] and (demo / MARKER).is_file()  # nothing was there: nothing to announce
    (demo / "archive.sqlite3").write_bytes(b"an earlier run's archive")
    prepare_data_dir(demo, said.append)
    assert said == [f"Resetting the demo data in {demo} (archive and index of the previous demo run)."]
    assert sorted(p.name for p in demo.iterdir()) == [MARKER]
