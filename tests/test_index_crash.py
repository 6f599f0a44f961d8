"""Real processes: a held lock, and index jobs killed with SIGKILL at the worst moments.

A child process runs the real update_index with one hook that stops it at a chosen point (it prints
"paused" and waits on its stdin); the test then kills it with SIGKILL and checks what is left.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive import Archive, Article
from indexer.backend import EngineConfig
from indexer.engine import IndexLockedError
from indexer.whoosh_engine import store
from indexer.whoosh_engine.writer.build import update_index
from tests.corpus import ARTICLES
from tracuu.cli import cli
from webapp import create_app

ROOT = Path(__file__).resolve().parents[1]

CHILD = r'''
import sys
from pathlib import Path

hook, data, mode, workers = sys.argv[1], Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])

from archive import Archive, import_archive
from indexer.locking import writer_lock
from indexer.whoosh_engine import store
from indexer.whoosh_engine.writer import build, parallel
from indexer.whoosh_engine.writer.build import update_index


def pause(*extra):
    print("paused", *extra, flush=True)
    sys.stdin.read()  # until the test kills us


def around(owner, name, before):
    original = getattr(owner, name)

    def hooked(*args, **kwargs):
        before(*args, **kwargs)
        return original(*args, **kwargs)

    setattr(owner, name, hooked)


if hook == "before_toc":  # segments written, table of contents not yet
    from whoosh.writing import SegmentWriter
    around(SegmentWriter, "_commit_toc", lambda *a: pause())
elif hook == "toc_not_renamed":  # the new table of contents written to its temporary name
    from whoosh.filedb.filestore import FileStorage
    around(FileStorage, "rename_file", lambda self, frm, to, safe=False: to.endswith(".toc") and pause())
elif hook == "before_swap":  # a rebuilt generation complete, the link not yet switched
    around(store, "swap_in", lambda *a: pause())
elif hook == "workers_running":  # worker processes busy writing their segments
    build.PARALLEL_THRESHOLD, parallel.BATCH = 1, 2
    around(parallel.WorkerPool, "finish", lambda self: pause(*[p.pid for p in self.procs]))
elif hook == "import":  # an import between two of its commits
    from archive import db as archive_module
    calls = []
    around(archive_module.Archive, "commit", lambda self: calls.append(1) or (len(calls) == 2 and pause()))
    with Archive(data / "archive.sqlite3") as archive, open(data / "import.jsonl", encoding="utf-8") as f:
        import_archive(archive, f)
    sys.exit(0)
elif hook == "lock":
    with writer_lock(data / "index"):
        pause()

with Archive(data / "archive.sqlite3") as archive:
    update_index(archive, data / "index", data / "segments.sqlite3", rebuild=mode == "rebuild", workers=workers)
print("finished", flush=True)
'''

NEW = Article(id="t100", title="Khai trương trung tâm logistics", body="Lễ khai trương trung tâm logistics mới.",
              published="2022-02-02", department="Văn phòng", site="sct")


class Child:
    """A child process stopped at a hook, killed with SIGKILL by the test."""

    def __init__(self, data: Path, hook: str, mode: str = "update", workers: int = 1) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.proc = subprocess.Popen([sys.executable, "-c", CHILD, hook, str(data), mode, str(workers)],
                                     cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline() if self.proc.stdout else ""
        if not line.startswith("paused"):
            self.proc.kill()
            _, err = self.proc.communicate()
            pytest.fail(f"child did not reach hook {hook!r}: {line!r}\n{err}")
        self.extra = [int(x) for x in line.split()[1:]]

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.communicate()
        assert self.proc.returncode == -signal.SIGKILL


@pytest.fixture
def data(data_dir: Path) -> Iterator[Path]:
    """An archive of the test corpus with a complete index, plus one new article not indexed yet."""
    with Archive(data_dir / "archive.sqlite3") as archive:
        for article in ARTICLES:
            archive.upsert(article)
        update_index(archive, data_dir / "index", data_dir / "segments.sqlite3", workers=1)
        archive.upsert(NEW)
    yield data_dir


def total(client: object, q: str) -> int:
    response = client.get("/api/search", query_string={"q": q})  # type: ignore[attr-defined]
    assert response.status_code == 200
    return int(response.get_json()["total"])


def finish(data: Path) -> None:
    with Archive(data / "archive.sqlite3") as archive:
        stats = update_index(archive, data / "index", data / "segments.sqlite3", workers=1)
    assert stats.added == 1  # the next run completes the work


def orphans(directory: Path) -> list[str]:
    """Segment files no committed segment owns (left by a killed writer until the next commit)."""
    ix = store.open_current(directory)
    owned = {s.segment_id() for s in ix._segments()}
    return [f.name for f in directory.iterdir()
            if f.name.startswith("MAIN_") and f.name != "MAIN_WRITELOCK" and f.name.split(".")[0] not in owned]


@pytest.mark.parametrize("hook", ["before_toc", "toc_not_renamed"])
def test_a_writer_killed_mid_commit_leaves_the_old_index_searchable(data: Path, hook: str) -> None:
    app = create_app(EngineConfig(data))
    client = app.test_client()
    assert total(client, "hội nghị tổng kết") > 0

    child = Child(data, hook)
    assert total(client, "logistics") == 0  # mid-commit, the site still answers from the old index
    child.kill()

    assert total(client, "logistics") == 0 and total(client, "hội nghị tổng kết") > 0
    fresh = create_app(EngineConfig(data)).test_client()
    assert total(fresh, "hội nghị tổng kết") > 0  # a new process opens the old index fine

    finish(data)
    assert total(client, "logistics") == 1
    assert orphans(Path(os.path.realpath(data / "index"))) == []  # the next commit cleaned up


def test_a_rebuild_killed_before_the_swap_keeps_the_old_generation(data: Path) -> None:
    before = store.current_dir(data / "index")
    child = Child(data, "before_swap", mode="rebuild")
    child.kill()

    assert store.current_dir(data / "index") == before
    assert len(list(data.glob("index-*"))) == 2  # the complete but unswapped one, left behind
    client = create_app(EngineConfig(data)).test_client()
    assert total(client, "hội nghị tổng kết") > 0

    finish(data)
    assert [p.name for p in data.glob("index-*")] == [before.name]  # the leftover is removed
    assert total(client, "logistics") == 1


def test_killing_the_job_kills_its_workers_and_frees_the_lock(data: Path) -> None:
    child = Child(data, "workers_running", workers=2)
    workers = child.extra
    assert len(workers) == 2
    child.kill()

    deadline = time.monotonic() + 20
    while any(_alive(pid) for pid in workers):
        assert time.monotonic() < deadline, "index workers outlived their killed parent"
        time.sleep(0.05)
    finish(data)  # neither our lock nor Whoosh's is stale
    assert orphans(Path(os.path.realpath(data / "index"))) == []


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_a_lock_held_by_another_process_gives_a_clear_message(data: Path) -> None:
    child = Child(data, "lock")
    with pytest.raises(IndexLockedError, match=rf"Another index job \(pid {child.proc.pid}\)"):
        finish(data)
    result = CliRunner().invoke(cli, ["--data-dir", str(data), "index"])
    assert result.exit_code == 1
    assert f"Another index job (pid {child.proc.pid}) is updating" in result.output
    assert "Wait for it to finish" in result.output and "Traceback" not in result.output

    child.kill()  # the holder dies without releasing: its lock file stays, the lock does not
    assert (data / "index.lock").exists()
    finish(data)


def test_an_import_killed_midway_loses_no_committed_row(data: Path) -> None:
    lines = [json.dumps({"id": f"k{n}", "title": f"Tin {n}", "body": f"Nội dung tin số {n}."}, ensure_ascii=False)
             for n in range(1, 2501)]
    (data / "import.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    child = Child(data, "import")  # paused just before committing lines 1001–2000
    child.kill()

    conn = sqlite3.connect(data / "archive.sqlite3")
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    with Archive(data / "archive.sqlite3") as archive:
        kept = archive.hashes()
        assert all(a.id in kept for a in [*ARTICLES, NEW])  # rows from before are all there
        imported = {i for i in kept if i.startswith("k")}
        assert imported == {f"k{n}" for n in range(1, 1001)}  # the first commit, whole
        assert all(archive.get(i) is not None for i in imported)
