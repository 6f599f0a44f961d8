"""Serving from forked workers: an engine warmed before fork answers in every child as in the parent, the
children reopen the index files (no shared offsets), keep what was warmed, and bound their caches."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

from indexer.engine import SearchRequest
from indexer.whoosh_engine.reader.leafdata import DEFAULT_MB, CacheBudget
from indexer.whoosh_engine.reader.search import SearchIndex
from tests.conftest import two_commit_index

QUERIES = [{"q": "hội nghị"}, {"q": "hoi nghi tong ket"}, {"q": '"khuyến công"'}, {"q": "thủy lợi", "year": "2020"},
           {"q": "", "sort": "newest"}, {"q": "hồ -hổ"}, {"q": "15/2003/QH11"}]


def answers(index: SearchIndex, rounds: int = 1) -> list[dict[str, object]]:
    return [index.search(SearchRequest(**q)).to_json() for _ in range(rounds) for q in QUERIES]


def in_children(index: SearchIndex, children: int, rounds: int) -> list[list[dict[str, object]]]:
    """Fork `children` workers that each call after_fork and search `rounds` times, as the parent does
    meanwhile; their answers come back through pipes."""
    pipes = []
    for _ in range(children):
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never return into pytest
            code = 1
            try:
                os.close(read)
                index.after_fork()
                payload = json.dumps(answers(index, rounds)).encode()
                with os.fdopen(write, "wb") as out:
                    out.write(payload)
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        pipes.append((pid, read))
    answers(index, rounds)  # the parent searches at the same time, through its own file objects
    out = []
    for pid, read in pipes:
        with os.fdopen(read, "rb") as f:
            data = f.read()
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        out.append(json.loads(data))
    return out


def test_forked_workers_answer_as_the_parent_and_keep_what_was_warmed(tmp_path: Path) -> None:
    index = two_commit_index(tmp_path)
    try:
        index.warm()
        warmed = dict(index._leafdata._tables)
        assert any(key[1] == "column" for key in warmed) and any(key[1] == "variants" for key in warmed)
        expected = answers(index)
        for got in in_children(index, children=2, rounds=20):
            assert got == expected * 20
        index.after_fork()  # as in a worker: the next search reopens the files and reuses every table read
        assert answers(index) == expected
        assert all(index._leafdata._tables[key] is value for key, value in warmed.items())
    finally:
        index.close()


def test_threads_of_a_worker_get_the_answers_one_client_gets(tmp_path: Path) -> None:
    index = two_commit_index(tmp_path)
    try:
        expected = answers(index)
        results: list[list[dict[str, object]]] = []
        threads = [threading.Thread(target=lambda: results.append(answers(index, 10))) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert results == [expected * 10] * 6
    finally:
        index.close()


def test_cache_budget_scales_every_cache_and_bounds_them(tmp_path: Path) -> None:
    small = CacheBudget.of_mb(DEFAULT_MB // 10)
    default = CacheBudget()
    assert CacheBudget.of_mb(0) == default and CacheBudget.of_mb(DEFAULT_MB) == default
    assert all(abs(getattr(small, f) - getattr(default, f) / 10) <= getattr(default, f) / 100 + 1
               for f in default.__dataclass_fields__)
    two_commit_index(tmp_path).close()
    index = SearchIndex(tmp_path / "index", tmp_path / "archive.sqlite3", cache_mb=1)
    try:
        expected = answers(index)
        budget = index._budget
        assert budget.scores < 1 << 20 and index._leafdata.phrases.size == budget.leaf_phrases
        assert answers(index) == expected  # a tiny budget costs recomputation, never answers
        assert index._view is not None and index._view._terms.weight <= budget.bits
        assert index._scorer is not None and index._scorer._arrays.weight <= budget.scores + (1 << 20)
    finally:
        index.close()


def test_a_missing_archive_makes_search_unavailable_not_an_error(tmp_path: Path) -> None:
    from indexer.backend import EngineConfig
    from webapp import create_app

    two_commit_index(tmp_path).close()
    for name in ("archive.sqlite3", "archive.sqlite3-wal", "archive.sqlite3-shm"):
        (tmp_path / name).unlink(missing_ok=True)
    client = create_app(EngineConfig(tmp_path)).test_client()
    page = client.get("/?q=hoi+nghi")
    assert page.status_code == 503 and "tracuu index" in page.get_data(as_text=True)
    assert client.get("/api/search?q=hoi+nghi").status_code == 503
    assert not (tmp_path / "archive.sqlite3").exists()  # a reader never creates the archive
