"""The OpenSearch back end against a real cluster: the same matches, totals and facets as Whoosh.

Both back ends index the same archive; every query of a generated set of every kind (keywords, no
diacritics, tone variants, phrases, exclusions, title:, facet filters, date ranges, document numbers)
must give the same set of matching ids, the same total and the same facet counts. Ranking differs by
design (BM25 per field against Whoosh's BM25F) and is compared by bench/relevance.py.
"""

from __future__ import annotations

import json
import os
import random
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from archive import Archive, Article
from indexer.analysis.text import codes, fold, syllables
from indexer.backend import EngineConfig, open_search, update_index
from indexer.engine import IndexerError, SearchRequest
from indexer.engine.query import parse_query
from tests.corpus import ARTICLES, ATTACHMENT_ARTICLES
from tracuu.cli import cli

SHARED_ARTICLES = 400


def corpus(shared: Path | None) -> list[Article]:
    """Our own articles, plus real ones from ../shared when it is there."""
    out = ARTICLES + ATTACHMENT_ARTICLES
    path = shared / "corpus" / "articles.jsonl" if shared else None
    if path and path.is_file():
        with path.open(encoding="utf-8") as f:
            for line, _ in zip(f, range(SHARED_ARTICLES), strict=False):
                out.append(Article.from_record(json.loads(line)))
    return out


def archived(archive: Archive, articles: list[Article]) -> None:
    for article in articles:
        archive.upsert(article, commit=False)
    archive.commit()


@pytest.fixture(scope="module")
def shared_dir() -> Path | None:
    from tests.conftest import SHARED

    return SHARED if SHARED.is_dir() else None


@pytest.fixture(scope="module")
def both(opensearch_cluster: Any, tmp_path_factory: pytest.TempPathFactory,
         shared_dir: Path | None) -> Iterator[tuple[Any, Any, list[Article]]]:
    data = tmp_path_factory.mktemp("parity")
    articles = corpus(shared_dir)
    whoosh = EngineConfig(data)
    opensearch = EngineConfig(data, "opensearch", opensearch_url=opensearch_cluster.url,
                              opensearch_index=f"parity-{os.getpid()}", opensearch_replicas=0)
    with Archive(whoosh.archive_path) as archive:
        archived(archive, articles)
        update_index(archive, whoosh, workers=2)
        stats = update_index(archive, opensearch)
    assert stats.rebuilt and stats.added == len(articles) and not stats.failed
    assert stats.analysed == 0  # the Whoosh build segmented them; both back ends share the cache
    engines = open_search(whoosh), open_search(opensearch)
    yield *engines, articles
    for engine in engines:
        engine.close()
    drop(opensearch_cluster.url, opensearch.opensearch_index)


def drop(url: str, alias: str) -> None:
    """Delete a test's indexes: the cluster is shared by the session, and its other tests stop nodes."""
    import httpx

    httpx.delete(f"{url}/{alias}-*", timeout=30).raise_for_status()


def _variants(text: str) -> str:
    """The other tone-mark convention ("hòa" ↔ "hoà"), where the text has such a syllable."""
    swaps = {"òa": "oà", "óa": "oá", "ỏa": "oả", "õa": "oã", "ọa": "oạ", "ủy": "uỷ", "ùy": "uỳ", "úy": "uý"}
    for a, b in swaps.items():
        if a in text:
            return text.replace(a, b)
        if b in text:
            return text.replace(b, a)
    return text


def queries(articles: list[Article], n: int = 150, seed: int = 0) -> list[tuple[str, dict[str, Any]]]:
    """Queries of every kind drawn from the articles' own titles and bodies."""
    rng = random.Random(seed)
    out: list[tuple[str, dict[str, Any]]] = []
    titled = [a for a in articles if len(syllables(a.title)) >= 3]
    while len(out) < n:
        article = rng.choice(titled)
        words = syllables(article.title)
        start = rng.randrange(0, len(words) - 1)
        pick = words[start:start + rng.choice((1, 2, 3))]
        text = " ".join(pick)
        other = rng.choice(syllables(rng.choice(titled).title))
        kind = len(out) % 10
        if kind == 0:
            out.append((text, {}))
        elif kind == 1:
            out.append((" ".join(fold(w) for w in pick), {}))
        elif kind == 2:
            out.append((_variants(article.title.lower()), {}))
        elif kind == 3:
            out.append((f'"{text}"', {}))
        elif kind == 4:
            out.append((f"{text} -{other}", {}))
        elif kind == 5:
            out.append((f"title:{pick[0]}", {}))
        elif kind == 6:
            facet = rng.choice([f for f in ("year", "department", "category", "site") if getattr(article, f, None)
                                or (f == "year" and article.year)])
            value = str(article.year) if facet == "year" else getattr(article, facet)
            out.append((pick[0], {facet: value}))
        elif kind == 7:
            year = article.year or 2020
            out.append((pick[0], {"date_from": date(year, 1, 1), "date_to": date(year, 12, 31)}))
        elif kind == 8:
            found = codes(article.body)
            out.append((rng.choice(found) if found else text, {}))
        else:
            pair = words[start:start + 2] if start + 2 <= len(words) else words[-2:]
            out.append((f"{_misspelt(pair[0], rng)} {pair[1]}", {}))
    return out


TONES = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook, dot below


def _misspelt(syllable: str, rng: random.Random) -> str:
    """A typist's slip: another tone mark, or a letter left out."""
    decomposed = unicodedata.normalize("NFD", syllable)
    tones = [i for i, ch in enumerate(decomposed) if ch in TONES]
    if tones and rng.random() < 0.6:
        i = tones[0]
        base = i - 1
        while base > 0 and unicodedata.combining(decomposed[base]):
            base -= 1
        rest = decomposed[:i] + decomposed[i + 1:]
        end = base + 1  # the new mark goes after the vowel's own marks (ô, ơ, ư), where NFC composes it
        while end < len(rest) and unicodedata.combining(rest[end]):
            end += 1
        other = rng.choice([t for t in TONES if t != decomposed[i]])
        return unicodedata.normalize("NFC", rest[:end] + other + rest[end:])
    if len(syllable) < 3:
        return syllable + rng.choice("hgn")
    i = rng.randrange(1, len(syllable))
    return syllable[:i] + syllable[i + 1:]


def answer(engine: Any, q: str, extra: dict[str, Any]) -> tuple[Any, set[str]]:
    first = engine.search(SearchRequest(q=q, per_page=100, **extra))
    ids = {h.id for h in first.results}
    for page in range(2, min(first.total // 100 + 2, 11)):
        ids |= {h.id for h in engine.search(SearchRequest(q=q, per_page=100, page=page, **extra)).results}
    return first, ids


def test_both_back_ends_match_the_same_documents(both: tuple[Any, Any, list[Article]]) -> None:
    whoosh, opensearch, articles = both
    compared = suggested = 0
    for q, extra in queries(articles):
        w, w_ids = answer(whoosh, q, extra)
        o, o_ids = answer(opensearch, q, extra)
        assert o.suggestion == w.suggestion, (q, extra)
        suggested += bool(w.suggestion)
        assert (o.total, o_ids) == (w.total, w_ids), (q, extra)
        assert o.to_json()["facets"] == w.to_json()["facets"], (q, extra)
        assert (o.notice, o.error) == (w.notice, w.error), (q, extra)
        compared += 1
    assert compared >= 100, compared
    assert suggested >= 5, suggested  # the misspelt queries are corrected, alike


@pytest.mark.parametrize(("q", "extra", "in_files"), [
    ("hộ nghèo Quỳnh Lưu", {}, True), ("may gat dap lien hop", {}, True), ('"nhà chống lũ"', {}, True),
    ("danh sách -Quỳnh", {}, False), ("", {"filetype": "any"}, False), ("kế hoạch", {"filetype": "docx"}, False)])
def test_attached_files_are_searched_alike(both: tuple[Any, Any, list[Article]], q: str, extra: dict[str, Any],
                                           in_files: bool) -> None:
    whoosh, opensearch, _ = both
    w, o = (engine.search(SearchRequest(q=q, per_page=100, **extra)) for engine in (whoosh, opensearch))
    # the same matches, each naming the same file pages (the order of near-equal scores may differ)
    assert o.total == w.total <= 100 and w.results
    assert {h.id: h.attachment_matches for h in o.results} == {h.id: h.attachment_matches for h in w.results}
    assert any(h.attachment_matches for h in w.results) == in_files


def test_pages_snippets_and_newest_first(both: tuple[Any, Any, list[Article]]) -> None:
    whoosh, opensearch, _ = both
    request = SearchRequest(q="hội nghị", sort="newest", per_page=5, page=2)
    w, o = whoosh.search(request), opensearch.search(request)
    assert [h.published for h in o.results] == [h.published for h in w.results]
    assert all("<mark>" in h.snippet for h in o.results)
    assert opensearch.doc_count() == whoosh.doc_count()
    related = opensearch.more_like_this(ARTICLES[0].id)
    assert related and ARTICLES[0].id not in {h.id for h in related}


def test_updates_are_incremental_and_a_rebuild_swaps_the_alias(opensearch_cluster: Any, tmp_path: Path) -> None:
    config = EngineConfig(tmp_path, "opensearch", opensearch_url=opensearch_cluster.url,
                          opensearch_index=f"incremental-{os.getpid()}", opensearch_replicas=0)
    with Archive(config.archive_path) as archive:
        archived(archive, ARTICLES)
        first = update_index(archive, config)
        assert first.rebuilt and first.added == len(ARTICLES) and first.analysed == len(ARTICLES)
        assert update_index(archive, config).unchanged == len(ARTICLES)
        archive.upsert(replace(ARTICLES[1], body=ARTICLES[1].body + " Hội nghị xúc tiến đầu tư."))
        archive.delete(ARTICLES[2].id)
        stats = update_index(archive, config)
        assert (stats.added, stats.updated, stats.deleted, stats.rebuilt, stats.analysed) == (0, 1, 1, False, 1)
        engine = open_search(config)
        assert [h.id for h in engine.search(SearchRequest(q="xuc tien dau tu")).results] == [ARTICLES[1].id]
        assert engine.doc_count() == len(ARTICLES) - 1
        rebuilt = update_index(archive, config, rebuild=True)
        assert rebuilt.rebuilt and rebuilt.added == len(ARTICLES) - 1
        assert rebuilt.analysed == 0  # every article's words come from the segmentation cache
        assert engine.doc_count() == len(ARTICLES) - 1  # the same engine follows the alias
        engine.close()
    drop(opensearch_cluster.url, config.opensearch_index)


def test_a_cluster_that_is_down_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    with socket.socket() as s:  # a port nothing listens on: bound, never listening
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}"
        monkeypatch.setenv("TRACUU_BACKEND", "opensearch")
        monkeypatch.setenv("TRACUU_OPENSEARCH_URL", url)
        result = CliRunner().invoke(cli, ["--data-dir", str(tmp_path), "search", "hoi nghi"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"OpenSearch at {url} is not reachable" in result.stderr
    with pytest.raises(IndexerError, match="not reachable"):
        open_search(EngineConfig(tmp_path, "opensearch", opensearch_url=url)).search(SearchRequest(q="x"))


def test_searches_go_on_when_a_node_stops(opensearch_cluster: Any, tmp_path: Path) -> None:
    """One replica on two nodes, the engine given both: with the second node stopped the same answers come."""
    config = EngineConfig(tmp_path, "opensearch", opensearch_url=",".join(opensearch_cluster.nodes),
                          opensearch_index=f"failover-{os.getpid()}", opensearch_replicas=1)
    with Archive(config.archive_path) as archive:
        archived(archive, ARTICLES)
        update_index(archive, config)
    engine = open_search(config)
    import httpx

    for _ in range(120):  # the replica is allocated shortly after the index is created
        health = httpx.get(f"{opensearch_cluster.url}/_cluster/health/{config.opensearch_index}", timeout=5).json()
        if health["status"] == "green":
            break
        time.sleep(0.25)
    assert health["status"] == "green"
    before = engine.search(SearchRequest(q="hội nghị tổng kết")).to_json()
    assert before["total"] > 0
    opensearch_cluster.stop_node(2)
    try:
        assert engine.search(SearchRequest(q="hội nghị tổng kết")).to_json()["results"] == before["results"]
        assert engine.doc_count() == len(ARTICLES)
    finally:
        opensearch_cluster.start_node(2)
        engine.close()
        drop(opensearch_cluster.url, config.opensearch_index)


def test_a_document_opensearch_refuses_is_reported_by_id_and_the_rest_are_indexed(
        opensearch_cluster: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a facet value over Lucene's 32 766-byte term limit: OpenSearch refuses that one document
    bad = replace(ARTICLES[0], id="qua-dai", url="http://sct.test/qua-dai", department="Phòng " + "x" * 40_000)
    alias = f"refused-{os.getpid()}"
    with Archive(tmp_path / "archive.sqlite3") as archive:
        archived(archive, [*ARTICLES, bad])
    monkeypatch.setenv("TRACUU_BACKEND", "opensearch")
    monkeypatch.setenv("TRACUU_OPENSEARCH_URL", opensearch_cluster.url)
    monkeypatch.setenv("TRACUU_OPENSEARCH_INDEX", alias)
    monkeypatch.setenv("TRACUU_OPENSEARCH_REPLICAS", "0")
    result = CliRunner().invoke(cli, ["--data-dir", str(tmp_path), "index"])
    assert result.exit_code == 0, result.output
    assert f"Index: {len(ARTICLES)} added" in result.stdout
    assert "not indexed: qua-dai: index: " in result.stderr
    engine = open_search(EngineConfig(tmp_path, "opensearch", opensearch_url=opensearch_cluster.url,
                                      opensearch_index=alias))
    assert engine.doc_count() == len(ARTICLES)
    engine.close()
    drop(opensearch_cluster.url, alias)


def test_the_vocabulary_counts_every_shard(opensearch_cluster: Any, tmp_path: Path) -> None:
    """Term statistics are a shard's: with three shards the suggester's counts are still the whole index's,
    the same as Whoosh's over the same articles."""
    from indexer.engine.suggest import Suggester
    from indexer.opensearch_engine.vocabulary import OpenSearchVocabulary, ShardRoutings
    from indexer.whoosh_engine.reader.vocabulary import WhooshVocabulary

    whoosh = EngineConfig(tmp_path)
    config = EngineConfig(tmp_path, "opensearch", opensearch_url=opensearch_cluster.url,
                          opensearch_index=f"shards-{os.getpid()}", opensearch_shards=3, opensearch_replicas=0)
    with Archive(config.archive_path) as archive:
        archived(archive, ARTICLES)
        update_index(archive, whoosh)
        update_index(archive, config)
    index = open_search(whoosh)
    engine = open_search(config)
    try:
        ours = WhooshVocabulary(index._generation()[0].reader())
        theirs = OpenSearchVocabulary(engine.client, config.opensearch_index, ShardRoutings())
        words = ["hội_nghị", "tổng_kết", "khuyến_công", "không_có_từ_này"]
        assert theirs.word_df(words) == ours.word_df(words) and ours.word_df(["hội_nghị"])["hội_nghị"] >= 2
        syllables = ["hội", "nghị", "năm", "xyzzy"]
        assert theirs.syllable_df(syllables) == ours.syllable_df(syllables)
        alias = config.opensearch_index
        routings = ShardRoutings().of(engine.client, alias)
        assert len(set(routings)) == 3

        class OneShard(ShardRoutings):
            def __init__(self, routing: str | None) -> None:
                super().__init__()
                self.routing = routing

            def of(self, client: Any, alias: str) -> list[str | None]:
                return [self.routing]

        per_shard = [OpenSearchVocabulary(engine.client, alias, OneShard(r)).syllable_df(["hội"]) for r in routings]
        assert sum(c["hội"] for c in per_shard) == ours.syllable_df(["hội"])["hội"]
        assert sum(1 for c in per_shard if c["hội"]) >= 2  # the counts really are spread over the shards
        assert theirs.forms(["hoi", "duoc", "nghi"]) == ours.forms(["hoi", "duoc", "nghi"])
        assert theirs.near("nghj") == ours.near("nghj")
        assert theirs.adjacent([("hoi", "nghi"), ("nghi", "hoi")]) == ours.adjacent([("hoi", "nghi"), ("nghi", "hoi")])
        assert Suggester(theirs).suggest(parse_query("hôi nghị tông kết"), total=0) == "hội nghị tổng kết"
    finally:
        index.close()
        engine.close()
        drop(opensearch_cluster.url, config.opensearch_index)
