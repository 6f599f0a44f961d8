"""Subscriptions as JSON Lines, one object a subscription: a backup, or a move to another data dir."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from alerts.address import address_key, normalize_address
from alerts.errors import AlertsError
from alerts.search import canonical
from alerts.store import Store

STATES = ("pending", "active", "unsubscribed")


@dataclass
class ImportReport:
    added: int = 0
    existing: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line number, why it was skipped)


def export_subscriptions(store: Store) -> Iterator[str]:
    for sub in store.all():
        yield json.dumps(store.dump(sub), ensure_ascii=False)


def import_subscriptions(store: Store, lines: Iterable[str]) -> ImportReport:
    """Add the subscriptions of an export; one an address already has is left as it is. Bad lines are
    reported and skipped, the rest go in one transaction."""
    report = ImportReport()
    with store.transaction():
        for lineno, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                if not isinstance(record, dict) or record.get("state") not in STATES:
                    raise AlertsError("not a subscription (no valid 'state')")
                address = normalize_address(str(record.get("address", "")))
                params = record.get("search")
                if not isinstance(params, dict) or not all(isinstance(v, str) for v in params.values()):
                    raise AlertsError("'search' must be an object of strings")
                if not isinstance(record.get("created"), str):
                    raise AlertsError("'created' is missing")
            except json.JSONDecodeError:
                report.errors.append((lineno, "not valid JSON"))
                continue
            except AlertsError as exc:
                report.errors.append((lineno, str(exc)))
                continue
            added = store.load({**record, "address": address}, address_key(address), canonical(params))
            report.added += added
            report.existing += not added
    return report
