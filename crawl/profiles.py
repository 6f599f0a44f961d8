"""Site profiles: one TOML file per agency site, data only, optionally inheriting a platform preset.

A minimal profile is ``[site] id, name, start_urls``; every other key overrides what the generic
extractor would detect. Presets live in ``crawl/presets/<name>.toml`` and use the same tables.
"""

from __future__ import annotations

import difflib
import logging
import re
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crawl.errors import ProfileError
from crawl.urls import host_of

log = logging.getLogger(__name__)

PRESETS_DIR = Path(__file__).with_name("presets")

# table -> key -> (expected type(s), SiteProfile field, help for error messages)
_SCHEMA: dict[str, dict[str, tuple[type | tuple[type, ...], str, str]]] = {
    "site": {
        "id": (str, "id", "a short ASCII name such as 'khuyencong-thanhhoa'"),
        "name": (str, "name", "the agency's name as users should see it"),
        "start_urls": (list, "start_urls", "a list of news list page URLs, newest posts first"),
        "allowed_hosts": (list, "allowed_hosts", "a list of host names the crawler may fetch from"),
        "delay": ((int, float), "delay", "seconds between two requests to this site"),
        "encoding": (str, "encoding", "an encoding name such as 'windows-1258'"),
        "max_list_pages": (int, "max_list_pages", "how many list pages to read per start URL"),
        "sitemap": ((bool, str), "sitemap", "true, false, or the sitemap URL"),
        "category": (str, "category", "the category given to this site's articles"),
        "preset": (str, "preset", "one of the presets in crawl/presets"),
    },
    "list": {
        "item": (str, "list_item", "a CSS selector for one item of a news list"),
        "link": (str, "list_link", "a CSS selector, inside an item, for the article link"),
        "date": (str, "list_date", "a CSS selector, inside an item, for the date shown"),
        "next": (str, "next_page", "a CSS selector for the link to the next list page"),
        "article_url": (str, "article_url_pattern", "a regular expression that article URLs match"),
    },
    "article": {
        "title": (str, "title", "a CSS selector for the article heading"),
        "date": (str, "date", "a CSS selector for the element holding the publication date"),
        "date_format": (str, "date_format", "a strptime format such as '%d/%m/%Y %H:%M'"),
        "body": (str, "body", "a CSS selector for the element holding the article text"),
        "department": (str, "department", "a CSS selector for the signature or source line"),
        "attachments": (str, "attachments", "a CSS selector for attachment links"),
        "category": (str, "category_selector", "a CSS selector for the article's section name"),
        "remove": (list, "remove", "a list of CSS selectors of elements to drop before extraction"),
    },
    "departments": {
        "default": (str, "default_department", "the department used when a page has no signature"),
        "sections": (dict, "section_departments", "a table of URL path prefix = department"),
        "aliases": (dict, "department_aliases", "a table of department = [other spellings]"),
    },
}
_TOP_LEVEL = {"preset"}


@dataclass(frozen=True)
class SiteProfile:
    """How to crawl one site. Empty selectors mean: detect it generically."""

    id: str
    name: str
    start_urls: tuple[str, ...]
    allowed_hosts: tuple[str, ...]
    delay: float | None = None
    preset: str | None = None
    encoding: str | None = None
    max_list_pages: int | None = None
    sitemap: bool | str = True
    category: str | None = None
    list_item: str | None = None
    list_link: str | None = None
    list_date: str | None = None
    next_page: str | None = None
    article_url_pattern: str | None = None
    title: str | None = None
    date: str | None = None
    date_format: str | None = None
    body: str | None = None
    department: str | None = None
    attachments: str | None = None
    category_selector: str | None = None
    remove: tuple[str, ...] = ()
    default_department: str | None = None
    section_departments: tuple[tuple[str, str], ...] = ()  # (URL path prefix, department), longest first
    department_aliases: tuple[tuple[str, str], ...] = ()  # (folded spelling, canonical department)
    source: str = ""

    def is_article_url(self, url: str) -> bool | None:
        """True/False when the profile has an article URL pattern, None when detection must decide."""
        if not self.article_url_pattern:
            return None
        return re.search(self.article_url_pattern, url) is not None

    def section_department(self, url: str) -> str | None:
        """The default department of the section the URL lies in, else the site's default."""
        path = url.split("://", 1)[-1].partition("/")[2]
        path = "/" + path
        for prefix, department in self.section_departments:
            if path.startswith(prefix) or url.startswith(prefix):
                return department
        return self.default_department

    def canonical_department(self, name: str | None) -> str | None:
        """Map a spelling through the alias table, so one department is one facet value."""
        if not name:
            return name
        folded = fold_department(name)
        for spelling, canonical in self.department_aliases:
            if spelling == folded:
                return canonical
        return name


def fold_department(name: str) -> str:
    """A comparison key for department spellings: NFC, lower case, single spaces, plain dashes."""
    text = unicodedata.normalize("NFC", name).lower()
    text = re.sub(r"\s*[-–—]\s*", "-", text)
    return " ".join(text.split())


def _closest(key: str, choices: list[str]) -> str:
    match = difflib.get_close_matches(key, choices, n=1)
    return f" Did you mean '{match[0]}'?" if match else f" Known keys: {', '.join(sorted(choices))}."


def _substitute(value: Any, substitutions: Mapping[str, str]) -> Any:
    if isinstance(value, str):
        for name, replacement in substitutions.items():
            value = value.replace("{" + name + "}", replacement)
        return value
    if isinstance(value, list):
        return [_substitute(v, substitutions) for v in value]
    if isinstance(value, dict):
        return {_substitute(k, substitutions): _substitute(v, substitutions) for k, v in value.items()}
    return value


def _read_toml(path: Path, label: str) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise ProfileError(f"Site profile '{label}': cannot be read ({exc.strerror}). Check the path.") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"Site profile '{label}': not valid TOML ({exc}). Fix the syntax.") from exc


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Preset under profile: tables merge key by key, 'remove' lists add up, other values replace."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        elif key == "remove" and isinstance(value, list) and isinstance(merged.get(key), list):
            merged[key] = [*merged[key], *[v for v in value if v not in merged[key]]]
        else:
            merged[key] = value
    return merged


def available_presets() -> list[str]:
    return sorted(p.stem for p in PRESETS_DIR.glob("*.toml"))


def _with_preset(data: dict[str, Any], label: str) -> dict[str, Any]:
    preset = data.get("preset") or data.get("site", {}).get("preset")
    if preset is None:
        return data
    if not isinstance(preset, str) or not (PRESETS_DIR / f"{preset}.toml").is_file():
        raise ProfileError(
            f"Site profile '{label}': unknown preset {preset!r}. Use one of: {', '.join(available_presets())}."
        )
    base = _read_toml(PRESETS_DIR / f"{preset}.toml", f"presets/{preset}.toml")
    base.pop("preset", None)
    merged = _merge(base, data)
    merged.setdefault("site", {})["preset"] = preset
    merged.pop("preset", None)
    return merged


def _check_types(data: dict[str, Any], label: str) -> dict[str, Any]:
    """Validate tables and keys; return SiteProfile keyword arguments."""
    fields: dict[str, Any] = {}
    for table, values in data.items():
        if table in _TOP_LEVEL:
            continue
        if table not in _SCHEMA:
            raise ProfileError(f"Site profile '{label}': unknown table [{table}].{_closest(table, list(_SCHEMA))}")
        if not isinstance(values, dict):
            raise ProfileError(f"Site profile '{label}': '{table}' must be a table ([{table}]).")
        for key, value in values.items():
            if key not in _SCHEMA[table]:
                raise ProfileError(
                    f"Site profile '{label}': unknown key '{table}.{key}'.{_closest(key, list(_SCHEMA[table]))}"
                )
            kind, field_name, help_text = _SCHEMA[table][key]
            if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
                raise ProfileError(
                    f"Site profile '{label}': key '{table}.{key}' has the wrong type "
                    f"({type(value).__name__}). Give {help_text}."
                )
            fields[field_name] = value
    return fields


def _build(fields: dict[str, Any], label: str) -> SiteProfile:
    for key in ("id", "name", "start_urls"):
        if not fields.get(key):
            help_text = _SCHEMA["site"][key][2]
            raise ProfileError(f"Site profile '{label}': missing key 'site.{key}'. Add {help_text}.")
    start_urls = tuple(fields.pop("start_urls"))
    for url in start_urls:
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise ProfileError(
                f"Site profile '{label}': start URL {url!r} in 'site.start_urls' is not an http(s) URL. "
                "Give full addresses such as 'https://example.gov.vn/tin-tuc'."
            )
    hosts = fields.pop("allowed_hosts", None) or sorted({host_of(u) for u in start_urls})
    if "article_url_pattern" in fields:
        try:
            re.compile(fields["article_url_pattern"])
        except re.error as exc:
            raise ProfileError(
                f"Site profile '{label}': 'list.article_url' is not a valid regular expression ({exc})."
            ) from exc
    sections = fields.pop("section_departments", {}) or {}
    aliases = fields.pop("department_aliases", {}) or {}
    alias_pairs: list[tuple[str, str]] = []
    for canonical, spellings in aliases.items():
        if isinstance(spellings, str):
            spellings = [spellings]
        if not isinstance(spellings, list) or not all(isinstance(s, str) for s in spellings):
            raise ProfileError(
                f"Site profile '{label}': 'departments.aliases.{canonical}' must be a list of spellings."
            )
        alias_pairs += [(fold_department(s), canonical) for s in [canonical, *spellings]]
    return SiteProfile(
        start_urls=start_urls,
        allowed_hosts=tuple(h.lower() for h in hosts),
        remove=tuple(fields.pop("remove", ()) or ()),
        section_departments=tuple(sorted(((str(k), str(v)) for k, v in sections.items()),
                                         key=lambda kv: -len(kv[0]))),
        department_aliases=tuple(alias_pairs),
        delay=float(fields.pop("delay")) if "delay" in fields else None,
        source=label,
        **fields,
    )


def load_profile_file(path: Path, *, substitutions: Mapping[str, str] | None = None,
                      label: str | None = None) -> SiteProfile:
    """Read one profile file (resolving its preset)."""
    label = label or str(path)
    data = _read_toml(path, label)
    if substitutions:
        data = _substitute(data, substitutions)
    data = _with_preset(data, label)
    return _build(_check_types(data, label), label)


def load_profiles(path: Path, *, substitutions: dict[str, str] | None = None) -> list[SiteProfile]:
    """Load one TOML file, or every *.toml in a directory (one site per file), sorted by file name."""
    path = Path(path)
    if path.is_dir():
        files = sorted(path.glob("*.toml"))
        if not files:
            raise ProfileError(f"No site profiles in '{path}'. Add one <site>.toml file per site.")
    elif path.is_file():
        files = [path]
    else:
        raise ProfileError(f"Site profiles '{path}' not found. Give a .toml file or a directory of them.")
    profiles = [load_profile_file(f, substitutions=substitutions) for f in files]
    seen: dict[str, str] = {}
    for profile in profiles:
        if profile.id in seen:
            raise ProfileError(
                f"Site profile '{profile.source}': id '{profile.id}' is also used by '{seen[profile.id]}'. "
                "Give each site its own id."
            )
        seen[profile.id] = profile.source
    log.debug("loaded %d site profile(s) from %s", len(profiles), path)
    return profiles


def generic_profile(url: str) -> SiteProfile:
    """A profile with nothing but the URL's host: what `extract` uses without --site."""
    host = host_of(url) or "local"
    return SiteProfile(id=host, name=host, start_urls=(url,), allowed_hosts=(host,), source="(generic)")
