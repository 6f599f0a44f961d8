"""An article as the Whoosh index's fields: analysed text, stored fields, facets.

Used by `build` in this process and by `parallel`'s workers, so both write the same documents.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from archive import Article
from indexer.analysis.bulkwords import joined_words
from indexer.analysis.segcache import SegmentCache
from indexer.analysis.text import analyze
from indexer.engine.base import IndexStats
from indexer.engine.documents import Hashed, article_fields, attached_text, token_fields
from indexer.whoosh_engine.writer.segwriter import WORDS


def article_tokens(title: str, body: str, words: str | None = None, attached: str = "") -> dict[str, str]:
    """Every analysed field of one article, as FastSegmentWriter.add_document takes them: the indexed
    fields, and under WORDS its segmented words (counted for suggestions, and kept in the cache).

    `words`: the article's segmented words from the cache, if it has them; segmentation is skipped.
    `attached`: the text of its attached files, indexed but not segmented (suggestions come from posts).
    """
    segment = words is None
    t, b = analyze(title, segment=segment), analyze(body, segment=segment)
    a = analyze(attached, segment=False) if attached else None
    return {**token_fields(t, b, a), WORDS: joined_words(t, b) if words is None else words}


def document(article: Article, content_hash: str, tokens: dict[str, str]) -> dict[str, object]:
    """FastSegmentWriter.add_document's arguments for one article."""
    return {**article_fields(article, content_hash), **tokens}


def prepare(article: Article, content_hash: str, words: str | None) -> tuple[dict[str, object], str | None]:
    """One article's add_document arguments, and its segmented words when they were made now (for
    the cache); `words`: the cache's, or None to segment."""
    tokens = article_tokens(article.title, article.body, words, attached_text(article))
    return document(article, content_hash, tokens), (tokens[WORDS] if words is None else None)


def analysed_documents(articles: Iterable[Hashed], cache: SegmentCache,
                       stats: IndexStats) -> Iterator[dict[str, object]]:
    """Documents for `articles` in this process, segmenting only those the cache lacks."""
    batch: list[Hashed] = []

    def flush() -> Iterator[dict[str, object]]:
        cached = cache.get_many(key for _article, key in batch)
        for article, key in batch:
            doc, fresh = prepare(article, key, cached.get(key))
            if fresh is not None:
                cached[key] = fresh
                cache.put(key, fresh)
                stats.analysed += 1
            yield doc
        cache.commit()

    for item in articles:
        batch.append(item)
        if len(batch) == 200:
            yield from flush()
            batch = []
    yield from flush()
