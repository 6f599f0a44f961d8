"""Parsing what people type into a search box. Never raises: any string is a query.

Syntax: plain words (all must match), "quoted phrases", -exclusion (-word or -"phrase"),
and the field prefix title: (title:word or title:"phrase").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from indexer.analysis.text import nfc, syllables

MAX_QUERY_CHARS = 1000  # longer input is cut: nobody types more, and it bounds the work

TOKEN = re.compile(r'(-?)(title:)?(?:"([^"]*)"?|(\S+))', re.IGNORECASE)


@dataclass
class Clause:
    """One unit of a query: syllables that must appear (adjacent when `phrase`).

    `joined`: typed in one token with the clause before it (the "hcm" of "TP.HCM"), so the planner treats
    the token as a whole. `literal`: to be matched as typed, never rewritten by the planner (a quoted word,
    or a token with a digit or a "/" such as "1234/QĐ-UBND", "15/2003/QH11": a document number or a date).
    """

    syllables: list[str]
    phrase: bool = False
    title_only: bool = False
    joined: bool = False
    literal: bool = False


@dataclass
class ParsedQuery:
    text: str
    clauses: list[Clause] = field(default_factory=list)
    excluded: list[Clause] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.clauses

    def all_syllables(self) -> list[str]:
        return [s for c in self.clauses for s in c.syllables]


def parse_query(text: str) -> ParsedQuery:
    """Split a query into clauses; unbalanced quotes close at the end, a lone '-' is ignored."""
    text = nfc(text or "")[:MAX_QUERY_CHARS]
    parsed = ParsedQuery(text=text.strip())
    for match in TOKEN.finditer(text):
        negate, title, quoted, bare = match.groups()
        raw = quoted if quoted is not None else bare or ""
        sylls = syllables(raw)
        if not sylls:
            continue
        phrase = quoted is not None and len(sylls) > 1
        if phrase or negate:
            clauses = [Clause(sylls, phrase=phrase, title_only=bool(title), literal=quoted is not None)]
        else:
            # a bare token like "15/2003/QH11" or "hội-nghị" is several syllables, each required
            literal = quoted is not None or _is_number(raw, sylls)
            clauses = [Clause([s], title_only=bool(title), joined=i > 0, literal=literal)
                       for i, s in enumerate(sylls)]
        (parsed.excluded if negate else parsed.clauses).extend(clauses)
    return parsed


def _is_number(raw: str, sylls: list[str]) -> bool:
    """A token of several syllables with a digit or a "/": "1234/QĐ-UBND", "15/2003/QH11", "18/01/2019"."""
    return len(sylls) > 1 and ("/" in raw or any(c.isdigit() for c in raw))
