"""What a parsed query asks every back end to match and how to rank it, as a small tree of plain nodes.

The rules live here once: which clauses are required (stopwords only when nothing else is typed),
which only rank (exact diacritics, adjacency, codes), what an exclusion removes, the ranking weights,
and which typed runs also match their abbreviation or full form ("ubnd" ↔ "ủy ban nhân dân").
Each back end translates the tree into its own queries (whoosh_engine/reader/queries.py), so the
back ends match the same documents and weigh them alike.

Fields are the analysed ones every back end indexes: `title_f`/`body_f`/`att_f` (folded syllables of
the title, the body and the attached files), `title_s`/`body_s`/`att_s` (exact syllables), `codes`, the
facets (`FACETS`), `filetype`, `event` (days as year, month and day tokens), `id` and `pubdate`
(YYYYMMDDHHMM as an integer).
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta

from indexer.analysis.abbreviations import Abbreviations, Form, builtin_abbreviations
from indexer.analysis.text import codes, fold, has_marks, stopwords
from indexer.engine.documents import person_token
from indexer.engine.query import Clause, ParsedQuery
from indexer.engine.request import SearchRequest

MAX_CLAUSES = 32
# Ranking weights, tuned on bench/relevance.py (`--tune` prints the grid tried). Each is a query-time
# multiplier on a BM25F score, so they add up linearly rather than saturating like field_boost.
TITLE_BOOST = 2.5   # a query syllable found in the title over one found in the body
EXACT_BOOST = 0.6   # an exact-diacritic syllable over a folded-only one ("hồ" over "hổ")
PHRASE_BOOST = 2.0  # all the query's syllables adjacent, in order
PAIR_BOOST = 1.0    # two neighbouring query syllables adjacent: proximity for longer queries
CODE_BOOST = 3.0    # a document number or date typed whole
ATTACHMENT_BOOST = 0.5  # a syllable found in an attached file over one found in the body
# The other form of an abbreviation typed ("Ủy ban nhân dân" for "ubnd", and back), below the form typed
# (see _weight): both match, the form typed ranks first. On the bench's abbrev queries 0.5 and 0.6 gave the
# best MRR@10, and 0.5 fewer documents of the other form above one of the typed form than 0.6-1.0.
ABBREVIATION_WEIGHT = 0.5
MAX_EXPANSIONS = 8  # other forms added to one query at most (each is a phrase in three fields)


@dataclass(frozen=True)
class Term:
    field: str
    text: str
    boost: float = 1.0


@dataclass(frozen=True)
class Phrase:
    field: str
    words: tuple[str, ...]
    boost: float = 1.0


@dataclass(frozen=True)
class AllOf:
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Ranked:
    """`required` decides the matches; `optional` only adds to their scores."""

    required: Node
    optional: Node


@dataclass(frozen=True)
class Without:
    base: Node
    excluded: Node


@dataclass(frozen=True)
class DateRange:
    """`pubdate` within [low, high], either end open (None)."""

    low: int | None
    high: int | None


@dataclass(frozen=True)
class Everything:
    pass


Node = Term | Phrase | AllOf | AnyOf | Ranked | Without | DateRange | Everything


def _clause(clause: Clause) -> Node:
    """Folded syllables (or a phrase) in the title, boosted, in the body, or in an attached file, below it."""
    return _folded(tuple(fold(s) for s in clause.syllables), phrase=clause.phrase, title_only=clause.title_only)


def _folded(words: tuple[str, ...], *, phrase: bool, title_only: bool, weight: float = 1.0) -> Node:
    if phrase:
        title: Node = Phrase("title_f", words, boost=weight * TITLE_BOOST)
        body: Node = Phrase("body_f", words, boost=weight)
        files: Node = Phrase("att_f", words, boost=weight * ATTACHMENT_BOOST)
    else:
        title, body = Term("title_f", words[0], boost=weight * TITLE_BOOST), Term("body_f", words[0], boost=weight)
        files = Term("att_f", words[0], boost=weight * ATTACHMENT_BOOST)
    return title if title_only else AnyOf((title, body, files))


def _expansions(clauses: list[Clause], table: Abbreviations) -> dict[int, tuple[int, tuple[Form, ...]]]:
    """Runs of clauses typed as one form of an abbreviation: first clause → (end, the entry's other forms).

    Only plain clauses take part (no phrase, no literal: quoted words and document numbers are matched
    as typed), a token of several syllables ("TP.HCM") only whole, and a run never mixes title: with not.
    """
    units: list[tuple[int, int]] = []  # [start, end) clauses of each typed token
    for i, clause in enumerate(clauses):
        if clause.joined and units:
            units[-1] = (units[-1][0], i + 1)
        else:
            units.append((i, i + 1))
    runs: dict[int, tuple[int, tuple[Form, ...]]] = {}
    segment: list[tuple[int, int]] = []

    def close() -> None:
        for match in table.find([[s for c in clauses[a:b] for s in c.syllables] for a, b in segment]):
            runs[segment[match.start][0]] = (segment[match.end - 1][1], match.forms)
        segment.clear()

    for start, end in units:
        if any(c.phrase or c.literal for c in clauses[start:end]):
            close()
            continue
        if segment and clauses[segment[0][0]].title_only != clauses[start].title_only:
            close()
        segment.append((start, end))
    close()
    return runs


def _weight(typed: int, other: int) -> float:
    """ABBREVIATION_WEIGHT, scaled down when the other form has more syllables than the run typed: a phrase
    scores the sum of its words, so "ủy ban nhân dân" (four words) would outweigh the "ubnd" typed."""
    return ABBREVIATION_WEIGHT * min(1.0, typed / other)


def _required(clauses: list[Clause], required: list[Clause], table: Abbreviations) -> list[Node]:
    """One node per required clause, except that a run spelling an abbreviation or its full form is one
    node: the run as typed, or (weighted below it) each other form of the entry as a phrase."""
    runs = _expansions(clauses, table) if len(table) else {}
    budget = MAX_EXPANSIONS
    parts: list[Node] = []
    i = 0
    while i < len(clauses):
        end, forms = runs.get(i, (i + 1, ()))
        typed = [c for c in clauses[i:end] if c in required]
        # a form holding every content syllable typed finds nothing the typed run does not
        content = {fold(s) for c in typed for s in c.syllables}
        forms = tuple(f for f in forms if not content <= set(f))[:budget]
        if forms and typed:
            budget -= len(forms)
            nodes = [_clause(c) for c in typed]
            alternatives = [_folded(f, phrase=len(f) > 1, title_only=clauses[i].title_only,
                                    weight=_weight(len(content), len(f))) for f in forms]
            parts.append(AnyOf((nodes[0] if len(nodes) == 1 else AllOf(tuple(nodes)), *alternatives)))
        else:
            parts += [_clause(c) for c in typed]
        i = end
    return parts


def _excluded(clause: Clause) -> Node:
    # an excluded word typed with diacritics excludes exactly that word, not its folded cousins
    if not clause.phrase and has_marks(clause.syllables[0]):
        return AnyOf(tuple(Term(f, clause.syllables[0]) for f in ("title_s", "body_s", "att_s")))
    return _clause(clause)


def _boosts(parsed: ParsedQuery, optional_clauses: list[Clause]) -> list[Node]:
    """Optional nodes that only rank: exact marks, adjacency, codes, stopwords.

    (Segmented words were a boost too: 1.0 and 2.0 measured worse than the phrases, which do it.)
    """
    boosts: list[Node] = [_clause(c) for c in optional_clauses]
    for s in sorted({s for s in parsed.all_syllables() if has_marks(s)}):
        boosts += [Term("title_s", s, boost=EXACT_BOOST * TITLE_BOOST), Term("body_s", s, boost=EXACT_BOOST),
                   Term("att_s", s, boost=EXACT_BOOST * ATTACHMENT_BOOST)]
    plain = [s for c in parsed.clauses[:MAX_CLAUSES] if not c.phrase for s in c.syllables]
    if len(plain) > 1:
        folded = tuple(fold(s) for s in plain)
        boosts += [Phrase("title_f", folded, boost=PHRASE_BOOST * TITLE_BOOST),
                   Phrase("body_f", folded, boost=PHRASE_BOOST),
                   Phrase("att_f", folded, boost=PHRASE_BOOST * ATTACHMENT_BOOST)]
        if len(plain) > 2 and PAIR_BOOST:
            for pair in sorted({(a, b) for a, b in zip(folded, folded[1:], strict=False)}):
                boosts += [Phrase("title_f", pair, boost=PAIR_BOOST * TITLE_BOOST),
                           Phrase("body_f", pair, boost=PAIR_BOOST),
                           Phrase("att_f", pair, boost=PAIR_BOOST * ATTACHMENT_BOOST)]
    boosts += [Term("codes", c, boost=CODE_BOOST) for c in codes(parsed.text)]
    return boosts


def plan_query(parsed: ParsedQuery, *, match_all: bool = True, abbreviations: Abbreviations | None = None) -> Node:
    """Required clauses (folded syllables or phrases) plus optional boosts that only rank.

    Stopword syllables are optional when the query has other words, so "của" never filters,
    but a query of stopwords alone still matches them. `match_all=False`: any required clause
    matches (the partial-match fallback, and related articles). A run typed as an abbreviation
    or its full form also matches the other form (`abbreviations`, None: the built-in table).
    """
    table = builtin_abbreviations() if abbreviations is None else abbreviations
    clauses = parsed.clauses[:MAX_CLAUSES]
    stops = stopwords()
    content = [c for c in clauses if c.phrase or " ".join(c.syllables) not in stops]
    required = content or clauses
    parts = tuple(_required(clauses, required, table))
    main: Node = AllOf(parts) if match_all else AnyOf(parts)
    boosts = _boosts(parsed, [c for c in clauses if c not in required])
    if boosts:
        main = Ranked(main, AnyOf(tuple(boosts)))
    if parsed.excluded:
        main = Without(main, AnyOf(tuple(_excluded(c) for c in parsed.excluded)))
    return main


FIRST_EVENT = date(1945, 1, 1)  # event_dates keeps no earlier day


def event_cover(low: date | None, high: date | None) -> list[str]:
    """The fewest `event` tokens (documents.event_tokens) whose days make up [low, high]: whole years,
    then whole months, then single days at the edges; at most ~80 tokens plus one per year.
    An open end stops at 1945 or next year, the days event_dates can return."""
    cur = max(low or FIRST_EVENT, FIRST_EVENT)
    high = high or date(date.today().year + 1, 12, 31)
    out: list[str] = []
    while cur <= high:
        month_end = cur.replace(day=monthrange(cur.year, cur.month)[1])
        if cur.month == 1 and cur.day == 1 and date(cur.year, 12, 31) <= high:
            out.append(f"{cur.year}")
            cur = date(cur.year + 1, 1, 1)
        elif cur.day == 1 and month_end <= high:
            out.append(f"{cur.year}{cur.month:02d}")
            cur = month_end + timedelta(days=1)
        else:
            out.append(cur.strftime("%Y%m%d"))
            cur += timedelta(days=1)
    return out


def plan_filter(request: SearchRequest) -> Node | None:
    """The request's facet values, file type, publication and event date ranges, all required; None
    without any."""
    parts: list[Node] = [Term(k, person_token(v) if k == "person" else v) for k, v in request.filters().items()]
    if request.date_from or request.date_to:
        low = int(request.date_from.strftime("%Y%m%d0000")) if request.date_from else None
        high = int(request.date_to.strftime("%Y%m%d2359")) if request.date_to else None
        parts.append(DateRange(low, high))
    if request.event_from or request.event_to:
        cover = event_cover(request.event_from, request.event_to)
        parts.append(AnyOf(tuple(Term("event", t) for t in cover)) if cover else Without(Everything(), Everything()))
    return AllOf(tuple(parts)) if parts else None
