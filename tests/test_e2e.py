"""The whole pipeline over real HTTP: demo site → crawler → archive → Whoosh index → Flask app."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import httpx
import pytest

from archive import Archive
from crawl.crawler import crawl_sites
from crawl.profiles import load_profiles
from indexer.backend import EngineConfig
from indexer.whoosh_engine.writer.build import update_index
from tracuu.demo import MARKER
from tracuu.demosite import ARTICLES, PROFILE_PATH, SUMMARY_MEETING_ID, DemoSite
from webapp import create_app


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    data = tmp_path_factory.mktemp("e2e")
    with DemoSite() as site:
        base_url = site.start()
        profiles = load_profiles(PROFILE_PATH, substitutions={"base_url": base_url})
        with Archive(data / "archive.sqlite3") as archive:
            crawl_stats = crawl_sites(profiles, archive, user_agent="tracuu-test", min_delay=0)
            update_index(archive, data / "index", data / "segments.sqlite3", workers=1)
            articles = {a.id: a for a in archive.iter_articles()}
        app = create_app(EngineConfig(data))
        yield {"client": app.test_client(), "articles": articles, "crawl": crawl_stats, "base_url": base_url}


def api(pipeline: dict[str, Any], **params: Any) -> dict[str, Any]:
    response = pipeline["client"].get("/api/search", query_string={"per_page": 100, **params})
    assert response.status_code == 200
    return response.get_json()


def meeting_url(pipeline: dict[str, Any]) -> str:
    return next(u for u in pipeline["articles"] if u.endswith(f"-{SUMMARY_MEETING_ID}.html"))


def test_every_demo_article_was_crawled(pipeline: dict[str, Any]) -> None:
    assert pipeline["crawl"].failed == 0
    assert len(pipeline["articles"]) == len(ARTICLES)


@pytest.mark.parametrize("q", ["hội nghị tổng kết", "hoi nghi tong ket"])
def test_meeting_article_comes_first(pipeline: dict[str, Any], q: str) -> None:
    result = api(pipeline, q=q)
    assert result["results"][0]["id"] == meeting_url(pipeline)
    assert result["results"][0]["department"] == "Hành chính - Tổng hợp"
    assert result["results"][0]["published"].startswith("2019-01-18")


def test_year_and_department_filters_narrow_and_facets_match(pipeline: dict[str, Any]) -> None:
    articles = pipeline["articles"]
    everything = api(pipeline, q="công thương")
    year = everything["facets"]["year"][0]["value"]
    by_year = api(pipeline, q="công thương", year=year)
    assert 0 < by_year["total"] < everything["total"]
    assert by_year["total"] == everything["facets"]["year"][0]["count"]
    assert all(r["published"].startswith(year) for r in by_year["results"])
    department = by_year["facets"]["department"][0]["value"]
    both = api(pipeline, q="công thương", year=year, department=department)
    assert 0 < both["total"] <= by_year["total"]
    assert all(r["department"] == department for r in both["results"])
    # facet counts are the counts of the filtered results, checked by brute force
    for name in ("year", "department", "category", "site"):
        expected = Counter(str(getattr(articles[r["id"]], name)) for r in by_year["results"])
        assert {f["value"]: f["count"] for f in by_year["facets"][name]} == dict(expected)


def test_search_page_shows_results_and_facet_links(pipeline: dict[str, Any]) -> None:
    html = pipeline["client"].get("/?q=hoi+nghi+tong+ket").get_data(as_text=True)
    assert 'name="q"' in html and "Hội nghị tổng kết phong trào thi đua năm 2018" in strip_tags(html)
    assert "year=2019" in html and "department=" in html


def strip_tags(html: str) -> str:
    return re.sub(r"</?mark>", "", html)


DEMO_URL = re.compile(r"Search the demo at (http://127\.0\.0\.1:(\d+)/) ")


class Output:
    """A child's stderr read in a thread, so the child never blocks on a full pipe and waits can time out."""

    def __init__(self, stream: IO[str]) -> None:
        self.lines: list[str] = []
        self._stream = stream
        self._thread = threading.Thread(target=self._pump, daemon=True)
        self._thread.start()

    def _pump(self) -> None:
        for line in self._stream:
            self.lines.append(line)

    def wait_for(self, pattern: re.Pattern[str], timeout: float) -> re.Match[str] | None:
        """The first line matching the pattern; None when the stream ends or the time runs out first."""
        deadline = time.monotonic() + timeout
        seen = 0
        while time.monotonic() < deadline:
            ended = not self._thread.is_alive()  # read before the lines, so none can arrive unseen
            for line in self.lines[seen:]:
                seen += 1
                if match := pattern.search(line):
                    return match
            if ended:
                return None
            time.sleep(0.05)
        return None

    def close(self) -> str:
        """Everything written, once the child has gone and its end of the pipe is closed."""
        self._thread.join(timeout=10)
        self._stream.close()
        return "".join(self.lines)


@pytest.mark.slow
def test_tracuu_demo_serves_search(tmp_path: Path) -> None:
    """`tracuu demo --port 0` (what `make demo` runs, on a free port) prints its real address and serves
    search there; it resets the data an earlier demo run left, saying so, and stops cleanly on Ctrl-C."""
    earlier = tmp_path / "data" / "demo"
    earlier.mkdir(parents=True)
    (earlier / MARKER).write_text("", encoding="utf-8")
    (earlier / "stale.txt").write_text("from an earlier demo run", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACUU_")}
    env["PYTHONFAULTHANDLER"] = "1"  # a demo that does not stop prints every thread's stack on SIGABRT
    # a relative data dir, as `make demo` uses (./data); started with SIGINT ignored, as a script's background job
    # starts (CI runs the tests so at times): Ctrl-C must stop it all the same
    proc = subprocess.Popen([sys.executable, "-m", "tracuu.cli", "--data-dir", "data", "demo", "--port", "0"],
                            cwd=tmp_path, env=env, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    assert proc.stderr is not None
    output = Output(proc.stderr)
    try:
        match = output.wait_for(DEMO_URL, timeout=120)
        if match is None:
            pytest.fail("tracuu demo did not print its address within 120 s:\n" + "".join(output.lines))
        url, port = match.group(1), int(match.group(2))
        assert port != 0
        page = httpx.get(url, params={"q": "hoi nghi tong ket"}, timeout=30)
        assert page.status_code == 200
        assert "Hội nghị tổng kết phong trào thi đua năm 2018" in strip_tags(page.text)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=60)  # a loaded 2-core machine once took over 10 s to exit
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGABRT)  # the stacks show where it hangs
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        text = output.close()
    assert proc.returncode == 0 and "Traceback" not in text and "Fatal Python error" not in text, text
    assert "Resetting the demo data in data/demo (archive and index of the previous demo run)." in text
    assert not (earlier / "stale.txt").exists() and (earlier / MARKER).is_file()
