"""The Whoosh schema: which fields exist and why. Text fields take tokens made by `analysis`."""

from __future__ import annotations

from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema

# Bump when fields change; together with analysis.ANALYSIS_VERSION it decides when to rebuild.
SCHEMA_VERSION = 1

FACETS = ("year", "department", "category", "site")


def build_schema() -> Schema:
    """Fields, one reason each.

    Tokens are produced by `indexer.analysis` and joined by spaces, so every text field only
    splits on whitespace: the Vietnamese logic lives in one place, shared with queries.
    """
    tokens = SpaceSeparatedTokenizer()
    return Schema(
        # the archive's id (updates replace by it) and content hash: columns, so `update_index`
        # diffs 100 000 articles against the archive without loading stored fields
        id=ID(stored=True, unique=True, sortable=True),
        content_hash=ID(stored=True, sortable=True),
        title=STORED(), url=STORED(), published=STORED(),  # shown in results without a DB trip
        # folded syllables with positions: matching without diacritics, and phrases
        title_f=TEXT(analyzer=tokens, phrase=True, field_boost=2.0),
        body_f=TEXT(analyzer=tokens, phrase=True),
        # exact (tone-normalised) syllables: an exact-diacritic match ranks above a folded one
        title_s=TEXT(analyzer=tokens, phrase=False, field_boost=2.0),
        body_s=TEXT(analyzer=tokens, phrase=False),
        # whole words from underthesea: a whole-word match ranks above scattered syllables
        words=TEXT(analyzer=tokens, phrase=False),
        # document numbers and dates kept whole ("15/2003/qh11")
        codes=TEXT(analyzer=tokens, phrase=False),
        # facets and filters: one column each, counted per query
        year=ID(stored=True, sortable=True),
        department=ID(stored=True, sortable=True),
        category=ID(stored=True, sortable=True),
        site=ID(stored=True, sortable=True),
        # yyyymmddHHMM: sort by newest and filter by date range
        pubdate=NUMERIC(bits=64, stored=False, sortable=True, signed=False),
    )
