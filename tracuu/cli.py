"""The `tracuu` command: thin sub-commands over the library functions of crawl, indexer and webapp."""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from tracuu.settings import Settings, SettingsError, load_settings

log = logging.getLogger("tracuu")


class Context:
    def __init__(self, settings: Settings, quiet: bool, verbose: bool) -> None:
        self.settings = settings
        self.quiet = quiet
        self.verbose = verbose


pass_ctx = click.make_pass_decorator(Context)


def _library_errors() -> tuple[type[BaseException], ...]:
    """Errors whose message is meant for the user: shown as one line, no traceback."""
    from archive import ArchiveError
    from crawl.errors import CrawlError
    from indexer.engine import IndexerError

    return (ArchiveError, CrawlError, IndexerError, SettingsError, OSError)


class TracuuGroup(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except _library_errors() as exc:
            if ctx.obj is not None and getattr(ctx.obj, "verbose", False):
                raise
            raise click.ClickException(str(exc)) from exc


@click.group(cls=TracuuGroup)
@click.option("--data-dir", type=click.Path(path_type=Path), default=None,
              help="Data directory (archive, index). Default: $TRACUU_DATA_DIR, else ./data.")
@click.option("-q", "--quiet", is_flag=True, help="No progress output.")
@click.option("-v", "--verbose", is_flag=True, help="Debug logging and full tracebacks.")
@click.version_option(package_name="tracuu")
@click.pass_context
def cli(ctx: click.Context, data_dir: Path | None, quiet: bool, verbose: bool) -> None:
    """tracuu: search archives of Vietnamese administrative news.

    Example: tracuu import articles.jsonl && tracuu index && tracuu search "hội nghị tổng kết"
    """
    try:
        settings = load_settings({"data_dir": data_dir})
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO,
                        format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    if not verbose:
        # one line per HTTP request (the crawler's, OpenSearch's) belongs in -v; summaries are logged apart
        for chatty in ("httpx", "opensearch"):
            logging.getLogger(chatty).setLevel(logging.WARNING)
    ctx.obj = Context(settings, quiet, verbose)


def _show_progress(ctx: Context) -> bool:
    return not ctx.quiet and sys.stderr.isatty()


@contextmanager
def _index_progress(ctx: Context, label: str) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on a terminal; periodic log lines when not (cron, CI)."""
    if not _show_progress(ctx):
        last = [0.0]

        def log_line(done: int, total: int) -> None:
            if time.monotonic() - last[0] > 10 or done == total:
                last[0] = time.monotonic()
                log.info("%s: %d/%d", label, done, total)

        yield None if ctx.quiet else log_line
        return
    bar: Any = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True, show_eta=True)
            bar.__enter__()
        bar.update(done - bar.pos)

    try:
        yield update
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


# -- archive ---------------------------------------------------------------------------------------
@cli.command("import")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@pass_ctx
def import_cmd(ctx: Context, file: Any) -> None:
    """Add or update articles from a JSON Lines file ('-' for standard input).

    Example: tracuu import ../shared/corpus/articles.jsonl
    """
    from archive import Archive, import_archive

    with Archive(ctx.settings.archive_path) as archive:
        stats = import_archive(archive, file)
    for lineno, reason in stats.errors:
        click.echo(f"{file.name}:{lineno}: skipped: {reason}", err=True)
    click.echo(f"Imported: {stats.new} new, {stats.updated} updated, {stats.unchanged} unchanged, "
               f"{len(stats.errors)} skipped.")


@cli.command("export")
@pass_ctx
def export_cmd(ctx: Context) -> None:
    """Write the whole archive as JSON Lines to standard output.

    Example: tracuu export > backup.jsonl
    """
    from archive import Archive, export_archive

    with Archive(ctx.settings.archive_path) as archive:
        for line in export_archive(archive):
            click.echo(line)


# -- index -----------------------------------------------------------------------------------------
def _run_index(ctx: Context, rebuild: bool) -> Any:
    from archive import Archive
    from indexer.backend import update_index

    s = ctx.settings
    _ocr_before_index(ctx)
    with Archive(s.archive_path) as archive, _index_progress(ctx, "Đánh chỉ mục") as progress:
        stats = update_index(archive, s.engine, rebuild=rebuild, progress=progress,
                             workers=s.index_workers or None)
    if stats.rebuilt:
        click.echo(f"Rebuilt the index ({stats.reason}).", err=True)
    for article_id, reason in stats.failed.items():
        click.echo(f"not indexed: {article_id}: {reason}", err=True)
    click.echo(f"Index: {stats.added} added, {stats.updated} updated, {stats.deleted} deleted, "
               f"{stats.unchanged} unchanged ({stats.analysed} segmented); {stats.total} articles; "
               f"{stats.seconds:.1f} s.")
    return stats


@cli.command("index")
@click.option("--rebuild", is_flag=True, help="Build a fresh index beside the old one and swap it in.")
@click.option("--watch", is_flag=True,
              help="Keep running: index again each time the archive changes (a crawl or an import committed). "
                   "Stop with Ctrl-C or SIGTERM.")
@click.option("--every", type=click.FloatRange(min=0.1), default=5.0, show_default=True,
              help="Seconds between two looks at the archive with --watch.")
@pass_ctx
def index_cmd(ctx: Context, rebuild: bool, watch: bool, every: float) -> None:
    """Bring the search index up to date with the archive (only what changed).

    Example: tracuu index; or, kept running beside the server: tracuu index --watch
    """
    if watch:
        _watch_index(ctx, rebuild, every)
        return
    _run_index(ctx, rebuild)
    _alerts_after_index(ctx)


def _watch_index(ctx: Context, rebuild: bool, every: float) -> None:
    """`index --watch`: the index job and its alerts each time the archive changes. A run that fails with a
    user-facing error (another job holds the index, a cluster is down) is said and tried again, sooner first,
    then less often while it lasts; SIGTERM stops it after the run under way, Ctrl-C at once (an interrupted
    run leaves the index as it was)."""
    import signal
    import threading

    from archive.watch import watch

    stop = threading.Event()
    failure = ""

    def run() -> bool:
        nonlocal rebuild, failure  # rebuild is asked for the first run only
        try:
            _run_index(ctx, rebuild)
        except _library_errors() as exc:
            failure = str(exc)
            return False
        rebuild = False
        _alerts_after_index(ctx)
        return True

    def retrying(seconds: float) -> None:
        click.echo(f"Index not updated: {failure} Trying again in {seconds:g} s.", err=True)

    previous = signal.signal(signal.SIGTERM, lambda _signum, _frame: stop.set())
    runs = 0
    try:
        runs = watch(ctx.settings.archive_path, every, stop, run, retrying=retrying)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        raise SystemExit(130) from None  # the shell's code for Ctrl-C
    finally:
        signal.signal(signal.SIGTERM, previous)
    click.echo(f"Stopped watching the archive after {runs} index runs.", err=True)


# -- ocr -------------------------------------------------------------------------------------------
def _run_ocr(ctx: Context, seconds: float | None, limit: int | None) -> Any:
    """The OCR job with a progress bar and its summary line; OcrUnavailable and OcrBusy go to the caller."""
    from archive import Archive, FileStore
    from crawl.ocr_queue import run_ocr

    s = ctx.settings
    with Archive(s.archive_path) as archive, _index_progress(ctx, "Đọc bản quét (OCR)") as progress:
        stats = run_ocr(archive, FileStore(s.files_path), s.data_dir / "ocr.sqlite3", seconds=seconds, limit=limit,
                        progress=progress)
    for url, page, reason in stats.failures:
        click.echo(f"OCR failed: {url} page {page}: {reason}", err=True)
    stopped = {"time": " (time budget used)", "limit": " (page limit reached)"}.get(stats.stopped or "", "")
    missing = f", {stats.pages_missing} on files missing from data/files" if stats.pages_missing else ""
    click.echo(f"OCR: {stats.pages_read} pages read, {stats.pages_cached} from cache, {stats.pages_failed} failed; "
               f"{stats.pages_left} left{missing}{stopped}; {stats.seconds:.1f} s "
               f"({stats.pages_per_second:.2f} pages/s).")
    return stats


def _ocr_before_index(ctx: Context) -> None:
    """Read pending scans for up to `ocr_seconds` so the index gets their text; never stops the indexing."""
    from archive import Archive
    from attachments.ocr import available
    from crawl.ocr_queue import OcrBusy, OcrUnavailable, pending_pages

    if ctx.settings.ocr_seconds <= 0:
        return
    with Archive(ctx.settings.archive_path) as archive:
        pending = pending_pages(archive)
    if not pending:
        return
    problem = available()
    if problem is not None:
        click.echo(f"{pending} scanned pages wait for OCR, not read: {problem}", err=True)
        return
    try:
        _run_ocr(ctx, ctx.settings.ocr_seconds, None)
    except (OcrBusy, OcrUnavailable) as exc:
        click.echo(f"OCR skipped: {exc}", err=True)


@cli.command("ocr")
@click.option("--seconds", type=click.FloatRange(min=0), default=None,
              help="Stop starting new pages after this many seconds (default: until none is left).")
@click.option("--limit", type=click.IntRange(min=0), default=None, help="Read at most this many pages.")
@pass_ctx
def ocr_cmd(ctx: Context, seconds: float | None, limit: int | None) -> None:
    """Read scanned attachment pages with Tesseract (Vietnamese), page by page, resumable.

    Runs at low priority; stop it any time, the next run goes on where it stopped. Each page is cached in
    data/ocr.sqlite3 by the file's hash. Then 'tracuu index' makes the text searchable.

    Example: tracuu ocr --seconds 600 && tracuu index
    """
    from archive import Archive
    from crawl.ocr_queue import OcrBusy, OcrUnavailable, pending_pages

    with Archive(ctx.settings.archive_path) as archive:
        if not pending_pages(archive):
            click.echo("OCR: no scanned pages wait for OCR.")
            return
    try:
        _run_ocr(ctx, seconds, limit)
    except (OcrBusy, OcrUnavailable) as exc:
        raise click.ClickException(str(exc)) from exc


# -- crawl -----------------------------------------------------------------------------------------
def _crawl(ctx: Context, sites: Path | None, site_ids: tuple[str, ...],
           substitutions: dict[str, str] | None = None, min_delay: float | None = None) -> Any:
    from archive import Archive, FileStore
    from crawl.crawler import crawl_sites
    from crawl.profiles import load_profiles

    s = ctx.settings
    path = sites or s.sites
    if not path.exists():
        raise click.UsageError(f"No site profiles at '{path}'. Pass --sites PATH (a TOML file or a directory).")
    profiles = load_profiles(path, substitutions=substitutions)
    if site_ids:
        unknown = set(site_ids) - {p.id for p in profiles}
        if unknown:
            raise click.UsageError(f"Unknown site id(s): {', '.join(sorted(unknown))}. "
                                   f"Known: {', '.join(p.id for p in profiles)}.")
        profiles = [p for p in profiles if p.id in site_ids]
    progress = _crawl_progress(ctx)
    with Archive(s.archive_path) as archive:
        stats = crawl_sites(profiles, archive, user_agent=s.user_agent,
                            min_delay=s.crawl_delay if min_delay is None else min_delay,
                            timeout=s.crawl_timeout, max_bytes=s.crawl_max_bytes,
                            max_pages=s.crawl_max_pages or None, progress=progress,
                            files=FileStore(s.files_path), attachment_max_bytes=s.attachment_max_bytes)
    if progress is not None:
        click.echo("", err=True)
    for url, reason in stats.failures:
        click.echo(f"failed: {url}: {reason}", err=True)
    for url, reason in stats.attachment_failures:
        click.echo(f"attachment failed: {url}: {reason}", err=True)
    click.echo(f"Crawl: {stats.new} new, {stats.updated} updated, {stats.unchanged} unchanged, "
               f"{stats.not_modified} not modified, {stats.failed} failed; attachments: {stats.attachments_new} "
               f"read, {stats.attachments_unchanged} unchanged, {stats.attachments_failed} failed; "
               f"{stats.requests} requests; {stats.seconds:.1f} s.")
    return stats


def _crawl_progress(ctx: Context) -> Callable[[Any], None] | None:
    if not _show_progress(ctx):
        return None
    counts = {"n": 0}

    def show(event: Any) -> None:
        counts["n"] += 1
        url = str(getattr(event, "url", ""))
        kind = getattr(event, "kind", "")
        line = f"\r[{counts['n']}] {kind:8} {url[-80:]}"
        click.echo(line.ljust(100), nl=False, err=True)

    return show


@cli.command("crawl")
@click.option("--sites", type=click.Path(path_type=Path), default=None,
              help="A site profile (TOML) or a directory of them. Default: ./sites")
@click.argument("site_ids", nargs=-1)
@pass_ctx
def crawl_cmd(ctx: Context, sites: Path | None, site_ids: tuple[str, ...]) -> None:
    """Crawl configured sites into the archive (new and changed posts only).

    Example: tracuu crawl --sites sites/ khuyencong
    """
    _crawl(ctx, sites, site_ids)


@cli.command("reindex")
@click.option("--sites", type=click.Path(path_type=Path), default=None,
              help="A site profile (TOML) or a directory of them. Default: ./sites")
@pass_ctx
def reindex_cmd(ctx: Context, sites: Path | None) -> None:
    """Crawl every configured site, then index what changed: the scheduled job.

    Example: tracuu --data-dir /srv/tracuu reindex --sites /etc/tracuu/sites
    """
    started = time.monotonic()
    crawl_stats = _crawl(ctx, sites, ())
    index_stats = _run_index(ctx, rebuild=False)
    click.echo(f"Reindex: {crawl_stats.new} new, {crawl_stats.updated} updated, "
               f"{crawl_stats.unchanged + crawl_stats.not_modified} unchanged, {crawl_stats.failed} failed pages; "
               f"{index_stats.added + index_stats.updated} indexed; {time.monotonic() - started:.1f} s.")
    _alerts_after_index(ctx)


@cli.command("extract")
@click.argument("source")
@click.option("--url", default=None, help="The page's URL when SOURCE is a saved file (for links, canonical).")
@click.option("--site", "site_profile", type=click.Path(path_type=Path), default=None,
              help="A site profile (TOML) whose selectors to use.")
@click.option("--json", "as_json", is_flag=True, help="Print one object in the import format.")
@pass_ctx
def extract_cmd(ctx: Context, source: str, url: str | None, site_profile: Path | None, as_json: bool) -> None:
    """Show what the crawler would store for one page (a file or a URL): the profile author's tool.

    Example: tracuu extract saved/page.html --url https://example.gov.vn/vi/news/a-1.html
    """
    from crawl.extract import extract_article
    from crawl.profiles import load_profiles

    profile = load_profiles(site_profile)[0] if site_profile else None
    if source.startswith(("http://", "https://")):
        from crawl.fetch import fetch_one

        result = fetch_one(source, user_agent=ctx.settings.user_agent, timeout=ctx.settings.crawl_timeout,
                           max_bytes=ctx.settings.crawl_max_bytes)
        if not result.ok:
            reason = result.error or f"HTTP {result.status}"
            raise click.ClickException(f"Could not fetch '{source}': {reason}.")
        html, page_url, ctype = result.content, url or result.final_url, result.content_type
    else:
        path = Path(source)
        if not path.is_file():
            raise click.UsageError(f"'{source}' is neither a URL nor a file.")
        html, page_url, ctype = path.read_bytes(), url or path.resolve().as_uri(), None
    extracted = extract_article(html, page_url, profile, content_type=ctype)
    article = extracted.to_article(site=profile.id if profile else None, category=None)
    record = article.to_record()
    if as_json:
        click.echo(json.dumps(record, ensure_ascii=False))
        return
    for key in ("url", "title", "published", "department", "category"):
        click.echo(f"{key:12} {record.get(key) or '—'}")
    click.echo(f"{'raw dept.':12} {record.get('department_raw') or '—'}")
    click.echo(f"{'method':12} {record.get('extracted_by') or '—'}")
    for att in record.get("attachments") or []:
        click.echo(f"{'attachment':12} {att.get('title') or ''} <{att['url']}>")
    click.echo("")
    click.echo(record["body"])


# -- search and serve ------------------------------------------------------------------------------
@cli.command("search")
@click.argument("query", nargs=-1, required=True)
@click.option("--year", default=None)
@click.option("--department", default=None)
@click.option("--category", default=None)
@click.option("--site", default=None)
@click.option("--person", default=None, help="Only posts naming this person (a value of the 'Người' facet).")
@click.option("--filetype", default=None, help="Only posts with attached files: 'any', or a type (pdf, docx, xlsx...).")
@click.option("--event-from", default=None, help="Only posts placing an event on or after this day (YYYY-MM-DD).")
@click.option("--event-to", default=None, help="Only posts placing an event on or before this day (YYYY-MM-DD).")
@click.option("--sort", type=click.Choice(["relevance", "newest"]), default="relevance")
@click.option("--page", default=None, type=int)
@click.option("--limit", default=10, type=int, show_default=True, help="Results per page.")
@click.option("--json", "as_json", is_flag=True, help="Print exactly the JSON API's response.")
@pass_ctx
def search_cmd(ctx: Context, query: tuple[str, ...], year: str | None, department: str | None,
               category: str | None, site: str | None, person: str | None, filetype: str | None,
               event_from: str | None, event_to: str | None, sort: str, page: int | None,
               limit: int, as_json: bool) -> None:
    """Search the index.

    Example: tracuu search hoi nghi tong ket --year 2019
    """
    from indexer.backend import open_search
    from indexer.engine import InvalidParameter, SearchRequest
    from indexer.engine.hints import hints_json, index_hints

    params = {"q": " ".join(query), "year": year, "department": department, "category": category,
              "site": site, "person": person, "filetype": filetype, "event_from": event_from, "event_to": event_to,
              "sort": sort, "page": page, "per_page": limit}
    try:
        request = SearchRequest.from_params(params)
    except InvalidParameter as exc:
        raise click.UsageError(str(exc)) from exc
    engine = open_search(ctx.settings.engine)
    response = engine.search(request)
    hints = []
    if request.q.strip():
        hints = index_hints(engine, ctx.settings.department_aliases()).hints(request.q, request.filters())
    if as_json:
        data = {**response.to_json(), "hints": hints_json(request.q, hints)}
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    _print_results(response)
    for hint in hints:
        click.echo(f"Gợi ý: {hint.label}? (thêm --{hint.parameter} \"{hint.value}\" và bỏ «{' '.join(hint.words)}»)")


def _print_results(response: Any) -> None:
    import re
    from html import unescape

    def plain(html: str) -> str:
        return unescape(re.sub(r"</?mark>", "", html))

    if response.error:
        click.echo(response.error, err=True)
    click.echo(f"{response.total} kết quả cho «{response.query}»")
    if response.suggestion:
        click.echo(f"Có phải bạn muốn tìm: {response.suggestion}")
    if response.notice:
        click.echo(response.notice)
    first = (response.page - 1) * response.per_page
    for n, hit in enumerate(response.results, start=first + 1):
        meta = " · ".join(x for x in ((hit.published or "")[:10], hit.department, hit.site) if x)
        click.echo(f"\n{n}. {hit.title or '(không có tiêu đề)'}")
        click.echo(f"   {meta}")
        click.echo(f"   {hit.url or hit.id}")
        click.echo(f"   {plain(hit.snippet)}")
        for match in hit.attachment_matches:
            click.echo(f"   Tìm thấy trong tệp đính kèm: {match.file}, trang {match.page}: {plain(match.snippet)}")


@cli.command("serve")
@click.option("--host", default=None, help="Address to bind (default 127.0.0.1: this machine only).")
@click.option("--port", default=None, type=int, help="Port (default 5000).")
@click.option("--workers", default=None, type=click.IntRange(min=1),
              help="Run the production server (gunicorn) with this many worker processes (default: "
                   "serve_workers; 0 there: the development server).")
@click.option("--get", "get_path", default=None, help="Answer one request in-process and exit (smoke tests).")
@pass_ctx
def serve_cmd(ctx: Context, host: str | None, port: int | None, workers: int | None, get_path: str | None) -> None:
    """Serve the search site: the development server, or gunicorn with --workers N (production).

    Example: tracuu serve --workers 3 --port 8000
    """
    from dataclasses import replace

    from tracuu.wsgi import create

    s = replace(ctx.settings, host=host or ctx.settings.host, port=port or ctx.settings.port)
    workers = workers or s.serve_workers
    if workers < 0:
        raise click.UsageError(f"Setting 'serve_workers': {workers} is not a number of processes (0 or more).")
    if workers and s.serve_threads < 1:
        raise click.UsageError(f"Setting 'serve_threads': {s.serve_threads} is not a number of threads (1 or more).")
    url = f"http://{s.host}:{s.port}/"
    if workers and not get_path:
        try:
            from tracuu.server import serve
        except ImportError as exc:  # gunicorn runs on Unix only
            raise click.ClickException(f"The production server cannot run here ({exc}); "
                                       "use 'tracuu serve' without --workers.") from exc
        click.echo(f"tracuu: {url} (gunicorn, {workers} worker processes)", err=True)
        serve(s, workers)
        return
    app = create(s)
    if get_path:
        response = app.test_client().get(get_path)
        click.echo(response.get_data(as_text=True))
        sys.exit(0 if response.status_code < 400 else 1)
    click.echo(f"tracuu: {url} (development server)", err=True)
    app.run(host=s.host, port=s.port, threaded=True, use_reloader=False)


@cli.command("demo")
@click.option("--port", default=None, type=int, help="Port of the search site (default 5000; 0 picks a free one).")
@pass_ctx
def demo_cmd(ctx: Context, port: int | None) -> None:
    """Start the bundled demo agency site, crawl it, index it and serve search until Ctrl-C.

    The demo keeps its data in DATA_DIR/demo and resets it on each run, but only a directory it made itself.

    Example: tracuu demo --port 5000
    """
    from dataclasses import replace

    from tracuu.demo import DemoDataError, run_demo

    # the demo keeps its own archive and index, apart from real data; its site is ours: no delay
    demo = Context(replace(ctx.settings, data_dir=ctx.settings.data_dir / "demo"), ctx.quiet, ctx.verbose)
    try:
        run_demo(demo.settings, port=demo.settings.port if port is None else port,
                 echo=lambda m: click.echo(m, err=True),
                 crawl=lambda sites, subs: _crawl(demo, sites, (), subs, min_delay=0.0),
                 index=lambda: _run_index(demo, rebuild=False))
    except DemoDataError as exc:
        raise click.ClickException(str(exc)) from exc


# -- alerts ----------------------------------------------------------------------------------------
class AlertsGroup(click.Group):
    """The alerts commands: their library's errors are one line for the user too."""

    def invoke(self, ctx: click.Context) -> Any:
        from alerts.errors import AlertsError

        try:
            return super().invoke(ctx)
        except AlertsError as exc:
            raise click.ClickException(str(exc)) from exc


@cli.group("alerts", cls=AlertsGroup)
def alerts_group() -> None:
    """E-mail alerts: subscriptions to searches, made on the site (docs/alerts.md).

    After each 'tracuu index' and 'tracuu reindex' the digests go out by themselves when smtp_host is set.

    Example: tracuu alerts list
    """


def _report_alerts(report: Any) -> str:
    return (f"Alerts: {report.digests} digests sent ({report.articles} articles), {report.baselines} baselines "
            f"recorded, {report.failed} failed.")


def _alerts_after_index(ctx: Context) -> None:
    """Digests of what the index job made newly searchable. A failure is logged and the index job still
    succeeds: what was not sent is found again, and sent, by the next run."""
    import sqlite3

    from alerts.digest import send_digests
    from alerts.errors import AlertsError
    from indexer.backend import open_search
    from indexer.engine import IndexerError

    try:
        config = ctx.settings.alerts
        if not config.enabled or not config.db_path.exists():
            return
        engine = open_search(ctx.settings.engine)
        try:
            report = send_digests(config, engine)
        finally:
            engine.close()
    except (AlertsError, IndexerError, OSError, sqlite3.Error) as exc:
        log.error("e-mail alerts not sent (the next index run retries): %s", exc)
        return
    for error in report.errors:
        log.error("e-mail alerts: %s (retried next run)", error)
    if report.digests or report.failed or report.baselines:
        click.echo(_report_alerts(report), err=True)


@alerts_group.command("list")
@click.option("--show-addresses", is_flag=True, help="Show whole addresses (masked by default).")
@pass_ctx
def alerts_list_cmd(ctx: Context, show_addresses: bool) -> None:
    """List subscriptions: state, search, created, last digest.

    Example: tracuu alerts list
    """
    from alerts.address import mask
    from alerts.search import describe
    from alerts.store import Store

    with Store(ctx.settings.alerts.db_path) as store:
        subs = store.all()
    for sub in subs:
        who = sub.address if show_addresses else mask(sub.address)
        click.echo(f"#{sub.id}\t{sub.state}\t{who}\t{describe(sub.params)}\tcreated {sub.created[:10]}\t"
                   f"last sent {(sub.last_sent or '—')[:16]}")
    click.echo(f"{len(subs)} subscriptions ({sum(s.state == 'active' for s in subs)} active).", err=True)


@alerts_group.command("send")
@click.option("--dry-run", is_flag=True, help="Show what would be sent; send nothing, record nothing.")
@pass_ctx
def alerts_send_cmd(ctx: Context, dry_run: bool) -> None:
    """Find what newly matches each subscription and send the digests now.

    Example: tracuu alerts send --dry-run
    """
    from alerts.address import mask
    from alerts.digest import send_digests
    from alerts.search import describe
    from indexer.backend import open_search

    config = ctx.settings.alerts
    if not config.enabled and not dry_run:
        raise click.UsageError("E-mail alerts are off: set smtp_host (TRACUU_SMTP_HOST) first.")
    engine = open_search(ctx.settings.engine)
    try:
        report = send_digests(config, engine, dry_run=dry_run)
    finally:
        engine.close()
    if dry_run:
        for plan in report.planned:
            sub = plan.subscription
            head = f"#{sub.id} {mask(sub.address)} {describe(sub.params)}"
            if plan.baseline:
                click.echo(f"{head}: would record a baseline of {len(plan.hits)} articles (sends nothing)")
                continue
            more = f" (+{plan.more} counted, not listed)" if plan.more else ""
            click.echo(f"{head}: would send {len(plan.hits)} articles{more}")
            for hit in plan.hits:
                click.echo(f"  {(hit.published or '')[:10]}  {hit.title}  [{hit.id}]")
        click.echo(f"Dry run: {sum(not p.baseline for p in report.planned)} digests would be sent; "
                   "nothing sent, nothing recorded.")
        return
    click.echo(_report_alerts(report))
    if report.failed:
        raise click.ClickException("; ".join(report.errors))


@alerts_group.command("prune")
@click.option("--days", type=click.IntRange(min=0), default=7, show_default=True,
              help="Drop unconfirmed subscriptions older than this many days.")
@pass_ctx
def alerts_prune_cmd(ctx: Context, days: int) -> None:
    """Drop unconfirmed subscriptions older than --days, and every unsubscribed one.

    Example: tracuu alerts prune --days 7
    """
    from datetime import UTC, datetime, timedelta

    from alerts.store import Store

    with Store(ctx.settings.alerts.db_path) as store, store.transaction():
        pending, ended = store.prune(datetime.now(UTC) - timedelta(days=days))
    click.echo(f"Pruned: {pending} unconfirmed, {ended} unsubscribed.")


@alerts_group.command("export")
@click.argument("file", type=click.File("w", encoding="utf-8"))
@pass_ctx
def alerts_export_cmd(ctx: Context, file: Any) -> None:
    """Write every subscription as JSON Lines (addresses included: keep the file private).

    Example: tracuu alerts export alerts.jsonl
    """
    from alerts.store import Store
    from alerts.transfer import export_subscriptions

    count = 0
    with Store(ctx.settings.alerts.db_path) as store:
        for line in export_subscriptions(store):
            file.write(line + "\n")
            count += 1
    click.echo(f"Exported {count} subscriptions.", err=True)


@alerts_group.command("import")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@pass_ctx
def alerts_import_cmd(ctx: Context, file: Any) -> None:
    """Add subscriptions from a JSON Lines file made by 'tracuu alerts export'.

    Example: tracuu alerts import alerts.jsonl
    """
    from alerts.store import Store
    from alerts.transfer import import_subscriptions

    with Store(ctx.settings.alerts.db_path) as store:
        report = import_subscriptions(store, file)
    for lineno, reason in report.errors:
        click.echo(f"{file.name}:{lineno}: skipped: {reason}", err=True)
    click.echo(f"Imported: {report.added} new, {report.existing} already there, {len(report.errors)} skipped.")


def main() -> None:
    cli(prog_name="tracuu")


if __name__ == "__main__":
    main()
