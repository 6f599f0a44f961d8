"""`tracuu demo`: the bundled demo agency site, crawled over real HTTP, indexed and served."""

from __future__ import annotations

import shutil
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tracuu.settings import Settings

DEMO_PROFILE = Path(__file__).parent / "demosite" / "profile.toml"
# Written into the data dir the demo creates: only a directory carrying it is the demo's to delete.
MARKER = ".tracuu-demo"


class DemoDataError(Exception):
    """The demo's data dir holds data the demo did not create; the message names it and the way out."""


def prepare_data_dir(data_dir: Path, echo: Callable[[str], None]) -> None:
    """Give the demo an empty data dir, deleting only what an earlier demo run made.

    The demo site gets a new port each run, so its URLs (the article ids) change and the previous
    run's archive and index would show every article twice. A directory without the marker may be
    someone's own data: it is never deleted (an empty one is simply used).
    """
    if data_dir.is_dir() and (data_dir / MARKER).is_file():
        echo(f"Resetting the demo data in {data_dir} (archive and index of the previous demo run).")
        shutil.rmtree(data_dir)
    elif data_dir.exists() and (not data_dir.is_dir() or any(data_dir.iterdir())):
        raise DemoDataError(
            f"'{data_dir}' already exists and was not made by 'tracuu demo' (it has no {MARKER} file), so the "
            f"demo leaves it alone. Move it away or pass another --data-dir; if it is only an earlier demo's "
            f"data, delete it yourself.")
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / MARKER).write_text("Made by 'tracuu demo': the next demo run deletes this directory.\n",
                                   encoding="utf-8")


def run_demo(settings: Settings, *, port: int, echo: Callable[[str], None],
             crawl: Callable[[Path, dict[str, str]], Any], index: Callable[[], Any]) -> None:
    """Start the demo site on a free port, crawl and index it, then serve search until Ctrl-C.

    `crawl` and `index` are the CLI's own steps, so the demo prints the same summaries. `port` 0
    serves search on a free port; the address printed is the real one.
    """
    from werkzeug.serving import make_server

    from crawl.profiles import load_profiles
    from tracuu.demosite.server import DemoSite
    from webapp import create_app

    prepare_data_dir(settings.data_dir, echo)
    with DemoSite() as site:
        base_url = site.start()
        echo(f"Demo agency site: {base_url}/vi/news/")
        crawl(DEMO_PROFILE, {"base_url": base_url})
        index()
        app = create_app(settings.engine, per_page=settings.per_page, alerts=settings.alerts,
                         department_aliases=load_profiles(DEMO_PROFILE, substitutions={"base_url": base_url})[0]
                         .department_aliases)
        server = make_server(settings.host, port, app, threaded=True)
        echo(f"Search the demo at http://{settings.host}:{server.server_port}/  (Ctrl-C to stop)")
        # a background job of a script (`make demo &`, a CI step) starts with SIGINT ignored, and Python then
        # leaves it so: Ctrl-C, or kill -INT, would not stop the demo
        signal.signal(signal.SIGINT, signal.default_int_handler)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass  # Ctrl-C is how the demo is meant to end
        finally:
            server.server_close()
