"""Filters typed as words: "hội nghị phòng HC-TH 2018" names a department and a year.

Such words are only *offered* as filters (a chip "Lọc theo năm 2018"), never applied silently: "2018" may
be what the article says, not when it was published. Applying a hint sets its filter and removes its words.

Matching is on folded syllables (so "hanh chinh tong hop" meets "Hành chính - Tổng hợp" and both tone-mark
conventions meet), with one guard: in a query typed with diacritics, a syllable must carry the value's own
marks. Otherwise "số" would read as the generic "sở" and the "Nam" of "Hà Nam 2020" as "năm".
Only plain words hint (quoted phrases, -exclusions and title: words say exactly what to match), and only
at an end of the query: words inside it belong to what is searched for ("bảo hiểm xã hội việt nam").
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from indexer.analysis.text import fold, has_marks, nfc, syllables
from indexer.engine.base import SearchEngine
from indexer.engine.query import MAX_QUERY_CHARS, TOKEN  # the query syntax's one definition
from indexer.engine.request import SearchRequest

PARAMETERS = ("year", "department", "category", "site")
NO_FILTERS: Mapping[str, str] = MappingProxyType({})
YEARS = range(1945, 2101)  # four digits outside this are rarely a publication year (a count, an amount)
YEAR_WORD = "năm"
# Words that lead a department, category or site name and go with it: "sở tài chính", "trang dantri".
# Each leads its own kind only: "sở giáo dục" is no category "Giáo dục", "phòng chống" no office.
GENERIC_WORDS = {"department": ("phòng", "sở", "ban", "trung tâm"), "category": ("chuyên mục", "mục"),
                 "site": ("trang",)}
LABELS = {"department": "Đơn vị: {}", "category": "Chuyên mục: {}", "site": "Trang: {}"}
# Labels of a host name that say nothing of the site: "dantri.com.vn" is typed "dantri".
_HOST_SUFFIXES = frozenset({"vn", "com", "net", "org", "gov", "edu", "info", "biz", "int"})


@dataclass(frozen=True)
class Hint:
    """A filter the query's `words` (as typed) name; `label` is what the chip says."""

    parameter: str
    value: str
    label: str
    words: tuple[str, ...]

    def as_json(self) -> dict[str, str]:
        return {"parameter": self.parameter, "value": self.value, "label": self.label}


@dataclass(frozen=True)
class _Syllables:
    """Syllables as typed (lower-cased, one tone convention) and folded."""

    exact: tuple[str, ...]
    folded: tuple[str, ...]

    @classmethod
    def of(cls, text: str) -> _Syllables:
        exact = tuple(syllables(text))
        return cls(exact, tuple(fold(s) for s in exact))


@dataclass(frozen=True)
class _Spelling:
    """One way of typing one facet value (the value itself, an alias, a short host name).

    `alone`: it may hint without a generic word before it. A department or category of one syllable may
    not: nearly every syllable is a Vietnamese word ("luật", "game"), far more often searched for than a
    filter, while "phòng QLCN" or "mục game" says what it is. Host names are rarely words.
    """

    parameter: str
    value: str
    sylls: _Syllables
    alone: bool = True


@dataclass(frozen=True)
class _Token:
    """One token of the query: where it is, its text, and whether it is a plain word."""

    index: int
    start: int
    end: int
    raw: str
    plain: bool
    negated: bool
    sylls: _Syllables


@dataclass(frozen=True)
class _Match:
    parameter: str
    value: str
    first: int  # index of the first syllable in the plain run
    size: int   # syllables covered, leading generic word or "năm" included


_GENERICS = {parameter: tuple(_Syllables.of(w) for w in words) for parameter, words in GENERIC_WORDS.items()}
_ANY_GENERIC = frozenset(g.exact for words in _GENERICS.values() for g in words)
_YEAR_WORD = _Syllables.of(YEAR_WORD)


class HintTable:
    """The index's facet values keyed by their first folded syllable: a query looks up only its own
    syllables. Built once per index generation (values change only when the index does)."""

    def __init__(self, years: frozenset[str], spellings: Mapping[str, Sequence[_Spelling]]) -> None:
        self.years = years
        self.spellings = spellings

    @classmethod
    def of(cls, known: Mapping[str, Collection[str]], aliases: Sequence[tuple[str, str]] = ()) -> HintTable:
        """`known`: parameter → values in the index (years as "2018"; when two values fold alike, the first
        listed wins, so list the most frequent first as facets do); `aliases`: (spelling, canonical
        department) pairs as site profiles build them, kept only for departments the index has."""
        years = frozenset(y for y in known.get("year", ()) if y.isdigit() and int(y) in YEARS)
        spellings: list[_Spelling] = []
        for parameter in ("department", "category", "site"):
            for value in known.get(parameter, ()):
                spellings += _spellings(parameter, value, [value, *_site_short_names(parameter, value)])
        departments = {_key(v): v for v in reversed(list(known.get("department", ())))}
        for spelling, canonical in aliases:
            value = departments.get(_key(canonical))
            if value is not None:
                spellings += _spellings("department", value, [spelling])
        by_first: dict[str, list[_Spelling]] = {}
        for s in spellings:
            by_first.setdefault(s.sylls.folded[0], []).append(s)
        return cls(years, by_first)

    def hints(self, query: str, active: Mapping[str, str] = NO_FILTERS, *, anywhere: bool = False) -> list[Hint]:
        """Filters the query's plain words name, in query order, at most one per parameter, none for a
        parameter in `active`; never so many that clicking them all would leave nothing to search.

        Only words at either end of a run of plain words hint (or next to words that do: "hội nghị phòng
        HC-TH 2018"): a filter is typed before or after what is searched for, while words inside it belong
        to it ("bảo hiểm xã hội việt nam" names no category). `anywhere` drops that rule (to measure it).
        """
        tokens = _tokens(nfc(query or "")[:MAX_QUERY_CHARS])
        marked = any(has_marks(s) for t in tokens for s in t.sylls.exact)
        taken = {p for p, v in active.items() if v}
        removed: set[int] = set()
        out: list[Hint] = []
        for run in _plain_runs(tokens):
            owner = [i for i, t in enumerate(run) for _ in t.sylls.exact]  # syllable → token of the run
            typed = _Syllables(tuple(s for t in run for s in t.sylls.exact),
                               tuple(s for t in run for s in t.sylls.folded))
            found = self._matches(typed, owner, marked)  # filters already set still chain to an end
            for match in found if anywhere else _at_edges(found, len(owner)):
                words = run[owner[match.first]:owner[match.first + match.size - 1] + 1]
                span = {t.index for t in words}
                if match.parameter in taken or not _searchable(tokens, removed | span):
                    continue
                removed |= span
                taken.add(match.parameter)
                out.append(Hint(match.parameter, match.value, _label(match.parameter, match.value),
                                tuple(t.raw for t in words)))
        return out

    def _matches(self, typed: _Syllables, owner: list[int], marked: bool) -> list[_Match]:
        """The values named in one run of plain words, left to right, none overlapping."""
        out: list[_Match] = []
        at = 0
        while at < len(owner):
            match = self._match_at(typed, at, owner, marked)
            if match is None:
                at += 1
            else:
                out.append(match)
                at = match.first + match.size
        return out

    def _match_at(self, typed: _Syllables, at: int, owner: list[int], marked: bool) -> _Match | None:
        """The longest value starting at syllable `at` (a year, perhaps after "năm"; a department, category
        or site, perhaps after a generic word), covering whole tokens only: never the "HCM" of "TP.HCM"."""
        if at and owner[at - 1] == owner[at]:
            return None
        found: list[_Match] = []
        for lead in (0, 1) if _equal(typed, at, _YEAR_WORD, marked) else (0,):
            word = typed.folded[at + lead] if at + lead < len(owner) else ""
            if word in self.years:
                found.append(_Match("year", word, at, lead + 1))
        for parameter, lead in [("", 0), *((p, len(g.folded)) for p, words in _GENERICS.items() for g in words
                                           if _equal(typed, at, g, marked))]:
            for s in self.spellings.get(typed.folded[at + lead] if at + lead < len(owner) else "", ()):
                if (s.parameter == parameter or (not lead and s.alone)) and _equal(typed, at + lead, s.sylls, marked):
                    found.append(_Match(s.parameter, s.value, at, lead + len(s.sylls.folded)))
        whole = [m for m in found if at + m.size == len(owner) or owner[at + m.size] != owner[at + m.size - 1]]
        return max(whole, key=lambda m: m.size, default=None)  # the first listed among the longest


def hints(query: str, known: Mapping[str, Collection[str]], aliases: Sequence[tuple[str, str]] = (),
          active: Mapping[str, str] = NO_FILTERS) -> list[Hint]:
    """Filters the query's words name (see HintTable.hints); builds the table each call, so a caller
    searching often keeps a HintTable instead."""
    return HintTable.of(known, aliases).hints(query, active)


def apply_hint(query: str, hint: Hint) -> str:
    """The query without the hint's words (their first run of plain words), single-spaced where they
    were; phrases, exclusions and the rest as typed. Unchanged when the words are not there."""
    text = nfc(query or "")
    tokens = _tokens(text)
    size = len(hint.words)
    for i in range(len(tokens) - size + 1):
        run = tokens[i:i + size]
        if all(t.plain for t in run) and tuple(t.raw for t in run) == hint.words:
            before, after = text[:run[0].start].rstrip(), text[run[-1].end:].lstrip()
            return f"{before} {after}".strip() if before and after else (before or after).strip()
    return query


# -- helpers ---------------------------------------------------------------------------------------

def _key(value: str) -> str:
    """A department's comparison key: a profile's canonical spelling meets the index's value."""
    return " ".join(syllables(value))


def _spellings(parameter: str, value: str, texts: Iterable[str]) -> list[_Spelling]:
    """Each text's syllables, and the same without a leading generic word ("Phòng Hành chính - Tổng hợp"
    is also typed "hành chính tổng hợp"); a generic word alone names nothing."""
    forms: list[_Syllables] = []
    for text in texts:
        sylls = _Syllables.of(text)
        forms.append(sylls)
        forms += [_Syllables(sylls.exact[len(g.exact):], sylls.folded[len(g.exact):])
                  for g in _GENERICS[parameter] if sylls.exact[:len(g.exact)] == g.exact]
    return [_Spelling(parameter, value, f, alone=parameter == "site" or len(f.folded) > 1)
            for f in forms if f.folded and f.exact not in _ANY_GENERIC]


def _site_short_names(parameter: str, value: str) -> list[str]:
    """A host name as people type it: "dantri.com.vn" → "dantri", "www.tin247.com" → "tin247"."""
    if parameter != "site" or "." not in value:
        return []
    labels = value.lower().split(".")
    labels = labels[1:] if labels[0] == "www" else labels
    while labels and labels[-1] in _HOST_SUFFIXES:
        labels.pop()
    return [".".join(labels)] if labels else []


def _tokens(text: str) -> list[_Token]:
    out = []
    for i, m in enumerate(TOKEN.finditer(text)):
        negate, title, quoted, bare = m.groups()
        raw = quoted if quoted is not None else bare or ""
        plain = not negate and not title and quoted is None
        out.append(_Token(i, m.start(), m.end(), m.group(), plain, bool(negate), _Syllables.of(raw)))
    return out


def _plain_runs(tokens: list[_Token]) -> list[list[_Token]]:
    """Maximal runs of consecutive plain words: a phrase or an exclusion between two words parts them."""
    runs: list[list[_Token]] = [[]]
    for t in tokens:
        if t.plain:
            runs[-1].append(t)
        elif runs[-1]:
            runs.append([])
    return [r for r in runs if any(t.sylls.exact for t in r)]


def _equal(typed: _Syllables, at: int, want: _Syllables, marked: bool) -> bool:
    """The typed syllables from `at` spell `want`: folded alike, and in a query with diacritics, exactly."""
    n = len(want.folded)
    if typed.folded[at:at + n] != want.folded:
        return False
    return not marked or typed.exact[at:at + n] == want.exact


def _at_edges(matches: list[_Match], size: int) -> list[_Match]:
    """The matches that reach the start or the end of the run's `size` syllables, directly or through
    matches next to each other."""
    left, at = 0, 0
    while left < len(matches) and matches[left].first == at:
        at = matches[left].first + matches[left].size
        left += 1
    right, at = len(matches), size
    while right > left and matches[right - 1].first + matches[right - 1].size == at:
        at = matches[right - 1].first
        right -= 1
    return matches[:left] + matches[right:]


def _searchable(tokens: list[_Token], removed: set[int]) -> bool:
    """Whether something is left to search once the `removed` tokens go: a word, a phrase or a title: word."""
    return any(t.sylls.exact and not t.negated and t.index not in removed for t in tokens)


def _label(parameter: str, value: str) -> str:
    return f"Lọc theo năm {value}" if parameter == "year" else LABELS[parameter].format(value)


def index_hints(engine: SearchEngine, aliases: Sequence[tuple[str, str]] = ()) -> HintTable:
    """The hint table of the values in an engine's whole index: one whole-index count, so a caller answering
    many searches keeps it a while (new values then hint within that while)."""
    everything = engine.search(SearchRequest(per_page=1))
    return HintTable.of({name: [f.value for f in everything.facets.get(name, [])] for name in PARAMETERS}, aliases)


def hints_json(query: str, found: Iterable[Hint]) -> list[dict[str, str]]:
    """Hints as the JSON API gives them, each with the `query` to search with its filter set."""
    return [{**h.as_json(), "query": apply_hint(query, h)} for h in found]

