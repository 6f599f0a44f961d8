"""Rate limits on subscription requests, kept in the alerts database so every web worker counts the same.

Subscribing sends mail to an address nobody has proved is theirs: the limits bound how much mail a stranger
can make us send to one address, or from one client. Counters are hashed and kept one day.
"""

from __future__ import annotations

import hashlib

from alerts.store import Store

PER_ADDRESS = 5        # requests for one address a day
ADDRESS_WINDOW = 24 * 3600
PER_CLIENT = 20        # requests from one client IP an hour
CLIENT_WINDOW = 3600
MAX_PER_ADDRESS = 20   # subscriptions (pending or active) one address may hold


def _key(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


def take(store: Store, kind: str, value: str, now: float) -> bool:
    """Count one request of `kind` ('ip' or 'to') for `value`; False when its limit is already used up.
    Call inside a transaction (the count and the insert must not interleave with another worker's)."""
    limit, window = (PER_CLIENT, CLIENT_WINDOW) if kind == "ip" else (PER_ADDRESS, ADDRESS_WINDOW)
    key = _key(kind, value)
    if store.request_count(key, now - window) >= limit:
        return False
    store.add_request(key, now)
    store.forget_requests(now - ADDRESS_WINDOW)  # the longest window: older rows count for nothing
    return True
