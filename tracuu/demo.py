"""`tracuu demo`: the bundled demo agency site, crawled over real HTTP, indexed and served."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tracuu.settings import Settings

DEMO_PROFILE = Path(__file__).parent / "demosite" / "profile.toml"


def run_demo(settings: Settings, *, port: int, echo: Callable[[str], None],
             crawl: Callable[[Path, dict[str, str]], Any], index: Callable[[], Any]) -> None:
    """Start the demo site on a free port, crawl and index it, then serve search until Ctrl-C.

    `crawl` and `index` are the CLI's own steps, so the demo prints the same summaries.
    """
    from tracuu.demosite.server import DemoSite
    from webapp import create_app

    # the demo site gets a new port each run, so its URLs (the article ids) change: start afresh
    if settings.data_dir.is_dir() and settings.data_dir.name == "demo":
        shutil.rmtree(settings.data_dir)
    with DemoSite() as site:
        base_url = site.start()
        echo(f"Demo agency site: {base_url}/vi/news/")
        crawl(DEMO_PROFILE, {"base_url": base_url})
        index()
        app = create_app(settings.engine, per_page=settings.per_page)
        echo(f"Search the demo at http://{settings.host}:{port}/  (Ctrl-C to stop)")
        app.run(host=settings.host, port=port, threaded=True, use_reloader=False)
