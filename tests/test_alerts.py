"""E-mail alerts end to end: the site's form, a real SMTP server on 127.0.0.1 (aiosmtpd), the real CLI and a
real Whoosh index in a temp data dir. One archive and index for the module; each test uses its own addresses."""

from __future__ import annotations

import json
import re
import socket
import time
from collections.abc import Iterator
from datetime import date, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from alerts.config import AlertsConfig
from alerts.store import Store
from indexer.backend import EngineConfig
from tracuu.cli import cli
from webapp import create_app

PUBLIC = "http://tracuu.test"
SENT = "Nếu địa chỉ hợp lệ, chúng tôi đã gửi thư xác nhận"
TODAY = date.today()


def day(days_ago: int) -> str:
    return (TODAY - timedelta(days=days_ago)).isoformat()


def record(n: str, title: str, published: str, department: str = "Văn phòng") -> dict[str, str]:
    return {"id": n, "url": f"http://sct.test/tin/{n}.html", "title": title, "body": f"{title}. Nội dung bài viết.",
            "published": published, "department": department, "site": "sct"}


BASE = [
    record("b1", "Hội nghị tổng kết công tác năm", day(3), "Hành chính - Tổng hợp"),
    record("b2", "Hội nghị sơ kết sáu tháng", day(40)),
    record("b3", "Tập huấn khuyến công cho doanh nghiệp", day(2)),
]
NEW = [
    record("n1", "Hội nghị triển khai nhiệm vụ quý ba", day(0), "Thanh tra"),
    record("n2", "Hội nghị giao ban đăng muộn", day(5)),         # crawled late, within the grace days
    record("n3", "Kiểm tra an toàn thực phẩm", day(0)),           # does not match
    record("n4", "Hội nghị của một năm cũ", day(400)),            # an old post arriving now is not news
]


class Inbox:
    """aiosmtpd's handler: every message the server accepted."""

    def __init__(self) -> None:
        self.envelopes: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802
        self.envelopes.append((list(envelope.rcpt_tos), envelope.original_content or envelope.content))  # type: ignore[attr-defined]
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [message_from_bytes(raw, policy=policy.default)  # type: ignore[misc]
                for rcpt, raw in self.envelopes if address in rcpt]

    def wait_for(self, address: str, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while len(self.to(address)) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.to(address)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Site:
    def __init__(self, data: Path, inbox: Inbox, port: int) -> None:
        self.data, self.inbox, self.port = data, inbox, port
        self.config = AlertsConfig(data, smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False,
                                   mail_from="tracuu <tin@tracuu.test>", public_url=PUBLIC)
        self.app: Flask = create_app(EngineConfig(data), alerts=self.config)

    def env(self, port: int | None = None) -> dict[str, str]:
        return {"TRACUU_SMTP_HOST": "127.0.0.1", "TRACUU_SMTP_PORT": str(port or self.port),
                "TRACUU_SMTP_STARTTLS": "false", "TRACUU_PUBLIC_URL": PUBLIC}

    def run(self, *args: str, env: dict[str, str] | None = None, data: Path | None = None) -> tuple[int, str, str]:
        result = CliRunner().invoke(cli, ["--data-dir", str(data or self.data), "-q", *args], env=env)
        return result.exit_code, result.stdout, result.stderr

    def add(self, tmp: Path, records: list[dict[str, str]]) -> None:
        path = tmp / f"batch-{time.monotonic_ns()}.jsonl"
        path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
        assert self.run("import", str(path))[0] == 0

    def client(self, ip: str = "192.0.2.1") -> FlaskClient:
        client = self.app.test_client()
        client.environ_base["REMOTE_ADDR"] = ip  # rate limits count by client address
        return client


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    data = tmp_path_factory.mktemp("alerts") / "data"
    s = Site(data, inbox, port)
    s.add(data.parent, BASE)
    assert s.run("index")[0] == 0  # no SMTP settings: alerts are off, nothing to send
    s.app = create_app(EngineConfig(data), alerts=s.config)
    yield s
    s.app.extensions["tracuu_index"].close()
    controller.stop()


def subscribe(client: FlaskClient, address: str, **search: str) -> tuple[int, str]:
    response = client.post("/alerts/subscribe", data={"email": address, **{f"s.{k}": v for k, v in search.items()}})
    return response.status_code, response.get_data(as_text=True)


def link(message: EmailMessage, kind: str) -> str:
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    found = re.search(rf"{re.escape(PUBLIC)}/alerts/{kind}/[A-Za-z0-9_-]+", text)
    assert found, text
    return urlsplit(found.group(0)).path


def titles(message: EmailMessage) -> set[str]:
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    return {r["title"] for r in BASE + NEW if r["title"] in text}


def test_subscribe_confirm_digest_once_then_unsubscribe(site: Site, tmp_path: Path,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    client = site.client()
    page = client.get("/?q=hội+nghị&sort=newest&page=1").get_data(as_text=True)
    assert "Nhận thư khi có bài mới" in page
    assert 'name="s.q" value="hội nghị"' in page and 'name="s.page"' not in page

    status, body = subscribe(client, "Doc.Gia@Vidu.VN", q="hội nghị", sort="newest")
    assert status == 200 and SENT in body and "vidu" not in body.lower()
    status, body = subscribe(client, "chua.xac.nhan@vidu.vn", q="hội nghị")
    assert status == 200 and SENT in body
    [confirmation] = site.inbox.wait_for("Doc.Gia@vidu.vn", 1)
    assert "xác nhận" in confirmation["Subject"] and "«hội nghị»" in confirmation["Subject"]
    assert confirmation["From"] == "tracuu <tin@tracuu.test>"
    assert confirmation.get_body(("html",)) is not None
    confirm_path = link(confirmation, "confirm")

    # opening the link (as a mail scanner does) only shows the button; its POST confirms
    page = client.get(confirm_path)
    assert page.status_code == 200 and "<form method=\"post\"" in page.get_data(as_text=True)
    with Store(site.config.db_path) as store:
        assert {s.state for s in store.all() if s.address.lower() == "doc.gia@vidu.vn"} == {"pending"}
    page = client.post(confirm_path)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Đã xác nhận" in text and "«hội nghị»" in text and "vidu" not in text.lower()
    assert client.post(confirm_path).status_code == 200  # a second click changes nothing
    assert "Đã xác nhận" in client.get(confirm_path).get_data(as_text=True)

    # new posts, indexed while the SMTP server is unreachable: the index job still succeeds
    site.add(tmp_path, NEW)
    code, out, _ = site.run("index", env=site.env(port=free_port()))
    assert code == 0 and "4 added" in out
    assert "e-mail alerts" in caplog.text and "retried" in caplog.text
    assert len(site.inbox.to("Doc.Gia@vidu.vn")) == 1

    # a dry run shows the digest and neither sends nor records it
    code, out, _ = site.run("alerts", "send", "--dry-run", env=site.env())
    assert code == 0 and "would send 2 articles" in out
    assert NEW[0]["title"] in out and NEW[1]["title"] in out and BASE[0]["title"] not in out
    assert len(site.inbox.to("Doc.Gia@vidu.vn")) == 1

    # the next index run delivers: one digest, exactly the new matches
    code, _, _ = site.run("index", env=site.env())
    assert code == 0
    messages = site.inbox.to("Doc.Gia@vidu.vn")
    assert len(messages) == 2
    digest = messages[1]
    assert digest["Subject"] == "tracuu: 2 bài mới cho «hội nghị»"
    assert titles(digest) == {NEW[0]["title"], NEW[1]["title"]}
    plain = digest.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert f"{TODAY:%d/%m/%Y} · Thanh tra" in plain and f"{PUBLIC}/article?id=n1" in plain
    html = digest.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert f'href="{PUBLIC}/article?id=n1"' in html
    unsubscribe_path = link(digest, "unsubscribe")
    assert digest["List-Unsubscribe"] == f"<{PUBLIC}{unsubscribe_path}>"
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # nothing is sent twice
    assert site.run("index", env=site.env())[0] == 0
    assert site.run("alerts", "send", env=site.env())[0] == 0
    assert len(site.inbox.to("Doc.Gia@vidu.vn")) == 2

    # opening the link (as a mail scanner does) changes nothing; the one-click POST unsubscribes
    page = client.get(unsubscribe_path)
    assert page.status_code == 200 and "<form method=\"post\"" in page.get_data(as_text=True)
    with Store(site.config.db_path) as store:
        assert [s.state for s in store.all() if s.address.lower() == "doc.gia@vidu.vn"] == ["active"]
    page = client.post(unsubscribe_path, data={"List-Unsubscribe": "One-Click"})
    assert page.status_code == 200 and "Đã hủy nhận thư" in page.get_data(as_text=True)
    assert "vidu" not in page.get_data(as_text=True).lower()
    site.add(tmp_path, [record("n5", "Hội nghị sau khi hủy", day(0))])
    assert site.run("index", env=site.env())[0] == 0
    assert len(site.inbox.to("Doc.Gia@vidu.vn")) == 2

    # the address that never confirmed got the confirmation and nothing else
    [only] = site.inbox.to("chua.xac.nhan@vidu.vn")
    assert "xác nhận" in only["Subject"]


def test_bad_input_is_a_clear_400(site: Site) -> None:
    client = site.client("192.0.2.20")
    for bad in ("", "khong-phai-thu", "a@b", "Tên <a@vidu.vn>", "a@vidu.vn\r\nBcc: b@vidu.vn", "a b@vidu.vn",
                "x" * 250 + "@vidu.vn", "a@[127.0.0.1]", "a@1.2.3.4", "thư@vidu.vn"):
        status, body = subscribe(client, bad, q="hội nghị")
        assert status == 400, bad
        assert "Địa chỉ thư không hợp lệ" in body
    status, body = subscribe(client, "nam@vidu.vn", q="hội nghị", year="hai nghìn")
    assert status == 400 and "Năm không hợp lệ" in body
    status, body = subscribe(client, "nam@vidu.vn", q="x" * 600)
    assert status == 400 and "quá dài" in body
    assert client.get("/alerts/subscribe").status_code == 405
    assert site.inbox.to("nam@vidu.vn") == []


def test_rate_limits_hold(site: Site) -> None:
    client = site.client("192.0.2.30")
    for n in range(7):  # five a day for one address; the rest answer the same and send nothing
        status, body = subscribe(client, "gioi.han@vidu.vn", q=f"khuyến công {n}")
        assert status == 200 and SENT in body
    time.sleep(0.5)
    assert len(site.inbox.wait_for("gioi.han@vidu.vn", 5)) == 5
    time.sleep(0.3)
    assert len(site.inbox.to("gioi.han@vidu.vn")) == 5

    busy = site.client("192.0.2.31")  # twenty an hour from one client, whatever the addresses
    for n in range(20):
        assert subscribe(busy, f"ip{n}@vidu.vn", q="tập huấn")[0] == 200
    status, body = subscribe(busy, "ip20@vidu.vn", q="tập huấn")
    assert status == 429 and "quá nhiều" in body
    assert subscribe(site.client("192.0.2.32"), "ip20@vidu.vn", q="tập huấn")[0] == 200  # another client may


def test_tokens_are_random_and_unknown_links_are_404(site: Site) -> None:
    client = site.client("192.0.2.40")
    subscribe(client, "token1@vidu.vn", q="thanh tra")
    subscribe(client, "token2@vidu.vn", q="thanh tra")
    paths = [link(site.inbox.wait_for(a, 1)[0], "confirm") for a in ("token1@vidu.vn", "token2@vidu.vn")]
    tokens = [p.rsplit("/", 1)[1] for p in paths]
    assert tokens[0] != tokens[1] and all(len(t) >= 43 for t in tokens)
    with Store(site.config.db_path) as store:
        stored = store.conn.execute("SELECT hash FROM tokens").fetchall()
    assert not {t for t in tokens} & {row[0] for row in stored}  # only hashes are kept
    for path in ("/alerts/confirm/" + "A" * 43, "/alerts/confirm/ngắn", "/alerts/unsubscribe/" + "B" * 43):
        page = client.get(path)
        assert page.status_code == 404 and "không đúng hoặc đã hết hạn" in page.get_data(as_text=True)
    assert client.post("/alerts/unsubscribe/" + "C" * 43).status_code == 404
    assert client.get(paths[0].replace("confirm", "unsubscribe")).status_code == 404  # a token has one purpose


def test_off_without_smtp_host(site: Site) -> None:
    app = create_app(EngineConfig(site.data))
    try:
        client = app.test_client()
        assert "Nhận thư khi có bài mới" not in client.get("/?q=hội+nghị").get_data(as_text=True)
        assert client.post("/alerts/subscribe", data={"email": "tat@vidu.vn"}).status_code == 404
    finally:
        app.extensions["tracuu_index"].close()
    code, _, err = site.run("alerts", "send")
    assert code == 2 and "smtp_host" in err


def test_list_masks_export_import_round_trips_and_prune(site: Site, tmp_path: Path) -> None:
    client = site.client("192.0.2.50")
    subscribe(client, "xuat.nhap@vidu.vn", q="kiểm tra", department="Văn phòng")
    site.inbox.wait_for("xuat.nhap@vidu.vn", 1)
    code, out, _ = site.run("alerts", "list")
    assert code == 0 and "x***@v***.vn" in out and "xuat.nhap@vidu.vn" not in out
    assert "«kiểm tra» · Đơn vị: Văn phòng" in out and "pending" in out
    assert "xuat.nhap@vidu.vn" in site.run("alerts", "list", "--show-addresses")[1]

    dump = tmp_path / "alerts.jsonl"
    assert site.run("alerts", "export", str(dump))[0] == 0
    other = tmp_path / "other"
    code, out, _ = site.run("alerts", "import", str(dump), data=other)
    assert code == 0 and "0 skipped" in out
    again = tmp_path / "again.jsonl"
    site.run("alerts", "export", str(again), data=other)
    assert again.read_text(encoding="utf-8") == dump.read_text(encoding="utf-8")
    code, out, _ = site.run("alerts", "import", str(dump), data=other)
    assert "0 new" in out  # importing twice adds nothing

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{oops\n{"state": "active", "address": "x", "search": {}, "created": "2024"}\n', encoding="utf-8")
    code, out, err = site.run("alerts", "import", str(bad), data=other)
    assert code == 0 and ":1: skipped: not valid JSON" in err and ":2: skipped" in err

    # prune: unconfirmed ones older than --days go, recent ones stay, unsubscribed ones go
    records = [json.loads(line) for line in dump.read_text(encoding="utf-8").splitlines()]
    old = [r for r in records if r["state"] == "pending"][:3]
    for r in old:
        r["created"] = "2020-01-01T00:00:00+00:00"
    aged = tmp_path / "aged.jsonl"
    aged.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    third = tmp_path / "third"
    site.run("alerts", "import", str(aged), data=third)
    ended = sum(r["state"] == "unsubscribed" for r in records)
    code, out, _ = site.run("alerts", "prune", "--days", "7", data=third)
    assert code == 0 and out.strip() == f"Pruned: 3 unconfirmed, {ended} unsubscribed."
    _, out, _ = site.run("alerts", "list", "--show-addresses", data=third)
    assert len(out.splitlines()) == len(records) - 3 - ended and old[0]["address"] not in out
