"""`tracuu serve --workers 2`: a real gunicorn on 127.0.0.1, searched by concurrent clients while the index changes,
a worker is killed and the workers are reloaded."""

from __future__ import annotations

import gc
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

from archive import Archive
from indexer.backend import EngineConfig, update_index
from tests.conftest import index_articles
from tests.corpus import ARTICLES

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not sys.platform.startswith("linux"), reason="gunicorn's workers, seen in /proc")]

WORKERS = 2
# queries none of whose words is in NEW: their answers must not change while NEW is committed and the index rebuilt
QUERIES: list[dict[str, Any]] = [
    {"q": "hội nghị"},
    {"q": "hoi nghi tong ket"},
    {"q": "hội nghị", "year": "2019"},
    {"q": "hội nghị", "per_page": 1, "page": 2},
    {"q": "thanh tra"},
    {"q": "khuyến công"},
    {"q": "hòa giải"},
    {"q": "hổ"},
    {"q": "1234/QĐ-UBND"},
    {"q": "thi đua", "department": "Hành chính - Tổng hợp"},
    {"q": "công nghiệp", "sort": "newest"},
    {"q": "tiếp công dân"},
]
NEW = replace(ARTICLES[0], id="t-new", url="http://sct.test/tin/new.html", title="Khánh thành trạm biến áp Quế Sơn",
              body="Lễ khánh thành trạm biến áp Quế Sơn diễn ra sáng thứ Hai.\nVăn phòng Sở", published="2023-02-06",
              department="Văn phòng")
NEW_QUERY = {"q": "biến áp"}


@dataclass
class Answer:
    status: int
    worker: int
    body: dict[str, Any]


class Server:
    def __init__(self, root: Path, port: int, proc: subprocess.Popen[bytes], log: Path, env: dict[str, str]) -> None:
        self.root, self.port, self.proc, self.log, self.env = root, port, proc, log, env
        self.data = root / "data"

    def get(self, params: dict[str, Any], path: str = "/api/search") -> Answer:
        """One request on a new connection (so that any worker may take it)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            conn.request("GET", f"{path}?{urllib.parse.urlencode(params)}")
            response = conn.getresponse()
            body = response.read()
            return Answer(response.status, int(response.getheader("X-Tracuu-Worker") or 0),
                          json.loads(body) if response.status == 200 else {})
        finally:
            conn.close()

    def workers(self) -> set[int]:
        """The master's children, from /proc: its worker processes."""
        children = set()
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:  # gone meanwhile
                continue
            if int(fields[1]) == self.proc.pid and fields[0] != "Z":
                children.add(int(stat.parent.name))
        return children

    def wait_for_workers(self, done: Callable[[set[int]], bool], timeout: float = 20.0) -> set[int]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pids = self.workers()
            if done(pids):
                return pids
            time.sleep(0.05)
        raise AssertionError(f"workers now {self.workers()}; log:\n{self.log.read_text()}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("gunicorn")
    index_articles(root / "data", ARTICLES).close()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACUU_")}
    env.update(TRACUU_INDEX_WORKERS="1", TRACUU_OCR_SECONDS="0")
    port, log = _free_port(), root / "server.log"
    with log.open("wb") as out:
        # a relative data dir, from the server's working directory: it is resolved once, at start
        proc = subprocess.Popen([sys.executable, "-m", "tracuu.cli", "--data-dir", "data", "serve",
                                 "--workers", str(WORKERS), "--port", str(port)],
                                cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT)
    s = Server(root, port, proc, log, env)
    try:
        deadline = time.monotonic() + 30
        while True:
            assert proc.poll() is None, log.read_text()
            try:
                if s.get(QUERIES[0]).status == 200:
                    break
            except OSError:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
        s.wait_for_workers(lambda pids: len(pids) == WORKERS)
        yield s
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _key(body: dict[str, Any]) -> tuple[Any, ...]:
    """What must not change when an unrelated article is added: the matches and their facets (scores may)."""
    return body["total"], sorted(r["id"] for r in body["results"]), body["facets"]


@dataclass
class Load:
    """Client threads searching QUERIES (and NEW_QUERY) until stopped, each request on a new connection.

    A request whose connection fails is retried once when `retry` (and the failure recorded in `failures`)."""

    server: Server
    threads: int = 4
    retry: bool = False
    answers: list[tuple[float, dict[str, Any], Answer]] = field(default_factory=list)
    failures: list[tuple[float, str]] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _pool: list[threading.Thread] = field(default_factory=list)

    def __enter__(self) -> Load:
        for n in range(self.threads):
            thread = threading.Thread(target=self._run, args=(n,), daemon=True)
            thread.start()
            self._pool.append(thread)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._pool:
            thread.join(timeout=30)

    def _run(self, n: int) -> None:
        rnd = random.Random(n)
        while not self._stop.is_set():
            params = rnd.choice([*QUERIES, NEW_QUERY])
            started = time.monotonic()
            for attempt in (1, 2):
                try:
                    self.answers.append((started, params, self.server.get(params)))
                    break
                except (OSError, http.client.HTTPException) as exc:  # refused, reset, cut off in the answer
                    self.failures.append((started, repr(exc)))
                    if attempt == 2 or not self.retry:
                        self.lost.append(repr(exc))
                        break

    def statuses(self) -> set[int]:
        return {a.status for _t, _p, a in self.answers}


def test_the_master_warms_the_engine_and_each_worker_reopens_it(monkeypatch: pytest.MonkeyPatch,
                                                                 tmp_path: Path) -> None:
    """The preload protocol, where the engine has it: warm() once in the master, after_fork() in every worker."""
    from flask import Flask

    from tracuu import server as server_module
    from tracuu.settings import Settings

    calls: list[str] = []

    class Engine:
        def warm(self) -> None:
            calls.append("warm")

        def after_fork(self) -> None:
            calls.append("after_fork")

    def create(settings: Settings) -> Flask:
        calls.append(f"create {settings.data_dir}")
        app = Flask("stub")
        app.extensions["tracuu_index"] = Engine()
        return app

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(server_module, "create", create)
    gunicorn = server_module.TracuuServer(Settings(data_dir=Path("data"), port=8123, serve_timeout=7,
                                                   serve_threads=3), 3)
    cfg = gunicorn.cfg
    assert (cfg.bind, cfg.workers, cfg.worker_class_str, cfg.threads) == (["127.0.0.1:8123"], 3, "gthread", 3)
    assert (cfg.timeout, cfg.graceful_timeout, cfg.max_requests, cfg.max_requests_jitter) == (7, 7, 20000, 2000)
    assert cfg.keepalive == 0  # connections go to whichever worker accepts next, a replaced one too
    assert cfg.worker_connections == cfg.threads  # and no more of them than a worker has threads
    assert cfg.preload_app
    try:
        gunicorn.wsgi()
        assert gc.get_freeze_count() > 0  # the master's objects, out of the collector's reach before the fork
    finally:
        gc.unfreeze()
    cfg.post_fork(None, None)
    cfg.post_fork(None, None)
    assert calls == [f"create {tmp_path / 'data'}", "warm", "after_fork", "after_fork"]


def test_concurrent_clients_get_the_answers_of_one_client(server: Server) -> None:
    log = server.log.read_text()
    assert f"gunicorn, {WORKERS} worker processes" in log
    assert f"data dir: {server.data.resolve()}" in log  # absolute, though given as 'data'
    expected = [server.get(params) for params in QUERIES]
    assert all(a.status == 200 for a in expected)
    assert expected[0].body["total"] >= 2 and expected[2].body["total"] == 1

    work = [n for n in range(len(QUERIES)) for _ in range(4)]
    random.Random(7).shuffle(work)
    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(lambda n: (n, server.get(QUERIES[n])), work))
    for n, answer in answers:
        assert answer.status == 200
        assert answer.body == expected[n].body, QUERIES[n]
    assert {a.worker for _n, a in answers} == server.workers()  # both workers answered, alike


def test_a_commit_and_a_rebuild_during_searches(server: Server) -> None:
    before = {json.dumps(p): _key(server.get(p).body) for p in QUERIES}
    assert server.get(NEW_QUERY).body["total"] == 0
    with Load(server) as load:
        time.sleep(0.5)
        with Archive(server.data / "archive.sqlite3") as archive:
            archive.upsert(NEW)
            archive.commit()
            update_index(archive, EngineConfig(server.data), workers=1)
        committed = time.monotonic()
        # every worker answers with the new article, from the first request after the commit on
        seen: set[int] = set()
        deadline = time.monotonic() + 15
        while seen != server.workers():
            assert time.monotonic() < deadline, f"only workers {seen} of {server.workers()} answered"
            answer = server.get(NEW_QUERY)
            assert [r["id"] for r in answer.body["results"]] == [NEW.id]
            seen.add(answer.worker)
        # the atomic swap of a rebuild (twice), while the clients go on searching
        for _ in range(2):
            rebuild = subprocess.run([sys.executable, "-m", "tracuu.cli", "-q", "--data-dir", "data", "index",
                                      "--rebuild"], cwd=server.root, env=server.env, capture_output=True, text=True,
                                     timeout=120)
            assert rebuild.returncode == 0, rebuild.stderr
        rebuilt = time.monotonic()
        time.sleep(0.5)
    assert not load.failures and load.statuses() == {200}
    news = [(started, a) for started, params, a in load.answers if params is NEW_QUERY]
    others = [(params, a) for _started, params, a in load.answers if params is not NEW_QUERY]
    assert len(news) > 5 and len(others) > 20
    for params, answer in others:  # never a half-written index: the same matches before, during and after
        assert _key(answer.body) == before[json.dumps(params)], params
    for started, answer in news:
        assert answer.body["total"] in (0, 1)
        if started > committed:
            assert answer.body["total"] == 1
    assert any(started > rebuilt for started, _a in news) or server.get(NEW_QUERY).body["total"] == 1


def test_a_killed_worker_is_replaced_and_loses_nothing_after(server: Server) -> None:
    """What gunicorn guarantees: the requests a killed worker had accepted are lost with it (their connections
    are reset, the client retries them, here once); the others, and every request after the master has started
    the replacement, are answered."""
    old = server.workers()
    victim = min(old)
    with Load(server, retry=True) as load:
        time.sleep(0.5)
        os.kill(victim, signal.SIGKILL)
        workers = server.wait_for_workers(lambda pids: len(pids) == WORKERS and victim not in pids)
        restarted = time.monotonic()
        time.sleep(1.0)
    assert not load.lost and load.statuses() == {200}
    assert not [f for f in load.failures if f[0] > restarted], load.failures
    assert sum(1 for started, _p, _a in load.answers if started > restarted) > 10
    (replacement,) = workers - old
    deadline = time.monotonic() + 10
    while server.get(QUERIES[0]).worker != replacement:  # it serves, from the master's preloaded app
        assert time.monotonic() < deadline


def test_hup_reloads_the_workers_gracefully(server: Server) -> None:
    old = server.workers()
    with Load(server) as load:
        time.sleep(0.5)
        server.proc.send_signal(signal.SIGHUP)
        new = server.wait_for_workers(lambda pids: len(pids) == WORKERS and not pids & old)
        reloaded = time.monotonic()
        time.sleep(0.5)
    assert not load.failures and load.statuses() == {200}
    assert {a.worker for started, _p, a in load.answers if started > reloaded} <= new
    assert server.proc.poll() is None
