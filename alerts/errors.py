"""Errors of the alerts package; their messages are meant for the person who caused them."""

from __future__ import annotations


class AlertsError(Exception):
    """A problem with alerts the user can act on: the message says what and how."""


class InvalidAddress(AlertsError):
    """An e-mail address we will not write to (the message is shown on the page, in Vietnamese)."""


class RateLimited(AlertsError):
    """Too many subscription requests from one client: the page asks to wait."""


class SendBusy(AlertsError):
    """Another process is sending digests right now; running a second would send them twice."""


class MailError(AlertsError):
    """The SMTP server did not take a message. `fatal`: the server itself is unreachable or refuses us,
    so the remaining messages of this run would fail too."""

    def __init__(self, message: str, *, fatal: bool) -> None:
        super().__init__(message)
        self.fatal = fatal
