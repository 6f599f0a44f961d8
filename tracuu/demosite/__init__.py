"""The bundled demo agency portal: fake but realistic Vietnamese news posts served over local HTTP.

`tracuu demo` crawls it, and the crawler and end-to-end tests run against it. See content.py for the
articles, server.py for the site, profile.toml for the crawler's site profile.
"""

from pathlib import Path

from tracuu.demosite.content import (
    ARTICLES,
    CATEGORIES,
    DEPARTMENT_ALIASES,
    DEPARTMENTS,
    SITE_NAME,
    SUMMARY_MEETING_ID,
    DemoArticle,
    get_article,
    make_article,
    slugify,
)
from tracuu.demosite.server import DemoSite, RecordedRequest

# The crawler profile for the demo; "{base_url}" in it stands for DemoSite.base_url.
PROFILE_PATH = Path(__file__).with_name("profile.toml")

__all__ = [
    "ARTICLES",
    "CATEGORIES",
    "DEPARTMENT_ALIASES",
    "DEPARTMENTS",
    "PROFILE_PATH",
    "SITE_NAME",
    "SUMMARY_MEETING_ID",
    "DemoArticle",
    "DemoSite",
    "RecordedRequest",
    "get_article",
    "make_article",
    "slugify",
]
