"""The pages of e-mail alerts: subscribe to the current search, confirm, unsubscribe. They never show an
address, and subscribing answers the same whatever happened (see alerts.subscribe)."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Flask, abort, current_app, render_template, request

from alerts.config import AlertsConfig
from alerts.digest import record_baseline
from alerts.errors import AlertsError, InvalidAddress, RateLimited
from alerts.links import PREFIX
from alerts.mail import confirmation_message, send_one
from alerts.search import InvalidSearch, describe, results_path
from alerts.store import Store
from alerts.subscribe import confirm, confirm_target, request_subscription, unsubscribe, unsubscribe_target
from indexer.engine import IndexerError, InvalidParameter

log = logging.getLogger("tracuu.alerts")

bp = Blueprint("alerts", __name__, url_prefix=PREFIX)

SEARCH_FIELD = "s."  # the form's hidden inputs carry the search as s.q, s.year…: apart from the address field
SENT = "Nếu địa chỉ hợp lệ, chúng tôi đã gửi thư xác nhận. Hãy mở thư và bấm liên kết trong đó để bắt đầu nhận tin."
UNKNOWN_LINK = ("Liên kết này không đúng hoặc đã hết hạn. Liên kết xác nhận chỉ dùng được trong 7 ngày; "
                "bạn có thể đăng ký lại từ trang kết quả tìm kiếm.")


def register(app: Flask, config: AlertsConfig | None) -> None:
    """The pages, on when `config` has an SMTP server; the results page shows the form only then."""
    app.extensions["tracuu_alerts"] = config if config is not None and config.enabled else None
    app.register_blueprint(bp)

    @app.context_processor
    def alerts_enabled() -> dict[str, Any]:
        return {"alerts_enabled": app.extensions["tracuu_alerts"] is not None}


def _config() -> AlertsConfig:
    config = current_app.extensions.get("tracuu_alerts")
    if config is None:
        abort(404)
    return config


def _page(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    return render_template(template, **context), status


def _problem(status: int, title: str, message: str) -> tuple[str, int]:
    return _page("alerts_message.html", status, title=title, message=message, back=None)


def _now() -> datetime:
    return datetime.now(UTC)


@bp.post("/subscribe")
def subscribe() -> Any:
    config = _config()
    args = {k[len(SEARCH_FIELD):]: v for k, v in request.form.items() if k.startswith(SEARCH_FIELD)}
    try:
        with Store(config.db_path) as store:
            pending = request_subscription(store, request.form.get("email", ""), args,
                                           request.remote_addr or "", _now())
    except (InvalidAddress, InvalidSearch, InvalidParameter) as exc:
        return _problem(400, "Chưa đăng ký được", str(exc))
    except RateLimited as exc:
        return _problem(429, "Quá nhiều yêu cầu", str(exc))
    if pending is not None:
        message = confirmation_message(config, pending.address, pending.params, pending.token)
        # sent beside the answer, not before it: a slow server must not tell apart the requests that send mail
        threading.Thread(target=_send_confirmation, args=(config, message), name="alerts-confirm").start()
    return _page("alerts_message.html", title="Đã nhận yêu cầu", message=SENT, back=_back(args))


def _send_confirmation(config: AlertsConfig, message: Any) -> None:
    try:
        send_one(config, message)
    except AlertsError as exc:
        log.error("confirmation not sent: %s", exc)


def _back(args: dict[str, str]) -> str | None:
    """The results page the request came from (relative: never a link to another site)."""
    clean = {k: v for k, v in args.items() if k not in ("page", "per_page") and v}
    return results_path(clean) if clean else None


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm_page(token: str) -> Any:
    """GET shows a button and changes nothing: a mail scanner that opens every link must not subscribe an
    address someone else typed. The POST of that button confirms."""
    config = _config()
    with Store(config.db_path) as store:
        if request.method == "GET":
            pending = confirm_target(store, token, _now())
            if pending is None:
                return _problem(404, "Liên kết không dùng được", UNKNOWN_LINK)
            return _page("alerts_confirm.html", what=describe(pending.params), done=pending.state == "active",
                         back=results_path(pending.params))
        sub = confirm(store, token, _now())
        if sub is None:
            return _problem(404, "Liên kết không dùng được", UNKNOWN_LINK)
        if not sub.baselined:
            try:
                record_baseline(store, current_app.extensions["tracuu_index"], sub, _now())
            except IndexerError as exc:  # no index to search yet: the next digest run records the baseline
                log.warning("alerts baseline left to the next run: %s", exc)
    return _page("alerts_message.html", title="Đã xác nhận",
                 message=f"Bạn sẽ nhận thư khi có bài mới cho tìm kiếm {describe(sub.params)}. "
                         "Mỗi thư đều có liên kết để hủy nhận thư.", back=results_path(sub.params))


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe_page(token: str) -> Any:
    """GET shows a button and changes nothing (mail scanners open links); POST, from the button or from a
    mail client's one-click unsubscribe (RFC 8058), ends the subscription."""
    config = _config()
    with Store(config.db_path) as store:
        if request.method == "GET":
            sub = unsubscribe_target(store, token)
            if sub is None:
                return _problem(404, "Liên kết không dùng được", UNKNOWN_LINK)
            return _page("alerts_unsubscribe.html", what=describe(sub.params), done=sub.state == "unsubscribed")
        sub = unsubscribe(store, token, _now())
    if sub is None:
        return _problem(404, "Liên kết không dùng được", UNKNOWN_LINK)
    return _page("alerts_unsubscribe.html", what=describe(sub.params), done=True)
