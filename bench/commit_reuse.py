"""Latency of the first queries after a small commit, on a long-lived (warm) SearchIndex.

1. A fresh SearchIndex: the first query (opens the searcher, reads every segment), then the query mix
   twice (warm).
2. `tracuu index` (a real process) commits N new articles; the same SearchIndex answers the mix again:
   the first query, then each of the mix (what users see right after a commit), then the mix once more.
3. The same after a delete-only commit that takes the new articles out again (the data dir is left as found).
4. For reference, a fresh SearchIndex on that generation: its first query and the mix.

Usage: python bench/commit_reuse.py --data-dir /tmp/segbench --new new10.jsonl [--queries 70]
The data dir holds archive.sqlite3 and index (bench/scaleup.py + `tracuu import` + `tracuu index`).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archive import Archive  # noqa: E402
from indexer.engine import SearchRequest  # noqa: E402
from indexer.whoosh_engine.reader.search import SearchIndex  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from query_speed import percentile, query_mix, sample_articles  # noqa: E402


def timed(fn: Any) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def tracuu(data: Path, *args: str) -> float:
    """Seconds a real `tracuu` subprocess takes."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "tracuu.cli", "-q", "--data-dir", str(data), *args], cwd=ROOT,
                   check=True, capture_output=True, text=True)
    return time.perf_counter() - started


def run_mix(index: SearchIndex, requests: list[SearchRequest]) -> list[float]:
    return [timed(lambda r=r: index.search(r)) for r in requests]


def show(name: str, ms: list[float]) -> None:
    print(f"  {name:<44} first {ms[0]:7.1f} ms  next 4 {' '.join(f'{v:.0f}' for v in ms[1:5]):<20}"
          f" p50 {percentile(ms, 50):6.1f}  p95 {percentile(ms, 95):6.1f}  max {max(ms):7.1f}  sum {sum(ms):7.0f} ms")


def after_commit(name: str, index: SearchIndex, requests: list[SearchRequest]) -> None:
    first = timed(lambda: index.search(SearchRequest(q="khởi động")))
    show(f"{name}: first query, then the mix", [first, *run_mix(index, requests)])
    show(f"{name}: the mix again", run_mix(index, requests))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--new", type=Path, required=True, help="JSON Lines of articles not yet archived")
    parser.add_argument("--queries", type=int, default=70)
    args = parser.parse_args()
    data, archive_path, index_path = args.data_dir, args.data_dir / "archive.sqlite3", args.data_dir / "index"
    requests = [SearchRequest.from_params(q.params) for q in query_mix(sample_articles(archive_path), args.queries, 1)]
    new_ids = [json.loads(line)["id"] for line in args.new.read_text(encoding="utf-8").splitlines() if line.strip()]

    index = SearchIndex(index_path, archive_path)
    opened = timed(lambda: index.search(SearchRequest(q="khởi động")))
    print(f"{index.doc_count()} documents, {len(index._generation()[1].leaves)} segments; {len(requests)} queries")
    print(f"  fresh SearchIndex, first query: {opened:.0f} ms")
    show("fresh SearchIndex: the mix (cold terms)", run_mix(index, requests))
    show("fresh SearchIndex: the mix again (warm)", run_mix(index, requests))

    seconds = tracuu(data, "import", str(args.new)) + tracuu(data, "index")
    print(f"commit: {len(new_ids)} new articles (tracuu import + index: {seconds:.1f} s); "
          f"{index.doc_count()} documents, {len(index._generation()[1].leaves)} segments")
    after_commit("warm SearchIndex after adding", index, requests)

    with Archive(archive_path) as archive:
        for article_id in new_ids:
            archive.delete(article_id)
        archive.commit()
    seconds = tracuu(data, "index")
    print(f"commit: the {len(new_ids)} taken out again (tracuu index: {seconds:.1f} s); {index.doc_count()} documents")
    after_commit("warm SearchIndex after deleting", index, requests)

    fresh = SearchIndex(index_path, archive_path)
    after_commit("reference: fresh SearchIndex", fresh, requests)
    fresh.close()
    index.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
