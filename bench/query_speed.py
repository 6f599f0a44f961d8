"""Query latency of the JSON API over the scale-up corpus, with SQLite FTS5 as the reference.

What it measures, in one run (figures printed, exit 0):
1. Build (or reuse) the scale-up corpus, its archive and index under bench/out/query-speed-N/.
2. A realistic query mix drawn from the corpus's own titles: keywords with and without diacritics,
   keywords with a year or department filter, phrases, newest-first. Every request asks for facets
   (the API always returns them), as the search page does.
3. p50/p95 of `GET /api/search` against a real server on 127.0.0.1: one client, then 8 concurrent
   clients (threads) on a second, disjoint set of queries so a result cache cannot flatter it.
4. The same queries in-process (`SearchIndex.search`, no HTTP), so HTTP and JSON costs show apart.
5. SQLite FTS5 (unicode61, remove_diacritics 2) over the same documents: top 10 plus the four facet
   counts, the reference a user might pick instead; ratios against it.
6. cProfile of the slowest query, top functions by own time: where the time goes.

Usage: python bench/query_speed.py [--n 100000] [--queries 200] [--clients 8] [--data-dir DIR]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import logging
import pstats
import random
import re
import sqlite3
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"

import httpx  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from archive import Archive, import_archive  # noqa: E402
from indexer.analysis.text import fold  # noqa: E402
from indexer.backend import EngineConfig  # noqa: E402
from indexer.engine import SearchRequest  # noqa: E402
from indexer.whoosh_engine.reader.search import SearchIndex  # noqa: E402
from indexer.whoosh_engine.writer.build import update_index  # noqa: E402
from webapp import create_app  # noqa: E402

GOAL_P95_MS = 150.0
WARMUP = 100  # queries run before any measurement, none of them measured
FACETS = ("year", "department", "category", "site")


@dataclass
class Query:
    kind: str
    params: dict[str, str]


# -- data --------------------------------------------------------------------------------------------
def prepare(n: int, out: Path) -> tuple[Path, Path]:
    """Corpus → archive → index, each step skipped when already done (re-runs measure only queries)."""
    from bench.scaleup import build_scaleup

    out.mkdir(parents=True, exist_ok=True)
    corpus, archive_path, index_path = out / f"scaleup-{n}.jsonl", out / "archive.sqlite3", out / "index"
    if not corpus.exists():
        started = time.perf_counter()
        build_scaleup(n, corpus, seed=0)
        print(f"corpus: {n} articles written in {time.perf_counter() - started:.1f} s")
    with Archive(archive_path) as archive:
        if archive.count() != n:
            started = time.perf_counter()
            with corpus.open(encoding="utf-8") as f:
                import_archive(archive, f)
            print(f"archive: imported in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        stats = update_index(archive, index_path, out / "segments.sqlite3")
        if stats.added or stats.updated:
            print(f"index: {stats.added} added in {time.perf_counter() - started:.1f} s")
    return archive_path, index_path


def sample_articles(archive_path: Path, every: int = 37) -> list[dict[str, str]]:
    """Title, year and department of every `every`-th archived article: what the query mix draws on."""
    with Archive(archive_path) as archive:
        return [{"title": a.title, "published": a.published or "", "department": a.department or ""}
                for i, a in enumerate(archive.iter_articles()) if i % every == 0 and a.title and a.published]


def query_mix(records: list[dict[str, str]], count: int, seed: int) -> list[Query]:
    """Queries people type: 2–3 words from real titles, half without diacritics, some narrowed."""
    rng = random.Random(seed)
    queries: list[Query] = []
    kinds = ["keywords", "no-diacritics", "no-diacritics", "keywords+year", "keywords+department",
             "phrase", "newest"]
    while len(queries) < count:
        rec = rng.choice(records)
        words = [w for w in re.findall(r"\w+", rec["title"]) if not w.isdigit()]
        if len(words) < 4:
            continue
        start = rng.randrange(len(words) - 3)
        text = " ".join(words[start:start + rng.choice((2, 2, 3))]).lower()
        kind = kinds[len(queries) % len(kinds)]
        params = {"q": text}
        if kind == "no-diacritics":
            params["q"] = fold(text)
        elif kind == "keywords+year":
            params["year"] = rec["published"][:4]
        elif kind == "keywords+department" and rec.get("department"):
            params["department"] = rec["department"]
        elif kind == "phrase":
            params["q"] = f'"{text}"'
        elif kind == "newest":
            params["sort"] = "newest"
        queries.append(Query(kind, params))
    return queries


# -- measuring ---------------------------------------------------------------------------------------
def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def summary(name: str, timings: list[tuple[str, float]]) -> dict[str, float]:
    """Print p50/p95 overall and per query kind; return the overall figures."""
    by_kind: dict[str, list[float]] = defaultdict(list)
    for kind, ms in timings:
        by_kind[kind].append(ms)
    every = [ms for _k, ms in timings]
    line = f"  {name:<34} all  p50 {percentile(every, 50):7.1f} ms  p95 {percentile(every, 95):7.1f} ms"
    print(line + f"  max {max(every):7.1f} ms  (n={len(every)})")
    for kind in sorted(by_kind):
        ms = by_kind[kind]
        print(f"  {'':<34} {kind:<20} p50 {percentile(ms, 50):7.1f}  p95 {percentile(ms, 95):7.1f}")
    return {"p50": percentile(every, 50), "p95": percentile(every, 95)}


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


class Server:
    """The real app on 127.0.0.1, port 0, in a thread (threaded like `tracuu serve`)."""

    def __init__(self, index_path: Path, archive_path: Path) -> None:
        self.app = create_app(EngineConfig(index_path.parent))
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.thread.join()
        self.app.extensions["tracuu_index"].close()


def api_timings(base: str, queries: list[Query], clients: int) -> tuple[list[tuple[str, float]], float]:
    """Latency of every query through HTTP, `clients` at a time; also the wall time."""
    def run(chunk: list[Query]) -> list[tuple[str, float]]:
        out = []
        with httpx.Client(base_url=base, timeout=120) as client:
            for q in chunk:
                started = time.perf_counter()
                response = client.get("/api/search?" + urlencode(q.params))
                ms = (time.perf_counter() - started) * 1000
                if response.status_code != 200:
                    raise SystemExit(f"{q.params}: HTTP {response.status_code} {response.text[:200]}")
                out.append((q.kind, ms))
        return out

    chunks = [queries[i::clients] for i in range(clients)]
    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        results = [t for part in pool.map(run, chunks) for t in part]
    return results, time.perf_counter() - started


# -- the FTS5 reference ------------------------------------------------------------------------------
def build_fts(archive_path: Path, path: Path) -> sqlite3.Connection:
    if path.exists():
        return sqlite3.connect(path, check_same_thread=False)
    started = time.perf_counter()
    conn = sqlite3.connect(path, check_same_thread=False)
    conn.executescript("""
        CREATE TABLE docs (id INTEGER PRIMARY KEY, year TEXT, department TEXT, category TEXT, site TEXT,
                           published TEXT);
        CREATE VIRTUAL TABLE fts USING fts5(title, body, tokenize='unicode61 remove_diacritics 2');
    """)
    with Archive(archive_path) as archive:
        for i, a in enumerate(archive.iter_articles(), start=1):
            conn.execute("INSERT INTO docs VALUES (?,?,?,?,?,?)",
                         (i, str(a.year or ""), a.department or "", a.category or "", a.site or "", a.published))
            conn.execute("INSERT INTO fts(rowid, title, body) VALUES (?,?,?)", (i, a.title, a.body))
    conn.commit()
    print(f"fts5: built in {time.perf_counter() - started:.1f} s")
    return conn


def fts_search(conn: sqlite3.Connection, params: dict[str, str]) -> None:
    """Top 10 and the four facet counts, with CROSS JOIN so SQLite drives from the FTS match."""
    q = params["q"]
    phrase = q.startswith('"')
    words = re.findall(r"\w+", q)
    match = '"' + " ".join(words) + '"' if phrase else " ".join(f'"{w}"' for w in words)
    where, args = "fts MATCH ?", [match]
    for key in ("year", "department"):
        if key in params:
            where += f" AND d.{key} = ?"
            args.append(params[key])
    order = "d.published DESC" if params.get("sort") == "newest" else "rank"
    conn.execute(f"SELECT d.id FROM fts CROSS JOIN docs d ON d.id = fts.rowid WHERE {where} "
                 f"ORDER BY {order} LIMIT 10", args).fetchall()
    for facet in FACETS:
        conn.execute(f"SELECT d.{facet}, count(*) FROM fts CROSS JOIN docs d ON d.id = fts.rowid "
                     f"WHERE {where} GROUP BY d.{facet}", args).fetchall()


# -- where the time goes -----------------------------------------------------------------------------
def profile(index: SearchIndex, query: Query) -> None:
    request = SearchRequest.from_params(query.params)
    profiler = cProfile.Profile()
    profiler.enable()
    index.search(request)
    profiler.disable()
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    stats.sort_stats("tottime").print_stats(14)
    stats.sort_stats("cumulative").print_stats("indexer|whoosh/searching|whoosh/collectors", 12)
    text = re.sub(r"/[^ ]*/site-packages/", "", stream.getvalue())
    print("\n".join(line for line in text.splitlines() if line.strip() and "Ordered by" not in line))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="articles in the scale-up corpus")
    parser.add_argument("--queries", type=int, default=200, help="queries per run")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients in the second run")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="measure an archive.sqlite3 + index already built there (e.g. by bench/index_speed.py)")
    args = parser.parse_args()
    if not (SHARED / "corpus" / "articles.jsonl").is_file():
        print(f"query_speed: no corpus at {SHARED}/corpus; the benchmark needs ../shared. Skipped.")
        return 0
    try:
        import bench.scaleup  # noqa: F401
    except ImportError:
        print("query_speed: bench/scaleup.py (build_scaleup) is missing. Skipped.")
        return 0
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no access log line per request
    if args.data_dir:
        out, archive_path, index_path = args.data_dir, args.data_dir / "archive.sqlite3", args.data_dir / "index"
    else:
        out = args.out / f"query-speed-{args.n}"
        archive_path, index_path = prepare(args.n, out)
    records = sample_articles(archive_path)
    # disjoint query sets per run, so no run is flattered by caches a previous run filled
    unique = list({tuple(sorted(q.params.items())): q
                   for q in query_mix(records, 6 * args.queries + WARMUP, seed=1)}.values())
    n = args.queries
    inproc_q, single, concurrent, html_q = unique[:n], unique[n:2 * n], unique[2 * n:3 * n], unique[3 * n:3 * n + 50]
    with Archive(archive_path) as archive:
        size = archive.count()
    print(f"\n{size} articles; {args.queries} queries per run; goal p95 < {GOAL_P95_MS:.0f} ms (one client)")

    with Server(index_path, archive_path) as server:
        index: SearchIndex = server.app.extensions["tracuu_index"]
        cold = timed(lambda: httpx.get(server.url + "/api/search?q=h%E1%BB%99i+ngh%E1%BB%8B", timeout=300))
        print(f"  first query (opens the searcher, loads facet columns): {cold:.0f} ms")
        warm = unique[3 * n + 50:3 * n + 50 + WARMUP]
        for q in warm:  # a running server has served many queries: its term caches are warm
            index.search(SearchRequest.from_params(q.params))
        in_process = [(q.kind, timed(lambda q=q: index.search(SearchRequest.from_params(q.params))))
                      for q in inproc_q]
        inproc = summary("in-process SearchIndex.search", in_process)
        api1, _wall = api_timings(server.url, single, 1)
        one = summary("API, 1 client", api1)
        apin, wall = api_timings(server.url, concurrent, args.clients)
        many = summary(f"API, {args.clients} concurrent clients", apin)
        print(f"  {'':<34} throughput {len(concurrent) / wall:.1f} queries/s with {args.clients} clients")
        html = [(q.kind, timed(lambda q=q: httpx.get(server.url + "/?" + urlencode(q.params), timeout=120)))
                for q in html_q[:50]]
        summary("HTML search page, 1 client", html)
        home = [("home", timed(lambda: httpx.get(server.url + "/", timeout=120))) for _ in range(10)]
        summary("home page (newest + counts)", home)

        fts = build_fts(archive_path, (args.out if args.data_dir else out) / f"query-speed-fts5-{size}.sqlite3")
        fts_t = [(q.kind, timed(lambda q=q: fts_search(fts, q.params))) for q in single]
        ref = summary("SQLite FTS5 top 10 + 4 facets", fts_t)

        print("\nratios (this run):")
        print(f"  API 1 client p95 / FTS5 p95:           {one['p95'] / ref['p95']:.1f}×")
        print(f"  API 1 client p95 / in-process p95:     {one['p95'] / inproc['p95']:.2f}× (HTTP + JSON)")
        print(f"  API {args.clients} clients p95 / 1 client p95:     {many['p95'] / one['p95']:.1f}×")
        verdict = "MET" if one["p95"] < GOAL_P95_MS else "NOT met"
        print(f"  goal p95 < {GOAL_P95_MS:.0f} ms, one client: {verdict} ({one['p95']:.0f} ms)")

        slowest = max(zip(in_process, inproc_q, strict=True), key=lambda pair: pair[0][1])[1]
        print(f"\ncProfile of the slowest in-process query ({slowest.kind}: {slowest.params}), "
              "on a fresh SearchIndex warmed with other queries:")
        fresh = SearchIndex(index_path, archive_path)
        for q in warm[:20]:
            fresh.search(SearchRequest.from_params(q.params))
        profile(fresh, slowest)
        fresh.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
