"""WSGI entry point for production servers: the app built from tracuu.toml and TRACUU_* settings.

Example: gunicorn -w 3 -b 127.0.0.1:8000 'tracuu.wsgi:create()'
"""

from __future__ import annotations

from flask import Flask

from tracuu.settings import load_settings
from webapp import create_app


def create() -> Flask:
    """One app per worker process; every worker follows index swaps and commits by itself."""
    s = load_settings()
    return create_app(s.engine, per_page=s.per_page)
