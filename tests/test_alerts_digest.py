"""What counts as new for a subscription, on a real Whoosh index and a real SMTP server: the digest cap, the
baseline taken by the first run, future dates, and the settings that turn alerts on."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from alerts import digest
from alerts.config import AlertsConfig
from alerts.digest import send_digests
from alerts.store import Store
from alerts.subscribe import confirm, request_subscription
from archive import Article
from tests.conftest import index_articles
from tracuu.settings import SettingsError, load_settings


def day(days_ago: int) -> str:
    return (date.today() - timedelta(days=days_ago)).isoformat()


def post(n: str, title: str, published: str) -> Article:
    return Article(id=n, url=f"http://sct.test/{n}", title=title, body=f"{title}. Nội dung.", published=published,
                   department="Văn phòng", site="sct")


class Inbox:
    def __init__(self) -> None:
        self.raw: list[bytes] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802
        self.raw.append(envelope.original_content or envelope.content)  # type: ignore[attr-defined]
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def test_first_run_baselines_then_caps_the_digest_and_future_dates_do_not_block(
        data_dir: Path, smtp: tuple[Inbox, int], monkeypatch: pytest.MonkeyPatch) -> None:
    inbox, port = smtp
    config = AlertsConfig(data_dir, smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False)
    now = datetime.now(UTC)
    with Store(config.db_path) as store:  # confirmed while there was no index: no baseline yet
        pending = request_subscription(store, "a@vidu.vn", {"q": "hội nghị"}, "192.0.2.1", now)
        assert pending is not None and confirm(store, pending.token, now) is not None
    engine = index_articles(data_dir, [post("old", "Hội nghị đã có", day(2)),
                                       post("future", "Hội nghị ghi nhầm năm", day(-300))])
    try:
        report = send_digests(config, engine)
        assert (report.baselines, report.digests, inbox.raw) == (1, 0, [])
        monkeypatch.setattr(digest, "DIGEST_CAP", 2)
        index_articles(data_dir, [post(f"n{i}", f"Hội nghị mới số {i}", day(0)) for i in range(3)]).close()
        time.sleep(0.05)
        report = send_digests(config, engine)
        assert (report.digests, report.articles) == (1, 2)
        [raw] = inbox.raw
        message = message_from_bytes(raw, policy=policy.default)
        assert message["Subject"] == "tracuu: 3 bài mới cho «hội nghị»"
        text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        assert "Và 1 bài khác" in text and "Hội nghị đã có" not in text and "ghi nhầm" not in text
        assert send_digests(config, engine).digests == 0  # the one past the cap was counted, not kept for later
    finally:
        engine.close()


def test_alert_settings_come_from_the_environment() -> None:
    assert not load_settings(environ={}).alerts.enabled
    s = load_settings(environ={"TRACUU_SMTP_HOST": "mail.example", "TRACUU_SMTP_STARTTLS": "no",
                               "TRACUU_PUBLIC_URL": "https://tracuu.example/"})
    assert s.alerts.enabled and s.alerts.smtp_starttls is False and s.alerts.base_url == "https://tracuu.example"
    assert "smtp_password" not in repr(s.alerts)
    with pytest.raises(SettingsError, match="TRACUU_SMTP_STARTTLS"):
        load_settings(environ={"TRACUU_SMTP_STARTTLS": "maybe"})
