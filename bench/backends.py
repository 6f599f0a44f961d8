"""Whoosh and OpenSearch side by side, in one run on one machine: index time, rebuild, query latency, size.

What it measures (one table at the end, exit 0):
1. Index time of the shared corpus (../shared/corpus/articles.jsonl) and of the N-article scale-up
   (bench/scaleup.py), each imported into its own archive under bench/out/backends-N/. Both back ends use
   that one data dir, hence one segmentation cache (data_dir/segments.sqlite3, `EngineConfig.cache_path`):
   a first Whoosh build fills it ("first build, segmenting", reported apart, Whoosh only), then each back
   end rebuilds from the warm cache, so neither is charged for segmentation the other did, whichever runs
   first. Each rebuild reports how many articles it had to segment (0 expected).
2. The N-article rebuild from the cache on each back end, against the goal: OpenSearch within 300 s at
   100 000 articles.
3. Query latency at N articles, p50/p95, every request with its four facets: 1 client, then C concurrent
   clients (threads sharing one engine from `open_search`, as the threads of one web server do). The mix is
   bench/query_speed.py's, drawn from the archive's titles (words with and without diacritics, a year or a
   department filter, phrases, newest first); the same queries for both back ends, a disjoint set per run
   and warm-up queries before any, so no run is flattered by caches an earlier one filled. With --http, also
   through `GET /api/search` on a real threaded server. Goal: OpenSearch p95 <= 300 ms with 8 clients.
   Whoosh runs one search at a time per engine (SearchIndex's lock), so its C-client figures are one web
   worker's queueing; production runs several worker processes instead.
4. Index size on disk: Whoosh's index directory; OpenSearch's store size, primaries and total.
Ratios are OpenSearch / Whoosh. The totals both back ends found for each query are compared (they match the
same documents by design), and differences are listed.

The cluster is started here (scripts/opensearch/run, through tests/opensearch_cluster.py; one node, free
ports, data in bench/out/backends-N/opensearch/; needs a JDK and Maven, `make opensearch-build` resolves
the jars once) unless --opensearch URL names one. Replicas default to 0: on one machine a replica only
doubles the indexing work, and Whoosh keeps one copy. The indexes are behind the aliases
`bench-backends-corpus` and `bench-backends-N`, never `tracuu`; on a cluster given by URL they are deleted
at the end unless --keep.

Without --keep every run starts from an empty data dir (the scale-up JSON Lines file, deterministic, is
reused). With --keep the archives, the warm segmentation caches and the first builds' recorded times are
reused: a re-run measures only the rebuilds and the queries.

Usage: python bench/backends.py [--n 100000] [--queries 200] [--clients 8] [--opensearch URL] [--keep]
                                [--http] [--repeat R] [--nodes K] [--shards S] [--replicas R] [--heap 1g]
Small check: python bench/backends.py --n 3000 --queries 40
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import statistics
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archive import Archive, import_archive  # noqa: E402
from bench.scaleup import CORPUS, build_scaleup  # noqa: E402
from indexer.backend import EngineConfig, open_search, update_index  # noqa: E402
from indexer.engine import SearchRequest  # noqa: E402
from indexer.engine.base import Progress, SearchEngine  # noqa: E402
from indexer.errors import IndexerError  # noqa: E402

OUT = ROOT / "bench" / "out"
GOAL_REBUILD_S = 300.0     # the goal: 100 000 articles rebuilt from the cache on OpenSearch
GOAL_P95_MS = 300.0        # ... and p95 with 8 clients on OpenSearch
GOAL_AT = 100_000          # the size both goals are stated for
WARMUP = 100               # queries each engine answers before any is measured
BACKENDS = ("whoosh", "opensearch")


# -- data --------------------------------------------------------------------------------------------
@dataclass
class Dataset:
    name: str        # "corpus" or "scale-up"
    data: Path       # its data dir: archive, segmentation cache, Whoosh index, OpenSearch writer lock
    alias: str       # the OpenSearch alias its index sits behind
    articles: int = 0
    first_build: dict[str, Any] = field(default_factory=dict)  # seconds, segmented, recorded

    def config(self, backend: str, args: argparse.Namespace, url: str) -> EngineConfig:
        return EngineConfig(self.data, backend=backend, opensearch_url=url, opensearch_index=self.alias,
                            opensearch_shards=args.shards, opensearch_replicas=args.replicas)


def import_once(source: Path, data: Path) -> int:
    """The archive of `source` in `data`, imported unless a finished import is there; returns its article count.

    A marker written after the import tells a finished archive from one an interrupted run left: the count
    cannot, as the import refuses some lines (the shared corpus has articles without a body).
    """
    data.mkdir(parents=True, exist_ok=True)
    marker = data / "imported.json"
    if not marker.exists():
        for suffix in ("", "-wal", "-shm"):  # a part of an import: start it again rather than measure a part
            (data / f"archive.sqlite3{suffix}").unlink(missing_ok=True)
        with Archive(data / "archive.sqlite3") as archive, source.open(encoding="utf-8") as f:
            started = time.perf_counter()
            stats = import_archive(archive, f)
            print(f"  {data.name}: imported {archive.count()} articles in {time.perf_counter() - started:.1f} s "
                  f"({len(stats.errors)} lines refused, e.g. {stats.errors[0][1] if stats.errors else '-'})",
                  flush=True)
        marker.write_text(json.dumps({"source": str(source), "new": stats.new, "refused": len(stats.errors)}))
    with Archive(data / "archive.sqlite3") as archive:
        return archive.count()


def progress(label: str) -> Progress:
    """Prints `label: done/total` every tenth of the way, with the seconds since the first call."""
    started = time.perf_counter()
    shown = -1

    def report(done: int, total: int) -> None:
        nonlocal shown
        step = done * 10 // max(total, 1)
        if step > shown:
            shown = step
            print(f"    {label}: {done}/{total} ({done * 100 // max(total, 1)} %) "
                  f"{time.perf_counter() - started:.0f} s", flush=True)

    return report


def first_build(ds: Dataset, args: argparse.Namespace) -> None:
    """Fill the segmentation cache with a Whoosh build from an empty cache, timed: what a first index costs.

    Kept (with --keep) when the cache and this step's record are there, so a re-run does not pay it again.
    """
    record = ds.data / "first-build.json"
    cache = ds.data / "segments.sqlite3"
    if args.keep and record.exists() and cache.exists():
        ds.first_build = {**json.loads(record.read_text()), "recorded": True}
        print(f"  {ds.name}: first build reused from {record.relative_to(ROOT)} "
              f"({ds.first_build['seconds']:.1f} s when measured)", flush=True)
        return
    shutil.rmtree(ds.data / "index", ignore_errors=True)
    for leftover in ds.data.glob("index-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    for suffix in ("", "-wal", "-shm"):  # a stale WAL beside a new file could serve old entries
        (ds.data / f"segments.sqlite3{suffix}").unlink(missing_ok=True)
    print(f"  {ds.name}: first build on Whoosh, segmenting {ds.articles} articles into the cache ...", flush=True)
    with Archive(ds.data / "archive.sqlite3") as archive:
        started = time.perf_counter()
        stats = update_index(archive, ds.config("whoosh", args, ""), rebuild=True,
                             progress=progress(f"{ds.name} first build"))
        seconds = time.perf_counter() - started
    ds.first_build = {"seconds": seconds, "segmented": stats.analysed, "articles": stats.added,
                      "load": os.getloadavg()[0], "recorded": False}
    record.write_text(json.dumps(ds.first_build))
    print(f"  {ds.name}: first build {seconds:.1f} s, {stats.analysed} articles segmented", flush=True)


@dataclass
class Rebuild:
    seconds: list[float] = field(default_factory=list)
    segmented: int = 0   # articles the rebuilds had to segment: 0 when the cache served them all
    failed: int = 0      # articles the back end refused (OpenSearch reports them by id)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def rebuild(ds: Dataset, backend: str, args: argparse.Namespace, url: str, result: Rebuild) -> None:
    """One full rebuild of `ds` on `backend` from the warm cache, through the facade as `tracuu index
    --rebuild` runs it (OpenSearch: a new index, bulk loaded, refreshed and swapped in behind the alias)."""
    print(f"  {ds.name}: rebuilding on {backend} ...", flush=True)
    with Archive(ds.data / "archive.sqlite3") as archive:
        started = time.perf_counter()
        stats = update_index(archive, ds.config(backend, args, url), rebuild=True,
                             progress=progress(f"{ds.name} {backend}"))
        seconds = time.perf_counter() - started
    result.seconds.append(seconds)
    result.segmented += stats.analysed
    result.failed += len(stats.failed)
    note = f", {len(stats.failed)} REFUSED (e.g. {next(iter(stats.failed.items()))})" if stats.failed else ""
    print(f"  {ds.name}: {backend} rebuild {seconds:.1f} s, {stats.added} articles, "
          f"{stats.analysed} segmented{note}", flush=True)


def rebuilds(ds: Dataset, args: argparse.Namespace, url: str) -> dict[str, Rebuild]:
    """`--repeat` rebuilds per back end, the order alternating, so neither always runs on a machine the
    other has just warmed (the archive in the page cache, the cluster's JIT)."""
    results = {b: Rebuild() for b in BACKENDS}
    for run in range(args.repeat):
        for backend in BACKENDS if run % 2 == 0 else BACKENDS[::-1]:
            rebuild(ds, backend, args, url, results[backend])
    return results


# -- size --------------------------------------------------------------------------------------------
def tree_size(path: Path) -> int:
    """Bytes of every file under `path`, links followed at the top (Whoosh's `index` is a symlink)."""
    real = Path(os.path.realpath(path))
    return sum(f.stat().st_size for f in real.rglob("*") if f.is_file())


def cache_size(data: Path) -> int:
    """The segmentation cache with its write-ahead log, which holds recent entries until a checkpoint."""
    files = (data / f"segments.sqlite3{suffix}" for suffix in ("", "-wal"))
    return sum(f.stat().st_size for f in files if f.exists())


def opensearch_size(url: str, alias: str) -> tuple[int, int]:
    """Store size of the index behind `alias`: primaries, and with replicas."""
    from indexer.opensearch_engine.client import connect

    client = connect(url)
    try:
        found = client.indices.stats(index=alias, metric="store")["_all"]
    finally:
        client.close()
    return found["primaries"]["store"]["size_in_bytes"], found["total"]["store"]["size_in_bytes"]


# -- the cluster -------------------------------------------------------------------------------------
@contextmanager
def cluster(args: argparse.Namespace, out: Path) -> Iterator[tuple[str, str]]:
    """(URL, description) of the cluster to measure: --opensearch's, or one started here for the run."""
    from indexer.opensearch_engine.client import connect, errors

    if args.opensearch:
        client = connect(args.opensearch)
        try:
            with errors(args.opensearch):  # unreachable or refusing: one line, as tracuu says it
                version = client.info()["version"]["number"]
                nodes = len(client.nodes.info(metric="process")["nodes"])
        finally:
            client.close()
        try:
            yield args.opensearch, f"OpenSearch {version} at {args.opensearch}, {nodes} node(s)"
        finally:
            if not args.keep:
                drop_indexes(args.opensearch, [f"bench-backends-{suffix}" for suffix in ("corpus", args.n)])
        return
    from tests.opensearch_cluster import start_cluster

    if args.heap:
        os.environ["OPENSEARCH_HEAP"] = args.heap  # the runner reads it; start_cluster passes our environment
    data = out / "opensearch"
    data.mkdir(parents=True, exist_ok=True)
    print(f"starting a {args.nodes}-node OpenSearch cluster (scripts/opensearch/run, data in "
          f"{data.relative_to(ROOT)}) ...", flush=True)
    started = time.perf_counter()
    try:
        running = start_cluster(data, nodes=args.nodes)
    except (RuntimeError, TimeoutError) as exc:  # it says why (the runner's last lines)
        raise SystemExit(f"backends: the OpenSearch cluster did not start: {exc}") from None
    try:
        client = connect(running.url)
        version = client.info()["version"]["number"]
        client.close()
        print(f"  ready in {time.perf_counter() - started:.1f} s at {running.url}", flush=True)
        heap = os.environ.get("OPENSEARCH_HEAP", "768m (the runner's default)")
        yield running.url, f"OpenSearch {version}, {args.nodes} node(s) in one JVM started here, heap {heap}"
    finally:
        status = running.close()
        if status:
            print(f"note: the OpenSearch runner exited with {status}:\n{running.tail(10)}")


def drop_indexes(url: str, aliases: list[str]) -> None:
    """Delete the indexes this bench made on someone else's cluster (only those tracuu's `_meta` names)."""
    from indexer.opensearch_engine.client import connect
    from indexer.opensearch_engine.mapping import made_by_us

    client = connect(url)
    try:
        for alias in aliases:
            found = client.indices.get(index=f"{alias}-*", ignore_unavailable=True, allow_no_indices=True)
            for name, info in found.items():
                if made_by_us(info.get("mappings", {}).get("_meta"), name):
                    client.indices.delete(index=name)
    finally:
        client.close()


# -- queries -----------------------------------------------------------------------------------------
class PoolFull(logging.Filter):
    """Counts (and hides) urllib3's "Connection pool is full, discarding connection" warnings.

    The client keeps POOL_SIZE connections per node (indexer/opensearch_engine/client.py); more concurrent
    searches than that open connections that are closed after one request: worth a figure, not a screenful.
    """

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def filter(self, record: logging.LogRecord) -> bool:
        if record.getMessage().startswith("Connection pool is full"):
            self.count += 1
            return False
        return True


POOL_FULL = PoolFull()


@dataclass
class QuerySets:
    warmup: list[Any]
    single: list[Any]
    concurrent: list[Any]
    http_single: list[Any]
    http_concurrent: list[Any]


def query_sets(archive_path: Path, n: int, count: int, http: bool) -> QuerySets:
    """Disjoint sets of bench/query_speed.py's mix, drawn from the archive's titles."""
    from bench.query_speed import query_mix, sample_articles

    # about 2 700 titles to draw from at any size, as query_speed.py takes at 100 000 (every 37th)
    records = sample_articles(archive_path, every=max(1, n // 2700))
    runs = 4 if http else 2
    wanted = WARMUP + runs * count
    unique: dict[tuple[tuple[str, str], ...], Any] = {}
    for seed in range(1, 6):  # small archives repeat titles: draw again until there are enough
        for q in query_mix(records, wanted * 2, seed=seed):
            unique.setdefault(tuple(sorted(q.params.items())), q)
        if len(unique) >= wanted:
            break
    queries = list(unique.values())
    if len(queries) < wanted:
        raise SystemExit(f"backends: only {len(queries)} distinct queries from this archive, {wanted} needed; "
                         "lower --queries")
    cut = [WARMUP + i * count for i in range(runs + 1)]
    sets = [queries[cut[i]:cut[i + 1]] for i in range(runs)]
    return QuerySets(queries[:WARMUP], sets[0], sets[1], *(sets[2:4] if http else ([], [])))


def search(engine: SearchEngine, params: dict[str, str]) -> int:
    return engine.search(SearchRequest.from_params(params)).total


@dataclass
class Latency:
    timings: list[tuple[str, float]]  # (query kind, ms)
    wall: float                       # seconds for the whole run
    totals: list[int] = field(default_factory=list)  # results found, in query order (the 1-client runs)

    def p(self, q: float) -> float:
        from bench.query_speed import percentile

        return percentile([ms for _kind, ms in self.timings], q)

    @property
    def throughput(self) -> float:
        return len(self.timings) / self.wall


def in_process(engine: SearchEngine, queries: list[Any], clients: int) -> Latency:
    """Latency of each query through `engine.search`, `clients` threads at a time sharing the engine."""
    def run(chunk: list[Any]) -> list[tuple[str, float, int]]:
        out = []
        for q in chunk:
            started = time.perf_counter()
            total = search(engine, q.params)
            out.append((q.kind, (time.perf_counter() - started) * 1000, total))
        return out

    if clients == 1:
        started = time.perf_counter()
        rows = run(queries)
        return Latency([(k, ms) for k, ms, _t in rows], time.perf_counter() - started, [t for _k, _ms, t in rows])
    chunks = [queries[i::clients] for i in range(clients)]
    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        rows = [row for part in pool.map(run, chunks) for row in part]
    return Latency([(k, ms) for k, ms, _t in rows], time.perf_counter() - started)


class ApiServer:
    """The real web app over `config` on 127.0.0.1, a free port, threaded like `tracuu serve`."""

    def __init__(self, config: EngineConfig) -> None:
        from werkzeug.serving import make_server

        from webapp import create_app

        self.app = create_app(config)
        self.engine: SearchEngine = self.app.extensions["tracuu_index"]
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.thread.join()
        self.engine.close()


@dataclass
class QueryResults:
    single: Latency
    concurrent: Latency
    http_single: Latency | None = None
    http_concurrent: Latency | None = None
    discarded: int = 0  # connections the OpenSearch client opened and threw away (its pool was full)


def measure_queries(config: EngineConfig, sets: QuerySets, clients: int, http: bool) -> QueryResults:
    """Warm the engine up, then time the sets; with `http`, through the API of a server on the same engine."""
    from bench.query_speed import api_timings

    server = ApiServer(config) if http else None
    engine = server.engine if server else open_search(config)
    discarded = POOL_FULL.count
    try:
        started = time.perf_counter()
        for q in sets.warmup:  # a serving engine has answered many queries: its caches are warm
            search(engine, q.params)
        print(f"    {config.backend}: {len(sets.warmup)} warm-up queries in {time.perf_counter() - started:.1f} s",
              flush=True)
        results = QueryResults(in_process(engine, sets.single, 1), in_process(engine, sets.concurrent, clients))
        print(f"    {config.backend}: in-process p95 {results.single.p(95):.0f} ms (1 client), "
              f"{results.concurrent.p(95):.0f} ms ({clients} clients)", flush=True)
        if server:
            results.http_single = Latency(*api_timings(server.url, sets.http_single, 1))
            results.http_concurrent = Latency(*api_timings(server.url, sets.http_concurrent, clients))
            print(f"    {config.backend}: API p95 {results.http_single.p(95):.0f} ms (1 client), "
                  f"{results.http_concurrent.p(95):.0f} ms ({clients} clients)", flush=True)
        results.discarded = POOL_FULL.count - discarded
        return results
    finally:
        if server:
            server.close()
        else:
            engine.close()


# -- the table ---------------------------------------------------------------------------------------
@dataclass
class Row:
    label: str
    whoosh: float | None
    opensearch: float | None
    unit: str       # "s", "ms", "MB", "q/s", "n"
    note: str = ""


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "MB":
        return f"{value / 1e6:,.1f} MB"
    if unit == "ms":
        return f"{value:,.1f} ms"
    if unit == "s":
        return f"{value:,.1f} s"
    if unit == "q/s":
        return f"{value:,.1f} q/s"
    return f"{value:,.0f}"


def print_table(title: str, rows: list[Row | str]) -> None:
    width = max(len(r.label) for r in rows if isinstance(r, Row)) + 2
    print(f"\n{title}")
    print(f"  {'':<{width}}{'Whoosh':>13}{'OpenSearch':>14}{'OS/Whoosh':>11}  ")
    for row in rows:
        if isinstance(row, str):
            print(f"  {row}")
            continue
        ratio = (f"{row.opensearch / row.whoosh:.2f}×" if row.whoosh and row.opensearch is not None else "—")
        print(f"  {row.label:<{width}}{fmt(row.whoosh, row.unit):>13}{fmt(row.opensearch, row.unit):>14}"
              f"{ratio:>11}  {row.note}".rstrip())


def verdict(met: bool, value: str, goal: str, n: int) -> str:
    scale = "" if n == GOAL_AT else f"; the goal is for {GOAL_AT:,} articles, this run has {n:,}"
    return f"goal {goal}: {'MET' if met else 'NOT met'} ({value}{scale})"


def kinds_table(results: dict[str, QueryResults], clients: int) -> None:
    """p95 per query kind, 1 and `clients` clients: which kinds one back end is slow at."""
    from bench.query_speed import percentile

    print(f"\np95 per query kind, in-process (ms): 1 client | {clients} clients")
    per: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for backend, r in results.items():
        for run, latency in (("1", r.single), ("C", r.concurrent)):
            for kind, ms in latency.timings:
                per[kind][f"{backend}{run}"].append(ms)
    print(f"  {'kind':<22}{'Whoosh':>9}{'OpenSearch':>12} |{'Whoosh':>9}{'OpenSearch':>12}")
    for kind in sorted(per):
        cells = [per[kind][f"{b}{run}"] for run in ("1", "C") for b in BACKENDS]
        shown = [f"{percentile(c, 95):.0f}" if c else "—" for c in cells]
        print(f"  {kind:<22}{shown[0]:>9}{shown[1]:>12} |{shown[2]:>9}{shown[3]:>12}")


def compare_totals(sets: QuerySets, results: dict[str, QueryResults]) -> None:
    """Both back ends should find the same documents for a query (tests/test_opensearch_engine.py's parity):
    list the queries of the 1-client run whose totals differ."""
    whoosh, opensearch = results["whoosh"].single.totals, results["opensearch"].single.totals
    differ = [(q, w, o) for q, w, o in zip(sets.single, whoosh, opensearch, strict=True) if w != o]
    print(f"\nresults found: the same total on both back ends for {len(whoosh) - len(differ)} of {len(whoosh)} queries")
    for q, w, o in differ[:8]:
        print(f"  differs: {q.kind:<20} {q.params}: Whoosh {w}, OpenSearch {o}")


# -- the run -----------------------------------------------------------------------------------------
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="articles in the scale-up corpus")
    parser.add_argument("--queries", type=int, default=200, help="queries per measured run")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients in the second run")
    parser.add_argument("--opensearch", metavar="URL", default="",
                        help="measure this cluster instead of starting one (indexes deleted at the end)")
    parser.add_argument("--keep", action="store_true",
                        help="reuse the archives, warm caches and first-build times under bench/out/backends-N/")
    parser.add_argument("--http", action="store_true", help="also time the JSON API on a real server")
    parser.add_argument("--repeat", type=int, default=1, help="rebuilds per back end and data set (median)")
    parser.add_argument("--nodes", type=int, default=1, help="nodes of the cluster started here")
    parser.add_argument("--shards", type=int, default=1, help="primary shards of the OpenSearch indexes")
    parser.add_argument("--replicas", type=int, default=0, help="replicas of the OpenSearch indexes")
    parser.add_argument("--heap", default="", help="heap of the cluster started here (OPENSEARCH_HEAP)")
    args = parser.parse_args()
    if not CORPUS.is_file():
        print(f"backends: no corpus at {CORPUS}; the benchmark needs ../shared beside the checkout. Skipped.")
        return 0
    if not args.opensearch:
        missing = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
        if missing:
            print(f"backends: starting an OpenSearch cluster needs a JDK and Maven ({' and '.join(missing)} not on "
                  "PATH); install them, or give a running cluster with --opensearch URL. Skipped.")
            return 0
    try:
        return run(args)
    except IndexerError as exc:  # a cluster down or refusing us, an index job failing: its one-line message
        print(f"backends: {exc}", file=sys.stderr)
        return 1


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no access-log line per request
    logging.getLogger("opensearch").setLevel(logging.ERROR)  # nor a warning per retried request
    logging.getLogger("urllib3.connectionpool").addFilter(POOL_FULL)
    run_started = time.perf_counter()

    out = OUT / f"backends-{args.n}"
    if not args.keep:
        for part in ("corpus", "scale", "opensearch"):
            shutil.rmtree(out / part, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    corpus = Dataset("corpus", out / "corpus", "bench-backends-corpus")
    scale = Dataset(f"scale-up {args.n}", out / "scale", f"bench-backends-{args.n}")

    print(f"backends: Whoosh against OpenSearch; {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; "
          f"data in {out.relative_to(ROOT)}", flush=True)
    source = out / f"scaleup-{args.n}.jsonl"
    if not source.exists():  # deterministic (seed 0): kept across runs, with or without --keep
        started = time.perf_counter()
        build_scaleup(args.n, source, seed=0)
        print(f"  scale-up corpus: {args.n} articles written in {time.perf_counter() - started:.1f} s", flush=True)
    corpus.articles = import_once(CORPUS, corpus.data)
    scale.articles = import_once(source, scale.data)

    # the self-checks run once per process, on the first index or search: here, so no timed step pays them
    from indexer.analysis.selfcheck import check_analysis
    from indexer.whoosh_engine.selfcheck import check_whoosh

    check_analysis()
    check_whoosh()

    # the cluster first: one that cannot start (or be reached) stops the run before the long first builds,
    # and both back ends' builds then run beside the same idle JVM
    with cluster(args, out) as (url, described):
        print("\n1. first builds (Whoosh, empty segmentation cache): they fill the cache both back ends read",
              flush=True)
        first_build(corpus, args)
        first_build(scale, args)

        print(f"\n2. rebuilds from the warm cache ({described}; {args.shards} shard(s), "
              f"{args.replicas} replica(s))", flush=True)
        corpus_rebuilds = rebuilds(corpus, args, url)
        scale_rebuilds = rebuilds(scale, args, url)
        configs = {b: scale.config(b, args, url) for b in BACKENDS}
        for backend, config in configs.items():  # the index holds every article before its queries are timed
            engine = open_search(config)
            try:
                if engine.doc_count() != scale.articles:
                    raise SystemExit(f"backends: {backend} holds {engine.doc_count()} articles, the archive "
                                     f"{scale.articles}")
            finally:
                engine.close()

        print(f"\n3. queries at {scale.articles} articles: {WARMUP} warm-up, then {args.queries} per run "
              f"(1 client, then {args.clients}){', in-process and through the API' if args.http else ''}",
              flush=True)
        sets = query_sets(scale.data / "archive.sqlite3", scale.articles, args.queries, args.http)
        results = {b: measure_queries(configs[b], sets, args.clients, args.http) for b in BACKENDS}

        # size last: Lucene merges segments in the background after a bulk load
        whoosh_size = tree_size(configs["whoosh"].index_path)
        primaries, total = opensearch_size(url, scale.alias)
        corpus_primaries, _ = opensearch_size(url, corpus.alias)
        corpus_whoosh_size = tree_size(corpus.data / "index")

    ws, os_ = results["whoosh"], results["opensearch"]
    c = args.clients
    rb_w, rb_o = scale_rebuilds["whoosh"], scale_rebuilds["opensearch"]

    def cached(*results: Rebuild) -> str:  # a rebuild that segmented missed the cache: say so in the table
        return " ".join(f"{r.segmented} segmented!" for r in results if r.segmented)

    def fb(ds: Dataset) -> str:
        return ("recorded by an earlier run" if ds.first_build["recorded"]
                else f"{ds.first_build['segmented']} segmented")

    rows: list[Row | str] = [
        f"index time, shared corpus ({corpus.articles:,} articles):",
        Row("  first build, segmenting", corpus.first_build["seconds"], None, "s", fb(corpus)),
        Row("  rebuild from the cache", corpus_rebuilds["whoosh"].median, corpus_rebuilds["opensearch"].median, "s",
            cached(*corpus_rebuilds.values())),
        f"index time, scale-up ({scale.articles:,} articles):",
        Row("  first build, segmenting", scale.first_build["seconds"], None, "s", fb(scale)),
        Row("  rebuild from the cache", rb_w.median, rb_o.median, "s",
            cached(rb_w, rb_o)),
        Row("  articles/s, rebuild", scale.articles / rb_w.median, scale.articles / rb_o.median, "n"),
        f"queries at {scale.articles:,} articles, in-process, facets on:",
        Row("  1 client p50", ws.single.p(50), os_.single.p(50), "ms"),
        Row("  1 client p95", ws.single.p(95), os_.single.p(95), "ms"),
        Row(f"  {c} clients p50", ws.concurrent.p(50), os_.concurrent.p(50), "ms"),
        Row(f"  {c} clients p95", ws.concurrent.p(95), os_.concurrent.p(95), "ms"),
        Row(f"  {c} clients throughput", ws.concurrent.throughput, os_.concurrent.throughput, "q/s"),
    ]
    if ws.http_single and os_.http_single and ws.http_concurrent and os_.http_concurrent:
        rows += [
            "queries through GET /api/search (threaded server, same engines):",
            Row("  1 client p50", ws.http_single.p(50), os_.http_single.p(50), "ms"),
            Row("  1 client p95", ws.http_single.p(95), os_.http_single.p(95), "ms"),
            Row(f"  {c} clients p50", ws.http_concurrent.p(50), os_.http_concurrent.p(50), "ms"),
            Row(f"  {c} clients p95", ws.http_concurrent.p(95), os_.http_concurrent.p(95), "ms"),
            Row(f"  {c} clients throughput", ws.http_concurrent.throughput, os_.http_concurrent.throughput, "q/s"),
        ]
    rows += [
        "index size on disk:",
        Row(f"  corpus ({corpus.articles:,})", corpus_whoosh_size, corpus_primaries, "MB", "OpenSearch: primaries"),
        Row(f"  scale-up ({scale.articles:,}), primaries", whoosh_size, primaries, "MB"),
        Row(f"  scale-up ({scale.articles:,}), with replicas", whoosh_size, total, "MB",
            f"{args.replicas} replica(s)"),
        Row(f"  segmentation cache, scale-up ({scale.articles:,})", cache_size(scale.data), None, "MB",
            "one file, read by both back ends"),
    ]
    print_table(f"Whoosh against OpenSearch ({args.repeat} rebuild(s) each, median; {args.queries} queries per "
                f"run; {os.cpu_count()} cores)", rows)
    print("\n  " + verdict(rb_o.median <= GOAL_REBUILD_S, f"{rb_o.median:.0f} s",
                           f"OpenSearch rebuild from the cache <= {GOAL_REBUILD_S:.0f} s", scale.articles))
    p95 = os_.concurrent.p(95)
    goal_clients = "" if c == 8 else f"; measured with {c} clients, the goal is for 8"
    print("  " + verdict(p95 <= GOAL_P95_MS, f"{p95:.0f} ms{goal_clients}",
                         f"OpenSearch p95 <= {GOAL_P95_MS:.0f} ms with 8 clients", scale.articles))
    print(f"  Whoosh answers one query at a time per engine: its {c}-client latency is queueing in one process "
          "(production: several worker processes)")
    if os_.discarded:
        print(f"  the OpenSearch client's connection pool was full {os_.discarded} times in the query runs: "
              "connections opened for one request and closed (urllib3's default pool of 1 per node)")
    kinds_table(results, c)
    compare_totals(sets, results)
    print(f"\nwall time of this run: {time.perf_counter() - run_started:.0f} s; load {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
