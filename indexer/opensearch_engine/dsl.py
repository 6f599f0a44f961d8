"""The engine's query plans (indexer/engine/plan.py) as OpenSearch query DSL.

Fields are analysed by whitespace only, and plan terms are already normalised and folded, so a plan
term is an exact `term` query and a plan phrase a `match_phrase` of its space-joined words.
"""

from __future__ import annotations

from typing import Any

from indexer.engine.plan import AllOf, AnyOf, DateRange, Everything, Node, Phrase, Ranked, Term, Without


def to_dsl(node: Node) -> dict[str, Any]:
    """One plan node as the OpenSearch query that matches the same documents."""
    match node:
        case Term(field, text, boost):
            return {"term": {field: {"value": text, "boost": boost}}}
        case Phrase(field, words, boost):
            return {"match_phrase": {field: {"query": " ".join(words), "boost": boost}}}
        case AllOf(parts):
            return {"bool": {"must": [to_dsl(p) for p in parts]}}
        case AnyOf(parts):
            return {"bool": {"should": [to_dsl(p) for p in parts], "minimum_should_match": 1}}
        case Ranked(required, optional):
            return {"bool": {"must": [to_dsl(required)], "should": [to_dsl(optional)]}}
        case Without(base, excluded):
            return {"bool": {"must": [to_dsl(base)], "must_not": [to_dsl(excluded)]}}
        case DateRange(low, high):
            bounds = {k: v for k, v in (("gte", low), ("lte", high)) if v is not None}
            return {"range": {"pubdate": bounds}}
        case Everything():
            return {"match_all": {}}
    raise TypeError(f"not a query plan node: {node!r}")


def filtered(query: Node, filters: Node | None) -> dict[str, Any]:
    """`query` scored, `filters` only restricting (no score, cacheable by OpenSearch)."""
    if filters is None:
        return to_dsl(query)
    return {"bool": {"must": [to_dsl(query)], "filter": [to_dsl(filters)]}}
