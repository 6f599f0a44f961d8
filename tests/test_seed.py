"""The article this project started from (../shared/seed/), imported and found the way people search."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from tracuu.cli import cli


def test_seed_article_is_found(shared: Path, tmp_path: Path) -> None:
    text = next((shared / "seed").glob("*.txt")).read_text(encoding="utf-8")
    title, body = text.split("\n", 1)
    record = {"id": "seed", "url": "http://khuyencong.test/hoi-nghi-tong-ket-2018", "title": title.strip(),
              "body": body.strip(), "published": "2019-01-18", "department": "Phòng HC-TH",
              "site": "khuyencong"}
    src = tmp_path / "seed.jsonl"
    src.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    data = ["--data-dir", str(tmp_path / "d"), "-q"]
    assert CliRunner().invoke(cli, [*data, "import", str(src)]).exit_code == 0
    assert CliRunner().invoke(cli, [*data, "index"]).exit_code == 0

    def search(*args: str) -> dict:
        result = CliRunner().invoke(cli, [*data, "search", *args, "--json"])
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    assert search("khuyến công")["results"][0]["id"] == "seed"
    assert search("thi dua 2018")["results"][0]["id"] == "seed"
    by_year = search("thi dua 2018", "--year", "2019")
    assert [r["id"] for r in by_year["results"]] == ["seed"]
    assert by_year["facets"]["year"] == [{"value": "2019", "count": 1}]
    assert search("thi dua 2018", "--year", "2018")["total"] == 0
