"""Requests on a first crawl vs an incremental crawl (3 new posts, 1 silent edit) of the demo portal,
and title/date/department accuracy against the portal's own data.

Usage: .venv/bin/python bench/crawl_requests.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archive import Archive  # noqa: E402
from crawl.crawler import CrawlStats, crawl_sites  # noqa: E402
from crawl.profiles import load_profiles  # noqa: E402
from tracuu.demosite import PROFILE_PATH, DemoSite  # noqa: E402

UA = "tracuu-bench/0.1 (+https://example.org/tracuu)"


def line(label: str, stats: CrawlStats) -> str:
    return (f"{label:12} requests={stats.requests:3}  new={stats.new:3}  updated={stats.updated}  "
            f"unchanged={stats.unchanged}  not_modified={stats.not_modified}  failed={stats.failed}  "
            f"list_pages={stats.list_pages}  {stats.seconds:.2f} s")


def main() -> int:
    with DemoSite() as site, tempfile.TemporaryDirectory() as tmp, Archive(Path(tmp) / "a.sqlite3") as archive:
        profiles = load_profiles(PROFILE_PATH, substitutions={"base_url": site.base_url})
        first = crawl_sites(profiles, archive, user_agent=UA, min_delay=0)
        print(line("first", first))
        right = {"title": 0, "published": 0, "department": 0}
        for article in site.articles:
            got = archive.get(site.url_for(article))
            if got is None:
                continue
            right["title"] += got.title == article.title
            right["published"] += got.published == article.published.isoformat() + "+07:00"
            right["department"] += got.department == article.department
        total = len(site.articles)
        print("accuracy    " + "  ".join(f"{k}={v}/{total}" for k, v in right.items()))
        for n in range(3):
            site.add_article(site.new_article(f"Thông báo số {n} về lịch tiếp công dân định kỳ {time.time():.0f}",
                                              ["Sở thông báo lịch tiếp công dân định kỳ của lãnh đạo Sở."]))
        oldest = site.articles[-1]
        site.edit_article(oldest.id, paragraphs=[*oldest.paragraphs, "Đính chính số liệu."])
        print(line("incremental", crawl_sites(profiles, archive, user_agent=UA, min_delay=0)))
        print(line("unchanged", crawl_sites(profiles, archive, user_agent=UA, min_delay=0)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
