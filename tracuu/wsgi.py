"""WSGI entry point for production servers: the app built from tracuu.toml and TRACUU_* settings.

`tracuu serve --workers N` runs gunicorn over it (tracuu.server); any other WSGI server can load it too,
e.g. gunicorn -w 3 -b 127.0.0.1:8000 'tracuu.wsgi:create()'
"""

from __future__ import annotations

import logging
from dataclasses import replace

from flask import Flask

from tracuu.settings import Settings, load_settings
from webapp import create_app

log = logging.getLogger("tracuu")


def resolved(settings: Settings) -> Settings:
    """The settings with the data dir made absolute, once, at start: a later chdir, or cron, systemd and the
    server each starting in another directory, cannot point one process at another index."""
    return replace(settings, data_dir=settings.data_dir.expanduser().resolve())


def create(settings: Settings | None = None) -> Flask:
    """One app per worker process; every worker follows index swaps and commits by itself."""
    s = resolved(settings or load_settings())
    log.info("data dir: %s", s.data_dir)
    return create_app(s.engine, per_page=s.per_page, alerts=s.alerts, department_aliases=s.department_aliases())
