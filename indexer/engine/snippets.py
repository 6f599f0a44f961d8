"""Snippets and marked text built from the original article text, never from its tokens.

Matching compares folded syllables, so a folded or tone-variant query still marks the words as the
agency wrote them. Everything is escaped here; only our own <mark> tags are added.
"""

from __future__ import annotations

import re
from collections import Counter
from html import escape

from indexer.analysis.text import fold, fold_text
from indexer.engine.query import ParsedQuery, parse_query


def query_terms(query: str | ParsedQuery) -> set[str]:
    """The folded syllables a query marks: what `mark_text` and `make_snippet` take."""
    parsed = parse_query(query) if isinstance(query, str) else query
    return {fold(s) for s in parsed.all_syllables()}


def mark_query(text: str, query: str) -> str:
    """The whole text, escaped, with the words of `query` marked (the article page)."""
    return mark_text(text, query_terms(query))


def mark_text(text: str, folded_terms: set[str]) -> str:
    """The whole text, escaped, with every matching syllable wrapped in <mark>."""
    return _render(text, 0, len(text), _hits(text, folded_terms))


def make_snippet(text: str, folded_terms: set[str], max_chars: int = 260) -> str:
    """The passage of at most `max_chars` with the most distinct matched syllables, escaped and marked."""
    hits = _hits(text, folded_terms)
    if not hits:
        end = _cut_end(text, 0, max_chars)
        return escape(text[:end].replace("\n", " ").strip()) + ("…" if end < len(text) else "")
    best_start = _densest_window(hits, max_chars)
    # begin at the sentence start when it is near, so the snippet reads naturally
    sentence = max(text.rfind(". ", 0, best_start) + 2 if ". " in text[:best_start] else 0,
                   text.rfind("\n", 0, best_start) + 1)
    start = sentence if best_start - sentence < max_chars // 3 else _word_start(text, best_start - 40)
    end = _cut_end(text, start, max_chars)
    body = _render(text, start, end, hits).replace("\n", " ").strip()
    return ("…" if start > 0 else "") + body + ("…" if end < len(text) else "")


def _densest_window(hits: list[tuple[int, int, str]], max_chars: int) -> int:
    """Start of the first window of `max_chars` holding the most distinct terms (one pass, two pointers)."""
    counts: Counter[str] = Counter()
    best_start, best_score, right = hits[0][0], -1, 0
    for left, (start, _end, _f) in enumerate(hits):
        while right < len(hits) and hits[right][1] - start <= max_chars:
            counts[hits[right][2]] += 1
            right += 1
        if len(counts) > best_score:
            best_start, best_score = start, len(counts)
        if right > left:
            counts[hits[left][2]] -= 1
            if not counts[hits[left][2]]:
                del counts[hits[left][2]]
        else:
            right = left + 1
    return best_start


def _hits(text: str, folded_terms: set[str]) -> list[tuple[int, int, str]]:
    """(start, end, folded term) of every whole syllable of `text` that folds to a query term.

    The text is folded once, offsets kept, and searched with one regex: scanning every syllable of
    a long law in Python was most of a search's time.
    """
    if not folded_terms:
        return []
    alternatives = "|".join(re.escape(t) for t in sorted(folded_terms, key=len, reverse=True))
    pattern = re.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])")
    return [(m.start(), m.end(), m.group()) for m in pattern.finditer(fold_text(text))]


def _word_start(text: str, pos: int) -> int:
    pos = max(pos, 0)
    space = text.find(" ", pos)
    return space + 1 if 0 <= space < pos + 30 else pos


def _cut_end(text: str, start: int, max_chars: int) -> int:
    end = start + max_chars
    if end >= len(text):
        return len(text)
    space = text.rfind(" ", start, end)
    return space if space > start else end


def _render(text: str, start: int, end: int, hits: list[tuple[int, int, str]]) -> str:
    out, pos = [], start
    for s, e, _f in hits:
        if s < start or e > end:
            continue
        out.append(escape(text[pos:s]))
        out.append(f"<mark>{escape(text[s:e])}</mark>")
        pos = e
    out.append(escape(text[pos:end]))
    return "".join(out)
