"""E-mail addresses: which ones we write to, the key they are counted by, and how they are shown masked."""

from __future__ import annotations

import re
from email.utils import parseaddr

from alerts.errors import InvalidAddress

MAX_LENGTH = 254  # RFC 5321's limit on a path; longer ones are refused by servers anyway
_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_LABEL = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
BAD = ("Địa chỉ thư không hợp lệ. Hãy nhập một địa chỉ dạng ten@vidu.vn (chữ không dấu, không khoảng trắng, "
       "tối đa 254 ký tự).")


def normalize_address(raw: str) -> str:
    """The address as we store and write to it (domain lowercased); InvalidAddress when it is not a plain
    address: no display name, no comments, no quoted local part, an ASCII domain with a dot."""
    text = (raw or "").strip()
    if not text or len(text) > MAX_LENGTH:
        raise InvalidAddress(BAD)
    name, parsed = parseaddr(text)
    if name or parsed != text or text.count("@") != 1:
        raise InvalidAddress(BAD)
    local, domain = text.split("@")
    labels = domain.split(".")
    if len(local) > 64 or not _LOCAL.match(local) or len(labels) < 2 or not all(_LABEL.match(x) for x in labels):
        raise InvalidAddress(BAD)
    if labels[-1].isdigit():  # user@10.0.0.1 and the like
        raise InvalidAddress(BAD)
    return f"{local}@{domain.lower()}"


def address_key(address: str) -> str:
    """What makes two addresses the same person for limits and duplicates (mail servers ignore case)."""
    return address.lower()


def mask(address: str) -> str:
    """'nguyen.van.a@sct.gov.vn' → 'n***@s***.vn': enough for an operator to tell rows apart."""
    local, _, domain = address.partition("@")
    head, _, tld = domain.rpartition(".")
    return f"{local[:1]}***@{head[:1]}***.{tld}"
