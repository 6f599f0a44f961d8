"""The production server `tracuu serve --workers N` runs: gunicorn, configured here, no config file.

The master process builds the app once (preload), warms the index if the engine can, and forks N worker
processes; each worker reopens the engine's files after the fork (`after_fork`) so that no two processes share
file offsets. Searches serialise inside a process, so processes, not threads, use the cores.

Signals are gunicorn's: HUP starts new workers and lets the old ones finish their requests (a graceful reload;
with preload the new workers are forked from the master's app as it is, which is enough because every engine
follows `tracuu index` commits and rebuilds by itself: code or settings changes need a restart), TERM stops
gracefully, and a worker killed or hung is replaced at once. A worker is also replaced after
`serve_max_requests` requests (plus up to 10 %, so they do not all restart together), which bounds slow growth.
"""

from __future__ import annotations

import gc
import logging
import os
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from indexer.errors import IndexMissingError
from tracuu.heap import Trimmer, limit_arenas
from tracuu.settings import Settings
from tracuu.wsgi import create, resolved

log = logging.getLogger("tracuu")

WORKER_HEADER = "X-Tracuu-Worker"


def gunicorn_options(settings: Settings, workers: int) -> dict[str, Any]:
    """gunicorn's settings for `workers` processes; everything else comes from `settings`."""
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    return {
        "bind": [f"{host}:{settings.port}"],
        "workers": workers,
        # gthread (with 4 threads, on 2 cores, 2 workers, 4 769 articles, 8 and 16 concurrent clients: 81-98
        # searches/s against 36-52 with sync workers; not measured against sync with one thread). Its price:
        # `timeout` restarts a worker whose main loop hangs, not one slow request.
        "worker_class": "gthread",
        # one thread by default: searches run one at a time per process anyway, and a worker that takes one
        # connection at a time leaves the rest in the listening socket, one queue for all workers, so no request
        # waits behind a busy worker's others while another worker frees up. bench/load.py-style A/B, 2 workers
        # side by side, 8 clients, windows alternating: p95 228 against 269 ms with 4 threads (ten 20-s rounds),
        # 238 against 284 (six); throughput +3 %, CPU a request -3 % (docs/performance.md)
        "threads": settings.serve_threads,
        # a worker takes no more connections than it has threads (with more threads: gunicorn's default of 1 000
        # queued requests behind a busy worker's own; 2 workers, 8 clients, p95 7.2-8.3 × the CPU a request
        # with the limit against 9.4-11.0 × without, six runs each)
        "worker_connections": settings.serve_threads,
        # no keep-alive: a kept connection stays with the worker that accepted it, so after a worker is
        # replaced its clients all talk to the survivor and the new one idles (bench/load.py: throughput
        # halved for the rest of a 10-minute run). A new connection a request costs ~0.1 ms on a search of ~85.
        "keepalive": 0,
        "timeout": settings.serve_timeout,
        "graceful_timeout": settings.serve_timeout,
        "max_requests": settings.serve_max_requests,
        "max_requests_jitter": settings.serve_max_requests // 10,
        "preload_app": True,
        "proc_name": "tracuu",
        # gunicorn >= 25.1 opens a control socket at one fixed path per user: two servers would fight over it
        "control_socket_disable": True,
    }


class TracuuServer(BaseApplication):  # type: ignore[misc]
    """gunicorn over the web app for `settings`, with `workers` worker processes."""

    def __init__(self, settings: Settings, workers: int) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, not {workers}")
        self.settings = resolved(settings)  # once, in the master: every worker inherits the same paths
        self.options = gunicorn_options(self.settings, workers)
        self._trimmer = Trimmer()
        super().__init__()

    def load_config(self) -> None:  # called again on HUP: it only re-applies the same options
        known = self.cfg.settings
        for key, value in self.options.items():
            if key in known:  # an option an older gunicorn lacks is left out
                self.cfg.set(key, value)
        self.cfg.set("post_fork", self._post_fork)
        self.cfg.set("post_request", self._post_request)

    def load(self) -> Flask:
        """Runs once, in the master (preload_app): build the app and warm the index before any fork."""
        app = create(self.settings)
        engine = app.extensions["tracuu_index"]
        warm = getattr(engine, "warm", None)
        if warm is not None:
            try:
                warm()
            except IndexMissingError as exc:  # serve anyway, as the development server does: the workers
                log.warning("%s", exc)  # answer that there is no index yet, and find it once it is built

        @app.after_request
        def worker_header(response: Any) -> Any:
            # which worker answered: the pid in gunicorn's log lines (nginx may hide it: proxy_hide_header)
            response.headers[WORKER_HEADER] = str(os.getpid())
            return response

        self.flask = app
        # the master's objects (the app, the warmed tables) go out of the collector's reach: its passes write to
        # every object they visit, which would copy their pages into each worker (100 000 articles, 1 600
        # searches: master + 2 workers 1 111 MB against 1 138)
        gc.collect()
        gc.freeze()
        return app

    def _post_fork(self, server: Any, worker: Any) -> None:
        """In each new worker: the engine reopens its files, so processes never share file offsets; and its heap
        gets fewer malloc arenas than its threads would make (tracuu/heap.py)."""
        limit_arenas()
        engine = self.flask.extensions["tracuu_index"]
        after_fork = getattr(engine, "after_fork", None)
        if after_fork is not None:
            after_fork()

    def _post_request(self, worker: Any, req: Any, environ: Any, resp: Any) -> None:
        """Now and then, what the caches' evictions freed goes back to the system (tracuu/heap.py)."""
        self._trimmer.tick()


def serve(settings: Settings, workers: int) -> None:
    """Run gunicorn in this process until it is stopped (TERM, INT; HUP reloads the workers)."""
    TracuuServer(settings, workers).run()
