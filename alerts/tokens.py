"""Link tokens: random, shown only in the message they are sent in, stored only as a hash."""

from __future__ import annotations

import hashlib
import re
import secrets

_SHAPE = re.compile(r"^[A-Za-z0-9_-]{32,64}$")  # token_urlsafe(32) gives 43 characters


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What the database keeps: someone who reads it cannot confirm or unsubscribe anyone."""
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def well_formed(token: str) -> bool:
    """A token we could have made; anything else is refused before the database is asked."""
    return bool(_SHAPE.match(token))
