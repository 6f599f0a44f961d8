"""The engine's query plans (indexer/engine/plan.py) as Whoosh query trees.

The trees are evaluated by `matching` and `ranking` (and by Whoosh's own matchers for a node they do
not know); the rules of what is required, what only ranks and the weights are the plan's.
"""

from __future__ import annotations

from whoosh import query as Q

from indexer.analysis.abbreviations import Abbreviations
from indexer.engine.plan import (
    AllOf,
    AnyOf,
    DateRange,
    Everything,
    Node,
    Phrase,
    Ranked,
    Term,
    Without,
    plan_filter,
    plan_query,
)
from indexer.engine.query import ParsedQuery
from indexer.engine.request import SearchRequest


def to_whoosh(node: Node) -> Q.Query:
    """One plan node as the Whoosh query that matches and scores the same."""
    match node:
        case Term(field, text, boost):
            return Q.Term(field, text, boost=boost)
        case Phrase(field, words, boost):
            return Q.Phrase(field, list(words), boost=boost)
        case AllOf(parts):
            return Q.And([to_whoosh(p) for p in parts])
        case AnyOf(parts):
            return Q.Or([to_whoosh(p) for p in parts])
        case Ranked(required, optional):
            boosts = to_whoosh(optional)
            # a binary tree of unions skips to the required matches; Whoosh's default below 5 000
            # documents preloads every boost over the whole index (phrases included), ~10x slower
            boosts.matcher_type = Q.Or.DEFAULT_MATCHER
            return Q.AndMaybe(to_whoosh(required), boosts)
        case Without(base, excluded):
            return Q.AndNot(to_whoosh(base), to_whoosh(excluded))
        case DateRange(low, high):
            return Q.NumericRange("pubdate", low, high)
        case Everything():
            return Q.Every()
    raise TypeError(f"not a query plan node: {node!r}")


def build_query(parsed: ParsedQuery, *, match_all: bool = True, abbreviations: Abbreviations | None = None) -> Q.Query:
    """The plan of a parsed query (`plan_query`) as a Whoosh query."""
    return to_whoosh(plan_query(parsed, match_all=match_all, abbreviations=abbreviations))


def union(final: Q.Query, alt: ParsedQuery, filt: Q.Query | None,
          abbreviations: Abbreviations | None = None) -> Q.Query:
    """Matches of the query as typed or as corrected, each scored by its own words."""
    corrected = build_query(alt, abbreviations=abbreviations)
    return Q.Or([final, Q.And([corrected, filt]) if filt is not None else corrected])


def filter_query(request: SearchRequest) -> Q.Query | None:
    plan = plan_filter(request)
    return to_whoosh(plan) if plan is not None else None


def on_fields(query: Q.Query, present: frozenset[str]) -> Q.Query:
    """`query` as an index without some of today's fields must run it: a term of an absent field matches
    nothing, so it drops out of a union, empties an intersection, and leaves an optional or excluded part out.

    For an index made before a field existed (it is rebuilt by the next `tracuu index`, and answers meanwhile).
    The rest of the tree keeps its shape, so scores add up as in an index that has the field but no such terms.
    """
    if isinstance(query, (Q.Term, Q.Phrase)):
        return query if query.fieldname in present else Q.NullQuery
    if isinstance(query, Q.AndMaybe):
        required, optional = on_fields(query.a, present), on_fields(query.b, present)
        if required is Q.NullQuery or optional is Q.NullQuery:
            return required
        return _like(query, Q.AndMaybe(required, optional))
    if isinstance(query, Q.AndNot):
        base, excluded = on_fields(query.a, present), on_fields(query.b, present)
        if base is Q.NullQuery or excluded is Q.NullQuery:
            return base
        return Q.AndNot(base, excluded)
    if isinstance(query, Q.Or):
        parts = [p for p in (on_fields(s, present) for s in query.subqueries) if p is not Q.NullQuery]
        return _like(query, Q.Or(parts, boost=query.boost)) if parts else Q.NullQuery
    if isinstance(query, Q.And):
        parts = [on_fields(s, present) for s in query.subqueries]
        return Q.NullQuery if Q.NullQuery in parts else Q.And(parts, boost=query.boost)
    return query


def _like(old: Q.Query, new: Q.Query) -> Q.Query:
    if hasattr(old, "matcher_type"):
        new.matcher_type = old.matcher_type
    return new
