"""`python -m tracuu.demosite [--port N]`: serve the demo portal until Ctrl-C, to look at it or write profiles."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType

from tracuu.demosite.server import DemoSite


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tracuu.demosite",
                                     description="Serve the bundled demo agency portal on this machine.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port, 0 for any free one (default: 8765)")
    parser.add_argument("--per-page", type=int, default=10, help="items per list page (default: 10)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log every request to stderr")
    args = parser.parse_args(argv)

    site = DemoSite(per_page=args.per_page, verbose=args.verbose)
    try:
        url = site.start(args.host, args.port)
    except OSError as exc:
        print(f"Cannot listen on {args.host}:{args.port} ({exc.strerror}). Try another --port.", file=sys.stderr)
        return 1

    def stop_on_signal(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop_on_signal)  # so `kill` also closes the socket cleanly
    try:  # the prints too: a signal may arrive as soon as the first line is out
        print(f"Demo portal running at {url}/  (Ctrl-C to stop)", flush=True)
        print(f"News list: {url}/vi/news/   Sitemap: {url}/sitemap.xml", flush=True)
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        site.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
