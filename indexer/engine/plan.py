"""What a parsed query asks every back end to match and how to rank it, as a small tree of plain nodes.

The rules live here once: which clauses are required (stopwords only when nothing else is typed),
which only rank (exact diacritics, adjacency, codes), what an exclusion removes, the ranking weights.
Each back end translates the tree into its own queries (whoosh_engine/reader/queries.py), so the
back ends match the same documents and weigh them alike.

Fields are the analysed ones every back end indexes: `title_f`/`body_f`/`att_f` (folded syllables of
the title, the body and the attached files), `title_s`/`body_s`/`att_s` (exact syllables), `codes`, the
facets (`FACETS`), `filetype`, `id` and `pubdate` (YYYYMMDDHHMM as an integer).
"""

from __future__ import annotations

from dataclasses import dataclass

from indexer.analysis.text import codes, fold, has_marks, stopwords
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
    folded = tuple(fold(s) for s in clause.syllables)
    if clause.phrase:
        title: Node = Phrase("title_f", folded, boost=TITLE_BOOST)
        body: Node = Phrase("body_f", folded)
        files: Node = Phrase("att_f", folded, boost=ATTACHMENT_BOOST)
    else:
        title, body = Term("title_f", folded[0], boost=TITLE_BOOST), Term("body_f", folded[0])
        files = Term("att_f", folded[0], boost=ATTACHMENT_BOOST)
    return title if clause.title_only else AnyOf((title, body, files))


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


def plan_query(parsed: ParsedQuery, *, match_all: bool = True) -> Node:
    """Required clauses (folded syllables or phrases) plus optional boosts that only rank.

    Stopword syllables are optional when the query has other words, so "của" never filters,
    but a query of stopwords alone still matches them. `match_all=False`: any required clause
    matches (the partial-match fallback, and related articles).
    """
    clauses = parsed.clauses[:MAX_CLAUSES]
    stops = stopwords()
    content = [c for c in clauses if c.phrase or " ".join(c.syllables) not in stops]
    required = content or clauses
    parts = tuple(_clause(c) for c in required)
    main: Node = AllOf(parts) if match_all else AnyOf(parts)
    boosts = _boosts(parsed, [c for c in clauses if c not in required])
    if boosts:
        main = Ranked(main, AnyOf(tuple(boosts)))
    if parsed.excluded:
        main = Without(main, AnyOf(tuple(_excluded(c) for c in parsed.excluded)))
    return main


def plan_filter(request: SearchRequest) -> Node | None:
    """The request's facet values, file type and date range, all required; None without any."""
    parts: list[Node] = [Term(k, v) for k, v in request.filters().items()]
    if request.date_from or request.date_to:
        low = int(request.date_from.strftime("%Y%m%d0000")) if request.date_from else None
        high = int(request.date_to.strftime("%Y%m%d2359")) if request.date_to else None
        parts.append(DateRange(low, high))
    return AllOf(tuple(parts)) if parts else None
