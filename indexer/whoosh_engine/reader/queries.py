"""Parsed queries and filters as Whoosh query trees: required clauses, ranking boosts, exclusions.

The trees are evaluated by `matching` and `ranking` (and by Whoosh's own matchers for a node they do
not know), so every back end-neutral rule of the query syntax becomes a node here.
"""

from __future__ import annotations

from whoosh import query as Q

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


def _clause_query(clause: Clause) -> Q.Query:
    """Folded syllables (or a phrase) in the title, boosted, or in the body."""
    folded = [fold(s) for s in clause.syllables]
    if clause.phrase:
        title: Q.Query = Q.Phrase("title_f", folded, boost=TITLE_BOOST)
        body: Q.Query = Q.Phrase("body_f", folded)
    else:
        title, body = Q.Term("title_f", folded[0], boost=TITLE_BOOST), Q.Term("body_f", folded[0])
    return title if clause.title_only else Q.Or([title, body])


def _excluded_query(clause: Clause) -> Q.Query:
    # an excluded word typed with diacritics excludes exactly that word, not its folded cousins
    if not clause.phrase and has_marks(clause.syllables[0]):
        return Q.Or([Q.Term(f, clause.syllables[0]) for f in ("title_s", "body_s")])
    return _clause_query(clause)


def _boosts(parsed: ParsedQuery, optional_clauses: list[Clause]) -> list[Q.Query]:
    """Optional queries that only rank: exact marks, adjacency, codes, stopwords.

    (Segmented words were a boost too: 1.0 and 2.0 measured worse than the phrases, which do it.)
    """
    boosts: list[Q.Query] = [_clause_query(c) for c in optional_clauses]
    for s in sorted({s for s in parsed.all_syllables() if has_marks(s)}):
        boosts += [Q.Term("title_s", s, boost=EXACT_BOOST * TITLE_BOOST), Q.Term("body_s", s, boost=EXACT_BOOST)]
    plain = [s for c in parsed.clauses[:MAX_CLAUSES] if not c.phrase for s in c.syllables]
    if len(plain) > 1:
        folded = [fold(s) for s in plain]
        boosts += [Q.Phrase("title_f", folded, boost=PHRASE_BOOST * TITLE_BOOST),
                   Q.Phrase("body_f", folded, boost=PHRASE_BOOST)]
        if len(plain) > 2 and PAIR_BOOST:
            for pair in sorted({(a, b) for a, b in zip(folded, folded[1:], strict=False)}):
                boosts += [Q.Phrase("title_f", list(pair), boost=PAIR_BOOST * TITLE_BOOST),
                           Q.Phrase("body_f", list(pair), boost=PAIR_BOOST)]
    boosts += [Q.Term("codes", c, boost=CODE_BOOST) for c in codes(parsed.text)]
    return boosts


def build_query(parsed: ParsedQuery, *, match_all: bool = True) -> Q.Query:
    """Required clauses (folded syllables or phrases) plus optional boosts that only rank.

    Stopword syllables are optional when the query has other words, so "của" never filters,
    but a query of stopwords alone still matches them.
    """
    clauses = parsed.clauses[:MAX_CLAUSES]
    stops = stopwords()
    content = [c for c in clauses if c.phrase or " ".join(c.syllables) not in stops]
    required = content or clauses
    req_queries = [_clause_query(c) for c in required]
    main: Q.Query = Q.And(req_queries) if match_all else Q.Or(req_queries)
    boosts = _boosts(parsed, [c for c in clauses if c not in required])
    if boosts:
        optional = Q.Or(boosts)
        # a binary tree of unions skips to the required matches; Whoosh's default below 5 000
        # documents preloads every boost over the whole index (phrases included), ~10x slower
        optional.matcher_type = Q.Or.DEFAULT_MATCHER
        main = Q.AndMaybe(main, optional)
    if parsed.excluded:
        main = Q.AndNot(main, Q.Or([_excluded_query(c) for c in parsed.excluded]))
    return main


def union(final: Q.Query, alt: ParsedQuery, filt: Q.Query | None) -> Q.Query:
    """Matches of the query as typed or as corrected, each scored by its own words."""
    corrected = build_query(alt)
    return Q.Or([final, Q.And([corrected, filt]) if filt is not None else corrected])


def filter_query(request: SearchRequest) -> Q.Query | None:
    parts: list[Q.Query] = [Q.Term(k, v) for k, v in request.filters().items()]
    if request.date_from or request.date_to:
        low = int(request.date_from.strftime("%Y%m%d0000")) if request.date_from else None
        high = int(request.date_to.strftime("%Y%m%d2359")) if request.date_to else None
        parts.append(Q.NumericRange("pubdate", low, high))
    return Q.And(parts) if parts else None
