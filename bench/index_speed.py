"""How fast indexing is, against the floor of segmentation alone, and how fast a small update shows.

1. The real corpus (../shared/corpus/articles.jsonl): segmentation only (the floor, on all cores),
   then a full index from an empty cache; their ratio, articles/s, size on disk, peak memory.
   The floor is our segmenter (indexer/analysis/segmenter.py); underthesea's own word_tokenize, which gives the
   same words several times more slowly, is timed once as a reference.
2. The 100 000-article scale-up (bench/scaleup.py), built once under bench/out/index/ and reused: its
   build time and peak memory; then 10 new articles through `tracuu index` (a real process): the time
   until an open SearchIndex finds them, and search latency right before and right after.

Usage: python bench/index_speed.py [--scale N] [--workers W] [--repeat R] [--skip-corpus] [--rebuild-scale]
Goals: ratio <= 1.3; 100 000 articles < 15 min; 10 new searchable < 3 s; peak memory < 1 GB.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from scaleup import CORPUS, build_scaleup  # noqa: E402

from archive import Archive, import_archive  # noqa: E402
from indexer.analysis.text import normalize_text, words  # noqa: E402
from indexer.engine import SearchRequest  # noqa: E402
from indexer.whoosh_engine.reader.search import SearchIndex  # noqa: E402
from indexer.whoosh_engine.writer.build import update_index  # noqa: E402
from indexer.whoosh_engine.writer.parallel import quiet_gc  # noqa: E402

OUT = ROOT / "bench" / "out" / "index"
QUERIES = ("hội nghị", "ket qua", "phát triển kinh tế", "giao duc", "\"an toàn giao thông\"", "doanh nghiệp",
           "tong ket", "y tế", "chuyển đổi số", "thi truong")


def process_tree(root: int) -> list[int]:
    """`root` and every process below it (from /proc: Linux)."""
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                todo.extend(int(c) for c in Path(f"/proc/{pid}/task/{task}/children").read_text().split())
        except OSError:
            continue
    return out


class PeakMemory:
    """Peak proportional set size (PSS) of a process and its descendants, sampled every 0.25 s.

    PSS splits pages shared after fork between the processes sharing them, so the sum is what the
    job really costs the machine (summing RSS would count the shared model once per worker).
    Reading smaps costs CPU: `cpu` is this sampler's own, for the caller to subtract.
    """

    def __init__(self, root: int | None = None) -> None:
        self.root = root or os.getpid()
        self.peak = 0
        self.cpu = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _tree(self) -> list[int]:
        return process_tree(self.root)

    @staticmethod
    def _pss(pid: int) -> int:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
        except OSError:
            pass
        return 0

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, sum(self._pss(p) for p in self._tree()))
            self.cpu = time.thread_time()
            self._stop.wait(0.25)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def cpu_seconds() -> float:
    """User + system CPU of this process and its reaped children: the machine's load does not inflate it."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def children_cpu() -> float:
    """CPU of the reaped child processes (a `tracuu index` run and its workers)."""
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return kids.ru_utime + kids.ru_stime


def load() -> str:
    return f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"


def mb(n: float) -> str:
    return f"{n / 1e6:,.0f} MB"


def disk_size(path: Path) -> int:
    real = Path(os.path.realpath(path))
    return sum(f.stat().st_size for f in real.iterdir() if f.is_file())


def no_index(data: Path) -> None:
    """Remove the index, its generations and the segment cache under `data`: the next build starts from nothing."""
    shutil.rmtree(data / "index", ignore_errors=True)
    for leftover in data.glob("index-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    for suffix in ("", "-wal", "-shm"):  # a stale WAL beside a new file could serve old entries
        (data / f"segments.sqlite3{suffix}").unlink(missing_ok=True)


def _segment(item: tuple[str, str]) -> int:
    title, body = item
    return len(words(title)) + len(words(body))


def _segment_underthesea(item: tuple[str, str]) -> int:
    """underthesea's own word_tokenize per paragraph: the reference our segmenter is compared with."""
    from underthesea import word_tokenize

    return sum(len(word_tokenize(p)) for text in item for p in normalize_text(text).split("\n") if p.strip())


def segmentation_floor(items: list[tuple[str, str]], workers: int, underthesea: bool = False) -> tuple[float, float]:
    """Wall and CPU seconds to segment (title, body) pairs (segmentation only) on `workers` processes;
    with `underthesea`, through underthesea's own word_tokenize (the same words, more slowly)."""
    words("Hà Nội")  # loaded before the fork, as the indexer does
    started, cpu = time.perf_counter(), cpu_seconds()
    # quiet_gc: segmentation alone under the conditions the index workers run it in
    with multiprocessing.get_context("fork").Pool(workers, initializer=quiet_gc) as pool:
        sum(pool.imap_unordered(_segment_underthesea if underthesea else _segment, items, chunksize=8))
        pool.close()
        pool.join()
    return time.perf_counter() - started, cpu_seconds() - cpu


def import_jsonl(source: Path, data: Path) -> Archive:
    archive = Archive(data / "archive.sqlite3")
    if archive.count() == 0:
        with source.open(encoding="utf-8") as f:
            import_archive(archive, f)
    return archive


def bench_corpus(workers: int, repeat: int) -> None:
    """Floor and full index alternately, `repeat` times each: CPU seconds for the same work vary by
    10 % or more between runs on this machine, so the ratio is taken of the medians."""
    data = OUT / "corpus"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    archive = import_jsonl(CORPUS, data)
    chars = sum(len(a.title) + len(a.body) for a in archive.iter_articles())
    n = archive.count()
    print(f"corpus: {n} articles, {chars / 1e6:.1f} M characters, {workers} workers, {repeat} runs of each")
    floors, fulls = [], []
    items = [(a.title, a.body) for a in archive.iter_articles()]
    reference, reference_cpu = segmentation_floor(items, workers, underthesea=True)
    print(f"  reference: underthesea's word_tokenize alone: {reference:7.1f} s wall, {reference_cpu:7.1f} s CPU "
          f"({chars / reference / 1e3:,.0f} K chars/s; {load()})")
    for run in range(1, repeat + 1):
        floor, floor_cpu = segmentation_floor(items, workers)
        floors.append((floor, floor_cpu))
        print(f"  run {run}: segmentation only (floor): {floor:7.1f} s wall, {floor_cpu:7.1f} s CPU "
              f"({chars / floor / 1e3:,.0f} K chars/s; {load()})")
        no_index(data)
        started, cpu = time.perf_counter(), cpu_seconds()
        stats = update_index(archive, data / "index", data / "segments.sqlite3", workers=workers)
        full, full_cpu = time.perf_counter() - started, cpu_seconds() - cpu
        fulls.append((full, full_cpu))
        print(f"  run {run}: full index, empty cache:   {full:7.1f} s wall, {full_cpu:7.1f} s CPU "
              f"(this pair: {full / floor:.2f} wall, {full_cpu / floor_cpu:.2f} CPU); {n / full:,.0f} articles/s, "
              f"{stats.analysed} segmented; {load()}")
    floor, floor_cpu = (statistics.median(x[i] for x in floors) for i in (0, 1))
    full, full_cpu = (statistics.median(x[i] for x in fulls) for i in (0, 1))
    print(f"  median: floor {floor:.1f} s wall / {floor_cpu:.1f} s CPU, full index {full:.1f} s wall / "
          f"{full_cpu:.1f} s CPU; ratio to the floor {full / floor:.2f} wall, {full_cpu / floor_cpu:.2f} CPU "
          f"(goal <= 1.3)")
    print(f"  full index against underthesea's word_tokenize alone: {full / reference:.2f} wall, "
          f"{full_cpu / reference_cpu:.2f} CPU")
    print(f"  index on disk: {mb(disk_size(data / 'index'))}")
    # memory in a run of its own: reading /proc 4 times a second costs ~1.4 s of CPU in this process,
    # which would slow the timed runs (and only them: the floor has no sampler)
    no_index(data)
    with PeakMemory() as mem:
        update_index(archive, data / "index", data / "segments.sqlite3", workers=workers)
    print(f"  peak memory of a full index (PSS, all processes; one more run, sampled): {mb(mem.peak)}")
    started, cpu = time.perf_counter(), cpu_seconds()
    update_index(archive, data / "index", data / "segments.sqlite3", rebuild=True, workers=workers)
    cached, cached_cpu = time.perf_counter() - started, cpu_seconds() - cpu
    print(f"  rebuild from the cache:      {cached:7.1f} s wall, {cached_cpu:7.1f} s CPU "
          f"({cached / floor:.2f} x the floor)")
    archive.close()


def _tracuu(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "tracuu.cli", "--data-dir", str(data), *args]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True)


def build_scale(n: int, workers: int, rebuild: bool) -> Path:
    """The n-article archive and index under bench/out/index/, built once; prints the build figures."""
    data = OUT / f"data{n // 1000}k"
    record = data / "build.json"
    if rebuild:
        shutil.rmtree(data, ignore_errors=True)
    if not record.exists():
        source = OUT / f"scaleup-{n // 1000}k.jsonl"
        if not source.exists():
            build_scaleup(n, source)
        data.mkdir(parents=True, exist_ok=True)
        import_jsonl(source, data).close()
        no_index(data)
        print(f"building the {n}-article index (once; reused by later runs) ...", flush=True)
        proc = subprocess.Popen([sys.executable, "-m", "tracuu.cli", "-q", "--data-dir", str(data), "index"],
                                cwd=ROOT, env={**os.environ, "TRACUU_INDEX_WORKERS": str(workers)})
        with PeakMemory(proc.pid) as mem:
            started, cpu = time.perf_counter(), cpu_seconds()
            proc.wait()
            seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
        cpu -= mem.cpu
        if proc.returncode:
            raise SystemExit(f"index build failed with exit code {proc.returncode}")
        record.write_text(json.dumps({"articles": n, "seconds": seconds, "cpu": cpu, "peak_pss": mem.peak,
                                      "workers": workers, "size": disk_size(data / "index"), "load": load()}))
    built = json.loads(record.read_text())
    print(f"scale-up: {built['articles']} articles indexed in {built['seconds']:.0f} s wall "
          f"({built['seconds'] / 60:.1f} min, goal < 15 min; {built['articles'] / built['seconds']:.0f} articles/s; "
          f"{built.get('cpu', 0):.0f} s CPU, i.e. {built.get('cpu', 0) / built['workers'] / 60:.1f} min on "
          f"{built['workers']} idle cores; {built.get('load', '')} at the end), "
          f"peak memory {mb(built['peak_pss'])} (goal < 1 GB), index {mb(built['size'])}")
    floor_sample(data, workers)
    return data


def floor_sample(data: Path, workers: int, every: int = 20) -> None:
    """The scale-up's segmentation floor, from every `every`-th article (the whole would take ~5 min)."""
    with Archive(data / "archive.sqlite3") as archive:
        items = [(a.title, a.body) for i, a in enumerate(archive.iter_articles()) if i % every == 0]
        total = archive.count()
    wall, cpu = segmentation_floor(items, workers)
    built = json.loads((data / "build.json").read_text())
    scale = total / len(items)
    print(f"  segmentation floor of the scale-up, from a 1/{every} sample ({len(items)} articles): "
          f"{wall * scale:.0f} s wall, {cpu * scale:.0f} s CPU for all {total}; the build took "
          f"{built['seconds'] / (wall * scale):.2f}x that wall, {built.get('cpu', 0) / (cpu * scale):.2f}x CPU "
          f"({load()})")


def latencies(index: SearchIndex) -> list[float]:
    out = []
    for q in QUERIES:
        started = time.perf_counter()
        index.search(SearchRequest(q=q))
        out.append(time.perf_counter() - started)
    return out


def bench_small_update(data: Path) -> None:
    """10 new articles into the big index through a real `tracuu index`; then take them out again."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        fresh = build_scaleup(10, Path(tmp) / "new.jsonl", seed=int(time.time()))
        new_ids = [json.loads(line)["id"] for line in fresh.read_text(encoding="utf-8").splitlines()]
        with Archive(data / "archive.sqlite3") as archive, fresh.open(encoding="utf-8") as f:
            import_archive(archive, f)
    index = SearchIndex(data / "index", data / "archive.sqlite3")
    latencies(index)  # warm: the web app's searcher is long-lived
    before = latencies(index)
    started, cpu = time.perf_counter(), children_cpu()
    proc = subprocess.Popen([sys.executable, "-m", "tracuu.cli", "-q", "--data-dir", str(data), "index"],
                            cwd=ROOT, stdout=subprocess.PIPE, text=True)
    found_at = None
    while found_at is None:
        searcher = index._current_searcher()
        if searcher.document_number(id=new_ids[-1]) is not None:
            found_at = time.perf_counter() - started
        elif proc.poll() is not None and proc.returncode:
            raise SystemExit(f"tracuu index failed: {proc.returncode}")
        else:
            time.sleep(0.02)
    out, _ = proc.communicate()
    exited = time.perf_counter() - started
    job_cpu = children_cpu() - cpu
    first = time.perf_counter()
    index.search(SearchRequest(q=QUERIES[0]))
    first = time.perf_counter() - first
    after = latencies(index)
    print(f"10 new articles: searchable {found_at:.2f} s after `tracuu index` started (goal < 3 s); "
          f"the process exited after {exited:.2f} s, having used {job_cpu:.2f} s CPU ({load()}): {out.strip()}")
    print(f"  search latency: first query after the commit {first * 1000:.0f} ms; median before "
          f"{statistics.median(before) * 1000:.0f} ms, after {statistics.median(after) * 1000:.0f} ms "
          f"(x{statistics.median(after) / statistics.median(before):.2f})")
    index.close()
    with Archive(data / "archive.sqlite3") as archive:
        for article_id in new_ids:
            archive.delete(article_id)
    started = time.perf_counter()
    _tracuu(data, "-q", "index")
    print(f"  removing them again: {time.perf_counter() - started:.2f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=100_000, help="articles in the scale-up (0: skip it)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--skip-corpus", action="store_true", help="only the scale-up part")
    parser.add_argument("--repeat", type=int, default=2, help="runs of the floor and the full index (medians)")
    parser.add_argument("--rebuild-scale", action="store_true", help="rebuild the scale-up index")
    args = parser.parse_args()
    if not CORPUS.is_file():
        print(f"index_speed: no corpus at {CORPUS}; the benchmark needs ../shared beside the checkout.")
        return 0
    if not args.skip_corpus:
        bench_corpus(args.workers, args.repeat)
    if args.scale:
        data = build_scale(args.scale, args.workers, args.rebuild_scale)
        bench_small_update(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
