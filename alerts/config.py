"""Where alerts keep their data, how they send mail and which site their links point to.

tracuu.settings fills it (settings of the same names); it lives here so the web app and the CLI can pass it
whole without importing the settings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from alerts.errors import AlertsError


@dataclass(frozen=True)
class AlertsConfig:
    data_dir: Path
    smtp_host: str = ""  # empty: alerts are off (no form on the site, no digests after indexing)
    smtp_port: int = 587
    smtp_starttls: bool = True
    smtp_username: str = ""
    smtp_password: str = field(default="", repr=False)  # never in a log line or a traceback
    mail_from: str = ""
    public_url: str = "http://127.0.0.1:5000"

    def __post_init__(self) -> None:
        parts = urlsplit(self.public_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise AlertsError(f"Setting 'public_url': {self.public_url!r} is not the site's address "
                              "(e.g. https://tracuu.example.gov.vn).")
        if not 0 < self.smtp_port < 65536:
            raise AlertsError(f"Setting 'smtp_port': {self.smtp_port} is not a port (1-65535).")

    @property
    def enabled(self) -> bool:
        return bool(self.smtp_host)

    @property
    def db_path(self) -> Path:
        """Subscriptions, what was sent, rate-limit counters: apart from the index, so a rebuild keeps them."""
        return Path(self.data_dir) / "alerts.sqlite3"

    @property
    def lock_path(self) -> Path:
        return Path(self.data_dir) / "alerts.lock"

    @property
    def base_url(self) -> str:
        return self.public_url.rstrip("/")

    @property
    def site_host(self) -> str:
        return urlsplit(self.public_url).hostname or "localhost"

    @property
    def sender(self) -> str:
        return self.mail_from or f"tracuu <noreply@{self.site_host}>"
