"""The search site: `create_app()` builds the Flask app over one long-lived search engine."""

from __future__ import annotations

from collections.abc import Sequence

from flask import Flask

from alerts.config import AlertsConfig
from indexer.backend import EngineConfig, open_search


def create_app(config: EngineConfig, *, per_page: int = 10, alerts: AlertsConfig | None = None,
               department_aliases: Sequence[tuple[str, str]] = ()) -> Flask:
    """The web app over the back end `config` names. One engine per process: it follows new index
    commits by itself. `alerts` with an SMTP server turns e-mail alerts on. `department_aliases`:
    (spelling, department) pairs of the site profiles, so "phòng HC-TH" typed hints its department."""
    app = Flask(__name__)
    # TRACUU_FILES: the attached files' store (archive.FileStore), whose copies article pages link to
    app.config.update(TRACUU_PER_PAGE=per_page, TRACUU_FILES=str(config.files_path), JSON_AS_ASCII=False,
                      TRACUU_DEPARTMENT_ALIASES=tuple(department_aliases))
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]  # keys in the documented order
    app.extensions["tracuu_index"] = open_search(config)

    from webapp import alerts as alert_pages
    from webapp import export, filters, views

    filters.register(app)
    app.register_blueprint(views.bp)
    alert_pages.register(app, alerts)
    app.register_blueprint(export.bp)

    @app.after_request
    def security_headers(response):  # type: ignore[no-untyped-def]
        # nothing is loaded from outside and no inline script runs: a strict policy costs nothing
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    return app
