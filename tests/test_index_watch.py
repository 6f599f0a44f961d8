"""`tracuu index --watch`: an index job that stays up and indexes each change of the archive.

`archive.watch` against real SQLite commits from another connection, and the command as a real process
beside in-process imports: each import indexed, a locked index tried again, SIGTERM a clean stop.
"""

from __future__ import annotations

import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

from click.testing import CliRunner

from archive import Archive, Article
from archive.watch import watch
from indexer.backend import EngineConfig, open_search
from indexer.engine import SearchRequest
from indexer.locking import writer_lock
from tracuu.cli import cli

ROOT = Path(__file__).resolve().parents[1]


def article(n: int, word: str = "") -> Article:
    return Article(id=f"w{n}", url=f"http://sct.test/{n}", title=f"Hội nghị số {n} {word}".strip(),
                   body=f"Hội nghị tổng kết công tác lần {n}. {word}".strip(), published="2020-01-10", site="sct")


def test_watch_runs_again_after_a_commit_and_only_then(tmp_path: Path) -> None:
    path = tmp_path / "archive.sqlite3"
    with Archive(path) as archive:
        archive.upsert(article(1))
    calls: queue.Queue[int] = queue.Queue()
    answers = iter([True, True, False, True])  # the third call fails: it is made again without a commit
    stop = threading.Event()
    result: list[int] = []

    def run() -> bool:
        calls.put(1)
        return next(answers)

    thread = threading.Thread(target=lambda: result.append(watch(path, 0.05, stop, run)))
    thread.start()
    try:
        calls.get(timeout=10)  # the first call is made at once
        stop.wait(0.5)  # ten looks at an archive nobody wrote
        assert calls.empty()
        with Archive(path) as other:
            other.upsert(article(2))
        calls.get(timeout=10)
        with Archive(path) as other:
            other.upsert(article(3))
        calls.get(timeout=10)  # fails
        calls.get(timeout=10)  # and is made again, nothing having changed
        stop.wait(0.5)
        assert calls.empty()
    finally:
        stop.set()
        thread.join(timeout=10)
    assert result == [4]


def test_watch_tries_a_failing_run_less_often_while_it_fails(tmp_path: Path) -> None:
    path = tmp_path / "archive.sqlite3"
    with Archive(path) as archive:
        archive.upsert(article(1))
    answers = iter([False] * 5 + [True])
    at: list[float] = []
    waits: list[float] = []
    stop = threading.Event()

    def run() -> bool:
        at.append(time.monotonic())
        ok = next(answers, True)
        if ok:
            stop.set()
        return ok

    assert watch(path, 0.05, stop, run, longest=0.2, retrying=waits.append) == 6
    assert waits == [0.05, 0.1, 0.2, 0.2, 0.2]  # doubled after each failure in a row, up to `longest`
    gaps = [later - earlier for earlier, later in zip(at, at[1:], strict=False)]
    assert all(gap >= wait * 0.95 for gap, wait in zip(gaps, waits, strict=True))

    answers = iter([False, True, False])  # a success in between: the next failure waits `every` again
    waits.clear()
    stop.clear()

    def run_again() -> bool:
        ok = next(answers, True)
        if len(waits) == 2:
            stop.set()
        return ok

    thread = threading.Thread(target=watch, args=(path, 0.05, stop, run_again),
                              kwargs={"longest": 0.2, "retrying": waits.append})
    thread.start()
    try:
        threading.Event().wait(0.3)
        with Archive(path) as other:
            other.upsert(article(2))  # the third call comes from a commit, after a successful second
    finally:
        thread.join(timeout=10)
        stop.set()
    assert waits == [0.05, 0.05]


def lines_of(stream: IO[str]) -> queue.Queue[str]:
    """The stream's lines as they come, read by a thread that closes it at the end."""
    out: queue.Queue[str] = queue.Queue()

    def read() -> None:
        with stream:
            for line in stream:
                out.put(line.rstrip("\n"))
    threading.Thread(target=read, daemon=True).start()
    return out


def next_line(lines: queue.Queue[str], starts: str, timeout: float = 60) -> str:
    """The next line starting with `starts` (others skipped); fails after `timeout` seconds."""
    while True:
        line = lines.get(timeout=timeout)
        if line.startswith(starts):
            return line


def import_articles(data: Path, *articles: Article) -> None:
    with Archive(data / "archive.sqlite3") as archive:
        for a in articles:
            archive.upsert(a)


def found(data: Path, query: str) -> list[str]:
    engine = open_search(EngineConfig(data))
    try:
        return [hit.id for hit in engine.search(SearchRequest(q=query)).results]
    finally:
        engine.close()


def test_index_watch_indexes_each_import_retries_a_locked_index_and_stops_on_sigterm(tmp_path: Path) -> None:
    data = tmp_path / "d"
    import_articles(data, article(1), article(2))
    process = subprocess.Popen([sys.executable, "-m", "tracuu.cli", "-q", "--data-dir", str(data), "index",
                                "--watch", "--every", "0.1"], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, encoding="utf-8")
    try:
        out, err = lines_of(process.stdout), lines_of(process.stderr)  # type: ignore[arg-type]
        assert next_line(out, "Index:").startswith("Index: 2 added")
        import_articles(data, article(3, "thanhtra"))
        assert next_line(out, "Index:").startswith("Index: 1 added, 0 updated, 0 deleted, 2 unchanged")
        assert found(data, "thanhtra") == ["w3"]
        with writer_lock(EngineConfig(data).index_path):  # another index job holds the index
            import_articles(data, article(4, "kiemtoan"))
            assert "Another index job" in next_line(err, "Index not updated:")
        assert next_line(out, "Index:").startswith("Index: 1 added")  # tried again once free
        assert found(data, "kiemtoan") == ["w4"]
        threading.Event().wait(0.5)  # five looks at an unchanged archive: no run
        assert out.empty()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        assert next_line(err, "Stopped") == "Stopped watching the archive after 4 index runs."
    finally:
        process.kill()
        process.wait()  # the readers then reach the end of the pipes and close them


def test_index_watch_stops_at_once_on_ctrl_c(tmp_path: Path) -> None:
    data = tmp_path / "d"
    import_articles(data, article(1))
    process = subprocess.Popen([sys.executable, "-m", "tracuu.cli", "-q", "--data-dir", str(data), "index",
                                "--watch"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               encoding="utf-8")
    try:
        out, err = lines_of(process.stdout), lines_of(process.stderr)  # type: ignore[arg-type]
        assert next_line(out, "Index:").startswith("Index: 1 added")
        process.send_signal(signal.SIGINT)  # during the 5-s wait before the next look
        assert process.wait(timeout=30) == 130
        assert next_line(err, "Interrupted") == "Interrupted."
    finally:
        process.kill()
        process.wait()


def test_index_watch_rejects_a_look_interval_below_a_tenth_of_a_second(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--data-dir", str(tmp_path), "index", "--watch", "--every", "0"])
    assert result.exit_code == 2 and "--every" in result.stderr
