"""The back end-neutral query plan: what is required, what only ranks, what an exclusion removes."""

from __future__ import annotations

from datetime import date

from indexer.engine.plan import (
    ATTACHMENT_BOOST,
    CODE_BOOST,
    TITLE_BOOST,
    AllOf,
    AnyOf,
    DateRange,
    Phrase,
    Ranked,
    Term,
    Without,
    plan_filter,
    plan_query,
)
from indexer.engine.query import parse_query
from indexer.engine.request import SearchRequest


def required(node: object) -> object:
    return node.required if isinstance(node, Ranked) else node


def optional_terms(node: object) -> set[tuple[str, str]]:
    assert isinstance(node, Ranked)
    return {(p.field, p.text) for p in node.optional.parts if isinstance(p, Term)}


def test_each_word_is_required_folded_in_title_body_or_attachments() -> None:
    plan = plan_query(parse_query("Hội nghị"))
    assert required(plan) == AllOf((
        AnyOf((Term("title_f", "hoi", TITLE_BOOST), Term("body_f", "hoi"), Term("att_f", "hoi", ATTACHMENT_BOOST))),
        AnyOf((Term("title_f", "nghi", TITLE_BOOST), Term("body_f", "nghi"), Term("att_f", "nghi", ATTACHMENT_BOOST))),
    ))
    # the exact syllables as typed only rank, in every field
    assert {("title_s", "hội"), ("body_s", "hội"), ("att_s", "hội"), ("title_s", "nghị"), ("body_s", "nghị"),
            ("att_s", "nghị")} <= optional_terms(plan)
    assert any(isinstance(p, Phrase) and p.words == ("hoi", "nghi") for p in plan.optional.parts)


def test_stopwords_only_rank_unless_nothing_else_is_typed() -> None:
    with_content = plan_query(parse_query("của hội nghị"))
    assert len(required(with_content).parts) == 2
    alone = plan_query(parse_query("của và"))
    assert len(required(alone).parts) == 2 and all(isinstance(p, AnyOf) for p in required(alone).parts)


def test_partial_matching_takes_any_clause() -> None:
    assert isinstance(required(plan_query(parse_query("hội nghị"), match_all=False)), AnyOf)


def test_title_only_phrases_and_codes() -> None:
    plan = plan_query(parse_query('title:"hội nghị" 12/2019/QĐ-UBND'))
    assert required(plan).parts[0] == Phrase("title_f", ("hoi", "nghi"), TITLE_BOOST)
    assert ("codes", "12/2019/qđ-ubnd") in optional_terms(plan)
    assert any(p == Term("codes", "12/2019/qđ-ubnd", CODE_BOOST) for p in plan.optional.parts)


def test_an_excluded_word_with_marks_excludes_exactly_that_word() -> None:
    plain = plan_query(parse_query("hội -khen"))
    assert isinstance(plain, Without)
    assert plain.excluded == AnyOf((AnyOf((Term("title_f", "khen", TITLE_BOOST), Term("body_f", "khen"),
                                           Term("att_f", "khen", ATTACHMENT_BOOST))),))
    exact = plan_query(parse_query("hội -hòa"))
    assert exact.excluded == AnyOf((AnyOf((Term("title_s", "hòa"), Term("body_s", "hòa"), Term("att_s", "hòa"))),))


def test_filters_are_required_facet_terms_and_a_date_range() -> None:
    assert plan_filter(SearchRequest()) is None
    plan = plan_filter(SearchRequest(year="2019", department="Văn phòng", date_from=date(2019, 1, 2)))
    assert plan == AllOf((Term("year", "2019"), Term("department", "Văn phòng"), DateRange(201901020000, None)))
    with_files = plan_filter(SearchRequest(year="2019", filetype="pdf"))
    assert with_files == AllOf((Term("year", "2019"), Term("filetype", "pdf")))
