"""The search contract every back end honours: requests, responses, query syntax, snippets, errors.

Nothing here knows an index format. The web app and the CLI build a `SearchRequest`, get a
`SearchResponse` from whichever engine `indexer.backend` opened, and render it.
"""

from indexer.engine.attachment_hits import AttachmentMatch, attachment_matches, file_name
from indexer.engine.base import IndexStats, Progress, SearchEngine
from indexer.engine.documents import article_event_dates, article_people, file_type
from indexer.engine.request import FACETS, FILETYPES, LABELS, MAX_PAGE, MAX_PER_PAGE, InvalidParameter, SearchRequest
from indexer.engine.response import FacetValue, SearchHit, SearchResponse, event_label
from indexer.engine.snippets import make_snippet, mark_query, mark_text, query_terms
from indexer.errors import IndexerError, IndexFormatError, IndexLockedError, IndexMissingError

__all__ = [
    "FACETS", "FILETYPES", "LABELS", "MAX_PAGE", "MAX_PER_PAGE", "AttachmentMatch", "FacetValue", "IndexFormatError",
    "IndexLockedError",
    "IndexMissingError", "IndexStats", "IndexerError", "InvalidParameter", "Progress", "SearchEngine",
    "SearchHit", "SearchRequest", "SearchResponse", "article_event_dates", "article_people", "attachment_matches",
    "event_label", "file_name", "file_type", "make_snippet", "mark_query", "mark_text", "query_terms",
]
