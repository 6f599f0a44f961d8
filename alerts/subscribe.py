"""Double opt-in: a request makes a pending subscription and one confirmation token; only the link with that
token makes it active. What a request did is never told to the requester (see request_subscription)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from alerts import limits
from alerts.address import address_key, normalize_address
from alerts.errors import RateLimited
from alerts.search import canonical, stored_search
from alerts.store import Store, Subscription
from alerts.tokens import new_token, token_hash, well_formed

CONFIRM_DAYS = 7  # a confirmation link older than this no longer works, and `tracuu alerts prune` drops it


@dataclass
class Confirmation:
    """The one message a request may cause: to `address`, with the link carrying `token`."""

    address: str
    params: dict[str, str]
    token: str


def request_subscription(store: Store, raw_address: str, args: Mapping[str, str], client: str,
                         now: datetime) -> Confirmation | None:
    """A confirmation to send, or None when nothing is to be sent (limits reached, already subscribed).

    Raises InvalidAddress / InvalidSearch / InvalidParameter for bad input, and RateLimited when this client
    has asked too often; every other outcome must look the same to the requester, so that nobody can learn
    whether an address is subscribed.
    """
    address = normalize_address(raw_address)
    params = stored_search(args)
    key, search = address_key(address), canonical(params)
    at = now.timestamp()
    with store.transaction():
        if not limits.take(store, "ip", client, at):
            raise RateLimited("Bạn đã gửi quá nhiều yêu cầu đăng ký. Hãy thử lại sau một giờ.")
        if not limits.take(store, "to", key, at):
            return None
        sub = store.find(key, search)
        if sub is not None and sub.state == "active":
            return None
        if sub is None:
            if store.live_count(key) >= limits.MAX_PER_ADDRESS:
                return None
            sub_id = store.insert(address, key, search, now)
        else:
            sub_id = sub.id
            if sub.state == "unsubscribed":
                store.restart(sub_id, address, now)
        token = new_token()
        store.add_token(sub_id, token_hash(token), "confirm", now)
    return Confirmation(address, params, token)


def confirm_target(store: Store, token: str, now: datetime) -> Subscription | None:
    """The subscription a confirmation link would activate (for the page with the button), or None for an
    unknown, expired or withdrawn link; changes nothing."""
    found = store.by_token(token_hash(token), "confirm") if well_formed(token) else None
    if found is None or found[0].state == "unsubscribed":
        return None
    sub, made = found
    if sub.state == "pending" and datetime.fromisoformat(made) < now - timedelta(days=CONFIRM_DAYS):
        return None
    return sub


def confirm(store: Store, token: str, now: datetime) -> Subscription | None:
    """Activate the subscription the link names; None for an unknown, expired or withdrawn link. A second
    click on a working link finds it active and changes nothing."""
    if not well_formed(token):
        return None
    with store.transaction():
        found = store.by_token(token_hash(token), "confirm")
        if found is None:
            return None
        sub, made = found
        if sub.state == "unsubscribed":
            return None
        if sub.state == "pending":
            if datetime.fromisoformat(made) < now - timedelta(days=CONFIRM_DAYS):
                return None
            store.set_state(sub.id, "active", now)
    return store.get(sub.id)


def unsubscribe_target(store: Store, token: str) -> Subscription | None:
    """The subscription an unsubscribe link names (for the page with the button), or None."""
    found = store.by_token(token_hash(token), "unsubscribe") if well_formed(token) else None
    return found[0] if found else None


def unsubscribe(store: Store, token: str, now: datetime) -> Subscription | None:
    """End the subscription the link names; None for an unknown link. Idempotent."""
    if not well_formed(token):
        return None
    with store.transaction():
        found = store.by_token(token_hash(token), "unsubscribe")
        if found is None:
            return None
        if found[0].state != "unsubscribed":
            store.set_state(found[0].id, "unsubscribed", now)
    return store.get(found[0].id)
