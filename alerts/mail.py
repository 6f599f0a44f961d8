"""The two messages alerts send (the confirmation, the digest), plain text with an HTML alternative, and the
SMTP connection that sends them."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from html import escape
from types import TracebackType

from alerts.config import AlertsConfig
from alerts.errors import MailError
from alerts.links import article_link, confirm_link, results_link, unsubscribe_link
from alerts.search import describe
from indexer.engine import SearchHit

TIMEOUT = 30.0  # seconds for the SMTP server to answer; past it the run stops and retries next time


def vn_date(published: str | None) -> str:
    """'2019-01-18T08:30:00+07:00' → '18/01/2019'."""
    if not published or len(published) < 10:
        return ""
    return f"{published[8:10]}/{published[5:7]}/{published[0:4]}"


def _message(config: AlertsConfig, to: str, subject: str, text: str, html: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = config.sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=config.site_host)
    msg["Auto-Submitted"] = "auto-generated"  # no vacation replies to a robot
    # quoted-printable: 7-bit safe on any server, and still readable in the raw message
    msg.set_content(text, charset="utf-8", cte="quoted-printable")
    msg.add_alternative(f"<!doctype html>\n<html lang=\"vi\"><meta charset=\"utf-8\"><body>\n{html}\n</body></html>\n",
                        subtype="html", charset="utf-8", cte="quoted-printable")
    return msg


def confirmation_message(config: AlertsConfig, to: str, params: Mapping[str, str], token: str) -> EmailMessage:
    what = describe(params)
    link = confirm_link(config, token)
    text = (f"Xin chào,\n\nCó người (có thể là bạn) vừa đăng ký nhận thư từ tracuu khi có bài mới cho tìm kiếm "
            f"{what}.\n\nĐể bắt đầu nhận thư, hãy mở liên kết sau:\n{link}\n\n"
            "Nếu bạn không đăng ký, hãy bỏ qua thư này: bạn sẽ không nhận thêm thư nào.\n")
    html = (f"<p>Xin chào,</p><p>Có người (có thể là bạn) vừa đăng ký nhận thư từ tracuu khi có bài mới cho tìm "
            f"kiếm {escape(what)}.</p><p><a href=\"{escape(link)}\">Xác nhận đăng ký</a></p>"
            "<p>Nếu bạn không đăng ký, hãy bỏ qua thư này: bạn sẽ không nhận thêm thư nào.</p>")
    return _message(config, to, f"tracuu: xác nhận nhận thư cho {describe(params, 60)}", text, html)


def digest_message(config: AlertsConfig, to: str, params: Mapping[str, str], hits: list[SearchHit], more: int,
                   token: str) -> EmailMessage:
    """The new articles, newest first; `more` articles past the cap are counted and linked to, not listed."""
    what = describe(params)
    stop = unsubscribe_link(config, token)
    everything = results_link(config, params)
    text_items, html_items = [], []
    for hit in hits:
        meta = " · ".join(x for x in (vn_date(hit.published), hit.department) if x)
        link = article_link(config, hit.id)
        title = hit.title or "(không có tiêu đề)"
        text_items.append(f"- {title}\n  {meta}\n  {link}")
        html_items.append(f"<li><a href=\"{escape(link)}\">{escape(title)}</a><br>{escape(meta)}</li>")
    rest = f"\nVà {more} bài khác: {everything}\n" if more else ""
    html_rest = f"<p>Và {more} bài khác: <a href=\"{escape(everything)}\">xem tất cả</a>.</p>" if more else ""
    total = len(hits) + more
    text = (f"Có {total} bài mới cho tìm kiếm {what}:\n\n" + "\n\n".join(text_items) + "\n" + rest +
            f"\nXem kết quả mới nhất: {everything}\n\nBạn nhận thư này vì đã đăng ký và xác nhận nhận thư từ tracuu. "
            f"Hủy nhận thư: {stop}\n")
    html = (f"<p>Có {total} bài mới cho tìm kiếm {escape(what)}:</p><ul>" + "".join(html_items) + "</ul>"
            + html_rest + f"<p><a href=\"{escape(everything)}\">Xem kết quả mới nhất</a></p>"
            f"<p>Bạn nhận thư này vì đã đăng ký và xác nhận nhận thư từ tracuu. "
            f"<a href=\"{escape(stop)}\">Hủy nhận thư</a></p>")
    msg = _message(config, to, f"tracuu: {total} bài mới cho {describe(params, 60)}", text, html)
    # RFC 2369 and RFC 8058: mail clients show their own button, which POSTs to the link (one click)
    msg["List-Unsubscribe"] = f"<{stop}>"
    msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return msg


class Mailer:
    """One SMTP connection for a run's messages, opened at the first message."""

    def __init__(self, config: AlertsConfig) -> None:
        self.config = config
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def _connect(self) -> smtplib.SMTP:
        c = self.config
        context = ssl.create_default_context()
        if c.smtp_port == 465:  # implicit TLS ("SMTPS"); other ports speak plain SMTP, upgraded by STARTTLS
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(c.smtp_host, c.smtp_port, timeout=TIMEOUT, context=context)
        else:
            smtp = smtplib.SMTP(c.smtp_host, c.smtp_port, timeout=TIMEOUT)
            if c.smtp_starttls:
                smtp.starttls(context=context)
        if c.smtp_username:
            smtp.login(c.smtp_username, c.smtp_password)
        return smtp

    def send(self, msg: EmailMessage) -> None:
        """Raises MailError: fatal when the server cannot be reached or refuses us, not when it refuses
        only this recipient."""
        where = f"{self.config.smtp_host}:{self.config.smtp_port}"
        try:
            if self._smtp is None:
                self._smtp = self._connect()
            self._smtp.send_message(msg)
        except smtplib.SMTPRecipientsRefused as exc:
            raise MailError(f"SMTP server {where} refused the recipient: {exc}", fatal=False) from exc
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise MailError(f"could not send mail through {where}: {exc or type(exc).__name__}", fatal=True) from exc

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self._smtp = None


def send_one(config: AlertsConfig, msg: EmailMessage) -> None:
    with Mailer(config) as mailer:
        mailer.send(msg)
