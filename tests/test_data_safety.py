"""Nothing deletes user data by default: index jobs remove only generations they made, `make clean`
removes build outputs only."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.whoosh_engine import store
from tests.test_compat import release_data
from tracuu.cli import cli

ROOT = Path(__file__).resolve().parents[1]
RECORDS = [
    {"url": f"http://sct.test/{n}", "title": f"Hội nghị tổng kết số {n}", "body": f"Nội dung bài {n}.",
     "published": f"20{10 + n}-01-10", "site": "sct"} for n in range(5)
]


def tracuu(data: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--data-dir", str(data), "-q", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def generations(data: Path) -> set[str]:
    return {p.name for p in data.iterdir() if p.is_dir() and store.is_our_generation(p)}


@pytest.fixture
def data(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in RECORDS), encoding="utf-8")
    tracuu(data, "import", str(source))
    tracuu(data, "index")
    return data


def test_folders_beside_the_index_survive_rebuilds_and_replaced_generations_go(data: Path) -> None:
    first = Path(data / "index").resolve()
    backup = data / "index-backup"
    shutil.copytree(first, backup)  # a user's copy of the live generation, marker and all
    (data / "index-notes").mkdir()
    (data / "index-notes" / "README.txt").write_text("giữ lại")
    tracuu(data, "index", "--rebuild")
    second = Path(data / "index").resolve()
    tracuu(data, "index", "--rebuild")
    third = Path(data / "index").resolve()
    assert len({first, second, third}) == 3
    # the replaced generation stays for one job (a query may still read it), the one before is gone
    assert generations(data) == {second.name, third.name}
    assert not first.exists()
    assert (backup / store.MARKER_FILE).exists() and any(backup.glob("_MAIN_*.toc"))
    assert (data / "index-notes" / "README.txt").read_text() == "giữ lại"
    assert tracuu(data, "search", "hoi nghi tong ket", "--json").count('"id"') == len(RECORDS)


def test_a_killed_rebuild_leaves_a_marked_generation_that_the_next_job_removes(data: Path) -> None:
    half_built = store.new_generation(data / "index")  # what a rebuild killed before its swap leaves
    lookalike = data / "index-20200101T000000-1-1"  # the name pattern, but not made by tracuu
    lookalike.mkdir()
    (lookalike / "data.txt").write_text("x")
    tracuu(data, "index")
    assert not half_built.exists()
    assert (lookalike / "data.txt").exists()


def test_a_generation_made_before_markers_is_replaced_then_removed_and_backups_stay(tmp_path: Path) -> None:
    data = release_data(tmp_path)
    old = Path(data / "index").resolve()
    assert not store.is_our_generation(old)
    shutil.copytree(old, data / "index-backup")
    tracuu(data, "index", "--rebuild")
    tracuu(data, "index", "--rebuild")
    assert not old.exists()
    assert any((data / "index-backup").glob("_MAIN_*.toc"))


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_clean_keeps_the_archive(data: Path, tmp_path: Path) -> None:
    """`make clean` in a tree laid out like a checkout: build outputs go, data/ stays whole."""
    tree = tmp_path / "checkout"
    tree.mkdir()
    shutil.copy(ROOT / "Makefile", tree / "Makefile")
    shutil.copytree(data, tree / "data", symlinks=True)
    for output in ("build/lib", "tracuu.egg-info", "pkg/__pycache__", ".pytest_cache"):
        (tree / output).mkdir(parents=True)
    subprocess.run(["make", "-s", "clean"], cwd=tree, check=True, capture_output=True, timeout=60)
    assert not any((tree / o).exists() for o in ("build", "tracuu.egg-info", "pkg/__pycache__", ".pytest_cache"))
    exported = tracuu(tree / "data", "export").splitlines()
    assert sorted(json.loads(line)["url"] for line in exported) == sorted(r["url"] for r in RECORDS)
    assert tracuu(tree / "data", "index").startswith("Index: 0 added")
