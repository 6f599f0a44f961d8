"""Settings: one frozen dataclass; defaults < tracuu.toml < TRACUU_* environment < command-line flags.

Only `load_settings` reads the environment. Paths derive from `data_dir`.
"""

from __future__ import annotations

import difflib
import logging
import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from alerts.config import AlertsConfig
from indexer.engine.config import BACKENDS, EngineConfig

ENV_PREFIX = "TRACUU_"


class SettingsError(Exception):
    """A setting with a value we cannot use; the message names it and the fix."""


def _setting(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Settings:
    data_dir: Path = _setting(Path("data"), "Where the archive, the index and caches live.")
    sites: Path = _setting(Path("sites"), "A site profile (TOML) or a directory of them, for crawl/reindex.")
    host: str = _setting("127.0.0.1", "Address the web app binds to.")
    port: int = _setting(5000, "Port of the web app.")
    serve_workers: int = _setting(0, "Worker processes of the production server (gunicorn) 'tracuu serve' runs "
                                  "(0: the development server).")
    serve_timeout: int = _setting(30, "Seconds before a hung production worker is replaced, and that a stopping one "
                                  "has to finish its requests.")
    serve_threads: int = _setting(1, "Threads of each production worker: 1 keeps requests in one queue that every "
                                  "worker takes from (lowest latency measured); more let a worker read slow "
                                  "clients while it searches, when no proxy buffers them.")
    serve_max_requests: int = _setting(20000, "Requests a production worker answers before it is replaced "
                                       "(up to 10 % later, so they do not all restart at once; 0: never).")
    user_agent: str = _setting(
        "tracuu/0.1 (+https://tracuu.example/bot; search archive of agency news)",
        "User-Agent sent by the crawler: name the project and a contact.",
    )
    crawl_delay: float = _setting(1.0, "Minimum seconds between two requests to one host (profiles may lengthen it).")
    crawl_timeout: float = _setting(20.0, "Seconds before a request is abandoned (then retried).")
    crawl_max_bytes: int = _setting(5_000_000, "Largest response the crawler reads, in bytes.")
    attachment_max_bytes: int = _setting(
        20_000_000, "Largest attached file (PDF, DOC, XLS...) the crawler downloads and reads (0: attachments are "
        "not downloaded).")
    ocr_seconds: float = _setting(
        300.0, "Seconds 'tracuu index' spends reading scanned pages by OCR before indexing "
        "(0: leave it to 'tracuu ocr').")
    crawl_max_pages: int = _setting(0, "Stop a site after this many list pages (0: no limit).")
    index_workers: int = _setting(0, "Processes that segment text while indexing (0: one per core).")
    per_page: int = _setting(10, "Results per page in the web app.")
    search_cache_mb: int = _setting(
        0, "Memory each searching process may fill with caches, in MB (0: the defaults, ~396 MB, for 100 000 "
        "articles); Whoosh only.")
    backend: str = _setting("whoosh", "Search back end: 'whoosh' (an index in the data dir) or 'opensearch'.")
    opensearch_url: str = _setting("http://127.0.0.1:9200",
                                   "OpenSearch cluster for backend = 'opensearch'; may carry user:password@.")
    opensearch_ca_file: str = _setting("", "CA certificate (PEM) that signed the cluster's TLS certificate.")
    opensearch_index: str = _setting("tracuu", "Alias searched on OpenSearch; tracuu's indexes are named after it.")
    opensearch_shards: int = _setting(1, "Primary shards of a new OpenSearch index.")
    opensearch_replicas: int = _setting(1, "Replicas of each shard of a new OpenSearch index.")
    abbreviations_file: str = _setting("", "A TSV file of this deployment's own abbreviations (format of "
                                       "indexer/analysis/abbreviations.tsv), searched besides the built-in ones.")
    # e-mail alerts (docs/alerts.md): off until smtp_host is set
    smtp_host: str = _setting("", "SMTP server that sends e-mail alerts (empty: alerts are off and the site "
                              "offers no subscription).")
    smtp_port: int = _setting(587, "Port of the SMTP server (465: TLS from the start).")
    smtp_starttls: bool = _setting(True, "Upgrade the SMTP connection with STARTTLS (false only for a server on "
                                   "this machine or a trusted network).")
    smtp_username: str = _setting("", "SMTP login (empty: no login).")
    smtp_password: str = _setting("", "SMTP password; prefer TRACUU_SMTP_PASSWORD to the config file.")
    mail_from: str = _setting("", "From address of alerts (empty: tracuu <noreply@HOST of public_url>).")
    public_url: str = _setting("http://127.0.0.1:5000", "The site's public address, for the links in e-mails.")

    def __post_init__(self) -> None:
        if self.backend not in BACKENDS:
            raise SettingsError(f"Setting 'backend': {self.backend!r} is not a search back end this tracuu has "
                                f"(it has: {', '.join(BACKENDS)}).")

    @property
    def engine(self) -> EngineConfig:
        """The search back end and where it keeps its data, for indexer.backend."""
        # the settings of the same names: a setting added to EngineConfig needs no line here
        return EngineConfig(**{f.name: getattr(self, f.name) for f in fields(EngineConfig)})

    @property
    def alerts(self) -> AlertsConfig:
        """What e-mail alerts need: the settings of the same names."""
        return AlertsConfig(**{f.name: getattr(self, f.name) for f in fields(AlertsConfig)})

    def department_aliases(self) -> tuple[tuple[str, str], ...]:
        """(spelling, department) pairs of the site profiles' alias tables, so a query's "phòng HC-TH" hints
        its department; none when there are no profiles (a site fed by `tracuu import`). A profile that
        cannot be read costs the hints its aliases, not the search: the crawl reports it."""
        from crawl.errors import ProfileError
        from crawl.profiles import load_profiles

        if not self.sites.exists():
            return ()
        try:
            return tuple(pair for profile in load_profiles(self.sites) for pair in profile.department_aliases)
        except (ProfileError, OSError) as exc:
            logging.getLogger("tracuu").warning("department aliases not read: %s", exc)
            return ()

    @property
    def archive_path(self) -> Path:
        return self.engine.archive_path

    @property
    def files_path(self) -> Path:
        return self.engine.files_path


def _convert(name: str, raw: Any, kind: type) -> Any:
    try:
        if kind is Path:
            return Path(str(raw))
        if kind is bool:
            return _boolean(raw)
        if kind is int:
            return int(raw)
        if kind is float:
            return float(raw)
        return str(raw)
    except (TypeError, ValueError):
        raise SettingsError(f"Setting '{name}': {raw!r} is not a valid {kind.__name__}.") from None


def _boolean(raw: Any) -> bool:
    """TOML's true/false, or what people write in environment variables."""
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ValueError(raw)


def _kinds() -> dict[str, type]:
    return {f.name: type(f.default) if not isinstance(f.default, Path) else Path for f in fields(Settings)}


def load_settings(overrides: dict[str, Any] | None = None, *, config_file: Path | None = None,
                  environ: dict[str, str] | None = None) -> Settings:
    """Defaults, then tracuu.toml (if present), then TRACUU_* variables, then `overrides` (flags)."""
    environ = dict(os.environ if environ is None else environ)
    kinds = _kinds()
    values: dict[str, Any] = {}
    config_file = config_file or Path(environ.get("TRACUU_CONFIG", "tracuu.toml"))
    if config_file.is_file():
        try:
            data = tomllib.loads(config_file.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"Config file '{config_file}': {exc}") from exc
        for key, raw in data.items():
            if key not in kinds:
                raise SettingsError(f"Config file '{config_file}': unknown setting '{key}'{_hint(key, kinds)}.")
            values[key] = _convert(key, raw, kinds[key])
    for env_name, raw in environ.items():
        if not env_name.startswith(ENV_PREFIX) or env_name == "TRACUU_CONFIG":
            continue
        key = env_name[len(ENV_PREFIX):].lower()
        if key not in kinds:
            raise SettingsError(f"Unknown environment variable {env_name}{_hint(key, kinds, env=True)}.")
        values[key] = _convert(env_name, raw, kinds[key])
    for key, raw in (overrides or {}).items():
        if raw is not None:
            values[key] = _convert(key, raw, kinds[key])
    return replace(Settings(), **values)


def _hint(key: str, kinds: dict[str, type], env: bool = False) -> str:
    close = difflib.get_close_matches(key, kinds, n=1)
    if not close:
        return ""
    return f"; did you mean {ENV_PREFIX + close[0].upper() if env else close[0]!r}?"


def describe() -> list[tuple[str, str, str]]:
    """(name, default, help) of every setting, for the README and `--help`."""
    return [(f.name, str(f.default), f.metadata["help"]) for f in fields(Settings)]
