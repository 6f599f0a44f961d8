"""CPU a request of the web app before and after a small commit, on distinct queries (one process).

A served index gets a commit every few minutes; what a worker had read and scored must survive it, or the
requests after each commit pay for it again. This measures that cost where it shows, in one process (the
Flask test client, no HTTP), on bench/load.py's query mix, every request a query not seen before:
1. a fresh copy of the 100 000-article data (bench/load.py's `work_copy` of query_speed's data dir);
2. 400 requests of warm-up, then two blocks of 200: CPU milliseconds a request, steady state;
3. one `tracuu import` + `tracuu index` of 5 new articles (load.py's Writer), then blocks of 50, 150 and
   200 requests: CPU a request just after the commit, against the steady state.

Usage: python bench/commit_cost.py [--n 100000]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load import OUT, Query, Writer, base_data, query_mix, work_copy  # noqa: E402
from bench.query_speed import sample_articles  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="scale-up articles (built once, as load.py does)")
    args = parser.parse_args()
    data = work_copy(base_data(args.n), OUT / "commit-cost-work")
    os.environ["TRACUU_DATA_DIR"] = str(data)
    from tracuu.wsgi import create

    queries = query_mix(sample_articles(data / "archive.sqlite3"), 1200, seed=11)
    client = create().test_client()

    def cpu_ms(block: list[Query]) -> str:
        started = time.process_time()
        for q in block:
            status = client.get(q.path).status_code
            if status != 200:
                raise SystemExit(f"{q.path}: HTTP {status}")
        return f"{(time.process_time() - started) / len(block) * 1000:.1f}"

    print(f"{args.n} articles; CPU ms a request, each a query not seen before")
    print(f"  warm-up (400): {cpu_ms(queries[:400])}")
    print(f"  steady state (200, 200): {cpu_ms(queries[400:600])}, {cpu_ms(queries[600:800])}")
    writer = Writer(data, 30, 5)
    writer.step()
    _at, seconds, code, last = writer.jobs[-1]
    print(f"  index job: 5 articles in {seconds:.1f} s, exit {code} {last}")
    print(f"  after the commit (50, 150, 200): {cpu_ms(queries[800:850])}, {cpu_ms(queries[850:1000])}, "
          f"{cpu_ms(queries[1000:1200])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
