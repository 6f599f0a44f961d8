"""A `tracuu index --rebuild` killed with SIGKILL halfway through its bulk load, on a real cluster.

The alias must stay on the complete old index (searches give what they gave before), the half-filled new
index must sit beside it unaliased, the killed job's writer lock must die with it, and the next
`tracuu index` must delete the leftover and go on serving the complete index.

The rebuild is a real `tracuu` process. The test polls the cluster until the new index has received its
first documents, stops the process with SIGSTOP (a deterministic window: nothing more is sent while the
test looks), checks the new index is incomplete and the alias untouched, then kills it with SIGKILL.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from archive import Archive, Article
from indexer.backend import EngineConfig, open_search
from indexer.engine import IndexLockedError, SearchRequest
from indexer.locking import writer_lock
from tests.corpus import ARTICLES, RANKING_ARTICLES

ROOT = Path(__file__).resolve().parents[1]
# Several bulk requests (the writer sends 500 documents a request, about 0.15 s apart): the test stops the
# rebuild after the first one lands, long before the last.
ARTICLE_COUNT = 3000
QUERIES = [
    SearchRequest(q="hội nghị tổng kết", per_page=20),
    SearchRequest(q="tap huan hoa giai", year="2020", per_page=20),
    SearchRequest(q="kiểm tra an toàn", sort="newest", page=2, per_page=10),
]
CLI_TIMEOUT = 120.0  # a run blocked by a lock the killed job still held would fail, not hang: flock is tried once
STOP_TIMEOUT = 60.0


def generated_articles(n: int, seed: int = 1) -> list[Article]:
    """`n` agency posts of real Vietnamese sentences: our corpus's sentences recombined, with its metadata."""
    rng = random.Random(seed)
    sources = [a for a in [*ARTICLES, *RANKING_ARTICLES] if "<" not in a.body]
    sentences = [s.strip() for a in sources for s in re.split(r"[.;\n]", a.body) if len(s.split()) >= 4]
    titles = [a.title for a in sources]
    out = []
    for i in range(n):
        base = sources[i % len(sources)]
        out.append(replace(base, id=f"g{i}", url=f"http://sct.test/tin/g{i}.html",
                           title=f"{rng.choice(titles)} (đợt {i % 97 + 1})",
                           body=". ".join(rng.sample(sentences, 4)) + ".",
                           published=f"{2018 + i % 5}-{1 + i % 12:02d}-{1 + i % 28:02d}"))
    return out


def cluster_get(url: str, path: str, **params: str) -> Any:
    response = httpx.get(f"{url}/{path}", params=params, timeout=30)
    response.raise_for_status()
    return response.json()


def aliased(url: str, alias: str) -> set[str]:
    """The indexes the alias points at."""
    response = httpx.get(f"{url}/_alias/{alias}", timeout=30)
    if response.status_code == 404:
        return set()
    response.raise_for_status()
    return set(response.json())


def indexes(url: str, alias: str) -> set[str]:
    """Every index named after the alias (tracuu's generations)."""
    return {row["index"] for row in cluster_get(url, f"_cat/indices/{alias}-*", format="json", h="index")}


def count(url: str, index: str) -> int:
    return int(cluster_get(url, f"{index}/_count")["count"])


def indexed_so_far(url: str, alias: str) -> dict[str, int]:
    """Documents each of the alias's generations has received, refreshed or not (a rebuild loads with
    refreshes off, so _count says 0 until it is done)."""
    stats = cluster_get(url, f"{alias}-*/_stats/indexing", level="indices")
    return {name: s["primaries"]["indexing"]["index_total"] for name, s in stats.get("indices", {}).items()}


def answers(config: EngineConfig) -> tuple[int, list[dict[str, Any]]]:
    """What tracuu's search gives through the alias: the document count, and each query's whole answer."""
    engine = open_search(config)
    try:
        return engine.doc_count(), [engine.search(request).to_json() for request in QUERIES]
    finally:
        engine.close()


def tracuu(data: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tracuu.cli", "--data-dir", str(data), *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=CLI_TIMEOUT)


def stop_while_loading(rebuild: subprocess.Popen[bytes], url: str, alias: str, old: str, err: Path) -> str:
    """Stop `rebuild` (SIGSTOP) as soon as a new index beside `old` has received documents, and once the
    cluster has applied what was already sent; the new index's name."""
    deadline = time.monotonic() + STOP_TIMEOUT
    received: dict[str, int] = {}
    while not any(received.values()):
        if rebuild.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"the rebuild ended ({rebuild.returncode}) or sent nothing in {STOP_TIMEOUT:.0f} s before "
                        f"it could be stopped; a bigger archive gives a longer window:\n{err.read_text()}")
        received = {name: n for name, n in indexed_so_far(url, alias).items() if name != old}
        if not any(received.values()):
            time.sleep(0.005)
    rebuild.send_signal(signal.SIGSTOP)
    assert rebuild.poll() is None, "the rebuild finished before it was stopped"
    (new,) = received
    settled, last = 0, -1  # a bulk request in flight when it stopped is still applied by the cluster
    while settled < 3:
        time.sleep(0.1)
        now = indexed_so_far(url, alias)[new]
        settled, last = (settled + 1, now) if now == last else (0, now)
    return new


@pytest.fixture
def alias(opensearch_cluster: Any) -> Iterator[str]:
    """A fresh alias name; its indexes are deleted afterwards (the cluster is shared by the session)."""
    name = f"rebuild-killed-{os.getpid()}"
    yield name
    httpx.delete(f"{opensearch_cluster.url}/{name}-*", timeout=30).raise_for_status()


def test_a_killed_rebuild_leaves_the_alias_on_the_complete_old_index(opensearch_cluster: Any, alias: str,
                                                                     tmp_path: Path) -> None:
    url = opensearch_cluster.url
    data = tmp_path / "data"
    with Archive(data / "archive.sqlite3") as archive:
        for article in generated_articles(ARTICLE_COUNT):
            archive.upsert(article, commit=False)
        archive.commit()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("TRACUU_")},
           "TRACUU_CONFIG": str(tmp_path / "no-tracuu.toml"), "TRACUU_BACKEND": "opensearch",
           "TRACUU_OPENSEARCH_URL": url, "TRACUU_OPENSEARCH_INDEX": alias, "TRACUU_OPENSEARCH_REPLICAS": "0"}
    config = EngineConfig(data, "opensearch", opensearch_url=url, opensearch_index=alias, opensearch_replicas=0)

    # 1. the complete index, made by `tracuu index`
    first = tracuu(data, env, "index")
    assert first.returncode == 0, first.stderr
    assert aliased(url, alias) == indexes(url, alias) and len(aliased(url, alias)) == 1
    (old,) = aliased(url, alias)
    assert count(url, old) == ARTICLE_COUNT
    before = answers(config)
    assert before[0] == ARTICLE_COUNT
    assert all(answer["total"] > 0 and answer["results"] for answer in before[1]), before[1]

    # 2. a rebuild stopped once its new index has received some documents, then killed
    with (tmp_path / "rebuild.err").open("w") as err:
        rebuild = subprocess.Popen([sys.executable, "-m", "tracuu.cli", "--data-dir", str(data), "index", "--rebuild"],
                                   cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
        try:
            new = stop_while_loading(rebuild, url, alias, old, tmp_path / "rebuild.err")
            httpx.post(f"{url}/{new}/_refresh", timeout=30).raise_for_status()
            partial = count(url, new)
            assert 0 < partial < ARTICLE_COUNT, partial
            assert aliased(url, alias) == {old}  # searches meanwhile see the old index
            meta = cluster_get(url, f"{new}/_mapping")[new]["mappings"]["_meta"]
            assert meta["created_by"] == "tracuu" and meta["generation"] == new
            with pytest.raises(IndexLockedError):  # the stopped job holds the writer lock
                with writer_lock(data / "opensearch-index"):
                    pass
            rebuild.send_signal(signal.SIGKILL)
            rebuild.wait(timeout=30)
        finally:
            if rebuild.poll() is None:
                rebuild.kill()
                rebuild.wait()
    assert rebuild.returncode == -signal.SIGKILL

    # 3. the alias is still on the complete old index; the partial one is beside it, unaliased
    assert aliased(url, alias) == {old}
    assert indexes(url, alias) == {old, new}
    assert not cluster_get(url, f"{new}/_alias")[new]["aliases"]
    assert count(url, old) == ARTICLE_COUNT
    assert answers(config) == before
    with writer_lock(data / "opensearch-index"):  # the lock died with the killed job
        pass

    # 4. the next job neither blocks nor rebuilds: it deletes the leftover and serves the complete index
    again = tracuu(data, env, "index")
    assert again.returncode == 0, again.stderr
    assert f"Index: 0 added, 0 updated, 0 deleted, {ARTICLE_COUNT} unchanged" in again.stdout, again.stdout
    assert "Rebuilt" not in again.stderr
    assert indexes(url, alias) == aliased(url, alias) == {old}
    assert count(url, old) == ARTICLE_COUNT
    assert answers(config) == before
