"""Load test of the web app as a portal serves it: concurrent HTTP clients against 1 and 2 worker processes, while new
articles are indexed.

What it does (figures printed, exit 0 whatever they are: a benchmark, not a test):
1. Data: the shared corpus (../shared/corpus/articles.jsonl, imported and indexed once under
   bench/out/load-corpus/) or, with --n N, the N-article scale-up of bench/scaleup.py, built once by
   bench/query_speed.py's `prepare` under bench/out/query-speed-N/ (so both benchmarks share it; the first
   100 000-article build takes ~15 min, segmentation). Every invocation serves a fresh copy of it,
   bench/out/load-work/, as the writer below adds articles to its archive and index.
2. The server: `tracuu serve --workers W` when this tracuu has it, else gunicorn directly as the README's
   "Production" runs it (`server_command`), on a free loopback port, TRACUU_DATA_DIR set to the copy.
3. Clients: C concurrent keep-alive connections (http.client), spread over client processes of up to 8
   threads each, so the client side never queues on one GIL (its CPU time is printed beside the server's).
   The query mix is drawn from the archive's own titles: keywords with and without diacritics, phrases, a
   year or a department filter, newest first, page 2, filetype=any, a typo (the suggester runs), all through
   `GET /api/search` (facets are always computed), plus HTML result pages and the home page. Every run (and
   every warm-up) gets its own disjoint set of queries, so no cache filled before flatters it.
4. Runs: for each worker count (1, 2) one server, all up at once; for each client count (8, 32) a warm-up
   (--warmup s) of each, then --seconds of measurement for each, cut into --rounds windows (3) that alternate
   between the servers (1w, 2w, 2w, 1w, 1w, 2w ...), so both meet the cores at the same paces and the same index
   jobs (with --rounds 1, one server after the other): requests, throughput, p50/p95/p99/max, errors (non-200
   answers, connection errors, timeouts), the server's CPU time and page faults, and the proportional set size
   (PSS, /proc/PID/smaps_rollup) of the server's whole process tree (master + workers) after each window; each
   worker count's windows are also summed into one run ("all"), on which the goals are judged. Then queries are
   topped up to --memory-queries (1 000) distinct ones and the PSS taken again, per process, to show what a worker
   grows to.
5. All along, a writer adds --batch new articles to the archive (`tracuu import -`) every --index-every seconds
   (30), indexed by a `tracuu index --watch` that stays up (looking every second), as the README has it for
   updates this frequent; with --writer cron, `tracuu index` runs after each import instead. After each
   server's runs every article added since the first server started is looked up through it by a word only it
   contains: found / added. Also printed: p50/p95 per request kind, the requests sent while a job ran (import
   to indexed) and within 10 s after one ended against the others, and each run's slowest requests (how long
   after a commit they came).
6. Goals (stated for 100 000 articles on a 2-core machine): 2 workers ≥ 1.7× the throughput of 1; p95 with 8
   clients (2 workers) ≤ 250 ms; master + workers ≤ 1.5 GB after ≥ 1 000 queries; 0 errors; every new
   article found. MET / NOT MET for each; the load average is printed with every run, as other jobs on the
   machine skew the figures, and so is the pace of its cores: the CPU time of a fixed piece of work timed every
   5 s (`Pace`), so runs at different paces are not taken for a change of the code (the 2/1 ratio is also
   given round by round, windows back to back, as a guide; with --rounds 1 at one pace, throughput times that
   time).

--long: one run of 10 minutes (--seconds, default 600 with --long) at 2 workers and 8 clients while the
writer indexes every --index-every seconds: errors, latency, memory at the end and new articles found.

Usage: python bench/load.py [--n 100000] [--seconds 30] [--rounds 3] [--workers 1 2] [--clients 8 32]
                            [--index-every 30] [--warmup 5] [--memory-queries 1000] [--writer watch|cron] [--long]
Quick check: python bench/load.py --seconds 10
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import multiprocessing
import os
import queue
import random
import re
import shutil
import signal
import socket
import statistics
import string
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus, urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archive import Archive  # noqa: E402
from bench.backends import import_once  # noqa: E402
from bench.index_speed import process_tree  # noqa: E402
from bench.query_speed import percentile, prepare, sample_articles  # noqa: E402
from bench.scaleup import CORPUS, real_sentences, scaleup_records  # noqa: E402
from indexer.analysis.text import fold  # noqa: E402
from indexer.backend import EngineConfig, update_index  # noqa: E402

OUT = ROOT / "bench" / "out"
WORK = OUT / "load-work"
TRACUU = [sys.executable, "-m", "tracuu.cli"]
THREADS_PER_CLIENT_PROCESS = 8
MAX_RATE = 300  # requests/s no run exceeds here: how many distinct queries to draw per run
PACE_EVERY = 5.0  # seconds between two timings of the reference work (Pace)
GOAL_SPEEDUP = 1.7
GOAL_P95_MS = 250.0
GOAL_PSS_BYTES = 1.5e9
# one request kind per slot, in turn: mostly the JSON API, some HTML pages, the (cached) home page
KINDS = ("keywords", "no-diacritics", "phrase", "keywords+year", "no-diacritics", "keywords+department",
         "newest", "page-2", "keywords", "filetype-any", "typo", "no-diacritics+year", "html", "html+department",
         "home")


# -- data --------------------------------------------------------------------------------------------
def base_data(n: int | None) -> Path:
    """The data dir (archive, index, segmentation cache) of the corpus or of the n-article scale-up, built once."""
    if n is None:
        data = OUT / "load-corpus"
        import_once(CORPUS, data)
        with Archive(data / "archive.sqlite3") as archive:
            started = time.perf_counter()
            stats = update_index(archive, EngineConfig(data))
            if stats.added or stats.updated:
                print(f"  corpus: {stats.added} articles indexed in {time.perf_counter() - started:.0f} s", flush=True)
        return data
    archive_path, _index = prepare(n, OUT / f"query-speed-{n}")
    return archive_path.parent


def work_copy(base: Path, work: Path = WORK) -> Path:
    """A fresh copy of `base` to serve and add articles to: the archive, the cache and the current generation."""
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    for name in ("archive.sqlite3", "archive.sqlite3-wal", "segments.sqlite3", "segments.sqlite3-wal"):
        if (base / name).exists():
            shutil.copy2(base / name, work / name)
    generation = (base / "index").resolve()
    shutil.copytree(generation, work / generation.name)
    (work / "index").symlink_to(generation.name)
    return work


# -- queries -----------------------------------------------------------------------------------------
# request kind, ms, HTTP status (0: no answer), time.time() sent, path, the worker that answered (X-Tracuu-Worker)
Sample = tuple[str, float, int, float, str, str]


@dataclass(frozen=True)
class Query:
    kind: str
    path: str  # with its query string

    @property
    def api(self) -> bool:
        return self.path.startswith("/api/")


def typo(text: str, rng: random.Random) -> str:
    """One slip of the finger in the longest word: two letters swapped, or one dropped."""
    words = text.split()
    i = max(range(len(words)), key=lambda j: len(words[j]))
    w = words[i]
    if len(w) < 4:
        return text
    k = rng.randrange(1, len(w) - 1)
    words[i] = w[:k] + w[k + 1] + w[k] + w[k + 2:] if rng.random() < 0.5 else w[:k] + w[k + 1:]
    return " ".join(words)


def query_mix(records: list[dict[str, str]], count: int, seed: int) -> list[Query]:
    """`count` distinct requests (the home page excepted) from 2–3 words of real titles, kinds in turn."""
    rng = random.Random(seed)
    queries: list[Query] = []
    seen: set[str] = set()
    misses = 0
    while len(queries) < count and misses < 50 * count:
        kind = KINDS[len(queries) % len(KINDS)]
        if kind == "home":
            queries.append(Query(kind, "/"))
            continue
        rec = rng.choice(records)
        words = [w for w in re.findall(r"\w+", rec["title"]) if not w.isdigit()]
        if len(words) < 4:
            misses += 1
            continue
        start = rng.randrange(len(words) - 3)
        text = " ".join(words[start:start + rng.choice((2, 2, 3))]).lower()
        params = {"q": text}
        if kind.startswith("no-diacritics"):
            params["q"] = fold(text)
        if kind.endswith("+year"):
            params["year"] = rec["published"][:4]
        if kind.endswith("+department") and rec.get("department"):
            params["department"] = rec["department"]
        if kind == "phrase":
            params["q"] = f'"{text}"'
        elif kind == "newest":
            params["sort"] = "newest"
        elif kind == "page-2":
            params["page"] = "2"
        elif kind == "filetype-any":
            params["filetype"] = "any"
        elif kind == "typo":
            params["q"] = typo(text, rng)
        path = ("/?" if kind.startswith("html") else "/api/search?") + urlencode(params)
        if path in seen:
            misses += 1
            continue
        seen.add(path)
        queries.append(Query(kind, path))
    return queries


class QueryPool:
    """Hands out disjoint blocks of the distinct queries, one per warm-up, run or top-up."""

    def __init__(self, queries: list[Query]) -> None:
        self.queries = queries
        self.next = 0
        self.wrapped = 0

    def take(self, count: int) -> list[Query]:
        if self.next + count > len(self.queries):  # drawn out: start again (said in the output)
            self.wrapped += 1
            self.next = 0
        block = self.queries[self.next:self.next + count]
        self.next += count
        return block


# -- clients -----------------------------------------------------------------------------------------
def client_process(port: int, lists: list[list[Query]], start: float, stop: float, limit: int) -> dict:
    """One client process: a thread per query list, each a keep-alive connection sending its queries in turn
    from `start` (time.time()) until `stop`, or until `limit` requests in all when `limit` > 0.

    Returns the samples (kind, ms, status: 0 for a connection error or a timeout, -1 for a 200 that is no JSON;
    time.time() it was sent; its path; the answering worker's pid) and this process's CPU time.
    """
    cpu = time.process_time()
    samples: list[list[Sample]] = [[] for _ in lists]
    counter = iter(range(limit)) if limit else None
    lock = threading.Lock()

    def run(queries: list[Query], out: list[Sample]) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        time.sleep(max(0.0, start - time.time()))
        i = 0
        while time.time() < stop:
            if counter is not None:
                with lock:
                    if next(counter, None) is None:
                        break
            q = queries[i % len(queries)]
            i += 1
            began, at = time.perf_counter(), time.time()
            try:
                conn.request("GET", q.path)
                response = conn.getresponse()
                body = response.read()
                status = response.status
                worker = response.getheader("X-Tracuu-Worker") or "?"
                if status == 200 and q.api and not body.startswith(b"{"):
                    status = -1
            except (OSError, http.client.HTTPException):
                status, worker = 0, ""
                conn.close()  # a new connection for the next request
            out.append((q.kind, (time.perf_counter() - began) * 1000, status, at, q.path, worker))
        conn.close()

    threads = [threading.Thread(target=run, args=(q, s)) for q, s in zip(lists, samples, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"samples": [s for part in samples for s in part], "cpu": time.process_time() - cpu}


@dataclass
class RunResult:
    label: str
    workers: int
    clients: int
    seconds: float
    samples: list[Sample]
    client_cpu: float
    server_cpu: float
    pss: dict[int, int]
    load: float
    served: int  # requests this server had answered by the end of the run
    started: float = 0.0  # time.time()
    peak: int = 0  # highest PSS of master + workers during the run (sampled every 2 s)
    restarts: int = 0  # workers gunicorn replaced during the run (--max-requests)
    pace: float = float("nan")  # median ms of the reference work during the run (Pace)
    faults: int = 0  # page faults the server's processes took during the run (minor: a page mapped or copied)
    cpu_wall: float = 0.0  # seconds between the two readings of server_cpu (the run, its lead-in and its tail)

    @property
    def ok_ms(self) -> list[float]:
        return [s[1] for s in self.samples if s[2] == 200]

    @property
    def errors(self) -> int:
        return sum(1 for s in self.samples if s[2] != 200)

    @property
    def throughput(self) -> float:
        return len(self.ok_ms) / self.seconds

    def p(self, q: float) -> float:
        return percentile(self.ok_ms, q) if self.ok_ms else float("nan")


class Clients:
    """A pool of client processes, forked once before any thread of this process starts (the writer's)."""

    def __init__(self, max_clients: int) -> None:
        self.processes = max(2, -(-max_clients // THREADS_PER_CLIENT_PROCESS))
        self.pool = multiprocessing.get_context("fork").Pool(self.processes)

    def run(self, port: int, queries: list[Query], clients: int, seconds: float,
            limit: int = 0) -> tuple[list[Sample], float, float]:
        """`clients` concurrent connections, for `seconds` (or `limit` requests); samples, wall s, client CPU s."""
        procs = min(self.processes, max(1, -(-clients // THREADS_PER_CLIENT_PROCESS)))
        procs = max(procs, min(2, clients))
        lists = [queries[i::clients] for i in range(clients)]
        start = time.time() + 0.5
        stop = start + seconds
        jobs = [self.pool.apply_async(client_process, (port, lists[i::procs], start, stop, limit))
                for i in range(procs)]
        results = [job.get() for job in jobs]
        wall = min(time.time(), stop) - start if not limit else time.time() - start
        samples = [s for r in results for s in r["samples"]]
        return samples, wall, sum(r["cpu"] for r in results)

    def close(self) -> None:
        self.pool.close()
        self.pool.join()


# -- the machine's pace ------------------------------------------------------------------------------
def reference_work() -> float:
    """CPU milliseconds this thread takes for a fixed piece of pure-Python work (dicts, sorting, big-integer bit
    operations: what a search does most). Thread CPU time, so other processes taking the cores do not count;
    a slower core (the host's other guests, its clock) does."""
    started = time.thread_time()
    table: dict[int, int] = {}
    for i in range(60_000):
        table[i % 997] = table.get(i % 997, 0) + i
    sorted(str(i * 7919 % 100_003) for i in range(20_000))
    bits = (1 << 100_000) - 1
    for i in range(200):
        ((bits >> i) & bits).bit_count()
    return (time.thread_time() - started) * 1000


class Sampler:
    """`measure()` every `every` seconds, in a thread of its own, from start() until stop()."""

    def __init__(self, every: float, measure: Callable[[], Any]) -> None:
        self.every = every
        self.measure = measure
        self.samples: list[tuple[float, Any]] = []  # (time.time(), what measure() gave)
        self._stop = threading.Event()

    def start(self) -> None:
        def run() -> None:
            while not self._stop.wait(self.every):
                self.samples.append((time.time(), self.measure()))
        threading.Thread(target=run, daemon=True).start()

    def stop(self) -> None:
        self._stop.set()

    def between(self, start: float, stop: float) -> list[Any]:
        """What was measured from `start` to `stop` (time.time()), in order."""
        return [value for at, value in self.samples if start <= at < stop]


class Pace(Sampler):
    """The reference work timed every PACE_EVERY seconds all along (~0.3% of a core): one 10-minute run of the
    same code gave 25.6 to 66.3 requests a second from one minute to the next, and the code is not all that
    varies."""

    def __init__(self) -> None:
        super().__init__(PACE_EVERY, reference_work)
        self.idle = statistics.median(reference_work() for _ in range(5))

    def median(self, start: float, stop: float) -> float:
        """Median ms of the reference work between two times (nan when it was not timed then)."""
        seen = self.between(start, stop)
        return statistics.median(seen) if seen else float("nan")


# -- the server --------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_command(data: Path, workers: int, port: int) -> list[str]:
    """How production runs `workers` web processes: `tracuu serve --workers` when this tracuu has it, else the
    README's gunicorn line (the app reads TRACUU_DATA_DIR)."""
    serve_help = subprocess.run([*TRACUU, "serve", "--help"], cwd=ROOT, capture_output=True, text=True).stdout
    if "--workers" in serve_help:
        return [*TRACUU, "--data-dir", str(data), "serve", "--workers", str(workers), "--port", str(port)]
    gunicorn = Path(sys.executable).with_name("gunicorn")
    return [str(gunicorn), "-w", str(workers), "-b", f"127.0.0.1:{port}", "--preload", "--timeout", "30",
            "--max-requests", "5000", "tracuu.wsgi:create()"]


class Server:
    """The server process tree on a free port; its memory (PSS per process) and CPU time."""

    def __init__(self, data: Path, workers: int) -> None:
        self.workers = workers
        self.port = free_port()
        self.command = server_command(data, workers, self.port)
        self.log = (data / f"server-{workers}w.log").open("w")
        self.proc = subprocess.Popen(self.command, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT,
                                     env={**os.environ, "TRACUU_DATA_DIR": str(data)}, start_new_session=True)
        self.served = 0
        # PSS per process every 2 s once started, until close(): peaks, and workers gunicorn replaced (new pids)
        self.memory = Sampler(2.0, self.pss)

    def memory_between(self, start: float, stop: float) -> tuple[int, set[int]]:
        """Peak PSS of the whole tree and the worker pids seen between two times."""
        seen = self.memory.between(start, stop)
        return (max((sum(p.values()) for p in seen), default=0),
                {pid for p in seen for pid in p if pid != self.proc.pid})

    def wait_ready(self, timeout: float = 600) -> float:
        """Seconds until the first search answers (one worker opens the index)."""
        started = time.perf_counter()
        while time.perf_counter() - started < timeout:
            if self.proc.poll() is not None:
                raise SystemExit(f"server exited ({self.proc.returncode}); see {self.log.name}")
            try:
                if get(self.port, "/api/search?q=h%E1%BB%99i+ngh%E1%BB%8B")[0] == 200:
                    self.served += 1
                    return time.perf_counter() - started
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"server not ready after {timeout:.0f} s; see {self.log.name}")

    def pids(self) -> list[int]:
        return process_tree(self.proc.pid)

    def pss(self) -> dict[int, int]:
        """PSS in bytes of every process of the tree: shared pages (the preloaded app) are split between them."""
        out = {}
        for pid in self.pids():
            try:
                for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                    if line.startswith("Pss:"):
                        out[pid] = int(line.split()[1]) * 1024
                        break
            except OSError:
                continue
        return out

    def _stat_sum(self, fields: slice) -> int:
        """A sum of /proc/PID/stat counters (numbered from the field after the command name) over the tree's live
        processes; the c- counters hold the children they reaped (the workers gunicorn replaced)."""
        total = 0
        for pid in self.pids():
            try:
                total += sum(map(int, Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[fields]))
            except (OSError, ValueError):
                continue
        return total

    def cpu(self) -> float:
        """User + system seconds of the tree, its reaped workers' included."""
        return self._stat_sum(slice(11, 15)) / os.sysconf("SC_CLK_TCK")  # utime, stime, cutime, cstime

    def faults(self) -> int:
        """Page faults of the tree, its reaped workers' included: a worker's pages shared with the master are
        copied at their first write, and the heap's trimmed pages come back one fault each."""
        return self._stat_sum(slice(7, 11))  # minflt, cminflt, majflt, cmajflt

    def close(self) -> None:
        self.memory.stop()
        if self.proc.poll() is None:
            self.proc.terminate()  # gunicorn: graceful stop of the master and its workers
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, 9)
                self.proc.wait()
        self.log.close()


def get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


# -- the writer --------------------------------------------------------------------------------------
@dataclass
class Writer:
    """Every `every` seconds: `batch` new articles into the archive (`tracuu import -`), then `tracuu index` (a
    cron job's way), or with `watch` a resident `tracuu index --watch` indexes them (a job: import to indexed)."""

    data: Path
    every: float
    batch: int
    watch: bool = False
    added: list[tuple[str, str]] = field(default_factory=list)  # (article id, the word only it contains)
    # (time.time() it started, seconds, exit code, last stderr line)
    jobs: list[tuple[float, float, int, str]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _watcher: subprocess.Popen[str] | None = None
    _indexed: queue.Queue[str] = field(default_factory=queue.Queue)  # the watcher's "Index: ..." lines

    def __post_init__(self) -> None:
        self.sentences = real_sentences()
        self.rng = random.Random()

    def start(self) -> None:
        self._stop.clear()
        if self.watch:
            self._start_watcher()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stops after the job under way, if any: every article added is then indexed."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        if self._watcher is not None:
            self._watcher.send_signal(signal.SIGTERM)  # stops after the run under way
            code = self._watcher.wait(timeout=300)
            if code:
                self.jobs.append((time.time(), 0.0, code, f"tracuu index --watch exited with {code}"))
            self._watcher = None

    def _start_watcher(self) -> None:
        """`tracuu index --watch`, looking every second, once its first run (nothing new) is done."""
        log = (self.data.parent / f"{self.data.name}-watch.log").open("a", encoding="utf-8")
        self._watcher = subprocess.Popen([*TRACUU, "-q", "--data-dir", str(self.data), "index", "--watch",
                                          "--every", "1"], cwd=ROOT, stdout=subprocess.PIPE, stderr=log,
                                         text=True, encoding="utf-8")
        log.close()
        self._indexed = queue.Queue()

        def read(stream: Any, lines: queue.Queue[str]) -> None:
            for line in stream:
                if line.startswith("Index:"):
                    lines.put(line.strip())
        threading.Thread(target=read, args=(self._watcher.stdout, self._indexed), daemon=True).start()
        self._indexed.get(timeout=600)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.step()

    def step(self) -> None:
        stamp = f"{time.time():.0f}"
        records = scaleup_records(self.batch, self.sentences, seed=self.rng.randrange(1 << 30))
        now = datetime.now(timezone(timedelta(hours=7))).replace(microsecond=0)
        lines, new = [], []
        for i, rec in enumerate(records):
            word = "ldt" + "".join(self.rng.choices(string.ascii_lowercase, k=8))
            rec.update(id=f"load-{stamp}-{i}", url=f"https://load.example.gov.vn/tin/{stamp}-{i}.html",
                       title=f"{rec['title']} {word}", body=f"{rec['body']}\nMã kiểm tra {word}.",
                       published=now.isoformat())
            lines.append(json.dumps(rec, ensure_ascii=False))
            new.append((rec["id"], word))
        started, at = time.perf_counter(), time.time()
        imported = subprocess.run([*TRACUU, "-q", "--data-dir", str(self.data), "import", "-"], cwd=ROOT,
                                  input="\n".join(lines) + "\n", capture_output=True, text=True)
        if imported.returncode:
            code, last = imported.returncode, (imported.stderr.strip().splitlines() or [""])[-1]
        elif self._watcher is not None:
            code, last = self._wait_indexed()
        else:
            indexed = subprocess.run([*TRACUU, "-q", "--data-dir", str(self.data), "index"], cwd=ROOT,
                                     capture_output=True, text=True)
            code = indexed.returncode
            last = (indexed.stderr.strip().splitlines() or [""])[-1] if code else ""
        self.jobs.append((at, time.perf_counter() - started, code, last))
        if not imported.returncode:
            self.added.extend(new)

    def _wait_indexed(self) -> tuple[int, str]:
        """(0, "") once the watcher has indexed the import, else (1, why)."""
        assert self._watcher is not None
        try:
            self._indexed.get(timeout=300)
        except queue.Empty:
            code = self._watcher.poll()
            return 1, f"tracuu index --watch {'exited with ' + str(code) if code is not None else 'took > 300 s'}"
        return 0, ""


def found_through(port: int, added: list[tuple[str, str]]) -> int:
    """How many of the added articles the server finds by their own word."""
    found = 0
    for article_id, word in added:
        try:
            status, body = get(port, "/api/search?" + urlencode({"q": word}))
        except OSError:
            continue
        if status == 200 and any(hit.get("id") == article_id for hit in json.loads(body)["results"]):
            found += 1
    return found


# -- one server, its runs ----------------------------------------------------------------------------
def mb(n: float) -> str:
    return f"{n / 1e6:,.0f}"


def pss_line(pss: dict[int, int], root: int) -> str:
    workers = [v for pid, v in pss.items() if pid != root]
    return (f"total {mb(sum(pss.values()))} MB = master {mb(pss.get(root, 0))} + workers "
            f"{' + '.join(mb(v) for v in sorted(workers, reverse=True))} MB")


@dataclass
class ServerReport:
    workers: int
    runs: list[RunResult]
    memory: list[tuple[str, int, dict[int, int]]]  # (after what, requests served, PSS per process)
    root: int
    born: float = 0.0  # time.time() the server answered its first search
    peak: int = 0  # highest PSS of master + workers over the server's life
    restarts: int = 0
    memory_samples: Sampler | None = None  # the server's PSS per process, every 2 s
    found: int = 0
    added: int = 0


def start_server(data: Path, workers: int) -> tuple[Server, ServerReport]:
    """A server, ready (its first search answered), and its empty report."""
    server = Server(data, workers)
    try:
        ready = server.wait_ready()
    except BaseException:
        server.close()
        raise
    shown = " ".join(Path(c).name if c.startswith("/") and " " not in c else c for c in server.command)
    kind = re.search(r"Using worker: (\w+)", Path(server.log.name).read_text(errors="replace"))
    print(f"\n{workers} worker(s): {shown}; {kind.group(1) if kind else '?'} workers; first search answered after "
          f"{ready:.1f} s", flush=True)
    server.memory.start()
    return server, ServerReport(workers, [], [], server.proc.pid, born=time.time())


def warm_up(server: Server, report: ServerReport, count: int, args: argparse.Namespace, pool: QueryPool,
            clients: Clients) -> None:
    if args.warmup:
        warm, _wall, _cpu = clients.run(server.port, pool.take(int(MAX_RATE * args.warmup) + count), count,
                                        args.warmup)
        server.served += len(warm)
        report.memory.append((f"warm-up before {count} clients", server.served, server.pss()))


def measure(server: Server, report: ServerReport, count: int, seconds: float, pool: QueryPool, clients: Clients,
            pace: Pace, label: str) -> RunResult:
    """`count` clients for `seconds`: one run, added to the report and printed."""
    cpu, faults, started = server.cpu(), server.faults(), time.time()
    samples, wall, client_cpu = clients.run(server.port, pool.take(int(MAX_RATE * seconds) + count), count, seconds)
    server.served += len(samples)
    run = RunResult(label, server.workers, count, wall, samples, client_cpu, server.cpu() - cpu, server.pss(),
                    os.getloadavg()[0], server.served, started, faults=server.faults() - faults,
                    cpu_wall=time.time() - started)
    peak, pids = server.memory_between(started, time.time())
    run.peak = max(peak, sum(run.pss.values()))
    run.restarts = len(pids | set(run.pss) - {server.proc.pid}) - server.workers
    run.pace = pace.median(started, time.time())
    report.runs.append(run)
    report.memory.append((f"run {label}", server.served, run.pss))
    print(f"  {run.label}: {len(samples)} requests, {run.throughput:.1f}/s, p95 {run.p(95):.0f} ms, "
          f"{run.errors} errors; PSS {pss_line(run.pss, server.proc.pid)}; load {run.load:.1f}; reference work "
          f"{run.pace:.1f} ms", flush=True)
    return run


def top_up(server: Server, report: ServerReport, args: argparse.Namespace, pool: QueryPool, clients: Clients) -> None:
    """Queries until the server has answered --memory-queries, then its memory; its log's counts."""
    if server.served < args.memory_queries:
        more = args.memory_queries - server.served
        samples, _wall, _cpu = clients.run(server.port, pool.take(more), 8, 3600, limit=more)
        server.served += len(samples)
        errors = sum(1 for s in samples if s[2] != 200)
        report.memory.append((f"top-up ({errors} errors)", server.served, server.pss()))
    log = Path(server.log.name).read_text(errors="replace")
    print(f"  {server.workers} worker(s), server log: {log.count('Booting worker')} workers booted, "
          f"{log.count('WORKER TIMEOUT')} worker timeouts, {log.count('[ERROR]')} error lines, "
          f"{log.count('Autorestarting')} max-requests restarts ({server.log.name})", flush=True)
    peak, pids = server.memory_between(report.born, time.time())
    report.memory_samples = server.memory
    report.peak = max([peak] + [sum(p.values()) for _what, _served, p in report.memory])
    report.restarts = len(pids | {pid for _w, _s, p in report.memory for pid in p} - {server.proc.pid}) - server.workers


def check_found(server: Server, report: ServerReport, writer: Writer) -> None:
    """After the writer stopped (every import indexed): the articles it added, looked up through the server."""
    report.added = len(writer.added)
    report.found = found_through(server.port, writer.added)
    print(f"  new articles found through {server.workers} worker(s): {report.found} / {report.added}", flush=True)


def serve_and_measure(data: Path, workers: int, client_counts: list[int], args: argparse.Namespace,
                      pool: QueryPool, clients: Clients, writer: Writer, pace: Pace, label: str = "") -> ServerReport:
    """One server at a time: for each client count a warm-up, then a run of --seconds."""
    server, report = start_server(data, workers)
    try:
        for count in client_counts:
            warm_up(server, report, count, args, pool, clients)
            measure(server, report, count, args.seconds, pool, clients, pace, label or f"{workers}w/{count}c")
        top_up(server, report, args, pool, clients)
        writer.stop()
        check_found(server, report, writer)
        return report
    finally:
        server.close()


def alternate(data: Path, args: argparse.Namespace, pool: QueryPool, clients: Clients, writer: Writer,
              pace: Pace) -> list[ServerReport]:
    """Every worker count's server up at once, the load moved from one to the next --rounds times per client count
    (--seconds / --rounds each), each round in the order opposite to the last (1, 2, 2, 1, 1, 2 ...): every server
    meets the cores at the same paces and the same index jobs, which runs minutes apart do not (the same code's
    2/1 ratio measured 1.28× and 2.41× in runs an hour apart)."""
    window = args.seconds / args.rounds
    servers: list[tuple[Server, ServerReport]] = []
    try:
        for workers in args.workers:
            servers.append(start_server(data, workers))
        for count in args.clients:
            for server, report in servers:
                warm_up(server, report, count, args, pool, clients)
            for round_ in range(args.rounds):
                for server, report in servers[::-1] if round_ % 2 else servers:
                    measure(server, report, count, window, pool, clients, pace,
                            f"{server.workers}w/{count}c #{round_ + 1}")
        for server, report in servers:
            top_up(server, report, args, pool, clients)
        writer.stop()
        for server, report in servers:
            check_found(server, report, writer)
        return [report for _server, report in servers]
    finally:
        for server, _report in servers:
            server.close()


def combined(runs: list[RunResult]) -> RunResult:
    """The windows of one worker count and client count as one run: their requests over their summed time."""
    first, last = runs[0], runs[-1]
    paces = [r.pace for r in runs if not math.isnan(r.pace)]
    return RunResult(
        f"{first.workers}w/{first.clients}c all", first.workers, first.clients,
        seconds=sum(r.seconds for r in runs), samples=[s for r in runs for s in r.samples],
        client_cpu=sum(r.client_cpu for r in runs), server_cpu=sum(r.server_cpu for r in runs), pss=last.pss,
        load=last.load, served=last.served, started=first.started, peak=max(r.peak for r in runs),
        restarts=max(r.restarts for r in runs), pace=statistics.median(paces) if paces else float("nan"),
        faults=sum(r.faults for r in runs), cpu_wall=sum(r.cpu_wall for r in runs))


# -- printing ----------------------------------------------------------------------------------------
def print_runs(title: str, reports: list[ServerReport], totals: list[RunResult]) -> None:
    print(f"\n{title}")
    head = (f"  {'run':<12} {'s':>5} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
            f"{'max ms':>7} {'errors':>6} {'PSS MB':>7} {'peak':>6} {'rst':>3} {'srv CPU':>8} {'CPU/req':>8} "
            f"{'flt/req':>7} {'cli CPU':>8} {'load':>5} {'ref ms':>6}")
    print(head)
    print("  " + "-" * (len(head) - 2))
    for r in [r for rep in reports for r in rep.runs] + totals:
        print(f"  {r.label:<12} {r.seconds:5.0f} {len(r.samples):8d} {r.throughput:7.1f} {r.p(50):7.0f} "
              f"{r.p(95):7.0f} {r.p(99):7.0f} {max(r.ok_ms, default=0):7.0f} {r.errors:6d} "
              f"{mb(sum(r.pss.values())):>7} {mb(r.peak):>6} {r.restarts:3d} "
              f"{r.server_cpu / (r.cpu_wall or r.seconds):7.2f}c "
              f"{r.server_cpu * 1000 / max(1, len(r.samples)):6.0f}ms {r.faults / max(1, len(r.samples)):7.0f} "
              f"{r.client_cpu / r.seconds:7.2f}c {r.load:5.1f} {r.pace:6.1f}")
    print("  (PSS: master + workers after the run; peak: their highest sum during it (sampled every 2 s); rst: "
          "workers gunicorn replaced during it (max-requests); srv/cli CPU: cores busy on average in the server's "
          "processes and in the client processes; CPU/req: the server's CPU time per request; flt/req: its page "
          "faults per request; load: 1-minute load average at the end; ref ms: the CPU time of a fixed piece of "
          "work during the run, median: the cores' own speed then, lower is faster"
          + ("; \"all\": a worker count's alternating windows together" if totals else "") + ")")


def rounds(reports: list[ServerReport], count: int) -> list[tuple[float, RunResult, RunResult]]:
    """With alternating windows: each round's 2/1 throughput ratio at `count` clients and its 1-worker and 2-worker
    windows, back to back."""
    one = next((rep for rep in reports if rep.workers == 1), None)
    two = next((rep for rep in reports if rep.workers == 2), None)
    if one is None or two is None:
        return []
    pairs = zip([r for r in one.runs if r.clients == count], [r for r in two.runs if r.clients == count], strict=True)
    return [(b.throughput / a.throughput, a, b) for a, b in pairs]


def print_rounds(reports: list[ServerReport], clients: list[int]) -> None:
    print("\nthroughput 2 workers / 1, round by round (windows back to back)")
    for count in clients:
        each = rounds(reports, count)
        if each:
            cells = ", ".join(f"{x:.2f}× (ref {a.pace:.0f}/{b.pace:.0f})" for x, a, b in each)
            print(f"  {count:2d} clients: {cells}; median {statistics.median(x for x, _a, _b in each):.2f}×")


def print_balance(reports: list[ServerReport]) -> None:
    """Requests answered per worker process: keep-alive connections stay with the worker that accepted them."""
    print("\nrequests answered per worker process (X-Tracuu-Worker), most first")
    for r in (r for rep in reports for r in rep.runs):
        counts: dict[str, int] = {}
        for s in r.samples:
            counts[s[5]] = counts.get(s[5], 0) + 1
        shown = ", ".join(f"{pid} {n}" for pid, n in sorted(counts.items(), key=lambda kv: -kv[1])[:6])
        print(f"  {r.label:<14} {len(counts)} processes: {shown}")


def print_timeline(reports: list[ServerReport], pace: Pace, bucket: float = 60.0) -> None:
    """A long run minute by minute: warming up, commits and replaced workers show as they happen."""
    for rep in reports:
        for r in rep.runs:
            if r.seconds < 2 * bucket:
                continue
            print(f"\n{r.label} minute by minute (PSS: master + workers at the minute's end; ref ms: the reference "
                  f"work's CPU time, median)")
            print(f"  {'from s':>6} {'req/s':>6} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'errors':>6} {'PSS MB':>7} "
                  f"{'ref ms':>6}")
            for i in range(int(-(-r.seconds // bucket))):
                low, high = r.started + 0.5 + i * bucket, r.started + 0.5 + (i + 1) * bucket
                part = [s for s in r.samples if low <= s[3] < high]
                ok = [s[1] for s in part if s[2] == 200]
                memory = rep.memory_samples.between(low, high) if rep.memory_samples else []
                pss = mb(sum(memory[-1].values())) if memory else "-"
                span = min(high, r.started + 0.5 + r.seconds) - low
                print(f"  {i * bucket:6.0f} {len(ok) / span:6.1f} {percentile(ok, 50) if ok else 0:7.0f} "
                      f"{percentile(ok, 95) if ok else 0:7.0f} {max(ok, default=0):7.0f} "
                      f"{len(part) - len(ok):6d} {pss:>7} {pace.median(low, high):6.1f}")


def print_commits(runs: list[RunResult], writer: Writer, window: float = 10.0) -> None:
    """Latency of the requests sent while an index job ran (it takes a core), in the `window` seconds after one
    ended (the workers then read the new segments and renew their caches), and the others."""
    jobs = [(at, at + seconds) for at, seconds, _rc, _last in writer.jobs]

    def when(at: float) -> int:
        if any(start <= at < end for start, end in jobs):
            return 0
        return 1 if any(0 <= at - end < window for _start, end in jobs) else 2
    print(f"\nrequests sent while an index job ran, within {window:.0f} s after one ended, and the others: "
          "n, p50 / p95 ms")
    for r in runs:
        groups: list[list[float]] = [[], [], []]
        for s in r.samples:
            if s[2] == 200:
                groups[when(s[3])].append(s[1])

        def cell(ms: list[float]) -> str:
            return f"{len(ms):5d}, {percentile(ms, 50):6.0f} / {percentile(ms, 95):6.0f}" if ms else f"{0:5d}"
        print(f"  {r.label:<14} during {cell(groups[0]):<22} after {cell(groups[1]):<22} others {cell(groups[2])}")
    print("the slowest requests of each run (seconds since the last index job ended, when one had)")
    for r in runs:
        for kind, ms, status, at, path, _worker in sorted(r.samples, key=lambda s: -s[1])[:3]:
            since = [at - end for _start, end in jobs if at >= end]
            after = f"{min(since):5.1f} s" if since else "      -"
            print(f"  {r.label:<14} {ms:6.0f} ms {status:3d} {after}  {kind:<20} {unquote_plus(path)[:70]}")


def print_kinds(runs: list[RunResult]) -> None:
    print("\np50 / p95 ms by request kind")
    print(f"  {'kind':<22}" + "".join(f"{r.label:>16}" for r in runs))
    kinds = sorted({s[0] for r in runs for s in r.samples})
    for kind in kinds:
        cells = []
        for r in runs:
            ms = [s[1] for s in r.samples if s[0] == kind and s[2] == 200]
            cells.append(f"{percentile(ms, 50):6.0f} / {percentile(ms, 95):5.0f}" if ms else f"{'-':>16}")
        print(f"  {kind:<22}" + "".join(f"{c:>16}" for c in cells))


def print_memory(reports: list[ServerReport]) -> None:
    print("\nmemory of the server's processes (PSS), as queries accumulate")
    for rep in reports:
        print(f"  {rep.workers} worker(s):")
        for what, served, pss in rep.memory:
            print(f"    after {what:<28} ({served:5d} requests served): {pss_line(pss, rep.root)}")
        print(f"    peak of master + workers over the server's life: {mb(rep.peak)} MB; workers replaced by gunicorn "
              f"(max-requests): {rep.restarts}")


def verdict(met: bool) -> str:
    return "MET" if met else "NOT MET"


def print_goals(reports: list[ServerReport], totals: list[RunResult], writer: Writer, articles: int,
                args: argparse.Namespace) -> None:
    by = {(r.workers, r.clients): r for r in [r for rep in reports for r in rep.runs] + totals}
    print(f"\ngoals (stated for 100 000 articles on 2 cores; this run: {articles} articles, "
          f"{os.cpu_count()} cores, load average now {os.getloadavg()[0]:.1f})")
    for count in args.clients:
        one, two = by.get((1, count)), by.get((2, count))
        if one and two:
            ratio = two.throughput / one.throughput
            # a guide beside the measured ratio the goal is judged on: with alternating windows the rounds' own
            # ratios (back to back); for runs minutes apart, which meet the cores at different paces, requests
            # times the reference work's CPU time compares them as if at one pace
            each = sorted(x for x, _a, _b in rounds(reports, count)) if totals else []
            if each:
                paced = f"; rounds {each[0]:.2f}–{each[-1]:.2f}×, median {statistics.median(each):.2f}×"
            elif math.isnan(one.pace + two.pace):
                paced = ""
            else:
                paced = f"; {two.throughput * two.pace / (one.throughput * one.pace):.2f}× at one pace"
            print(f"  throughput 2 workers / 1, {count:2d} clients: {ratio:.2f}× ({two.throughput:.1f} / "
                  f"{one.throughput:.1f} req/s{paced}), goal ≥ {GOAL_SPEEDUP}: {verdict(ratio >= GOAL_SPEEDUP)}")
    for workers in args.workers:
        if (r := by.get((workers, 8))) is not None:
            print(f"  p95 with 8 clients, {workers} worker(s): {r.p(95):.0f} ms, goal ≤ {GOAL_P95_MS:.0f} ms"
                  + (f": {verdict(r.p(95) <= GOAL_P95_MS)}" if workers == max(args.workers) else " (for reference)"))
    for rep in reports:
        served, pss = rep.memory[-1][1], sum(rep.memory[-1][2].values())
        goal = f": {verdict(rep.peak <= GOAL_PSS_BYTES and served >= 1000)}" if rep.workers == 2 else " (for reference)"
        print(f"  PSS of master + {rep.workers} worker(s) after {served} requests: {mb(pss)} MB, peak {mb(rep.peak)} MB"
              f"{f' ({rep.restarts} workers replaced on the way)' if rep.restarts else ''}, "
              f"goal ≤ {mb(GOAL_PSS_BYTES)} MB after ≥ 1 000{goal}")
    errors = sum(r.errors for rep in reports for r in rep.runs)
    requests = sum(len(r.samples) for rep in reports for r in rep.runs)
    print(f"  errors: {errors} of {requests} measured requests, goal 0: {verdict(errors == 0)}")
    every = all(rep.found == rep.added for rep in reports) and reports[-1].added > 0
    print(f"  new articles searchable at the end, through each server (all added since the start): "
          f"{', '.join(f'{rep.workers}w {rep.found}/{rep.added}' for rep in reports)}, goal all: {verdict(every)}")
    jobs = writer.jobs
    if jobs:
        times = [j[1] for j in jobs]
        failed = [(j[2], j[3]) for j in jobs if j[2]]
        how = "indexed by a resident `tracuu index --watch`" if writer.watch else "each then `tracuu index`"
        print(f"  writer: {len(jobs)} imports of {args.batch} articles every {args.index_every:.0f} s, {how}; job "
              f"(import to indexed) "
              f"median {statistics.median(times):.1f} s, max {max(times):.1f} s; {len(failed)} failed"
              + (f" (e.g. exit {failed[0][0]}: {failed[0][1]})" if failed else ""))


# -- main --------------------------------------------------------------------------------------------
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=None, help="articles of the scale-up (default: the shared corpus)")
    parser.add_argument("--seconds", type=float, default=None, help="measured seconds per run (30; 600 with --long)")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds of warm-up before each run")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--clients", type=int, nargs="+", default=[8, 32])
    parser.add_argument("--index-every", type=float, default=30.0, help="seconds between two index jobs")
    parser.add_argument("--batch", type=int, default=5, help="new articles per index job")
    parser.add_argument("--writer", choices=("watch", "cron"), default="watch",
                        help="index the new articles with a resident `tracuu index --watch` (the README's way for "
                             "updates this frequent), or run `tracuu index` after each import as cron would")
    parser.add_argument("--memory-queries", type=int, default=1000,
                        help="requests each server has answered at least before its last memory figure")
    parser.add_argument("--long", action="store_true", help="one 10-minute run at 2 workers, 8 clients")
    parser.add_argument("--rounds", type=int, default=3,
                        help="windows the --seconds of each worker count are cut into, the load alternating between "
                             "servers that are all up (1: one server after the other)")
    args = parser.parse_args()
    if args.long:
        args.workers, args.clients = [2], [8]
    args.seconds = args.seconds or (600.0 if args.long else 30.0)
    alternating = args.rounds > 1 and len(args.workers) > 1
    if not CORPUS.is_file():
        print(f"load: no corpus at {CORPUS}; the benchmark needs ../shared beside the checkout. Skipped.")
        return 0

    print(f"load: {'the shared corpus' if args.n is None else f'{args.n} scale-up articles'}; "
          f"{args.seconds:.0f} s per run after {args.warmup:.0f} s of warm-up"
          f"{f' in {args.rounds} windows alternating between the servers' if alternating else ''}; "
          f"workers {args.workers}, "
          f"clients {args.clients}; {args.batch} new articles indexed every {args.index_every:.0f} s; "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}", flush=True)
    base = base_data(args.n)
    started = time.perf_counter()
    data = work_copy(base)
    with Archive(data / "archive.sqlite3") as archive:
        articles = archive.count()
    print(f"  data: {base.relative_to(ROOT)} ({articles} articles), copied to {data.relative_to(ROOT)} in "
          f"{time.perf_counter() - started:.0f} s", flush=True)
    records = sample_articles(data / "archive.sqlite3", every=max(1, articles // 3000))
    runs = len(args.workers) * len(args.clients)
    per_run = MAX_RATE * (args.seconds + args.warmup) + args.rounds * max(args.clients)
    needed = int(runs * per_run + len(args.workers) * args.memory_queries)
    pool = QueryPool(query_mix(records, needed, seed=16))
    print(f"  {len(pool.queries)} distinct requests drawn from {len(records)} titles", flush=True)

    clients = Clients(max(args.clients))  # forked before the writer's thread exists
    pace = Pace()
    print(f"  reference work: {pace.idle:.1f} ms of CPU on an idle machine (median of 5; see ref ms below)", flush=True)
    pace.start()
    reports: list[ServerReport] = []
    writer = Writer(data, args.index_every, args.batch, watch=args.writer == "watch")
    try:
        if alternating:
            writer.start()
            reports = alternate(data, args, pool, clients, writer, pace)
        else:
            for workers in args.workers:
                writer.start()  # each server is asked at its end for every article added since the first started
                label = f"{workers}w/{args.clients[0]}c long" if args.long else ""
                reports.append(serve_and_measure(data, workers, args.clients, args, pool, clients, writer, pace,
                                                 label))
    finally:
        writer.stop()
        pace.stop()
        clients.close()
    if pool.wrapped:
        print(f"  note: the distinct requests ran out {pool.wrapped} time(s); later runs repeated some")

    totals = [combined([r for r in rep.runs if r.clients == count]) for count in args.clients
              for rep in reports] if alternating else []
    title = f"{'10-minute run' if args.long else 'runs'} at {articles} articles" + (
        f", {args.rounds} rounds of {args.seconds / args.rounds:.0f}-s windows alternating between the servers"
        if alternating
        else "")
    print_runs(title, reports, totals)
    if alternating:
        print_rounds(reports, args.clients)
    print_balance(reports)
    print_timeline(reports, pace)
    print_kinds(totals or [r for rep in reports for r in rep.runs])
    print_commits(totals or [r for rep in reports for r in rep.runs], writer)
    print_memory(reports)
    print_goals(reports, totals, writer, articles, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
