"""Latency of the query path (`SearchIndex.search`: matching, total, facets, ranking, page), cold and warm.

What it measures, in one run (figures printed, exit 0):
1. Opening: the first query of a fresh `SearchIndex` (opens the searcher, loads facet columns).
2. Cold: each query of a fixed realistic mix once, in a fresh process-level cache (terms first seen),
   then warm: the same mix again. p50/p95/max overall and per kind; every request counts facets.
3. The baseline, in the same run: Whoosh's own matchers as tracuu used them before the bitsets
   (`docs_for_query` for total and facets, `searcher.search` for the top 10) on a sample of the same
   queries, with totals and facet counts checked equal; ratios of the two.

Usage: python bench/query_path.py [--data-dir bench/out/query-speed-20000] [--queries 140] [--baseline 21]
The data dir holds archive.sqlite3 and index (e.g. built by bench/query_speed.py); it is only read.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from whoosh import query as Q  # noqa: E402

from indexer.engine import SearchRequest  # noqa: E402
from indexer.engine.query import parse_query  # noqa: E402
from indexer.engine.request import FACETS  # noqa: E402
from indexer.whoosh_engine.reader.queries import build_query, filter_query  # noqa: E402
from indexer.whoosh_engine.reader.search import SearchIndex  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from query_speed import summary  # noqa: E402  (one way to print latencies in bench/)

GOAL_P95_MS = 150.0


def whoosh_path(index: SearchIndex, request: SearchRequest) -> tuple[int, dict[str, dict[str, int]], list[str]]:
    """The query path before bitsets: Whoosh's matchers for matches, facets from them, top 10 by Whoosh."""
    searcher = index._current_searcher()
    parsed = parse_query(request.q)
    filt = filter_query(request)
    base: Q.Query = Q.Every() if parsed.is_empty else build_query(parsed)
    final = Q.And([base, filt]) if filt is not None else base
    found = list(searcher.docs_for_query(final))
    facets = {}
    view = index._generation()[1]
    for name in FACETS:
        column = view.facet_column(name)
        counts = Counter(column[n] for n in found)
        counts.pop("", None)
        facets[name] = dict(counts)
    if request.sort == "newest" or parsed.is_empty:
        hits = searcher.search(final, limit=request.per_page, sortedby="pubdate", reverse=True, terms=False)
    else:
        hits = searcher.search(final, limit=request.per_page, terms=False)
    return len(found), facets, [h["id"] for h in hits]


def timed(fn: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    out = fn()
    return (time.perf_counter() - started) * 1000, out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=ROOT / "bench" / "out" / "query-speed-20000")
    parser.add_argument("--queries", type=int, default=140, help="queries in the mix")
    parser.add_argument("--baseline", type=int, default=21, help="queries of the mix also run the old way")
    args = parser.parse_args()
    archive_path, index_path = args.data_dir / "archive.sqlite3", args.data_dir / "index"
    if not archive_path.is_file() or not index_path.exists():
        print(f"query_path: no archive.sqlite3 + index in {args.data_dir}; build one with bench/query_speed.py.")
        return 0
    from bench.query_speed import query_mix, sample_articles

    mix = query_mix(sample_articles(archive_path), args.queries, seed=1)
    requests = [(q.kind, SearchRequest.from_params(q.params)) for q in mix]
    index = SearchIndex(index_path, archive_path)
    opened, _ = timed(lambda: index.search(SearchRequest(q="khởi động")))
    docs = index.doc_count()
    print(f"{docs} documents in {args.data_dir}; {len(requests)} queries (facets counted on every one)")
    print(f"  first query (opens the searcher, loads facet columns): {opened:.0f} ms")
    cold = [(kind, timed(lambda r=r: index.search(r))[0]) for kind, r in requests]
    c = summary("cold (terms first seen)", cold)
    warm = [(kind, timed(lambda r=r: index.search(r))[0]) for kind, r in requests]
    w = summary("warm (same queries again)", warm)

    if args.baseline <= 0:
        return 0
    sample = requests[:: max(1, len(requests) // args.baseline)][: args.baseline]
    ours, old, mismatches = [], [], 0
    for kind, r in sample:
        base_ms, (total, facets, _ids) = timed(lambda r=r: whoosh_path(index, r))
        our_ms, res = timed(lambda r=r: index.search(r))
        old.append((kind, base_ms))
        ours.append((kind, our_ms))
        counted = {name: {f.value: f.count for f in values} for name, values in res.facets.items()}
        if not res.suggestion and not res.notice and (res.total != total or counted != facets):
            mismatches += 1
            print(f"  MISMATCH {r.q!r}: total {res.total} vs {total}")
    print(f"\nbaseline on {len(sample)} of the queries (ours warm, Whoosh's matchers after the same warm-up):")
    b = summary("Whoosh matchers (before)", old)
    o = summary("bitsets + 2-stage (now)", ours)
    print("\nratios (this run):")
    print(f"  before / now, p50: {b['p50'] / o['p50']:.1f}x   p95: {b['p95'] / o['p95']:.1f}x")
    print(f"  totals and facet counts equal to Whoosh's on {len(sample) - mismatches}/{len(sample)} queries"
          " (queries with a suggestion or fallback skipped)")
    for name, fig in (("cold", c), ("warm", w)):
        verdict = "MET" if fig["p95"] < GOAL_P95_MS else "NOT met"
        print(f"  goal p95 < {GOAL_P95_MS:.0f} ms, {name}: {verdict} ({fig['p95']:.0f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
